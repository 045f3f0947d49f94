"""The messages pyshacl writes for a shape without sh:message (a cold path: rdflib is imported here only)."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.validate.shacl.graph import _View
from medvlm_kg.validate.shacl.terms import (
    _EMPTY,
    _RDF_FIRST,
    _RDF_NIL,
    _RDF_REST,
    _SH,
    _XSD_STRING,
    Term,
    _BlankNode,
    _Literal,
)


class _Wording:
    """pyshacl's generated messages for shapes without sh:message (a cold path: rdflib is imported here only)."""

    def __init__(self, graph: dict, prefixes: dict[str, str], namespaces=None) -> None:
        self._graph = graph
        self._prefixes = prefixes
        self._namespaces = namespaces  # the shapes' rdflib namespace manager, when they came as an rdflib graph
        self._managers = None

    def _ready(self):
        if self._managers is None:
            import rdflib

            shapes_namespaces = self._namespaces
            if shapes_namespaces is None:
                shapes_graph = rdflib.Graph()  # as rdflib's Turtle parser binds a file's prefixes
                for prefix, namespace in self._prefixes.items():
                    shapes_graph.bind(prefix, namespace)
                shapes_namespaces = shapes_graph.namespace_manager
            data_namespaces = rdflib.Graph().namespace_manager
            for namespaces in (shapes_namespaces, data_namespaces):
                namespaces.bind("sh", _SH, override=False, replace=False)
            self._managers = (rdflib, shapes_namespaces, data_namespaces)
        return self._managers

    def shape(self, term: Term) -> str:
        """A shapes-graph node as pyshacl's ``stringify_node`` writes it."""
        rdflib, shapes_ns, _ = self._ready()
        return self._node(term, shapes_ns, lambda n: self._graph.get(n, _EMPTY), 0)

    def data(self, term: Term, view: _View) -> str:
        """A data-graph node as pyshacl's ``stringify_node`` writes it."""
        rdflib, _, data_ns = self._ready()
        return self._node(term, data_ns, view.values, 0)

    def _node(self, term: Term, ns, values_of, depth: int) -> str:
        rdflib = self._managers[0]
        if type(term) is _Literal:
            return self._literal(term, ns)
        if type(term) is _BlankNode:
            return self._blank(term, ns, values_of, depth + 1)
        try:
            return rdflib.URIRef(term.value).n3(namespace_manager=ns)
        except Exception:  # noqa: BLE001 - as pyshacl: an IRI rdflib cannot abbreviate is written as it is
            return term.value

    def _literal(self, term: ox.Literal, ns) -> str:
        rdflib = self._managers[0]
        if term.language:
            literal = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype == _XSD_STRING:
            literal = rdflib.Literal(term.value)
        else:
            literal = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        value = None if literal.value is None else str(literal.value)
        if value is not None and value.find(" object at 0x") > 0:
            value = value[: value.find(" object at 0x")]
        text = f'"{literal}" = {value}' if value is not None and value != str(literal) else f'"{literal}"'
        lang = f", lang={literal.language}" if literal.language else ""
        datatype = ""
        if literal.datatype:
            datatype = ", datatype=" + self._node(ox.NamedNode(str(literal.datatype)), ns, None, 0)
        return f"Literal({text}{lang}{datatype})"

    def _blank(self, term: ox.BlankNode, ns, values_of, depth: int) -> str:
        if depth >= 12:
            return "<http://recursion.too.deep>"
        described = values_of(term) or _EMPTY
        if not described:
            return "[ ]"
        if _RDF_FIRST in described:
            items, head, seen = [], term, set()
            while head != _RDF_NIL and head not in seen:
                seen.add(head)
                node_values = values_of(head) or _EMPTY
                items += [self._node(i, ns, values_of, depth + 1) for i in node_values.get(_RDF_FIRST) or []]
                rest = node_values.get(_RDF_REST) or [_RDF_NIL]
                head = rest[0]
            return "( {} )".format(" ".join(items))
        parts = {}
        for p, objects in described.items():
            texts = sorted(self._node(o, ns, values_of, depth + 1) for o in dict.fromkeys(objects))
            if texts:
                parts[self._node(p, ns, values_of, depth)] = ", ".join(texts)
        body = " ; ".join(f"{p} {o}" for p, o in sorted(parts.items()))
        return f"[ {body} ]"
