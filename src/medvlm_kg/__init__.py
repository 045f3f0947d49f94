"""medvlm-kg: a curated catalog of medical vision-language benchmarks as a validated knowledge graph.

The pipeline, one module per stage: ``catalog`` (load + check YAML) → ``convert`` (RDF) →
``validate`` (SHACL) → ``serialize``/``build`` (files); ``query`` answers the bundled SPARQL questions.
"""

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

_WHERE = {
    "build": "build",
    "check": "units",
    "Catalog": "catalog",
    "Dataset": "catalog",
    "check_catalog": "catalog",
    "load_catalog": "catalog",
    "KnowledgeGraph": "convert",
    "convert": "convert",
    "CatalogError": "problems",
    "Problem": "problems",
}


def __getattr__(name: str):
    """The names above, imported when first used (``medvlm-kg --help`` and a rebuild with no change stay quick)."""
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
