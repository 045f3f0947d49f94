"""The consumers' own validators on the built site (issue 15): SEMIC's DCAT-AP 3.0.1 SHACL files and Bioschemas'
Dataset 1.0-RELEASE SHACL shape run with pyshacl, MLCommons' mlcroissant on every Croissant file, and Google's
Dataset rules on every page read with extruct.

The SHACL files are exact copies of the published ones (tests/fixtures/*/SOURCES.md: repository, commit, path,
licence). Google publishes no machine-readable rules and no validator that runs offline (the Rich Results Test is
an online service), so its rules are a data file written from its documentation, cited in the file
(tests/fixtures/google-dataset/rules.json) and checked by the tests' own reader (tests/google_rules.py), never by
the product's.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

import google_rules
from conftest import DATA, FIXTURES, ROOT
from medvlm_kg.catalog.load import load_catalog

CATALOG = load_catalog(DATA)
IDS = [d.id for d in CATALOG.datasets]
DCAT_AP = FIXTURES / "dcat-ap-3.0.1"
BIOSCHEMAS = FIXTURES / "bioschemas-1.0"
BIOSCHEMAS_DATASET = rdflib.URIRef("https://bioschemas.org/profiles/Dataset/1.0-RELEASE")
PAGES = [f"{lang}dataset/{i}.html" for lang in ("", "zh/") for i in IDS]


def _results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[tuple[str, str, str, str]]:
    """pyshacl's results as (severity, focus node, path, constraint component), sorted."""
    _, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    out = []
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        alternatives = report.value(path, SH.alternativePath) if isinstance(path, rdflib.BNode) else None
        if alternatives is not None:  # Bioschemas' shapes accept http: and https: schema.org
            path = next(iter(rdflib.collection.Collection(report, alternatives)))
        out.append(
            (
                str(report.value(r, SH.resultSeverity)).split("#")[-1],
                str(report.value(r, SH.focusNode)),
                str(path),
                str(report.value(r, SH.sourceConstraintComponent)).split("#")[-1],
            )
        )
    return sorted(out)


