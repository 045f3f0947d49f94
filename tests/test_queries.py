"""The bundled SPARQL questions, each checked against an answer worked out without the product's queries.

The catalog holds the 59 datasets of the list at commit 2a9a31f. The expected rows below were read off
data/datasets/*.yaml and the concept schemes in ontology/ by a separate script that parses the YAML and the
Turtle directly (/work/scratch/data-prep/expected.py of issue 14: PyYAML + rdflib, none of medvlm_kg), and
checked by eye against the list's tables — not produced by running the queries. Parameters are bound as RDF
terms: injection attempts stay plain values and the store is intact afterwards.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from conftest import DATA, ROOT, run_cli
from medvlm_kg.catalog.load import load_catalog
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.sparql.query import (
    bind,
    bound_text,
    built_store,
    bundled_queries,
    local_store,
    queryable_triples,
    run_local,
)

BASE = "https://w3id.org/medvlm-kg/"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA)


@pytest.fixture(scope="module")
def store(catalog):
    return local_store(convert(catalog))


def ask(store, catalog, name: str, **params: str):
    query = bundled_queries()[name]
    return run_local(store, query, bind(query, params, catalog.base_iri))


def column(result, variable: str) -> list:
    index = result.variables.index(variable)
    return [None if row[index] is None else row[index].value for row in result.rows]


def rows(result, *variables: str) -> list[tuple]:
    return [tuple(values) for values in zip(*(column(result, v) for v in variables), strict=True)]


# --- the set of queries and their headers -------------------------------------------------------------------


def test_at_least_twelve_bundled_queries_each_with_title_description_and_example():
    queries = bundled_queries()
    assert len(queries) >= 12
    for query in queries.values():
        assert query.title and query.description, query.name
        assert query.example.startswith(f"medvlm-kg query {query.name}"), query.name
        for param in query.params:
            assert param.type and param.description and param.example, (query.name, param.name)
            assert f"--param {param.name}=" in query.example or param.default is not None, (query.name, param.name)


def test_every_query_runs_with_its_documented_example_parameters(store, catalog):
    for query in bundled_queries().values():
        params = {p.name: p.example for p in query.params}
        result = run_local(store, query, bind(query, params, catalog.base_iri))
        assert result.rows or result.triples, f"{query.name} answered nothing for its own example"


def test_parameters_open_the_outermost_where_group_as_values():
    for query in bundled_queries().values():
        if query.params:
            bindings = {ox.Variable(p.name): ox.Literal("x") for p in query.params}
            text = bound_text(query, bindings)
            assert "VALUES (" in text.split("WHERE", 1)[1][:80], query.name


# --- hand-worked answers ------------------------------------------------------------------------------------


def test_datasets_by_modality_includes_narrower_concepts(store, catalog):
    # Medical images directly (CARES, DrVD-Bench) or through a narrower concept: CT, MRI, PET, radiography,
    # pathology, dermatology, endoscopy and 3D images are kinds of medical image.
    result = ask(store, catalog, "datasets-by-modality", modality="medical-image")
    assert rows(result, "name", "matched") == [
        ("AbdomenAtlas 3.0", "ct"),
        ("AbdomenAtlas 3.0", "volumetric-image"),
        ("Bones and Joints (B&J) Benchmark", "ct"),
        ("Bones and Joints (B&J) Benchmark", "mri"),
        ("Bones and Joints (B&J) Benchmark", "radiography"),
        ("CARES", "medical-image"),
        ("Derm1M", "dermatology"),
        ("DrVD-Bench", "medical-image"),
        ("EndoBench", "endoscopy"),
        ("GEMeX", "radiography"),
        ("HIE-Reasoning", "mri"),
        ("MedTVT-QA", "radiography"),
        ("MedVision", "ct"),
        ("MedVision", "mri"),
        ("MedVision", "pet"),
        ("MedVision", "radiography"),
        ("Neural-MedBench", "ct"),
        ("Neural-MedBench", "mri"),
        ("PET2Rep", "ct"),
        ("PET2Rep", "pet"),
        ("PathMMU", "pathology"),
        ("Surg-396K", "endoscopy"),
        ("VQARad", "radiography"),
        ("ViPET-ReportGen", "ct"),
        ("ViPET-ReportGen", "pet"),
        ("ViPET-ReportGen", "volumetric-image"),
        ("XBench", "radiography"),
        ("vlm-project-with-images-with-bbox-images-with-tree-of-thoughts", "mri"),
    ]
    assert column(ask(store, catalog, "datasets-by-modality", modality="pathology"), "name") == ["PathMMU"]
    assert column(ask(store, catalog, "datasets-by-modality", modality="ct"), "name") == [
        "AbdomenAtlas 3.0",
        "Bones and Joints (B&J) Benchmark",
        "MedVision",
        "Neural-MedBench",
        "PET2Rep",
        "ViPET-ReportGen",
    ]
    assert column(ask(store, catalog, "datasets-by-modality", modality="ultrasound"), "name") == []


def test_datasets_by_task_vqa_counts_open_ended_vqa(store, catalog):
    # Task concepts vqa or narrower (open-ended VQA: MM-Skin), 20 datasets.
    result = ask(store, catalog, "datasets-by-task", task="vqa")
    assert column(result, "name") == [
        "Asclepius", "Bones and Joints (B&J) Benchmark", "DrVD-Bench", "EndoBench", "GEMeX", "GMAI-MMBench",
        "HEAL-MedVQA", "MM-Skin", "MedEvalKit (Linshu Test)", "MedTrinity-25M", "MediConfusion", "OmniMedVQA",
        "PMC-VQA", "PubMedVision", "SSG-VQA", "Surg-396K", "VQARad", "ViPET-ReportGen", "medical-o1-reasoning-SFT",
        "vlm-project-with-images-with-bbox-images-with-tree-of-thoughts",
    ]  # fmt: skip
    assert dict(rows(result, "name", "matched"))["MM-Skin"] == "open-ended-vqa"


def test_datasets_per_year(store, catalog):
    # published years: 2023 VQARad; 2024 the 6 seed ones + HuatuoGPT-o1 Dataset, PubMedVision; 2026 Multi-RADS.
    result = ask(store, catalog, "datasets-per-year")
    assert rows(result, "year", "datasets") == [("2023", "1"), ("2024", "8"), ("2025", "49"), ("2026", "1")]


def test_datasets_in_year_takes_year_from_dates_and_venues(store, catalog):
    result = ask(store, catalog, "datasets-in-year", year="2024")
    assert sorted(column(result, "name")) == sorted(
        ["PMC-VQA", "GMAI-MMBench", "PathMMU", "OmniMedVQA", "CARES", "MultiMedEval", "HuatuoGPT-o1 Dataset",
         "PubMedVision"]
    )  # fmt: skip
    assert dict(rows(result, "name", "listed"))["OmniMedVQA"] == "CVPR 2024"
    assert column(ask(store, catalog, "datasets-in-year", year="2023"), "name") == ["VQARad"]


def test_datasets_by_venue_from_seed_and_papers(store, catalog):
    result = ask(store, catalog, "datasets-by-venue")
    listed = {(v, n) for v, n, via in rows(result, "venue", "name", "via") if via == "seed"}
    assert listed == {
        ("ACL 2025", "Asclepius"), ("ACL 2025", "medical-o1-reasoning-SFT"), ("BIBM 2025", "RxSafeBench"),
        ("CLIC-it 2025", "IMB"), ("CVPR 2024", "OmniMedVQA"), ("EMNLP 2025", "TracSum"),
        ("ICCV 2025", "AbdomenAtlas 3.0"), ("ICCV 2025", "Derm1M"), ("ICCV 2025", "GEMeX"),
        ("ICLR 2025", "MedTrinity-25M"), ("ICLR 2025", "MediConfusion"), ("ICML 2025", "HIE-Reasoning"),
        ("ICML 2025", "MedXpertQA"), ("IJCAI 2025", "HEAL-MedVQA"), ("NeurIPS 2024", "CARES"),
        ("NeurIPS 2024", "GMAI-MMBench"), ("NeurIPS 2025", "ViPET-ReportGen"),
    }  # fmt: skip
    papers = {n for n, via in rows(result, "name", "via") if via == "paper"}
    assert papers == {
        "AbdomenAtlas 3.0",
        "AnesSuite",
        "Asclepius",
        "BRIDGE",
        "CARES",
        "EHRStruct",
        "EndoBench",
        "GEMeX",
        "GMAI-MMBench",
        "HEAL-MedVQA",
        "HIE-Reasoning",
        "HuatuoGPT-o1 Dataset",
        "LLMEval-Med",
        "MedAgentBoard",
        "MedQARo",
        "MedS-Ins",
        "MedS-Bench",
        "MedTrinity-25M",
        "MedXpertQA",
        "MediConfusion",
        "Neural-MedBench",
        "OmniMedVQA",
        "PET2Rep",
        "PubMedVision",
        "ReasonMed",
        "SemBench",
        "TracSum",
        "VQARad",
        "ViPET-ReportGen",
        "medical-o1-reasoning-SFT",
    }  # fmt: skip  (MedS-Bench through the paper it shares with MedS-Ins)


def test_newest_first(store, catalog):
    result = ask(store, catalog, "newest-first")
    assert column(result, "name") == [
        "Multi-RADS",
        "MedQARo",
        "TCM-Eval",
        "AnesSuite",
        "Bones and Joints (B&J) Benchmark",
        "MediEval",
        "Neural-MedBench",
        "TCM-BEST4SDT",
        "EHRStruct",
        "SurgMLLMBench",
        "MedVision",
        "SemBench",
        "MedAgentBoard",
        "BRIDGE",
        "XBench",
        "LLMEval-Med",
        "CSEDB",
        "PET2Rep",
        "SSG-VQA",
        "M³-Med",
        "MedTVT-QA",
        "HIE-Reasoning",
        "ReasonMed",
        "MIRIAD",
        "Lingshu (Train)",
        "MedEvalKit (Linshu Test)",
        "ClinBench-HPB",
        "SurgVLM-DB",
        "vlm-project-with-images-with-bbox-images-with-tree-of-thoughts",
        "DrVD-Bench",
        "EndoBench",
        "AlphaMed19K",
        "MedCaseReasoning",
        "MM-Skin",
        "MedS-Bench",
        "MedS-Ins",
        "Derm1M",
        "GEMeX",
        "Surg-396K",
        "AbdomenAtlas 3.0",
        "Asclepius",
        "HEAL-MedVQA",
        "IMB",
        "MedTrinity-25M",
        "MedXpertQA",
        "MediConfusion",
        "RxSafeBench",
        "TracSum",
        "ViPET-ReportGen",
        "medical-o1-reasoning-SFT",
        "HuatuoGPT-o1 Dataset",
        "PubMedVision",
        "PMC-VQA",
        "PathMMU",
        "MultiMedEval",
        "CARES",
        "GMAI-MMBench",
        "OmniMedVQA",
        "VQARad",
    ]  # fmt: skip  (2026-01-06 first … a year alone ("2025") after that year's dates; 2023-08-07 last)
    assert dict(rows(result, "name", "listed"))["CARES"] == "NeurIPS 2024"
    assert dict(rows(result, "name", "listed"))["TracSum"].startswith("the 2025 Conference")  # the English cell


def test_largest_by_qa_count(store, catalog):
    result = ask(store, catalog, "largest-by-qa-count")
    assert rows(result, "name", "qa_pairs", "approximate") == [
        ("MedTrinity-25M", "25000000", "true"),
        ("SurgVLM-DB", "7790000", "true"),
        ("MIRIAD", "5800000", "true"),
        ("MIRIAD", "4400000", "true"),
        ("GEMeX", "1605575", "false"),
        ("PubMedVision", "1300000", "true"),
        ("PMC-VQA", "226946", "false"),
        ("OmniMedVQA", "127995", "false"),
        ("MedQARo", "102646", "false"),
        ("CARES", "41000", "true"),
        ("PathMMU", "33428", "false"),
        ("GMAI-MMBench", "26000", "true"),
        ("medical-o1-reasoning-SFT", "19700", "true"),
        ("AlphaMed19K", "19000", "true"),
        ("MedCaseReasoning", "14489", "false"),
        ("M³-Med", "12747", "false"),
        ("DrVD-Bench", "7789", "false"),
        ("EndoBench", "6832", "false"),
        ("VQARad", "3515", "false"),
        ("Asclepius", "3232", "false"),
        ("Bones and Joints (B&J) Benchmark", "1245", "false"),
        ("HIE-Reasoning", "749", "false"),
    ]


def test_image_counts(store, catalog):
    result = ask(store, catalog, "image-counts")
    assert rows(result, "name", "count", "unit") == [
        ("MedTrinity-25M", "25000000", "image"),
        ("SurgVLM-DB", "1810000", "frame"),
        ("PubMedVision", "914960", "image"),
        ("GEMeX", "151025", "image"),
        ("OmniMedVQA", "118010", "image"),
        ("Surg-396K", "41400", "image"),
        ("PathMMU", "24067", "image"),
        ("SurgMLLMBench", "10652", "frame"),
        ("VQARad", "315", "image"),
    ]


def test_datasets_sharing_a_paper(store, catalog):
    # MedS-Ins/MedS-Bench (arXiv 2408.12547), HuatuoGPT-o1 Dataset/medical-o1-reasoning-SFT (2412.18925),
    # Lingshu (Train)/MedEvalKit (2506.07044).
    result = ask(store, catalog, "datasets-sharing-a-paper")
    assert rows(result, "paper", "first", "second") == [
        ("https://arxiv.org/abs/2408.12547", "MedS-Bench", "MedS-Ins"),
        ("https://arxiv.org/abs/2412.18925", "HuatuoGPT-o1 Dataset", "medical-o1-reasoning-SFT"),
        ("https://arxiv.org/abs/2506.07044", "Lingshu (Train)", "MedEvalKit (Linshu Test)"),
    ]


def test_datasets_by_paper(store, catalog):
    result = ask(store, catalog, "datasets-by-paper", paper="https://arxiv.org/abs/2408.12547")
    assert column(result, "name") == ["MedS-Bench", "MedS-Ins"]


def test_host_platforms(store, catalog):
    # Links cells: platform of each access point (host name, or named for github.io/netlify/sharepoint/own site).
    result = ask(store, catalog, "host-platforms")
    assert rows(result, "platform", "datasets") == [
        ("github", "30"),
        ("hugging-face", "22"),
        ("github-pages", "7"),
        ("anonymous-github", "1"),
        ("netlify", "1"),
        ("onedrive", "1"),
        ("openxlab", "1"),
        ("osf", "1"),
        ("website", "1"),
    ]


def test_modality_hierarchy_with_counts(store, catalog):
    result = ask(store, catalog, "modality-hierarchy")
    table = {m: (b, int(d), int(t)) for m, b, d, t in rows(result, "modality", "broader", "direct", "total")}
    assert table["text"] == (None, 48, 53)
    assert table["image"] == (None, 13, 31)
    assert table["medical-image"] == ("image", 2, 18)
    assert table["pathology"] == ("medical-image", 1, 1)
    assert table["radiography"] == ("medical-image", 6, 6)
    assert table["ct"] == ("medical-image", 6, 6)
    assert table["video"] == (None, 2, 3)  # SurgVLM-DB, M³-Med + SurgMLLMBench's surgical video
    assert table["multimodal"] == (None, 2, 2)  # GMAI-MMBench (38 types), OmniMedVQA (12 types)
    assert table["ehr"] == ("clinical-data", 4, 4)
    assert table["structured-data"] == (None, 0, 7)
    assert table["ultrasound"] == ("medical-image", 0, 0)
    assert len(table) == 33  # eeg, mammography, fundus, oct and audio among them, with no dataset of the seed


def test_labels_in_chinese_by_default(store, catalog):
    result = ask(store, catalog, "labels-in-language")
    cells = {name: (m, t, s) for name, m, t, s in rows(result, "name", "modality", "task", "size")}
    assert len(cells) == 59
    assert cells["PathMMU"] == ("病理图像 + 文本", "选择题+推理", "33,428问答, 24,067图像")
    assert cells["VQARad"] == ("放射图像", "VQA", "315图像, 3515问答")
    assert cells["MM-Skin"] == ("图像 + 文本", "开放式VQA（无推理）", None)  # "-" stays absent
    english = ask(store, catalog, "labels-in-language", lang="en")
    assert dict(rows(english, "name", "size"))["VQARad"] == "315 images, 3,515 QAs"


def test_unknown_fields(store, catalog):
    result = ask(store, catalog, "unknown-fields")
    missing = rows(result, "name", "missing")
    # title '-' in the list at 2a9a31f: MedS-Bench, VQARad, vlm-project; size '-': MM-Skin; no paper: vlm-project
    assert sorted(n for n, m in missing if m == "paper title as listed") == [
        "MedS-Bench",
        "VQARad",
        "vlm-project-with-images-with-bbox-images-with-tree-of-thoughts",
    ]
    assert [n for n, m in missing if m == "size"] == ["MM-Skin"]
    assert [n for n, m in missing if m == "paper"] == ["vlm-project-with-images-with-bbox-images-with-tree-of-thoughts"]
    # Homepages are known for 23 of the 59 (the YAML's homepage field).
    homepage_missing = {n for n, m in missing if m == "homepage"}
    assert len(homepage_missing) == 36
    assert {"VQARad", "MM-Skin", "TCM-Eval", "Derm1M"} <= homepage_missing
    assert not {"PathMMU", "CARES", "MIRIAD", "M³-Med"} & homepage_missing


def test_dataset_card_is_a_graph_about_one_dataset(store, catalog):
    result = ask(store, catalog, "dataset-card", dataset="vqarad")
    assert result.triples is not None
    subjects = {t.subject.value for t in result.triples}
    vqarad = BASE + "dataset/vqarad"
    assert vqarad in subjects and BASE + "dataset/vqarad#access-osf" in subjects
    assert not any(s.startswith(BASE + "dataset/") and not s.startswith(vqarad) for s in subjects)
    values = {t.object.value for t in result.triples if t.predicate.value == "https://schema.org/value"}
    assert values == {"315", "3515"}
    assert any(t.object.value == "https://osf.io/89kps/" for t in result.triples)


def test_papers_and_authors(store, catalog):
    result = ask(store, catalog, "papers-and-authors")
    table = {p: (int(a), c) for p, a, c in rows(result, "paper", "authors", "complete")}
    assert len(table) == 55  # 58 datasets with a paper; three pairs share one (MedS, HuatuoGPT-o1, Lingshu)
    assert table["https://arxiv.org/abs/2401.16355"] == (13, "true")  # PathMMU
    assert table["https://arxiv.org/abs/2406.06007"] == (6, "false")  # CARES: first five and the last author


def test_sourced_facts_carry_their_source(store, catalog):
    result = ask(store, catalog, "sourced-facts", dataset="meds-bench")
    facts = rows(result, "property", "value", "source")
    assert (
        "http://purl.org/dc/terms/relation",
        BASE + "dataset/meds-ins",
        "http://web3.arxiv.org/abs/2408.12547",
    ) in facts


def test_listed_table_keeps_the_lists_row_order(store, catalog):
    result = ask(store, catalog, "listed-table", lang="zh")
    assert column(result, "name")[:4] == ["Multi-RADS", "Bones and Joints (B&J) Benchmark", "MediEval", "TCM-BEST4SDT"]
    assert column(result, "row") == [str(n) for n in range(1, 60)]
    assert column(result, "name")[14:16] == ["AnesSuite", "MedQARo"]  # the Chinese table swaps rows 15 and 16
    assert dict(rows(result, "name", "title"))["MedS-Bench"] is None  # the seed's "-"


def test_datasets_by_license(store, catalog):
    # Licenses stated on the datasets' own pages that map to SPDX and cover the data (data/datasets/*.yaml).
    result = ask(store, catalog, "datasets-by-license")
    assert rows(result, "license", "name") == [
        ("Apache-2.0", "DrVD-Bench"),
        ("Apache-2.0", "GMAI-MMBench"),
        ("Apache-2.0", "PubMedVision"),
        ("C-UDA-1.0", "AnesSuite"),
        ("CC-BY-4.0", "CARES"),
        ("CC-BY-4.0", "MedCaseReasoning"),
        ("CC-BY-4.0", "MedVision"),
        ("CC-BY-NC-4.0", "Derm1M"),
        ("CC-BY-NC-4.0", "EHRStruct"),
        ("CC-BY-NC-4.0", "SurgMLLMBench"),
        ("CC-BY-NC-ND-4.0", "IMB"),
        ("CC-BY-NC-SA-4.0", "MedQARo"),
        ("CC-BY-NC-SA-4.0", "Multi-RADS"),
        ("CC-BY-NC-SA-4.0", "SSG-VQA"),
        ("CC-BY-NC-SA-4.0", "SurgVLM-DB"),
        ("CC-BY-ND-4.0", "PathMMU"),
        ("MIT", "MedXpertQA"),
    ]


def test_license_unknown_says_why(store, catalog):
    result = ask(store, catalog, "license-unknown")
    found = rows(result, "name", "covers")
    assert len(found) == 42  # 59 datasets, 17 with a licence id that covers the data
    assert ("AlphaMed19K", None) in found  # no statement found
    assert ("MedS-Bench", "unclear") in found  # "CC BY-SA" without a version, scope unclear
    assert ("MultiMedEval", "code") in found  # MIT, for the code only
    assert ("PMC-VQA", "data") in found  # "CC BY-SA" without a version: no single SPDX license
    assert ("EndoBench", "code") in found and ("TCM-BEST4SDT", "unclear") in found
    assert sum(1 for _, c in found if c is None) == 31  # no licence statement found at all


def test_search_matches_any_language_and_case(store, catalog):
    assert column(ask(store, catalog, "search", text="SKIN"), "name") == ["Derm1M", "MM-Skin"]
    # 病理: PathMMU's modality cell, HEAL-MedVQA's size cell (病理区域)
    assert column(ask(store, catalog, "search", text="病理"), "name") == ["HEAL-MedVQA", "PathMMU"]


# --- parameters are values, never query text ----------------------------------------------------------------

INJECTIONS = ['"} ; DROP ALL #', "' } DELETE WHERE { ?s ?p ?o } #", '\\" ) } UNION { ?s ?p ?o } #', "<http://x>"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_string_parameter_injection_is_a_plain_value(store, catalog, payload):
    before = len(store)
    assert ask(store, catalog, "search", text=payload).rows == []
    assert len(store) == before


def test_injected_text_can_still_be_found_when_it_is_really_in_the_catalog(catalog):
    # A value with quotes and braces matches literally: proof it is compared as a string, not parsed.
    triples = queryable_triples(convert(catalog)) + [
        ox.Triple(
            ox.NamedNode(BASE + "dataset/vqarad"), ox.NamedNode(BASE + "vocab#listedTitle"), ox.Literal(INJECTIONS[0])
        )
    ]
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    assert column(ask(store, catalog, "search", text=INJECTIONS[0]), "name") == ["VQARad"]


@pytest.mark.parametrize(
    ("name", "param", "payload"),
    [
        ("datasets-by-paper", "paper", "https://x> } DROP ALL #"),
        ("dataset-card", "dataset", 'vqarad"} ; DROP ALL #'),
        ("datasets-in-year", "year", "2024 } ; DROP ALL #"),
        ("labels-in-language", "lang", 'zh") } #'),
        ("datasets-by-modality", "modality", "<http://evil>"),
    ],
)
def test_typed_parameters_reject_what_is_not_their_type(name, param, payload):
    result = run_cli("query", name, "--param", f"{param}={payload}")
    assert result.returncode == 2  # a usage error (issue 18: exit 2, as click does)
    assert result.stderr.count("\n") == 1 and param in result.stderr and "Traceback" not in result.stderr


# --- the command line ---------------------------------------------------------------------------------------


def test_query_list_names_every_query_with_its_parameters():
    result = run_cli("query", "--list")
    assert result.returncode == 0
    for query in bundled_queries().values():
        assert query.name in result.stdout and query.title in result.stdout
    assert "--param modality=<concept:modality>" in result.stdout


def test_unknown_query_lists_the_known_ones():
    result = run_cli("query", "datasets-by-modalty")
    assert result.returncode == 2
    assert 'unknown query "datasets-by-modalty"' in result.stderr and "datasets-by-modality" in result.stderr


def test_unknown_parameter_lists_the_known_ones():
    result = run_cli("query", "datasets-by-modality", "--param", "modalty=pathology")
    assert result.returncode == 2
    assert 'no parameter "modalty"' in result.stderr and "modality (concept:modality)" in result.stderr


def test_unknown_concept_suggests_the_closest():
    result = run_cli("query", "datasets-by-modality", "--param", "modality=patholgy")
    assert result.returncode == 2 and 'did you mean "pathology"' in result.stderr


def test_json_output_is_sparql_results_json():
    result = run_cli("query", "datasets-by-modality", "--param", "modality=pathology", "--format", "json")
    assert result.returncode == 0
    answer = json.loads(result.stdout)
    assert answer["head"]["vars"] == ["dataset", "name", "matched", "listed"]
    (binding,) = answer["results"]["bindings"]
    assert binding["dataset"] == {"type": "uri", "value": BASE + "dataset/pathmmu"}
    assert binding["listed"] == {"type": "literal", "value": "Pathology Image + Text", "xml:lang": "en"}


def test_csv_and_tsv_output():
    csv_out = run_cli("query", "host-platforms", "--format", "csv").stdout
    assert csv_out.splitlines()[:2] == ["platform,label,datasets", "github,GitHub,30"]
    tsv_out = run_cli("query", "host-platforms", "--format", "tsv").stdout
    assert tsv_out.splitlines()[:2] == ["?platform\t?label\t?datasets", '"github"\t"GitHub"@en\t30']


def test_construct_prints_turtle():
    result = run_cli("query", "dataset-card", "--param", "dataset=pathmmu")
    assert result.returncode == 0
    graph = ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE)
    assert any(t.object == ox.Literal("PathMMU") for t in graph)


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_every_bundled_query_answers_from_a_build_folder_as_from_data(name, built):
    """``query --from-build`` loads the built catalog.nt instead of reading the YAML again (minutes less at
    100,000 entries); the answer is the same, row for row."""
    query = bundled_queries()[name]
    params = [f"--param={p.name}={p.example}" for p in query.params]
    no_build = str(built.parent / "no-build-here")  # so the data is read, not a current build's store
    from_data = run_cli("query", name, *params, "--format", "json", "--data", str(DATA), "--out", no_build)
    from_build = run_cli("query", name, *params, "--format", "json", "--from-build", str(built))
    assert from_data.returncode == from_build.returncode == 0, from_build.stderr
    assert from_build.stdout == from_data.stdout


def test_a_query_on_the_data_a_build_was_made_from_is_answered_by_its_store(built, monkeypatch):
    """Without --from-build, a build in --out made from --data as it is now answers (its marker's digest against a
    scan of the folder): at 10,000 entries reading and converting the catalog took 33 s a query."""
    from click.testing import CliRunner

    import medvlm_kg.catalog.load
    from medvlm_kg.cli import main

    args = ["query", "newest-first", "--format", "csv", "--limit", "0"]
    expected = run_cli(*args, "--from-build", str(built)).stdout
    monkeypatch.chdir(ROOT)  # where the build ran: the digest names the catalog folder as shown from there

    def not_read(*_args, **_kwargs):
        raise AssertionError("the catalog was read although a current build could answer")

    monkeypatch.setattr(medvlm_kg.catalog.load, "load_catalog", not_read)
    answer = CliRunner().invoke(main, [*args, "--data", str(DATA), "--out", str(built)])
    assert answer.exit_code == 0, answer.output
    assert answer.stdout == expected and expected.count("\n") == 60


def test_after_an_edit_the_query_reads_the_data_not_the_older_build(catalog_copy, tmp_path):
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    args = ("query", "search", "--param", "text=PathMMU", "--format", "csv", "--data", str(catalog_copy))
    assert ",PathMMU\n" in run_cli(*args, "--out", str(out)).stdout
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: PathMMU", "name: PathMMU renamed", 1), "utf-8")
    assert ",PathMMU renamed\n" in run_cli(*args, "--out", str(out)).stdout


def test_a_build_leaves_its_query_store_beside_the_output_not_in_it(built):
    """``build --out DIR`` leaves an on-disk store in ``DIR.store`` (not in DIR, which a static host uploads),
    named by the manifest; ``query --from-build`` opens it read-only instead of loading catalog.nt."""
    from medvlm_kg.build.store import current_generation, open_store, store_root

    generation = current_generation(built)
    assert generation and (store_root(built) / generation / "ready").is_dir()
    assert store_root(built).parent == built.parent and not any(p.suffix == ".sst" for p in built.rglob("*"))
    store = open_store(built)
    assert store is not None
    (count,) = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)))
    assert int(count.value) == len(queryable_triples(convert(load_catalog(DATA)))), "the catalog and the ontology"


def test_a_reader_finds_the_query_store_from_the_folders_marker_without_its_manifest(built, tmp_path):
    """The build's marker names its store generation beside the manifest's name, so ``query --from-build`` opens
    the store after reading one small file (the manifest is 300 MB at 100,000 entries): a copy of the folder whose
    manifest is gone still opens its store, and answers from it as the original does."""
    import shutil

    from medvlm_kg.build.output import MARKER, beside, manifest_path
    from medvlm_kg.build.store import current_generation, generation_named, open_store

    generation = current_generation(built)
    assert f"store: {generation}" in (built / MARKER).read_text(encoding="utf-8").splitlines()
    with_manifest = generation_named(json.loads(manifest_path(built).read_bytes())["units"])
    assert generation == with_manifest
    copy = tmp_path / "build"
    shutil.copytree(built, copy)
    shutil.copytree(beside(built), beside(copy))
    manifest_path(copy).unlink()
    assert open_store(copy) is not None
    query = ("query", "newest-first", "--limit", "5", "--format", "csv", "--from-build")
    assert run_cli(*query, str(copy)).stdout == run_cli(*query, str(built)).stdout


@pytest.mark.parametrize("keep", [False, True], ids=["computed", "kept"])
def test_every_select_answer_pages_into_the_whole_answer(built_copy, keep):
    """``--limit``/``--offset`` pages concatenate to the whole answer, in order, with its size counted; so do
    pages read from the answer a first page kept beside the store (``kept_answers``: kept only when that page had
    more rows after it)."""
    from medvlm_kg.sparql.kept_answers import answer_path

    base_iri, store, generation = built_store(built_copy)
    assert generation is not None
    for query in bundled_queries().values():
        if query.form != "SELECT":
            continue
        bindings = bind(query, {p.name: p.example for p in query.params}, base_iri)
        whole = run_local(store, query, bindings)
        pages, offset = [], 0
        while True:
            page = run_local(store, query, bindings, limit=4, offset=offset, kept=generation if keep else None)
            assert page.total == len(whole.rows) and page.variables == whole.variables
            if not page.rows:
                break
            pages += page.rows
            offset += 4
        assert pages == whole.rows, query.name
        kept = answer_path(generation, bound_text(query, bindings)).is_file()
        assert kept == (keep and len(whole.rows) > 4), query.name


def test_query_prints_a_page_and_says_how_to_get_the_next(built):
    first = run_cli("query", "newest-first", "--from-build", str(built), "--limit", "5", "--format", "csv")
    second = run_cli("query", "newest-first", "--from-build", str(built), "--limit", "5", "--offset", "5")
    whole = run_cli("query", "newest-first", "--from-build", str(built), "--limit", "0", "--format", "csv")
    assert first.returncode == second.returncode == whole.returncode == 0
    rows = whole.stdout.splitlines()
    total = len(rows) - 1
    assert total > 10 and first.stdout.splitlines() == rows[:6]
    assert first.stderr.strip() == f"rows 1–5 of {total}; --offset 5 for more"
    assert second.stderr.strip() == f"rows 6–10 of {total}; --offset 10 for more"
    assert whole.stderr == ""  # the whole answer needs no note


def test_query_from_a_folder_without_a_build_says_to_build(tmp_path):
    result = run_cli("query", "newest-first", "--from-build", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "has no catalog.nt" in result.stderr and "medvlm-kg build --out" in result.stderr
    both = run_cli("query", "newest-first", "--from-build", str(tmp_path), "--endpoint", "http://127.0.0.1:9/q")
    assert both.returncode == 2 and "choose one" in both.stderr


def test_datasets_by_list_gives_each_list_with_its_datasets_in_row_order(store, catalog):
    result = ask(store, catalog, "datasets-by-list")
    found = rows(result, "list", "name", "row")
    assert {list_ for list_, _, _ in found} == {catalog.readme}  # the project catalog is read from one list
    assert len(found) == 59  # the 59 rows of the list at 2a9a31f (data/datasets/ holds one file each)
    assert [int(row) for _, _, row in found] == list(range(1, 60))  # its English table's row order


def test_the_store_is_bulk_loaded_a_piece_at_a_time_and_holds_the_same_graph(built, tmp_path, monkeypatch):
    """Oxigraph's bulk loader holds what one call gives it in memory, so a dump is loaded in pieces that end at
    a line end; in pieces of a few hundred bytes the store holds exactly what one call loads."""
    from medvlm_kg.build import store as query_store

    def loaded(dump, piece: int) -> set[str]:
        monkeypatch.setattr(query_store, "LOAD_PIECE", piece)
        into = ox.Store()
        query_store.load_into(into, dump, ox.DefaultGraph())
        return {str(q) for q in into}

    dump = built / "catalog.nt.gz"
    whole = loaded(dump, 1 << 30)
    assert loaded(dump, 300) == whole and len(whole) == len(queryable_triples(convert(load_catalog(DATA))))
    # a blank node is one node within one call only: from the first piece that may hold one, the rest goes at once
    blank = tmp_path / "blank.nt"
    blank.write_text("".join(f'_:b <http://example.org/p{i}> "{i:>40}" .\n' for i in range(50)), "utf-8")
    subjects = {q.split(" ")[0] for q in loaded(blank, 300) if "example.org/p" in q}
    assert len(subjects) == 1
