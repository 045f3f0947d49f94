"""Rebuilds touch only what an edit changed, and still equal a clean build byte for byte."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from medvlm_kg.build import spare
from medvlm_kg.build.output import MARKER, beside, manifest_path


def tree(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder):
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_with_no_change_touches_nothing(catalog_copy, tmp_path):
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    before = mtimes(out)
    again = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert mtimes(out) == before


def test_an_edit_rewrites_only_what_it_changes_and_equals_a_clean_build(catalog_copy, tmp_path):
    out, clean = tmp_path / "build", tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    old_times = mtimes(out)
    old_files = tree(out)
    past = 1_000_000_000  # make every existing file look old, so a rewrite is visible in its mtime
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    vqarad.write_text(vqarad.read_text(encoding="utf-8").replace("name: VQARad\n", "name: VQA-RAD\n", 1), "utf-8")
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)
    new_times = mtimes(out)
    rewritten = {rel for rel, t in new_times.items() if t != past * 1_000_000_000}
    changed = {rel for rel, data in tree(out).items() if old_files.get(rel) != data}
    assert rewritten == changed  # exactly the files whose bytes changed were written
    assert any("vqarad" in str(rel) for rel in rewritten)
    assert not any("pathmmu" in str(rel) for rel in rewritten)
    assert len(rewritten) < len(old_times) / 4


def test_two_entries_that_name_one_person_differently_fail_even_when_one_is_unchanged(catalog_copy, tmp_path):
    # Authors are nodes shared between entries (person/<slug of the name>): "Che Liu" and "Che-Liu" are one node
    # with two names. The whole graph says so, and an incremental build, which converts only the edited entry,
    # must say so too.
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    cares = catalog_copy / "datasets" / "cares.yaml"
    cares.write_text(cares.read_text(encoding="utf-8").replace("[Peng Xia,", "[Che-Liu, Peng Xia,", 1), "utf-8")
    built = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    checked = run_cli("validate", "--data", str(catalog_copy))
    assert built.returncode == checked.returncode == 1
    assert "a person needs exactly one name" in built.stderr
    # (compare the person problems only: the temporary folder's name contains "name", and a failed rebuild does not
    # repeat the warnings of unchanged files that validate prints — two since data/ has 59 datasets)
    assert [line for line in built.stderr.splitlines() if "person" in line and "problem" not in line] == [
        line for line in checked.stderr.splitlines() if "person" in line and "problem" not in line
    ]


def test_a_rebuild_reports_the_same_warnings_as_a_clean_build(catalog_copy, tmp_path):
    # An unchanged file is not read again (its checks are remembered): its warnings must still come out, with
    # their lines, as a clean build gives them.
    for name in ("pathmmu", "cares"):
        path = catalog_copy / "datasets" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("\npublished:", "\n# published:", 1), "utf-8")
    out = tmp_path / "build"
    first = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert first.returncode == 0 and "pathmmu.yaml" in first.stderr and "cares.yaml" in first.stderr
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    vqarad.write_text(vqarad.read_text(encoding="utf-8").replace("name: VQARad\n", "name: VQA-RAD\n", 1), "utf-8")
    again = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    clean = run_cli("build", "--data", str(catalog_copy), "--out", str(tmp_path / "clean"))
    assert again.returncode == clean.returncode == 0
    assert again.stderr == clean.stderr != ""
    unchanged = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert "nothing changed" in unchanged.stdout and unchanged.stderr == clean.stderr


def test_an_edit_that_changes_no_output_rewrites_no_file(catalog_copy, tmp_path):
    # A comment in an entry changes the inputs, so every unit that reads that entry is made again: each file it
    # makes comes out with the same bytes, and stays the old file (the catalog's documents too, which are written
    # in pieces and compared after).
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    past = 1_000_000_000
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    vqarad.write_text(vqarad.read_text(encoding="utf-8") + "# checked again on 2026-12-01\n", "utf-8")
    again = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert again.returncode == 0 and "nothing changed" in again.stdout
    touched = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.stat().st_mtime != past)
    assert touched == [MARKER]  # it names the build's new manifest, which lies beside the folder with its notes
    assert manifest_path(out).parent == beside(out) and (beside(out) / "parsed.json").is_file()


def test_removing_a_paper_equals_a_clean_build_and_its_query_store(catalog_copy, tmp_path):
    """The paper's lines leave the N-Triples dump's node bucket (it was copied with them, because a node nobody
    describes any more did not mark its bucket as changed), and the query store, updated from the old one by
    the dump's difference (a checkpoint of hard links, then the changed members' triples), holds what a clean
    build's store holds."""
    from medvlm_kg.build.store import current_generation, generation_path, open_store

    out, clean = tmp_path / "build", tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    first = current_generation(out)
    # PMC-VQA's paper and its authors are described by no other entry, and their buckets hold no other node of it
    entry = catalog_copy / "datasets" / "pmc-vqa.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text[: text.index("paper:\n")] + text[text.index("stated:\n") :], "utf-8")
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)
    assert b"arxiv.org/abs/2305.10415" not in gzip.decompress((out / "catalog.nt.gz").read_bytes())

    def quads(folder):
        store = open_store(folder)
        assert store is not None
        return {str(q) for q in store}

    assert quads(out) == quads(clean)
    assert not any("arxiv.org/abs/2305.10415>" in q for q in quads(out))
    # made from the old generation, not loaded again: the new database shares files (hard links) with the old
    second = current_generation(out)
    assert second != first
    inodes = {p.stat().st_ino for p in (generation_path(out, first) / "ready").rglob("*") if p.is_file()}
    assert any(p.stat().st_ino in inodes for p in (generation_path(out, second) / "ready").rglob("*") if p.is_file())


