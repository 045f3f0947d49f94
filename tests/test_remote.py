"""``medvlm-kg query NAME --endpoint URL``: every bundled query answers on a real Oxigraph server exactly as
locally; parameters stay plain values there too; failures are one line without a credential."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import DATA
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.problems import CatalogError
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.sparql.publish import publish
from medvlm_kg.sparql.query import BundledQuery, Param, bind, bundled_queries, local_store, run_local
from medvlm_kg.sparql.remote import run_remote, top_level_keywords
from stores import CREDENTIALS, SECRET, OxigraphServer, StubServer, cli, closed_port, comparable, query_shape

QUERIES = bundled_queries()
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
ATTACKS = [
    '"} ; DROP ALL #',
    "\"'\"\"\"''' } } ; CLEAR DEFAULT",
    "<http://x>",
    "x> } ; INSERT DATA { <http://a> <http://b> <http://c> } #",
    "back\\slash \\u0022 \\n",
    "line\nbreak\r\ttab",
    "VALUES ?text { 1 }",
    "",
    "skin",
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA)


@pytest.fixture(scope="module")
def store(catalog):
    return local_store(convert(catalog))


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory, catalog):
    """A real Oxigraph server holding the published catalog graph."""
    with OxigraphServer(tmp_path_factory.mktemp("remote") / "oxigraph") as server:
        publish(DATA, server.store_url, echo=lambda _: None)
        yield server


def _examples(query: BundledQuery) -> list[str]:
    return [f"--param={p.name}={p.example}" for p in query.params]


@pytest.fixture(scope="module")
def remote_answers(oxigraph) -> dict:
    """``medvlm-kg query NAME --endpoint …/query`` for every bundled query, run four at a time."""

    def ask(query: BundledQuery):
        return cli("query", query.name, *_examples(query), "--format", "json", "--endpoint", oxigraph.query_url)

    with ThreadPoolExecutor(4) as pool:
        return dict(zip(QUERIES, pool.map(ask, QUERIES.values()), strict=True))


def test_there_are_bundled_queries_to_compare():
    assert len(QUERIES) >= 10


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_bundled_query_answers_remotely_as_locally(name, remote_answers, store, catalog):
    query = QUERIES[name]
    remote = remote_answers[name]
    assert remote.returncode == 0, remote.stderr
    local = run_local(store, query, bind(query, {p.name: p.example for p in query.params}, catalog.base_iri))
    assert comparable(remote.stdout, query.text) == comparable(local, query.text)
    if query.form == "SELECT":
        assert json.loads(remote.stdout)["head"]["vars"] == local.variables  # the same column order


def test_a_remote_answer_in_another_order_fails_the_comparison(remote_answers):
    """A test of the test above: every ordered bundled query's remote answer, with its first row moved to the
    end, no longer compares equal (so a store that ignored ORDER BY would fail it)."""
    checked = []
    for name, query in QUERIES.items():
        form, order = query_shape(query.text)
        if form != "SELECT" or order is None:
            continue
        answer = json.loads(remote_answers[name].stdout)
        rows = answer["results"]["bindings"]
        if len({json.dumps([row.get(v) for v in order]) for row in rows}) < 2:
            continue  # one sort key only: any order is the promised one
        moved = {**answer, "results": {"bindings": rows[1:] + rows[:1]}}
        assert comparable(json.dumps(moved), query.text) != comparable(remote_answers[name].stdout, query.text)
        checked.append(name)
    assert len(checked) >= 15, checked


def _results(variables: list[str], *rows: tuple) -> str:
    bindings = [{v: {"type": "literal", "value": x} for v, x in zip(variables, row, strict=True)} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})


def test_the_comparison_keeps_order_ties_duplicates_and_blank_nodes_as_promised():
    ordered = "SELECT ?k ?v WHERE { ?k <http://e/p> ?v } ORDER BY ?k"
    a, b, c = ("1", "a"), ("1", "b"), ("2", "c")
    kv = ["k", "v"]
    assert comparable(_results(kv, a, b, c), ordered) == comparable(_results(kv, b, a, c), ordered)  # a tie
    assert comparable(_results(kv, a, b, c), ordered) != comparable(_results(kv, c, a, b), ordered)
    assert comparable(_results(kv, a, b, c), ordered) != comparable(_results(kv, a, c), ordered)
    unordered = "SELECT ?k WHERE { ?k <http://e/p> ?v }"
    assert comparable(_results(["k"], ("1",), ("2",), ("1",)), unordered) == comparable(
        _results(["k"], ("2",), ("1",), ("1",)), unordered
    )
    assert comparable(_results(["k"], ("1",), ("2",), ("1",)), unordered) != comparable(
        _results(["k"], ("1",), ("2",)),
        unordered,  # one duplicate row lost
    )
    graph = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    one = "_:x <http://e/p> _:y . _:y <http://e/q> 1 ."
    assert comparable(one, graph) == comparable("_:b1 <http://e/p> _:b2 . _:b2 <http://e/q> 1 .", graph)
    assert comparable(one, graph) != comparable("_:b1 <http://e/p> _:b2 . _:b3 <http://e/q> 1 .", graph)
    with pytest.raises(AssertionError, match="ORDER BY uses"):
        comparable(_results(["v"], ("a",)), "SELECT ?v WHERE { ?k <http://e/p> ?v } ORDER BY ?k")


def _echo_query(tmp_path: Path) -> BundledQuery:
    """A query whose answer is its parameter, as the store received it."""
    text = "SELECT ?text (STRLEN(?text) AS ?length) WHERE { }\n"
    return BundledQuery("echo", "Echo", "", (Param("text", "string", "", "x"),), "", text, tmp_path / "echo.rq")


def test_injection_attempts_stay_plain_values_and_the_store_is_intact(oxigraph, store, catalog, tmp_path):
    before = oxigraph.count()
    echo = _echo_query(tmp_path)
    search = QUERIES["search"]  # the bundled query that takes free text
    for attack in ATTACKS:
        answer = run_remote(oxigraph.query_url, echo, {ox.Variable("text"): ox.Literal(attack)})
        assert answer.rows == [[ox.Literal(attack), ox.Literal(str(len(attack)), datatype=ox.NamedNode(XSD_INTEGER))]]
        bindings = bind(search, {"text": attack}, catalog.base_iri)
        remote = run_remote(oxigraph.query_url, search, bindings, catalog.base_iri + "catalog")
        assert Counter(map(tuple, remote.rows)) == Counter(map(tuple, run_local(store, search, bindings).rows))
    assert oxigraph.count() == before


def test_injection_through_the_cli_gives_the_local_answer(oxigraph):
    before = oxigraph.count()
    attack = '"} ; DROP ALL #'
    remote = cli("query", "search", "--param", f"text={attack}", "--format", "json", "--endpoint", oxigraph.query_url)
    local = cli("query", "search", "--param", f"text={attack}", "--format", "json")
    assert remote.returncode == local.returncode == 0, remote.stderr + local.stderr
    assert comparable(remote.stdout, QUERIES["search"].text) == comparable(local.stdout, QUERIES["search"].text)
    assert oxigraph.count() == before


def test_the_graph_option_chooses_the_default_graph(oxigraph, catalog, tmp_path):
    query = BundledQuery("count", "Count", "", (), "", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", tmp_path / "c.rq")
    in_catalog = run_remote(oxigraph.query_url, query, {}, catalog.base_iri + "catalog").rows[0][0].value
    elsewhere = run_remote(oxigraph.query_url, query, {}, "https://example.org/empty").rows[0][0].value
    assert int(in_catalog) == oxigraph.count() and int(elsewhere) == 0


def _assert_one_clean_line(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert SECRET not in result.stdout + result.stderr
    return lines[0]


def test_remote_wrong_path_is_one_line(oxigraph):
    args = ("query", "newest-first", "--endpoint", oxigraph.url + "/nope")
    line = _assert_one_clean_line(cli(*args, env=CREDENTIALS["bearer"]))
    assert "404 Not Found" in line and "/query" in line


def test_remote_refused_connection_is_one_line():
    url = f"http://127.0.0.1:{closed_port()}/query"
    env = {**CREDENTIALS["basic"], "MEDVLM_KG_ENDPOINT_RETRIES": "1"}
    line = _assert_one_clean_line(cli("query", "newest-first", "--endpoint", url, env=env))
    assert "connection refused" in line and url in line


def test_remote_401_is_one_line_and_the_credentials_were_sent():
    with StubServer("auth") as stub:
        line = _assert_one_clean_line(
            cli("query", "newest-first", "--endpoint", stub.url + "/query", env=CREDENTIALS["basic"])
        )
    assert "401 Unauthorized" in line
    assert stub.requests[0][2]["Authorization"].startswith("Basic ")


def test_remote_timeout_is_one_line():
    env = {**CREDENTIALS["bearer"], "MEDVLM_KG_ENDPOINT_TIMEOUT": "0.5", "MEDVLM_KG_ENDPOINT_RETRIES": "1"}
    with StubServer("silent") as stub:
        line = _assert_one_clean_line(cli("query", "newest-first", "--endpoint", stub.url + "/query", env=env))
    assert "no answer within 0.5 s" in line


def test_errors_from_the_library_carry_no_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDVLM_KG_ENDPOINT_TOKEN", SECRET)
    query = _echo_query(tmp_path)
    with StubServer("auth") as stub, pytest.raises(CatalogError) as caught:
        run_remote(f"http://user:{SECRET}@127.0.0.1:{stub.port}/query", query, {ox.Variable("text"): ox.Literal("x")})
    assert SECRET not in str(caught.value) + repr(caught.value) + repr(caught.value.problems)
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)  # nothing chained


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "PREFIX ex: <http://e/#> SELECT * FROM <http://g> WHERE { ?s ex:from '}' }",
            ["PREFIX", "SELECT", "FROM", "WHERE"],
        ),
        ("# INSERT {\nSELECT ?x WHERE { { SELECT ?x WHERE { } } } ORDER BY ?x", ["SELECT", "WHERE", "ORDER", "BY"]),
        ('INSERT DATA { <a> <b> """}""" }', ["INSERT", "DATA"]),
    ],
)
def test_top_level_keywords_skip_groups_strings_iris_and_comments(text, words):
    assert top_level_keywords(text) == words
