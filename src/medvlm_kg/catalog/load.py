"""Load and check the catalog's YAML files into typed, frozen entries (stage 1 of the pipeline).

Every problem is collected, not only the first, and named by file, line, field and fix. YAML is read
with the safe composer; aliases, custom tags and duplicate keys are refused, because a curator's file
should mean exactly what it shows.
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pyoxigraph as ox
import yaml
from jsonschema import Draft202012Validator, ValidationError, validators

from medvlm_kg.catalog.concepts import ConceptScheme, load_schemes, suggest
from medvlm_kg.problems import ERROR, WARNING, CatalogError, Problem
from medvlm_kg.resources import ontology_dir
from medvlm_kg.runtime.inputs import display_root
from medvlm_kg.runtime.workers import spread, workers_for

__all__ = [
    "Access",
    "Catalog",
    "Count",
    "Dataset",
    "License",
    "Listed",
    "Paper",
    "ParseCache",
    "Person",
    "Sourced",
    "PartialDate",
    "RESERVED_IDS",
    "check_catalog",
    "load_catalog",
    "url_problem",
]

_SAFE_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_DATE_FORMS = (
    # ASCII digits to the very end: "２０２４" (full-width) and "2024\n" are no xsd:gYear
    (re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z"), "date"),
    (re.compile(r"^([0-9]{4})-([0-9]{2})\Z"), "gYearMonth"),
    (re.compile(r"^([0-9]{4})\Z"), "gYear"),
)
# Device names Windows reserves in every folder (dataset/con.html cannot exist there).
RESERVED_IDS = frozenset(["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(10)])
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")


# ---- typed entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or the year: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``."""

    value: str
    precision: str  # "date" | "gYearMonth" | "gYear"

    @property
    def year(self) -> int:
        return int(self.value[:4])


@dataclass(frozen=True)
class Sourced:
    """A verified value together with the URLs of the pages it was read on."""

    value: Any
    sources: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class Count:
    count: int
    unit: str
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Access:
    label: str
    url: str
    platform: str | None


@dataclass(frozen=True)
class Paper:
    title: str
    sources: tuple[str, ...]
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    venue: str | None = None
    date: PartialDate | None = None
    authors: tuple[str, ...] = ()
    authors_complete: bool = True
    more_authors: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url or ""


@dataclass(frozen=True)
class License:
    """What a dataset's own pages state about its license: an SPDX id where it maps, and what it covers."""

    stated: str
    covers: str  # "data" | "code" | "both" | "unclear"
    sources: tuple[str, ...]
    id: str | None = None
    conflicts: tuple[str, ...] = ()

    @property
    def applies_to_data(self) -> bool:
        return self.id is not None and self.covers in ("data", "both")


CELLS = ("name", "title", "date", "links", "extra")  # the cells both tables share (but may write differently)
BY_LANGUAGE = ("modality", "task", "size")  # the cells each table writes in its own language


@dataclass(frozen=True)
class Listed:
    """One listing of a dataset: the source list's cells, verbatim; ``None`` where the list shows ``-``.

    ``name``, ``title``, ``date``, ``links`` and ``extra`` (a cell beyond the table's columns) hold the English
    table's text, which is also the Chinese table's unless ``zh`` gives the Chinese text (``None`` there: the
    Chinese table shows ``-``). ``modality``, ``task`` and ``size`` map a language to its table's text; the key
    ``""`` is a cell of another list written once, in no particular language. ``version`` is the list's version
    these cells were read from (a git commit or a date).
    """

    name: str | None = None
    title: str | None = None
    date: str | None = None
    links: str | None = None
    extra: str | None = None
    row: int | None = None
    modality: dict[str, str] = field(default_factory=dict)
    task: dict[str, str] = field(default_factory=dict)
    size: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    version: str | None = None
    zh: dict[str, str | None] = field(default_factory=dict)
    row_zh: int | None = None
    description: dict[str, str] = field(default_factory=dict)  # a description column, by language
    section: str | None = None  # the headings (and group row) the row sits under

    def cell(self, key: str, lang: str = "en") -> str | None:
        """The text of a cell in the table of ``lang``: what the list shows, ``None`` for ``-``."""
        if key in BY_LANGUAGE:
            texts = getattr(self, key)
            return texts.get(lang, texts.get(""))
        if key == "row":
            return str(self.row_zh if lang == "zh" and self.row_zh is not None else self.row or "") or None
        if lang == "zh" and key in self.zh:
            return self.zh[key]
        return getattr(self, key)

    def by_table(self, key: str) -> dict[str, str]:
        """A shared cell's text per table: ``{"": text}`` when both tables show the same, else ``{"en", "zh"}``."""
        en = getattr(self, key)
        if key not in self.zh:
            return {"": en} if en is not None else {}
        return {lang: text for lang, text in (("en", en), ("zh", self.zh[key])) if text is not None}


@dataclass(frozen=True)
class Listing:
    """A listing other than the current one: an earlier version of the same list (``kind`` "earlier"; only the
    cells that version wrote differently) or another list (``kind`` "also")."""

    kind: str
    listed: Listed


