"""Load the catalog graph into a named graph of any SPARQL 1.1 store, replacing it (idempotent).

Two standard ways in: the Graph Store HTTP Protocol (one ``PUT ?graph=IRI`` with N-Triples replaces the
graph) or SPARQL 1.1 Update (``DROP SILENT GRAPH`` then ``INSERT DATA`` in batches). What is loaded is
exactly what the bundled queries run over locally (``query.queryable_triples``), and the store's count of
the graph is checked at the end. Credentials come from the environment and are never shown (``remote``).

The triples come from the catalog in ``data/`` (checked first, held in memory) or, for a large catalog, from
a build folder: its ``catalog.nt.gz`` (which ``build`` validated) is read a batch at a time, so memory stays
bounded whatever the size.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from medvlm_kg.build.build import check
from medvlm_kg.build.output import beside, read_manifest
from medvlm_kg.problems import ERROR, CatalogError, Problem
from medvlm_kg.runtime.progress import track
from medvlm_kg.sparql.query import built_catalog_iri, built_sources, queryable_triples
from medvlm_kg.sparql.remote import (
    DEFAULT_BACKOFF_S,
    Endpoint,
    RetryableError,
    endpoint_from_env,
    timeout_message,
    with_retries,
)

__all__ = ["METHODS", "PublishResult", "publish", "query_endpoint_for"]

METHODS = ("gsp", "update")
BATCH_SIZE = 5_000
# SPARQL Update sends the triples as query text, which a store parses whole: Virtuoso 7 runs out of parser memory
# on an INSERT DATA of 5,000 triples (found on the 59-dataset catalog), so Update batches are smaller.
UPDATE_BATCH_SIZE = 1_000

# A store's query endpoint, from its Graph Store or update endpoint: (path suffix, replacement). The first
# match wins; a URL matching none is taken to answer queries itself (Virtuoso /sparql, Blazegraph, GraphDB).
_QUERY_PATHS = (
    ("/store", "/query"),  # Oxigraph: /store (GSP) → /query
    ("/update", "/query"),  # Oxigraph, Fuseki: /update → /query
    ("/data", "/query"),  # Fuseki: /DATASET/data (GSP) → /DATASET/query
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso GSP with Digest auth → its public /sparql
    ("/sparql-graph-crud", "/sparql"),
    ("/rdf-graphs/service", ""),  # GraphDB, RDF4J: /repositories/ID/rdf-graphs/service → /repositories/ID
    ("/statements", ""),  # GraphDB, RDF4J: /repositories/ID/statements → /repositories/ID
)


@dataclass(frozen=True)
class PublishResult:
    graph_iri: str
    endpoint: str  # without credentials
    method: str
    sent: int  # triples sent (0 on a dry run)
    stored: int | None  # the store's count of the graph afterwards (None on a dry run)
    seconds: float


def query_endpoint_for(url: str) -> str:
    """Where to send the check's SELECT COUNT, given the URL the graph was written to (see ``_QUERY_PATHS``)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for suffix, replacement in _QUERY_PATHS:
        if path.endswith(suffix):
            return urlunsplit(parts._replace(path=path[: -len(suffix)] + replacement, query="", fragment=""))
    return urlunsplit(parts._replace(query="", fragment=""))


@dataclass(frozen=True)
class _Source:
    """What is sent: the catalog IRI and the triples as batches, read afresh on each pass."""

    catalog_iri: str
    batches: Callable[[], Iterator[list[ox.Triple]]]
    batch_count: int  # for the progress bar


def _plain(quad) -> ox.Triple:
    # pyoxigraph parses into Quads, which never equal Triples
    return ox.Triple(quad.subject, quad.predicate, quad.object)


