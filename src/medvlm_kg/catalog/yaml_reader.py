"""Reading one YAML document safely: plain values and the line of each field, or a ``YamlProblem`` saying why not.

Only the safe composer is used; aliases, merge keys, custom tags and duplicate keys are refused, because a curator's
file should mean exactly what it shows. The product's own limits on nesting and on the number of values come before
any library's, so the messages do not depend on PyYAML's version.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml

_SAFE_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_STR = "tag:yaml.org,2002:str"


class YamlProblem(Exception):
    def __init__(self, line: int | None, field: str, message: str, hint: str):
        self.line, self.field, self.message, self.hint = line, field, message, hint


def read_yaml(text: str) -> tuple[Any, dict[tuple, int]]:
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
            raise YamlProblem(line, "", f"YAML syntax error: {problem}", "indent with spaces, not tabs") from None
        if "another document" in problem:  # a second `---`: two datasets in one file
            hint = "one file holds one dataset: remove the `---` line and move what follows into a file of its own"
            raise YamlProblem(line, "", f"YAML syntax error: {problem}", hint) from None
        raise YamlProblem(line, "", f"YAML syntax error: {problem}", "fix the YAML syntax at that line") from None
    except yaml.reader.ReaderError as exc:  # a character YAML never allows (NUL, most control characters)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        # libyaml's position counts UTF-8 bytes, PyYAML's characters; the first such character is the one.
        at = text.find(chr(char))
        raise YamlProblem(
            text[: at if at >= 0 else exc.position].count("\n") + 1,
            "",
            f"the character U+{char:04X} is not allowed in YAML",
            "remove it (text copied from PDFs and terminals often carries invisible characters)",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, "", f"YAML error: {exc}", "fix the YAML syntax") from None
    except RecursionError:
        raise YamlProblem(None, "", "YAML nested too deeply", "flatten the file") from None
    lines: dict[tuple, int] = {}
    seen: set[int] = set()
    constructor = yaml.constructor.SafeConstructor()

    def build(node: yaml.Node, path: tuple, depth: int) -> Any:
        line = node.start_mark.line + 1
        lines.setdefault(path, line)
        if depth > 50:
            field = dotted(path[:4]) + "…"
            raise YamlProblem(line, field, "nested too deeply", "this format nests at most 4 levels")
        if id(node) in seen:  # the composer shares the anchored node; the alias's own line is in the events
            alias_line, anchor = _first_alias(text, loader_cls)
            raise YamlProblem(
                alias_line or line,
                dotted(path),
                f"YAML aliases (*{anchor}) are not allowed",
                f"write the value out in full instead of repeating the one marked &{anchor}",
            )
        seen.add(id(node))
        if node.tag == "tag:yaml.org,2002:value":  # a bare `=`, which YAML 1.1 reads as a "value key", not text
            raise YamlProblem(line, dotted(path), 'a bare "=" is not read as text', 'quote it: `"="`')
        if node.tag not in _SAFE_TAGS:
            raise YamlProblem(
                line,
                dotted(path),
                f"YAML tag {node.tag!r} is not allowed",
                "remove the tag; only plain values, lists and mappings are read",
            )
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` copies fields from elsewhere
                    message = "YAML merge keys (<<) are not allowed"
                    hint = "write the fields out in full, so the file shows everything it means"
                    raise YamlProblem(key_node.start_mark.line + 1, dotted(path + ("<<",)), message, hint)
                # A key such as `=` (YAML's "value key") or `2024-02-30` (a date that does not exist) has no safe
                # reading either: constructing it raised ConstructorError or ValueError.
                try:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_TAGS:
                        raise ValueError
                    raw_key = key_node.value if key_node.tag == _STR else constructor.construct_object(key_node)
                    key = sys.intern(str(raw_key))
                except (ValueError, yaml.YAMLError):
                    raise YamlProblem(
                        key_node.start_mark.line + 1,
                        dotted(path),
                        "keys must be plain names",
                        'write `name: value` (quote a key that is a symbol or a date, e.g. `"=": …`)',
                    ) from None
                if key in out:
                    raise YamlProblem(
                        key_node.start_mark.line + 1,
                        dotted(path + (key,)),
                        "duplicate key",
                        "keep one of the two; YAML would silently drop the first",
                    )
                lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:  # a text is the scalar's own value (what SafeConstructor returns for it), without the constructor's trip
            value = node.value if node.tag == _STR else constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as exc:
            reason = str(exc).split(";")[0]  # not Python's advice on sys.set_int_max_str_digits
            if node.tag == "tag:yaml.org,2002:timestamp":  # published: 2025-13-40, unquoted
                message = f"{node.value} is not a real date ({reason})"
                hint = 'check the month (01-12) and the day, and quote the date: "YYYY-MM-DD"'
                raise YamlProblem(line, dotted(path), message, hint) from None
            if node.tag == "tag:yaml.org,2002:int":  # more digits than Python reads
                message = f"a number of {len(node.value):,} digits is too long to read"
                raise YamlProblem(line, dotted(path), message, "write the number with fewer digits") from None
            raise YamlProblem(line, dotted(path), f"unreadable value: {reason}", "quote the value") from None
        control = _CONTROL.search(value) if isinstance(value, str) else None
        if control:
            raise YamlProblem(
                line,
                dotted(path),
                f"contains the invisible control character U+{ord(control.group()):04X}",
                "remove it (text copied from PDFs and terminals often carries them)",
            )
        return _shared_text(value)

    if root is None:
        return None, lines
    return build(root, (), 0), lines


MAX_DEPTH = 100
# Keys and short texts (concept ids, units, languages, dates) recur in every file: kept once each (``sys.intern``),
# not once a file. At 10,000 entries (slots already) the checked catalog took 81 MiB, 59 MiB with keys and dotted
# field names shared, 52 MiB with values of up to this many characters shared too.
_SHARED_TEXT = 24
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


def depth_bound(text: str) -> int:
    """At least how deep lists and mappings can nest in ``text``, from its characters alone: each flow level opens
    with ``[`` or ``{``, and each block level needs a line indented further or another ``- ``/``? ``/``: `` before
    its first character."""
    flow = text.count("[") + text.count("{")
    first = len(_LINE_START.match(text).group())
    block = max(first, max((len(m) - 1 for m in _NEW_LINE_START.findall(text)), default=0))
    return flow + block + 1


def _check_depth(text: str) -> None:
    """Refuse lists and mappings nested more than ``MAX_DEPTH`` deep, before any YAML library reads the text.

    libyaml (PyYAML's C parser, 0.2.6 in the PyYAML 6.0.3+ wheels) has its own limit, 1,000 flow levels, which its
    scanner hits while reading ahead, before its first events come out; so the depth is counted here, from a bound
    on the characters and, only when that bound exceeds the limit, on the events of PyYAML's pure-Python parser
    (no nesting limit, no recursion). The message is the product's whatever the library's version.
    """
    if depth_bound(text) <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(
                    event.start_mark.line + 1,
                    "",
                    f"lists and mappings nested more than {MAX_DEPTH} levels deep",
                    "this format nests at most 4 levels; flatten the file",
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _check_values(text: str, loader_cls: type) -> None:
    """Refuse more than ``_MAX_VALUES`` values, reading events (no recursion) before anything is built; the depth is
    known to be within ``MAX_DEPTH`` by now, far below any library's own limit."""
    values = 0
    for event in yaml.parse(text, Loader=loader_cls):
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            values += 1
            if values > _MAX_VALUES:
                raise YamlProblem(
                    event.start_mark.line + 1,
                    "",
                    f"more than {_MAX_VALUES:,} values in one file",
                    "a catalog file describes one dataset in about a hundred values; split or shorten it",
                )


def _shared_text(value: Any) -> Any:
    """``value``, a short text kept once for all files (``_SHARED_TEXT``)."""
    return sys.intern(value) if isinstance(value, str) and len(value) <= _SHARED_TEXT else value


def dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return sys.intern(out)


def dotted_lines(lines: dict) -> dict[str, int]:
    """The lines of the fields a message may name (``paper.title``; not list items), by dotted name."""
    return {dotted(k): v for k, v in lines.items() if all(isinstance(x, str) for x in k)}
