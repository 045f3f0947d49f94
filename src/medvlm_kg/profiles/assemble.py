"""The whole description of a catalog: the core graph (``graph.convert``) plus what each profile adds to it.

The graph stage knows no profile; this is where each registered profile's ``extend`` is applied, in the
registry's order, to the catalog's description and to each dataset's. No profile re-reads the YAML.
"""

from __future__ import annotations

from pyoxigraph import Triple

from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.graph.convert import KnowledgeGraph, core_catalog_triples, core_dataset_triples
from medvlm_kg.graph.iris import catalog_iri
from medvlm_kg.profiles import bioschemas, dcat_ap

__all__ = ["convert", "dataset_triples", "describe_catalog"]

# The profiles that add triples to the graph, in the order they are applied (DCAT-AP restates what Bioschemas
# added too, as before the move).
EXTENDERS = (bioschemas.extend, dcat_ap.extend)


def _extended(triples: list[Triple], catalog: Catalog) -> list[Triple]:
    for extend in EXTENDERS:
        triples = triples + extend(triples, catalog)
    return triples


def dataset_triples(catalog: Catalog, dataset: Dataset, schemes: dict | None = None) -> list[Triple]:
    """One dataset's description: its triples and those of the nodes it owns or names (paper, people, sources)."""
    return _extended(core_dataset_triples(catalog, dataset, schemes), catalog)


def describe_catalog(catalog: Catalog, schemes: dict | None = None) -> list[Triple]:
    """The catalog's own description (its title, curators, datasets, SPARQL service)."""
    return _extended(core_catalog_triples(catalog, schemes), catalog)


def convert(catalog: Catalog) -> KnowledgeGraph:
    """The knowledge graph of a checked catalog."""
    schemes = load_schemes()
    kg = KnowledgeGraph(catalog.base_iri, catalog_iri(catalog.base_iri), describe_catalog(catalog, schemes))
    for dataset in catalog.datasets:
        kg.datasets[dataset.id] = dataset_triples(catalog, dataset, schemes)
    return kg