def test_a_node_bucket_left_empty_by_an_edit_is_dropped_as_a_clean_build_drops_it(catalog_copy, tmp_path, monkeypatch):
    """An edit gathers who describes a node for the nodes it touched only, and counts each bucket's nodes from the
    previous build's counts. With a bucket per few nodes, removing a paper empties the buckets of its nodes: the
    dump then leaves them out and counts as a clean build does (a count off by one would keep or drop a bucket)."""
    from medvlm_kg.build import dumps
    from medvlm_kg.build.build import build
    from medvlm_kg.build.output import read_manifest

    monkeypatch.setattr(dumps, "BUCKETS", 4096)
    out, clean = tmp_path / "build", tmp_path / "clean"
    build(catalog_copy, out)
    before = read_manifest(out)["units"]["catalog"]
    entry = catalog_copy / "datasets" / "pmc-vqa.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text[: text.index("paper:\n")] + text[text.index("stated:\n") :], "utf-8")
    build(catalog_copy, out)
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)
    after, made_clean = read_manifest(out)["units"]["catalog"], read_manifest(clean)["units"]["catalog"]
    assert after["bucket_nodes"] == made_clean["bucket_nodes"]
    emptied = [b for b, n in enumerate(after["bucket_nodes"]) if n == 0 and before["bucket_nodes"][b]]
    assert emptied  # the paper's and its authors' buckets held no other node
    assert all(f"nodes/{b}" in before["members"]["nt"] for b in emptied)
    assert not any(f"nodes/{b}" in after["members"]["nt"] for b in emptied)


def test_an_edit_to_catalog_yaml_checks_no_dataset_file_again(catalog_copy, tmp_path, monkeypatch):
    """Checking a dataset file reads its bytes, the code and the concept schemes, not catalog.yaml: after an edit
    to catalog.yaml the files' parse cache still stands (10,000 files checked again were 4 s of that rebuild), and
    an edited file is still checked."""
    from medvlm_kg.build.build import build
    from medvlm_kg.catalog import load

    out, clean = tmp_path / "build", tmp_path / "clean"
    build(catalog_copy, out)
    catalog_yaml = catalog_copy / "catalog.yaml"
    catalog_yaml.write_text(catalog_yaml.read_text(encoding="utf-8").replace("Med-VLM-Bench:", "Med-VLM-Bench 2:", 1))
    checked, real = [], load.check_dataset
    monkeypatch.setattr(load, "check_dataset", lambda path, *rest: checked.append(path.name) or real(path, *rest))
    build(catalog_copy, out)
    assert checked == []
    entry = catalog_copy / "datasets" / "vqarad.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: VQARad", "name: VQARad+", 1), "utf-8")
    build(catalog_copy, out)
    assert checked == ["vqarad.yaml"]
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)


def test_the_search_index_takes_unchanged_datasets_lines_from_the_last_build_only_if_its_file_is_intact(
    catalog_copy, tmp_path, monkeypatch
):
    """``catalog-index.js`` holds a line per dataset; an edit makes the edited dataset's line and copies the others
    from the previous build, but not from a file changed since that build (its bytes no longer match the
    manifest): then every line is made again."""
    from medvlm_kg.build.build import build
    from medvlm_kg.site import paging
    from medvlm_kg.site.catalog_page import index_lines

    monkeypatch.setattr(paging, "PAGE_SIZE", 10)  # 59 datasets: a catalog in pages, with its search index
    out, clean = tmp_path / "build", tmp_path / "clean"
    build(catalog_copy, out)
    index = out / "catalog-index.js"
    lines = index_lines(index.read_bytes())
    assert len(lines) == len(list((catalog_copy / "datasets").glob("*.yaml")))
    assert b'"name":"PathMMU"' in lines["pathmmu"]
    index.write_bytes(index.read_bytes().replace(b'"name":"PathMMU"', b'"name":"Tampered"'))
    assert b'"name":"Tampered"' in index_lines(index.read_bytes())["pathmmu"]
    for name, new in (("VQARad", "VQA-RAD"), ("VQA-RAD", "VQA RAD")):  # the second copies the first's lines
        vqarad = catalog_copy / "datasets" / "vqarad.yaml"
        vqarad.write_text(vqarad.read_text(encoding="utf-8").replace(f"name: {name}\n", f"name: {new}\n", 1), "utf-8")
        build(catalog_copy, out)
        shutil.rmtree(clean, ignore_errors=True)
        build(catalog_copy, clean)
        assert tree(out) == tree(clean)
        assert f'"name":"{new}"'.encode() in index_lines(index.read_bytes())["vqarad"]
    assert b"Tampered" not in index.read_bytes()


