"""RDF output formats, looked up by name (stage 4 of the pipeline).

Turtle and N-Triples come from Oxigraph's serializers (fast at 100,000 entries, where rdflib's Turtle
writer takes minutes); JSON-LD from our compacting writer. Triples are sorted first, so the same graph
always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .jsonld import prefixes, to_jsonld

__all__ = ["RdfFormat", "FORMATS", "FORMAT_BY_EXTENSION", "serialize", "sort_triples"]


def sort_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return sorted(set(triples), key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))


def _turtle(triples: list[ox.Triple], roots: list[str]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes())


def _ntriples(triples: list[ox.Triple], roots: list[str]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _jsonld(triples: list[ox.Triple], roots: list[str]) -> bytes:
    return to_jsonld(triples, roots).encode("utf-8")


@dataclass(frozen=True)
class RdfFormat:
    name: str
    extension: str
    media_type: str
    write: Callable[[list[ox.Triple], list[str]], bytes]


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "ttl", "text/turtle", _turtle),
        RdfFormat("jsonld", "jsonld", "application/ld+json", _jsonld),
        RdfFormat("ntriples", "nt", "application/n-triples", _ntriples),
    )
}
FORMAT_BY_EXTENSION = {f.extension: f for f in FORMATS.values()}


def serialize(triples: Iterable[ox.Triple], fmt: str, roots: list[str] | None = None) -> bytes:
    """``triples`` in the named format; ``roots`` are the nodes a JSON-LD reader should meet first."""
    return FORMATS[fmt].write(sort_triples(triples), roots or [])
