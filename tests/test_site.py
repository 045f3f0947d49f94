"""The web pages `build` writes: layout, links, discovery files, the embedded JSON-LD and escaping."""

from __future__ import annotations

import gzip
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.robotparser import RobotFileParser

import extruct
import lxml.html
import pytest
import rdflib
from rdflib.namespace import DCTERMS

import google_rules
from conftest import DATA, FIXTURES, imported_catalog, run_cli
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.site.links import url_to_file
from site_checks import broken_links

BASE = "https://w3id.org/medvlm-kg/"
SDO = rdflib.Namespace("https://schema.org/")
CATALOG = load_catalog(DATA)
IDS = [d.id for d in CATALOG.datasets]
LANGS = {"": "en", "zh/": "zh"}
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
PAYLOAD = "</script><img src=x onerror=alert(1)><!--"


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def _jsonld_blocks(html: str) -> list[str]:
    return JSONLD.findall(html)


def _dataset_node(html: str) -> dict:
    items = extruct.extract(html, syntaxes=["json-ld"], errors="strict")["json-ld"]
    datasets = [i for i in items if i.get("@type") == "Dataset"]
    assert len(datasets) == 1, f"expected one Dataset, found {len(datasets)}"
    return datasets[0]


# ---- what build writes ---------------------------------------------------------------------------------


def test_build_writes_every_page_in_english_and_chinese(built):
    files = _files(built)
    for prefix in LANGS:
        assert {f"{prefix}dataset/{i}.html" for i in IDS} <= files
        assert len([f for f in files if re.fullmatch(rf"{prefix}dataset/[^/]+\.html", f)]) == 59
        for name in ("modality", "task", "platform", "unit"):
            assert f"{prefix}concept/{name}.html" in files
        for concept in ("modality/pathology", "modality/text", "task/vqa", "task/reasoning", "platform/hugging-face"):
            assert f"{prefix}concept/{concept}.html" in files
        assert f"{prefix}index.html" in files and f"{prefix}catalog.html" in files
    assert {"sitemap.xml", "robots.txt", "static/site.css", "static/site.js"} <= files


def test_every_concept_of_the_schemes_has_a_page_in_both_languages(built):
    for ttl in sorted((built / "concept").glob("*/*.ttl")):
        rel = ttl.relative_to(built).with_suffix(".html")
        assert (built / rel).is_file() and (built / "zh" / rel).is_file(), rel


def test_the_catalog_page_is_both_index_html_and_the_catalog_iri(built):
    assert (built / "index.html").read_bytes() == (built / "catalog.html").read_bytes()
    assert (built / "zh/index.html").read_bytes() == (built / "zh/catalog.html").read_bytes()
    assert url_to_file(BASE + "catalog", BASE, _files(built)) == "catalog.html"
    assert url_to_file(BASE, BASE, _files(built)) == "index.html"
    assert url_to_file(BASE + "dataset/pathmmu", BASE, _files(built)) == "dataset/pathmmu.html"


def test_pages_and_concept_pages_list_their_datasets(built):
    pathology = (built / "concept/modality/pathology.html").read_text(encoding="utf-8")
    assert 'href="../../dataset/pathmmu.html"' in pathology
    image = (built / "concept/modality/image.html").read_text(encoding="utf-8")  # through narrower concepts
    for dataset in ("pathmmu", "vqarad", "cares", "mm-skin"):
        assert f'href="../../dataset/{dataset}.html"' in image
    scheme = (built / "concept/modality.html").read_text(encoding="utf-8")
    assert 'href="modality/pathology.html"' in scheme and 'href="modality/ct.html"' in scheme


