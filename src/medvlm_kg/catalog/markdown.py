"""Awesome-list tables in: read a README's dataset tables into catalog entries (export: sparql/export_markdown.py).

Import never touches a curator's file: new datasets become new YAML files (created whole or not at all), and
for datasets already in the catalog it only reports how the list differs. Real lists are messy, so a table is
recognised by what its columns mean (markup, emoji, case and padding aside; synonyms in English and Chinese in
``markdown_columns.yaml``), links are classified by their host (``link_hosts.yaml``), and every table and row it
does not import is reported with the reason, grouped, with counts. No table makes it crash.

Over 600 lines: the reading of tables, cells, rows and links is one pipeline whose stages share the cell helpers;
splitting it (tables / cells / entries) is listed in tests/test_architecture.py.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import stat
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from medvlm_kg.catalog.checks import RESERVED_IDS, url_problem
from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.runtime.progress import track

__all__ = ["Table", "ImportReport", "parse_tables", "read_entries", "import_markdown", "columns"]

MAX_BYTES = 20_000_000
MAX_COLUMNS = 64
MAX_CELL = 10_000  # characters; a real cell holds a few hundred
_MAX_NESTING = 10
_MAX_COUNT = 10**15
_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "m": 1_000_000,
    "b": 1_000_000_000,
    "万": 10_000,
    "亿": 100_000_000,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}


@cache
def columns() -> dict:
    """The column synonyms and the export's headers (markdown_columns.yaml)."""
    return yaml.safe_load((Path(__file__).parent / "markdown_columns.yaml").read_text(encoding="utf-8"))


_columns = columns


@cache
def _hosts() -> dict:
    return yaml.safe_load((Path(__file__).parent / "link_hosts.yaml").read_text(encoding="utf-8"))


# --- tables -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    line: int
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    sections: tuple[str, ...] = ()  # the headings above the table, outermost first, as plain text


_DELIMITER = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")


def _split_row(line: str) -> list[str]:
    """Cells of one table line: pipes inside code spans or escaped as ``\\|`` do not split."""
    cells, current, in_code, i = [], [], False, 0
    text = line.strip()
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append("".join(current))
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|") and cells:
        cells = cells[:-1]
    return [c.strip() for c in cells]


