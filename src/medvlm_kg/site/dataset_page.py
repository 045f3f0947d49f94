"""A dataset's landing page, in each language: the list's cells beside the verified facts with their sources,
the paper and how to cite it, and one schema.org ``Dataset`` in JSON-LD that is a subset of the dataset's own graph
(so a crawler reads nothing the RDF does not state). It needs only the dataset and its own triples, so the build
renders it in any worker process and skips it when neither changed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pyoxigraph as ox

from medvlm_kg.catalog.entries import Dataset, Paper
from medvlm_kg.graph.description_text import LANGUAGES, date_words
from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.graph.schema_org import schema_org_jsonld
from medvlm_kg.site.cite import citations
from medvlm_kg.site.context import SiteContext
from medvlm_kg.site.links import DEFAULT_LANGUAGE, page_file
from medvlm_kg.site.templating import script_json

__all__ = ["dataset_pages"]

_SCHEMA_DESCRIPTION = "https://schema.org/description"


def dataset_pages(site: SiteContext, dataset: Dataset, triples: list[ox.Triple]) -> dict[str, bytes]:
    """The dataset's landing page in every language, from the dataset and its own triples."""
    iri = dataset_iri(site.base, dataset.id)
    descriptions: dict[str, str] = {}
    for t in triples:
        if t.predicate.value == _SCHEMA_DESCRIPTION and t.object.language and t.subject.value == iri:
            descriptions[t.object.language] = t.object.value
    cite = citations(triples, iri, dataset.id)  # the same in every language: written once, half the page's time
    listed = _listed_rows(dataset, site.paper_of(dataset))  # the same in every language too (words: on the page)
    return {
        page_file(f"dataset/{dataset.id}", lang): _dataset_page(
            site, dataset, triples, descriptions, cite, listed, lang
        )
        for lang in LANGUAGES
    }


def _dataset_page(
    site: SiteContext,
    dataset: Dataset,
    triples: list[ox.Triple],
    descriptions: dict,
    cite: dict,
    listed: list[dict],
    lang: str,
) -> bytes:
    key = f"dataset/{dataset.id}"
    iri = dataset_iri(site.base, dataset.id)
    description = descriptions.get(lang) or descriptions.get(DEFAULT_LANGUAGE, "")
    ctx = site.page_context(key, "dataset", lang, page_file(key, lang), dataset.name, description)
    row = site.row(dataset, lang)
    other = site.by_id[dataset.same_paper_as.value] if dataset.same_paper_as else None
    ctx.update(
        d=dataset,
        row=row,
        iri=iri,
        description=description,
        same_paper=other,
        units=site.schemes["unit"].concepts,
        platforms=site.schemes["platform"].concepts,
        other_hosts=_other_hosts(dataset),
        published_words=date_words(dataset.published, lang) if dataset.published else None,
        paper_date_words=date_words(row.paper.date, lang) if row.paper and row.paper.date else None,
        citation=_citation(row.paper) if row.paper else None,
        record_citation=f"{dataset.name}. {site.catalog.title.get(lang) or site.catalog.title['en']}. {iri}",
        listed_rows=listed,
        listed_columns=_listed_columns(dataset),
        jsonld=script_json(schema_org_jsonld(triples, iri, lang)),
        croissant=_croissant_link(site, dataset, ctx["link"]),
        cite=cite,
    )
    return site.html("dataset.html", ctx)


def _listed_columns(dataset: Dataset) -> list[tuple[str, str | None, str]]:
    """The "as listed" columns: (table language, its HTML lang, heading key). A list of two tables (English and
    Chinese) gets one column each; a list of one table gets one "as listed" column, in its language where a cell
    says which, so an English-only list's cells are not shown again as "As listed (Chinese)"."""
    languages = dataset.listed.languages
    if len(languages) == 2:
        return [("en", "en", "listed_en"), ("zh", "zh-Hans", "listed_zh")]
    lang = languages[0] if languages else "en"
    return [(lang, {"en": "en", "zh": "zh-Hans"}[lang] if languages else None, "listed_one")]


def _other_hosts(dataset: Dataset) -> list[str]:
    """The hosts of the access points on no platform the catalog knows ("warwick.ac.uk"): the glance says where
    the data is, not "unknown", when the page's own buttons link there."""
    hosts = (urlsplit(a.url).hostname or "" for a in dataset.access if not a.platform)
    return sorted({h.removeprefix("www.") for h in hosts if h})


def _croissant_link(site: SiteContext, dataset: Dataset, link) -> tuple[str, str] | None:
    """(media type, href) of the dataset's Croissant file, linked from the page head, never in its JSON-LD."""
    from medvlm_kg.profiles.croissant import MEDIA_TYPE, croissant_path

    path = croissant_path(dataset.id)
    return (MEDIA_TYPE, link(path)) if site.has_file(path) else None


def _listed_rows(dataset: Dataset, paper: Paper | None) -> list[dict]:
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
    keys = ["name", "title", "date", "modality", "task", "size", "links"]
    if listed.description:  # a list with a description column (OpenMedLab's "3D CT, 140 Cases, …"): shown too
        rows.insert(6, {"label": "row_description", "cells": both("description"), "facts": []})
        keys.insert(6, "description")
    for row, key in zip(rows, keys, strict=True):
        row["earlier"] = earlier(key)
    return rows


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
