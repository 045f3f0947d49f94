"""A fast SHACL validator for the part of SHACL Core the catalog's shapes use.

pyshacl takes minutes on a 10,000-dataset catalog, mostly inside rdflib; this module checks the same shapes on
the converter's pyoxigraph triples in seconds. The shapes stay data: :func:`compile_shapes` reads them (from
``ontology/shapes.ttl``) and turns each shape into small closures once, and each node shape's property shapes
into one generated function (a property that passes costs a lookup and a few comparisons); nothing about any
particular shape is written here. Validation runs on one description at a time (a dataset's triples, or the
catalog's) beside a background holding the nodes the shapes reach outside it (the concept schemes, the
catalog), so descriptions can later be checked in parallel, or cached. A node the background describes is read
from the background alone, and checked with the background's own description.

Supported, and nothing more: targets by sh:targetClass; sh:property with predicate paths; sh:class, sh:datatype,
sh:nodeKind, sh:minCount, sh:maxCount, sh:minLength, sh:maxLength, sh:pattern (and sh:flags), sh:hasValue, sh:in,
sh:languageIn, sh:uniqueLang, sh:minInclusive (numbers), sh:or, sh:node; sh:severity, sh:message, sh:name,
sh:deactivated; and SPARQL SELECT constraints on node shapes that filter the focus node's own triples
(``$this ?path ?value . FILTER (…)`` with isLiteral, isIRI, isBlank, STR, LANG, LCASE, UCASE, REGEX, STRSTARTS,
STRENDS, CONTAINS, !, && and ||). Anything else in the shapes graph makes :func:`compile_shapes` raise
:class:`UnsupportedShapeError`: no check is ever skipped silently.

Results mean what pyshacl 0.40's mean with ``inference="none"`` and ``allow_warnings=True`` (the tests compare
them result for result):

- a node conforms to a shape reached by sh:node only if validating it gives no result at all, warnings
  included; the nested results are kept as the result's ``details`` (pyshacl's sh:detail);
- a member of sh:or passes if it gives no result worse than a warning, and its results are dropped;
- a class is read from rdf:type alone (the graphs hold no rdfs:subClassOf triples to follow);
- a shape without sh:message gets pyshacl's generated wording; a SPARQL result carries the constraint's message
  first, then the shape's;
- a literal has a datatype when its datatype IRI is that one and its lexical form is in the XSD lexical space
  (rdflib, under pyshacl, is laxer for some forms, e.g. ``" 7"^^xsd:integer``, and accepts any gYear).
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Protocol

import pyoxigraph as ox

__all__ = ["Background", "Graph", "Result", "Shapes", "UnsupportedShapeError", "compile_shapes"]

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


# ---- graphs ------------------------------------------------------------------------------------------------


def _bucket(triples: list[ox.Triple]) -> dict:
    values: dict = {}
    for t in triples:
        p = t.predicate
        found = values.get(p)
        if found is None:
            values[p] = [t.object]
        else:
            found.append(t.object)
    return values


class Graph:
    """Triples grouped by subject; a subject's values are grouped by predicate when first asked for, and kept.

    Grouping by subject is all that is done up front: pyoxigraph builds a new Python object at every attribute
    read, so each triple is read once for its subject and once more, later, for its predicate and object.
    Values are lists in triple order and may repeat if a triple does; the checks count distinct values.
    """

    __slots__ = ("_triples", "_values", "_types", "_same", "_version")

    def __init__(self, triples: Iterable[ox.Triple] = ()) -> None:
        index: dict = {}
        last = found = None
        for t in triples:
            s = t.subject
            if s != last:  # a description lists a subject's triples mostly together: look it up once a run
                found = index.get(s)
                if found is None:
                    found = index[s] = []
                last = s
            found.append(t)
        self._triples: dict = index
        self._values: dict = {}
        self._types: dict = {}
        self._same: dict = {}  # node → a graph with the same triples about it, which reads it for both
        self._version = 0  # counts changes, for what is remembered about a background

    @classmethod
    def union(cls, *graphs: Graph) -> Graph:
        """One graph of several (a subject described in more than one gets all their triples)."""
        merged = cls()
        index = merged._triples
        for graph in graphs:
            for s, ts in graph._triples.items():
                found = index.get(s)
                index[s] = ts if found is None else found + ts
        return merged

    def __contains__(self, node: object) -> bool:
        return node in self._triples

    def __iter__(self) -> Iterator[Term]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def items(self) -> Iterable[tuple[Term, list[ox.Triple]]]:
        """(subject, its triples) pairs."""
        return self._triples.items()

    def triples(self, node: Term) -> list[ox.Triple]:
        """The triples whose subject is ``node``."""
        return self._triples.get(node, [])

    def replace(self, node: Term, triples: list[ox.Triple]) -> None:
        """Describe ``node`` by ``triples`` instead (to give every description the union of a node they share)."""
        self._triples[node] = triples
        self._values.pop(node, None)
        self._types.pop(node, None)
        self._same.pop(node, None)
        self._version += 1

    def share(self, node: Term, other: Graph) -> None:
        """Read ``node`` as ``other`` does, whose triples about it are the same: they are grouped once for both."""
        self._same[node] = other
        self._version += 1

    def values(self, node: Term) -> Mapping | None:
        """predicate → objects for ``node``; None when it is no subject here."""
        triples = self._triples.get(node)
        if triples is None:
            return None
        found = self._values.get(node)
        if found is None:
            other = self._same.get(node)
            found = self._values[node] = _bucket(triples) if other is None else other.values(node)
        return found

    def types(self, node: Term) -> list | None:
        """The rdf:type values of ``node`` (what sh:class reads); None when it is no subject here."""
        triples = self._triples.get(node)
        if triples is None:
            return None
        found = self._values.get(node)
        if found is not None:
            return found.get(RDF_TYPE) or []
        known = self._types.get(node)
        if known is None:
            other = self._same.get(node)
            if other is not None:
                return other.types(node)
            known = self._types[node] = [t.object for t in triples if t.predicate == RDF_TYPE]
        return known

    def release(self, keep_types: Container[Term] = ()) -> None:
        """Drop the grouped values, keeping the types of the nodes in ``keep_types``.

        Keeping every description's values alive costs more than grouping them (at 10,000 datasets the
        allocator, not the checks, took most of the time); a node asked for again is grouped again.
        """
        for node, found in self._values.items():
            if node in keep_types:
                self._types[node] = found.get(RDF_TYPE) or []
        self._values = {}


class Background(Protocol):
    """What a background answers: whether it describes a node, its values (predicate → objects), its types."""

    def __contains__(self, node: object) -> bool: ...

    def values(self, node: Term) -> Mapping | None: ...

    def types(self, node: Term) -> list | None: ...


class _View:
    """A description with its background, as the one graph the shapes see.

    A node the background describes is read from the background alone: a description restating a concept or
    the catalog adds nothing to what the background holds (the caller gives the background their union).
    """

    __slots__ = ("local", "background")

    def __init__(self, local: Graph, background: Background | None) -> None:
        self.local, self.background = local, background

    def values(self, node: Term) -> Mapping:
        if self.background is not None:
            found = self.background.values(node)
            if found is not None:
                return found
        found = self.local.values(node)
        return _EMPTY if found is None else found

    def types(self, node: Term) -> list:
        if self.background is not None:
            found = self.background.types(node)
            if found is not None:
                return found
        return self.local.types(node) or []


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

    def __init__(self, targets: dict, shapes: dict[Term, _Shape]) -> None:
        self._targets = targets
        self._shapes = shapes

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
        """Every result for the description's focus nodes, each once.

        The focus nodes are the description's subjects that are instances of a target class, except those the
        background describes (they are checked with the background's own description: the catalog node with the
        catalog's, a concept with its scheme) and those in ``exclude`` (checked already, with another description
        that has the same triples about them).
        """
        local = description if isinstance(description, Graph) else Graph(description)
        view = _View(local, background)
        described = () if background is None else background._triples if type(background) is Graph else background
        targets, cache = self._targets, local._values
        out: list[Result] = []
        for node, triples in local._triples.items():
            if node in described or node in exclude:
                continue
            node_values = cache.get(node)
            if node_values is None:
                node_values = cache[node] = _bucket(triples)
            types = node_values.get(RDF_TYPE)
            if not types:
                continue
            if len(types) == 1:
                shapes = targets.get(types[0], ())
            else:
                shapes = list(dict.fromkeys(s for t in types for s in targets.get(t, ())))
            for shape in shapes:
                shape.run(node, node_values, view, out)
        return list(dict.fromkeys(out)) if out else out


# ---- constraint components -------------------------------------------------------------------------------------

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


_HAS_TEXT = (_Literal, _NamedNode)  # the node kinds SHACL's string constraints read a text from


def _lexical(v) -> str | None:
    """The string SHACL's string constraints read: a literal's lexical form, an IRI; None for a blank node."""
    kind = type(v)
    if kind is _Literal or kind is _NamedNode:
        return v.value
    return None


def _per_value(shape: _Shape, component: str, ok: Callable[[Term], bool], generic=None) -> Check:
    iri = _COMPONENT[component]

    def check(focus, values, node_values, view, out):
        for v in values:
            if not ok(v):
                out.append(shape.result(focus, v, iri, view, generic and (lambda w, view, v=v: generic(w, v, view))))

    check.accepts = ("value", "{ok}(v)", {"ok": ok})
    return check


def _class_check(shape: _Shape, cls: ox.NamedNode) -> Check:
    iri = _COMPONENT["Class"]

    def generic(w, view):
        return f"Value does not have class {w.shape(cls)}"

    if shape.path is None:  # the value node is the focus node, whose values are at hand

        def check_focus(focus, values, node_values, view, out):
            if type(focus) is _Literal or cls not in (node_values.get(RDF_TYPE) or ()):
                out.append(shape.result(focus, focus, iri, view, generic))

        return check_focus

    def check(focus, values, node_values, view, out):
        for v in values:
            if type(v) is _Literal or cls not in view.types(v):
                out.append(shape.result(focus, v, iri, view, generic))

    return check


_INTEGER_RANGES = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_DATE = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_LEXICAL_SPACES = {
    "decimal": _DECIMAL,
    "float": _DECIMAL + r"([eE][+-]?[0-9]+)?|[+-]?INF|NaN",
    "double": _DECIMAL + r"([eE][+-]?[0-9]+)?|[+-]?INF|NaN",
    "boolean": r"true|false|1|0",
    "date": _DATE + _TZ,
    "dateTime": _DATE + "T" + _TIME + _TZ,
    "time": _TIME + _TZ,
    "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    "gYear": _YEAR + _TZ,
}
_LEXICAL_SPACES.update({name: r"[+-]?[0-9]+" for name in _INTEGER_RANGES})
_LEXICAL_RE = {_XSD + name: re.compile(pattern) for name, pattern in _LEXICAL_SPACES.items()}


def _remembered(test: Callable[[str], bool], limit: int = 1 << 16) -> Callable[[str], bool]:
    """``test`` with its answers kept (up to ``limit`` forms): dates and counts repeat across datasets."""
    known: dict[str, bool] = {}

    def remembered(s: str) -> bool:
        found = known.get(s)
        if found is None:
            if len(known) >= limit:
                known.clear()
            found = known[s] = test(s)
        return found

    return remembered


@cache
def _well_formed(datatype: str) -> Callable[[str], bool] | None:
    """A test of a lexical form for ``datatype``, or None where every form is accepted (string, unknown types)."""
    regex = _LEXICAL_RE.get(datatype)
    if regex is None:
        return None
    local = datatype[len(_XSD) :]
    if local == "integer":
        return lambda s: (s.isdigit() and s.isascii()) or regex.fullmatch(s) is not None
    if local == "boolean":
        return frozenset(("true", "false", "1", "0")).__contains__
    if local in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[local]
        return lambda s: (
            bool(regex.fullmatch(s)) and (low is None or int(s) >= low) and (high is None or int(s) <= high)
        )
    if local in ("date", "dateTime"):

        def real_date(s: str) -> bool:
            if not regex.fullmatch(s):
                return False
            negative = s.startswith("-")
            year, month, day = s[1:].split("-", 2) if negative else s.split("-", 2)
            y = -int(year) if negative else int(year)
            days = 29 if int(month) == 2 and calendar.isleap(y) else calendar.mdays[int(month)]
            return int(day[:2]) <= days

        return _remembered(real_date)
    return _remembered(lambda s: regex.fullmatch(s) is not None)


def _datatype_test(datatype: ox.NamedNode) -> Callable[[Term], bool]:
    if datatype == _XSD_STRING:
        return lambda v: type(v) is _Literal and v.datatype == _XSD_STRING
    if datatype == _RDF_LANGSTRING:
        return lambda v: type(v) is _Literal and v.language is not None
    if datatype in (_RDFS_LITERAL, _RDFS_DATATYPE):
        return lambda v: type(v) is _Literal
    lexical_ok = _well_formed(datatype.value)
    if lexical_ok is None:
        return lambda v: type(v) is _Literal and v.datatype == datatype
    return lambda v: type(v) is _Literal and v.datatype == datatype and lexical_ok(v.value)


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


def _number(v: Term) -> Decimal | float | None:
    """The numeric value of a well-formed numeric literal (integer, decimal, float, double and their subtypes)."""
    if type(v) is not _Literal:
        return None
    datatype = v.datatype.value
    if not datatype.startswith(_XSD):
        return None
    local = datatype[len(_XSD) :]
    if local not in _INTEGER_RANGES and local not in ("decimal", "float", "double"):
        return None
    lexical = v.value
    ok = _well_formed(datatype)
    if ok is None or not ok(lexical):
        return None
    if local in ("float", "double"):
        return float(lexical.replace("INF", "inf"))
    try:
        return Decimal(lexical)
    except InvalidOperation:  # pragma: no cover - the lexical test above rules this out
        return None


def _lang_matches(languages: set[str]) -> Callable[[Term], bool]:
    """pyshacl's sh:languageIn: the tag, or its first subtag, is in the list (case-insensitive); ``*`` is any."""
    wildcard = "*" in languages

    def ok(v):
        if type(v) is not _Literal:
            return False
        lang = v.language
        if not lang:
            return False
        if wildcard:
            return True
        lang = lang.lower()
        return lang in languages or lang.split("-")[0] in languages

    return ok


