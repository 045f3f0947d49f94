"""Check the converted graph against the SHACL shapes (stage 3 of the pipeline).

The shapes in ``ontology/shapes.ttl`` are compiled once (:mod:`medvlm_kg.validate.shacl`) and checked one description at
a time: each dataset's triples beside a background of the concept schemes and the catalog's triples, the
catalog's triples beside the dataset nodes it lists, the schemes on their own. The results are those pyshacl
gives for the whole graph; each is mapped back to the YAML file and field a curator edits: the focus node tells
the file, the shape's ``sh:name`` the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.graph.catalog_description import CATALOG_DUMPS
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.problems import ERROR, WARNING, Problem
from medvlm_kg.resources import ontology_dir
from medvlm_kg.runtime.workers import without_gc
from medvlm_kg.validate.shacl import VIOLATION, Graph, Result, Shapes, compile_shapes

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "catalog_problems",
    "data_graph",
    "description_problems",
    "prepare_description_checks",
    "shacl_problems",
    "shacl_results",
    "shared_nodes",
    "background_nodes",
    "node_digest",
    "union_problems",
]

_SCHEME_FILES = ("modality.ttl", "task.ttl", "unit.ttl", "platform.ttl")


@cache
def _engine() -> Shapes:
    return compile_shapes(ontology_dir() / "shapes.ttl")


@cache
def _scheme_triples() -> tuple[ox.Triple, ...]:
    triples: list[ox.Triple] = []
    for name in _SCHEME_FILES:
        triples += [q.triple for q in ox.parse(path=str(ontology_dir() / name), format=ox.RdfFormat.TURTLE)]
    return tuple(triples)


@cache
def _schemes_ntriples() -> bytes:
    return ox.serialize(list(_scheme_triples()), format=ox.RdfFormat.N_TRIPLES)


def data_graph(triples: list[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of ``triples`` plus the concept schemes they point into."""
    import rdflib  # only the profiles' pyshacl runs need it

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


class _Owners(Mapping):
    """node → the id of the first dataset whose description has it as a subject (looked up for results only)."""

    def __init__(self, first: dict, ids: dict) -> None:
        self._first, self._ids = first, ids

    def __getitem__(self, node):
        return self._ids[self._first[node]]

    def __iter__(self):
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)


class _ListedNodes:
    """The background of the catalog's description: the concept schemes, and every node a dataset's description
    describes (the datasets the catalog lists among them), read from that description's graph."""

    def __init__(self, first: dict, schemes: Graph, catalog: Graph) -> None:
        self._first, self._schemes, self._catalog = first, schemes, catalog

    def __contains__(self, node: object) -> bool:
        if node in self._schemes:
            return True
        return node in self._first and node not in self._catalog

    def values(self, node) -> Mapping | None:
        if node in self._schemes:
            return self._schemes.values(node)
        graph = self._first.get(node)
        if graph is None or node in self._catalog:
            return None
        return graph.values(node)

    def types(self, node) -> list | None:
        if node in self._schemes:
            return self._schemes.types(node)
        graph = self._first.get(node)
        if graph is None or node in self._catalog:
            return None
        return graph.types(node)


