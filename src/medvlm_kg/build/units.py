"""The units of work of a build, and running them.

One unit per dataset (its RDF in three formats, its Croissant file, its pages, its SHACL results), made from
its own description's triples, which are dropped after; and a few for the whole catalog (the catalog's documents,
joined from the datasets' files; each page of the paged DCAT catalog, of the catalog table and of each concept;
the concept schemes; the index script; the sitemap). Each unit has a *key*, a digest of everything its files are
made from: a rebuild keeps (hard-links) the files of every unit whose key did not change and makes only the
others. Units run in worker processes, one per core (forked: they inherit ``_STATE``), and write straight into
the staged output folder. What no unit can check alone (the catalog's own description, a node two datasets
describe differently) is checked over what the units report (``_across``).

A little longer than 600 lines because the plan (``_plan``: every unit and the digest that keys it) is one list
that must be read whole to see what a rebuild keeps; the dumps' writing is in ``dumps.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from medvlm_kg.build.dumps import catalog_ntriples_dump, catalog_turtle_dump, dataset_members
from medvlm_kg.build.output import StagedOutput, read_note
from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.catalog.load import check_catalog
from medvlm_kg.catalog.parse_cache import ParseCache
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.graph.listings import listed_cells
from medvlm_kg.graph.serialize import FORMATS, TURTLE_HEADER, serialize, serialize_sorted, sort_triples
from medvlm_kg.problems import ERROR, WARNING, CatalogError, Problem, problem_order
from medvlm_kg.profiles.assemble import convert, dataset_triples, describe_catalog
from medvlm_kg.resources import ontology_dir
from medvlm_kg.runtime.inputs import Inputs, digest
from medvlm_kg.runtime.progress import stage, track
from medvlm_kg.runtime.workers import ahead, spread, without_gc, workers_for
from medvlm_kg.site import paging
from medvlm_kg.site.paging import page_header
from medvlm_kg.validate.core import (
    background_nodes,
    catalog_problems,
    description_problems,
    prepare_description_checks,
    shacl_problems,
    shared_nodes,
    union_problems,
)

__all__ = ["PARSE_CACHE", "check", "make", "render", "validate"]

# The dataset files the last build read and checked, so the next one reads only the files that changed; beside
# the output (``output.beside``), not in it.
PARSE_CACHE = "parsed.json"
WORK = ".medvlm-kg-work"  # in the staged folder while units run; removed before the swap
# The RDF syntaxes written per document; serve derives N-Triples from the Turtle (``serve/index.py``), and the whole
# catalog's N-Triples is the compressed dump.
PUBLISHED = (FORMATS["turtle"], FORMATS["jsonld"])
_FEW = 64  # datasets made anew, at most, for the checks across datasets to run ahead of the plan (``_execute``)


def check(data_dir: Path | str) -> tuple[Catalog | None, KnowledgeGraph | None, list[Problem]]:
    """Both validation layers: the YAML format first, then SHACL on the converted graph."""
    with stage("reading the catalog"):
        catalog, problems = check_catalog(data_dir)
    if catalog is None:
        return None, None, problems
    with stage("converting to RDF"):
        graph = convert(catalog)
    with stage("validating with SHACL"):
        problems = problems + shacl_problems(graph, catalog)
    return catalog, graph, problems


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# ---- units of work -------------------------------------------------------------------------------------


@dataclass
class _Unit:
    """Files made together from the same inputs; ``make`` returns them (path → bytes) when the key changed."""

    name: str
    key: str
    make: Callable[[], dict[str, bytes]]


class _Sink:
    """Where files go: the staged output folder, or a dict (``render``, for tests and small catalogs)."""

    def __init__(self, staged: StagedOutput | None = None):
        self.staged = staged
        self.files: dict[str, bytes] = {}
        self.work: dict[str, bytes] = {}  # render, or work put outside a batch
        self.pieces: dict[str, tuple[str, int, int]] = {}  # work put in this process's batch: file, offset, length
        self.work_index: dict[str, tuple[str, int, int]] = {}  # all of it, as the parent learned it
        self._batch: tuple[str, Any] | None = None

    def put(self, rel: str, data: bytes | Iterable[bytes]) -> tuple[str, str, bool]:
        """Stage one file, given whole or in pieces (a big one is written as its pieces are made)."""
        if self.staged is None:
            self.files[rel] = data if isinstance(data, bytes) else b"".join(data)
            return rel, "", True
        if isinstance(data, bytes):
            return self.staged.put(rel, data)
        return self.staged.put_pieces(rel, data)

    def read(self, rel: str) -> bytes:
        return self.files[rel] if self.staged is None else self.staged.staged_path(rel).read_bytes()

    # Work: what one unit leaves for another (a dataset's dump members, its part of a catalog page), never part of
    # the output. A batch of dataset units appends it to one file (``start_batch``), and the parent learns where
    # each piece lies from the records (``work_index``): small files cost a third of a millisecond each to make on
    # a VM's disk, and a file a piece was 50,000 files at 10,000 entries.
    def start_batch(self, name: str) -> None:
        if self.staged is not None:
            folder = self.staged.staged_path(WORK)
            folder.mkdir(exist_ok=True)
            self._batch = (name, open(folder / name, "wb"))  # noqa: SIM115 - closed by end_batch

    def end_batch(self) -> None:
        batch = self._batch
        if batch is not None:
            batch[1].close()
            self._batch = None

    def put_work(self, name: str, data: bytes) -> None:
        batch = self._batch
        if self.staged is None or batch is None:
            self.work[name] = data
            return
        self.pieces[name] = (batch[0], batch[1].tell(), len(data))
        batch[1].write(data)

    def take_pieces(self) -> dict[str, tuple[str, int, int]]:
        """Where the work put since the last call lies (for the parent's ``work_index``)."""
        taken, self.pieces = self.pieces, {}
        return taken

    def read_work(self, name: str) -> bytes:
        place = self.work_index.get(name) if self.staged is not None else None
        if place is None:
            return self.work[name]
        file, offset, length = place
        with open(self.staged.staged_path(WORK) / file, "rb") as work:
            work.seek(offset)
            return work.read(length)

    def drop_work(self) -> None:
        self.work.clear()
        self.work_index.clear()
        if self.staged is not None:
            shutil.rmtree(self.staged.staged_path(WORK), ignore_errors=True)


@dataclass
class _State:
    """What every unit reads; set before worker processes start, so they inherit it."""

    catalog: Catalog
    common: str
    keys: dict[str, str]  # dataset id → the key of its unit
    catalog_triples: list[ox.Triple]
    site: Any
    sink: _Sink | None  # None: validate only
    old_units: dict[str, dict]
    plan: list = field(default_factory=list)  # the catalog-wide units, once planned
    fresh: set[str] = field(default_factory=set)  # datasets whose unit was made in this build
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)  # dataset → digest of its lines per other node
    listed: dict[str, str] = field(default_factory=dict)  # dataset → digest of its cells as the list writes them
    dump_plans: dict = field(default_factory=dict)  # the catalog unit's, in the process that ran it
    header_digest: str = ""
    bucket_nodes: list[int] = field(default_factory=list)  # the catalog unit's: nodes in each N-Triples bucket
    records: list[dict] = field(default_factory=list)  # the dataset units', for the checks run ahead of the plan
    checked: bool | None = None  # those checks found no error (in the worker that ran them)
    catalog_checked: dict = field(default_factory=dict)  # the catalog description's results, for the manifest

    @cached_property
    def page_catalog(self) -> list[ox.Triple]:
        """What every page of the DCAT catalog says of the catalog itself (``paging.page_catalog``), made once a
        process: it reads the whole catalog description, which names every dataset (0.25 s at 100,000 entries,
        made again for each of the 1,000 pages, was a quarter of that build's catalog-wide time)."""
        return paging.page_catalog(self.catalog_triples, self.catalog.base_iri)

    @cached_property
    def every(self) -> str:
        """A digest of every dataset unit's key: what the dumps and the pages that show every dataset are keyed on."""
        return digest(sorted(self.keys.items()))

    @property
    def root(self) -> str:
        return f"{self.catalog.base_iri}catalog"


