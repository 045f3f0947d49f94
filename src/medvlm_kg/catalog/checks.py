"""The checks of one catalog file beyond its schema: URLs the graph can hold, an id that matches its file name and
is no reserved name, terms known to their concept scheme, dates, curators. A dataset file that passes them all
becomes its entry (``to_entries``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import ConceptScheme, suggest
from medvlm_kg.catalog.dates import SEPARATED_DATE, date_trouble, parse_date
from medvlm_kg.catalog.entries import Dataset
from medvlm_kg.catalog.schema_check import Checker
from medvlm_kg.catalog.to_entries import checked_dataset
from medvlm_kg.problems import ERROR, WARNING

__all__ = ["RESERVED_IDS", "check_catalog_file", "check_dataset", "url_problem"]


# Device names Windows reserves in every folder (dataset/con.html cannot exist there).
RESERVED_IDS = frozenset(["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(10)])
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")


def _iri_problem(iri: str) -> str | None:
    """Why the graph could not hold ``iri`` (Oxigraph's IRI parser, the one the converter uses), or ``None``."""
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        return str(exc)
    return None


_IRI_HINT = "write % only as %XX (a % sign itself is %25), a port as digits, and percent-encode other odd characters"


def _check_url(chk: Checker, path: tuple, url: Any) -> None:
    if not isinstance(url, str):
        return
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[x/": an unclosed IPv6 address
        chk.add(path, f"{url!r} is not a valid URL ({exc})", "check the host between // and the next /")
        return
    if parts.scheme not in ("http", "https") or not parts.netloc:
        chk.add(path, f"{url!r} is not a web address", "write a full http:// or https:// URL")
    elif _IRI_FORBIDDEN.search(url):
        chk.add(
            path, f"{url!r} contains spaces or characters not allowed in a URL", "percent-encode them (a space is %20)"
        )
    elif problem := _iri_problem(url):  # "http://a%zz/", "http://a:b/", U+FFFE: the converter would crash
        chk.add(path, f"{url!r} is not a valid URL ({problem})", _IRI_HINT)


def url_problem(url: str) -> str | None:
    """Why a catalog file could not hold ``url`` as a web address (the problem's message and fix), or ``None``."""
    chk = Checker("", {})
    _check_url(chk, (), url)
    return f"{chk.problems[0].message} — {chk.problems[0].hint}" if chk.problems else None


_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")


def _check_concepts(chk: Checker, path: tuple, ids: Any, scheme: ConceptScheme) -> None:
    if not isinstance(ids, list):
        ids = [ids]
        paths = [path]
    else:
        paths = [path + (i,) for i in range(len(ids))]
    known = list(scheme.concepts)
    for p, term in zip(paths, ids, strict=True):
        if isinstance(term, str) and term not in scheme.concepts:
            close = suggest(term, known)
            hint = (f'did you mean "{close}"? ' if close else "") + f"(known: {', '.join(known)})"
            chk.add(p, f'unknown term "{term}"', hint)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def check_dataset(path: Path, rel: str, doc: Any, lines: dict, schemes: dict) -> tuple[Dataset | None, list]:
    """A dataset file's entry (``None`` if it has an error) and every problem found in it alone."""
    chk = Checker(rel, lines)
    if doc is None:  # no bytes, or comments only (a file `new` wrote and nothing uncommented)
        chk.add((), "the file is empty (or holds only comments)", "write `id: <id>` and `name: <name>`, or remove it")
        return None, chk.problems
    if not isinstance(doc, dict):
        chk.add((), "the file must be a mapping of fields", "start with `id: <id>` and `name: <name>`")
        return None, chk.problems
    chk.schema("dataset", doc)
    expected_id = path.stem
    if isinstance(doc.get("id"), str) and doc["id"] in RESERVED_IDS:
        chk.add(
            ("id",),
            f'"{doc["id"]}" is a reserved file name on Windows, so its pages could not be checked out or copied there',
            f"choose another id, e.g. `{doc['id']}-bench`, and rename the file to match",
        )
    if isinstance(doc.get("id"), str) and doc["id"] != expected_id:
        # Suggest only names that are ids themselves (never "rename the file to ../x.yaml"), and never a rename
        # over another dataset's file: `mv` would replace it without a word.
        # (a slug is at most 100 characters: a longer name makes exists() raise "File name too long")
        free = _SLUG.match(doc["id"]) and len(doc["id"]) <= 100 and not (path.parent / f"{doc['id']}.yaml").exists()
        fixes = [f"rename the file to {doc['id']}.yaml"] if free else []
        fixes += [f"set `id: {expected_id}`"] if _SLUG.match(expected_id) else []
        chk.add(
            ("id",),
            f'id "{doc["id"]}" does not match the file name "{path.name}"',
            " or ".join(fixes) or "choose an id of lowercase letters, digits and hyphens, and name the file after it",
        )
    published = parse_date(chk, ("published",), doc["published"]) if "published" in doc else None
    if "first_listed" in doc:
        parse_date(chk, ("first_listed",), doc["first_listed"])
        if "first_listed_source" not in doc:
            chk.add(
                ("first_listed",),
                "the date a dataset first entered the list needs the page that shows it",
                "add `first_listed_source:` with the URL of the list's commit or update note",
            )
    _check_url(chk, ("first_listed_source",), doc.get("first_listed_source"))
    if "modified" in doc:
        parse_date(chk, ("modified",), doc["modified"])
    _check_url(chk, ("modified_source",), doc.get("modified_source"))
    listed_date = _mapping(doc.get("listed")).get("date")
    for lang, date_cell in listed_date.items() if isinstance(listed_date, dict) else [("", listed_date)]:
        m = SEPARATED_DATE.match(date_cell) if isinstance(date_cell, str) else None
        trouble = m and date_trouble(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        if trouble:  # the cell is verbatim, so it may hold the list's own mistake: a warning, not an error
            chk.add(
                ("listed", "date") + ((lang,) if lang else ()),
                f"{date_cell!r} reads as a date, but {trouble}",
                "check the cell against the list; if the list shows it so, keep it (cells are copied verbatim) "
                "and give the real date in `published`",
                WARNING,
            )
    for key in ("earlier", "also_listed"):
        for i, item in enumerate(_list(doc.get(key))):
            if isinstance(item, dict):
                _check_url(chk, (key, i, "source"), item.get("source"))
    paper_doc = doc.get("paper") if isinstance(doc.get("paper"), dict) else None
    paper_date = parse_date(chk, ("paper", "date"), paper_doc["date"]) if paper_doc and "date" in paper_doc else None
    for key in ("modality", "task"):
        if key in doc:
            _check_concepts(chk, (key,), doc[key], schemes[key])
    # The schema has reported wrong types already; read only lists and mappings from here on.
    for i, count in enumerate(_list(doc.get("size"))):
        if isinstance(count, dict) and "unit" in count:
            _check_concepts(chk, ("size", i, "unit"), count["unit"], schemes["unit"])
    for i, point in enumerate(_list(doc.get("access"))):
        if isinstance(point, dict):
            _check_url(chk, ("access", i, "url"), point.get("url"))
            if "platform" in point:
                _check_concepts(chk, ("access", i, "platform"), point["platform"], schemes["platform"])
    _check_url(chk, ("listed", "source"), _mapping(doc.get("listed")).get("source"))
    for key in ("homepage",):
        if isinstance(doc.get(key), dict):
            _check_url(chk, (key, "url"), doc[key].get("url"))
    if paper_doc:
        _check_url(chk, ("paper", "url"), paper_doc.get("url"))
        doi = paper_doc.get("doi")
        if isinstance(doi, str) and (problem := _iri_problem(f"https://doi.org/{doi}")):  # 10.1002/(SICI)…<413::…>
            chk.add(
                ("paper", "doi"),
                f"{doi!r} cannot be a link https://doi.org/… ({problem})",
                "percent-encode the characters a URL cannot hold, as the DOI handbook says: < as %3C, > as %3E",
            )
    for i, item in enumerate(_list(doc.get("see_also"))):
        if isinstance(item, dict):
            _check_url(chk, ("see_also", i, "url"), item.get("url"))
    for key, value in doc.items():
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("sources"), list):
                base = (key, i) if isinstance(value, list) else (key,)
                for j, src in enumerate(item["sources"]):
                    _check_url(chk, base + ("sources", j), src)
    if any(p.severity == ERROR for p in chk.problems):
        return None, chk.problems
    return checked_dataset(doc, rel, lines, schemes, published, paper_date), chk.problems


def check_catalog_file(rel: str, doc: Any, lines: dict) -> tuple[dict | None, list]:
    """catalog.yaml's document (``None`` if it has an error) and every problem found in it."""
    chk = Checker(rel, lines)
    if not isinstance(doc, dict):
        chk.add((), "the file must be a mapping of fields", "see docs/data-format.md")
        return None, chk.problems
    chk.schema("catalog", doc)
    source = doc.get("source") if isinstance(doc.get("source"), dict) else {}
    for key in ("repository", "readme", "license_source"):
        if key in source:
            _check_url(chk, ("source", key), source[key])
    if isinstance(doc.get("base_iri"), str) and (problem := _iri_problem(doc["base_iri"])):
        chk.add(("base_iri",), f"{doc['base_iri']!r} is not a valid IRI ({problem})", _IRI_HINT)
    if "license" in source and "license_source" not in source:
        chk.add(("source", "license_source"), "a license needs its source", "add the URL where it was read")
    curators = [c.get("id") for c in _list(doc.get("curators")) if isinstance(c, dict)]  # `curators: true` too
    for i, cid in enumerate(curators):
        if cid in curators[:i]:
            chk.add(("curators", i, "id"), f'duplicate curator id "{cid}"', "give each curator its own id")
    if isinstance(doc.get("publisher"), str) and doc["publisher"] not in curators:
        chk.add(
            ("publisher",), f'"{doc["publisher"]}" is not a curator id', f"use one of: {', '.join(map(str, curators))}"
        )
    return (doc if not any(p.severity == ERROR for p in chk.problems) else None), chk.problems
