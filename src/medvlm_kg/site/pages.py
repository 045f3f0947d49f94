"""The web site written beside the RDF: dataset, concept and catalog pages, sitemap and robots.txt (issue 3).

Pages are laid out like the IRIs they describe (``<base>dataset/pathmmu`` → ``dataset/pathmmu.html``; Chinese
pages under ``zh/``), link to each other relatively so the folder works under any path prefix, and work with
JavaScript off. Each dataset page embeds one schema.org ``Dataset`` in JSON-LD that is a subset of the
dataset's own graph, so a crawler reads nothing the RDF does not state. HTML comes from Jinja2 templates with
autoescaping; JSON-LD goes through ``script_json``, which escapes ``<``, ``>`` and ``&`` inside strings.
"""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from medvlm_kg.catalog.concepts import Concept, ConceptScheme, load_schemes
from medvlm_kg.catalog.entries import Access, Catalog, Dataset, Paper
from medvlm_kg.graph.convert import LANGUAGES, KnowledgeGraph, catalog_iri, dataset_iri, date_words, listed_cells
from medvlm_kg.graph.jsonld import json_bytes
from medvlm_kg.graph.listed_table import listed_table
from medvlm_kg.graph.schema_org import schema_org_jsonld
from medvlm_kg.graph.serialize import FORMATS
from medvlm_kg.site import charts, paging
from medvlm_kg.site.cite import citations

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "concept_page_key",
    "page_file",
    "page_url",
    "render_site",
    "schema_org_jsonld",
    "script_json",
    "site_context",
    "url_to_file",
]

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"

