"""'Cite' on every dataset page: BibTeX, RIS and CSL-JSON, written from the dataset's own graph, read back by
parsers (pybtex for BibTeX, rispy for RIS, json for CSL-JSON), each naming the dataset and the paper that
introduces it as the graph states them; and the page links its Croissant file where a reader sees it."""

from __future__ import annotations

import json

import latexcodec  # noqa: F401  (registers the "latex" codec)
import lxml.html
import pyoxigraph as ox
import pytest
import rispy
from pybtex.database import parse_string

from conftest import DATA
from medvlm_kg.catalog.load import load_catalog

CATALOG = load_catalog(DATA)
IDS = sorted(d.id for d in CATALOG.datasets)
SDO = "https://schema.org/"


def _block(built, dataset_id: str, fmt: str, prefix: str = "") -> str:
    page = lxml.html.parse(str(built / prefix / "dataset" / f"{dataset_id}.html")).getroot()
    (block,) = page.xpath(f"//pre[@id='cite-{fmt}']")
    return block.text_content()


def _paper(built, dataset_id: str) -> dict:
    """The paper's title and authors as the dataset's graph (dataset/<id>.ttl) states them."""
    triples = list(ox.parse(path=str(built / "dataset" / f"{dataset_id}.ttl"), format=ox.RdfFormat.TURTLE))
    iri = f"{CATALOG.base_iri}dataset/{dataset_id}"
    paper = [t.object.value for t in triples if t.subject.value == iri and t.predicate.value.endswith("isReferencedBy")]
    if not paper:
        return {}
    about = {t.predicate.value: t.object.value for t in triples if t.subject.value == paper[0]}
    return {"iri": paper[0], "title": about[SDO + "name"], "authors": about.get(SDO + "creditText", "")}


@pytest.mark.parametrize("dataset_id", IDS)
def test_bibtex_parses_back_and_names_the_dataset_and_its_paper(built, dataset_id):
    paper = _paper(built, dataset_id)
    for prefix in ("", "zh"):
        data = parse_string(_block(built, dataset_id, "bibtex", prefix), "bibtex")
        entry = data.entries[dataset_id]
        assert entry.type == "misc" and entry.fields["url"] == f"{CATALOG.base_iri}dataset/{dataset_id}"
        name = next(d.name for d in CATALOG.datasets if d.id == dataset_id)
        # the title as LaTeX reads it back (latexcodec, pybtex's own decoder): "B\\&J" is "B&J"
        assert entry.fields["title"].encode().decode("latex+utf8").replace("{", "").replace("}", "") == name
        if paper:
            article = data.entries[f"{dataset_id}-paper"]
            assert article.fields["title"] == paper["title"]
            assert article.fields["url"] == paper["iri"]
            assert paper["title"] in entry.fields["note"]
            first = paper["authors"].split(",")[0].strip()
            if first:  # the authors, in the paper's order, as "Family, Given"
                assert str(article.persons["author"][0]) == ", ".join(reversed(first.rsplit(" ", 1)))
            else:  # unknown authors stay unknown
                assert "author" not in article.persons


@pytest.mark.parametrize("dataset_id", IDS)
def test_ris_and_csl_json_say_the_same(built, dataset_id):
    paper = _paper(built, dataset_id)
    records = rispy.loads(_block(built, dataset_id, "ris"))
    items = json.loads(_block(built, dataset_id, "csl-json"))
    assert [r["type_of_reference"] for r in records] == ["DATA", "JOUR"][: len(records)]
    assert [i["type"] for i in items] == ["dataset", "article"][: len(items)]
    assert records[0]["urls"] == [items[0]["URL"]] == [f"{CATALOG.base_iri}dataset/{dataset_id}"]
    if paper:
        assert records[1]["title"] == items[1]["title"] == paper["title"]
        assert len(records[1].get("authors", [])) == len(items[1].get("author", []))


