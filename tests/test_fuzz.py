"""Property-based fuzzing (hypothesis) of the four places where strangers' input enters the tool.

1. The YAML loader (``check_catalog``): any text, any bytes, and near-valid dataset files mutated field by field
   give problems or a ``CatalogError`` — never another exception, never a hang — and whatever it accepts converts.
2. The converter and serializers: catalogs valid by construction (from the documented format, with hostile but
   legal strings) convert, and Turtle, JSON-LD and N-Triples hold the same graph.
3. The Markdown importer: any Markdown-ish text gives a report or a ``CatalogError``; a dry run writes nothing;
   every file a real import writes validates.
4. The query-parameter binder: any ``--param`` value is refused with a ``CatalogError`` or bound as one escaped RDF
   term that SPARQL reads back as exactly that value, with the same answer as the term written into the query by
   hand, and the store stays as it was.

The examples are derandomized (the same ones on every run and in CI) and bounded so the file runs in well under a
minute. ``MEDVLM_KG_FUZZ=search`` explores fresh random examples, fifty times as many, for a long local hunt.
Every failure found while building this is kept below, as an ``@example`` or in a regression test, with what it was.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from rdflib.compare import to_isomorphic

from conftest import DATA, ROOT
from medvlm_kg.catalog.checks import RESERVED_IDS
from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.load import check_catalog, load_catalog
from medvlm_kg.catalog.markdown import ImportReport, import_markdown, parse_tables, read_entries
from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.graph.serialize import FORMATS, serialize
from medvlm_kg.problems import ERROR, CatalogError
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.sparql.query import bind, bound_text, bundled_queries, local_store, run_local

SEARCH = os.environ.get("MEDVLM_KG_FUZZ") == "search"


def fuzz(max_examples: int):
    """Bounded and reproducible in CI; fresh and fifty times longer with ``MEDVLM_KG_FUZZ=search``."""
    return settings(
        max_examples=max_examples * (50 if SEARCH else 1),
        deadline=None,
        derandomize=not SEARCH,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


BASE = ROOT / "tests" / "corpus" / "_base" / "data"
SCHEMES = load_schemes()
CONCEPTS = {name: sorted(scheme.concepts) for name, scheme in SCHEMES.items()}


@contextmanager
def catalog_folder(datasets: dict[str, str | bytes], catalog: str | None = None):
    """A throw-away catalog folder: the base ``catalog.yaml`` (or ``catalog``) and the given dataset files."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        data = Path(tmp) / "data"
        (data / "datasets").mkdir(parents=True)
        (data / "catalog.yaml").write_text(
            catalog if catalog is not None else (BASE / "catalog.yaml").read_text("utf-8"), "utf-8"
        )
        for name, content in datasets.items():
            target = data / "datasets" / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, "utf-8")
        yield data


def assert_problems_or_catalog_error(data: Path):
    """The loader's contract: a catalog and warnings, or ``None`` and at least one error — or a CatalogError.
    Whatever it accepts must convert and serialize (the loader is the only gate before the graph).
    A loader that hangs on one input is failed by pytest-timeout (pyproject: 300 s a test), not a timed assert."""
    try:
        catalog, problems = check_catalog(data)
    except CatalogError as error:
        assert error.problems and all(p.message for p in error.problems)
        return None
    for p in problems:
        assert p.file and p.message, p
        assert str(p)  # every problem can be printed
        json.dumps(p.as_dict(), ensure_ascii=False)
    if catalog is None:
        assert any(p.severity == ERROR for p in problems), problems
        event("refused with problems")
        return None
    event("accepted")
    graph = convert(catalog)
    for fmt in FORMATS:
        serialize(graph.triples(), fmt, [graph.catalog_iri])
    return catalog


# ---- 1. the YAML loader ------------------------------------------------------------------------------------

SEED_ENTRIES = {path.stem: path.read_text("utf-8") for path in sorted((DATA / "datasets").glob("*.yaml"))}
SEED_ENTRIES["vqarad"] = (BASE / "datasets" / "vqarad.yaml").read_text("utf-8")
YAML_SYNTAX = ":-[]{}#&*!|>'\"%@`,? \n\t\\~=<abcxyz019"


@fuzz(60)
@given(st.text(max_size=300))
def test_any_yaml_text_gives_problems_or_a_catalog_error(text):
    with catalog_folder({"vqarad.yaml": text}) as data:
        assert_problems_or_catalog_error(data)


@fuzz(60)
@given(st.text(alphabet=YAML_SYNTAX, max_size=200))
@example("=:")  # found: the key `=` is YAML's "value key"; constructing it raised ConstructorError
@example("2024-02-30: x")  # a key that is a date that does not exist: ValueError
@example("id: =")
def test_any_yaml_punctuation_gives_problems_or_a_catalog_error(text):
    with catalog_folder({"vqarad.yaml": text}) as data:
        assert_problems_or_catalog_error(data)


