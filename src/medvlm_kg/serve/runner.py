"""``medvlm-kg serve``: the app with the SPARQL endpoint mounted, run by uvicorn on a socket bound here (so a busy
port or an unknown host is a clear error), with h11's request-head limit and a bounded concurrency.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
import sys
from pathlib import Path

from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.serve.app import check_build_folder, create_app
from medvlm_kg.serve.security import MAX_HEAD_BYTES


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so a busy port or unknown host is a clear error, not a traceback."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as error:
        raise CatalogError(
            Problem(host, None, "--host", f"cannot be used: {error}", "use an address such as 127.0.0.1")
        ) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        reason = "is already in use" if error.errno == errno.EADDRINUSE else f"cannot be bound: {error.strerror}"
        raise CatalogError(
            Problem(f"{host}:{port}", None, "--port", reason, "choose another port with --port, or stop what uses it")
        ) from None
    return sock


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(out_dir: Path | str, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``out_dir`` with uvicorn until interrupted, with the SPARQL endpoint mounted."""
    import uvicorn

    from medvlm_kg.sparql.endpoint import sparql_routes

    out_dir = check_build_folder(out_dir)
    app = create_app(out_dir, extra_routes=sparql_routes(out_dir))
    sock = _bind(host, port)
    if not _is_loopback(host):
        print(f"warning: serving on {host}, reachable from other machines", file=sys.stderr)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",  # its request-head limit is configurable; httptools' is not
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        ws="none",
        server_header=False,
        proxy_headers=False,
        limit_concurrency=1000,  # beyond this, 503 instead of unbounded memory
        timeout_keep_alive=5,
        log_level="info",
    )
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info(
        "Serving %s on http://%s:%d (Press CTRL+C to quit)", out_dir, shown, sock.getsockname()[1]
    )
    uvicorn.Server(config).run(sockets=[sock])
