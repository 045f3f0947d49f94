"""Every cell of both tables of the list at commit 2a9a31f is in the graph, verbatim, next to its dataset.

tests/fixtures/readme-2a9a31f.md is an exact copy of that README (tests/fixtures/SOURCES.md). A cell both tables
write alike is one plain literal; a cell the Chinese table writes differently (a shortened title, a full-width
bracket in a name) is a literal per table, tagged @en / @zh, as modality, task and size always are. `-` cells are
not in the graph. Rows are matched by position: the Chinese table lists the same 59 datasets, rows 15 and 16 swapped.
"""

from __future__ import annotations

import re

import pytest
import rdflib

from conftest import FIXTURES, catalog_graph

MVK = rdflib.Namespace("https://w3id.org/medvlm-kg/vocab#")
SDO = rdflib.Namespace("https://schema.org/")
COLUMNS = ["name", "title", "date", "modality", "task", "size", "links"]
SHARED = {"name": MVK.listedName, "title": MVK.listedTitle, "date": MVK.listedDate, "links": MVK.listedLinks}
BY_LANGUAGE = {"modality": MVK.listedModality, "task": MVK.listedTask, "size": MVK.listedSize}


def _tables() -> dict[str, list[list[str]]]:
    text = (FIXTURES / "readme-2a9a31f.md").read_text(encoding="utf-8")
    tables: dict[str, list[list[str]]] = {}
    current = None
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("Dataset Name", "数据集名称"):
            current = tables.setdefault("en" if cells[0] == "Dataset Name" else "zh", [])
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if current is not None:
            current.append(cells)
    return tables


TABLES = _tables()


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return catalog_graph(built)


def _datasets_by_row(graph: rdflib.Graph, lang: str) -> dict[int, rdflib.URIRef]:
    out = {}
    for dataset in graph.subjects(rdflib.RDF.type, SDO.Dataset):
        row = graph.value(dataset, MVK.listedChineseRow) if lang == "zh" else None
        row = row or graph.value(dataset, MVK.listedRow)
        if row is not None:
            assert row.toPython() not in out, row
            out[row.toPython()] = dataset
    return out


def test_the_tables_have_59_rows_each():
    assert len(TABLES["en"]) == len(TABLES["zh"]) == 59


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_cell_is_kept_verbatim_beside_its_dataset(graph, lang):
    by_row = _datasets_by_row(graph, lang)
    assert sorted(by_row) == list(range(1, 60))
    checked = absent = 0
    for position, cells in enumerate(TABLES[lang], start=1):
        dataset = by_row[position]
        for column, cell in zip(COLUMNS, cells, strict=False):
            checked += 1
            prop = SHARED.get(column) or BY_LANGUAGE[column]
            values = set(graph.objects(dataset, prop))
            # a shared cell: the plain literal, or the one tagged with this table's language
            mine = {v for v in values if v.language in ((None, lang) if column in SHARED else (lang,))}
            if cell == "-":
                assert not mine, f"row {position} {column} ({lang}) is '-' but the graph has {mine}"
                absent += 1
                continue
            assert len(mine) == 1, f"row {position} {column} ({lang}): {mine}"
            (value,) = mine
            assert str(value) == cell, f"row {position} {column} ({lang}): {value!r} != {cell!r}"
        extra = [c for c in cells[7:] if c]
        if extra:  # a cell beyond the header's seven (vlm-project: N/A / 未注明)
            got = {str(v) for v in graph.objects(dataset, MVK.listedExtra) if v.language in (None, lang)}
            assert got == set(extra)
    assert checked == 59 * 7
    # '-': MedS-Bench's, VQARad's and vlm-project's title; MM-Skin's size
    assert absent == 4


def test_a_cell_the_tables_write_differently_is_one_literal_per_table(graph):
    lingshu = next(graph.subjects(MVK.listedName, rdflib.Literal("Lingshu (Train)", lang="en")))
    assert set(graph.objects(lingshu, MVK.listedName)) == {
        rdflib.Literal("Lingshu (Train)", lang="en"),
        rdflib.Literal("Lingshu（Train）", lang="zh"),
    }
    assert graph.value(lingshu, SDO.name) == rdflib.Literal("Lingshu (Train)")


def test_the_loose_values_became_data(graph):
    def ds(name):
        return next(graph.subjects(MVK.listedName, rdflib.Literal(name)))

    assert graph.value(ds("Multi-RADS"), SDO.datePublished) == rdflib.Literal("2026-01-06", datatype=rdflib.XSD.date)
    assert graph.value(ds("Bones and Joints (B&J) Benchmark"), SDO.datePublished).toPython().isoformat() == (
        "2025-12-25"
    )
    heal = ds("HEAL-MedVQA")
    assert str(graph.value(graph.value(heal, SDO.publication), SDO.name)) == "IJCAI 2025"
    rx = ds("RxSafeBench")
    assert str(graph.value(graph.value(rx, SDO.publication), SDO.name)) == "BIBM 2025"
    m3 = ds("M$^3$-Med")
    assert graph.value(m3, SDO.name) == rdflib.Literal("M³-Med")
    assert rdflib.Literal("M$^3$-Med") in set(graph.objects(m3, SDO.alternateName))
    bj = ds("Bones and Joints (B&J) Benchmark")
    (size,) = graph.objects(bj, SDO.size)
    assert graph.value(size, SDO.value).toPython() == 1245
    assert str(graph.value(size, SDO.unitCode)).endswith("/qa-pair")
    assert str(graph.value(size, SDO.description)) == "spanning 7 clinical competency tasks"
    medieval = ds("MediEval")
    links = {str(v) for v in graph.objects(medieval, MVK.listedLinks)}
    assert any("<br>" in v for v in links)  # the cell stays verbatim
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    urls = [str(graph.value(a, dcat.accessURL)) for a in graph.objects(medieval, dcat.distribution)]
    assert urls == ["https://anonymous.4open.science/r/MediEval-5FA5/"]  # the access point has no markup
    assert not [u for u in urls if re.search("<|>", u)]
