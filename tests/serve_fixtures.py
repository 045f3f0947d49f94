"""Helpers for tests that talk to a real ``medvlm-kg serve`` process: start it on a free loopback port, wait
until it answers, always stop it; and send requests byte for byte (httpx would normalize the paths we test).
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RunningServer:
    url: str  # http://127.0.0.1:PORT
    port: int
    process: subprocess.Popen
    log: Path  # the server's stdout and stderr


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    body: bytes
    raw: bytes  # everything the server sent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        response = raw_request(port, b"/", method=b"HEAD", timeout=1.0)
    except OSError:
        return False
    return response.status > 0


@contextmanager
def serve(out_dir: Path, log: Path, *args: str, startup_s: float = 20.0) -> Iterator[RunningServer]:
    """``medvlm-kg serve --out out_dir --port FREE *args`` in a subprocess; stopped (SIGTERM, then SIGKILL) on exit."""
    for _attempt in range(3):  # another process may take the free port between our check and the bind
        port = free_port()
        with open(log, "wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "medvlm_kg.cli", "serve", "--out", str(out_dir), "--port", str(port), *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        try:
            deadline = time.monotonic() + startup_s
            while process.poll() is None and not _answers(port):
                if time.monotonic() > deadline:
                    raise AssertionError(f"serve did not answer within {startup_s} s:\n{log.read_text()}")
                time.sleep(0.05)
            if process.poll() is not None:
                if "already in use" in log.read_text():
                    continue
                raise AssertionError(f"serve exited with {process.returncode}:\n{log.read_text()}")
            yield RunningServer(f"http://127.0.0.1:{port}", port, process, log)
            return
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    raise AssertionError("no free port found for serve in 3 attempts")


def raw_request(
    port: int,
    target: bytes,
    *,
    method: bytes = b"GET",
    headers: bytes = b"",
    timeout: float = 10.0,
    chunks: int = 1,
) -> RawResponse:
    """Send exactly ``METHOD target HTTP/1.1`` (plus ``headers``, CRLF-terminated lines) and read to the end.

    ``chunks`` > 1 sends the request head in that many pieces, as a slow client would.
    """
    request = method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        size = -(-len(request) // chunks)
        for start in range(0, len(request), size):
            sock.sendall(request[start : start + size])
            if chunks > 1:
                time.sleep(0.05)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    parsed: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        parsed[name] = f"{parsed[name]}, {value.strip()}" if name in parsed else value.strip()
    return RawResponse(int(match.group(1)) if match else 0, parsed, body, data)


_LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,=]+\s*=\s*(?:"[^"]*"|[^;,]*)\s*)*)')


def parse_links(header: str) -> list[dict[str, str]]:
    """A Link header as records: {"target": ..., "rel": ..., "type": ...}."""
    links = []
    for match in _LINK.finditer(header):
        record = {"target": match.group(1)}
        for param in re.finditer(r';\s*([^;,=\s]+)\s*=\s*("[^"]*"|[^;,]*)', match.group(2)):
            record[param.group(1).lower()] = param.group(2).strip().strip('"')
        links.append(record)
    return links


class InProcessClient:
    """A synchronous httpx client for an ASGI app in this process (httpx's ASGI transport; no server)."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> httpx.Response:
        return self.request("PUT", path, **kwargs)
