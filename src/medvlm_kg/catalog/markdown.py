"""Awesome-list tables in and out: read a README's dataset tables into catalog entries, write the table back.

Import never touches a curator's file: new datasets become new YAML files (created whole or not at all), and
for datasets already in the catalog it only reports how the list differs. Real lists are messy, so every
table and row it cannot use is reported with the reason, and no table makes it crash. Export reads the built
graph (the listed cells, in the list's row order), not the YAML.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.load import RESERVED_IDS, url_problem
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.runtime.progress import track

__all__ = ["Table", "ImportReport", "parse_tables", "read_entries", "import_markdown"]

MAX_BYTES = 20_000_000
MAX_COLUMNS = 64
MAX_CELL = 10_000  # characters; a real cell holds a few hundred
_MAX_NESTING = 10
_MAX_COUNT = 10**15
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "万": 10_000, "亿": 100_000_000}


@cache
def columns() -> dict:
    return yaml.safe_load((Path(__file__).parent / "markdown_columns.yaml").read_text(encoding="utf-8"))


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


def _hidden_blocks(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """HTML comments and ``<pre>``, ``<script>``, ``<style>``, ``<textarea>`` blocks, whose lines GitHub never
    shows as a table: (first line, last line, what, end marker), 0-based. One never closed runs to the end of
    the file, as on GitHub; then its last line does not hold the end marker."""
    blocks: list[tuple[int, int, str, str]] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].lstrip(" ")
        raw = _RAW_BLOCK.match(lines[i])
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


def parse_tables(text: str) -> list[Table]:
    """Every GitHub-flavoured Markdown table in ``text`` (header, delimiter line, body rows); tables inside HTML
    comments and raw HTML blocks are not tables on GitHub, so they are not read."""
    lines = text.splitlines()
    for first, last, _, _ in _hidden_blocks(lines):
        lines[first : last + 1] = [""] * (last + 1 - first)
    tables: list[Table] = []
    i = 0
    while i < len(lines) - 1:
        if "|" in lines[i] and _DELIMITER.match(lines[i + 1]) and "-" in lines[i + 1]:
            headers = tuple(_split_row(lines[i]))
            rows: list[Row] = []
            j = i + 2
            while j < len(lines) and lines[j].strip() and "|" in lines[j]:
                rows.append(Row(j + 1, tuple(_split_row(lines[j]))))
                j += 1
            tables.append(Table(i + 1, headers, tuple(rows)))
            i = j
        else:
            i += 1
    return tables


# --- cells --------------------------------------------------------------------------------------------------

# Every repetition is bounded: unbounded ones backtrack quadratically on cells such as "[a](" × 20,000, which
# took minutes (a list written by a stranger must not hang the import).
_MD_LINK = re.compile(r"\[([^\]]{0,1000})\]\(\s*<?([^)\s>]{1,2048})>?(?:\s+\"[^\"]{0,1000}\")?\s*\)")
_HTML_LINK = re.compile(  # an <a> never closed runs to the end of the cell, as in a browser
    r"<a\s[^>]{0,500}?href\s*=\s*[\"']([^\"']{1,2048})[\"'][^>]{0,500}>(.{0,2000}?)(?:</a\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_BARE_URL = re.compile(r"(?<![(\"'<])\bhttps?://[^\s<>()\[\]|\"']+")
_TAG = re.compile(r"<[^>]{0,500}>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # what catalog.py refuses in a value


def _plain(cell: str) -> str:
    """A cell as text: links become their labels, tags and emphasis go, entities are decoded."""
    text = _BR.sub(" ", cell)
    text = _HTML_LINK.sub(lambda m: m.group(2), text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    text = re.sub(r"(\*\*|__|`|~~)", "", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def _unknown(cell: str) -> bool:
    return _plain(cell) in ("", "-", "–", "—", "N/A", "n/a", "NA", "?", "/", "无", "暂无")


def _links(cell: str) -> list[tuple[str, str]]:
    """(label, url) for each link in a cell: Markdown, HTML and bare URLs; only http(s)."""
    found: list[tuple[str, str]] = []
    for m in _HTML_LINK.finditer(cell):
        found.append((_plain(m.group(2)) or "link", html.unescape(m.group(1)).strip()))
    rest = _HTML_LINK.sub(" ", cell)
    for m in _MD_LINK.finditer(rest):
        found.append((_plain(m.group(1)) or "link", m.group(2).strip()))
    rest = _MD_LINK.sub(" ", rest)
    for m in _BARE_URL.finditer(rest):
        found.append(("link", m.group(0).rstrip(".,;")))
    seen: set[str] = set()
    result = []
    for label, url in found:
        if re.match(r"https?://[^\s/]+\.[^\s/]+", url) and url not in seen and not re.search(r"\s", url):
            seen.add(url)
            result.append((label, url))
    return result


def _key(text: str) -> str:
    """A header or name as a comparison key: case, emoji, spaces and punctuation do not matter."""
    text = unicodedata.normalize("NFKC", _plain(text)).casefold()
    return "".join(ch for ch in text if ch.isalnum() or ch == "/").strip("/")


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
    r"^(?P<approx>~|≈|约|about|approx\.?|over|more than|>|＞|超过)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<mult>[kKmMbB万亿](?![a-zA-Z]))?\+?\s*(?P<unit>.*)$"
)


def _sizes(cell: str) -> tuple[list[dict], list[str]]:
    """Counts with units from a size cell ("1.81M frames, 7.79M QAs", "5M样本, 19K指令", "约2万张图像")."""
    counts: list[dict] = []
    unmapped: list[str] = []
    for part in re.split(r",\s+|，|;|；|、|\s+/\s+", _plain(cell)):
        part = part.strip()
        if not part:
            continue
        m = _SIZE_PART.match(part)
        if not m:
            unmapped.append(part)
            continue
        number = float(m.group("num").replace(",", ""))
        mult = (m.group("mult") or "").lower()
        if not number * _MULTIPLIERS[mult] < _MAX_COUNT:  # "1" × 50,000 is infinity as a float
            unmapped.append(part)
            continue
        value = round(number * _MULTIPLIERS[mult])
        unit_text = re.sub(r"^(张|个|条|对|例)", "", m.group("unit").strip())
        unit = _concept("unit", unit_text) if unit_text else None
        if unit is None or value < 1:
            unmapped.append(part)
            continue
        approximate = bool(m.group("approx")) or bool(mult and (number != int(number) or mult in "kmb万亿"))
        counts.append({"count": value, "unit": unit, **({"approximate": True} if approximate else {})})
    return counts, unmapped


_DATE = re.compile(r"^(?P<y>(?:19|20)\d\d)(?:[.\-/](?P<m>\d{1,2})(?:[.\-/](?P<d>\d{1,2}))?)?$")
_VENUE = re.compile(r"^(?P<venue>[^\d].*?)['’\s]+(?P<y>(?:19|20)\d\d)$")


def _date(cell: str) -> tuple[str | None, str | None]:
    """(published as YYYY[-MM[-DD]], venue) from a date or venue cell; (None, None) if it is neither."""
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
    return None, None


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", _plain(name)).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    return f"{slug}-dataset" if slug in RESERVED_IDS else slug  # "CON" would be con.yaml, which Windows refuses


# --- import -------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One dataset as the list gives it, both languages merged."""

    name: str
    row: int
    line: int
    cells: dict[str, str] = field(default_factory=dict)  # role → cell (shared columns)
    by_lang: dict[str, dict[str, str]] = field(default_factory=dict)  # role → {lang: cell}