def _unique(triples: list[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


def shacl_results(kg: KnowledgeGraph, shapes: Shapes | None = None) -> tuple[list[Result], Mapping]:
    """Every SHACL result for the catalog graph (pyshacl's, for the union of all descriptions), and for each node
    the id of the first dataset (by id) whose description has it as a subject.

    A node several descriptions describe (a paper, its authors, a concept a dataset restates) is read as the
    union of those descriptions, as in the whole graph: where they describe it differently, every description is
    given that union. So its results are the same in any description, and it is checked in the first only.
    ``shapes`` are the project's (``ontology/shapes.ttl``) unless given.
    """
    with without_gc():
        return _results(kg, shapes or _engine())


def _results(kg: KnowledgeGraph, shapes: Shapes) -> tuple[list[Result], Mapping]:
    schemes, catalog = Graph(_scheme_triples()), Graph(kg.catalog)
    datasets = [(dataset_id, Graph(kg.datasets[dataset_id])) for dataset_id in sorted(kg.datasets)]
    first: dict = {}  # node → the graph of the first description having it as a subject
    variants: dict = {}  # node → its other descriptions' triples, where they are not the same as the first's
    checked: dict = {}  # graph → the nodes it shares with an earlier description, which checks them
    for _, graph in datasets:
        repeated = []
        for node, triples in graph.items():
            earlier = first.setdefault(node, graph)
            if earlier is graph:
                continue
            repeated.append(node)
            stated = earlier.triples(node)
            if stated == triples or set(stated) == set(triples):
                graph.share(node, earlier)
            else:
                variants.setdefault(node, []).append(triples)
        if repeated:
            checked[graph] = set(repeated)
    shared = {node for node in variants if node not in schemes and node not in catalog}
    for node in shared:  # rare: e.g. an author whose name two papers spell differently
        union = _unique([t for ts in (first[node].triples(node), *variants[node]) for t in ts])
        for _, graph in datasets:
            if node in graph:
                graph.replace(node, union)
    for own in (schemes, catalog):  # nodes the background describes and datasets restate: the background has all
        for node in list(own):
            if node in first:
                stated = _unique(own.triples(node))
                restated = [t for ts in (first[node].triples(node), *variants.get(node, ())) for t in ts]
                union = _unique(stated + restated)
                if len(union) > len(stated):
                    own.replace(node, union)
    background = Graph.union(schemes, catalog)
    listed = {o for node in catalog for objects in catalog.values(node).values() for o in objects}
    results = shapes.validate(schemes)
    for _, graph in datasets:
        results += shapes.validate(graph, background, checked.get(graph, ()))
        graph.release(keep_types=listed)  # the catalog's checks read the types of the datasets it lists
    results += shapes.validate(catalog, _ListedNodes(first, schemes, catalog))
    return results, _Owners(first, {graph: dataset_id for dataset_id, graph in datasets})


def shacl_problems(kg: KnowledgeGraph, catalog: Catalog) -> list[Problem]:
    """Every SHACL result for the catalog graph, as problems in curator words."""
    results, owners = shacl_results(kg)
    files = {d.id: d for d in catalog.datasets}
    return _problems(results, catalog, lambda focus: files.get(owners.get(focus, "")))


def _nested_field(dataset, focus, field: str) -> str:
    """A nested shape's field with the item it is about: "access.label" on <…#access-hf-2> → "access[3].label"
    (the node ids are the converter's: the label's slug, numbered from the second of the same label)."""
    if dataset is None or not isinstance(focus, ox.NamedNode) or "#access-" not in focus.value:
        return field
    from medvlm_kg.graph.iris import slug

    key = focus.value.split("#access-", 1)[1]
    seen: dict[str, int] = {}
    for i, point in enumerate(dataset.access):
        label = slug(point.label)
        seen[label] = seen.get(label, 0) + 1
        if key == label + ("" if seen[label] == 1 else f"-{seen[label]}"):
            return f"access[{i}]" + (field[len("access") :] if field.startswith("access.") else f".{field}")
    return field


def _made_by_the_build(focus, catalog: Catalog) -> bool:
    """The catalog's dump distributions (catalog.ttl.gz, catalog.nt.gz): described by the build, not by a curator."""
    return isinstance(focus, ox.NamedNode) and focus.value in {catalog.base_iri + name for name, *_ in CATALOG_DUMPS}


def _problems(results: list[Result], catalog: Catalog, dataset_of) -> list[Problem]:
    """Results as problems: the file of the dataset ``dataset_of`` the focus node (else catalog.yaml), the
    shape's ``sh:name`` as the field, its ``sh:message`` and the value found."""
    shapes = _engine()
    problems = set()
    for top in results:
        for result in top.walk():  # nested results too: pyshacl's report lists each as a ValidationResult
            message = result.message or "does not conform to the catalog's shapes"
            severity = ERROR if result.severity == VIOLATION else WARNING
            field = shapes.name_of(result.source_shape)
            if field is None:
                path = result.path.value if result.path is not None else ""
                field = path.split("#")[-1].split("/")[-1] if path else ""
            value = result.value
            if value is not None and severity == ERROR and not isinstance(value, ox.BlankNode):
                message += f" (found {f'<{value.value}>' if isinstance(value, ox.NamedNode) else repr(value.value)})"
            if severity == WARNING and _made_by_the_build(result.focus, catalog):
                continue  # a recommendation about a node no YAML states (the dumps): nothing a curator can add
            dataset = dataset_of(result.focus)
            field = _nested_field(dataset, result.focus, field)
            if severity == WARNING and isinstance(value, ox.Literal) and value.language and field == "description":
                message += _which_text(value, dataset)
            if dataset is not None:
                problems.add(
                    Problem(dataset.file, dataset.line_of(field), field, message, "see docs/data-format.md", severity)
                )
            else:
                problems.add(Problem(catalog.file, None, field, message, "see docs/data-format.md", severity))
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.file, p.line or 0, p.field, p.message))


_LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


def _which_text(value: ox.Literal, dataset: Dataset | None) -> str:
    """Which of a dataset's texts a length warning is about: a file gives one per language, and the build writes
    the one it leaves out from the name and facts (a 24,000-character name made a Chinese description too long)."""
    lang = value.language or ""
    written = dataset is not None and lang in dataset.description
    made = "" if written else f", written from the name and facts as `description.{lang}` is not given"
    return f" (the {_LANGUAGE_NAMES.get(lang, lang)} text has {len(value.value):,} characters{made})"


