"""Every cell of the seed's two tables is in the graph, verbatim, next to its dataset — and `-` cells are not.

The catalog now follows the list at 2a9a31f; a seed cell the later list changed stays on the dataset's earlier
listing (mvk:earlierListing, version 95a7adb: the seed's commit). The tables are copied in
tests/fixtures/seed-tables.md (tests never read ../shared).
"""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, XSD

from conftest import FIXTURES, catalog_graph

MVK = rdflib.Namespace("https://w3id.org/medvlm-kg/vocab#")
SDO = rdflib.Namespace("https://schema.org/")
BASE = "https://w3id.org/medvlm-kg/"
SEED_COMMIT = "95a7adb4146b117c38d5c8bd76286d3b167c08f8"

# Column order of both tables, and the property that keeps each column's cell as listed.
COLUMNS = ["name", "title", "date", "modality", "task", "size", "links"]
SHARED = {"name": MVK.listedName, "title": MVK.listedTitle, "date": MVK.listedDate, "links": MVK.listedLinks}
BY_LANGUAGE = {"modality": MVK.listedModality, "task": MVK.listedTask, "size": MVK.listedSize}


def _tables() -> dict[str, list[dict[str, str]]]:
    text = (FIXTURES / "seed-tables.md").read_text(encoding="utf-8")
    tables, current = [], None
    for line in text.splitlines():
        if not line.startswith("|"):
            current = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current is None:
            current = []
            tables.append(current)
            continue  # header row
        if set("".join(cells)) <= set("-: "):
            continue  # separator row
        current.append(dict(zip(COLUMNS, cells, strict=True)))
    english, chinese = tables
    return {"en": english, "zh": chinese}


TABLES = _tables()


@pytest.fixture(scope="module")
def graph(built) -> rdflib.Graph:
    return catalog_graph(built)


def _listings(graph: rdflib.Graph, dataset: rdflib.URIRef) -> list[rdflib.term.Node]:
    """The dataset (its current listing) and its earlier listings."""
    return [dataset, *graph.objects(dataset, MVK.earlierListing)]


def _dataset(graph: rdflib.Graph, name: str) -> rdflib.URIRef:
    found = list(graph.subjects(MVK.listedName, rdflib.Literal(name)))
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_the_seed_tables_have_14_rows_of_7_cells_in_both_languages():
    assert len(TABLES["en"]) == len(TABLES["zh"]) == 14
    assert sum(len(r) for r in TABLES["en"]) == 98
    assert sum(len([c for c in r if c in BY_LANGUAGE]) for r in TABLES["zh"]) == 42


def test_every_english_and_chinese_cell_is_kept_verbatim_beside_its_dataset(graph):
    checked = {"en": 0, "zh": 0}
    absent = 0
    for lang, rows in TABLES.items():
        for row in rows:
            dataset = _dataset(graph, row["name"])
            columns = COLUMNS if lang == "en" else list(BY_LANGUAGE)
            for column in columns:
                cell = row[column]
                checked[lang] += 1
                prop = SHARED.get(column) or BY_LANGUAGE[column]
                values = {v for n in _listings(graph, dataset) for v in graph.objects(n, prop)}
                if column in SHARED:
                    expected = rdflib.Literal(cell)
                else:
                    values = {v for v in values if v.language == lang}
                    expected = rdflib.Literal(cell, lang=lang)
                if cell == "-":
                    assert not values, f"{row['name']} {column} ({lang}) is '-' but the graph has {values}"
                    absent += 1
                else:
                    assert expected in values, f"{row['name']} {column} ({lang}): {cell!r} not in {values}"
                    if expected not in set(graph.objects(dataset, prop)):  # changed later: the seed's version
                        earlier = [n for n in _listings(graph, dataset)[1:] if (n, prop, expected) in graph]
                        assert earlier and all(
                            graph.value(n, MVK.listedVersion) == rdflib.Literal(SEED_COMMIT) for n in earlier
                        )
    assert checked == {"en": 98, "zh": 42}
    assert absent == 3  # MedS-Bench's title; MM-Skin's size in English and in Chinese


def test_no_cell_is_stored_as_the_string_dash(graph):
    assert not [t for t in graph if t[2] == rdflib.Literal("-")]


def test_the_name_title_date_and_links_cells_are_shared_by_both_tables():
    for en, zh in zip(TABLES["en"], TABLES["zh"], strict=True):
        assert [en[c] for c in SHARED] == [zh[c] for c in SHARED]


def test_every_link_in_the_links_cell_is_an_access_point_with_its_label_and_platform(graph):
    platforms = {"GitHub": "github", "HF": "hugging-face", "OSF": "osf", "OpenXLab": "openxlab"}
    for row in TABLES["en"]:
        dataset = _dataset(graph, row["name"])
        links = re.findall(r"\[([^\]]+)\]\(([^)]+)\)", row["links"])
        assert links
        points = {
            (
                str(graph.value(a, DCTERMS.title)),
                str(graph.value(a, DCAT.accessURL)),
                str(graph.value(a, MVK.hostPlatform)),
            )
            for a in graph.objects(dataset, DCAT.distribution)
        }
        expected = {(label, url, f"{BASE}concept/platform/{platforms[label]}") for label, url in links}
        assert points == expected, row["name"]


@pytest.mark.parametrize(
    ("name", "value", "datatype"),
    [
        ("MedCaseReasoning", "2025-05-20", XSD.date),
        ("SurgVLM-DB", "2025-06", XSD.gYearMonth),
        ("GMAI-MMBench", "2024", XSD.gYear),
        ("OmniMedVQA", "2024", XSD.gYear),
    ],
)
def test_dates_are_typed_to_the_precision_the_list_gives(graph, name, value, datatype):
    dataset = _dataset(graph, name)
    assert graph.value(dataset, SDO.datePublished) == rdflib.Literal(value, datatype=datatype)


