"""`medvlm-kg validate`: every problem at once, each naming the file, the line, the field and the fix."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from medvlm_kg.build.output import beside
from medvlm_kg.build.output import manifest_path as built_manifest


def _edit(catalog: Path, name: str, old: str, new: str) -> None:
    path = catalog / "datasets" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _validate(catalog: Path, *extra: str):
    return run_cli("validate", "--data", str(catalog), *extra)


def test_the_project_catalog_is_valid():
    result = run_cli("validate", "--data", str(DATA))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "59 datasets, valid" in result.stdout


def test_unknown_modality_suggests_the_closest_term(catalog_copy):
    _edit(catalog_copy, "pathmmu", "modality: [pathology, text]", "modality: [patholgy, text]")
    result = _validate(catalog_copy)
    assert result.returncode == 1
    line = next(x for x in result.stderr.splitlines() if "patholgy" in x)
    assert line.startswith(f'{catalog_copy}/datasets/pathmmu.yaml:25 modality[0]: unknown term "patholgy"')
    assert 'did you mean "pathology"?' in line
    assert "(known: audio, case-report, clinical-data, clinical-notes, ct, dermatology," in line


# (what to break, the replacement, the field named, words of the message)
BAD_INPUTS = {
    "yaml syntax error": ("pathmmu", "name: PathMMU\n", "name: [PathMMU\n", "starts at line 3", "YAML syntax error"),
    "unknown field": ("pathmmu", "published:", "publishd:", "publishd", "unknown field"),
    "bad date": ("pathmmu", 'published: "2024-03-20"', 'published: "2025-13-40"', "published", "not a real date"),
    "date in the list's dotted form": (
        "pathmmu",
        'published: "2024-03-20"',
        'published: "2024.03.20"',
        "published",
        "is not a date",
    ),
    "bad url": (
        "pathmmu",
        'url: "https://huggingface.co/datasets/jamessyx/PathMMU"',
        'url: "huggingface/PathMMU"',
        "access[0].url",
        "is not a web address",
    ),
    "url with a space": (
        "pathmmu",
        'url: "https://huggingface.co/datasets/jamessyx/PathMMU"',
        'url: "https://huggingface.co/datasets/jamessyx/Path MMU"',
        "access[0].url",
        "spaces",
    ),
    "missing required field": ("pathmmu", "name: PathMMU\nlisted:", "listed:", "name", "required field is missing"),
    "wrong type": (
        "gmai-mmbench",
        "modality_count: 38",
        "modality_count: many",
        "modality_count",
        "must be a whole number, not text",
    ),
    "unknown task": ("cares", "open-ended-qa", "open-qa", "task[0]", 'unknown term "open-qa"'),
    "unknown unit": ("vqarad", "unit: image", "unit: picture", "size[0].unit", 'unknown term "picture"'),
    "id does not match file": ("pathmmu", "id: pathmmu", "id: pathmmu2", "id", "does not match the file name"),
    "duplicate key": ("pathmmu", "name: PathMMU\n", "name: PathMMU\nname: Other\n", "name", "duplicate key"),
    "python tag": ("pathmmu", "name: PathMMU\n", "name: !!python/object:os.system PathMMU\n", "name", "is not allowed"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_1_naming_file_field_and_problem(catalog_copy, case):
    dataset, old, new, field, words = BAD_INPUTS[case]
    _edit(catalog_copy, dataset, old, new)
    result = _validate(catalog_copy)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    matching = [x for x in result.stderr.splitlines() if f"datasets/{dataset}.yaml" in x and words in x]
    assert matching, result.stderr
    assert any(field in x for x in matching), matching


def test_two_files_claiming_one_id_are_both_named(catalog_copy):
    source = catalog_copy / "datasets" / "pathmmu.yaml"
    (catalog_copy / "datasets" / "pathmmu-copy.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = _validate(catalog_copy)
    assert result.returncode == 1
    assert 'id "pathmmu" is also claimed by' in result.stderr
    assert "pathmmu-copy.yaml" in result.stderr


def test_every_problem_is_reported_not_only_the_first(catalog_copy):
    _edit(catalog_copy, "pathmmu", "modality: [pathology, text]", "modality: [patholgy, text]")
    _edit(catalog_copy, "cares", 'published: "2024"', 'published: "2024-02-30"')
    _edit(catalog_copy, "vqarad", "listed:", "listd:")
    result = _validate(catalog_copy)
    assert result.returncode == 1
    for expected in ("pathmmu.yaml", "cares.yaml", "vqarad.yaml"):
        assert expected in result.stderr
    assert "problems found" in result.stderr


def test_json_format_gives_the_same_problems_as_records(catalog_copy):
    _edit(catalog_copy, "pathmmu", "modality: [pathology, text]", "modality: [patholgy, text]")
    result = _validate(catalog_copy, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    [problem] = [p for p in report["problems"] if p["severity"] == "error"]
    assert problem == {
        "file": f"{catalog_copy}/datasets/pathmmu.yaml",
        "line": 25,
        "field": "modality[0]",
        "message": 'unknown term "patholgy"',
        "hint": problem["hint"],
        "severity": "error",
    }
    assert problem["hint"].startswith('did you mean "pathology"?')


def test_a_missing_recommended_fact_is_a_warning_that_does_not_fail(catalog_copy):
    path = catalog_copy / "datasets" / "mm-skin.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("paper:")].rstrip() + "\n", encoding="utf-8")
    result = _validate(catalog_copy)
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stdout
    assert "mm-skin.yaml" in result.stdout and "paper: no paper is recorded" in result.stdout


def test_an_empty_catalog_folder_is_a_clear_error(tmp_path):
    (tmp_path / "data").mkdir()
    result = run_cli("validate", "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "missing catalog description" in result.stderr
    assert "no dataset files found" in result.stderr


def test_an_unknown_option_is_a_usage_error_with_exit_2():
    result = run_cli("validate", "--colour")
    assert result.returncode == 2


def test_shacl_results_point_at_the_yaml_file_and_field():
    """The shapes are the oracle: drop a dataset's name from the graph and get the exact record."""
    import pyoxigraph as ox

    from medvlm_kg.catalog.load import load_catalog
    from medvlm_kg.problems import Problem
    from medvlm_kg.profiles.assemble import convert
    from medvlm_kg.validate.core import shacl_problems

    catalog = load_catalog(DATA)
    graph = convert(catalog)
    name = ox.NamedNode("https://schema.org/name")
    dataset = ox.NamedNode("https://w3id.org/medvlm-kg/dataset/pathmmu")
    graph.datasets["pathmmu"] = [
        t for t in graph.datasets["pathmmu"] if not (t.subject == dataset and t.predicate == name)
    ]
    errors = [p for p in shacl_problems(graph, catalog) if p.severity == "error"]
    assert errors == [
        Problem(
            catalog.dataset("pathmmu").file,
            3,
            "name",
            "a dataset needs exactly one name (plain text)",
            "see docs/data-format.md",
        )
    ]