_RAW_BLOCK = re.compile(r"^ {0,3}<(pre|script|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _hidden_blocks(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """HTML comments, fenced code blocks and ``<pre>``, ``<script>``, ``<style>``, ``<textarea>`` blocks, whose
    lines GitHub never shows as a table: (first line, last line, what, end marker), 0-based. One never closed
    runs to the end of the file, as on GitHub; then its last line does not hold the end marker."""
    blocks: list[tuple[int, int, str, str]] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].lstrip(" ")
        raw = _RAW_BLOCK.match(lines[i])
        fence = _FENCE.match(lines[i])
        if fence:
            marker = fence.group(1)
            j = i + 1
            while j < len(lines) and not re.match(
                r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$", lines[j]
            ):
                j += 1
            last = min(j, len(lines) - 1)
            blocks.append((i, last, "a fenced code block", marker))
            i = last + 1
            continue
        if len(lines[i]) - len(stripped) <= 3 and stripped.startswith("<!--"):
            end, what, rest = "-->", "an HTML comment", stripped[4:]
        elif raw:
            end, what, rest = f"</{raw.group(1).lower()}>", f"a <{raw.group(1).lower()}> block", lines[i]
        else:
            i += 1
            continue
        j = i
        while end not in rest.lower() and j + 1 < len(lines):
            j += 1
            rest = lines[j]
        blocks.append((i, j, what, end))
        i = j + 1
    return blocks


def _table_starts(lines: list[str]) -> list[int]:
    return [
        i for i in range(len(lines) - 1) if "|" in lines[i] and _DELIMITER.match(lines[i + 1]) and "-" in lines[i + 1]
    ]


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]{0,200}>(.{0,500}?)</h\1>", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary[^>]{0,200}>(.{0,500}?)</summary>", re.IGNORECASE)


def parse_tables(text: str) -> list[Table]:
    """Every GitHub-flavoured Markdown table in ``text`` (header, delimiter line, body rows), with the headings
    above it; tables inside HTML comments, code blocks and raw HTML blocks are not tables on GitHub, so they
    are not read."""
    lines = text.splitlines()
    for first, last, _, _ in _hidden_blocks(lines):
        lines[first : last + 1] = [""] * (last + 1 - first)
    tables: list[Table] = []
    headings: list[tuple[int, str]] = []  # (level, text): the current section path
    i = 0
    while i < len(lines) - 1:
        if "|" in lines[i] and _DELIMITER.match(lines[i + 1]) and "-" in lines[i + 1]:
            headers = tuple(_split_row(lines[i]))
            rows: list[Row] = []
            j = i + 2
            while j < len(lines) and lines[j].strip() and "|" in lines[j]:
                rows.append(Row(j + 1, tuple(_split_row(lines[j]))))
                j += 1
            tables.append(Table(i + 1, headers, tuple(rows), tuple(t for _, t in headings if t)))
            i = j
            continue
        m = _ATX.match(lines[i]) or _HTML_HEADING.match(lines[i])
        level, title = (
            (len(m.group(1)) if m.group(1).startswith("#") else int(m.group(1)), m.group(2)) if m else (0, "")
        )
        summary = _SUMMARY.search(lines[i]) if not m else None
        if m:
            headings = [h for h in headings if h[0] < level] + [(level, _plain(title or ""))]
        elif summary and _plain(summary.group(1)):
            headings = [h for h in headings if h[0] < 7] + [(7, _plain(summary.group(1)))]
        i += 1
    return tables


# --- cells --------------------------------------------------------------------------------------------------

# Every repetition is bounded: unbounded ones backtrack quadratically on cells such as "[a](" × 20,000, which
# took minutes (a list written by a stranger must not hang the import). A link text may hold escaped brackets
# ("[[飞粤云端2017\]广东政务数据创新大赛](…)").
_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\]){0,1000})\]\(\s*<?([^)\s>]{1,2048})>?(?:\s+\"[^\"]{0,1000}\")?\s*\)")
_EMPTY_LINK = re.compile(r"\[((?:\\.|[^\]\\]){0,1000})\]\(\s*\)")
_HTML_LINK = re.compile(  # an <a> never closed runs to the end of the cell, as in a browser
    r"<a\s[^>]{0,500}?href\s*=\s*[\"']([^\"']{1,2048})[\"'][^>]{0,500}>(.{0,2000}?)(?:</a\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_IMAGE = re.compile(r"!\[[^\]]{0,1000}\]\([^)]{0,2048}\)")
_BARE_URL = re.compile(r"(?<![(\"'<])\bhttps?://[^\s<>()\[\]|\"']+")
_TAG = re.compile(r"<[^>]{0,500}>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # what catalog.py refuses in a value
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")


def _plain(cell: str) -> str:
    """A cell as text: links become their labels, images, tags and emphasis go, entities are decoded."""
    text = _BR.sub(" ", cell)
    text = _IMAGE.sub(" ", text)
    text = _HTML_LINK.sub(lambda m: m.group(2), text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _EMPTY_LINK.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    text = re.sub(r"(\*\*|__|`|~~)", "", text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


_UNKNOWN = {"", "-", "–", "—", "--", "__", "N/A", "n/a", "NA", "?", "/", "无", "暂无", "None", "none", "TBD", "tbd"}


def _unknown(cell: str) -> bool:
    return _plain(cell) in _UNKNOWN


def _links(cell: str) -> list[tuple[str, str]]:
    """(label, url) for each link in a cell: Markdown, HTML and bare URLs; only http(s)."""
    found: list[tuple[str, str]] = []
    cell = _IMAGE.sub(" ", cell)
    for m in _HTML_LINK.finditer(cell):
        found.append((_plain(m.group(2)), html.unescape(m.group(1)).strip()))
    rest = _HTML_LINK.sub(" ", cell)
    for m in _MD_LINK.finditer(rest):
        found.append((_plain(m.group(1)), m.group(2).strip()))
    rest = _MD_LINK.sub(" ", rest)
    for m in _BARE_URL.finditer(_ESCAPE.sub(r"\1", rest)):  # "Plain\_language" shows as "Plain_language"
        found.append(("", m.group(0).rstrip(".,;，。")))
    seen: set[str] = set()
    result = []
    for label, url in found:
        if re.match(r"https?://[^\s/]+\.[^\s/]+", url) and url not in seen and not re.search(r"\s", url):
            seen.add(url)
            result.append((label, url))
    return result


def _key(text: str) -> str:
    """A name as a comparison key: case, width and spacing do not matter ("Lingshu (Train)" = "Lingshu（Train）",
    "Planet: Understanding…" = "planet: understanding…"); other punctuation does ("COVIDQA" ≠ "COVID-QA")."""
    text = unicodedata.normalize("NFKC", _plain(text)).casefold()
    return re.sub(r"\s+", "", text)


def _loose_key(text: str) -> str:
    """Letters and digits only: names that differ by punctuation alone share it (reported, never merged)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", _plain(text)).casefold() if ch.isalnum())


def _header_key(text: str) -> str:
    """A header as the synonyms file writes it: no markup, emoji or punctuation, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", _plain(html.unescape(text))).casefold()
    kept = []
    for ch in text:
        if ch.isalnum() or ch in "#()":
            kept.append(ch)
        elif unicodedata.category(ch) in ("So", "Sk", "Cs", "Co", "Mn") or ch in "\ufe0f\u200d":
            continue
        else:
            kept.append(" ")
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def _header_forms(header: str) -> list[str]:
    """The header with and without its notes in parentheses: "dataset name (源链接)" → also "dataset name"."""
    key = _header_key(header)
    bare = re.sub(r"\s+", " ", re.sub(r"\([^()]*\)", " ", key)).strip()
    forms = [key.replace("(", " ").replace(")", " "), bare]
    return [re.sub(r"\s+", " ", f).strip() for f in dict.fromkeys(forms) if f.strip()]


def _label_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip(" .")


@cache
def _label_index(scheme: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for concept in load_schemes()[scheme].concepts.values():
        labels = [concept.id, *concept.pref_labels.values(), *(label for _, label in concept.alt_labels)]
        for label in labels:
            index.setdefault(_label_key(label), concept.id)
    return index


def _concept(scheme: str, text: str) -> str | None:
    index = _label_index(scheme)
    key = _label_key(text)
    if key in index:
        return index[key]
    if key.endswith("s") and key[:-1] in index:
        return index[key[:-1]]
    return None


@cache
def _ancestors(scheme: str, concept_id: str) -> frozenset[str]:
    """Every broader concept of ``concept_id`` (transitively), as ids."""
    concepts = load_schemes()[scheme].concepts
    by_iri = {c.iri: c.id for c in concepts.values()}
    found: set[str] = set()
    todo = [concept_id]
    while todo:
        current = concepts.get(todo.pop())
        for iri in getattr(current, "broader", ()) or ():
            parent = by_iri.get(iri)
            if parent and parent not in found:
                found.add(parent)
                todo.append(parent)
    return frozenset(found)


def _narrowest(scheme: str, ids: list[str]) -> list[str]:
    """``ids`` without any concept a narrower one in the list already implies (no `image` next to
    `radiography`: a chart would count the dataset twice)."""
    implied = set().union(*(_ancestors(scheme, i) for i in ids)) if ids else set()
    return [i for i in dict.fromkeys(ids) if i not in implied]


_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")


def _without_notes(text: str) -> tuple[str, list[str]]:
    """Text with its parenthesised notes removed (nested ones too), and the notes."""
    notes: list[str] = []
    for _ in range(_MAX_NESTING):  # each round peels one level; 5,000 nested parentheses would take minutes
        found = _PAREN.findall(text)
        if not found:
            break
        notes += found
        text = _PAREN.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(), notes


def _closest(scheme: str, text: str) -> list[str]:
    """Concept ids whose labels look like ``text`` or share a word with it, best first."""
    index = _label_index(scheme)
    key = _label_key(text)
    ids = [index[k] for k in difflib.get_close_matches(key, list(index), n=3, cutoff=0.75)]
    words = {w for w in re.split(r"[^\w]+", key) if len(w) >= 3}
    ids += [cid for label, cid in sorted(index.items()) if words & set(re.split(r"[^\w]+", label))]
    return list(dict.fromkeys(ids))[:3]


def _concepts(scheme: str, cell: str) -> tuple[list[str], int | None, list[str]]:
    """Concept ids named in a modality or task cell, a count such as "(38 types)", and the parts not mapped."""
    text, notes = _without_notes(_plain(cell))
    count = None
    for note in notes:
        m = re.search(r"(\d+)\s*(types?|kinds?|种|类)", note)
        if m:
            count = int(m.group(1))
    whole = _concept(scheme, text)
    if whole:
        return [whole], count, []
    ids: list[str] = []
    unmapped: list[str] = []
    parts = [p.strip() for p in re.split(r"\s*(?:[+,;，、；&]|\band\b|\bor\b|和|与|或)\s*", text) if p.strip()]
    for part in parts:
        found = _concept(scheme, part)
        if not found and "/" in part:  # "Open/Closed QA" → "Open QA", "Closed QA"
            pieces = [p.strip() for p in part.split("/")]
            tail = pieces[-1].split(" ", 1)[1] if " " in pieces[-1] else ""
            mapped = [_concept(scheme, p if " " in p or not tail else f"{p} {tail}") for p in pieces]
            if all(mapped):
                ids += [m for m in mapped if m]
                continue
        if not found and " " in part:  # "QA Reasoning" → "QA", "Reasoning"
            mapped = [_concept(scheme, w) for w in part.split()]
            if all(mapped):
                ids += [m for m in mapped if m]
                continue
        if found:
            ids.append(found)
        else:
            unmapped.append(part)
    return list(dict.fromkeys(ids)), count, unmapped


_SIZE_PART = re.compile(
    r"^(?P<approx>~|≈|约|大约|近|about|approx\.?|approximately|over|more than|>|＞|超过|逾)?\s*"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>[kKmMbB万亿](?![a-zA-Z])|thousand\b|million\b|billion\b)?\s*"
    r"(?P<plus>\+|余|多)?\s*(?P<unit>.*)$"
)


def _unit(text: str, suffixes: bool = True) -> str | None:
    """The unit concept a size's words name: the words as they are, or their last words ("training samples"
    → samples, "训练样本" → 样本)."""
    text = re.sub(r"^(张|个|条|对|例|份|组)", "", text.strip())
    if not text:
        return None
    found = _concept("unit", text)
    if found:
        return found
    extra = _columns().get("count_units", {})
    for unit_id, words in extra.items():
        if _label_key(text) in {_label_key(w) for w in words}:
            return unit_id
    if not suffixes:
        return None
    words = text.split()
    for k in range(1, len(words)):
        found = _concept("unit", " ".join(words[k:]))
        if found:
            return found
    if re.search(r"[\u4e00-\u9fff]", text):
        for k in range(1, len(text)):
            found = _concept("unit", text[k:])
            if found:
                return found
    return None


def _size_part(part: str) -> dict | None:
    m = _SIZE_PART.match(part.strip())
    if not m:
        return None
    number = float(m.group("num").replace(",", ""))
    mult = (m.group("mult") or "").lower()
    if not number * _MULTIPLIERS[mult] < _MAX_COUNT:  # "1" × 50,000 is infinity as a float
        return None
    value = round(number * _MULTIPLIERS[mult])
    words, rest = m.group("unit").split(), ""
    unit = _unit(m.group("unit"), suffixes=False)
    for k in range(1, min(len(words) - 1, 3) + 1) if unit is None else ():  # "1,245 QA pairs spanning 7 tasks"
        unit = _unit(" ".join(words[:k]), suffixes=False) or (  # "12,601 chest X-ray cases with …"
            _unit(words[k - 1], suffixes=False) if k > 1 else None
        )
        if unit:
            rest = " ".join(words[k:])
            break
    unit = unit or _unit(m.group("unit"))  # "training samples" → samples
    if unit is None or value < 1:
        return None
    approximate = bool(m.group("approx") or m.group("plus")) or bool(mult and (number != int(number) or mult != ""))
    found = {"count": value, "unit": unit, **({"approximate": True} if approximate else {})}
    return {**found, "rest": rest} if rest else found


def _sizes(cell: str) -> tuple[list[dict], list[str]]:
    """Counts with units from a size cell ("1.81M frames, 7.79M QAs", "5M样本, 19K指令", "约2万张图像")."""
    counts: list[dict] = []
    unmapped: list[str] = []
    for part in re.split(r",\s+|，|;|；|、|\s+/\s+", _plain(cell)):
        part = part.strip()
        if not part:
            continue
        found = _size_part(part)
        if found is None:
            unmapped.append(part)
        else:
            counts.append(found)
    return counts, unmapped


_DATE = re.compile(r"^(?P<y>(?:19|20)\d\d)(?:[.\-/](?P<m>\d{1,2})(?:[.\-/](?P<d>\d{1,2}))?)?$")
_VENUE = re.compile(r"^(?P<venue>[^\d].*?)['’\s]+(?P<y>(?:19|20)\d\d)$")
_VENUE_GLUED = re.compile(r"^(?P<venue>[A-Za-z][A-Za-z\-&]{1,20}?)['’]?(?P<y>(?:19|20)\d\d)$")  # BIBM2025
_YEAR_VENUE = re.compile(r"^(?P<y>(?:19|20)\d\d)\s*(?P<venue>[A-Za-z][A-Za-z\-&]{1,20})$")  # 2025IJCAI
_SHORT_YEAR = re.compile(r"^(?P<venue>[A-Za-z][A-Za-z\-&]{1,20})\s*['’](?P<yy>\d\d)$")  # ECCV'20


def _date(cell: str) -> tuple[str | None, str | None]:
    """(published as YYYY[-MM[-DD]], venue) from a date or venue cell; (None, None) if it is neither.
    "2026.1.6" → 2026-01-06; "NeurIPS 2025", "BIBM2025", "2025IJCAI" → year + venue; "ECCV'20" → 2020 + ECCV 2020."""
    import datetime

    text = _plain(cell)
    m = _DATE.match(text)
    if m:
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        try:
            if d:
                return datetime.date(int(y), int(mo), int(d)).isoformat(), None
            if mo:
                datetime.date(int(y), int(mo), 1)
                return f"{y}-{int(mo):02d}", None
        except ValueError:
            return None, None
        return y, None
    m = _VENUE.match(text)
    if m:
        return m.group("y"), text
    for pattern in (_VENUE_GLUED, _YEAR_VENUE):
        m = pattern.match(text)
        if m:
            return m.group("y"), f"{m.group('venue')} {m.group('y')}"
    m = _SHORT_YEAR.match(text)
    if m:
        year = f"20{m.group('yy')}" if int(m.group("yy")) < 70 else f"19{m.group('yy')}"
        return year, f"{m.group('venue')} {year}"
    return None, None


_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def _latex_name(text: str) -> str | None:
    """A name written with inline LaTeX as plain Unicode ("M$^3$-Med" → "M³-Med"), or None when the LaTeX is
    more than super- and subscripts (then the name stays as written)."""
    if "$" not in text:
        return None

    def one(m: re.Match) -> str:
        body = m.group(1).strip()
        sup = re.fullmatch(r"\^\{?([0-9+\-=()n]+)\}?", body)
        if sup:
            return sup.group(1).translate(_SUPERSCRIPT)
        sub = re.fullmatch(r"_\{?([0-9+\-=()]+)\}?", body)
        if sub:
            return sub.group(1).translate(_SUBSCRIPT)
        raise ValueError(body)

    try:
        return re.sub(r"\$([^$]{1,40})\$", one, text)
    except ValueError:
        return None


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", _plain(name)).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    if len(re.sub(r"[^a-z]", "", slug)) < 3 and re.search(r"[\u3400-\u9fff]", name):  # a Chinese name: pinyin
        from pypinyin import lazy_pinyin

        spelled = " ".join(lazy_pinyin(unicodedata.normalize("NFKC", _plain(name))))
        text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    return f"{slug}-dataset" if slug in RESERVED_IDS else slug  # "CON" would be con.yaml, which Windows refuses


# --- import -------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One dataset as the list gives it, its languages and repeated rows merged."""

    name: str
    row: int
    line: int
    cells: dict[str, str] = field(default_factory=dict)  # role → cell (shared columns)
    by_lang: dict[str, dict[str, str]] = field(default_factory=dict)  # role → {lang: cell}
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (role of the column, label, url)
    counts: list[tuple[str, str]] = field(default_factory=list)  # (unit id, cell) from count columns
    flags: list[tuple[str, str]] = field(default_factory=list)  # (scheme, concept id) from ✓ cells
    section: str = ""  # the headings (and group row) the row sits under
    carried: dict[str, str] = field(default_factory=dict)  # role → cell carried down from the row above
    title_hint: str = ""  # a paper's title as the list writes it (title column, or the paper link's text)
    others: list[int] = field(default_factory=list)  # lines of further rows naming the same dataset
    first_cells: list[str] = field(default_factory=list)  # the first row's cells, to compare repeats with
    repeats: list[Entry] = field(default_factory=list)  # further rows of the same list naming the dataset


