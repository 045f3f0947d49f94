"""An entry as the YAML document of a new catalog file: the list's cells kept as they are under ``listed``, and
the values they state unambiguously (dates, concepts, sizes, access points, the paper) derived beside them, each
derivation recorded under ``derived``."""

from __future__ import annotations

import re
from functools import cache

from medvlm_kg.catalog.license_names import spdx_id, states_a_license
from medvlm_kg.catalog.markdown.cells import _links, _plain, _unknown, without_pictographs
from medvlm_kg.catalog.markdown.links import _ARXIV, _DOI, _classified_links
from medvlm_kg.catalog.markdown.names import slug
from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.catalog.markdown.rows import Entry
from medvlm_kg.catalog.markdown.rules import columns as _columns
from medvlm_kg.catalog.markdown.values import (
    _DIMENSION,
    _closest,
    _concept,
    _concepts,
    _date,
    _header_key,
    _narrowest,
    _size_part,
    _sizes,
    bare_count,
    column_words,
    joined_counts,
)

# A part of a mixture in a description ("850k math", "250k code": a count of one kind of data, in one word), not
# a count the sentence goes on about ("239 K unique individuals") nor of kinds ("6 Categories of …")
_COUNTS_SOMETHING = re.compile(r"[~≈约>]?\s*(?:\d[\d,.]*\s*[kKmMbB万亿](?![a-zA-Z])|\d{1,3}(?:,\d{3})+)\+?\s*[^\W\d]+")


def _mine(text: str) -> tuple[list[str], list[str], list[dict]]:
    """Modality ids, task ids and counts a free-text cell states unambiguously ("3D CT, 140 Cases, 6 Categories of
    Organ Segmentation" → ct; segmentation; 140 cases): each comma-separated part either maps whole, or ends in a
    task's name; anything else is left as text."""
    modality: list[str] = []
    task: list[str] = []
    counts: list[dict] = []
    unread = False
    for part in re.split(r"(?:(?<!\d),|,(?!\d{3}(?!\d)))\s*|，|;|；|、", _plain(text)):  # not "56,216"
        part = part.strip(" .。")
        if not part or len(part) > 80:
            continue
        # "337K images and 227K reports": counts of their own, when each one is ("174k GPQA questions and 52k
        # chemistry questions" after a licence note is none: the 52k alone would be stated as the dataset's size)
        joined = joined_counts(part)
        if joined:
            counts += joined
            continue
        size = _size_part(part)
        if size is None and _COUNTS_SOMETHING.fullmatch(part):  # "850k math, 250k code, 100k science samples": one
            unread = True  # count unread makes the others a partial list, not the dataset's size
        if size and "rest" not in size:
            counts.append(size)
            named = _concept("task", _columns()["unit_tasks"].get(size["unit"], ""))  # "450,724 Visual Dialogues"
            if named:
                task.append(named)
            continue
        bare = _DIMENSION.sub("", part)
        found = _concept("modality", bare)
        if found:
            modality.append(found)
            continue
        found = _concept("task", part)
        if found:
            task.append(found)
            continue
        words = part.split()
        for k in range(max(0, len(words) - 3), len(words)):
            found = _concept("task", " ".join(words[k:]))
            if found and len(words) - k <= 3:
                task.append(found)
                break
    return modality, task, [] if unread else counts


_JOINED = re.compile(r"\s(?:and|&)\s|和|与|及", re.IGNORECASE)
_SECTION_NUMBER = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?|[IVXivx]+\.|[一二三四五六七八九十]+[、.．])\s+|^[一二三四五六七八九十]+、"
)