# ---- the listing model (issue 14): earlier versions, other lists, first listing ------------------------------


def test_a_first_listing_date_needs_its_source(catalog_copy):
    _edit(catalog_copy, "vqarad", "first_listed_source:", "first_listed_sourc:")
    result = _validate(catalog_copy)
    assert result.returncode == 1
    assert any(
        "vqarad.yaml" in x and "first_listed" in x and "first_listed_source" in x for x in result.stderr.splitlines()
    )


def test_an_earlier_listing_needs_a_version_and_a_cell(catalog_copy):
    _edit(catalog_copy, "vqarad", "{row: 9,", "{rows: 9,")
    result = _validate(catalog_copy)
    assert result.returncode == 1
    assert any("vqarad.yaml" in x and "earlier[0]" in x and "rows" in x for x in result.stderr.splitlines())


def test_a_version_is_a_commit_or_a_date(catalog_copy):
    _edit(catalog_copy, "vqarad", "version: 95a7adb4146b117c38d5c8bd76286d3b167c08f8", "version: seed")
    result = _validate(catalog_copy)
    assert result.returncode == 1
    assert any("vqarad.yaml" in x and "earlier[0].version" in x for x in result.stderr.splitlines())


def test_another_lists_row_is_kept_as_a_listing(catalog_copy, tmp_path):
    _edit(
        catalog_copy,
        "vqarad",
        "first_listed:",
        'also_listed:\n  - {source: "https://github.com/example/list/blob/main/README.md", name: VQA-RAD, '
        'modality: Radiology, version: "2025-01-31"}\nfirst_listed:',
    )
    assert _validate(catalog_copy).returncode == 0
    out = tmp_path / "out"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    text = gzip.decompress((out / "catalog.nt.gz").read_bytes()).decode("utf-8")
    node = "<https://w3id.org/medvlm-kg/dataset/vqarad/listing/2>"
    assert f'{node} <https://w3id.org/medvlm-kg/vocab#listedName> "VQA-RAD" .' in text
    assert f'{node} <https://w3id.org/medvlm-kg/vocab#listedModality> "Radiology" .' in text
    assert (
        "<https://w3id.org/medvlm-kg/dataset/vqarad> <https://w3id.org/medvlm-kg/vocab#otherListing> " + node + " ."
    ) in text


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*")}