@dataclass(frozen=True)
class Dataset:
    id: str
    name: str
    listed: Listed
    file: str
    description: dict[str, str] = field(default_factory=dict)
    listings: tuple[Listing, ...] = ()
    first_listed: PartialDate | None = None
    first_listed_source: str | None = None
    modified: PartialDate | None = None
    modified_source: str | None = None
    published: PartialDate | None = None
    venue: str | None = None
    modality: tuple[str, ...] = ()
    modality_count: int | None = None
    task: tuple[str, ...] = ()
    size: tuple[Count, ...] = ()
    access: tuple[Access, ...] = ()
    homepage: Sourced | None = None
    alternate_name: Sourced | None = None
    paper: Paper | None = None
    same_paper_as: Sourced | None = None
    stated_size: Sourced | None = None
    stated_modality: Sourced | None = None
    see_also: tuple[Sourced, ...] = ()
    notes: tuple[Sourced, ...] = ()
    license: License | None = None
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field → the listed cells it was read from
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_name: str) -> int | None:
        """The line of a field (``paper.title``) in the dataset's file, or of its nearest parent (an item
        ``access[2].label`` falls back to ``access``: list items have no line of their own here)."""
        field_name = re.sub(r"\[\d+\]", "", field_name)
        while field_name:
            if field_name in self.lines:
                return self.lines[field_name]
            field_name = field_name.rpartition(".")[0]
        return None


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    affiliation: str | None = None


@dataclass(frozen=True)
class Catalog:
    base_iri: str
    title: dict[str, str]
    description: dict[str, str]
    curators: tuple[Person, ...]
    publisher: str
    repository: str | None
    readme: str | None
    license: str | None
    license_source: str | None
    datasets: tuple[Dataset, ...]
    file: str

    def dataset(self, dataset_id: str) -> Dataset:
        return self._by_id[dataset_id]

    @cached_property
    def _by_id(self) -> dict[str, Dataset]:  # a frozen dataclass may cache: cached_property writes __dict__
        return {d.id: d for d in self.datasets}


# ---- reading YAML with line numbers --------------------------------------------------------------


class _YamlProblem(Exception):
    def __init__(self, line: int | None, field: str, message: str, hint: str):
        self.line, self.field, self.message, self.hint = line, field, message, hint


