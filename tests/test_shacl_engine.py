"""The fast SHACL engine (`medvlm_kg.validate.shacl`) gives pyshacl's results, result for result.

pyshacl is the oracle, its report read as it is: for the project's catalog, a synthetic one, and graphs broken
on purpose (one break or more per constraint component the shapes use), both are run and their results compared
as multisets (a result reported twice counts twice) of (focus node, path, value, severity, messages, source
shape, source constraint component), nested sh:detail results included. The shapes are read once with rdflib
and handed to both, so even blank-node shapes compare by label. The tests of the tests at the end show that the
comparison fails when the engine drops one of two identical results, or one of two results that differ only in
their constraint component.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter

import pyoxigraph as ox
import pyshacl  # a dependency of the product: the oracle is never skipped
import pytest
import rdflib
from rdflib.namespace import SH

from conftest import DATA, ROOT
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.validate.core import data_graph, shacl_problems, shacl_results
from medvlm_kg.validate.shacl import Graph, Result, Shapes, UnsupportedShapeError, compile_shapes

BASE = "https://w3id.org/medvlm-kg/"
SCHEMA, MVK, DCT, DCAT, XSD = (
    "https://schema.org/",
    BASE + "vocab#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/dcat#",
    "http://www.w3.org/2001/XMLSchema#",
)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PATHMMU = ox.NamedNode(BASE + "dataset/pathmmu")
PAPER = ox.NamedNode("https://arxiv.org/abs/2401.16355")
AUTHOR = ox.NamedNode(BASE + "person/yuxuan-sun")
SIZE = ox.NamedNode(BASE + "dataset/pathmmu#size-qa-pair")
ACCESS = ox.NamedNode(BASE + "dataset/pathmmu#access-hf")
CATALOG = ox.NamedNode(BASE + "catalog")


def iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


# ---- the two sides -------------------------------------------------------------------------------------------


def _ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string")))


def pyshacl_report(data: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    """pyshacl's report, run as ``validate`` ran it before the engine."""
    return pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)[1]


def pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph, report: rdflib.Graph | None = None) -> Counter:
    """Every ValidationResult of pyshacl's report (nested sh:detail ones too), as a multiset of comparable tuples."""
    report = report if report is not None else pyshacl_report(data, shapes)
    found: Counter = Counter()
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        found[
            (
                _ox(report.value(r, SH.focusNode)),
                _ox(report.value(r, SH.resultPath)),
                _ox(report.value(r, SH.value)),
                _ox(report.value(r, SH.resultSeverity)),
                frozenset(str(m) for m in report.objects(r, SH.resultMessage)),
                _ox(report.value(r, SH.sourceShape)),
                _ox(report.value(r, SH.sourceConstraintComponent)),
            )
        ] += 1
    return found


def as_tuples(results) -> Counter:
    """The engine's results, nested ones too, as the same multiset."""
    return Counter(
        (r.focus, r.path, r.value, r.severity, frozenset(r.messages), r.source_shape, r.component)
        for top in results
        for r in top.walk()
    )


@pytest.fixture(scope="module")
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def engine(shapes_graph):
    return compile_shapes(shapes_graph)


@pytest.fixture(scope="module")
def project() -> tuple:
    catalog = load_catalog(DATA)
    return catalog, convert(catalog)


@pytest.fixture(scope="module")
def small(project) -> KnowledgeGraph:
    """The project's graph cut to two datasets (pathmmu, vqarad) and the catalog listing just them: pyshacl
    takes 0.05 s on it, so every break below is checked on its own."""
    kg = project[1]
    kept = {"pathmmu", "vqarad"}
    others = {ox.NamedNode(BASE + "dataset/" + d) for d in kg.datasets if d not in kept}
    return dataclasses.replace(
        kg,
        catalog=[t for t in kg.catalog if t.object not in others],
        datasets={k: v for k, v in kg.datasets.items() if k in kept},
    )


def both(kg: KnowledgeGraph, engine, shapes_graph) -> tuple[Counter, Counter]:
    """(pyshacl's results for the whole graph, the engine's, description by description), each without the
    results on the catalog's two dump distributions (see test_the_dumps_warnings_are_the_same_and_not_the_curators)."""
    expected = pyshacl_results(data_graph(kg.triples()), shapes_graph)
    found = as_tuples(shacl_results(kg, engine)[0])
    return _without_dumps(expected), _without_dumps(found)


