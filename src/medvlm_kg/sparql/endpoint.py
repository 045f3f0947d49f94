"""The read-only SPARQL 1.1 endpoint that ``serve`` mounts at ``/sparql`` (issue 4).

Queries run in a small pool of worker processes, each holding the built graph in an in-memory Oxigraph
store: Oxigraph cannot cancel a query, so one that passes the time limit is stopped by killing its process
(the pool starts a fresh one), and the server stays responsive. Updates are refused. Answers follow the
SPARQL 1.1 Protocol (results JSON/XML/CSV/TSV, graphs Turtle/JSON-LD/N-Triples by ``Accept``); a browser
gets a small HTML form with the bundled queries as examples. Run as ``python -m medvlm_kg.sparql.endpoint`` it is
one worker, speaking length-prefixed JSON frames on stdin/stdout.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl

__all__ = ["sparql_routes"]

MAX_QUERY_BYTES = 1 << 20  # a request body or query longer than this is refused (413)
MAX_IN_FLIGHT = 32  # queries running or waiting for a worker; more get 503 at once
WORKER_START_S = 60.0  # how long a new worker may take to load the graph
WORKER_GRACE_S = 5.0  # a worker still busy this long after the time limit stops itself
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}

# Media types offered, server's preference first; aliases answer with the canonical type.
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/x-turtle": "TURTLE",
    "text/plain": "N_TRIPLES",
}
_CANONICAL = {
    "JSON": "application/sparql-results+json",
    "XML": "application/sparql-results+xml",
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
    "TURTLE": "text/turtle",
    "JSON_LD": "application/ld+json",
    "N_TRIPLES": "application/n-triples",
    "RDF_XML": "application/rdf+xml",
}
# ``format=`` (a form field or URL parameter) overrides Accept: a short name or a media type.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}


# -- content negotiation ------------------------------------------------------------------------------------


def _accept_ranges(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        media, *params = [part.strip() for part in item.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def negotiate(accept: str, offers: list[str]) -> str | None:
    """The offer the client prefers (``Accept`` with q-values; the most specific range decides each offer's
    q; ties go to the earlier offer), or ``None`` when it accepts none. No ``Accept`` takes the first offer."""
    ranges = _accept_ranges(accept or "")
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        major = offer.split("/")[0]
        matches = [(3, q) for m, q in ranges if m == offer]
        matches += [(2, q) for m, q in ranges if m == f"{major}/*"]
        matches += [(1, q) for m, q in ranges if m == "*/*"]
        if matches:
            q = max(matches)[1]
            if q > best_q:
                best, best_q = offer, q
    return best


# -- the worker process -------------------------------------------------------------------------------------


def _write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    data = stream.read(size)
    return data if len(data) == size else None


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _json_term(getattr(term, p)) for p in parts}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _used_prefixes(triples: list) -> dict[str, str]:
    """The project's prefixes that some IRI in ``triples`` starts with (Turtle declares no unused ones)."""
    import pyoxigraph as ox

    from medvlm_kg.graph.jsonld import prefixes

    iris = {getattr(t, "value", None) for triple in triples for t in (triple.subject, triple.predicate, triple.object)}
    iris |= {t.datatype.value for triple in triples if isinstance(t := triple.object, ox.Literal) and not t.language}
    iris.discard("http://www.w3.org/2001/XMLSchema#string")  # plain strings are written without a datatype
    iris = {i for i in iris if isinstance(i, str)}
    return {p: ns for p, ns in prefixes().items() if any(i.startswith(ns) for i in iris)}


def _too_many(max_results: int, what: str) -> tuple[dict, bytes]:
    message = (
        f"the answer has more than {max_results:,} {what}, the limit of this endpoint; add LIMIT {max_results} "
        f"(and OFFSET to page through it), or download the whole graph (catalog.nt.gz) and query it locally"
    )
    return {"status": 400, "type": "text/plain", "limit": True}, message.encode()


