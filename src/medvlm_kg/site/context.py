"""What every page of the site shares, gathered once: the catalog, the concept schemes, the templates, and the
facts many pages show (each dataset as a table row, the concept counts, the listings split into pages).

The renderers (``catalog_page``, ``dataset_page``, ``concept_pages``, ``whats_new_page``, ``sparql_page``,
``discovery``) each take a ``SiteContext`` and write one kind of page; ``page_context`` is what every template is
given (the page's links, languages, RDF alternates) and ``html`` renders a template with it.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import Concept, ConceptScheme, load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset, Paper
from medvlm_kg.graph.description_text import LANGUAGES, count_words
from medvlm_kg.graph.serialize import FORMATS
from medvlm_kg.site import paging
from medvlm_kg.site.links import DEFAULT_LANGUAGE, HTML_LANG, lang_prefix, page_file, page_url, relative_from
from medvlm_kg.site.templating import environment, ui_strings

__all__ = ["NAV", "SCHEMES_SHOWN", "Facet", "Row", "SiteContext", "pager"]

SCHEMES_SHOWN = ("modality", "task", "platform", "unit")
NAV = (
    (("catalog", "nav_catalog"), ("whats-new", "nav_whats_new"))
    + tuple((f"concept/{s}", f"nav_{s}") for s in SCHEMES_SHOWN)
    + (("sparql", "nav_sparql"),)
)

_SDO = "https://schema.org/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_TYPE_LINKS = {  # FAIR Signposting rel="type" of each kind of page
    "dataset": _SDO + "Dataset",
    "catalog": _SDO + "DataCatalog",
    "concept": _SKOS + "Concept",
    "scheme": _SKOS + "ConceptScheme",
    "whats-new": _SDO + "CollectionPage",
    "sparql": "http://www.w3.org/ns/sparql-service-description#Service",
}


@dataclass
class Row:
    """One dataset as the catalog table, the charts and the concept pages show it."""

    dataset: Dataset
    key: str
    modality_cell: str | None
    task_cell: str | None
    size_cell: str | None
    modalities: list[Concept]
    tasks: list[Concept]
    hosts: list[Concept]
    modality_tags: list[str]
    task_tags: list[str]
    year: str
    date_sort: str
    size_sort: int
    paper: Paper | None
    search: str
    from_facts: tuple[str, ...] = ()  # the cells shown from the catalog's facts, where the list gives none


@dataclass(frozen=True)
class Facet:
    """A dataset as the catalog page's filters, charts and counts see it (the same in every language)."""

    dataset: Dataset
    key: str
    modality_tags: list[str]
    task_tags: list[str]
    hosts: list[Concept]
    year: str
    paper: Paper | None


def _row_cells(schemes: dict[str, ConceptScheme], dataset: Dataset, lang: str) -> dict[str, Any]:
    """The row's modality, task and size cells in ``lang``: the list's, or, where it has none (a list with
    no such column, or no table in that language), what the catalog states, marked so (``from_facts``)."""
    listed, sep = dataset.listed, "、" if lang == "zh" else ", "
    units = schemes["unit"].concepts
    cells = {
        "modality": listed.modality.get(lang),
        "task": listed.task.get(lang),
        "size": listed.size.get(lang),
    }
    facts = {
        "modality": [schemes["modality"].concepts[c].label(lang) for c in dataset.modality],
        "task": [schemes["task"].concepts[c].label(lang) for c in dataset.task],
        "size": [count_words(c, units[c.unit].label(lang), lang) for c in dataset.size],
    }
    shown = {key: cells[key] or sep.join(facts[key]) or None for key in cells}
    return {
        **{f"{key}_cell": text for key, text in shown.items()},
        "from_facts": tuple(key for key in cells if not cells[key] and facts[key]),
    }