@dataclass
class ImportReport:
    source: str
    added: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    listed_again: list[dict] = field(
        default_factory=list
    )  # entries another list also lists: an also_listed item  # every table: line, headers, dataset table or not, why
    dry_run: bool = False

    def skip(self, line: int, kind: str, reason: str, **extra) -> None:
        self.skipped.append({"line": line, "kind": kind, "reason": reason, **extra})

    def note(self, line: int, kind: str, text: str) -> None:
        self.notes.append({"line": line, "kind": kind, "text": text})

    def skipped_by_kind(self) -> dict[str, int]:
        """How many tables and rows were not imported, by reason (cells kept with a warning are not counted)."""
        return dict(sorted(Counter(s["kind"] for s in self.skipped if not s.get("kept")).items()))

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "added": self.added,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "listed_again": self.listed_again,
            "skipped": self.skipped,
            "skipped_by_kind": self.skipped_by_kind(),
            "unmapped": self.unmapped,
            "notes": self.notes,
            "tables": self.tables,
        }

    def as_text(self) -> str:
        out = []
        verb = "would add" if self.dry_run else "added"
        for item in self.added:
            out.append(f"{verb} {item['file']} ({item['name']}, line {item['line']})")
        for item in self.changed:
            out.append(f"differs from the list: {item['file']} (left as it is)")
            out += [f"    {d}" for d in item["differences"]]
        for item in self.listed_again:
            verb_ = "would add" if self.dry_run else "added"
            out.append(f"{item['file']}: {verb_} this list as a further listing (also_listed), nothing else changed")
            out += [f"    this list says: {d}" for d in item["differences"]]
        for (field_, text), items in _grouped(self.unmapped, lambda u: (u["field"], u["text"])).items():
            closest = items[0]["closest"]
            hint = f" — closest: {', '.join(closest)}" if closest else ""
            if field_ in ("modality", "task"):
                fix = (
                    f'; if one fits, add "{text}" as its skos:altLabel in ontology/{field_}.ttl, or write '
                    f"`{field_}:` in the entry by hand"
                )
            elif field_ == "size":
                fix = "; the cell stays in listed.size — write `size: [{count: …, unit: …}]` by hand if it matters"
            else:
                fix = ""
            out.append(f'{self.source}:{_lines(items)} {field_}: no concept for "{text}"{hint}{fix}')
        for kind, items in _grouped(self.skipped, lambda s: s["kind"]).items():
            what = "tables" if kind.startswith("table") else "rows"
            kept = " (kept)" if all(s.get("kept") for s in items) else ""
            hint = f" — {items[0]['hint']}" if items[0].get("hint") else ""
            reason = items[0]["reason"] if len(items) == 1 else _KIND_TEXT.get(kind, items[0]["reason"])
            out.append(
                f"{self.source}:{_lines(items)} {len(items)} {what if len(items) > 1 else what[:-1]} "
                f"skipped{kept}: {reason}{hint}"
            )
        for _kind, items in _grouped(self.notes, lambda n: n["kind"]).items():
            for text, same in _grouped(items, lambda n: n["text"]).items():
                lines = [n for n in same if n["line"]]
                where = f"{self.source}:{_lines(lines)}" if lines else self.source
                count = f" ({len(same)} rows)" if len(same) > 1 else ""
                out.append(f"{where} note{count}: {text}")
        counts = ", ".join(f"{n} {k}" for k, n in self.skipped_by_kind().items())
        out.append(
            f"{len(self.added)} new, {len(self.changed)} differing, "
            + (f"{len(self.listed_again)} listed again, " if self.listed_again else "")
            + f"{len(self.unchanged)} unchanged, "
            f"{len([s for s in self.skipped if not s.get('kept')])} skipped" + (f" ({counts})" if counts else "")
        )
        return "\n".join(out) + "\n"


