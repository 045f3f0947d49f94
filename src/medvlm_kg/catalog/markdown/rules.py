"""The importer's rules kept as data, not code: the column synonyms and the export's headers
(``markdown_columns.yaml``) and the link-host rules (``link_hosts.yaml``), both beside this package in ``catalog/``
so curators find and edit them there."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

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


def link_rule(url: str) -> tuple[str, dict] | None:
    """("paper" | "access", rule) for a URL by its host (and path), or None for a host the rules do not know."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for kind in ("papers", "access"):
        for rule in link_hosts()[kind]:
            if any(host == h or host.endswith("." + h) for h in rule["hosts"]):
                if rule.get("path") and not re.search(rule["path"], parts.path or "/"):
                    continue
                return ("paper" if kind == "papers" else "access"), rule
    return None
