"""Turn checked catalog entries into RDF (stage 2 of the pipeline): the ``KnowledgeGraph`` and the two core
descriptions other stages ask for, the catalog's and each dataset's.

Each dataset is both ``schema:Dataset`` and ``dcat:Dataset``; every node that is a thing has an IRI made
from the catalog's base IRI and ids (no blank nodes); URLs are IRIs. The listed cells are kept verbatim
beside the structured facts, and every verified fact carries its sources on an ``rdf:Statement`` node.
The result is a plain list of triples per description, which every serializer and page reads.

Where each part is written: the terms in ``namespaces``, the addresses in ``iris``, the triple collector in
``triples``; a dataset's description in ``dataset_description`` (over ``listings``, ``papers``, ``agents``,
``licenses`` and ``description_text``), the catalog's in ``catalog_description``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.graph.catalog_description import catalog_triples
from medvlm_kg.graph.dataset_description import dataset_triples
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.graph.iris import catalog_iri, dataset_iri
from medvlm_kg.graph.triples import Triple

# LANGUAGES, catalog_iri and dataset_iri live in ``description_text`` and ``iris``; they are named here too because
# they were imported from this module in many places (the package imports them from their homes).
__all__ = ["KnowledgeGraph", "LANGUAGES", "catalog_iri", "core_catalog_triples", "core_dataset_triples", "dataset_iri"]


@dataclass
class KnowledgeGraph:
    """The catalog as RDF: one triple list for the catalog itself and one per dataset description."""

    base_iri: str
    catalog_iri: str
    catalog: list[Triple]
    datasets: dict[str, list[Triple]] = field(default_factory=dict)

    def triples(self) -> list[Triple]:
        """Every triple of the catalog, once each, in a stable order."""
        unique = set(self.catalog)
        for triples in self.datasets.values():
            unique.update(triples)
        return sorted(unique, key=_triple_key)


def _triple_key(t: Triple) -> tuple[str, str, str]:
    return (t.subject.value, t.predicate.value, str(t.object))


def core_dataset_triples(catalog: Catalog, dataset: Dataset, schemes: dict | None = None) -> list[Triple]:
    """One dataset's core description (schema.org + DCAT), before the profiles add theirs
    (``profiles.assemble.dataset_triples`` is the whole description)."""
    return dataset_triples(catalog, dataset, load_schemes() if schemes is None else schemes)


def core_catalog_triples(catalog: Catalog, schemes: dict | None = None) -> list[Triple]:
    """The catalog's own core description (title, curators, datasets, SPARQL service), before the profiles'."""
    return catalog_triples(catalog, load_schemes() if schemes is None else schemes)
