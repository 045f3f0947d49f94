"""Stage 2, the graph: checked entries turned into RDF triples (``convert``, the core schema.org + DCAT description),
and the graph written as Turtle, N-Triples and JSON-LD (``serialize``, ``jsonld``, ``schema_org``)."""

__all__ = ["convert", "jsonld", "schema_org", "serialize"]