def test_the_front_page_is_made_again_only_when_an_edit_changes_what_it_shows(catalog_copy, tmp_path, monkeypatch):
    """The catalog's front page shows its first rows and, for every dataset, what its filters, charts and counts
    are made of: an edit of a dataset on a later page that changes none of that (a note) keeps the page; one that
    moves a chart (the year a dataset was published) makes it again. Either way the build equals a clean one."""
    from medvlm_kg.build.build import build
    from medvlm_kg.site import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 10)  # VQARad is on the catalog's last page
    out, clean = tmp_path / "build", tmp_path / "clean"
    build(catalog_copy, out)
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    fronts = [out / "index.html", out / "catalog.html", out / "zh" / "index.html", out / "zh" / "catalog.html"]
    for old, new, remade in (
        ('text: "Built from MedPix', 'text: "Made from MedPix', False),
        ('published: "2023-08-07"', 'published: "2016-08-07"', True),
    ):
        past = 1_000_000_000
        for path in fronts:
            os.utime(path, (past, past))
        text = vqarad.read_text(encoding="utf-8")
        assert old in text
        vqarad.write_text(text.replace(old, new, 1), "utf-8")
        build(catalog_copy, out)
        assert [p.stat().st_mtime != past for p in fronts] == [remade] * 4, old
        shutil.rmtree(clean, ignore_errors=True)
        build(catalog_copy, clean)
        assert tree(out) == tree(clean)


def test_the_search_index_reader_takes_nothing_from_a_file_it_did_not_write():
    from medvlm_kg.site.catalog_page import index_lines

    good = b'window.MEDVLM_KG_INDEX = {"datasets":[\n{"id":"a","name":"A"},\n{"id":"b","name":"B"}\n],"labels":{}};\n'
    assert index_lines(good) == {"a": b'{"id":"a","name":"A"}', "b": b'{"id":"b","name":"B"}'}
    for bad in (
        good[:-5],  # cut short
        good.replace(b'{"id":"b","name":"B"}', b'{"id":"b","name":'),  # a line that is not JSON
        good.replace(b'{"id":"b"', b'{"id":2'),  # an id that is not text
        good.replace(b"\n{", b"{"),  # one line (the layout before the lines)
        b"alert(1);\n",
    ):
        assert index_lines(bad) == {}


def test_a_marker_that_names_a_path_is_not_followed(catalog_copy, tmp_path):
    """The marker names the folder's manifest beside it; a name that is a path (a hand-edited or hostile marker)
    is ignored: the build starts afresh instead of reading a file elsewhere."""
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert manifest_path(out) is not None
    elsewhere = tmp_path / "manifest-0123456789abcdef.json"
    elsewhere.write_text("{}", encoding="utf-8")
    (out / MARKER).write_text(f"manifest: ../{elsewhere.name}\n", encoding="utf-8")
    assert manifest_path(out) is None
    again = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert again.returncode == 0 and "nothing changed" not in again.stdout
    assert manifest_path(out).parent == beside(out)


def test_the_catalog_csv_is_made_again_only_when_a_listed_cell_changes(catalog_copy, tmp_path):
    """The list's table (catalog.csv, zh/catalog.csv) is keyed on each dataset's cells as the list writes them: an
    edit to any other fact keeps it without making it again (the CSV of 10,000 entries takes seconds), an edit to
    a cell makes it again, and either way the output equals a clean build's."""
    out, clean = tmp_path / "build", tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    (out / "catalog.csv").write_bytes(b"planted: kept, not made again\r\n")  # what a kept unit keeps
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    text = vqarad.read_text(encoding="utf-8")
    vqarad.write_text(text.replace("name: VQARad\n", "name: VQA-RAD\n", 1), "utf-8")  # not a listed cell
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert (out / "catalog.csv").read_bytes().startswith(b"planted")

    vqarad.write_text(vqarad.read_text(encoding="utf-8").replace("3,515 QAs", "3,516 QAs", 1), "utf-8")
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert b"3,516 QAs" in (out / "catalog.csv").read_bytes()
    assert tree(out) == tree(clean)


def test_unchanged_dump_members_are_copied_in_runs_and_the_dump_reads_as_before(monkeypatch):
    # An edit remakes one dataset's member of catalog.nt.gz; every other member is copied from the previous dump.
    # Neighbours are copied in one read (20,000 reads of a few hundred bytes each took a second at 10,000 entries).
    from medvlm_kg.build import dumps

    texts = {name: f"<urn:{name}> <urn:p> <urn:o> .\n".encode() * 20 for name in "abcdef"}
    old, table = b"", {}
    for name, text in texts.items():
        data = dumps.member(text)
        table[name] = [len(old), len(data), 20]
        old += data
    reads = []

    def read_old(offset, length):
        reads.append(length)
        return old[offset : offset + length]

    changed = b"<urn:c> <urn:p> <urn:new> .\n"

    def dump():
        plan = dumps.DumpPlan(table, read_old)
        members = ((n, (lambda: (dumps.member(changed), 1)) if n == "c" else None) for n in texts)
        return plan, b"".join(plan.pieces(members))

    plan, data = dump()
    expected = b"".join(changed if n == "c" else t for n, t in texts.items())
    assert gzip.decompress(data) == expected
    assert len(reads) == 2  # a and b together, then d, e and f together
    assert [plan.table[n][0] for n in "abcdef"] == [
        0,
        *[sum(plan.table[m][1] for m in "abcdef"[:i]) for i in range(1, 6)],
    ]
    assert plan.table["d"][1:] == table["d"][1:]  # a copied member keeps its length and line count

    monkeypatch.setattr(dumps, "_COPY_RUN", 1)  # no run longer than a byte: each old member read alone
    reads.clear()
    assert dump()[1] == data and len(reads) == 5