@dataclass
class ImportReport:
    source: str
    added: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "added": self.added,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "skipped": self.skipped,
            "unmapped": self.unmapped,
        }

    def as_text(self) -> str:
        out = []
        verb = "would add" if self.dry_run else "added"
        for item in self.added:
            out.append(f"{verb} {item['file']} ({item['name']}, row {item['row']})")
        for item in self.changed:
            out.append(f"differs from the list: {item['file']} (left as it is)")
            out += [f"    {d}" for d in item["differences"]]
        for item in self.unmapped:
            hint = f" — closest: {', '.join(item['closest'])}" if item["closest"] else ""
            out.append(f'{self.source}:{item["line"]} {item["field"]}: no concept for "{item["text"]}"{hint}')
        for item in self.skipped:
            hint = f" — {item['hint']}" if item.get("hint") else ""
            out.append(f"{self.source}:{item['line']} skipped: {item['reason']}{hint}")
        out.append(
            f"{len(self.added)} new, {len(self.changed)} differing, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped"
        )
        return "\n".join(out) + "\n"


def _roles(headers: tuple[str, ...]) -> dict[int, str]:
    names = columns()
    lookup = {_key(alias): role for role in names if role != "export" for alias in names[role]}
    roles: dict[int, str] = {}
    for i, header in enumerate(headers[:MAX_COLUMNS]):
        role = lookup.get(_key(header))
        if role and role not in roles.values():
            roles[i] = role
    return roles


def _language(table: Table) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for h in table.headers for ch in h) else "en"