_KIND_TEXT = {
    "table-not-datasets": "tables that list something other than datasets",
    "table-no-name": "tables without a dataset name column",
    "table-no-facts": "tables whose columns say nothing about the datasets",
    "table-empty": "tables without rows",
    "table-hidden": "tables GitHub does not show",
    "table-too-wide": "tables too wide to be dataset tables",
    "row-no-name": "rows without a dataset name",
    "row-group": "group rows (a heading for the rows below, not a dataset)",
    "row-continued": "rows that continue the row above (a cell split over two lines)",
    "row-code": "rows whose name is code, not a dataset",
    "row-too-long": "rows with a cell too long to be read",
    "row-cells": "rows whose number of cells differs from the header",
    "row-control": "rows with invisible control characters",
    "link-refused": "links the catalog cannot hold",
    "duplicate": "rows naming a dataset listed above (one entry, the rows' differences noted)",
    "exists": "files that appeared during the import",
}


def _grouped(items: list[dict], key) -> dict:
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _lines(items: list[dict]) -> str:
    lines = sorted({i["line"] for i in items})
    shown = ",".join(str(n) for n in lines[:12])
    return shown + (f",…(+{len(lines) - 12})" if len(lines) > 12 else "")


@cache
def _header_index() -> dict[str, tuple[str, str]]:
    """Header key → (kind, value): ("role", name), ("subject", what), ("index", ""), ("known", "")."""
    spec = _columns()
    index: dict[str, tuple[str, str]] = {}
    for role, words in spec["roles"].items():
        for w in words:
            index.setdefault(_header_key(str(w)), ("role", role))
    for w in spec.get("index", []):
        index.setdefault(_header_key(str(w)) or "#", ("index", ""))
    for w in spec.get("known", []):
        index.setdefault(_header_key(str(w)), ("known", ""))
    return index


@cache
def _subject_index() -> dict[str, str]:
    return {_header_key(str(w)): what for what, words in _columns()["not_datasets"].items() for w in words}


def _count_unit(header: str) -> str | None:
    """The unit a count column counts ("# Subjects" → subject, "QA Pairs" → qa-pair, "影像数量" → image)."""
    spec = _columns()
    for form in _header_forms(header):
        text = form
        for prefix in sorted(spec.get("count_prefixes", []), key=len, reverse=True):
            p = _header_key(prefix) or "#"
            if text.startswith(p + " ") or (p == "#" and text.startswith("#")):
                text = text[len(p) :].strip()
        text = text.strip("# ")
        if not text:
            continue
        found = _concept("unit", text)
        for unit_id, words in spec.get("count_units", {}).items():
            if text in {_header_key(w) for w in words}:
                found = found or unit_id
        if found:
            return found
    return None


@dataclass
class Column:
    index: int
    header: str
    kind: str  # role | count | flag | index | known | unknown
    role: str = ""  # name, title, paper, date, venue, modality, task, size, links, description
    unit: str = ""  # for a count column
    concept: tuple[str, str] | None = None  # for a flag column: (scheme, id) the ✓ means


_FLAG_YES = None


def _flag_sets() -> tuple[set[str], set[str]]:
    spec = _columns()["flags"]
    return {str(x).casefold() for x in spec["checked"]}, {str(x).casefold() for x in spec["unchecked"]}


def _flag_value(cell: str) -> bool | None:
    """True for ✓/+/✅, False for ✗/-/empty, None when the cell is not a flag."""
    yes, no = _flag_sets()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", _plain(cell)).strip().casefold()  # "+ (unpaired)"
    if text in yes:
        return True
    if text in no:
        return False
    return None


def _columns_of(table: Table) -> list[Column]:
    index = _header_index()
    columns: list[Column] = []
    used: set[str] = set()
    for i, header in enumerate(table.headers[:MAX_COLUMNS]):
        cells = [row.cells[i] for row in table.rows if i < len(row.cells)]
        filled = [c for c in cells if _plain(c)]
        column = Column(i, header, "unknown")
        flags = [_flag_value(c) for c in filled]
        for form in _header_forms(header):
            hit = index.get(form)
            if hit:
                column.kind, column.role = hit
                break
        if column.kind == "role" and column.role in used and column.role not in ("links", "description", "paper"):
            column.kind = "known"  # a second name or date column: the first one counts
        if filled and all(f is not None for f in flags) and any(flags) and column.role != "name":
            concept = None
            for scheme in ("task", "modality"):
                for form in _header_forms(header):
                    found = _concept(scheme, form)
                    if found:
                        concept = (scheme, found)
                        break
                if concept:
                    break
            column = Column(i, header, "flag", concept=concept)
        elif column.kind == "unknown" or (column.kind == "role" and column.role == "size"):
            unit = _count_unit(header)
            if unit and column.kind == "unknown":
                column = Column(i, header, "count", unit=unit)
        if column.kind == "role":
            used.add(column.role)
            column.kind = "role"
        columns.append(column)
    return columns


def _words(text: str) -> set[str]:
    return set(_header_key(text).split())


