"""Serve a built folder over HTTP: each IRI answered by content negotiation, every other file as it is.

The folder is indexed once (and again when a new build replaces it). A request is looked up in that index,
never joined to a filesystem path, so no spelling of ``..``, no NUL and no symlink reaches a file outside
the folder. Responses carry FAIR signposting (``Link``), ``ETag``, ``Vary`` and security headers.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import ipaddress
import logging
import math
import os
import posixpath
import re
import socket
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medvlm_kg.build.build import MANIFEST, MARKER
from medvlm_kg.graph.serialize import FORMATS
from medvlm_kg.problems import CatalogError, Problem

__all__ = ["create_app", "run", "negotiate", "Variant", "VARIANTS", "MAX_URL_BYTES", "MAX_HEAD_BYTES", "PAGE_CSP"]

MAX_URL_BYTES = 8 * 1024  # path + query; longer → 414
MAX_HEAD_BYTES = 16 * 1024  # request line + headers; longer → 431 (or 400 from h11 when it comes in pieces)
MAX_BODY_BYTES = 1024 * 1024  # request bodies (only the SPARQL endpoint reads any); larger → 413
READ_ONLY = "GET, HEAD"
DEFAULT_BASE = "https://w3id.org/medvlm-kg/"

# The baseline for every response that sets none itself (e.g. the SPARQL form). Pages served from the build
# get a stricter one: their inline <script> blocks are allowed by hash, not by 'unsafe-inline' (see _page_csp).
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; sandbox"
_SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": PAGE_CSP,
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
# The data is public and read-only: let any web page fetch it and read the signposting.
_OPEN_DATA_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "Content-Location, ETag, Link, Vary",
    "cache-control": "no-cache",
}

# Long author lists would swell the header past what proxies buffer (nginx: 4–8 KB for all of them by default).
_MAX_AUTHOR_LINKS = 16
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CATALOG_TYPES = {"http://www.w3.org/ns/dcat#Catalog", "https://schema.org/DataCatalog"}
_SIGNPOST_PREDICATES = {  # predicate of the described resource → signposting relation
    _RDF_TYPE: "type",
    "http://purl.org/dc/terms/license": "license",
    "https://schema.org/license": "license",
    "https://schema.org/creator": "author",
    "https://schema.org/author": "author",
    "http://purl.org/dc/terms/creator": "author",
}


@dataclass(frozen=True)
class Variant:
    """One representation an IRI can be negotiated to; ``aliases`` are Accept types it also answers."""

    extension: str
    media_type: str
    rdf: bool
    aliases: tuple[str, ...] = ()


# The registry of negotiable representations, in server preference order (HTML first for browsers and
# crawlers); the RDF formats are the ones the build writes, so a new format in FORMATS is served here too.
VARIANTS: tuple[Variant, ...] = (
    Variant("html", "text/html", rdf=False, aliases=("application/xhtml+xml",)),
    *(
        Variant(f.extension, f.media_type, rdf=True, aliases=("application/json",) if f.name == "jsonld" else ())
        for f in FORMATS.values()
    ),
)
_VARIANT_BY_EXTENSION = {v.extension: v for v in VARIANTS}
_RDF_EXTENSIONS = tuple(v.extension for v in VARIANTS if v.rdf)  # in preference order: Turtle first

# Other files a built site holds, by extension; anything else is application/octet-stream.
_MEDIA_TYPES = {
    **{v.extension: v.media_type for v in VARIANTS},
    "xml": "application/xml",
    "txt": "text/plain",
    "css": "text/css",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "json": "application/json",
    "map": "application/json",
    "rq": "application/sparql-query",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "md": "text/markdown",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "pdf": "application/pdf",
    "gz": "application/gzip",
    "webmanifest": "application/manifest+json",
}


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


# --- content negotiation -------------------------------------------------------------------------------


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside quoted strings (a profile IRI may hold commas or semicolons)."""
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _accept_ranges(header: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) for each well-formed media range; malformed ones are skipped."""
    ranges = []
    for item in _split(header, ","):
        media, *params = (p.strip() for p in _split(item, ";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip().strip('"'))
                except ValueError:
                    q = math.nan
                break
        if 0.0 <= q <= 1.0:  # NaN and out-of-range weights fail this too
            ranges.append((main, sub, q))
    return ranges


def negotiate(accept: str | None, available: Sequence[Variant]) -> Variant | None:
    """The variant to send for an Accept header: highest q wins, the more specific range decides a
    variant's q (``text/turtle`` over ``text/*`` over ``*/*``), server order breaks ties; None → 406.

    No Accept header (or one with no well-formed range) accepts anything: the first available variant.
    """
    ranges = _accept_ranges(accept) if accept else []
    if not ranges:
        return available[0] if available else None
    best: tuple[float, Variant] | None = None
    for variant in available:
        main, _, sub = variant.media_type.partition("/")
        aliases = {a.partition("/") for a in variant.aliases}
        matched: tuple[int, float] | None = None  # (specificity, q)
        for r_main, r_sub, q in ranges:
            if (r_main, r_sub) == (main, sub):
                specificity = 3
            elif (r_main, "/", r_sub) in aliases:
                specificity = 2
            elif r_main == main and r_sub == "*":
                specificity = 1
            elif r_main == "*":
                specificity = 0
            else:
                continue
            if matched is None or (specificity, q) > matched:
                matched = (specificity, q)
        if matched and matched[1] > 0 and (best is None or matched[1] > best[0]):
            best = (matched[1], variant)
    return best[1] if best else None


# --- the folder, indexed -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Body:
    data: bytes
    etag: str
    csp: str


@dataclass(frozen=True)
class _Resource:
    key: str  # the IRI path below the base: "dataset/pathmmu", "catalog", "" for /
    variants: tuple[tuple[Variant, str], ...]  # (variant, file), in server preference order


def _visible(name: str) -> bool:
    return not name.startswith(".") or name == ".well-known"


def _reference(target: str, from_dir: str) -> str:
    """``target`` (a path in the folder) relative to a request in ``from_dir``: works under any path prefix."""
    return quote(posixpath.relpath(target, from_dir or "."), safe="/")


def _header_iri(iri: str) -> str:
    """An IRI made safe for a header: non-ASCII, spaces, quotes and angle brackets percent-encoded."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~")