@fuzz(40)
@given(st.binary(max_size=300))
@example(b"\xef\xbb\xbf\xef\xbb\xbfid: x")  # a second byte-order mark
@example(b"id: \xff\xfe")  # bytes that are not UTF-8
def test_any_bytes_give_problems_or_a_catalog_error(raw):
    with catalog_folder({"vqarad.yaml": raw}) as data:
        assert_problems_or_catalog_error(data)


@fuzz(20)
@given(st.text(max_size=300))
def test_any_catalog_description_gives_problems_or_a_catalog_error(text):
    with catalog_folder({"vqarad.yaml": SEED_ENTRIES["vqarad"]}, catalog=text) as data:
        assert_problems_or_catalog_error(data)


def _paths(value, prefix=()) -> list[tuple]:
    """Every path to a value inside a parsed document (keys and list positions)."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, prefix + (i,))
    return out


def _parent(doc, path):
    for part in path[:-1]:
        doc = doc[part]
    return doc


ODD_STRINGS = [
    "",
    " ",
    "-",
    "\u202eevil",
    "\u200f",
    "𝕧𝕢𝕒𝕣𝕒𝕕",
    "vqаrad",  # a Cyrillic а
    "../etc/passwd",
    "con",
    "a/b",
    "2025.13.40",
    "2024-02-30",
    "2024-13",
    "0000",
    "２０２４",
    "2024\n",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://exa mple.org/",
    "http://[x/",
    "http://a%zz/",
    "http://a:b/",
    "https://example.org/\ufffe",
    "https://example.org/<script>",
    "http://",
    "https://例え.jp/医学?q='x'#片",
    "10.1002/(SICI)1097-4636(199706)35:4<413::AID-JBM1>3.0.CO;2-E",
    "2401.16355\n",
    "image\n",
    "MIT\n",
    "zanting-ye\n",
    "https://a%zz/",
    "x" * 2001,
    "</script><!--",
    "😀",
]
FORMED_FIELDS = {"url", "sources", "source", "doi", "arxiv", "id", "unit", "platform", "published", "date", "modality"}
FORMED_FIELDS |= {"base_iri", "repository", "readme", "license", "license_source", "publisher"}
ODD_VALUES = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**30, -(10**30), 2**63, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.text(max_size=20),
    st.lists(st.sampled_from(ODD_STRINGS + CONCEPTS["modality"]), max_size=3),
    st.dictionaries(st.sampled_from(["en", "zh", "url", "sources", "x", "", "1"]), st.text(max_size=5), max_size=3),
)


@st.composite
def near_valid(draw, seeds: dict[str, str]) -> tuple[str, str]:
    """A valid file with a few of its fields dropped, duplicated, retyped or filled with odd values, then
    (sometimes) broken as text: a character or a line inserted, a tab, an anchor, a tag. Returns (stem, text)."""
    stem = draw(st.sampled_from(sorted(seeds)))
    doc = yaml.safe_load(seeds[stem])
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        if not paths:
            break
        action = draw(st.sampled_from(["drop", "retype", "retype", "odd", "odd", "add", "duplicate"]))
        formed = [p for p in paths if set(p[-2:]) & FORMED_FIELDS]
        if action == "odd" and formed:  # an odd value where a form is checked: URLs, ids, dates
            path = draw(st.sampled_from(formed))
        else:
            path = draw(st.sampled_from(paths))
        parent, key = _parent(doc, path), path[-1]
        if action == "drop":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(ODD_VALUES)
        elif action == "odd":
            parent[key] = draw(st.sampled_from(ODD_STRINGS))
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "Name", "sources", "licence", "id "]))] = draw(ODD_VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(parent[key])
    try:
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        text = seeds[stem]
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        edit = draw(st.sampled_from(["char", "duplicate line", "tab", "anchor", "tag", "flow"]))
        line = lines[at] if lines else ""
        if edit == "char":
            pos = draw(st.integers(0, len(line)))
            lines[at : at + 1] = [
                line[:pos] + draw(st.sampled_from(list(YAML_SYNTAX) + ["\x07", "\ufeff"])) + line[pos:]
            ]
        elif edit == "duplicate line":
            lines.insert(at, line)
        elif edit == "tab":
            lines[at : at + 1] = [line.replace("  ", "\t", 1)]
        elif edit == "anchor":
            lines.append("x: &a [1, 2]\ny: *a\n")
        elif edit == "tag":
            lines[at : at + 1] = [line.replace(": ", ": !!python/object:os.system ", 1)]
        elif edit == "flow":
            lines[at : at + 1] = [line.rstrip("\n") + " {\n"]
    file_stem = draw(st.sampled_from([stem, str(doc.get("id", stem)) if isinstance(doc, dict) else stem]))
    return (file_stem if re.fullmatch(r"[\w.-]{1,100}", file_stem) else stem), "".join(lines)


@fuzz(500)
@given(near_valid(SEED_ENTRIES))
def test_near_valid_dataset_files_give_problems_or_a_catalog_error(entry):
    stem, text = entry
    with catalog_folder({f"{stem}.yaml": text}) as data:
        assert_problems_or_catalog_error(data)


@fuzz(150)
@given(near_valid({"catalog": (BASE / "catalog.yaml").read_text("utf-8")}))
@example(("catalog", "curators: true\npublisher: x\n"))  # found: TypeError, 'bool' object is not iterable
def test_near_valid_catalog_descriptions_give_problems_or_a_catalog_error(entry):
    _, text = entry
    with catalog_folder({"vqarad.yaml": SEED_ENTRIES["vqarad"]}, catalog=text) as data:
        assert_problems_or_catalog_error(data)


# Each of these once crashed the loader or the converter after the loader had accepted the file.
LOADER_REGRESSIONS = [
    ("access[0].url", "http://[x/"),  # urlsplit: ValueError "Invalid IPv6 URL"
    ("access[0].url", "http://a%zz/"),  # accepted, then Oxigraph: "Invalid IRI percent encoding"
    ("access[0].url", "http://a:b/"),  # accepted, then Oxigraph: invalid port
    ("access[0].url", "https://example.org/\ufffe"),  # accepted, then Oxigraph: invalid IRI code point
    ("paper.doi", "10.1002/(SICI)1097-4636(199706)35:4<413::AID-JBM1>3.0.CO;2-E"),  # https://doi.org/… is no IRI
    ("paper.arxiv", "2401.16355\n"),  # jsonschema's Python `$` matches before a final newline
    ("published", "2024\n"),  # an xsd:gYear with a newline in it
    ("published", "２０２４"),  # full-width digits are not an xsd:gYear
    ("id", "x" * 2001),  # found: the rename hint asked the file system about x….yaml: "File name too long"
]


def _set(doc, dotted: str, value) -> None:
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", dotted)]
    _parent(doc, parts)[parts[-1]] = value


@pytest.mark.parametrize("field, value", LOADER_REGRESSIONS)
def test_values_that_once_got_past_the_loader_are_refused_with_the_field_named(field, value):
    doc = yaml.safe_load(SEED_ENTRIES["vqarad"])
    _set(doc, field, value)
    with catalog_folder({"vqarad.yaml": yaml.safe_dump(doc, allow_unicode=True)}) as data:
        catalog, problems = check_catalog(data)
    assert catalog is None
    errors = [p for p in problems if p.severity == ERROR]
    assert any(p.field == field and p.hint for p in errors), errors


# Each of these was accepted in catalog.yaml, then crashed the converter.
CATALOG_REGRESSIONS = [
    ("base_iri", "https://a%zz/"),  # Oxigraph: "Invalid IRI percent encoding"
    ("source.readme", "http://[x/"),  # urlsplit: "Invalid IPv6 URL"
    ("source.license", "MIT\n"),  # the Python `$` again: https://spdx.org/licenses/MIT + newline
    ("curators[0].id", "zanting-ye\n"),  # … and person/zanting-ye + newline
]


@pytest.mark.parametrize("field, value", CATALOG_REGRESSIONS)
def test_catalog_values_that_once_got_past_the_loader_are_refused_with_the_field_named(field, value):
    doc = yaml.safe_load((BASE / "catalog.yaml").read_text("utf-8"))
    _set(doc, field, value)
    if field == "curators[0].id":
        doc["publisher"] = value
    with catalog_folder(
        {"vqarad.yaml": SEED_ENTRIES["vqarad"]}, catalog=yaml.safe_dump(doc, allow_unicode=True)
    ) as data:
        catalog, problems = check_catalog(data)
    assert catalog is None
    assert any(p.field == field and p.hint for p in problems if p.severity == ERROR), problems


# ---- 2. the converter and serializers -------------------------------------------------------------------

HOSTILE = [
    '"',
    "'",
    "</script>",
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "\u202e",
    "\u200f",
    "\u200e",
    "\u2066",
    "医学影像",
    "放射图像",
    "😀",
    "👩🏽‍⚕️",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "\\n",
    "\\u0022",
    "{{ x }}",
    "@id",
    "@context",
    "@value",
    "#",
    "&amp;",
    "&#x3C;",
    "]]>",
    "\u00a0",
    "\ufeff",
    "\u2028",
    "\u2029",
    "null",
    "true",
    "~",
    "- ",
    ": ",
    "%20",
    "https://example.org/",
    "_:b0",
    "<http://x>",
    '"""',
    "'''",
    "\U0010fffd",
]
LEGAL_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))
TEXT = st.one_of(
    st.lists(
        st.one_of(st.sampled_from(HOSTILE), st.text(LEGAL_CHARACTERS, min_size=1, max_size=6)), min_size=1, max_size=5
    ).map("".join),
    st.text(LEGAL_CHARACTERS, min_size=1, max_size=30),
)
SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True).filter(lambda s: s not in RESERVED_IDS)

