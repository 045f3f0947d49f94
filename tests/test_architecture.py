"""The package keeps the pipeline's shape: the import contract holds, covers every module, and docs/architecture.md
lists the same stages; no class or module grows past what a reader holds in the head without saying why."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "medvlm_kg"
MAX_CLASS_LINES = 300
MAX_MODULE_LINES = 600
# The rooms still too big after the move (issue 16 item 3, not split yet). The test asserts this exact list, so a
# new big room fails it, and so does a room split without being taken off the list.
NOT_SPLIT_YET: list[str] = []


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]


def _layers(contract: str = "stages") -> list[str]:
    (layers,) = [c for c in _contracts() if c["id"] == contract]
    return layers["layers"]


def _lint_imports() -> str:
    found = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return found


def test_lint_imports_keeps_every_contract():
    result = subprocess.run([_lint_imports()], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_module_is_in_a_layer_of_the_contract():
    layered = {name.strip() for layer in _layers() for name in layer.split("|")}
    tops = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    tops.discard("__init__")
    assert tops == layered, f"not in the contract: {sorted(tops - layered)}; in it but gone: {sorted(layered - tops)}"


def test_every_module_of_the_shacl_engine_is_in_its_layers():
    layered = {name.strip() for layer in _layers("shacl-engine") for name in layer.split("|")}
    modules = {p.stem for p in (PACKAGE / "validate" / "shacl").glob("*.py")} - {"__init__"}
    assert modules == layered


def test_every_module_of_the_markdown_importer_is_in_its_layers():
    layered = {name.strip() for layer in _layers("markdown-import") for name in layer.split("|")}
    modules = {p.stem for p in (PACKAGE / "catalog" / "markdown").glob("*.py")} - {"__init__"}
    assert modules == layered


def test_architecture_doc_lists_the_contracts_layers_in_order():
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    block = text.split("<!-- layers:start -->")[1].split("<!-- layers:end -->")[0]
    documented = re.findall(r"^- `([^`]+)`:", block, re.M)
    assert documented == _layers()


def test_profiles_are_independent_of_each_other():
    (independence,) = [c for c in _contracts() if c["type"] == "independence"]
    profiles = {p.stem for p in (PACKAGE / "profiles").glob("*.py")} - {"__init__", "base", "assemble"}
    assert {m.rsplit(".", 1)[1] for m in independence["modules"]} == profiles


def _big_rooms() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        lines = len(path.read_text("utf-8").splitlines())
        doc = ast.get_docstring(tree) or ""
        if lines > MAX_MODULE_LINES and "longer than" not in doc:
            found.append(f"{rel}: {lines} lines; its docstring says not why it is 'longer than' {MAX_MODULE_LINES}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                found.append(f"{rel}: class {node.name} has {node.end_lineno - node.lineno + 1} lines")
    return found


def test_no_module_or_class_is_too_big_to_hold_in_the_head():
    found = _big_rooms()
    assert [f for f in found if not any(f.startswith(k) for k in NOT_SPLIT_YET)] == []
    assert [k for k in NOT_SPLIT_YET if not any(f.startswith(k) for f in found)] == [], "split: take it off the list"
