"""The scan a build starts with: the digest of each dataset file, read from the catalog folder and nowhere else."""

from __future__ import annotations

import hashlib

from medvlm_kg.runtime.inputs import scan


def test_the_scan_reads_each_dataset_file_of_the_folder_itself_and_nothing_else(tmp_path):
    catalog = tmp_path / "catalog"
    datasets = catalog / "datasets"
    datasets.mkdir(parents=True)
    (catalog / "catalog.yaml").write_text("title: x\n", encoding="utf-8")
    (datasets / "b.yaml").write_bytes(b"id: b\n")
    (datasets / "a.yaml").write_bytes(b"id: a\n")
    (datasets / ".yaml").write_bytes(b"a name without a suffix\n")
    (datasets / "notes.yml").write_bytes(b"not a dataset file\n")
    (datasets / "folder.yaml").mkdir()
    outside = tmp_path / "secret.yaml"
    outside.write_bytes(b"id: secret\n")
    (datasets / "link.yaml").symlink_to(outside)  # the loader refuses it; the scan never reads through it
    (datasets / "gone.yaml").symlink_to(tmp_path / "missing.yaml")

    inputs = scan(catalog)

    assert inputs.files == {
        "a.yaml": hashlib.sha256(b"id: a\n").hexdigest(),
        "b.yaml": hashlib.sha256(b"id: b\n").hexdigest(),
    }
    assert list(inputs.files) == ["a.yaml", "b.yaml"]  # by name, whatever order the folder lists them in
    assert scan(catalog) == inputs

    (datasets / "b.yaml").write_bytes(b"id: b\nname: B\n")
    edited = scan(catalog)
    assert edited.files["a.yaml"] == inputs.files["a.yaml"] and edited.files["b.yaml"] != inputs.files["b.yaml"]
    assert edited.digest != inputs.digest and edited.common == inputs.common

    (datasets / "c.txt").write_bytes(b"")  # any new name in the folder is a change (the loader reports it)
    assert scan(catalog).digest != edited.digest
