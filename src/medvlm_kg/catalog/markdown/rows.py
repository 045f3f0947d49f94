"""The datasets of a file's dataset tables: each row read into an ``Entry`` (its cells by role, links, counts, ✓
flags, section), group, continued and duplicate rows recognised, and the same dataset in the list's other
language or listed again merged into one entry."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from medvlm_kg.catalog.markdown.cells import _BARE_URL, _CONTROL, _MD_LINK, _links, _plain, _relative_links, _unknown
from medvlm_kg.catalog.markdown.headers import Column, _classify, _flag_value, _header_key, table_language
from medvlm_kg.catalog.markdown.names import (
    _is_code,
    _latex_name,
    _loose_key,
    _name_and_links,
    name_key,
    slug,
)
from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.catalog.markdown.tables import _hidden_blocks, _table_starts, parse_tables
from medvlm_kg.catalog.markdown.values import _without_notes

MAX_CELL = 10_000  # characters; a real cell holds a few hundred


@dataclass
class Entry:
    """One dataset as the list gives it, its languages and repeated rows merged."""

    name: str
    row: int
    line: int
    cells: dict[str, str] = field(default_factory=dict)  # role → cell (shared columns)
    by_lang: dict[str, dict[str, str]] = field(default_factory=dict)  # role → {lang: cell}
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (role of the column, label, url)
    relative: list[tuple[str, str]] = field(default_factory=list)  # (label, path) of links to the list's own files
    # count columns' cells: (unit id, the table's language, header, cell)
    counts: list[tuple[str, str, str, str]] = field(default_factory=list)
    flags: list[tuple[str, str]] = field(default_factory=list)  # (scheme, concept id) from ✓ cells
    section: str = ""  # the headings (and group row) the row sits under
    carried: dict[str, str] = field(default_factory=dict)  # role → cell carried down from the row above
    title_hint: str = ""  # a paper's title as the list writes it (title column, or the paper link's text)
    others: list[int] = field(default_factory=list)  # lines of further rows naming the same dataset
    first_cells: dict[str, str] = field(default_factory=dict)  # the first row's cells by header, to compare repeats
    repeats: list[Entry] = field(default_factory=list)  # further rows of the same list naming the dataset
    lang: str = ""  # the language of the table the first row is in
    # the same row in the list's table of another language: its shared cells (name, title, date, links) and number
    translated: dict[str, dict[str, str]] = field(default_factory=dict)  # lang → role → cell
    rows_by_lang: dict[str, int] = field(default_factory=dict)  # lang → the row's number in that table


_GROUP_MARK = re.compile(r"^\s*(\*\*|__|<b>|<strong>)(.+?)(\*\*|__|</b>|</strong>)\s*$", re.IGNORECASE)
_TWO_NAMES = re.compile(r"\s+(?:and|&|/|\+|或|和)\s+", re.IGNORECASE)  # "CheXpert and CheXpertPlus"


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
        lang = table_language(table)
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
                extra = len(cells) - width
                if extra == 1 and not cells[-2].strip() and cells[-1].strip():  # "| felm | [felm](…)| | FELM is …"
                    cells = cells[:-2] + cells[-1:]  # a stray "|" before the last cell: that cell is the last column's
                    reason = (
                        f"{width + extra} cells where the header has {width}; the empty one before the last left out"
                    )
                else:
                    reason = f"{len(cells)} cells where the header has {width}; " + (
                        "missing cells taken as unknown"
                        if len(cells) < width
                        else "the extra cells kept as listed.extra"
                    )
                report.skip(row.line, "row-cells", reason, kept=True)
                beyond = " | ".join(c.strip() for c in cells[width:])  # "…| [HF](…) | N/A |": a cell with no header
                cells = (cells + [""] * width)[:width]
            else:
                beyond = ""
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
            if _header_key(name) in _POINTER_WORDS:  # "[[paper]](…)", "Download": what a link is, no dataset
                report.skip(row.line, "row-no-name", f"row without a dataset name (its name cell is a link: {name!r})")
                continue
            latex = _latex_name(name)
            plain_name = latex or name
            if not slug(plain_name):
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
            key = name_key(plain_name)
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
                if beyond:
                    entry.cells["extra"] = beyond
            elif lang not in languages and languages:
                shared = entry.translated.setdefault(lang, {"name": name_cell, "extra": beyond})
                entry.rows_by_lang.setdefault(lang, position)
                for column in columns:  # the same dataset in the list's other language: its cells in that language
                    if column.kind == "role" and column.role in ("modality", "task", "size", "description"):
                        entry.by_lang.setdefault(column.role, {}).setdefault(lang, cells[column.index])
                    elif column.kind == "role" and column.role in ("title", "date", "links"):
                        shared.setdefault(column.role, cells[column.index])
                report.note(  # said, not silent: in a list whose tables are not translations it may be wrong
                    row.line,
                    "other-language",
                    f"a row of a {_LANGUAGE_NAMES.get(lang, lang)} table naming a dataset of a table above: read as "
                    "that dataset's cells in this language (modality, task, size, description), not as a dataset "
                    "of its own",
                )
            else:
                first = entry.first_cells  # by header: a second table may order its columns otherwise
                differ = [
                    _plain(c.header)
                    for c in columns
                    if _column_key(c) in first
                    and _plain(first[_column_key(c)]) != _plain(cells[c.index])
                    and c is not name_col
                ]
                more = [  # "MM-WHS" again in a table with a Modality column the first one lacks: said, not lost
                    _plain(c.header)
                    for c in columns
                    if _column_key(c) not in first and not _unknown(cells[c.index]) and c is not name_col
                ]
                if differ or more:
                    said = [f"other cells in: {', '.join(differ)}"] * bool(differ) + [
                        f"cells the first row's table has no column for: {', '.join(more)}"
                    ] * bool(more)
                    report.note(
                        row.line,
                        "duplicate-differs",
                        f'"{name}" again (first at line {entry.line}) with {"; and ".join(said)}; the first row is '
                        "the entry, this one a further listing (also_listed, when --source-url gives the list)",
                    )
                repeat = Entry(plain_name, position, row.line)
                _take_row(repeat, columns, cells, name_col, name_cell, name_links, lang)
                entry.repeats.append(repeat)
            previous = cells
    return [entries[k] for k in order]


def _without_symbols(title: str) -> str:
    """A paper title without the emoji a list decorates it with ("✨Sparkles: …" → "Sparkles: …")."""
    symbol = ("So", "Sk", "Mn", "Cf")
    start, end = 0, len(title)
    while start < end and (unicodedata.category(title[start]) in symbol or title[start] in "\ufe0f\u200d "):
        start += 1
    while end > start and (unicodedata.category(title[end - 1]) in symbol or title[end - 1] in "\ufe0f\u200d "):
        end -= 1
    return title[start:end]


_LANGUAGE_NAMES = {"zh": "Chinese", "ja": "Japanese", "en": "English"}


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
    entry.first_cells = {_column_key(c): cells[c.index] for c in columns if c.index < len(cells)}
    entry.lang = entry.lang or lang
    entry.cells["name"] = name_cell
    entry.links += [("name", label, url) for label, url in name_links]
    entry.relative += _relative_links(name_cell)
    link_cells = []
    for column in columns:
        if column is name_col:
            continue
        cell = cells[column.index]
        if _unknown(cell) and not _links(cell):  # a badge ("[![arXiv](…svg)](arxiv…)") shows no text, but links
            continue
        if column.kind == "count":
            entry.counts.append((column.unit, lang, column.header, cell))
        elif column.kind == "dimension":
            if re.search(r"\bvideos?\b|视频", _plain(cell), re.IGNORECASE):  # "Video": the modality, beside the rest
                entry.flags.append(("modality", "video"))
        elif column.kind == "flag":
            if column.concept and _flag_value(cell):
                entry.flags.append(column.concept)
        elif column.kind != "role":
            continue
        elif column.role in ("links", "paper", "code"):
            link_cells.append(cell.strip())
            entry.links += [(column.role, label, url) for label, url in _links(cell)]
            entry.relative += _relative_links(cell)
            if column.role == "paper" and not entry.title_hint:
                texts = [_plain(m.group(1)) for m in _MD_LINK.finditer(cell)]
                entry.title_hint = _without_symbols(next((t for t in texts if _looks_like_title(t)), ""))
            quoted = _QUOTED_TITLE.match(cell)  # '"Evaluating Large Language Models …" [[paper](…)] [[data](…)]'
            if quoted and not entry.title_hint and _looks_like_title(quoted.group(1)):
                entry.title_hint = _plain(quoted.group(1))
        elif column.role == "title":
            entry.cells.setdefault("title", cell)
            entry.title_hint = _without_symbols(_plain(cell))
            entry.links += [("paper", label, url) for label, url in _links(cell)]
        elif column.role in ("modality", "task", "size", "description"):
            entry.by_lang.setdefault(column.role, {}).setdefault(lang, cell)
        else:
            entry.cells.setdefault(column.role, cell)
    if link_cells:
        entry.cells["links"] = " ".join(dict.fromkeys(link_cells))


# A cell that starts with a paper's title in quotes, then links to it ("[paper](…)", "[[paper]](…)").
_QUOTED_TITLE = re.compile(r'\s*["“]([^"“”\n]{8,500})["”]\s*\[{1,2}(?:paper|pdf|arxiv|论文)\b', re.IGNORECASE)


# What a link's text says when the link is all a name cell holds: no name ("[[paper]](…)", "[link](…)"); "arXiv",
# "GitHub", "Code" or "Project" may name a subset of a corpus and stay names.
_POINTER_WORDS = frozenset(
    {"paper", "papers", "pdf", "link", "links", "here", "url", "download", "data", "dataset", "homepage", "home page"}
    | {"website", "demo", "project page", "论文", "链接", "下载", "数据", "数据集", "主页", "官网"}
)


def _column_key(column: Column) -> str:
    """What a column holds, to compare a repeated row's cells with the first row's in another table: its role
    ("Modality" and "Imaging Modality" are one), else its header."""
    return f"role:{column.role}" if column.kind == "role" and not column.again else _header_key(column.header)


def _looks_like_title(text: str) -> bool:
    """A link's text that is a paper's title, not "arXiv", "link" or "Moon et al."."""
    words = text.split()
    return len(words) >= 4 and not re.search(r"\bet al\.?$", text) and not text.lower().startswith("http")
