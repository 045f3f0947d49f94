"""Croissant 1.1: one file per dataset beside its RDF, that MLCommons' validator accepts with no error, states
every required property it has facts for, invents nothing, and is linked from the page — never mixed into it."""

from __future__ import annotations

import copy
import json
import re

import lxml.html
import pytest

from conftest import DATA, require
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.problems import ERROR, WARNING
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.profiles.base import INFO
from medvlm_kg.profiles.croissant import (
    CROISSANT_SPEC,
    MEDIA_TYPE,
    croissant_document,
    croissant_files,
    croissant_path,
    document_problems,
)

BASE = "https://w3id.org/medvlm-kg/"
CATALOG = load_catalog(DATA)
GRAPH = convert(CATALOG)
IDS = [d.id for d in CATALOG.datasets]
REQUIRED = ("@context", "@type", "conformsTo", "name", "description", "url", "citeAs", "distribution")
# What the catalog may not know yet, and mlcroissant then (rightly) misses: never filled with a guess.
UNKNOWABLE = re.compile(r'Property "https://schema\.org/(version|license)" is recommended, but does not exist\.$')


def _licensed(dataset) -> bool:
    """An SPDX licence that covers the data is known."""
    return bool(dataset.license and dataset.license.applies_to_data)


def _any_licence_fact(dataset) -> bool:
    """Anything is recorded about the license (an SPDX id or a statement): the file then carries a `license`."""
    return dataset.license is not None


@pytest.fixture(scope="module")
def mlc():
    """MLCommons' validator (slow to import: once for the module); only the tests that run it need it."""
    require("mlcroissant")
    import mlcroissant

    return mlcroissant


@pytest.fixture(scope="module")
def documents(built) -> dict[str, dict]:
    return {i: json.loads((built / croissant_path(i)).read_text(encoding="utf-8")) for i in IDS}


def test_every_dataset_has_a_croissant_file_beside_its_rdf(built):
    for dataset_id in IDS:
        assert (built / f"dataset/{dataset_id}.ttl").is_file()
        assert (built / f"dataset/{dataset_id}.croissant.json").is_file()
    assert len(list(built.glob("dataset/*.croissant.json"))) == 59


@pytest.mark.parametrize("dataset_id", IDS)
def test_mlcroissant_validates_each_file_with_no_errors(built, mlc, dataset_id):
    dataset = mlc.Dataset(jsonld=str(built / croissant_path(dataset_id)))  # raises ValidationError on any error
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    leftover = [w for w in issues.warnings if not UNKNOWABLE.search(w)]
    assert leftover == [], "warnings we could fix"
    license_warning = any("schema.org/license" in w for w in issues.warnings)
    assert license_warning == (not _any_licence_fact(CATALOG.dataset(dataset_id)))


def test_the_context_is_the_standard_croissant_context(built, mlc, caplog):
    """mlcroissant logs (not reports) a non-standard @context: nothing may be logged."""
    with caplog.at_level("WARNING"):
        mlc.Dataset(jsonld=str(built / croissant_path("pathmmu")))
    assert not [r for r in caplog.records if "not standard" in r.getMessage()]


def test_every_required_property_is_stated_where_its_fact_exists(documents):
    for dataset_id, doc in documents.items():
        dataset = CATALOG.dataset(dataset_id)
        for key in REQUIRED:
            assert doc.get(key), f"{dataset_id}: {key}"
        assert doc["@type"] == "sc:Dataset" and doc["conformsTo"] == CROISSANT_SPEC
        assert doc["@id"] == doc["url"] == BASE + f"dataset/{dataset_id}"
        assert doc["datePublished"] == dataset.published.value
        assert ("license" in doc) == _any_licence_fact(dataset)
        if _licensed(dataset):
            assert doc["license"] == f"https://spdx.org/licenses/{dataset.license.id}"
        elif dataset.license:  # a statement without an SPDX licence for the data: a CreativeWork, as Croissant allows
            assert doc["license"] == {
                "@type": "sc:CreativeWork",
                "name": "License as its source states it",
                "text": doc["usageInfo"]["text"],
                "url": dataset.license.sources[0],
            }
        assert doc["keywords"] and all(isinstance(k, str) for k in doc["keywords"])
        assert set(doc.get("sameAs", [])) == dataset.urls - set(CATALOG.shared_urls(dataset))