_STATE: _State | None = None


def _dataset_keys(catalog: Catalog, inputs: Inputs | None) -> dict[str, str]:
    """Each dataset unit's key: the common inputs, the dataset's file, the file of the dataset whose paper it
    shares (its description says what that paper is), and which of its URLs other datasets give too (no sameAs)."""
    if inputs is None:
        return {d.id: "" for d in catalog.datasets}
    by_id = {d.id: d for d in catalog.datasets}

    def sha(dataset: Dataset) -> str:
        return inputs.files.get(os.path.basename(dataset.file), "")

    keys = {}
    for d in catalog.datasets:
        other = by_id.get(d.same_paper_as.value) if d.same_paper_as else None
        keys[d.id] = digest("dataset", inputs.common, sha(d), sha(other) if other else "", catalog.shared_urls(d))
    return keys


def _make_dataset(dataset: Dataset) -> tuple[dict[str, bytes], dict]:
    """A dataset's files, and what the catalog-wide checks need of it: its SHACL results, the types of its node
    (the catalog's checks read them), and a digest of what it says of each node it shares with others (a paper, a
    person), which must say the same in every description (and is said once in the N-Triples dump)."""
    from medvlm_kg.profiles.croissant import croissant_bytes, croissant_path

    state = _STATE
    assert state is not None
    catalog = state.catalog
    triples = dataset_triples(catalog, dataset)
    iri = dataset_iri(catalog.base_iri, dataset.id)
    files: dict[str, bytes] = {}
    nodes: dict[str, str] = {}
    listed = ""
    if state.sink is not None:  # None: validate only
        ordered = sort_triples(triples)  # once for every format
        files = {f"dataset/{dataset.id}.{f.extension}": serialize_sorted(ordered, f.name, [iri]) for f in PUBLISHED}
        files[croissant_path(dataset.id)] = croissant_bytes(catalog, dataset, triples)
        files.update(state.site.dataset_pages(dataset, triples))
        nodes = dataset_members(state.sink, dataset.id, iri, ordered, files[f"dataset/{dataset.id}.ttl"])
        page_part = serialize_sorted(paging.dcat_view(ordered), "turtle")
        state.sink.put_work(f"{dataset.id}.page.ttl", _without_header(page_part))
        listed = digest(sorted(str(t) for t in listed_cells(catalog.base_iri, dataset)))
    facts = {
        "nodes": nodes if state.sink is not None else shared_nodes(triples, iri),  # the same digests
        "problems": [p.as_dict() for p in description_problems(triples, catalog, dataset, state.catalog_triples)],
        "types": sorted({t.object.value for t in triples if t.subject.value == iri and t.predicate.value == _RDF_TYPE}),
        "listed": listed,  # what the catalog CSV is made of (a unit keyed on it is kept when only other facts change)
    }
    return files, facts


