"""A catalog from nothing (issue 13): `init` makes the folder, `new` one entry with every field of the format."""

from __future__ import annotations

import json
import re

import yaml

from conftest import ROOT, run_cli


def test_init_makes_a_catalog_that_validates_and_never_writes_over_one(tmp_path):
    folder = tmp_path / "my catalog"
    result = run_cli("init", str(folder), "--title", "Pathology benchmarks", "--publisher", "Ada Lovelace")
    assert result.returncode == 0, result.stderr
    catalog = yaml.safe_load((folder / "catalog.yaml").read_text(encoding="utf-8"))
    assert catalog["title"] == {"en": "Pathology benchmarks"}
    assert catalog["curators"] == [{"id": "ada-lovelace", "name": "Ada Lovelace"}]
    assert catalog["publisher"] == "ada-lovelace" and "source" not in catalog
    assert (folder / "datasets").is_dir() and "import-markdown" in (folder / "README.md").read_text(encoding="utf-8")
    check = run_cli("validate", "--data", str(folder))  # catalog.yaml is fine; only the datasets are still to come
    assert check.returncode == 1 and check.stderr.count("\n") == 2 and "no dataset files found" in check.stderr
    before = (folder / "catalog.yaml").read_bytes()
    again = run_cli("init", str(folder), "--title", "Other")
    assert again.returncode == 1 and "already there" in again.stderr
    assert (folder / "catalog.yaml").read_bytes() == before


def test_init_without_a_publisher_says_the_login_name_stands_for_one_until_changed(tmp_path):
    # The site shows "Curated by: <login name>" ("root" in a container): a name nobody chose, so init says so.
    guessed = run_cli("init", str(tmp_path / "a"))
    assert "note: the curator and publisher is your login name" in guessed.stdout
    assert "your login name until you write your name" in (tmp_path / "a" / "catalog.yaml").read_text(encoding="utf-8")
    named = run_cli("init", str(tmp_path / "b"), "--publisher", "Ada Lovelace")
    assert "login name" not in named.stdout + (tmp_path / "b" / "catalog.yaml").read_text(encoding="utf-8")


def test_init_with_a_source_list_records_it(tmp_path):
    url = "https://github.com/owner/list/blob/main/README.md"
    assert run_cli("init", str(tmp_path / "c"), "--source-url", url).returncode == 0
    catalog = yaml.safe_load((tmp_path / "c" / "catalog.yaml").read_text(encoding="utf-8"))
    assert catalog["source"] == {"repository": "https://github.com/owner/list", "readme": url}


def test_new_scaffolds_one_entry_with_every_field_of_the_format_commented(tmp_path):
    assert run_cli("init", str(tmp_path)).returncode == 0
    result = run_cli("new", "my-bench", "--name", "My Bench", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "datasets" / "my-bench.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {"id": "my-bench", "name": "My Bench", "listed": {"name": "My Bench"}}
    schema = json.loads((ROOT / "ontology" / "dataset.schema.json").read_text(encoding="utf-8"))
    offered = set(re.findall(r"^#? ?([a-z_]+):", text, flags=re.M))
    assert set(schema["properties"]) <= offered, set(schema["properties"]) - offered
    listed = set(re.findall(r"^  #? ?([a-z_]+):", text, flags=re.M))
    assert set(schema["properties"]["listed"]["properties"]) <= listed
    assert run_cli("validate", "--data", str(tmp_path)).returncode == 0
    assert run_cli("new", "my-bench", "--data", str(tmp_path)).returncode == 1  # never over a file
    bad = run_cli("new", "My Bench", "--data", str(tmp_path))
    assert bad.returncode == 1 and 'e.g. "my-bench"' in bad.stderr


def test_init_and_new_refuse_what_validate_would_refuse_before_writing_it(tmp_path):
    """A base IRI validate refuses, a reserved Windows file name, a folder that is no catalog: said at once, not
    by the next validate."""
    no_slash = run_cli("init", str(tmp_path / "a"), "--base-iri", "https://example.org/x")
    assert no_slash.returncode == 1 and "end it with /: https://example.org/x/" in no_slash.stderr
    ftp = run_cli("init", str(tmp_path / "a"), "--base-iri", "ftp://x/")
    assert ftp.returncode == 1 and "is not a base IRI" in ftp.stderr
    assert not (tmp_path / "a").exists()
    assert run_cli("init", str(tmp_path / "c")).returncode == 0
    reserved = run_cli("new", "con", "--data", str(tmp_path / "c"))
    assert reserved.returncode == 1 and 'e.g. "con-bench"' in reserved.stderr
    nowhere = run_cli("new", "x", "--data", str(tmp_path / "none"))
    assert nowhere.returncode == 1 and "medvlm-kg init" in nowhere.stderr
    assert not (tmp_path / "none").exists()
