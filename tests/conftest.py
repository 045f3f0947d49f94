"""Shared fixtures: the project's own catalog, built once per test session, and small catalogs to break.

Tests never read ../shared: what they need from the seed lives in tests/fixtures/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``medvlm-kg`` as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "medvlm_kg.cli", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The project's catalog, built once with ``medvlm-kg build``; treat it as read-only."""
    out = tmp_path_factory.mktemp("site") / "build"
    result = run_cli("build", "--data", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    """A private copy of the project's catalog folder, for tests that edit or break it."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
