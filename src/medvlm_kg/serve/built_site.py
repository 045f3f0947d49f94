"""The app's answer to every path that is not a route: the IRI or file looked up in the folder's index (rebuilt
when a new build replaces the folder), the representation negotiated, with signposting, ETag (304 on a match),
CORS and the file's own CSP; read-only (GET, HEAD).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from medvlm_kg.build.build import MARKER
from medvlm_kg.serve.index import Body, Index, Resource, reference
from medvlm_kg.serve.negotiation import MEDIA_TYPES, content_type, negotiate
from medvlm_kg.serve.security import text_response

READ_ONLY = "GET, HEAD"

# The data is public and read-only: let any web page fetch it and read the signposting.
_OPEN_DATA_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "Content-Location, ETag, Link, Vary",
    "cache-control": "no-cache",
}


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class BuiltSite:
    """Answers GET and HEAD from the build folder; the app's fallback after the routes (e.g. /sparql)."""

    def __init__(self, out_dir: Path):
        self._out_dir = out_dir
        self._marker = out_dir / MARKER
        self._signature = self._marker_signature()
        self._index = Index(os.path.realpath(out_dir))

    def _marker_signature(self) -> tuple | None:
        """Identity of the build: every build that changes anything writes a new marker (it names the build's
        manifest), so its inode changing means a new folder."""
        try:
            st = os.stat(self._marker)
        except OSError:
            return None
        return (st.st_dev, st.st_ino, st.st_mtime_ns)

    def _current(self) -> Index:
        """The index of the folder as it is now: a build replaces the folder (and its marker) in one rename."""
        signature = self._marker_signature()
        if signature is not None and signature != self._signature:
            self._index = Index(os.path.realpath(self._out_dir))
            self._signature = signature
        return self._index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        # Reading a file or deriving a rare syntax (a catalog's JSON-LD from its Turtle) blocks; in a worker thread
        # it cannot stall the event loop, whose keep-alive timers would otherwise close connections mid-burst.
        response = await run_in_threadpool(self._respond, scope)
        await response(scope, receive, send)

    def _respond(self, scope: Scope) -> Response:
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            return text_response(
                405, "405 Method Not Allowed: this server is read-only (GET, HEAD).", {"allow": READ_ONLY}
            )
        index = self._current()
        path = scope["path"]
        key = path[1:] if path.startswith("/") else None
        request_headers = Headers(scope=scope)
        if key in index.resources:
            return self._negotiated(index, index.resources[key], request_headers, method)
        if key in index.files or key in index.derived:
            body = index.body(key)
            if body is not None:
                links = index.links(index.owner[key]) if key in index.owner else ""
                headers = {"link": links} if links else {}
                media = index.files.get(key) or content_type(MEDIA_TYPES[key.rpartition(".")[2]])
                return self._file(body, media, headers, request_headers, method)
        return text_response(404, "404 Not Found: no page, RDF document or file has this path. The catalog is at /.")

    def _negotiated(self, index: Index, res: Resource, request: Headers, method: str) -> Response:
        here = posixpath.dirname(res.key)
        links = index.links(res.key)
        headers = {"vary": "Accept", **({"link": links} if links else {})}
        choice = negotiate(", ".join(request.getlist("accept")) or None, [v for v, _ in res.variants])
        if choice is None:
            alternates = [
                f'<{reference(rel, here)}>; rel="alternate"; type="{v.media_type}"' for v, rel in res.variants
            ]
            headers["link"] = ", ".join(filter(None, [links, *alternates]))
            listing = "\n".join(f"  {v.media_type}  {reference(rel, here)}" for v, rel in res.variants)
            return text_response(406, f"406 Not Acceptable. Available types:\n{listing}", headers)
        rel = dict((v.extension, r) for v, r in res.variants)[choice.extension]
        body = index.body(rel)
        if body is None:
            return text_response(404, "404 Not Found: the file for this resource is gone; rebuild the folder.")
        headers["content-location"] = reference(rel, here)
        return self._file(body, content_type(choice.media_type), headers, request, method)

    @staticmethod
    def _file(body: Body, content_type: str, headers: dict[str, str], request: Headers, method: str) -> Response:
        headers = {**headers, **_OPEN_DATA_HEADERS, "etag": body.etag, "content-security-policy": body.csp}
        if_none_match = request.get("if-none-match")
        if if_none_match is not None and _etag_matches(if_none_match, body.etag):
            return Response(None, 304, headers)
        headers["content-length"] = str(len(body.data))
        return Response(b"" if method == "HEAD" else body.data, 200, headers, media_type=content_type)
