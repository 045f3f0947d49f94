"""Logical constraints (SHACL 4.6): sh:or (sh:not, sh:and and sh:xone are refused)."""

from __future__ import annotations

from medvlm_kg.validate.shacl.lexical import _well_formed
from medvlm_kg.validate.shacl.shapes import _COMPONENT, Check, _Shape
from medvlm_kg.validate.shacl.terms import (
    _LENIENT,
    _RDF_LANGSTRING,
    _RDFS_DATATYPE,
    _RDFS_LITERAL,
    Term,
    _describe,
    _Literal,
)


def build_or(compiler, shape: _Shape, where: str) -> None:
    """sh:or: each value conforms to at least one member (warnings let it pass)."""
    for head in compiler.objects(shape.node, "or"):
        shape.checks.append(_or(compiler, shape, head, where))


def _or(compiler, shape: _Shape, head: Term, where: str) -> Check:
    members = [compiler.shape(m) for m in compiler.items(head, where)]
    iri = _COMPONENT["Or"]

    def generic(w, v, view):
        alternatives = " , ".join(w.shape(m.node) for m in members)
        return f"Node {w.data(v, view)} must conform to one or more shapes in {alternatives}"

    def fail(focus, v, view, out):
        out.append(shape.result(focus, v, iri, view, lambda w, view: generic(w, v, view)))

    tests = [m.value_test() for m in members]
    if all(tests):  # members that look at the value alone: no nested validation needed
        lexical = _datatype_alternatives(compiler, members)
        if lexical is not None:  # the usual case: one datatype or another

            def check_datatypes(focus, values, node_values, view, out):
                for v in values:
                    if type(v) is _Literal:
                        ok = lexical.get(v.datatype, False)
                        if ok is None or (ok is not False and ok(v.value)):
                            continue
                    fail(focus, v, view, out)

            return check_datatypes

        def check_tests(focus, values, node_values, view, out):
            for v in values:
                if not any(test(v) for test in tests):
                    fail(focus, v, view, out)

        return check_tests

    def check(focus, values, node_values, view, out):
        for v in values:
            if not any(m.conforms(v, view, lenient=True)[0] for m in members):
                fail(focus, v, view, out)

    return check


def _datatype_alternatives(compiler, members: list[_Shape]) -> dict | None:
    """datatype → its lexical test (None: any form) when each member of an sh:or is one sh:datatype."""
    found: dict = {}
    for m in members:
        if m.uses != {"datatype"} or m.deactivated or m.severity in _LENIENT:
            return None
        datatype = compiler.one(m.node, "datatype", _describe(m.node))
        if datatype in (_RDFS_LITERAL, _RDFS_DATATYPE, _RDF_LANGSTRING):
            return None
        found[datatype] = _well_formed(datatype.value)
    return found
