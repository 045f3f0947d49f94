"""The bundled SPARQL queries (``queries/*.rq``): their headers, parameter binding, and local answers.

Each query file starts with ``#+`` header lines (YAML: title, description, params, example) that
``query --list``, the README and the SPARQL form all read. Parameters are bound as RDF terms in a
``VALUES`` block written by Oxigraph's term serializer, never pasted into the query text as strings. The
local engine is an in-memory Oxigraph store holding the catalog graph and the ontology.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import yaml

from medvlm_kg.build.store import ONTOLOGY_FILES
from medvlm_kg.catalog.concepts import load_schemes, suggest
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.graph.jsonld import prefixes
from medvlm_kg.graph.serialize import serialize
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.resources import ontology_dir, queries_dir
from medvlm_kg.sparql.kept_answers import answer_path, keeping, read_page

__all__ = [
    "BuiltStore",
    "BundledQuery",
    "Param",
    "QueryResult",
    "bundled_queries",
    "bind",
    "built_catalog_iri",
    "built_sources",
    "built_store",
    "local_store",
    "queryable_triples",
    "run_local",
    "page_note",
    "page_of",
    "bound_text",
    "format_result",
    "OUTPUT_FORMATS",
]

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    example: str
    default: str | None = None


@dataclass(frozen=True)
class BundledQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    example: str
    text: str
    file: Path

    @property
    def form(self) -> str:
        body = re.sub(r"(?m)^\s*#.*$", "", self.text)
        body = re.sub(r"(?is)^\s*(PREFIX|BASE)\s+[^\n]*", "", body)
        m = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return m.group(1).upper() if m else "SELECT"


def _parse_header(path: Path) -> BundledQuery:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(
        line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines() if line.startswith("#+")
    )
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (header line {mark.line + 1})" if mark else ""
        raise CatalogError(
            Problem(str(path), None, "#+ header", f"is not valid YAML{where}", "quote values that contain a colon")
        ) from None
    params = tuple(
        Param(
            p["name"],
            p.get("type", "string"),
            p.get("description", ""),
            str(p.get("example", "")),
            None if p.get("default") is None else str(p["default"]),
        )
        for p in meta.get("params") or []
    )
    return BundledQuery(
        path.stem,
        meta.get("title", path.stem),
        meta.get("description", ""),
        params,
        meta.get("example", f"medvlm-kg query {path.stem}"),
        text,
        path,
    )


@cache
def bundled_queries(directory: Path | None = None) -> dict[str, BundledQuery]:
    """Every bundled query, by name (its file name without ``.rq``)."""
    directory = directory or queries_dir()
    return {q.name: q for q in (_parse_header(p) for p in sorted(directory.glob("*.rq")))}


def _usage(message: str, hint: str) -> CatalogError:
    return CatalogError(Problem("query", None, "--param", message, hint))


def bind(query: BundledQuery, values: dict[str, str], base_iri: str) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turn ``--param`` strings into RDF terms, checking each against its declared type."""
    known = {p.name: p for p in query.params}
    for name in values:
        if name not in known:
            listing = ", ".join(f"{p.name} ({p.type})" for p in query.params) or "none"
            close = suggest(name, list(known))
            hint = (f'did you mean "{close}"? ' if close else "") + f"its parameters: {listing}"
            raise _usage(f'query "{query.name}" has no parameter "{name}"', hint)
    bindings: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise _usage(
                f'query "{query.name}" needs --param {param.name}=…',
                f"{param.description} (e.g. {param.name}={param.example})",
            )
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:  # a non-UTF-8 argv reaches Python as lone surrogates, which no RDF term holds
            raise _usage(
                f"{param.name}: the value is not UTF-8 text", "type it again in a UTF-8 terminal or script"
            ) from None
        bindings[ox.Variable(param.name)] = _term(param, raw, base_iri)
    return bindings