def test_validate_from_a_build_says_what_validate_says_and_rechecks_only_edited_files(catalog_copy, tmp_path):
    """``validate --from-build DIR`` reuses what the build in DIR checked (its parse cache and each dataset's SHACL
    results, by the build's own keys: the code, catalog.yaml and the file): after an edit, the same report as a
    plain ``validate``, with only the edited file read and checked again. DIR is only read."""
    out = tmp_path / "out"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    before, notes_before = _tree(out), _tree(beside(out))
    plain, reused = (
        _validate(catalog_copy, "--format", "json"),
        _validate(catalog_copy, "--format", "json", "--from-build", str(out)),
    )
    assert plain.returncode == reused.returncode == 0 and plain.stdout == reused.stdout

    # The reuse is real: a result planted in the build's record of one dataset is reported, as the record says...
    manifest_path = built_manifest(out)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    planted = {
        "file": "planted",
        "line": None,
        "field": "",
        "message": "from the build's record",
        "hint": "",
        "severity": "warning",
    }
    for name in ("dataset/pathmmu", "dataset/mm-skin"):
        manifest["units"][name]["problems"].append(planted)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "from the build's record" in _validate(catalog_copy, "--from-build", str(out)).stdout
    # ...and an edited file is checked again, not taken from the record.
    path = catalog_copy / "datasets" / "mm-skin.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("paper:")].rstrip() + "\n", encoding="utf-8")
    for name in ("dataset/pathmmu",):
        manifest["units"][name]["problems"].remove(planted)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    plain, reused = (
        _validate(catalog_copy, "--format", "json"),
        _validate(catalog_copy, "--format", "json", "--from-build", str(out)),
    )
    assert plain.returncode == reused.returncode == 0 and plain.stdout == reused.stdout
    assert "mm-skin.yaml" in reused.stdout and "no paper is recorded" in reused.stdout
    assert _tree(out) == before
    assert _tree(beside(out)) == notes_before | {built_manifest(out).name: _tree(beside(out))[built_manifest(out).name]}


