"""`medvlm-kg validate --profile`: DCAT-AP 3.0 on the catalog graph and Bioschemas Dataset 1.0 on the page JSON-LD,
each reported in curator words (file, field, what is wrong, what to do). Croissant has its own file."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import click
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from conftest import DATA, run_cli
from medvlm_kg.build.profile_check import validate_profile
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.cli import validate
from medvlm_kg.problems import ERROR, WARNING
from medvlm_kg.profiles import PROFILE_NAMES, PROFILES, bioschemas, dcat_ap
from medvlm_kg.profiles.assemble import convert

BASE = "https://w3id.org/medvlm-kg/"
SDO = rdflib.Namespace("https://schema.org/")
CATALOG = load_catalog(DATA)
GRAPH = convert(CATALOG)
HEALTH = rdflib.URIRef(dcat_ap.DATA_THEME_HEALTH)
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def catalog_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(GRAPH.triples(), format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.fixture(scope="module")
def dcat_ap_problems():
    return dcat_ap.problems(CATALOG, GRAPH)


@pytest.fixture(scope="module")
def bioschemas_problems():
    return bioschemas.problems(CATALOG, GRAPH)


def _without(dataset_id: str, predicate: str):
    """The knowledge graph with one dataset's triples of ``predicate`` removed: a broken copy."""
    datasets = dict(GRAPH.datasets)
    datasets[dataset_id] = [t for t in datasets[dataset_id] if t.predicate.value != predicate]
    return replace(GRAPH, datasets=datasets)


# ---- the registry and the command ------------------------------------------------------------------------


def test_the_validate_command_offers_every_registered_profile():
    choices = next(p for p in validate.params if p.name == "profile").type
    assert isinstance(choices, click.Choice)
    assert tuple(choices.choices) == PROFILE_NAMES == ("core", *PROFILES, "all")


def test_validate_profile_all_passes_on_the_project_catalog_with_warnings_only():
    result = run_cli("validate", "--profile", "all", "--data", str(DATA))
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    profiles = "DCAT-AP 3.0, Croissant 1.1, Bioschemas Dataset 1.0, Google Dataset rich results"
    assert last.startswith(f"{DATA}: 59 datasets, valid for {profiles} (")
    assert "warning: data/datasets/mm-skin.yaml license: unknown — Croissant requires a license" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_profile_json_names_the_profile_and_keeps_core_json_unchanged():
    profiled = json.loads(run_cli("validate", "--profile", "dcat-ap", "--format", "json").stdout)
    assert profiled["profile"] == "dcat-ap" and profiled["valid"] is True
    assert all(p["severity"] == WARNING for p in profiled["problems"])
    core = json.loads(run_cli("validate", "--format", "json").stdout)
    assert set(core) == {"valid", "problems"}


def test_profiles_checked_side_by_side_report_what_they_report_one_after_the_other(tmp_path, monkeypatch):
    """Past 64 entries ``--profile all`` runs the profiles in a worker process per core (at 1,000 entries 47 s one
    after the other, 24 s side by side); the report is the same, byte for byte, in the same order."""
    import importlib.util

    from click.testing import CliRunner

    from conftest import ROOT
    from medvlm_kg.build import profile_check

    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(80, tmp_path / "data", seed=3)
    side_by_side = run_cli("validate", "--profile", "all", "--format", "json", "--data", str(tmp_path / "data"))
    assert side_by_side.returncode in (0, 1), side_by_side.stderr
    monkeypatch.chdir(ROOT)  # where run_cli runs: files are named as from there
    monkeypatch.setattr(profile_check, "workers_for", lambda *args, **kwargs: 1)
    args = ["--profile", "all", "--format", "json", "--data", str(tmp_path / "data")]
    one_after_the_other = CliRunner().invoke(validate, args)
    assert json.loads(side_by_side.stdout) == json.loads(one_after_the_other.stdout)
    assert side_by_side.stdout == one_after_the_other.stdout
    assert [c["profile"] for c in json.loads(side_by_side.stdout)["checks"]] == list(PROFILES)


def test_a_profile_reports_the_core_errors_and_exits_1(catalog_copy):
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[pathology, text]", "[patholgy, text]"), encoding="utf-8")
    result = run_cli("validate", "--profile", "dcat-ap", "--data", str(catalog_copy))
    assert result.returncode == 1
    assert 'modality[0]: unknown term "patholgy"' in result.stderr


