"""The catalog page (``index.html`` = ``catalog.html``, in each language): the table of every dataset, its
filters, charts and counts; the table split into ``catalog/page/<n>`` when the catalog is large, with
``catalog-index.js`` for filtering across pages; and the same table as CSV beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import orjson

from medvlm_kg.catalog.entries import Access, Dataset
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.graph.iris import catalog_iri, dataset_iri
from medvlm_kg.graph.listed_table import listed_tables
from medvlm_kg.graph.listings import listed_cells
from medvlm_kg.graph.schema_org import schema_org_jsonld
from medvlm_kg.site import charts
from medvlm_kg.site.context import Facet, SiteContext, pager
from medvlm_kg.site.links import DEFAULT_LANGUAGE, csv_file, lang_prefix, page_file
from medvlm_kg.site.templating import script_json, ui_strings

__all__ = [
    "INDEX_SCRIPT",
    "access_links",
    "catalog_csvs",
    "catalog_index",
    "catalog_page",
    "front_page_facts",
    "index_lines",
    "license_key",
]

MAX_SIZE_BARS = 30  # the size chart shows the largest datasets, not thousands of bars
INDEX_SCRIPT = "catalog-index.js"  # every dataset in a few fields, for filtering a catalog split into pages


def catalog_page(site: SiteContext, lang: str, number: int = 1) -> dict[str, bytes]:
    """The catalog page: ``index.html`` (= ``catalog.html``) with the table, filters and charts; when the
    catalog has more datasets than a page holds, the table shows page ``number`` (``catalog/page/<n>``) and the
    filters search the whole catalog through ``catalog-index.js``."""
    title = site.catalog.title.get(lang) or site.catalog.title["en"]
    summary = site.catalog.description.get(lang) or site.catalog.description["en"]
    if site.paged:
        chunk = site.catalog_chunks()[number - 1]
        shown = [site.row(d, lang) for d in chunk]
    else:
        shown = sorted((site.row(d, lang) for d in site.catalog.datasets), key=lambda r: r.dataset.name.lower())
    out: dict[str, bytes] = {}
    targets = []
    if number == 1:
        targets.append(("catalog", [page_file("catalog", lang), f"{lang_prefix(lang)}index.html"]))
    if site.paged:
        targets.append((f"catalog/page/{number}", [page_file(f"catalog/page/{number}", lang)]))
    jsonld = _catalog_jsonld(site, [row.dataset for row in shown], lang)
    for key, paths in targets:
        total = len(site.catalog_chunks())
        page_of = ui_strings()[lang]["page_of"].format(number=number, total=total)
        paged = key != "catalog"  # each page of the table has a title and description of its own
        ctx = site.page_context(
            key,
            "catalog",
            lang,
            paths[0],
            f"{title} · {page_of}" if paged else title,
            f"{page_of}: {summary}" if paged else summary,
        )
        ctx.update(
            rows=shown,
            jsonld=jsonld,
            total=len(site.catalog.datasets),
            description_paragraphs=[p for p in summary.split("\n\n") if p.strip()],
            pager=pager(lambda n: f"catalog/page/{n}", number, total, ctx["page"]) if site.paged else None,
            front=key == "catalog",
            index_script=ctx["link"](INDEX_SCRIPT) if site.paged else None,
            csv_file=csv_file(lang),
            license_key=license_key,
            access_links=access_links,
        )
        if key == "catalog":
            every = [site.facet(d) for d in site.by_name]
            ctx.update(
                filters=_filters(site, every, lang),
                charts=_charts(site, every, lang, ctx["page"], ctx["t"]),
                stats=_stats(every),
            )
        else:
            ctx.update(filters=[], charts=[], stats=None)
        html = site.html("catalog.html", ctx)  # index.html and catalog.html share a folder, so one page serves both
        out.update(dict.fromkeys(paths, html))
    return out


def _catalog_jsonld(site: SiteContext, shown: list[Dataset], lang: str) -> str:
    """The DataCatalog a page of the catalog table embeds for crawlers: the catalog and the datasets that page shows
    (every dataset, on a catalog of one page). The front page of a catalog in pages listed all of them: 0.5 MB of
    its 0.67 MB at 10,000 entries (5 MB at 100,000, in each language), 0.1 s of each edit that remade it, for what
    each dataset's own page states too (``includedInDataCatalog``)."""
    root = catalog_iri(site.base)
    if not site.paged:
        return script_json(schema_org_jsonld(site.catalog_triples, root, lang))
    own, listed = _catalog_parts(site)
    on_page = [listed[iri] for iri in (dataset_iri(site.base, d.id) for d in shown) if iri in listed]
    return script_json(schema_org_jsonld([*own, *on_page], root, lang))


