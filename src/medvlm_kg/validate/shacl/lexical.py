"""The XSD lexical spaces (which literals are well formed for their datatype) and numeric values: what sh:datatype,
sh:minInclusive and sh:or of datatypes read."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache

import pyoxigraph as ox

from medvlm_kg.validate.shacl.terms import (
    _RDF_LANGSTRING,
    _RDFS_DATATYPE,
    _RDFS_LITERAL,
    _XSD,
    _XSD_STRING,
    Term,
    _Literal,
)

_INTEGER_RANGES = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_DATE = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_LEXICAL_SPACES = {
    "decimal": _DECIMAL,
    "float": _DECIMAL + r"([eE][+-]?[0-9]+)?|[+-]?INF|NaN",
    "double": _DECIMAL + r"([eE][+-]?[0-9]+)?|[+-]?INF|NaN",
    "boolean": r"true|false|1|0",
    "date": _DATE + _TZ,
    "dateTime": _DATE + "T" + _TIME + _TZ,
    "time": _TIME + _TZ,
    "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    "gYear": _YEAR + _TZ,
}
_LEXICAL_SPACES.update({name: r"[+-]?[0-9]+" for name in _INTEGER_RANGES})
_LEXICAL_RE = {_XSD + name: re.compile(pattern) for name, pattern in _LEXICAL_SPACES.items()}


def _remembered(test: Callable[[str], bool], limit: int = 1 << 16) -> Callable[[str], bool]:
    """``test`` with its answers kept (up to ``limit`` forms): dates and counts repeat across datasets."""
    known: dict[str, bool] = {}

    def remembered(s: str) -> bool:
        found = known.get(s)
        if found is None:
            if len(known) >= limit:
                known.clear()
            found = known[s] = test(s)
        return found

    return remembered


@cache
def _well_formed(datatype: str) -> Callable[[str], bool] | None:
    """A test of a lexical form for ``datatype``, or None where every form is accepted (string, unknown types)."""
    regex = _LEXICAL_RE.get(datatype)
    if regex is None:
        return None
    local = datatype[len(_XSD) :]
    if local == "integer":
        return lambda s: (s.isdigit() and s.isascii()) or regex.fullmatch(s) is not None
    if local == "boolean":
        return frozenset(("true", "false", "1", "0")).__contains__
    if local in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[local]
        return lambda s: (
            bool(regex.fullmatch(s)) and (low is None or int(s) >= low) and (high is None or int(s) <= high)
        )
    if local in ("date", "dateTime"):

        def real_date(s: str) -> bool:
            if not regex.fullmatch(s):
                return False
            negative = s.startswith("-")
            year, month, day = s[1:].split("-", 2) if negative else s.split("-", 2)
            y = -int(year) if negative else int(year)
            days = 29 if int(month) == 2 and calendar.isleap(y) else calendar.mdays[int(month)]
            return int(day[:2]) <= days

        return _remembered(real_date)
    return _remembered(lambda s: regex.fullmatch(s) is not None)


def _datatype_test(datatype: ox.NamedNode) -> Callable[[Term], bool]:
    if datatype == _XSD_STRING:
        return lambda v: type(v) is _Literal and v.datatype == _XSD_STRING
    if datatype == _RDF_LANGSTRING:
        return lambda v: type(v) is _Literal and v.language is not None
    if datatype in (_RDFS_LITERAL, _RDFS_DATATYPE):
        return lambda v: type(v) is _Literal
    lexical_ok = _well_formed(datatype.value)
    if lexical_ok is None:
        return lambda v: type(v) is _Literal and v.datatype == datatype
    return lambda v: type(v) is _Literal and v.datatype == datatype and lexical_ok(v.value)


def _number(v: Term) -> Decimal | float | None:
    """The numeric value of a well-formed numeric literal (integer, decimal, float, double and their subtypes)."""
    if type(v) is not _Literal:
        return None
    datatype = v.datatype.value
    if not datatype.startswith(_XSD):
        return None
    local = datatype[len(_XSD) :]
    if local not in _INTEGER_RANGES and local not in ("decimal", "float", "double"):
        return None
    lexical = v.value
    ok = _well_formed(datatype)
    if ok is None or not ok(lexical):
        return None
    if local in ("float", "double"):
        return float(lexical.replace("INF", "inf"))
    try:
        return Decimal(lexical)
    except InvalidOperation:  # pragma: no cover - the lexical test above rules this out
        return None
