"""Where the tables are: every GitHub-flavoured Markdown table of a file, its rows split into cells, with the
headings above it; what GitHub hides (HTML comments, code blocks, raw HTML blocks) is not read as a table."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
