"""Real awesome lists, imported as a new user would (issue 13): the corpus in tests/fixtures/awesome-lists/ (exact
copies, sources and licences in SOURCES.md) against the dataset rows counted by hand (expected.yaml).

- recall and precision: each list gives 90 to 110% of its hand count, all lists together at least 95%;
- every imported entry validates, and importing a list a second time changes nothing;
- `init`, `import-markdown`, `validate` and `build` work in a row, as typed;
- docs/import.md shows the same numbers (run ``python tests/test_import_lists.py`` to rewrite its table).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, run_cli
from medvlm_kg.catalog.markdown import ImportReport, import_markdown
from medvlm_kg.catalog.scaffold import init_catalog
from medvlm_kg.problems import CatalogError

LISTS = FIXTURES / "awesome-lists"
EXPECTED: dict = yaml.safe_load((LISTS / "expected.yaml").read_text(encoding="utf-8"))["files"]
POSITIVE = [name for name, spec in EXPECTED.items() if spec["datasets"]]
NEGATIVE = [name for name, spec in EXPECTED.items() if not spec["datasets"]]
DOC = ROOT / "docs" / "import.md"
START, END = "<!-- corpus:start -->", "<!-- corpus:end -->"


@cache
def dry_run(name: str) -> ImportReport:
    return import_markdown(
        LISTS / name, Path("/nonexistent/catalog"), dry_run=True, source_url=EXPECTED[name]["source"]
    )


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, tuple[Path, ImportReport, dict]]:
    """Every list imported into its own new catalog (made by init), and validate's verdict on it."""
    found = {}
    for name in POSITIVE:
        data = tmp_path_factory.mktemp(name.removesuffix(".md"))
        init_catalog(data, title=f"Test catalog of {name}", publisher="Test Curator")
        report = import_markdown(LISTS / name, data, source_url=EXPECTED[name]["source"])
        result = run_cli("validate", "--data", str(data), "--format", "json")
        verdict = json.loads(result.stdout)
        verdict["returncode"] = result.returncode
        found[name] = (data, report, verdict)
    return found


def test_each_list_is_still_the_exact_copy_of_its_source():
    import hashlib

    for name, spec in EXPECTED.items():  # a formatter or an editor must not touch them (pyproject excludes them)
        assert hashlib.sha256((LISTS / name).read_bytes()).hexdigest() == spec["sha256"], name


# --- recall and precision -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", POSITIVE)
def test_each_list_gives_90_to_110_percent_of_its_hand_counted_datasets(name):
    expected = EXPECTED[name]["datasets"]
    added = len(dry_run(name).added)
    assert 0.9 * expected <= added <= 1.1 * expected, f"{name}: {added} imported, {expected} counted by hand"


def test_all_lists_together_give_at_least_95_percent_of_the_hand_count():
    expected = sum(EXPECTED[name]["datasets"] for name in POSITIVE)
    added = sum(len(dry_run(name).added) for name in POSITIVE)
    assert added >= 0.95 * expected
    assert added <= 1.05 * expected


@pytest.mark.parametrize("name", NEGATIVE)
def test_a_list_of_projects_imports_nothing_and_says_why_for_each_table(name, tmp_path):
    with pytest.raises(CatalogError) as error:
        import_markdown(LISTS / name, tmp_path)
    text = "\n".join(map(str, error.value.problems))
    assert "no dataset rows to import" in text
    assert "a table of projects or tools" in text
    assert not (tmp_path / "datasets").exists()


def test_tables_of_models_papers_tools_and_loss_functions_are_skipped_with_the_reason():
    report = dry_run("medical-ai-navigator-readme.md")
    reasons = {s["line"]: s["reason"] for s in report.skipped if s["kind"] == "table-not-datasets"}
    assert reasons[237] == 'a table of loss functions (its first column is "Loss Function Name"), not of datasets'
    assert reasons[292] == 'a table of models (its first column is "Model"), not of datasets'
    assert reasons[318] == 'a table of projects or tools (its first column is "Projects"), not of datasets'
    cblue = dry_run("cblue-readme-zh.md")
    assert cblue.skipped_by_kind() == {"row-code": 8, "table-not-datasets": 14}  # `EEDataset` is a class


