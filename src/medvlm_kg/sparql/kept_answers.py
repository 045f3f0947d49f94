"""Answers that ``query`` keeps beside a build's store, so the next page of a long answer is read, not computed.

Oxigraph computes a whole answer before the first row of an ordered one, and ``query`` counts its rows for the
page note: every page of ``listed-table`` cost 0.9 s at 10,000 entries, ten times that at 100,000, so reading a
long answer a page at a time cost its length squared. When an answer has rows after the page printed, ``query``
writes all of them to ``<generation>/answers/<digest>.jsonl`` while it counts them, and a later page of the same
question is read from that file. So is an answer that fits on its page but took ``KEEP_SLOW`` or longer to compute
(the counts per year or per host read every dataset: 1.1–2.4 s at 100,000 entries, each time they were asked).

A store generation is never changed once made, so what it answered stays right until a build replaces the
generation and removes it, answers and all. The file is named by a digest of the query text with its parameters
bound, this file format and Oxigraph's version; it is written under a temporary name and renamed when complete,
so a reader sees a whole answer or none; at most ``KEPT`` are kept, the least recently read removed first. A
folder that cannot be written keeps nothing: the answer is the same, only not kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import orjson
import pyoxigraph as ox

from medvlm_kg.runtime.inputs import digest

__all__ = ["KEEP_SLOW", "KEPT", "answer_path", "keeping", "read_page"]

KEPT = 32  # answers kept per store generation (a 100,000-row answer is about 20 MB)
KEEP_SLOW = 0.25  # seconds: an answer as short as its page is kept when computing it took this long (a lookup is not)
_FORMAT = 1
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_COUNT_WIDTH = 12  # the header's row count is padded to this width, and written in place once it is known

Row = list[ox.NamedNode | ox.BlankNode | ox.Literal | None]


def answer_path(generation: Path, query_text: str) -> Path:
    """Where the answer to ``query_text`` (parameters bound) over the store of ``generation`` is kept."""
    return generation / "answers" / f"{digest('answer', _FORMAT, ox.__version__, query_text)[:32]}.jsonl"


def _encoded(term) -> list | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return [0, term.value]
    if isinstance(term, ox.BlankNode):
        return [1, term.value]
    if isinstance(term, ox.Literal):
        if term.language:
            return [3, term.value, term.language]
        datatype = term.datatype.value
        return [2, term.value] if datatype == _XSD_STRING else [2, term.value, datatype]
    raise TypeError(f"an answer term of kind {type(term).__name__} is not kept")


def _decoded(value: list | None):
    if value is None:
        return None
    kind, text = value[0], value[1]
    if kind == 0:
        return ox.NamedNode(text)
    if kind == 1:
        return ox.BlankNode(text)
    if kind == 3:
        return ox.Literal(text, language=value[2])
    return ox.Literal(text, datatype=ox.NamedNode(value[2])) if len(value) > 2 else ox.Literal(text)


def read_page(path: Path, limit: int | None, offset: int) -> tuple[list[str], list[Row], int] | None:
    """The variables, the rows ``offset`` to ``offset + limit`` and the row count of a kept answer; None when
    there is none (or it is not whole: then the query is run again)."""
    try:
        with path.open("rb") as stream:
            head = json.loads(stream.readline())
            if head.get("format") != _FORMAT:
                return None
            total, variables = int(head["rows"]), list(head["variables"])
            end = total if limit is None else min(total, offset + limit)
            page = [[_decoded(v) for v in orjson.loads(line)] for line in islice(stream, offset, end)]
        if len(page) != max(0, end - offset) or any(len(row) != len(variables) for row in page):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # read recently: the last to be removed
        return variables, page, total
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # orjson's decode error is a ValueError
        return None


def keeping(
    path: Path, variables: list[str], rows: Iterable[Row], shown: int, started: float | None = None
) -> Iterator[Row]:
    """``rows``, passed through; when there are more than ``shown`` of them (the page printed ends before the
    answer does), all of them are also written to ``path``, which is complete when the iteration is. Fewer rows
    are written too when the answer took ``KEEP_SLOW`` or longer since ``started`` (``time.perf_counter``, taken
    before the query ran)."""
    held: list[Row] | None = []  # the rows up to the first one after the page; then None
    writer = None
    try:
        for row in rows:
            yield row
            if held is not None:
                held.append(row)
                if len(held) > shown:
                    writer, held = _Writer.start(path, variables, held), None
            elif writer is not None and not writer.add(row):
                writer = None
    except BaseException:  # the query failed, or the rows were not all read: no answer is kept
        if writer is not None:
            writer.drop()
        raise
    if held is not None and started is not None and time.perf_counter() - started >= KEEP_SLOW:
        writer = _Writer.start(path, variables, held)
    if writer is not None:
        writer.finish()


class _Writer:
    """An answer file being written under a temporary name; any failure drops it (the answer is not kept)."""

    def __init__(self, path: Path, stream, tmp: str, count_at: int) -> None:
        self.path, self.stream, self.tmp, self.count_at, self.rows = path, stream, tmp, count_at, 0

    @classmethod
    def start(cls, path: Path, variables: list[str], rows: list[Row]) -> _Writer | None:
        try:
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        except OSError:
            return None
        stream = os.fdopen(fd, "wb")
        head = json.dumps({"format": _FORMAT, "variables": variables}, ensure_ascii=False)[:-1] + ', "rows": '
        stream.write(head.encode())
        writer = cls(path, stream, tmp, len(head.encode()))
        stream.write(b" " * _COUNT_WIDTH + b"}\n")
        for row in rows:
            if not writer.add(row):
                return None
        return writer

    def add(self, row: Row) -> bool:
        try:
            self.stream.write(orjson.dumps([_encoded(t) for t in row], option=orjson.OPT_APPEND_NEWLINE))
        except (OSError, TypeError):
            self.drop()
            return False
        self.rows += 1
        return True

    def finish(self) -> None:
        try:
            self.stream.seek(self.count_at)
            self.stream.write(str(self.rows).rjust(_COUNT_WIDTH).encode())
            self.stream.close()
            os.replace(self.tmp, self.path)
        except OSError:
            self.drop()
            return
        _remove_least_recent(self.path.parent)

    def drop(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


def _remove_least_recent(folder: Path) -> None:
    with contextlib.suppress(OSError):
        kept = sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[: max(0, len(kept) - KEPT)]:
            old.unlink(missing_ok=True)
