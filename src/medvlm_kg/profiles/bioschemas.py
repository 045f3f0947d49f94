"""Bioschemas Dataset profile 1.0-RELEASE, for life-science registries that read the dataset pages.

A dataset page embeds a schema.org ``Dataset`` framed from the dataset's graph (``site.schema_org_jsonld``); the
profile asks that block to state ``dct:conformsTo`` the profile's versioned IRI, so ``extend`` writes that triple
into the dataset's graph (the page says nothing the RDF does not). ``problems`` reads each page's block as RDF and
checks it against the profile's minimum and recommended properties (``ontology/bioschemas.shapes.ttl``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from medvlm_kg.catalog.entries import Catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.problems import Problem
from medvlm_kg.resources import ontology_dir

if TYPE_CHECKING:  # rdflib is imported where a page is read as RDF: ``extend``, which every build runs, needs none
    import rdflib

__all__ = ["PROFILE", "extend", "page_graph", "page_problems", "pages", "problems"]

PROFILE = "https://bioschemas.org/profiles/Dataset/1.0-RELEASE"

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_SCHEMA_DATASET = "https://schema.org/Dataset"
_CONFORMS_TO = ox.NamedNode("http://purl.org/dc/terms/conformsTo")
# Bioschemas' own examples type the profile as a schema.org CreativeWork.
_CREATIVE_WORK = ox.NamedNode("https://schema.org/CreativeWork")


def extend(triples: list[ox.Triple], catalog: Catalog) -> list[ox.Triple]:
    """``dct:conformsTo`` the profile for every schema.org Dataset the description holds."""
    datasets = sorted({t.subject.value for t in triples if t.predicate == _TYPE and t.object.value == _SCHEMA_DATASET})
    added = [ox.Triple(ox.NamedNode(d), _CONFORMS_TO, ox.NamedNode(PROFILE)) for d in datasets]
    if added:
        added.append(ox.Triple(ox.NamedNode(PROFILE), _TYPE, _CREATIVE_WORK))
    return added


@cache
def _shapes() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(ontology_dir() / "bioschemas.shapes.ttl", format="turtle")


@cache
def _profile_shape() -> rdflib.Graph:
    """The profile's own SHACL shape: the ``Dataset/1.0-RELEASE`` node shape and what it reaches, from Bioschemas'
    file of every profile's shapes (an exact copy, CC BY-SA 4.0: ontology/bioschemas-1.0/README.md)."""
    import rdflib

    everything = rdflib.Graph().parse(
        ontology_dir() / "bioschemas-1.0" / "bioschemas_profiles_shacl.jsonld", format="json-ld"
    )
    shape, todo = rdflib.Graph(), [rdflib.URIRef(PROFILE)]
    while todo:
        node = todo.pop()
        for p, o in everything.predicate_objects(node):
            if (node, p, o) not in shape:
                shape.add((node, p, o))
                if isinstance(o, rdflib.BNode):
                    todo.append(o)
    return shape


def page_graph(jsonld: dict) -> rdflib.Graph:
    """A page's JSON-LD block as RDF, read the way a crawler reads it (the context is inline)."""
    import json

    import rdflib

    return rdflib.Graph().parse(data=json.dumps(jsonld), format="json-ld")


def pages(catalog: Catalog, graph: KnowledgeGraph) -> dict[str, dict[str, dict]]:
    """Each dataset page's JSON-LD block, by page language and dataset id (what ``site`` embeds)."""
    from medvlm_kg.graph.schema_org import schema_org_jsonld

    return {
        lang: {
            d.id: schema_org_jsonld(graph.datasets[d.id], dataset_iri(catalog.base_iri, d.id), lang)
            for d in catalog.datasets
        }
        for lang in LANGUAGES
    }


def page_problems(catalog: Catalog, blocks: dict[str, dict[str, dict]]) -> list[Problem]:
    """Every Bioschemas finding for the given page blocks (by language, then dataset id), in curator words."""
    import rdflib

    from medvlm_kg.profiles.base import gather, license_gap, semic_problems, shacl_problems

    owners = {dataset_iri(catalog.base_iri, d.id): d.id for d in catalog.datasets}
    found: list[Problem] = []
    files = {d.file: d for d in catalog.datasets}
    for by_dataset in blocks.values():
        data = rdflib.Graph()
        for jsonld in by_dataset.values():
            data += page_graph(jsonld)
        ours = shacl_problems(data, _shapes(), catalog, owners)
        found += ours
        # The profile's own shape decides; a minimum property whose fact the catalog does not know (a license
        # nobody found) is a fact still to find: our shapes report it as a warning naming it, never a guess.
        label = "Bioschemas' Dataset 1.0-RELEASE shape"
        for p in semic_problems(data, _profile_shape(), catalog, owners, label, (_shapes(), ours)):
            if not (p.field == "license" and p.file in files and files[p.file].license is None):
                found.append(p)
    for i, p in enumerate(found):
        if p.field == "license" and p.message == "unknown" and p.file in files:  # say what was found, if anything
            message, hint = license_gap(files[p.file], "Bioschemas requires a license")
            found[i] = Problem(p.file, p.line, p.field, message, hint, p.severity)
    return gather(found, catalog)


def problems(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    """Every Bioschemas finding for the dataset pages, in each page language, in curator words."""
    return page_problems(catalog, pages(catalog, graph))
