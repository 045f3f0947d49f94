"""The importer's rules kept as data, not code: the column synonyms and the export's headers
(``markdown_columns.yaml``) and the link-host rules (``link_hosts.yaml``), both beside this package in ``catalog/``
so curators find and edit them there."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

_FOLDER = Path(__file__).parent.parent  # catalog/, where the rule files are


@cache
def columns() -> dict:
    """The column synonyms and the export's headers (markdown_columns.yaml)."""
    return yaml.safe_load((_FOLDER / "markdown_columns.yaml").read_text(encoding="utf-8"))


@cache
def link_hosts() -> dict:
    """Which hosts hold papers and which give access, with a label for each (link_hosts.yaml)."""
    return yaml.safe_load((_FOLDER / "link_hosts.yaml").read_text(encoding="utf-8"))
