"""Run the W3C SHACL test suite (data-shapes-test-suite) with our engine, pyshacl and pyrudof.

Reads the suite's manifests (``mf:include``, ``mf:entries``, ``sht:Validate`` entries with ``mf:action`` and
``mf:result``), runs each test with each engine, and compares the engine's report with the expected one: the
``sh:conforms`` flag and the results as a multiset of (focus node, result path, value, source shape, source
constraint component, severity). Blank nodes are compared by what they say (their outgoing triples, recursively),
so a property shape written ``[ sh:path … ]`` or a path ``[ sh:inversePath … ]`` matches whatever label each
engine gives it. An engine that raises on a test (refuses a feature, fails to read) is counted ``refused``;
a test whose expected result is ``sht:Failure`` passes when the engine refuses it.

    python bench/shacl_conformance.py [SUITE_DIR] [--engines ours,pyshacl,pyrudof] [--only core/property] [-v]

SUITE_DIR is the suite's ``tests`` folder (default: ``tests/fixtures/w3c-shacl/tests``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SUITE = ROOT / "tests" / "fixtures" / "w3c-shacl" / "tests"


@dataclass
class Case:
    """One sht:Validate entry of the suite."""

    name: str  # e.g. core/property/property-001
    folder: str  # e.g. core/property
    data: Path
    shapes: Path
    failure: bool  # the expected result is sht:Failure: the validator must refuse the shapes
    conforms: bool | None = None
    results: Counter = field(default_factory=Counter)


# ---- reading the manifests -----------------------------------------------------------------------------------


def _parse(path: Path) -> rdflib.Graph:
    # literals kept as written ("none"^^xsd:boolean, "1"^^xsd:boolean): the suite tests them. pyshacl sets this
    # flag back to True after each run, so it is set before each parse.
    rdflib.NORMALIZE_LITERALS = False
    return rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())


def cases(suite: Path) -> Iterator[Case]:
    """Every sht:Validate entry reachable from the suite's manifest.ttl, in manifest order."""
    seen: set[Path] = set()

    def walk(path: Path) -> Iterator[Case]:
        if path in seen:
            return
        seen.add(path)
        graph = _parse(path)
        here = URIRef(path.as_uri())
        for included in graph.objects(here, MF.include):
            yield from walk(Path(str(included).removeprefix("file://")))
        for head in graph.objects(here, MF.entries):
            for entry in Collection(graph, head):
                if (entry, RDF.type, SHT.Validate) in graph:
                    yield _case(graph, entry, path, suite)

    yield from walk(suite / "manifest.ttl")


def _case(graph: rdflib.Graph, entry, path: Path, suite: Path) -> Case:
    action = graph.value(entry, MF.action)
    data = Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://"))
    shapes = Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://"))
    folder = str(path.parent.relative_to(suite))
    name = f"{folder}/{str(entry).rsplit('/', 1)[-1]}"
    expected = graph.value(entry, MF.result)
    if expected == SHT.Failure:
        return Case(name, folder, data, shapes, failure=True)
    conforms = graph.value(expected, SH.conforms)
    results = Counter(_key(graph, r, [graph]) for r in graph.objects(expected, SH.result))
    return Case(name, folder, data, shapes, failure=False, conforms=bool(conforms.toPython()), results=results)


# ---- comparing results ---------------------------------------------------------------------------------------

_FIELDS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity)


def _key(report: rdflib.Graph, result, graphs: list[rdflib.Graph]) -> tuple:
    """A result as a hashable tuple of its six compared fields (blank nodes by their content)."""
    return tuple(term_key(report.value(result, f), graphs) for f in _FIELDS)


def term_key(term, graphs: list[rdflib.Graph], depth: int = 0, seen: frozenset = frozenset()) -> str | None:
    """An IRI or literal as N3; a blank node as the sorted keys of its outgoing triples, read in the first of
    ``graphs`` that describes it (recursively, to depth 8, cycles cut)."""
    if term is None:
        return None
    if not isinstance(term, BNode):
        return term.n3()
    if depth > 8 or term in seen:
        return "_:…"
    for graph in graphs:
        pairs = list(graph.predicate_objects(term))
        if pairs:
            inner = sorted(
                f"{p.n3()} {term_key(o, graphs, depth + 1, seen | {term})}" for p, o in pairs if p != RDF.type
            )
            return "[" + " ; ".join(inner) + "]"
    return "[]"


@dataclass
class Outcome:
    status: str  # pass, fail, refused
    seconds: float
    detail: str = ""
    error: str = ""  # the exception's class name, when the engine raised


def judge(case: Case, run: Callable[[Case], tuple[bool, Counter]]) -> Outcome:
    start = time.perf_counter()
    try:
        conforms, results = run(case)
    except Exception as error:  # noqa: BLE001 - a refusal or a crash: both count as "refused"
        seconds = time.perf_counter() - start
        name = type(error).__name__
        if case.failure:
            return Outcome("pass", seconds, f"refused as expected: {error}", name)
        return Outcome("refused", seconds, f"{name}: {str(error).splitlines()[0][:200]}", name)
    seconds = time.perf_counter() - start
    if case.failure:
        return Outcome("fail", seconds, "validated shapes the suite expects to be refused")
    if conforms != case.conforms or results != case.results:
        missing, extra = case.results - results, results - case.results
        return Outcome(
            "fail",
            seconds,
            f"conforms {conforms} (expected {case.conforms}); missing {dict(missing)}; extra {dict(extra)}",
        )
    return Outcome("pass", seconds)


