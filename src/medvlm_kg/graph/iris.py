"""Where each thing the graph describes lives: its IRI, made from the catalog's base IRI and ids (no blank nodes).

The site, the profiles, the build and the SPARQL stage all name datasets, the catalog and its pages through these
functions, so an address is decided once.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "PAGE_SIZE",
    "catalog_iri",
    "dataset_iri",
    "list_version_iri",
    "organization_iri",
    "page_iri",
    "person_iri",
    "slug",
    "sparql_endpoint_iri",
    "venue_iri",
]

_GITHUB_BLOB = re.compile(r"^(https://github\.com/[^/]+/[^/]+)/blob/[^/]+/(.+)$")
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")

PAGE_SIZE = 100  # datasets per page of the paged catalog (paging.py)


def slug(text: str) -> str:
    """A readable IRI path segment for a name: lowercase, hyphens, unicode letters kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\w]+", "-", text).strip("-_") or "x"


def catalog_iri(base: str) -> str:
    return base + "catalog"


def dataset_iri(base: str, dataset_id: str) -> str:
    return f"{base}dataset/{dataset_id}"


def page_iri(base: str, number: int) -> str:
    """A page of the catalog, for harvesters that walk it (a Hydra PartialCollectionView)."""
    return f"{base}catalog/page/{number}"


def sparql_endpoint_iri(base: str) -> str:
    """Where ``medvlm-kg serve`` answers SPARQL when the site is served at the base IRI."""
    return f"{base}sparql"


def person_iri(base: str, name: str, person_id: str | None = None) -> str:
    """A person (an author, a curator): by the curator's id where there is one, else by the name's slug."""
    return f"{base}person/{person_id or slug(name)}"


def organization_iri(base: str, name: str) -> str:
    return f"{base}organization/{slug(name)}"


def venue_iri(base: str, name: str) -> str:
    return f"{base}venue/{slug(name)}"


def list_version_iri(readme: str, version: str | None) -> str:
    """The address of a list at a version: a GitHub README at a commit is its blob at that commit."""
    m = _GITHUB_BLOB.match(readme)
    if version and m and _COMMIT.match(version):
        return f"{m.group(1)}/blob/{version}/{m.group(2)}"
    return readme
