"""`medvlm-kg validate --profile`: the catalog checked against the profiles its harvesters read.

Each profile is one module that reads the same catalog graph — ``dcat_ap`` (DCAT-AP 3.0, European data
portals), ``croissant`` (Croissant 1.1, ML tools), ``bioschemas`` (Bioschemas Dataset 1.0, life-science
registries) — and whose rules are data files in ``ontology/``. This module looks profiles up by name, runs them
after the core checks, and turns their findings into the same ``Problem`` records as ``validate``: the file and
field a curator edits, what is wrong, what to do. A recommended fact the catalog format cannot hold is reported
once for all datasets, not once per dataset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import rdflib
from rdflib.namespace import SH

from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.problems import ERROR, WARNING, Problem

__all__ = [
    "INFO",
    "gather",
    "license_gap",
    "owners",
    "semic_problems",
    "shacl_problems",
]

# A recommended fact the catalog format has no field for: profiles report it with this severity, and
# ``gather`` turns all of one kind into a single warning on the catalog file.
INFO = "info"
DEFAULT_HINT = "see docs/profiles.md"


def owners(graph: KnowledgeGraph, catalog: Catalog) -> dict[str, str]:
    """Which dataset's file a node's problems belong to: the core validation's index (the first dataset whose
    description mentions the node), except for nodes the catalog's own description holds, whose file is
    ``catalog.yaml`` (each dataset's description names the catalog too)."""
    from medvlm_kg.validate.core import _owner_index

    index = _owner_index(graph, catalog)
    for t in graph.catalog:
        index.pop(t.subject.value, None)
    return index


def license_gap(dataset: Dataset, requirement: str) -> tuple[str, str]:
    """(message, hint) for a dataset whose data license a profile requires but the catalog does not know: none was
    found, or the statement found covers only the code, or names no SPDX license."""
    lic = dataset.license
    if lic is None:
        return "unknown", f"{requirement}; find the dataset's license statement and add `license:`"
    scope = {"code": "covers only the code", "unclear": "does not say whether it covers the data"}.get(lic.covers, "")
    if lic.id:
        message = f"the license found ({lic.id}) {scope or 'does not cover the data'}"
    else:
        message = "the statement found names no SPDX license" + (f" and {scope}" if scope else "")
    return (
        message,
        f"{requirement}; find a statement that names the data's license and add its SPDX `id:` under `license:`",
    )


def gather(problems: Iterable[Problem], catalog: Catalog) -> list[Problem]:
    """Problems in curator words, with every ``INFO`` finding of one kind merged into one warning on the catalog
    file that says how many datasets it concerns (a gap the catalog format cannot fill is not 14 problems)."""
    kept: set[Problem] = set()
    groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for problem in problems:
        if problem.severity == INFO:
            groups[(problem.field, problem.message, problem.hint)].add(problem.file)
        else:
            kept.add(problem)
    dataset_files = {d.file for d in catalog.datasets}
    for (field, message, hint), files in groups.items():
        concerned = files & dataset_files
        if concerned:
            message += f" ({len(concerned)} of {len(dataset_files)} datasets)"
        kept.add(Problem(catalog.file, None, field, message, hint, WARNING))
    return sorted_problems(kept)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.file, p.line or 0, p.field, p.message))


_SEVERITY = {SH.Violation: ERROR, SH.Warning: WARNING, SH.Info: INFO}


def shacl_problems(data: rdflib.Graph, shapes: rdflib.Graph, catalog: Catalog, owners: dict[str, str]) -> list[Problem]:
    """pyshacl's results for ``data`` as problems: the focus node's owner (a dataset id, from ``owners``) names the
    file, the shape's ``sh:name`` the field, ``sh:message`` what is wrong and ``sh:description`` what to do.

    The same mapping as the core validation (``validate.py``), plus the hint and the ``sh:Info`` severity.
    """
    import pyshacl  # heavy: imported only when a profile runs

    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    files = {d.id: d for d in catalog.datasets}
    found: set[Problem] = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode))
        source_shape = results.value(result, SH.sourceShape)
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), ERROR)
        message = str(results.value(result, SH.resultMessage) or "does not conform to the profile")
        field = shapes.value(source_shape, SH.name) if source_shape is not None else None
        if field is None:
            path = results.value(result, SH.resultPath)
            field = path.split("#")[-1].split("/")[-1] if path else ""
        hint = shapes.value(source_shape, SH.description) if source_shape is not None else None
        value = results.value(result, SH.value)
        if value is not None and severity == ERROR and not isinstance(value, rdflib.BNode):
            message += f" (found {value.n3() if isinstance(value, rdflib.URIRef) else repr(str(value))})"
        dataset = files.get(owners.get(focus, ""))
        file, line = (dataset.file, dataset.line_of(str(field))) if dataset else (catalog.file, None)
        found.add(Problem(file, line, str(field), message, str(hint or DEFAULT_HINT), severity))
    return gather(found, catalog)


def semic_problems(
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    catalog: Catalog,
    owners: dict[str, str],
    validator: str,
    ours: tuple[rdflib.Graph, list[Problem]] | None = None,
) -> list[Problem]:
    """The violations pyshacl finds with a consumer's own shapes (which know nothing of our YAML), each an error: the
    owner's file, the property as the field, the validator's message. ``ours`` (our shapes and what they found):
    a violation our shapes already report as an error on the same file and property is not said twice, and a
    missing value (``sh:minCount``) our shapes report as a fact still to find (a warning naming the field to fill,
    e.g. Bioschemas' keywords of a dataset without modality or task) is that fact, not a bug of ours."""
    said = {(p.file, p.field) for p in (ours[1] if ours else []) if p.severity == ERROR}
    to_find = {(p.file, p.field) for p in (ours[1] if ours else []) if p.severity != ERROR}
    import pyshacl

    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    files = {d.id: d for d in catalog.datasets}
    found: set[Problem] = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue  # what the consumer only recommends, our own shapes report in curator words
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        alternatives = results.value(path, SH.alternativePath) if isinstance(path, rdflib.BNode) else None
        # e.g. Bioschemas' ( http://schema.org/x https://schema.org/x )
        paths = list(rdflib.collection.Collection(results, alternatives)) if alternatives is not None else [path]
        field = str(paths[0]).rsplit("/", 1)[-1].rsplit("#", 1)[-1] if isinstance(paths[0], rdflib.URIRef) else "node"
        dataset = files.get(owners.get(str(focus), ""))
        file = dataset.file if dataset else catalog.file
        names = {str(ours[0].value(s, SH.name)) for p in paths for s in ours[0].subjects(SH.path, p)} if ours else set()
        if any((file, name) in said for name in names):
            continue
        missing = results.value(result, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
        if missing and any((file, name) in to_find for name in names):
            continue
        message = f"{validator}: {results.value(result, SH.resultMessage) or 'does not conform'}"
        hint = "a medvlm-kg bug unless the YAML states it: please report it with this message"
        found.add(Problem(file, None, field, message, hint, ERROR))
    return sorted_problems(found)
