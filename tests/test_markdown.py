"""Awesome-list tables in and out: the seed README round-trips, curators' files are never overwritten, and real
lists written by strangers import without a crash, with a report of what was skipped and why."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DATA, FIXTURES, run_cli
from medvlm_kg.catalog.markdown import ImportReport, _concepts, _sizes, import_markdown, parse_tables, read_entries

SEED = FIXTURES / "seed-readme.md"
LISTS = FIXTURES / "awesome-lists"


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- reading tables -----------------------------------------------------------------------------------------


def test_the_seed_has_two_dataset_tables_and_an_authors_table():
    tables = parse_tables(SEED.read_text(encoding="utf-8"))
    assert [len(t.rows) for t in tables] == [4, 14, 14]
    report = ImportReport("seed")
    entries = read_entries(SEED.read_text(encoding="utf-8"), report)
    assert [e.name for e in entries][:3] == ["SurgVLM-DB", "MedCaseReasoning", "MedS-Ins"]
    assert len(entries) == 14
    assert report.skipped == [
        {"line": 11, "reason": "table has no dataset columns (name plus title, link, size…)"}
    ]  # the authors' table
    pathmmu = next(e for e in entries if e.name == "PathMMU")
    assert pathmmu.by_lang["modality"] == {"en": "Pathology Image + Text", "zh": "病理图像 + 文本"}


def test_cells_keep_escaped_pipes_and_code_spans():
    (table,) = parse_tables("| a | b |\n|---|---|\n| x \\| y | `p|q` |\n")
    assert table.rows[0].cells == ("x | y", "`p|q`")


@pytest.mark.parametrize(
    ("cell", "ids", "count"),
    [
        ("Pathology Image + Text", ["pathology", "text"], None),
        ("Multi-modal (38 types)", ["multimodal"], 38),
        ("多模态（12种）", ["multimodal"], 12),
        ("Medical Images + QA", ["medical-image", "text"], None),
        ("X-Ray (N = 220k, Healthy and 13 disease classes (7 in common with NIH))", ["radiography"], None),
    ],
)
def test_modality_cells_map_to_concepts(cell, ids, count):
    assert _concepts("modality", cell)[:2] == (ids, count)


@pytest.mark.parametrize(
    ("cell", "ids"),
    [
        ("VQA, Reasoning, Report Gen.", ["vqa", "reasoning", "report-generation"]),
        ("Open/Closed QA", ["open-ended-qa", "closed-ended-qa"]),
        ("Open-ended VQA (no reasoning)", ["open-ended-vqa"]),
        ("QA Reasoning", ["question-answering", "reasoning"]),
        ("医学VQA、推理、报告生成", ["vqa", "reasoning", "report-generation"]),
    ],
)
def test_task_cells_map_to_concepts(cell, ids):
    assert _concepts("task", cell)[0] == ids


@pytest.mark.parametrize(
    ("cell", "counts"),
    [
        ("1.81M frames, 7.79M QAs", [(1_810_000, "frame", True), (7_790_000, "qa-pair", True)]),
        ("33,428 QAs, 24,067 images", [(33_428, "qa-pair", False), (24_067, "image", False)]),
        ("26K QA pairs", [(26_000, "qa-pair", True)]),
        ("5M样本, 19K指令", [(5_000_000, "instance", True), (19_000, "instruction", True)]),
        ("约2万张图像", [(20_000, "image", True)]),
        ("~1.5亿问答对", [(150_000_000, "qa-pair", True)]),
        ("≈ 3,000 images", [(3_000, "image", True)]),
        ("6 tasks, 23 datasets", [(6, "task", False), (23, "dataset", False)]),
    ],
)
def test_size_cells_become_counts_with_units(cell, counts):
    found, unmapped = _sizes(cell)
    assert [(c["count"], c["unit"], c.get("approximate", False)) for c in found] == counts
    assert unmapped == []


# --- importing ----------------------------------------------------------------------------------------------


def test_importing_the_seed_into_an_empty_folder_gives_14_entries_that_validate(tmp_path):
    data = tmp_path / "data"
    result = run_cli("import-markdown", str(SEED), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert len(list((data / "datasets").glob("*.yaml"))) == 14
    assert "14 new, 0 differing, 0 unchanged" in result.stdout
    shutil.copy(DATA / "catalog.yaml", data / "catalog.yaml")  # the catalog's own description is not in a table
    check = run_cli("validate", "--data", str(data))
    assert check.returncode == 0, check.stdout + check.stderr


def test_imported_entries_carry_the_structured_facts(tmp_path):
    import yaml

    import_markdown(SEED, tmp_path)
    cares = yaml.safe_load((tmp_path / "datasets" / "cares.yaml").read_text(encoding="utf-8"))
    assert cares["listed"]["task"] == {"en": "Open/Closed QA", "zh": "开放与封闭问答"}
    assert cares["published"] == "2024" and cares["venue"] == "NeurIPS 2024"
    assert cares["size"] == [{"count": 41000, "unit": "qa-pair", "approximate": True}]
    assert cares["access"] == [{"label": "GitHub", "url": "https://github.com/richard-peng-xia/CARES"}]
    mm_skin = yaml.safe_load((tmp_path / "datasets" / "mm-skin.yaml").read_text(encoding="utf-8"))
    assert "size" not in mm_skin and "size" not in mm_skin["listed"]  # "-" stays absent
    bench = yaml.safe_load((tmp_path / "datasets" / "meds-bench.yaml").read_text(encoding="utf-8"))
    assert "title" not in bench["listed"]


@pytest.fixture
def seed_catalog(tmp_path):
    """A catalog imported from the seed README (data/ now follows the list at 2a9a31f, with listing history the
    importer does not write yet)."""
    data = tmp_path / "seed-data"
    import_markdown(SEED, data)
    shutil.copy(DATA / "catalog.yaml", data / "catalog.yaml")
    return data


def test_importing_the_seed_over_the_catalog_changes_nothing(seed_catalog):
    catalog_copy = seed_catalog
    before = snapshot(catalog_copy)
    result = run_cli("import-markdown", str(SEED), "--data", str(catalog_copy))
    assert result.returncode == 0, result.stderr
    assert "0 new, 0 differing, 14 unchanged" in result.stdout
    assert snapshot(catalog_copy) == before


def test_a_modified_list_adds_one_file_and_reports_the_change_without_overwriting(seed_catalog, tmp_path):
    catalog_copy = seed_catalog
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("| VQA Benchmark for Radiography Images ", "| VQA-RAD: A Radiology VQA Benchmark ", 1).replace(
        "| MultiMedEval       |",
        "| NewBench-X         | A New Benchmark | 2025.07.01 | CT + Text | VQA | 1,200 QA pairs | "
        "[HF](https://huggingface.co/datasets/example/NewBench-X) |\n| MultiMedEval       |",
        1,
    )
    modified = tmp_path / "README.md"
    modified.write_text(text, encoding="utf-8")
    before = snapshot(catalog_copy)
    result = run_cli("import-markdown", str(modified), "--data", str(catalog_copy), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [a["id"] for a in report["added"]] == ["newbench-x"]
    (changed,) = report["changed"]
    assert changed["id"] == "vqarad"
    assert changed["differences"] == [
        "listed.title: 'VQA Benchmark for Radiography Images' → 'VQA-RAD: A Radiology VQA Benchmark'"
    ]
    after = snapshot(catalog_copy)
    assert {k: v for k, v in after.items() if k.name != "newbench-x.yaml"} == before  # nothing overwritten
    assert run_cli("validate", "--data", str(catalog_copy)).returncode == 0


def test_dry_run_writes_nothing(tmp_path):
    result = run_cli("import-markdown", str(SEED), "--data", str(tmp_path / "data"), "--dry-run")
    assert result.returncode == 0 and "would add" in result.stdout
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("name", ["neerakara-datasets.md", "medical-ai-navigator.md"])
def test_real_awesome_lists_import_without_a_crash_and_say_what_they_could_not_map(tmp_path, name):
    result = run_cli("import-markdown", str(LISTS / name), "--data", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["added"]) >= 10
    assert report["unmapped"], "real lists use words our concept schemes do not know; they must be reported"
    for item in report["unmapped"]:
        assert item["line"] > 0 and item["field"] in ("modality", "task", "size", "date") and item["text"]


def test_messy_tables_are_reported_not_fatal(tmp_path):
    messy = tmp_path / "messy.md"
    messy.write_text(
        "# 🩺 List\n\n| Name | Link |\n|---|---|\n\n"  # a table with no rows
        "| Dataset | Size | Link |\n|---|---|---|\n"
        '| **Alpha**<br>v2 | ~2K images | <a href="https://github.com/a/alpha">code</a> '
        "[HF](https://huggingface.co/a) |\n"
        "| Beta | 10 |\n"  # a missing cell
        "| Gamma | 5 images | https://zenodo.org/record/1 | extra |\n"  # an extra cell
        "| - | 3 images | - |\n"  # no name
        "| Delta 🚀 | 12 widgets | [broken](javascript:alert(1)) |\n"
        "| <b>unclosed | 1 image | x |\n",
        encoding="utf-8",
    )
    report = import_markdown(messy, tmp_path / "data")
    assert [a["id"] for a in report.added] == ["alpha-v2", "beta", "gamma", "delta", "unclosed"]
    reasons = " / ".join(s["reason"] for s in report.skipped)
    assert "missing cells taken as unknown" in reasons and "extra cells ignored" in reasons
    assert "row without a dataset name" in reasons and "table has no rows" in reasons
    assert {"line": 12, "field": "size", "text": "12 widgets", "closest": []} in report.unmapped
    import yaml

    alpha = yaml.safe_load((tmp_path / "data" / "datasets" / "alpha-v2.yaml").read_text(encoding="utf-8"))
    assert alpha["size"] == [{"count": 2000, "unit": "image", "approximate": True}]
    assert [a["url"] for a in alpha["access"]] == ["https://github.com/a/alpha", "https://huggingface.co/a"]
    delta = yaml.safe_load((tmp_path / "data" / "datasets" / "delta.yaml").read_text(encoding="utf-8"))
    assert "access" not in delta  # a javascript: link is never an access point


def test_an_existing_file_is_never_replaced_even_if_it_appears_during_the_import(tmp_path):
    data = tmp_path / "data"
    (data / "datasets").mkdir(parents=True)
    mine = data / "datasets" / "pathmmu.yaml"
    mine.write_text("# my work in progress\n", encoding="utf-8")
    report = import_markdown(SEED, data)
    assert mine.read_text(encoding="utf-8") == "# my work in progress\n"
    assert "pathmmu" not in [a["id"] for a in report.added]


def test_not_utf8_is_a_clear_error(tmp_path):
    bad = tmp_path / "latin1.md"
    bad.write_bytes("| Name | Size |\n|---|---|\n| Caf\xe9 | 3 images |\n".encode("latin-1"))
    result = run_cli("import-markdown", str(bad), "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "not UTF-8" in result.stderr and "Traceback" not in result.stderr


# --- exporting ----------------------------------------------------------------------------------------------


def seed_table(lang: str) -> list[list[str]]:
    """Rows of the seed's English or Chinese table (tests/fixtures/seed-tables.md), cells stripped."""
    tables = parse_tables((FIXTURES / "seed-tables.md").read_text(encoding="utf-8"))
    table = tables[0] if lang == "en" else tables[1]
    return [[c.strip() for c in table.headers]] + [[c.strip() for c in row.cells] for row in table.rows]