def _read_yaml(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse one YAML document into plain values plus a map from field path to line number."""
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _check_depth(text)  # before any parser: every file (libyaml's own limit is reached in a few kB)
        if len(text) > _SMALL_FILE:
            _check_values(text, loader_cls)
        root = yaml.compose(text, Loader=loader_cls)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or "syntax error").strip()
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            problem += f" ({exc.context.strip()} that starts at line {exc.context_mark.line + 1})"
        if "\t" in text and ("tab" in problem.lower() or "found character" in problem.lower()):
            raise _YamlProblem(line, "", f"YAML syntax error: {problem}", "indent with spaces, not tabs") from None
        if "another document" in problem:  # a second `---`: two datasets in one file
            hint = "one file holds one dataset: remove the `---` line and move what follows into a file of its own"
            raise _YamlProblem(line, "", f"YAML syntax error: {problem}", hint) from None
        raise _YamlProblem(line, "", f"YAML syntax error: {problem}", "fix the YAML syntax at that line") from None
    except yaml.reader.ReaderError as exc:  # a character YAML never allows (NUL, most control characters)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        # libyaml's position counts UTF-8 bytes, PyYAML's characters; the first such character is the one.
        at = text.find(chr(char))
        raise _YamlProblem(
            text[: at if at >= 0 else exc.position].count("\n") + 1,
            "",
            f"the character U+{char:04X} is not allowed in YAML",
            "remove it (text copied from PDFs and terminals often carries invisible characters)",
        ) from None
    except yaml.YAMLError as exc:
        raise _YamlProblem(None, "", f"YAML error: {exc}", "fix the YAML syntax") from None
    except RecursionError:
        raise _YamlProblem(None, "", "YAML nested too deeply", "flatten the file") from None
    lines: dict[tuple, int] = {}
    seen: set[int] = set()
    constructor = yaml.constructor.SafeConstructor()

    def build(node: yaml.Node, path: tuple, depth: int) -> Any:
        line = node.start_mark.line + 1
        lines.setdefault(path, line)
        if depth > 50:
            field = _dotted(path[:4]) + "…"
            raise _YamlProblem(line, field, "nested too deeply", "this format nests at most 4 levels")
        if id(node) in seen:  # the composer shares the anchored node; the alias's own line is in the events
            alias_line, anchor = _first_alias(text, loader_cls)
            raise _YamlProblem(
                alias_line or line,
                _dotted(path),
                f"YAML aliases (*{anchor}) are not allowed",
                f"write the value out in full instead of repeating the one marked &{anchor}",
            )
        seen.add(id(node))
        if node.tag == "tag:yaml.org,2002:value":  # a bare `=`, which YAML 1.1 reads as a "value key", not text
            raise _YamlProblem(line, _dotted(path), 'a bare "=" is not read as text', 'quote it: `"="`')
        if node.tag not in _SAFE_TAGS:
            raise _YamlProblem(
                line,
                _dotted(path),
                f"YAML tag {node.tag!r} is not allowed",
                "remove the tag; only plain values, lists and mappings are read",
            )
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` copies fields from elsewhere
                    message = "YAML merge keys (<<) are not allowed"
                    hint = "write the fields out in full, so the file shows everything it means"
                    raise _YamlProblem(key_node.start_mark.line + 1, _dotted(path + ("<<",)), message, hint)
                # A key such as `=` (YAML's "value key") or `2024-02-30` (a date that does not exist) has no safe
                # reading either: constructing it raised ConstructorError or ValueError.
                try:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_TAGS:
                        raise ValueError
                    key = str(constructor.construct_object(key_node))
                except (ValueError, yaml.YAMLError):
                    raise _YamlProblem(
                        key_node.start_mark.line + 1,
                        _dotted(path),
                        "keys must be plain names",
                        'write `name: value` (quote a key that is a symbol or a date, e.g. `"=": …`)',
                    ) from None
                if key in out:
                    raise _YamlProblem(
                        key_node.start_mark.line + 1,
                        _dotted(path + (key,)),
                        "duplicate key",
                        "keep one of the two; YAML would silently drop the first",
                    )
                lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            value = constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as exc:
            reason = str(exc).split(";")[0]  # not Python's advice on sys.set_int_max_str_digits
            if node.tag == "tag:yaml.org,2002:timestamp":  # published: 2025-13-40, unquoted
                message = f"{node.value} is not a real date ({reason})"
                hint = 'check the month (01-12) and the day, and quote the date: "YYYY-MM-DD"'
                raise _YamlProblem(line, _dotted(path), message, hint) from None
            if node.tag == "tag:yaml.org,2002:int":  # more digits than Python reads
                message = f"a number of {len(node.value):,} digits is too long to read"
                raise _YamlProblem(line, _dotted(path), message, "write the number with fewer digits") from None
            raise _YamlProblem(line, _dotted(path), f"unreadable value: {reason}", "quote the value") from None
        control = _CONTROL.search(value) if isinstance(value, str) else None
        if control:
            raise _YamlProblem(
                line,
                _dotted(path),
                f"contains the invisible control character U+{ord(control.group()):04X}",
                "remove it (text copied from PDFs and terminals often carries them)",
            )
        return value

    if root is None:
        return None, lines
    return build(root, (), 0), lines


_MAX_DEPTH = 100
# A file this small cannot hold _MAX_VALUES values; only bigger files pay for the extra pass over their events.
_SMALL_FILE = 16_384
_MAX_VALUES = 100_000  # a dataset file holds about a hundred; reading millions would take minutes
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_START = re.compile(r"[ \t?:-]*")  # what may stand before a line's first value: indentation, - ? :
_NEW_LINE_START = re.compile(r"\n[ \t?:-]+")


def _first_alias(text: str, loader_cls: type) -> tuple[int | None, str]:
    """The line and anchor name of the first alias (``*name``) in ``text``; read only when one was found."""
    try:
        for event in yaml.parse(text, Loader=loader_cls):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.anchor
    except yaml.YAMLError:
        pass
    return None, "name"


def _depth_bound(text: str) -> int:
    """At least how deep lists and mappings can nest in ``text``, from its characters alone: each flow level opens
    with ``[`` or ``{``, and each block level needs a line indented further or another ``- ``/``? ``/``: `` before
    its first character."""
    flow = text.count("[") + text.count("{")
    first = len(_LINE_START.match(text).group())
    block = max(first, max((len(m) - 1 for m in _NEW_LINE_START.findall(text)), default=0))
    return flow + block + 1


def _check_depth(text: str) -> None:
    """Refuse lists and mappings nested more than ``_MAX_DEPTH`` deep, before any YAML library reads the text.

    libyaml (PyYAML's C parser, 0.2.6 in the PyYAML 6.0.3+ wheels) has its own limit, 1,000 flow levels, which its
    scanner hits while reading ahead, before its first events come out; so the depth is counted here, from a bound
    on the characters and, only when that bound exceeds the limit, on the events of PyYAML's pure-Python parser
    (no nesting limit, no recursion). The message is the product's whatever the library's version.
    """
    if _depth_bound(text) <= _MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > _MAX_DEPTH:
                raise _YamlProblem(
                    event.start_mark.line + 1,
                    "",
                    f"lists and mappings nested more than {_MAX_DEPTH} levels deep",
                    "this format nests at most 4 levels; flatten the file",
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _check_values(text: str, loader_cls: type) -> None:
    """Refuse more than ``_MAX_VALUES`` values, reading events (no recursion) before anything is built; the depth is
    known to be within ``_MAX_DEPTH`` by now, far below any library's own limit."""
    values = 0
    for event in yaml.parse(text, Loader=loader_cls):
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            values += 1
            if values > _MAX_VALUES:
                raise _YamlProblem(
                    event.start_mark.line + 1,
                    "",
                    f"more than {_MAX_VALUES:,} values in one file",
                    "a catalog file describes one dataset in about a hundred values; split or shorten it",
                )


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---- checking ------------------------------------------------------------------------------------


@cache
def _schema(name: str) -> dict:
    return json.loads((ontology_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
    """``pattern`` as JSON Schema means it (ECMA-262, as jsonschema-rs reads it): ``$`` is the end of the text.
    Python's ``$`` also matches before a final newline, so an id ending in a newline would pass and break IRIs."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"\$$", r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_StrictValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def _validator(name: str) -> Draft202012Validator:
    return _StrictValidator(_schema(name))


@cache
def _fast_validator(name: str) -> Any:
    """jsonschema-rs: the same schema checked ~200× faster; it only says yes or no, so a file it refuses (or a
    value it cannot read, such as an unquoted date) is checked again by jsonschema, whose errors we word."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(_schema(name))


def _surely_valid(name: str, value: Any) -> bool:
    try:
        return _fast_validator(name).is_valid(value)
    except (ValueError, TypeError, OverflowError):
        return False


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "object": "a mapping (key: value)",
    "array": "a list",
    "boolean": "true or false",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "an unquoted date"
    return {int: "a number", float: "a decimal number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


class _Checker:
    """Collects problems for one file, each pinned to the line of its field."""

    def __init__(self, rel: str, lines: dict[tuple, int]):
        self.rel, self.lines, self.problems = rel, lines, []

    def line_of(self, path: tuple) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def add(self, path: tuple, message: str, hint: str = "", severity: str = ERROR) -> None:
        self.problems.append(Problem(self.rel, self.line_of(path), _dotted(path), message, hint, severity))

    def schema(self, name: str, value: Any) -> None:
        if _surely_valid(name, value):
            return
        for err in sorted(_validator(name).iter_errors(value), key=lambda e: list(map(str, e.absolute_path))):
            path = tuple(err.absolute_path)
            kind = err.validator
            if kind == "additionalProperties":
                allowed = sorted(err.schema.get("properties", {}))
                for key in sorted(set(err.instance) - set(allowed)):
                    close = suggest(key, allowed)
                    hint = (f"did you mean `{close}`? " if close else "") + "known fields: " + ", ".join(allowed)
                    self.add(path + (key,), "unknown field", hint)
            elif kind == "required":
                missing = err.message.split("'")[1]
                self.add(path + (missing,), "required field is missing", f"add `{missing}:` (see docs/data-format.md)")
            elif kind == "type":
                want = err.validator_value
                want = " or ".join(_TYPE_WORDS.get(w, w) for w in (want if isinstance(want, list) else [want]))
                hint = "quote dates and numbers-as-text" if want == "text" else f"write {want}"
                if want == "text" and isinstance(err.instance, (list, dict)):  # name: [VQARad], title: {a: b}
                    hint = 'write plain text; quote it if it starts with [ or { or holds ": "'
                self.add(path, f"must be {want}, not {_type_name(err.instance)}", hint)
            elif kind == "pattern":
                message = f"{err.instance!r} is not in the expected form"
                hint = _PATTERN_HINTS.get(err.validator_value, f"it must match {err.validator_value}")
                foreign = list(dict.fromkeys(ch for ch in str(err.instance) if ord(ch) > 127))[:3]
                if foreign:  # a Cyrillic "а" looks exactly like a Latin "a": name it, or the message is a riddle
                    message += ": it contains " + ", ".join(
                        f'"{ch}" (U+{ord(ch):04X} {unicodedata.name(ch, "")})'.replace(" )", ")") for ch in foreign
                    )
                    hint += "; retype those characters in plain ASCII"
                self.add(path, message, hint)
            elif kind in ("minLength", "minItems", "minProperties"):
                self.add(path, "must not be empty", "fill it in or leave the field out")
            elif kind in ("maxLength", "maxItems"):
                self.add(path, "is too long", f"at most {err.validator_value} characters or items")
            elif kind == "minimum":
                self.add(path, f"must be at least {err.validator_value}", "fix the number")
            elif kind == "anyOf" and path and path[-1] == "paper":
                self.add(path, "a paper needs an identifier", "add `arxiv:`, `doi:` or `url:`")
            else:
                self.add(path, err.message, "see docs/data-format.md")


_PATTERN_HINTS = {
    '^https?://[^\\s<>"{}|\\\\^`]+/$': "write an http(s) IRI that ends in / and has no spaces, e.g. https://w3id.org/medvlm-kg/",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "use lowercase letters, digits and single hyphens, e.g. `pmc-vqa`",
    "^[0-9]{4}\\.[0-9]{4,5}$": "write the arXiv id without prefix or version, e.g. `2401.16355`",
    "^10\\.[0-9]{4,9}/\\S+$": "write the DOI without `https://doi.org/`, e.g. `10.1038/s41746-024-01390-4`",
}


def _iri_problem(iri: str) -> str | None:
    """Why the graph could not hold ``iri`` (Oxigraph's IRI parser, the one the converter uses), or ``None``."""
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        return str(exc)
    return None


_IRI_HINT = "write % only as %XX (a % sign itself is %25), a port as digits, and percent-encode other odd characters"


def _check_url(chk: _Checker, path: tuple, url: Any) -> None:
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
    chk = _Checker("", {})
    _check_url(chk, (), url)
    return f"{chk.problems[0].message} — {chk.problems[0].hint}" if chk.problems else None


def _parse_date(chk: _Checker, path: tuple, value: Any) -> PartialDate | None:
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
        trouble = _date_trouble(year, month, day)
        if trouble:
            hint = "check the month (01-12) and the day; leave the field out if the date is unknown"
            chk.add(path, f"{value!r} is not a real date: {trouble}", hint)
            return None
        return PartialDate(value, precision)
    m = _SEPARATED_DATE.match(value)
    if m:  # the list's own form, 2024.03.20, or 2024/3/5
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
        trouble = _date_trouble(year, month, day)
        if trouble:
            hint = 'write a real date as "YYYY-MM-DD", "YYYY-MM" or "YYYY", or leave the field out if it is unknown'
            chk.add(path, f"{value!r} is not a date, nor a real one: {trouble}", hint)
        else:
            iso = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if m.group(3) else "")
            chk.add(path, f"{value!r} is not a date in the catalog's form (YYYY-MM-DD)", f'write "{iso}"')
        return None
    chk.add(path, f"{value!r} is not a date", 'write "YYYY-MM-DD", "YYYY-MM" or "YYYY"')
    return None


_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
_SEPARATED_DATE = re.compile(r"^([0-9]{4})[./-]([0-9]{1,2})(?:[./-]([0-9]{1,2}))?\Z")


def _date_trouble(year: int, month: int, day: int) -> str | None:
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


def _check_concepts(chk: _Checker, path: tuple, ids: Any, scheme: ConceptScheme) -> None:
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


def _platform_for(url: str, schemes: dict[str, ConceptScheme]) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for concept in schemes["platform"].concepts.values():
        home = (urlsplit(concept.homepage or "").hostname or "").lower()
        if home and (host == home or host.endswith("." + home) or "www." + host == home):
            return concept.id
    return None


def _sourced(value: Any, doc: dict) -> Sourced:
    return Sourced(value, tuple(doc.get("sources", ())), doc.get("label"))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _check_dataset(path: Path, rel: str, doc: Any, lines: dict, schemes: dict) -> tuple[Dataset | None, list]:
    chk = _Checker(rel, lines)
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
    published = _parse_date(chk, ("published",), doc["published"]) if "published" in doc else None
    if "first_listed" in doc:
        _parse_date(chk, ("first_listed",), doc["first_listed"])
        if "first_listed_source" not in doc:
            chk.add(
                ("first_listed",),
                "the date a dataset first entered the list needs the page that shows it",
                "add `first_listed_source:` with the URL of the list's commit or update note",
            )
    _check_url(chk, ("first_listed_source",), doc.get("first_listed_source"))
    if "modified" in doc:
        _parse_date(chk, ("modified",), doc["modified"])
    _check_url(chk, ("modified_source",), doc.get("modified_source"))
    listed_date = _mapping(doc.get("listed")).get("date")
    for lang, date_cell in listed_date.items() if isinstance(listed_date, dict) else [("", listed_date)]:
        m = _SEPARATED_DATE.match(date_cell) if isinstance(date_cell, str) else None
        trouble = m and _date_trouble(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
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
    paper_date = _parse_date(chk, ("paper", "date"), paper_doc["date"]) if paper_doc and "date" in paper_doc else None
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
    return _checked_dataset(doc, rel, lines, schemes, published, paper_date), chk.problems


def _checked_dataset(
    doc: dict, rel: str, lines: dict, schemes: dict, published=None, paper_date=None, dotted: dict | None = None
) -> Dataset:
    """The entry of a dataset file that passed every check (its dates read again when not given; ``dotted``: the
    lines of its fields by dotted name, when known already)."""
    if published is None and "published" in doc:
        published = _parse_date(_Checker(rel, lines), ("published",), doc["published"])
    paper_doc = doc.get("paper")
    if paper_date is None and isinstance(paper_doc, dict) and "date" in paper_doc:
        paper_date = _parse_date(_Checker(rel, lines), ("paper", "date"), paper_doc["date"])
    dataset = _dataset_from(doc, rel, published, paper_date, schemes)
    dataset.lines.update(dotted if dotted is not None else _dotted_lines(lines))
    return dataset


def _dotted_lines(lines: dict) -> dict[str, int]:
    """The lines of the fields a message may name (``paper.title``; not list items), by dotted name."""
    return {_dotted(k): v for k, v in lines.items() if all(isinstance(x, str) for x in k)}


def _cells_of(value: Any) -> dict[str, str]:
    """A by-language cell as a mapping: ``{en, zh}`` as given, a plain text (another list's) under ``""``."""
    return {"": value} if isinstance(value, str) else dict(value or {})


def _listed(doc: dict) -> Listed:
    shared: dict[str, str | None] = {}
    zh: dict[str, str | None] = {}
    for key in CELLS:
        value = doc.get(key)
        if isinstance(value, dict):
            shared[key] = value.get("en")
            zh[key] = value.get("zh")
        else:
            shared[key] = value
    row = doc.get("row")
    return Listed(
        **shared,
        row=row.get("en") if isinstance(row, dict) else row,
        row_zh=row.get("zh") if isinstance(row, dict) else None,
        modality=_cells_of(doc.get("modality")),
        task=_cells_of(doc.get("task")),
        size=_cells_of(doc.get("size")),
        source=doc.get("source"),
        version=doc.get("version"),
        zh=zh,
        description=_cells_of(doc.get("description")),
        section=doc.get("section"),
    )


def _dataset_from(doc: dict, rel: str, published, paper_date, schemes) -> Dataset:
    listed = doc["listed"]
    first_listed = None
    if "first_listed" in doc:
        first_listed = _parse_date(_Checker(rel, {}), ("first_listed",), doc["first_listed"])
    paper = None
    if "paper" in doc:
        p = doc["paper"]
        paper = Paper(
            title=p["title"],
            sources=tuple(p["sources"]),
            arxiv=p.get("arxiv"),
            doi=p.get("doi"),
            url=p.get("url"),
            venue=p.get("venue"),
            date=paper_date,
            authors=tuple(p.get("authors", ())),
            authors_complete=p.get("authors_complete", True),
            more_authors=tuple(p.get("more_authors", ())),
        )
    stated = doc.get("stated") or {}
    return Dataset(
        id=doc["id"],
        name=doc["name"],
        file=rel,
        description=dict(doc.get("description", {})),
        listed=_listed(listed),
        listings=tuple(Listing("earlier", _listed(item)) for item in doc.get("earlier", ()))
        + tuple(Listing("also", _listed(item)) for item in doc.get("also_listed", ())),
        first_listed=first_listed,
        first_listed_source=doc.get("first_listed_source"),
        modified=_parse_date(_Checker(rel, {}), ("modified",), doc["modified"]) if "modified" in doc else None,
        modified_source=doc.get("modified_source"),
        published=published,
        venue=doc.get("venue"),
        modality=tuple(doc.get("modality", ())),
        modality_count=doc.get("modality_count"),
        task=tuple(doc.get("task", ())),
        size=tuple(
            Count(c["count"], c["unit"], c.get("approximate", False), c.get("note")) for c in doc.get("size", ())
        ),
        access=tuple(
            Access(a["label"], a["url"], a.get("platform") or _platform_for(a["url"], schemes))
            for a in doc.get("access", ())
        ),
        homepage=_sourced(doc["homepage"]["url"], doc["homepage"]) if "homepage" in doc else None,
        alternate_name=_sourced(tuple(doc["alternate_name"]["names"]), doc["alternate_name"])
        if "alternate_name" in doc
        else None,
        paper=paper,
        same_paper_as=_sourced(doc["same_paper_as"]["id"], doc["same_paper_as"]) if "same_paper_as" in doc else None,
        stated_size=Sourced(stated["size"], tuple(stated["sources"])) if "size" in stated else None,
        stated_modality=Sourced(stated["modality"], tuple(stated["sources"])) if "modality" in stated else None,
        see_also=tuple(_sourced(s["url"], s) for s in doc.get("see_also", ())),
        notes=tuple(_sourced(n["text"], n) for n in doc.get("notes", ())),
        license=License(
            stated=doc["license"]["stated"],
            covers=doc["license"]["covers"],
            sources=tuple(doc["license"]["sources"]),
            id=doc["license"].get("id"),
            conflicts=tuple(doc["license"].get("conflicts", ())),
        )
        if "license" in doc
        else None,
        derived={k: tuple(v) for k, v in sorted(doc.get("derived", {}).items())},
    )


def _check_catalog_file(rel: str, doc: Any, lines: dict) -> tuple[dict | None, list]:
    chk = _Checker(rel, lines)
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


def _read_file(
    path: Path, rel: str, root: Path | None = None, folder: Path | None = None, cache: ParseCache | None = None
) -> tuple[Any, dict, list[Problem]]:
    """A file's YAML as plain values and the line of each field, or the problems that kept it from being read.

    ``root`` is the catalog folder, resolved; ``folder`` the file's folder, resolved (given once for all its files,
    so only links are resolved one by one). With ``cache``, a file seen before with the same bytes is not parsed
    again; ``cache.hit`` then holds what checking it found.
    """
    if cache is not None:
        cache.hit = None
    if path.is_symlink() and _is_link_loop(path):  # resolve() would raise RuntimeError (Python < 3.13)
        message = "is a link that leads back to itself (a loop of links), so it is not read"
        return None, {}, [Problem(rel, None, "", message, "fix or remove the link")]
    is_link = path.is_symlink()
    real = path.resolve() if is_link or folder is None else folder / path.name
    if root is not None and not real.is_relative_to(root):
        message = f"is a link to {real}, outside the catalog folder, so it is not read"
        return None, {}, [Problem(rel, None, "", message, "copy the file into the catalog folder instead of linking")]
    if is_link and not real.exists():
        message = f"is a link to {real}, which does not exist"
        return None, {}, [Problem(rel, None, "", message, "fix or remove the link")]
    if real.exists() and not real.is_file():  # a folder, a FIFO (reading it would wait forever), a device
        message = "is not a regular file, so it is not read"
        hint = "keep only YAML files (one per dataset) in datasets/"
        if rel.endswith("/catalog.yaml"):
            hint = "make catalog.yaml a YAML file (see docs/data-format.md)"
        return None, {}, [Problem(rel, None, "", message, hint)]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, {}, [Problem(rel, None, "", f"cannot read the file: {exc.strerror}", "check its permissions")]
    if cache is not None and (hit := cache.get(rel, raw)) is not None:
        cache.hit = hit
        return hit["doc"], {("id",): hit["lines"]["id"]} if "id" in hit["lines"] else {}, []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # the byte-order mark of UTF-16 (Windows' "Unicode")
            return None, {}, [Problem(rel, 1, "", "the file is UTF-16 text, not UTF-8", "save it as UTF-8")]
        line = raw[: exc.start].count(b"\n") + 1
        message = f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02X})"
        hint = "save it as UTF-8 (Latin-1 or Windows-1252 text must be converted, e.g. with iconv)"
        return None, {}, [Problem(rel, line, "", message, hint)]
    try:
        value, lines = _read_yaml(text)
    except _YamlProblem as exc:
        return None, {}, [Problem(rel, exc.line, exc.field, exc.message, exc.hint)]
    if cache is not None:
        cache.seen(rel, raw)
    return value, lines, []


class ParseCache:
    """Dataset files checked by an earlier build, by path and content: a file whose bytes did not change is not
    parsed or checked again (the checks across files still run). It is plain JSON (never pickle: the cache lives
    in the output folder, and reading it must not run code), and it is only valid for the code and catalog.yaml
    it was made with, which ``build`` makes sure of (``key``).

    One line per file (``"path"\tsha256\t{entry}``) kept as bytes until a file asks for its entry: a catalog of
    100,000 entries would otherwise hold 100,000 parsed documents it mostly only copies to the next build.
    """

    def __init__(self, key: str, entries: dict[str, tuple[str, bytes]] | None = None):
        self.key = key
        self._old = entries or {}  # path → (digest, the entry as JSON)
        self._new: dict[str, tuple[str, bytes]] = {}
        self._pending: dict[str, str] = {}  # path → digest of the bytes just read, until their checks are known
        self.hit: dict | None = None

    @staticmethod
    def _digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, rel: str, raw: bytes) -> dict | None:
        """The entry of a file seen before with these bytes (``doc``, ``lines``, ``problems``, ``packed``)."""
        found = self._old.get(rel)
        if found is None or found[0] != self._digest(raw):
            return None
        try:
            entry = orjson.loads(found[1])
        except orjson.JSONDecodeError:
            return None
        return {**entry, "packed": found} if isinstance(entry, dict) else None

    def seen(self, rel: str, raw: bytes) -> None:
        self._pending[rel] = self._digest(raw)

    def entry(self, rel: str, doc: Any, lines: dict, problems: list[Problem]) -> tuple[str, bytes] | None:
        """The cache entry of a file that passed its checks (with what they found: warnings only), or ``None``
        when it holds something other than plain values (it is then read again next time)."""
        digest = self._pending.pop(rel, None)
        if digest is None:
            return None
        entry = {"doc": doc, "lines": _dotted_lines(lines), "problems": [p.as_dict() for p in problems]}
        try:
            return digest, orjson.dumps(entry)
        except TypeError:
            return None

    def learn(self, rel: str, packed: tuple[str, bytes]) -> None:
        self._new[rel] = packed

    def dump(self) -> bytes:
        lines = [orjson.dumps({"key": self.key})]
        lines += [orjson.dumps(rel) + f"\t{sha}\t".encode() + entry for rel, (sha, entry) in sorted(self._new.items())]
        return b"\n".join(lines) + b"\n"

    @classmethod
    def load(cls, key: str, data: bytes | None) -> ParseCache:
        """The cache in ``data``, if it was made for ``key``; else an empty one."""
        head, _, rest = (data or b"").partition(b"\n")
        try:
            valid = orjson.loads(head).get("key") == key if head else False
        except (orjson.JSONDecodeError, AttributeError):
            valid = False
        entries: dict[str, tuple[str, bytes]] = {}
        for line in rest.splitlines() if valid else ():
            parts = line.split(b"\t", 2)
            if len(parts) == 3:
                try:
                    entries[orjson.loads(parts[0])] = (parts[1].decode("ascii"), parts[2])
                except (orjson.JSONDecodeError, UnicodeDecodeError, TypeError):
                    continue
        return cls(key, entries)


def _is_link_loop(path: Path) -> bool:
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


@dataclass
class _FileChecked:
    """What reading and checking one dataset file found (made in a worker process, read in the parent)."""

    rel: str
    read_problems: list[Problem]
    claimed: str | None = None
    id_line: int | None = None
    dataset: Dataset | None = None
    problems: list[Problem] = field(default_factory=list)
    remembered: tuple[str, bytes] | None = None  # the file's cache entry, for the next build


def _check_file(
    path: Path, rel: str, root: Path, folder: Path | None, cache: ParseCache | None, schemes
) -> _FileChecked:
    value, lines, read_problems = _read_file(path, rel, root, folder, cache)
    if read_problems:
        return _FileChecked(rel, read_problems)
    claimed = value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None
    one = _FileChecked(rel, [], claimed, lines.get(("id",)))
    hit = cache.hit if cache is not None else None
    if hit is not None:  # checked by an earlier build, and unchanged since
        one.dataset = _checked_dataset(value, rel, lines, schemes, dotted=hit["lines"])
        one.problems = [Problem(**p) for p in hit["problems"]]
        one.remembered = hit["packed"]  # the parent keeps it for the next build (this may be a worker process)
    else:
        one.dataset, one.problems = _check_dataset(path, rel, value, lines, schemes)
        if cache is not None and one.dataset is not None:
            one.remembered = cache.entry(rel, value, lines, one.problems)
    return one


_FILES: tuple | None = None  # what the worker processes read: set before they start (fork), so not pickled


def _check_files(chunk: list[int]) -> list[_FileChecked]:
    assert _FILES is not None
    files, display, root, folder, cache, schemes = _FILES
    return [_check_file(files[i], f"{display}/datasets/{files[i].name}", root, folder, cache, schemes) for i in chunk]


def _map_files(files, display, root, folder, cache, jobs) -> Iterator[_FileChecked]:
    """Each file read and checked, in order; in worker processes (forked) when there are many."""
    global _FILES
    _FILES = (files, display, root, folder, cache, load_schemes())
    chunks = [list(range(i, min(i + 64, len(files)))) for i in range(0, len(files), 64)]
    try:
        yield from spread(_check_files, chunks, workers_for(jobs, len(files), worth_it=512))
    finally:
        _FILES = None


def check_catalog(
    data_dir: Path | str, cache: ParseCache | None = None, jobs: int | None = 1
) -> tuple[Catalog | None, list[Problem]]:
    """Read and check a catalog folder; return the catalog (``None`` if any error) and every problem.

    With ``cache``, dataset files whose bytes it knows are not parsed and checked again, and it learns the others.
    ``jobs``: worker processes reading the dataset files (``None``: one per core, for folders big enough to gain).
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    display = display_root(data_dir)
    catalog_path = data_dir / "catalog.yaml"
    catalog_rel = f"{display}/catalog.yaml"
    if not data_dir.is_dir():
        raise CatalogError(Problem(str(data_dir), None, "", "no such folder", "pass the catalog folder with --data"))
    catalog_doc = None
    if not catalog_path.exists() and not catalog_path.is_symlink():  # a folder or link is named by _read_file
        problems.append(
            Problem(
                catalog_rel, None, "", "missing catalog description", "create catalog.yaml (see docs/data-format.md)"
            )
        )
    else:
        value, lines, read_problems = _read_file(catalog_path, catalog_rel, data_dir.resolve())
        problems += read_problems
        if not read_problems:
            catalog_doc, found = _check_catalog_file(catalog_rel, value, lines)
            problems += _at_most(found, catalog_rel)
    datasets: list[Dataset] = []
    files = sorted((data_dir / "datasets").glob("*.yaml")) if (data_dir / "datasets").is_dir() else []
    for path in sorted((data_dir / "datasets").glob("*")) if (data_dir / "datasets").is_dir() else []:
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml":  # would be skipped without a word
            problems.append(
                Problem(
                    f"{display}/datasets/{path.name}",
                    None,
                    "",
                    "is not read: dataset files end in .yaml",
                    f"rename it to {path.stem}.yaml",
                )
            )
    if not files:
        problems.append(
            Problem(
                f"{display}/datasets", None, "", "no dataset files found", "add one YAML file per dataset in datasets/"
            )
        )
    seen_ids: dict[str, str] = {}
    root = data_dir.resolve()
    folder = (data_dir / "datasets").resolve() if files else None
    for one in _map_files(files, display, root, folder, cache, jobs):
        problems += one.read_problems
        if one.read_problems:
            continue
        if one.claimed in seen_ids:
            problems.append(
                Problem(
                    one.rel,
                    one.id_line,
                    "id",
                    f'id "{one.claimed}" is also claimed by {seen_ids[one.claimed]}',
                    "give each dataset its own id (and name its file after it)",
                )
            )
        elif one.claimed:
            seen_ids[one.claimed] = one.rel
        if cache is not None and one.remembered is not None:
            cache.learn(one.rel, one.remembered)
        problems += _at_most(one.problems, one.rel)
        if one.dataset is not None:
            datasets.append(one.dataset)
    by_id = {d.id: d for d in datasets}
    for dataset in datasets:
        if dataset.same_paper_as and dataset.same_paper_as.value not in seen_ids:
            problems.append(
                Problem(
                    dataset.file,
                    None,
                    "same_paper_as.id",
                    f'no dataset with id "{dataset.same_paper_as.value}"',
                    "use the id of another dataset in this catalog",
                )
            )
        elif dataset.same_paper_as:
            other = by_id.get(dataset.same_paper_as.value)
            if other is not None and other.paper is None:
                problems.append(
                    Problem(
                        dataset.file,
                        None,
                        "same_paper_as.id",
                        f'dataset "{other.id}" has no paper',
                        "add the paper to that dataset",
                    )
                )
    if any(p.severity == ERROR for p in problems) or catalog_doc is None:
        return None, sorted(problems, key=_problem_order)
    src = catalog_doc.get("source") or {}  # a catalog made by `init` may not name a source list yet
    catalog = Catalog(
        base_iri=catalog_doc["base_iri"],
        title=dict(catalog_doc["title"]),
        description=dict(catalog_doc["description"]),
        curators=tuple(Person(c["id"], c["name"], c.get("affiliation")) for c in catalog_doc["curators"]),
        publisher=catalog_doc["publisher"],
        repository=src.get("repository"),
        readme=src.get("readme"),
        license=src.get("license"),
        license_source=src.get("license_source"),
        datasets=tuple(sorted(datasets, key=lambda d: d.id)),
        file=catalog_rel,
    )
    return catalog, sorted(problems, key=_problem_order)


_MAX_SHOWN = 50


def _at_most(found: list[Problem], rel: str) -> list[Problem]:
    """A file's problems, the first ``_MAX_SHOWN`` of them and a line counting the rest (a broken file is
    fixed from its top; 50,000 lines of "unknown field" help no one)."""
    if len(found) <= _MAX_SHOWN:
        return found
    ordered = sorted(found, key=_problem_order)
    hidden = ordered[_MAX_SHOWN:]
    severity = ERROR if any(p.severity == ERROR for p in hidden) else WARNING
    more = Problem(
        rel, None, "", f"{len(hidden):,} more problems not shown", "fix those listed, then validate again", severity
    )
    return ordered[:_MAX_SHOWN] + [more]


def _problem_order(p: Problem) -> tuple:
    return (p.severity != ERROR, p.file, p.line or 0, p.field, p.message)


def load_catalog(data_dir: Path | str) -> Catalog:
    """The checked catalog; raises ``CatalogError`` with every error if there is any."""
    catalog, problems = check_catalog(data_dir)
    if catalog is None:
        raise CatalogError([p for p in problems if p.severity == ERROR])
    return catalog
