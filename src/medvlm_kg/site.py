"""The web site written beside the RDF: dataset, concept and catalog pages, sitemap (issue 3)."""

from __future__ import annotations

from .catalog import Catalog
from .convert import KnowledgeGraph

__all__ = ["render_site"]


def render_site(catalog: Catalog, graph: KnowledgeGraph, files: dict[str, bytes]) -> dict[str, bytes]:
    """Pages and discovery files by path, given the RDF ``files`` already rendered."""
    return {}