# ---- DCAT-AP 3.0 -----------------------------------------------------------------------------------------


def test_the_catalog_graph_has_no_dcat_ap_violation(dcat_ap_problems):
    assert [str(p) for p in dcat_ap_problems if p.severity == ERROR] == []


def test_dcat_ap_ranges_are_typed_as_the_specification_states(catalog_graph):
    g = catalog_graph
    catalog = rdflib.URIRef(BASE + "catalog")
    (publisher,) = g.objects(catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g and (publisher, FOAF.name, None) in g
    for lic in g.objects(None, DCTERMS.license):
        assert (lic, RDF.type, DCTERMS.LicenseDocument) in g
    for creator in g.objects(None, DCTERMS.creator):
        assert (creator, RDF.type, FOAF.Agent) in g
    for page in g.objects(None, DCAT.landingPage):
        assert (page, RDF.type, FOAF.Document) in g
    assert (catalog, FOAF.homepage, rdflib.URIRef(BASE)) in g
    assert set(g.objects(catalog, DCTERMS.language)) == {
        rdflib.URIRef(dcat_ap.LANGUAGE_NAL["en"]),
        rdflib.URIRef(dcat_ap.LANGUAGE_NAL["zh"]),
    }
    service = rdflib.URIRef(BASE + "sparql")
    (standard,) = g.objects(service, DCTERMS.conformsTo)
    assert (standard, RDF.type, DCTERMS.Standard) in g
    assert (service, DCAT.endpointDescription, service) in g


def test_themes_come_from_concept_schemes_including_the_eu_data_theme(catalog_graph):
    g = catalog_graph
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 59
    for dataset in datasets:
        assert (dataset, DCAT.theme, HEALTH) in g  # every dataset of a medical benchmark catalog
        for theme in g.objects(dataset, DCAT.theme):
            assert (theme, RDF.type, SKOS.Concept) in g and (theme, SKOS.prefLabel, None) in g
            (scheme,) = g.objects(theme, SKOS.inScheme)
            assert (scheme, RDF.type, SKOS.ConceptScheme) in g and (scheme, DCTERMS.title, None) in g
        assert set(g.objects(dataset, DCAT.keyword)) == set(g.objects(dataset, SDO.keywords))
    taxonomies = set(g.objects(rdflib.URIRef(BASE + "catalog"), DCAT.themeTaxonomy))
    assert rdflib.URIRef(dcat_ap.DATA_THEME) in taxonomies and rdflib.URIRef(BASE + "concept/modality") in taxonomies


def test_every_distribution_has_an_access_url(catalog_graph):
    distributions = set(catalog_graph.subjects(RDF.type, DCAT.Distribution))
    dumps = {rdflib.URIRef(CATALOG.base_iri + name) for name in ("catalog.ttl.gz", "catalog.nt.gz")}
    assert dumps <= distributions  # the catalog's own compressed dumps (issue 17)
    assert len(distributions - dumps) == sum(len(d.access) for d in CATALOG.datasets)
    for distribution in distributions:
        (url,) = catalog_graph.objects(distribution, DCAT.accessURL)
        assert isinstance(url, rdflib.URIRef)


def test_a_distribution_without_access_url_is_caught_in_curator_words():
    found = dcat_ap.problems(CATALOG, _without("pathmmu", "http://www.w3.org/ns/dcat#accessURL"))
    errors = [p for p in found if p.severity == ERROR]
    dataset = CATALOG.dataset("pathmmu")
    assert [str(p) for p in errors] == [
        f"{dataset.file}:{dataset.line_of('access')} access: an access point has no URL: DCAT-AP requires an access "
        "URL on every distribution — add `url:` to the access point"
    ]


def test_a_publisher_that_is_not_a_typed_agent_is_caught():
    catalog_triples = [
        t
        for t in GRAPH.catalog
        if not (t.predicate == ox.NamedNode(str(RDF.type)) and t.object.value == str(FOAF.Agent))
    ]
    found = dcat_ap.problems(CATALOG, replace(GRAPH, catalog=catalog_triples))
    assert any(
        p.severity == ERROR and p.file == CATALOG.file and p.field == "publisher" and "foaf:Agent" in p.message
        for p in found
    )


def test_gaps_the_catalog_format_cannot_fill_are_one_warning_each(dcat_ap_problems):
    contact = [p for p in dcat_ap_problems if p.field == "contact point"]
    assert len(contact) == 1
    (p,) = contact
    assert p.file == CATALOG.file and p.severity == WARNING
    assert p.message.endswith("(59 of 59 datasets)") and "no field" in p.hint


# ---- Bioschemas Dataset 1.0 ------------------------------------------------------------------------------


def test_dataset_pages_meet_the_bioschemas_minimum_where_the_facts_exist(bioschemas_problems):
    assert [str(p) for p in bioschemas_problems if p.severity == ERROR] == []
    # A license statement without an SPDX licence is the page's license as a CreativeWork (the statement as read);
    # only a dataset whose license nobody found lacks one, and that is a fact to find, not an error.
    unlicensed = {d.file for d in CATALOG.datasets if d.license is None}
    assert {p.file for p in bioschemas_problems if p.field == "license"} == unlicensed
    assert len(unlicensed) == 31  # of 59: files with no `license:` at all (grep -L "^license:" data/datasets/*.yaml)


def test_a_missing_license_names_the_fact_to_find(bioschemas_problems):
    mm_skin = CATALOG.dataset("mm-skin")
    assert (
        f"warning: {mm_skin.file} license: unknown — Bioschemas requires a license; find the dataset's license "
        "statement and add `license:`"
    ) in [str(p) for p in bioschemas_problems]
    code_only = CATALOG.dataset("multimedeval")  # a statement (MIT, for the code only) is the page's license
    assert not [p for p in bioschemas_problems if p.file == code_only.file and p.field == "license"]


def test_a_dataset_without_modality_or_task_lacks_keywords_as_a_fact_to_find_not_a_bug(catalog_copy):
    # found at 10,000 synthetic entries: Bioschemas' own shape requires keywords, and our keywords are the labels of
    # the modality and task concepts; with neither recorded, the official shape's violation was an error "a
    # medvlm-kg bug", beside our own warning that names the fields to fill
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line for line in text.splitlines(True) if not line.startswith(("modality:", "task:"))))
    result = run_cli("validate", "--profile", "bioschemas", "--data", str(catalog_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    mine = [line for line in result.stdout.splitlines() if "pathmmu.yaml" in line]
    assert mine == [
        f"warning: {path} modality: unknown — Bioschemas requires keywords; add `modality:` and `task:` (their labels "
        "are the keywords)"
    ]


def test_the_rdf_says_what_the_pages_say_about_the_bioschemas_profile(built):
    """The pages themselves are checked with Bioschemas' own shape (tests/test_conformance.py, which requires their
    dct:conformsTo); the dataset's RDF states the same triple, so the page says nothing the graph does not."""
    rdf = rdflib.Graph().parse(built / "dataset/pathmmu.ttl")
    assert (rdflib.URIRef(BASE + "dataset/pathmmu"), DCTERMS.conformsTo, rdflib.URIRef(bioschemas.PROFILE)) in rdf


def test_a_page_block_without_conforms_to_or_name_is_caught():
    blocks = bioschemas.pages(CATALOG, GRAPH)
    del blocks["en"]["vqarad"]["dct:conformsTo"]
    del blocks["zh"]["cares"]["name"]
    errors = [p for p in bioschemas.page_problems(CATALOG, blocks) if p.severity == ERROR]
    vqarad, cares = CATALOG.dataset("vqarad"), CATALOG.dataset("cares")
    assert sorted(str(p) for p in errors) == sorted(
        [
            f"{cares.file}:{cares.line_of('name')} name: Bioschemas requires exactly one name — add `name:`",
            f"{vqarad.file}:{vqarad.line_of('id')} id: Bioschemas requires dct:conformsTo "
            f"{bioschemas.PROFILE} (once) — this is a medvlm-kg bug, please report it",
        ]
    )


def test_profile_rules_are_data_files():
    for name in ("dcat-ap.shapes.ttl", "bioschemas.shapes.ttl", "croissant.rules.json"):
        assert (DATA.parent / "ontology" / name).is_file()
    catalog, problems = validate_profile(DATA, "core")
    assert catalog is not None and not [p for p in problems if p.severity == ERROR]
