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


def _catalog_with(tmp_path, files: dict[str, bytes]):
    catalog = tmp_path / "catalog"
    (catalog / "datasets").mkdir(parents=True)
    (catalog / "catalog.yaml").write_text("title: x\n", encoding="utf-8")
    for name, data in files.items():
        (catalog / "datasets" / name).write_bytes(data)
    return catalog


def test_a_rescan_takes_the_digest_of_a_file_whose_stat_is_unchanged_from_the_last_scan(tmp_path, monkeypatch):
    monkeypatch.setattr("medvlm_kg.runtime.inputs._SETTLED_NS", 0)  # the files below count as settled at once
    catalog = _catalog_with(tmp_path, {"a.yaml": b"id: a\n", "b.yaml": b"id: b\n"})
    first = scan(catalog)
    assert set(first.seen) == {"a.yaml", "b.yaml"}
    # A note whose digest for a.yaml is not that of its bytes: the rescan believes the note, so it did not read a.yaml
    # (this is how the note saves reading 10,000 files; the tests below show when it is not believed).
    note = first.note(catalog).replace(first.files["a.yaml"].encode(), b"0" * 64)
    assert scan(catalog, note).files == {**first.files, "a.yaml": "0" * 64}
    assert scan(catalog, first.note(catalog)) == first


def test_a_file_rewritten_with_its_old_size_and_modification_time_is_read_again(tmp_path, monkeypatch):
    """The change time, which no program can set back, tells: a tool that restores the modification time (rsync -a,
    tar, cp -p) does not hide an edit."""
    import os

    monkeypatch.setattr("medvlm_kg.runtime.inputs._SETTLED_NS", 0)
    catalog = _catalog_with(tmp_path, {"a.yaml": b"name: A\n"})
    path = catalog / "datasets" / "a.yaml"
    before = path.stat()
    first = scan(catalog)
    path.write_bytes(b"name: B\n")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_size == before.st_size
    again = scan(catalog, first.note(catalog))
    assert again.files["a.yaml"] == hashlib.sha256(b"name: B\n").hexdigest() != first.files["a.yaml"]


def test_a_file_changed_just_before_the_scan_is_not_remembered_and_a_note_of_another_folder_is_ignored(tmp_path):
    import orjson

    catalog = _catalog_with(tmp_path, {"a.yaml": b"id: a\n"})
    fresh = scan(catalog)  # written a moment ago: another write in the same tick of the clock could keep its stat
    assert fresh.files and fresh.seen == {}
    st = (catalog / "datasets" / "a.yaml").stat()
    entry = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "0" * 64]  # its stat, another digest

    def note_of(folder) -> bytes:
        return orjson.dumps({**orjson.loads(fresh.note(folder)), "files": {"a.yaml": entry}})

    assert scan(catalog, note_of(catalog)).files == {"a.yaml": "0" * 64}  # believed when it is this folder's
    other = _catalog_with(tmp_path / "other", {"a.yaml": b"id: other\n"})
    assert scan(catalog, note_of(other)).files == fresh.files
    assert scan(catalog, b"\x00not json").files == fresh.files
