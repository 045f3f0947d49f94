"""Check the converted graph against the SHACL shapes (stage 3 of the pipeline).

pyshacl runs the shapes in ``ontology/shapes.ttl``; each result is mapped back to the YAML file and field
a curator edits: the focus node tells the file, the shape's ``sh:name`` the field.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from .catalog import Catalog
from .convert import KnowledgeGraph
from .problems import ERROR, WARNING, Problem
from .resources import ontology_dir

__all__ = ["shacl_problems", "data_graph"]

_SCHEME_FILES = ("modality.ttl", "task.ttl", "unit.ttl", "platform.ttl")


@cache
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


@cache
def _schemes_ntriples() -> bytes:
    triples = []
    for name in _SCHEME_FILES:
        triples += list(ox.parse(path=str(ontology_dir() / name), format=ox.RdfFormat.TURTLE))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def data_graph(triples: list[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of ``triples`` plus the concept schemes they point into."""
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    graph.parse(data=_schemes_ntriples(), format="nt")
    return graph


def _owner_index(kg: KnowledgeGraph, catalog: Catalog) -> dict[str, str]:
    """Which dataset's description first mentions each subject (papers and people included)."""
    owners: dict[str, str] = {}
    for dataset_id in sorted(kg.datasets):
        for t in kg.datasets[dataset_id]:
            owners.setdefault(t.subject.value, dataset_id)
    return owners


def shacl_problems(kg: KnowledgeGraph, catalog: Catalog) -> list[Problem]:
    """Every SHACL result for the catalog graph, as problems in curator words."""
    import pyshacl  # heavy: imported only when validation runs

    graph = data_graph(kg.triples())
    shapes = _shapes()
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    owners = _owner_index(kg, catalog)
    files = {d.id: d for d in catalog.datasets}
    problems = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode))
        message = str(results.value(result, SH.resultMessage) or "does not conform to the catalog's shapes")
        severity = ERROR if results.value(result, SH.resultSeverity) == SH.Violation else WARNING
        source_shape = results.value(result, SH.sourceShape)
        field = shapes.value(source_shape, SH.name) if source_shape is not None else None
        if field is None:
            path = results.value(result, SH.resultPath)
            field = path.split("#")[-1].split("/")[-1] if path else ""
        value = results.value(result, SH.value)
        if value is not None and severity == ERROR and not isinstance(value, rdflib.BNode):
            message += f" (found {value.n3() if isinstance(value, rdflib.URIRef) else repr(str(value))})"
        dataset = files.get(owners.get(focus, ""))
        if dataset is not None:
            problems.add(
                Problem(
                    dataset.file, dataset.line_of(str(field)), str(field), message, "see docs/data-format.md", severity
                )
            )
        else:
            problems.add(Problem(catalog.file, None, str(field), message, "see docs/data-format.md", severity))
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.file, p.line or 0, p.field, p.message))
