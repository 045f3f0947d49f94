"""Write triples as compacted, readable JSON-LD with the project's context (``ontology/context.jsonld``).

A general JSON-LD processor (pyld) compacts far too slowly for catalogs of 100,000 entries, and our
graphs have a known shape: IRIs everywhere, no blank nodes, no lists. So we compact directly: each
predicate gets the context term that fits its value, and each node is nested at its first (shallowest)
mention from the root; nodes nothing points to (the sourced-fact statements) nest under the node they are
about through a reverse term. Tests parse the output back and compare it with the Turtle as graphs.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pyoxigraph as ox

from medvlm_kg.resources import ontology_dir

__all__ = ["json_bytes", "json_order", "load_context", "prefixes", "to_jsonld"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NATIVE = {_XSD + "integer", _XSD + "boolean"}
# A JSON number is a double to most readers: exact only below 2^53 (JavaScript's Number.MAX_SAFE_INTEGER), and
# read as an xsd:double from 10^21 on (JSON-LD 1.1, "Object to RDF Conversion"; rdflib already from 10^20). So a
# bigger integer is written as a typed string, and stays the integer it is.
_JSON_INTEGER_LIMIT = 2**53


@dataclass(frozen=True)
class _Term:
    name: str
    iri: str
    coerce: str | None  # "@id", a datatype IRI, or None
    container: str | None  # "@language" or None
    reverse: bool = False


@dataclass
class _Context:
    document: dict
    vocab: str
    prefixes: dict[str, str]
    terms: dict[str, list[_Term]]  # by expanded IRI
    names: set[str]
    reverse: dict[str, _Term] | None = None  # the reverse terms, by expanded IRI (made when first asked for)


def _expand(value: str, prefixes: dict[str, str], vocab: str) -> str:
    if ":" in value:
        prefix, local = value.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + local
        return value
    return vocab + value


def _reverse_terms(ctx: _Context) -> dict[str, _Term]:
    if ctx.reverse is None:
        ctx.reverse = {t.iri: t for ts in ctx.terms.values() for t in ts if t.reverse}
    return ctx.reverse


@cache
def load_context(path: Path | None = None) -> _Context:
    document = json.loads((path or ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    ctx = document["@context"]
    vocab = ctx.get("@vocab", "")
    pref = {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")}
    terms: dict[str, list[_Term]] = defaultdict(list)
    for name, spec in ctx.items():
        if name.startswith("@") or isinstance(spec, str):
            continue
        reverse = "@reverse" in spec
        iri = _expand(spec.get("@reverse") or spec.get("@id") or name, pref, vocab)
        coerce = spec.get("@type")
        if coerce and coerce != "@id":
            coerce = _expand(coerce, pref, vocab)
        terms[iri].append(_Term(name, iri, coerce, spec.get("@container"), reverse))
    names = set(pref) | {k for k in ctx if not k.startswith("@")}
    return _Context(document, vocab, pref, dict(terms), names)


def prefixes() -> dict[str, str]:
    """The prefixes of the context, for Turtle output."""
    return dict(load_context().prefixes)


def _compact_iri(iri: str, ctx: _Context, vocab_relative: bool) -> str:
    # The same few dozen predicates, types and datatypes come up in every document: each is compacted once.
    key = (iri, vocab_relative)
    found = _compacted.get(key)
    if found is None or found[0] is not ctx:
        found = _compacted[key] = (ctx, _compact(iri, ctx, vocab_relative))
    return found[1]


_compacted: dict[tuple[str, bool], tuple[_Context, str]] = {}


def _compact(iri: str, ctx: _Context, vocab_relative: bool) -> str:
    if vocab_relative and ctx.vocab and iri.startswith(ctx.vocab):
        local = iri[len(ctx.vocab) :]
        if local and ":" not in local and "/" not in local and "#" not in local and local not in ctx.names:
            return local
    best = None
    for prefix, ns in ctx.prefixes.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns) :]
            if "/" not in local and "#" not in local and (best is None or len(ns) > len(ctx.prefixes[best])):
                best = prefix
    if best:
        return f"{best}:{iri[len(ctx.prefixes[best]) :]}"
    return iri


def _terms_for(predicate: str, ctx: _Context) -> tuple[str | None, str | None, str]:
    """The context's term for a predicate's IRI values, for its language-tagged values, and for other values
    (``None`` where the context has none of that kind; the last falls back to the compacted IRI)."""
    found = _term_choice.get(predicate)
    if found is None or found[0] is not ctx:
        terms = [t for t in ctx.terms.get(predicate, []) if not t.reverse]
        iri = next((t.name for t in terms if t.coerce == "@id" and t.container is None), None)
        lang = next((t.name for t in terms if t.container == "@language" and t.coerce is None), None)
        plain = next((t.name for t in terms if t.coerce is None and t.container is None), None)
        found = _term_choice[predicate] = (ctx, (iri, lang, plain or _compact_iri(predicate, ctx, True)))
    return found[1]


_term_choice: dict[str, tuple[_Context, tuple[str | None, str | None, str]]] = {}


def _key_and_value(predicate: str, obj: Any, ctx: _Context) -> tuple[str, Any, str | None]:
    """Choose the property key for one value, and the value's JSON form (and its language, for maps)."""
    for_iri, for_lang, plain = _terms_for(predicate, ctx)
    if isinstance(obj, ox.NamedNode):
        if for_iri is not None:
            return for_iri, obj.value, None
        value: Any = {"@id": obj.value}
    elif obj.language:
        if for_lang is not None:
            return for_lang, obj.value, obj.language
        value = {"@value": obj.value, "@language": obj.language}
    else:
        datatype = obj.datatype.value
        if datatype == _XSD + "string":
            value = obj.value
        elif (
            datatype == _XSD + "integer"
            and obj.value.lstrip("-").isdigit()
            and obj.value == str(int(obj.value))
            and abs(int(obj.value)) < _JSON_INTEGER_LIMIT
        ):
            value = int(obj.value)
        elif datatype == _XSD + "boolean" and obj.value in ("true", "false"):
            value = obj.value == "true"
        else:
            value = {"@value": obj.value, "@type": _compact_iri(datatype, ctx, vocab_relative=False)}
    return plain, value, None


