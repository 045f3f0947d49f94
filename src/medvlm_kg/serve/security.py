"""What every response carries and every request is held to: the request size limits, the Content Security
Policies (a built page's inline scripts allowed by hash), the security headers and the middleware that adds them
and refuses an over-long URL or head, and the plain-text answer used for errors.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_URL_BYTES = 8 * 1024  # path + query; longer → 414
MAX_HEAD_BYTES = 16 * 1024  # request line + headers; longer → 431 (or 400 from h11 when it comes in pieces)
MAX_BODY_BYTES = 1024 * 1024  # request bodies (only the SPARQL endpoint reads any); larger → 413

# The baseline for every response that sets none itself (e.g. the SPARQL form). Pages served from the build
# get a stricter one: their inline <script> blocks are allowed by hash, not by 'unsafe-inline' (see page_csp).
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; sandbox"
_SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": PAGE_CSP,
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}

_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script", re.IGNORECASE | re.DOTALL)
_EXTERNAL = re.compile(rb"\bsrc\s*=", re.IGNORECASE)
_DATA_BLOCK = re.compile(rb"""\btype\s*=\s*["']?\s*application/(?:ld\+)?json""", re.IGNORECASE)


def page_csp(html: bytes) -> str:
    """PAGE_CSP with the page's inline <script> blocks allowed by their SHA-256 instead of 'unsafe-inline'.

    Event-handler attributes (``onerror=``) and ``javascript:`` URLs, the usual way an escaping bug becomes
    script, then never run. A whole ``<script>`` element in the file would be hashed too: escaping at build time
    stays the first defence. JSON-LD data blocks never run and need no hash."""
    hashes = []
    for attributes, body in _SCRIPT.findall(html):
        if _EXTERNAL.search(attributes) or _DATA_BLOCK.search(attributes):
            continue
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # as the HTML parser hands it to the engine
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    script_src = " ".join(["'self'", *sorted(set(hashes))])
    return PAGE_CSP.replace("script-src 'self' 'unsafe-inline'", f"script-src {script_src}")


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    headers = {"content-security-policy": FILE_CSP, **(headers or {})}
    return Response(message + "\n", status, headers, media_type="text/plain; charset=utf-8")


class Hardening:
    """Every response: security headers (unless the route set its own); every request: a bounded URL."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        # h11 enforces MAX_HEAD_BYTES on a request head that arrives in pieces; these catch one that came whole.
        url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        head_bytes = url_bytes + sum(len(name) + len(value) + 4 for name, value in scope["headers"])
        refusal = None
        if url_bytes > MAX_URL_BYTES:
            refusal = text_response(414, f"414 URI Too Long: at most {MAX_URL_BYTES} bytes.")
        elif head_bytes > MAX_HEAD_BYTES:
            refusal = text_response(431, f"431 Request Header Fields Too Large: at most {MAX_HEAD_BYTES} bytes in all.")
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