DUMPS = {BASE + "catalog.ttl.gz", BASE + "catalog.nt.gz"}


def _without_dumps(results: Counter) -> Counter:
    return Counter({r: n for r, n in results.items() if r[0].value not in DUMPS})


def test_the_dumps_warnings_are_the_same_and_not_the_curators(project, engine, shapes_graph):
    """The dumps are distributions without a host platform: both engines warn on each, and validate drops those
    warnings (no YAML states the dumps, so a curator has nothing to add)."""
    expected = pyshacl_results(data_graph(project[1].triples()), shapes_graph)
    found = as_tuples(shacl_results(project[1], engine)[0])
    on_dumps = Counter({r: n for r, n in found.items() if r[0].value in DUMPS})
    assert on_dumps == Counter({r: n for r, n in expected.items() if r[0].value in DUMPS})
    assert sorted(r[0].value for r in on_dumps.elements()) == sorted(DUMPS)
    assert all(r[1].value.endswith("hostPlatform") and r[3] == iri(str(SH.Warning)) for r in on_dumps)
    problems = shacl_problems(project[1], project[0])
    assert not [p for p in problems if p.field == "access.platform" and p.file.endswith("catalog.yaml")]


def changed(kg: KnowledgeGraph, dataset: str = "pathmmu", drop=(), add=()) -> KnowledgeGraph:
    """A copy of ``kg`` whose ``dataset`` description (or the catalog's, for "catalog") loses and gains triples.

    ``drop`` holds (subject, predicate) pairs, or (subject, predicate, object) triples.
    """

    def kept(t: ox.Triple) -> bool:
        for d in drop:
            if t.subject == d[0] and t.predicate == d[1] and (len(d) == 2 or t.object == d[2]):
                return False
        return True

    copy = dataclasses.replace(kg, catalog=list(kg.catalog), datasets={k: list(v) for k, v in kg.datasets.items()})
    target = copy.catalog if dataset == "catalog" else copy.datasets[dataset]
    target[:] = [t for t in target if kept(t)] + [ox.Triple(*t) for t in add]
    return copy


# ---- whole catalogs ------------------------------------------------------------------------------------------


def test_the_project_catalog_gives_what_pyshacl_gives(project, engine, shapes_graph):
    expected, found = both(project[1], engine, shapes_graph)
    assert found == expected
    # The project's own catalog is valid; its two warnings are facts nobody has found yet (read in the YAML: the
    # medical-o1-reasoning-SFT row names no modality, the vlm-project row no paper).
    warned = sorted((r[0].value.rsplit("/", 1)[-1], r[1].value.rsplit("/", 1)[-1], r[3].value) for r in found)
    assert warned == [
        ("medical-o1-reasoning-sft", "vocab#modality", str(SH.Warning)),
        ("vlm-project-with-images-with-bbox-images-with-tree-of-thoughts", "citation", str(SH.Warning)),
    ]


def test_a_synthetic_catalog_gives_what_pyshacl_gives_warnings_included(tmp_path, engine, shapes_graph):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate.generate(300, tmp_path / "data", 0)
    catalog = load_catalog(tmp_path / "data")
    kg = convert(catalog)
    data = data_graph(kg.triples())
    report = pyshacl_report(data, shapes_graph)
    expected = pyshacl_results(data, shapes_graph, report)
    assert expected, "the synthetic catalog leaves recommended facts out, so there are warnings to compare"
    assert as_tuples(shacl_results(kg, engine)[0]) == expected


def test_the_shapes_file_read_by_path_gives_the_same_results(project, engine):
    broken = changed(project[1], drop=[(PATHMMU, iri(SCHEMA + "name"))])
    by_path = compile_shapes(ROOT / "ontology" / "shapes.ttl")

    def named(shapes) -> Counter:  # blank-node shapes have other labels when the file is read by path
        found = as_tuples(shacl_results(broken, shapes)[0]).elements()
        return Counter(r[:5] + r[6:] for r in found if isinstance(r[5], ox.NamedNode))

    assert named(by_path) == named(engine)
    assert named(engine)


