"""The static web site: pages for datasets, the catalog and the concepts over the built graph (``pages``), with
charts, paging, and ``inspect`` (what a crawler reads from a built site)."""

__all__ = ["charts", "inspect", "pages", "paging"]
