"""Where and how the source list lists a dataset: its cells kept verbatim (``mvk:listed*``), its earlier and other
listings, the list versions it was read from, the catalog record's dates, and which cell each structured value was
read from. The list's table (CSV, export-markdown) is read back from these cells."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.entries import Catalog, Dataset, Listed
from medvlm_kg.graph.iris import catalog_iri, dataset_iri, list_version_iri
from medvlm_kg.graph.namespaces import (
    D_CATALOG_RECORD,
    D_RECORD,
    DCT_ISSUED,
    DCT_MODIFIED,
    DCT_SOURCE,
    FOAF_PRIMARY_TOPIC,
    M_EARLIER_LISTING,
    M_LISTED_DATE,
    M_LISTED_DESCRIPTION,
    M_LISTED_EXTRA,
    M_LISTED_IN,
    M_LISTED_LINKS,
    M_LISTED_MODALITY,
    M_LISTED_NAME,
    M_LISTED_ROW,
    M_LISTED_ROW_ZH,
    M_LISTED_SECTION,
    M_LISTED_SIZE,
    M_LISTED_TASK,
    M_LISTED_TITLE,
    M_LISTED_VERSION,
    M_LISTING_CLASS,
    M_OTHER_LISTING,
    NS,
    PROV_DERIVED,
    RDF_TYPE,
    S_DATASET,
    XSD_INTEGER,
)
from medvlm_kg.graph.triples import Description, Triple, date_literal, literal

__all__ = ["listed_cells", "listings"]

# Which listed cell a structured value was read from (`derived:`): the field's property → the cell's.
_DERIVED = {"modality": "modalityDerivedFrom", "task": "taskDerivedFrom", "size": "sizeDerivedFrom"}
_DERIVED_CELLS = {
    "modality": "listedModality",
    "task": "listedTask",
    "size": "listedSize",
    "description": "listedDescription",
    "section": "listedSection",
    "flags": "flagColumn",
    "counts": "countColumn",
}


def listed_cells(base: str, dataset: Dataset) -> list[Triple]:
    """Only the dataset's type and its cells as the current list writes them: what the list's table (CSV,
    export-markdown) is read from, without converting the whole description."""
    desc = Description()
    d = ox.NamedNode(dataset_iri(base, dataset.id))
    desc.add(d, RDF_TYPE, S_DATASET)
    _listing_cells(desc, d, dataset.listed)
    return desc.triples


def listings(desc: Description, catalog: Catalog, dataset: Dataset, d: ox.NamedNode) -> None:
    """The dataset's listings (the current one on the dataset itself, earlier and other ones on nodes of their own),
    the catalog record of when it was first listed and last changed, and the cells its values were derived from."""
    base = catalog.base_iri
    listed = dataset.listed
    current = listed.source or catalog.readme  # None: a catalog made by `init` that names no list yet
    if current:
        desc.add(d, M_LISTED_IN, ox.NamedNode(current))
    _listing_cells(desc, d, listed)
    lists = {list_version_iri(current, listed.version)} if current else set()
    for n, listing in enumerate(dataset.listings, start=1):
        node = ox.NamedNode(f"{d.value}/listing/{n}")
        desc.add(d, M_EARLIER_LISTING if listing.kind == "earlier" else M_OTHER_LISTING, node)
        desc.add(node, RDF_TYPE, M_LISTING_CLASS)
        source = listing.listed.source or current
        if source:
            the_list = list_version_iri(source, listing.listed.version)
            lists.add(the_list)
            desc.add(node, M_LISTED_IN, ox.NamedNode(source))
            desc.add(node, PROV_DERIVED, ox.NamedNode(the_list))
            desc.add(node, DCT_SOURCE, ox.NamedNode(the_list))
        _listing_cells(desc, node, listing.listed)
    for the_list in sorted(lists):
        desc.add(d, PROV_DERIVED, ox.NamedNode(the_list))
    if dataset.first_listed or dataset.modified:
        record = ox.NamedNode(f"{d.value}/record")
        desc.add(ox.NamedNode(catalog_iri(base)), D_RECORD, record)
        desc.add(record, RDF_TYPE, D_CATALOG_RECORD)
        desc.add(record, FOAF_PRIMARY_TOPIC, d)
        if dataset.first_listed:
            desc.add(record, DCT_ISSUED, date_literal(dataset.first_listed))
        # The commits that show the dates: provenance (prov:wasDerivedFrom), not dct:source, whose range on a
        # record is another dcat:CatalogRecord in DCAT-AP 3.0.1 (SEMIC's shapes say so).
        if dataset.first_listed_source:
            desc.add(record, PROV_DERIVED, ox.NamedNode(dataset.first_listed_source))
        if dataset.modified:
            desc.add(record, DCT_MODIFIED, date_literal(dataset.modified))
        if dataset.modified_source:
            desc.add(record, PROV_DERIVED, ox.NamedNode(dataset.modified_source))
    for key, cells in dataset.derived.items():  # which listed cell a structured value was read from
        for cell in cells:
            desc.add(d, ox.NamedNode(NS["mvk"] + _DERIVED[key]), ox.NamedNode(NS["mvk"] + _DERIVED_CELLS[cell]))


def _listing_cells(desc: Description, node: ox.NamedNode, listed: Listed) -> None:
    """A listing's cells, verbatim: a cell both tables write alike untagged, else one literal per table language."""
    for prop, key in (
        (M_LISTED_NAME, "name"),
        (M_LISTED_TITLE, "title"),
        (M_LISTED_DATE, "date"),
        (M_LISTED_LINKS, "links"),
        (M_LISTED_EXTRA, "extra"),
    ):
        for lang, text in sorted(listed.by_table(key).items()):
            desc.add(node, prop, literal(text, language=lang or None))
    if listed.row is not None:
        desc.add(node, M_LISTED_ROW, ox.Literal(str(listed.row), datatype=XSD_INTEGER))
    if listed.row_zh is not None:
        desc.add(node, M_LISTED_ROW_ZH, ox.Literal(str(listed.row_zh), datatype=XSD_INTEGER))
    for prop, cells in (
        (M_LISTED_MODALITY, listed.modality),
        (M_LISTED_TASK, listed.task),
        (M_LISTED_SIZE, listed.size),
        (M_LISTED_DESCRIPTION, listed.description),
    ):
        for lang, text in sorted(cells.items()):
            desc.add(node, prop, literal(text, language=lang or None))
    if listed.section:
        desc.add(node, M_LISTED_SECTION, literal(listed.section))
    if listed.version:
        desc.add(node, M_LISTED_VERSION, literal(listed.version))
