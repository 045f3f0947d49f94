"""Shape-based constraints (SHACL 4.7): sh:node, sh:property (the property shapes of a shape as one
generated function). sh:qualifiedValueShape is refused."""

from __future__ import annotations

from collections.abc import Callable

from medvlm_kg.validate.shacl.graph import Graph
from medvlm_kg.validate.shacl.shapes import _COMPONENT, Check, _Shape
from medvlm_kg.validate.shacl.terms import Term, UnsupportedShapeError, _describe, _Literal


def build_node(compiler, shape: _Shape, where: str) -> None:
    """sh:node: each value conforms to the shape (no result at all, warnings included)."""
    for target in compiler.objects(shape.node, "node"):
        shape.checks.append(_node(compiler, shape, target))


def _node(compiler, shape: _Shape, target_node: Term) -> Check:
    target = compiler.shape(target_node)
    if target.path is not None:
        raise UnsupportedShapeError(f"{_describe(shape.node)}: sh:node {_describe(target_node)} is a property shape")
    iri = _COMPONENT["Node"]

    def generic(w, view):
        return f"Value does not conform to Shape {w.shape(target_node)}. See details for more information."

    # A self-contained shape's results on a literal, or on a node the background describes, are the same in
    # every description checked against that background: they are worked out once.
    contained = target.self_contained()
    remembered: list = [None, None, {}]  # the background, its version, and node → nested results

    def nested(v, view, known):
        found = known.get(v) if known is not None else None
        if found is None:
            found = tuple(target.conforms(v, view, lenient=False)[1])
            if known is not None and (type(v) is _Literal or v in view.background._triples):
                if len(known) > 1 << 16:
                    known.clear()
                known[v] = found
        return found

    def check(focus, values, node_values, view, out):
        known = None
        if contained:
            background = view.background
            if type(background) is Graph:
                if remembered[0] is not background or remembered[1] != background._version:
                    remembered[:] = [background, background._version, {}]
                known = remembered[2]
        for v in values:
            found = nested(v, view, known)
            if found:
                out.append(shape.result(focus, v, iri, view, generic, details=found))

    return check


def build_property(compiler, shape: _Shape, where: str) -> None:
    """sh:property: the property shapes, run as one generated function."""
    properties = [compiler.shape(p) for p in compiler.objects(shape.node, "property")]
    shape.reads_values = True
    shape._properties = properties
    for p in properties:
        if p.path is None:
            raise UnsupportedShapeError(f"{where}: sh:property {_describe(p.node)} has no sh:path")
    shape.checks.append(_properties(compiler, shape, properties))


def _properties(compiler, shape: _Shape, properties: list[_Shape]) -> Check:
    """sh:property: each property shape's checks, with the value lists looked up once per focus node."""
    run_plan = _generated_plan(shape, properties)

    if shape.path is None:  # a node shape: its value node is the focus node, whose values are at hand
        return lambda focus, values, node_values, view, out: run_plan(focus, node_values, view, out)

    def check_values(focus, values, node_values, view, out):
        for v in values:
            run_plan(v, view.values(v), view, out)

    return check_values


def _generated_plan(shape: _Shape, properties: list[_Shape]) -> Callable:
    """The property shapes of ``shape`` as one generated Python function that first asks, for each property,
    whether everything passes, written out inline (counts, datatypes, node kinds, tests on each value); only
    when that may fail are the property's own checks run, and they give the results.

    Calling a closure per constraint and value cost five times the work the constraints do (a dataset has some
    25 properties to check): here a property that passes costs one dictionary lookup and a few comparisons.
    The function is generated from the compiled shapes alone: every name in it is a constant of a check.
    """
    env: dict = {"L": _Literal}
    lines = ["def plan(focus, node_values, view, out):", "    get = node_values.get"]
    for i, p in enumerate(properties):
        if not p.checks:
            continue
        simple = [c for c in p.checks if hasattr(c, "accepts")]
        other = [c for c in p.checks if not hasattr(c, "accepts")]
        on_list, on_value = [], []
        for j, c in enumerate(simple):
            kind, expression, constants = c.accepts
            names = {"L": "L", **{name: f"c{i}_{j}_{name}" for name in constants}}
            env.update({names[name]: value for name, value in constants.items()})
            (on_list if kind == "list" else on_value).append(f"({expression.format(**names)})")
        env[f"path{i}"], env[f"checks{i}"], env[f"others{i}"] = p.path, tuple(simple), tuple(other)
        env[f"empty{i}"] = tuple(p.empty_checks)
        lines += [f"    values = get(path{i})", "    if values:"]
        if simple:
            lines.append(f"        ok = {' and '.join(on_list) or 'True'}")
            if on_value:
                test = " and ".join(on_value)
                if any(getattr(c, "at_most_one", False) for c in simple):  # one value, once the count passes
                    lines += ["        if ok:", "            v = values[0]", f"            ok = {test}"]
                else:
                    lines += ["        if ok:", "            for v in values:", f"                if not ({test}):"]
                    lines += ["                    ok = False", "                    break"]
            lines += ["        if not ok:", f"            for check in checks{i}:"]
            lines.append("                check(focus, values, node_values, view, out)")
        if other:
            lines += [f"        for check in others{i}:", "            check(focus, values, node_values, view, out)"]
        if not simple and not other:  # pragma: no cover - a property shape without checks is left out above
            lines.append("        pass")
        if p.empty_checks:
            lines += [
                "    else:",
                f"        for check in empty{i}:",
                "            check(focus, (), node_values, view, out)",
            ]
    source = "\n".join(lines)
    exec(compile(source, f"<shapes: property shapes of {_describe(shape.node)}>", "exec"), env)  # noqa: S102
    plan = env["plan"]
    plan.source = source  # for a reader wondering what runs
    return plan