def _answer(store, request: dict, graph_iri: str, max_results: int) -> tuple[dict, bytes]:
    """Run one query; the response header (status, media type) and body. Never raises."""
    import pyoxigraph as ox

    from medvlm_kg.sparql.remote import top_level_keywords

    text, accept = request["query"], request.get("accept", "")
    options: dict[str, Any] = {}
    if request.get("default_graphs") or request.get("named_graphs"):
        options["default_graph"] = [ox.NamedNode(g) for g in request.get("default_graphs") or []]
        if request.get("named_graphs"):
            options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    elif "FROM" not in top_level_keywords(text):
        options["use_default_graph_as_union"] = True  # the service's default graph: the catalog graph
    started = time.perf_counter()
    try:
        result = store.query(text, **options)
        if isinstance(result, ox.QueryTriples):
            media = negotiate(accept, list(GRAPH_TYPES))
            if media is None:
                return _not_acceptable("graph (CONSTRUCT or DESCRIBE)", GRAPH_TYPES)
            triples = []
            for triple in result:
                triples.append(triple)
                if len(triples) > max_results:
                    return _too_many(max_results, "triples")
            rdf_format = getattr(ox.RdfFormat, GRAPH_TYPES[media])
            body = ox.serialize(triples, format=rdf_format, prefixes=_used_prefixes(triples))
            count = len(triples)
            media = _CANONICAL[GRAPH_TYPES[media]]
        else:
            media = negotiate(accept, list(RESULT_TYPES))
            if media is None:
                return _not_acceptable("SELECT or ASK result", RESULT_TYPES)
            results_format = getattr(ox.QueryResultsFormat, RESULT_TYPES[media])
            if isinstance(result, ox.QueryBoolean):
                body, count = result.serialize(format=results_format), 1
            else:
                variables = [v.value for v in result.variables]
                bindings = []
                for solution in result:
                    if len(bindings) == max_results:
                        return _too_many(max_results, "rows")
                    bindings.append({v: _json_term(solution[v]) for v in variables if solution[v] is not None})
                body = json.dumps(
                    {"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False
                ).encode("utf-8")
                if results_format != ox.QueryResultsFormat.JSON:
                    body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(
                        format=results_format
                    )
                count = len(bindings)
            media = _CANONICAL[RESULT_TYPES[media]]
    except SyntaxError as error:
        return {"status": 400, "type": "text/plain"}, f"the query is not valid SPARQL 1.1: {error}".encode()
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        return {"status": 400, "type": "text/plain"}, f"the query failed: {error}".encode()
    header = {"status": 200, "type": media, "count": count, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return header, body


def _not_acceptable(kind: str, offers: dict[str, str]) -> tuple[dict, bytes]:
    listing = ", ".join(dict.fromkeys(_CANONICAL[name] for name in offers.values()))
    return {"status": 406, "type": "text/plain"}, f"a {kind} can be given as: {listing}".encode()


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform, or a lower hard limit already
        pass


def _worker_main() -> None:
    """One worker: load the graph, say ready, then answer one framed request after another until EOF."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, never into the frames
    stdin = sys.stdin.buffer
    config = json.loads(_read_frame(stdin) or b"{}")
    import pyoxigraph as ox

    if config.get("memory_bytes"):
        _limit_memory(int(config["memory_bytes"]))
    graph = ox.NamedNode(config["graph"])
    try:
        from medvlm_kg.build.store import open_store  # the build's store, opened read-only in milliseconds

        store = open_store(config["out_dir"]) if config.get("out_dir") else None
        if store is None:  # a build folder without its store: load its files
            from medvlm_kg.build.store import load_into

            store = ox.Store()
            load_into(store, Path(config["sources"][0]), graph)
    except (OSError, SyntaxError, ValueError) as error:
        _write_frame(out, json.dumps({"ready": False, "error": str(error)}).encode())
        return
    _write_frame(out, json.dumps({"ready": True, "triples": len(store)}).encode())
    busy_since = [0.0]
    _start_watchdog(busy_since, float(config.get("timeout_s", 10.0)) + WORKER_GRACE_S)
    while (frame := _read_frame(stdin)) is not None:
        busy_since[0] = time.monotonic()
        header, body = _answer(store, json.loads(frame), config["graph"], int(config["max_results"]))
        busy_since[0] = 0.0
        _write_frame(out, json.dumps(header).encode())
        _write_frame(out, body)


def _start_watchdog(busy_since: list[float], limit_s: float) -> None:
    """Stop this worker if its server is gone or a query outlives the limit (the server normally kills it
    first; this covers a server that was killed itself). Oxigraph lets other threads run during a query."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            started = busy_since[0]
            if os.getppid() != parent or (started and time.monotonic() - started > limit_s):
                os._exit(70)

    threading.Thread(target=watch, daemon=True, name="watchdog").start()


# -- the pool (in the server process) -----------------------------------------------------------------------


class _WorkerGone(Exception):
    pass


class _Worker:
    """A worker process and its pipes; reads wait at most until a deadline."""

    def __init__(self, config: bytes):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "medvlm_kg.sparql.endpoint"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C in a terminal stops the server, which stops its workers
        )
        self.ready = False
        self.triples = 0
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        _write_frame(self.stdin, config)

    def _read_exact(self, size: int, deadline: float) -> bytes:
        chunks, missing, fd = [], size, self.stdout.fileno()
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                raise TimeoutError
            chunk = os.read(fd, min(missing, 1 << 20))
            if not chunk:
                raise _WorkerGone
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _frame(self, deadline: float) -> bytes:
        (size,) = struct.unpack(">I", self._read_exact(4, deadline))
        return self._read_exact(size, deadline)

    def wait_ready(self, deadline: float) -> None:
        if self.ready:
            return
        status = json.loads(self._frame(deadline))
        if not status.get("ready"):
            raise _WorkerGone(status.get("error", "the worker could not load the graph"))
        self.ready, self.triples = True, int(status.get("triples", 0))

    def ask(self, request: dict, deadline: float) -> tuple[dict, bytes]:
        try:
            _write_frame(self.stdin, json.dumps(request).encode())
        except (BrokenPipeError, OSError):
            raise _WorkerGone from None
        header = json.loads(self._frame(deadline))
        return header, self._frame(deadline)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


@dataclass
class _Answer:
    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str, **headers: str) -> _Answer:
    return _Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), dict(headers))


