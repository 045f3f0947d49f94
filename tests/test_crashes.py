"""Builds that overlap or die: two at once never mix their files, a killed build leaves the previous output whole
(and the next build clears what it left), a killed import leaves no half-written YAML.

Real processes and real signals; a 400-entry synthetic catalog makes a build last long enough to interfere with.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES, ROOT, run_cli


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _start(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "medvlm_kg.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A 400-entry synthetic catalog (bench/generate.py): a build of it takes a few seconds."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = tmp_path_factory.mktemp("big") / "data"
    module.generate(400, data, seed=11)
    return data


def _staging(out: Path) -> list[Path]:
    return list(out.parent.glob(f".{out.name}.new-*"))


def test_a_second_build_of_the_same_folder_waits_for_the_first_or_refuses(big, tmp_path):
    out = tmp_path / "build"
    first = _start("build", "--quiet", "--data", str(big), "--out", str(out))
    _wait_for(lambda: _staging(out))  # the first build holds the lock and is writing
    refused = run_cli_env({"MEDVLM_KG_BUILD_WAIT": "0"}, "build", "--data", str(DATA), "--out", str(out))
    assert refused.returncode == 1
    assert "another medvlm-kg build" in refused.stderr and "nothing was written" in refused.stderr
    assert "Traceback" not in refused.stderr
    waiting = _start("build", "--quiet", "--data", str(DATA), "--out", str(out))  # waits (60 s by default)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert waiting.wait(timeout=300) == 0, waiting.stderr.read()
    clean = tmp_path / "clean"
    assert run_cli("build", "--quiet", "--data", str(DATA), "--out", str(clean)).returncode == 0
    assert _digests(out) == _digests(clean)  # the last build's output, whole: never a mix of the two


def run_cli_env(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "medvlm_kg.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("moment", ["while writing the files", "just before the swap"])
def test_a_build_killed_halfway_leaves_the_previous_output_whole(big, tmp_path, moment):
    out = tmp_path / "build"
    assert run_cli("build", "--quiet", "--data", str(DATA), "--out", str(out)).returncode == 0
    before = _digests(out)
    build = _start("build", "--quiet", "--data", str(big), "--out", str(out))
    if moment == "while writing the files":
        _wait_for(lambda: any((s / "dataset").is_dir() for s in _staging(out)))
    else:
        _wait_for(lambda: any((s / "catalog.nt.gz").is_file() for s in _staging(out)), timeout=120)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert _digests(out) == before  # the old output, every file as it was
    assert _staging(out)  # the killed build's half-made folder is left beside it…
    again = run_cli("build", "--quiet", "--data", str(DATA), "--out", str(out))
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert _staging(out) == []  # …and the next build clears it away
    assert _digests(out) == before


def test_an_import_killed_halfway_leaves_no_half_written_yaml(tmp_path):
    # The seed list's English table, its 14 rows repeated under other names: enough rows to be caught midway.
    lines = (FIXTURES / "seed-readme.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Dataset Name"))
    rows = lines[start + 2 : start + 16]
    copies = [
        "| " + f"{row[2:].split('|', 1)[0].strip()} copy {n} |" + row[2:].split("|", 1)[1]
        for n in range(300)
        for row in rows
    ]
    source = tmp_path / "list.md"
    source.write_text("\n".join(lines[start : start + 2] + copies) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = {p.name for p in (data / "datasets").iterdir()}
    killed = 0
    for delay in (0.3, 0.6, 1.0, 1.5, 2.5):
        shutil.rmtree(data)
        shutil.copytree(DATA, data)
        importing = _start("import-markdown", str(source), "--data", str(data), "--quiet")
        time.sleep(delay)
        if importing.poll() is None:
            importing.send_signal(signal.SIGKILL)
            killed += 1
        importing.wait(timeout=120)
        written = sorted(set(p.name for p in (data / "datasets").iterdir()) - before)
        for name in written:
            path = data / "datasets" / name
            assert name.endswith(".yaml") or name.startswith("."), name
            if name.endswith(".yaml"):  # every file there is whole: it validates on its own
                text = path.read_text(encoding="utf-8")
                assert text.endswith("\n") and "\nlisted:" in text, f"{name} is cut short"
        check = run_cli("validate", "--data", str(data))
        assert check.returncode == 0, check.stderr[-2000:]  # what was written is whole, and valid
    assert killed, "the import always finished before the kill; make the list longer"
