"""The tests keep to the rules that make them able to fail (issue 19), checked on their source:

- no ``importorskip`` and no ``skipif`` on a real part: a test asks for a part with ``conftest.require`` (or a
  fixture or ``@pytest.mark.needs`` that calls it), which fails under CI instead of skipping; a ``skipif`` may
  only test the platform (``sys.platform``, ``os.name``, ``sys.version_info``);
- every other ``pytest.skip`` names a capability on ``tests/skips-allowed.txt`` (the text CI allows);
- no timed asserts: no assert reads a clock (``time.time``, ``time.monotonic``, ``perf_counter``, ...), a
  name computed from one, or a name such as ``elapsed``; speed belongs in the benchmark, hangs to
  pytest-timeout and request timeouts;
- no fixed waits in browser tests (``wait_for_timeout``): wait for the event (``conftest.settle``).

Each rule is tried on a small bad example too, so the guard itself can fail.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from check_skips import ALLOWED, check, read_allowed

TESTS = Path(__file__).resolve().parent
CLOCKS = {"time", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "process_time", "time_ns", "now"}
TIMING_NAMES = {"elapsed", "duration", "took", "runtime", "seconds_taken"}  # clock readings by their usual names
PLATFORM = {"platform", "name", "version_info"}  # sys.platform, os.name, sys.version_info
HELPER = TESTS / "conftest.py"  # where require() skips (or fails under CI)
# Known and owned elsewhere, to be removed by that work (none left).
PENDING: set[tuple[str, str]] = set()


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _reads_a_clock(node: ast.AST, clocked: set[str]) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
            name = _dotted(child.func)
            if child.func.attr in CLOCKS and name.split(".")[0] in ("time", "datetime", "dt"):
                return True
            if child.func.attr in ("perf_counter", "monotonic"):
                return True
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in CLOCKS - {"time"}:
            return True  # from time import perf_counter
        if isinstance(child, ast.Name) and child.id in clocked:
            return True
    return False


def _reason_text(call: ast.Call) -> str:
    """The literal text of a skip's reason (f-strings: their literal parts)."""
    args = list(call.args) + [k.value for k in call.keywords if k.arg in ("reason", "msg")]
    parts = []
    for arg in args[:1]:
        for child in ast.walk(arg):
            if isinstance(child, ast.Constant) and isinstance(child.value, str):
                parts.append(child.value)
    return "".join(parts)


def findings(source: str, filename: str, allowed_reasons: list[str], helper: bool = False) -> list[str]:
    """Each breach of the rules in one test module's source, as 'file:line: what'."""
    tree = ast.parse(source, filename)
    found = []

    def say(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    clocked: set[str] = set()  # names assigned from a clock reading (anywhere in the module)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            if _reads_a_clock(node.value, set()):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:  # names, and names in a tuple (not attributes: self.x marks no 'self')
                    parts = target.elts if isinstance(target, ast.Tuple) else [target]
                    clocked |= {part.id for part in parts if isinstance(part, ast.Name)}
    clocked |= TIMING_NAMES
    clocked -= {"deadline"}  # a deadline bounds a wait for an event; asserting on it is still caught below
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and _reads_a_clock(node.test, clocked | {"deadline"}):
            say(node, "a timed assert (it reads a clock): use a request timeout or pytest-timeout")
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name.endswith("importorskip"):
            if (Path(filename).name, "importorskip") not in PENDING:
                say(node, "importorskip: ask for the part with conftest.require (it fails under CI)")
        elif name.endswith("mark.skipif"):
            condition = node.args[0] if node.args else None
            names = {n.attr for n in ast.walk(condition) if isinstance(n, ast.Attribute)} if condition else set()
            platform_only = condition is not None and names and names <= PLATFORM | {"startswith"}
            if not platform_only:
                say(node, "skipif on something other than the platform: use conftest.require or mark.needs")
        elif name in ("pytest.skip", "skip") and not helper:
            reason = _reason_text(node)
            if not any(text in reason for text in allowed_reasons):
                say(node, f"pytest.skip for a reason not on {ALLOWED.name}: {reason!r}")
        elif name.endswith("wait_for_timeout"):
            say(node, "a fixed wait in a browser test: wait for the event (conftest.settle, expect_*)")
    return found


def _allowed_reasons() -> list[str]:
    return [reason for _, reason, _ in read_allowed()]


def test_no_test_module_skips_quietly_times_its_asserts_or_waits_a_fixed_time():
    reasons = _allowed_reasons()
    found = []
    for path in sorted(TESTS.glob("*.py")):
        found += findings(path.read_text(encoding="utf-8"), path.name, reasons, helper=path == HELPER)
    assert found == []


BAD = {
    "module-level importorskip": 'import pytest\nmlc = pytest.importorskip("mlcroissant")\n',
    "skipif on a part": (
        "import shutil, pytest\n"
        '@pytest.mark.skipif(shutil.which("oxigraph") is None, reason="no oxigraph")\ndef test_x(): pass\n'
    ),
    "skip for a missing install": 'import pytest\ndef test_x():\n    pytest.skip("Chromium is not installed")\n',
    "elapsed assert": (
        "import time\ndef test_x():\n    started = time.monotonic()\n    elapsed = time.monotonic() - started\n"
        "    assert elapsed < 3\n"
    ),
    "clock in the assert": "import time\ndef test_x(t0):\n    assert time.time() - t0 < 30\n",
    "perf_counter imported": "from time import perf_counter\ndef test_x(t0):\n    assert perf_counter() - t0 < 1\n",
    "elapsed from a helper": "def test_x(run):\n    outcomes, elapsed = run()\n    assert elapsed < 30\n",
    "fixed browser wait": "def test_x(page):\n    page.wait_for_timeout(200)\n    assert True\n",
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_guard_catches_each_kind(case):
    assert len(findings(BAD[case], "test_bad.py", _allowed_reasons())) == 1


def test_the_guard_lets_the_allowed_kinds_through():
    good = (
        "import sys, time, pytest\n"
        '@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")\n'
        "def test_x(tmp_path):\n"
        "    deadline = time.monotonic() + 5\n"
        "    while time.monotonic() < deadline:\n"
        "        break\n"
        '    pytest.skip("cannot mount a tmpfs here (needs CAP_SYS_ADMIN)")\n'
    )
    assert findings(good, "test_good.py", _allowed_reasons()) == []


def test_the_skip_check_fails_on_a_skip_not_on_the_allow_list(tmp_path, capsys):
    """tests/check_skips.py, as .ci/run runs it, on a report with one allowed and one missing-part skip."""
    allowed = "tests/test_corpus.py::test_bad_input_gets_a_clear_answer_and_loses_nothing[output-disk-full]"
    skips = [
        {"test": allowed, "when": "call", "kind": "skip", "reason": "cannot mount (needs CAP_SYS_ADMIN); x"},
        {"test": "tests/test_browser.py::test_y", "when": "setup", "kind": "skip", "reason": "missing chromium"},
    ]
    report = tmp_path / "skips"
    report.write_text(json.dumps({"skips": skips, "collected": 2, "exit": 0, "ci": True}))
    assert check(report, out=sys.stdout) == 1
    out = capsys.readouterr().out
    assert f"allowed: {allowed}" in out and "NOT ALLOWED: tests/test_browser.py::test_y" in out
    report.write_text(json.dumps({"skips": skips[:1], "collected": 1, "exit": 0, "ci": True}))
    assert check(report) == 0
    uncommented = tmp_path / "allowed.txt"
    uncommented.write_text("tests/x.py::* | anything\n")
    assert check(report, allowed=uncommented) == 2  # an entry must say why
