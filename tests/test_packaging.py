"""The wheel a user installs carries everything it needs: ontology, shapes, context and bundled queries."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_contains_ontology_and_queries(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("medvlm_kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted(p for p in (ROOT / "ontology").rglob("*") if p.is_file()):  # with the consumers' own files
        assert f"medvlm_kg/_data/ontology/{path.relative_to(ROOT / 'ontology').as_posix()}" in names
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert f"medvlm_kg/_data/queries/{path.name}" in names
    package = ROOT / "src" / "medvlm_kg"
    for folder in ("site/templates", "site/static"):
        for path in sorted((package / folder).iterdir()):
            assert f"medvlm_kg/{folder}/{path.name}" in names
    assert "medvlm_kg/catalog/markdown_columns.yaml" in names
    assert "medvlm_kg/catalog/link_hosts.yaml" in names
    assert any(name.endswith(".dist-info/entry_points.txt") for name in names)