# ---- graphs broken on purpose: one case or more per constraint component -----------------------------------

NAME, DESCRIPTION = iri(SCHEMA + "name"), iri(SCHEMA + "description")
BROKEN = {
    "a dataset without a name (sh:minCount)": dict(drop=[(PATHMMU, NAME)]),
    "a second name (sh:maxCount)": dict(add=[(PATHMMU, NAME, ox.Literal("PathMMU 2"))]),
    "a name with a language (sh:datatype xsd:string)": dict(
        drop=[(PATHMMU, NAME)], add=[(PATHMMU, NAME, ox.Literal("PathMMU", language="en"))]
    ),
    "an empty name (sh:minLength)": dict(drop=[(PATHMMU, NAME)], add=[(PATHMMU, NAME, ox.Literal(""))]),
    "a description too long for search engines (sh:maxLength, a warning)": dict(
        add=[(PATHMMU, DESCRIPTION, ox.Literal("long " * 1100, language="en"))]
    ),
    "an id with capitals and a space (sh:pattern)": dict(
        drop=[(PATHMMU, iri(DCT + "identifier"))], add=[(PATHMMU, iri(DCT + "identifier"), ox.Literal("Path MMU"))]
    ),
    "a homepage written as text (sh:nodeKind, and the SPARQL constraint on URL literals)": dict(
        drop=[(PATHMMU, iri("http://xmlns.com/foaf/0.1/homepage"))],
        add=[(PATHMMU, iri("http://xmlns.com/foaf/0.1/homepage"), ox.Literal("https://pathmmu-benchmark.github.io/"))],
    ),
    "a URL as a literal on any property (sh:sparql)": dict(
        add=[(PATHMMU, iri(SCHEMA + "url"), ox.Literal("http://example.org/pathmmu"))]
    ),
    "an unknown modality concept (sh:node → sh:hasValue, with pyshacl's own wording)": dict(
        add=[(PATHMMU, iri(MVK + "modality"), iri(BASE + "concept/modality/patholgy"))]
    ),
    "an unknown unit, two shapes deep (sh:node → sh:node → sh:hasValue)": dict(
        drop=[(SIZE, iri(SCHEMA + "unitCode"))], add=[(SIZE, iri(SCHEMA + "unitCode"), iri(BASE + "concept/unit/x"))]
    ),
    "a negative count (sh:minInclusive, nested under sh:node)": dict(
        drop=[(SIZE, iri(SCHEMA + "value"))],
        add=[(SIZE, iri(SCHEMA + "value"), ox.Literal("-5", datatype=iri(XSD + "integer")))],
    ),
    "a count written as text (sh:datatype xsd:integer and sh:minInclusive)": dict(
        drop=[(SIZE, iri(SCHEMA + "value"))], add=[(SIZE, iri(SCHEMA + "value"), ox.Literal("33428"))]
    ),
    "an ill-typed number of modalities (sh:datatype and sh:minInclusive)": dict(
        add=[(PATHMMU, iri(MVK + "modalityCount"), ox.Literal("many", datatype=iri(XSD + "integer")))]
    ),
    "a listed cell in French (sh:languageIn)": dict(
        add=[(PATHMMU, iri(MVK + "listedTask"), ox.Literal("QCM", language="fr"))]
    ),
    "a listed cell that is no text (sh:datatype rdf:langString, sh:languageIn)": dict(
        add=[(PATHMMU, iri(MVK + "listedSize"), ox.Literal("33428", datatype=iri(XSD + "integer")))]
    ),
    "two English descriptions (sh:uniqueLang)": dict(
        add=[(PATHMMU, DESCRIPTION, ox.Literal("Another English description of PathMMU. " * 3, language="en"))]
    ),
    "a date that is no date (sh:or of sh:datatype)": dict(
        drop=[(PATHMMU, iri(SCHEMA + "datePublished"))],
        add=[(PATHMMU, iri(SCHEMA + "datePublished"), ox.Literal("2024-02-30", datatype=iri(XSD + "date")))],
    ),
    "a date as plain text (sh:or)": dict(
        drop=[(PATHMMU, iri(SCHEMA + "datePublished"))],
        add=[(PATHMMU, iri(SCHEMA + "datePublished"), ox.Literal("2024"))],
    ),
    "a paper without its type (sh:class)": dict(drop=[(PAPER, RDF_TYPE)]),
    "a dataset without schema:Dataset (sh:class on the node shape itself)": dict(
        drop=[(PATHMMU, RDF_TYPE, iri(SCHEMA + "Dataset"))]
    ),
    "an author without a name (sh:minCount on another target)": dict(drop=[(AUTHOR, NAME)]),
    "an access point without its label (sh:node with nested sh:minCount)": dict(drop=[(ACCESS, iri(DCT + "title"))]),
    "an access point without a platform: a warning of its own (no longer inside sh:node), as in pyshacl": dict(
        drop=[(ACCESS, iri(MVK + "hostPlatform"))]
    ),
    "an access URL as text (sh:nodeKind and sh:pattern in a nested shape)": dict(
        drop=[(ACCESS, iri(DCAT + "accessURL"))], add=[(ACCESS, iri(DCAT + "accessURL"), ox.Literal("ftp://x"))]
    ),
    "a count without its unit or approximation flag (several sh:minCount, nested)": dict(
        drop=[(SIZE, iri(SCHEMA + "unitCode")), (SIZE, iri(MVK + "approximate"))]
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_graph_is_reported_as_pyshacl_does(case, small, engine, shapes_graph):
    expected, found = both(changed(small, **BROKEN[case]), engine, shapes_graph)
    assert expected, "the break must be one the shapes see"
    assert found == expected


def test_a_region_subtag_is_still_english_as_for_pyshacl(small, engine, shapes_graph):
    """sh:languageIn ("en" "zh") takes en-GB: pyshacl matches the first subtag, as SPARQL's langMatches does."""
    task = iri(MVK + "listedTask")
    kg = changed(small, drop=[(PATHMMU, task)], add=[(PATHMMU, task, ox.Literal("QA", language="en-GB"))])
    assert both(kg, engine, shapes_graph) == (Counter(), Counter())


def test_a_second_name_is_reported_as_pyshacl_does(small, engine, shapes_graph):
    expected, found = both(changed(small, **BROKEN["a second name (sh:maxCount)"]), engine, shapes_graph)
    [(focus, path, value, severity, messages, source, component)] = found.elements()
    assert (focus, path, value) == (PATHMMU, NAME, None)
    assert messages == {"a dataset needs exactly one name (plain text)"}
    assert source == iri(BASE + "shape#Dataset-name")
    assert component == iri(str(SH.MaxCountConstraintComponent))
    assert found == expected


def test_a_sparql_result_carries_the_constraint_message_first(small, engine):
    broken = changed(small, **BROKEN["a URL as a literal on any property (sh:sparql)"])
    [result] = [r for r in shacl_results(broken, engine)[0] if r.component.value.endswith("SPARQLConstraintComponent")]
    assert result.message == "a web address is written as text; it must be a URL (IRI), not a string"
    assert result.source_constraint == iri(BASE + "shape#NoUrlLiterals")
    assert (result.path, result.value) == (iri(SCHEMA + "url"), ox.Literal("http://example.org/pathmmu"))


def test_a_person_two_papers_name_differently_is_checked_as_the_union_as_pyshacl_does(small, engine, shapes_graph):
    other = ox.Triple(AUTHOR, NAME, ox.Literal("Yu-Xuan Sun"))
    kg = changed(small, dataset="vqarad", add=[(AUTHOR, RDF_TYPE, iri(SCHEMA + "Person")), tuple(other)])
    expected, found = both(kg, engine, shapes_graph)
    assert any(r[0] == AUTHOR and r[1] == NAME for r in expected)  # two names: sh:maxCount
    assert found == expected


def test_a_dataset_restating_the_catalog_is_read_with_the_catalog_as_pyshacl_does(small, engine, shapes_graph):
    license_as_text = (CATALOG, iri(DCT + "license"), ox.Literal("MIT"))  # sh:nodeKind sh:IRI on the catalog
    expected, found = both(changed(small, add=[license_as_text]), engine, shapes_graph)
    assert any(r[0] == CATALOG for r in expected)
    assert found == expected


def test_the_catalog_is_checked_against_the_datasets_it_lists(small, engine, shapes_graph):
    """dcat:dataset needs dcat:Dataset: a type the dataset's own description holds, not the catalog's."""
    expected, found = both(changed(small, drop=[(PATHMMU, RDF_TYPE, iri(DCAT + "Dataset"))]), engine, shapes_graph)
    assert any(r[0] == CATALOG for r in expected)
    assert found == expected


# (file under data/, line, field, message, severity) written by hand: the line is the YAML key's line in
# data/datasets/pathmmu.yaml, the message the shape's sh:message in ontology/shapes.ttl (+ the value found, for
# an error), the field the shape's sh:name; a nested shape's field has no line of its own.
PATHMMU_YAML = "data/datasets/pathmmu.yaml"
PROBLEMS = {
    "an unknown modality concept (sh:node → sh:hasValue, with pyshacl's own wording)": [
        (
            "data/catalog.yaml",
            None,
            "inScheme",
            "Node <https://w3id.org/medvlm-kg/concept/modality/patholgy>->skos:inScheme does not contain a value in "
            "the set: ['<https://w3id.org/medvlm-kg/concept/modality>']",
            "error",
        ),
        (
            PATHMMU_YAML,
            25,
            "modality",
            "a modality must be a concept of the modality scheme (ontology/modality.ttl) "
            "(found <https://w3id.org/medvlm-kg/concept/modality/patholgy>)",
            "error",
        ),
    ],
    "a negative count (sh:minInclusive, nested under sh:node)": [
        (PATHMMU_YAML, None, "value", "a count must be one whole number of at least 0 (found '-5')", "error"),
        (
            PATHMMU_YAML,
            27,
            "size",
            "each size must be a count with a unit (found <https://w3id.org/medvlm-kg/dataset/pathmmu#size-qa-pair>)",
            "error",
        ),
    ],
    "an access point without a platform: a warning of its own (no longer inside sh:node), as in pyshacl": [
        # a warning only (a page or a lab's server has no platform), on the `access:` line, naming the item
        (
            PATHMMU_YAML,
            30,
            "access[0].platform",
            "the host platform is unknown; add `platform:` to the access point if it has one",
            "warning",
        ),
    ],
}


# The project catalog's own two warnings (facts nobody has found yet), written by hand from the YAML: every run
# reports them beside what a broken description adds.
PROJECT_WARNINGS = [
    (
        "data/datasets/medical-o1-reasoning-sft.yaml",
        None,
        "modality",
        "no modality is recorded; add `modality:` with concept ids",
        "warning",
    ),
    (
        "data/datasets/vlm-project-with-images-with-bbox-images-with-tree-of-thoughts.yaml",
        None,
        "paper",
        "no paper is recorded; add `paper:` (its title, arXiv id or DOI, and a source) when one is known — a paper "
        "link in `see_also` alone is not one",
        "warning",
    ),
]


@pytest.mark.parametrize("case", list(PROBLEMS))
def test_problems_name_the_file_line_field_and_message_written_by_hand(case, project):
    catalog, kg = project
    problems = shacl_problems(changed(kg, **BROKEN[case]), catalog)
    found = [(str(p.file), p.line, p.field, p.message, p.severity) for p in problems]
    assert all(warning in found for warning in PROJECT_WARNINGS)
    assert [f for f in found if f not in PROJECT_WARNINGS] == PROBLEMS[case]


def test_a_second_name_is_one_problem_on_the_name_line(project):
    catalog, kg = project
    problems = shacl_problems(changed(kg, **BROKEN["a second name (sh:maxCount)"]), catalog)
    errors = [p for p in problems if p.severity == "error"]  # beside the project's two warnings
    assert [(p.file, p.line, p.field, p.message) for p in errors] == [
        (catalog.dataset("pathmmu").file, 3, "name", "a dataset needs exactly one name (plain text)")
    ]


# ---- shapes written for the tests: generated messages, deactivation, every component without sh:message -----

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> . @prefix schema: <https://schema.org/> .
"""
BARE_SHAPES = (
    PREFIXES
    + """
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ; sh:class ex:Other ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ; sh:minLength 3 ;
                  sh:maxLength 5 ; sh:pattern "^[a-z]+$" ] ,
                [ sh:path ex:kind ; sh:in ( "a" ) ; sh:nodeKind sh:Literal ] ,
                [ sh:path ex:label ; sh:languageIn ( "en" ) ; sh:uniqueLang true ] ,
                [ sh:path ex:count ; sh:minInclusive 2 ] ,
                [ sh:path ex:when ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] ,
                [ sh:path ex:part ; sh:node ex:Part ; sh:class ex:Part ] ,
                [ sh:path ex:tag ; sh:hasValue ex:t ] .
ex:Part a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Off a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ; sh:property [ sh:path ex:x ; sh:minCount 1 ] .
"""
)
BARE_DATA = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:one a ex:Thing ; ex:name "Toolong", "x" ; ex:kind "b", ex:b ; ex:label "a"@fr, "b"@en, "c"@en ;
    ex:count 1, "3"^^xsd:decimal, "two" ; ex:when "2024-13-01"^^xsd:date, "2024"^^xsd:gYear, 2024 ;
    ex:part ex:p, "literal" .
ex:p a ex:Part .
ex:two a ex:Thing ; ex:tag ex:t ; ex:name "abc" .
"""


def test_shapes_without_messages_get_pyshacl_s_wording():
    shapes = rdflib.Graph().parse(data=BARE_SHAPES, format="turtle")
    triples = [q.triple for q in ox.parse(BARE_DATA, format=ox.RdfFormat.TURTLE)]
    data = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")  # as validate
    found = as_tuples(compile_shapes(shapes).validate(triples))
    expected = pyshacl_results(data, shapes)
    assert len(expected) > 15
    assert found == expected


def test_a_graph_is_validated_from_triples_or_from_a_graph_alike(project, engine):
    triples = project[1].datasets["pathmmu"]
    assert engine.validate(triples) == engine.validate(Graph(triples))


def test_a_background_node_is_not_checked_again_with_a_description(project, engine):
    """The catalog node, restated by each dataset's description, is checked with the catalog's description."""
    kg = project[1]
    bare = compile_shapes(ROOT / "ontology" / "shapes.ttl")
    broken = [t for t in kg.catalog if not (t.subject == CATALOG and t.predicate == iri(DCT + "title"))]
    assert any(r.focus == CATALOG for r in bare.validate(broken))
    assert not any(r.focus == CATALOG for r in bare.validate(kg.datasets["pathmmu"], Graph(broken)))


# ---- what the engine refuses ---------------------------------------------------------------------------------

# (what the shapes graph says, words the error must have)
REFUSED = {
    "sh:closed": ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .", "sh:closed is not supported"),
    "a property path": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .",
        "only predicate paths",
    ),
    "sh:qualifiedValueShape": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape ex:T ; sh:qualifiedMinCount 1 ]"
        " .",
        r"sh:qualified\w+ is not supported",
    ),
    "sh:not": ("ex:S sh:targetClass ex:C ; sh:not ex:T . ex:T sh:class ex:D .", "sh:not is not supported"),
    "sh:maxInclusive": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:maxInclusive 3 ] .",
        "sh:maxInclusive is not supported",
    ),
    "a date as sh:minInclusive": (
        'ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minInclusive "2020-01-01"^^xsd:date ] .',
        "numeric bound only",
    ),
    "recursion": ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .", "recursive shapes"),
    "MINUS in SPARQL (SHACL 5.2.1)": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?v MINUS { ?v ?p 1 } }" ] .',
        "MINUS in a SPARQL constraint is not supported",
    ),
    "VALUES in SPARQL": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?v { 1 } $this ?p ?v }" ] .',
        "VALUES in a SPARQL constraint",
    ),
    "a nested SELECT": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { { SELECT ?v { ?s ?p ?v } } }" ] .',
        "a nested SELECT",
    ),
    "$this inside a nested group (pyoxigraph would leave it unbound there)": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { { FILTER ($this = ex:x) } }" ] .',
        r"\$this in a nested group",
    ),
    "$shapesGraph": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { ?s ?p ?o } }" ] .',
        r"\$shapesGraph",
    ),
    "a query pyoxigraph cannot read": (
        'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v " ] .',
        "the SPARQL query cannot be read",
    ),
    "sh:sparql on a property shape": (
        'ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:sparql [ sh:select "SELECT $this WHERE { }" ] ] .',
        "node shapes only",
    ),
    "a constraint component of one's own": (
        "ex:Comp sh:parameter [ sh:path ex:size ] . ex:S sh:targetClass ex:C ; ex:size 3 .",
        "custom constraint components are not supported",
    ),
}