def _section_concepts(section: str) -> tuple[list[str], list[str]]:
    """Modality and task ids the section headings name ("Chest X-ray", "Image Segmentation", "病理")."""
    modality: list[str] = []
    task: list[str] = []
    for heading in section.split(" › "):
        text = re.sub(r"\s*\(\d+\)\s*$", "", _plain(heading)).strip()  # "Retina (52)"
        text = _SECTION_NUMBER.sub("", text)  # "3.1 Text", "3. Endoscopy", "IV. CT", "一、病理": the outline's number
        # "DATA TABLE", "Dataset Table", "Summary table": the words for the list's own layout name no modality
        # ("Table QA", "EHR Tables" still do: tabular data), nor does a heading that is only "TABLE"
        layout = r"\b(?:data(?:sets?)?|benchmarks?|summary|overview)\s+tables?\b|数据集?表格?|汇总表"
        layout += r"|^\s*(?:table|表)\s*$"  # one table ("## TABLE"); "## Tables" of table QA is tabular data
        text = without_pictographs(re.sub(layout, "", text, flags=re.IGNORECASE))
        text = re.sub(r"\b(datasets?|data|benchmarks?)\b", "", text, flags=re.IGNORECASE).strip(" -:：")
        if not text:
            continue
        words = [
            ("modality", _concept("modality", w)) if _concept("modality", w) else ("task", _concept("task", w))
            for w in text.split()
        ]
        if len(words) > 1 and all(found for _, found in words):  # "CT Segmentation": a modality and a task, no more
            modality += [found for scheme, found in words if scheme == "modality"]
            task += [found for scheme, found in words if scheme == "task"]
            continue
        if _JOINED.search(text):  # "QA and dialogue": each row is one or the other, the heading says which of none
            continue
        others = {_header_key(w) for w, (_, found) in zip(text.split(), words, strict=True) if not found}
        if len(words) > 1 and any(found for _, found in words) and others <= column_words("heading_qualifiers"):
            for w in text.split():  # "Clinical ECG"; "Medical QA" (QA is text and question answering, as alone)
                modality += [c for c in [_concept("modality", w)] if c]
                task += [c for c in [_concept("task", w)] if c]
            continue
        for scheme, found_ids in (("modality", modality), ("task", task)):
            found = _concept(scheme, text)
            if found:
                found_ids.append(found)
                continue
            ids, _, unmapped = _concepts(scheme, text)
            # "ECG/EEG": each row is one of the two modalities ("Segmentation / Detection" may be both tasks)
            alternatives = scheme == "modality" and len(ids) > 1 and re.search(r"/|\bor\b|或", text)
            if ids and not unmapped and not alternatives:
                found_ids += ids
    return modality, task


def _shared_cell(role: str, cell: str) -> str | None:
    """A shared cell's text as listed, None for a cell that says nothing ("-", "N/A"); a cell beyond the columns
    keeps "N/A" as written (it has no header to say what is unknown), and only an empty one is nothing."""
    if role == "extra":
        return cell.strip() or None
    return None if _unknown(cell) else cell.strip()


def _translated_cells(listed: dict, entry: Entry) -> None:
    """A cell both tables share (name, title, date, links) written differently in the other language's table
    ("[MediEval: A Unified Medical Benchmark...](…)" in the Chinese one) as ``{en, zh}``, and the row's number
    in each table where they differ: each table's own text, as the format keeps it, not the first table's alone."""
    first = entry.lang if entry.lang in ("en", "zh") else ""
    for lang, cells in entry.translated.items():
        if not first or lang not in ("en", "zh") or lang == first:
            continue
        for role, cell in cells.items():
            mine, other = listed.get(role), _shared_cell(role, cell)
            if isinstance(mine, dict) or mine is other is None:
                continue
            if other != mine:  # a language whose table leaves the cell empty ("-") is left out
                listed[role] = {k: v for k, v in ((first, mine), (lang, other)) if v is not None}
        row = entry.rows_by_lang.get(lang)
        if row is not None and row != entry.row:
            listed["row"] = {first: entry.row, lang: row}