def _term(param: Param, raw: str, base_iri: str) -> ox.NamedNode | ox.Literal:
    kind, _, scheme_name = param.type.partition(":")
    if kind == "concept":
        scheme = load_schemes()[scheme_name]
        if raw not in scheme.concepts:
            close = suggest(raw, list(scheme.concepts))
            hint = (f'did you mean "{close}"? ' if close else "") + f"(known: {', '.join(scheme.concepts)})"
            raise _usage(f'{param.name}: unknown {scheme_name} "{raw}"', hint)
        return ox.NamedNode(scheme.concepts[raw].iri)
    if kind == "dataset":
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", raw):
            raise _usage(f'{param.name}: "{raw}" is not a dataset id', "use an id such as pathmmu")
        return ox.NamedNode(dataset_iri(base_iri, raw))
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,18}", raw):
            raise _usage(f'{param.name}: "{raw}" is not a whole number', f"e.g. {param.name}={param.example}")
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(_XSD + "integer"))
    if kind == "language":
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", raw):
            raise _usage(f'{param.name}: "{raw}" is not a language tag', "e.g. en or zh")
        if raw.split("-")[0] not in LANGUAGES:  # the catalog's labels and cells are English and Chinese
            raise _usage(
                f'{param.name}: the catalog has no "{raw}" text', f"its languages are {' and '.join(LANGUAGES)}"
            )
        return ox.Literal(raw)
    if kind == "iri":
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", raw):
            raise _usage(f'{param.name}: "{raw}" is not an http(s) IRI', "write a full URL")
        try:
            return ox.NamedNode(raw)
        except ValueError as error:  # "http://a%zz", "http://[x": the shape of a URL, but no IRI
            raise _usage(f'{param.name}: "{raw}" is not a valid IRI ({error})', f"e.g. {param.example}") from None
    return ox.Literal(raw)


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"
_DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_DCAT_CATALOG = "http://www.w3.org/ns/dcat#Catalog"


def queryable_triples(graph: KnowledgeGraph) -> list[ox.Triple]:
    """What the bundled queries run over, locally and on a store: the catalog graph plus the ontology
    (labels, concept hierarchy), without duplicates, in a stable order."""
    triples = set(graph.triples())
    for name in ONTOLOGY_FILES:
        for quad in ox.parse(path=str(ontology_dir() / name), format=ox.RdfFormat.TURTLE):
            triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def built_sources(out_dir: Path | str, field: str = "") -> list[Path]:
    """The files of a build folder holding what ``queryable_triples`` gives: ``catalog.nt.gz`` (no blank nodes,
    each triple once) and the ontology files the build ships. A missing one is a ``CatalogError`` on ``field``
    (the option that named the folder) saying to build it."""
    out = Path(out_dir)
    sources = [out / "catalog.nt.gz"] + [out / "ontology" / name for name in ONTOLOGY_FILES]
    missing = next((p for p in sources if not p.is_file()), None)
    if missing is not None:
        what = f"has no {missing.relative_to(out).as_posix()}"
        raise CatalogError(Problem(str(out), None, field, what, f"run medvlm-kg build --out {out}"))
    return sources


def built_catalog_iri(catalog_nt: Path | str) -> str:
    """The IRI of the ``dcat:Catalog`` a built ``catalog.nt`` describes (its first lines: read no further)."""
    import gzip

    path = Path(catalog_nt)
    with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_TRIPLES):
            if quad.predicate.value == _RDF_TYPE and quad.object.value == _DCAT_CATALOG:
                return quad.subject.value
    raise ValueError(f"no dcat:Catalog in {path.name}")


class BuiltStore(NamedTuple):
    """A build folder's graph to query: its base IRI, a store, and where answers from that store are kept
    (``kept_answers``; None for a store loaded in memory, which lives as long as the command)."""

    base_iri: str
    store: ox.Store
    answers: Path | None = None