_SEGMENT_PIECES = st.one_of(
    st.text(alphabet="ABCxyz019-._~!$&'()*+,;=:@", min_size=1, max_size=6),
    st.sampled_from(["医学", "😀", "é", "א", "%20", "%3C", "%E2%80%AE", "%25", "\u200f", "x"]),
)
_SEGMENT = st.lists(_SEGMENT_PIECES, min_size=1, max_size=3).map("".join)
HOST = st.one_of(
    st.sampled_from(
        ["example.org", "huggingface.co", "github.com", "osf.io", "127.0.0.1", "例え.jp", "xn--r8jz45g.jp"]
    ),
    st.from_regex(r"[a-z][a-z0-9-]{0,8}\.[a-z]{2,5}", fullmatch=True),
)


@st.composite
def urls(draw, trailing_slash: bool = False) -> str:
    """http(s) URLs as curators paste them: unicode paths, percent-encodings, query strings and fragments."""
    url = draw(st.sampled_from(["http", "https"])) + "://" + draw(HOST) + draw(st.sampled_from(["", ":8080"]))
    url += "".join("/" + s for s in draw(st.lists(_SEGMENT, max_size=3)))
    if trailing_slash:
        return url + "/"
    if draw(st.booleans()):
        url += "?" + draw(_SEGMENT) + "=" + draw(_SEGMENT)
    if draw(st.booleans()):
        url += "#" + draw(_SEGMENT)
    return url