def _entry_document(entry: Entry, source_url: str | None, report: ImportReport, version: str | None = None) -> dict:
    doc: dict = {"id": slug(entry.name), "name": entry.name}
    listed: dict = {"name": entry.cells.get("name", entry.name).strip(), "row": entry.row}
    if version:
        listed["version"] = version
    for role in ("title", "date", "links", "extra"):
        text = _shared_cell(role, entry.cells.get(role) or "")
        if text is not None:
            listed[role] = text
    for role in ("modality", "task", "size", "description"):
        cells = sorted(entry.by_lang.get(role, {}).items())
        values = {lang: cell.strip() for lang, cell in cells if not _unknown(cell) and lang in ("en", "zh")}
        if values:
            listed[role] = values
    if entry.section:
        listed["section"] = entry.section
    if source_url:
        listed["source"] = source_url
    doc["listed"] = listed
    derived: dict[str, list[str]] = {}

    def derive(field_: str, cell: str) -> None:
        derived.setdefault(field_, [])
        if cell not in derived[field_]:
            derived[field_].append(cell)

    date_cell = entry.cells.get("date") or entry.cells.get("venue")
    published, venue = _date(date_cell) if date_cell and not _unknown(date_cell) else (None, None)
    if "date" in listed and published is None:
        report.unmapped.append(
            {
                "line": entry.line,
                "field": "date",
                "text": _plain(listed["date"]),
                "closest": ["YYYY.MM.DD", "Venue YYYY"],
            },
        )
    if published:
        doc["published"] = published
    venue_cell = entry.cells.get("venue")
    if venue_cell and not _unknown(venue_cell) and not venue:
        venue = _plain(venue_cell)
    if venue:
        doc["venue"] = venue
    ids: dict[str, list[str]] = {"modality": [], "task": []}
    for role in ("modality", "task"):
        cells = listed.get(role, {})
        cell = cells.get("en") or cells.get("zh") or entry.by_lang.get(role, {}).get("ja")
        if not cell:
            continue
        found, count, unmapped = _concepts(role, cell)
        ids[role] += found
        if count and role == "modality":
            doc["modality_count"] = count
        for part in unmapped:
            report.unmapped.append({"line": entry.line, "field": role, "text": part, "closest": _closest(role, part)})
    for scheme, concept_id in entry.flags:
        if concept_id not in ids[scheme]:
            ids[scheme].append(concept_id)
            derive(scheme, "flags")
    size: list[dict] = []
    cells = listed.get("size", {})
    if cells:
        counts, unmapped = _sizes(cells.get("en") or cells.get("zh"))
        for count in counts:  # "1,245 question-answer pairs spanning 7 clinical competency tasks": the rest, a note
            rest = count.pop("rest", "")
            if rest:
                count["note"] = rest
        size += counts
        for part in unmapped:
            report.unmapped.append({"line": entry.line, "field": "size", "text": part, "closest": []})
    for unit, _, _, cell in entry.counts:
        text = _plain(cell)
        bare = bare_count(text)
        own = None if bare else _size_part(text)  # "1,566 patients" under "# Scans": the cell names its own unit
        rest = (own or {}).get("rest", "")
        if rest.startswith("(") and rest.endswith(")"):  # "434 speakers (176 female, 258 male)": a note on it
            own = {**{k: v for k, v in own.items() if k != "rest"}, "note": rest}
        if own and "rest" not in own and not any(c["unit"] == own["unit"] for c in size):
            size.append(own)
            derive("size", "counts")
        elif not bare and text:  # kept in listed.size below only where the list has no size column of its own
            field_ = "count" if "size" in listed else "size"
            report.unmapped.append({"line": entry.line, "field": field_, "text": text, "closest": []})
        if bare and bare["count"] >= 1 and not any(c["unit"] == unit for c in size):  # "18.365" is 18,365
            size.append({"count": bare.pop("count"), "unit": unit, **bare})
            derive("size", "counts")
    _count_cells_as_listed(listed, entry)
    description = listed.get("description", {})
    text = description.get("en") or description.get("zh") or entry.by_lang.get("description", {}).get("ja")
    if text:
        modality, task, counts = _mine(text)
        for field_, found in (("modality", modality), ("task", task)):
            for concept_id in found:
                if concept_id not in ids[field_]:
                    ids[field_].append(concept_id)
                    derive(field_, "description")
        if not size and counts:
            size = counts
            derive("size", "description")
    if entry.section:
        modality, task = _section_concepts(entry.section)
        for field_, found in (("modality", modality), ("task", task)):
            for concept_id in found:
                if concept_id not in ids[field_]:
                    ids[field_].append(concept_id)
                    derive(field_, "section")
    for field_ in ("modality", "task"):
        narrowest = _narrowest(field_, ids[field_])
        if narrowest:
            doc[field_] = narrowest
    if size:
        doc["size"] = size
    links = _classified_links(entry, report, source_url)
    access, papers, code = links.access, links.papers, links.code
    if access:
        doc["access"] = access
    if papers and source_url:
        url = papers[0]
        arxiv = _ARXIV.search(url)
        doi = _DOI.search(url)
        title = entry.title_hint.strip()
        if title and (arxiv or doi):
            paper: dict = {"title": title}
            if arxiv:
                paper["arxiv"] = arxiv.group(1)
            else:
                paper["doi"] = doi.group(1).rstrip(".")
            paper["sources"] = [source_url]
            doc["paper"] = paper
            papers = papers[1:]
        if papers:
            doc["see_also"] = [{"url": u, "label": "paper", "sources": [source_url]} for u in papers]
    elif papers:
        report.note(
            entry.line,
            "paper-links",
            "paper links stay in listed.links only; pass --source-url (the list's "
            "address) to record them as the dataset's paper",
        )
    if code and source_url:  # "[code](https://github.com/…)": related, not where the data is
        doc["see_also"] = doc.get("see_also", []) + [{"url": u, "label": "code", "sources": [source_url]} for u in code]
    elif code:
        report.note(
            entry.line,
            "code-links",
            "code links stay in listed.links only; pass --source-url (the list's address) to record them as see_also",
        )
    if links.pages:  # "[CT-ORG](./resources/CT-ORG.md)": the list's own page on the dataset, not where the data is
        pointers = [{"url": u, "label": "list page", "sources": [source_url]} for u in links.pages]
        doc["see_also"] = doc.get("see_also", []) + pointers
    _license(doc, entry, source_url, report)
    if "latex" in entry.cells and source_url:
        doc["alternate_name"] = {"names": [_plain(entry.cells["latex"])], "sources": [source_url]}
    if derived:
        doc["derived"] = {k: derived[k] for k in sorted(derived)}
    if entry.repeats and source_url and _listing_model():  # one entry, and each further row of the list a listing
        items = []
        for repeat in entry.repeats:
            listed_again = _entry_document(repeat, source_url, ImportReport(""), version)["listed"]
            items.append({k: listed_again[k] for k in _LISTING_KEYS if k in listed_again})
        doc["also_listed"] = items
    _translated_cells(listed, entry)  # last: the rules above read each shared cell as the first table's text
    return doc


