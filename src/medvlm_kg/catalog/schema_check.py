"""The JSON Schema check of a catalog file, worded for curators: ``Checker`` collects one file's problems, each
pinned to the line of its field, and turns jsonschema's errors into what is wrong and what to write instead.

jsonschema-rs answers yes or no fast; only a file it refuses is checked again by jsonschema, whose errors are worded.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Any

from medvlm_kg.catalog.concepts import suggest
from medvlm_kg.catalog.yaml_reader import dotted
from medvlm_kg.problems import ERROR, Problem
from medvlm_kg.resources import ontology_dir

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


@cache
def _schema(name: str) -> dict:
    return json.loads((ontology_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
    """``pattern`` as JSON Schema means it (ECMA-262, as jsonschema-rs reads it): ``$`` is the end of the text.
    Python's ``$`` also matches before a final newline, so an id ending in a newline would pass and break IRIs."""
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not re.search(re.sub(r"\$$", r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator(name: str) -> Draft202012Validator:
    """jsonschema's validator, with ``_pattern``: imported when a file is first refused by jsonschema-rs (a build
    whose files all passed, or came from the parse cache, never needs it: 36 ms of every command)."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern})(_schema(name))


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


class Checker:
    """Collects problems for one file, each pinned to the line of its field."""

    def __init__(self, rel: str, lines: dict[tuple, int]):
        self.rel, self.lines, self.problems = rel, lines, []

    def line_of(self, path: tuple) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def add(self, path: tuple, message: str, hint: str = "", severity: str = ERROR) -> None:
        self.problems.append(Problem(self.rel, self.line_of(path), dotted(path), message, hint, severity))

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
