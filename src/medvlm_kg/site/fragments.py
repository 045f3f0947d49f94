"""The small pieces of HTML that pages repeat many times (a fact's sources, a concept chip, a table cell, a
dataset card), written in Python rather than as Jinja macros.

A macro call cost more than the HTML it wrote, a dataset page made some twenty and a concept page a hundred cards,
and importing the macros ``with context`` built them again for every page. These functions write the same bytes
the macros did, each value escaped by ``markupsafe.escape`` as autoescaping would (not by ``Markup.format``, which
formats in Python and was as slow as the macros), and read what they need from the page's context (``page``,
``t``, ``lang``): templates call them like the macros, by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from medvlm_kg.site.templating import source_label

if TYPE_CHECKING:
    from medvlm_kg.catalog.concepts import Concept
    from medvlm_kg.site.context import Row

__all__ = ["FRAGMENTS"]


@jinja2.pass_context
def sources(context: Any, urls: Iterable[str]) -> Markup:
    """A fact's sources: each URL as a short link, after a label only screen readers read; nothing without any."""
    if not urls:
        return Markup("")
    links = "".join(f' <a class="source" href="{escape(u)}" rel="noopener">{escape(source_label(u))}</a>' for u in urls)
    label = escape(context["t"]("sources"))
    return Markup(f'<span class="sources"><span class="sr-only">{label}:</span>{links}</span>')


@jinja2.pass_context
def chip(context: Any, scheme: str, concept: Concept) -> Markup:
    """A concept as a chip linking to its page, in the page's language."""
    return Markup(_chip(context["page"], context["lang"], scheme, concept))


def _chip(page: Callable[[str], str], lang: str, scheme: str, concept: Concept) -> str:
    href = page(f"concept/{scheme}/{concept.id}")
    return f'<a class="chip chip-{escape(scheme)}" href="{escape(href)}">{escape(concept.label(lang))}</a>\n'


def _missing(context: Any) -> str:
    return f'<span class="muted" title="{escape(context["t"]("not_listed"))}">—</span>'


@jinja2.pass_context
def cell(context: Any, text: str | None, from_facts: bool = False) -> Markup:
    """A table cell's text, or a dash saying the list has none; what the catalog states where the list has no
    cell is set apart, and says so."""
    if text and from_facts:
        return Markup(_from_facts(context, text))
    return escape(text) if text else Markup(_missing(context))


def _from_facts(context: Any, text: str) -> str:
    return f'<span class="from-facts" title="{escape(context["t"]("from_facts"))}">{escape(text)}</span>'


@jinja2.pass_context
def dataset_card(context: Any, row: Row) -> Markup:
    """A dataset as a card in a list of datasets (a concept's page): name, year, the list's cells, its chips."""
    page, lang = context["page"], context["lang"]
    missing = _missing(context)
    year = f' <span class="badge">{escape(row.year)}</span>' if row.year else ""

    def shown(key: str, text: str | None) -> str:
        return (_from_facts(context, text) if key in row.from_facts else escape(text)) if text else missing

    size = f" · <span>{shown('size', row.size_cell)}</span>" if row.size_cell else ""
    chips = "".join(
        _chip(page, lang, scheme, c)
        for scheme, concepts in (("modality", row.modalities), ("task", row.tasks))
        for c in concepts
    )
    return Markup(
        f'<li class="dcard">\n<h3><a href="{escape(page(row.key))}">{escape(row.dataset.name)}</a>{year}</h3>\n'
        f'<p class="dcard-cells"><span>{shown("modality", row.modality_cell)}</span> · '
        f"<span>{shown('task', row.task_cell)}</span>{size}</p>\n"
        f'<p class="dcard-chips">{chips}</p>\n</li>\n'
    )


FRAGMENTS = {"sources": sources, "chip": chip, "cell": cell, "dataset_card": dataset_card}
