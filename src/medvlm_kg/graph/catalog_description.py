"""The catalog's own core description: its title and curators, licence and sources, the paged view harvesters walk,
the whole catalog as downloadable dumps, the SPARQL service, and the datasets it lists."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import ConceptScheme
from medvlm_kg.catalog.entries import Catalog
from medvlm_kg.graph.agents import organization, person
from medvlm_kg.graph.description_text import join_words
from medvlm_kg.graph.iris import catalog_iri, dataset_iri, page_iri, sparql_endpoint_iri
from medvlm_kg.graph.licenses import license_document, license_iri
from medvlm_kg.graph.namespaces import (
    D_ACCESS_URL,
    D_CATALOG,
    D_COMPRESS_FORMAT,
    D_DATA_SERVICE,
    D_DATASET_P,
    D_DISTRIBUTION,
    D_DISTRIBUTION_P,
    D_DOWNLOAD_URL,
    D_ENDPOINT_URL,
    D_MEDIA_TYPE,
    D_SERVES_DATASET,
    D_SERVICE,
    D_THEME_TAXONOMY,
    DCT_CONFORMS_TO,
    DCT_CREATOR,
    DCT_DESCRIPTION,
    DCT_LICENSE,
    DCT_MEDIA_TYPE,
    DCT_PUBLISHER,
    DCT_SOURCE,
    DCT_TITLE,
    FOAF_DOCUMENT,
    FOAF_GROUP,
    FOAF_MEMBER,
    FOAF_NAME,
    HYDRA_TOTAL_ITEMS,
    HYDRA_VIEW,
    IANA_MEDIA_TYPES,
    RDF_TYPE,
    S_AFFILIATION,
    S_CATALOG,
    S_CREATOR,
    S_DATASET_P,
    S_DESCRIPTION,
    S_IS_BASED_ON,
    S_LICENSE,
    S_NAME,
    S_PUBLISHER,
    SPARQL_PROTOCOL,
    VOID_DATA_DUMP,
    VOID_SPARQL_ENDPOINT,
    XSD_INTEGER,
)
from medvlm_kg.graph.triples import Description, Triple, literal

__all__ = ["CATALOG_DUMPS", "catalog_triples"]

# The whole catalog as the build writes it: gzip-compressed dumps (file, media type of what is inside, en, zh).
CATALOG_DUMPS = (
    ("catalog.ttl.gz", "text/turtle", "The whole catalog in Turtle (gzip)", "完整目录（Turtle，gzip 压缩）"),
    (
        "catalog.nt.gz",
        "application/n-triples",
        "The whole catalog in N-Triples (gzip)",
        "完整目录（N-Triples，gzip 压缩）",
    ),
)


def catalog_triples(catalog: Catalog, schemes: dict[str, ConceptScheme]) -> list[Triple]:
    """The catalog's core description (``graph.convert.core_catalog_triples`` is how other stages ask for it)."""
    base = catalog.base_iri
    desc = Description()
    c = ox.NamedNode(catalog_iri(base))
    desc.add(c, RDF_TYPE, D_CATALOG)
    desc.add(c, RDF_TYPE, S_CATALOG)
    for lang, text in sorted(catalog.title.items()):
        desc.add_all(c, (DCT_TITLE, S_NAME), literal(text, language=lang))
    for lang, text in sorted(catalog.description.items()):
        desc.add_all(c, (DCT_DESCRIPTION, S_DESCRIPTION), literal(text, language=lang))
    _curators(desc, catalog, c)
    if catalog.license:
        lic = license_iri(catalog.license)
        desc.add_all(c, (DCT_LICENSE, S_LICENSE), lic)
        license_document(desc, lic, catalog.license)
    if catalog.repository:
        desc.add(c, DCT_SOURCE, ox.NamedNode(catalog.repository))
        desc.add(c, S_IS_BASED_ON, ox.NamedNode(catalog.repository))
    if catalog.readme:
        desc.add(ox.NamedNode(catalog.readme), RDF_TYPE, FOAF_DOCUMENT)
    for name in ("modality", "task"):
        desc.add(c, D_THEME_TAXONOMY, ox.NamedNode(schemes[name].iri))
    desc.add(c, HYDRA_VIEW, ox.NamedNode(page_iri(base, 1)))
    desc.add(c, HYDRA_TOTAL_ITEMS, ox.Literal(str(len(catalog.datasets)), datatype=XSD_INTEGER))
    _dumps(desc, base, c)
    service = _sparql_service(desc, base, c)
    for dataset in catalog.datasets:
        d = ox.NamedNode(dataset_iri(base, dataset.id))
        desc.add_all(c, (D_DATASET_P, S_DATASET_P), d)
        desc.add(service, D_SERVES_DATASET, d)
    return desc.triples


