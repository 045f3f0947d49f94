"""Cardinality (SHACL 4.2: sh:minCount, sh:maxCount), value range (4.3: sh:minInclusive) and the "other"
value constraints (4.8: sh:hasValue, sh:in)."""

from __future__ import annotations

from medvlm_kg.validate.shacl.lexical import _number
from medvlm_kg.validate.shacl.shapes import _COMPONENT, Check, _per_value, _Shape
from medvlm_kg.validate.shacl.terms import Term, UnsupportedShapeError


def build_count(compiler, shape: _Shape, where: str) -> None:
    """sh:minCount and sh:maxCount, read together."""
    low, high = compiler.integer(shape.node, "minCount", where), compiler.integer(shape.node, "maxCount", where)
    check = _count(shape, low or 0, high)
    shape.checks.append(check)
    if low:
        shape.empty_checks.append(check)


def _count(shape: _Shape, low: int, high: int | None) -> Check:
    """sh:minCount and sh:maxCount of one shape as one check (distinct values are counted)."""
    path = shape.path
    at_least, at_most = _COMPONENT["MinCount"], _COMPONENT["MaxCount"]

    def generic(w, view, focus, word, limit):
        target = f"{w.data(focus, view)}->{w.shape(path)}" if path is not None else w.data(focus, view)
        return f"{word} {limit} values on {target}"

    def check(focus, values, node_values, view, out):
        n = len(values)
        if n >= low and (high is None or n <= high) and (low <= 1 or len(set(values)) >= low):
            return
        n = len(set(values))
        if n < low:
            out.append(shape.result(focus, None, at_least, view, lambda w, v: generic(w, v, focus, "Less than", low)))
        if high is not None and n > high:
            out.append(shape.result(focus, None, at_most, view, lambda w, v: generic(w, v, focus, "More than", high)))

    terms = [] if low == 0 else [f"len(values) >= {low}" if low <= 1 else f"len(set(values)) >= {low}"]
    if high is not None:
        terms.append(f"len(values) <= {high}")
    check.accepts = ("list", " and ".join(terms) or "True", {})
    check.at_most_one = high is not None and high <= 1
    return check


def build_has_value(compiler, shape: _Shape, where: str) -> None:
    """sh:hasValue: the value among the values (checked even when there is none)."""
    for expected in compiler.objects(shape.node, "hasValue"):
        check = _has_value(shape, expected)
        shape.checks.append(check)
        shape.empty_checks.append(check)


def _has_value(shape: _Shape, expected: Term) -> Check:
    iri = _COMPONENT["HasValue"]

    def generic(w, view, focus):
        if shape.path is not None:
            return (
                f"Node {w.data(focus, view)}->{w.shape(shape.path)} does not contain a value in the set: "
                f"{[w.shape(expected)]}"
            )
        return f"Node {w.data(focus, view)} value is not a in the set of values: {[w.shape(expected)]}"

    def check(focus, values, node_values, view, out):
        if expected not in values:
            out.append(shape.result(focus, None, iri, view, lambda w, view: generic(w, view, focus)))

    check.accepts = ("list", "{expected} in values", {"expected": expected})
    return check


def build_in(compiler, shape: _Shape, where: str) -> None:
    """sh:in: each value one of the list's members."""
    members = compiler.items(compiler.one(shape.node, "in", where), where)
    allowed = set(members)
    shape.checks.append(
        _per_value(
            shape,
            "In",
            allowed.__contains__,
            lambda w, v, view: f"Value {w.data(v, view)} not in list {[w.shape(m) for m in members]}",
        )
    )
    shape.tests.append(allowed.__contains__)


def build_min_inclusive(compiler, shape: _Shape, where: str) -> None:
    """sh:minInclusive (a numeric bound): each value a number at least the bound."""
    for bound in compiler.objects(shape.node, "minInclusive"):
        shape.checks.append(_min_inclusive(shape, bound, where))


def _min_inclusive(shape: _Shape, bound: Term, where: str) -> Check:
    limit = _number(bound)
    if limit is None:
        raise UnsupportedShapeError(f"{where}: sh:minInclusive is supported with a numeric bound only")

    def ok(v):
        number = _number(v)
        try:
            return number is not None and number >= limit
        except (ArithmeticError, TypeError):  # NaN is not ordered
            return False

    shape.tests.append(ok)
    return _per_value(shape, "MinInclusive", ok, lambda w, v, view: f"Value is not >= {w.shape(bound)}")