_PARTS: list = [None, None]  # (catalog triples, the parts of them): each page of the table reads the same


def _catalog_parts(site: SiteContext) -> tuple[list, dict]:
    """Of the catalog's triples, those a schema.org block may state (``schema_org_jsonld`` keeps no other) but its
    ``schema:dataset`` links, and those links by dataset IRI."""
    if _PARTS[0] is site.catalog_triples:
        return _PARTS[1]
    root = catalog_iri(site.base)
    own, listed = [], {}
    for t in site.catalog_triples:
        p = t.predicate.value
        if p == _SDO_DATASET and t.subject.value == root:
            listed[t.object.value] = t
        elif p.startswith(_SDO) or p in _ALSO_STATED:
            own.append(t)
    _PARTS[:] = [site.catalog_triples, (own, listed)]
    return own, listed


_SDO = "https://schema.org/"
_SDO_DATASET = _SDO + "dataset"
_ALSO_STATED = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://purl.org/dc/terms/conformsTo"}


def front_page_facts(site: SiteContext) -> list:
    """What the catalog's front page shows of the datasets besides its first rows, as plain values: what its
    filters, charts and counts are made of. ``build`` keys the page on these and on its rows' datasets, so an edit
    that changes none of them (a note, a source, a paper's title, the name of a dataset the size chart does not
    show) leaves the page as it is: making it again took half a second of an edit at 10,000 entries."""
    facts = []
    for d in site.catalog.datasets:  # by id: a new name does not move the others
        paper = site.paper_of(d)
        facts.append(
            (
                d.id,
                [site.concepts_of(d, scheme) for scheme in ("modality", "task", "platform")],
                d.published.year if d.published else None,
                license_key(d),
                paper.iri if paper else None,
            )
        )
    sized, unsized = [], []
    for d in site.by_name:  # the size chart's order: by count, then as the table sorts names
        qa = next((c for c in d.size if c.unit == "qa-pair"), None)
        if qa is None:
            unsized.append(d.name)
        else:
            sized.append((-qa.count, d.name.lower(), d.id, d.name, qa.approximate, qa.at_least))
    sized.sort(key=lambda bar: bar[:2])
    shown_unsized = unsized if len(unsized) <= MAX_SIZE_BARS else len(unsized)
    return [facts, sized[:MAX_SIZE_BARS], len(sized), shown_unsized]


_INDEX_HEAD = b'window.MEDVLM_KG_INDEX = {"datasets":[\n'
_INDEX_LABELS = b'\n],"labels":'


def catalog_index(site: SiteContext, known: Mapping[str, bytes] | None = None) -> bytes:
    """``catalog-index.js``: every dataset in a few fields, for the catalog page's filters once the table is
    split into pages (a script, not JSON, so it loads from a file:// folder too).

    One dataset a line, by id: a dataset's line depends on that dataset alone (and the concept schemes), so an
    edit takes the other lines from the previous build (``known``: id → line, read by ``index_lines``) instead of
    making 10,000 rows again."""
    known = known or {}
    lines = [known.get(d.id) or _index_line(site, d) for d in sorted(site.catalog.datasets, key=lambda d: d.id)]
    labels = {
        name: {c.id: {lang: c.label(lang) for lang in LANGUAGES} for c in site.schemes[name].concepts.values()}
        for name in ("modality", "task", "platform")
    }
    return _INDEX_HEAD + b",\n".join(lines) + _INDEX_LABELS + str(script_json(labels)).encode("utf-8") + b"};\n"


