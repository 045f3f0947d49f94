"""`medvlm-kg export-markdown`: the source list's table again, in one language, read from the graph.

The import half lives in ``catalog/markdown/``; this half reads the graph's listed cells through a bundled
query, so it sits in the SPARQL stage.
"""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.markdown import columns as _columns
from medvlm_kg.graph.listed_table import listed_table, listed_tables_in
from medvlm_kg.problems import CatalogError, Problem

__all__ = ["export_markdown", "export_markdown_from_store"]


def _cell(value: str | None) -> str:
    if not value:
        return "-"
    return value.replace("\n", " ").replace("|", "\\|")


def export_markdown(triples: list[ox.Triple], lang: str = "en") -> str:
    """The list's table in one language, from the graph's listed cells, in the list's row order."""
    _check_language(lang)
    return _markdown(*listed_table(triples, lang))


def export_markdown_from_store(store: ox.Store, lang: str = "en") -> str:
    """``export_markdown`` from a build's query store (the union of its graphs): no YAML read, nothing converted."""
    _check_language(lang)
    return _markdown(*listed_tables_in(store, (lang,), union=True)[lang])


def _check_language(lang: str) -> None:
    if lang not in _columns()["export"]["headers"]:
        raise CatalogError(Problem("export-markdown", None, "--lang", f'no table for "{lang}"', "use en or zh"))


def _markdown(headers: list[str], table: list[list[str | None]]) -> str:
    rows = [[_cell(value) for value in row] for row in table]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"
