"""`medvlm-kg diff`: what changed between the seed's list and the list at commit 2a9a31f, against a count by hand.

Both READMEs are exact copies in tests/fixtures (SOURCES.md says from where). The hand count
(/work/scratch/data-prep/hand-diff.md, made by reading the 14 seed rows beside their 2a9a31f rows cell by cell):
45 datasets added, none removed; 11 kept datasets changed, each in its title cell only, in both the English and
the Chinese table (22 values); MedS-Ins, MedS-Bench and CARES unchanged; all 14 seed rows moved (1->33 … 14->58).
"""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from conftest import FIXTURES, imported_catalog
from medvlm_kg.catalog.diff import diff_paths
from medvlm_kg.cli import main

SEED = FIXTURES / "seed-readme.md"
LATER = FIXTURES / "readme-2a9a31f.md"

# Counted by hand (see the module docstring): the 45 names of the 2a9a31f English table not in the seed.
ADDED = [
    "Multi-RADS", "Bones and Joints (B&J) Benchmark", "MediEval", "TCM-BEST4SDT", "SurgMLLMBench", "MedVision",
    "EHRStruct", "TCM-Eval", "RxSafeBench", "SemBench", "XBench", "IMB", "ViPET-ReportGen", "Neural-MedBench",
    "MedQARo", "AnesSuite", "TracSum", "MedAgentBoard", "HEAL-MedVQA", "BRIDGE", "LLMEval-Med", "CSEDB", "SSG-VQA",
    "M$^3$-Med", "PET2Rep", "MedTVT-QA", "HIE-Reasoning", "ReasonMed", "Lingshu (Train)", "MedEvalKit (Linshu Test)",
    "MIRIAD", "ClinBench-HPB", "EndoBench", "MedXpertQA",
    "vlm-project-with-images-with-bbox-images-with-tree-of-thoughts", "Derm1M", "GEMeX", "Surg-396K",
    "AbdomenAtlas 3.0", "HuatuoGPT-o1 Dataset", "PubMedVision", "Asclepius", "MedTrinity-25M", "MediConfusion",
    "medical-o1-reasoning-SFT",
]  # fmt: skip
# The 11 seed datasets whose title cell the later README changed (in both tables), and the seed rows' new places.
TITLE_CHANGED = [
    "SurgVLM-DB", "MedCaseReasoning", "DrVD-Bench", "MM-Skin", "AlphaMed19K", "PMC-VQA", "VQARad", "GMAI-MMBench",
    "PathMMU", "OmniMedVQA", "MultiMedEval",
]  # fmt: skip
MOVES = {
    "SurgVLM-DB": (1, 33), "MedCaseReasoning": (2, 36), "MedS-Ins": (3, 39), "MedS-Bench": (4, 40),
    "DrVD-Bench": (5, 38), "MM-Skin": (6, 41), "AlphaMed19K": (7, 42), "PMC-VQA": (8, 49), "VQARad": (9, 50),
    "GMAI-MMBench": (10, 54), "PathMMU": (11, 55), "OmniMedVQA": (12, 56), "CARES": (13, 57), "MultiMedEval": (14, 58),
}  # fmt: skip


def test_the_counts_equal_the_count_by_hand():
    result = diff_paths(SEED, LATER)
    assert result.counts() == {"added": 45, "removed": 0, "changed": 11, "changed_values": 22, "moved": 14}
    assert len(ADDED) == 45 and len(TITLE_CHANGED) == 11 and len(MOVES) == 14


def test_every_added_dataset_is_listed_in_the_list_order():
    assert [e.name for e in diff_paths(SEED, LATER).added] == ADDED


def test_every_changed_title_is_listed_with_both_versions_in_both_tables():
    result = diff_paths(SEED, LATER)
    assert [e.name for e, _ in result.changed] == TITLE_CHANGED
    for entry, changes in result.changed:
        assert [(c.field, c.lang) for c in changes] == [("title", "en"), ("title", "zh")], entry.name
    changes = dict((e.name, c) for e, c in result.changed)
    alpha = changes["AlphaMed19K"][0]
    assert alpha.old == "LLM Reasoning with Minimalist Rule-Based RL"
    assert alpha.new == "Beyond Distillation: Pushing the Limits of Medical LLM Reasoning with Minimalist Rule-Based RL"
    assert changes["VQARad"][0].new is None  # the later README shows '-'
    # the Chinese table cut PathMMU's title after "Patholog"; the English one did not
    assert changes["PathMMU"][1].new.endswith("Reasoning in Patholog")
    assert changes["PathMMU"][0].new.endswith("Reasoning in Pathology")


def test_moved_rows_are_reported_apart_from_changes():
    moved = {e.name: (old["en"], new["en"]) for e, old, new in diff_paths(SEED, LATER).moved}
    assert moved == MOVES


def test_the_same_version_twice_has_no_difference():
    assert diff_paths(LATER, LATER).counts() == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "changed_values": 0,
        "moved": 0,
    }


def test_the_command_prints_the_counts_and_json_has_the_same_records():
    runner = CliRunner()
    text = runner.invoke(main, ["diff", str(SEED), str(LATER)])
    assert text.exit_code == 0, text.output
    assert "45 added, 0 removed, 11 changed (22 values), 14 moved" in text.output
    assert "  + Multi-RADS (row 1)" in text.output
    data = runner.invoke(main, ["diff", str(SEED), str(LATER), "--format", "json"])
    assert data.exit_code == 0, data.output
    doc = json.loads(data.output)
    assert doc["counts"]["added"] == 45
    assert [a["name"] for a in doc["added"]] == ADDED
    assert doc["changed"][0]["changes"][0]["field"] == "title"


def test_a_missing_version_is_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["diff", str(SEED), str(tmp_path / "nope.md")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_two_catalog_folders_differ_by_a_renamed_dataset(catalog_copy):
    # a curated name is a fact of the catalog beside its listed cell: renaming a dataset is a change (it was not)
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: PathMMU\n", "name: PathMMU-X\n", 1), "utf-8")
    from conftest import DATA

    result = diff_paths(DATA, catalog_copy)
    assert result.counts()["changed"] == 1 and result.counts()["changed_values"] == 1
    ((entry, changes),) = result.changed
    assert [(c.field, c.lang, c.old, c.new) for c in changes] == [("name", "", "PathMMU", "PathMMU-X")]
    assert "1 changed (1 value), 0 moved" in result.as_text()


def test_a_changed_description_cell_is_a_change_between_two_catalogs(tmp_path):
    table = (
        "| Dataset | Description | Link |\n| --- | --- | --- |\n| CT-ORG | 3D CT, 140 Cases | [x](https://a.org/x) |\n"
        "| LiTS | Liver CT | [y](https://a.org/y) |\n"
    )
    readme = imported_catalog(tmp_path / "old", table)
    new = tmp_path / "new"
    shutil.copytree(tmp_path / "old", new)
    path = new / "datasets" / "ct-org.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("CT, 140 Cases", "CT, 150 Cases"), encoding="utf-8")
    result = diff_paths(tmp_path / "old", new)
    ((entry, changes),) = result.changed
    assert [(c.field, c.lang, c.old, c.new) for c in changes] == [
        ("description", "en", "3D CT, 140 Cases", "3D CT, 150 Cases")
    ]
    assert result.moved == []
    # the catalog against the list it came from: the same cells, and no Chinese cell the list has no table for
    same = diff_paths(tmp_path / "old", readme)
    assert same.counts()["changed"] == 0 and same.moved == []
