"""The benchmark's tools stay usable: the generator writes a valid, reproducible catalog, and run.py runs.

Small sizes only; the benchmark's targets are measured by ``bench/run.py``, never asserted here.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

BENCH = ROOT / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate():
    return _load("generate")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def test_generated_catalog_is_valid(generate, tmp_path):
    generate.generate(120, tmp_path / "data", seed=1)
    assert len(list((tmp_path / "data" / "datasets").glob("*.yaml"))) == 120
    result = run_cli("validate", "--data", str(tmp_path / "data"), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr


def test_generator_is_deterministic_per_seed(generate, tmp_path):
    generate.generate(80, tmp_path / "a", seed=7)
    generate.generate(80, tmp_path / "b", seed=7)
    generate.generate(80, tmp_path / "c", seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_generator_writes_what_it_means(generate):
    """The hand-written YAML reads back as the documents it was written from (quoting is right)."""
    for doc in generate.documents(300, seed=3):
        assert yaml.safe_load(generate.to_yaml(doc, "# test")) == doc


def test_generated_catalog_has_the_seed_shape(generate):
    docs = generate.documents(2000, seed=0)
    assert len({d["id"] for d in docs}) == len(docs)
    share = {key: sum(key in d for d in docs) / len(docs) for key in ("paper", "same_paper_as", "notes", "homepage")}
    assert 0.8 < share["paper"] < 1 and 0.02 < share["same_paper_as"] < 0.15 and share["notes"] > 0.3
    assert any("zh" in d["listed"].get("modality", {}) for d in docs)
    assert any("title" not in d["listed"] for d in docs)
    authors = [a for d in docs for a in d.get("paper", {}).get("authors", [])]
    assert len(set(authors)) < len(authors)  # papers share authors
    hosts = {a["label"] for d in docs for a in d.get("access", [])}
    assert {"HF", "GitHub", "OSF", "OpenXLab", "Zenodo"} <= hosts


def test_generator_refuses_to_overwrite_a_real_catalog(generate, tmp_path):
    (tmp_path / "catalog.yaml").write_text("base_iri: https://example.org/\n")
    with pytest.raises(SystemExit):
        generate.generate(5, tmp_path)
    assert (tmp_path / "catalog.yaml").read_text() == "base_iri: https://example.org/\n"


def test_run_times_every_stage_and_writes_json(tmp_path):
    command = [sys.executable, str(BENCH / "run.py"), "--sizes", "50", "--out", str(tmp_path / "results")]
    command += ["--work", str(tmp_path / "work"), "--naive-budget", "5", "--query-budget", "1"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "stage" in done.stdout and "naive seconds" in done.stdout and "ratio" in done.stdout
    results = json.loads((tmp_path / "results" / "run-50.json").read_text())
    assert {"platform", "cpu_count", "python", "packages"} <= set(results["machine"])
    rows = {r["key"]: r for r in results["sizes"]["50"]["rows"]}
    stages = ("load", "convert", "shacl", "serialize:dataset:turtle", "croissant", "pages:dataset", "sitemap", "store")
    edits = ("validate_one_edit", "validate_cached_one_edit", "rebuild_one_edit")
    for key in stages + ("validate", "full_build", "rebuild_no_change", *edits):
        assert rows[key]["seconds"] is not None and rows[key]["peak_mib"] > 0, key
    assert rows["full_build"]["tree_peak_mib"] > 0  # the build's own process tree, measured from outside
    assert "built 50 datasets" in rows["full_build"]["note"] or "files" in rows["full_build"]["note"]
    assert rows["shacl"]["naive"]["seconds"] > 0
    assert any(key.startswith("query:") and row.get("naive") for key, row in rows.items())
    assert [t["target"] for t in results["targets"]][0].startswith("full build, 10,000")
    # issue 17: the physical limit beside ours, the first page of each query from the build's store (in-process
    # and as a CLI call), and what the build leaves on disk
    for key in ("limit:parse", "limit:nt", "limit:ttl", "limit", "dump_members", "paged_catalog"):
        assert rows[key]["seconds"] > 0, key
    assert len([k for k in rows if k.startswith("page:")]) == len([k for k in rows if k.startswith("query:")]) > 10
    assert len([k for k in rows if k.startswith("cli:")]) == len([k for k in rows if k.startswith("query:")])
    output = results["sizes"]["50"]["output"]
    assert output["files"] > 50 * 4 and output["store_bytes"] > 0 and "whole-catalog dumps (.gz)" in output["kinds"]
    assert output["bytes_per_dataset"] == output["bytes"] / 50
    assert "== side by side ==" in done.stdout and "build/limit" in done.stdout
    summary = results["sizes"]["50"]["summary"]
    assert summary["limit_ratio"] == summary["full_build"] / summary["limit"]