# ---- one description at a time (``build``: each dataset in its own unit of work) ----------------------------

# The catalog's properties that list its datasets: a dataset's description is checked beside the rest.
_LISTING = frozenset(
    ("http://www.w3.org/ns/dcat#dataset", "https://schema.org/dataset", "http://www.w3.org/ns/dcat#servesDataset")
)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_backgrounds: dict[int, tuple[list, Graph]] = {}


def _background(catalog_triples: list[ox.Triple]) -> Graph:
    """The concept schemes and the catalog's own description without its list of datasets (made once a process:
    every dataset of a build is checked beside the same one)."""
    found = _backgrounds.get(id(catalog_triples))
    if found is None or found[0] is not catalog_triples:
        own = [t for t in catalog_triples if t.predicate.value not in _LISTING]
        found = _backgrounds[id(catalog_triples)] = (catalog_triples, Graph.union(Graph(_scheme_triples()), Graph(own)))
    return found[1]


def prepare_description_checks(catalog_triples: list[ox.Triple]) -> None:
    """Compile the shapes and make the background of ``description_problems`` now: worker processes forked after
    this inherit them instead of each making its own (a second of work each)."""
    _engine()
    _background(catalog_triples)


def description_problems(
    triples: list[ox.Triple], catalog: Catalog, dataset: Dataset, catalog_triples: list[ox.Triple]
) -> list[Problem]:
    """One dataset's description checked on its own, beside the concept schemes and the catalog's description.

    The same results as in the whole graph for every node only this description describes; a node that other
    descriptions describe too (a paper, a person) gets the same results as long as they all say the same about it,
    which ``shared_nodes`` lets the caller see (``union_problems`` checks the nodes where they do not).
    """
    with without_gc():
        results = _engine().validate(Graph(triples), _background(catalog_triples))
    return _problems(results, catalog, lambda focus: dataset)


def catalog_problems(catalog_triples: list[ox.Triple], catalog: Catalog, listed: list[ox.Triple]) -> list[Problem]:
    """The catalog's own description checked beside the schemes and ``listed``: the types of the datasets it lists,
    as their descriptions state them."""
    background = Graph.union(Graph(_scheme_triples()), Graph(listed))
    with without_gc():
        results = _engine().validate(Graph(catalog_triples), background)
    return _problems(results, catalog, lambda focus: None)


def shared_nodes(triples: list[ox.Triple], own: str) -> dict[str, str]:
    """A digest of what the description says about each node it does not own (its own: the dataset ``own`` and
    the nodes under it, ``own#…``): BLAKE2b (8 bytes) of the node's N-Triples lines, each once, in byte order. That
    is the digest the N-Triples dump keeps of the same lines (``build.dumps``), so a build's record holds one map
    for both; the checks across datasets leave out the nodes of the background (``background_nodes``)."""
    fragment = own + "#"
    others = [t for t in triples if (s := t.subject.value) != own and not s.startswith(fragment)]
    by_node: dict[bytes, set[bytes]] = {}
    for line in ox.serialize(others, format=ox.RdfFormat.N_TRIPLES).splitlines():
        by_node.setdefault(line[1 : line.index(b"> ")], set()).add(line)
    return {
        node.decode(): node_digest(b"".join(line + b"\n" for line in sorted(lines)))
        for node, lines in sorted(by_node.items())
    }


def node_digest(lines: bytes) -> str:
    """The digest of a node's N-Triples lines (each once, in byte order, each ending in a newline)."""
    return hashlib.blake2b(lines, digest_size=8).hexdigest()


def background_nodes() -> frozenset[str]:
    """The nodes the background of every description describes (the concept schemes): what a description says of
    them is checked against the schemes, not across datasets."""
    return _scheme_subjects()


@cache
def _scheme_subjects() -> frozenset[str]:
    return frozenset(t.subject.value for t in _scheme_triples())


def union_problems(
    catalog: Catalog, catalog_triples: list[ox.Triple], descriptions: dict[str, list[ox.Triple]], nodes: set[str]
) -> list[Problem]:
    """The results for ``nodes``, which ``descriptions`` (by dataset id) describe differently, read as their union,
    as in the whole graph (with ``catalog_triples``, the catalog's own description); each problem is the first
    such dataset's (by id)."""
    from medvlm_kg.graph.iris import catalog_iri

    kg = KnowledgeGraph(catalog.base_iri, catalog_iri(catalog.base_iri), catalog_triples, descriptions)
    results, owners = shacl_results(kg)
    files = {d.id: d for d in catalog.datasets}
    wanted = [r for r in results if r.focus.value in nodes]
    return _problems(wanted, catalog, lambda focus: files.get(owners.get(focus, "")))
