"""DCAT-AP 3.0 for European data portals: what the profile asks of the catalog graph, and its rules checked.

``extend`` restates facts the converter wrote in the terms DCAT-AP 3.0.x requires, in the same graph: each value
typed with the class the specification gives as its range (a publisher or creator is a ``foaf:Agent``, a licence a
``dct:LicenseDocument``, a landing page or homepage a ``foaf:Document``, a standard a ``dct:Standard``),
``dcat:keyword`` and ``dct:creator`` beside their schema.org twins, the themes' concepts and concept schemes, the
EU Data Theme its controlled vocabularies require, the catalog's languages and homepage, and the SPARQL
endpoint's description (the endpoint answers with its own SPARQL Service Description). ``problems`` runs the
profile's SHACL shapes (``ontology/dcat-ap.shapes.ttl``) over the catalog graph.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.entries import Catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.problems import Problem
from medvlm_kg.resources import ontology_dir

if TYPE_CHECKING:  # rdflib is imported where shapes are read: ``extend``, which every build runs, needs none
    import rdflib

__all__ = ["DATA_THEME", "DATA_THEME_HEALTH", "LANGUAGE_NAL", "extend", "problems"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SDO = "https://schema.org/"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"

# The EU Data Theme vocabulary, DCAT-AP's controlled vocabulary for dcat:theme. Which of its themes every dataset
# is about is the curator's to say (catalog.yaml's `data_theme`: HEAL for this catalog of medical benchmarks);
# a catalog that says none gets none (a list of NLP corpora is not about Health). The themes' English labels, as
# the vocabulary gives them.
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme"
DATA_THEME_HEALTH = DATA_THEME + "/HEAL"
_THEME_LABELS = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "OP_DATPRO": "Provisional data",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}
_DATA_THEME_LABELS = {
    DATA_THEME: (("en", "Data theme"),),
    **{f"{DATA_THEME}/{code}": (("en", label),) for code, label in _THEME_LABELS.items()},
}

# The EU Languages vocabulary (DCAT-AP's controlled vocabulary for dct:language), by the language tags we write.
LANGUAGE_NAL = {
    "en": "http://publications.europa.eu/resource/authority/language/ENG",
    "zh": "http://publications.europa.eu/resource/authority/language/ZHO",
}

# Properties restated under the name DCAT-AP reads, on datasets: (schema.org, DCAT-AP).
_RESTATED = {_SDO + "keywords": _DCAT + "keyword", _SDO + "creator": _DCT + "creator"}

# The class DCAT-AP 3.0 gives as the range of a property: every value of the property is typed with it.
_RANGES = {
    _DCT + "publisher": _FOAF + "Agent",
    _DCT + "creator": _FOAF + "Agent",
    _DCT + "license": _DCT + "LicenseDocument",
    _DCT + "conformsTo": _DCT + "Standard",
    _DCT + "language": _DCT + "LinguisticSystem",
    _DCAT + "landingPage": _FOAF + "Document",
    _FOAF + "homepage": _FOAF + "Document",
}

_RDF_TYPE = _RDF + "type"
_TYPE = ox.NamedNode(_RDF_TYPE)


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _scheme_description(scheme: ox.NamedNode, labels: tuple[tuple[str, str], ...]) -> list[ox.Triple]:
    triples = [ox.Triple(scheme, _TYPE, _node(_SKOS + "ConceptScheme"))]
    return triples + [ox.Triple(scheme, _node(_DCT + "title"), ox.Literal(t, language=lang)) for lang, t in labels]


@cache  # the schemes are read once a process (load_schemes), and each dataset names a few of their concepts
def _concept_description(iri: str) -> tuple[ox.Triple, ...]:
    """A theme concept and its scheme as DCAT-AP wants them: typed, labelled, in a titled ``skos:ConceptScheme``."""
    if iri in _DATA_THEME_LABELS and iri != DATA_THEME:
        concept, scheme = _node(iri), _node(DATA_THEME)
        labels, scheme_labels = _DATA_THEME_LABELS[iri], _DATA_THEME_LABELS[DATA_THEME]
    else:
        found = next(((s, c) for s in load_schemes().values() if (c := s.by_iri(iri))), None)
        if found is None:
            return ()
        s, c = found
        concept, scheme = _node(c.iri), _node(s.iri)
        labels, scheme_labels = tuple(sorted(c.pref_labels.items())), tuple(sorted(s.labels.items()))
    triples = [
        ox.Triple(concept, _TYPE, _node(_SKOS + "Concept")),
        ox.Triple(concept, _node(_SKOS + "inScheme"), scheme),
    ]
    triples += [ox.Triple(concept, _node(_SKOS + "prefLabel"), ox.Literal(t, language=lang)) for lang, t in labels]
    return tuple(triples + _scheme_description(scheme, scheme_labels))


@cache
def _taxonomy_description(iri: str) -> tuple[ox.Triple, ...]:
    """A concept scheme the catalog names as a theme taxonomy: typed skos:ConceptScheme, with its title."""
    scheme = next((s for s in load_schemes().values() if s.iri == iri), None)
    if scheme is None:
        return ()
    return tuple(_scheme_description(_node(iri), tuple(sorted(scheme.labels.items()))))


def extend(triples: list[ox.Triple], catalog: Catalog) -> list[ox.Triple]:
    """The triples DCAT-AP 3.0 needs beside one description's own (a dataset's or the catalog's), in a stable order.

    Nothing is new knowledge: each triple restates one of ``triples`` (a dataset's licence on each of its
    distributions), types a value with its range, describes a theme from its concept scheme, or states the
    catalog's scope as its curator gives it (``data_theme``) and its publishing layout (its homepage is the site at
    the base IRI, its SPARQL endpoint describes itself).
    """
    base = catalog.base_iri
    eu_themes = [f"{DATA_THEME}/{code}" for code in catalog.data_themes]
    types: dict[str, set[str]] = defaultdict(set)
    predicates = [t.predicate.value for t in triples]  # read once: each .value builds a new Python string
    for t, p in zip(triples, predicates, strict=True):
        if p == _RDF_TYPE:
            types[t.subject.value].add(t.object.value)
    added: list[ox.Triple] = []
    for t, p in zip(triples, predicates, strict=True):
        if p in _RESTATED and _DCAT + "Dataset" in types[t.subject.value]:
            added.append(ox.Triple(t.subject, _node(_RESTATED[p]), t.object))
    licences: dict[str, list[ox.Term]] = defaultdict(list)
    distributions: dict[str, list[ox.Term]] = defaultdict(list)
    for t, p in zip(triples, predicates, strict=True):
        if p == _DCT + "license":
            licences[t.subject.value].append(t.object)
        elif p == _DCAT + "distribution":
            distributions[t.subject.value].append(t.object)
    for subject, kinds in sorted(types.items()):
        s = _node(subject)
        if _DCAT + "Dataset" in kinds:
            added += [ox.Triple(s, _node(_DCAT + "theme"), _node(theme)) for theme in eu_themes]
            # DCAT-AP reads a licence on each distribution (it defines none on the dataset): the data's licence
            # holds wherever the data is reached from
            added += [
                ox.Triple(d, _node(_DCT + "license"), licence)
                for d in distributions[subject]
                for licence in licences[subject]
                if isinstance(d, ox.NamedNode)
            ]
        if _DCAT + "Catalog" in kinds:
            if eu_themes:
                added.append(ox.Triple(s, _node(_DCAT + "themeTaxonomy"), _node(DATA_THEME)))
                added += _scheme_description(_node(DATA_THEME), _DATA_THEME_LABELS[DATA_THEME])
            added.append(ox.Triple(s, _node(_FOAF + "homepage"), _node(base)))
            languages = {
                t.object.language
                for t in triples
                if t.subject == s and t.predicate.value in (_DCT + "title", _DCT + "description")
            }
            for lang in sorted(languages & set(LANGUAGE_NAL)):
                added.append(ox.Triple(s, _node(_DCT + "language"), _node(LANGUAGE_NAL[lang])))
            for taxonomy in sorted(
                {t.object.value for t in triples if t.subject == s and t.predicate.value == _DCAT + "themeTaxonomy"}
            ):
                # each taxonomy typed and titled where it is named, not only where a dataset uses one of its
                # concepts: SEMIC's range shapes check it on the catalog's own description and on every page
                added += _taxonomy_description(taxonomy)
        if _DCAT + "DataService" in kinds:
            # `medvlm-kg serve` answers a GET on the endpoint with its SPARQL 1.1 Service Description.
            added.append(ox.Triple(s, _node(_DCAT + "endpointDescription"), s))
    predicates += [t.predicate.value for t in added]
    themes = sorted({t.object.value for t, p in zip(triples + added, predicates, strict=True) if p == _DCAT + "theme"})
    for theme in themes:
        found = _concept_description(theme)
        added += found
        predicates += [t.predicate.value for t in found]
    for t, p in zip(triples + added, predicates, strict=True):
        if p in _RANGES and isinstance(t.object, ox.NamedNode):
            added.append(ox.Triple(t.object, _TYPE, _node(_RANGES[p])))
    seen = set(triples)
    return [t for t in added if not (t in seen or seen.add(t))]


# SEMIC's own SHACL files of DCAT-AP 3.0.1 (exact copies, CC BY 4.0: ontology/dcat-ap-3.0.1/README.md): the
# constraints every DCAT-AP description must meet (shapes.ttl) and the classes of the values (range.ttl).
SEMIC_SHAPES = ("shapes.ttl", "range.ttl")


@cache
def _shapes() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(ontology_dir() / "dcat-ap.shapes.ttl", format="turtle")


@cache
def _semic_shapes() -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    for name in SEMIC_SHAPES:
        graph.parse(ontology_dir() / "dcat-ap-3.0.1" / name, format="turtle")
    return graph


def problems(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    """Every DCAT-AP 3.0 finding for the catalog graph (with its concept schemes), in curator words.

    SEMIC's shapes decide conformance: each of their violations is an error. ``ontology/dcat-ap.shapes.ttl`` adds
    what SEMIC's files do not say: which YAML field a finding is about and what to do, and the recommended facts
    the catalog format has no field for (reported once for all datasets); a violation both find is reported once,
    in curator words.
    """
    from medvlm_kg.profiles.base import owners, semic_problems, shacl_problems
    from medvlm_kg.validate.core import data_graph

    data = data_graph(graph.triples())
    who = owners(graph, catalog)
    ours = shacl_problems(data, _shapes(), catalog, who)
    label = "DCAT-AP 3.0.1 (SEMIC's shapes)"
    return ours + semic_problems(data, _semic_shapes(), catalog, who, label, (_shapes(), ours))
