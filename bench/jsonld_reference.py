"""Check every JSON-LD document of a build against a reference JSON-LD processor (pyld), and time both writers.

    python bench/jsonld_reference.py BUILT_DIR [--catalog DATA_DIR --first 10,100]

For each ``*.jsonld`` beside a ``.ttl`` of the same name, pyld expands the document and converts it to RDF
(``jsonld.to_rdf``); that graph must be isomorphic (rdflib) to the Turtle's. Then the same triples (read from
the ``.nt``) are written as compacted JSON-LD twice: by ``medvlm_kg.graph.jsonld.to_jsonld`` (ours) and by pyld
(``from_rdf`` then ``compact`` with the project's context), and each time is summed. With ``--catalog``, both
writers also compact the first N datasets' descriptions of that catalog as one document (pyld's time grows
faster than the graph).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic


def _documents(built: Path) -> list[Path]:
    return sorted(p for p in built.rglob("*.jsonld") if p.with_suffix(".ttl").is_file())


def reference_graph(document: dict) -> rdflib.Graph:
    """The RDF a reference processor reads from ``document`` (pyld's expansion and toRdf)."""
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return rdflib.Graph().parse(data=nquads, format="nt")


def _roots(document: dict) -> list[str]:
    top = document.get("@graph", [document])
    return [node["@id"] for node in top if isinstance(node, dict) and "@id" in node]


def _expand_iri(name: str, context: dict) -> str:
    if name.startswith(("http://", "https://")):
        return name
    prefix, _, local = name.partition(":")
    return context[prefix] + local if local and prefix in context else name


def main(argv: list[str] | None = None) -> int:
    from medvlm_kg.graph.jsonld import load_context, to_jsonld

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("built", type=Path)
    parser.add_argument("--catalog", type=Path, help="a catalog folder (e.g. from bench/generate.py)")
    parser.add_argument("--first", default="10,100", help="how many of its datasets, in one document")
    args = parser.parse_args(argv)
    context = load_context().document["@context"]
    equal, ours_s, pyld_s, pyld_equal, rows = 0, 0.0, 0.0, 0, []
    documents = _documents(args.built)
    for path in documents:
        document = json.loads(path.read_text(encoding="utf-8"))
        turtle = rdflib.Graph().parse(path.with_suffix(".ttl"), format="turtle")
        same = isomorphic(reference_graph(document), turtle)
        equal += same
        triples = [q.triple for q in ox.parse(path=str(path.with_suffix(".nt")), format=ox.RdfFormat.N_TRIPLES)]
        roots = [_expand_iri(r, context) for r in _roots(document)]
        start = time.perf_counter()
        to_jsonld(triples, roots)
        ours = time.perf_counter() - start
        nquads = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
        start = time.perf_counter()
        expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": False})
        compacted = jsonld.compact(expanded, {"@context": context})
        theirs = time.perf_counter() - start
        pyld_equal += isomorphic(reference_graph(compacted), turtle)
        ours_s, pyld_s = ours_s + ours, pyld_s + theirs
        rows.append((str(path.relative_to(args.built)), len(turtle), same, ours, theirs))
        if not same:
            print(f"NOT EQUAL: {path}", file=sys.stderr)
    print("| document | triples | pyld reads the same graph as the Turtle | ours ms | pyld compact ms |")
    print("| --- | --- | --- | --- | --- |")
    for name, n, same, ours, theirs in sorted(rows, key=lambda r: -r[1])[:5]:
        print(f"| {name} | {n:,} | {'yes' if same else 'NO'} | {ours * 1000:.1f} | {theirs * 1000:.1f} |")
    print(
        f"| all {len(documents)} documents | {sum(r[1] for r in rows):,} | {equal} of {len(documents)} | "
        f"{ours_s * 1000:.0f} | {pyld_s * 1000:.0f} |"
    )
    print(f"pyld's own compaction, read back, equals the Turtle on {pyld_equal} of {len(documents)} documents")
    if args.catalog:
        _larger(args.catalog, [int(n) for n in args.first.split(",")], context)
    return 0 if equal == len(documents) else 1


def _larger(data: Path, sizes: list[int], context: dict) -> None:
    from medvlm_kg.catalog.load import check_catalog
    from medvlm_kg.graph.jsonld import to_jsonld
    from medvlm_kg.profiles.assemble import convert

    catalog, _ = check_catalog(data)
    kg = convert(catalog)
    ids = sorted(kg.datasets)
    print("| datasets in one document | triples | ours s | pyld s |")
    print("| --- | --- | --- | --- |")
    for n in sizes:
        triples = [t for i in ids[:n] for t in kg.datasets[i]]
        roots = [kg.base_iri + "dataset/" + i for i in ids[:n]]
        start = time.perf_counter()
        to_jsonld(triples, roots)
        ours = time.perf_counter() - start
        nquads = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
        start = time.perf_counter()
        jsonld.compact(jsonld.from_rdf(nquads, {"format": "application/n-quads"}), {"@context": context})
        theirs = time.perf_counter() - start
        print(f"| {n:,} | {len(set(triples)):,} | {ours:.3f} | {theirs:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
