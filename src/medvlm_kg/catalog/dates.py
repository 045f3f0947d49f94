"""Dates in catalog files: a quoted ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` read into a ``PartialDate``; a date
that is no real one, or is written in the list's own form (``2024.03.20``), reported with its fix.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from medvlm_kg.catalog.entries import PartialDate
from medvlm_kg.catalog.schema_check import Checker

_DATE_FORMS = (
    # ASCII digits to the very end: "２０２４" (full-width) and "2024\n" are no xsd:gYear
    (re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z"), "date"),
    (re.compile(r"^([0-9]{4})-([0-9]{2})\Z"), "gYearMonth"),
    (re.compile(r"^([0-9]{4})\Z"), "gYear"),
)
# The list's own form (2024.03.20, 2024/3/5): no date in a catalog field, and checked in the listed cells.
SEPARATED_DATE = re.compile(r"^([0-9]{4})[./-]([0-9]{1,2})(?:[./-]([0-9]{1,2}))?\Z")


def parse_date(chk: Checker, path: tuple, value: Any) -> PartialDate | None:
    """The date ``value`` (at ``path``) stands for, or ``None`` with what is wrong added to ``chk``."""
    if isinstance(value, _dt.date):
        chk.add(path, "date is not quoted", f'write it as a quoted string: "{value.isoformat()}"')
        return None
    if not isinstance(value, str):
        return None
    for pattern, precision in _DATE_FORMS:
        m = pattern.match(value)
        if not m:
            continue
        year, month, day = (
            int(m.group(1)),
            int(m.group(2) if m.lastindex >= 2 else 1),
            int(m.group(3) if m.lastindex >= 3 else 1),
        )
        trouble = date_trouble(year, month, day)
        if trouble:
            hint = "check the month (01-12) and the day; leave the field out if the date is unknown"
            chk.add(path, f"{value!r} is not a real date: {trouble}", hint)
            return None
        return PartialDate(value, precision)
    m = SEPARATED_DATE.match(value)
    if m:  # the list's own form, 2024.03.20, or 2024/3/5
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
        trouble = date_trouble(year, month, day)
        if trouble:
            hint = 'write a real date as "YYYY-MM-DD", "YYYY-MM" or "YYYY", or leave the field out if it is unknown'
            chk.add(path, f"{value!r} is not a date, nor a real one: {trouble}", hint)
        else:
            iso = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if m.group(3) else "")
            chk.add(path, f"{value!r} is not a date in the catalog's form (YYYY-MM-DD)", f'write "{iso}"')
        return None
    chk.add(path, f"{value!r} is not a date", 'write "YYYY-MM-DD", "YYYY-MM" or "YYYY"')
    return None


def date_trouble(year: int, month: int, day: int) -> str | None:
    """Why a year, month and day make no real date ("there is no month 13"); ``None`` if they make one."""
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    try:
        _dt.date(year, month, day)
    except ValueError:
        return f"{_dt.date(year, month, 1):%B %Y} has no day {day}"
    return None
