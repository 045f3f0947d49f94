"""A catalog of 2,000 synthetic entries (bench/generate.py, in the seed's shape): the site is whole, the catalog
is split into pages, and a rebuild after one edit rewrites only what the edit changed and equals a clean build.

Timings are the benchmark's business (bench/run.py); this checks what a large catalog must still be.
"""

from __future__ import annotations

import gzip
import importlib.util
import os

import pytest

from conftest import ROOT, run_cli
from site_checks import broken_links, sitemap_problems

SIZE = 2000
BASE = "https://w3id.org/medvlm-kg/"
PAST = 1_000_000_000  # seconds: an mtime no build writes, so a rewritten file shows


def _generate():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """The generated catalog and its first build."""
    folder = tmp_path_factory.mktemp("large")
    data, out = folder / "data", folder / "build"
    _generate()(SIZE, data, seed=7)
    result = run_cli("build", "--quiet", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    return data, out


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_link_and_every_sitemap_url_of_a_large_site_resolves(large):
    _, out = large
    assert sitemap_problems(out, BASE) == []
    broken, checked = broken_links(out, BASE)
    assert broken[:20] == []
    assert checked > 100_000


def test_inspect_site_passes_a_large_site_and_counts_only_the_dataset_pages_as_such(large):
    # past 100 datasets sized in "dataset" units, that concept's page 2 is concept/unit/dataset/page/2.html:
    # a concept page, which inspect-site once took for a dataset page without a Dataset, and failed the site
    _, out = large
    assert (out / "concept" / "unit" / "dataset" / "page" / "2.html").is_file()
    result = run_cli("inspect-site", "--out", str(out))
    assert result.returncode == 0, result.stdout[-2000:]
    assert f"{2 * SIZE} dataset pages ({2 * SIZE} meet Google's required properties)" in result.stdout


def test_the_whole_catalogs_ntriples_state_each_triple_once_on_its_own_line(large):
    _, out = large
    lines = gzip.decompress((out / "catalog.nt.gz").read_bytes()).split(b"\n")
    assert lines.pop() == b"" and b"" not in lines
    assert len(set(lines)) == len(lines)


def test_the_catalog_table_and_the_dcat_catalog_come_in_pages_of_100(large):
    _, out = large
    pages = sorted(out.glob("catalog/page/*.html"), key=lambda p: int(p.stem))
    assert len(pages) == SIZE // 100
    assert len(list(out.glob("catalog/page/*.ttl"))) == SIZE // 100
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<tr id="row-') == 100  # not a 2,000-row table
    assert 'rel="next" href="catalog/page/2.html"' in index
    assert "catalog-index.js" in index and (out / "catalog-index.js").is_file()  # the filters search every page
    last = pages[-1].read_text(encoding="utf-8")
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_each_page_of_the_catalog_table_embeds_the_data_catalog_with_the_datasets_it_shows(large):
    """A crawler reading any page of the table finds the DataCatalog and the datasets listed there; together the
    pages name every dataset once, and each block states only what the catalog's RDF does. (The front page named all
    of them: 0.5 MB of JSON-LD at 10,000 entries, in each language.)"""
    import re

    import extruct
    import rdflib

    _, out = large
    catalog = rdflib.URIRef(BASE + "catalog")
    rdf = rdflib.Graph().parse(data=gzip.decompress((out / "catalog.ttl.gz").read_bytes()), format="turtle")
    named = []
    for lang in ("", "zh/"):
        for number in range(1, SIZE // 100 + 1):
            html = (out / f"{lang}catalog/page/{number}.html").read_text(encoding="utf-8")
            (node,) = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
            shown = [BASE + "dataset/" + i for i in re.findall(r'<tr id="row-([^"]+)"', html)]
            assert node["@type"] == "DataCatalog" and len(shown) == 100
            assert sorted(node["dataset"]) == sorted(shown), number
            embedded = rdflib.Graph().parse(
                data=re.search(r'ld\+json">(.*?)</script>', html, re.S)[1], format="json-ld"
            )
            assert (catalog, rdflib.RDF.type, rdflib.SDO.DataCatalog) in embedded
            assert not [t for t in embedded if t not in rdf]
            if lang == "":
                named += node["dataset"]
        front = (out / f"{lang}index.html").read_text(encoding="utf-8")
        first = (out / f"{lang}catalog/page/1.html").read_text(encoding="utf-8")
        assert (
            extruct.extract(front, syntaxes=["json-ld"])["json-ld"]
            == extruct.extract(first, syntaxes=["json-ld"])["json-ld"]
        )
        assert len(front) < 250_000
    assert sorted(named) == sorted(str(d) for d in rdf.objects(catalog, rdflib.SDO.dataset)) and len(named) == SIZE


def test_a_rebuild_after_one_edit_equals_a_clean_build_and_leaves_other_files_alone(large, tmp_path):
    data, out = large  # the last test of the module: it edits the catalog it shares
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (PAST, PAST))
    before = _tree(out)
    edited = sorted((data / "datasets").glob("*.yaml"))[SIZE // 2]
    text = edited.read_text(encoding="utf-8")
    assert "\nname: " in text
    edited.write_text(text.replace("\nname: ", "\nname: Edited ", 1), encoding="utf-8")
    result = run_cli("build", "--quiet", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    clean = tmp_path / "clean"
    assert run_cli("build", "--quiet", "--data", str(data), "--out", str(clean)).returncode == 0
    after = _tree(out)
    assert after == _tree(clean)  # byte for byte
    rewritten = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.stat().st_mtime != PAST}
    changed = {rel for rel, content in after.items() if before.get(rel) != content}
    assert rewritten == changed  # what kept its bytes kept its mtime too
    assert {f"dataset/{edited.stem}.html", f"dataset/{edited.stem}.ttl"} <= rewritten
    assert len(rewritten) < len(after) / 20  # the edit's own files and the pages that show it, not the site
