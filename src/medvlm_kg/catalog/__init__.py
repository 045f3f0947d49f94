"""Stage 1, the catalog: YAML entries read safely, checked against the schema and the concept schemes, into
frozen entry types (``load``); the concept schemes (``concepts``); the Markdown list imported as entries
(``markdown``).
"""

__all__ = ["concepts", "load", "markdown"]
