"""What an IRI can be answered with, and which one a request gets: the registry of representations
(``VARIANTS``: HTML and the RDF syntaxes the build writes), the media types of the other files a built folder
holds, and content negotiation on ``Accept`` (q-values, specificity, server order).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from medvlm_kg.graph.serialize import FORMATS


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
VARIANT_BY_EXTENSION = {v.extension: v for v in VARIANTS}
RDF_EXTENSIONS = tuple(v.extension for v in VARIANTS if v.rdf)  # in preference order: Turtle first

# Other files a built site holds, by extension; anything else is application/octet-stream.
MEDIA_TYPES = {
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


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


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