def test_license_statements_and_their_conflicts_show_in_the_file(documents):
    """A license that maps is `license`; what the pages say — mapped, unclear or conflicting — is `usageInfo`."""
    for dataset_id, doc in documents.items():
        lic = CATALOG.dataset(dataset_id).license
        if lic is None:
            assert "usageInfo" not in doc and "license" not in doc  # unknown stays absent
            continue
        assert doc["usageInfo"]["text"].startswith(lic.stated)
        assert all(conflict in doc["usageInfo"]["text"] for conflict in lic.conflicts)
        assert doc["usageInfo"]["isBasedOn"] == list(lic.sources)
    assert "Conflicting statements: GitHub says MIT" in documents["drvd-bench"]["usageInfo"]["text"]


def test_creators_are_the_papers_authors_in_order(documents):
    pathmmu = CATALOG.dataset("pathmmu")
    assert [c["name"] for c in documents["pathmmu"]["creator"]] == list(pathmmu.paper.authors)
    assert documents["pathmmu"]["creator"][0] == {
        "@type": "sc:Person",
        "@id": BASE + "person/yuxuan-sun",
        "name": "Yuxuan Sun",
    }
    assert "creator" not in documents["vqarad"]  # its paper's authors are not recorded: left out, reported


def test_cite_as_is_bibtex_of_the_paper_from_recorded_facts_only(documents):
    cite = documents["cares"]["citeAs"]
    assert cite.startswith("@misc{cares,\n  title = {CARES: A Comprehensive Benchmark")
    assert "author = {Peng Xia and Ze Chen and" in cite and cite.count(" and others}") == 1  # authors incomplete
    assert "eprint = {2406.06007}" in cite and "note = {NeurIPS 2024}" in cite
    # MedS-Bench shares MedS-Ins's paper; VQA-RAD's paper has no date or authors recorded, so none are written.
    assert (
        "Towards Evaluating and Building Versatile Large Language Models for Medicine"
        in documents["meds-bench"]["citeAs"]
    )
    assert "year" not in documents["vqarad"]["citeAs"] and "author" not in documents["vqarad"]["citeAs"]


def test_access_points_are_file_objects_the_way_their_hosts_describe_them(documents):
    formats = {}
    for doc in documents.values():
        for item in doc["distribution"]:
            assert item["@type"] == "cr:FileObject" and item["@id"].startswith(doc["@id"] + "#access-")
            formats[item["contentUrl"]] = item["encodingFormat"]
    assert formats["https://huggingface.co/datasets/jamessyx/PathMMU"] == "git+https"
    assert formats["https://github.com/ZwQ803/MM-Skin"] == "git+https"
    assert formats["https://osf.io/89kps/"] == "text/html"
    assert formats["https://openxlab.org.cn/datasets/GMAI/OmniMedVQA"] == "text/html"
    assert len(formats) == len({a.url for d in CATALOG.datasets for a in d.access})  # one URL, one file object
    names = {item["contentUrl"]: item["name"] for doc in documents.values() for item in doc["distribution"]}
    assert names["https://huggingface.co/datasets/jamessyx/PathMMU"] == "PathMMU"


def test_a_file_object_at_a_numbered_record_is_named_with_its_host():
    # coqui-ai's speech list: FileObjects named "57", "1", "4280482" (the last part of a Zenodo or OpenSLR URL)
    import pyoxigraph as ox

    from medvlm_kg.profiles.croissant import _Facts, _file_object

    node = "https://w3id.org/medvlm-kg/dataset/x#access-zenodo"
    dcat, dct = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    facts = _Facts(
        [
            ox.Triple(
                ox.NamedNode(node), ox.NamedNode(dcat + "accessURL"), ox.NamedNode("https://zenodo.org/records/57")
            ),
            ox.Triple(ox.NamedNode(node), ox.NamedNode(dct + "title"), ox.Literal("Zenodo")),
        ]
    )
    assert _file_object(facts, node)["name"] == "Zenodo 57"