def _run_datasets(ids: list[str]) -> list[dict]:
    """Make the dataset units ``ids`` (in a worker or in the build's own process); one record per unit."""
    state = _STATE
    assert state is not None
    records = []
    if state.sink is not None:
        state.sink.start_batch(f"{ids[0]}.batch")  # ids are file-name-safe slugs; the first names the batch
    try:
        for dataset_id in ids:
            dataset = state.catalog.dataset(dataset_id)
            files, facts = _make_dataset(dataset)
            staged = [state.sink.put(rel, data) for rel, data in sorted(files.items())] if state.sink else []
            records.append(
                {
                    "name": f"dataset/{dataset_id}",
                    "key": state.keys[dataset_id],
                    "files": {rel: sha for rel, sha, _ in staged},
                    "written": [rel for rel, _, written in staged if written],
                    "work": state.sink.take_pieces() if state.sink else {},
                    **facts,
                }
            )
    finally:
        if state.sink is not None:
            state.sink.end_batch()
    return records


def _map_datasets(ids: list[str], jobs: int | None) -> Iterator[dict]:
    """Run the dataset units, in worker processes (they inherit ``_STATE``) or here."""
    batches = [ids[i : i + 32] for i in range(0, len(ids), 32)]
    # a worker grew by about 13 KB a dataset it made (caches, heap; 0.65 GB a worker at 100,000 at that rate)
    return spread(_run_datasets, batches, workers_for(jobs, len(ids), worth_it=64), renew_after=64)


def _run_units(indices: list[int]) -> list[tuple[str, str, list[tuple[str, str, bool]], dict]]:
    """Make the catalog-wide units ``indices`` of the plan (in a worker or in the build's own process)."""
    state = _STATE
    assert state is not None and state.sink is not None
    made = []
    for i in indices:
        unit = state.plan[i]
        files = [state.sink.put(rel, data) for rel, data in sorted(unit.make().items())]
        extra: dict[str, Any] = {}
        if unit.name == "catalog":
            table = state.dump_plans["nt"].table
            extra = {
                "members": {"nt": table},
                "header": state.header_digest,
                "bucket_nodes": state.bucket_nodes,
                "triples": sum(entry[2] for entry in table.values()),
                "common": state.common,  # what its buckets were laid out by (``dumps._bucket_members``)
            }
            if state.sink.staged is not None:
                _make_store(state, unit.key)
                extra["store"] = _generation(unit.key)
        elif unit.name == "catalog-ttl":
            extra = {"members": {"ttl": state.dump_plans["ttl"].table}}
        made.append((unit.name, unit.key, files, extra))
    return made


def _make_store(state: _State, key: str) -> None:
    """The query store of this build (``store.py``), bulk-loaded from the catalog dump just written."""
    from medvlm_kg.build.dumps import members_of
    from medvlm_kg.build.store import make_generation, update_generation

    staged = state.sink.staged
    new_dump = staged.staged_path("catalog.nt.gz")
    old = state.old_units.get("catalog") or {}
    old_table = (old.get("members") or {}).get("nt")
    if old.get("store") and old_table and (staged.out_dir / "catalog.nt.gz").is_file():
        base = state.catalog.base_iri
        made = update_generation(
            staged.out_dir,
            old["store"],
            _generation(key),
            (staged.out_dir / "catalog.nt.gz", old_table),
            (new_dump, state.dump_plans["nt"].table),
            state.root,
            lambda subject: members_of(subject, base),
        )
        if made is not None:
            return
    make_generation(staged.out_dir, _generation(key), new_dump, state.root)


def _generation(key: str) -> str:
    from medvlm_kg.build.store import GENERATION_LENGTH

    return key[:GENERATION_LENGTH]


def _map_units(
    indices: list[int], workers: int, store_here: bool = False
) -> Iterator[tuple[str, str, list[tuple[str, str, bool]], dict]]:
    """The catalog-wide units, one task each (they differ a lot in size), in ``workers`` processes or here. When
    few are left to make and the catalog's unit was not started ahead of the plan (``_execute``: no previous
    build, or more than ``_FEW`` datasets made), that unit (the N-Triples dump, then the query store) runs in this
    process beside one worker fewer: it reads every dataset's record, which in a worker copied the pages holding
    them (the units took 0.52-0.73 s after an edit at 10,000 entries, now 0.48-0.52 s). A whole build keeps every
    worker: there this process would take a core from them (its catalog-wide units: 20 s, 21 s this way).

    A worker is a fresh fork every 64 units: the units read the whole catalog between them, and a worker that
    touches an inherited object (its reference count) makes that memory its own copy. Peak memory of a cold build
    (all processes, PSS): 633 → 554 MiB at 10,000 entries, 1,618 → 1,343 MiB at 30,000. Every 16 units freed no
    more and cost an edit at 10,000 about 0.8 s (it remakes some 1,900 units).

    ``store_here``: the catalog's unit runs here whatever the number of units, as this process opened a query store
    before and no fork of it may open one (``_execute``).

    In a whole build the catalog CSV is made right after the catalog's unit, in the same task (``_AFTER_STORE``): it
    loads every dataset's cells into a store of its own (72 MiB at 10,000 entries), and made in the other worker
    while the query store was bulk-loaded (the longest unit), the two added up to the peak of a 100,000-entry build
    (4.36 GiB; 3.77–4.02 GiB in three builds this way, bench/HISTORY.md)."""
    assert _STATE is not None
    plan = _STATE.plan
    few = len(indices) <= 64  # an edit (17 units at 10,000 entries); a whole build (1,900) keeps every worker busy
    store = [i for i in indices if plan[i].name == "catalog"]
    after = [i for i in indices if plan[i].name in _AFTER_STORE] if store and not few else []
    first = [*store, *after]  # one task: the catalog's unit, then what is made right after it
    here = [first] if store and workers > 1 and (few or store_here) else []
    tasks = [first] if store and not here else []
    tasks += [[i] for i in indices if i not in first]
    pool = workers - 1 if here else workers  # this process is one of them
    return spread(_run_units, tasks, pool, ordered=False, renew_after=64, here=here)


