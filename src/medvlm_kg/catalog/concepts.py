"""The SKOS concept schemes (modality, task, unit, platform) that catalog entries point into.

Read from ``ontology/<scheme>.ttl``; a catalog entry names a concept by its ``skos:notation`` (its id),
and the converter turns that id into the concept's IRI.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from medvlm_kg.resources import ontology_dir

__all__ = ["Concept", "ConceptScheme", "SCHEME_NAMES", "load_schemes", "suggest"]

SCHEME_NAMES = ("modality", "task", "unit", "platform")

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_FOAF_HOMEPAGE = "http://xmlns.com/foaf/0.1/homepage"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class Concept:
    iri: str
    id: str
    pref_labels: dict[str, str] = field(default_factory=dict)
    alt_labels: list[tuple[str, str]] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    homepage: str | None = None

    def label(self, lang: str = "en") -> str:
        return self.pref_labels.get(lang) or self.pref_labels.get("en") or self.id


@dataclass
class ConceptScheme:
    name: str
    iri: str
    file: Path
    concepts: dict[str, Concept]
    labels: dict[str, str] = field(default_factory=dict)

    def by_iri(self, iri: str) -> Concept | None:
        return self._by_iri.get(iri)

    @cached_property
    def _by_iri(self) -> dict[str, Concept]:
        return {c.iri: c for c in self.concepts.values()}

    @cached_property
    def homepage_hosts(self) -> tuple[tuple[str, str], ...]:
        """(host of the homepage without "www.", concept id) of each concept with a homepage, in order (read once, not
        per URL): a link to the host or any of its subdomains is on that platform (wiki.cancerimagingarchive.net)."""
        hosts = (((urlsplit(c.homepage or "").hostname or "").lower(), c.id) for c in self.concepts.values())
        return tuple((host.removeprefix("www."), concept_id) for host, concept_id in hosts if host)

    def ancestors(self, concept_id: str) -> list[str]:
        """Ids of every broader concept, transitively, nearest first."""
        seen: list[str] = []
        todo = list(self.concepts[concept_id].broader)
        while todo:
            iri = todo.pop(0)
            parent = self.by_iri(iri)
            if parent and parent.id not in seen:
                seen.append(parent.id)
                todo.extend(parent.broader)
        return seen


def _read_scheme(name: str, path: Path) -> ConceptScheme:
    by_subject: dict[str, Concept] = {}
    scheme_iri = ""
    scheme_labels: dict[str, str] = {}
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    for t in triples:
        if t.predicate.value == _RDF_TYPE and t.object.value == _SKOS + "ConceptScheme":
            scheme_iri = t.subject.value
        elif t.predicate.value == _RDF_TYPE and t.object.value == _SKOS + "Concept":
            by_subject.setdefault(t.subject.value, Concept(t.subject.value, ""))
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object
        if s == scheme_iri and p == _SKOS + "prefLabel":
            scheme_labels[o.language or ""] = o.value
        concept = by_subject.get(s)
        if concept is None:
            continue
        if p == _SKOS + "notation":
            concept.id = o.value
        elif p == _SKOS + "prefLabel":
            concept.pref_labels[o.language or ""] = o.value
        elif p == _SKOS + "altLabel":
            concept.alt_labels.append((o.language or "", o.value))
        elif p == _SKOS + "broader":
            concept.broader.append(o.value)
        elif p == _FOAF_HOMEPAGE:
            concept.homepage = o.value
    for concept in by_subject.values():
        concept.broader.sort()
        concept.alt_labels.sort()
    concepts = {c.id: c for c in sorted(by_subject.values(), key=lambda c: c.id)}
    return ConceptScheme(name, scheme_iri, path, concepts, scheme_labels)


@cache
def load_schemes(directory: Path | None = None) -> dict[str, ConceptScheme]:
    """All concept schemes, by name (``modality``, ``task``, ``unit``, ``platform``)."""
    directory = directory or ontology_dir()
    return {name: _read_scheme(name, directory / f"{name}.ttl") for name in SCHEME_NAMES}


def suggest(word: str, known: list[str]) -> str | None:
    """The closest known term to a misspelt one, if any is close."""
    matches = difflib.get_close_matches(word.lower(), known, n=1, cutoff=0.6)
    return matches[0] if matches else None