def test_a_row_split_over_two_lines_and_template_rows_are_not_datasets():
    onejune = dry_run("onejune2018-medical-llm-datasets.md")
    assert [s["line"] for s in onejune.skipped if s["kind"] == "row-continued"] == [76]  # "pairs"
    bogdoll = dry_run("bogdoll-ad-datasets-2020.md")
    assert [s["line"] for s in bogdoll.skipped if s["kind"] == "row-no-name"] == [13, 14, 15]  # "[]() | | |"


def test_the_same_dataset_twice_is_one_entry_and_the_differences_are_noted():
    report = dry_run("paddlers-remote-sensing-datasets-zh.md")
    names = [a["name"] for a in report.added]
    assert sum(n.casefold().startswith("planet:") for n in names) == 1  # once in capitals, once in lower case
    openmedlab = dry_run("openmedlab-awesome-medical-dataset.md")
    notes = [n["text"] for n in openmedlab.notes if n["kind"] == "duplicate-differs"]
    assert any(t.startswith('"FLARE 2023" again (first at line 215)') for t in notes)
    assert any(t.startswith('"MedBench" again (first at line 539)') for t in notes)


def test_a_dataset_listed_twice_is_one_file_with_the_second_row_as_a_further_listing(imported):
    data, _, _ = imported["openmedlab-awesome-medical-dataset.md"]
    flare = yaml.safe_load((data / "datasets" / "flare-2023.yaml").read_text(encoding="utf-8"))
    assert flare["listed"]["description"] == {"en": "3D CT, 2300 Cases, 13 Categories of Abdominal Organ Segmentation"}
    (again,) = flare["also_listed"]  # the list's second "FLARE 2023" row (Abdomen table, line 226)
    assert again["source"] == flare["listed"]["source"] and again["links"].startswith("[CodaLab]")
    assert not (data / "datasets" / "flare-2023-2.yaml").exists()


def test_names_that_differ_by_punctuation_only_are_kept_apart_and_reported():
    report = dry_run("andy-jqa-biomedical-qa-datasets.md")
    assert {"COVIDQA", "COVID-QA"} <= {a["name"] for a in report.added}
    assert any(n["kind"] == "look-alike" and "COVID-QA" in n["text"] for n in report.notes)


def test_a_cell_naming_two_datasets_is_reported_not_silently_merged():
    notes = [n for n in dry_run("medical-ai-navigator-readme.md").notes if n["kind"] == "two-names"]
    assert [n["line"] for n in notes] == [166]
    assert "Camelyon16 / 17" in notes[0]["text"] and "split the file by hand" in notes[0]["text"]


# --- every entry valid, importing twice changes nothing -----------------------------------------------------


@pytest.mark.parametrize("name", POSITIVE)
def test_every_imported_entry_validates(name, imported):
    data, report, verdict = imported[name]
    errors = [p for p in verdict["problems"] if p["severity"] == "error"]
    assert errors == [] and verdict["valid"] and verdict["returncode"] == 0
    assert len(list((data / "datasets").glob("*.yaml"))) == len(report.added)


@pytest.mark.parametrize("name", POSITIVE)
def test_importing_a_list_a_second_time_changes_nothing(name, imported):
    data, first, _ = imported[name]
    before = snapshot(data)
    again = import_markdown(LISTS / name, data, source_url=EXPECTED[name]["source"])
    assert snapshot(data) == before
    assert again.added == [] and again.changed == []
    assert len(again.unchanged) == len(first.added)


# --- as a new user types it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lab-rasool-medical-vlms-and-datasets.md", "easynlp-datahub-zh.md"])
def test_init_import_validate_and_build_in_a_row(name, tmp_path):
    data, out = tmp_path / "c", tmp_path / "site"
    for args in (
        ("init", str(data)),
        ("import-markdown", str(LISTS / name), "--data", str(data)),
        ("validate", "--data", str(data)),
        ("build", "--data", str(data), "--out", str(out)),
    ):
        result = run_cli(*args)
        assert result.returncode == 0, f"{args[0]}: {result.stdout}{result.stderr}"
    pages = list((out / "dataset").glob("*.html"))
    assert len(pages) == len(list((data / "datasets").glob("*.yaml"))) > 10
    assert (out / "index.html").is_file()