def _section_says_not_datasets(sections: tuple[str, ...]) -> str | None:
    """What the innermost heading says the table lists, when that is not datasets ("models", "papers"…)."""
    spec = _columns()
    yes = {_header_key(w) for w in spec["section_datasets"]}
    for heading in reversed(sections[-1:]):
        key = _header_key(heading)
        words = set(key.split())
        if words & yes or any(w in key for w in yes if not w.isascii()):
            return None
        for what, terms in spec["section_not_datasets"].items():
            for term in terms:
                t = _header_key(term)
                if (t in words) or (" " in t and t in key) or (not t.isascii() and t in key):
                    return what
    return None


def _language(table: Table) -> str:
    text = " ".join(table.headers)
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def _classify(table: Table, report: ImportReport) -> list[Column] | None:
    """The table's columns when it is a dataset table; otherwise None, and the reason is reported."""
    headers = ", ".join(_plain(h) or "(empty)" for h in table.headers[:8]) + ("…" if len(table.headers) > 8 else "")
    record = {"line": table.line, "headers": headers, "section": " › ".join(table.sections), "rows": len(table.rows)}
    report.tables.append(record)

    def no(kind: str, reason: str, hint: str = "") -> None:
        record.update(datasets=False, reason=reason)
        report.skip(table.line, kind, reason, **({"hint": hint} if hint else {}))

    if len(table.headers) > MAX_COLUMNS:
        width = f"{len(table.headers):,}"
        no("table-too-wide", f"table has {width} columns; a dataset table has at most {MAX_COLUMNS}, so it is not read")
        return None
    columns = _columns_of(table)
    names = [c for c in columns if c.kind == "role" and c.role == "name"]
    first = _header_forms(table.headers[0]) if table.headers else []
    subjects = _subject_index()
    subject = next((subjects[f] for f in first if f in subjects), None)
    if not names:
        if subject:
            no(
                "table-not-datasets",
                f'a table of {subject} (its first column is "{_plain(table.headers[0])}"), not of datasets',
            )
        else:
            no(
                "table-no-name",
                f"table has no dataset name column (headers: {headers})",
                "a dataset table needs a column headed Dataset, Name, Benchmark, 数据集名称… (markdown_columns.yaml)",
            )
        return None
    if subject and names[0].index != 0:  # "Text Encoder | Year | Corpus": the rows are encoders, not corpora
        no(
            "table-not-datasets",
            f'a table of {subject} (its first column is "{_plain(table.headers[0])}"); its '
            f'"{_plain(names[0].header)}" column names what they use, not datasets of the list',
        )
        return None
    section = _section_says_not_datasets(table.sections)
    if section:
        no("table-not-datasets", f'the section "{table.sections[-1]}" lists {section}, not datasets')
        return None
    facts = [c for c in columns if c.kind in ("count", "flag") or (c.kind == "role" and c.role != "name")]
    if not facts:
        no(
            "table-no-facts",
            f"table has a name column but nothing that describes datasets (headers: {headers})",
            "a dataset table needs a link, paper, description, size, modality or task column beside the name",
        )
        return None
    if not table.rows:
        no("table-empty", "table has no rows")
        return None
    record.update(datasets=True, reason="")
    unread = [_plain(c.header) for c in columns if c.kind == "unknown" and _plain(c.header)]
    if unread:
        report.note(table.line, "columns-not-read", f"columns not read (no meaning known): {', '.join(unread)}")
    for c in columns:
        if c.kind == "flag" and c.concept is None:
            report.note(
                table.line,
                "flags-not-read",
                f'flag column "{_plain(c.header)}" names no modality or task concept; its ✓ marks stay unread',
            )
    return columns


_GROUP_MARK = re.compile(r"^\s*(\*\*|__|<b>|<strong>)(.+?)(\*\*|__|</b>|</strong>)\s*$", re.IGNORECASE)
_REF_MARK = re.compile(r"\s*(\[\d{1,3}\])+\s*$")
_TWO_NAMES = re.compile(r"\s+(?:and|&|/|\+|或|和)\s+", re.IGNORECASE)  # "CheXpert and CheXpertPlus"