def _busy() -> _Answer:
    return _text(503, "the endpoint is busy with other queries; try again in a moment", **{"Retry-After": "2"})


_POOLS: weakref.WeakSet[_Pool] = weakref.WeakSet()


class _Pool:
    """``size`` worker processes, started at the first query; each query gets one for at most ``timeout_s``."""

    def __init__(self, config: dict, size: int, timeout_s: float):
        self.config = json.dumps(config).encode()
        self.max_results = int(config["max_results"])
        self.size, self.timeout_s = size, timeout_s
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: set[_Worker] = set()
        self.started = self.closed = False
        self.in_flight = 0
        self.executor = ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT, thread_name_prefix="sparql")
        _POOLS.add(self)

    def _spawn(self) -> None:
        with self.lock:
            if self.closed:
                return
            worker = _Worker(self.config)
            self.workers.add(worker)
        self.idle.put(worker)

    def _retire(self, worker: _Worker, *, replace: bool = True) -> None:
        worker.stop()
        with self.lock:
            self.workers.discard(worker)
        if replace:
            self._spawn()

    def run(self, request: dict) -> _Answer:
        """Answer one query in a worker (blocking; called in a thread)."""
        with self.lock:
            first, self.started = not self.started, True
        if self.closed:
            return _text(503, "the endpoint is shutting down")
        if first:
            for _ in range(self.size):
                self._spawn()
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return _busy()
            if worker.process.poll() is None:
                break
            self._retire(worker)  # it died while idle (killed from outside): take another, the query is not lost
        try:
            worker.wait_ready(time.monotonic() + WORKER_START_S)
        except (TimeoutError, _WorkerGone) as failure:
            self._retire(worker)
            reason = str(failure) or f"it did not load the graph within {WORKER_START_S:g} s"
            return _text(500, f"the query could not be answered: the query process failed to start ({reason})")
        try:
            header, body = worker.ask(request, time.monotonic() + self.timeout_s)
        except TimeoutError:
            self._retire(worker)
            return _text(
                503,
                f"the query exceeded the {self.timeout_s:g} s time limit of this endpoint and was stopped; "
                "narrow it (more specific patterns, LIMIT), or download the whole graph (catalog.nt.gz) "
                "and query it locally",
            )
        except _WorkerGone as gone:
            self._retire(worker)
            reason = str(gone) or "it stopped, perhaps out of memory"
            return _text(500, f"the query could not be answered: the query process failed ({reason})")
        except BaseException:
            self._retire(worker)
            raise
        self.idle.put(worker)
        headers = {}
        if "ms" in header:
            headers["X-SPARQL-Time-Ms"] = str(header["ms"])
        if header.get("limit"):
            headers["X-SPARQL-Max-Results"] = str(self.max_results)
        media = header["type"] + ("; charset=utf-8" if header["type"].startswith("text/") else "")
        return _Answer(int(header["status"]), media, body, headers)

    async def ask(self, request: dict) -> _Answer:
        import asyncio

        if self.in_flight >= MAX_IN_FLIGHT:
            return _busy()
        self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, self.run, request)
        finally:
            self.in_flight -= 1

    def close(self) -> None:
        """Stop every worker; queries still waiting get 503."""
        with self.lock:
            self.closed = True
            workers, self.workers = list(self.workers), set()
        for worker in workers:
            worker.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS):
        pool.close()


