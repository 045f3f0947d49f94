"""The DCAT catalog offered in pages, so harvesters can walk a large catalog (as CKAN's DCAT endpoint does).

``catalog/page/<n>`` holds the catalog's own description (``page_catalog``), the DCAT descriptions of the
datasets of page n (``dcat_view``), and a Hydra ``PartialCollectionView`` linking first, previous, next and last
pages. ``catalog`` itself names the first page as its ``hydra:view``, so a harvester can start from the catalog IRI.
"""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.graph.iris import PAGE_SIZE, dataset_iri, page_iri

__all__ = ["PAGE_LEAVES_OUT", "PAGE_SIZE", "dcat_view", "page_catalog", "page_header", "page_iri"]

# What a page leaves out of each dataset's description: the schema.org twin of each statement and the list's own
# terms (mvk:), by namespace, and the sourced-fact nodes (rdf:Statement). A DCAT harvester reads dct, dcat, foaf,
# skos and prov; the rest is one link away (the dataset's IRI) and in the dumps. At 10,000 entries the pages were
# 107 MB of descriptions every dataset's own documents already hold.
PAGE_LEAVES_OUT = ("https://schema.org/", "https://w3id.org/medvlm-kg/vocab#")
_HYDRA = "http://www.w3.org/ns/hydra/core#"
_DCAT = "http://www.w3.org/ns/dcat#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_STATEMENT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement")


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


def dcat_view(triples: list[ox.Triple]) -> list[ox.Triple]:
    """What a page of the DCAT catalog holds of a dataset's description: all but ``PAGE_LEAVES_OUT``."""
    facts = {t.subject for t in triples if t.predicate == _RDF_TYPE and t.object == _STATEMENT}
    return [
        t
        for t in triples
        if t.subject not in facts
        and not t.predicate.value.startswith(PAGE_LEAVES_OUT)
        and not (t.predicate == _RDF_TYPE and t.object.value.startswith(PAGE_LEAVES_OUT))
    ]


def page_catalog(catalog_triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    """What every page says of the catalog itself (its title, publisher, distributions, service: what DCAT-AP
    requires of a catalog, so a harvester that starts from any page meets a whole one), as ``dcat_view``, without
    the statements that name every dataset (a page names its own: ``page_header``)."""
    datasets = dataset_iri(base, "")
    return [t for t in dcat_view(catalog_triples) if not t.object.value.startswith(datasets)]
