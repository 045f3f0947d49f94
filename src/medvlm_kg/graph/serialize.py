"""RDF output formats, looked up by name (stage 4 of the pipeline).

Turtle and N-Triples come from Oxigraph's serializers (fast at 100,000 entries, where rdflib's Turtle
writer takes minutes); JSON-LD from our compacting writer. Triples are sorted first, so the same graph
always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from medvlm_kg.graph.jsonld import prefixes, to_jsonld

__all__ = [
    "RdfFormat",
    "FORMATS",
    "FORMAT_BY_EXTENSION",
    "TURTLE_HEADER",
    "serialize",
    "serialize_sorted",
    "sort_triples",
]


def sort_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Each triple once, in N-Triples order (a subject's triples stay together, so Turtle groups them)."""
    return sorted(set(triples), key=str)


def _turtle(triples: list[ox.Triple], roots: list[str]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes())


def _ntriples(triples: list[ox.Triple], roots: list[str]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _jsonld(triples: list[ox.Triple], roots: list[str]) -> bytes:
    return to_jsonld(triples, roots)


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


def serialize_sorted(ordered: list[ox.Triple], fmt: str, roots: list[str] | None = None) -> bytes:
    """``serialize`` for triples already in ``sort_triples`` order (or a part of such a list, in order): one
    description written in several formats is sorted once, not once a format (the sort's ``str`` of every triple
    was 4 s of a 10,000-entry build)."""
    return FORMATS[fmt].write(ordered, roots or [])


# The prefix lines every Turtle document starts with (the same for all: the context's prefixes), so documents
# can be joined into one by dropping the later ones' headers.
def _turtle_header() -> bytes:
    one = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=prefixes())
    return text[: text.index(b"<urn:x:s>")]


TURTLE_HEADER = _turtle_header()
