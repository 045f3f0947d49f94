"""`medvlm-kg export-markdown`: the source list's table again, in one language, read from the graph.

The import half lives in ``catalog/markdown.py``; this half reads the graph's listed cells through a bundled
query, so it sits in the SPARQL stage.
"""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.markdown import columns as _columns
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.sparql.query import bind, bundled_queries, run_local

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
    query = bundled_queries()["listed-table"]
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = run_local(store, query, bind(query, {"lang": lang}, ""))
    columns = [result.variables.index(role) for role in spec["order"]]
    extra = result.variables.index("extra")
    rows = [
        [_cell(row[i].value if row[i] is not None else None) for i in columns]
        + ([_cell(row[extra].value)] if row[extra] is not None else [])  # a cell beyond the columns, as listed
        for row in result.rows
    ]
    headers = spec["headers"][lang]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"