def test_compiled_templates_are_kept_in_the_user_cache_and_change_no_page(catalog_copy, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MEDVLM_KG_CACHE_DIR", str(cache))
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(cold)).returncode == 0
    compiled = {p: p.read_bytes() for p in (cache / "templates").rglob("*.cache")}
    assert len(compiled) >= 2 * 9  # each page template, for each language
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(warm)).returncode == 0
    assert tree(warm) == tree(cold)
    assert {p: p.read_bytes() for p in (cache / "templates").rglob("*.cache")} == compiled  # read, not remade

    for path in compiled:  # a cache cut short is compiled again, and the pages are the same
        path.write_bytes(path.read_bytes()[:20])
    again = tmp_path / "again"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(again)).returncode == 0
    assert tree(again) == tree(cold)

    blocked = tmp_path / "a-file"  # a cache folder that cannot be made is no error
    blocked.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("MEDVLM_KG_CACHE_DIR", str(blocked / "cache"))
    last = tmp_path / "last"
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(last))
    assert result.returncode == 0, result.stderr
    assert tree(last) == tree(cold)


def test_a_rebuild_stages_in_the_version_before_and_still_equals_a_clean_build(catalog_copy, tmp_path):
    # The version a build replaces is kept beside the output (.build.spare-<digest>) and the next build is staged in
    # it, touching only the files that differ: no new folder of 52,000 links at 10,000 entries, nothing to delete.
    out = tmp_path / "build"

    def spares():
        return sorted(tmp_path.glob(".build.spare-*"))

    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert len(spares()) == 1  # the first build links its files into one
    victim = tmp_path / "victim.html"
    victim.write_text("not the build's\n", encoding="utf-8")
    victim_folder = tmp_path / "victim-folder"
    victim_folder.mkdir()
    hard_victim = tmp_path / "hard-victim.ttl"
    hard_victim.write_text("not the build's either\n", encoding="utf-8")
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    for n in range(3):
        (out / "CNAME").write_text("stray.example.org\n", encoding="utf-8")  # a file put into the output by hand
        (spare,) = spares()
        # links put into the spare are removed, never written through
        for rel in ("dataset/vqarad.html", "dataset/pathmmu.html"):
            (spare / rel).unlink(missing_ok=True)
            (spare / rel).symlink_to(victim)
        (spare / "dataset/vqarad.ttl").unlink(missing_ok=True)
        os.link(hard_victim, spare / "dataset/vqarad.ttl")
        shutil.rmtree(spare / "concept", ignore_errors=True)
        (spare / "concept").symlink_to(victim_folder, target_is_directory=True)
        text = vqarad.read_text(encoding="utf-8")
        vqarad.write_text(text.replace("name: VQARad", "name: VQARad+", 1), encoding="utf-8")
        result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
        assert result.returncode == 0, result.stderr
        clean = tmp_path / f"clean-{n}"
        assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
        assert tree(out) == tree(clean)  # the stray file gone, as from a folder replaced whole
        assert not [p for p in out.rglob("*") if p.is_symlink()]
        assert victim.read_text(encoding="utf-8") == "not the build's\n" and not any(victim_folder.iterdir())
        assert hard_victim.read_text(encoding="utf-8") == "not the build's either\n"
        assert len(spares()) == 1


def test_a_changed_file_that_only_the_spare_holds_is_written_over_where_it_lies(catalog_copy, tmp_path):
    # A file the last build wrote anew lies in the spare under no other name (the old version's copy); the next
    # build that changes it writes over it there instead of removing it and creating a new one: each costs the
    # filesystem an inode, up to 0.7 ms a file on ext4 soon after many files were removed.
    out = tmp_path / "build"
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"

    def rename_and_build(name):
        text = vqarad.read_text(encoding="utf-8")
        vqarad.write_text(text.replace("name: VQARad", f"name: {name}", 1), encoding="utf-8")
        result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
        assert result.returncode == 0, result.stderr

    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    rename_and_build("VQARad A")
    (spare,) = tmp_path.glob(".build.spare-*")
    first_page = spare / "dataset/vqarad.html"
    assert first_page.stat().st_nlink == 1 and b"VQARad A" not in first_page.read_bytes()
    with open(first_page, "rb") as held:  # held open, its inode cannot be freed and given to a new file
        rename_and_build("VQARad B")
        page = out / "dataset/vqarad.html"
        assert os.fstat(held.fileno()).st_ino == page.stat().st_ino
        assert b"VQARad B" in page.read_bytes() and page.stat().st_mode & 0o777 == 0o644
    clean = tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)


def test_files_deleted_from_the_output_are_put_back_by_the_next_build(catalog_copy, tmp_path):
    """The files a build keeps come from the spare it stages in, which still holds a file deleted from the output:
    a build with nothing to change must still swap in the staged folder, or the output stays without the file."""
    out, clean = tmp_path / "build", tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    for rel in ("catalog.ttl.gz", "dataset/pathmmu.html"):
        (out / rel).unlink()
    for _ in range(2):  # and again: the folder it replaced, kept as the next spare, lacks them
        result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert tree(out) == tree(clean)


