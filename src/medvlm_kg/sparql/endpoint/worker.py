"""One worker process: the built graph loaded into Oxigraph, then one query after another answered in the
negotiated format, under the result limit, speaking length-prefixed JSON frames on stdin/stdout (run as
``python -m medvlm_kg.sparql.endpoint``); a watchdog stops it when its server is gone or a query overruns.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from medvlm_kg.sparql.endpoint.formats import CANONICAL, GRAPH_TYPES, RESULT_TYPES, json_term, negotiate, used_prefixes

WORKER_GRACE_S = 5.0  # a worker still busy this long after the time limit stops itself


def write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    data = stream.read(size)
    return data if len(data) == size else None


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
    result = None
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
            body = ox.serialize(triples, format=rdf_format, prefixes=used_prefixes(triples))
            count = len(triples)
            media = CANONICAL[GRAPH_TYPES[media]]
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
                    bindings.append({v: json_term(solution[v]) for v in variables if solution[v] is not None})
                body = json.dumps(
                    {"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False
                ).encode("utf-8")
                if results_format != ox.QueryResultsFormat.JSON:
                    body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(
                        format=results_format
                    )
                count = len(bindings)
            media = CANONICAL[RESULT_TYPES[media]]
    except SyntaxError as error:
        return {"status": 400, "type": "text/plain"}, f"the query is not valid SPARQL 1.1: {error}".encode()
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        return {"status": 400, "type": "text/plain"}, f"the query failed: {error}".encode()
    finally:
        # pyoxigraph's query results may only be dropped on the thread that made them; a traceback kept alive
        # past this call (a reference cycle, freed by the collector on another thread) must not hold them.
        result = None  # noqa: F841
    header = {"status": 200, "type": media, "count": count, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return header, body


def _not_acceptable(kind: str, offers: dict[str, str]) -> tuple[dict, bytes]:
    listing = ", ".join(dict.fromkeys(CANONICAL[name] for name in offers.values()))
    return {"status": 406, "type": "text/plain"}, f"a {kind} can be given as: {listing}".encode()


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform, or a lower hard limit already
        pass


def main() -> None:
    """One worker: load the graph, say ready, then answer one framed request after another until EOF."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, never into the frames
    stdin = sys.stdin.buffer
    config = json.loads(read_frame(stdin) or b"{}")
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
        write_frame(out, json.dumps({"ready": False, "error": str(error)}).encode())
        return
    write_frame(out, json.dumps({"ready": True, "triples": len(store)}).encode())
    busy_since = [0.0]
    _start_watchdog(busy_since, float(config.get("timeout_s", 10.0)) + WORKER_GRACE_S)
    while (frame := read_frame(stdin)) is not None:
        busy_since[0] = time.monotonic()
        header, body = _answer(store, json.loads(frame), config["graph"], int(config["max_results"]))
        busy_since[0] = 0.0
        write_frame(out, json.dumps(header).encode())
        write_frame(out, body)


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
