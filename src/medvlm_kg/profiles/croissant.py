"""Croissant 1.1 for ML tools: one ``dataset/<id>.croissant.json`` per dataset, beside its RDF files.

Each file is derived from the dataset's graph (name, description, url, sameAs, keywords, license, date, creators)
and the paper's facts (``citeAs`` as BibTeX); its access points become ``cr:FileObject``s described the way their
hosts describe them (a GitHub or Hugging Face repository is cloned with ``git+https``; other hosts serve a page).
Nothing is invented: no checksums, no record sets, no version. The catalog points at repositories' current state,
not at fixed files, so the dataset is marked ``isLiveDataset`` — Croissant's way of saying its files carry no
checksum. The context, the encodings and the rules `validate --profile croissant` checks are data:
``ontology/croissant.rules.json``; mlcroissant, where installed, validates every file too.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset, Paper
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.iris import catalog_iri, dataset_iri
from medvlm_kg.graph.jsonld import json_bytes
from medvlm_kg.problems import ERROR, WARNING, Problem
from medvlm_kg.resources import ontology_dir

__all__ = [
    "CROISSANT_SPEC",
    "MEDIA_TYPE",
    "citation_bibtex",
    "croissant_bytes",
    "croissant_document",
    "croissant_files",
    "croissant_path",
    "document_problems",
    "has_mlcroissant",
    "problems",
]

CROISSANT_SPEC = "http://mlcommons.org/croissant/1.1"
MEDIA_TYPE = f'application/ld+json; profile="{CROISSANT_SPEC}"'

_SDO = "https://schema.org/"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_HOST = "https://w3id.org/medvlm-kg/vocab#hostPlatform"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def croissant_path(dataset_id: str) -> str:
    """Where a dataset's Croissant file is written, beside ``dataset/<id>.ttl`` and the dataset's page."""
    return f"dataset/{dataset_id}.croissant.json"


@cache
def _rules() -> dict[str, Any]:
    return json.loads((ontology_dir() / "croissant.rules.json").read_text(encoding="utf-8"))


# ---- the document ----------------------------------------------------------------------------------------


def _paper_of(catalog: Catalog, dataset: Dataset) -> Paper | None:
    if dataset.paper is None and dataset.same_paper_as:
        return catalog.dataset(dataset.same_paper_as.value).paper
    return dataset.paper


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_text(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def citation_bibtex(catalog: Catalog, dataset: Dataset) -> str:
    """``citeAs``: the paper that introduces the dataset, as BibTeX, from the facts the catalog holds; when no
    paper is known, the dataset's record in this catalog."""
    paper = _paper_of(catalog, dataset)
    iri = dataset_iri(catalog.base_iri, dataset.id)
    if paper is None:
        fields = [("title", dataset.name), ("howpublished", f"\\url{{{iri}}}"), ("note", catalog.title["en"])]
        return _bibtex("misc", dataset.id, fields)
    fields = [("title", _bibtex_text(paper.title))]
    authors = [_bibtex_text(a) for a in paper.authors + paper.more_authors]
    if authors:
        if not paper.authors_complete:
            authors.append("others")
        fields.append(("author", " and ".join(authors)))
    year = paper.date.value[:4] if paper.date else None
    if year is None and paper.arxiv:  # an arXiv id starts with the year and month of its first version
        year = "20" + paper.arxiv[:2]
    if year:
        fields.append(("year", year))
    if paper.venue:
        fields.append(("note", _bibtex_text(paper.venue)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", paper.doi))
    fields.append(("url", paper.iri))
    return _bibtex("misc", dataset.id, fields)


def _bibtex(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}"


class _Facts:
    """One dataset's triples, by subject and property."""

    def __init__(self, triples) -> None:
        self.values: dict[tuple[str, str], list] = defaultdict(list)
        for t in triples:
            self.values[(t.subject.value, t.predicate.value)].append(t.object)

    def iris(self, subject: str, prop: str) -> list[str]:
        return sorted({o.value for o in self.values[(subject, prop)] if isinstance(o, ox.NamedNode)})

    def texts(self, subject: str, prop: str, lang: str | None = None) -> list[str]:
        """The text values of a property, in ``lang`` (``None``: plain text without a language)."""
        values = self.values[(subject, prop)]
        return sorted({o.value for o in values if isinstance(o, ox.Literal) and (o.language or None) == lang})


def _file_object(facts: _Facts, node: str) -> dict[str, Any]:
    """An access point as a ``cr:FileObject``: a repository by its git URL, another host by its page."""
    schemes = load_schemes()
    url = (facts.iris(node, _DCAT + "accessURL") or [""])[0]
    label = (facts.texts(node, _DCT + "title") or [""])[0]
    host = (facts.iris(node, _HOST) or [None])[0]
    concept = schemes["platform"].by_iri(host) if host else None
    access = _rules()["access"]
    how = access.get(concept.id if concept else "", access["default"])
    platform = concept.label("en") if concept else (urlsplit(url).hostname or label)
    last = urlsplit(url).path.rstrip("/").rpartition("/")[2]
    # "https://zenodo.org/records/57": a record's number alone names nothing ("57"), so its host's label leads
    name = f"{label or platform} {last}" if last.isdigit() else (last or label)
    return {
        "@type": "cr:FileObject",
        "@id": node,
        "name": name,
        "description": how["description"].format(label=label, platform=platform),
        "contentUrl": url,
        "encodingFormat": how["encodingFormat"],
    }


def _license_statement(dataset: Dataset) -> dict[str, Any]:
    """What the dataset's own pages say about its license, as read, with any conflict and the pages it was read on:
    shown whether or not it maps to an SPDX license for the data (then only it explains a missing ``license``)."""
    lic = dataset.license
    assert lic is not None
    text = lic.stated + "".join(f" Conflicting statements: {c}" for c in lic.conflicts)
    return {
        "@type": "sc:CreativeWork",
        "name": "License as its source states it",
        "text": text,
        "isBasedOn": list(lic.sources),
    }


def _license(facts: _Facts, node: str) -> str | dict[str, Any]:
    """A license: its IRI (an SPDX licence), or, where only a statement is known, the statement as a CreativeWork
    with its text and the page it was read on (Croissant allows either)."""
    if _SDO + "CreativeWork" not in facts.iris(node, _RDF_TYPE):
        return node
    work: dict[str, Any] = {"@type": "sc:CreativeWork"}
    for key in ("name", "text"):  # in whichever language it is written ("搜狗实验室数据使用许可协议")
        texts = sorted(o.value for o in facts.values[(node, _SDO + key)] if isinstance(o, ox.Literal))
        if texts:
            work[key] = texts[0]
    urls = facts.iris(node, _SDO + "url")
    if urls:
        work["url"] = urls[0]
    return work


def croissant_document(catalog: Catalog, graph: KnowledgeGraph, dataset: Dataset) -> dict[str, Any]:
    """The dataset's Croissant 1.1 description, from its graph and its paper."""
    return document_from(catalog, dataset, graph.datasets[dataset.id])


def croissant_bytes(catalog: Catalog, dataset: Dataset, triples: list[ox.Triple]) -> bytes:
    """The dataset's Croissant file, from the dataset and its own triples."""
    return _dump(document_from(catalog, dataset, triples))


def document_from(catalog: Catalog, dataset: Dataset, triples: list[ox.Triple]) -> dict[str, Any]:
    """The dataset's Croissant 1.1 description, from its own triples and its paper."""
    rules = _rules()
    iri = dataset_iri(catalog.base_iri, dataset.id)
    facts = _Facts(triples)
    doc: dict[str, Any] = {
        "@context": rules["context"],
        "@type": "sc:Dataset",
        "@id": iri,
        "conformsTo": rules["conformsTo"],
        "name": (facts.texts(iri, _SDO + "name") or [dataset.name])[0],
    }
    description = facts.texts(iri, _SDO + "description", "en")
    if description:
        doc["description"] = description[0]
    doc["url"] = (facts.iris(iri, _SDO + "url") or [iri])[0]
    same_as = facts.iris(iri, _SDO + "sameAs")
    if same_as:
        doc["sameAs"] = same_as
    licenses = [_license(facts, node) for node in facts.iris(iri, _SDO + "license")]
    if licenses:
        doc["license"] = licenses[0] if len(licenses) == 1 else licenses
    people = {
        facts.texts(p, _SDO + "name")[0]: p for p in facts.iris(iri, _SDO + "creator") if facts.texts(p, _SDO + "name")
    }
    paper = _paper_of(catalog, dataset)
    names = [n for n in ((paper.authors + paper.more_authors) if paper else ()) if n in people]
    if names:
        doc["creator"] = [{"@type": "sc:Person", "@id": people[n], "name": n} for n in names]
    published = [o.value for o in facts.values[(iri, _SDO + "datePublished")]]
    if published:
        doc["datePublished"] = published[0]
    keywords = facts.texts(iri, _SDO + "keywords", "en")
    if keywords:
        doc["keywords"] = keywords
    doc["citeAs"] = citation_bibtex(catalog, dataset)
    if dataset.license:
        doc["usageInfo"] = _license_statement(dataset)
    doc["includedInDataCatalog"] = {
        "@type": "sc:DataCatalog",
        "@id": catalog_iri(catalog.base_iri),
        "name": catalog.title["en"],
    }
    # The access points are repositories and pages whose content may change: no file carries a checksum.
    doc["isLiveDataset"] = True
    doc["distribution"] = [_file_object(facts, node) for node in facts.iris(iri, _DCAT + "distribution")]
    return doc


def _dump(doc: dict[str, Any]) -> bytes:
    return json_bytes(doc) + b"\n"


def croissant_files(catalog: Catalog, graph: KnowledgeGraph) -> dict[str, bytes]:
    """Every dataset's Croissant file by its output path, sorted."""
    return {
        croissant_path(d.id): _dump(croissant_document(catalog, graph, d))
        for d in sorted(catalog.datasets, key=lambda d: d.id)
    }


# ---- the rules -------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _rule_problem(dataset: Dataset, rule: dict[str, str], message: str | None = None, hint: str | None = None):
    field = rule.get("field", "")
    severity = {"error": ERROR, "warning": WARNING}.get(rule.get("severity", "error"), rule.get("severity", "error"))
    line = dataset.line_of(field) if field else None
    return Problem(dataset.file, line, field, message or rule["message"], hint or rule["hint"], severity)


def _license_problem(dataset: Dataset, rule: dict[str, str]) -> Problem:
    from medvlm_kg.profiles.base import license_gap

    message, hint = license_gap(dataset, "Croissant requires a license")
    return _rule_problem(dataset, rule, message, hint)


def has_mlcroissant() -> bool:
    """Whether MLCommons' validator can run here (it is an optional dependency)."""
    try:
        import mlcroissant  # noqa: F401
    except ImportError:
        return False
    return True


def _mlcroissant_issues(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """mlcroissant's errors and warnings for ``doc`` (mlcroissant must be installed)."""
    import mlcroissant as mlc
    from absl import logging as absl_logging

    verbosity = absl_logging.get_verbosity()
    absl_logging.set_verbosity(absl_logging.ERROR)  # its findings are read from ctx.issues, not from the log
    ctx = mlc.Context()
    try:
        mlc.Metadata.from_json(ctx=ctx, json_=copy.deepcopy(doc))
    except mlc.ValidationError:
        pass
    except Exception as exc:  # a document mlcroissant cannot even read
        ctx.issues.add_error(f"mlcroissant could not read the file: {exc}")
    finally:
        absl_logging.set_verbosity(verbosity)
    return sorted(ctx.issues.errors), sorted(ctx.issues.warnings)


def document_problems(
    doc: dict[str, Any], dataset: Dataset, catalog: Catalog, mlcroissant: bool = True
) -> list[Problem]:
    """What is wrong with one Croissant document, in curator words: the specification's required properties
    (``ontology/croissant.rules.json``), then mlcroissant's own validation."""
    rules = _rules()
    found: list[Problem] = []
    for rule in rules["required"] + rules["recommended"]:
        prop = rule["property"]
        if not _missing(doc.get(prop)):
            continue
        if prop == "license":
            found.append(_license_problem(dataset, rule))
        else:
            found.append(_rule_problem(dataset, rule))
    if doc.get("@type") not in (None, "sc:Dataset", "Dataset", _SDO + "Dataset"):
        found.append(_rule_problem(dataset, next(r for r in rules["required"] if r["property"] == "@type")))
    if not _missing(doc.get("conformsTo")) and CROISSANT_SPEC not in json.dumps(doc.get("conformsTo")):
        found.append(_rule_problem(dataset, next(r for r in rules["required"] if r["property"] == "conformsTo")))
    for i, item in enumerate(doc.get("distribution") or []):
        for rule in rules["fileObject"]:
            if _missing(item.get(rule["property"]) if isinstance(item, dict) else None):
                field = f"access[{i}]"
                found.append(Problem(dataset.file, dataset.line_of("access"), field, rule["message"], rule["hint"]))
    if mlcroissant and has_mlcroissant():
        errors, warnings = _mlcroissant_issues(doc)
        for severity, texts in ((ERROR, errors), (WARNING, warnings)):
            for text in texts:
                found += _mlcroissant_problem(dataset, text, severity)
    return list(dict.fromkeys(found))


def _mlcroissant_problem(dataset: Dataset, text: str, severity: str) -> list[Problem]:
    for rule in _rules()["mlcroissant"]:
        if rule["pattern"] in text:
            if rule["severity"] == "skip":
                return []
            return [_rule_problem(dataset, rule)]
    message = "mlcroissant: " + re.sub(r"^\s*\[[^\]]*\]\s*", "", text)
    return [Problem(dataset.file, None, "croissant", message, "see docs/profiles.md", severity)]


def problems(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    """Every Croissant finding for every dataset's file, in curator words (mlcroissant included when installed)."""
    from medvlm_kg.profiles.base import gather

    found: list[Problem] = []
    for dataset in catalog.datasets:
        found += document_problems(croissant_document(catalog, graph, dataset), dataset, catalog)
    if not has_mlcroissant():
        found.append(
            Problem(
                catalog.file,
                None,
                "croissant",
                "mlcroissant is not installed, so the files were checked against the catalog's own rules only",
                "pip install 'mlcroissant>=1.1,<1.2' to validate them with MLCommons' validator too",
                WARNING,
            )
        )
    return gather(found, catalog)
