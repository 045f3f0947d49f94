"""One build folder as the server sees it: every servable file (never following a symlink), the IRIs its files
represent, the RDF syntaxes made on request from the one the build wrote, file bodies with their ETag and CSP
read on first use, the base IRI, and the FAIR signposting (``Link``) of each IRI.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from medvlm_kg.serve.negotiation import (
    MEDIA_TYPES,
    RDF_EXTENSIONS,
    VARIANT_BY_EXTENSION,
    VARIANTS,
    Variant,
    content_type,
)
from medvlm_kg.serve.security import FILE_CSP, page_csp

DEFAULT_BASE = "https://w3id.org/medvlm-kg/"

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
class Body:
    data: bytes
    etag: str
    csp: str


@dataclass(frozen=True)
class Resource:
    key: str  # the IRI path below the base: "dataset/pathmmu", "catalog", "" for /
    variants: tuple[tuple[Variant, str], ...]  # (variant, file), in server preference order


def _visible(name: str) -> bool:
    return not name.startswith(".") or name == ".well-known"


def reference(target: str, from_dir: str) -> str:
    """``target`` (a path in the folder) relative to a request in ``from_dir``: works under any path prefix."""
    return quote(posixpath.relpath(target, from_dir or "."), safe="/")


def _header_iri(iri: str) -> str:
    """An IRI made safe for a header: non-ASCII, spaces, quotes and angle brackets percent-encoded."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~")


class Index:
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
                files[rel] = content_type(MEDIA_TYPES.get(extension, "application/octet-stream"))
        return files

    @staticmethod
    def _derivable(files: dict[str, str]) -> dict[str, tuple[str, str]]:
        """The representations served without a file of their own: ``<key>.<ext>`` of a compressed dump
        (``catalog.ttl.gz`` → ``catalog.ttl``, decompressed), and every RDF syntax of a resource the build wrote
        in another (N-Triples from the Turtle, which holds the same triples): path → (how, source path)."""
        derived: dict[str, tuple[str, str]] = {}
        for rel in files:
            if rel.endswith(".gz") and rel[:-3].rpartition(".")[2] in RDF_EXTENSIONS and rel[:-3] not in files:
                derived[rel[:-3]] = ("gunzip", rel)
        present = {**files, **derived}
        for rel in list(present):
            stem, _, extension = rel.rpartition(".")
            if extension not in RDF_EXTENSIONS or "/" in extension:
                continue
            source = next((f"{stem}.{e}" for e in RDF_EXTENSIONS if f"{stem}.{e}" in present), rel)
            for other in RDF_EXTENSIONS:
                if f"{stem}.{other}" not in present:
                    derived[f"{stem}.{other}"] = ("convert", source)
        return derived

    @staticmethod
    def _resources(files: dict[str, str]) -> dict[str, Resource]:
        """IRI paths → their representations: ``dataset/x.ttl`` and ``dataset/x.html`` both represent
        ``dataset/x``; ``<dir>/index.html`` answers ``<dir>/``; the catalog page ``index.html`` also answers
        ``/catalog``, and ``/`` is the catalog in every format."""
        found: dict[str, dict[str, str]] = {}
        for rel in files:
            stem, dot, extension = rel.rpartition(".")
            if dot and "/" not in extension and extension in VARIANT_BY_EXTENSION:
                found.setdefault(stem, {})[extension] = rel
            if rel == "index.html" or rel.endswith("/index.html"):
                found.setdefault(rel[: -len("index.html")], {})["html"] = rel
        found.pop("index", None)
        if "index.html" in files:
            found.setdefault("catalog", {})["html"] = "index.html"
        if "catalog" in found:
            found[""] = {**found["catalog"], **found.get("", {})}
        return {
            key: Resource(key, tuple((v, by_ext[v.extension]) for v in VARIANTS if v.extension in by_ext))
            for key, by_ext in found.items()
        }

    def _read(self, rel: str) -> Body | None:
        if rel in self.derived:
            data = self._derive(rel)
            if data is None:
                return None
            return Body(data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"', FILE_CSP)
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

    def _read_file(self, rel: str) -> Body | None:
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
        csp = page_csp(data) if rel.endswith(".html") else FILE_CSP
        return Body(data, etag, csp)

    def _triples(self, res: Resource) -> list:
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
                f'<{reference(rel, here)}>; rel="describedby"; type="{variant.media_type}"'
                for variant, rel in res.variants
                if variant.rdf
            ]
            if len(facts.get("author", ())) > _MAX_AUTHOR_LINKS:
                del facts["author"]  # all or none; the RDF has them all
            for relation in ("type", "license", "author"):
                links += [f'<{_header_iri(target)}>; rel="{relation}"' for target in sorted(facts.get(relation, ()))]
            self._links[key] = ", ".join(links)
        return self._links[key]
