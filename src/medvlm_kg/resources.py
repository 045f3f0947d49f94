"""Find the files the product ships beside its code: ontology/, queries/ and templates/.

They live at the repository root (data over code); a wheel carries copies under ``medvlm_kg/_data``.
One helper finds them the same way in a wheel, an editable install and a source checkout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["resource_dir", "ontology_dir", "queries_dir", "package_files"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """The folder ``name`` (``ontology`` or ``queries``) as installed, or in the source tree."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"medvlm-kg is installed without its {name}/ folder; reinstall it with pip")


def ontology_dir() -> Path:
    return resource_dir("ontology")


def queries_dir() -> Path:
    return resource_dir("queries")


@cache
def package_files() -> tuple[Path, ...]:
    """The package's own code, templates and static files, in a stable order (what a build's output depends on
    besides the catalog and the ontology)."""
    return tuple(
        sorted(
            (
                p
                for p in _PACKAGE.rglob("*")
                if p.is_file() and p.suffix in (".py", ".html", ".xml", ".json", ".css", ".js", ".svg")
            ),
            key=lambda p: p.relative_to(_PACKAGE).as_posix(),
        )
    )