DEFAULT_LANGUAGE = "en"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}  # the pages' lang/hreflang; RDF literals stay @en/@zh
SCHEMES_SHOWN = ("modality", "task", "platform", "unit")
SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limits for one file
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
MAX_SIZE_BARS = 30  # the size chart shows the largest datasets, not thousands of bars
INDEX_SCRIPT = "catalog-index.js"  # every dataset in a few fields, for filtering a catalog split into pages
NAV = (
    (("catalog", "nav_catalog"), ("whats-new", "nav_whats_new"))
    + tuple((f"concept/{s}", f"nav_{s}") for s in SCHEMES_SHOWN)
    + (("sparql", "nav_sparql"),)
)
# The answer formats the SPARQL page offers (value of ``format=``, label); the endpoint reads the same list.
SPARQL_FORMATS = (
    ("", "a table (this page)"),
    ("json", "SPARQL results JSON"),
    ("xml", "SPARQL results XML"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("turtle", "Turtle (CONSTRUCT, DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)"),
    ("nt", "N-Triples (CONSTRUCT, DESCRIBE)"),
)
SPARQL_DEFAULT_QUERY = """PREFIX schema: <https://schema.org/>

SELECT ?dataset ?name ?published
WHERE {
  ?dataset a schema:Dataset ;
           schema:name ?name .
  OPTIONAL { ?dataset schema:datePublished ?published }
}
ORDER BY ?name
"""

_SDO = "https://schema.org/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SCHEMA_DESCRIPTION = _SDO + "description"
_DCT = "http://purl.org/dc/terms/"
# Besides schema.org, the one property a Dataset block states about its root: the profile it conforms to
# (Bioschemas asks for dct:conformsTo; the triple is in the dataset's RDF, see bioschemas.py).
_ROOT_EXTRA = {_DCT + "conformsTo": "dct:conformsTo"}
_TYPE_LINKS = {  # FAIR Signposting rel="type" of each kind of page
    "dataset": _SDO + "Dataset",
    "catalog": _SDO + "DataCatalog",
    "concept": _SKOS + "Concept",
    "scheme": _SKOS + "ConceptScheme",
    "whats-new": _SDO + "CollectionPage",
    "sparql": "http://www.w3.org/ns/sparql-service-description#Service",
}


# ---- where pages live ---------------------------------------------------------------------------------
#
# A page's *key* is its IRI path below the base IRI ("dataset/pathmmu", "concept/task", "catalog").
# English pages sit at ``<key>.html``; other languages at ``<lang>/<key>.html``. The catalog page is
# written twice per language, as ``catalog.html`` (its IRI) and ``index.html`` (the folder's front page).


def _prefix(lang: str) -> str:
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def page_file(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The HTML file of the page ``key`` in ``lang``, relative to the output folder."""
    return f"{_prefix(lang)}{key}.html"


def page_url(base: str, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The page's canonical URL: the IRI itself for English, ``<base><lang>/<key>`` for other languages."""
    return f"{base}{_prefix(lang)}{key}"


def url_to_file(url: str, base: str, files: set[str] | dict) -> str | None:
    """The file in the output folder that answers ``url`` as a static host would, or ``None``.

    ``<base>`` and ``<base>zh/`` → their ``index.html``; ``<base>dataset/x`` → ``dataset/x.html``; a URL that
    names a file (``<base>catalog.ttl``) → that file.
    """
    if not url.startswith(base):
        return None
    rel = urlsplit(url[len(base) :]).path
    if rel == "" or rel.endswith("/"):
        candidate = rel + "index.html"
        return candidate if candidate in files else None
    if rel in files:
        return rel
    return rel + ".html" if rel + ".html" in files else None


def _relative(target: str, from_file: str) -> str:
    """A link from the page ``from_file`` to the file ``target`` (both relative to the output folder)."""
    return _relative_from(target, posixpath.dirname(from_file))


@lru_cache(maxsize=65_536)
def _relative_from(target: str, here: str) -> str:
    # posixpath.relpath, for two clean relative paths; cached, since every page links the same few dozen files
    # (it was a fifth of the site's build time).
    if not here:
        return target
    up, down = here.split("/"), target.split("/")
    common = 0
    while common < len(up) and common < len(down) - 1 and up[common] == down[common]:
        common += 1
    return "/".join([".."] * (len(up) - common) + down[common:])


# ---- JSON-LD for crawlers -----------------------------------------------------------------------------


def script_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block: no string can end the block or open a comment.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. mean the same characters.
    """
    text = json_bytes(value).decode("utf-8")
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)


# ---- what the templates show --------------------------------------------------------------------------


@cache
def _strings() -> dict[str, dict[str, str]]:
    return json.loads((TEMPLATES / "strings.json").read_text(encoding="utf-8"))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number"] = lambda n: f"{n:,}"
    env.filters["host"] = lambda url: urlsplit(url).hostname or url
    env.filters["source"] = _source_label
    env.filters["meta_description"] = meta_description
    return env


META_DESCRIPTION_MAX = 300  # search engines show ~160 characters; longer descriptions are cut by them anyway


def meta_description(text: str, limit: int = META_DESCRIPTION_MAX) -> str:
    """A page's ``<meta name="description">``: its summary on one line, cut after the last whole sentence that
    fits in ``limit`` characters (English or Chinese full stops), else at a word with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [head.rfind(mark) + len(mark) for mark in (". ", "。", "! ", "? ", "！", "？")]
    cut = max(ends)
    if cut > limit // 3:
        return head[:cut].rstrip()
    space = head[: limit - 1].rfind(" ")
    return head[: space if space > limit // 3 else limit - 1].rstrip() + "…"


def _source_label(url: str, room: int = 44) -> str:
    """A source URL short enough to read: host and path, cut in the middle when long."""
    parts = urlsplit(url)
    text = (parts.hostname or "") + parts.path.rstrip("/")
    if parts.hostname and parts.hostname.startswith("www."):
        text = text[4:]
    if len(text) > room:
        text = text[: room // 2 - 1] + "…" + text[-(room // 2 - 1) :]
    return text or url


@dataclass
class _Row:
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


@dataclass(frozen=True)
class _Facet:
    """A dataset as the catalog page's filters, charts and counts see it (the same in every language)."""

    dataset: Dataset
    key: str
    modality_tags: list[str]
    task_tags: list[str]
    hosts: list[Concept]
    year: str
    paper: Paper | None


@dataclass
class _Page:
    key: str
    kind: str  # dataset | catalog | concept | scheme
    lastmod: str | None


class _Site:
    """What every page shares (the catalog, the concept schemes, the templates); one method per kind of page.

    A dataset's pages need only that dataset and its own triples, and the catalog-wide pages only the catalog, so
    ``build`` can render each page on its own, in any process, and skip those whose inputs did not change.
    ``has_file`` says which output files exist, for the links in a page's head.
    """

    def __init__(self, catalog: Catalog, catalog_triples: list[ox.Triple], has_file: Callable[[str], bool]):
        self.catalog, self.catalog_triples, self.has_file = catalog, catalog_triples, has_file
        self.base = catalog.base_iri
        self.schemes = load_schemes()
        self.env = _environment()
        self.definitions = self._definitions()
        self.narrower = {
            name: {c.id: self._narrower(scheme, c) for c in scheme.concepts.values()}
            for name, scheme in self.schemes.items()
        }
        self.by_id = {d.id: d for d in catalog.datasets}
        self._rows: dict[tuple[str, str], _Row] = {}
        self._counts: dict[str, dict[str, int]] = {}
        self._facets: dict[str, _Facet] = {}
        self._tags: dict[tuple[str, str], tuple[str, ...]] = {}
        self._ancestry: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self._catalog_chunks: tuple[int, list[list[Dataset]]] | None = None
        self._concept_chunks: dict[tuple[str, str, int], list[list[Dataset]]] = {}
        self.by_name = sorted(catalog.datasets, key=lambda d: (d.name.lower(), d.id))

    # -- facts gathered once ------------------------------------------------------------------------------

    @cached_property
    def newest(self) -> str | None:
        """The newest date of the whole catalog: the ``lastmod`` of pages that show every dataset."""
        return max((d for d in (self._newest_date(x) for x in self.catalog.datasets) if d), default=None)

    @cached_property
    def users(self) -> dict[str, dict[str, list[Dataset]]]:
        """By scheme and concept id, the datasets tagged with it or with a narrower concept, by name."""
        out: dict[str, dict[str, list[Dataset]]] = {}
        for scheme in SCHEMES_SHOWN:
            users: dict[str, list[Dataset]] = defaultdict(list)
            for dataset in self.by_name:
                for concept_id in self._with_ancestors(scheme, self.concepts_of(dataset, scheme)):
                    users[concept_id].append(dataset)
            out[scheme] = users
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

    def _paper_of(self, dataset: Dataset) -> Paper | None:
        """The paper that introduces the dataset: its own, or the one it shares with another dataset."""
        if dataset.paper is None and dataset.same_paper_as:
            return self.by_id[dataset.same_paper_as.value].paper
        return dataset.paper

    def _newest_date(self, dataset: Dataset) -> str | None:
        """The newest date among the facts a dataset's page shows: its sitemap ``lastmod``, never the clock."""
        paper = self._paper_of(dataset)
        dates = [d.value for d in (dataset.published, paper.date if paper else None) if d]
        return max(dates) if dates else None

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

    def _with_ancestors(self, scheme: str, ids: tuple[str, ...]) -> list[str]:
        key = (scheme, ids)
        found = self._ancestry.get(key)
        if found is None:
            found = list(ids)
            for concept_id in ids:
                found += [a for a in self.schemes[scheme].ancestors(concept_id) if a not in found]
            self._ancestry[key] = found
        return list(found)

    def _row(self, dataset: Dataset, lang: str) -> _Row:
        """The dataset as tables and lists show it (made once per language: many pages list the same dataset)."""
        key = (dataset.id, lang)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = self._make_row(dataset, lang)
        return row

    def _facet(self, dataset: Dataset) -> _Facet:
        """What the filters, charts and counts of the catalog page need of a dataset (in no language): made once."""
        found = self._facets.get(dataset.id)
        if found is None:
            hosts = self.concepts_of(dataset, "platform")
            found = self._facets[dataset.id] = _Facet(
                dataset=dataset,
                key=f"dataset/{dataset.id}",
                modality_tags=self._with_ancestors("modality", self.concepts_of(dataset, "modality")),
                task_tags=self._with_ancestors("task", self.concepts_of(dataset, "task")),
                hosts=[self.schemes["platform"].concepts[c] for c in hosts],
                year=str(dataset.published.year) if dataset.published else "",
                paper=self._paper_of(dataset),
            )
        return found

    def _make_row(self, dataset: Dataset, lang: str) -> _Row:
        concepts = {s: self.concepts_of(dataset, s) for s in SCHEMES_SHOWN}
        listed = dataset.listed
        paper = self._paper_of(dataset)
        words = [dataset.name, *(dataset.alternate_name.value if dataset.alternate_name else ())]
        for cells in (listed.modality, listed.task, listed.size):
            words += cells.values()
        for scheme in ("modality", "task", "platform"):
            for concept_id in self._with_ancestors(scheme, concepts[scheme]):
                words += self.schemes[scheme].concepts[concept_id].pref_labels.values()
        return _Row(
            dataset=dataset,
            key=f"dataset/{dataset.id}",
            modality_cell=listed.modality.get(lang),
            task_cell=listed.task.get(lang),
            size_cell=listed.size.get(lang),
            modalities=[self.schemes["modality"].concepts[c] for c in concepts["modality"]],
            tasks=[self.schemes["task"].concepts[c] for c in concepts["task"]],
            hosts=[self.schemes["platform"].concepts[c] for c in concepts["platform"]],
            modality_tags=self._with_ancestors("modality", concepts["modality"]),
            task_tags=self._with_ancestors("task", concepts["task"]),
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
        key = (scheme, concept.id, paging.PAGE_SIZE)
        found = self._concept_chunks.get(key)
        if found is None:
            users = self.users[scheme].get(concept.id, [])
            direct = [d for d in users if concept.id in self.concepts_of(d, scheme)]
            listed = direct + [d for d in users if concept.id not in self.concepts_of(d, scheme)]
            size = paging.PAGE_SIZE
            found = self._concept_chunks[key] = [listed[i : i + size] for i in range(0, len(listed), size)] or [[]]
        return found

    def registry(self) -> dict[str, _Page]:
        """Every page of the site (in each language), by key, with its ``lastmod`` for the sitemap."""
        pages: dict[str, _Page] = {
            "catalog": _Page("catalog", "catalog", self.newest),
            "whats-new": _Page("whats-new", "whats-new", self.newest),
        }
        pages["sparql"] = _Page("sparql", "sparql", self.newest)
        if self.paged:
            for number, chunk in enumerate(self.catalog_chunks(), start=1):
                key = f"catalog/page/{number}"
                pages[key] = _Page(key, "catalog", self._latest(chunk))
        for dataset in self.catalog.datasets:
            key = f"dataset/{dataset.id}"
            pages[key] = _Page(key, "dataset", self._newest_date(dataset) or self.newest)
        for name in SCHEMES_SHOWN:
            users = self.users[name]
            dated = [self._newest_date(d) for ids in users.values() for d in ids]
            pages[f"concept/{name}"] = _Page(f"concept/{name}", "scheme", max((x for x in dated if x), default=None))
            for concept in self.schemes[name].concepts.values():
                for number, chunk in enumerate(self.concept_chunks(name, concept), start=1):
                    key = concept_page_key(name, concept.id, number)
                    pages[key] = _Page(key, "concept", self._latest(chunk))
        return {key: pages[key] for key in sorted(pages)}

    def _latest(self, datasets: list[Dataset]) -> str | None:
        return max((x for x in (self._newest_date(d) for d in datasets) if x), default=None) or self.newest

    # -- rendering ----------------------------------------------------------------------------------------

    def _context(self, key: str, kind: str, lang: str, file: str, title: str, summary: str) -> dict:
        t_lang = _strings()[lang]

        def t(name: str, **values: Any) -> str:
            return t_lang[name].format(**values) if values else t_lang[name]

        here = posixpath.dirname(file)

        def link(target: str) -> str:
            return _relative_from(target, here)

        def page(target_key: str, target_lang: str = lang) -> str:
            if target_key == "catalog":
                return link(f"{_prefix(target_lang)}index.html")
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
            "other_languages": [(other, HTML_LANG[other], _strings()[other]) for other in LANGUAGES if other != lang],
            "rdf": rdf,
            "nav": NAV,
            "catalog": self.catalog,
            "schemes": self.schemes,
            "jsonld": None,
            "croissant": None,
            "pager": None,
        }

    def _html(self, template: str, context: dict) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    def _pager(self, key_of: Callable[[int], str], number: int, total: int, page) -> dict | None:
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

    def catalog_page(self, lang: str, number: int = 1) -> dict[str, bytes]:
        """The catalog page: ``index.html`` (= ``catalog.html``) with the table, filters and charts; when the
        catalog has more datasets than a page holds, the table shows page ``number`` (``catalog/page/<n>``) and the
        filters search the whole catalog through ``catalog-index.js``."""
        title = self.catalog.title.get(lang) or self.catalog.title["en"]
        summary = self.catalog.description.get(lang) or self.catalog.description["en"]
        if self.paged:
            chunk = self.catalog_chunks()[number - 1]
            shown = [self._row(d, lang) for d in chunk]
        else:
            shown = sorted((self._row(d, lang) for d in self.catalog.datasets), key=lambda r: r.dataset.name.lower())
        out: dict[str, bytes] = {}
        targets = []
        if number == 1:
            targets.append(("catalog", [page_file("catalog", lang), f"{_prefix(lang)}index.html"]))
        if self.paged:
            targets.append((f"catalog/page/{number}", [page_file(f"catalog/page/{number}", lang)]))
        for key, paths in targets:
            ctx = self._context(key, "catalog", lang, paths[0], title, summary)
            total = len(self.catalog_chunks())
            ctx.update(
                rows=shown,
                total=len(self.catalog.datasets),
                description_paragraphs=[p for p in summary.split("\n\n") if p.strip()],
                pager=self._pager(lambda n: f"catalog/page/{n}", number, total, ctx["page"]) if self.paged else None,
                front=key == "catalog",
                index_script=ctx["link"](INDEX_SCRIPT) if self.paged else None,
                csv_file=csv_file(lang),
                license_key=license_key,
                access_links=access_links,
            )
            if key == "catalog":
                every = [self._facet(d) for d in self.by_name]
                ctx.update(
                    filters=self._filters(every, lang),
                    charts=self._charts(every, lang, ctx["page"], ctx["t"]),
                    stats=self._stats(every),
                    jsonld=script_json(schema_org_jsonld(self.catalog_triples, catalog_iri(self.base), lang)),
                )
            else:
                ctx.update(filters=[], charts=[], stats=None)
            html = self._html(
                "catalog.html", ctx
            )  # index.html and catalog.html share a folder, so one page serves both
            out.update(dict.fromkeys(paths, html))
        return out

    def whats_new_page(self, lang: str) -> dict[str, bytes]:
        """The datasets by the date they first entered the list (newest first), each group with the commits."""
        groups: dict[str | None, list[Dataset]] = {}
        for dataset in self.catalog.datasets:
            groups.setdefault(dataset.first_listed.value if dataset.first_listed else None, []).append(dataset)
        ordered = sorted(groups, key=lambda d: (d is None, "" if d is None else d), reverse=False)
        ordered = sorted((d for d in ordered if d), reverse=True) + ([None] if None in groups else [])
        out = []
        for date in ordered:
            members = sorted(groups[date], key=lambda d: (d.listed.row or 10**9, d.name.lower()))
            sources = sorted({d.first_listed_source for d in members if d.first_listed_source})
            out.append(
                {
                    "date": date,
                    "sources": [(url, _source_label(url)) for url in sources],
                    "datasets": [
                        {
                            "id": d.id,
                            "name": d.name,
                            "listed_date": d.listed.cell("date", lang),
                            "modified": d.modified.value if d.modified else None,
                        }
                        for d in members
                    ],
                }
            )
        file = page_file("whats-new", lang)
        t = _strings()[lang]
        ctx = self._context("whats-new", "whats-new", lang, file, t["whats_new_title"], t["whats_new_summary"])
        ctx.update(groups=out)
        return {file: self._html("whats-new.html", ctx)}

    def catalog_index(self) -> bytes:
        """``catalog-index.js``: every dataset in a few fields, for the catalog page's filters once the table is
        split into pages (a script, not JSON, so it loads from a file:// folder too)."""
        schemes = self.schemes
        entries = []
        for d in sorted(self.catalog.datasets, key=lambda d: d.id):
            row = {lang: self._row(d, lang) for lang in LANGUAGES}
            r = row[DEFAULT_LANGUAGE]
            entries.append(
                {
                    "id": d.id,
                    "name": d.name,
                    "cells": {
                        lang: [row[lang].modality_cell, row[lang].task_cell, row[lang].size_cell] for lang in LANGUAGES
                    },
                    "date": d.listed.date,
                    "modality": r.modality_tags,
                    "task": r.task_tags,
                    "host": [c.id for c in r.hosts],
                    "license": [license_key(d)],
                    "year": r.year,
                    "sortDate": r.date_sort,
                    "size": r.size_sort,
                    "search": " ".join(row[lang].search for lang in LANGUAGES),
                }
            )
        labels = {
            name: {c.id: {lang: c.label(lang) for lang in LANGUAGES} for c in schemes[name].concepts.values()}
            for name in ("modality", "task", "platform")
        }
        data = {"datasets": entries, "labels": labels}
        return b"window.MEDVLM_KG_INDEX = " + str(script_json(data)).encode("utf-8") + b";\n"

    def _stats(self, rows: list[_Facet]) -> dict[str, int]:
        papers = {r.paper.iri for r in rows if r.paper}
        return {
            "datasets": len(rows),
            "papers": len(papers),
            "modalities": len({c for r in rows for c in r.modality_tags}),
            "tasks": len({c for r in rows for c in r.task_tags}),
            "hosts": len({c.id for r in rows for c in r.hosts}),
        }

    def _filters(self, rows: list[_Facet], lang: str) -> list[dict]:
        def options(scheme: str) -> list[tuple[str, str, int]]:
            counts = self.concept_counts(scheme)
            concepts = self.schemes[scheme].concepts
            return sorted(((c, concepts[c].label(lang), n) for c, n in counts.items()), key=lambda o: o[1].lower())

        years: dict[str, int] = defaultdict(int)
        for r in rows:
            if r.year:
                years[r.year] += 1
        return [
            {"name": "modality", "label": "filter_modality", "options": options("modality")},
            {"name": "task", "label": "filter_task", "options": options("task")},
            {
                "name": "year",
                "label": "filter_year",
                "options": [(y, y, n) for y, n in sorted(years.items(), reverse=True)],
            },
            {"name": "host", "label": "filter_host", "options": options("platform")},
            {"name": "license", "label": "filter_license", "options": self._license_options(lang)},
        ]

    def _license_options(self, lang: str) -> list[tuple[str, str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for dataset in self.catalog.datasets:
            counts[license_key(dataset)] += 1
        unknown = _strings()[lang]["license_unknown"]
        return sorted(
            ((key, unknown if key == "unknown" else key, n) for key, n in counts.items()),
            key=lambda o: (o[0] == "unknown", o[1].lower()),
        )

    def catalog_csv(self, lang: str) -> bytes:
        """The list's table as CSV (RFC 4180): the columns and row order of ``export-markdown``, in ``lang``, an
        empty cell where the list shows "-". A row the list wrote with a cell beyond its columns gets an unnamed
        last column, so every line has as many fields as the header (what pandas and spreadsheets expect)."""
        import csv
        import io

        cells = (t for d in self.catalog.datasets for t in listed_cells(self.base, d))
        headers, rows = listed_table(cells, lang)
        width = max([len(headers), *(len(row) for row in rows)])
        sink = io.StringIO()
        writer = csv.writer(sink, lineterminator="\r\n")
        for row in [headers, *rows]:
            cells = [(cell or "").replace("\n", " ") for cell in row]
            writer.writerow(cells + [""] * (width - len(cells)))
        return sink.getvalue().encode("utf-8")

    def _charts(self, rows: list[_Facet], lang: str, page, t) -> list[charts.Chart]:
        def per_concept(scheme: str, chart_id: str, title: str) -> charts.Chart:
            counts = self.concept_counts(scheme)
            concepts = self.schemes[scheme].concepts
            bars = [
                charts.Bar(concepts[c].label(lang), n, str(n), page(f"concept/{scheme}/{c}"))
                for c, n in sorted(counts.items(), key=lambda item: (-item[1], concepts[item[0]].label(lang)))
            ]
            chart = charts.bar_chart(chart_id, title, _summary(bars, t), bars)
            chart.note = t("count_rule")
            return chart

        years: dict[int, int] = defaultdict(int)
        for r in rows:
            if r.year:
                years[int(r.year)] += 1
        year_bars = (
            [charts.Bar(str(y), years.get(y, 0), str(years.get(y, 0))) for y in range(min(years), max(years) + 1)]
            if years
            else []
        )
        sized, unsized = [], []
        for r in sorted(rows, key=lambda r: r.dataset.name.lower()):
            qa = [c for c in r.dataset.size if c.unit == "qa-pair"]
            if qa:
                count = qa[0]
                text = charts.short_number(count.count)
                sized.append(
                    charts.Bar(r.dataset.name, count.count, ("≈" if count.approximate else "") + text, page(r.key))
                )
            else:
                unsized.append(r.dataset.name)
        sized.sort(key=lambda b: (-b.value, b.label.lower()))
        notes = []
        if len(sized) > MAX_SIZE_BARS:  # a chart of thousands of bars is read by no one: the largest, and a count
            notes.append(t("chart_size_top", shown=MAX_SIZE_BARS, total=f"{len(sized):,}"))
            sized = sized[:MAX_SIZE_BARS]
        size_chart = charts.bar_chart("chart-size", t("chart_size"), _summary(sized, t), sized, log=True)
        if len(unsized) > MAX_SIZE_BARS:
            notes.append(t("chart_size_unsized", n=f"{len(unsized):,}"))
        elif unsized:
            notes.append(t("chart_size_note", names=", ".join(unsized)))
        size_chart.note = " ".join(notes)
        return [
            per_concept("modality", "chart-modality", t("chart_modality")),
            per_concept("task", "chart-task", t("chart_task")),
            charts.column_chart("chart-year", t("chart_year"), _summary(year_bars, t), year_bars),
            size_chart,
        ]

    def dataset_pages(self, dataset: Dataset, triples: list[ox.Triple]) -> dict[str, bytes]:
        """The dataset's landing page in every language, from the dataset and its own triples."""
        iri = dataset_iri(self.base, dataset.id)
        descriptions: dict[str, str] = {}
        for t in triples:
            if t.predicate.value == _SCHEMA_DESCRIPTION and t.object.language and t.subject.value == iri:
                descriptions[t.object.language] = t.object.value
        return {
            page_file(f"dataset/{dataset.id}", lang): self._dataset_page(dataset, triples, descriptions, lang)
            for lang in LANGUAGES
        }

    def _dataset_page(self, dataset: Dataset, triples: list[ox.Triple], descriptions: dict, lang: str) -> bytes:
        key = f"dataset/{dataset.id}"
        iri = dataset_iri(self.base, dataset.id)
        description = descriptions.get(lang) or descriptions.get(DEFAULT_LANGUAGE, "")
        ctx = self._context(key, "dataset", lang, page_file(key, lang), dataset.name, description)
        row = self._row(dataset, lang)
        other = self.by_id[dataset.same_paper_as.value] if dataset.same_paper_as else None
        ctx.update(
            d=dataset,
            row=row,
            iri=iri,
            description=description,
            same_paper=other,
            units=self.schemes["unit"].concepts,
            platforms=self.schemes["platform"].concepts,
            published_words=date_words(dataset.published, lang) if dataset.published else None,
            paper_date_words=date_words(row.paper.date, lang) if row.paper and row.paper.date else None,
            citation=_citation(row.paper) if row.paper else None,
            record_citation=f"{dataset.name}. {self.catalog.title.get(lang) or self.catalog.title['en']}. {iri}",
            listed_rows=self._listed_rows(dataset, row.paper),
            jsonld=script_json(schema_org_jsonld(triples, iri, lang)),
            croissant=self._croissant_link(dataset, ctx["link"]),
            cite=citations(triples, iri, dataset.id),
        )
        return self._html("dataset.html", ctx)

    def _croissant_link(self, dataset: Dataset, link) -> tuple[str, str] | None:
        """(media type, href) of the dataset's Croissant file, linked from the page head, never in its JSON-LD."""
        from medvlm_kg.profiles.croissant import MEDIA_TYPE, croissant_path

        path = croissant_path(dataset.id)
        return (MEDIA_TYPE, link(path)) if self.has_file(path) else None

    def _listed_rows(self, dataset: Dataset, paper: Paper | None) -> list[dict]:
        """The list's columns side by side: the cell in each language, and the verified facts with their sources.

        Each fact is ``(text, url, sources)``; a fact read from the cell itself (an access link) has no sources.
        """
        listed = dataset.listed
        alt = dataset.alternate_name
        paper_sources = paper.sources if paper else ()

        def both(key: str) -> dict[str, str | None]:
            return {lang: listed.cell(key, lang) for lang in ("en", "zh")}

        def earlier(key: str) -> dict[str, list[tuple[str, str]]]:
            """The cell as earlier versions of the list wrote it, per table language: (version, text)."""
            found: dict[str, list[tuple[str, str]]] = {}
            for listing in dataset.listings:
                if listing.kind != "earlier":
                    continue
                version = (listing.listed.version or "")[:7]
                for lang in ("en", "zh"):
                    text = listing.listed.cell(key, lang)
                    if text is not None and text != listed.cell(key, lang):
                        found.setdefault(lang, []).append((version, text))
            return found

        names = [(dataset.name, None, ())] + [(n, None, alt.sources) for n in (alt.value if alt else ())]
        dates = []
        if paper and paper.venue:
            dates.append((paper.venue, None, paper_sources))
        if paper and paper.date:
            dates.append((paper.date.value, None, paper_sources))
        links = [(f"{a.label}: {a.url}", a.url, ()) for a in dataset.access]
        if dataset.homepage:
            links.append((dataset.homepage.value, dataset.homepage.value, dataset.homepage.sources))
        stated = [(s.value, None, s.sources) for s in (dataset.stated_modality,) if s]
        sizes = [(s.value, None, s.sources) for s in (dataset.stated_size,) if s]
        rows = [
            {"label": "row_name", "cells": both("name"), "facts": names},
            {
                "label": "row_title",
                "cells": both("title"),
                "facts": [(paper.title, paper.iri, paper_sources)] if paper else [],
            },
            {"label": "row_date", "cells": both("date"), "facts": dates},
            {"label": "row_modality", "cells": both("modality"), "facts": stated},
            {"label": "row_task", "cells": both("task"), "facts": []},
            {"label": "row_size", "cells": both("size"), "facts": sizes},
            {"label": "row_links", "cells": both("links"), "facts": links, "code": True},
        ]
        keys = ("name", "title", "date", "modality", "task", "size", "links")
        for row, key in zip(rows, keys, strict=True):
            row["earlier"] = earlier(key)
        return rows

    def scheme_page(self, name: str, lang: str) -> dict[str, bytes]:
        scheme = self.schemes[name]
        key = f"concept/{name}"
        label = scheme.labels.get(lang) or scheme.labels.get("en") or name
        definition = self.definitions[scheme.iri]
        about = _strings()[lang]["scheme_summary"].format(scheme=label, n=len(scheme.concepts))
        summary = " ".join(x for x in (definition.get(lang), about) if x)
        ctx = self._context(key, "scheme", lang, page_file(key, lang), label, summary)
        users = self.users[name]
        tops = [c for c in scheme.concepts.values() if not c.broader]
        ctx.update(
            scheme=scheme,
            scheme_name=name,
            definition=definition,
            tree=[self._tree(name, c, users) for c in sorted(tops, key=lambda c: c.label(lang).lower())],
            count=len(scheme.concepts),
        )
        return {page_file(key, lang): self._html("scheme.html", ctx)}

    def _tree(self, scheme: str, concept: Concept, users: dict[str, list[Dataset]]) -> dict:
        children = sorted(self.narrower[scheme][concept.id], key=lambda c: c.id)
        return {
            "concept": concept,
            "count": self.concept_counts(scheme).get(concept.id, 0),
            "children": [self._tree(scheme, c, users) for c in children],
        }

    def concept_page(self, name: str, concept: Concept, lang: str, number: int = 1) -> dict[str, bytes]:
        """A concept's page: what it is, and its datasets (tagged with it, then through a narrower concept), a page
        of them at a time when there are many."""
        scheme = self.schemes[name]
        key = concept_page_key(name, concept.id, number)
        definition = self.definitions[concept.iri]
        strings = _strings()[lang]
        scheme_label = scheme.labels.get(lang) or scheme.labels.get("en") or name
        about = strings["concept_summary"].format(
            label=concept.label(lang), scheme=scheme_label, n=self.concept_counts(name).get(concept.id, 0)
        )
        ctx = self._context(
            key,
            "concept",
            lang,
            page_file(key, lang),
            strings["concept_title"].format(label=concept.label(lang), scheme=scheme_label),
            " ".join(x for x in (definition.get(lang), about) if x),  # the definition where it has this language
        )
        chunks = self.concept_chunks(name, concept)
        shown = chunks[number - 1]
        direct = [d for d in shown if concept.id in self.concepts_of(d, name)]
        via = [d for d in shown if concept.id not in self.concepts_of(d, name)]
        broader = [scheme.by_iri(i) for i in concept.broader]
        ctx.update(
            scheme=scheme,
            scheme_name=name,
            scheme_label=scheme.labels.get(lang) or scheme.labels.get("en") or name,
            concept=concept,
            definition=definition,
            broader=[c for c in broader if c],
            narrower=sorted(self.narrower[name][concept.id], key=lambda c: c.label(lang).lower()),
            direct=[self._row(d, lang) for d in direct],
            via=[self._row(d, lang) for d in via],
            total=self.concept_counts(name).get(concept.id, 0),
            alt_labels=_alt_labels(concept),
            pager=self._pager(lambda n: concept_page_key(name, concept.id, n), number, len(chunks), ctx["page"]),
        )
        return {page_file(key, lang): self._html("concept.html", ctx)}

    def sparql_page(self, lang: str) -> dict[str, bytes]:
        """``sparql.html``: the SPARQL page in the site's layout. Built static, it says that no endpoint answers
        here; ``medvlm-kg serve`` answers ``/sparql`` with this page, its form enabled and the bundled examples and
        the answer filled into its marked places (``<!--sparql:…-->``)."""
        ctx = self._context(
            "sparql",
            "sparql",
            lang,
            page_file("sparql", lang),
            _strings()[lang]["sparql_title"],
            _strings()[lang]["sparql_summary"],
        )
        ctx.update(formats=SPARQL_FORMATS, default_query=SPARQL_DEFAULT_QUERY)
        return {page_file("sparql", lang): self._html("sparql.html", ctx)}

    def discovery(self, registry: dict[str, _Page]) -> dict[str, bytes]:
        """sitemap.xml (every page, in every language, with its alternates) and robots.txt naming it."""
        entries = []
        for key, page in registry.items():
            alternates = [(HTML_LANG[lang], page_url(self.base, key, lang)) for lang in LANGUAGES]
            for lang in LANGUAGES:
                entries.append(
                    {"loc": page_url(self.base, key, lang), "lastmod": page.lastmod, "alternates": alternates}
                )
        out = self._sitemaps(entries)
        out["robots.txt"] = (
            "# Every page of this site may be crawled; the sitemap lists them all.\n"
            f"User-agent: *\nAllow: /\n\nSitemap: {self.base}sitemap.xml\n"
        ).encode()
        return out

    def _sitemaps(self, entries: list[dict]) -> dict[str, bytes]:
        """sitemap.xml, or, past the protocol's limits (50,000 URLs or 50 MB a file), a sitemap index
        naming sitemap-1.xml, sitemap-2.xml, … each within them."""
        template = self.env.get_template("sitemap.xml")
        chunks: list[list[dict]] = []
        for entry in entries:
            if not chunks or len(chunks[-1]) >= SITEMAP_MAX_URLS:
                chunks.append([])
            chunks[-1].append(entry)
        parts: list[tuple[bytes, list[dict]]] = []
        while chunks:
            chunk = chunks.pop(0)
            body = template.render(entries=chunk).encode("utf-8")
            if len(body) > SITEMAP_MAX_BYTES and len(chunk) > 1:
                half = len(chunk) // 2
                chunks[:0] = [chunk[:half], chunk[half:]]
                continue
            parts.append((body, chunk))
        if len(parts) == 1:
            return {"sitemap.xml": parts[0][0]}
        files = {f"sitemap-{n}.xml": body for n, (body, _) in enumerate(parts, start=1)}
        index = [
            {
                "loc": f"{self.base}sitemap-{n}.xml",
                "lastmod": max((e["lastmod"] for e in chunk if e["lastmod"]), default=None),
            }
            for n, (_, chunk) in enumerate(parts, start=1)
        ]
        files["sitemap.xml"] = self.env.get_template("sitemap-index.xml").render(parts=index).encode("utf-8")
        return files

    @staticmethod
    def static() -> dict[str, bytes]:
        return {
            f"static/{path.name}": path.read_bytes()
            for path in sorted(STATIC.iterdir())
            if path.is_file() and not path.name.startswith(".")
        }

    def catalog_wide_pages(self) -> dict[str, bytes]:
        """Every page that is not a dataset's: the catalog's, the schemes' and the concepts'."""
        out: dict[str, bytes] = {}
        for lang in LANGUAGES:
            for number in range(1, len(self.catalog_chunks()) + 1 if self.paged else 2):
                out.update(self.catalog_page(lang, number))
            out.update(self.whats_new_page(lang))
            out.update(self.sparql_page(lang))
            out[csv_file(lang)] = self.catalog_csv(lang)
            for name in SCHEMES_SHOWN:
                out.update(self.scheme_page(name, lang))
                for concept in self.schemes[name].concepts.values():
                    for number in range(1, len(self.concept_chunks(name, concept)) + 1):
                        out.update(self.concept_page(name, concept, lang, number))
        if self.paged:
            out[INDEX_SCRIPT] = self.catalog_index()
        return out


def csv_file(lang: str) -> str:
    """The catalog table as CSV, beside the catalog page of ``lang``."""
    return f"{_prefix(lang)}catalog.csv"


def license_key(dataset: Dataset) -> str:
    """The catalog's licence filter value: the SPDX id of a statement that covers the data, else "unknown"."""
    return dataset.license.id if dataset.license and dataset.license.applies_to_data else "unknown"


def access_links(dataset: Dataset) -> dict[str, Access]:
    """By host platform, the dataset's first access point there (where the host chip of its row leads)."""
    out: dict[str, Access] = {}
    for access in dataset.access:
        if access.platform and access.platform not in out:
            out[access.platform] = access
    return out


def concept_page_key(scheme: str, concept_id: str, number: int = 1) -> str:
    """The key of page ``number`` of a concept's page: its IRI path, then ``/page/<n>`` from the second on."""
    key = f"concept/{scheme}/{concept_id}"
    return key if number == 1 else f"{key}/page/{number}"


def site_context(catalog: Catalog, catalog_triples: list[ox.Triple], has_file: Callable[[str], bool]) -> _Site:
    """What rendering any page needs, gathered once (see ``_Site``)."""
    return _Site(catalog, catalog_triples, has_file)


def _alt_labels(concept: Concept) -> list[tuple[str, str]]:
    """The concept's other names, each spelling once, leaving out those equal to a preferred label."""
    seen, out = set(concept.pref_labels.values()), []
    for lang, text in concept.alt_labels:
        if text not in seen:
            seen.add(text)
            out.append((lang, text))
    return out


def _summary(bars: list[charts.Bar], t) -> str:
    return "; ".join(t("chart_value", label=b.label, value=b.text) for b in bars)


def _citation(paper: Paper) -> str:
    """A plain-text reference to the paper from the facts the catalog holds, nothing more."""
    authors = list(paper.authors)
    names = ", ".join(authors)
    if authors and (not paper.authors_complete or paper.more_authors):
        names += ", et al."
    parts = [names + "." if names else "", f"{paper.title}."]
    if paper.venue:
        parts.append(f"{paper.venue}.")
    if paper.arxiv:
        parts.append(f"arXiv:{paper.arxiv}.")
    if paper.doi:
        parts.append(f"https://doi.org/{paper.doi}")
    elif not paper.arxiv and paper.url:
        parts.append(paper.url)
    return " ".join(p for p in parts if p)


def render_site(catalog: Catalog, graph: KnowledgeGraph, files: dict[str, bytes]) -> dict[str, bytes]:
    """Every page and discovery file by path, given the RDF ``files`` already rendered (all in memory: for small
    catalogs and tests; ``build`` renders the same pages one by one)."""
    site = _Site(catalog, graph.catalog, lambda path: path in files)
    out = site.catalog_wide_pages()
    for dataset in catalog.datasets:
        out.update(site.dataset_pages(dataset, graph.datasets[dataset.id]))
    out.update(site.static())
    out.update(site.discovery(site.registry()))
    return dict(sorted(out.items()))
