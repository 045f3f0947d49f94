"""Stage 3, validation: the core SHACL shapes run on the graph by our engine (``shacl``), and the results turned
into ``Problem`` records naming file, line, field and fix (``core``)."""

__all__ = ["core", "shacl"]