def _checked_source(data_dir: Path | str, batch_size: int) -> _Source:
    """The catalog in ``data_dir``, after both validation layers (errors stop here), held in memory."""
    catalog, graph, problems = check(data_dir)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or catalog is None or graph is None:
        raise CatalogError(errors or problems)
    triples = list(dict.fromkeys(_plain(t) for t in queryable_triples(graph)))
    count = sum(1 for _ in _batches(triples, batch_size))
    return _Source(graph.catalog_iri, lambda: _batches(triples, batch_size), count)


def _built_source(out_dir: Path | str, batch_size: int) -> _Source:
    """A build folder's graph: the ontology files first (small, one batch), then ``catalog.nt.gz`` read
    ``batch_size`` lines at a time. The file must be the one its build recorded (same SHA-256)."""
    sources = built_sources(out_dir, "--from-build")
    catalog_nt, ontology_files = sources[0], sources[1:]
    rebuild = "run medvlm-kg build --out " + str(out_dir)
    recorded = read_manifest(out_dir)["files"].get(catalog_nt.name)
    if recorded is None:
        what = f"is not a complete build (no manifest beside it in {beside(out_dir).name}/: copied without it?)"
        raise CatalogError(Problem(str(out_dir), None, "--from-build", what, rebuild))
    sha = hashlib.sha256()
    with catalog_nt.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
    lines = 0
    with gzip.open(catalog_nt, "rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    if sha.hexdigest() != recorded:
        raise CatalogError(
            Problem(str(catalog_nt), None, "--from-build", "is not the file its build wrote (changed since?)", rebuild)
        )
    try:
        catalog_iri = built_catalog_iri(catalog_nt)
    except (ValueError, SyntaxError) as error:
        raise CatalogError(Problem(str(catalog_nt), None, "--from-build", str(error), rebuild)) from None

    def batches() -> Iterator[list[ox.Triple]]:
        ontology: dict[ox.Triple, None] = {}
        for path in ontology_files:
            ontology.update(dict.fromkeys(_plain(q) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
        yield list(ontology)
        held: list[bytes] = []  # lines naming a blank node: its label holds only within one request
        with gzip.open(catalog_nt, "rb") as stream:
            while chunk := list(islice(stream, batch_size)):
                held += [line for line in chunk if b"_:" in line]
                plain = b"".join(line for line in chunk if b"_:" not in line)
                batch = [t for t in map(_plain, ox.parse(plain, format=ox.RdfFormat.N_TRIPLES)) if t not in ontology]
                if batch:
                    yield batch
        if held:
            yield [t for t in map(_plain, ox.parse(b"".join(held), format=ox.RdfFormat.N_TRIPLES)) if t not in ontology]

    return _Source(catalog_iri, batches, 1 + -(-lines // batch_size))


def _batches(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Batches of ``size`` triples; triples with blank nodes all go in the last one, since a blank node label
    is local to one INSERT DATA request."""
    blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    plain = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
    for start in range(0, len(plain), size):
        yield plain[start : start + size]
    if blank:
        yield blank


def _insert_data(graph: ox.NamedNode, batch: list[ox.Triple]) -> str:
    body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return f"INSERT DATA {{ GRAPH {graph} {{\n{body}}} }}"


class _Session:
    """One HTTP client for the store: every response checked, retries on connection errors and 5xx."""

    def __init__(self, endpoint: Endpoint):
        import httpx

        self.endpoint = endpoint
        self.httpx = httpx
        self.client = httpx.Client(
            auth=endpoint.httpx_auth(),
            headers={"User-Agent": "medvlm-kg", **endpoint.headers()},
            timeout=endpoint.timeout_s,
            follow_redirects=False,  # a redirect could carry credentials elsewhere; say where it points instead
        )

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def send(self, method: str, url: str, *, field: str = "--endpoint", **kwargs):
        def attempt():
            try:
                response = self.client.request(method, url, **kwargs)
            except self.httpx.TimeoutException:
                raise RetryableError(
                    self.endpoint.error(*timeout_message(self.endpoint), url=url, field=field)
                ) from None
            except self.httpx.ConnectError as failure:
                text = str(failure)
                if "refused" in text.lower():
                    message, hint = "connection refused", "is the store running, and is the host and port right?"
                elif "name or service" in text.lower() or "nodename" in text.lower():
                    raise self.endpoint.error(
                        "unknown host", "check the host name in the URL", url=url, field=field
                    ) from None
                else:
                    message, hint = f"cannot connect: {text}", "check the URL and the network"
                raise RetryableError(self.endpoint.error(message, hint, url=url, field=field)) from None
            except self.httpx.TransportError as failure:
                raise RetryableError(
                    self.endpoint.error(f"the connection failed: {type(failure).__name__}", "", url=url, field=field)
                ) from None
            if response.status_code >= 500:
                raise RetryableError(self._failure(response, url, field))
            if not 200 <= response.status_code < 300:
                raise self._failure(response, url, field)
            return response

        return with_retries(self.endpoint, attempt)

    def _failure(self, response, url: str, field: str) -> CatalogError:
        status = response.status_code
        said = " ".join(response.text[:400].split())
        said = f": {said[:160]}" if said and status not in (401, 404) else ""
        line = f"answered {status} {response.reason_phrase}{said}"
        if status == 401:
            hint = self.endpoint.auth_hint(response.headers.get("WWW-Authenticate", ""))
        elif status == 403:
            hint = "the account may not write to this store; ask its administrator for update rights"
        elif status == 404:
            hint = (
                "check the path: Oxigraph's Graph Store is /store and its update endpoint /update, "
                "Fuseki's /DATASET/data, Virtuoso's /sparql-graph-crud-auth"
            )
        elif status in (405, 415):
            hint = "is this the right kind of endpoint? --method gsp needs a Graph Store URL, update an update URL"
        elif 300 <= status < 400:
            hint = f"it redirects to {response.headers.get('Location', '?')}: use that URL"
        else:
            hint = "see the store's log for details"
        return self.endpoint.error(line, hint, url=url, field=field)


def _count(session: _Session, query_url: str, graph: ox.NamedNode) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    response = session.send(
        "POST",
        query_url,
        field="query endpoint",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        bindings = response.json()["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError):
        raise session.endpoint.error(
            "did not answer the SELECT COUNT with SPARQL JSON results",
            "is this the store's query endpoint? (derived from --endpoint; see docs/sparql.md)",
            url=query_url,
            field="query endpoint",
        ) from None


def _describe(
    echo: Callable[[str], object],
    method: str,
    endpoint: Endpoint,
    graph: ox.NamedNode,
    source: _Source,
    query_url: str,
    batch_size: int,
) -> None:
    who = f"{endpoint.scheme} authentication from {endpoint.origin}" if endpoint.scheme else "no credentials"
    echo(f"dry run: nothing is sent ({who})")
    batches, total, first = 0, 0, []
    for batch in source.batches():
        batches, total, first = batches + 1, total + len(batch), first or batch[:3]
    if method == "gsp":
        echo(f"PUT {endpoint.url} ?graph={graph.value}  Content-Type: application/n-triples  (the first batch)")
        if batches > 1:
            echo(f"POST {endpoint.url} ?graph={graph.value}  × {batches - 1} (the other batches, ≤ {batch_size:,})")
        echo(f"  {total:,} triples in all")
        preview = ox.serialize(first, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    else:
        echo(f"POST {endpoint.url}  Content-Type: application/sparql-update")
        echo(f"  DROP SILENT GRAPH {graph}")
        echo(f"  INSERT DATA {{ GRAPH {graph} {{ … }} }} × {batches} (≤ {batch_size:,} triples each)")
        echo(f"  {total:,} triples in all")
        preview = _insert_data(graph, first)
    echo("first lines:")
    for line in preview.splitlines():
        echo("  " + line)
    echo(f"then: SELECT (COUNT(*) AS ?n) on {query_url}, expecting {total:,}")


def publish(
    data_dir: Path | str,
    endpoint: str,
    *,
    from_build: Path | str | None = None,
    graph_iri: str | None = None,
    method: str = "gsp",
    dry_run: bool = False,
    echo: Callable[[str], object] = print,
    query_endpoint: str | None = None,
    batch_size: int = BATCH_SIZE,
    timeout_s: float | None = None,
    tries: int | None = None,
    backoff_s: float = DEFAULT_BACKOFF_S,
) -> PublishResult:
    """Validate the catalog in ``data_dir`` and replace the named graph ``graph_iri`` (default: the catalog
    IRI) of the store at ``endpoint`` with it; check the store's count; raise ``CatalogError`` on any failure.
    With ``from_build`` (a build folder), its validated ``catalog.nt.gz`` is sent instead, read in batches.

    ``endpoint`` is a Graph Store Protocol URL (``method="gsp"``) or an update URL (``"update"``).
    ``query_endpoint`` defaults to ``query_endpoint_for(endpoint)``; ``timeout_s`` and ``tries`` default to
    ``MEDVLM_KG_ENDPOINT_TIMEOUT`` (30 s) and ``MEDVLM_KG_ENDPOINT_RETRIES`` (3 tries).
    """
    if method not in METHODS:
        raise CatalogError(Problem("publish", None, "--method", f'"{method}" is not one of {", ".join(METHODS)}', ""))
    target = endpoint_from_env(endpoint, timeout_s=timeout_s, tries=tries, backoff_s=backoff_s)
    query_url = (
        endpoint_from_env(query_endpoint, field="query endpoint").url
        if query_endpoint
        else query_endpoint_for(target.url)
    )
    if method == "update" and batch_size == BATCH_SIZE:
        batch_size = UPDATE_BATCH_SIZE
    source = _built_source(from_build, batch_size) if from_build else _checked_source(data_dir, batch_size)
    try:
        graph = ox.NamedNode(graph_iri or source.catalog_iri)
    except ValueError:
        raise CatalogError(
            Problem("publish", None, "--graph", f'"{graph_iri}" is not an IRI', "e.g. --graph " + source.catalog_iri)
        ) from None
    if dry_run:
        _describe(echo, method, target, graph, source, query_url, batch_size)
        return PublishResult(graph.value, target.url, method, 0, None, 0.0)

    started, sent = time.perf_counter(), 0
    with _Session(target) as session:
        batches = track(source.batches(), "publishing", source.batch_count, "batch")
        if method == "gsp":
            # The first batch replaces the graph (PUT), the others are added to it (POST): each request is
            # bounded in size and can be retried on its own.
            for number, batch in enumerate(batches):
                session.send(
                    "PUT" if number == 0 else "POST",
                    target.url,
                    params={"graph": graph.value},
                    content=ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES),
                    headers={"Content-Type": "application/n-triples"},
                )
                sent += len(batch)
        else:
            update_headers = {"Content-Type": "application/sparql-update"}
            session.send("POST", target.url, content=f"DROP SILENT GRAPH {graph}".encode(), headers=update_headers)
            for batch in batches:
                session.send("POST", target.url, content=_insert_data(graph, batch).encode(), headers=update_headers)
                sent += len(batch)
        stored = _count(session, query_url, graph)
    seconds = time.perf_counter() - started
    if stored != sent:
        raise target.error(
            f"the graph {graph} has {stored:,} triples after publishing, not {sent:,}",
            f"another writer may be using the graph, or the store changes literals; check {query_url}",
        )
    rate = f"{sent / seconds:,.0f}" if seconds > 0 else "∞"
    echo(
        f"published {sent:,} triples to {graph} at {target.url} "
        f"(store has {stored:,}) in {seconds:.1f} s, {rate} triples/s"
    )
    return PublishResult(graph.value, target.url, method, sent, stored, seconds)
