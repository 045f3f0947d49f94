"""``medvlm-kg publish``: the catalog graph into a named graph of a real Oxigraph server, by the Graph Store
Protocol and by SPARQL Update; idempotent, counted, and every failure one line without a credential."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import shutil

import httpx
import pytest
import rdflib

from conftest import DATA, ROOT
from medvlm_kg.build.output import manifest_path
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.problems import CatalogError
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.sparql.publish import publish, query_endpoint_for
from medvlm_kg.sparql.query import bind, bundled_queries, local_store, run_local
from medvlm_kg.sparql.remote import endpoint_from_env
from stores import CREDENTIALS, SECRET, OxigraphServer, StubServer, VirtuosoServer, cli, closed_port, comparable

CATALOG = "https://w3id.org/medvlm-kg/catalog"


# The vocabulary and concept schemes the bundled queries read beside the catalog graph (README: publish loads
# "the graph" the queries run over), as this repository's source files.
QUERYABLE_ONTOLOGY = ("vocab.ttl", "modality.ttl", "task.ttl", "unit.ttl", "platform.ttl")


@pytest.fixture(scope="module")
def expected_graph(built) -> rdflib.Graph:
    """What a store must hold after publishing, known without the code under test: the catalog.nt.gz that
    ``medvlm-kg build`` wrote (unpacked by the standard library) and the ontology's source files, read by rdflib
    (not Oxigraph, not our code)."""
    graph = rdflib.Graph()
    graph.parse(data=gzip.decompress((built / "catalog.nt.gz").read_bytes()).decode("utf-8"), format="nt")
    for name in QUERYABLE_ONTOLOGY:
        graph.parse(ROOT / "ontology" / name, format="turtle")
    assert not any(isinstance(term, rdflib.BNode) for triple in graph for term in triple)  # so sets compare
    return graph


@pytest.fixture(scope="module")
def expected(expected_graph) -> int:
    """How many distinct triples that is (2,950 when this was written; any catalog edit changes it)."""
    return len(expected_graph)


def _stored(server: OxigraphServer, graph: str = CATALOG) -> set:
    """The named graph as the store gives it back (Graph Store GET, N-Triples), read by rdflib."""
    answer = httpx.get(server.store_url, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    answer.raise_for_status()
    return set(rdflib.Graph().parse(data=answer.text, format="nt"))


@pytest.fixture
def oxigraph(tmp_path):
    with OxigraphServer(tmp_path / "oxigraph") as server:
        yield server


def _assert_one_clean_line(result, *, secret: str = SECRET) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert secret not in result.stdout + result.stderr
    return lines[0]


def test_publish_gsp_to_a_fresh_oxigraph_then_again_gives_the_same_count(oxigraph, expected, expected_graph):
    first = cli("publish", "--endpoint", oxigraph.store_url)
    assert first.returncode == 0, first.stderr
    assert oxigraph.count(CATALOG) == expected
    assert _stored(oxigraph) == set(expected_graph)  # the very triples, not only as many
    assert f"published {expected:,} triples to <{CATALOG}> at {oxigraph.store_url} (store has {expected:,})" in (
        first.stdout
    )

    again = cli("publish", "--endpoint", oxigraph.store_url)
    assert again.returncode == 0, again.stderr
    assert oxigraph.count(CATALOG) == expected
    assert oxigraph.count() == expected  # nothing left beside the graph: PUT replaced it


def test_publish_update_replaces_what_the_graph_held_in_batches(oxigraph, expected, expected_graph):
    oxigraph.update(f"INSERT DATA {{ GRAPH <{CATALOG}> {{ <http://example.org/stale> <http://example.org/p> 1 }} }}")
    published = publish(DATA, oxigraph.update_url, method="update", batch_size=500, echo=lambda _: None)
    assert published.stored == published.sent == expected
    assert oxigraph.count(CATALOG) == expected
    assert _stored(oxigraph) == set(expected_graph)
    assert not oxigraph.select("SELECT * WHERE { GRAPH ?g { <http://example.org/stale> ?p ?o } }")

    result = cli("publish", "--endpoint", oxigraph.update_url, "--method", "update")
    assert result.returncode == 0, result.stderr
    assert oxigraph.count() == expected


def test_publish_to_another_graph_leaves_the_catalog_graph_alone(oxigraph, expected):
    publish(DATA, oxigraph.store_url, echo=lambda _: None)
    result = cli("publish", "--endpoint", oxigraph.store_url, "--graph", "https://example.org/staging")
    assert result.returncode == 0, result.stderr
    assert oxigraph.count("https://example.org/staging") == expected
    assert oxigraph.count(CATALOG) == expected


def test_dry_run_prints_what_it_would_send_and_sends_nothing(oxigraph, expected):
    result = cli(
        "publish", "--endpoint", oxigraph.update_url, "--method", "update", "--dry-run", env=CREDENTIALS["basic"]
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "dry run: nothing is sent (basic authentication from MEDVLM_KG_ENDPOINT_USER/MEDVLM_KG_ENDPOINT_PASSWORD)"
        in out
    )
    assert f"POST {oxigraph.update_url}" in out and f"DROP SILENT GRAPH <{CATALOG}>" in out
    assert f"{expected:,} triples in all" in out and "INSERT DATA" in out
    assert SECRET not in out + result.stderr
    assert oxigraph.count() == 0

    lines: list[str] = []
    publish(DATA, oxigraph.store_url, dry_run=True, echo=lines.append)
    put = f"PUT {oxigraph.store_url} ?graph={CATALOG}  Content-Type: application/n-triples  (the first batch)"
    assert put in lines and f"  {expected:,} triples in all" in lines
    assert oxigraph.count() == 0


def test_an_invalid_catalog_is_not_published(oxigraph, catalog_copy):
    target = catalog_copy / "datasets" / "pathmmu.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("modality: [", "modality: [patholgy, "), "utf-8")
    result = cli("publish", "--data", str(catalog_copy), "--endpoint", oxigraph.store_url)
    assert result.returncode == 1
    assert "patholgy" in result.stderr and "Traceback" not in result.stderr
    assert oxigraph.count() == 0


def test_wrong_path_is_one_line_404_without_the_secret(oxigraph):
    result = cli("publish", "--endpoint", oxigraph.url + "/no-such-path", env=CREDENTIALS["bearer"])
    line = _assert_one_clean_line(result)
    assert "404 Not Found" in line and "/store" in line


def test_refused_connection_is_one_line_after_retries_without_the_secret():
    url = f"http://127.0.0.1:{closed_port()}/store"
    result = cli("publish", "--endpoint", url, env={**CREDENTIALS["basic"], "MEDVLM_KG_ENDPOINT_RETRIES": "2"})
    line = _assert_one_clean_line(result)
    assert "connection refused (after 2 tries)" in line and url in line


@pytest.mark.parametrize("credentials", sorted(CREDENTIALS))
def test_401_is_one_line_naming_the_variables_never_their_values(credentials):
    with StubServer("auth") as stub:
        result = cli("publish", "--endpoint", stub.url + "/store", env=CREDENTIALS[credentials])
    line = _assert_one_clean_line(result)
    assert "401 Unauthorized" in line and "did not accept the credentials" in line
    sent = [headers.get("Authorization", "") for _, _, headers in stub.requests]
    assert sent and all(value.startswith(("Basic ", "Bearer ")) for value in sent)  # they were sent, not shown


def test_401_without_credentials_says_which_variables_to_set():
    with StubServer("auth") as stub:
        line = _assert_one_clean_line(cli("publish", "--endpoint", stub.url + "/store"))
    assert "MEDVLM_KG_ENDPOINT_USER and MEDVLM_KG_ENDPOINT_PASSWORD" in line and "MEDVLM_KG_ENDPOINT_TOKEN" in line


def test_a_store_that_never_answers_times_out_in_one_line_without_the_secret():
    env = {**CREDENTIALS["bearer"], "MEDVLM_KG_ENDPOINT_TIMEOUT": "0.5", "MEDVLM_KG_ENDPOINT_RETRIES": "1"}
    with StubServer("silent") as stub:
        result = cli("publish", "--endpoint", stub.url + "/store", env=env)
    line = _assert_one_clean_line(result)
    assert "no answer within 0.5 s" in line and "MEDVLM_KG_ENDPOINT_TIMEOUT" in line


def test_a_password_in_the_url_is_used_but_never_shown(monkeypatch):
    for name in ("MEDVLM_KG_ENDPOINT_USER", "MEDVLM_KG_ENDPOINT_PASSWORD", "MEDVLM_KG_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with StubServer("auth") as stub, pytest.raises(CatalogError) as caught:
        publish(DATA, f"http://curator:{SECRET}@127.0.0.1:{stub.port}/store", echo=print)
    shown = str(caught.value) + repr(caught.value.problems)
    assert SECRET not in shown and f"http://127.0.0.1:{stub.port}/store" in shown
    assert "did not accept the credentials from the URL" in shown
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)  # nothing chained
    assert stub.requests[0][2]["Authorization"].startswith("Basic ")


def test_bad_credential_settings_are_one_line_errors():
    line = _assert_one_clean_line(
        cli("publish", "--endpoint", "http://127.0.0.1:9/store", env={"MEDVLM_KG_ENDPOINT_PASSWORD": SECRET})
    )
    assert line.startswith("MEDVLM_KG_ENDPOINT_USER: is not set")
    both = {**CREDENTIALS["basic"], **CREDENTIALS["bearer"]}
    line = _assert_one_clean_line(cli("publish", "--endpoint", "http://127.0.0.1:9/store", env=both))
    assert "set only one of them" in line
    line = _assert_one_clean_line(cli("publish", "--endpoint", "ftp://example.org/store"))
    assert "is not an http(s) URL" in line


def test_a_5xx_is_retried_then_succeeds(oxigraph, expected):
    with StubServer("flaky", failures=1, forward_to=oxigraph.url) as stub:
        published = publish(
            DATA, stub.url + "/store", query_endpoint=oxigraph.query_url, backoff_s=0.01, echo=lambda _: None
        )
    assert published.stored == expected
    methods = [method for method, _, _ in stub.requests]
    # the first batch's PUT fails once and is sent again; the catalog's other batches (5,000 triples each) follow
    assert methods[:2] == ["PUT", "PUT"] and methods[2:] and set(methods[2:]) == {"POST"}


def test_a_count_that_differs_is_an_error(oxigraph, tmp_path, expected):
    # The count comes from another (empty) store than the one written, as a wrong query endpoint would.
    with OxigraphServer(tmp_path / "other") as other:
        with pytest.raises(CatalogError, match=f"has 0 triples after publishing, not {expected:,}"):
            publish(DATA, oxigraph.store_url, query_endpoint=other.query_url, echo=lambda _: None)
    assert oxigraph.count(CATALOG) == expected


@pytest.mark.parametrize(
    ("endpoint", "query"),
    [
        ("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/query"),
        ("http://127.0.0.1:7878/update", "http://127.0.0.1:7878/query"),
        ("http://localhost:3030/catalog/data", "http://localhost:3030/catalog/query"),
        ("http://localhost:8890/sparql-graph-crud-auth", "http://localhost:8890/sparql"),
        ("http://localhost:8890/sparql-auth", "http://localhost:8890/sparql-auth"),
        ("http://localhost:7200/repositories/kg/rdf-graphs/service", "http://localhost:7200/repositories/kg"),
        ("http://localhost:7200/repositories/kg/statements", "http://localhost:7200/repositories/kg"),
        ("https://example.org/blazegraph/sparql", "https://example.org/blazegraph/sparql"),
    ],
)
def test_query_endpoint_is_derived_from_the_write_endpoint(endpoint, query):
    assert query_endpoint_for(endpoint) == query


def test_virtuoso_as_a_second_store_publish_then_query(tmp_path, expected):
    digest = {
        "MEDVLM_KG_ENDPOINT_USER": VirtuosoServer.USER,
        "MEDVLM_KG_ENDPOINT_PASSWORD": VirtuosoServer.PASSWORD,
        "MEDVLM_KG_ENDPOINT_AUTH": "digest",
    }
    with VirtuosoServer(tmp_path / "virtuoso") as virtuoso:
        gsp = cli("publish", "--endpoint", virtuoso.url + "/sparql-graph-crud-auth", env=digest)
        assert gsp.returncode == 0, gsp.stderr
        assert f"(store has {expected:,})" in gsp.stdout
        update = cli("publish", "--endpoint", virtuoso.url + "/sparql-auth", "--method", "update", env=digest)
        assert update.returncode == 0, update.stderr
        assert f"(store has {expected:,})" in update.stdout
        remote = cli("query", "newest-first", "--format", "json", "--endpoint", virtuoso.url + "/sparql")
    assert remote.returncode == 0, remote.stderr
    query = bundled_queries()["newest-first"]
    catalog = load_catalog(DATA)
    local = run_local(local_store(convert(catalog)), query, bind(query, {}, catalog.base_iri))
    assert comparable(remote.stdout, query.text) == comparable(local, query.text)


def test_credentials_stay_out_of_debug_logs_and_reprs(monkeypatch, caplog, capsys):
    for name, value in CREDENTIALS["basic"].items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every request at this level
    with StubServer("auth") as stub, pytest.raises(CatalogError) as caught:
        publish(DATA, stub.url + "/store", echo=print)
    captured = capsys.readouterr()
    shown = caplog.text + captured.out + captured.err + str(caught.value) + repr(endpoint_from_env(stub.url))
    assert "HTTP Request: PUT" in caplog.text  # the requests were logged …
    assert SECRET not in shown  # … without the secret


def test_graph_store_publishing_goes_in_bounded_batches_and_replaces_the_graph(oxigraph, expected, expected_graph):
    first = publish(DATA, oxigraph.store_url, batch_size=500, echo=lambda _: None)
    again = publish(DATA, oxigraph.store_url, batch_size=700, echo=lambda _: None)  # other batch boundaries
    assert first.stored == again.stored == oxigraph.count() == expected
    assert _stored(oxigraph) == set(expected_graph)


def test_a_build_folder_is_published_from_its_catalog_nt_as_the_same_graph(oxigraph, built, expected):
    """``--from-build`` reads the built catalog.nt.gz a batch at a time (bounded memory at any size) and gives the
    store exactly the graph that publishing from data/ gives."""
    from_data = publish(DATA, oxigraph.store_url, graph_iri="https://example.org/from-data", echo=lambda _: None)
    result = cli("publish", "--endpoint", oxigraph.store_url, "--from-build", str(built))
    assert result.returncode == 0, result.stderr
    assert f"published {expected:,} triples to <{CATALOG}>" in result.stdout and "triples/s" in result.stdout
    assert from_data.stored == oxigraph.count(CATALOG) == expected
    only_in_one = """SELECT (COUNT(*) AS ?n) WHERE {
        { GRAPH <%s> { ?s ?p ?o } FILTER NOT EXISTS { GRAPH <%s> { ?s ?p ?o } } }
        UNION { GRAPH <%s> { ?s ?p ?o } FILTER NOT EXISTS { GRAPH <%s> { ?s ?p ?o } } } }"""
    a, b = "https://example.org/from-data", CATALOG
    assert oxigraph.select(only_in_one % (a, b, b, a))[0]["n"]["value"] == "0"

    again = publish(DATA, oxigraph.update_url, method="update", from_build=built, batch_size=300, echo=lambda _: None)
    assert again.sent == again.stored == expected  # by SPARQL Update too, in other batches: the same graph


def test_a_build_folder_dry_run_counts_what_it_would_send(oxigraph, built, expected):
    lines: list[str] = []
    publish(DATA, oxigraph.store_url, from_build=built, dry_run=True, batch_size=1000, echo=lines.append)
    assert f"  {expected:,} triples in all" in lines
    assert any(line.startswith(f"POST {oxigraph.store_url} ?graph={CATALOG}  × ") for line in lines)
    assert oxigraph.count() == 0


def test_a_changed_or_incomplete_build_folder_is_refused_before_anything_is_sent(oxigraph, built, tmp_path):
    copy = tmp_path / "build"
    shutil.copytree(built, copy)
    shutil.copytree(f"{built}.store", f"{copy}.store")  # the build's manifest lies beside its folder
    with (copy / "catalog.nt.gz").open("ab") as stream:  # one more gzip member: a valid dump, not the built one
        stream.write(gzip.compress(b"<https://example.org/x> <https://example.org/p> <https://example.org/o> .\n"))
    changed = cli("publish", "--endpoint", oxigraph.store_url, "--from-build", str(copy))
    assert "catalog.nt.gz" in _assert_one_clean_line(changed) and "medvlm-kg build --out" in changed.stderr

    manifest_path(copy).rename(tmp_path / "manifest-aside")
    unrecorded = cli("publish", "--endpoint", oxigraph.store_url, "--from-build", str(copy))
    assert "is not a complete build" in _assert_one_clean_line(unrecorded)

    (copy / "catalog.nt.gz").unlink()
    missing = cli("publish", "--endpoint", oxigraph.store_url, "--from-build", str(copy))
    assert "has no catalog.nt.gz" in _assert_one_clean_line(missing)
    empty = cli("publish", "--endpoint", oxigraph.store_url, "--from-build", str(tmp_path / "nothing-built"))
    assert empty.returncode in (1, 2) and "Traceback" not in empty.stderr
    assert oxigraph.count() == 0


def test_blank_nodes_in_a_built_catalog_nt_travel_in_one_request(oxigraph, built, tmp_path, expected):
    """A blank node label holds within one request only; the build writes none, but a folder that has them
    still publishes each as one node (its lines are held and sent together at the end)."""
    copy = tmp_path / "build"
    shutil.copytree(built, copy)
    shutil.copytree(f"{built}.store", f"{copy}.store")  # the build's manifest lies beside its folder
    extra = b'_:a <https://example.org/p> _:b .\n_:b <https://example.org/q> "x" .\n'
    with (copy / "catalog.nt.gz").open("ab") as stream:
        stream.write(gzip.compress(extra))
    manifest = json.loads(manifest_path(copy).read_text(encoding="utf-8"))
    manifest["files"]["catalog.nt.gz"] = hashlib.sha256((copy / "catalog.nt.gz").read_bytes()).hexdigest()
    manifest_path(copy).write_text(json.dumps(manifest), encoding="utf-8")

    published = publish(DATA, oxigraph.store_url, from_build=copy, batch_size=1, echo=lambda _: None)
    assert published.stored == expected + 2
    chain = "SELECT * WHERE { GRAPH ?g { ?a <https://example.org/p> ?b . ?b <https://example.org/q> 'x' } }"
    assert len(oxigraph.select(chain)) == 1