def _name_and_links(cell: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The dataset's name in a name cell, the links the cell holds, and notes the cell adds in parentheses
    ("AFQMC ([直接下载](…))" → "AFQMC"; "[CT-ORG](./resources/CT-ORG.md)" → "CT-ORG")."""
    links = _links(cell)
    text = _BR.sub(" ", _IMAGE.sub(" ", cell))
    text = re.sub(r"(\*\*|__)", "", text)
    outside = _HTML_LINK.sub(" ", text)
    outside = _MD_LINK.sub(" ", outside)
    outside = _EMPTY_LINK.sub(" ", outside)
    notes: list[str] = []

    def drop_link_parens(m: re.Match) -> str:  # a parenthesis that held a link holds no part of the name
        inner = m.group(0)
        if _MD_LINK.search(inner) or _HTML_LINK.search(inner) or _EMPTY_LINK.search(inner) or _BARE_URL.search(inner):
            rest = _plain(_BARE_URL.sub(" ", _EMPTY_LINK.sub(" ", _MD_LINK.sub(" ", inner[1:-1])))).strip(" ，,;；")
            if rest:
                notes.append(rest)
            return " "
        return inner

    pattern = re.compile(r"[(（](?:[^()（）]|\([^()]*\)){0,2000}[)）]")
    stripped = pattern.sub(drop_link_parens, text)
    outside = _plain(_BARE_URL.sub(" ", _HTML_LINK.sub(" ", _EMPTY_LINK.sub(" ", _MD_LINK.sub(" ", stripped)))))
    outside = re.sub(r"[(（]\s*[)）]", " ", outside)
    outside = re.sub(r"\s+", " ", outside).strip(" ,，;；:：")
    if outside:
        name = outside
    else:
        name = " ".join(_plain(m.group(1)) for m in _MD_LINK.finditer(text)) or _plain(text)
    name = _REF_MARK.sub("", name).strip()
    return name, links, notes


def _is_code(cell: str) -> bool:
    text = cell.strip()
    return bool(re.fullmatch(r"(`[^`]+`\s*[/,]?\s*)+", text))


def read_entries(text: str, report: ImportReport) -> list[Entry]:
    """The datasets of every dataset table in ``text``, languages and repeated rows merged by name."""
    entries: dict[str, Entry] = {}
    order: list[str] = []
    loose: dict[str, str] = {}
    lines = text.splitlines()
    for first, last, what, end in _hidden_blocks(lines):
        starts = [first + k + 1 for k in _table_starts(lines[first : last + 1])]
        if not starts or what == "a fenced code block":
            continue
        if end in lines[last].lower():
            reason = f"the table at line {starts[0]} is inside {what} (lines {first + 1}-{last + 1}), which GitHub "
            report.skip(first + 1, "table-hidden", reason + "does not show as a table; not read")
        else:
            reason = f"{what} opened here is never closed, so GitHub shows no table after it; the table at line "
            hint = f"close it with `{end}` where it should end"
            report.skip(first + 1, "table-hidden", reason + f"{starts[0]} is not read", hint=hint)
    for table in parse_tables(text):
        columns = _classify(table, report)
        if columns is None:
            continue
        lang = _language(table)
        width = len(table.headers)
        name_col = next(c for c in columns if c.kind == "role" and c.role == "name")
        group = ""
        previous: list[str] | None = None
        position = 0
        for row in table.rows:
            cells = [_CONTROL.sub("", c) for c in row.cells]
            if cells != list(row.cells):  # a catalog file cannot hold them: the loader refuses the file
                reason = "invisible control characters (copied from a PDF or a terminal) removed from the row"
                report.skip(row.line, "row-control", reason, kept=True)
            longest = max((len(c) for c in cells), default=0)
            if longest > MAX_CELL:
                reason = f"a cell of {longest:,} characters; cells are at most {MAX_CELL:,}, so the row is not read"
                report.skip(row.line, "row-too-long", reason)
                continue
            if len(cells) != width:
                reason = f"{len(cells)} cells where the header has {width}; " + (
                    "missing cells taken as unknown" if len(cells) < width else "extra cells ignored"
                )
                report.skip(row.line, "row-cells", reason, kept=True)
                cells = (cells + [""] * width)[:width]
            name_cell = cells[name_col.index]
            filled = [i for i, c in enumerate(cells) if not _unknown(c)]
            if filled and len(filled) == 1 and _GROUP_MARK.match(cells[filled[0]]):
                group = _plain(cells[filled[0]])
                report.skip(row.line, "row-group", f'"{group}" is a group heading for the rows below, not a dataset')
                continue
            if _unknown(name_cell):
                report.skip(row.line, "row-no-name", "row without a dataset name")
                continue
            if _is_code(name_cell):
                report.skip(
                    row.line, "row-code", f"the name {_plain(name_cell)!r} is code (a class or function), not a dataset"
                )
                continue
            name, name_links, name_notes = _name_and_links(name_cell)
            others = [cells[i] for i in filled if i != name_col.index]
            if (
                previous is not None
                and re.fullmatch(r"[a-z]+", name)
                and len(others) <= 1
                and all(not _plain(_BARE_URL.sub(" ", _MD_LINK.sub(" ", c))) for c in others)
            ):
                report.skip(
                    row.line,
                    "row-continued",
                    f'"{name}" looks like the rest of the row above (a cell split over two lines), not a dataset',
                    hint="join the two lines in the list",
                )
                continue
            latex = _latex_name(name)
            plain_name = latex or name
            if not _slug(plain_name):
                report.skip(row.line, "row-no-name", f"row without a usable dataset name ({name!r})")
                continue
            position += 1
            sides = _TWO_NAMES.split(_without_notes(name)[0])
            if (
                (len(sides) > 1 and all(0 < len(side.split()) <= 2 for side in sides))
                or re.search(r"\d\s*/\s*\d", name)
                or (len(name_links) > 1 and re.search(r"\)\s*[,，、]\s*\[", name_cell))
            ):
                report.note(
                    row.line,
                    "two-names",
                    f'the name "{name}" may list more than one dataset; imported as one '
                    "entry — if they are separate datasets, split the file by hand",
                )
            key = _key(plain_name)
            entry = entries.get(key)
            if entry is None:
                if _loose_key(plain_name) in loose and loose[_loose_key(plain_name)] != key:
                    other = entries[loose[_loose_key(plain_name)]]
                    report.note(
                        row.line,
                        "look-alike",
                        f'"{plain_name}" and "{other.name}" (line {other.line}) differ '
                        "only by punctuation; kept as two datasets — if they are one, merge the files by hand",
                    )
                loose.setdefault(_loose_key(plain_name), key)
                entry = entries[key] = Entry(plain_name, position, row.line)
                entry.section = " › ".join([*table.sections, *([group] if group else [])])
                if latex:
                    entry.cells["latex"] = name
                order.append(key)
                fresh = True
            else:
                fresh = False
                same_lang = lang in {x for v in entry.by_lang.values() for x in v} or not entry.by_lang
                if same_lang or lang == "en":
                    report.skip(
                        row.line,
                        "duplicate",
                        f'"{name}" is listed above (line {entry.line}); one entry, the rows\' differences are noted',
                        kept=True,
                    )
                    entry.others.append(row.line)
            for note in name_notes:
                report.note(row.line, "name-note", f'"{note}" (in the name cell of {plain_name}) kept out of the name')
            if columns[0] is not name_col and _unknown(cells[0]) and previous is not None:
                cells[0] = previous[0]  # an empty first cell repeats the one above (a merged cell)
                entry.carried.setdefault(columns[0].role or columns[0].kind, previous[0])
            languages = {x for v in entry.by_lang.values() for x in v}
            if fresh:
                _take_row(entry, columns, cells, name_col, name_cell, name_links, lang)
            elif lang not in languages and languages:
                for column in columns:  # the same dataset in the list's other language: its cells in that language
                    if column.kind == "role" and column.role in ("modality", "task", "size", "description"):
                        entry.by_lang.setdefault(column.role, {}).setdefault(lang, cells[column.index])
            else:
                first = entry.first_cells
                differ = [
                    _plain(c.header)
                    for c in columns
                    if c.index < len(first) and _plain(first[c.index]) != _plain(cells[c.index]) and c is not name_col
                ]
                if differ:
                    report.note(
                        row.line,
                        "duplicate-differs",
                        f'"{name}" again (first at line {entry.line}) with '
                        f"other cells in: {', '.join(differ)}; the first row is the entry, this one a further listing "
                        "(also_listed, when --source-url gives the list)",
                    )
                repeat = Entry(plain_name, position, row.line)
                _take_row(repeat, columns, cells, name_col, name_cell, name_links, lang)
                entry.repeats.append(repeat)
            previous = cells
    return [entries[k] for k in order]


def _take_row(
    entry: Entry,
    columns: list[Column],
    cells: list[str],
    name_col: Column,
    name_cell: str,
    name_links: list[tuple[str, str]],
    lang: str,
) -> None:
    """The first row naming a dataset: its cells, links, counts and flags go to the entry."""
    entry.first_cells = list(cells)
    entry.cells["name"] = name_cell
    entry.links += [("name", label, url) for label, url in name_links]
    link_cells = []
    for column in columns:
        if column is name_col:
            continue
        cell = cells[column.index]
        if _unknown(cell):
            continue
        if column.kind == "count":
            entry.counts.append((column.unit, cell))
        elif column.kind == "flag":
            if column.concept and _flag_value(cell):
                entry.flags.append(column.concept)
        elif column.kind != "role":
            continue
        elif column.role in ("links", "paper"):
            link_cells.append(cell.strip())
            entry.links += [(column.role, label, url) for label, url in _links(cell)]
            if column.role == "paper" and not entry.title_hint:
                texts = [_plain(m.group(1)) for m in _MD_LINK.finditer(cell)]
                entry.title_hint = next((t for t in texts if _looks_like_title(t)), "")
        elif column.role == "title":
            entry.cells.setdefault("title", cell)
            entry.title_hint = _plain(cell)
            entry.links += [("paper", label, url) for label, url in _links(cell)]
        elif column.role in ("modality", "task", "size", "description"):
            entry.by_lang.setdefault(column.role, {}).setdefault(lang, cell)
        else:
            entry.cells.setdefault(column.role, cell)
    if link_cells:
        entry.cells["links"] = " ".join(dict.fromkeys(link_cells))


def _looks_like_title(text: str) -> bool:
    """A link's text that is a paper's title, not "arXiv", "link" or "Moon et al."."""
    words = text.split()
    return len(words) >= 4 and not re.search(r"\bet al\.?$", text) and not text.lower().startswith("http")


def _link_rule(url: str) -> tuple[str, dict] | None:
    """("paper" | "access", rule) for a URL by its host, or None for a host the rules do not know."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for kind in ("papers", "access"):
        for rule in _hosts()[kind]:
            if any(host == h or host.endswith("." + h) for h in rule["hosts"]):
                if rule.get("path") and not re.search(rule["path"], parts.path or "/"):
                    continue
                return ("paper" if kind == "papers" else "access"), rule
    return None


_PAPER_LABELS = {"paper", "papers", "pdf", "arxiv", "publication", "论文", "文章"}
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_DOI = re.compile(r"(?:dx\.)?doi\.org/(10\.\d{4,9}/[^\s?#]+)", re.IGNORECASE)


def _generic(label: str) -> bool:
    words = {_header_key(w) for w in _columns().get("generic_link_labels", [])}
    return not label or _header_key(label) in words or bool(re.fullmatch(r"\[?\d+\]?", label))


def _host_label(url: str) -> str:
    """A host no rule knows, as its registered name: "atp-modelzoo-sh.oss-cn-shanghai.aliyuncs.com" →
    "aliyuncs.com", "www.creatis.insa-lyon.fr" → "insa-lyon.fr", "openi.nlm.nih.gov" → "nih.gov"."""
    labels = (urlsplit(url).hostname or "").lower().split(".")
    short_second = len(labels) >= 3 and labels[-2] in ("co", "com", "ac", "edu", "gov", "org", "net", "or", "ne")
    keep = 3 if short_second else 2
    return ".".join(labels[-keep:]) or url


_DIMENSION = re.compile(r"^(?:[1-4]d|[1-4]-d)\s+", re.IGNORECASE)


def _mine(text: str) -> tuple[list[str], list[str], list[dict]]:
    """Modality ids, task ids and counts a free-text cell states unambiguously ("3D CT, 140 Cases, 6 Categories of
    Organ Segmentation" → ct; segmentation; 140 cases): each comma-separated part either maps whole, or ends in a
    task's name; anything else is left as text."""
    modality: list[str] = []
    task: list[str] = []
    counts: list[dict] = []
    for part in re.split(r",\s*|，|;|；|、", _plain(text)):
        part = part.strip(" .。")
        if not part or len(part) > 80:
            continue
        size = _size_part(part)
        if size and "rest" not in size:
            counts.append(size)
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
    return modality, task, counts


def _section_concepts(section: str) -> tuple[list[str], list[str]]:
    """Modality and task ids the section headings name ("Chest X-ray", "Image Segmentation", "病理")."""
    modality: list[str] = []
    task: list[str] = []
    for heading in section.split(" › "):
        text = re.sub(r"\s*\(\d+\)\s*$", "", _plain(heading)).strip()  # "Retina (52)"
        text = re.sub(r"\b(datasets?|data|benchmarks?)\b|数据集", "", text, flags=re.IGNORECASE).strip(" -:：")
        if not text:
            continue
        for scheme, found_ids in (("modality", modality), ("task", task)):
            found = _concept(scheme, text)
            if found:
                found_ids.append(found)
                continue
            ids, _, unmapped = _concepts(scheme, text)
            if ids and not unmapped:
                found_ids += ids
    return modality, task


def _entry_document(entry: Entry, source_url: str | None, report: ImportReport, version: str | None = None) -> dict:
    doc: dict = {"id": _slug(entry.name), "name": entry.name}
    listed: dict = {"name": entry.cells.get("name", entry.name).strip(), "row": entry.row}
    if version:
        listed["version"] = version
    for role in ("title", "date", "links"):
        cell = entry.cells.get(role)
        if cell is not None and not _unknown(cell):
            listed[role] = cell.strip()
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
    for unit, cell in entry.counts:
        text = _plain(cell)
        m = re.fullmatch(r"(~|≈|约|>|＞|over )?\s*(\d[\d,]*(?:\.\d+)?)\s*([kKmM万]?)\s*(\+)?", text)
        if m:
            number = float(m.group(2).replace(",", "")) * _MULTIPLIERS[m.group(3).lower()]
            if 1 <= number < _MAX_COUNT and not any(c["unit"] == unit for c in size):
                approximate = bool(m.group(1) or m.group(4) or m.group(3))
                size.append({"count": round(number), "unit": unit, **({"approximate": True} if approximate else {})})
                derive("size", "counts")
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
    access, papers = _classified_links(entry, report)
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
    return doc


_LISTING_KEYS = ("source", "version", "row", "name", "title", "date", "links", "modality", "task", "size")


def _classified_links(entry: Entry, report: ImportReport) -> tuple[list[dict], list[str]]:
    """The entry's links as access points (labelled from the host when the list's text says nothing) and paper
    URLs, each URL once; links the catalog cannot hold are reported."""
    access: list[dict] = []
    papers: list[str] = []
    seen: set[str] = set()
    labels: Counter = Counter()
    for role, label, url in entry.links:
        if url in seen:
            continue
        seen.add(url)
        problem = url_problem(url)  # a file the import writes must pass validate
        if problem:
            reason = f"a link is left out of access (the cell stays in listed): {problem}"
            report.skip(entry.line, "link-refused", reason, kept=True)
            continue
        rule = _link_rule(url)
        if rule and rule[0] == "paper":
            papers.append(url)
            continue
        if (role == "paper" and rule is None) or _header_key(label) in _PAPER_LABELS:  # "[paper](…pdf)"
            papers.append(url)
            continue
        if role == "name" and _generic(label) is False and rule is None:
            label = "Website"
        if _generic(label) or role == "name":
            label = rule[1]["label"] if rule else _host_label(url)
        point = {"label": label, "url": url}  # the platform is found from the host when the file is read
        labels[label] += 1
        access.append(point)
    return access, papers


def _yaml_text(doc: dict, source: str) -> str:
    header = f"# {doc['name']} — imported from {source} by medvlm-kg import-markdown; format: docs/data-format.md\n"
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)