def test_a_version_replaced_and_not_kept_is_removed_after_the_build_in_a_process_of_its_own(catalog_copy, tmp_path):
    # A build that changes most files (here every page: the catalog's title) keeps no spare of the version it
    # replaced; removing its files took 5.8 s of a full rebuild at 10,000 entries, so it goes to a trash folder
    # beside the output, removed in the background, and the build ends without waiting for it.
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    catalog_yaml = catalog_copy / "catalog.yaml"
    catalog_yaml.write_text(catalog_yaml.read_text(encoding="utf-8").replace("Med-VLM-Bench:", "Med-VLM-Bench 2:", 1))
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    clean = tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)
    assert len(list(tmp_path.glob(".build.spare-*"))) == 1
    deadline = time.monotonic() + 120
    while list(tmp_path.glob(".build.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(tmp_path.glob(".build.trash-*"))


def test_the_replaced_version_is_removed_by_a_detached_process_that_holds_none_of_the_callers_streams(
    tmp_path, monkeypatch
):
    out = tmp_path / "build"
    replaced = tmp_path / "replaced"
    (replaced / "dataset").mkdir(parents=True)
    (replaced / "dataset" / "x.html").write_text("old page\n", encoding="utf-8")
    witness = tmp_path / "remover.txt"
    said = f"open({str(witness)!r}, 'w').write(f\"{{os.getpid()}} {{os.readlink('/proc/self/fd/1')}}\")\n    "
    monkeypatch.setattr(spare, "_REMOVER", spare._REMOVER.replace("shutil.rmtree(", said + "shutil.rmtree("))
    spare.remove_replaced(replaced, out)
    assert not replaced.exists()  # moved into the trash at once
    deadline = time.monotonic() + 60
    while (not witness.exists() or list(tmp_path.glob(".build.trash-*"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(tmp_path.glob(".build.trash-*"))
    pid, stdout = witness.read_text(encoding="utf-8").split()
    assert int(pid) != os.getpid() and stdout == "/dev/null"


def test_a_trash_folder_whose_remover_was_killed_is_removed_by_a_later_build(tmp_path):
    out = tmp_path / "build"
    young, old = tmp_path / ".build.trash-young", tmp_path / ".build.trash-old"
    for folder in (young, old):
        (folder / "replaced" / "dataset").mkdir(parents=True)
        (folder / "replaced" / "dataset" / "x.html").write_text("old page\n", encoding="utf-8")
    os.utime(old, (time.time() - spare.TRASH_KEPT_SECONDS - 60,) * 2)
    spare.remove_old_trash(out)
    assert not old.exists()
    assert (young / "replaced" / "dataset" / "x.html").is_file()  # its remover may still be at work
    spare.remove_old_trash(out, now=time.time() + spare.TRASH_KEPT_SECONDS + 60)
    assert not young.exists()


def test_a_spare_is_dropped_when_its_notes_are_gone_and_names_with_brackets_work(catalog_copy, tmp_path):
    out = tmp_path / "site[1]"  # glob's special characters in the folder's name
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    shutil.rmtree(beside(out))  # the manifest and the note gone: the spare cannot be trusted
    vqarad = catalog_copy / "datasets" / "vqarad.yaml"
    vqarad.write_text(vqarad.read_text(encoding="utf-8").replace("name: VQARad", "name: VQA-RAD", 1), "utf-8")
    for _ in range(2):
        result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert len(list(tmp_path.glob(".site?1?.spare-*"))) == 1
    clean = tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)


def test_what_a_deleted_output_left_beside_it_is_removed_in_the_background_not_before_the_build(
    catalog_copy, tmp_path, monkeypatch
):
    # Deleting the output (and its store) by hand leaves the hidden spare of the version before, which the next
    # build cannot trust, and a killed build leaves its staged folder. Removing the spare's files before the build
    # began took 7 s at 10,000 entries; they go to a trash folder at once, removed by a process of their own.
    from medvlm_kg.build.build import build

    out, clean = tmp_path / "build", tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    (old_spare,) = tmp_path.glob(".build.spare-*")  # this build's spare has the same name: same manifest
    (old_spare / "left.txt").write_text("of the build before\n", encoding="utf-8")
    killed = tmp_path / ".build.new-killed"
    (killed / "dataset").mkdir(parents=True)
    (killed / "dataset" / "x.html").write_text("half made\n", encoding="utf-8")
    shutil.rmtree(out)
    shutil.rmtree(beside(out))
    removed_here = []
    rmtree = shutil.rmtree
    monkeypatch.setattr(shutil, "rmtree", lambda p, *a, **k: (removed_here.append(Path(p)), rmtree(p, *a, **k)))
    build(catalog_copy, out)
    assert not (old_spare / "left.txt").exists() and not killed.exists()  # moved away at once…
    assert old_spare not in removed_here and killed not in removed_here  # …and not removed by the build itself
    deadline = time.monotonic() + 60
    while list(tmp_path.glob(".build.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(tmp_path.glob(".build.trash-*"))
    assert len(list(tmp_path.glob(".build.spare-*"))) == 1  # this build's own
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)


def test_a_records_node_maps_keep_one_copy_of_each_text_and_any_other_value_as_it_is():
    from medvlm_kg.build.units import _with_shared_strings

    iri = "".join(["https://w3id.org/medvlm-kg/person/", "someone"])  # made at run time: not interned yet
    other = "".join(["https://w3id.org/medvlm-kg/person/", "other"])
    record = {"name": "dataset/x", "nodes": {iri: "ab12", other: 7}, "types": [iri, None]}
    out = _with_shared_strings(record)
    assert out == record
    assert next(iter(out["nodes"])) is out["types"][0]  # one copy of the IRI
    assert out["nodes"][other] == 7


def test_the_checks_across_datasets_and_the_ntriples_dump_keep_one_digest_of_a_shared_node(catalog_copy):
    """A dataset unit's record holds one map of what it says of every node it shares: ``validate`` makes it from
    the triples alone (``shared_nodes``), ``build`` while it writes the N-Triples dump's members; a record of one
    must stand for the other (``validate --from-build``), so the two are the same, for text of every kind."""
    from medvlm_kg.build.dumps import dataset_members
    from medvlm_kg.build.units import _Sink
    from medvlm_kg.catalog.load import load_catalog
    from medvlm_kg.graph.iris import dataset_iri
    from medvlm_kg.graph.serialize import serialize_sorted, sort_triples
    from medvlm_kg.profiles.assemble import dataset_triples
    from medvlm_kg.validate.core import shared_nodes

    entry = catalog_copy / "datasets" / "alphamed19k.yaml"
    hostile = 'Ünïcödé \\"quoted\\" back\\\\slash\\ttab 🦠 </script> ← 中文'
    text = entry.read_text(encoding="utf-8").replace("Beyond Distillation", hostile)
    entry.write_text(text.replace("Che Liu, ", "Zoë 李 O'Brien-Ünal, ", 1), encoding="utf-8")
    catalog = load_catalog(catalog_copy)
    assert "</script>" in catalog.dataset("alphamed19k").paper.title
    for dataset in catalog.datasets:
        triples, iri = dataset_triples(catalog, dataset), dataset_iri(catalog.base_iri, dataset.id)
        ordered = sort_triples(triples)
        built = dataset_members(_Sink(), dataset.id, iri, ordered, serialize_sorted(ordered, "turtle"))
        checked = shared_nodes(list(reversed(triples)), iri)  # in any order
        assert built and list(built.items()) == list(checked.items()), dataset.id


def test_an_edit_that_states_every_shared_node_as_before_makes_no_bucket_again(catalog_copy, tmp_path, monkeypatch):
    """A new name changes only the dataset's own lines: the lines about its paper, people and concepts are as
    before, so every bucket of the N-Triples dump is copied from the last one, and the dump is a clean build's."""
    from medvlm_kg.build import dumps
    from medvlm_kg.build.build import build

    out, clean = tmp_path / "build", tmp_path / "clean"
    build(catalog_copy, out)
    made, real = [], dumps.node_lines
    monkeypatch.setattr(dumps, "node_lines", lambda text: made.append(text) or real(text))
    entry = catalog_copy / "datasets" / "vqarad.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: VQARad\n", "name: VQA-RAD\n", 1), "utf-8")
    build(catalog_copy, out)
    assert made == []  # no bucket read to be made again
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("title: A dataset of clinically", "title: A data set of clinically", 1), "utf-8")
    build(catalog_copy, out)
    assert made  # the paper's title: its node's lines changed, so its bucket is made again
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)
    (catalog_copy / "datasets" / "pathmmu.yaml").unlink()  # its paper and people: in no other entry
    build(catalog_copy, out)
    shutil.rmtree(clean)
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)
    # Buckets laid out by other code (as after an upgrade: the manifest's record names other inputs) are not
    # trusted: the next edit gathers its datasets' nodes again, though their lines did not change.
    manifest = manifest_path(out)
    manifest.write_bytes(manifest.read_bytes().replace(b'"common":"', b'"common":"other code ', 1))
    made.clear()
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: VQA-RAD\n", "name: VQARad\n", 1), "utf-8")
    build(catalog_copy, out)
    assert made
    shutil.rmtree(clean)
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)