def built_store(out_dir: Path | str) -> BuiltStore:
    """The base IRI and a store of a build folder's graph: the on-disk store the build left beside the folder
    (``store.py``), opened read-only in milliseconds; for a folder without one, an in-memory store of
    ``built_sources`` by Oxigraph's bulk loader. Either holds what ``local_store`` holds, without reading and
    converting the YAML again (minutes at 100,000)."""
    from medvlm_kg.build.store import open_generation

    sources = built_sources(out_dir, "--from-build")
    rebuild = f"run medvlm-kg build --out {out_dir}"
    try:
        catalog = built_catalog_iri(sources[0])
    except (ValueError, SyntaxError, OSError) as error:
        raise CatalogError(Problem(str(out_dir), None, "--from-build", str(error), rebuild)) from None
    on_disk = open_generation(out_dir)
    if on_disk is not None:
        return BuiltStore(catalog[: -len("catalog")], *on_disk)
    from medvlm_kg.build.store import load_into

    store = ox.Store()
    try:
        load_into(store, sources[0], ox.DefaultGraph())
    except (ValueError, SyntaxError, OSError) as error:
        raise CatalogError(Problem(str(out_dir), None, "--from-build", str(error), rebuild)) from None
    return BuiltStore(catalog[: -len("catalog")], store)