_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script", re.IGNORECASE | re.DOTALL)
_EXTERNAL = re.compile(rb"\bsrc\s*=", re.IGNORECASE)
_DATA_BLOCK = re.compile(rb"""\btype\s*=\s*["']?\s*application/(?:ld\+)?json""", re.IGNORECASE)


def _page_csp(html: bytes) -> str:
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


class _Index:
    """One build folder: its servable files, the IRIs they represent, file bodies read on first use."""

    def __init__(self, root: str):
        self.root = root
        self.files = self._walk(root)
        self.derived = self._derivable(self.files)  # path a build no longer writes → how to make it
        self.resources = self._resources({**self.files, **dict.fromkeys(self.derived, "")})
        self.owner = {
            file: key for key, res in self.resources.items() if key != "" for _, file in res.variants
        }  # a representation → the IRI path it represents (for signposting on direct file requests)
        self.body = lru_cache(maxsize=4096)(self._read)
        self._links: dict[str, str] = {}
        self._base: str | None = None

    @staticmethod
    def _walk(root: str) -> dict[str, str]:
        """Every regular, visible file below ``root`` → its Content-Type. Symlinks (to files or folders,
        inside or outside) are not followed, so the index cannot name anything outside the folder."""
        files: dict[str, str] = {}
        for directory, folders, names in os.walk(root, followlinks=False):
            folders[:] = [f for f in folders if _visible(f) and not os.path.islink(os.path.join(directory, f))]
            for name in names:
                path = os.path.join(directory, name)
                try:
                    regular = _visible(name) and stat.S_ISREG(os.lstat(path).st_mode)
                except OSError:  # gone while we looked (a new build replacing the folder)
                    regular = False
                if not regular:
                    continue
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                try:
                    rel.encode("utf-8")
                except UnicodeEncodeError:  # a name no URL can spell
                    continue
                extension = rel.rpartition("/")[2].rpartition(".")[2].lower()
                files[rel] = _content_type(_MEDIA_TYPES.get(extension, "application/octet-stream"))
        return files

    @staticmethod
    def _derivable(files: dict[str, str]) -> dict[str, tuple[str, str]]:
        """The representations served without a file of their own: ``<key>.<ext>`` of a compressed dump
        (``catalog.ttl.gz`` → ``catalog.ttl``, decompressed), and every RDF syntax of a resource the build wrote
        in another (N-Triples from the Turtle, which holds the same triples): path → (how, source path)."""
        derived: dict[str, tuple[str, str]] = {}
        for rel in files:
            if rel.endswith(".gz") and rel[:-3].rpartition(".")[2] in _RDF_EXTENSIONS and rel[:-3] not in files:
                derived[rel[:-3]] = ("gunzip", rel)
        present = {**files, **derived}
        for rel in list(present):
            stem, _, extension = rel.rpartition(".")
            if extension not in _RDF_EXTENSIONS or "/" in extension:
                continue
            source = next((f"{stem}.{e}" for e in _RDF_EXTENSIONS if f"{stem}.{e}" in present), rel)
            for other in _RDF_EXTENSIONS:
                if f"{stem}.{other}" not in present:
                    derived[f"{stem}.{other}"] = ("convert", source)
        return derived

    @staticmethod
    def _resources(files: dict[str, str]) -> dict[str, _Resource]:
        """IRI paths → their representations: ``dataset/x.ttl`` and ``dataset/x.html`` both represent
        ``dataset/x``; ``<dir>/index.html`` answers ``<dir>/``; the catalog page ``index.html`` also answers
        ``/catalog``, and ``/`` is the catalog in every format."""
        found: dict[str, dict[str, str]] = {}
        for rel in files:
            stem, dot, extension = rel.rpartition(".")
            if dot and "/" not in extension and extension in _VARIANT_BY_EXTENSION:
                found.setdefault(stem, {})[extension] = rel
            if rel == "index.html" or rel.endswith("/index.html"):
                found.setdefault(rel[: -len("index.html")], {})["html"] = rel
        found.pop("index", None)
        if "index.html" in files:
            found.setdefault("catalog", {})["html"] = "index.html"
        if "catalog" in found:
            found[""] = {**found["catalog"], **found.get("", {})}
        return {
            key: _Resource(key, tuple((v, by_ext[v.extension]) for v in VARIANTS if v.extension in by_ext))
            for key, by_ext in found.items()
        }

    def _read(self, rel: str) -> _Body | None:
        if rel in self.derived:
            data = self._derive(rel)
            if data is None:
                return None
            return _Body(data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"', _FILE_CSP)
        return self._read_file(rel)

    def _derive(self, rel: str) -> bytes | None:
        """A representation the build did not write, made from one it did (``_derivable``)."""
        how, source = self.derived[rel]
        body = self.body(source)
        if body is None:
            return None
        if how == "gunzip":
            import gzip
            import zlib

            try:
                return gzip.decompress(body.data)
            except (OSError, EOFError, zlib.error):
                return None
        from medvlm_kg.graph.serialize import FORMAT_BY_EXTENSION, serialize

        try:
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(body.data, format=ox.RdfFormat.from_extension(source.rpartition(".")[2]))
            ]
        except (SyntaxError, ValueError):
            return None
        target = FORMAT_BY_EXTENSION[rel.rpartition(".")[2]].name
        return serialize(triples, target, [self.iri(rel.rpartition(".")[0])] if target == "jsonld" else [])

    def _read_file(self, rel: str) -> _Body | None:
        # The name comes from the index, never from a request; O_NOFOLLOW refuses a symlink put there since.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(os.path.join(self.root, *rel.split("/")), flags)
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return None
                data = handle.read()
        except OSError:
            return None
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        csp = _page_csp(data) if rel.endswith(".html") else _FILE_CSP
        return _Body(data, etag, csp)

    def _triples(self, res: _Resource) -> list:
        """The triples of the resource's first RDF representation (empty if it has none or they don't parse)."""
        for variant, rel in res.variants:
            body = self.body(rel) if variant.rdf else None
            if body is not None:
                try:
                    return list(ox.parse(body.data, format=ox.RdfFormat.from_extension(variant.extension)))
                except (SyntaxError, ValueError):
                    return []
        return []

    def base(self) -> str:
        """The base IRI, from the catalog's own IRI (``<base>catalog``), else the project's default."""
        if self._base is None:
            self._base = DEFAULT_BASE
            catalog = self.resources.get("catalog")
            for triple in self._triples(catalog) if catalog else []:
                iri = triple.subject.value
                if triple.predicate.value == _RDF_TYPE and triple.object.value in _CATALOG_TYPES:
                    if iri.endswith("catalog"):
                        self._base = iri[: -len("catalog")]
                        break
        return self._base

    def iri(self, key: str) -> str:
        return self.base() + (key or "catalog")

    def links(self, key: str) -> str:
        """FAIR signposting for the IRI path ``key``: cite-as the IRI, describedby each RDF representation,
        and the type, license and author links that its RDF states about it."""
        if key not in self._links:
            res = self.resources[key]
            iri = self.iri(key)
            facts: dict[str, set[str]] = {}
            for t in self._triples(res):
                relation = _SIGNPOST_PREDICATES.get(t.predicate.value)
                if t.subject.value == iri and relation and isinstance(t.object, ox.NamedNode):
                    facts.setdefault(relation, set()).add(t.object.value)
            here = posixpath.dirname(key)
            links = [f'<{_header_iri(iri)}>; rel="cite-as"'] if facts else []
            links += [
                f'<{_reference(rel, here)}>; rel="describedby"; type="{variant.media_type}"'
                for variant, rel in res.variants
                if variant.rdf
            ]
            if len(facts.get("author", ())) > _MAX_AUTHOR_LINKS:
                del facts["author"]  # all or none; the RDF has them all
            for relation in ("type", "license", "author"):
                links += [f'<{_header_iri(target)}>; rel="{relation}"' for target in sorted(facts.get(relation, ()))]
            self._links[key] = ", ".join(links)
        return self._links[key]


