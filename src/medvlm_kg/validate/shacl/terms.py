"""What every part of the engine shares: namespaces, the result type, the refusal error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OWL = "http://www.w3.org/2002/07/owl#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
_Literal, _NamedNode, _BlankNode = ox.Literal, ox.NamedNode, ox.BlankNode


def _sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(_SH + name)


RDF_TYPE = ox.NamedNode(_RDF + "type")
_RDF_FIRST, _RDF_REST, _RDF_NIL = (ox.NamedNode(_RDF + n) for n in ("first", "rest", "nil"))
_RDF_LANGSTRING = ox.NamedNode(_RDF + "langString")
_XSD_STRING, _XSD_BOOLEAN = ox.NamedNode(_XSD + "string"), ox.NamedNode(_XSD + "boolean")
_RDFS_SUBCLASSOF = ox.NamedNode(_RDFS + "subClassOf")
_OWL_IMPORTS = ox.NamedNode(_OWL + "imports")
_RDFS_LITERAL, _RDFS_DATATYPE = ox.NamedNode(_RDFS + "Literal"), ox.NamedNode(_RDFS + "Datatype")
_CLASSES = {ox.NamedNode(_RDFS + "Class"), ox.NamedNode(_OWL + "Class")}

VIOLATION, WARNING, INFO = _sh("Violation"), _sh("Warning"), _sh("Info")
_LENIENT = frozenset({WARNING, INFO})  # what allow_warnings lets pass: a shape giving only these conforms in sh:or
# constraint parameters whose checks look at a value node alone (no other node, no count)
_VALUE_ONLY = frozenset(
    {"datatype", "nodeKind", "minLength", "maxLength", "pattern", "flags", "in", "languageIn", "minInclusive"}
)
_EMPTY: dict = {}


class UnsupportedShapeError(ValueError):
    """The shapes graph uses SHACL this engine does not implement (or is not well-formed SHACL)."""


@dataclass(frozen=True, slots=True)
class Result:
    """One validation result: what pyshacl writes as an ``sh:ValidationResult``."""

    focus: Term
    path: ox.NamedNode | None
    value: Term | None
    severity: ox.NamedNode
    messages: tuple[str, ...]
    source_shape: ox.NamedNode | ox.BlankNode
    component: ox.NamedNode
    source_constraint: Term | None = None
    details: tuple[Result, ...] = ()

    @property
    def message(self) -> str | None:
        """The first message: the one rdflib's ``Graph.value`` gives for pyshacl's report."""
        return self.messages[0] if self.messages else None

    def walk(self) -> Iterator[Result]:
        """This result and its nested details, as pyshacl's report lists them (each a ValidationResult)."""
        yield self
        for detail in self.details:
            yield from detail.walk()


def _describe(node: Term) -> str:
    if type(node) is _NamedNode:
        return f"<{node.value}>"
    if type(node) is _BlankNode:
        return f"_:{node.value}"
    return str(node)
