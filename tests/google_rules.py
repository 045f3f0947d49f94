"""Google's Dataset rules (tests/fixtures/google-dataset/rules.json) checked on a page's JSON-LD, as the tests'
own oracle: written from Google's documentation, not from the product (there is no runnable Google validator
here: the Rich Results Test is an online service). Used by tests/test_conformance.py and tests/test_site.py."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import extruct

RULES_FILE = Path(__file__).resolve().parent / "fixtures" / "google-dataset" / "rules.json"
_SCHEMA = ("https://schema.org/", "http://schema.org/", "schema:")


@cache
def rules() -> dict:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def recommended() -> list[str]:
    return sorted(rules()["Dataset"]["recommended"])


def _local(name: str) -> str:
    for prefix in _SCHEMA:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    return {_local(t) for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)}


def _is_url(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


def _matches(value, kinds: list[str]) -> bool:
    """Whether one JSON-LD value is of one of Google's accepted types."""
    subtypes = rules()["subtypes"]
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    if isinstance(value, bool):
        return "Boolean" in kinds
    if isinstance(value, (int, float)):
        return "Number" in kinds
    if isinstance(value, str):
        return "Text" in kinds or ("URL" in kinds and _is_url(value))
    if isinstance(value, dict):
        types = _types(value)
        if not types and set(value) == {"@id"}:
            return "URL" in kinds and _is_url(value["@id"])
        return any(t in types or types & set(subtypes.get(t, [])) for t in kinds)
    return False


def _values(node: dict, name: str) -> list:
    value = next((v for k, v in node.items() if _local(k) == name), None)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check(node: dict, kind: str, where: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for one node against the rules of ``kind`` (Dataset or DataDownload)."""
    errors: list[str] = []
    warnings: list[str] = []
    for level, out in (("required", errors), ("recommended", warnings)):
        for name, rule in rules()[kind][level].items():
            values = _values(node, name)
            if not values:
                out.append(f"{where}: {level} property {name} is missing")
                continue
            for value in values:
                if not _matches(value, rule["types"]):
                    errors.append(f"{where}: {name} is {json.dumps(value)[:80]}, Google accepts {rule['types']}")
            if "length" in rule:
                low, high = rule["length"]
                texts = [v["@value"] if isinstance(v, dict) else v for v in values]
                if not any(isinstance(t, str) and low <= len(t) <= high for t in texts):
                    errors.append(f"{where}: {name} must be {low} to {high} characters")
            if name == "distribution":
                for i, item in enumerate(values):
                    if isinstance(item, dict):
                        e, w = _check(item, "DataDownload", f"{where} distribution[{i}]")
                        errors += e
                        warnings += w
    return errors, warnings


def page_findings(html: str) -> tuple[int, list[str], list[str]]:
    """How many schema.org Datasets a page holds, read with extruct as a crawler reads it, and Google's errors and
    warnings for them."""
    items = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    nodes = [n for item in items for n in (item.get("@graph", [item]) if isinstance(item, dict) else [])]
    datasets = [n for n in nodes if isinstance(n, dict) and "Dataset" in _types(n)]
    errors: list[str] = []
    warnings: list[str] = []
    for node in datasets:
        e, w = _check(node, "Dataset", str(node.get("@id", "Dataset")))
        errors += e
        warnings += w
    return len(datasets), errors, warnings
