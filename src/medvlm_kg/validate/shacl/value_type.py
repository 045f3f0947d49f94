"""Value type constraints (SHACL 4.1): sh:class, sh:datatype (with the XSD lexical spaces), sh:nodeKind."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.validate.shacl.graph import _superclasses
from medvlm_kg.validate.shacl.lexical import _datatype_test, _well_formed
from medvlm_kg.validate.shacl.shapes import _COMPONENT, Check, _Shape
from medvlm_kg.validate.shacl.terms import (
    _RDF_LANGSTRING,
    _RDFS_DATATYPE,
    _RDFS_LITERAL,
    _SH,
    _XSD_STRING,
    RDF_TYPE,
    UnsupportedShapeError,
    _BlankNode,
    _describe,
    _Literal,
    _NamedNode,
)


def _class_check(shape: _Shape, cls: ox.NamedNode) -> Check:
    iri = _COMPONENT["Class"]

    def generic(w, view):
        return f"Value does not have class {w.shape(cls)}"

    if shape.path is None:  # the value node is the focus node, whose values are at hand

        def check_focus(focus, values, node_values, view, out):
            types = node_values.get(RDF_TYPE) or ()
            if view.supers is not None:
                types = _superclasses(types, view.supers)
            if type(focus) is _Literal or cls not in types:
                out.append(shape.result(focus, focus, iri, view, generic))

        return check_focus

    def check(focus, values, node_values, view, out):
        for v in values:
            if type(v) is _Literal or cls not in view.types(v):
                out.append(shape.result(focus, v, iri, view, generic))

    return check


def _datatype_check(shape: _Shape, datatype: ox.NamedNode) -> Check:
    """sh:datatype, its loop written out for the common datatypes (it runs on most values of a dataset)."""
    iri = _COMPONENT["Datatype"]

    def generic(w, view):
        return f"Value is not Literal with datatype {w.shape(datatype)}"

    if datatype == _XSD_STRING:

        def check_string(focus, values, node_values, view, out):
            for v in values:
                if type(v) is not _Literal or v.datatype != _XSD_STRING:
                    out.append(shape.result(focus, v, iri, view, generic))

        check_string.accepts = ("value", "type(v) is {L} and v.datatype == {string}", {"string": _XSD_STRING})
        return check_string
    if datatype == _RDF_LANGSTRING:

        def check_lang_string(focus, values, node_values, view, out):
            for v in values:
                if type(v) is not _Literal or v.language is None:
                    out.append(shape.result(focus, v, iri, view, generic))

        check_lang_string.accepts = ("value", "type(v) is {L} and v.language is not None", {})
        return check_lang_string
    ok = _datatype_test(datatype)

    def check(focus, values, node_values, view, out):
        for v in values:
            if not ok(v):
                out.append(shape.result(focus, v, iri, view, generic))

    lexical = _well_formed(datatype.value)
    if datatype in (_RDFS_LITERAL, _RDFS_DATATYPE):
        check.accepts = ("value", "type(v) is {L}", {})
    elif lexical is None:
        check.accepts = ("value", "type(v) is {L} and v.datatype == {datatype}", {"datatype": datatype})
    else:
        check.accepts = (
            "value",
            "type(v) is {L} and v.datatype == {datatype} and {lexical}(v.value)",
            {"datatype": datatype, "lexical": lexical},
        )
    return check


_NODE_KINDS = {
    "IRI": (_NamedNode,),
    "BlankNode": (_BlankNode,),
    "Literal": (_Literal,),
    "BlankNodeOrIRI": (_BlankNode, _NamedNode),
    "BlankNodeOrLiteral": (_BlankNode, _Literal),
    "IRIOrLiteral": (_NamedNode, _Literal),
}


def build_class(compiler, shape: _Shape, where: str) -> None:
    """sh:class: each value an instance of the class (rdf:type, and rdfs:subClassOf where stated)."""
    for cls in compiler.objects(shape.node, "class"):
        if type(cls) is _Literal:
            raise UnsupportedShapeError(f"{where}: sh:class must be an IRI")
        shape.checks.append(_class_check(shape, cls))
        shape.reads_values = True


def build_datatype(compiler, shape: _Shape, where: str) -> None:
    """sh:datatype: each value a literal of the datatype, well formed."""
    datatype = compiler.one(shape.node, "datatype", where)
    if type(datatype) is not _NamedNode:
        raise UnsupportedShapeError(f"{where}: sh:datatype must be an IRI")
    shape.checks.append(_datatype_check(shape, datatype))
    shape.tests.append(_datatype_test(datatype))


def build_node_kind(compiler, shape: _Shape, where: str) -> None:
    """sh:nodeKind: each value an IRI, a blank node or a literal, as listed."""
    kind = compiler.one(shape.node, "nodeKind", where)
    kinds = None
    if type(kind) is _NamedNode and kind.value.startswith(_SH):
        kinds = _NODE_KINDS.get(kind.value[len(_SH) :])
    if kinds is None:
        raise UnsupportedShapeError(f"{where}: unknown sh:nodeKind {_describe(kind)}")
    iri = _COMPONENT["NodeKind"]

    def kind_generic(w, view, kind=kind):
        return f"Value is not of Node Kind {w.shape(kind)}"

    def check_kind(focus, values, node_values, view, out, kinds=kinds, iri=iri):
        for v in values:
            if type(v) not in kinds:
                out.append(shape.result(focus, v, iri, view, kind_generic))

    check_kind.accepts = ("value", "type(v) in {kinds}", {"kinds": kinds})
    shape.checks.append(check_kind)
    shape.tests.append(lambda v, kinds=kinds: type(v) in kinds)