def _chips(page: Path, element) -> list[tuple[str, str, str]]:
    """(class, the page it links to, text) of each chip under ``element``."""
    return [
        (a.get("class"), posixpath.normpath(posixpath.join(str(page.parent), a.get("href"))), a.text_content())
        for a in element.xpath(".//a[contains(concat(' ', @class, ' '), ' chip ')]")
    ]


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_a_datasets_card_on_a_concept_page_shows_the_chips_of_its_own_page(built, prefix):
    """The card writes its chips out (a speed-up) instead of calling the chip() macro the pages use: the same
    chips either way, for every dataset on the modality concept pages."""
    compared = 0
    for concept_page in sorted((built / prefix / "concept/modality").glob("*.html")):
        for card in lxml.html.fromstring(concept_page.read_bytes()).xpath("//li[@class='dcard']"):
            target = Path(posixpath.normpath(concept_page.parent / card.xpath(".//h3/a/@href")[0]))
            own = _chips(target, lxml.html.fromstring(target.read_bytes()).xpath("//p[@class='chips']")[0])
            shown = _chips(concept_page, card.xpath(".//p[@class='dcard-chips']")[0])
            assert shown == own, (concept_page.name, target.name)
            compared += 1
    assert compared >= len(IDS)


# ---- discovery ------------------------------------------------------------------------------------------


def _sitemap(built: Path) -> list[ET.Element]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return ET.fromstring((built / "sitemap.xml").read_bytes()).findall("s:url", ns)


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_pages_carry_no_template_indentation_but_pre_blocks_keep_theirs(built, prefix):
    """The templates' indentation is not written (a line break already separates what it indents): a tenth of
    a page's bytes. A ``<pre>`` is its own content: the BibTeX block keeps its four-space field lines."""
    source = (built / prefix / "dataset" / "pathmmu.html").read_text(encoding="utf-8")
    outside_pre = re.sub(r"<pre\b.*?</pre>", "", source, flags=re.S)
    assert not re.search(r"\n[ \t]", outside_pre)
    bibtex = lxml.html.fromstring(source).get_element_by_id("cite-bibtex").text_content()
    assert "\n    title = " in bibtex


def test_every_sitemap_url_is_a_page_of_the_folder_and_every_page_is_in_the_sitemap(built):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    files = _files(built)
    locs = [u.find("s:loc", ns).text for u in _sitemap(built)]
    assert len(locs) == len(set(locs))
    targets = {url_to_file(loc, BASE, files) for loc in locs}
    assert None not in targets
    pages = {str(p.relative_to(built)) for p in _pages(built)} - {"index.html", "zh/index.html"}
    assert targets == pages


def test_sitemap_lastmod_comes_from_the_data_not_the_clock(built):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    by_loc = {u.find("s:loc", ns).text: u.findtext("s:lastmod", None, ns) for u in _sitemap(built)}
    # the newest whole date the page's facts give: the list changed VQA-RAD's cells on 2025-06-10 (listed date
    # 2023-08-07); Multi-RADS was first listed on 2026-01-21 (its arXiv v1: 2026-01-06)
    assert by_loc[BASE + "dataset/vqarad"] == "2025-06-10"
    assert by_loc[BASE + "dataset/multi-rads"] == "2026-01-21"
    assert by_loc[BASE + "catalog"] == max(d for d in by_loc.values() if d)