def json_bytes(value: Any) -> bytes:
    """``value`` as compact JSON in UTF-8 (no indentation: it made every JSON-LD and Croissant file about a third
    bigger, 50 MB of a 10,000-entry site; a browser or ``jq`` lays it out for a reader). orjson writes the text
    ``json.dumps(separators=(",", ":"), ensure_ascii=False)`` writes, many times faster."""
    try:
        return orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):  # an integer past 64 bits: rare, and the standard library can
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_order(value: Any) -> tuple:
    """A sort key for JSON values: plain values first, then objects by ``@id`` and content."""
    if isinstance(value, dict):
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, TypeError):
            text = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return (1, value.get("@id", ""), text)
    return (0, type(value).__name__, str(value))


def _nesting_order(link: tuple[str, str]) -> tuple:
    """(predicate, object IRI) of a link, schema.org properties first: a reader of the JSON-LD expects papers under
    ``citation``, not ``dct:``; then by predicate and the object as N-Triples writes it (``<iri>``)."""
    return (not link[0].startswith("https://schema.org/"), link[0], f"<{link[1]}>")


def to_jsonld(triples: list[ox.Triple], roots: list[str]) -> bytes:
    """A JSON-LD document for ``triples``: ``roots`` first, everything else nested where it is first met."""
    ctx = load_context()
    # Each triple read once into plain values (every attribute read of a pyoxigraph term makes a new object):
    # subject → [(predicate, object, the object's IRI or None)].
    by_subject: dict[str, list[tuple[str, Any, str | None]]] = defaultdict(list)
    for t in set(triples):
        o = t.object
        by_subject[t.subject.value].append((t.predicate.value, o, o.value if isinstance(o, ox.NamedNode) else None))
    incoming = {iri for edges in by_subject.values() for _, _, iri in edges if iri is not None and iri in by_subject}

    reverse_terms = _reverse_terms(ctx)
    reverse_children: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for subject, edges in by_subject.items():
        if subject in incoming or subject in roots:
            continue
        for p, _, iri in edges:
            term = reverse_terms.get(p)
            if term and iri is not None and iri in by_subject:
                reverse_children[iri].append((term.name, subject))
                break

    # Breadth-first from the roots: a node is written in full where it is first met, by reference elsewhere.
    placed: dict[str, tuple[str, str]] = {}
    order = deque(r for r in roots if r in by_subject)
    seen = set(order)
    while order:
        node = order.popleft()
        children = sorted(((p, iri) for p, _, iri in by_subject[node] if p != _RDF_TYPE and iri), key=_nesting_order)
        children += [(f"^{name}", child) for name, child in sorted(reverse_children.get(node, []))]
        for edge, child in children:
            if child in by_subject and child not in seen:
                seen.add(child)
                placed[child] = (node, edge)
                order.append(child)

    reverse_of = {child: (parent, name) for parent, kids in reverse_children.items() for name, child in kids}

    def node_object(subject: str) -> dict:
        out: dict[str, Any] = {"@id": subject}
        edges = by_subject[subject]
        types = sorted(_compact_iri(iri, ctx, vocab_relative=True) for p, _, iri in edges if p == _RDF_TYPE)
        if types:
            out["@type"] = types[0] if len(types) == 1 else types
        props: dict[str, list] = defaultdict(list)
        lang_maps: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        reversed_from = (placed.get(subject), f"^{reverse_of[subject][1]}") if subject in reverse_of else None
        for p, o, iri in edges:
            if p == _RDF_TYPE:
                continue
            if reversed_from and reversed_from[0] == (iri, reversed_from[1]) and p in reverse_terms:
                continue
            key, value, lang = _key_and_value(p, o, ctx)
            if lang is not None:
                lang_maps[key][lang].append(value)
                continue
            if iri is not None and placed.get(iri) == (subject, p):
                value = node_object(iri)
            props[key].append(value)
        for name, child in sorted(reverse_children.get(subject, [])):
            if placed.get(child) == (subject, f"^{name}"):
                props[name].append(node_object(child))
        for key, by_lang in lang_maps.items():
            props[key] = [
                {lang: (vals[0] if len(vals) == 1 else sorted(vals)) for lang, vals in sorted(by_lang.items())}
            ]
        for key in sorted(props):
            values = props[key]
            if len(values) == 1:
                out[key] = values[0]
            else:
                out[key] = values if key in lang_maps else sorted(values, key=json_order)
        return out

    top = [node_object(r) for r in roots if r in by_subject]
    rest = sorted(s for s in by_subject if s not in roots and s not in placed)
    top += [node_object(s) for s in rest]
    document: dict[str, Any] = {"@context": ctx.document["@context"]}
    if len(top) == 1:
        document.update(top[0])
    else:
        document["@graph"] = top
    return json_bytes(document) + b"\n"
