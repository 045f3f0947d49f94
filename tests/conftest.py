"""Shared fixtures: the project's own catalog, built once per test session, small catalogs to break, a real
headless browser, and ``require``: the one way a test asks for a real part that may be missing.

Tests never read ../shared: what they need from the seed lives in tests/fixtures/.

Real parts (``PARTS``): a test that needs one calls ``require(name)`` (or takes a fixture that does). On a
developer's machine a missing part skips the test with the command that installs it; when the environment
variable ``CI`` is set (CI services set ``CI=true``), a missing part fails the test, naming the part: CI runs
everything or fails. ``tests/setup.sh`` installs every part; ``tests/test_test_hygiene.py`` keeps tests from
skipping on a real part any other way.
"""

from __future__ import annotations

import gzip
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# Debian's Chromium, installed by tests/setup.sh; MEDVLM_KG_TEST_CHROMIUM points elsewhere (e.g. another build,
# or a path that does not exist, to see what a machine without it does).
CHROMIUM = Path(os.environ.get("MEDVLM_KG_TEST_CHROMIUM", "/usr/bin/chromium"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def in_ci() -> bool:
    """Whether this run is CI's (``CI`` set to anything but an empty, 0 or false value)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _importable(module: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            importlib.import_module(module)
        except ImportError:
            return False
        return True

    return check


def _cjk_font() -> bool:
    """A font for Simplified Chinese that Chromium finds through fontconfig."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=60)
    return listed.returncode == 0 and bool(listed.stdout.strip())


# name -> (is it here?, what it is and how to install it)
PARTS: dict[str, tuple[Callable[[], bool], str]] = {
    "chromium": (
        lambda: CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
        f"Chromium at {CHROMIUM} (Debian: apt-get install chromium; tests/setup.sh installs it)",
    ),
    "playwright": (_importable("playwright.sync_api"), "the Python package playwright (pip install -e '.[test]')"),
    "oxigraph": (
        lambda: shutil.which("oxigraph") is not None,
        "the oxigraph server on PATH (pip install -e '.[test]' installs the oxigraph package)",
    ),
    "virtuoso": (
        lambda: shutil.which("virtuoso-t") is not None,
        "Virtuoso 7's virtuoso-t on PATH (Debian: apt-get install virtuoso-opensource-7-bin; tests/setup.sh)",
    ),
    "mlcroissant": (_importable("mlcroissant"), "MLCommons' mlcroissant (pip install -e '.[test]')"),
    "cjk-font": (_cjk_font, "a Simplified Chinese font for Chromium (Debian: apt-get install fonts-noto-cjk)"),
}


def missing(name: str) -> str | None:
    """What to install when the real part ``name`` is not on this machine, else None."""
    present, what = PARTS[name]
    return None if present() else what


def require(*names: str) -> None:
    """Skip the calling test (fail it under CI) unless every named real part is on this machine."""
    absent = [f"{name}: {what}" for name in names if (what := missing(name)) is not None]
    if not absent:
        return
    if in_ci():
        pytest.fail("CI=true and a real part this test needs is missing — " + "; ".join(absent), pytrace=False)
    pytest.skip("missing " + "; ".join(absent))


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "needs(*parts): the test needs these real parts (see conftest.PARTS)")
    # validate keeps notes in the user's cache folder: the tests' go to a folder of their own, not ~/.cache
    os.environ["MEDVLM_KG_CACHE_DIR"] = tempfile.mkdtemp(prefix="medvlm-kg-test-cache-")


def pytest_unconfigure(config) -> None:
    # the run's cache folder goes with the run: each one left behind held ~14 MB of notes
    folder = os.environ.pop("MEDVLM_KG_CACHE_DIR", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_runtest_setup(item) -> None:
    for marker in item.iter_markers("needs"):
        unknown = [name for name in marker.args if name not in PARTS]
        assert not unknown, f"{item.nodeid}: unknown real part(s) {unknown}; known: {sorted(PARTS)}"
        require(*marker.args)


# --- every skip, written down for the CI's skip check (tests/check_skips.py) -----------------------------------

SKIP_REPORT = "medvlm_kg/skips"  # pytest's cache key: .pytest_cache/v/medvlm_kg/skips
_SKIPS: list[dict] = []


def pytest_runtest_logreport(report) -> None:
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
        reason = reason.removeprefix("Skipped: ")
        kind = "xfail" if hasattr(report, "wasxfail") else "skip"
        _SKIPS.append({"test": report.nodeid, "when": report.when, "kind": kind, "reason": reason})


def pytest_sessionfinish(session, exitstatus) -> None:
    # with pytest-xdist the controller receives every worker's reports: it alone writes the run's report
    if getattr(session.config, "cache", None) is not None and not hasattr(session.config, "workerinput"):
        ran = {"skips": _SKIPS, "collected": session.testscollected, "exit": int(exitstatus), "ci": in_ci()}
        session.config.cache.set(SKIP_REPORT, ran)


def catalog_graph(out: Path) -> rdflib.Graph:
    """The whole built catalog as one graph, read from its gzip Turtle dump (the build writes no plain catalog.ttl)."""
    return rdflib.Graph().parse(data=gzip.decompress((out / "catalog.ttl.gz").read_bytes()), format="turtle")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``medvlm-kg`` as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "medvlm_kg.cli", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300
    )


def imported_catalog(folder: Path, table: str, source_url: str | None = None) -> Path:
    """A new catalog in ``folder`` (``medvlm-kg init``) holding what ``table``, a list's Markdown, imports; the
    list's file (beside the folder) is returned."""
    from medvlm_kg.catalog.markdown import import_markdown

    readme = folder.parent / f"{folder.name}-README.md"
    readme.write_text(table, encoding="utf-8")
    assert run_cli("init", str(folder)).returncode == 0
    import_markdown(readme, folder, source_url=source_url)
    return readme


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The project's catalog, built once with ``medvlm-kg build``; treat it as read-only."""
    out = tmp_path_factory.mktemp("site") / "build"
    result = run_cli("build", "--data", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def built_copy(built, tmp_path) -> Path:
    """A copy of ``built`` with its query store beside it, for tests that write into it; answers that other tests'
    queries kept beside the shared build are left out, so a test sees only what it keeps itself."""
    from medvlm_kg.build.output import beside

    copy = tmp_path / "build"
    shutil.copytree(built, copy)
    shutil.copytree(beside(built), beside(copy), ignore=shutil.ignore_patterns("answers"))
    return copy


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
    require("chromium", "playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new"])
        yield browser
        browser.close()


def settle(page) -> None:
    """Wait until a page has nothing left to do that a payload could hide in: its load event, no network
    request for 500 ms (Playwright's "networkidle": images that fail, scripts, frames), then two animation
    frames (handlers queued by the last events and a style pass have run). Then assert that nothing ran."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