def _differences(existing: dict, new: dict) -> list[str]:
    """What the list now says differently from a curator's entry (listed cells and access links)."""
    diffs: list[str] = []
    old_listed, new_listed = existing.get("listed") or {}, new["listed"]
    for role in ("title", "date", "links"):
        if old_listed.get(role) != new_listed.get(role):
            diffs.append(f"listed.{role}: {old_listed.get(role)!r} → {new_listed.get(role)!r}")
    for role in ("modality", "task", "size"):
        old, now = old_listed.get(role) or {}, new_listed.get(role) or {}
        for lang in sorted(set(old) | set(now)):
            if old.get(lang) != now.get(lang):
                diffs.append(f"listed.{role}.{lang}: {old.get(lang)!r} → {now.get(lang)!r}")
    old_urls = {a.get("url") for a in existing.get("access") or [] if isinstance(a, dict)}
    for point in new.get("access", []):
        if point["url"] not in old_urls:
            diffs.append(f"new link: {point['label']} {point['url']}")
    return diffs


def _create_new(path: Path, text: str) -> bool:
    """Write a new file whole or not at all, and never over an existing one (hard link into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def _write_new(target: Path, text: str, report: ImportReport) -> bool:
    """``_create_new``, with a failed write (a read-only folder, a full disk) as a ``CatalogError``."""
    try:
        return _create_new(target, text)
    except OSError as error:
        done = f"the {len(report.added)} files added before it are kept" if report.added else "nothing was written"
        raise CatalogError(
            Problem(
                str(target),
                None,
                "--data",
                f"cannot write the new file ({error.strerror}); {done}",
                "make the datasets folder writable (or free disk space), then import again",
            )
        ) from None


def _read_source(source: Path) -> tuple[bytes, int]:
    """The file's first ``MAX_BYTES + 1`` bytes and its size. A pipe or a device is refused before reading:
    a FIFO would wait forever for a writer and /dev/zero would fill the memory."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        message = f"cannot read the file ({error.strerror})"
        raise CatalogError(Problem(str(source), None, "", message, "check the path")) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            message = "is not a regular file (a folder, a pipe or a device), so it is not read"
            raise CatalogError(Problem(str(source), None, "", message, "pass a Markdown file such as README.md"))
        try:
            raw = handle.read(MAX_BYTES + 1)
        except OSError as error:
            message = f"cannot read the file ({error.strerror})"
            raise CatalogError(Problem(str(source), None, "", message, "check the path")) from None
    return raw, max(info.st_size, len(raw))


