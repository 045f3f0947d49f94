"""Licences: a dataset's as its pages state it (the statement always, an SPDX licence only where one maps and covers
the data, conflicts kept visible), and the SPDX licence documents the dataset and the catalog name."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.entries import Sourced
from medvlm_kg.graph.description_text import text_language
from medvlm_kg.graph.namespaces import (
    DCT_LICENSE,
    DCT_LICENSE_DOC,
    M_LICENSE_COVERS,
    M_LICENSE_STATEMENT,
    RDF_TYPE,
    RDFS_LABEL,
    S_CREATIVE_WORK,
    S_LICENSE,
    S_NAME,
    S_TEXT,
    S_URL,
    SKOS_NOTE,
)
from medvlm_kg.graph.triples import Description, literal

__all__ = ["dataset_license", "license_document", "license_iri", "license_text"]


def license_text(lic) -> str:
    """A license statement as read, with any conflicting statement after it."""
    return lic.stated + "".join(f" Conflicting statements: {c}" for c in lic.conflicts)


def license_iri(spdx_id: str) -> ox.NamedNode:
    return ox.NamedNode(f"https://spdx.org/licenses/{spdx_id}")


def license_document(desc: Description, node: ox.NamedNode, spdx_id: str) -> None:
    """An SPDX licence as a ``dct:LicenseDocument`` labelled with its id."""
    desc.add(node, RDF_TYPE, DCT_LICENSE_DOC)
    desc.add(node, RDFS_LABEL, literal(spdx_id))


def dataset_license(desc: Description, d: ox.NamedNode, lic) -> None:
    """A license as the dataset's pages state it: the statement always, an SPDX IRI only where it maps and
    covers the data; conflicts stay visible as sourced notes."""
    fact = Sourced(None, lic.sources)
    # in the language it is written in: a Chinese list's "仅供研究使用" is no English text
    desc.sourced(d, M_LICENSE_STATEMENT, literal(lic.stated, language=text_language(lic.stated) or "en"), fact)
    desc.add(d, M_LICENSE_COVERS, literal(lic.covers))
    if lic.applies_to_data:
        node = license_iri(lic.id)
        desc.sourced(d, DCT_LICENSE, node, fact)
        desc.add(d, S_LICENSE, node)
        license_document(desc, node, lic.id)
    else:
        # No SPDX licence for the data, only a statement: schema.org's license may be a CreativeWork, so
        # crawlers and Croissant read the statement as written and where it was read (DCAT's dct:license stays
        # absent: the statement is no licence document).
        node = ox.NamedNode(f"{d.value}#license-statement")
        desc.add(d, S_LICENSE, node)
        desc.add(node, RDF_TYPE, S_CREATIVE_WORK)
        desc.add(node, S_NAME, literal("License as its source states it", language="en"))  # its pages, or a list
        text = license_text(lic)
        desc.add(node, S_TEXT, literal(text, language=text_language(text) or "en"))
        desc.add(node, S_URL, ox.NamedNode(lic.sources[0]))
    for conflict in lic.conflicts:
        desc.sourced(d, SKOS_NOTE, literal(f"License: {conflict}", language="en"), fact)