def test_a_list_of_another_field_builds_pages_that_crawlers_take_and_that_quote_its_descriptions(tmp_path):
    # LLMDataHub lists LLM training data, not medical data, in English only: its pages must not call a corpus
    # "medical", must quote the list's description cell (in the Chinese page too, saying it is English), and
    # every dataset page must meet Google's required properties as a crawler (extruct) reads them.
    name = "llmdatahub-DATASETS.md"
    data, out = tmp_path / "c", tmp_path / "site"
    init_catalog(data, title="LLM data", publisher="Test Curator", source_url=EXPECTED[name]["source"])
    import_markdown(LISTS / name, data, source_url=EXPECTED[name]["source"])
    assert run_cli("build", "--data", str(data), "--out", str(out)).returncode == 0
    crawled = run_cli("inspect-site", "--out", str(out), "--format", "json")
    assert crawled.returncode == 0, crawled.stdout[-2000:]
    page = (out / "dataset" / "belle.html").read_text(encoding="utf-8")
    zh_page = (out / "zh" / "dataset" / "belle.html").read_text(encoding="utf-8")
    assert "BELLE is a dataset listed in LLM data. The source list describes it: “A Chinese instruction" in page
    assert "源列表的英文描述：“A Chinese instruction dataset similar to Alpaca data" in zh_page
    assert "medical" not in page and "医学" not in zh_page


def test_import_into_a_folder_without_a_catalog_says_to_run_init(tmp_path):
    result = run_cli("import-markdown", str(LISTS / "jmed-llm.md"), "--data", str(tmp_path / "c"))
    assert result.returncode == 0
    line = next(line for line in result.stdout.splitlines() if "catalog.yaml" in line)
    assert "has no catalog.yaml" in line and "medvlm-kg init" in line


# --- docs/import.md -----------------------------------------------------------------------------------------


