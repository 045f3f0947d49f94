"""Reading a shapes graph: each shape compiled once into checks, by the builders of each constraint family;
anything outside the supported subset refused."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pyoxigraph as ox

from medvlm_kg.validate.shacl.cardinality import build_count, build_has_value, build_in, build_min_inclusive
from medvlm_kg.validate.shacl.lexical import _number
from medvlm_kg.validate.shacl.logical import build_or
from medvlm_kg.validate.shacl.shape_based import build_node, build_property
from medvlm_kg.validate.shacl.shapes import Shapes, _Shape
from medvlm_kg.validate.shacl.sparql import build_sparql
from medvlm_kg.validate.shacl.string_based import build_language_in, build_length, build_pattern, build_unique_lang
from medvlm_kg.validate.shacl.terms import (
    _CLASSES,
    _EMPTY,
    _RDF_FIRST,
    _RDF_NIL,
    _RDF_REST,
    _SH,
    _XSD_BOOLEAN,
    RDF_TYPE,
    Term,
    UnsupportedShapeError,
    _describe,
    _Literal,
    _NamedNode,
    _sh,
)
from medvlm_kg.validate.shacl.value_type import build_class, build_datatype, build_node_kind
from medvlm_kg.validate.shacl.wording import _Wording

_NON_VALIDATING = {"name", "description", "order", "group", "defaultValue", "message", "severity", "deactivated"}
# what declares a constraint component of one's own (whatever class it is given)
_COMPONENT_DEFINITION = frozenset(_sh(n) for n in ("parameter", "validator", "nodeValidator", "propertyValidator"))
_TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"}
_SUPPORTED = {
    "path",
    "property",
    "class",
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minLength",
    "maxLength",
    "pattern",
    "flags",
    "hasValue",
    "in",
    "languageIn",
    "uniqueLang",
    "minInclusive",
    "or",
    "node",
    "sparql",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
} | _NON_VALIDATING


class _Compiler:
    """Turns a shapes graph (subject → predicate → objects) into :class:`_Shape` objects, checking what it meets."""

    def __init__(self, graph: dict, wording: _Wording) -> None:
        self.graph = graph
        self.shapes: dict[Term, _Shape] = {}
        self.compiling: set[Term] = set()
        self.wording = wording

    def objects(self, node: Term, name: str) -> list:
        return self.graph.get(node, _EMPTY).get(_sh(name), [])

    def one(self, node: Term, name: str, where: str):
        found = list(dict.fromkeys(self.objects(node, name)))
        if len(found) > 1:
            raise UnsupportedShapeError(f"{where}: more than one sh:{name}")
        return found[0] if found else None

    def items(self, head: Term, where: str) -> list:
        """The members of an RDF list."""
        found, seen = [], set()
        while head != _RDF_NIL:
            if head in seen or head not in self.graph:
                raise UnsupportedShapeError(f"{where}: not a well-formed RDF list")
            seen.add(head)
            first, rest = self.objects_of(head, _RDF_FIRST), self.objects_of(head, _RDF_REST)
            if len(first) != 1 or len(rest) != 1:
                raise UnsupportedShapeError(f"{where}: not a well-formed RDF list")
            found.append(first[0])
            head = rest[0]
        return found

    def objects_of(self, node: Term, predicate: ox.NamedNode) -> list:
        return self.graph.get(node, _EMPTY).get(predicate, [])

    def integer(self, node: Term, name: str, where: str) -> int | None:
        value = self.one(node, name, where)
        if value is None:
            return None
        number = _number(value)
        if number is None or number != int(number) or number < 0:
            raise UnsupportedShapeError(f"{where}: sh:{name} must be a non-negative integer")
        return int(number)

    def shape(self, node: Term) -> _Shape:
        found = self.shapes.get(node)
        if found is not None:
            return found
        where = _describe(node)
        if type(node) is _Literal:
            raise UnsupportedShapeError(f"{where}: a literal cannot be a shape")
        if node in self.compiling:
            raise UnsupportedShapeError(f"{where}: recursive shapes are not supported")
        self.compiling.add(node)
        try:
            shape = self._compile(node, where)
        finally:
            self.compiling.discard(node)
        self.shapes[node] = shape
        return shape

    def _compile(self, node: Term, where: str) -> _Shape:
        described = self.graph.get(node, _EMPTY)
        for predicate in described:
            name = predicate.value[len(_SH) :] if predicate.value.startswith(_SH) else None
            if name is not None and name not in _SUPPORTED:
                raise UnsupportedShapeError(f"{where}: sh:{name} is not supported by medvlm_kg.shacl")
        path = self.one(node, "path", where)
        if path is not None and type(path) is not _NamedNode:
            raise UnsupportedShapeError(f"{where}: only predicate paths (an IRI as sh:path) are supported")
        shape = _Shape(node, path)
        shape.wording = self.wording
        severity = self.one(node, "severity", where)
        if severity is not None:
            if type(severity) is _Literal:
                raise UnsupportedShapeError(f"{where}: sh:severity must be an IRI")
            shape.severity = severity
        shape.messages = tuple(m.value for m in self.objects(node, "message") if type(m) is _Literal)
        shape.names = tuple(n.value for n in self.objects(node, "name") if type(n) is _Literal)
        deactivated = self.one(node, "deactivated", where)
        if deactivated is not None:
            if type(deactivated) is not _Literal or deactivated.datatype != _XSD_BOOLEAN:
                raise UnsupportedShapeError(f"{where}: sh:deactivated must be a boolean")
            shape.deactivated = deactivated.value == "true"  # as the W3C tests read it: "1" is not true
        done: set[str] = set()
        for predicate in described:
            name = predicate.value[len(_SH) :] if predicate.value.startswith(_SH) else None
            name = {"flags": "pattern", "maxCount": "minCount"}.get(name, name)  # read together
            if name is None or name in done or name in _NON_VALIDATING or name == "path" or name in _TARGETS:
                continue
            done.add(name)
            self._constraint(shape, name, where)
        shape.uses = (
            {p.value[len(_SH) :] for p in described if p.value.startswith(_SH)} - _NON_VALIDATING - {"path"} - _TARGETS
        )
        if shape.deactivated:  # compiled all the same, so that what it uses is checked
            shape.checks, shape.empty_checks = [], []
        return shape

    def _constraint(self, shape: _Shape, name: str, where: str) -> None:
        build = _BUILDERS.get(name)
        if build is None:  # pragma: no cover - _SUPPORTED and the builders are kept in step
            raise UnsupportedShapeError(f"{where}: sh:{name} is not supported")
        if name in ("minLength", "maxLength"):
            build(self, shape, where, name)
        else:
            build(self, shape, where)


_BUILDERS = {
    "class": build_class,
    "datatype": build_datatype,
    "nodeKind": build_node_kind,
    "minCount": build_count,
    "minLength": build_length,
    "maxLength": build_length,
    "pattern": build_pattern,
    "hasValue": build_has_value,
    "in": build_in,
    "languageIn": build_language_in,
    "uniqueLang": build_unique_lang,
    "minInclusive": build_min_inclusive,
    "or": build_or,
    "node": build_node,
    "property": build_property,
    "sparql": build_sparql,
}


def compile_shapes(
    source: str | os.PathLike | Iterable[ox.Triple] | object, prefixes: dict[str, str] | None = None
) -> Shapes:
    """Compile a shapes graph: a Turtle file's path, an rdflib graph, or pyoxigraph triples (with their prefixes,
    which only pyshacl-style generated messages use).

    Raises :class:`UnsupportedShapeError` for any SHACL feature outside the supported subset.
    """
    triples, prefixes = _read_shapes(source, prefixes)
    namespaces = getattr(source, "namespace_manager", None) if not isinstance(source, str | os.PathLike) else None
    graph: dict = {}
    for t in triples:
        graph.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    for described in graph.values():  # a triple stated twice is one fact
        for p, objects in described.items():
            described[p] = list(dict.fromkeys(objects))
    compiler = _Compiler(graph, _Wording(graph, prefixes, namespaces))
    node_shape, property_shape = _sh("NodeShape"), _sh("PropertyShape")
    constraint_component = _sh("ConstraintComponent")
    targets: dict = {}
    other_targets: list = []  # (kind, node or predicate, shape): sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf
    for node, described in graph.items():
        types = set(described.get(RDF_TYPE, ()))
        if constraint_component in types or _COMPONENT_DEFINITION & described.keys():
            raise UnsupportedShapeError(f"{_describe(node)}: custom constraint components are not supported")
        for predicate in described:
            name = predicate.value[len(_SH) :] if predicate.value.startswith(_SH) else None
            if name == "target":
                raise UnsupportedShapeError(f"{_describe(node)}: sh:target (SPARQL-based targets) is not supported")
            if name == "entailment":
                raise UnsupportedShapeError(f"{_describe(node)}: sh:entailment is not supported (no inference)")
        is_shape = (
            types & {node_shape, property_shape}
            or any(_sh(name) in described for name in _TARGETS)
            or _sh("path") in described
        )
        if is_shape:
            shape = compiler.shape(node)
            implicit = [node] if types & _CLASSES and types & {node_shape, property_shape} else []  # SHACL 2.1.3.3
            for cls in dict.fromkeys([*described.get(_sh("targetClass"), ()), *implicit]):
                targets.setdefault(cls, []).append(shape)
            for kind in ("targetNode", "targetSubjectsOf", "targetObjectsOf"):
                other_targets += [(kind, x, shape) for x in described.get(_sh(kind), ())]
    return Shapes(targets, compiler.shapes, other_targets)


def _read_shapes(source, prefixes: dict[str, str] | None) -> tuple[list[ox.Triple], dict[str, str]]:
    if isinstance(source, str | os.PathLike):
        parser = ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)
        triples = [q.triple for q in parser]
        return triples, dict(prefixes or parser.prefixes)  # the prefixes are known once the file is read
    if hasattr(source, "namespace_manager") and hasattr(source, "triples"):  # an rdflib graph
        return [_from_rdflib(t) for t in source], dict(prefixes or {str(p): str(n) for p, n in source.namespaces()})
    return list(source), dict(prefixes or {})


def _from_rdflib(triple) -> ox.Triple:
    return ox.Triple(*(_term_from_rdflib(x) for x in triple))


def _term_from_rdflib(term) -> Term:
    """An rdflib term as pyoxigraph's (blank nodes keep their labels, so results can be compared)."""
    kind = type(term).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(term))
    if kind == "BNode":
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))