# ---- SPARQL-based constraints: a small SELECT over the focus node's own triples ------------------------------

_TOKEN = re.compile(
    r"""(?P<space>\s+|\#[^\n]*)
      |(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)
      |(?P<iri><[^<>"{}|^`\\\s]*>)
      |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<op>&&|\|\||!=|[{}().,*!])
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*)""",
    re.X,
)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ERROR = object()  # a SPARQL expression error: a FILTER with one is false
_REGEX_FLAGS = {"i": re.I, "s": re.S, "m": re.M, "x": re.X}


def _tokens(text: str, where: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise UnsupportedShapeError(
                f"{where}: unsupported SPARQL (cannot read {text[position : position + 20]!r}; prefixed names need "
                "sh:prefixes, which is not supported: write IRIs in full)"
            )
        position = match.end()
        if match.lastgroup != "space":
            found.append((match.lastgroup, match.group()))
    return found


def _string_value(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group()), token[1:-1])


def _text(x):
    """A string literal's text (SPARQL's "string literal": simple, xsd:string or language-tagged), else error."""
    if type(x) is str:
        return x
    if type(x) is _Literal and (x.language is not None or x.datatype == _XSD_STRING):
        return x.value
    return _ERROR


def _truth(x):
    """SPARQL's effective boolean value (error where it has none)."""
    if x is True or x is False or x is _ERROR:
        return x
    if type(x) is str:
        return bool(x)
    if type(x) is _Literal:
        if x.datatype == _XSD_BOOLEAN:
            return x.value in ("true", "1")
        text = _text(x)
        if text is not _ERROR:
            return bool(text)
        number = _number(x)
        if number is not None:
            return number == number and number != 0
    return _ERROR