# ---- engines -------------------------------------------------------------------------------------------------


def _graphs(case: Case) -> tuple[rdflib.Graph, rdflib.Graph]:
    data = _parse(case.data)
    shapes = data if case.shapes == case.data else _parse(case.shapes)
    return data, shapes


def run_pyshacl(case: Case) -> tuple[bool, Counter]:
    import pyshacl

    data, shapes = _graphs(case)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    top = report.value(predicate=RDF.type, object=SH.ValidationReport)
    graphs = [report, shapes, data]
    return bool(conforms), Counter(_key(report, r, graphs) for r in report.objects(top, SH.result))


def _ours():
    from medvlm_kg.validate import shacl as engine

    return engine


def _to_oxigraph(term):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))  # labels kept: results point back into the rdflib graph
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _to_rdflib(term):
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def run_ours(case: Case) -> tuple[bool, Counter]:
    import pyoxigraph as ox

    engine = _ours()
    data, shapes = _graphs(case)
    compiled = engine.compile_shapes(shapes)
    triples = [ox.Triple(*(_to_oxigraph(x) for x in t)) for t in data]
    results = compiled.validate(triples)
    graphs = [shapes, data]
    found = Counter()
    for r in results:
        fields = (r.focus, r.path, r.value, r.source_shape, r.component, r.severity)
        found[tuple(term_key(_to_rdflib(x), graphs) for x in fields)] += 1
    return not results, found


def _labelled(ntriples: str) -> rdflib.Graph:
    """N-Triples read with their blank node labels kept (rdflib's parser renames them)."""
    import pyoxigraph as ox

    graph = rdflib.Graph()
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        graph.add(tuple(_to_rdflib(x) for x in triple.triple))
    return graph


def run_pyrudof(case: Case) -> tuple[bool, Counter]:
    """pyrudof's report read from its N-Triples serialization; its serializer relabels blank nodes, so a blank
    source shape is taken from the report's entries (same order), which keep the labels of the input."""
    import pyrudof

    data, shapes = _graphs(case)
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes.serialize(format="nt"), format=pyrudof.ShaclFormat.NTriples)
    report = rudof.validate_shacl()
    text = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
    graph = _labelled(text)
    top = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    results = sorted(graph.objects(top, SH.result), key=lambda b: int(str(b).lstrip("b"))) if top is not None else []
    entries = report.violations
    if len(entries) != len(results):
        raise RuntimeError(f"pyrudof: {len(entries)} entries but {len(results)} results in the report")
    graphs = [graph, shapes, data]
    found = Counter()
    for result, entry in zip(results, entries, strict=True):
        key = list(_key(graph, result, graphs))
        focus = graph.value(result, SH.focusNode)
        if isinstance(focus, URIRef) and str(focus) != entry.focus_node:
            raise RuntimeError(f"pyrudof: report and entries out of step ({focus} / {entry.focus_node})")
        for i, label in ((0, entry.focus_node), (2, entry.value), (3, entry.source_shape)):
            if label is not None and label.startswith("_:"):
                key[i] = term_key(BNode(label[2:]), graphs)
        found[tuple(key)] += 1
    return bool(report.conforms), found


ENGINES = {"ours": run_ours, "pyshacl": run_pyshacl, "pyrudof": run_pyrudof}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--only", default="", help="run only the tests whose name starts with this")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failure and refusal")
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    all_cases = [c for c in cases(args.suite.resolve()) if c.name.startswith(args.only)]
    table: dict = {}
    for case in all_cases:
        for engine in engines:
            outcome = judge(case, ENGINES[engine])
            table.setdefault(case.name, {})[engine] = outcome
            if args.verbose and outcome.status != "pass":
                print(f"{engine:8} {outcome.status:8} {case.name}: {outcome.detail}", file=sys.stderr)
    _print(all_cases, engines, table)
    if args.json:
        args.json.write_text(
            json.dumps({n: {e: vars(o) for e, o in row.items()} for n, row in table.items()}, indent=1) + "\n"
        )
    return 0


def _print(all_cases: list[Case], engines: list[str], table: dict) -> None:
    folders = list(dict.fromkeys(c.folder for c in all_cases))
    top = list(dict.fromkeys(f.split("/")[0] for f in folders))
    header = "| folder | tests | " + " | ".join(f"{e} pass / fail / refused" for e in engines) + " |"
    print(header)
    print("|" + " --- |" * (2 + len(engines)))
    for group in [*folders, *top]:
        members = [c for c in all_cases if c.folder == group or (group in top and c.folder.split("/")[0] == group)]
        cells = []
        for e in engines:
            counts = Counter(table[c.name][e].status for c in members)
            cells.append(f"{counts['pass']} / {counts['fail']} / {counts['refused']}")
        label = f"**{group}** (all)" if group in top else group
        print(f"| {label} | {len(members)} | " + " | ".join(cells) + " |")
    print()
    for e in engines:
        total = sum(row[e].seconds for row in table.values())
        print(f"{e}: {total:.2f} s over {len(table)} tests")


if __name__ == "__main__":
    sys.exit(main())
