"""Real stores and small stand-ins for tests: an Oxigraph server, Virtuoso, an ASGI app under uvicorn, and
loopback stubs for failures a real store cannot produce on demand (asks for credentials, never answers).

Each starts on a free loopback port in its own temporary folder, waits until it answers, and is always
stopped (a context manager). Import what you need: ``from stores import OxigraphServer``. Entering a real
store's context ``require``s it (conftest): a skip on a developer's machine without it, a failure under CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import rdflib
from rdflib.compare import to_isomorphic
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from conftest import require

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-value"  # the password and token tests set; it must never be printed
CREDENTIALS = {  # the two ways to give credentials, each with the secret
    "basic": {"MEDVLM_KG_ENDPOINT_USER": "curator", "MEDVLM_KG_ENDPOINT_PASSWORD": SECRET},
    "bearer": {"MEDVLM_KG_ENDPOINT_TOKEN": SECRET},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    return free_port()


def wait_until(ready: Callable[[], bool], timeout_s: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        if time.monotonic() > deadline:
            detail = f"\n{log.read_text(errors='replace')[-3000:]}" if log and log.exists() else ""
            raise AssertionError(f"{what} did not answer within {timeout_s} s{detail}")
        time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code < 500
    except httpx.HTTPError:
        return False


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``medvlm-kg *args`` in a fresh process, with extra environment variables (e.g. credentials)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MEDVLM_KG_")}
    return subprocess.run(
        [sys.executable, "-m", "medvlm_kg.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **(env or {})},
        timeout=timeout,
    )


def _variables_in(node, found: list[str]) -> list[str]:
    if isinstance(node, rdflib.Variable):
        found.append(str(node))
    elif isinstance(node, CompValue):
        for value in node.values():
            _variables_in(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _variables_in(value, found)
    return found


def _order_keys(node) -> list[str] | None:
    """The variables the outermost ORDER BY of a parsed query's algebra sorts on, None when it has none."""
    if isinstance(node, CompValue):
        if node.name == "OrderBy":
            return list(dict.fromkeys(_variables_in(node.expr, [])))
        for value in node.values():
            if (keys := _order_keys(value)) is not None:
                return keys
    elif isinstance(node, (list, tuple)):
        for value in node:
            if (keys := _order_keys(value)) is not None:
                return keys
    return None


def query_shape(query: str) -> tuple[str, list[str] | None]:
    """The form (SELECT, CONSTRUCT, ASK, DESCRIBE) of a SPARQL query and the variables its ORDER BY sorts on
    (None: unordered), read by rdflib's SPARQL parser, independent of the product's own reading."""
    algebra = prepareQuery(query).algebra
    return algebra.name.removesuffix("Query").upper(), _order_keys(algebra)


def _arranged(variables: list[str], rows: list[tuple], order: list[str] | None, query: str):
    """Rows as a value that keeps exactly what the query promises: their order where it has an ORDER BY (as a
    list of runs of rows with equal sort keys, each run a multiset, for ties may come in any order), else a
    multiset (duplicates count, order does not)."""
    if order is None:
        return variables, Counter(rows)
    hidden = [v for v in order if v not in variables]
    if hidden:
        raise AssertionError(f"cannot compare the order: ORDER BY uses {hidden}, which the query does not return")
    at = [variables.index(v) for v in order]
    runs: list[tuple[tuple, Counter]] = []
    for row in rows:
        key = tuple(row[i] for i in at)
        if not runs or runs[-1][0] != key:
            runs.append((key, Counter()))
        runs[-1][1][row] += 1
    return variables, runs