def test_nothing_is_invented(documents):
    for doc in documents.values():
        text = json.dumps({k: v for k, v in doc.items() if k != "@context"})
        assert "sha256" not in text and '"md5"' not in text, "no checksum the sources do not give"
        assert "recordSet" not in doc and "version" not in doc
        assert doc["isLiveDataset"] is True  # unpinned repositories: Croissant's way of having no checksum


def test_a_missing_license_is_a_warning_naming_the_fact_to_find():
    mm_skin = CATALOG.dataset("mm-skin")
    found = document_problems(croissant_document(CATALOG, GRAPH, mm_skin), mm_skin, CATALOG, mlcroissant=False)
    assert [str(p) for p in found if p.field == "license"] == [
        f"warning: {mm_skin.file} license: unknown — Croissant requires a license; find the dataset's license "
        "statement and add `license:`"
    ]


@pytest.mark.parametrize(
    "key, severity, text",
    [
        ("citeAs", ERROR, "paper: the citation (citeAs) is missing — Croissant requires citeAs"),
        ("conformsTo", ERROR, ": the Croissant file does not say it conforms to Croissant 1.1"),
        ("name", ERROR, "name: missing — Croissant requires a name; add `name:`"),
        ("distribution", WARNING, "access: no access point — Croissant requires a distribution; add `access:`"),
    ],
)
def test_a_file_missing_a_required_property_is_caught_in_curator_words(key, severity, text):
    pathmmu = CATALOG.dataset("pathmmu")
    doc = copy.deepcopy(croissant_document(CATALOG, GRAPH, pathmmu))
    del doc[key]
    found = document_problems(doc, pathmmu, CATALOG)
    ours = [p for p in found if p.severity != INFO and not p.message.startswith("mlcroissant:")]
    assert len(ours) == 1 and ours[0].severity == severity and text in str(ours[0]), [str(p) for p in found]
    assert ours[0].file == pathmmu.file


@pytest.mark.needs("mlcroissant")
def test_a_file_object_without_its_url_is_caught_by_us_and_by_mlcroissant():
    pathmmu = CATALOG.dataset("pathmmu")
    doc = copy.deepcopy(croissant_document(CATALOG, GRAPH, pathmmu))
    del doc["distribution"][0]["contentUrl"]
    found = [str(p) for p in document_problems(doc, pathmmu, CATALOG)]
    assert any(
        "access[0]: an access point has no URL (contentUrl) — add `url:` to the access point" in p for p in found
    )
    assert any("mlcroissant:" in p and "contentUrl" in p and "is mandatory" in p for p in found), found


def test_the_page_links_the_croissant_file_and_never_embeds_it(built):
    for prefix in ("", "zh/"):
        html = (built / f"{prefix}dataset/pathmmu.html").read_text(encoding="utf-8")
        tree = lxml.html.fromstring(html)
        links = [(link.get("rel"), link.get("type"), link.get("href")) for link in tree.iter("link")]
        href = "pathmmu.croissant.json" if not prefix else "../../dataset/pathmmu.croissant.json"
        assert ("alternate", MEDIA_TYPE, href) in links
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(blocks) == 1
        assert "mlcommons" not in blocks[0] and "citeAs" not in blocks[0]


def test_croissant_files_are_deterministic_and_match_the_build(built):
    first, second = croissant_files(CATALOG, GRAPH), croissant_files(CATALOG, convert(load_catalog(DATA)))
    assert first == second and list(first) == sorted(first)
    for path, content in first.items():
        assert (built / path).read_bytes() == content


def test_without_mlcroissant_the_catalogs_rules_still_run_and_say_so(monkeypatch):
    from medvlm_kg.profiles import croissant

    monkeypatch.setattr(croissant, "has_mlcroissant", lambda: False)
    found = croissant.problems(CATALOG, GRAPH)
    assert not [p for p in found if p.severity == ERROR]
    (note,) = [p for p in found if p.field == "croissant"]
    assert note.file == CATALOG.file and "mlcroissant is not installed" in note.message
    # 31 of the 59 files have no `license:` at all (grep -L "^license:" data/datasets/*.yaml)
    assert len([p for p in found if p.field == "license"]) == 31  # no licence fact at all
