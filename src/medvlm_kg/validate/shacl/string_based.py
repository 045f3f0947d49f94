"""String-based constraints (SHACL 4.4): sh:minLength, sh:maxLength, sh:pattern, sh:languageIn, sh:uniqueLang."""

from __future__ import annotations

import re
from collections.abc import Callable

from medvlm_kg.validate.shacl.shapes import _COMPONENT, Check, _per_value, _Shape
from medvlm_kg.validate.shacl.terms import _XSD_BOOLEAN, _XSD_STRING, Term, UnsupportedShapeError, _Literal, _NamedNode

_HAS_TEXT = (_Literal, _NamedNode)  # the node kinds SHACL's string constraints read a text from


def _lexical(v) -> str | None:
    """The string SHACL's string constraints read: a literal's lexical form, an IRI; None for a blank node."""
    kind = type(v)
    if kind is _Literal or kind is _NamedNode:
        return v.value
    return None


def _lang_matches(languages: set[str]) -> Callable[[Term], bool]:
    """pyshacl's sh:languageIn: the tag, or its first subtag, is in the list (case-insensitive); ``*`` is any."""
    wildcard = "*" in languages

    def ok(v):
        if type(v) is not _Literal:
            return False
        lang = v.language
        if not lang:
            return False
        if wildcard:
            return True
        lang = lang.lower()
        return lang in languages or lang.split("-")[0] in languages

    return ok


def build_length(compiler, shape: _Shape, where: str, name: str) -> None:
    """sh:minLength and sh:maxLength: the length of each value's text (IRI or literal)."""
    limit = compiler.integer(shape.node, name, where)
    rule = compiler.one(shape.node, name, where)
    sign = ">=" if name == "minLength" else "<="
    if name == "minLength":
        ok = (lambda v: True) if limit == 0 else (lambda v: (s := _lexical(v)) is not None and len(s) >= limit)
    else:
        ok = lambda v: (s := _lexical(v)) is not None and len(s) <= limit  # noqa: E731
    shape.checks.append(
        _per_value(
            shape,
            name[0].upper() + name[1:],
            ok,
            lambda w, v, view: f"String length not {sign} {w.data(rule, view)}",
        )
    )
    if limit or name == "maxLength":
        shape.checks[-1].accepts = (
            "value",
            f"type(v) in {{kinds}} and len(v.value) {sign} {limit}",
            {"kinds": _HAS_TEXT},
        )
    shape.tests.append(ok)


def build_pattern(compiler, shape: _Shape, where: str) -> None:
    """sh:pattern (with sh:flags): each value's text matches every pattern."""
    flags_literal = compiler.one(shape.node, "flags", where)
    flags = 0
    for flag in flags_literal.value.lower() if flags_literal is not None else "":
        flags |= {"i": re.I, "m": re.M}.get(flag, 0)  # pyshacl reads these two flags only
    patterns = compiler.objects(shape.node, "pattern")
    if not patterns:
        raise UnsupportedShapeError(f"{where}: sh:flags without sh:pattern")
    tests = []
    for pattern in patterns:
        if type(pattern) is not _Literal:
            raise UnsupportedShapeError(f"{where}: sh:pattern must be a literal")
        search = re.compile(pattern.value, flags).search
        tests.append(lambda v, search=search: (s := _lexical(v)) is not None and search(s) is not None)
        shape.checks.append(
            _per_value(
                shape,
                "Pattern",
                tests[-1],
                lambda w, v, view, p=pattern.value: f"Value does not match pattern '{p}'",
            )
        )
        shape.checks[-1].accepts = (
            "value",
            "type(v) in {kinds} and {search}(v.value) is not None",
            {"kinds": _HAS_TEXT, "search": search},
        )
    shape.tests.append(tests[0] if len(tests) == 1 else lambda v: all(t(v) for t in tests))


def build_language_in(compiler, shape: _Shape, where: str) -> None:
    """sh:languageIn: each value a literal whose language is listed."""
    head = compiler.one(shape.node, "languageIn", where)
    languages = set()
    for lang in compiler.items(head, where):
        if type(lang) is not _Literal or lang.datatype != _XSD_STRING:
            raise UnsupportedShapeError(f"{where}: sh:languageIn members must be strings")
        languages.add(lang.value.lower())
    shape.checks.append(_language_in(shape, languages, head))
    shape.tests.append(_lang_matches(languages))


def _language_in(shape: _Shape, languages: set[str], head: Term) -> Check:
    """sh:languageIn, written out: it runs on every language-tagged cell."""
    iri, wildcard = _COMPONENT["LanguageIn"], "*" in languages

    def generic(w, view):
        return f"String language is not in {w.shape(head)}"

    def check(focus, values, node_values, view, out):
        for v in values:
            if type(v) is _Literal:
                lang = v.language
                if lang and (wildcard or (lang := lang.lower()) in languages or lang.split("-")[0] in languages):
                    continue
            out.append(shape.result(focus, v, iri, view, generic))

    check.accepts = ("value", "{ok}(v)", {"ok": _lang_matches(languages)})
    return check


def build_unique_lang(compiler, shape: _Shape, where: str) -> None:
    """sh:uniqueLang true: no two values share a language."""
    flag = compiler.one(shape.node, "uniqueLang", where)
    if type(flag) is not _Literal or flag.datatype != _XSD_BOOLEAN:
        raise UnsupportedShapeError(f"{where}: sh:uniqueLang must be a boolean")
    if flag.value == "true":  # "1"^^xsd:boolean does not turn it on (W3C core uniqueLang-002)
        shape.checks.append(_unique_lang(shape))


def _unique_lang(shape: _Shape) -> Check:
    iri = _COMPONENT["UniqueLang"]

    def check(focus, values, node_values, view, out):
        if len(values) < 2:
            return
        seen, duplicated = set(), []
        for v in dict.fromkeys(values):
            if type(v) is _Literal:
                lang = v.language
                if lang:
                    lang = lang.lower()
                    if lang in seen:
                        duplicated.append(lang)
                    seen.add(lang)
        for _ in dict.fromkeys(duplicated):  # one result per shared language, without a value (as pyshacl)
            out.append(
                shape.result(focus, None, iri, view, lambda w, view: "More than one String shares the same Language")
            )

    def unique(values) -> bool:  # false may be a repeated value, not a repeated language: the check decides
        seen = set()
        for v in values:
            if type(v) is _Literal:
                lang = v.language
                if lang:
                    lang = lang.lower()
                    if lang in seen:
                        return False
                    seen.add(lang)
        return True

    check.accepts = ("list", "len(values) < 2 or {unique}(values)", {"unique": unique})
    return check