URL = urls()
SOURCES = st.lists(URL, min_size=1, max_size=2)


@st.composite
def dates(draw) -> str:
    day = draw(st.dates())
    return draw(st.sampled_from([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]]))


def bilingual(required_en: bool = False):
    if required_en:
        return st.fixed_dictionaries({"en": TEXT}, optional={"zh": TEXT})
    return st.one_of(st.fixed_dictionaries({"en": TEXT}, optional={"zh": TEXT}), st.fixed_dictionaries({"zh": TEXT}))


def concepts(scheme: str):
    return st.lists(st.sampled_from(CONCEPTS[scheme]), min_size=1, max_size=3)


def sourced(**fields):
    return st.fixed_dictionaries({**fields, "sources": SOURCES})


PAPER = st.fixed_dictionaries(
    {"title": TEXT, "sources": SOURCES},
    optional={
        "arxiv": st.from_regex(r"[0-9]{4}\.[0-9]{4,5}", fullmatch=True),
        "doi": st.tuples(st.from_regex(r"10\.[0-9]{4,9}", fullmatch=True), _SEGMENT).map("/".join),
        "url": URL,
        "venue": TEXT,
        "date": dates(),
        "authors": st.lists(TEXT, max_size=3),
        "authors_complete": st.booleans(),
        "more_authors": st.lists(TEXT, max_size=2),
    },
).filter(lambda p: {"arxiv", "doi", "url"} & set(p))
COUNT = st.one_of(st.integers(0, 10**6), st.sampled_from([0, 10**15, 10**30]))
DATASET_FIELDS = {
    "description": bilingual(),
    "published": dates(),
    "venue": TEXT,
    "modality": concepts("modality"),
    "modality_count": st.integers(1, 10**9),
    "task": concepts("task"),
    "size": st.lists(
        st.fixed_dictionaries(
            {"count": COUNT, "unit": st.sampled_from(CONCEPTS["unit"])}, optional={"approximate": st.booleans()}
        ),
        max_size=3,
    ),
    "access": st.lists(
        st.fixed_dictionaries(
            {"label": TEXT, "url": URL}, optional={"platform": st.sampled_from(CONCEPTS["platform"])}
        ),
        max_size=3,
    ),
    "homepage": sourced(url=URL),
    "alternate_name": sourced(names=st.lists(TEXT, min_size=1, max_size=2)),
    "paper": PAPER,
    "stated": st.fixed_dictionaries({"sources": SOURCES}, optional={"size": TEXT, "modality": TEXT}),
    "see_also": st.lists(sourced(url=URL, label=TEXT), max_size=2),
    "notes": st.lists(sourced(text=TEXT), max_size=2),
    "license": st.fixed_dictionaries(
        {"stated": TEXT, "covers": st.sampled_from(["data", "code", "both", "unclear"]), "sources": SOURCES},
        optional={
            "id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,20}", fullmatch=True),
            "conflicts": st.lists(TEXT, max_size=2),
        },
    ),
}
LISTED = st.fixed_dictionaries(
    {"name": TEXT},
    optional={
        "title": TEXT,
        "date": TEXT,
        "links": TEXT,
        "row": st.one_of(st.integers(1, 100), st.just(10**20)),
        "modality": bilingual(),
        "task": bilingual(),
        "size": bilingual(),
        "source": URL,
    },
)