def test_the_sitemap_passes_the_sitemaps_org_schema(built):
    """sitemaps.org's own XSD (tests/fixtures/sitemaps-org): a ``lastmod`` is a whole date, never "2024" or
    "2024-10". The hreflang alternates (``xhtml:link``) are another schema's elements, which that XSD takes through
    a strict wildcard without declaring them; they are checked by the hreflang tests and left out here."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(FIXTURES / "sitemaps-org" / "sitemap.xsd")))
    sitemap = etree.parse(str(built / "sitemap.xml"))
    for link in sitemap.findall(".//{http://www.w3.org/1999/xhtml}link"):
        link.getparent().remove(link)
    assert schema.validate(sitemap), [str(e) for e in schema.error_log][:5]
    dated = [u for u in _sitemap(built) if u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod") is not None]
    assert len(dated) > len(_sitemap(built)) / 2  # the check has dates to check


def test_robots_txt_allows_every_page_and_names_the_sitemap(built):
    parser = RobotFileParser()
    parser.parse((built / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert parser.site_maps() == [BASE + "sitemap.xml"]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for url in _sitemap(built):
        assert parser.can_fetch("Googlebot", url.find("s:loc", ns).text)


@pytest.mark.parametrize("prefix", list(LANGS))
def test_every_page_head_has_canonical_alternates_and_signposting(built, prefix):
    for dataset_id in IDS:
        page = built / f"{prefix}dataset/{dataset_id}.html"
        tree = lxml.html.fromstring(page.read_bytes())
        assert tree.get("lang") == {"": "en", "zh/": "zh-Hans"}[prefix]
        links = [
            (link.get("rel"), link.get("type"), link.get("hreflang"), link.get("href")) for link in tree.iter("link")
        ]
        assert ("canonical", None, None, f"{BASE}{prefix}dataset/{dataset_id}") in links
        for media_type, ext in (
            ("text/turtle", "ttl"),
            ("application/ld+json", "jsonld"),
            ("application/n-triples", "nt"),
        ):
            href = posixpath.relpath(f"dataset/{dataset_id}.{ext}", posixpath.dirname(f"{prefix}dataset/x"))
            linked = ("alternate", media_type, None, href) in links and ("describedby", media_type, None, href) in links
            # A page links the files the build writes (a static host has no others); serve derives N-Triples.
            assert linked == (ext != "nt"), (ext, links)
        assert ("cite-as", None, None, f"{BASE}dataset/{dataset_id}") in links
        assert ("alternate", None, "en", f"{BASE}dataset/{dataset_id}") in links
        assert ("alternate", None, "zh-Hans", f"{BASE}zh/dataset/{dataset_id}") in links


# ---- links ----------------------------------------------------------------------------------------------


def test_every_internal_link_of_every_page_resolves(built):
    broken, checked = broken_links(built, BASE)
    assert broken == []
    assert checked > 4000  # the walk saw the pages' links (about 35 a page)


# ---- JSON-LD ----------------------------------------------------------------------------------------------


def _expected_recommended(dataset) -> set[str]:
    """The Google-recommended properties whose facts the catalog has for a dataset."""
    expected = {"url", "identifier", "includedInDataCatalog"}
    other = CATALOG.dataset(dataset.same_paper_as.value) if dataset.same_paper_as else None
    paper = dataset.paper or (other.paper if other else None)
    if dataset.modality or dataset.task:
        expected.add("keywords")
    if dataset.urls - set(CATALOG.shared_urls(dataset)):  # a URL another dataset gives too is no identity
        expected.add("sameAs")
    # No "distribution": the access points are pages and repositories, not downloads (Google's DataDownload needs the
    # file's contentUrl); they are sameAs.
    if paper:
        expected.add("citation")
    if paper and paper.authors:
        expected.add("creator")
    if dataset.alternate_name:
        expected.add("alternateName")
    if dataset.license:  # an SPDX licence, or the statement as read (a CreativeWork)
        expected.add("license")
    return expected


@pytest.mark.parametrize("prefix", list(LANGS))
@pytest.mark.parametrize("dataset_id", IDS)
def test_each_dataset_page_has_one_dataset_meeting_googles_rules(built, prefix, dataset_id):
    html = (built / f"{prefix}dataset/{dataset_id}.html").read_text(encoding="utf-8")
    assert len(_jsonld_blocks(html)) == 1
    node = _dataset_node(html)
    dataset = CATALOG.dataset(dataset_id)
    assert node["name"] == dataset.name
    assert 50 <= len(node["description"]) <= 5000
    assert node["@id"] == node["url"] == f"{BASE}dataset/{dataset_id}"
    # Google's recommended list from the tests' own copy of Google's rules, never from the product.
    present = {p for p in google_rules.recommended() if node.get(p)}
    # Every recommended property whose facts exist is stated; none is stated without its fact.
    assert present == _expected_recommended(dataset)
    # no paper: no creator, no citation; no sameAs where every URL is another dataset's too
    assert len(present) >= (6 if dataset.paper else 4) + bool(dataset.urls - set(CATALOG.shared_urls(dataset)))


def test_the_description_of_a_page_is_in_its_language(built):
    en = _dataset_node((built / "dataset/pathmmu.html").read_text(encoding="utf-8"))
    zh = _dataset_node((built / "zh/dataset/pathmmu.html").read_text(encoding="utf-8"))
    assert en["description"].startswith("PathMMU is a dataset listed in")  # no field claimed for it
    assert "33,428 question–answer pairs and 24,067 images" in en["description"]
    assert zh["description"].startswith("PathMMU 是")
    assert "病理图像" in zh["description"]
    assert en["keywords"] == ["multiple-choice question answering", "pathology image", "reasoning", "text"]


@pytest.mark.parametrize("prefix", list(LANGS))
def test_embedded_jsonld_states_only_facts_of_the_datasets_rdf(built, prefix):
    for dataset_id in IDS:
        html = (built / f"{prefix}dataset/{dataset_id}.html").read_text(encoding="utf-8")
        embedded = rdflib.Graph().parse(data=_jsonld_blocks(html)[0], format="json-ld")
        rdf = rdflib.Graph().parse(built / f"dataset/{dataset_id}.ttl", format="turtle")
        extra = [t for t in embedded if t not in rdf]
        assert not extra, f"{dataset_id}: the page states what the RDF does not: {extra[:3]}"
        iri = rdflib.URIRef(f"{BASE}dataset/{dataset_id}")
        lang = LANGS[prefix]
        assert (iri, SDO.name, rdflib.Literal(CATALOG.dataset(dataset_id).name)) in embedded
        descriptions = [o for o in embedded.objects(iri, SDO.description)]
        assert [d.language for d in descriptions] == [lang]
        assert len(embedded) > 15  # the sparsest of the 59 entries (no paper, no licence) still states 23


def test_the_catalog_page_embeds_the_data_catalog_with_its_datasets(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    blocks = _jsonld_blocks(html)
    assert len(blocks) == 1
    embedded = rdflib.Graph().parse(data=blocks[0], format="json-ld")
    rdf = rdflib.Graph().parse(data=gzip.decompress((built / "catalog.ttl.gz").read_bytes()), format="turtle")
    assert not [t for t in embedded if t not in rdf]
    catalog = rdflib.URIRef(BASE + "catalog")
    assert (catalog, rdflib.RDF.type, SDO.DataCatalog) in embedded
    assert len(set(embedded.objects(catalog, SDO.dataset))) == 59
    node = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    assert node["@type"] == "DataCatalog" and len(node["dataset"]) == 59


def test_descriptions_are_in_the_rdf_in_both_languages(built):
    for dataset_id in IDS:
        graph = rdflib.Graph().parse(built / f"dataset/{dataset_id}.ttl", format="turtle")
        iri = rdflib.URIRef(f"{BASE}dataset/{dataset_id}")
        for predicate in (SDO.description, DCTERMS.description):
            texts = {o.language: str(o) for o in graph.objects(iri, predicate)}
            assert set(texts) == {"en", "zh"}, (dataset_id, predicate)
            assert all(50 <= len(t) <= 5000 for t in texts.values())


def test_a_curators_description_replaces_the_written_one_in_its_language(catalog_copy, tmp_path):
    text = "PathMMU is a benchmark of 33,428 multiple-choice questions on 24,067 pathology images, for testing."
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    yaml_text = path.read_text(encoding="utf-8").replace(
        "listed:\n", f"description:\n  en: {json.dumps(text)}\nlisted:\n", 1
    )
    path.write_text(yaml_text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert _dataset_node((out / "dataset/pathmmu.html").read_text(encoding="utf-8"))["description"] == text
    zh = _dataset_node((out / "zh/dataset/pathmmu.html").read_text(encoding="utf-8"))["description"]
    assert zh.startswith("PathMMU 是")  # Chinese still written from the facts
    graph = rdflib.Graph().parse(out / "dataset/pathmmu.ttl", format="turtle")
    assert rdflib.Literal(text, lang="en") in set(
        graph.objects(rdflib.URIRef(BASE + "dataset/pathmmu"), SDO.description)
    )


def test_a_description_outside_googles_length_is_a_warning_naming_the_line(catalog_copy):
    path = catalog_copy / "datasets" / "vqarad.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("listed:\n", 'description: {en: "Too short."}\nlisted:\n', 1),
        encoding="utf-8",
    )
    result = run_cli("validate", "--data", str(catalog_copy))
    assert result.returncode == 0
    warning = next(line for line in result.stdout.splitlines() if "50 to 5000" in line)
    assert warning.startswith(f"warning: {catalog_copy}/datasets/vqarad.yaml:4 description:")


# ---- escaping ---------------------------------------------------------------------------------------------


RTL_TEXT = PAYLOAD + " 病理\u202e"  # Chinese and a right-to-left override too


def hostile_catalog(folder: Path) -> None:
    """Put markup, a comment opener, quotes, a right-to-left mark and Chinese in every kind of string."""
    path = folder / "datasets" / "pathmmu.yaml"
    text = path.read_text(encoding="utf-8")
    description = f"description:\n  en: {json.dumps(PAYLOAD)}\n  zh: {json.dumps(RTL_TEXT)}\n"
    text = text.replace("name: PathMMU\nlisted:", f"name: {json.dumps(PAYLOAD)}\n{description}listed:", 1)
    text = text.replace("  name: PathMMU\n", f"  name: {json.dumps(PAYLOAD)}\n", 1)
    text = text.replace(
        "modality: {en: Pathology Image + Text, zh: 病理图像 + 文本}",
        'modality: {en: "<b>bold</b> & \\"quoted\\" \'single\'", zh: 病理图像 + 文本}',
    )
    path.write_text(text, encoding="utf-8")


def test_hostile_strings_are_escaped_in_html_and_exact_in_jsonld(catalog_copy, tmp_path):
    hostile_catalog(catalog_copy)
    out = tmp_path / "out"
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    for rel in ("dataset/pathmmu.html", "zh/dataset/pathmmu.html", "index.html", "concept/modality/pathology.html"):
        html = (out / rel).read_text(encoding="utf-8")
        assert "<img" not in html and "<b>" not in html, rel
        assert html.count("<script") == html.count("</script>"), rel
        assert html.count("<!--") == 0, rel
        assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;!--" in html, rel
    html = (out / "dataset/pathmmu.html").read_text(encoding="utf-8")
    (block,) = _jsonld_blocks(html)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["description"] == PAYLOAD
    node = _dataset_node(html)
    assert node["name"] == PAYLOAD and node["description"] == PAYLOAD
    tree = lxml.html.fromstring(html)
    assert [s.get("type") for s in tree.iter("script")] == [None, "application/ld+json"]
    assert tree.find_class("description")[0].text_content() == PAYLOAD
    zh = _dataset_node((out / "zh/dataset/pathmmu.html").read_text(encoding="utf-8"))
    assert zh["description"] == RTL_TEXT
    index = lxml.html.fromstring((out / "index.html").read_bytes())
    row = index.get_element_by_id("row-pathmmu")
    assert row.get("data-name") == PAYLOAD.lower()
    assert "<b>bold</b> & \"quoted\" 'single'" in row.text_content()


def test_a_pages_fixed_words_are_compiled_in_and_its_other_words_still_asked_for():
    from medvlm_kg.site.templating import environment, ui_strings

    zh = environment("zh").from_string('{{ t("skip") }}|{{ t(name) }}|{{ t("approx", value=3) }}|{{ x.t("skip") }}')
    page = zh.render(t=lambda name, **values: f"asked:{name}", name="skip", x={"t": lambda name: f"method:{name}"})
    assert page == f"{ui_strings()['zh']['skip']}|asked:skip|asked:approx|method:skip"


def test_pages_with_their_words_compiled_in_are_the_pages_that_ask_for_each_word():
    """The compiled-in words (a speed-up) change no byte of any page: each page is made again with ``t()``."""
    from medvlm_kg.profiles.assemble import convert
    from medvlm_kg.site.pages import render_site, site_context
    from medvlm_kg.site.templating import environment

    graph = convert(CATALOG)
    files = {"catalog.ttl": b"", **{f"dataset/{i}.ttl": b"" for i in IDS}}
    compiled = render_site(CATALOG, graph, files)
    asking = site_context(CATALOG, graph.catalog, lambda path: path in files)
    asking._page_envs = {lang: environment() for lang in LANGS.values()}
    dataset = CATALOG.datasets[0]
    again = {**asking.dataset_pages(dataset, graph.datasets[dataset.id]), **asking.catalog_wide_pages()}
    for path, page in again.items():
        if path.endswith(".html"):
            assert compiled[path] == page, path


def test_the_glance_names_the_host_of_an_access_point_on_no_known_platform(catalog_copy, tmp_path):
    # maduc7's histopathology list: "Host: unknown" beside a button to warwick.ac.uk and "available from warwick.ac.uk"
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    text = vqarad.read_text(encoding="utf-8").replace("https://osf.io/89kps/", "https://www.lab.example.org/vqa-rad")
    vqarad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    for page in ("dataset/vqarad.html", "zh/dataset/vqarad.html"):
        html = (out / page).read_text(encoding="utf-8")
        glance = html[html.index('id="glance"') : html.index("</dl>", html.index('id="glance"'))]
        host = glance[glance.rindex("<dt>") :]
        assert '<span class="hosts">lab.example.org</span>' in host
        assert "muted" not in host


def test_the_listed_cells_carry_their_language_and_the_page_text_its_own(built):
    # the W3C checker and a helper's count: "<th lang="en">列表原文（英文）</th>", "not listed" inside a cell marked
    # as the other language, an English paper title on a Chinese page marked Chinese
    html = (built / "zh/dataset/pmc-vqa.html").read_text(encoding="utf-8")
    table = lxml.html.fromstring(html).xpath("//table[@class='compare']")[0]
    assert [th.get("lang") for th in table.xpath("thead//th")] == [None, None, None, None]
    assert [td.get("lang") for td in table.xpath("tbody//td")] == [None] * len(table.xpath("tbody//td"))
    spans = {s.text: s.get("lang") for s in table.xpath("tbody//td/div[@class='cell']/span")}
    assert spans["Image + Text"] == "en"  # the English table's cell, marked on the Chinese page
    cells = [td.xpath("string(div[@class='cell'])") for td in table.xpath("tbody//td")]
    assert "图像 + 文本" in cells and "图像 + 文本" not in spans  # in the page's own language: no mark, no span
    title = lxml.html.fromstring(html).xpath("//p[@class='paper-title']")[0]
    assert title.get("lang") == "en"  # "PMC-VQA: Visual Instruction Tuning for Medical Visual Question Answering"
    english = (built / "dataset/pmc-vqa.html").read_text(encoding="utf-8")
    title = lxml.html.fromstring(english).xpath("//p[@class='paper-title']")[0]
    assert title.get("lang") is None  # in the page's own language


def test_a_list_of_one_language_gets_one_as_listed_column_and_its_catalog_is_named_as_itself(tmp_path):
    # an English-only list's cells were shown again under "As listed (Chinese)"
    readme = tmp_path / "README.md"
    readme.write_text(
        "| Dataset | Modality | Link |\n|---|---|---|\n| HER2 Contest | WSI | [data](https://warwick.ac.uk/her2) |\n",
        encoding="utf-8",
    )
    data, out = tmp_path / "catalog", tmp_path / "out"
    assert run_cli("init", str(data), "--title", "Histology", "--publisher", "Tester").returncode == 0
    url = "https://github.com/o/l/blob/0123456789abcdef0123456789abcdef01234567/README.md"
    assert run_cli("import-markdown", str(readme), "--data", str(data), "--source-url", url).returncode == 0
    assert run_cli("build", "--data", str(data), "--out", str(out)).returncode == 0
    for page, heading in (("dataset/her2-contest.html", "As listed"), ("zh/dataset/her2-contest.html", "列表原文")):
        table = lxml.html.fromstring((out / page).read_text(encoding="utf-8")).xpath("//table[@class='compare']")[0]
        assert [th.text_content() for th in table.xpath("thead//th")][1:-1] == [heading]
        marked = [s.get("lang") for s in table.xpath("tbody//td/div[@class='cell']/span[@lang]")]
        assert marked == ([] if heading == "As listed" else ["en"] * len(marked)) and (marked or heading == "As listed")
    # its Chinese pages name the catalog too, in the one language it has (Google's includedInDataCatalog had none)
    node = _dataset_node((out / "zh/dataset/her2-contest.html").read_text(encoding="utf-8"))
    assert node["includedInDataCatalog"]["name"] == {"@value": "Histology", "@language": "en"}  # English, said so
    # the pages of another catalog name it, not Med-VLM-Bench ("…scheme of Med-VLM-Bench, the catalog of medical
    # vision-language benchmarks" was on every concept page of every catalog)
    concept = (out / "concept/task/classification.html").read_text(encoding="utf-8")  # cited by its own IRI
    assert '<link rel="cite-as" href="https://w3id.org/medvlm-kg/concept/task/classification">' in concept
    for page in ("concept/modality.html", "concept/task/classification.html", "zh/sparql.html", "whats-new.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "Med-VLM-Bench" not in text and "Histology" in text, page


def test_a_list_without_modality_task_or_size_columns_shows_the_catalogs_facts_set_apart(tmp_path):
    """OpenMedLab's list has a Description column only: the table showed "—" for every modality, task and size
    that its descriptions give ("3D CT, 140 Cases, … Segmentation"), while the filters offered them."""
    imported_catalog(
        tmp_path / "data",
        "| Dataset | Description | Link |\n| --- | --- | --- |\n"
        "| CT-ORG | 3D CT, 140 Cases, 6 Categories of Organ Segmentation | [site](https://a.org/ct-org) |\n",
    )
    assert run_cli("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")).returncode == 0
    for page, cells in (
        ("index.html", ["computed tomography", "segmentation", "140 cases"]),
        ("zh/index.html", ["CT", "分割", "病例 140"]),
    ):
        html = (tmp_path / "out" / page).read_text(encoding="utf-8")
        shown = re.findall(r'<span class="from-facts" title="([^"]+)">([^<]+)</span>', html)
        assert [text for _, text in shown] == cells
        assert all("catalog" in title or "目录" in title for title, _ in shown)
    # its page shows the description cell the facts were read from, and which facts only the list gives
    page = (tmp_path / "out" / "dataset" / "ct-org.html").read_text(encoding="utf-8")
    assert '<th scope="row" data-label="List column">Description</th>' in page
    assert "3D CT, 140 Cases, 6 Categories of Organ Segmentation" in page
    assert 'https://a.org/ct-org</a> <span class="muted from-list">(as the list gives it)</span>' in page


def test_the_chinese_table_shows_the_chinese_tables_date_and_a_homepage_that_is_the_access_point_is_one_button(built):
    """The Chinese catalog table showed the English table's date cell ("2025IJCAI" where the Chinese table writes
    "IJCAI 2025"), and HEAL-MedVQA's page had two buttons to its project page (access point and homepage)."""
    for page, date in (("index.html", "2025IJCAI"), ("zh/index.html", "IJCAI 2025")):
        html = (built / page).read_text(encoding="utf-8")
        row = html[html.index('id="row-heal-medvqa"') :]
        row = row[: row.index("</tr>")]
        assert re.findall(r'data-label="(?:Date|日期)"[^>]*><div class="cell">([^<]*)', row) == [date]
    heal = (built / "dataset" / "heal-medvqa.html").read_text(encoding="utf-8")
    actions = heal[heal.index('<p class="actions">') :]
    actions = actions[: actions.index("</p>")]
    assert actions.count('href="https://loba-ijcai25.github.io/"') == 1


def test_the_importers_see_also_labels_are_in_the_pages_language(tmp_path):
    """A link to the list's own page on a dataset ("[CT-ORG](./resources/CT-ORG.md)") is imported as see_also
    "list page"; the Chinese page said "list page" too."""
    imported_catalog(
        tmp_path / "data",
        "| Dataset | Description | Link |\n| --- | --- | --- |\n"
        "| [CT-ORG](./resources/CT-ORG.md) | 3D CT, 140 Cases | [site](https://a.org/ct-org) |\n",
        source_url="https://github.com/o/l/blob/0123456/README.md",
    )
    assert run_cli("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")).returncode == 0
    english = (tmp_path / "out" / "dataset" / "ct-org.html").read_text(encoding="utf-8")
    chinese = (tmp_path / "out" / "zh" / "dataset" / "ct-org.html").read_text(encoding="utf-8")
    assert ">list page: github.com</a>" in english
    assert ">列表中的介绍页: github.com</a>" in chinese and "list page" not in chinese