# --- the ASGI application ------------------------------------------------------------------------------


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    headers = {"content-security-policy": _FILE_CSP, **(headers or {})}
    return Response(message + "\n", status, headers, media_type="text/plain; charset=utf-8")


class _BuiltSite:
    """Answers GET and HEAD from the build folder; the app's fallback after the routes (e.g. /sparql)."""

    def __init__(self, out_dir: Path):
        self._out_dir = out_dir
        self._marker = out_dir / MARKER
        self._signature = self._marker_signature()
        self._index = _Index(os.path.realpath(out_dir))

    def _marker_signature(self) -> tuple | None:
        """Identity of the build: the manifest is written anew by every build that changes anything (the
        marker is carried over as a hard link), so either file's inode changing means a new folder."""
        try:
            st = os.stat(self._marker)
        except OSError:
            return None
        try:
            manifest = os.stat(self._out_dir / MANIFEST)
            return (st.st_dev, st.st_ino, st.st_mtime_ns, manifest.st_ino, manifest.st_mtime_ns)
        except OSError:
            return (st.st_dev, st.st_ino, st.st_mtime_ns)

    def _current(self) -> _Index:
        """The index of the folder as it is now: a build replaces the folder (and its marker) in one rename."""
        signature = self._marker_signature()
        if signature is not None and signature != self._signature:
            self._index = _Index(os.path.realpath(self._out_dir))
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
            return _text(405, "405 Method Not Allowed: this server is read-only (GET, HEAD).", {"allow": READ_ONLY})
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
                media = index.files.get(key) or _content_type(_MEDIA_TYPES[key.rpartition(".")[2]])
                return self._file(body, media, headers, request_headers, method)
        return _text(404, "404 Not Found: no page, RDF document or file has this path. The catalog is at /.")

    def _negotiated(self, index: _Index, res: _Resource, request: Headers, method: str) -> Response:
        here = posixpath.dirname(res.key)
        links = index.links(res.key)
        headers = {"vary": "Accept", **({"link": links} if links else {})}
        choice = negotiate(", ".join(request.getlist("accept")) or None, [v for v, _ in res.variants])
        if choice is None:
            alternates = [
                f'<{_reference(rel, here)}>; rel="alternate"; type="{v.media_type}"' for v, rel in res.variants
            ]
            headers["link"] = ", ".join(filter(None, [links, *alternates]))
            listing = "\n".join(f"  {v.media_type}  {_reference(rel, here)}" for v, rel in res.variants)
            return _text(406, f"406 Not Acceptable. Available types:\n{listing}", headers)
        rel = dict((v.extension, r) for v, r in res.variants)[choice.extension]
        body = index.body(rel)
        if body is None:
            return _text(404, "404 Not Found: the file for this resource is gone; rebuild the folder.")
        headers["content-location"] = _reference(rel, here)
        return self._file(body, _content_type(choice.media_type), headers, request, method)

    @staticmethod
    def _file(body: _Body, content_type: str, headers: dict[str, str], request: Headers, method: str) -> Response:
        headers = {**headers, **_OPEN_DATA_HEADERS, "etag": body.etag, "content-security-policy": body.csp}
        if_none_match = request.get("if-none-match")
        if if_none_match is not None and _etag_matches(if_none_match, body.etag):
            return Response(None, 304, headers)
        headers["content-length"] = str(len(body.data))
        return Response(b"" if method == "HEAD" else body.data, 200, headers, media_type=content_type)