# What a whole build makes right after the catalog's unit (its N-Triples dump and query store), in the same task.
_AFTER_STORE = ("catalog-csv",)


# ---- the catalog's own documents -----------------------------------------------------------------------


def _page_member(state: _State, dataset_id: str) -> bytes:
    """A dataset's part of its catalog page: its ``dcat_view`` in Turtle without the prefix lines. Made by its
    unit in this build (a work file), else from its Turtle document (a dataset kept from the previous build)."""
    try:
        return state.sink.read_work(f"{dataset_id}.page.ttl")
    except (KeyError, OSError):
        turtle = state.sink.read(f"dataset/{dataset_id}.ttl")
        triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
        return _without_header(serialize(paging.dcat_view(triples), "turtle"))


def _without_header(turtle: bytes) -> bytes:
    return turtle[len(TURTLE_HEADER) :] if turtle.startswith(TURTLE_HEADER) else turtle


def _page_unit(state: _State, number: int, ids: list[str], total_pages: int) -> dict[str, Iterator[bytes]]:
    """A page of the DCAT catalog in Turtle, joined from its datasets' parts (``_page_member``). Only Turtle:
    ``serve`` derives JSON-LD and N-Triples of a page from it."""
    base = state.catalog.base_iri
    header, root = page_header(base, number, total_pages, len(state.catalog.datasets), ids)
    header += state.page_catalog

    def pieces() -> Iterator[bytes]:
        yield serialize(header, "turtle", [root])
        for dataset_id in ids:
            yield _page_member(state, dataset_id)

    return {f"catalog/page/{number}.ttl": pieces()}


# ---- the plan ------------------------------------------------------------------------------------------


def _concept_documents(base: str) -> dict[str, tuple[list[ox.Triple], str]]:
    """One document per concept scheme and per concept: path → (triples, root IRI)."""
    docs: dict[str, tuple[list[ox.Triple], str]] = {}
    for scheme in load_schemes().values():
        triples = list(ox.parse(path=str(scheme.file), format=ox.RdfFormat.TURTLE))
        rel = _relative_path(scheme.iri, base)
        if rel:
            docs[rel] = (triples, scheme.iri)
        for concept in scheme.concepts.values():
            rel = _relative_path(concept.iri, base)
            if rel:
                docs[rel] = ([t for t in triples if t.subject.value == concept.iri], concept.iri)
    vocab = list(ox.parse(path=str(ontology_dir() / "vocab.ttl"), format=ox.RdfFormat.TURTLE))
    vocab_iri = "https://w3id.org/medvlm-kg/vocab"
    rel = _relative_path(vocab_iri, base)
    if rel:
        docs[rel] = (vocab, vocab_iri)
    return docs


def _relative_path(iri: str, base: str) -> str | None:
    """The output path (without extension) that serves ``iri``, if it lives under the base IRI."""
    if not iri.startswith(base):
        return None
    rel = iri[len(base) :]
    if not rel or rel.startswith("/") or any(part in ("", ".", "..") for part in rel.split("/")):
        return None
    return rel


def _documents(docs: dict[str, tuple[list[ox.Triple], str]]) -> dict[str, bytes]:
    return {f"{rel}.{f.extension}": serialize(t, f.name, [root]) for rel, (t, root) in docs.items() for f in PUBLISHED}


def _dump_units(state: _State) -> list[_Unit]:
    """The units of the two dumps: keyed on the datasets' keys alone, so known before the rest is planned."""
    return [
        _Unit("catalog", digest("catalog", state.common, state.every), lambda: catalog_ntriples_dump(state)),
        _Unit("catalog-ttl", digest("catalog turtle", state.common, state.every), lambda: catalog_turtle_dump(state)),
    ]