@st.composite
def valid_catalogs(draw) -> tuple[str, dict[str, str]]:
    """A catalog folder's files, valid by construction from docs/data-format.md, hostile strings everywhere."""
    curator_ids = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    catalog: dict = {
        "base_iri": draw(urls(trailing_slash=True)),
        "title": draw(bilingual(required_en=True)),
        "description": draw(bilingual(required_en=True)),
        "curators": [
            draw(st.fixed_dictionaries({"id": st.just(cid), "name": TEXT}, optional={"affiliation": TEXT}))
            for cid in curator_ids
        ],
        "publisher": draw(st.sampled_from(curator_ids)),
        "source": {"repository": draw(URL), "readme": draw(URL)},
    }
    if draw(st.booleans()):
        catalog["source"]["license"] = draw(st.from_regex(r"[A-Za-z0-9.+-]{1,12}", fullmatch=True))
        catalog["source"]["license_source"] = draw(URL)
    datasets = []
    for dataset_id in draw(st.lists(SLUG, min_size=1, max_size=3, unique=True)):
        doc = {"id": dataset_id, "name": draw(TEXT), "listed": draw(LISTED)}
        for key in draw(st.lists(st.sampled_from(sorted(DATASET_FIELDS)), unique=True, max_size=len(DATASET_FIELDS))):
            doc[key] = draw(DATASET_FIELDS[key])
        datasets.append(doc)
    with_paper = [d["id"] for d in datasets if "paper" in d]
    if with_paper and draw(st.booleans()):
        draw(st.sampled_from(datasets))["same_paper_as"] = {
            "id": draw(st.sampled_from(with_paper)),
            "sources": draw(SOURCES),
        }
    dump = lambda doc: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)  # noqa: E731
    return dump(catalog), {f"{d['id']}.yaml": dump(d) for d in datasets}


RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}


def _round_trip(triples: list[ox.Triple], root: str) -> None:
    written = {fmt: serialize(triples, fmt, [root]) for fmt in FORMATS}
    json.loads(written["jsonld"])
    turtle = {
        ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(written["turtle"], format=ox.RdfFormat.TURTLE)
    }
    assert turtle == set(triples), "Oxigraph does not read back the Turtle it wrote"
    assert serialize(turtle, "ntriples") == written["ntriples"], "N-Triples from the re-read Turtle differ"
    graphs = {fmt: rdflib.Graph().parse(data=written[fmt], format=RDFLIB_FORMATS[fmt]) for fmt in FORMATS}
    assert len(graphs["turtle"]) == len(set(triples))
    reference = to_isomorphic(graphs["turtle"])
    for fmt in ("jsonld", "ntriples"):
        other = to_isomorphic(graphs[fmt])
        assert other == reference, f"{fmt}: {sorted(other ^ reference)[:4]}"


MINIMAL_CATALOG = yaml.safe_dump(
    {
        "base_iri": "http://example.org/",
        "title": {"en": "t"},
        "description": {"en": "d"},
        "curators": [{"id": "c", "name": "C"}],
        "publisher": "c",
        "source": {"repository": "http://example.org/r", "readme": "http://example.org/r/README.md"},
    }
)


def one_dataset(**fields) -> tuple[str, dict[str, str]]:
    return MINIMAL_CATALOG, {"x.yaml": yaml.safe_dump({"id": "x", "name": "x", "listed": {"name": "x"}, **fields})}


@fuzz(70)
@given(valid_catalogs())
# found: a count of 10^30 went into JSON-LD as a JSON number, which JSON-LD reads back as an xsd:double
@example(one_dataset(size=[{"count": 10**30, "unit": "dataset"}]))
# found: rdflib reads JSON numbers from 10^20 on as doubles (JavaScript loses digits from 2^53 on)
@example(one_dataset(listed={"name": "x", "row": 10**20}))
def test_valid_catalogs_convert_and_round_trip_through_turtle_jsonld_and_ntriples(files):
    catalog_text, datasets = files
    with catalog_folder(datasets, catalog=catalog_text) as data:
        catalog, problems = check_catalog(data)
    assert catalog is not None, "\n".join(map(str, problems))
    graph = convert(catalog)
    _round_trip(graph.triples(), graph.catalog_iri)
    _round_trip(graph.catalog, graph.catalog_iri)
    for dataset_id, triples in graph.datasets.items():
        _round_trip(triples, dataset_iri(catalog.base_iri, dataset_id))


# ---- 3. the Markdown importer ---------------------------------------------------------------------------