class _SelectParser:
    """Reads ``SELECT … WHERE { $this ?path ?value . FILTER (…) }`` into a row test; refuses anything else."""

    def __init__(self, text: str, where: str) -> None:
        self.tokens = _tokens(text, where)
        self.at = 0
        self.where = where

    def fail(self, what: str):
        raise UnsupportedShapeError(
            f"{self.where}: unsupported SPARQL ({what}); the engine reads SELECT queries over the focus node's own "
            "triples: SELECT $this ?path ?value WHERE { $this ?path ?value . FILTER (…) }"
        )

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, kind: str | None = None, text: str | None = None) -> str:
        found_kind, found = self.peek()
        if (kind and found_kind != kind) or (text and found.lower() != text.lower()):
            self.fail(f"expected {text or kind}, found {found or 'the end'!r}")
        self.at += 1
        return found

    def accept(self, text: str) -> bool:
        if self.peek()[1].lower() == text.lower():
            self.at += 1
            return True
        return False

    def query(self):
        self.take("name", "select")
        if not self.accept("distinct"):
            self.accept("reduced")
        projected: list[str] = []
        if self.accept("*"):
            projected = ["*"]
        while self.peek()[0] == "var":
            projected.append(self.take()[1:])
        if not projected:
            self.fail("no variables selected")
        self.accept("where")
        self.take("op", "{")
        pattern, filters = None, []
        while not self.accept("}"):
            if self.accept("filter"):
                filters.append(self.bracketed())
            elif pattern is None:
                pattern = (self.term(), self.term(), self.term())
                if not self.accept("."):
                    if self.peek()[1] != "}" and self.peek()[1].lower() != "filter":
                        self.fail(f"more than one triple pattern or {self.peek()[1]!r}")
            else:
                self.fail("more than one triple pattern, or a pattern other than a triple")
        if self.peek()[0] != "end":
            self.fail(f"{self.peek()[1]!r} after the WHERE clause")
        if pattern is None:
            self.fail("no triple pattern")
        subject, predicate, obj = pattern
        if subject != ("var", "this"):
            self.fail("the triple pattern's subject must be $this")
        return projected, predicate, obj, filters

    def term(self):
        kind, token = self.peek()
        if kind == "var":
            self.at += 1
            return ("var", token[1:])
        if kind == "iri":
            self.at += 1
            return ("iri", ox.NamedNode(token[1:-1]))
        if token == "a":
            self.at += 1
            return ("iri", RDF_TYPE)
        self.fail(f"{token!r} in the triple pattern")

    def bracketed(self):
        self.take("op", "(")
        expression = self.disjunction()
        self.take("op", ")")
        return expression

    def disjunction(self):
        terms = [self.conjunction()]
        while self.accept("||"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else ("or", terms)

    def conjunction(self):
        terms = [self.unary()]
        while self.accept("&&"):
            terms.append(self.unary())
        return terms[0] if len(terms) == 1 else ("and", terms)

    def unary(self):
        if self.accept("!"):
            return ("not", self.unary())
        kind, token = self.peek()
        if token == "(":
            return self.bracketed()
        if kind == "var":
            self.at += 1
            return ("var", token[1:])
        if kind == "string":
            self.at += 1
            return ("const", _string_value(token))
        if kind == "iri":
            self.at += 1
            return ("const", ox.NamedNode(token[1:-1]))
        if kind == "name" and token.upper() in _FUNCTIONS:
            self.at += 1
            self.take("op", "(")
            args = [self.disjunction()]
            while self.accept(","):
                args.append(self.disjunction())
            self.take("op", ")")
            arity = _FUNCTIONS[token.upper()]
            if len(args) not in arity:
                self.fail(f"{token} takes {' or '.join(map(str, arity))} arguments")
            return ("call", token.upper(), args)
        self.fail(f"{token!r} in FILTER")


_FUNCTIONS = {
    "ISLITERAL": (1,),
    "ISIRI": (1,),
    "ISURI": (1,),
    "ISBLANK": (1,),
    "STR": (1,),
    "LANG": (1,),
    "LCASE": (1,),
    "UCASE": (1,),
    "REGEX": (2, 3),
    "STRSTARTS": (2,),
    "STRENDS": (2,),
    "CONTAINS": (2,),
}


def _compile_expression(node, slots: dict[str, int]) -> Callable:
    """A closure (this, path, value) → value for a parsed FILTER expression."""
    kind = node[0]
    if kind == "const":
        constant = node[1]
        return lambda t, p, o: constant
    if kind == "var":
        slot = slots.get(node[1])
        if slot is None:
            return lambda t, p, o: _ERROR  # unbound
        return (lambda t, p, o: t, lambda t, p, o: p, lambda t, p, o: o)[slot]
    if kind == "not":
        inner = _compile_expression(node[1], slots)

        def negation(t, p, o):
            x = _truth(inner(t, p, o))
            return x if x is _ERROR else not x

        return negation
    if kind in ("and", "or"):
        return _logical(kind, [_compile_expression(n, slots) for n in node[1]])
    name, args = node[1], node[2]
    if name == "REGEX":
        return _regex(args, slots)
    parts = [_compile_expression(a, slots) for a in args]
    if len(parts) == 1:
        (inner,) = parts
        function = _ONE_ARGUMENT[name]
        return lambda t, p, o: function(inner(t, p, o))
    first, second = parts
    function = _TWO_ARGUMENTS[name]

    def two(t, p, o):
        a, b = _text(first(t, p, o)), _text(second(t, p, o))
        if a is _ERROR or b is _ERROR:
            return _ERROR
        return function(a, b)

    return two


def _logical(kind: str, parts: list[Callable]) -> Callable:
    """&& or || with SPARQL's error rules: an error loses to the value that decides (false for &&, true for ||)."""
    if len(parts) == 1:
        return parts[0]
    decisive = kind == "or"

    def logical(t, p, o):
        error = False
        for part in parts:
            x = _truth(part(t, p, o))
            if x is _ERROR:
                error = True
            elif x is decisive:
                return decisive
        return _ERROR if error else not decisive

    return logical


def _regex(args: list, slots: dict[str, int]) -> Callable:
    """REGEX with a constant pattern, evaluated with ``re.search`` as rdflib (under pyshacl) does.

    An anchored pattern's literal start is tested with ``str.startswith`` first: most values fail there.
    """
    if not all(a[0] == "const" and type(a[1]) is str for a in args[1:]):
        raise UnsupportedShapeError("REGEX needs a constant string pattern and flags")
    pattern = args[1][1]
    flags = 0
    for flag in args[2][1] if len(args) == 3 else "":
        if flag not in _REGEX_FLAGS:
            raise UnsupportedShapeError(f"REGEX flag {flag!r} is not supported")
        flags |= _REGEX_FLAGS[flag]
    search = re.compile(pattern, flags).search
    prefix = ""
    if not flags and pattern.startswith("^"):
        prefix = re.match(r"[^\\.^$*+?{}\[\]|()]*", pattern[1:]).group()
        if prefix and re.match(r"[*+?{]", pattern[1 + len(prefix) :]):
            prefix = prefix[:-1]  # its last character is quantified
    argument = args[0]
    if argument[0] == "call" and argument[1] == "STR" and argument[2][0][0] == "var" and argument[2][0][1] in slots:
        slot = slots[argument[2][0][1]]  # REGEX(STR(?var), …): read the term's string straight away

        def regex_of_str(t, p, o):
            x = (t, p, o)[slot] if slot != 2 else o
            kind = type(x)
            if kind is not _Literal and kind is not _NamedNode:
                return _ERROR
            text = x.value
            if prefix and not text.startswith(prefix):
                return False
            return search(text) is not None

        regex_of_str.reads = (slot, search, prefix)  # lets the SPARQL loop test the text itself
        return regex_of_str
    text_of = _compile_expression(argument, slots)

    def regex(t, p, o):
        text = _text(text_of(t, p, o))
        if text is _ERROR:
            return _ERROR
        if prefix and not text.startswith(prefix):
            return False
        return search(text) is not None

    return regex


def _str(x):
    if type(x) is str:
        return x
    if type(x) is _Literal or type(x) is _NamedNode:
        return x.value
    return _ERROR


def _lang(x):
    if type(x) is _Literal:
        return x.language or ""
    return _ERROR


def _case(convert):
    def apply(x):
        text = _text(x)
        return text if text is _ERROR else convert(text)

    return apply


_ONE_ARGUMENT = {
    "ISLITERAL": lambda x: _ERROR if x is _ERROR else type(x) is _Literal or type(x) is str,
    "ISIRI": lambda x: _ERROR if x is _ERROR else type(x) is _NamedNode,
    "ISURI": lambda x: _ERROR if x is _ERROR else type(x) is _NamedNode,
    "ISBLANK": lambda x: _ERROR if x is _ERROR else type(x) is _BlankNode,
    "STR": _str,
    "LANG": _lang,
    "LCASE": _case(str.lower),
    "UCASE": _case(str.upper),
}
_TWO_ARGUMENTS = {
    "STRSTARTS": str.startswith,
    "STRENDS": str.endswith,
    "CONTAINS": lambda a, b: b in a,
}


def _sparql_check(shape: _Shape, constraint: Term, select: str, messages: tuple[str, ...], where: str) -> Check:
    """A SPARQL SELECT constraint as a loop over the focus node's (predicate, object) pairs."""
    projected, predicate, obj, filters = _SelectParser(select, where).query()
    slots = {"this": 0}
    fixed_predicate = fixed_object = None
    if predicate[0] == "var":
        slots.setdefault(predicate[1], 1)
    else:
        fixed_predicate = predicate[1]
    if obj[0] == "var":
        if obj[1] in slots:
            raise UnsupportedShapeError(f"{where}: a variable used twice in the triple pattern is not supported")
        slots[obj[1]] = 2
    else:
        fixed_object = obj[1]
    if projected == ["*"]:
        projected = list(slots)
    for name in projected:
        if name not in slots:
            raise UnsupportedShapeError(f"{where}: ?{name} is selected but not bound by the triple pattern")
    conjuncts = list(_conjuncts(filters))
    # isLiteral(?value) as a whole conjunct is the common case: test the type inline, before any closure
    hoisted = ("call", "ISLITERAL", [("var", obj[1])]) if obj[0] == "var" else None
    literal_only = hoisted in conjuncts
    rest = [_compile_expression(c, slots) for c in conjuncts if c != hoisted]
    test = _logical("and", rest) if rest else None
    path_slot = slots.get("path") if "path" in projected else None
    value_slot = slots.get("value") if "value" in projected else None
    iri = _COMPONENT["SPARQL"]

    def found(focus, p, o, view, out):
        row = (focus, p, o)
        path = row[path_slot] if path_slot is not None else None
        value = row[value_slot] if value_slot is not None else focus
        bound = {"this": focus, "path": path, "value": value}
        texts = tuple(dict.fromkeys(_fill(m, bound) for m in (*messages, *shape.messages)))
        out.append(Result(focus, path, value, shape.severity, texts, shape.node, iri, constraint))

    reads = getattr(rest[0], "reads", None) if len(rest) == 1 else None
    if literal_only and fixed_predicate is None and fixed_object is None and reads is not None and reads[0] == 2:
        _, search, prefix = reads  # FILTER (isLiteral(?value) && REGEX(STR(?value), "…")): the loop written out

        def check_literals(focus, values, node_values, view, out):
            for p, objects in node_values.items():
                for o in objects:
                    if type(o) is _Literal:
                        text = o.value
                        if text.startswith(prefix) and search(text) is not None:
                            found(focus, p, o, view, out)

        return check_literals

    def check(focus, values, node_values, view, out):
        if fixed_predicate is None:
            pairs = node_values.items()
        else:
            pairs = [(fixed_predicate, node_values.get(fixed_predicate) or ())]
        for p, objects in pairs:
            for o in objects:
                if literal_only and type(o) is not _Literal:
                    continue
                if fixed_object is not None and o != fixed_object:
                    continue
                if test is None or _truth(test(focus, p, o)) is True:
                    found(focus, p, o, view, out)

    return check


def _conjuncts(filters: list) -> Iterator:
    for f in filters:
        if f[0] == "and":
            yield from _conjuncts(f[1])
        else:
            yield f


def _fill(message: str, bound: dict) -> str:
    """pyshacl's substitution of ``{?var}`` / ``{$var}`` in a SPARQL-based result's message."""
    for name, term in bound.items():
        if term is not None:
            text = term.value if hasattr(term, "value") else str(term)
            message = re.sub(f"{{[?$]{name}}}", text.replace("\\", "\\\\"), message)
    return message


# ---- compiling the shapes graph --------------------------------------------------------------------------------

_NON_VALIDATING = {"name", "description", "order", "group", "defaultValue", "message", "severity", "deactivated"}
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
        if _CLASSES & set(described.get(RDF_TYPE, ())):
            raise UnsupportedShapeError(f"{where}: implicit class targets (a shape that is a class) are not supported")
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
            shape.deactivated = deactivated.value in ("true", "1")
        done: set[str] = set()
        for predicate in described:
            name = predicate.value[len(_SH) :] if predicate.value.startswith(_SH) else None
            name = {"flags": "pattern", "maxCount": "minCount"}.get(name, name)  # read together
            if name is None or name in done or name in _NON_VALIDATING or name in ("path", "targetClass"):
                continue
            done.add(name)
            self._constraint(shape, name, where)
        shape.uses = (
            {p.value[len(_SH) :] for p in described if p.value.startswith(_SH)}
            - _NON_VALIDATING
            - {"path", "targetClass"}
        )
        if shape.deactivated:  # compiled all the same, so that what it uses is checked
            shape.checks, shape.empty_checks = [], []
        return shape

    def _constraint(self, shape: _Shape, name: str, where: str) -> None:  # noqa: C901 - one branch per component
        node, checks = shape.node, shape.checks
        if name == "class":
            for cls in self.objects(node, "class"):
                if type(cls) is _Literal:
                    raise UnsupportedShapeError(f"{where}: sh:class must be an IRI")
                checks.append(_class_check(shape, cls))
                shape.reads_values = True
        elif name == "datatype":
            datatype = self.one(node, "datatype", where)
            if type(datatype) is not _NamedNode:
                raise UnsupportedShapeError(f"{where}: sh:datatype must be an IRI")
            checks.append(_datatype_check(shape, datatype))
            shape.tests.append(_datatype_test(datatype))
        elif name == "nodeKind":
            kind = self.one(node, "nodeKind", where)
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
            checks.append(check_kind)
            shape.tests.append(lambda v, kinds=kinds: type(v) in kinds)
        elif name == "minCount":
            low, high = self.integer(node, "minCount", where), self.integer(node, "maxCount", where)
            check = self._count(shape, low or 0, high)
            checks.append(check)
            if low:
                shape.empty_checks.append(check)
        elif name in ("minLength", "maxLength"):
            limit = self.integer(node, name, where)
            rule = self.one(node, name, where)
            sign = ">=" if name == "minLength" else "<="
            if name == "minLength":
                ok = (lambda v: True) if limit == 0 else (lambda v: (s := _lexical(v)) is not None and len(s) >= limit)
            else:
                ok = lambda v: (s := _lexical(v)) is not None and len(s) <= limit  # noqa: E731
            checks.append(
                _per_value(
                    shape,
                    name[0].upper() + name[1:],
                    ok,
                    lambda w, v, view: f"String length not {sign} {w.data(rule, view)}",
                )
            )
            if limit or name == "maxLength":
                checks[-1].accepts = (
                    "value",
                    f"type(v) in {{kinds}} and len(v.value) {sign} {limit}",
                    {"kinds": _HAS_TEXT},
                )
            shape.tests.append(ok)
        elif name == "pattern":
            flags_literal = self.one(node, "flags", where)
            flags = 0
            for flag in flags_literal.value.lower() if flags_literal is not None else "":
                flags |= {"i": re.I, "m": re.M}.get(flag, 0)  # pyshacl reads these two flags only
            patterns = self.objects(node, "pattern")
            if not patterns:
                raise UnsupportedShapeError(f"{where}: sh:flags without sh:pattern")
            tests = []
            for pattern in patterns:
                if type(pattern) is not _Literal:
                    raise UnsupportedShapeError(f"{where}: sh:pattern must be a literal")
                search = re.compile(pattern.value, flags).search
                tests.append(lambda v, search=search: (s := _lexical(v)) is not None and search(s) is not None)
                checks.append(
                    _per_value(
                        shape,
                        "Pattern",
                        tests[-1],
                        lambda w, v, view, p=pattern.value: f"Value does not match pattern '{p}'",
                    )
                )
                checks[-1].accepts = (
                    "value",
                    "type(v) in {kinds} and {search}(v.value) is not None",
                    {"kinds": _HAS_TEXT, "search": search},
                )
            shape.tests.append(tests[0] if len(tests) == 1 else lambda v: all(t(v) for t in tests))
        elif name == "hasValue":
            for expected in self.objects(node, "hasValue"):
                check = self._has_value(shape, expected)
                checks.append(check)
                shape.empty_checks.append(check)
        elif name == "in":
            members = self.items(self.one(node, "in", where), where)
            allowed = set(members)
            checks.append(
                _per_value(
                    shape,
                    "In",
                    allowed.__contains__,
                    lambda w, v, view: f"Value {w.data(v, view)} not in list {[w.shape(m) for m in members]}",
                )
            )
            shape.tests.append(allowed.__contains__)
        elif name == "languageIn":
            head = self.one(node, "languageIn", where)
            languages = set()
            for lang in self.items(head, where):
                if type(lang) is not _Literal or lang.datatype != _XSD_STRING:
                    raise UnsupportedShapeError(f"{where}: sh:languageIn members must be strings")
                languages.add(lang.value.lower())
            checks.append(self._language_in(shape, languages, head))
            shape.tests.append(_lang_matches(languages))
        elif name == "uniqueLang":
            flag = self.one(node, "uniqueLang", where)
            if type(flag) is not _Literal or flag.datatype != _XSD_BOOLEAN:
                raise UnsupportedShapeError(f"{where}: sh:uniqueLang must be a boolean")
            if flag.value in ("true", "1"):
                checks.append(self._unique_lang(shape))
        elif name == "minInclusive":
            for bound in self.objects(node, "minInclusive"):
                checks.append(self._min_inclusive(shape, bound, where))
        elif name == "or":
            for head in self.objects(node, "or"):
                checks.append(self._or(shape, head, where))
        elif name == "node":
            for target in self.objects(node, "node"):
                checks.append(self._node(shape, target))
        elif name == "property":
            properties = [self.shape(p) for p in self.objects(node, "property")]
            shape.reads_values = True
            shape._properties = properties
            for p in properties:
                if p.path is None:
                    raise UnsupportedShapeError(f"{where}: sh:property {_describe(p.node)} has no sh:path")
            checks.append(self._properties(shape, properties))
        elif name == "sparql":
            if shape.path is not None:
                raise UnsupportedShapeError(f"{where}: sh:sparql is supported on node shapes only")
            shape.reads_values = True
            for constraint in self.objects(node, "sparql"):
                checks.append(self._sparql(shape, constraint))
        else:  # pragma: no cover - _SUPPORTED and this dispatch are kept in step
            raise UnsupportedShapeError(f"{where}: sh:{name} is not supported")

    def _count(self, shape: _Shape, low: int, high: int | None) -> Check:
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
                out.append(
                    shape.result(focus, None, at_least, view, lambda w, v: generic(w, v, focus, "Less than", low))
                )
            if high is not None and n > high:
                out.append(
                    shape.result(focus, None, at_most, view, lambda w, v: generic(w, v, focus, "More than", high))
                )

        terms = [] if low == 0 else [f"len(values) >= {low}" if low <= 1 else f"len(set(values)) >= {low}"]
        if high is not None:
            terms.append(f"len(values) <= {high}")
        check.accepts = ("list", " and ".join(terms) or "True", {})
        check.at_most_one = high is not None and high <= 1
        return check

    def _has_value(self, shape: _Shape, expected: Term) -> Check:
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

    def _unique_lang(self, shape: _Shape) -> Check:
        iri = _COMPONENT["UniqueLang"]

        def check(focus, values, node_values, view, out):
            if len(values) < 2:
                return
            seen, duplicated = set(), []
            for v in dict.fromkeys(values):
                if type(v) is _Literal:
                    lang = v.language
                    if lang:
                        lang = lang.lower()
                        if lang in seen:
                            duplicated.append(lang)
                        seen.add(lang)
            for _ in dict.fromkeys(duplicated):  # one result per shared language, without a value (as pyshacl)
                out.append(
                    shape.result(
                        focus, None, iri, view, lambda w, view: "More than one String shares the same Language"
                    )
                )

        def unique(values) -> bool:  # false may be a repeated value, not a repeated language: the check decides
            seen = set()
            for v in values:
                if type(v) is _Literal:
                    lang = v.language
                    if lang:
                        lang = lang.lower()
                        if lang in seen:
                            return False
                        seen.add(lang)
            return True

        check.accepts = ("list", "len(values) < 2 or {unique}(values)", {"unique": unique})
        return check

    def _min_inclusive(self, shape: _Shape, bound: Term, where: str) -> Check:
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

    def _language_in(self, shape: _Shape, languages: set[str], head: Term) -> Check:
        """sh:languageIn, written out: it runs on every language-tagged cell."""
        iri, wildcard = _COMPONENT["LanguageIn"], "*" in languages

        def generic(w, view):
            return f"String language is not in {w.shape(head)}"

        def check(focus, values, node_values, view, out):
            for v in values:
                if type(v) is _Literal:
                    lang = v.language
                    if lang and (wildcard or (lang := lang.lower()) in languages or lang.split("-")[0] in languages):
                        continue
                out.append(shape.result(focus, v, iri, view, generic))

        check.accepts = ("value", "{ok}(v)", {"ok": _lang_matches(languages)})
        return check

    def _or(self, shape: _Shape, head: Term, where: str) -> Check:
        members = [self.shape(m) for m in self.items(head, where)]
        iri = _COMPONENT["Or"]

        def generic(w, v, view):
            alternatives = " , ".join(w.shape(m.node) for m in members)
            return f"Node {w.data(v, view)} must conform to one or more shapes in {alternatives}"

        def fail(focus, v, view, out):
            out.append(shape.result(focus, v, iri, view, lambda w, view: generic(w, v, view)))

        tests = [m.value_test() for m in members]
        if all(tests):  # members that look at the value alone: no nested validation needed
            lexical = self._datatype_alternatives(members)
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

    def _datatype_alternatives(self, members: list[_Shape]) -> dict | None:
        """datatype → its lexical test (None: any form) when each member of an sh:or is one sh:datatype."""
        found: dict = {}
        for m in members:
            if m.uses != {"datatype"} or m.deactivated or m.severity in _LENIENT:
                return None
            datatype = self.one(m.node, "datatype", _describe(m.node))
            if datatype in (_RDFS_LITERAL, _RDFS_DATATYPE, _RDF_LANGSTRING):
                return None
            found[datatype] = _well_formed(datatype.value)
        return found

    def _node(self, shape: _Shape, target_node: Term) -> Check:
        target = self.shape(target_node)
        if target.path is not None:
            raise UnsupportedShapeError(
                f"{_describe(shape.node)}: sh:node {_describe(target_node)} is a property shape"
            )
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

    def _properties(self, shape: _Shape, properties: list[_Shape]) -> Check:
        """sh:property: each property shape's checks, with the value lists looked up once per focus node."""
        run_plan = _generated_plan(shape, properties)

        if shape.path is None:  # a node shape: its value node is the focus node, whose values are at hand
            return lambda focus, values, node_values, view, out: run_plan(focus, node_values, view, out)

        def check_values(focus, values, node_values, view, out):
            for v in values:
                run_plan(v, view.values(v), view, out)

        return check_values

    def _sparql(self, shape: _Shape, constraint: Term) -> Check:
        where = f"{_describe(shape.node)} sh:sparql {_describe(constraint)}"
        described = self.graph.get(constraint, _EMPTY)
        for predicate in described:
            if predicate.value.startswith(_SH) and predicate.value[len(_SH) :] not in (
                "select",
                "message",
                "deactivated",
            ):
                raise UnsupportedShapeError(f"{where}: sh:{predicate.value[len(_SH) :]} is not supported")
        select = self.one(constraint, "select", where)
        if type(select) is not _Literal:
            raise UnsupportedShapeError(
                f"{where}: a SPARQL constraint needs one sh:select query (sh:ask is not a constraint)"
            )
        deactivated = self.one(constraint, "deactivated", where)
        if deactivated is not None and deactivated.value in ("true", "1"):
            return lambda focus, values, node_values, view, out: None
        messages = tuple(m.value for m in self.objects(constraint, "message") if type(m) is _Literal)
        return _sparql_check(shape, constraint, select.value, messages, where)


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


def _describe(node: Term) -> str:
    if type(node) is _NamedNode:
        return f"<{node.value}>"
    if type(node) is _BlankNode:
        return f"_:{node.value}"
    return str(node)


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
    for node, described in graph.items():
        types = set(described.get(RDF_TYPE, ()))
        if constraint_component in types:
            raise UnsupportedShapeError(f"{_describe(node)}: custom constraint components are not supported")
        for predicate in described:
            name = predicate.value[len(_SH) :] if predicate.value.startswith(_SH) else None
            if name in _TARGETS and name != "targetClass":
                raise UnsupportedShapeError(f"{_describe(node)}: sh:{name} is not supported (only sh:targetClass)")
            if name == "entailment":
                raise UnsupportedShapeError(f"{_describe(node)}: sh:entailment is not supported (no inference)")
        is_shape = types & {node_shape, property_shape} or _sh("targetClass") in described or _sh("path") in described
        if is_shape:
            shape = compiler.shape(node)
            for cls in described.get(_sh("targetClass"), ()):
                targets.setdefault(cls, []).append(shape)
    return Shapes(targets, compiler.shapes)


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