def test_the_catalog_descriptions_checks_are_made_again_only_when_what_they_read_changed(
    catalog_copy, tmp_path, monkeypatch
):
    """The catalog's own description is checked beside every dataset's types: an edit that changes neither (a new
    name) reports the last build's results, named by the catalog file as read today; a new catalog.yaml, or a dataset
    removed, checks it again. The output equals a clean build's either way."""
    from medvlm_kg.build import units
    from medvlm_kg.build.build import build
    from medvlm_kg.problems import WARNING, Problem

    calls = []

    def checked(catalog_triples, catalog, listed):
        calls.append(len(listed))
        return [Problem(catalog.file, None, "title", f"{len(listed)} types read", "see docs/data-format.md", WARNING)]

    monkeypatch.setattr(units, "catalog_problems", checked)
    out, clean = tmp_path / "build", tmp_path / "clean"
    warned = [(p.file, p.message) for p in build(catalog_copy, out).warnings if p.field == "title"]
    assert calls == [118] and warned == [(str(catalog_copy / "catalog.yaml"), "118 types read")]
    entry = catalog_copy / "datasets" / "vqarad.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: VQARad\n", "name: VQA-RAD\n", 1), "utf-8")
    again = [(p.file, p.message) for p in build(catalog_copy, out).warnings if p.field == "title"]
    assert calls == [118] and again == warned  # kept: nothing it reads changed
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)
    (catalog_copy / "datasets" / "pathmmu.yaml").unlink()
    assert [p.message for p in build(catalog_copy, out).warnings if p.field == "title"] == ["116 types read"]
    yaml_file = catalog_copy / "catalog.yaml"
    yaml_file.write_text(
        yaml_file.read_text(encoding="utf-8").replace("zh: Med-VLM-Bench\n", "zh: 医学基准\n"), "utf-8"
    )
    build(catalog_copy, out)
    assert calls == [118, 118, 116, 116]
    shutil.rmtree(clean)
    build(catalog_copy, clean)
    assert tree(out) == tree(clean)