# -- the HTTP side ------------------------------------------------------------------------------------------

_HEADERS = {"Access-Control-Allow-Origin": "*", "Vary": "Accept", "X-Content-Type-Options": "nosniff"}
# The page is the site's own (stylesheet, script and icon from the same server; no inline script or style).
_PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'"
)
_SLOT = "<!--sparql:{}-->"


def _examples(catalog_iri: str) -> list[dict]:
    """The bundled queries with their parameters bound to the example values, as runnable text."""
    from medvlm_kg.problems import CatalogError
    from medvlm_kg.sparql.query import bind, bound_text, bundled_queries

    base = catalog_iri[: -len("catalog")] if catalog_iri.endswith("catalog") else catalog_iri
    examples = []
    for query in bundled_queries().values():
        text = query.text
        try:
            text = bound_text(query, bind(query, {p.name: p.example for p in query.params}, base))
        except (CatalogError, ValueError, TypeError):
            pass
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"
        examples.append(
            {
                "name": query.name,
                "form": query.form,
                "title": query.title,
                "description": query.description,
                "params": query.params,
                "text": body,
            }
        )
    return examples


def _cell(term: dict | None, local=None) -> dict | None:
    """A result term as the page shows it; ``local(iri)`` gives a link on this server for the catalog's IRIs."""
    if term is None:
        return None
    value = term.get("value", "")
    if term.get("type") == "uri":
        link = value if value.lower().startswith(("http://", "https://")) else None
        if link and local is not None:
            link = local(value) or link
        return {"text": value, "link": link, "note": ""}
    if term.get("type") == "bnode":
        return {"text": "_:" + value, "link": None, "note": ""}
    if term.get("type") == "triple":
        return {"text": json.dumps(term.get("value"))[:300], "link": None, "note": "triple"}
    note = "@" + term["xml:lang"] if term.get("xml:lang") else ""
    if term.get("datatype"):
        note = term["datatype"].replace("http://www.w3.org/2001/XMLSchema#", "xsd:")
    return {"text": value, "link": None, "note": note}


