"""The SPARQL stage: the bundled queries (``query``), a remote store (``remote``), publishing a build to it
(``publish``), the read-only endpoint ``serve`` mounts (``endpoint/``) and the Markdown export (``export_markdown``)."""

__all__ = ["endpoint", "export_markdown", "publish", "query", "remote"]