# ``medvlm-kg`` in a fresh process that prints the tasks ``units`` starts ahead of the plan. In a fresh process, as a
# user runs it: forking workers from a process that already opened a query store (RocksDB keeps threads) can hang.
_SHOW_AHEAD = (
    "import sys\n"
    "from medvlm_kg.build import units\n"
    "real = units.ahead\n"
    "def ahead(fn, tasks, workers):\n"
    "    print('ahead:', tasks, file=sys.stderr)\n"
    "    return real(fn, tasks, workers)\n"
    "units.ahead = ahead\n"
    "from medvlm_kg.cli import main\n"
    "main()\n"
)


def _build_showing_ahead(data, out):
    run = [sys.executable, "-c", _SHOW_AHEAD, "build", "-j", "2", "--data", str(data), "--out", str(out)]
    return subprocess.run(run, capture_output=True, text=True, timeout=300)


def test_with_workers_an_edit_is_checked_ahead_of_the_plan_and_a_failing_one_makes_nothing(catalog_copy, tmp_path):
    """With worker processes, one checks an edit across datasets and then makes the N-Triples dump and the query
    store, while the build plans the other units; the output equals a clean build's. When the checks find an error,
    it is reported as without workers and nothing is made: neither the output nor the store beside it changes."""
    out, clean = tmp_path / "build", tmp_path / "clean"
    assert _build_showing_ahead(catalog_copy, out).returncode == 0
    entry = catalog_copy / "datasets" / "vqarad.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("name: VQARad\n", "name: VQA-RAD\n", 1), "utf-8")
    result = _build_showing_ahead(catalog_copy, out)
    assert result.returncode == 0, result.stderr
    assert "ahead: ['across', [0]]" in result.stderr  # the checks, then the catalog's unit
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)
    published, stored = tree(out), sorted(p.name for p in beside(out).iterdir())
    cares = catalog_copy / "datasets" / "cares.yaml"  # a person with two names: found only across datasets
    cares.write_text(cares.read_text(encoding="utf-8").replace("[Peng Xia,", "[Che-Liu, Peng Xia,", 1), "utf-8")
    result = _build_showing_ahead(catalog_copy, out)
    assert result.returncode == 1
    assert "ahead: ['across', [0]]" in result.stderr
    assert "a person needs exactly one name" in result.stderr
    assert tree(out) == published
    assert sorted(p.name for p in beside(out).iterdir()) == stored  # no store generation made, not even half


def test_the_worker_ahead_of_the_plan_makes_no_unit_after_checks_that_found_an_error(monkeypatch):
    """The rule the test above can only sample (the worker may be stopped first): in the worker, a unit task after
    failing checks makes nothing, and one that comes before the checks runs them first."""
    from types import SimpleNamespace

    from medvlm_kg.build import units
    from medvlm_kg.problems import ERROR, Problem

    error = Problem("data/datasets/x.yaml", None, "paper", "a person needs exactly one name", "fix it", ERROR)
    made: list = []
    monkeypatch.setattr(units, "_across", lambda state, records: [error])
    monkeypatch.setattr(units, "_run_units", lambda indices: made.append(indices) or [("catalog", "k", [], {})])
    monkeypatch.setattr(units, "_STATE", SimpleNamespace(records=[], checked=None, catalog_checked={}))
    # the checks' problems, and the record of the catalog description's checks the manifest keeps
    assert units._run_ahead(units._ACROSS) == [(units._ACROSS, ([error], {}))]
    assert units._run_ahead([0]) == [] and made == []
    monkeypatch.setattr(units, "_STATE", SimpleNamespace(records=[], checked=None, catalog_checked={}))
    assert units._run_ahead([0]) == [] and made == []  # the checks ran first
    monkeypatch.setattr(units, "_across", lambda state, records: [])
    monkeypatch.setattr(units, "_STATE", SimpleNamespace(records=[], checked=None, catalog_checked={}))
    assert units._run_ahead(units._ACROSS) == [(units._ACROSS, ([], {}))]
    assert units._run_ahead([0]) == [("unit", ("catalog", "k", [], {}))] and made == [[0]]


# A Python session as a notebook runs it: build, ask the build's query store, edit an entry, build again, ask again.
_SESSION = (
    "import sys\n"
    "from pathlib import Path\n"
    "from medvlm_kg.build.build import build\n"
    "from medvlm_kg.build.store import rocksdb_running\n"
    "from medvlm_kg.sparql.query import built_store\n"
    "data, out = Path(sys.argv[1]), Path(sys.argv[2])\n"
    "def name():\n"
    "    built = built_store(out)\n"
    "    query = f'SELECT ?n WHERE {{ <{built.base_iri}dataset/vqarad> <https://schema.org/name> ?n }}'\n"
    "    return [row['n'].value for row in built.store.query(query, use_default_graph_as_union=True)]\n"
    "build(data, out, jobs=2)\n"
    "print('threads before a store:', rocksdb_running())\n"
    "print('name:', name())\n"
    "print('threads after:', rocksdb_running())\n"
    "entry = data / 'datasets' / 'vqarad.yaml'\n"
    "entry.write_text(entry.read_text(encoding='utf-8').replace('name: VQARad\\n', 'name: VQA-RAD\\n', 1), 'utf-8')\n"
    "build(data, out, jobs=2)\n"
    "print('name:', name())\n"
)