_COLUMNS = yaml.safe_load((ROOT / "src" / "medvlm_kg" / "catalog" / "markdown_columns.yaml").read_text("utf-8"))
ALIASES = {  # the roles whose cells ROLE_CELLS below knows; headers as the synonyms file spells them
    role: aliases
    for role, aliases in _COLUMNS["roles"].items()
    if role in ("name", "title", "date", "modality", "task", "size", "links", "description")
}
ODD_HEADERS = st.one_of(
    st.sampled_from(["🗂 Dataset Name", "**Size**", "Notes", "", "数据集名称 😀", "Task Type<br>任务", "`name`"]),
    st.text(max_size=8),
)
ROLE_CELLS = {
    "name": [
        "PathMMU",
        "VQA-RAD",
        "SLAKE 😀",
        "CON",
        "COM1",
        "-",
        "N/A",
        "**MedXpertQA**",
        "数据集",
        "`x|y`",
        "A \\| B",
    ],
    "title": ['A Benchmark for "Pathology"', "</script><!--", "<div>unclosed", "\u202eevil", "论文标题"],
    "description": [
        "3D CT, 140 Cases, 6 Categories of Organ Segmentation",
        "约 930 万训练样本",
        "**Onboard**",
        "+",
        "✓",
    ],
    "date": ["2024.03.20", "2025.13.40", "2025.06", "NeurIPS 2024", "MICCAI'24", "2024/3/5", "1899", "-"],
    "modality": ["Pathology Image + Text", "病理图像 + 文本", "Multi-modal (38 types)", "CT, MRI & X-ray", "Video"],
    "task": ["Multi-choice, Reasoning", "Open/Closed QA", "QA Reasoning", "选择题+推理", "VQA", "Report Gen."],
    "size": [
        "~26K QAs",
        "≈1.2M images",
        "1.81M frames, 7.79M QAs",
        "5万张图像",
        "2亿 样本",
        "1.5B instructions",
        "约2万张图像",
        "> 10,000 images",
        "33,428 QAs",
        "1" * 40 + " images",
        "0 images",
        "1.5 images",
    ],
    "links": [
        "[HF](https://huggingface.co/datasets/x/y)",
        "[GitHub](https://github.com/a/b)<br>[Paper](https://arxiv.org/abs/2401.16355)",
        '<a href="https://osf.io/89kps/">OSF</a>',
        "<a href='javascript:alert(1)'>x</a>",
        '<a href="https://example.org/`x`">x</a>',
        '<a href="https://osf.io/x/">unclosed',
        "[x](https://a.b/<c>)",
        "[x](http://[x.y/)",
        "[x](http://a.b:port/)",
        "[x](http://a.b/%zz)",
        "[x](https://a.b/\ufffe)",
        "https://example.org/path?q=1",
        "https://例え.jp/医学",
        "[x](javascript:alert(1))",
        "[](https://a.b/c)",
    ],
}
CELL_PIECES = st.one_of(
    st.sampled_from(sorted({piece for pieces in ROLE_CELLS.values() for piece in pieces})),
    st.sampled_from(["<br>", "<br/>", "`a|b`", "\\|", "((((nested))))", "**bold**", "~~gone~~", "&amp;&lt;&#124;"]),
    st.sampled_from(["\u202e", "\x01", "\x0b", "\x7f", "\u2028", "😀", "\t", "  "]),
    st.text(max_size=6),
)
ANY_CELL = st.lists(CELL_PIECES, max_size=3).map(" ".join)


def cell_for(role: str | None):
    """A cell for a column: mostly what such a column holds, sometimes anything at all."""
    if role is None:
        return ANY_CELL
    fitting = st.lists(st.sampled_from(ROLE_CELLS[role]), min_size=1, max_size=2).map(" ".join)
    return st.one_of(fitting, fitting, ANY_CELL)


@st.composite
def markdown_tables(draw) -> str:
    roles = draw(st.lists(st.sampled_from(sorted(ALIASES)), min_size=1, max_size=7, unique=True))
    if "name" not in roles and draw(st.integers(0, 9)) < 8:
        roles.insert(0, "name")
    columns: list[tuple[str | None, str]] = [(role, draw(st.sampled_from(ALIASES[role]))) for role in roles]
    for _ in range(draw(st.integers(0, 2))):
        columns.insert(draw(st.integers(0, len(columns))), (None, draw(ODD_HEADERS)))
    lines = ["| " + " | ".join(header for _, header in columns) + " |"]
    lines.append("|" + "|".join(draw(st.sampled_from(["---", ":---:", "-", "--:"])) for _ in columns) + "|")
    for _ in range(draw(st.integers(0, 5))):
        cells = [draw(cell_for(role)) for role, _ in columns]
        ragged = draw(st.sampled_from(["", "", "", "short", "long"]))
        if ragged == "short":
            cells = cells[: draw(st.integers(0, len(cells)))]
        elif ragged == "long":
            cells += draw(st.lists(ANY_CELL, min_size=1, max_size=2))
        lead, tail = draw(st.sampled_from([("| ", " |"), ("| ", " |"), ("", ""), ("|", "")]))
        lines.append(lead + " | ".join(cells) + tail)
    return "\n".join(lines)