class SiteContext:
    """What every page shares (the catalog, the concept schemes, the templates), and the facts many pages show.

    A dataset's pages need only that dataset and its own triples, and the catalog-wide pages only the catalog, so
    ``build`` can render each page on its own, in any process, and skip those whose inputs did not change.
    ``has_file`` says which output files exist, for the links in a page's head.
    """

    def __init__(self, catalog: Catalog, catalog_triples: list[ox.Triple], has_file: Callable[[str], bool]):
        self.catalog, self.catalog_triples, self.has_file = catalog, catalog_triples, has_file
        self.base = catalog.base_iri
        self.schemes = load_schemes()
        self.env = environment()
        self._page_envs: dict[str, Any] = {}  # a language's templates, its fixed words compiled in
        self.definitions = self._definitions()
        self.narrower = {
            name: {c.id: self._narrower(scheme, c) for c in scheme.concepts.values()}
            for name, scheme in self.schemes.items()
        }
        self.by_id = {d.id: d for d in catalog.datasets}
        self._rows: dict[tuple[str, str], Row] = {}
        self._counts: dict[str, dict[str, int]] = {}
        self._facets: dict[str, Facet] = {}
        self._tags: dict[tuple[str, str], tuple[str, ...]] = {}
        self._newest: dict[str, str | None] = {}  # dataset id → newest_date (the sitemap asks ~17 times a dataset)
        self._ancestry: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self._catalog_chunks: tuple[int, list[list[Dataset]]] | None = None
        self._concept_chunks: dict[tuple[str, str, int], tuple[list[list[Dataset]], int]] = {}
        self._split: dict[str, dict[str, tuple[list[Dataset], list[Dataset]]]] = {}  # ``users``, tagged first
        self.by_name = sorted(catalog.datasets, key=lambda d: (d.name.lower(), d.id))

    # -- facts gathered once ------------------------------------------------------------------------------

    @cached_property
    def newest(self) -> str | None:
        """The newest date of the whole catalog: the ``lastmod`` of pages that show every dataset."""
        return max((d for d in (self.newest_date(x) for x in self.catalog.datasets) if d), default=None)

    @cached_property
    def users(self) -> dict[str, dict[str, list[Dataset]]]:
        """By scheme and concept id, the datasets tagged with it or with a narrower concept, by name."""
        out: dict[str, dict[str, list[Dataset]]] = {}
        for scheme in SCHEMES_SHOWN:
            users: dict[str, list[Dataset]] = defaultdict(list)
            split: dict[str, tuple[list[Dataset], list[Dataset]]] = {}
            for dataset in self.by_name:
                tags = self.concepts_of(dataset, scheme)
                for concept_id in self.with_ancestors(scheme, tags):
                    users[concept_id].append(dataset)
                    direct, via = split.get(concept_id) or split.setdefault(concept_id, ([], []))
                    (direct if concept_id in tags else via).append(dataset)
            out[scheme] = users
            self._split[scheme] = split
        return out

    def concept_counts(self, scheme: str) -> dict[str, int]:
        """How many datasets each concept of ``scheme`` covers: those tagged with it or with a narrower concept (a
        pathology dataset counts for medical image and image too). The one count of the site: the filters, the
        charts, the scheme trees and the concept pages show it, and the bundled queries (``skos:broader*``) agree."""
        found = self._counts.get(scheme)
        if found is None:
            found = self._counts[scheme] = {c: len(datasets) for c, datasets in self.users[scheme].items() if datasets}
        return found

    def _definitions(self) -> dict[str, dict[str, str]]:
        """skos:definition of every scheme and concept, by IRI and language."""
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for scheme in self.schemes.values():
            for t in ox.parse(path=str(scheme.file), format=ox.RdfFormat.TURTLE):
                if t.predicate.value == _SKOS + "definition" and isinstance(t.object, ox.Literal):
                    out[t.subject.value][t.object.language or DEFAULT_LANGUAGE] = t.object.value
        return out

    @staticmethod
    def _narrower(scheme: ConceptScheme, concept: Concept) -> list[Concept]:
        return [c for c in scheme.concepts.values() if concept.iri in c.broader]

    def paper_of(self, dataset: Dataset) -> Paper | None:
        """The paper that introduces the dataset: its own, or the one it shares with another dataset."""
        if dataset.paper is None and dataset.same_paper_as:
            return self.by_id[dataset.same_paper_as.value].paper
        return dataset.paper

    def newest_date(self, dataset: Dataset) -> str | None:
        """The newest whole date of the facts a dataset's page shows (its sitemap ``lastmod``, never the clock): a
        year or a month is none, the sitemap schema takes a date."""
        if dataset.id in self._newest:
            return self._newest[dataset.id]
        paper = self.paper_of(dataset)
        facts = (dataset.published, paper.date if paper else None, dataset.modified, dataset.first_listed)
        dates = [d.value for d in facts if d and d.precision == "date"]
        self._newest[dataset.id] = found = max(dates) if dates else None
        return found

    def concepts_of(self, dataset: Dataset, scheme: str) -> tuple[str, ...]:
        """The ids a dataset is tagged with in ``scheme`` (directly)."""
        key = (dataset.id, scheme)
        found = self._tags.get(key)
        if found is None:
            if scheme == "modality":
                found = tuple(dataset.modality)
            elif scheme == "task":
                found = tuple(dataset.task)
            elif scheme == "platform":
                found = tuple(dict.fromkeys(a.platform for a in dataset.access if a.platform))
            else:
                found = tuple(dict.fromkeys(c.unit for c in dataset.size))
            self._tags[key] = found
        return found

    def with_ancestors(self, scheme: str, ids: tuple[str, ...]) -> list[str]:
        key = (scheme, ids)
        found = self._ancestry.get(key)
        if found is None:
            found = list(ids)
            for concept_id in ids:
                found += [a for a in self.schemes[scheme].ancestors(concept_id) if a not in found]
            self._ancestry[key] = found
        return list(found)

    def row(self, dataset: Dataset, lang: str) -> Row:
        """The dataset as tables and lists show it (made once per language: many pages list the same dataset)."""
        key = (dataset.id, lang)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = self._make_row(dataset, lang)
        return row

    def facet(self, dataset: Dataset) -> Facet:
        """What the filters, charts and counts of the catalog page need of a dataset (in no language): made once."""
        found = self._facets.get(dataset.id)
        if found is None:
            hosts = self.concepts_of(dataset, "platform")
            found = self._facets[dataset.id] = Facet(
                dataset=dataset,
                key=f"dataset/{dataset.id}",
                modality_tags=self.with_ancestors("modality", self.concepts_of(dataset, "modality")),
                task_tags=self.with_ancestors("task", self.concepts_of(dataset, "task")),
                hosts=[self.schemes["platform"].concepts[c] for c in hosts],
                year=str(dataset.published.year) if dataset.published else "",
                paper=self.paper_of(dataset),
            )
        return found

    def _make_row(self, dataset: Dataset, lang: str) -> Row:
        """The row in ``lang``: the cells of that language beside what every language's row shows alike (made
        once for both: the catalog's index lists every dataset in each)."""
        listed = dataset.listed
        for other_lang in LANGUAGES:
            other = self._rows.get((dataset.id, other_lang))
            if other is None:
                continue
            return replace(other, **_row_cells(self.schemes, dataset, lang))
        concepts = {s: self.concepts_of(dataset, s) for s in SCHEMES_SHOWN}
        paper = self.paper_of(dataset)
        words = [dataset.name, *(dataset.alternate_name.value if dataset.alternate_name else ())]
        for cells in (listed.modality, listed.task, listed.size):
            words += cells.values()
        for scheme in ("modality", "task", "platform"):
            for concept_id in self.with_ancestors(scheme, concepts[scheme]):
                words += self.schemes[scheme].concepts[concept_id].pref_labels.values()
        return Row(
            dataset=dataset,
            key=f"dataset/{dataset.id}",
            **_row_cells(self.schemes, dataset, lang),
            modalities=[self.schemes["modality"].concepts[c] for c in concepts["modality"]],
            tasks=[self.schemes["task"].concepts[c] for c in concepts["task"]],
            hosts=[self.schemes["platform"].concepts[c] for c in concepts["platform"]],
            modality_tags=self.with_ancestors("modality", concepts["modality"]),
            task_tags=self.with_ancestors("task", concepts["task"]),
            year=str(dataset.published.year) if dataset.published else "",
            date_sort=dataset.published.value if dataset.published else "",
            size_sort=max((c.count for c in dataset.size), default=0),
            paper=paper,
            search=" ".join(words).lower(),
        )

    # -- which pages there are ----------------------------------------------------------------------------

    @property
    def paged(self) -> bool:
        """Whether the catalog table is split into pages (``catalog/page/<n>``, as the DCAT catalog is)."""
        return len(self.catalog.datasets) > paging.PAGE_SIZE

    def catalog_chunks(self) -> list[list[Dataset]]:
        """The datasets of each page of the catalog, by id: the same pages as the paged DCAT catalog (made once:
        every page asks)."""
        size = paging.PAGE_SIZE
        if self._catalog_chunks is None or self._catalog_chunks[0] != size:
            ids = sorted(self.catalog.datasets, key=lambda d: d.id)
            self._catalog_chunks = (size, [ids[i : i + size] for i in range(0, len(ids), size)] or [[]])
        return self._catalog_chunks[1]

    def concept_chunks(self, scheme: str, concept: Concept) -> list[list[Dataset]]:
        """A concept's datasets (tagged with it, then through a narrower concept), by name, a page each (made
        once: each of its pages asks)."""
        return self._concept_listing(scheme, concept)[0]

    def tagged_first(self, scheme: str, concept: Concept) -> int:
        """How many datasets of the concept's listing (``concept_chunks``, pages joined) are tagged with it
        themselves: they come first, then those tagged through a narrower concept."""
        return self._concept_listing(scheme, concept)[1]

    def _concept_listing(self, scheme: str, concept: Concept) -> tuple[list[list[Dataset]], int]:
        key = (scheme, concept.id, paging.PAGE_SIZE)
        found = self._concept_chunks.get(key)
        if found is None:
            self.users  # noqa: B018 - cached; splits each listing as it goes
            direct, via = self._split[scheme].get(concept.id, ([], []))
            listed, size = direct + via, paging.PAGE_SIZE
            chunks = [listed[i : i + size] for i in range(0, len(listed), size)] or [[]]
            found = self._concept_chunks[key] = (chunks, len(direct))
        return found

    # -- rendering ----------------------------------------------------------------------------------------

    def catalog_name(self, lang: str) -> str:
        """The catalog's short name in ``lang``, its title before a colon: what page texts call it."""
        title = self.catalog.title.get(lang) or self.catalog.title["en"]
        return title.split(":")[0].strip() or title

    def page_context(self, key: str, kind: str, lang: str, file: str, title: str, summary: str) -> dict:
        """What every template is given: the page's words, links relative to ``file``, languages and RDF files."""
        t_lang = ui_strings()[lang]

        def t(name: str, **values: Any) -> str:
            return t_lang[name].format(**values) if values else t_lang[name]

        here = posixpath.dirname(file)

        def link(target: str) -> str:
            return relative_from(target, here)

        def page(target_key: str, target_lang: str = lang) -> str:
            if target_key == "catalog":
                return link(f"{lang_prefix(target_lang)}index.html")
            return link(page_file(target_key, target_lang))

        resource = key.rpartition("/page/")[0] if kind == "concept" and "/page/" in key else key
        rdf = [
            (f.media_type, link(f"{resource}.{f.extension}"))
            for f in FORMATS.values()
            if self.has_file(f"{resource}.{f.extension}")
        ]
        return {
            "lang": lang,
            "html_lang": HTML_LANG[lang],
            "t": t,
            "link": link,
            "page": page,
            "key": key,
            "kind": kind,
            "title": title,
            "summary": summary,
            "site_name": self.catalog.title.get(lang) or self.catalog.title["en"],
            "brand": self.catalog.title["en"].split(":")[0].strip(),
            "canonical": page_url(self.base, key, lang),
            "cite_as": self.base + resource,
            "type_link": _TYPE_LINKS[kind],
            "alternates": [(HTML_LANG[other], page_url(self.base, key, other)) for other in LANGUAGES],
            "x_default": page_url(self.base, key, DEFAULT_LANGUAGE),
            "other_languages": [(other, HTML_LANG[other], ui_strings()[other]) for other in LANGUAGES if other != lang],
            "rdf": rdf,
            "nav": NAV,
            "catalog": self.catalog,
            "schemes": self.schemes,
            "jsonld": None,
            "croissant": None,
            "pager": None,
        }

    def prepare(self) -> None:
        """Make now, in the build's own process, what every dataset page looks up: the worker processes forked from
        it (a fresh one every few thousand datasets) then share it. Made in a worker, the lookups that go through
        every dataset also wrote to (and so copied) the memory of every dataset: 55 of a worker's first 57 MiB at
        10,000 entries; the templates took a fifth of a second to compile in each."""
        from medvlm_kg.graph.description_text import LANGUAGES

        self.users  # noqa: B018 - cached
        self.newest  # noqa: B018 - cached
        for lang in LANGUAGES:
            env = self._page_envs.get(lang)
            if env is None:
                env = self._page_envs[lang] = environment(lang)
            for name in env.list_templates(extensions=["html"]):
                env.get_template(name)

    def html(self, template: str, context: dict) -> bytes:
        """The page: ``template`` rendered with ``context`` (from ``page_context``, plus what the page adds)."""
        env = self._page_envs.get(context["lang"])
        if env is None:
            env = self._page_envs[context["lang"]] = environment(context["lang"])
        return env.get_template(template).render(**context).encode("utf-8")


def pager(key_of: Callable[[int], str], number: int, total: int, page) -> dict | None:
    """Links to the other pages of a listing split in pages (numbers near this one, first and last)."""
    if total <= 1:
        return None
    shown = sorted({1, total, *range(max(1, number - 2), min(total, number + 2) + 1)})
    links, last = [], 0
    for n in shown:
        if n > last + 1:
            links.append(None)  # a gap
        links.append((n, page(key_of(n)), n == number))
        last = n
    return {
        "number": number,
        "total": total,
        "links": links,
        "previous": page(key_of(number - 1)) if number > 1 else None,
        "next": page(key_of(number + 1)) if number < total else None,
    }