def _existing(data_dir: Path) -> tuple[dict[str, tuple[Path, dict]], dict[str, str]]:
    """Entries already in the catalog: by id, and an index from listed/visible names to ids."""
    by_id: dict[str, tuple[Path, dict]] = {}
    names: dict[str, str] = {}
    folder = data_dir / "datasets"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            doc = None
        doc = doc if isinstance(doc, dict) else {}
        by_id[path.stem] = (path, doc)
        listed = doc.get("listed") if isinstance(doc.get("listed"), dict) else {}
        for name in (doc.get("name"), listed.get("name")):
            if isinstance(name, str):
                names.setdefault(_key(name), path.stem)
    return by_id, names


def _catalog_readme(data_dir: Path) -> str | None:
    try:
        doc = yaml.safe_load((data_dir / "catalog.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    source = doc.get("source") if isinstance(doc, dict) else None
    return source.get("readme") if isinstance(source, dict) and isinstance(source.get("readme"), str) else None


@cache
def _listing_model() -> bool:
    """Whether the catalog format has `also_listed` (a dataset's listings in other lists)."""
    import json

    from medvlm_kg.resources import ontology_dir

    schema = json.loads((ontology_dir() / "dataset.schema.json").read_text(encoding="utf-8"))
    return "also_listed" in schema.get("properties", {})


def _other_listing(existing: dict, doc: dict, catalog_readme: str | None) -> dict | None:
    """The new list's listing of a dataset the catalog has from another list, as an `also_listed` item; None when
    the lists are the same (or unknown), or the format has no `also_listed`."""
    listed = doc["listed"]
    new_source = listed.get("source")
    old_listed = existing.get("listed") if isinstance(existing.get("listed"), dict) else {}
    old_source = old_listed.get("source") or catalog_readme
    if not new_source or not old_source or _same_list(new_source, old_source) or not _listing_model():
        return None
    return {key: listed[key] for key in _LISTING_KEYS if key in listed}


def _same_list(a: str, b: str) -> bool:
    """Two URLs of one list: the same file at any commit or branch (…/blob/<ref>/README.md)."""
    strip = re.compile(r"/(?:blob|tree|raw)/[^/]+/")
    return strip.sub("/", a.rstrip("/")) == strip.sub("/", b.rstrip("/"))


def _append_listing(path: Path, item: dict) -> bool:
    """Add ``item`` to the file's `also_listed` (made at the end if absent), leaving every other line as the
    curator wrote it; False when the file changed meanwhile or would not read back as before plus the item."""
    try:
        before = path.read_bytes()
        text = before.decode("utf-8")
        doc = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    dumped = yaml.safe_dump([item], allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)
    block = "".join("  " + line + "\n" for line in dumped.splitlines())
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^also_listed\s*:\s*(#.*)?$", line)), None)
    if start is None:
        new_text = text + ("" if text.endswith("\n") else "\n") + "also_listed:\n" + block
    else:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
            end += 1
        new_text = "".join(lines[:end]) + block + "".join(lines[end:])
    expected = dict(doc)
    expected["also_listed"] = [*(doc.get("also_listed") or []), item]
    try:
        if yaml.safe_load(new_text) != expected:
            return False
    except yaml.YAMLError:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_text)
        os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        if path.read_bytes() != before:
            return False
        os.replace(tmp, path)
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def import_markdown(
    source: Path | str,
    data_dir: Path | str,
    *,
    dry_run: bool = False,
    source_url: str | None = None,
    version: str | None = None,
) -> ImportReport:
    """Read the dataset tables of a Markdown file into ``data_dir``: add new entries, report differences."""
    source, data_dir = Path(source), Path(data_dir)
    raw, size = _read_source(source)
    if size > MAX_BYTES:
        raise CatalogError(
            Problem(str(source), None, "", f"file is {size:,} bytes", f"split it; the limit is {MAX_BYTES:,} bytes")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[error.start]:02X})"
        raise CatalogError(Problem(str(source), line, "", message, "save the file as UTF-8")) from None
    report = ImportReport(str(source), dry_run=dry_run)
    entries = read_entries(text, report)
    if not entries:  # the wrong file, or tables the import cannot read: say why, and write nothing
        if not report.skipped:
            report.skip(1, "table-none", "no table found")
        problems = [
            Problem(str(source), s["line"], "", s["reason"], s.get("hint", ""))
            for s in report.skipped
            if not s.get("kept")
        ]
        problems.append(
            Problem(
                str(source),
                None,
                "",
                "no dataset rows to import",
                "the import reads Markdown tables whose header has a name column (Name, Dataset, 数据集名称…) "
                "and at least one more (title, date, link, size…), one row per dataset",
            )
        )
        raise CatalogError(problems)
    by_id, names = _existing(data_dir)
    folder = data_dir / "datasets"
    if folder.exists() and not folder.is_dir():
        raise CatalogError(
            Problem(
                str(folder),
                None,
                "--data",
                "is not a folder, so no dataset file can be written into it",
                "move that file away (datasets/ holds one YAML file per dataset), or pass another folder with --data",
            )
        )
    if not (data_dir / "catalog.yaml").is_file():
        report.note(
            0,
            "no-catalog",
            f"{data_dir} has no catalog.yaml, so validate and build cannot read it yet — run "
            f'`medvlm-kg init {data_dir} --title "…" --publisher "…"` to make one',
        )
    taken = set(by_id)
    catalog_readme = _catalog_readme(data_dir)
    for entry in track(entries, "importing", unit="row"):
        doc = _entry_document(entry, source_url, report, version or _version_in(source_url))
        existing_id = names.get(_key(entry.name)) or (doc["id"] if doc["id"] in by_id else None)
        if existing_id:
            path, existing = by_id[existing_id]
            listing = _other_listing(existing, doc, catalog_readme)
            if listing is not None:  # the dataset is in another list too: add that listing, change nothing else
                known = [a for a in existing.get("also_listed") or [] if isinstance(a, dict)]
                if any(a.get("source") == listing["source"] for a in known):
                    report.unchanged.append(existing_id)
                elif dry_run or _append_listing(path, listing):
                    report.listed_again.append(
                        {
                            "file": str(path),
                            "id": existing_id,
                            "source": listing["source"],
                            "row": listing.get("row"),
                            "differences": _differences(existing, doc),
                        }
                    )
                else:
                    report.skip(entry.line, "exists", f"{path} changed during the import; its listing is not added")
                continue
            diffs = _differences(existing, doc)
            if diffs:
                report.changed.append({"file": str(path), "id": existing_id, "differences": diffs})
            else:
                report.unchanged.append(existing_id)
            continue
        base_id, n = doc["id"], 2
        while doc["id"] in taken:
            doc["id"] = f"{base_id}-{n}"
            n += 1
        taken.add(doc["id"])
        target = data_dir / "datasets" / f"{doc['id']}.yaml"
        item = {"file": str(target), "id": doc["id"], "name": entry.name, "row": entry.row, "line": entry.line}
        if dry_run:
            report.added.append(item)
        elif _write_new(target, _yaml_text(doc, source.name), report):
            report.added.append(item)
        else:
            report.skip(entry.line, "exists", f"{target} appeared meanwhile; left untouched")
    return report


def _version_in(url: str | None) -> str | None:
    """The commit a list's URL names (…/blob/<sha>/README.md), if any."""
    m = re.search(r"/(?:blob|tree|raw)/([0-9a-f]{7,40})/", url or "")
    return m.group(1) if m else None