def corpus_table(verdicts: dict[str, tuple[int, int]] | None = None) -> str:
    """docs/import.md's table: each list, its hand count, what was imported, what was skipped and why, and how
    many imported entries validate (``verdicts``: name → (valid entries, entries))."""
    lines = [
        "| list | datasets (hand count) | imported | % | not imported (tables and rows, by reason) | valid |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    total_expected = total_added = 0
    for name, spec in EXPECTED.items():
        try:
            report = dry_run(name)
            added, kinds = len(report.added), report.skipped_by_kind()
        except CatalogError:
            added, kinds = 0, {"no dataset table": 1}
        expected = spec["datasets"]
        total_expected, total_added = total_expected + expected, total_added + added
        share = f"{100 * added / expected:.0f}%" if expected else "—"
        skipped = ", ".join(f"{k} {n}" for k, n in kinds.items()) or "—"
        valid = "—"
        if verdicts and name in verdicts:
            good, count = verdicts[name]
            valid = f"{good}/{count}"
        lines.append(f"| `{name}` | {expected} | {added} | {share} | {skipped} | {valid} |")
    lines.append(
        f"| **all** | **{total_expected}** | **{total_added}** | **{100 * total_added / total_expected:.1f}%** | | |"
    )
    return "\n".join(lines)


def _verdicts(imported: dict) -> dict[str, tuple[int, int]]:
    found = {}
    for name, (_data, report, verdict) in imported.items():
        bad = {Path(p["file"]).name for p in verdict["problems"] if p["severity"] == "error"}
        found[name] = (len(report.added) - len(bad), len(report.added))
    return found


def test_docs_import_md_shows_the_corpus_as_it_imports_today(imported):
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, f"docs/import.md needs the markers {START} and {END}"
    shown = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == corpus_table(_verdicts(imported)), "run `python tests/test_import_lists.py` to rewrite it"


if __name__ == "__main__":  # rewrite docs/import.md's table from what the importer does now
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    verdicts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in POSITIVE:
            data = Path(tmp) / name
            init_catalog(data, title=f"Test catalog of {name}", publisher="Test Curator")
            report = import_markdown(LISTS / name, data, source_url=EXPECTED[name]["source"])
            result = run_cli("validate", "--data", str(data), "--format", "json")
            verdicts[name] = _verdicts({name: (data, report, json.loads(result.stdout))})[name]
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    DOC.write_text(head + START + "\n" + corpus_table(verdicts) + "\n" + END + rest.split(END, 1)[1], "utf-8")
    print(f"rewrote {DOC}")


# --- a second list sharing datasets -------------------------------------------------------------------------


def test_a_second_list_sharing_datasets_adds_a_listing_and_overwrites_nothing(tmp_path):
    first, second = "lab-rasool-medical-vlms-and-datasets.md", "onejune2018-medical-llm-datasets.md"
    init_catalog(tmp_path, title="Two lists", publisher="Test Curator")
    import_markdown(LISTS / first, tmp_path, source_url=EXPECTED[first]["source"])
    before = snapshot(tmp_path)
    report = import_markdown(LISTS / second, tmp_path, source_url=EXPECTED[second]["source"])
    shared = {item["id"] for item in report.listed_again}
    assert {"roco", "mimic-cxr", "medicat", "pmc-oa"} <= shared  # in both lists
    after = snapshot(tmp_path)
    for rel, old in before.items():  # the first list's files: only an also_listed item appended
        new = after[rel]
        assert new == old or (rel.stem in shared and new.startswith(old)), rel
    roco = yaml.safe_load((tmp_path / "datasets" / "roco.yaml").read_text(encoding="utf-8"))
    assert roco["listed"]["source"] == EXPECTED[first]["source"]
    (listing,) = roco["also_listed"]
    assert listing["source"] == EXPECTED[second]["source"] and listing["name"] == "ROCO"
    assert run_cli("validate", "--data", str(tmp_path)).returncode == 0
    answer = run_cli("query", "datasets-by-list", "--data", str(tmp_path), "--format", "json")
    assert answer.returncode == 0, answer.stderr
    lists_of_roco = {
        b["list"]["value"]
        for b in json.loads(answer.stdout)["results"]["bindings"]
        if b["dataset"]["value"].endswith("/dataset/roco")
    }
    assert lists_of_roco == {EXPECTED[first]["source"], EXPECTED[second]["source"]}
    again = import_markdown(LISTS / second, tmp_path, source_url=EXPECTED[second]["source"])
    assert again.added == [] and again.listed_again == [] and snapshot(tmp_path) == after


@pytest.mark.parametrize(
    ("table", "en", "zh"),
    [
        (  # onejune2018/Awesome-LLM-Eval: Chinese-headed tables holding English descriptions: not "in Chinese"
            "| 名称 | 网址 | 说明 |\n|---|---|---|\n| felm | - | FELM is a meta benchmark. |\n",
            "The source list describes it: “FELM is a meta benchmark.”",
            "源列表的英文描述：“FELM is a meta benchmark.”",
        ),
        (  # songys/AwesomeKorean_Data: a Korean cell is neither English nor "the English" (英文) description
            "| 이름 | 링크 | 설명 |\n|---|---|---|\n| KorNLI | - | 한국어 자연어 추론 데이터 |\n",
            "The source list describes it: “한국어 자연어 추론 데이터”.",
            "源列表的描述：“한국어 자연어 추론 데이터”",
        ),
    ],
)
def test_a_description_is_quoted_as_the_language_it_is_written_in_whatever_its_table(tmp_path, table, en, zh):
    from medvlm_kg.catalog.load import load_catalog
    from medvlm_kg.graph.description_text import describe

    data, readme = tmp_path / "c", tmp_path / "README.md"
    init_catalog(data, title="A list", publisher="Test Curator")
    readme.write_text(table, encoding="utf-8")
    import_markdown(readme, data, source_url="https://github.com/o/l/blob/main/README.md")
    catalog = load_catalog(data)
    (dataset,) = catalog.datasets
    text = describe(catalog, dataset)
    assert en in text["en"] and zh in text["zh"]
