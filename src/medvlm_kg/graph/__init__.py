"""Stage 2, the graph: checked entries turned into RDF triples (``convert``, the core schema.org + DCAT description,
written by ``dataset_description`` and ``catalog_description`` over ``listings``, ``papers``, ``agents``, ``licenses``
and ``description_text``, in the terms of ``namespaces`` at the addresses of ``iris``, collected by ``triples``), and
the graph written as Turtle, N-Triples and JSON-LD (``serialize``, ``jsonld``, ``schema_org``)."""

__all__ = [
    "agents",
    "catalog_description",
    "convert",
    "dataset_description",
    "description_text",
    "iris",
    "jsonld",
    "licenses",
    "listed_table",
    "listings",
    "namespaces",
    "papers",
    "schema_org",
    "serialize",
    "triples",
]
