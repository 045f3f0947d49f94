"""The static web site over the built graph: a few renderers (``dataset_page``, ``catalog_page``,
``concept_pages``, ``whats_new_page``, ``sparql_page``, ``discovery``) over one shared ``context``, put together by
``pages``; where pages live (``links``), how they are written (``templating``), with ``charts``, ``cite``,
``paging``, and ``inspect`` (what a crawler reads from a built site)."""

__all__ = [
    "catalog_page",
    "charts",
    "cite",
    "concept_pages",
    "context",
    "dataset_page",
    "discovery",
    "inspect",
    "links",
    "pages",
    "paging",
    "sparql_page",
    "templating",
    "whats_new_page",
]
