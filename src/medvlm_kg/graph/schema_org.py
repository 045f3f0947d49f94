"""The schema.org part of a description as compact JSON-LD, as a crawler reads it in a page's ``<script>`` block.

Shared by the site (which embeds it in each dataset page) and the Bioschemas profile (which checks it).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from medvlm_kg.graph.jsonld import json_order

__all__ = ["schema_org_jsonld"]

_SDO = "https://schema.org/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCT = "http://purl.org/dc/terms/"
# Besides schema.org, the one property a Dataset block states about its root: the profile it conforms to
# (Bioschemas asks for dct:conformsTo; the triple is in the dataset's RDF, see profiles/bioschemas.py).
_ROOT_EXTRA = {_DCT + "conformsTo": "dct:conformsTo"}


def schema_org_jsonld(triples: list[ox.Triple], root: str, lang: str) -> dict:
    """The schema.org part of a description, framed from ``root``, as compact JSON-LD a crawler reads.

    Only schema.org properties and types are kept, and language-tagged text only in ``lang``, so every triple
    of the result is a triple of the input. Each node is nested where it is first met (breadth first); URLs
    are plain strings through ``"@type": "@id"`` terms, and language or date datatypes are set on a term when
    all its values share them, so a crawler sees ``"description": "…"`` and ``"datePublished": "2024-03-20"``.
    """
    by_subject: dict[str, list[_Edge]] = defaultdict(list)
    edges = _schema_edges(triples, root)
    # text in the page's language; where a property has none (a catalog named only in English on a Chinese page),
    # its English text, else whatever it has: a name in another language beats no name
    languages: dict[tuple[str, str], set] = defaultdict(set)
    for e in edges:
        if e.lang is not None:
            languages[(e.s, e.p)].add(e.lang)
    for e in edges:
        shown = languages[(e.s, e.p)]
        wanted = lang if lang in shown else "en" if "en" in shown else min(shown, default=None)
        if e.lang is None or e.lang == wanted or e.p in _ROOT_EXTRA:
            by_subject[e.s].append(e)

    # Nest each node at its first mention, breadth first from the root.
    placed: dict[str, tuple[str, str]] = {}
    order, seen = deque([root]), {root}
    reached: list[_Edge] = []
    while order:
        node = order.popleft()
        for e in by_subject.get(node, ()):  # sorted by predicate and object already
            reached.append(e)
            if e.p != _RDF_TYPE and e.iri is not None and e.iri in by_subject and e.iri not in seen:
                seen.add(e.iri)
                placed[e.iri] = (node, e.p)
                order.append(e.iri)

    # How each property's values are written: one term definition per property, fitted to the root's values
    # where the root has the property (a crawler reads the Dataset's datePublished as a plain string), else
    # to the values when they all agree; never for a property with plain text. Other values are written in full.
    kinds: dict[str, set] = defaultdict(set)
    root_kinds: dict[str, set] = defaultdict(set)
    for e in reached:
        if e.p == _RDF_TYPE:
            continue
        kinds[e.p].add(e.kind)
        if e.s == root:
            root_kinds[e.p].add(e.kind)
    terms: dict[str, dict] = {}
    for p, found in kinds.items():
        if p in _ROOT_EXTRA:  # written in full (a nested node or {"@id": …}), under its prefixed name
            continue
        if _XSD + "string" in found:  # plain text stays plain; other values of the property are written in full
            continue
        preferred = root_kinds.get(p) or found
        if len(preferred) != 1:
            continue
        (kind,) = preferred
        if kind == "@id":
            terms[p] = {"@type": "@id"}
        elif isinstance(kind, tuple):
            terms[p] = {"@language": kind[1]}
        elif kind not in (_XSD + "string", _XSD + "integer", _XSD + "boolean"):
            terms[p] = {"@type": kind}

    def value(subject: str, e: _Edge) -> Any:
        term = terms.get(e.p, {})
        o = e.o
        if e.iri is not None:
            if placed.get(e.iri) == (subject, e.p):
                return node(e.iri)
            return e.iri if term.get("@type") == "@id" else {"@id": e.iri}
        if e.lang:
            return o.value if term.get("@language") == e.lang else {"@value": o.value, "@language": e.lang}
        datatype = e.kind
        if term:  # a term that coerces strings: anything else it would change is written out in full
            return o.value if term.get("@type") == datatype else {"@value": o.value, "@type": datatype}
        if datatype == _XSD + "string":
            return o.value
        if datatype == _XSD + "integer" and o.value.lstrip("-").isdigit():
            return int(o.value)
        if datatype == _XSD + "boolean" and o.value in ("true", "false"):
            return o.value == "true"
        return {"@value": o.value, "@type": datatype}

    def node(subject: str) -> dict:
        out: dict[str, Any] = {"@id": subject}
        edges = by_subject[subject]
        types = sorted(e.iri[len(_SDO) :] for e in edges if e.p == _RDF_TYPE)
        if types:
            out["@type"] = types[0] if len(types) == 1 else types
        props: dict[str, list] = defaultdict(list)
        for e in edges:
            if e.p != _RDF_TYPE:
                props[_ROOT_EXTRA.get(e.p) or e.p[len(_SDO) :]].append(value(subject, e))
        for key in sorted(props):
            values = props[key]
            out[key] = values[0] if len(values) == 1 else sorted(values, key=json_order)
        return out

    context: dict[str, Any] = {"@vocab": _SDO}
    if any(e.p in _ROOT_EXTRA for e in reached):
        context["dct"] = _DCT
    for p in sorted(terms):
        context[p[len(_SDO) :]] = {"@id": p, **terms[p]}
    return {"@context": context, **node(root)}


@dataclass(frozen=True)
class _Edge:
    """One triple a schema.org block may state, read once into plain values."""

    s: str
    p: str
    o: Any
    iri: str | None  # the object's IRI, when it is one
    lang: str | None  # the object's language, when it is text in one
    kind: Any  # "@id", ("@language", lang) or the datatype's IRI: what chooses the property's term


_last_edges: list = [None, None, None]  # (triples, root, edges): a page in each language reads the same ones


def _schema_edges(triples: list[ox.Triple], root: str) -> list[_Edge]:
    """The triples a schema.org block may state (schema.org types and properties; the root's profile), sorted
    by subject, predicate and object, each read into plain values once for all languages."""
    if _last_edges[0] is triples and _last_edges[1] == root:
        return _last_edges[2]
    edges = []
    for t in set(triples):
        p, o = t.predicate.value, t.object
        is_iri = isinstance(o, ox.NamedNode)
        iri = o.value if is_iri else None
        s = t.subject.value
        if not (
            (p == _RDF_TYPE and iri is not None and iri.startswith(_SDO))
            or p.startswith(_SDO)
            or (p in _ROOT_EXTRA and s == root)
        ):
            continue
        lang = None if is_iri else (o.language or None)
        kind = "@id" if is_iri else ("@language", lang) if lang else o.datatype.value
        edges.append((s, p, str(o), _Edge(s, p, o, iri, lang, kind)))
    edges.sort(key=lambda x: x[:3])
    found = [e for *_, e in edges]
    _last_edges[:] = [triples, root, found]
    return found
