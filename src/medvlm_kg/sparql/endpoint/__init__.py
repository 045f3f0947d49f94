"""The read-only SPARQL 1.1 endpoint that ``serve`` mounts at ``/sparql`` (issue 4).

Queries run in a small pool of worker processes, each holding the built graph in an in-memory Oxigraph
store: Oxigraph cannot cancel a query, so one that passes the time limit is stopped by killing its process
(the pool starts a fresh one), and the server stays responsive. Updates are refused. Answers follow the
SPARQL 1.1 Protocol (results JSON/XML/CSV/TSV, graphs Turtle/JSON-LD/N-Triples by ``Accept``); a browser
gets a small HTML form with the bundled queries as examples. Run as ``python -m medvlm_kg.sparql.endpoint`` it is
one worker, speaking length-prefixed JSON frames on stdin/stdout.

The pieces: ``routes`` (the Starlette routes and the request handler, the service description) over ``protocol``
(a request's parameters, the read-only guard and size limits), ``page`` (the HTML form and its results),
``pool`` (the worker processes, the time limit) and ``worker`` (one process: a query run, its answer written
in the ``formats`` negotiated, under the result limit). This module is their public surface.
"""

from medvlm_kg.sparql.endpoint.routes import sparql_routes

__all__ = ["sparql_routes"]