def readme_table(lang: str) -> list[list[str]]:
    """Rows of the English or Chinese dataset table of the README at 2a9a31f (tests/fixtures/readme-2a9a31f.md),
    cells stripped and runs of spaces taken as one; an empty cell after the last column is markup, dropped."""
    tables = parse_tables((FIXTURES / "readme-2a9a31f.md").read_text(encoding="utf-8"))
    table = tables[0] if lang == "en" else tables[1]
    rows = [list(table.headers)] + [list(row.cells) for row in table.rows]
    out = []
    for cells in rows:
        cells = [" ".join(c.split()) for c in cells]
        while len(cells) > 7 and not cells[-1]:
            cells.pop()
        out.append(cells)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_reproduces_the_2a9a31f_tables_row_for_row(lang):
    result = run_cli("export-markdown", "--lang", lang)
    assert result.returncode == 0, result.stderr
    (table,) = parse_tables(result.stdout)
    exported = [[" ".join(c.split()) for c in [*table.headers]]] + [
        [" ".join(c.split()) for c in row.cells] for row in table.rows
    ]
    expected = readme_table(lang)
    assert len(exported) == len(expected) == 60  # the header and 59 rows
    for got, want in zip(exported, expected, strict=True):
        assert got == want
    # the row with a cell beyond the columns keeps it (vlm-project: N/A in English, 未注明 in Chinese)
    assert any(len(row) == 8 for row in exported)


def test_import_then_export_round_trips(tmp_path):
    data = tmp_path / "data"
    import_markdown(SEED, data)
    shutil.copy(DATA / "catalog.yaml", data / "catalog.yaml")
    result = run_cli("export-markdown", "--lang", "zh", "--data", str(data))
    assert result.returncode == 0, result.stderr
    (table,) = parse_tables(result.stdout)
    assert [list(table.headers)] + [list(r.cells) for r in table.rows] == seed_table("zh")
