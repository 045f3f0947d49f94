"""SPARQL-based constraints (SHACL 5): sh:sparql with sh:select, run by pyoxigraph with $this pre-bound."""

from __future__ import annotations

import re

import pyoxigraph as ox

from medvlm_kg.validate.shacl.shapes import _COMPONENT, Check, _Shape
from medvlm_kg.validate.shacl.terms import (
    _EMPTY,
    _OWL_IMPORTS,
    _SH,
    Result,
    Term,
    UnsupportedShapeError,
    _describe,
    _Literal,
)

# ---- SPARQL-based constraints: SELECT queries run by pyoxigraph, $this pre-bound ---------------------------------

# What SHACL-SPARQL (5.2.1, pre-binding) forbids in a query, and what this engine does not pre-bind: looked for in
# the query text once its strings, IRIs and comments are blanked out. A query using any of them is refused.
_BLANKED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|'
    r"'''(?:[^'\\]|\\.|'(?!''))*'''|"
    r'"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_FORBIDDEN = {
    "MINUS": re.compile(r"\bMINUS\b", re.I),
    "SERVICE": re.compile(r"\bSERVICE\b", re.I),
    "VALUES": re.compile(r"\bVALUES\b", re.I),
    "a nested SELECT": re.compile(r"\bSELECT\b(?s:.*)\bSELECT\b", re.I),
    "BIND to $this": re.compile(r"\bAS\s*[?$]this\b", re.I),
    "$shapesGraph": re.compile(r"[?$]shapesGraph\b"),
    "$currentShape": re.compile(r"[?$]currentShape\b"),
    "$this in BIND": re.compile(r"\bBIND\s*\([^)]*[?$]this\b", re.I),
}
_THIS = ox.Variable("this")


def _refused_sparql(select: str) -> str | None:
    """The first construct of ``select`` that SHACL-SPARQL's pre-binding forbids (or that is not supported here)."""
    text = _BLANKED.sub(" ", select)
    for name, pattern in _FORBIDDEN.items():
        if pattern.search(text):
            return name
    # pyoxigraph binds $this by joining it to the WHERE clause (SPARQL SEP-0007): a $this in a nested group would
    # be unbound there, where SHACL's pre-binding has it bound
    depth = 0
    for token in re.finditer(r"[{}]|[?$]this\b", text):
        if token.group() == "{":
            depth += 1
        elif token.group() == "}":
            depth -= 1
        elif depth > 1:
            return "$this in a nested group"
    return None


def _fill(message: str, bound: dict) -> str:
    """The substitution of ``{?var}`` / ``{$var}`` in a SPARQL-based result's message by the solution's values."""
    for name, term in bound.items():
        if term is not None:
            message = re.sub(f"{{[?$]{name}}}", term.value.replace("\\", "\\\\"), message)
    return message


def _sparql_check(shape: _Shape, constraint: Term, select: str, prefixes: dict, messages: tuple, where: str) -> Check:
    """A SPARQL SELECT constraint: pyoxigraph runs the query on the description, with $this bound to the focus."""
    try:  # a query pyoxigraph cannot read is refused when the shapes are read, not when data comes
        ox.Store().query(select, prefixes=prefixes, substitutions={_THIS: ox.NamedNode("urn:x-medvlm-kg:this")})
    except SyntaxError as error:
        raise UnsupportedShapeError(f"{where}: the SPARQL query cannot be read: {error}") from None
    iri = _COMPONENT["SPARQL"]

    def check(focus, values, node_values, view, out):
        solutions = view.store().query(select, prefixes=prefixes, substitutions={_THIS: focus})
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {name: row[name] for name in names}
            path, value = bound.get("path"), bound.get("value")
            filled = {**bound, "this": focus, "value": value if value is not None else focus}
            texts = tuple(dict.fromkeys(_fill(m, filled) for m in (*messages, *shape.messages)))
            out.append(Result(focus, path, filled["value"], shape.severity, texts, shape.node, iri, constraint))

    return check


def build_sparql(compiler, shape: _Shape, where: str) -> None:
    """sh:sparql on a node shape: each SELECT constraint, run by pyoxigraph."""
    if shape.path is not None:
        raise UnsupportedShapeError(f"{where}: sh:sparql is supported on node shapes only")
    shape.reads_values = True
    for constraint in compiler.objects(shape.node, "sparql"):
        shape.checks.append(_sparql(compiler, shape, constraint))


def _sparql(compiler, shape: _Shape, constraint: Term) -> Check:
    where = f"{_describe(shape.node)} sh:sparql {_describe(constraint)}"
    described = compiler.graph.get(constraint, _EMPTY)
    for predicate in described:
        if predicate.value.startswith(_SH) and predicate.value[len(_SH) :] not in (
            "select",
            "message",
            "deactivated",
            "prefixes",
        ):
            raise UnsupportedShapeError(f"{where}: sh:{predicate.value[len(_SH) :]} is not supported")
    select = compiler.one(constraint, "select", where)
    if type(select) is not _Literal:
        raise UnsupportedShapeError(
            f"{where}: a SPARQL constraint needs one sh:select query (sh:ask is not a constraint)"
        )
    refused = _refused_sparql(select.value)
    if refused is not None:
        raise UnsupportedShapeError(f"{where}: {refused} in a SPARQL constraint is not supported (SHACL 5.2.1)")
    deactivated = compiler.one(constraint, "deactivated", where)
    if deactivated is not None and deactivated.value == "true":
        return lambda focus, values, node_values, view, out: None
    messages = tuple(m.value for m in compiler.objects(constraint, "message") if type(m) is _Literal)
    return _sparql_check(shape, constraint, select.value, _prefixes(compiler, constraint, where), messages, where)


def _prefixes(compiler, constraint: Term, where: str) -> dict[str, str]:
    """The prefixes sh:prefixes declares for a SPARQL query (sh:declare: sh:prefix, sh:namespace)."""
    found: dict[str, str] = {}
    sources, seen = list(compiler.objects(constraint, "prefixes")), set()
    while sources:  # a source's owl:imports declare prefixes too
        source = sources.pop()
        if source in seen:
            continue
        seen.add(source)
        sources += compiler.objects_of(source, _OWL_IMPORTS)
        for declaration in compiler.objects(source, "declare"):
            prefix, namespace = (
                compiler.one(declaration, "prefix", where),
                compiler.one(declaration, "namespace", where),
            )
            if type(prefix) is not _Literal or type(namespace) is not _Literal:
                raise UnsupportedShapeError(f"{where}: an sh:declare needs one sh:prefix and one sh:namespace")
            if found.get(prefix.value, namespace.value) != namespace.value:
                raise UnsupportedShapeError(f"{where}: the prefix {prefix.value!r} is declared twice")
            found[prefix.value] = namespace.value
    return found