def _index_line(site: SiteContext, d: Dataset) -> bytes:
    row = {lang: site.row(d, lang) for lang in LANGUAGES}
    r = row[DEFAULT_LANGUAGE]
    entry = {
        "id": d.id,
        "name": d.name,
        # each language's cells, the listed date last (the Chinese table may write it otherwise: "IJCAI 2025")
        "cells": {
            lang: [row[lang].modality_cell, row[lang].task_cell, row[lang].size_cell, d.listed.cell("date", lang)]
            for lang in LANGUAGES
        },
        "modality": r.modality_tags,
        "task": r.task_tags,
        "host": [c.id for c in r.hosts],
        "license": [license_key(d)],
        "year": r.year,
        "sortDate": r.date_sort,
        "size": r.size_sort,
        "search": r.search,  # every language's words, the same in each language's row
    }
    return str(script_json(entry)).encode("utf-8")  # escaped: no line break is left inside a line


def index_lines(data: bytes) -> dict[str, bytes]:
    """Each dataset's line (by id) in a ``catalog-index.js`` that ``catalog_index`` wrote; none from anything
    else (a file cut short, an older layout, a line that is not one dataset's JSON object)."""
    if not data.startswith(_INDEX_HEAD) or not data.endswith(b"};\n"):
        return {}
    body, found, _ = data[len(_INDEX_HEAD) :].rpartition(_INDEX_LABELS)
    if not found:
        return {}
    lines: dict[str, bytes] = {}
    for line in body.split(b",\n"):
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            return {}
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            return {}
        lines[entry["id"]] = line
    return lines


def catalog_csvs(site: SiteContext) -> dict[str, bytes]:
    """The list's table as CSV (RFC 4180) in each language: the columns and row order of ``export-markdown``, an
    empty cell where the list shows "-". A row the list wrote with a cell beyond its columns gets an unnamed
    last column, so every line has as many fields as the header (what pandas and spreadsheets expect). Both
    languages are read from one store of the cells."""
    import csv
    import io

    cells = (t for d in site.catalog.datasets for t in listed_cells(site.base, d))
    out = {}
    for lang, (headers, rows) in listed_tables(cells, LANGUAGES).items():
        width = max([len(headers), *(len(row) for row in rows)])
        sink = io.StringIO()
        writer = csv.writer(sink, lineterminator="\r\n")
        for row in [headers, *rows]:
            texts = [(cell or "").replace("\n", " ") for cell in row]
            writer.writerow(texts + [""] * (width - len(texts)))
        out[lang] = sink.getvalue().encode("utf-8")
    return out


def _stats(rows: list[Facet]) -> dict[str, int]:
    papers = {r.paper.iri for r in rows if r.paper}
    return {
        "datasets": len(rows),
        "papers": len(papers),
        "modalities": len({c for r in rows for c in r.modality_tags}),
        "tasks": len({c for r in rows for c in r.task_tags}),
        "hosts": len({c.id for r in rows for c in r.hosts}),
    }


def _filters(site: SiteContext, rows: list[Facet], lang: str) -> list[dict]:
    def options(scheme: str) -> list[tuple[str, str, int]]:
        counts = site.concept_counts(scheme)
        concepts = site.schemes[scheme].concepts
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
        {"name": "license", "label": "filter_license", "options": _license_options(site, lang)},
    ]


def _license_options(site: SiteContext, lang: str) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for dataset in site.catalog.datasets:
        counts[license_key(dataset)] += 1
    unknown = ui_strings()[lang]["license_unknown"]
    return sorted(
        ((key, unknown if key == "unknown" else key, n) for key, n in counts.items()),
        key=lambda o: (o[0] == "unknown", o[1].lower()),
    )


def _charts(site: SiteContext, rows: list[Facet], lang: str, page, t) -> list[charts.Chart]:
    def per_concept(scheme: str, chart_id: str, title: str) -> charts.Chart:
        counts = site.concept_counts(scheme)
        concepts = site.schemes[scheme].concepts
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
                charts.Bar(
                    r.dataset.name,
                    count.count,
                    ("≥" if count.at_least else "≈" if count.approximate else "") + text,
                    page(r.key),
                )
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


def _summary(bars: list[charts.Bar], t) -> str:
    return "; ".join(t("chart_value", label=b.label, value=b.text) for b in bars)


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