def read_entries(text: str, report: ImportReport) -> list[Entry]:
    """The datasets of every dataset table in ``text``, English and Chinese rows merged by name."""
    entries: dict[str, Entry] = {}
    order: list[str] = []
    lines = text.splitlines()
    for first, last, what, end in _hidden_blocks(lines):
        starts = [first + k + 1 for k in _table_starts(lines[first : last + 1])]
        if not starts:
            continue
        if end in lines[last].lower():
            reason = f"the table at line {starts[0]} is inside {what} (lines {first + 1}-{last + 1}), which GitHub "
            report.skipped.append({"line": first + 1, "reason": reason + "does not show as a table; not read"})
        else:
            reason = f"{what} opened here is never closed, so GitHub shows no table after it; the table at line "
            hint = f"close it with `{end}` where it should end"
            report.skipped.append({"line": first + 1, "reason": reason + f"{starts[0]} is not read", "hint": hint})
    for table in parse_tables(text):
        if len(table.headers) > MAX_COLUMNS:
            width = f"{len(table.headers):,}"
            reason = f"table has {width} columns; a dataset table has at most {MAX_COLUMNS}, so it is not read"
            report.skipped.append({"line": table.line, "reason": reason})
            continue
        roles = _roles(table.headers)
        if "name" not in roles.values() or len(roles) < 2:
            report.skipped.append(
                {"line": table.line, "reason": "table has no dataset columns (name plus title, link, size…)"}
            )
            continue
        if not table.rows:
            report.skipped.append({"line": table.line, "reason": "table has no rows"})
            continue
        lang = _language(table)
        width = len(table.headers)
        for position, row in enumerate(table.rows, start=1):
            cells = [_CONTROL.sub("", c) for c in row.cells]
            if cells != list(row.cells):  # a catalog file cannot hold them: the loader refuses the file
                reason = "invisible control characters (copied from a PDF or a terminal) removed from the row"
                report.skipped.append({"line": row.line, "reason": reason, "kept": True})
            longest = max((len(c) for c in cells), default=0)
            if longest > MAX_CELL:
                reason = f"a cell of {longest:,} characters; cells are at most {MAX_CELL:,}, so the row is not read"
                report.skipped.append({"line": row.line, "reason": reason})
                continue
            if len(cells) != width:
                report.skipped.append(
                    {
                        "line": row.line,
                        "reason": f"{len(cells)} cells where the header has {width}; "
                        + ("missing cells taken as unknown" if len(cells) < width else "extra cells ignored"),
                        "kept": True,
                    }
                )
                cells = (cells + [""] * width)[:width]
            by_role = {role: cells[i] for i, role in roles.items()}
            name_cell = by_role.get("name", "")
            name = _plain(name_cell)
            if _unknown(name_cell) or not _slug(name):
                report.skipped.append({"line": row.line, "reason": "row without a dataset name"})
                continue
            key = _key(name)
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = Entry(name, position, row.line)
                order.append(key)
            for role, cell in by_role.items():
                if role in ("modality", "task", "size"):
                    entry.by_lang.setdefault(role, {}).setdefault(lang, cell)
                elif role not in entry.cells or (lang == "en" and _unknown(entry.cells[role])):
                    entry.cells[role] = cell
    return [entries[k] for k in order]


def _entry_document(entry: Entry, source_url: str | None, report: ImportReport) -> dict:
    doc: dict = {"id": _slug(entry.name), "name": entry.name}
    listed: dict = {"name": entry.cells.get("name", entry.name).strip(), "row": entry.row}
    for role in ("title", "date", "links"):
        cell = entry.cells.get(role)
        if cell is not None and not _unknown(cell):
            listed[role] = cell.strip()
    for role in ("modality", "task", "size"):
        cells = sorted(entry.by_lang.get(role, {}).items())
        values = {lang: cell.strip() for lang, cell in cells if not _unknown(cell)}
        if values:
            listed[role] = values
    if source_url:
        listed["source"] = source_url
    doc["listed"] = listed
    published, venue = _date(entry.cells.get("date", "")) if "date" in listed else (None, None)
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
    if venue:
        doc["venue"] = venue
    for role, scheme in (("modality", "modality"), ("task", "task")):
        cells = listed.get(role, {})
        cell = cells.get("en") or cells.get("zh")
        if not cell:
            continue
        ids, count, unmapped = _concepts(scheme, cell)
        if ids:
            doc[role] = ids
        if count and role == "modality":
            doc["modality_count"] = count
        for part in unmapped:
            report.unmapped.append({"line": entry.line, "field": role, "text": part, "closest": _closest(scheme, part)})
    cells = listed.get("size", {})
    if cells:
        counts, unmapped = _sizes(cells.get("en") or cells.get("zh"))
        if counts:
            doc["size"] = counts
        for part in unmapped:
            report.unmapped.append({"line": entry.line, "field": "size", "text": part, "closest": []})
    links = []
    for label, url in _links(entry.cells.get("links", "")):
        problem = url_problem(url)  # a file the import writes must pass validate
        if problem:
            reason = f"a link is left out of access (the cell stays in listed.links): {problem}"
            report.skipped.append({"line": entry.line, "reason": reason, "kept": True})
        else:
            links.append((label, url))
    if links:
        doc["access"] = [{"label": label, "url": url} for label, url in links]
    return doc


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


def import_markdown(
    source: Path | str, data_dir: Path | str, *, dry_run: bool = False, source_url: str | None = None
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
            report.skipped.append({"line": 1, "reason": "no table found"})
        problems = [Problem(str(source), s["line"], "", s["reason"], s.get("hint", "")) for s in report.skipped]
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
    taken = set(by_id)
    for entry in track(entries, "importing", unit="row"):
        doc = _entry_document(entry, source_url, report)
        existing_id = names.get(_key(entry.name)) or (doc["id"] if doc["id"] in by_id else None)
        if existing_id:
            path, existing = by_id[existing_id]
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
            report.skipped.append({"line": entry.line, "reason": f"{target} appeared meanwhile; left untouched"})
    return report