def _plan(state: _State) -> list[_Unit]:
    """Every unit but the datasets' and the dumps' (``_dump_units``), with its key, in the order they are made."""
    from medvlm_kg.graph.description_text import LANGUAGES
    from medvlm_kg.site.catalog_page import INDEX_SCRIPT, front_page_facts
    from medvlm_kg.site.context import SCHEMES_SHOWN
    from medvlm_kg.site.links import concept_page_key, csv_file

    catalog, site, common, keys = state.catalog, state.site, state.common, state.keys
    base, every = catalog.base_iri, state.every
    units = [
        _Unit("concepts", digest("concepts", common), lambda: _documents(_concept_documents(base))),
        _Unit(
            "ontology",
            digest("ontology", common),
            lambda: {f"ontology/{p.name}": p.read_bytes() for p in sorted(ontology_dir().iterdir()) if p.is_file()},
        ),
        _Unit("static", digest("static", common), site.static),
    ]
    chunks = [sorted(d.id for d in chunk) for chunk in site.catalog_chunks()]
    for number, ids in enumerate(chunks, start=1):
        chunk_keys = [keys[i] for i in ids]
        units.append(
            _Unit(
                f"catalog/page/{number}",
                digest("page", common, number, len(chunks), len(keys), ids, chunk_keys),
                lambda n=number, i=ids: _page_unit(state, n, i, len(chunks)),
            )
        )
    units.append(  # both languages' tables are read from one store of the list's cells
        _Unit(
            "catalog-csv",
            digest("catalog csv", common, sorted((i, state.listed.get(i) or keys[i]) for i in keys)),
            lambda: {csv_file(lang): data for lang, data in site.catalog_csvs().items()},
        )
    )
    rows = chunks[0] if site.paged else sorted(keys)  # the front page's rows, and the rest as its charts count it
    front = digest(len(chunks), [(i, keys[i]) for i in rows], front_page_facts(site))
    concept_pages = {  # what each concept page shows, the same in every language
        name: [
            (concept, _concept_page_inputs(state, name, concept)) for concept in site.schemes[name].concepts.values()
        ]
        for name in SCHEMES_SHOWN
    }
    for lang in LANGUAGES:
        units.append(
            _Unit(f"pages/sparql/{lang}", digest("sparql page", common, lang), lambda lg=lang: site.sparql_page(lg))
        )
        units.append(
            _Unit(
                f"pages/catalog/{lang}",
                digest("catalog page", common, lang, front),
                lambda lg=lang: site.catalog_page(lg, 1),
            )
        )
        units.append(
            _Unit(
                f"pages/whats-new/{lang}",
                digest("whats-new page", common, lang, every),
                lambda lg=lang: site.whats_new_page(lg),
            )
        )
        if site.paged:
            for number, ids in enumerate(chunks[1:], start=2):
                units.append(
                    _Unit(
                        f"pages/catalog/{lang}/{number}",
                        digest("catalog page", common, lang, number, len(chunks), len(keys), [keys[i] for i in ids]),
                        lambda lg=lang, n=number: site.catalog_page(lg, n),
                    )
                )
        for name in SCHEMES_SHOWN:
            counts = sorted((c, len(ds)) for c, ds in site.users[name].items())
            units.append(
                _Unit(
                    f"pages/{name}/{lang}",
                    digest("scheme page", common, lang, name, counts),
                    lambda lg=lang, n=name: site.scheme_page(n, lg),
                )
            )
            for concept, inputs in concept_pages[name]:
                for number, (total, users, shown) in enumerate(inputs, start=1):
                    units.append(
                        _Unit(
                            f"pages/{concept_page_key(name, concept.id, number)}/{lang}",
                            digest("concept page", common, lang, number, total, users, shown),
                            lambda lg=lang, n=name, c=concept, k=number: site.concept_page(n, c, lg, k),
                        )
                    )
    if site.paged:
        units.append(
            _Unit(
                "catalog-index",
                digest("index", common, every),
                lambda: {INDEX_SCRIPT: site.catalog_index(_kept_index_lines(state))},
            )
        )
    registry = site.registry()
    units.append(
        _Unit(
            "discovery",
            digest("discovery", common, [(k, p.kind, p.lastmod) for k, p in registry.items()]),
            lambda: site.discovery(registry),
        )
    )
    return units


def _kept_index_lines(state: _State) -> dict[str, bytes]:
    """The lines of the previous build's ``catalog-index.js`` for the datasets kept from it (a line depends on its
    dataset's unit key alone), if the file is still as that build left it."""
    from medvlm_kg.site.catalog_page import INDEX_SCRIPT, index_lines

    staged = state.sink.staged if state.sink is not None else None
    data = staged.old_file(INDEX_SCRIPT) if staged is not None else None
    if data is None:
        return {}
    return {i: line for i, line in index_lines(data).items() if i not in state.fresh}


def _concept_page_inputs(state: _State, name: str, concept) -> list[tuple[int, int, list]]:
    """What each page of a concept's listing is made from: (its number of pages, the concept's number of datasets,
    each shown dataset's id, key and whether it is tagged with the concept itself)."""
    site, keys = state.site, state.keys
    chunks = site.concept_chunks(name, concept)
    users = len(site.users[name].get(concept.id, []))
    tagged, inputs = site.tagged_first(name, concept), []
    for shown in chunks:
        inputs.append((len(chunks), users, [(d.id, keys[d.id], i < tagged) for i, d in enumerate(shown)]))
        tagged -= len(shown)
    return inputs


