"""A fast SHACL validator for the part of SHACL Core the catalog's shapes use.

pyshacl takes minutes on a 10,000-dataset catalog, mostly inside rdflib; this module checks the same shapes on
the converter's pyoxigraph triples in seconds. The shapes stay data: :func:`compile_shapes` reads them (from
``ontology/shapes.ttl``) and turns each shape into small closures once, and each node shape's property shapes
into one generated function (a property that passes costs a lookup and a few comparisons); nothing about any
particular shape is written here. Validation runs on one description at a time (a dataset's triples, or the
catalog's) beside a background holding the nodes the shapes reach outside it (the concept schemes, the
catalog), so descriptions can later be checked in parallel, or cached. A node the background describes is read
from the background alone, and checked with the background's own description.

Supported, and nothing more: targets by sh:targetClass and implicit class targets (a shape that is an rdfs:Class),
and, when a whole graph is validated as one description (no background), sh:targetNode, sh:targetSubjectsOf and
sh:targetObjectsOf; sh:property with predicate paths; sh:class, sh:datatype, sh:nodeKind, sh:minCount,
sh:maxCount, sh:minLength, sh:maxLength, sh:pattern (and sh:flags), sh:hasValue, sh:in, sh:languageIn,
sh:uniqueLang, sh:minInclusive (numbers), sh:or, sh:node; sh:severity, sh:message, sh:name, sh:deactivated; and
SPARQL SELECT constraints (sh:sparql, sh:select, sh:prefixes) on node shapes, run by pyoxigraph with $this
pre-bound, except the forms SHACL's pre-binding forbids (MINUS, VALUES, SERVICE, nested SELECT) and those
pyoxigraph would bind differently ($this in a nested group or a BIND). Anything else in the shapes graph makes
:func:`compile_shapes` raise :class:`UnsupportedShapeError`, and so does data the partitioned validation cannot
read as the whole graph would (an rdfs:subClassOf triple in a description checked beside a background): no check
is ever skipped silently. ``tests/test_shacl_w3c.py`` holds the W3C SHACL tests this passes (64 of 120) and
checks that every other one is refused.

Results mean what pyshacl 0.40's mean with ``inference="none"`` and ``allow_warnings=True`` (the tests compare
them result for result):

- a node conforms to a shape reached by sh:node only if validating it gives no result at all, warnings
  included; the nested results are kept as the result's ``details`` (pyshacl's sh:detail);
- a member of sh:or passes if it gives no result worse than a warning, and its results are dropped;
- a class is read from rdf:type and, in a graph validated whole, the rdfs:subClassOf triples it states;
- every result is reported, a result reached twice (two paths to one value) twice, as in SHACL's report;
- a shape without sh:message gets pyshacl's generated wording; a SPARQL result carries the constraint's message
  first, then the shape's;
- a literal has a datatype when its datatype IRI is that one and its lexical form is in the XSD lexical space
  (rdflib, under pyshacl, is laxer for some forms, e.g. ``" 7"^^xsd:integer``, and accepts any gYear);
- a SPARQL constraint run beside a background sees the description's triples only (the project's query reads
  the focus node's own triples, which the description holds); validate a whole graph for queries reaching further.

The modules, highest first (the import contract ``shacl-engine`` in pyproject.toml keeps this order):
``compiler`` reads the shapes graph and hands each constraint parameter to its family's builder:
``value_type`` (sh:class, sh:datatype, sh:nodeKind), ``cardinality`` (counts, sh:minInclusive, sh:hasValue,
sh:in), ``string_based``, ``logical`` (sh:or), ``shape_based`` (sh:node, sh:property) and ``sparql``; they build
on ``shapes`` (a compiled shape, targets, the validation loop), ``wording`` (pyshacl's generated messages),
``graph`` (the data side) and ``lexical`` (XSD lexical spaces), and all on ``terms``.
"""

from medvlm_kg.validate.shacl.compiler import compile_shapes
from medvlm_kg.validate.shacl.graph import Background, Graph
from medvlm_kg.validate.shacl.shapes import Shapes
from medvlm_kg.validate.shacl.terms import INFO, VIOLATION, WARNING, Result, UnsupportedShapeError

__all__ = [
    "INFO",
    "VIOLATION",
    "WARNING",
    "Background",
    "Graph",
    "Result",
    "Shapes",
    "UnsupportedShapeError",
    "compile_shapes",
]
