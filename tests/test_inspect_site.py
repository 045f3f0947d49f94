"""`medvlm-kg inspect-site`: what a crawler sees, and a failing exit when a dataset page breaks Google's rules."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import google_rules
from conftest import run_cli
from medvlm_kg.site.inspect import check_dataset, inspect_site
from medvlm_kg.site.templating import script_json

BASE = "https://w3id.org/medvlm-kg/"
JSONLD = re.compile(r'(<script type="application/ld\+json">\n)(.*?)(\n</script>)', re.S)


@pytest.fixture
def site_copy(built, tmp_path) -> Path:
    """A private copy of the built site, to break."""
    target = tmp_path / "site"
    shutil.copytree(built, target)
    return target


def _edit_jsonld(page: Path, change) -> None:
    html = page.read_text(encoding="utf-8")
    match = JSONLD.search(html)
    document = json.loads(match.group(2))
    change(document)
    page.write_text(html[: match.start(2)] + str(script_json(document)) + html[match.end(2) :], encoding="utf-8")


def test_the_real_build_passes_and_every_dataset_page_meets_the_required_properties(built):
    result = run_cli("inspect-site", "--out", str(built))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "118 dataset pages (118 meet Google's required properties)" in result.stdout  # 59 datasets, en + zh
    assert "dataset/pathmmu.html: 1 JSON-LD block (Dataset)" in result.stdout
    assert (
        "recommended 8/19: citation, creator, identifier, includedInDataCatalog, keywords, license, sameAs, url"
        in result.stdout
    )


def test_json_report_has_one_record_per_page_with_canonical_sitemap_and_robots(built):
    result = run_cli("inspect-site", "--out", str(built), "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["ok"] and report["base"] == BASE and not report["problems"]
    pages = {p["path"]: p for p in report["pages"]}
    assert len(pages) == len(list(built.rglob("*.html")))
    page = pages["dataset/vqarad.html"]
    assert page["dataset_page"] and page["ok"] and page["jsonld_blocks"] == 1
    (dataset,) = page["datasets"]
    assert dataset["required_missing"] == dataset["required_invalid"] == []
    assert "alternateName" in dataset["recommended_present"] and "license" in dataset["recommended_missing"]
    # Google's list from the tests' copy of its rules (tests/fixtures/google-dataset/rules.json), not the product's
    assert set(dataset["recommended_present"]) | set(dataset["recommended_missing"]) == set(google_rules.recommended())
    assert page["canonical"] == BASE + "dataset/vqarad" and page["in_sitemap"] and page["robots_allowed"]
    assert all(p["in_sitemap"] and p["robots_allowed"] and not p["problems"] for p in pages.values())
    assert pages["index.html"]["types"] == ["DataCatalog"] and pages["index.html"]["canonical"] == BASE + "catalog"


def test_a_dataset_page_without_description_fails(site_copy):
    _edit_jsonld(site_copy / "dataset" / "pmc-vqa.html", lambda doc: doc.pop("description"))
    result = run_cli("inspect-site", "--out", str(site_copy))
    assert result.returncode == 1
    block = result.stdout.split("dataset/pmc-vqa.html:", 1)[1].split("\n\n")[0]
    assert "required: FAILS description" in block.splitlines()[1]
    assert "FAILED: a dataset page lacks a required property" in result.stdout


def test_a_description_too_short_or_a_missing_name_fails(site_copy):
    _edit_jsonld(site_copy / "zh" / "dataset" / "cares.html", lambda doc: doc.update(description="Too short."))
    _edit_jsonld(site_copy / "dataset" / "cares.html", lambda doc: doc.pop("name"))
    report = inspect_site(site_copy)
    assert not report.ok
    pages = {p.path: p for p in report.pages}
    assert pages["zh/dataset/cares.html"].datasets[0].required_invalid == [
        "description: 10 characters; Google wants 50 to 5000"
    ]
    assert pages["dataset/cares.html"].datasets[0].required_missing == ["name"]
    assert pages["dataset/pathmmu.html"].ok


def test_a_distribution_that_is_no_download_fails_as_google_says(site_copy):
    """Google requires a DataDownload's contentUrl: a landing page typed as a download is an error (issue 15)."""

    def add(doc):
        doc["distribution"] = [
            {"@type": "DataDownload", "url": "https://huggingface.co/datasets/a/b"},
            {"@type": "DataDownload", "contentUrl": "https://example.org/d.zip", "encodingFormat": "application/zip"},
        ]

    _edit_jsonld(site_copy / "dataset" / "pathmmu.html", add)
    report = inspect_site(site_copy)
    assert not report.ok
    (check,) = next(p for p in report.pages if p.path == "dataset/pathmmu.html").datasets
    assert check.required_invalid == ["distribution[0]: no contentUrl"]
    assert "distribution[0].encodingFormat" in check.recommended_missing
    result = run_cli("inspect-site", "--out", str(site_copy))
    assert result.returncode == 1 and "required: FAILS distribution[0]: no contentUrl" in result.stdout


def test_a_dataset_page_without_its_jsonld_fails(site_copy):
    page = site_copy / "dataset" / "omnimedvqa.html"
    page.write_text(JSONLD.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    report = inspect_site(site_copy)
    assert not report.ok
    bad = next(p for p in report.pages if p.path == "dataset/omnimedvqa.html")
    assert bad.jsonld_blocks == 0 and "0 schema.org Datasets found" in bad.problems[0]


def test_robots_and_sitemap_disagreements_are_reported(site_copy):
    robots = site_copy / "robots.txt"
    robots.write_text(robots.read_text(encoding="utf-8").replace("Allow: /", "Disallow: /dataset/"), encoding="utf-8")
    sitemap = site_copy / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    text = text.replace(f"<loc>{BASE}dataset/pathmmu</loc>", f"<loc>{BASE}dataset/missing</loc>")
    sitemap.write_text(text, encoding="utf-8")
    report = inspect_site(site_copy)
    assert report.ok  # required properties are still there; these are warnings
    pages = {p.path: p for p in report.pages}
    assert pages["dataset/vqarad.html"].robots_allowed is False
    assert "robots.txt does not let crawlers fetch it" in pages["dataset/vqarad.html"].problems
    assert pages["concept/task.html"].robots_allowed is True
    assert not pages["dataset/pathmmu.html"].in_sitemap
    assert f"sitemap URL {BASE}dataset/missing has no page in the folder" in report.problems


def test_values_written_as_value_objects_or_lists_count():
    text = "A description long enough for Google's rule of at least fifty characters."
    node = {"@type": "Dataset", "name": [{"@value": "X"}], "description": {"@value": text, "@language": "en"}}
    check = check_dataset(node)
    assert check.ok and check.description_length == len(text)
    assert check_dataset({"@type": "Dataset", "name": "", "description": text}).required_invalid == ["name: no text"]


def test_an_empty_folder_is_reported_not_crashed_on(tmp_path):
    result = run_cli("inspect-site", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "no HTML pages found" in result.stdout