def _state(
    catalog: Catalog, inputs: Inputs | None, sink: _Sink | None, old_units: dict[str, dict], with_site: bool = True
) -> _State:
    from medvlm_kg.profiles.croissant import croissant_path
    from medvlm_kg.site.pages import site_context

    base = catalog.base_iri
    catalog_triples = describe_catalog(catalog)
    documents = {"catalog", *(f"dataset/{d.id}" for d in catalog.datasets), *_concept_documents(base)}
    pages = {f"catalog/page/{n}" for n in range(1, max(1, -(-len(catalog.datasets) // paging.PAGE_SIZE)) + 1)}
    documents |= pages
    rdf = {f"{doc}.{f.extension}" for doc in documents - {"catalog"} - pages for f in PUBLISHED}
    rdf |= {f"{page}.ttl" for page in pages}
    rdf |= {croissant_path(d.id) for d in catalog.datasets}
    site = site_context(catalog, catalog_triples, rdf.__contains__) if with_site else None  # validate: no pages
    state = _State(
        catalog=catalog,
        common=inputs.common if inputs else "",
        keys=_dataset_keys(catalog, inputs),
        catalog_triples=catalog_triples,
        site=site,
        sink=sink,
        old_units=old_units,
    )
    return state


def _execute(state: _State, staged: StagedOutput | None, jobs: int | None) -> list[Problem]:
    """Make (or keep) every unit, and check what no unit can check alone (``_across``). Returns every problem
    found; the catalog-wide units are made only when there is no error."""
    global _STATE
    from medvlm_kg.build.store import rocksdb_running

    _STATE = state
    if staged is not None:
        staged.staging  # noqa: B018 - made now, so worker processes write into the same folder
    try:
        records = _dataset_units(state, staged, jobs)
        workers = workers_for(jobs, len(state.keys), worth_it=64) if staged else 1
        state.plan = _dump_units(state)
        planned = len(state.plan)
        dumps = _to_make(state, staged, range(planned))
        # After an edit, a worker checks across datasets and then, if they found no error, makes the N-Triples dump
        # and the query store (the longest catalog-wide unit), while this process plans the other units, which it
        # makes once the checks' result came. A whole build (or one making more than ``_FEW`` datasets) checks
        # first: its workers are busy with the datasets until now, and a third process would only add to its peak.
        # A process that opened a query store before (a query earlier in the same Python session) makes the new
        # one itself: opened in a fork of it, a store waits forever (``store.rocksdb_running``).
        store_here = staged is not None and workers > 1 and rocksdb_running()
        ahead_of_plan = workers > 1 and bool(state.old_units) and len(state.fresh) <= _FEW and not store_here
        early = [i for i in dumps if state.plan[i].name == "catalog"] if ahead_of_plan else []
        state.records = records if ahead_of_plan else []
        with ahead(_run_ahead, [_ACROSS, *([i] for i in early)] if ahead_of_plan else [], 1) as made_ahead:
            if ahead_of_plan:
                state.plan += _plan(state)
                problems, made_first = _checks_ahead(state, made_ahead)
                state.records = []
            else:
                problems, made_first = _across(state, records), []
            del records  # not held while the catalog-wide units run (what they need is in state and staged.units)
            if any(p.severity == ERROR for p in problems):
                return problems
            if staged is not None:
                staged.units[_CATALOG_CHECKS] = state.catalog_checked
            if not ahead_of_plan:
                state.plan += _plan(state)
            rest = [i for i in dumps if i not in early] + _to_make(state, staged, range(planned, len(state.plan)))
            made = chain(made_first, _map_units(rest, workers, store_here), (result for _, result in made_ahead))
            for name, key, files, extra in track(made, "catalog", total=len(early) + len(rest), unit="unit"):
                if staged:
                    for rel, sha, written in files:
                        staged.record(rel, sha, written)
                    staged.units[name] = {"name": name, "key": key, "files": [rel for rel, _, _ in files], **extra}
        state.sink.drop_work()
    finally:
        _STATE = None
    return problems


_ACROSS = "across"  # the task of checking across datasets, among the units made ahead of the plan


def _run_ahead(task: str | list[int]) -> list[tuple[str, Any]]:
    """A task started ahead of the plan (``_execute``), in one worker: the checks across datasets, then units,
    made only if those checks found no error (nothing is made, not even the query store, for a failing build)."""
    state = _STATE
    assert state is not None
    if task == _ACROSS or state.checked is None:
        problems = _across(state, state.records)
        state.checked = not any(p.severity == ERROR for p in problems)
        if task == _ACROSS:
            return [(_ACROSS, (problems, state.catalog_checked))]
    return [("unit", made) for made in _run_units(task)] if state.checked else []


def _checks_ahead(state: _State, results: Iterator[tuple[str, Any]]) -> tuple[list[Problem], list]:
    """From the results of the tasks run ahead of the plan: the problems the checks across datasets found, and the
    units made before they came (none: one worker runs the checks first)."""
    made = []
    for kind, result in results:
        if kind == _ACROSS:
            problems, state.catalog_checked = result  # the worker's record of the catalog's checks, for the manifest
            return problems, made
        made.append(result)
    raise RuntimeError("the checks across datasets gave no result")


def _to_make(state: _State, staged: StagedOutput | None, indices: Iterable[int]) -> list[int]:
    """Of the planned units ``indices``, those to make: the others' files are kept from the previous output."""
    todo = []
    for i in indices:
        unit = state.plan[i]
        record = state.old_units.get(unit.name) if staged else None
        if staged and record and record.get("key") == unit.key and _keep(staged, record) and _has_store(staged, record):
            staged.units[unit.name] = record
        else:
            todo.append(i)
    return todo


def _dataset_units(state: _State, staged: StagedOutput | None, jobs: int | None) -> list[dict]:
    """Every dataset unit's record: kept from the previous output when its key did not change, else made."""
    records: list[dict] = []
    fresh: list[str] = []
    for dataset in state.catalog.datasets:
        record = state.old_units.get(f"dataset/{dataset.id}") if staged else None
        if staged and record and record.get("key") == state.keys[dataset.id] and _keep(staged, record):
            record = _shown_for(record, dataset)
            staged.units[record["name"]] = record  # as the manifest had it: see _with_shared_strings
            records.append(record)
        else:
            fresh.append(dataset.id)
    if fresh:  # what every dataset unit looks up, made once here: the worker processes forked from this one share it
        state.catalog.dataset(fresh[0])  # the index by id
        prepare_description_checks(state.catalog_triples)
        if state.site is not None:
            state.site.prepare()
    for record in track(_map_datasets(fresh, jobs), "datasets", total=len(fresh), unit="dataset"):
        record = _with_shared_strings(record)
        work = record.pop("work", {})
        if state.sink is not None:
            state.sink.work_index.update(work)
        if staged:
            for rel, sha in record["files"].items():
                staged.record(rel, sha, rel in record["written"])
            kept = {k: v for k, v in record.items() if k != "written"}
            staged.units[record["name"]] = {**kept, "files": sorted(record["files"])}  # their hashes: in "files"
        records.append(record)
    state.fresh = set(fresh)
    state.nodes = {r["name"][len("dataset/") :]: r.get("nodes") or {} for r in records}
    state.listed = {r["name"][len("dataset/") :]: r.get("listed") or "" for r in records}
    return records


def _with_shared_strings(record: dict) -> dict:
    """``record`` with one copy of each IRI and digest its node maps and types name. The nodes a dataset shares
    (the catalog, concepts, people, papers) are by their nature named in many records, and a record arrives from a
    worker with its own copies: at 10,000 entries the records of a whole build held 71 MiB, most of it these.
    Records kept from the manifest are left as read: interning them took 0.2 s of every edit at 10,000 entries,
    for 18 MiB (of the 70 MiB the manifest takes) that the edit holds only until it ends."""
    out = dict(record)
    nodes = record.get("nodes")
    if isinstance(nodes, dict):
        try:  # in C: a third faster than a comprehension over 20,000 maps
            out["nodes"] = dict(zip(map(sys.intern, nodes), map(sys.intern, nodes.values()), strict=True))
        except TypeError:  # a value that is not text (never written so; kept as it is)
            out["nodes"] = {sys.intern(n): sys.intern(d) if isinstance(d, str) else d for n, d in nodes.items()}
    types = record.get("types")
    if isinstance(types, list):
        out["types"] = [sys.intern(t) if isinstance(t, str) else t for t in types]
    return out


def _shown_for(record: dict, dataset: Dataset) -> dict:
    """A kept dataset unit's record whose problems name its file as ``dataset`` does now. Made from another working
    folder, they name it by another path (``data/datasets/x.yaml``, ``datasets/x.yaml``); the unit is the same."""
    problems = record.get("problems")
    if not problems or all(not isinstance(p, dict) or p.get("file") == dataset.file for p in problems):
        return record
    tail = "/" + os.path.basename(dataset.file)
    shown = [
        {**p, "file": dataset.file}
        if isinstance(p, dict) and isinstance(p.get("file"), str) and p["file"].endswith(tail)
        else p
        for p in problems
    ]
    return {**record, "problems": shown}


def _across(state: _State, records: list[dict]) -> list[Problem]:
    """Every dataset's SHACL results, and what no dataset can check alone: the catalog's own description (beside
    the types of the datasets it lists) and the nodes several datasets describe (they must say the same, or are
    read as the union, as in the whole graph)."""
    catalog = state.catalog
    problems = [Problem(**p) for record in records for p in record["problems"]]
    problems += _shared_node_problems(catalog, records)
    return problems + _catalog_checks(state, records)


# The catalog description's SHACL results, kept in the manifest under this name (not a unit: no file) by what they
# are made from, so an edit that changes no dataset's types checks the description again only when it changed.
_CATALOG_CHECKS = "checks/catalog"


def _catalog_checks(state: _State, records: list[dict]) -> list[Problem]:
    """The catalog's own description checked beside the types of the datasets it lists, or, when none of what it is
    made from changed (the code, catalog.yaml, the datasets and their types), the last build's results: at 10,000
    entries the check took 0.1-0.2 s of every edit's chain of catalog-wide work. Its record is left in
    ``state.catalog_checked`` for the manifest."""
    catalog = state.catalog
    key = digest("catalog checks", state.common, sorted((r["name"], r["types"]) for r in records))
    old = state.old_units.get(_CATALOG_CHECKS) or {}
    kept = old.get("problems") if state.common and old.get("key") == key else None
    if isinstance(kept, list) and all(isinstance(p, dict) and set(p) <= _RECORD_PROBLEM for p in kept):
        found = [Problem(**{**p, "file": catalog.file}) for p in kept]  # named as the catalog is read today
    else:
        listed = [
            ox.Triple(ox.NamedNode(dataset_iri(catalog.base_iri, r["name"][len("dataset/") :])), _TYPE, ox.NamedNode(t))
            for r in records
            for t in r["types"]
        ]
        found = catalog_problems(state.catalog_triples, catalog, listed)
    state.catalog_checked = {"name": _CATALOG_CHECKS, "key": key, "problems": [p.as_dict() for p in found]}
    return found


def validate(
    data_dir: Path | str, jobs: int | None = None, from_build: Path | str | None = None, cache: bool = False
) -> tuple[Catalog | None, list[Problem]]:
    """``check`` as ``build`` does it: files read and datasets checked one by one, in a worker process per core,
    without putting the whole graph together (the same problems, in less time and memory).

    ``from_build``: an output folder of an earlier ``build`` of this catalog. Its parse cache and the records of
    its dataset units (their SHACL results, kept by the same keys the build uses: the code, catalog.yaml and the
    dataset's file) stand for every dataset whose inputs did not change, so only edited files are read and
    checked again; the checks across datasets always run. The folder is only read.

    ``cache`` (without ``from_build``): the same from what the last ``validate`` of this folder left in the
    user's cache folder (``validate_cache``), which this one then updates.
    """
    with without_gc():  # as in ``build``: the collector's passes over the entries and records free nothing
        return _validate(Path(data_dir), jobs, from_build, cache)


def _validate(
    data_dir: Path, jobs: int | None, from_build: Path | str | None, cache: bool
) -> tuple[Catalog | None, list[Problem]]:
    global _STATE
    from medvlm_kg.build import validate_cache

    inputs, parse_cache, old_units = _earlier_build(data_dir, from_build)
    cache = cache and from_build is None
    if cache:
        inputs = _scan(data_dir)
        parsed, old_units = validate_cache.read_parsed(data_dir), validate_cache.read_checked(data_dir)
        built = validate_cache.last_build(data_dir) if parsed is None and not old_units else None
        if built is not None:  # no validate yet since the last build: start from what it checked
            parsed, old_units = _build_notes(built)
        parse_cache = ParseCache.load(inputs.parsing, parsed)
    with stage("reading the catalog"):
        catalog, problems = check_catalog(data_dir, parse_cache, jobs=jobs, digests=inputs.files if inputs else None)
    if catalog is None:
        if cache and parse_cache is not None:  # the files that passed are not read again while one is fixed
            validate_cache.write(data_dir, parse_cache.dump(), old_units)
        return None, problems
    with stage("converting and validating each dataset"):
        state = _state(catalog, inputs, None, {}, with_site=False)
        records, fresh = [], []
        for dataset in catalog.datasets:
            record = old_units.get(f"dataset/{dataset.id}")
            if _reusable(record, state.keys[dataset.id]):
                records.append(_shown_for(record, dataset))
            else:
                fresh.append(dataset.id)
        _STATE = state
        try:
            records += track(_map_datasets(fresh, jobs), "datasets", total=len(fresh), unit="dataset")
        finally:
            _STATE = None
        problems = problems + _across(state, records)
    if cache and parse_cache is not None and (fresh or len(old_units) != len(records)):
        kept = {r["name"]: {k: r[k] for k in ("name", "key", "problems", "types", "nodes")} for r in records}
        validate_cache.write(data_dir, parse_cache.dump(), kept)
    return catalog, sorted(set(problems), key=problem_order)


def _scan(data_dir: Path, out_dir: Path | None = None) -> Inputs:
    """The catalog's inputs, taking unchanged files' digests from the scan of the build in ``out_dir``, if any."""
    from medvlm_kg.runtime.inputs import SCAN_NOTE, scan

    return scan(data_dir, read_note(out_dir, SCAN_NOTE) if out_dir is not None else None)


_RECORD_PROBLEM = {"file", "line", "field", "message", "hint", "severity"}


def _reusable(record: Any, key: str) -> bool:
    """A dataset unit's record from a build's manifest that stands for checking the dataset again: made from the
    same inputs, with its facts in the shape a build writes them (a hand-edited manifest is checked afresh)."""
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    problems = record.get("problems")
    return (
        isinstance(problems, list)
        and all(isinstance(p, dict) and set(p) <= _RECORD_PROBLEM and "message" in p for p in problems)
        and isinstance(record.get("types"), list)
        and isinstance(record.get("nodes"), dict)
    )


def _earlier_build(data_dir: Path, out_dir: Path | str | None) -> tuple[Inputs | None, ParseCache | None, dict]:
    """What an earlier build in ``out_dir`` knows of this catalog: the inputs' digests (the keys), its parse cache
    and its units by name; nothing when there is no such folder (or it holds no build)."""
    if out_dir is None:
        return None, None, {}
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return None, None, {}
    inputs = _scan(data_dir, out_dir)
    parsed, units = _build_notes(out_dir)
    return inputs, ParseCache.load(inputs.parsing, parsed), units


def _build_notes(out_dir: Path) -> tuple[bytes | None, dict]:
    """The parse cache and the units by name of the build in ``out_dir`` (read only)."""
    from medvlm_kg.build.output import read_manifest

    units = read_manifest(out_dir).get("units") or {}
    return read_note(out_dir, PARSE_CACHE), units if isinstance(units, dict) else {}


_TYPE = ox.NamedNode(_RDF_TYPE)


def _shared_node_problems(catalog: Catalog, records: list[dict]) -> list[Problem]:
    """Nodes two datasets describe differently (an author whose name two papers spell differently, say), checked
    as the union of what they say; the few datasets concerned are converted again for it."""
    first: dict[str, str] = {}  # what the first description of each node says; most nodes never differ
    differing: set[str] = set()
    for record in records:
        for node, said in record["nodes"].items():
            if first.setdefault(node, said) != said:
                differing.add(node)
    differing -= background_nodes()  # the concepts: checked against their schemes in every description
    if not differing:
        return []
    ids = sorted({record["name"][len("dataset/") :] for record in records if not differing.isdisjoint(record["nodes"])})
    descriptions = {i: dataset_triples(catalog, catalog.dataset(i)) for i in ids}
    return union_problems(catalog, describe_catalog(catalog), descriptions, differing)


def _has_store(staged: StagedOutput, record: dict) -> bool:
    """The catalog unit is kept only with its store generation (a removed ``.store`` folder is made again)."""
    if record["name"] != "catalog":
        return True
    from medvlm_kg.build.store import generation_path

    return bool(record.get("store")) and (generation_path(staged.out_dir, record["store"]) / "ready").is_dir()


def _keep(staged: StagedOutput, record: dict) -> bool:
    """Link a unit's files from the previous output; False if one is gone (the unit is then made again, and
    its files written over the links already made)."""
    return staged.keep_all(record.get("files", {}))


# ---- entry points ----


def render(catalog: Catalog, graph: KnowledgeGraph | None = None) -> dict[str, bytes]:
    """Every output file by its path, in memory (for tests and small catalogs; ``build`` streams them)."""
    sink = _Sink()
    state = _state(catalog, None, sink, {})
    problems = _execute(state, None, jobs=1)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise CatalogError(errors)
    del graph  # the same triples are made again, unit by unit
    return dict(sorted(sink.files.items()))


def make(
    data_dir: Path, staged: StagedOutput, inputs: Inputs, jobs: int | None
) -> tuple[int, list[Problem], dict[str, bytes]]:
    """Read and check the catalog, and make (or keep) every unit into ``staged``: the number of datasets, the
    warnings, and what to keep for the next build (the checked files). Raises ``CatalogError`` (with every error)
    when the catalog has any."""
    with stage("reading the catalog"):
        cache = ParseCache.load(inputs.parsing, read_note(staged.out_dir, PARSE_CACHE))
        catalog, problems = check_catalog(data_dir, cache, jobs=jobs, digests=inputs.files)
    if catalog is None:
        raise CatalogError([p for p in problems if p.severity == ERROR])
    state = _state(catalog, inputs, _Sink(staged), staged.old["units"])
    with stage("converting, validating and writing"):
        problems += _execute(state, staged, jobs)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise CatalogError(sorted(set(errors), key=problem_order))
    warnings = sorted({p for p in problems if p.severity == WARNING}, key=problem_order)
    return len(catalog.datasets), warnings, {PARSE_CACHE: cache.dump()}