@st.composite
def markdown_documents(draw) -> str:
    """Awesome-list READMEs as strangers write them: prose, headings, code, comments, and tables (English and
    Chinese, ragged rows, links of every kind, sizes in K/M/B and 万/亿)."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["table", "table", "table", "prose", "fence", "comment"]))
        if kind == "prose":
            parts.append(
                draw(st.sampled_from(["# Datasets", "## 数据集", "Some text.", ""])) + draw(st.text(max_size=30))
            )
        elif kind == "fence":
            parts.append("```\n| Dataset | Size |\n|---|---|\n| In code | 1K images |\n```")
        elif kind == "comment":
            parts.append(draw(st.sampled_from(["<!--", "<!-- a comment -->", "<pre>", "</pre>", "<details>"])))
        else:
            parts.append(draw(markdown_tables()))
    return "\n\n".join(parts) + draw(st.sampled_from(["", "\n", "\r\n"]))


MARKDOWN = st.one_of(markdown_documents(), st.text(max_size=200))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@fuzz(200)
@given(st.one_of(MARKDOWN, st.text(alphabet="|-:` \n\\<>br", max_size=200)))
def test_any_markdown_text_parses_into_tables_and_entries_without_crashing(text):
    report = ImportReport("README.md")
    for table in parse_tables(text):
        assert all(isinstance(c, str) for row in table.rows for c in row.cells)
    read_entries(text, report)


@fuzz(100)
@given(MARKDOWN)
def test_a_dry_run_import_of_any_markdown_reports_or_refuses_and_writes_nothing(text):
    with catalog_folder({"vqarad.yaml": SEED_ENTRIES["vqarad"]}) as data:
        readme = data.parent / "README.md"
        readme.write_text(text, "utf-8")
        before = _snapshot(data.parent)
        try:
            report = import_markdown(readme, data, dry_run=True)
        except CatalogError as error:
            assert error.problems
        else:
            assert report.as_text() and json.dumps(report.as_dict(), ensure_ascii=False)
        assert _snapshot(data.parent) == before


@fuzz(150)
@given(MARKDOWN)
# found: a cell holding U+0008 was written into a YAML file, which the loader then refused
@example("| paper title | dataset name |\n|---|---|\n|  | 0\x08 |")
# found: a link the loader refuses (a backtick in it) was written into access[0].url
@example('| dataset name | download link |\n|---|---|\n| PathMMU | <a href="https://example.org/`x`">x</a> |')
@example("| dataset name | download link |\n|---|---|\n| PathMMU | [x](http://[x.y/) [y](http://a.b/%zz) |")
def test_every_file_an_import_of_any_markdown_writes_validates(text):
    with catalog_folder({"vqarad.yaml": SEED_ENTRIES["vqarad"]}) as data:
        readme = data.parent / "README.md"
        readme.write_text(text, "utf-8")
        before = _snapshot(data)
        try:
            report = import_markdown(readme, data, source_url="https://example.org/README.md")
        except CatalogError as error:
            assert error.problems
            assert _snapshot(data) == before
            return
        after = _snapshot(data)
        assert {k: v for k, v in after.items() if k in before} == before, "an existing file was changed"
        assert sorted(set(after) - set(before)) == sorted(
            str(Path(item["file"]).relative_to(data)) for item in report.added
        )
        catalog, problems = check_catalog(data)
        assert catalog is not None, "\n".join(map(str, problems))
        convert(catalog)
        event(f"{min(len(report.added), 3)}{'+' if len(report.added) >= 3 else ''} files written")


# Lines of the real lists in tests/fixtures/awesome-lists/ (headings, tables of every kind, <details>, rows split
# over two lines), shuffled, cut and mixed: what a half-edited or badly pasted README looks like.
REAL_LINES = sorted(
    {
        line
        for path in (ROOT / "tests" / "fixtures" / "awesome-lists").glob("*.md")
        for line in path.read_text("utf-8").splitlines()[:400]
    }
)


@st.composite
def real_list_pieces(draw) -> str:
    lines = draw(st.lists(st.sampled_from(REAL_LINES), min_size=1, max_size=30))
    if draw(st.booleans()):  # a real table header and delimiter above the pieces, so rows land in a table
        headers = [line for line in REAL_LINES if line.lstrip().startswith("|") and "ataset" in line]
        lines.insert(0, "|---|---|---|---|")
        lines.insert(0, draw(st.sampled_from(headers)))
    return "\n".join(lines)


@fuzz(100)
@given(real_list_pieces())
def test_any_mix_of_real_list_lines_is_imported_or_reported_never_a_crash(text):
    with catalog_folder({}) as data:
        readme = data.parent / "README.md"
        readme.write_text(text, "utf-8")
        try:
            report = import_markdown(readme, data, source_url="https://example.org/README.md")
        except CatalogError as error:
            assert error.problems and all(p.message for p in error.problems)
            return
        assert report.as_text().endswith("\n") and json.dumps(report.as_dict(), ensure_ascii=False)
        catalog, problems = check_catalog(data)
        assert catalog is not None, "\n".join(map(str, problems))
        event(f"{min(len(report.added), 3)}{'+' if len(report.added) >= 3 else ''} files written")


# ---- 4. the query-parameter binder ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store():
    catalog = load_catalog(DATA)
    store = local_store(convert(catalog))
    return catalog, store, frozenset(store)


PARAMETERISED = sorted((q.name, p.name) for q in bundled_queries().values() for p in q.params)
_VALID = sorted({v for ids in CONCEPTS.values() for v in ids} | set(SEED_ENTRIES) | {"2024", "en", "zh", "skin"})
PARAM_VALUES = st.one_of(
    st.text(),  # lone surrogates too: Python decodes a non-UTF-8 argv into them
    st.sampled_from(_VALID),
    st.tuples(st.sampled_from(_VALID), st.sampled_from(HOSTILE + ["\n", "\x00", " ", "\udcff"])).map("".join),
    st.sampled_from(
        [
            '"} ; DROP ALL #',
            "> } INSERT DATA { <a> <b> <c> } #",
            "https://arxiv.org/abs/2408.12547",
            "https://arxiv.org/abs/2408.12547> } #",
            "http://a%zz",
            "http://[x",
            "https://例え.jp/😀",
            "١٢٣",  # Arabic-Indic digits
            "9" * 19,
            "-0",
            "zh-Hant-TW",
            "\udcff",
        ]
    ),
    urls(),
)


def _answer(result) -> tuple:
    if result.triples is not None:
        return ("graph", frozenset(result.triples))
    return ("rows", result.variables, sorted(map(repr, result.rows)))


def _expected_term(param, value: str, base_iri: str):
    """The RDF term a value of the parameter's type stands for, built here and not by the binder."""
    kind, _, scheme = param.type.partition(":")
    if kind == "concept":
        return ox.NamedNode(SCHEMES[scheme].concepts[value].iri)
    if kind == "dataset":
        return ox.NamedNode(dataset_iri(base_iri, value))
    if kind == "integer":
        return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if kind == "iri":
        return ox.NamedNode(value)
    return ox.Literal(value)


