"""Large catalogs: the sitemap splits at the protocol's limits, and a paged DCAT catalog lets harvesters walk it."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

import pytest

from conftest import DATA
from medvlm_kg.build.build import render
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.site import discovery

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://w3id.org/medvlm-kg/"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA)


def locs(xml: bytes, tag: str) -> list[str]:
    return [e.findtext(f"{SM}loc") for e in ET.fromstring(xml).iter(f"{SM}{tag}")]


def test_one_sitemap_while_under_the_limits(catalog):
    files = render(catalog, convert(catalog))
    assert ET.fromstring(files["sitemap.xml"]).tag == f"{SM}urlset"
    assert not any(name.startswith("sitemap-") for name in files)


def test_past_the_url_limit_a_sitemap_index_names_parts_that_cover_every_page(catalog, monkeypatch):
    whole = locs(render(catalog, convert(catalog))["sitemap.xml"], "url")
    monkeypatch.setattr(discovery, "SITEMAP_MAX_URLS", 50)
    files = render(catalog, convert(catalog))
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    parts = locs(files["sitemap.xml"], "sitemap")
    assert len(parts) == -(-len(whole) // 50)
    covered = []
    for loc in parts:
        name = loc.removeprefix(BASE)
        assert name in files, f"the index names {loc}, which the build does not write"
        urls = locs(files[name], "url")
        assert 0 < len(urls) <= 50
        covered += urls
    assert covered == whole
    assert all(e.findtext(f"{SM}lastmod") for e in index.iter(f"{SM}sitemap"))


def test_past_the_size_limit_parts_are_halved(catalog, monkeypatch):
    monkeypatch.setattr(discovery, "SITEMAP_MAX_BYTES", 20_000)
    files = render(catalog, convert(catalog))
    parts = locs(files["sitemap.xml"], "sitemap")
    assert len(parts) > 1
    assert all(len(files[loc.removeprefix(BASE)]) <= 20_000 for loc in parts)


def test_a_harvester_can_walk_the_paged_catalog_from_the_catalog_iri(catalog, monkeypatch):
    import rdflib

    from medvlm_kg.site import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 5)
    files = render(catalog, convert(catalog))
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    catalog_node = rdflib.URIRef(BASE + "catalog")
    start = rdflib.Graph().parse(data=gzip.decompress(files["catalog.ttl.gz"]), format="turtle")
    page = start.value(catalog_node, hydra.view)
    assert int(start.value(catalog_node, hydra.totalItems)) == 59  # data/datasets/ holds 59 files
    seen, walked = [], 0
    while page is not None:
        g = rdflib.Graph().parse(data=files[str(page).removeprefix(BASE) + ".ttl"], format="turtle")
        assert (page, rdflib.RDF.type, hydra.PartialCollectionView) in g
        assert g.value(page, hydra.first) == rdflib.URIRef(BASE + "catalog/page/1")
        datasets = sorted(str(d) for d in g.objects(catalog_node, dcat.dataset))
        assert all((rdflib.URIRef(d), rdflib.RDF.type, dcat.Dataset) in g for d in datasets)  # their descriptions
        seen += datasets
        page, walked = g.value(page, hydra.next), walked + 1
    assert walked == 12 and len(seen) == len(set(seen)) == 59  # 11 pages of 5 and one of 4


def test_what_every_page_of_the_dcat_catalog_says_of_the_catalog_is_made_once_not_for_each_page(catalog, monkeypatch):
    # Each page repeats the catalog's own description, taken from the whole of it, which names every dataset:
    # made again for each page, it cost 0.25 s a page at 100,000 entries, 250 s for the 1,000 pages.
    from medvlm_kg.site import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 5)
    made, page_catalog = [], paging.page_catalog
    monkeypatch.setattr(paging, "page_catalog", lambda *args: made.append(args) or page_catalog(*args))
    files = render(catalog, convert(catalog))
    assert len([name for name in files if name.startswith("catalog/page/") and name.endswith(".ttl")]) == 12
    assert len(made) == 1


def test_a_whole_build_makes_the_catalog_csv_right_after_the_query_store_in_the_same_task(catalog, monkeypatch):
    # The CSV loads every dataset's cells into a store of its own (72 MiB at 10,000 entries). Made in the other
    # worker while the query store was bulk-loaded, the two loads' memory added up at the peak of a 100,000-entry
    # build. Made after the catalog's unit (its N-Triples dump, then the query store), in one task, they never do.
    from medvlm_kg.build import units

    planned, spread = [], units.spread

    def recording_spread(fn, tasks, workers, **options):
        if fn is units._run_units:
            named = [[units._STATE.plan[i].name for i in task] for task in [*options.get("here", []), *tasks]]
            planned.append(named)
        return spread(fn, tasks, workers, **options)

    monkeypatch.setattr(units, "spread", recording_spread)
    files = render(catalog, convert(catalog))
    [tasks] = planned
    assert len(tasks) > 64  # a whole build's catalog-wide units, not an edit's few
    assert [task for task in tasks if {"catalog", "catalog-csv"} & set(task)] == [["catalog", "catalog-csv"]]
    for csv in ("catalog.csv", "zh/catalog.csv"):  # made all the same: a header and a line a dataset
        assert files[csv].count(b"\r\n") == len(catalog.datasets) + 1


def test_every_page_of_the_paged_catalog_meets_semics_dcat_ap_shapes(catalog, monkeypatch):
    """A harvester may start from any page: each one holds the catalog's own description (title, publisher,
    distributions) and its datasets' DCAT descriptions, and passes SEMIC's DCAT-AP 3.0.1 SHACL files (pyshacl).
    The schema.org twins, the list's cells and the sourced-fact nodes stay in each dataset's own documents."""
    import pyshacl
    import rdflib

    from medvlm_kg.profiles.dcat_ap import _semic_shapes
    from medvlm_kg.site import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 25)
    files = render(catalog, convert(catalog))
    pages = sorted(name for name in files if name.startswith("catalog/page/") and name.endswith(".ttl"))
    assert len(pages) == 3
    for name in pages:
        g = rdflib.Graph().parse(data=files[name], format="turtle")
        conforms, _, text = pyshacl.validate(g, shacl_graph=_semic_shapes())
        assert conforms, f"{name}:\n{text[:2000]}"
        catalog_node = rdflib.URIRef(BASE + "catalog")
        assert g.value(catalog_node, rdflib.URIRef("http://purl.org/dc/terms/title")) is not None
        schema_terms = {p for p in g.predicates() if str(p).startswith("https://schema.org/")}
        assert schema_terms == set(), f"{name} repeats the schema.org twins: {sorted(schema_terms)[:5]}"
        datasets = {str(d) for d in g.objects(catalog_node, rdflib.URIRef("http://www.w3.org/ns/dcat#dataset"))}
        assert len(datasets) == (25 if name != pages[-1] else 59 - 50)


def test_whats_new_lists_the_newest_datasets_and_counts_the_rest_for_the_catalog(catalog, monkeypatch):
    import re

    from medvlm_kg.site import whats_new_page

    def listed(html: str) -> list[str]:
        return re.findall(r'<li><a href="dataset/([^"]+)\.html">', html)

    page = render(catalog, convert(catalog))["whats-new.html"].decode()
    everyone = listed(page)
    assert sorted(everyone) == sorted(d.id for d in catalog.datasets)  # under the limit: every dataset
    assert "were listed earlier" not in page

    monkeypatch.setattr(whats_new_page, "SHOWN", 10)
    files = render(catalog, convert(catalog))
    page = files["whats-new.html"].decode()
    assert listed(page) == everyone[:10]  # the newest ten, in the same order
    told = [int(n) for n in re.findall(r"(\d+) (?:more were listed on this date|datasets were listed earlier)", page)]
    assert sum(told) == len(everyone) - 10
    assert page.count('<a href="index.html">Catalog</a></p>') == len(told)
    zh = files["zh/whats-new.html"].decode()
    assert len(re.findall(r'<li><a href="dataset/[^"]+\.html">', zh)) == 10 and "更早收录的" in zh