def local_store(graph: KnowledgeGraph) -> ox.Store:
    """An in-memory Oxigraph store holding ``queryable_triples(graph)`` in its default graph."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in queryable_triples(graph))
    return store


@dataclass
class QueryResult:
    """A query's answer: variables and rows for SELECT, triples for CONSTRUCT/DESCRIBE, a boolean for ASK."""

    form: str
    variables: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | None]]
    triples: list[ox.Triple] | None = None
    boolean: bool | None = None
    total: int | None = None  # rows in the whole answer, when ``rows`` is one page of it
    offset: int = 0  # rows of the answer before ``rows``


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _in_comment(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    return "#" in text[line_start:position] and "<" not in text[line_start:position]


def bound_text(query: BundledQuery, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query text with its parameters bound by a ``VALUES`` block opening the outermost WHERE group.

    Terms are written in N-Triples syntax by Oxigraph (quotes, newlines and ``>`` escaped), so a value can
    never change the query's structure. The same text runs locally and on any SPARQL 1.1 store.
    """
    if not bindings:
        return query.text
    match = next((m for m in _OUTER_WHERE.finditer(query.text) if not _in_comment(query.text, m.start())), None)
    if match is None:
        raise ValueError(f"{query.file.name}: a query with parameters needs a WHERE {{ … }} group")
    variables = " ".join(str(v) for v in bindings)
    values = " ".join(str(t) for t in bindings.values())
    block = f" VALUES ({variables}) {{ ({values}) }}"
    return query.text[: match.end()] + block + query.text[match.end() :]


def check_datasets(store: ox.Store, query: BundledQuery, bindings: dict) -> None:
    """Raise a usage error when a dataset parameter names no dataset of the store's catalog: an empty answer
    would not tell a misspelt id ("vqa-rad") from a dataset the query finds nothing about."""
    for param in query.params:
        node = bindings.get(ox.Variable(param.name))
        if param.type != "dataset" or not isinstance(node, ox.NamedNode):
            continue
        if store.query(f"ASK {{ {node} a <{_DCAT_DATASET}> }}", use_default_graph_as_union=True):
            continue
        raw = node.value.rsplit("/", 1)[-1]
        listing = f"SELECT ?id WHERE {{ ?d a <{_DCAT_DATASET}> ; <{_DCT_IDENTIFIER}> ?id }}"
        ids = sorted({s["id"].value for s in store.query(listing, use_default_graph_as_union=True)})
        close = suggest(raw, ids)
        hint = (f'did you mean "{close}"? ' if close else "") + "medvlm-kg query newest-first lists the datasets"
        raise _usage(f'{param.name}: no dataset "{raw}" in this catalog', hint)


def run_local(
    store: ox.Store,
    query: BundledQuery,
    bindings: dict,
    limit: int | None = None,
    offset: int = 0,
    kept: Path | None = None,
) -> QueryResult:
    """Answer a bundled query over a local store (its default graph, or, for a build's store, the union of its
    graphs: one graph, so no triple is counted twice). ``limit``/``offset``: one page of a SELECT answer (the
    rest of the answer is counted, not read into memory: ``total``). ``kept``: the store's generation folder
    (``BuiltStore.answers``), where an answer longer than its page, or slow to compute, is kept and a later page
    read from (``kept_answers``)."""
    text = bound_text(query, bindings)
    paged = limit is not None or bool(offset)
    path = answer_path(kept, text) if kept is not None and paged and query.form == "SELECT" else None
    found = read_page(path, limit, offset) if path is not None else None
    if found is not None:
        variables, page, total = found
        return QueryResult("SELECT", variables, page, total=total, offset=offset)
    started = time.perf_counter()
    answer = store.query(text, use_default_graph_as_union=True)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", [], [], boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return QueryResult(query.form, [], [], triples=list(answer))
    variables = [v.value for v in answer.variables]
    rows = ([solution[v] for v in variables] for solution in answer)
    if not paged:
        return QueryResult("SELECT", variables, list(rows))
    if path is not None and limit is not None:  # a page that has a next one (or a slow answer): kept while counted
        rows = keeping(path, variables, rows, shown=offset + limit, started=started)
    skipped = sum(1 for _ in islice(rows, offset))
    page = list(islice(rows, limit))
    total = skipped + len(page) + sum(1 for _ in rows)
    return QueryResult("SELECT", variables, page, total=total, offset=offset)


def page_of(result: QueryResult, limit: int | None = None, offset: int = 0) -> QueryResult:
    """One page of a SELECT answer already in memory (a remote store's): ``run_local``'s paging, the same rows."""
    if result.form != "SELECT" or result.triples is not None or (limit is None and not offset):
        return result
    end = None if limit is None else offset + limit
    return QueryResult("SELECT", result.variables, result.rows[offset:end], total=len(result.rows), offset=offset)


def page_note(result: QueryResult) -> str:
    """Which rows of how many a page holds, and how to ask for the next: "rows 1–100 of 2,345; --offset 100
    for more"."""
    total, first = result.total or 0, result.offset + 1
    last = result.offset + len(result.rows)
    shown = f"rows {first:,}–{last:,} of {total:,}" if result.rows else f"no rows from {first:,} (of {total:,})"
    return shown + (f"; --offset {last} for more" if last < total else "")


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _csv_term(term) -> str:
    return "" if term is None else term.value


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.datatype.value in (_XSD + "integer", _XSD + "boolean"):
        return term.value
    return str(term)


def _width(text: str) -> int:
    """Terminal columns: Chinese and other wide characters take two, so the table stays aligned."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_result(result: QueryResult, fmt: str) -> str:
    """The answer as text: an aligned table, SPARQL CSV/TSV, or SPARQL 1.1 results JSON (a graph as Turtle, or
    as JSON-LD for ``json``: a program asking for JSON gets JSON)."""
    if result.triples is not None and fmt == "json":
        return serialize(result.triples, "jsonld").decode("utf-8") + "\n"
    if result.triples is not None:
        return ox.serialize(
            sorted(result.triples, key=lambda t: (t.subject.value, t.predicate.value, str(t.object))),
            format=ox.RdfFormat.TURTLE,
            prefixes=prefixes(),
        ).decode("utf-8")
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        return (
            json.dumps(
                {"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1
            )
            + "\n"
        )
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        if fmt == "csv":
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(result.variables)
            writer.writerows([_csv_term(t) for t in row] for row in result.rows)
        else:
            buffer.write("\t".join("?" + v for v in result.variables) + "\n")
            for row in result.rows:
                buffer.write("\t".join(_tsv_term(t) for t in row) + "\n")
        return buffer.getvalue()
    cells = [[_csv_term(t) for t in row] for row in result.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = [
        "  ".join(_pad(v, w) for v, w in zip(result.variables, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"
