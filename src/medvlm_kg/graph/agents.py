"""People and organizations as nodes: a paper's authors, the catalog's curators and their affiliations.

A person and an organization are written alike, in schema.org and FOAF terms at once (DCAT-AP reads FOAF,
crawlers schema.org), each with an IRI of its own (``iris.person_iri``, ``iris.organization_iri``).
"""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.graph.iris import organization_iri, person_iri
from medvlm_kg.graph.namespaces import (
    FOAF_NAME,
    FOAF_ORG,
    FOAF_PERSON,
    RDF_TYPE,
    S_NAME,
    S_ORG,
    S_PERSON,
)
from medvlm_kg.graph.triples import Description, literal

__all__ = ["organization", "person"]


def person(desc: Description, base: str, name: str, person_id: str | None = None) -> ox.NamedNode:
    """A person, named by the curator's id where there is one, else by the name."""
    return _agent(desc, ox.NamedNode(person_iri(base, name, person_id)), name, (S_PERSON, FOAF_PERSON))


def organization(desc: Description, base: str, name: str) -> ox.NamedNode:
    return _agent(desc, ox.NamedNode(organization_iri(base, name)), name, (S_ORG, FOAF_ORG))


def _agent(desc: Description, node: ox.NamedNode, name: str, kinds: tuple[ox.NamedNode, ...]) -> ox.NamedNode:
    for kind in kinds:
        desc.add(node, RDF_TYPE, kind)
    desc.add(node, S_NAME, literal(name))
    desc.add(node, FOAF_NAME, literal(name))
    return node
