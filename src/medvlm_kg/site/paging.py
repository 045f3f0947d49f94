"""The DCAT catalog offered in pages, so harvesters can walk a large catalog (as CKAN's DCAT endpoint does).

``catalog/page/<n>`` holds the catalog node, the datasets of page n with their full descriptions, and a
Hydra ``PartialCollectionView`` linking first, previous, next and last pages. ``catalog`` itself names the
first page as its ``hydra:view``, so a harvester can start from the catalog IRI.
"""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.iris import PAGE_SIZE, dataset_iri, page_iri

__all__ = ["PAGE_SIZE", "page_iri", "catalog_pages", "page_header"]
_HYDRA = "http://www.w3.org/ns/hydra/core#"
_DCAT = "http://www.w3.org/ns/dcat#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _h(name: str) -> ox.NamedNode:
    return ox.NamedNode(_HYDRA + name)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_XSD_INTEGER)


def page_header(
    base: str, number: int, total_pages: int, total_items: int, ids: list[str]
) -> tuple[list[ox.Triple], str]:
    """What page ``number`` says besides its datasets' descriptions: the catalog, the collection's size, the page
    as a ``PartialCollectionView`` with its first, previous, next and last pages, and which datasets it holds.
    Returns the triples and the page's IRI."""
    catalog = ox.NamedNode(f"{base}catalog")
    view = ox.NamedNode(page_iri(base, number))
    triples = [
        ox.Triple(catalog, _RDF_TYPE, ox.NamedNode(_DCAT + "Catalog")),
        ox.Triple(catalog, _h("totalItems"), _count(total_items)),
        ox.Triple(catalog, _h("view"), view),
        ox.Triple(view, _RDF_TYPE, _h("PartialCollectionView")),
        ox.Triple(view, _h("first"), ox.NamedNode(page_iri(base, 1))),
        ox.Triple(view, _h("last"), ox.NamedNode(page_iri(base, total_pages))),
    ]
    if number > 1:
        triples.append(ox.Triple(view, _h("previous"), ox.NamedNode(page_iri(base, number - 1))))
    if number < total_pages:
        triples.append(ox.Triple(view, _h("next"), ox.NamedNode(page_iri(base, number + 1))))
    for dataset_id in ids:
        triples.append(ox.Triple(catalog, ox.NamedNode(_DCAT + "dataset"), ox.NamedNode(dataset_iri(base, dataset_id))))
    return triples, view.value


def catalog_pages(graph: KnowledgeGraph, page_size: int | None = None) -> dict[int, tuple[list[ox.Triple], str]]:
    """Each page of the catalog: page number → (its triples, its IRI)."""
    page_size = page_size or PAGE_SIZE
    ids = sorted(graph.datasets)
    total = max(1, -(-len(ids) // page_size))
    pages: dict[int, tuple[list[ox.Triple], str]] = {}
    for number in range(1, total + 1):
        chunk = ids[(number - 1) * page_size : number * page_size]
        triples, iri = page_header(graph.base_iri, number, total, len(ids), chunk)
        for dataset_id in chunk:
            triples += graph.datasets[dataset_id]
        pages[number] = (triples, iri)
    return pages
