"""Find the files the product ships beside its code: ontology/, queries/ and templates/.

They live at the repository root (data over code); a wheel carries copies under ``medvlm_kg/_data``.
One helper finds them the same way in a wheel, an editable install and a source checkout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["resource_dir", "ontology_dir", "queries_dir"]

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
