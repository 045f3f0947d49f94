"""Google's Dataset rich results, a profile: Google's rules (``ontology/google-dataset.rules.json``, written from
Google Search Central's "Dataset structured data" page, which it cites; Google publishes no machine-readable form and
its Rich Results Test is an online service) checked on one JSON-LD node, and on every dataset page's block for
``validate --profile google``. ``site.inspect`` reads built pages with extruct and applies the same check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from medvlm_kg.catalog.entries import Catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.problems import ERROR, Problem
from medvlm_kg.resources import ontology_dir

__all__ = [
    "DESCRIPTION_LENGTH",
    "GOOGLE_RECOMMENDED",
    "GOOGLE_REQUIRED",
    "DatasetCheck",
    "check_dataset",
    "google_rules",
    "problems",
]

_SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")


@cache
def google_rules() -> dict[str, Any]:
    """Google's Dataset rules (``ontology/google-dataset.rules.json``, written from Google Search Central's "Dataset
    structured data" page, which it cites): required and recommended properties of a Dataset and of a
    DataDownload, with the types Google accepts for each."""
    return json.loads((ontology_dir() / "google-dataset.rules.json").read_text(encoding="utf-8"))


GOOGLE_REQUIRED = tuple(google_rules()["Dataset"]["required"])
GOOGLE_RECOMMENDED = tuple(sorted(google_rules()["Dataset"]["recommended"]))
DESCRIPTION_LENGTH = tuple(google_rules()["Dataset"]["required"]["description"]["length"])


@dataclass
class DatasetCheck:
    """One schema.org Dataset found on a page, against Google's Dataset rules."""

    id: str | None
    required_missing: list[str] = field(default_factory=list)
    required_invalid: list[str] = field(default_factory=list)
    recommended_present: list[str] = field(default_factory=list)
    recommended_missing: list[str] = field(default_factory=list)
    description_length: int | None = None

    @property
    def ok(self) -> bool:
        return not self.required_missing and not self.required_invalid


def _local(key: str) -> str:
    for prefix in _SCHEMA_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def node_types(node: dict) -> list[str]:
    value = node.get("@type", [])
    return [_local(t) for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)]


def json_ld_nodes(items: list) -> list[dict]:
    """Every top-level node of the extracted items (``@graph`` members included)."""
    out: list[dict] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("@graph"), list):
            out += [n for n in item["@graph"] if isinstance(n, dict)]
        elif isinstance(item, dict):
            out.append(item)
    return out


def _texts(value: Any) -> list[str]:
    """The text values of a property, whether written as strings, ``@value`` objects or lists of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and "@value" in value:
        return [str(value["@value"])]
    if isinstance(value, list):
        return [text for v in value for text in _texts(v)]
    return []


def _present(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, list):
        return any(_present(v) for v in value)
    return True


def check_dataset(node: dict) -> DatasetCheck:
    """Google's Dataset rules for one JSON-LD node."""
    props = {_local(k): v for k, v in node.items() if not k.startswith("@")}
    check = DatasetCheck(node.get("@id") if isinstance(node.get("@id"), str) else None)
    names = [t for t in _texts(props.get("name")) if t.strip()]
    if "name" not in props:
        check.required_missing.append("name")
    elif not names:
        check.required_invalid.append("name: no text")
    descriptions = _texts(props.get("description"))
    if "description" not in props:
        check.required_missing.append("description")
    elif not descriptions:
        check.required_invalid.append("description: no text")
    else:
        low, high = DESCRIPTION_LENGTH
        lengths = [len(d) for d in descriptions]
        check.description_length = max(lengths)
        if not any(low <= n <= high for n in lengths):
            check.required_invalid.append(
                f"description: {', '.join(map(str, lengths))} characters; Google wants {low} to {high}"
            )
    for name in GOOGLE_RECOMMENDED:
        (check.recommended_present if _present(props.get(name)) else check.recommended_missing).append(name)
    # Google accepts only a DataDownload as a distribution, and requires its contentUrl (the file's address).
    download = google_rules()["DataDownload"]
    items = props.get("distribution")
    for i, item in enumerate(items if isinstance(items, list) else [items] if items else []):
        where = f"distribution[{i}]"
        if not isinstance(item, dict) or "DataDownload" not in node_types(item):
            check.required_invalid.append(f"{where}: not a DataDownload")
            continue
        fields = {_local(k): v for k, v in item.items()}
        for name in download["required"]:
            if not _present(fields.get(name)):
                check.required_invalid.append(f"{where}: no {name}")
        for name in download["recommended"]:
            if not _present(fields.get(name)):
                check.recommended_missing.append(f"{where}.{name}")
    return check


def problems(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    """Google's Dataset rules on each dataset page's JSON-LD block (what the site embeds, in each language): a
    required property missing, or a distribution that is not a DataDownload with its contentUrl, is an error; the
    recommended properties a page lacks are what ``inspect-site`` lists, not problems."""
    from medvlm_kg.graph.schema_org import schema_org_jsonld

    found: set[Problem] = set()
    for dataset in catalog.datasets:
        for lang in LANGUAGES:
            block = schema_org_jsonld(graph.datasets[dataset.id], dataset_iri(catalog.base_iri, dataset.id), lang)
            check = check_dataset(block)
            for what in check.required_missing + check.required_invalid:
                field_name = what.split(":")[0].split("[")[0]
                message = f"Google: {what} ({lang} page)"
                found.add(Problem(dataset.file, None, field_name, message, "see docs/conformance.md", ERROR))
    return sorted(found, key=lambda p: (p.file, p.field, p.message))
