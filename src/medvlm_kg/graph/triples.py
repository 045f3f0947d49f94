"""The building blocks every part of the description is written with: literals, and ``Description``, which collects
one description's triples in the order they are stated and records a verified fact's sources beside it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from medvlm_kg.catalog.entries import PartialDate, Sourced
from medvlm_kg.graph.namespaces import (
    DCT_SOURCE,
    NS,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_STATEMENT,
    RDF_SUBJECT,
    RDF_TYPE,
    RDFS_LABEL,
    XSD_BOOLEAN,
    XSD_INTEGER,
)

__all__ = ["Description", "Triple", "date_literal", "literal"]

Triple = ox.Triple


def literal(value: object, datatype: ox.NamedNode | None = None, language: str | None = None) -> ox.Literal:
    """A value as an RDF literal: booleans and integers typed, text with its language tag where given."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD_INTEGER)
    if language:
        return ox.Literal(str(value), language=language)
    if datatype:
        return ox.Literal(str(value), datatype=datatype)
    return ox.Literal(str(value))


def date_literal(d: PartialDate) -> ox.Literal:
    """A date as precise as it is known: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``."""
    return ox.Literal(d.value, datatype=ox.NamedNode(NS["xsd"] + d.precision))


class Description:
    """Collects the triples of one description (a dataset's or the catalog's)."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(Triple(s, p, o))

    def add_all(self, s: ox.NamedNode, predicates: Iterable[ox.NamedNode], o) -> None:
        for p in predicates:
            self.add(s, p, o)

    def sourced(self, s: ox.NamedNode, p: ox.NamedNode, o, fact: Sourced, label: str | None = None) -> None:
        """Assert a verified fact and record its sources on an ``rdf:Statement`` node."""
        self.add(s, p, o)
        digest = hashlib.sha1(f"{p.value} {o}".encode()).hexdigest()[:12]
        st = ox.NamedNode(f"{s.value}#fact-{digest}")
        self.add(st, RDF_TYPE, RDF_STATEMENT)
        self.add(st, RDF_SUBJECT, s)
        self.add(st, RDF_PREDICATE, p)
        self.add(st, RDF_OBJECT, o)
        for src in fact.sources:
            self.add(st, DCT_SOURCE, ox.NamedNode(src))
        if label:
            self.add(st, RDFS_LABEL, literal(label))