def test_a_venue_cell_becomes_a_venue_and_a_year(graph):
    dataset = _dataset(graph, "CARES")
    venue = graph.value(dataset, SDO.publication)
    assert graph.value(venue, SDO.name) == rdflib.Literal("NeurIPS 2024")
    assert (venue, RDF.type, SDO.PublicationEvent) in graph


def _sizes(graph, name) -> dict[str, tuple[int, bool]]:
    dataset = _dataset(graph, name)
    out = {}
    for q in graph.objects(dataset, SDO.size):
        unit = str(graph.value(q, SDO.unitCode)).rsplit("/", 1)[1]
        out[unit] = (graph.value(q, SDO.value).toPython(), graph.value(q, MVK.approximate).toPython())
    return out


def test_sizes_become_counts_with_units_and_rounded_ones_are_approximate(graph):
    assert _sizes(graph, "SurgVLM-DB") == {"frame": (1_810_000, True), "qa-pair": (7_790_000, True)}
    assert _sizes(graph, "GMAI-MMBench") == {"qa-pair": (26_000, True)}
    assert _sizes(graph, "VQARad") == {"image": (315, False), "qa-pair": (3_515, False)}
    assert _sizes(graph, "MultiMedEval") == {"task": (6, False), "dataset": (23, False)}
    assert _sizes(graph, "MM-Skin") == {}


def test_a_size_the_list_gives_as_a_lower_bound_is_stated_as_one(graph, built):
    """HEAL-MedVQA's cell says "11,000+ samples": the graph gives 11,000 as the count's minimum (and not as exact),
    and the pages say "at least", where they said "about"."""
    (size,) = graph.objects(_dataset(graph, "HEAL-MedVQA"), SDO.size)
    assert graph.value(size, SDO.minValue).toPython() == graph.value(size, SDO.value).toPython() == 11_000
    assert graph.value(size, MVK.approximate).toPython() is True
    english = (built / "dataset" / "heal-medvqa.html").read_text(encoding="utf-8")
    chinese = (built / "zh" / "dataset" / "heal-medvqa.html").read_text(encoding="utf-8")
    assert "<strong>at least 11,000</strong>" in english and "Size: at least 11,000 instances." in english
    assert "<strong>至少 11,000</strong>" in chinese and "数据规模：样本至少 11,000。" in chinese
    assert "about 11,000" not in english and "约 11,000" not in chinese


def test_modality_and_task_cells_become_concepts_and_a_modality_count_is_kept(graph):
    gmai = _dataset(graph, "GMAI-MMBench")
    assert set(graph.objects(gmai, MVK.modality)) == {rdflib.URIRef(BASE + "concept/modality/multimodal")}
    assert graph.value(gmai, MVK.modalityCount).toPython() == 38
    drvd = _dataset(graph, "DrVD-Bench")
    assert {str(t).rsplit("/", 1)[1] for t in graph.objects(drvd, MVK.task)} == {
        "vqa",
        "reasoning",
        "report-generation",
    }


def test_meds_bench_has_no_title_but_a_sourced_link_to_the_meds_ins_paper(graph):
    bench, ins = _dataset(graph, "MedS-Bench"), _dataset(graph, "MedS-Ins")
    assert graph.value(bench, MVK.listedTitle) is None
    paper = rdflib.URIRef("https://arxiv.org/abs/2408.12547")
    assert graph.value(bench, SDO.citation) == graph.value(ins, SDO.citation) == paper
    statements = [
        s
        for s in graph.subjects(RDF.subject, bench)
        if graph.value(s, RDF.predicate) == SDO.citation and graph.value(s, RDF.object) == paper
    ]
    assert len(statements) == 1
    assert set(graph.objects(statements[0], DCTERMS.source)) == {rdflib.URIRef("http://web3.arxiv.org/abs/2408.12547")}


def test_a_differing_primary_fact_sits_beside_the_listed_cell(graph):
    alphamed = _dataset(graph, "AlphaMed19K")
    (earlier,) = graph.objects(alphamed, MVK.earlierListing)
    assert graph.value(earlier, MVK.listedTitle) == rdflib.Literal("LLM Reasoning with Minimalist Rule-Based RL")
    assert str(graph.value(alphamed, MVK.listedTitle)).startswith("Beyond Distillation")  # the list corrected it
    paper = graph.value(alphamed, SDO.citation)
    assert str(graph.value(paper, SDO.name)).startswith("Beyond Distillation")
    assert graph.value(paper, DCTERMS.source) is not None


def test_the_seed_version_of_a_listing_points_at_the_list_at_the_seed_commit(graph):
    vqarad = _dataset(graph, "VQARad")
    assert graph.value(vqarad, MVK.listedTitle) is None  # the list at 2a9a31f shows '-'
    (earlier,) = graph.objects(vqarad, MVK.earlierListing)
    readme = f"https://github.com/yezanting/Med-VLM-Bench-Summary/blob/{SEED_COMMIT}/README.md"
    assert graph.value(earlier, PROV.wasDerivedFrom) == rdflib.URIRef(readme)
    assert graph.value(earlier, MVK.listedRow).toPython() == 9
    assert graph.value(vqarad, MVK.listedRow).toPython() == 50
    assert rdflib.URIRef(readme) in set(graph.objects(vqarad, PROV.wasDerivedFrom))
