"""``/sparql`` and its other paths (the Chinese page, the built pages' file names) as Starlette routes: each
request read per the protocol, its query answered by the pool, the answer sent as it is to a program or in
the page to a browser; a GET without a query gets the form, or the service description when it asks for RDF.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from medvlm_kg.sparql.endpoint.formats import CANONICAL, FORMAT_NAMES, GRAPH_TYPES, RESULT_TYPES, negotiate
from medvlm_kg.sparql.endpoint.page import SparqlPage
from medvlm_kg.sparql.endpoint.pool import Pool
from medvlm_kg.sparql.endpoint.protocol import HEADERS, Refusal, query_job, read_params

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


_KNOWN_FORMATS = {"", "text/html", *RESULT_TYPES, *GRAPH_TYPES, *FORMAT_NAMES.values()}


class Endpoint:
    """``/sparql`` over one build: the catalog graph's IRI, the pool of workers holding it, and the page."""

    def __init__(self, out_dir: Path, timeout_s: float, max_results: int, workers: int):
        from medvlm_kg.problems import CatalogError, Problem

        out_dir = Path(out_dir)
        from medvlm_kg.sparql.query import built_catalog_iri, built_sources  # what query.queryable_triples gives

        sources = built_sources(out_dir)
        try:
            self.graph = built_catalog_iri(sources[0])
        except (ValueError, SyntaxError, OSError) as error:
            raise CatalogError(Problem(str(sources[0]), None, "", str(error), "rebuild with medvlm-kg build")) from None
        self.timeout_s, self.max_results = timeout_s, max_results
        size_bytes = sum(p.stat().st_size for p in sources)
        config = {
            "out_dir": str(out_dir.resolve()),
            "sources": [str(p.resolve()) for p in sources],
            "graph": self.graph,
            "max_results": max_results,
            "timeout_s": timeout_s,
            "memory_bytes": (2 << 30) + 20 * size_bytes,  # address space: a runaway query fails, not the host
        }
        self.pool = Pool(config, workers, timeout_s)
        self.page = SparqlPage(out_dir, self.graph, self.pool, timeout_s, max_results)

    async def handle(self, request) -> Any:
        """One request to ``/sparql``, per the SPARQL 1.1 Protocol."""
        from starlette.responses import Response

        if request.method == "OPTIONS":
            preflight = {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "86400",
            }
            return Response(status_code=204, headers={**HEADERS, **preflight})
        accept = request.headers.get("accept", "")
        browser = negotiate(accept, [*RESULT_TYPES, *GRAPH_TYPES, "text/html"]) == "text/html"
        try:
            params = await read_params(request)
            wanted = (params.get("format") or [""])[-1].strip().lower()
            wanted = FORMAT_NAMES.get(wanted, wanted)
            if wanted not in _KNOWN_FORMATS:  # a format= of another server's dialect: Accept decides, per protocol
                wanted = ""
            if wanted:
                browser = wanted == "text/html"
            job = query_job(params)
        except Refusal as refusal:
            if browser:
                return self.page.render(request, refusal.status, error=refusal.message)
            return Response(refusal.message + "\n", refusal.status, headers=HEADERS, media_type="text/plain")
        if job is None:  # no query: the form for people, the service description for programs asking RDF
            if request.method == "GET" and (browser or not (wanted or accept) or "*/*" in accept and not wanted):
                return self.page.example_page(request, (params.get("example") or [""])[-1])
            return self.description(request, wanted or accept)
        job["accept"] = "application/sparql-results+json, text/turtle" if browser else (wanted or accept)
        answer = await self.pool.ask(job)
        if browser:
            return self.page.results_page(request, job["query"], answer)
        return Response(answer.body, answer.status, headers={**HEADERS, **answer.headers}, media_type=answer.media_type)

    def description(self, request, accept: str) -> Any:
        """The SPARQL 1.1 Service Description of this endpoint, for a GET without a query asking for RDF."""
        import pyoxigraph as ox
        from starlette.responses import Response

        media = negotiate(accept, list(GRAPH_TYPES))
        if media is None:
            return Response("ask for text/html or an RDF type\n", 406, headers=HEADERS, media_type="text/plain")
        sd, formats = "http://www.w3.org/ns/sparql-service-description#", "http://www.w3.org/ns/formats/"
        here = ox.NamedNode(str(request.url.replace(query="", fragment="")))
        service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
        named = ox.BlankNode("named")
        a = ox.NamedNode(_RDF_TYPE)
        triples = [
            ox.Triple(service, a, ox.NamedNode(sd + "Service")),
            ox.Triple(service, ox.NamedNode(sd + "endpoint"), here),
            ox.Triple(service, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
            ox.Triple(service, ox.NamedNode(sd + "defaultDataset"), dataset),
            ox.Triple(dataset, a, ox.NamedNode(sd + "Dataset")),
            ox.Triple(dataset, ox.NamedNode(sd + "defaultGraph"), default),
            ox.Triple(default, a, ox.NamedNode(sd + "Graph")),
            ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), named),
            ox.Triple(named, ox.NamedNode(sd + "name"), ox.NamedNode(self.graph)),
        ]
        for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
            triples.append(ox.Triple(service, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(formats + name)))
        for name in ("Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
            triples.append(ox.Triple(service, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(formats + name)))
        kind = GRAPH_TYPES[media]
        body = ox.serialize(triples, format=getattr(ox.RdfFormat, kind), prefixes={"sd": sd})
        return Response(body, 200, headers=HEADERS, media_type=CANONICAL[kind])


def sparql_routes(
    out_dir: Path, *, timeout_s: float = 10.0, max_results: int = 10_000, workers: int | None = None
) -> list:
    """Starlette routes answering ``/sparql`` over the graph built in ``out_dir``.

    The graph is ``catalog.nt.gz`` plus the ontology files (what ``query.queryable_triples`` gives), loaded
    into the named graph of the catalog IRI, which is also the default graph. Each query may run
    ``timeout_s`` seconds and return ``max_results`` rows or triples; ``workers`` processes (default: up to
    2, by CPU count) answer queries in parallel. Raises ``CatalogError`` when ``out_dir`` is not a build.
    """
    from starlette.routing import Route

    size = workers if workers is not None else max(1, min(2, os.cpu_count() or 1))
    endpoint = Endpoint(Path(out_dir), timeout_s, max_results, size)
    route = Route("/sparql", endpoint.handle, methods=["GET", "POST", "OPTIONS"], name="sparql")
    route.sparql = endpoint  # type: ignore[attr-defined] - lets tests and serve close the pool
    # the Chinese page, and the built pages' own file names (the site's links work on a static host too)
    others = [
        Route(path, endpoint.handle, methods=["GET", "POST", "OPTIONS"])
        for path in ("/zh/sparql", "/sparql.html", "/zh/sparql.html")
    ]
    return [route, *others]