def _with_terms_written_in(store: ox.Store, query, bindings) -> tuple:
    """The answer of the query with each parameter variable replaced by its term in the text, as a person would
    write the literal by hand: no VALUES block involved."""
    text = query.text
    for variable, term in bindings.items():
        text = re.sub(rf"[?$]{re.escape(variable.value)}\b", lambda _, t=term: str(t), text)
    answer = store.query(text)
    if isinstance(answer, ox.QueryTriples):
        return ("graph", frozenset(answer))
    variables = [v.value for v in answer.variables]
    return ("rows", variables, sorted(repr([s[v] for v in variables]) for s in answer))


@pytest.mark.parametrize("query_name, param_name", PARAMETERISED)
@fuzz(40)
@given(value=PARAM_VALUES)
def test_any_parameter_value_is_refused_clearly_or_bound_as_one_escaped_term(seed_store, query_name, param_name, value):
    catalog, store, contents = seed_store
    query = bundled_queries()[query_name]
    param = next(p for p in query.params if p.name == param_name)
    values = {p.name: p.example for p in query.params} | {param_name: value}
    try:
        bindings = bind(query, values, catalog.base_iri)
    except CatalogError as error:
        assert [p.field for p in error.problems] == ["--param"], error
        assert param_name in str(error) and all(p.hint for p in error.problems)
        return
    term = bindings[ox.Variable(param_name)]
    assert term == _expected_term(param, value, catalog.base_iri), "the value is not bound as what it says"
    text = bound_text(query, bindings)
    block = f" VALUES ({' '.join(map(str, bindings))}) {{ ({' '.join(map(str, bindings.values()))}) }}"
    assert block in text and text.replace(block, "", 1) == query.text, "the value leaked into the query text"
    read_back = [s["x"] for s in ox.Store().query(f"SELECT ?x WHERE {{ VALUES ?x {{ {term} }} }}")]
    assert read_back == [term], "the term as written in the query is not exactly the value"
    assert _answer(run_local(store, query, bindings)) == _with_terms_written_in(store, query, bindings)
    assert frozenset(store) == contents, "a query changed the store"


@pytest.mark.parametrize(
    "query_name, value",
    [
        ("search", "\udcff"),  # ox.Literal: ValueError "The literal value must be a str"
        ("datasets-by-paper", "http://a%zz"),  # ox.NamedNode: ValueError "Invalid IRI percent encoding"
        ("datasets-by-paper", "http://[x"),
        ("datasets-by-paper", "https://例え.jp/\udcff"),
    ],
)
def test_parameter_values_that_once_crashed_the_binder_are_a_clear_usage_error(seed_store, query_name, value):
    catalog, _, _ = seed_store
    query = bundled_queries()[query_name]
    with pytest.raises(CatalogError) as raised:
        bind(query, {query.params[0].name: value}, catalog.base_iri)
    assert raised.value.problems[0].field == "--param" and raised.value.problems[0].hint