def _license(doc: dict, entry: Entry, source_url: str | None, report: ImportReport) -> None:
    """The licence the list gives for the dataset ("CC BY-NC-SA 4.0", "许可: Apache-2.0"), as the format keeps one:
    the statement as written, the list as its source, and the SPDX id where the cell names exactly one licence and
    nothing besides ("CC-BY 2.5 South Africa", "CC BY-NC 4.0 with some exceptions" are kept without one, and count
    as unknown). A list's own codes ("unk", "all", "Various") state no licence: reported, not kept."""
    cell = entry.cells.get("license")
    if not cell or _unknown(cell):
        return
    urls = [url for _, url in _links(cell) + _links(entry.cells.get("license_url") or "")]
    stated = _plain(cell)
    if not source_url:
        report.note(entry.line, "license-cell", "licence cells are read with --source-url (the list is their source)")
        return
    found = spdx_id(stated, urls)
    if found is None and not states_a_license(stated):  # "unk", "all", "Various": a list's code, no statement
        report.note(entry.line, "license-cell", f'licence cell "{stated}" states no licence: left in the list')
        return
    if found is None:
        report.note(entry.line, "license-cell", f'licence cell "{stated}" names no one SPDX licence: kept as stated')
    doc["license"] = {**({"id": found} if found else {}), "covers": "data", "stated": stated, "sources": [source_url]}


def _count_cells_as_listed(listed: dict, entry: Entry) -> None:
    """A row's count columns as its listed size, each cell as written after its header as written ("#Slides:
    9,555; #Patches: 107,180"), where the list has no size column: the page's "As listed" row said "not listed"
    of a size the list gives."""
    if "size" in listed:
        return
    parts: dict[str, list[str]] = {}
    for _, lang, header, cell in entry.counts:
        if lang in ("en", "zh") and not _unknown(cell):
            parts.setdefault(lang, []).append(f"{_plain(header)}: {cell.strip()}")
    if parts:
        listed["size"] = {lang: "; ".join(cells) for lang, cells in sorted(parts.items())}


_LISTING_KEYS = ("source", "version", "row", "name", "title", "date", "links", "modality", "task", "size")


@cache
def _listing_model() -> bool:
    """Whether the catalog format has `also_listed` (a dataset's listings in other lists)."""
    import json

    from medvlm_kg.resources import ontology_dir

    schema = json.loads((ontology_dir() / "dataset.schema.json").read_text(encoding="utf-8"))
    return "also_listed" in schema.get("properties", {})