def test_a_build_after_a_query_in_the_same_python_session_finishes_and_equals_a_clean_build(catalog_copy, tmp_path):
    """Opening a query store starts its database's threads, which last as long as the process. A store opened in a
    process forked after that waited forever, so the second build of a session that had asked the first build's
    store hung. Now that build makes the store in its own process, and the session goes on."""
    out, clean = tmp_path / "build", tmp_path / "clean"
    run = [sys.executable, "-c", _SESSION, str(catalog_copy), str(out)]
    result = subprocess.run(run, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "threads before a store: False",
        "name: ['VQARad']",
        "threads after: True",
        "name: ['VQA-RAD']",
    ]
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)


def test_an_entry_read_from_the_parse_cache_is_the_entry_read_from_its_file(monkeypatch):
    """The cache keeps each checked entry as typed JSON and reads it back into the same dataclasses: the same values
    of the same types (names as a tuple, not a list), the same line of every field and the same warnings."""
    from conftest import DATA
    from medvlm_kg.catalog import load
    from medvlm_kg.catalog.parse_cache import ParseCache

    learning = ParseCache("key")
    from_files, problems = load.check_catalog(DATA, learning)
    assert from_files is not None and any(d.alternate_name for d in from_files.datasets)

    def parse_again(*args, **kwargs):
        raise AssertionError("a cached file was checked again")

    monkeypatch.setattr(load, "check_dataset", parse_again)
    from_cache, problems_again = load.check_catalog(DATA, ParseCache.load("key", learning.dump()))
    assert [repr(d) for d in from_cache.datasets] == [repr(d) for d in from_files.datasets]
    assert from_cache == from_files
    assert [d.lines for d in from_cache.datasets] == [d.lines for d in from_files.datasets]
    assert problems_again == problems
    # a cache made for other code (its key) is not read: every file is checked again
    with pytest.raises(AssertionError, match="checked again"):
        load.check_catalog(DATA, ParseCache.load("other code", learning.dump()))


def test_a_build_run_from_another_working_folder_makes_nothing_again_and_names_files_from_there(
    catalog_copy, tmp_path, monkeypatch
):
    """Messages name files relative to the working folder (``data/datasets/x.yaml``), so a build from another folder
    words its warnings anew, and that is all: no file is checked or unit made again (at 10,000 entries such a
    build made everything again, 50 s), and its manifest and warnings are a clean build's from that folder."""
    from medvlm_kg.build import units
    from medvlm_kg.build.build import build
    from medvlm_kg.catalog import load

    path = catalog_copy / "datasets" / "pathmmu.yaml"  # a warning: no publication date
    path.write_text(path.read_text(encoding="utf-8").replace("\npublished:", "\n# published:", 1), "utf-8")
    out = tmp_path / "build"
    monkeypatch.chdir(tmp_path)
    first = build(Path("data"), out)
    assert any(w.file == "data/datasets/pathmmu.yaml" for w in first.warnings)

    checked, made = [], []
    real_check, real_make = load.check_dataset, units._make_dataset
    monkeypatch.setattr(load, "check_dataset", lambda path, *rest: checked.append(path.name) or real_check(path, *rest))
    monkeypatch.setattr(units, "_make_dataset", lambda d: made.append(d.id) or real_make(d))
    monkeypatch.chdir(tmp_path.parent)
    shown = f"{tmp_path.name}/data"
    again = build(Path(shown), out)
    assert checked == [] and made == []
    assert again.written.written == []
    assert any(w.file == f"{shown}/datasets/pathmmu.yaml" for w in again.warnings)
    assert not any(w.file.startswith("data/") for w in again.warnings)

    clean = build(Path(shown), tmp_path / "clean")
    assert again.warnings == clean.warnings
    assert manifest_path(out).read_bytes() == manifest_path(tmp_path / "clean").read_bytes()
    assert tree(out) == tree(tmp_path / "clean")


def test_a_url_another_dataset_starts_giving_ends_the_first_ones_same_as_and_equals_a_clean_build(
    catalog_copy, tmp_path
):
    # A page several datasets give (a portal's home page, one repository of several datasets) says where each is,
    # not which: no sameAs. The unchanged dataset that gave it first is made again, as a clean build makes it.
    out, clean = tmp_path / "build", tmp_path / "clean"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert "https://osf.io/89kps/" in (out / "dataset/vqarad.ttl").read_text("utf-8").split("schema:sameAs")[1]
    pathmmu = catalog_copy / "datasets" / "pathmmu.yaml"
    text = pathmmu.read_text(encoding="utf-8")
    osf = '  - {label: OSF, url: "https://osf.io/89kps/"}\n'
    pathmmu.write_text(text.replace("  - {label: HF,", osf + "  - {label: HF,"), encoding="utf-8")
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(clean)).returncode == 0
    assert tree(out) == tree(clean)
    for dataset in ("vqarad", "pathmmu"):
        turtle = (out / f"dataset/{dataset}.ttl").read_text("utf-8")
        assert "dcat:accessURL <https://osf.io/89kps/>" in turtle  # still where the data is
        assert "schema:sameAs <https://osf.io/89kps/>" not in turtle
    own = "schema:sameAs <https://huggingface.co/datasets/jamessyx/PathMMU>"  # a URL only PathMMU gives stays
    assert own in (out / "dataset/pathmmu.ttl").read_text(encoding="utf-8")
