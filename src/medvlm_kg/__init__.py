"""medvlm-kg: a curated catalog of medical vision-language benchmarks as a validated knowledge graph.

The pipeline, one module per stage: ``catalog`` (load + check YAML) → ``convert`` (RDF) →
``validate`` (SHACL) → ``serialize``/``build`` (files); ``query`` answers the bundled SPARQL questions.
"""

from .build import build, check
from .catalog import Catalog, Dataset, check_catalog, load_catalog
from .convert import KnowledgeGraph, convert
from .problems import CatalogError, Problem

__all__ = [
    "Catalog",
    "CatalogError",
    "Dataset",
    "KnowledgeGraph",
    "Problem",
    "build",
    "check",
    "check_catalog",
    "convert",
    "load_catalog",
]
__version__ = "0.1.0"
