"""Shared fixtures: the project's own catalog, built once per test session, small catalogs to break, and a
real headless browser.

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
CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by tests/setup.sh
NO_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium (tests/setup.sh installs it)"
)
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


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright; one browser per test module (Playwright's sync API runs
    an event loop while it is open, and later tests that start their own with asyncio.run must not meet it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new"])
        yield browser
        browser.close()
