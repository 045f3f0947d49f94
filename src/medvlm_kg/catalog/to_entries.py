"""A dataset file that passed its checks, turned into its frozen ``Dataset`` entry: the listed cells, counts, access
points (their platform read from the URL's host where the file names none), paper, license and sourced values.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from medvlm_kg.catalog.concepts import ConceptScheme
from medvlm_kg.catalog.dates import parse_date
from medvlm_kg.catalog.entries import CELLS, Access, Count, Dataset, License, Listed, Listing, Paper, Sourced
from medvlm_kg.catalog.schema_check import Checker
from medvlm_kg.catalog.yaml_reader import dotted_lines

# a URL whose host is plain letters, digits, dots and hyphens (nearly all): its host without urlsplit, which took a
# fifth of reading 10,000 cached entries; anything else (a user, brackets, odd characters) goes through urlsplit
_PLAIN_HOST = re.compile(r"(?i:https?)://([A-Za-z0-9.-]+)(?::[0-9]*)?(?=[/?#]|$)")


def _platform_for(url: str, schemes: dict[str, ConceptScheme]) -> str | None:
    plain = _PLAIN_HOST.match(url)
    host = plain.group(1).lower() if plain else (urlsplit(url).hostname or "").lower()
    for home, concept_id in schemes["platform"].homepage_hosts:
        if host == home or host.endswith("." + home):
            return concept_id
    return None


def _sourced(value: Any, doc: dict) -> Sourced:
    return Sourced(value, tuple(doc.get("sources", ())), doc.get("label"))


def checked_dataset(doc: dict, rel: str, lines: dict, schemes: dict, published=None, paper_date=None) -> Dataset:
    """The entry of a dataset file that passed every check (its dates read again when not given)."""
    if published is None and "published" in doc:
        published = parse_date(Checker(rel, lines), ("published",), doc["published"])
    paper_doc = doc.get("paper")
    if paper_date is None and isinstance(paper_doc, dict) and "date" in paper_doc:
        paper_date = parse_date(Checker(rel, lines), ("paper", "date"), paper_doc["date"])
    dataset = _dataset_from(doc, rel, published, paper_date, schemes)
    dataset.lines.update(dotted_lines(lines))
    return dataset


def _cells_of(value: Any) -> dict[str, str]:
    """A by-language cell as a mapping: ``{en, zh}`` as given, a plain text (another list's) under ``""``."""
    return {"": value} if isinstance(value, str) else dict(value or {})


def _listed(doc: dict) -> Listed:
    shared: dict[str, str | None] = {}
    zh: dict[str, str | None] = {}
    for key in CELLS:
        value = doc.get(key)
        if isinstance(value, dict):
            shared[key] = value.get("en")
            zh[key] = value.get("zh")
        else:
            shared[key] = value
    row = doc.get("row")
    return Listed(
        **shared,
        row=row.get("en") if isinstance(row, dict) else row,
        row_zh=row.get("zh") if isinstance(row, dict) else None,
        modality=_cells_of(doc.get("modality")),
        task=_cells_of(doc.get("task")),
        size=_cells_of(doc.get("size")),
        source=doc.get("source"),
        version=doc.get("version"),
        zh=zh,
        description=_cells_of(doc.get("description")),
        section=doc.get("section"),
    )


def _dataset_from(doc: dict, rel: str, published, paper_date, schemes) -> Dataset:
    listed = doc["listed"]
    first_listed = None
    if "first_listed" in doc:
        first_listed = parse_date(Checker(rel, {}), ("first_listed",), doc["first_listed"])
    paper = None
    if "paper" in doc:
        p = doc["paper"]
        paper = Paper(
            title=p["title"],
            sources=tuple(p["sources"]),
            arxiv=p.get("arxiv"),
            doi=p.get("doi"),
            url=p.get("url"),
            venue=p.get("venue"),
            date=paper_date,
            authors=tuple(p.get("authors", ())),
            authors_complete=p.get("authors_complete", True),
            more_authors=tuple(p.get("more_authors", ())),
        )
    stated = doc.get("stated") or {}
    return Dataset(
        id=doc["id"],
        name=doc["name"],
        file=rel,
        description=dict(doc.get("description", {})),
        listed=_listed(listed),
        listings=tuple(Listing("earlier", _listed(item)) for item in doc.get("earlier", ()))
        + tuple(Listing("also", _listed(item)) for item in doc.get("also_listed", ())),
        first_listed=first_listed,
        first_listed_source=doc.get("first_listed_source"),
        modified=parse_date(Checker(rel, {}), ("modified",), doc["modified"]) if "modified" in doc else None,
        modified_source=doc.get("modified_source"),
        published=published,
        venue=doc.get("venue"),
        modality=tuple(doc.get("modality", ())),
        modality_count=doc.get("modality_count"),
        task=tuple(doc.get("task", ())),
        size=tuple(
            Count(c["count"], c["unit"], c.get("approximate", False), c.get("note"), c.get("at_least", False))
            for c in doc.get("size", ())
        ),
        access=tuple(
            Access(a["label"], a["url"], a.get("platform") or _platform_for(a["url"], schemes))
            for a in doc.get("access", ())
        ),
        homepage=_sourced(doc["homepage"]["url"], doc["homepage"]) if "homepage" in doc else None,
        alternate_name=_sourced(tuple(doc["alternate_name"]["names"]), doc["alternate_name"])
        if "alternate_name" in doc
        else None,
        paper=paper,
        same_paper_as=_sourced(doc["same_paper_as"]["id"], doc["same_paper_as"]) if "same_paper_as" in doc else None,
        stated_size=Sourced(stated["size"], tuple(stated["sources"])) if "size" in stated else None,
        stated_modality=Sourced(stated["modality"], tuple(stated["sources"])) if "modality" in stated else None,
        see_also=tuple(_sourced(s["url"], s) for s in doc.get("see_also", ())),
        notes=tuple(_sourced(n["text"], n) for n in doc.get("notes", ())),
        license=License(
            stated=doc["license"]["stated"],
            covers=doc["license"]["covers"],
            sources=tuple(doc["license"]["sources"]),
            id=doc["license"].get("id"),
            conflicts=tuple(doc["license"].get("conflicts", ())),
        )
        if "license" in doc
        else None,
        derived={k: tuple(v) for k, v in sorted(doc.get("derived", {}).items())},
    )
