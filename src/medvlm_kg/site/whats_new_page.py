"""The "what's new" page: the datasets grouped by the date they first entered the list, newest first, each group
with the commits of the list that added them; the newest ``SHOWN`` of them, the rest counted and left to the
catalog (a page of every dataset was 1 MB at 10,000 entries, and remade on every edit).
"""

from __future__ import annotations

from medvlm_kg.catalog.entries import Dataset
from medvlm_kg.site.context import SiteContext
from medvlm_kg.site.links import page_file
from medvlm_kg.site.templating import source_label, ui_strings

__all__ = ["SHOWN", "whats_new_page"]

SHOWN = 500  # datasets on the page at most


def whats_new_page(site: SiteContext, lang: str) -> dict[str, bytes]:
    """The datasets by the date they first entered the list (newest first), each group with the commits."""
    groups: dict[str | None, list[Dataset]] = {}
    for dataset in site.catalog.datasets:
        groups.setdefault(dataset.first_listed.value if dataset.first_listed else None, []).append(dataset)
    ordered = sorted(groups, key=lambda d: (d is None, "" if d is None else d), reverse=False)
    ordered = sorted((d for d in ordered if d), reverse=True) + ([None] if None in groups else [])
    out = []
    room, earlier = SHOWN, 0
    for date in ordered:
        if room <= 0:
            earlier += len(groups[date])
            continue
        every = sorted(groups[date], key=lambda d: (d.listed.row or 10**9, d.name.lower()))
        members = every[:room]
        room -= len(members)
        sources = sorted({d.first_listed_source for d in members if d.first_listed_source})
        out.append(
            {
                "date": date,
                "count": len(every),
                "more": f"{len(every) - len(members):,}" if len(every) > len(members) else None,
                "sources": [(url, source_label(url)) for url in sources],
                "datasets": [
                    {
                        "id": d.id,
                        "name": d.name,
                        "listed_date": d.listed.cell("date", lang),
                        "modified": d.modified.value if d.modified else None,
                    }
                    for d in members
                ],
            }
        )
    file = page_file("whats-new", lang)
    t = ui_strings()[lang]
    summary = t["whats_new_summary"].format(catalog=site.catalog_name(lang))
    ctx = site.page_context("whats-new", "whats-new", lang, file, t["whats_new_title"], summary)
    ctx.update(groups=out, earlier=f"{earlier:,}" if earlier else None)
    return {file: site.html("whats-new.html", ctx)}
