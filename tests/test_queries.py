"""The bundled SPARQL questions, each checked against an answer worked out by hand from the seed's table.

The expected rows below were read off the seed (tests/fixtures/seed-tables.md) and the concept schemes in
ontology/, not produced by running the queries. Parameters are bound as RDF terms: injection attempts stay
plain values and the store is intact afterwards.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from conftest import DATA, run_cli
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
    # Seed: "Medical Images + Text" (DrVD-Bench), "Medical Images + QA" (CARES), "Pathology Image + Text"
    # (PathMMU), "Radiography" (VQARad); pathology and radiography are kinds of medical image.
    result = ask(store, catalog, "datasets-by-modality", modality="medical-image")
    assert rows(result, "name", "matched") == [
        ("CARES", "medical-image"),
        ("DrVD-Bench", "medical-image"),
        ("PathMMU", "pathology"),
        ("VQARad", "radiography"),
    ]
    assert column(ask(store, catalog, "datasets-by-modality", modality="pathology"), "name") == ["PathMMU"]
    assert column(ask(store, catalog, "datasets-by-modality", modality="ct"), "name") == []


def test_datasets_by_task_vqa_counts_open_ended_vqa(store, catalog):
    # Seed task column containing VQA: DrVD-Bench, MM-Skin (open-ended VQA), PMC-VQA, VQARad, GMAI-MMBench,
    # OmniMedVQA.
    result = ask(store, catalog, "datasets-by-task", task="vqa")
    assert column(result, "name") == ["DrVD-Bench", "GMAI-MMBench", "MM-Skin", "OmniMedVQA", "PMC-VQA", "VQARad"]
    assert dict(rows(result, "name", "matched"))["MM-Skin"] == "open-ended-vqa"


def test_datasets_per_year(store, catalog):
    # 2023: VQARad. 2024: PMC-VQA, GMAI-MMBench, PathMMU, OmniMedVQA, CARES, MultiMedEval. 2025: the other 7.
    result = ask(store, catalog, "datasets-per-year")
    assert rows(result, "year", "datasets") == [("2023", "1"), ("2024", "6"), ("2025", "7")]


def test_datasets_in_year_takes_year_from_dates_and_venues(store, catalog):
    result = ask(store, catalog, "datasets-in-year", year="2024")
    assert sorted(column(result, "name")) == sorted(
        ["PMC-VQA", "GMAI-MMBench", "PathMMU", "OmniMedVQA", "CARES", "MultiMedEval"]
    )
    assert dict(rows(result, "name", "listed"))["OmniMedVQA"] == "CVPR 2024"
    assert column(ask(store, catalog, "datasets-in-year", year="2023"), "name") == ["VQARad"]


def test_datasets_by_venue_from_seed_and_papers(store, catalog):
    result = ask(store, catalog, "datasets-by-venue")
    seed = {(v, n) for v, n, via in rows(result, "venue", "name", "via") if via == "seed"}
    assert seed == {("NeurIPS 2024", "GMAI-MMBench"), ("NeurIPS 2024", "CARES"), ("CVPR 2024", "OmniMedVQA")}
    papers = {n for n, via in rows(result, "name", "via") if via == "paper"}
    assert papers == {"CARES", "GMAI-MMBench", "OmniMedVQA", "MedS-Ins", "MedS-Bench", "VQARad"}


def test_newest_first(store, catalog):
    result = ask(store, catalog, "newest-first")
    assert column(result, "name") == [
        "SurgVLM-DB",  # 2025.06
        "DrVD-Bench",  # 2025.05.30
        "AlphaMed19K",  # 2025.05.23
        "MedCaseReasoning",  # 2025.05.20
        "MM-Skin",  # 2025.05.09
        "MedS-Bench",  # 2025.05
        "MedS-Ins",  # 2025.05
        "PMC-VQA",  # 2024.08.08
        "PathMMU",  # 2024.03.20
        "MultiMedEval",  # 2024.02.16
        "CARES",  # NeurIPS 2024
        "GMAI-MMBench",  # NeurIPS 2024
        "OmniMedVQA",  # CVPR 2024
        "VQARad",  # 2023.08.07
    ]
    assert dict(rows(result, "name", "listed"))["CARES"] == "NeurIPS 2024"


def test_largest_by_qa_count(store, catalog):
    # Seed sizes: 7.79M QAs, 226,946 QA pairs, 127,995 QA, 41K, 33,428, 26K, 19K, 14,489, 7,789, 3,515.
    result = ask(store, catalog, "largest-by-qa-count")
    assert rows(result, "name", "qa_pairs", "approximate") == [
        ("SurgVLM-DB", "7790000", "true"),
        ("PMC-VQA", "226946", "false"),
        ("OmniMedVQA", "127995", "false"),
        ("CARES", "41000", "true"),
        ("PathMMU", "33428", "false"),
        ("GMAI-MMBench", "26000", "true"),
        ("AlphaMed19K", "19000", "true"),
        ("MedCaseReasoning", "14489", "false"),
        ("DrVD-Bench", "7789", "false"),
        ("VQARad", "3515", "false"),
    ]


def test_image_counts(store, catalog):
    result = ask(store, catalog, "image-counts")
    assert rows(result, "name", "count", "unit") == [
        ("SurgVLM-DB", "1810000", "frame"),
        ("OmniMedVQA", "118010", "image"),
        ("PathMMU", "24067", "image"),
        ("VQARad", "315", "image"),
    ]


def test_datasets_sharing_a_paper(store, catalog):
    # MedS-Ins and MedS-Bench come from one paper (arXiv 2408.12547).
    result = ask(store, catalog, "datasets-sharing-a-paper")
    assert rows(result, "paper", "first", "second") == [("https://arxiv.org/abs/2408.12547", "MedS-Bench", "MedS-Ins")]


def test_datasets_by_paper(store, catalog):
    result = ask(store, catalog, "datasets-by-paper", paper="https://arxiv.org/abs/2408.12547")
    assert column(result, "name") == ["MedS-Bench", "MedS-Ins"]


def test_host_platforms(store, catalog):
    # Links column: GitHub ×6 (SurgVLM-DB, MedCaseReasoning, DrVD-Bench, MM-Skin, CARES, MultiMedEval),
    # HF ×7 (MedS-Ins, MedS-Bench, DrVD-Bench, AlphaMed19K, PMC-VQA, GMAI-MMBench, PathMMU), OSF, OpenXLab.
    result = ask(store, catalog, "host-platforms")
    assert rows(result, "platform", "datasets") == [
        ("hugging-face", "7"),
        ("github", "6"),
        ("openxlab", "1"),
        ("osf", "1"),
    ]


def test_modality_hierarchy_with_counts(store, catalog):
    result = ask(store, catalog, "modality-hierarchy")
    table = {m: (b, int(d), int(t)) for m, b, d, t in rows(result, "modality", "broader", "direct", "total")}
    assert table["text"] == (None, 11, 11)
    assert table["image"] == (None, 3, 7)  # MM-Skin, PMC-VQA, MultiMedEval + the 4 medical-image ones
    assert table["medical-image"] == ("image", 2, 4)
    assert table["pathology"] == ("medical-image", 1, 1)
    assert table["radiography"] == ("medical-image", 1, 1)
    assert table["video"] == (None, 1, 1)
    assert table["multimodal"] == (None, 2, 2)  # GMAI-MMBench (38 types), OmniMedVQA (12 types)
    assert table["ct"] == ("medical-image", 0, 0)
    assert len(table) == 12


def test_labels_in_chinese_by_default(store, catalog):
    result = ask(store, catalog, "labels-in-language")
    cells = {name: (m, t, s) for name, m, t, s in rows(result, "name", "modality", "task", "size")}
    assert len(cells) == 14
    assert cells["PathMMU"] == ("病理图像 + 文本", "选择题+推理", "33,428问答, 24,067图像")
    assert cells["VQARad"] == ("放射图像", "VQA", "315图像, 3515问答")
    assert cells["MM-Skin"] == ("图像 + 文本", "开放式VQA（无推理）", None)  # "-" stays absent
    english = ask(store, catalog, "labels-in-language", lang="en")
    assert dict(rows(english, "name", "size"))["VQARad"] == "315 images, 3,515 QAs"


def test_unknown_fields(store, catalog):
    result = ask(store, catalog, "unknown-fields")
    missing = rows(result, "name", "missing")
    assert ("MedS-Bench", "paper title as listed") in missing  # the seed's "-"
    assert ("MM-Skin", "size") in missing  # the seed's "-"
    assert sum(1 for _, m in missing if m == "size") == 1
    # Homepages are known for CARES, PathMMU, PMC-VQA and SurgVLM-DB only.
    assert {n for n, m in missing if m == "homepage"} == {
        "AlphaMed19K",
        "DrVD-Bench",
        "GMAI-MMBench",
        "MM-Skin",
        "MedCaseReasoning",
        "MedS-Bench",
        "MedS-Ins",
        "MultiMedEval",
        "OmniMedVQA",
        "VQARad",
    }
    assert not any(m == "paper" for _, m in missing)


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
    assert len(table) == 13  # 14 datasets, MedS-Ins and MedS-Bench share one paper
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
    assert column(result, "name")[:4] == ["SurgVLM-DB", "MedCaseReasoning", "MedS-Ins", "MedS-Bench"]
    assert column(result, "row") == [str(n) for n in range(1, 15)]
    assert dict(rows(result, "name", "title"))["MedS-Bench"] is None  # the seed's "-"


def test_datasets_by_license(store, catalog):
    # Licenses stated on the datasets' own pages that map to SPDX and cover the data (data/datasets/*.yaml).
    result = ask(store, catalog, "datasets-by-license")
    assert rows(result, "license", "name") == [
        ("Apache-2.0", "DrVD-Bench"),
        ("Apache-2.0", "GMAI-MMBench"),
        ("CC-BY-4.0", "CARES"),
        ("CC-BY-4.0", "MedCaseReasoning"),
        ("CC-BY-NC-SA-4.0", "SurgVLM-DB"),
        ("CC-BY-ND-4.0", "PathMMU"),
    ]


def test_license_unknown_says_why(store, catalog):
    result = ask(store, catalog, "license-unknown")
    assert rows(result, "name", "covers") == [
        ("AlphaMed19K", None),  # no statement found
        ("MM-Skin", None),
        ("MedS-Bench", "unclear"),  # "CC BY-SA" without a version, scope unclear
        ("MedS-Ins", "unclear"),
        ("MultiMedEval", "code"),  # MIT, for the code only
        ("OmniMedVQA", None),
        ("PMC-VQA", "data"),  # "CC BY-SA" without a version: no single SPDX license
        ("VQARad", None),
    ]


def test_search_matches_any_language_and_case(store, catalog):
    assert column(ask(store, catalog, "search", text="SKIN"), "name") == ["MM-Skin"]
    assert column(ask(store, catalog, "search", text="病理"), "name") == ["PathMMU"]


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
    assert result.returncode == 1
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
    assert result.returncode == 1
    assert 'unknown query "datasets-by-modalty"' in result.stderr and "datasets-by-modality" in result.stderr


def test_unknown_parameter_lists_the_known_ones():
    result = run_cli("query", "datasets-by-modality", "--param", "modalty=pathology")
    assert result.returncode == 1
    assert 'no parameter "modalty"' in result.stderr and "modality (concept:modality)" in result.stderr


def test_unknown_concept_suggests_the_closest():
    result = run_cli("query", "datasets-by-modality", "--param", "modality=patholgy")
    assert result.returncode == 1 and 'did you mean "pathology"' in result.stderr


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
    assert csv_out.splitlines()[:2] == ["platform,label,datasets", "hugging-face,Hugging Face,7"]
    tsv_out = run_cli("query", "host-platforms", "--format", "tsv").stdout
    assert tsv_out.splitlines()[:2] == ["?platform\t?label\t?datasets", '"hugging-face"\t"Hugging Face"@en\t7']


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
    from_data = run_cli("query", name, *params, "--format", "json", "--data", str(DATA))
    from_build = run_cli("query", name, *params, "--format", "json", "--from-build", str(built))
    assert from_data.returncode == from_build.returncode == 0, from_build.stderr
    assert from_build.stdout == from_data.stdout


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


def test_every_select_answer_pages_into_the_whole_answer(built):
    """``--limit``/``--offset`` pages concatenate to the whole answer, in order, with its size counted."""
    base_iri, store = built_store(built)
    for query in bundled_queries().values():
        if query.form != "SELECT":
            continue
        bindings = bind(query, {p.name: p.example for p in query.params}, base_iri)
        whole = run_local(store, query, bindings)
        pages, offset = [], 0
        while True:
            page = run_local(store, query, bindings, limit=4, offset=offset)
            assert page.total == len(whole.rows) and page.variables == whole.variables
            if not page.rows:
                break
            pages += page.rows
            offset += 4
        assert pages == whole.rows, query.name


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