def comparable(answer, query: str):
    """A query answer as a value to compare with ``==``, keeping what the query promises and no more: SELECT
    rows in order where the query has ORDER BY (ties as multisets), as a multiset otherwise; a CONSTRUCT or
    DESCRIBE graph up to blank-node renaming (rdflib's isomorphism); an ASK boolean.

    ``answer`` is SPARQL JSON results as ``medvlm-kg query --format json`` prints them (JSON-LD for graphs, or
    Turtle with another format), or a ``QueryResult`` (its rows and triples); ``query`` is the SPARQL text that was
    asked.
    """
    form, order = query_shape(query)
    if form in ("CONSTRUCT", "DESCRIBE"):
        if isinstance(answer, str):
            syntax = "json-ld" if answer.lstrip().startswith("{") else "turtle"
            graph = rdflib.Graph().parse(data=answer, format=syntax)
        else:
            nt = ox.serialize(answer.triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            graph = rdflib.Graph().parse(data=nt, format="nt")
        return to_isomorphic(graph)
    if not isinstance(answer, str):
        if form == "ASK":
            return answer.boolean
        return _arranged(list(answer.variables), [tuple(row) for row in answer.rows], order, query)
    # SPARQL JSON results, read by Oxigraph's parser into terms (so equal terms compare equal however written).
    parsed = ox.parse_query_results(answer.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    if form == "ASK":
        return bool(parsed)
    variables = [v.value for v in parsed.variables]
    rows = [tuple(solution[v] for v in variables) for solution in parsed]
    return _arranged(variables, rows, order, query)


def _stop(process: subprocess.Popen, grace_s: float = 5.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``: Graph Store at /store, SPARQL at /query and
    /update."""

    def __init__(self, location: Path):
        self.location = Path(location)
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    def __enter__(self) -> OxigraphServer:
        require("oxigraph")
        self.location.mkdir(parents=True, exist_ok=True)
        log = self.location.parent / f"{self.location.name}.log"
        for _attempt in range(3):  # another process may take the free port before oxigraph binds it
            self.port = free_port()
            with open(log, "wb") as sink:
                self.process = subprocess.Popen(
                    ["oxigraph", "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
            try:
                wait_until(
                    lambda: self.process.poll() is not None or _answers(self.query_url + "?query=ASK%7B%7D"),
                    20,
                    "oxigraph",
                    log,
                )
            except BaseException:
                _stop(self.process)
                raise
            if self.process.poll() is None:
                return self
        raise AssertionError(f"oxigraph did not start:\n{log.read_text(errors='replace')}")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            _stop(self.process)

    def select(self, query: str) -> list[dict]:
        response = httpx.post(
            self.query_url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=10
        )
        response.raise_for_status()
        return response.json()["results"]["bindings"]

    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or quads in the whole store."""
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"]["value"])

    def update(self, text: str) -> None:
        response = httpx.post(
            self.update_url, content=text.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=10
        )
        response.raise_for_status()


class VirtuosoServer:
    """Debian's Virtuoso 7 (``virtuoso-t``) with a fresh database in a temporary folder, on loopback ports.

    The new database's ``dba`` account has the password ``dba``; writes go through the Digest-protected
    ``/sparql-graph-crud-auth`` (Graph Store) and ``/sparql-auth`` (update), reads through ``/sparql``.
    """

    USER, PASSWORD = "dba", "dba"

    def __init__(self, location: Path):
        self.location = Path(location)
        self.process: subprocess.Popen | None = None
        self.http_port = 0

    @staticmethod
    def executable() -> str | None:
        return shutil.which("virtuoso-t")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def _write_ini(self, sql_port: int) -> Path:
        d = self.location
        ini = d / "virtuoso.ini"
        vad = "/usr/share/virtuoso-opensource-7/vad"
        ini.write_text(
            f"""[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {vad}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{self.http_port}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
""",
            encoding="utf-8",
        )
        return ini

    def __enter__(self) -> VirtuosoServer:
        require("virtuoso")
        self.location.mkdir(parents=True, exist_ok=True)
        log = self.location / "stdout.log"
        self.http_port = free_port()
        ini = self._write_ini(free_port())
        with open(log, "wb") as sink:
            self.process = subprocess.Popen(
                [self.executable() or "virtuoso-t", "+foreground", "+configfile", str(ini)],
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=self.location,
            )
        try:
            wait_until(
                lambda: self.process.poll() is not None or _answers(self.url + "/sparql?query=ASK%7B%7D"),
                60,
                "virtuoso",
                log,
            )
        except BaseException:
            _stop(self.process)
            raise
        if self.process.poll() is not None:
            raise AssertionError(f"virtuoso exited:\n{log.read_text(errors='replace')[-3000:]}")
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            _stop(self.process, grace_s=10)


class UvicornServer:
    """An ASGI app served by uvicorn in a thread of this process, on a free loopback port."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> UvicornServer:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), 20, "uvicorn")
        assert self.server.started, "uvicorn did not start"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class StubServer:
    """A tiny loopback HTTP server with one behaviour for every request, in a thread.

    ``"auth"``: 401 with a Basic challenge (it records the Authorization headers it received);
    ``"silent"``: reads the request, then never answers (until stopped);
    ``"flaky"``: answers 503 to the first ``failures`` requests, then forwards them to ``forward_to``.
    """

    def __init__(self, behaviour: str, *, failures: int = 0, forward_to: str = ""):
        self.behaviour, self.failures, self.forward_to = behaviour, failures, forward_to
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, headers
        self.stopping = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, dict(self.headers)))
                if stub.behaviour == "silent":
                    stub.stopping.wait(60)
                    self.close_connection = True
                    return
                if stub.behaviour == "flaky" and len(stub.requests) > stub.failures:
                    headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                    answer = httpx.request(
                        self.command, stub.forward_to + self.path, content=body, headers=headers, timeout=10
                    )
                    self._reply(answer.status_code, answer.content, answer.headers.get("content-type", "text/plain"))
                    return
                if stub.behaviour == "flaky":
                    self._reply(503, b"try again later\n")
                    return
                self._reply(401, b"credentials needed\n", extra={"WWW-Authenticate": 'Basic realm="stub"'})

            def _reply(self, status: int, body: bytes, kind: str = "text/plain", extra: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