@pytest.mark.parametrize("feature", list(REFUSED))
def test_an_unsupported_constraint_is_refused_not_skipped(feature):
    text, words = REFUSED[feature]
    shapes = rdflib.Graph().parse(data=PREFIXES + text, format="turtle")
    with pytest.raises(UnsupportedShapeError, match=words):
        compile_shapes(shapes)


def test_the_other_shapes_files_are_refused_or_compiled_but_never_half_read():
    for name in ("dcat-ap.shapes.ttl", "bioschemas.shapes.ttl"):
        try:
            compile_shapes(ROOT / "ontology" / name)
        except UnsupportedShapeError as refused:
            assert "not supported" in str(refused) or "unsupported" in str(refused)


def test_the_data_has_no_subclass_triples_so_descriptions_can_be_checked_apart(project):
    """An rdfs:subClassOf triple in one description changes the classes of nodes in others: the engine honours
    it in a graph validated whole, and refuses it beside a background (see the next tests); the project's
    graphs state none (classes are declared in vocab.ttl, not in the data)."""
    subclass = iri("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    assert not [t for t in project[1].triples() if t.predicate == subclass]
    assert (None, rdflib.RDFS.subClassOf, None) not in data_graph([])  # nor do the concept schemes


SUBCLASS_SHAPES = (
    PREFIXES
    + """ex:S sh:targetClass ex:Animal ; sh:property [ sh:path ex:friend ; sh:class ex:Animal ] .
ex:Pet a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
)
SUBCLASS_DATA = """@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Dog rdfs:subClassOf ex:Pet . ex:Pet rdfs:subClassOf ex:Animal .
ex:rex a ex:Dog ; ex:friend ex:tom , ex:stone . ex:tom a ex:Pet ; ex:name "Tom" . ex:stone a ex:Thing .
"""


def _whole(shapes_text: str, data_text: str) -> tuple[Counter, Counter]:
    """(pyshacl's results, the engine's) for a graph validated whole."""
    shapes = rdflib.Graph().parse(
        data=shapes_text.replace("@prefix sh:", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix sh:"),
        format="turtle",
    )
    triples = [q.triple for q in ox.parse(data_text, format=ox.RdfFormat.TURTLE)]
    data = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return pyshacl_results(data, shapes), as_tuples(compile_shapes(shapes).validate(triples))


def test_subclasses_are_honoured_for_targets_and_sh_class_in_a_whole_graph_as_pyshacl_does():
    expected, found = _whole(SUBCLASS_SHAPES, SUBCLASS_DATA)
    assert sum(expected.values()) == 2  # ex:stone is no Animal; ex:rex (a Dog, so a Pet) has no name
    assert found == expected


def test_subclasses_in_a_description_beside_a_background_are_refused():
    shapes = rdflib.Graph().parse(
        data=SUBCLASS_SHAPES.replace(
            "@prefix sh:", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix sh:"
        ),
        format="turtle",
    )
    triples = [q.triple for q in ox.parse(SUBCLASS_DATA, format=ox.RdfFormat.TURTLE)]
    with pytest.raises(UnsupportedShapeError, match="rdfs:subClassOf in a description checked beside a background"):
        compile_shapes(shapes).validate(triples, Graph())


def test_node_targets_are_checked_in_a_whole_graph_and_refused_beside_a_background():
    shapes_text = PREFIXES + "ex:S sh:targetNode ex:a , ex:b ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."
    data_text = "@prefix ex: <http://example.org/> . ex:a ex:p 1 . ex:c ex:q 2 ."
    expected, found = _whole(shapes_text, data_text)
    assert sum(expected.values()) == 1  # ex:b, named by the shape and described nowhere, has no ex:p
    assert found == expected
    shapes = rdflib.Graph().parse(data=shapes_text, format="turtle")
    with pytest.raises(UnsupportedShapeError, match="sh:targetNode"):
        compile_shapes(shapes).validate([q.triple for q in ox.parse(data_text, format=ox.RdfFormat.TURTLE)], Graph())


def test_a_sparql_constraint_is_run_by_pyoxigraph_as_pyshacl_runs_it():
    """OPTIONAL, a second triple pattern, functions: the query is SPARQL, run by pyoxigraph, not a subset."""
    shapes_text = (
        PREFIXES
        + """ex:S sh:targetClass ex:C ; sh:sparql [ sh:message "{?o} has {?n}" ; sh:select \"\"\"
        SELECT $this ?path ?value ?o ?n WHERE {
            $this ?path ?value . ?value <http://example.org/name> ?n .
            OPTIONAL { ?value <http://example.org/other> ?o }
            FILTER (STRLEN(?n) > 2 && !BOUND(?o))
        }\"\"\" ] ."""
    )
    data_text = """@prefix ex: <http://example.org/> .
    ex:a a ex:C ; ex:knows ex:b , ex:c , ex:d .
    ex:b ex:name "Bobby" . ex:c ex:name "Cy" . ex:d ex:name "Dora" ; ex:other 1 .
    """
    expected, found = _whole(shapes_text, data_text)
    assert sum(expected.values()) == 1  # ex:b only: ex:c's name is short, ex:d has ex:other
    assert found == expected


# ---- tests of the tests: the comparison sees a dropped duplicate and a dropped constraint component -----------


def _mutate(monkeypatch, key) -> None:
    """Make the engine keep one result per ``key`` (a one-line mutation of Shapes.validate's return)."""
    original = Shapes.validate
    monkeypatch.setattr(
        Shapes, "validate", lambda self, *a, **k: list({key(r): r for r in original(self, *a, **k)}.values())
    )


def _mutate_details(monkeypatch, key) -> None:
    """Make the engine keep one nested result per ``key`` (a one-line mutation of Result.walk)."""
    original = Result.walk
    monkeypatch.setattr(Result, "walk", lambda self: iter({key(r): r for r in original(self)}.values()))


def test_the_comparison_fails_if_the_engine_drops_one_of_two_results_differing_only_in_their_component(
    small, engine, shapes_graph, monkeypatch
):
    broken = changed(small, **BROKEN["a count written as text (sh:datatype xsd:integer and sh:minInclusive)"])
    expected, found = both(broken, engine, shapes_graph)
    assert found == expected
    same_but_component = Counter(r[:6] for r in expected.elements())
    assert max(same_but_component.values()) == 2  # one value fails sh:datatype and sh:minInclusive: one message
    _mutate_details(monkeypatch, lambda r: (r.focus, r.path, r.value, r.severity, r.messages, r.source_shape))
    assert both(broken, engine, shapes_graph)[1] != expected


def test_the_comparison_fails_if_the_engine_drops_one_of_two_identical_results(monkeypatch):
    """Two people share an address whose city is no city: one result per path to it (W3C core property-001)."""
    shapes_text = (
        PREFIXES
        + """ex:PersonShape sh:targetClass ex:Person ;
        sh:property [ sh:path ex:address ; sh:property ex:City ] . ex:City sh:path ex:city ; sh:class ex:City ."""
    )
    data_text = """@prefix ex: <http://example.org/> .
    ex:ann a ex:Person ; ex:address ex:home . ex:bob a ex:Person ; ex:address ex:home . ex:home ex:city ex:nowhere ."""
    expected, found = _whole(shapes_text, data_text)
    assert list(expected.values()) == [2]
    assert found == expected
    _mutate(monkeypatch, lambda r: r)  # the engine's former `list(dict.fromkeys(out))`
    assert _whole(shapes_text, data_text)[1] != expected
