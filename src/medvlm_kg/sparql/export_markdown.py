"""`medvlm-kg export-markdown`: the source list's table again, in one language, read from the graph.

The import half lives in ``catalog/markdown/``; this half reads the graph's listed cells through a bundled
query, so it sits in the SPARQL stage.
"""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.markdown import columns as _columns
from medvlm_kg.graph.listed_table import listed_table
from medvlm_kg.problems import CatalogError, Problem

__all__ = ["export_markdown"]


def _cell(value: str | None) -> str:
    if not value:
        return "-"
    return value.replace("\n", " ").replace("|", "\\|")


def export_markdown(triples: list[ox.Triple], lang: str = "en") -> str:
    """The list's table in one language, from the graph's listed cells, in the list's row order."""
    spec = _columns()["export"]
    if lang not in spec["headers"]:
        raise CatalogError(Problem("export-markdown", None, "--lang", f'no table for "{lang}"', "use en or zh"))
    headers, table = listed_table(triples, lang)
    rows = [[_cell(value) for value in row] for row in table]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"
