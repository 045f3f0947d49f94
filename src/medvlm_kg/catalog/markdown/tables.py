"""Where the tables are: every GitHub-flavoured Markdown table of a file and every HTML ``<table>``, its rows split
into cells, with the headings above it; what GitHub hides (HTML comments, code blocks, raw HTML blocks) is not
read as a table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from medvlm_kg.catalog.markdown.cells import _plain


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


_HTML_TABLE_START = re.compile(r"<table[\s>]", re.IGNORECASE)
_HTML_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)
_MAX_SPAN = 100  # a rowspan or colspan past this is a typo, not a table 100 columns wide


class _HtmlTable(HTMLParser):
    """The rows of one HTML ``<table>``: each cell's inner HTML on one line (its links and ``<br>`` kept, for the
    cell readers), whether it is a ``<th>``, and its row and column spans. A table inside a cell is its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.rows: list[tuple[int, list[tuple[str, bool, int, int]]]] = []
        self._depth = 0
        self._cell: list[str] | None = None
        self._cell_info: tuple[bool, int, int] = (False, 1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        if self._depth == 1 and tag == "tr":
            self._close_cell()
            self.rows.append((self.getpos()[0], []))
        elif self._depth == 1 and tag in ("td", "th") and self.rows:
            self._close_cell()
            spans = dict(attrs)
            self._cell, self._cell_info = [], (tag == "th", _span(spans.get("rowspan")), _span(spans.get("colspan")))
        elif self._cell is not None and tag != "table":
            self._cell.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._cell is not None:
            self._cell.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
        if self._depth == 1 and tag in ("td", "th", "tr"):
            self._close_cell()
        elif self._cell is not None and tag != "table":
            self._cell.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def _close_cell(self) -> None:
        if self._cell is not None and self.rows:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip().replace("|", "\\|")
            self.rows[-1][1].append((text, *self._cell_info))
        self._cell = None


def _span(value: str | None) -> int:
    return min(int(value), _MAX_SPAN) if value and value.strip().isdigit() and int(value) > 0 else 1


def _html_table(chunk: str, first_line: int, sections: tuple[str, ...]) -> Table | None:
    """An HTML ``<table>`` as a table: its first row of ``<th>`` cells (else its first row) names the columns; a
    cell spanning rows is given to each row it spans, one spanning columns to its first column."""
    parser = _HtmlTable()
    parser.feed(chunk)
    parser.close()
    grid: list[tuple[int, list[str], bool]] = []
    carried: dict[int, tuple[str, int]] = {}  # column → (text, rows still to fill)
    for line, cells in parser.rows:
        row: list[str] = []
        queue = list(cells)
        column = 0
        while queue or any(c >= column for c in carried):
            if column in carried:
                text, left = carried[column]
                row.append(text)
                carried = (
                    {**carried, column: (text, left - 1)}
                    if left > 1
                    else {k: v for k, v in carried.items() if k != column}
                )
                column += 1
                continue
            if not queue:
                break
            text, _, rowspan, colspan = queue.pop(0)
            for k in range(colspan):
                row.append(text if k == 0 else "")
                if rowspan > 1:
                    carried[column] = (text if k == 0 else "", rowspan - 1)
                column += 1
        if row:
            grid.append((first_line + line - 1, row, all(th for _, th, _, _ in cells) and bool(cells)))
    if not grid:
        return None
    head = next((i for i, (_, _, header) in enumerate(grid) if header), 0)
    _, headers, _ = grid[head]
    rows = tuple(Row(line, tuple(cells)) for line, cells, header in grid[head + 1 :] if not header)
    return Table(first_line, tuple(headers), rows, sections)


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
        start = _HTML_TABLE_START.search(lines[i])
        if start:  # an HTML table: to its closing tag (or the end of the file, as a browser reads it)
            j = i
            while j < len(lines) - 1 and not _HTML_TABLE_END.search(lines[j], start.end() if j == i else 0):
                j += 1
            chunk = "\n".join([lines[i][start.start() :], *lines[i + 1 : j + 1]])
            found = _html_table(chunk, i + 1, tuple(t for _, t in headings if t))
            if found is not None:
                tables.append(found)
            i = j + 1
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
