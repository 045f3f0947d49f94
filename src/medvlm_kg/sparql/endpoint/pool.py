"""The worker processes, seen from the server: started at the first query, each query given to an idle one for at
most the time limit (a query that overruns is stopped by killing its process, and a fresh one started), at most
``MAX_IN_FLIGHT`` queries running or waiting, every pool closed when the server exits.
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

from medvlm_kg.sparql.endpoint.worker import write_frame

MAX_IN_FLIGHT = 32  # queries running or waiting for a worker; more get 503 at once
WORKER_START_S = 60.0  # how long a new worker may take to load the graph


class WorkerGone(Exception):
    """The worker process ended, or could not load the graph (the message says why when it is known)."""


class Worker:
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
        write_frame(self.stdin, config)

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
                raise WorkerGone
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
            raise WorkerGone(status.get("error", "the worker could not load the graph"))
        self.ready, self.triples = True, int(status.get("triples", 0))

    def ask(self, request: dict, deadline: float) -> tuple[dict, bytes]:
        try:
            write_frame(self.stdin, json.dumps(request).encode())
        except (BrokenPipeError, OSError):
            raise WorkerGone from None
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
class Answer:
    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str, **headers: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), dict(headers))


def _busy() -> Answer:
    return _text(503, "the endpoint is busy with other queries; try again in a moment", **{"Retry-After": "2"})


_POOLS: weakref.WeakSet[Pool] = weakref.WeakSet()


class Pool:
    """``size`` worker processes, started at the first query; each query gets one for at most ``timeout_s``."""

    def __init__(self, config: dict, size: int, timeout_s: float):
        self.config = json.dumps(config).encode()
        self.max_results = int(config["max_results"])
        self.size, self.timeout_s = size, timeout_s
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: set[Worker] = set()
        self.started = self.closed = False
        self.in_flight = 0
        self.executor = ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT, thread_name_prefix="sparql")
        _POOLS.add(self)

    def _spawn(self) -> None:
        with self.lock:
            if self.closed:
                return
            worker = Worker(self.config)
            self.workers.add(worker)
        self.idle.put(worker)

    def _retire(self, worker: Worker, *, replace: bool = True) -> None:
        worker.stop()
        with self.lock:
            self.workers.discard(worker)
        if replace:
            self._spawn()

    def run(self, request: dict) -> Answer:
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
        except (TimeoutError, WorkerGone) as failure:
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
        except WorkerGone as gone:
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
        return Answer(int(header["status"]), media, body, headers)

    async def ask(self, request: dict) -> Answer:
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
