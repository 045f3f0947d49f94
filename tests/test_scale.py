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
        assert all((rdflib.URIRef(d), rdflib.RDF.type, dcat.Dataset) in g for d in datasets)  # full descriptions
        seen += datasets
        page, walked = g.value(page, hydra.next), walked + 1
    assert walked == 12 and len(seen) == len(set(seen)) == 59  # 11 pages of 5 and one of 4
