"""The source list's table read back from the graph: the ``mvk:listed*`` cells in one language, in the list's order.

export-markdown (the SPARQL stage) and the site's ``catalog.csv`` both write this table; both read it through the
bundled query ``queries/listed-table.rq``, so what a user runs with ``medvlm-kg query listed-table`` and the two
files cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from medvlm_kg.catalog.markdown import columns
from medvlm_kg.resources import queries_dir

__all__ = ["listed_table", "listed_tables", "listed_tables_in"]


def listed_table(triples: Iterable[ox.Triple], lang: str) -> tuple[list[str], list[list[str | None]]]:
    """The headers and the rows of the list's table in ``lang`` (``None`` where the list shows "-"); a row the list
    wrote with a cell beyond its columns keeps it as one more cell."""
    return listed_tables(triples, (lang,))[lang]


def listed_tables(
    triples: Iterable[ox.Triple], langs: Iterable[str]
) -> dict[str, tuple[list[str], list[list[str | None]]]]:
    """``listed_table`` in each of ``langs``, from one store of the triples (loaded once for all)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return listed_tables_in(store, langs)


def listed_tables_in(
    store: ox.Store, langs: Iterable[str], union: bool = False
) -> dict[str, tuple[list[str], list[list[str | None]]]]:
    """``listed_tables`` from a store that holds the graph already: its default graph, or with ``union`` the union of
    its graphs (a build's query store keeps the catalog in a named graph)."""
    spec = columns()["export"]
    text = (queries_dir() / "listed-table.rq").read_text(encoding="utf-8")
    # ?lang bound where the query's WHERE group opens, as `query --param lang=…` binds it (the value is written
    # by Oxigraph in N-Triples syntax, so it is a plain literal whatever it holds)
    where = text.index("WHERE {") + len("WHERE {")
    roles = [*spec["order"], "extra"]
    tables = {}
    for lang in langs:
        answer = store.query(
            f"{text[:where]} VALUES ?lang {{ {ox.Literal(lang)} }}{text[where:]}", use_default_graph_as_union=union
        )
        rows = []
        for solution in answer:
            cells = [solution[role].value if solution[role] is not None else None for role in roles]
            rows.append(cells if cells[-1] is not None else cells[:-1])
        tables[lang] = (list(spec["headers"][lang]), rows)
    return tables