def test_ascii_text_skips_latex_encoding_only_where_pybtex_leaves_it_unchanged():
    """The fast path for ASCII text (cite.latex_text) gives what pybtex's own LaTeX encoding gives: for every
    printable ASCII character, every pair of them, and every name, title and author of the catalog."""
    from pybtex.database.output.bibtex import Writer

    from medvlm_kg.site.cite import latex_text

    encode = Writer(encoding="UTF-8")._encode
    printable = [chr(c) for c in range(32, 127)]
    texts = printable + [a + b for a in printable for b in printable]
    for d in CATALOG.datasets:
        texts.append(d.name)
        if d.paper:
            texts += [d.paper.title or "", *(d.paper.authors or [])]
    unchanged = [t for t in texts if latex_text(t, lambda _: None) is not None]
    assert (
        len(unchanged) > 8190
    )  # the fast path is taken (90 + 90² of the ASCII texts, and catalog text), and where it is, it is right:
    assert all(encode(t) == t for t in unchanged)
    assert all(latex_text(t, encode) == encode(t) for t in texts)


def test_the_blocks_are_written_as_text_one_csl_item_a_line(built):
    """Quotes in a block are quotes in the page's source (autoescaping would write each as five bytes), and the
    CSL-JSON array holds one item a line: the cite card is a third the bytes it was, and reads the same."""
    source = (built / "dataset" / "pathmmu.html").read_text(encoding="utf-8")
    start = source.index('<pre class="citation" id="cite-bibtex"')
    block = source[start : source.index("</pre>", start)]
    assert "&#34;" not in block and '"' in block.partition(">")[2]
    csl = _block(built, "pathmmu", "csl-json")
    lines = csl.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 2 + len(json.loads(csl))


def test_the_dataset_page_links_its_croissant_file(built):
    page = lxml.html.parse(str(built / "dataset" / "pathmmu.html")).getroot()
    (link,) = page.xpath("//main//a[@class='croissant']")
    assert link.get("href") == "pathmmu.croissant.json" and (built / "dataset" / "pathmmu.croissant.json").is_file()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_catalog_csv_has_the_columns_and_rows_of_export_markdown(built, lang):
    import csv
    import io

    from conftest import run_cli

    exported = run_cli("export-markdown", "--lang", lang, "--data", str(DATA))
    assert exported.returncode == 0, exported.stderr
    lines = [line for line in exported.stdout.splitlines() if line.startswith("|")]
    table = [[c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")] for line in lines]
    del table[1]  # the |---| line
    table = [[c.strip() for c in row] for row in table]
    path = built / ("" if lang == "en" else "zh") / "catalog.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    width = len(rows[0])  # every line as wide as the header: a cell beyond the list's columns gets an unnamed one
    assert all(len(row) == width for row in rows)
    as_markdown = [[cell or "-" for cell in row] + ["-"] * (width - len(row)) for row in table[1:]]
    assert rows[0] == table[0] + [""] * (width - len(table[0]))
    assert [[cell or "-" for cell in row] for row in rows[1:]] == as_markdown
    assert len(rows) == len(CATALOG.datasets) + 1


def test_each_row_has_a_licence_and_a_link_to_the_data(built):
    page = lxml.html.parse(str(built / "index.html")).getroot()
    for dataset in CATALOG.datasets:
        (row,) = page.xpath(f"//tr[@id='row-{dataset.id}']")
        hosts = [a.get("href") for a in row.xpath(".//a[contains(@class, 'chip-platform')]")]
        assert hosts and set(hosts) <= {a.url for a in dataset.access}, dataset.id
        licence = row.get("data-license")
        if dataset.license and dataset.license.applies_to_data:
            assert licence == dataset.license.id and row.xpath(f".//a[text()='{licence}']")
        else:
            assert licence == "unknown"
    options = {o.get("value") for o in page.xpath("//select[@name='license']/option")}
    assert "unknown" in options and "CC-BY-4.0" in options