def _curators(desc: Description, catalog: Catalog, c: ox.NamedNode) -> None:
    """DCAT-AP allows a catalogue one creator: the curators together, as a foaf:Group whose members they are; each
    curator is a schema:creator (schema.org allows many). The group's name joins theirs: nothing new is said."""
    base = catalog.base_iri
    if not catalog.curators:
        return
    group = ox.NamedNode(f"{catalog_iri(base)}#curators")
    desc.add(c, DCT_CREATOR, group)
    desc.add(group, RDF_TYPE, FOAF_GROUP)
    desc.add(group, FOAF_NAME, literal(join_words([p.name for p in catalog.curators], "en")))
    for curator in catalog.curators:
        node = person(desc, base, curator.name, curator.id)
        desc.add(c, S_CREATOR, node)
        desc.add(group, FOAF_MEMBER, node)
        if curator.affiliation:
            desc.add(node, S_AFFILIATION, organization(desc, base, curator.affiliation))
        if curator.id == catalog.publisher:
            desc.add_all(c, (DCT_PUBLISHER, S_PUBLISHER), node)


def _dumps(desc: Description, base: str, c: ox.NamedNode) -> None:
    """The whole catalog as files to download (``CATALOG_DUMPS``), as DCAT distributions and VoID data dumps."""
    for name, media_type, title_en, title_zh in CATALOG_DUMPS:  # DCAT 3: mediaType of the data, compressFormat
        dump = ox.NamedNode(base + name)
        desc.add(c, D_DISTRIBUTION_P, dump)
        desc.add(c, VOID_DATA_DUMP, dump)
        desc.add(dump, RDF_TYPE, D_DISTRIBUTION)
        desc.add(dump, D_ACCESS_URL, dump)
        desc.add(dump, D_DOWNLOAD_URL, dump)
        for prop, iana in ((D_MEDIA_TYPE, media_type), (D_COMPRESS_FORMAT, "application/gzip")):
            desc.add(dump, prop, ox.NamedNode(IANA_MEDIA_TYPES + iana))
            desc.add(ox.NamedNode(IANA_MEDIA_TYPES + iana), RDF_TYPE, DCT_MEDIA_TYPE)  # DCAT-AP: the range of both
        desc.add(dump, DCT_TITLE, literal(title_en, language="en"))
        desc.add(dump, DCT_TITLE, literal(title_zh, language="zh"))


def _sparql_service(desc: Description, base: str, c: ox.NamedNode) -> ox.NamedNode:
    """The read-only SPARQL endpoint ``medvlm-kg serve`` answers at, as a DCAT data service and a VoID endpoint."""
    service = ox.NamedNode(sparql_endpoint_iri(base))
    desc.add(c, D_SERVICE, service)
    desc.add(c, VOID_SPARQL_ENDPOINT, service)
    desc.add(service, RDF_TYPE, D_DATA_SERVICE)
    desc.add(service, D_ENDPOINT_URL, service)
    desc.add(service, DCT_CONFORMS_TO, SPARQL_PROTOCOL)
    for lang, text in (("en", "SPARQL endpoint (read-only)"), ("zh", "SPARQL 查询端点（只读）")):
        desc.add(service, DCT_TITLE, literal(text, language=lang))
    return service