def _graph(*paths: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in paths:
        if path.suffix == ".gz":  # the catalog's dumps: unpacked by the standard library, read by rdflib
            g.parse(data=gzip.decompress(path.read_bytes()).decode("utf-8"), format=rdflib.util.guess_format(path.stem))
        else:
            g.parse(path)
    return g


# ---- DCAT-AP 3.0.1: SEMIC's SHACL files --------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog_with_schemes(built) -> rdflib.Graph:
    """The published catalog graph and the concept schemes it links (themes, platforms, units)."""
    return _graph(built / "catalog.ttl.gz", *sorted((built / "concept").glob("*.ttl")))


def test_the_catalog_graph_has_no_violation_of_semics_dcat_ap_shapes(catalog_with_schemes):
    results = _results(catalog_with_schemes, _graph(DCAT_AP / "shapes.ttl", DCAT_AP / "range.ttl"))
    assert results == []


def test_semics_recommended_shapes_give_warnings_only(catalog_with_schemes):
    """shapes_recommended.ttl lists DCAT-AP's recommended properties; what the catalog does not know (contact
    points, spatial coverage…) is a warning, and none of it may be a violation."""
    results = _results(catalog_with_schemes, _graph(DCAT_AP / "shapes_recommended.ttl"))
    assert results and {r[0] for r in results} == {"Warning"}


@pytest.mark.parametrize("dataset_id", IDS)
def test_each_dataset_document_has_no_violation_of_semics_dcat_ap_shapes(built, dataset_id):
    data = _graph(built / f"dataset/{dataset_id}.ttl", *sorted((built / "concept").glob("*.ttl")))
    assert _results(data, _graph(DCAT_AP / "shapes.ttl", DCAT_AP / "range.ttl")) == []


def test_the_dump_alone_and_each_catalog_page_alone_have_no_violation_of_semics_shapes(built):
    """A harvester reads catalog.ttl.gz, or walks the paged catalog, without our concept documents beside it: each
    theme taxonomy the catalog names must be typed a skos:ConceptScheme there (SEMIC's range shapes)."""
    shapes = _graph(DCAT_AP / "shapes.ttl", DCAT_AP / "range.ttl")
    assert _results(_graph(built / "catalog.ttl.gz"), shapes) == []
    for page in sorted((built / "catalog" / "page").glob("*.ttl")):
        assert _results(_graph(page), shapes) == [], page.name


def test_a_catalog_of_another_field_gets_no_eu_theme_and_still_passes_semics_shapes(tmp_path):
    """LLMDataHub (LLM training corpora): no `data_theme` in its catalog.yaml, so no dataset is filed under Health;
    the dump alone passes SEMIC's shapes."""
    from conftest import run_cli
    from medvlm_kg.catalog.markdown import import_markdown
    from medvlm_kg.catalog.scaffold import init_catalog

    source = "https://github.com/Project-Hierion/LLMDataHub/blob/681c8a3f32ea08d7280890502353563ad7f1b905/DATASETS.md"
    data, out = tmp_path / "c", tmp_path / "site"
    init_catalog(data, title="LLM data", publisher="Test Curator", source_url=source)
    import_markdown(FIXTURES / "awesome-lists" / "llmdatahub-DATASETS.md", data, source_url=source)
    assert run_cli("build", "--data", str(data), "--out", str(out)).returncode == 0
    dump = _graph(out / "catalog.ttl.gz")
    themes = {str(o) for o in dump.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#theme"))}
    assert themes and not any("data-theme" in t for t in themes)
    assert _results(dump, _graph(DCAT_AP / "shapes.ttl", DCAT_AP / "range.ttl")) == []
    # our own profile check agrees: one warning on catalog.yaml, no error on any dataset (every one of them failed
    # with "DCAT-AP requires a theme from the EU Data Theme vocabulary — this is a medvlm-kg bug")
    checked = run_cli("validate", "--data", str(data), "--profile", "dcat-ap", "--format", "json")
    assert checked.returncode == 0, checked.stdout[-2000:]
    themes_asked = [p for p in json.loads(checked.stdout)["problems"] if "EU Data Theme" in p["message"]]
    assert [(p["severity"], p["field"], p["file"].rsplit("/", 1)[-1]) for p in themes_asked] == [
        ("warning", "data_theme", "catalog.yaml")
    ]


def test_semics_shapes_catch_a_catalog_with_two_creators(catalog_with_schemes):
    """The check can fail: a second dct:creator on the catalog is what SEMIC's maxCount 1 forbids."""
    g = rdflib.Graph() + catalog_with_schemes
    catalog = rdflib.URIRef(CATALOG.base_iri + "catalog")
    (creator,) = g.objects(catalog, rdflib.DCTERMS.creator)
    other = rdflib.URIRef(CATALOG.base_iri + "person/someone-else")
    g.add((catalog, rdflib.DCTERMS.creator, other))
    for p, o in g.predicate_objects(creator):
        g.add((other, p, o))
    results = _results(g, _graph(DCAT_AP / "shapes.ttl", DCAT_AP / "range.ttl"))
    assert results == [("Violation", str(catalog), str(rdflib.DCTERMS.creator), "MaxCountConstraintComponent")]


def test_the_product_runs_semics_files_unchanged():
    """`validate --profile dcat-ap` runs the same files, shipped with their licence (ontology/dcat-ap-3.0.1/)."""
    shipped = ROOT / "ontology" / "dcat-ap-3.0.1"
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl"):
        assert (shipped / name).read_bytes() == (DCAT_AP / name).read_bytes(), name
    assert "CC-BY 4.0" in (shipped / "README.md").read_text(encoding="utf-8")
    bioschemas = ROOT / "ontology" / "bioschemas-1.0"
    name = "bioschemas_profiles_shacl.jsonld"
    assert (bioschemas / name).read_bytes() == (BIOSCHEMAS / name).read_bytes()
    assert "Attribution-ShareAlike 4.0" in (bioschemas / "README.md").read_text(encoding="utf-8")


# ---- Google Dataset rich results --------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_google_finds_no_error_on_any_dataset_page(built, page):
    count, errors, _ = google_rules.page_findings((built / page).read_text(encoding="utf-8"))
    assert count == 1
    assert errors == []


def test_google_rules_catch_a_download_without_its_url():
    """The check can fail: the page shape the issue found (an access point typed DataDownload with only a url)."""
    node = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": "X",
        "description": "x" * 60,
        "distribution": {"@type": "DataDownload", "url": "https://huggingface.co/datasets/a/b"},
    }
    html = f'<html><head><script type="application/ld+json">{json.dumps(node)}</script></head></html>'
    count, errors, warnings = google_rules.page_findings(html)
    assert count == 1
    assert errors == ["Dataset distribution[0]: required property contentUrl is missing"]
    assert "Dataset distribution[0]: recommended property encodingFormat is missing" in warnings


def test_inspect_site_reports_googles_rules():
    """A curator sees what a crawler sees: inspect-site's rules (ontology/google-dataset.rules.json) are the
    properties and types of the tests' copy of Google's rules."""
    from medvlm_kg.profiles.google import google_rules as product_rules

    mine = google_rules.rules()
    theirs = product_rules()
    for kind in ("Dataset", "DataDownload"):
        for level in ("required", "recommended"):
            assert {k: v["types"] for k, v in theirs[kind][level].items()} == {
                k: v["types"] for k, v in mine[kind][level].items()
            }, (kind, level)


# ---- Croissant 1.1: mlcroissant ---------------------------------------------------------------------------


def _license_facts(dataset) -> bool:
    return dataset.license is not None


@pytest.mark.parametrize("dataset_id", IDS)
def test_croissant_files_carry_a_license_wherever_a_licence_fact_is_recorded(built, dataset_id):
    doc = json.loads((built / f"dataset/{dataset_id}.croissant.json").read_text(encoding="utf-8"))
    dataset = CATALOG.dataset(dataset_id)
    if dataset.license is None:
        assert "license" not in doc  # unknown stays absent: never a guess
        return
    assert doc.get("license"), dataset_id
    if not dataset.license.applies_to_data:  # a statement without an SPDX licence for the data
        lic = doc["license"]
        assert lic["@type"] == "sc:CreativeWork"
        assert lic["text"].startswith(dataset.license.stated)
        assert lic["url"] == dataset.license.sources[0]


@pytest.mark.parametrize("dataset_id", IDS)
@pytest.mark.needs("mlcroissant")
def test_mlcroissant_finds_no_error_in_any_file(built, dataset_id):
    import mlcroissant as mlc

    dataset = mlc.Dataset(jsonld=built / f"dataset/{dataset_id}.croissant.json")  # raises on any error
    assert not dataset.metadata.ctx.issues.errors


# ---- Bioschemas Dataset 1.0-RELEASE: the profile's own SHACL shape ----------------------------------------


@pytest.fixture(scope="module")
def bioschemas_dataset_shape() -> rdflib.Graph:
    """The Dataset 1.0-RELEASE node shape and what it reaches, from Bioschemas' file of every profile's shapes."""
    everything = rdflib.Graph().parse(BIOSCHEMAS / "bioschemas_profiles_shacl.jsonld", format="json-ld")
    shape, todo = rdflib.Graph(), [BIOSCHEMAS_DATASET]
    while todo:
        node = todo.pop()
        for p, o in everything.predicate_objects(node):
            if (node, p, o) not in shape:
                shape.add((node, p, o))
                if isinstance(o, rdflib.BNode):
                    todo.append(o)
    assert (BIOSCHEMAS_DATASET, rdflib.RDF.type, SH.NodeShape) in shape
    return shape


def _page_graph(html: str) -> rdflib.Graph:
    import extruct

    g = rdflib.Graph()
    for item in extruct.extract(html, syntaxes=["json-ld"])["json-ld"]:
        g.parse(data=json.dumps(item), format="json-ld")
    return g


@pytest.mark.parametrize("page", PAGES)
def test_bioschemas_minimum_is_met_where_its_facts_exist(built, page, bioschemas_dataset_shape):
    dataset = CATALOG.dataset(Path(page).stem)
    results = _results(_page_graph((built / page).read_text(encoding="utf-8")), bioschemas_dataset_shape)
    violations = [r for r in results if r[0] == "Violation"]
    if dataset.license is None:  # the one minimum property whose fact the catalog may lack: never invented
        assert violations == [
            ("Violation", dataset_iri(dataset.id), "http://schema.org/license", "MinCountConstraintComponent")
        ]
    else:
        assert violations == []


def dataset_iri(dataset_id: str) -> str:
    return f"{CATALOG.base_iri}dataset/{dataset_id}"


# ---- docs/conformance.md ----------------------------------------------------------------------------------


def test_the_committed_conformance_doc_is_what_the_command_writes_now():
    """docs/conformance.md is written by tools/conformance.py from `validate --profile all --format json`, never by
    hand: the command's --check compares what it would write with the committed file."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "conformance.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
