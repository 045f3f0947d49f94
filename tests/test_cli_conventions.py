"""One convention for the command line (issue 18 item 5): --format text|json where data is printed, "did you mean"
for query names, parameters and concept ids, exit 2 for usage errors and 1 for catalog problems, query --list with
each parameter's example, warnings in one order and in two groups, and a failed build that says what it did not do
and leaves nothing behind."""

from __future__ import annotations

import json
import shutil

import pytest
import rdflib
import rdflib.compare

from conftest import DATA, run_cli


def test_query_prints_text_and_json(tmp_path):
    text = run_cli("query", "datasets-by-modality", "--param", "modality=pathology", "--format", "text")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0].split() == ["dataset", "name", "matched", "listed"]
    default = run_cli("query", "datasets-by-modality", "--param", "modality=pathology")
    assert default.stdout == text.stdout
    data = json.loads(
        run_cli("query", "datasets-by-modality", "--param", "modality=pathology", "--format", "json").stdout
    )
    assert data["head"]["vars"] == ["dataset", "name", "matched", "listed"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query", "datasets-by-modaliti"], 'did you mean "datasets-by-modality"?'),
        (["query", "datasets-by-modality", "--param", "modalty=pathology"], 'did you mean "modality"?'),
        (["query", "datasets-by-modality", "--param", "modality=patholgy"], 'did you mean "pathology"?'),
        (
            ["query", "datasets-by-modality"],
            "needs --param modality=… — a modality concept id (e.g. modality=medical-image)",
        ),
        (["query", "datasets-by-modality", "--param", "modality"], "--param takes K=V"),
        (["query", "newest-first", "--format", "yaml"], "Invalid value for '--format'"),
        # an id no dataset has: an empty card would not tell a typo from a dataset without facts
        (
            ["query", "dataset-card", "--param", "dataset=vqa-rad"],
            'no dataset "vqa-rad" in this catalog — did you mean "vqarad"?',
        ),
        (
            ["query", "labels-in-language", "--param", "lang=fr"],
            'the catalog has no "fr" text — its languages are en and zh',
        ),
    ],
)
def test_usage_errors_exit_2_and_say_what_was_meant(args, expected):
    result = run_cli(*args)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert expected in result.stderr and result.stdout == ""


def test_catalog_problems_exit_1(catalog_copy):
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("modality: [pathology", "modality: [patholgy"), "utf-8")
    result = run_cli("validate", "--data", str(catalog_copy))
    assert result.returncode == 1 and 'did you mean "pathology"?' in result.stderr


def test_query_list_shows_each_parameter_with_its_example():
    listing = run_cli("query", "--list")
    assert listing.returncode == 0
    assert "e.g. medvlm-kg query datasets-by-modality --param modality=medical-image" in listing.stdout
    records = json.loads(run_cli("query", "--list", "--format", "json").stdout)
    by_name = {r["name"]: r for r in records}
    assert by_name["datasets-by-task"]["params"] == [
        {"name": "task", "type": "concept:task", "description": "a task concept id", "example": "vqa"}
    ]


def test_validate_all_prints_the_same_text_twice_in_two_groups():
    first = run_cli("validate", "--profile", "all", "--data", str(DATA))
    second = run_cli("validate", "--profile", "all", "--data", str(DATA))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and first.stderr == second.stderr
    lines = first.stdout.splitlines()
    heads = [line for line in lines if not line.startswith("warning: ")]
    assert heads[0].startswith("to fix (") and heads[1].startswith("nothing to do (the format has no field for it) (")
    groups = first.stdout.split(heads[1])
    assert "has no field" not in groups[0] and "license" in groups[0]
    body = [line for line in groups[1].splitlines() if line.startswith("warning: ")]
    assert body and all("no field" in line or "nothing to" in line for line in body)
    assert body == sorted(body)  # by file, then field
    assert "to fix, " in heads[-1] and "nothing to do)" in heads[-1]


def test_a_failed_build_says_nothing_was_written_and_leaves_no_lock(catalog_copy, tmp_path):
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("modality: [pathology", "modality: [patholgy"), "utf-8")
    where = tmp_path / "site"
    where.mkdir()
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(where / "out"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"1 problem — nothing written; {where / 'out'}/ not created"
    assert sorted(p.name for p in where.iterdir()) == []  # no out/, no .out.lock
    good = run_cli("build", "--data", str(DATA), "--out", str(where / "out"))
    assert good.returncode == 0, good.stderr
    again = run_cli("build", "--data", str(catalog_copy), "--out", str(where / "out"))
    assert again.stderr.splitlines()[-1] == f"1 problem — nothing written; {where / 'out'}/ unchanged"
    assert (where / "out" / "index.html").is_file()
    shutil.rmtree(where / "out")


def test_a_build_with_many_warnings_lists_twenty_and_counts_the_rest_by_field(catalog_copy, tmp_path):
    # at 10,000 entries a build printed 1,500 warning lines on every run; validate is where all of them are read
    hidden = 0
    for path in sorted((catalog_copy / "datasets").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "\npublished:" in text:
            path.write_text(text.replace("\npublished:", "\n# published:", 1), "utf-8")
            hidden += 1
    assert hidden > 25
    built = run_cli("build", "--data", str(catalog_copy), "--out", str(tmp_path / "out"))
    checked = run_cli("validate", "--data", str(catalog_copy))
    assert built.returncode == checked.returncode == 0, built.stderr
    every = [line for line in checked.stdout.splitlines() if line.startswith("warning: ")]
    shown = [line for line in built.stderr.splitlines() if line.startswith("warning: ")]
    assert len(every) > 21 and shown[:20] == every[:20]
    rest = len(every) - 20
    published = sum("published: no publication date" in line for line in every[20:])
    assert len(shown) == 21 and shown[20].startswith(f"warning: … and {rest} more (published {published}")
    assert shown[20].endswith(f"— `medvlm-kg validate --data {catalog_copy}` lists them all")
    assert built.stdout.startswith("built 59 datasets")


def test_a_graph_answer_asked_for_as_json_is_json_ld_of_the_same_triples():
    """`dataset-card --format json` printed Turtle: a program asking for JSON got none."""
    turtle = run_cli("query", "dataset-card", "--param", "dataset=vqarad")
    as_json = run_cli("query", "dataset-card", "--param", "dataset=vqarad", "--format", "json")
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["@graph"]
    expected = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    found = rdflib.Graph().parse(data=as_json.stdout, format="json-ld")
    assert len(found) == len(expected) > 20 and rdflib.compare.isomorphic(found, expected)