def test_validate_from_a_folder_without_a_build_checks_everything(catalog_copy, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    plain, reused = _validate(catalog_copy), _validate(catalog_copy, "--from-build", str(empty))
    assert reused.returncode == plain.returncode == 0 and reused.stdout == plain.stdout
    missing = _validate(catalog_copy, "--from-build", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr


def test_validate_from_a_build_with_a_hand_edited_manifest_checks_those_entries_again(catalog_copy, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    manifest_path = built_manifest(out)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["units"]["dataset/pathmmu"]["problems"] = "not a list"
    manifest["units"]["dataset/mm-skin"]["problems"] = [{"file": "x", "unknown": 1}]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    plain, reused = _validate(catalog_copy), _validate(catalog_copy, "--from-build", str(out))
    assert reused.returncode == plain.returncode == 0, reused.stderr
    assert reused.stdout == plain.stdout


def test_validate_remembers_what_it_checked_and_rechecks_only_changed_files(catalog_copy, tmp_path, monkeypatch):
    """Plain ``validate`` keeps its parse cache and each dataset's results in the user's cache folder
    (``$MEDVLM_KG_CACHE_DIR`` here), so the next run reads and checks only the files whose bytes changed: the same
    report as checking everything (``--no-cache``), in a few seconds at 10,000 entries (README, Benchmark)."""
    monkeypatch.setenv("MEDVLM_KG_CACHE_DIR", str(tmp_path / "cache"))
    first = _validate(catalog_copy, "--format", "json")
    assert first.returncode == 0, first.stderr
    (notes,) = (tmp_path / "cache" / "validate").iterdir()
    assert {p.name for p in notes.iterdir()} == {"parsed.json", "checked.json"}
    assert _validate(catalog_copy, "--format", "json").stdout == first.stdout

    # The reuse is real: a result planted in the record of an unchanged dataset is reported as the record says...
    checked = json.loads((notes / "checked.json").read_text(encoding="utf-8"))
    planted = {
        "file": "planted",
        "line": None,
        "field": "",
        "message": "from the cache",
        "hint": "",
        "severity": "warning",
    }
    checked["dataset/pathmmu"]["problems"].append(planted)
    (notes / "checked.json").write_text(json.dumps(checked), encoding="utf-8")
    assert "from the cache" in _validate(catalog_copy).stdout
    # ...but not with --no-cache, which checks every file again;
    assert "from the cache" not in _validate(catalog_copy, "--no-cache").stdout
    # an edited file is checked again (its error found), and fixing it makes the catalog valid again.
    _edit(catalog_copy, "mm-skin", "modality:", "modality: [not-a-modality]\nformer_modality:")
    broken = _validate(catalog_copy)
    assert broken.returncode == 1 and "mm-skin.yaml" in broken.stdout + broken.stderr
    _edit(catalog_copy, "mm-skin", "modality: [not-a-modality]\nformer_modality:", "modality:")
    checked["dataset/pathmmu"]["problems"].remove(planted)
    (notes / "checked.json").write_text(json.dumps(checked), encoding="utf-8")
    assert _validate(catalog_copy, "--format", "json").stdout == first.stdout

    # A cache that is not what validate writes is read as no cache.
    (notes / "checked.json").write_text("{not json", encoding="utf-8")
    (notes / "parsed.json").write_bytes(b"\x00garbage\n")
    assert _validate(catalog_copy, "--format", "json").stdout == first.stdout
    assert _validate(catalog_copy, "--format", "json", "--no-cache").stdout == first.stdout


def test_the_first_validate_after_a_build_starts_from_what_the_build_checked(catalog_copy, tmp_path, monkeypatch):
    """A build notes in validate's cache folder where it wrote this catalog's output; a validate with no notes of
    its own then reuses that build's records (as ``--from-build`` does), so it too checks only changed files."""
    monkeypatch.setenv("MEDVLM_KG_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    expected = _validate(catalog_copy, "--format", "json", "--no-cache").stdout
    manifest_path = built_manifest(out)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    planted = {
        "file": "planted",
        "line": None,
        "field": "",
        "message": "from the build",
        "hint": "",
        "severity": "warning",
    }
    manifest["units"]["dataset/pathmmu"]["problems"].append(planted)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "from the build" in _validate(catalog_copy).stdout  # the build's record stood for the unchanged file

    manifest["units"]["dataset/pathmmu"]["problems"].remove(planted)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(tmp_path / "cache" / "validate")
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0  # no change: noted too
    assert _validate(catalog_copy, "--format", "json").stdout == expected


def test_a_problem_as_a_dict_has_every_field_of_the_problem():
    """``Problem.as_dict`` names the fields itself (``dataclasses.asdict`` was slow); a field added later must
    come out too, or the JSON reports and the manifest's warnings would lose it."""
    import dataclasses

    from medvlm_kg.problems import WARNING, Problem

    problem = Problem("data/datasets/x.yaml", 3, "paper.title", "is empty", "write the title", WARNING)
    assert problem.as_dict() == dataclasses.asdict(problem)
    assert list(problem.as_dict()) == [f.name for f in dataclasses.fields(Problem)]
    assert Problem(**problem.as_dict()) == problem


def test_a_description_length_warning_says_which_language_and_that_the_build_wrote_it(catalog_copy):
    """A name of 6,000 characters made both written descriptions too long; the warning pointed at the English
    `description:` line, which says nothing that long."""
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: PathMMU\n", f"name: {'Long' * 1500}\n", 1), "utf-8")
    result = run_cli("validate", "--data", str(catalog_copy), "--no-cache")
    lines = [line for line in result.stdout.splitlines() if "pathmmu.yaml description:" in line]
    assert any("(the Chinese text has" in line and "`description.zh` is not given" in line for line in lines)
    assert any("(the English text has" in line for line in lines)
