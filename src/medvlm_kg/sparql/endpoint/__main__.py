"""``python -m medvlm_kg.sparql.endpoint``: one worker process of the endpoint's pool (see ``worker``)."""

from medvlm_kg.sparql.endpoint.worker import main

if __name__ == "__main__":
    main()
