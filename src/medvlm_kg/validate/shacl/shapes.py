"""Compiled shapes: a shape's checks and how a description is validated against them (targets, focus
nodes, results)."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping

import pyoxigraph as ox

from medvlm_kg.validate.shacl.graph import Background, Graph, _bucket, _subclass_closure, _superclasses, _View
from medvlm_kg.validate.shacl.terms import (
    _EMPTY,
    _LENIENT,
    _RDFS_SUBCLASSOF,
    _VALUE_ONLY,
    RDF_TYPE,
    VIOLATION,
    Result,
    Term,
    UnsupportedShapeError,
    _sh,
)
from medvlm_kg.validate.shacl.wording import _Wording

# ---- compiled shapes -------------------------------------------------------------------------------------------

# A check looks at one focus node and its value nodes: check(focus, values, node_values, view, out), where
# node_values are the focus node's own values (predicate → objects). A check may carry ``accepts``: (kind,
# expression, constants), an expression true when it has nothing to report, on ``v`` (each value) or on
# ``values`` (the list), that the generated property-shape functions inline (see _generated_plan).
Check = Callable[[Term, tuple | list, Mapping, _View, list], None]


class _Shape:
    """One compiled shape: its checks, and the few of them that can fail on a property with no value at all."""

    __slots__ = (
        "node",
        "path",
        "severity",
        "messages",
        "names",
        "deactivated",
        "checks",
        "empty_checks",
        "wording",
        "reads_values",
        "uses",
        "tests",
        "_properties",
    )

    def __init__(self, node: Term, path: ox.NamedNode | None) -> None:
        self.node, self.path = node, path
        self.severity = VIOLATION
        self.messages: tuple[str, ...] = ()
        self.names: tuple[str, ...] = ()
        self.deactivated = False
        self.checks: list[Check] = []
        self.empty_checks: list[Check] = []  # sh:minCount, sh:hasValue: the others pass when there is no value
        self.wording: _Wording | None = None
        self.reads_values = path is not None  # whether a check reads the focus node's values
        self.uses: set[str] = set()  # the constraint parameters it has
        self.tests: list[Callable[[Term], bool]] = []  # value tests standing for its value-only checks
        self._properties: list[_Shape] = []

    def value_test(self) -> Callable[[Term], bool] | None:
        """A test standing for conformance when the shape only looks at the value itself (as sh:or members do)."""
        if self.path is not None or not self.uses <= _VALUE_ONLY or len(self.tests) != len(self.uses - {"flags"}):
            return None
        if self.deactivated or self.severity in _LENIENT:
            return lambda v: True
        tests = tuple(self.tests)
        return tests[0] if len(tests) == 1 else (lambda v: all(test(v) for test in tests))

    def self_contained(self) -> bool:
        """Whether validating a node reads nothing but the node's own values (so a background node's results are
        the same in every description)."""
        if self.path is not None:
            return self.uses <= _VALUE_ONLY | {"minCount", "maxCount", "hasValue", "uniqueLang"}
        return not self.uses & {"node", "or"} and all(p.self_contained() for p in self.properties())

    def properties(self) -> list[_Shape]:
        return self._properties

    def run(self, focus: Term, node_values: Mapping, view: _View, out: list) -> None:
        """Validate ``focus``, whose values are ``node_values``, appending the results to ``out``."""
        if self.path is None:
            values = (focus,)
            for check in self.checks:
                check(focus, values, node_values, view, out)
            return
        values = node_values.get(self.path)
        if values:
            for check in self.checks:
                check(focus, values, node_values, view, out)
        else:
            for check in self.empty_checks:
                check(focus, (), node_values, view, out)

    def conforms(self, focus: Term, view: _View, lenient: bool) -> tuple[bool, list[Result]]:
        """Whether ``focus`` conforms, pyshacl's way: no results (sh:node), or none worse than a warning (sh:or)."""
        found: list[Result] = []
        self.run(focus, view.values(focus) if self.reads_values else _EMPTY, view, found)
        if lenient:
            return all(r.severity in _LENIENT for r in found), found
        return not found, found

    def result(self, focus, value, component, view, generic=None, **extra) -> Result:
        messages = self.messages
        if not messages and generic is not None:
            messages = (generic(self.wording, view),)
        return Result(focus, self.path, value, self.severity, messages, self.node, component, **extra)