class _Hardening:
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
            refusal = _text(414, f"414 URI Too Long: at most {MAX_URL_BYTES} bytes.")
        elif head_bytes > MAX_HEAD_BYTES:
            refusal = _text(431, f"431 Request Header Fields Too Large: at most {MAX_HEAD_BYTES} bytes in all.")
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _check_build_folder(out_dir: Path | str) -> Path:
    out_dir = Path(out_dir).absolute()
    if not out_dir.is_dir():
        reason = "is not a folder" if out_dir.exists() else "does not exist"
        raise CatalogError(Problem(str(out_dir), None, "--out", reason, "build it first: medvlm-kg build --out DIR"))
    if not (out_dir / MARKER).is_file():
        raise CatalogError(
            Problem(
                str(out_dir),
                None,
                "--out",
                f"is not a medvlm-kg build folder (it has no {MARKER} file), so it is not served",
                "serve the folder that medvlm-kg build wrote: medvlm-kg build --out DIR && medvlm-kg serve --out DIR",
            )
        )
    return out_dir


def create_app(out_dir: Path | str, *, extra_routes: Iterable[BaseRoute] = ()) -> Starlette:
    """The read-only web app for a build folder: ``extra_routes`` first (e.g. ``/sparql``), then the folder.

    Raises ``CatalogError`` if ``out_dir`` is not a folder written by ``medvlm-kg build``.
    """
    site = _BuiltSite(_check_build_folder(out_dir))
    app = Starlette(routes=list(extra_routes), middleware=[Middleware(_Hardening)], max_body_size=MAX_BODY_BYTES)
    app.router.default = site
    return app


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

    out_dir = _check_build_folder(out_dir)
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