def _cut(html: str, slot: str, replacement: str = "") -> str:
    """``html`` with the part between ``<!--sparql:slot-->`` and ``<!--sparql:/slot-->`` replaced."""
    start, end = html.find(_SLOT.format(slot)), html.find(_SLOT.format("/" + slot))
    if start < 0 or end < start:
        return html
    return html[:start] + replacement + html[end + len(_SLOT.format("/" + slot)) :]


class _Endpoint:
    def __init__(self, out_dir: Path, timeout_s: float, max_results: int, workers: int):
        from jinja2 import Environment, FileSystemLoader

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
        self.pool = _Pool(config, workers, timeout_s)
        from medvlm_kg.site.templating import TEMPLATES

        self.out_dir = out_dir
        self.base = self.graph[: -len("catalog")] if self.graph.endswith("catalog") else self.graph
        self.fragments = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
        self._shells: dict[str, str] = {}
        self._examples: list[dict] | None = None

    def examples(self) -> list[dict]:
        if self._examples is None:
            self._examples = _examples(self.graph)
        return self._examples

    def default_query(self) -> str:
        """The form's first query: the first bundled SELECT example, whose answer is a table."""
        selects = [e["text"] for e in self.examples() if e["form"] == "SELECT"]
        return (selects or [e["text"] for e in self.examples()] or ["SELECT * WHERE { ?s ?p ?o } LIMIT 10\n"])[0]

    @staticmethod
    def language(request) -> str:
        """The page's language from the path: ``/zh/sparql`` is the Chinese page."""
        return "zh" if request.url.path.startswith("/zh/") else "en"

    def shell(self, lang: str) -> str:
        """The built SPARQL page of ``lang`` (``sparql.html``, ``zh/sparql.html``), read once."""
        from medvlm_kg.site.links import page_file

        if lang not in self._shells:
            path = self.out_dir / page_file("sparql", lang)
            try:
                self._shells[lang] = path.read_text(encoding="utf-8")
            except OSError:
                from medvlm_kg.problems import CatalogError, Problem

                problem = Problem(str(path), None, "", "is missing (built before the SPARQL page)", "rebuild the site")
                raise CatalogError(problem) from None
        return self._shells[lang]

    def local_link(self, lang: str):
        """For a result IRI under the catalog's base: a link to its page or file on this server, relative to the
        SPARQL page of ``lang`` (to the Chinese page when there is one); ``None`` for other IRIs."""
        from medvlm_kg.site.links import url_to_file

        out_dir = self.out_dir

        class _OnDisk:
            def __contains__(self, rel: str) -> bool:
                return ".." not in rel.split("/") and (out_dir / rel).is_file()

        def local(iri: str) -> str | None:
            target = url_to_file(iri.partition("#")[0], self.base, _OnDisk())
            if target is None:
                return None
            fragment = iri.partition("#")[2]
            suffix = "#" + fragment if fragment else ""
            if lang == "en":
                return target + suffix
            if target.endswith(".html") and (out_dir / lang / target).is_file():
                return target + suffix
            return "../" + target + suffix

        return local

    def example_page(self, request, name: str) -> Any:
        """The page, with the bundled query ``name`` in the form (``?example=NAME``: one click loads one)."""
        if not name:
            return self.render(request)
        found = {e["name"]: e for e in self.examples()}
        if name not in found:
            import difflib

            close = difflib.get_close_matches(name, list(found), n=1)
            hint = f' — did you mean "{close[0]}"?' if close else ""
            return self.render(request, 404, error=f'no bundled query is named "{name}"{hint}')
        return self.render(request, query=found[name]["text"])

    def render(self, request, status: int = 200, **values) -> Any:
        """The site's SPARQL page (built by ``build``) with its form enabled, the query in it, the answer and the
        bundled examples filled into its marked places."""
        from markupsafe import escape
        from starlette.responses import HTMLResponse

        from medvlm_kg.site.templating import ui_strings

        lang = self.language(request)
        strings = ui_strings()[lang]

        def t(name: str, **args: Any) -> str:
            return strings[name].format(**args) if args else strings[name]

        triples = next((w.triples for w in list(self.pool.workers) if w.ready), 0)
        query = values.pop("query", None) or self.default_query()
        wanted = values.pop("format", "")
        html = self.shell(lang)
        head, _, rest = html.partition('<textarea id="query"')
        opening, _, rest = rest.partition(">")
        _, _, tail = rest.partition("</textarea>")
        html = f'{head}<textarea id="query"{opening}>{escape(query)}</textarea>{tail}'
        html = _cut(html, "static")
        limits = t(
            "sparql_limits",
            graph=self.graph,
            triples=f"{triples:,}",
            timeout=f"{self.timeout_s:g}",
            rows=f"{self.max_results:,}",
        )
        html = html.replace(_SLOT.format("limits"), f'<p class="muted">{escape(limits)}</p>', 1)
        html = html.replace(" disabled data-static>", ">", 1)
        if wanted:
            option = f'<option value="{escape(wanted)}">'
            html = html.replace(option, option[:-1] + " selected>", 1)
        results = self.fragments.get_template("_sparql_results.html").render(
            t=t,
            error=values.pop("error", None),
            boolean=values.pop("boolean", None),
            variables=values.pop("variables", None),
            rows=values.pop("rows", []),
            graph_text=values.pop("graph_text", None),
        )
        html = html.replace(_SLOT.format("results"), results, 1)
        examples = self.fragments.get_template("_sparql_examples.html").render(t=t, examples=self.examples())
        html = _cut(html, "examples", examples)
        headers = {**_HEADERS, "Content-Security-Policy": _PAGE_POLICY}
        return HTMLResponse(html, status_code=status, headers=headers)

    async def _read(self, request) -> dict[str, list[str]]:
        """The protocol parameters, from the URL and a form or direct POST body; raises _Refusal."""
        params: dict[str, list[str]] = {}
        for key, value in parse_qsl(request.url.query, keep_blank_values=True):
            params.setdefault(key, []).append(value)
        if request.method != "POST":
            return params
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_QUERY_BYTES:
            raise _Refusal(413, f"the request is larger than {MAX_QUERY_BYTES:,} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_QUERY_BYTES:
                raise _Refusal(413, f"the request is larger than {MAX_QUERY_BYTES:,} bytes")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
                params.setdefault(key, []).append(value)
        elif content_type == "application/sparql-query":
            params.setdefault("query", []).append(body.decode("utf-8", "replace"))
        elif content_type == "application/sparql-update":
            raise _Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
        else:
            raise _Refusal(
                415,
                "POST a query as application/sparql-query or as the form field query= "
                "(application/x-www-form-urlencoded)",
            )
        return params

    async def handle(self, request) -> Any:
        """One request to ``/sparql``, per the SPARQL 1.1 Protocol."""
        from starlette.responses import Response

        if request.method == "OPTIONS":
            preflight = {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "86400",
            }
            return Response(status_code=204, headers={**_HEADERS, **preflight})
        accept = request.headers.get("accept", "")
        browser = negotiate(accept, [*RESULT_TYPES, *GRAPH_TYPES, "text/html"]) == "text/html"
        try:
            params = await self._read(request)
            wanted = (params.get("format") or [""])[-1].strip().lower()
            wanted = FORMAT_NAMES.get(wanted, wanted)
            if wanted:
                browser = wanted == "text/html"
            job = self._job(params)
        except _Refusal as refusal:
            if browser:
                return self.render(request, refusal.status, error=refusal.message)
            return Response(refusal.message + "\n", refusal.status, headers=_HEADERS, media_type="text/plain")
        if job is None:  # no query: the form for people, the service description for programs asking RDF
            if request.method == "GET" and (browser or not (wanted or accept) or "*/*" in accept and not wanted):
                return self.example_page(request, (params.get("example") or [""])[-1])
            return self.description(request, wanted or accept)
        job["accept"] = "application/sparql-results+json, text/turtle" if browser else (wanted or accept)
        answer = await self.pool.ask(job)
        if browser:
            return self.results_page(request, job["query"], answer)
        return Response(
            answer.body, answer.status, headers={**_HEADERS, **answer.headers}, media_type=answer.media_type
        )

    def _job(self, params: dict[str, list[str]]) -> dict | None:
        """The query and its dataset from the protocol parameters (``None`` if there is no query)."""
        if "update" in params:
            raise _Refusal(403, "this endpoint is read-only: SPARQL updates are refused")
        queries = params.get("query", [])
        if len(queries) > 1:
            raise _Refusal(400, "give one query parameter, not several")
        if not queries or not queries[0].strip():
            return None
        text = queries[0]
        if len(text.encode("utf-8")) > MAX_QUERY_BYTES:
            raise _Refusal(413, f"the query is longer than {MAX_QUERY_BYTES:,} bytes")
        from medvlm_kg.sparql.remote import top_level_keywords

        words = [w for w in top_level_keywords(text) if w not in ("PREFIX", "BASE")]
        if words and words[0] in _UPDATE_WORDS:
            raise _Refusal(403, f"this endpoint is read-only: {words[0]} (a SPARQL update) is refused")
        graphs = {
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        for iri in graphs["default_graphs"] + graphs["named_graphs"]:
            if not iri.lower().startswith(("http://", "https://", "urn:")) or any(c in iri for c in '<>" {}|\\^`'):
                raise _Refusal(400, f'"{iri}" is not a graph IRI')
        return {"query": text, **graphs}

    def results_page(self, request, text: str, answer: _Answer) -> Any:
        if answer.status != 200:
            return self.render(request, answer.status, query=text, error=answer.body.decode("utf-8", "replace"))
        if answer.media_type.startswith("application/sparql-results+json"):
            data = json.loads(answer.body)
            if "boolean" in data:
                return self.render(request, query=text, boolean=bool(data["boolean"]))
            variables = data["head"]["vars"]
            local = self.local_link(self.language(request))
            rows = [[_cell(b.get(v), local) for v in variables] for b in data["results"]["bindings"]]
            return self.render(request, query=text, variables=variables, rows=rows)
        return self.render(request, query=text, graph_text=answer.body.decode("utf-8", "replace"))

    def description(self, request, accept: str) -> Any:
        """The SPARQL 1.1 Service Description of this endpoint, for a GET without a query asking for RDF."""
        import pyoxigraph as ox
        from starlette.responses import Response

        media = negotiate(accept, list(GRAPH_TYPES))
        if media is None:
            return Response("ask for text/html or an RDF type\n", 406, headers=_HEADERS, media_type="text/plain")
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
        return Response(body, 200, headers=_HEADERS, media_type=_CANONICAL[kind])


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


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
    endpoint = _Endpoint(Path(out_dir), timeout_s, max_results, size)
    route = Route("/sparql", endpoint.handle, methods=["GET", "POST", "OPTIONS"], name="sparql")
    route.sparql = endpoint  # type: ignore[attr-defined] - lets tests and serve close the pool
    # the Chinese page, and the built pages' own file names (the site's links work on a static host too)
    others = [
        Route(path, endpoint.handle, methods=["GET", "POST", "OPTIONS"])
        for path in ("/zh/sparql", "/sparql.html", "/zh/sparql.html")
    ]
    return [route, *others]


if __name__ == "__main__":
    _worker_main()