class Shapes:
    """A compiled shapes graph: validate a description with :meth:`validate`."""

    def __init__(self, targets: dict, shapes: dict[Term, _Shape], other_targets: list = ()) -> None:
        self._targets = targets
        self._shapes = shapes
        self._other_targets = list(other_targets)

    def name_of(self, shape: Term) -> str | None:
        """The shape's sh:name (the YAML field a curator edits, in the project's shapes), if it has one."""
        found = self._shapes.get(shape)
        return found.names[0] if found is not None and found.names else None

    def validate(
        self,
        description: Graph | Iterable[ox.Triple],
        background: Background | None = None,
        exclude: Container[Term] = (),
    ) -> list[Result]:
        """Every result for the description's focus nodes (a result reached twice is listed twice, as SHACL has it).

        The focus nodes are the description's subjects that are instances of a target class, except those the
        background describes (they are checked with the background's own description: the catalog node with the
        catalog's, a concept with its scheme) and those in ``exclude`` (checked already, with another description
        that has the same triples about them).
        """
        local = description if isinstance(description, Graph) else Graph(description)
        described = () if background is None else background._triples if type(background) is Graph else background
        targets, cache = self._targets, local._values
        focus_nodes: list = []
        subclassed = False
        for node, triples in local._triples.items():
            if node in described or node in exclude:
                continue
            node_values = cache.get(node)
            if node_values is None:
                node_values = cache[node] = _bucket(triples)
            if _RDFS_SUBCLASSOF in node_values:
                subclassed = True
            types = node_values.get(RDF_TYPE)
            if types:
                focus_nodes.append((node, node_values, types))
        supers = None
        if subclassed:
            if background is not None:
                raise UnsupportedShapeError(
                    "rdfs:subClassOf in a description checked beside a background: it would change the classes of "
                    "nodes in other descriptions; validate the whole graph as one description (no background)"
                )
            supers = _subclass_closure(local)
            focus_nodes = [(n, v, _superclasses(types, supers)) for n, v, types in focus_nodes]
        view = _View(local, background, supers)
        out: list[Result] = []
        if self._other_targets:
            return self._validate_all_targets(view, focus_nodes, out)
        for node, node_values, types in focus_nodes:
            if len(types) == 1:
                shapes = targets.get(types[0], ())
            else:
                shapes = list(dict.fromkeys(s for t in types for s in targets.get(t, ())))
            for shape in shapes:
                shape.run(node, node_values, view, out)
        return out  # duplicates kept: two paths to one value give two results, as in SHACL's report

    def _validate_all_targets(self, view: _View, typed: list, out: list) -> list[Result]:
        """Validation with sh:targetNode, sh:targetSubjectsOf or sh:targetObjectsOf among the targets: each shape's
        focus nodes gathered first (a node targeted twice by one shape is checked once). Whole graphs only: which
        description would check a node named by the shapes is not known."""
        if view.background is not None:
            raise UnsupportedShapeError(
                "sh:targetNode, sh:targetSubjectsOf and sh:targetObjectsOf are supported when a whole graph is "
                "validated as one description (no background)"
            )
        local = view.local
        focus: dict = {}
        for node, _, types in typed:
            for t in types:
                for shape in self._targets.get(t, ()):
                    focus.setdefault(shape, {})[node] = None
        for kind, x, shape in self._other_targets:
            found = focus.setdefault(shape, {})
            if kind == "targetNode":
                found[x] = None
                continue
            for node in local:
                objects = (local.values(node) or _EMPTY).get(x)
                if objects:
                    if kind == "targetSubjectsOf":
                        found[node] = None
                    else:
                        found.update(dict.fromkeys(objects))
        for shape, nodes in focus.items():
            for node in nodes:
                shape.run(node, view.values(node), view, out)
        return out


_COMPONENT = {
    name: _sh(name + "ConstraintComponent")
    for name in (
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "MinLength",
        "MaxLength",
        "Pattern",
        "HasValue",
        "In",
        "LanguageIn",
        "UniqueLang",
        "MinInclusive",
        "Or",
        "Node",
        "SPARQL",
    )
}


def _per_value(shape: _Shape, component: str, ok: Callable[[Term], bool], generic=None) -> Check:
    iri = _COMPONENT[component]

    def check(focus, values, node_values, view, out):
        for v in values:
            if not ok(v):
                out.append(shape.result(focus, v, iri, view, generic and (lambda w, view, v=v: generic(w, v, view))))

    check.accepts = ("value", "{ok}(v)", {"ok": ok})
    return check
