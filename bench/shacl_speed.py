"""Time the product's SHACL check with our engine, pyshacl and pyrudof on a synthetic catalog.

    python bench/shacl_speed.py --sizes 1000,10000 [--engines ours,pyshacl,pyrudof] [--work DIR]

For each size, a catalog from ``bench/generate.py`` (cached in the work folder) is loaded and converted once;
then each engine checks the whole catalog graph (plus the concept schemes) against ``ontology/shapes.ttl``:
ours as ``validate.shacl_results`` runs it (one description at a time), pyshacl and pyrudof on the whole graph.
Loading the data into each engine's own graph is timed apart from validating. The results are compared as
multisets of (focus node, path, value, source shape, constraint component, severity), top-level results only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF
from rdflib.namespace import SH

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def _key(fields) -> tuple:
    return tuple(None if f is None else (f.n3() if isinstance(f, rdflib.term.Node) else str(f)) for f in fields)


def _rd(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _catalog(n: int, work: Path) -> Path:
    import hashlib

    import generate

    key = hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:12]
    folder = work / f"catalog-{n}-seed0-{key}"
    if not (folder / ".complete").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        generate.generate(n, folder / "data", 0)
        (folder / ".complete").write_text(f"{n} datasets, seed 0, generate.py {key}\n", encoding="utf-8")
    return folder / "data"


def run(n: int, engines: list[str], work: Path) -> dict:
    from medvlm_kg.catalog.load import check_catalog
    from medvlm_kg.profiles.assemble import convert
    from medvlm_kg.resources import ontology_dir
    from medvlm_kg.validate import core as validate
    from medvlm_kg.validate import shacl as engine

    catalog, problems = check_catalog(_catalog(n, work))
    kg = convert(catalog)
    shapes_graph = rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    row: dict = {"datasets": n, "triples": len(kg.triples())}
    found: dict[str, Counter] = {}
    if "ours" in engines:
        start = time.perf_counter()
        compiled = engine.compile_shapes(shapes_graph)
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        results, _ = validate.shacl_results(kg, compiled)
        row["ours"] = {"compile_s": compile_s, "validate_s": time.perf_counter() - start, "results": len(results)}
        found["ours"] = Counter(
            _key(_rd(x) for x in (r.focus, r.path, r.value, r.source_shape, r.component, r.severity)) for r in results
        )
    nt = ox.serialize(kg.triples(), format=ox.RdfFormat.N_TRIPLES) + validate._schemes_ntriples()
    if "pyshacl" in engines:
        import pyshacl

        start = time.perf_counter()
        data = rdflib.Graph().parse(data=nt, format="nt")
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
        seconds = time.perf_counter() - start
        top = report.value(predicate=RDF.type, object=SH.ValidationReport)
        fields = (
            SH.focusNode,
            SH.resultPath,
            SH.value,
            SH.sourceShape,
            SH.sourceConstraintComponent,
            SH.resultSeverity,
        )
        found["pyshacl"] = Counter(_key(report.value(r, f) for f in fields) for r in report.objects(top, SH.result))
        row["pyshacl"] = {"load_s": load_s, "validate_s": seconds, "results": sum(found["pyshacl"].values())}
    if "pyrudof" in engines:
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        start = time.perf_counter()
        rudof.read_data(nt.decode(), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(shapes_graph.serialize(format="nt"), format=pyrudof.ShaclFormat.NTriples)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        report = rudof.validate_shacl()
        seconds = time.perf_counter() - start
        found["pyrudof"] = Counter(
            _key(_rudof_term(x) for x in (e.focus_node, e.path, e.value, e.source_shape, e.constraint_component))
            + (None,)
            for e in report.violations
        )
        row["pyrudof"] = {"load_s": load_s, "validate_s": seconds, "results": len(report.violations)}
    if "ours" in found and "pyshacl" in found:
        row["ours_equals_pyshacl"] = found["ours"] == found["pyshacl"]
    if "ours" in found and "pyrudof" in found:  # pyrudof's values are strings: compare without them

        def loose(counter):
            return Counter((k[0], k[1], k[3], k[4]) for k in counter.elements())

        row["ours_equals_pyrudof_without_values"] = loose(found["ours"]) == loose(found["pyrudof"])
    return row


def _rudof_term(text):
    """pyrudof's entry fields are strings (lossy for literals): IRIs and blank nodes are read back, else kept."""
    if text is None:
        return None
    if text.startswith("_:"):
        return rdflib.BNode(text[2:])
    if text.startswith(("http://", "https://")):
        return rdflib.URIRef(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--engines", default="ours,pyshacl,pyrudof")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "medvlm-kg-bench")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = [run(int(n), args.engines.split(","), args.work) for n in args.sizes.split(",")]
    print("| datasets | triples | engine | load s | validate s | results |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        for e in args.engines.split(","):
            r = row[e]
            load = r.get("load_s", r.get("compile_s", 0.0))
            size = f"| {row['datasets']:,} | {row['triples']:,} | {e}"
            print(f"{size} | {load:.2f} | {r['validate_s']:.2f} | {r['results']} |")
        if "ours_equals_pyshacl" in row:
            print(f"|  |  | ours = pyshacl (multiset) | {row['ours_equals_pyshacl']} |  |  |")
        if "ours_equals_pyrudof_without_values" in row:
            same = row["ours_equals_pyrudof_without_values"]
            print(f"|  |  | ours = pyrudof (multiset, values left out) | {same} |  |  |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
