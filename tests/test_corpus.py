"""The bad-input corpus (tests/corpus/<case>/): every broken catalog, Markdown file or output folder a curator or a
stranger can hand the tool, and what the tool must answer.

Each case is a folder holding the input and a ``case.yaml`` (the keys are described in ``CASE_KEYS`` below). The
test lays the case over a copy of ``_base/`` (a small valid catalog) in a temporary folder, runs the real
``medvlm-kg`` command there in a fresh process, and checks what a user would see:

- the exit code (0 where the input is accepted on purpose, 1 for bad input, 2 for a usage error);
- every expected phrase (the file, the field and the fix) in the output, and no Python traceback;
- that it finished within ``TIMEOUT_S`` (no input may hang the tool);
- on failure, that the catalog folder is exactly as it was (nothing lost, nothing half-written), and for
  ``build``, that the previous good build in the output folder is byte for byte the same, with nothing left
  beside it.

Inputs too big or too odd to commit (50 MB of text, 10,000 levels of nesting, bytes that are not UTF-8, links,
named pipes) are made by the test from a small recipe in ``case.yaml``. The classes of bad input and what the
user sees are listed in docs/bad-input.md, which names every case.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

CORPUS = Path(__file__).resolve().parent / "corpus"
BASE = CORPUS / "_base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
TIMEOUT_S = 30

CASE_KEYS = {
    "about": "what the input is, in a curator's words",
    "run": "the medvlm-kg arguments, run in the case's folder (`data` is the catalog, `out/build` the output)",
    "exit": "the expected exit code",
    "expect": "phrases the output (stdout and stderr) must contain: the file, the field, the fix",
    "reject": "phrases it must not contain",
    "base": "false: start from the case's own files only, not from _base/ (default true)",
    "remove": "paths of _base/ to remove before the case's files are laid over it",
    "folders": "empty folders to make (git keeps no empty folder)",
    "generate": "files made from a recipe: {path, parts: [text | {text, times} | {hex}], at: start|end} or "
    "{path, encode: codec} (re-encode the file's text)",
    "links": "symbolic links to make: {path: target}",
    "fifos": "named pipes to make",
    "previous_build": "for build: build _base/ into out/build first and check it is untouched (default true)",
    "read_only": "paths made read-only (chmod -R a-w) for the run; as root, the child runs without CAP_DAC_OVERRIDE",
    "file_size_limit": "RLIMIT_FSIZE for the child, in bytes: any file written past it fails with EFBIG",
    "disk": "out/ is a tmpfs of this size (e.g. 4m), filled up after the previous build: a real ENOSPC",
    "absent": "paths that must not exist after the run (e.g. what a code-running YAML tag would create)",
    "written": "files the run must have written: {path: [phrases the file must contain]}",
    "xfail": "the reason the case is known to fail (a bug to fix elsewhere); the case then must fail",
}

PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _case(name: str) -> dict:
    spec = yaml.safe_load((CORPUS / name / "case.yaml").read_text(encoding="utf-8"))
    unknown = set(spec) - set(CASE_KEYS)
    assert not unknown, f"{name}/case.yaml: unknown keys {sorted(unknown)}; known: {sorted(CASE_KEYS)}"
    assert {"about", "run", "exit", "expect"} <= set(spec), f"{name}/case.yaml needs about, run, exit and expect"
    return spec


# --- making the input ------------------------------------------------------------------------------------------


def _lay_out(name: str, spec: dict, work: Path) -> None:
    """The case's input in ``work``: _base/, minus ``remove``, with the case's files over it, then the recipes."""
    if spec.get("base", True):
        shutil.copytree(BASE, work, symlinks=True)
    work.mkdir(exist_ok=True)
    for rel in spec.get("remove", []):
        target = work / rel
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
    shutil.copytree(CORPUS / name, work, symlinks=True, dirs_exist_ok=True, ignore=shutil.ignore_patterns("case.yaml"))
    for rel in spec.get("folders", []):
        (work / rel).mkdir(parents=True, exist_ok=True)
    for recipe in spec.get("generate", []):
        _generate(work / recipe["path"], recipe)
    for rel, target in (spec.get("links") or {}).items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, work / rel)
    for rel in spec.get("fifos", []):
        os.mkfifo(work / rel)


def _generate(path: Path, recipe: dict) -> None:
    """Write a file from a recipe: concatenated parts (text, text repeated, raw bytes), or a file re-encoded."""
    if "encode" in recipe:
        path.write_bytes(path.read_text(encoding="utf-8").encode(recipe["encode"]))
        return
    chunks = []
    for part in recipe["parts"]:
        if isinstance(part, str):
            chunks.append(part.encode("utf-8"))
        elif "hex" in part:
            chunks.append(bytes.fromhex(part["hex"]))
        else:
            chunks.append(part["text"].encode("utf-8") * part.get("times", 1))
    new = b"".join(chunks)
    old = path.read_bytes() if path.exists() else b""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes({"start": new + old, "end": old + new}.get(recipe.get("at"), new))


# --- the output folder -----------------------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: files by content hash and mode, links by target, pipes and folders by kind.
    The build lock beside an output folder is left out: it is kept there by design (lock.py), and each build
    writes its pid into it. So is the spare (build/spare.py): a copy of an earlier version that a build stages in,
    a cache a failed build uses up (it is no output, and no build leaves it half-made: the next starts without)."""
    entries: dict[str, tuple] = {}
    if not folder.exists():
        return entries
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not (d.startswith(".") and ".spare-" in d)]
        for entry in dirnames + filenames:
            path = Path(dirpath) / entry
            rel = str(path.relative_to(folder))
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entries[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                entries[rel] = ("folder", stat.S_IMODE(info.st_mode))
            elif stat.S_ISREG(info.st_mode) and entry.startswith(".") and entry.endswith(".lock"):
                continue
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                entries[rel] = ("file", digest, stat.S_IMODE(info.st_mode))
            else:
                entries[rel] = ("special", stat.S_IFMT(info.st_mode))
    return entries


def _mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a {size} tmpfs here (needs CAP_SYS_ADMIN); output-file-size-limit covers EFBIG")


def _fill(folder: Path) -> None:
    """Fill the file system holding ``folder`` to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        chunk = b"\0" * 65536
        while chunk:
            try:
                os.write(fd, chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
                chunk = chunk[: len(chunk) // 2]
    finally:
        os.close(fd)


def _chmod_tree(path: Path, writable: bool) -> None:
    """``chmod -R a-w path`` (or ``u+w`` back), not following links."""
    paths = [path] + ([p for p in path.rglob("*") if not p.is_symlink()] if path.is_dir() else [])
    for p in paths:
        mode = stat.S_IMODE(p.lstat().st_mode)
        os.chmod(p, (mode | stat.S_IWUSR) if writable else (mode & ~0o222))


def _without_dac_override() -> None:
    """In the child, before exec: as root, give up the right to write where the permission bits say no."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                os._exit(125)


def _with_file_size_limit(limit: int):
    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, not a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


def _read_only_works(folder: Path) -> bool:
    """Whether a child run with ``_without_dac_override`` really cannot write into a read-only ``folder``."""
    probe = [sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"]
    result = subprocess.run(probe, preexec_fn=_without_dac_override, capture_output=True, timeout=TIMEOUT_S)
    (folder / "probe").unlink(missing_ok=True)
    return result.returncode == 1 and b"PermissionError" in result.stderr


def _medvlm_kg(args: list[str], cwd: Path, preexec=None) -> subprocess.CompletedProcess:
    """``medvlm-kg ARGS`` as a user would run it, in a fresh process, within ``TIMEOUT_S``."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "medvlm_kg.cli", *args],
            capture_output=True,
            text=True,
            errors="replace",
            cwd=cwd,
            timeout=TIMEOUT_S,
            preexec_fn=preexec,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"medvlm-kg {' '.join(args)} did not finish in {TIMEOUT_S} s: a hang")


# --- the test --------------------------------------------------------------------------------------------------


def _marks(name: str) -> list:
    reason = _case(name).get("xfail")
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=_marks(n)) for n in CASES])
def test_bad_input_gets_a_clear_answer_and_loses_nothing(name, tmp_path):
    spec = _case(name)
    work = tmp_path / "case"
    _lay_out(name, spec, work)
    out = work / "out"
    building = spec["run"][0] == "build"
    mounted = False
    read_only = [work / rel for rel in spec.get("read_only", [])]
    try:
        if spec.get("disk"):
            _mount_tmpfs(out, spec["disk"])
            mounted = True
        if building and spec.get("previous_build", True):
            good = tmp_path / "good"
            shutil.copytree(BASE / "data", good)
            first = _medvlm_kg(["build", "--quiet", "--data", str(good), "--out", "out/build"], work)
            assert first.returncode == 0, f"the good build before the case failed:\n{first.stderr}"
        if spec.get("disk"):
            _fill(out)
        data_before, out_before = _snapshot(work / "data"), _snapshot(out)
        for path in read_only:
            _chmod_tree(path, writable=False)
        preexec = None
        if read_only:
            if not _read_only_works(read_only[0] if read_only[0].is_dir() else read_only[0].parent):
                pytest.skip("cannot make a folder read-only for this user (root that cannot drop CAP_DAC_OVERRIDE)")
            preexec = _without_dac_override
        if spec.get("file_size_limit"):
            preexec = _with_file_size_limit(spec["file_size_limit"])
        result = _medvlm_kg(spec["run"], work, preexec)
    finally:
        for path in read_only:
            _chmod_tree(path, writable=True)
        if mounted:
            data_after, out_after = _snapshot(work / "data"), _snapshot(out)
            subprocess.run(["umount", str(out)], check=True)
    if not mounted:
        data_after, out_after = _snapshot(work / "data"), _snapshot(out)
    said = result.stdout + result.stderr
    assert "Traceback" not in said, f"a traceback is a bug:\n{said}"
    assert result.returncode == spec["exit"], f"exit {result.returncode}, expected {spec['exit']}:\n{said}"
    missing = [phrase for phrase in spec["expect"] if phrase not in said]
    assert not missing, f"the output lacks {missing}:\n{said}"
    wrong = [phrase for phrase in spec.get("reject", []) if phrase in said]
    assert not wrong, f"the output must not say {wrong}:\n{said}"
    for rel in spec.get("absent", []):
        assert not (work / rel).exists(), f"{rel} exists: the input ran code"
    for rel, phrases in (spec.get("written") or {}).items():
        text = (work / rel).read_text(encoding="utf-8")
        assert all(phrase in text for phrase in phrases), f"{rel} lacks one of {phrases}:\n{text}"
    if result.returncode != 0:
        assert data_after == data_before, "a failed command changed the catalog folder"
        if building:
            assert out_after == out_before, "a failed build changed the output folder or left files beside it"


# --- the corpus itself -----------------------------------------------------------------------------------------


def test_the_corpus_covers_at_least_30_cases_and_its_base_is_valid():
    assert len(CASES) >= 30, CASES
    result = _medvlm_kg(["validate", "--data", str(BASE / "data")], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_bad_input_names_every_case():
    doc = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    unnamed = [name for name in CASES if f"`{name}`" not in doc]
    assert not unnamed, f"docs/bad-input.md does not list {unnamed}"
