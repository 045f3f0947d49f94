"""How to cite a dataset, in BibTeX, RIS and CSL-JSON, read from the dataset's own graph (``dataset/<id>.ttl``):
the dataset as a data record and the paper that introduces it as an article, the first naming the second.

pybtex writes the BibTeX (LaTeX escaping, braces checked) and rispy the RIS; CSL-JSON is JSON in the CSL data
schema. Only what the graph states goes in: an unknown field is left out, never guessed.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

SCHEMA = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"
VERBATIM = ("url", "doi", "eprint")  # BibTeX fields read as-is (biblatex): no LaTeX escaping of _ or %


@dataclass
class Work:
    key: str
    kind: str  # "dataset" | "article"
    title: str
    url: str
    authors: list[str] = field(default_factory=list)  # "Given Family", in the paper's order
    date: str = ""  # YYYY[-MM[-DD]]
    doi: str = ""
    arxiv: str = ""
    note: str = ""

    @property
    def year(self) -> str:
        return self.date[:4]


_Index = dict[tuple[str, str], list[str]]


# The predicates ``works`` reads: the other triples of a description (about two hundred) are not indexed.
_READ = frozenset(
    (DCT + "isReferencedBy", DCT + "title", DCT + "issued")
    + tuple(SCHEMA + p for p in ("creditText", "identifier", "name", "datePublished"))
)


def _index(triples: list[ox.Triple]) -> _Index:
    """The objects of the triples ``works`` reads by (subject, predicate), sorted: the triples are read once."""
    found: _Index = defaultdict(list)
    for t in triples:
        predicate = t.predicate.value
        if predicate in _READ:
            found[t.subject.value, predicate].append(t.object.value)
    return {key: sorted(values) for key, values in found.items()}


def _values(index: _Index, subject: str, predicate: str) -> list[str]:
    return index.get((subject, predicate), [])


def _first(index: _Index, subject: str, *predicates: str) -> str:
    for predicate in predicates:
        found = _values(index, subject, predicate)
        if found:
            return found[0]
    return ""


def works(triples: list[ox.Triple], dataset_iri: str, dataset_id: str) -> list[Work]:
    """The dataset and, when its graph names one, the paper that introduces it."""
    index = _index(triples)
    paper_iri = _first(index, dataset_iri, DCT + "isReferencedBy")
    paper = None
    if paper_iri:
        credit = _first(index, paper_iri, SCHEMA + "creditText")  # the authors in the paper's order
        ids = _values(index, paper_iri, SCHEMA + "identifier")
        paper = Work(
            key=f"{dataset_id}-paper",
            kind="article",
            title=_first(index, paper_iri, SCHEMA + "name", DCT + "title"),
            url=paper_iri,
            authors=[a.strip() for a in credit.split(",") if a.strip()],
            date=_first(index, paper_iri, SCHEMA + "datePublished"),
            doi=next((i.removeprefix("doi:") for i in ids if i.startswith("doi:")), ""),
            arxiv=next((i.removeprefix("arXiv:") for i in ids if i.startswith("arXiv:")), ""),
        )
    dataset = Work(
        key=dataset_id,
        kind="dataset",
        title=_first(index, dataset_iri, SCHEMA + "name", DCT + "title"),
        url=dataset_iri,
        authors=paper.authors if paper else [],
        date=_first(index, dataset_iri, SCHEMA + "datePublished", DCT + "issued"),
        note=f"Introduced in: {paper.title}" + (f", arXiv:{paper.arxiv}" if paper.arxiv else "") if paper else "",
    )
    return [dataset] + ([paper] if paper else [])


@lru_cache(maxsize=4096)  # an author is the same person in BibTeX, RIS and CSL-JSON, and in each of their datasets
def _person(name: str):
    """``name`` ("Given Family") as pybtex's parser reads it (von and Jr parts too); pybtex only reads it after."""
    from pybtex.database import Person

    return Person(name)


def _names(name: str) -> tuple[str, str]:
    """(given, family) as BibTeX reads a "Given Family" name."""
    person = _person(name)
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names)
    return given, family


# The ASCII characters LaTeX encoding changes (latexcodec, as pybtex calls it for UTF-8 output); it works a
# character at a time, so ASCII text without them is its own encoding (tests/test_cite.py checks every one).
LATEX_SPECIAL_ASCII = frozenset("#%&_~")


def latex_text(text: str, encode) -> str:
    """``encode(text)``, skipped where it is the identity: latexcodec reads each character through its tables,
    which was two thirds of a dataset page's time."""
    if text.isascii() and LATEX_SPECIAL_ASCII.isdisjoint(text):
        return text
    return encode(text)


def bibtex(items: list[Work]) -> str:
    from pybtex.database import BibliographyData, Entry
    from pybtex.database.output.bibtex import Writer

    class _Writer(Writer):
        def _write_field(self, stream, type, value):  # noqa: A002 - pybtex's signature
            if type in VERBATIM:
                stream.write(f",\n    {type} = {self.quote(value)}")
            else:
                super()._write_field(stream, type, value)

        def _encode(self, text):
            return latex_text(text, super()._encode)

    entries = {}
    for w in items:
        fields = {"title": w.title}
        if w.year:
            fields["year"] = w.year
        fields["url"] = w.url
        if w.doi:
            fields["doi"] = w.doi
        if w.arxiv:
            fields.update(eprint=w.arxiv, archiveprefix="arXiv")
        if w.note:
            fields["note"] = w.note
        persons = {"author": [_person(a) for a in w.authors]} if w.authors else {}
        entries[w.key] = Entry("misc" if w.kind == "dataset" else "article", fields=fields, persons=persons)
    return _Writer(encoding="UTF-8").to_string(BibliographyData(entries))


def ris(items: list[Work]) -> str:
    import rispy

    class _Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:  # rispy numbers the records ("1."): RIS has no such line
            return ""

    records = []
    for w in items:
        record = {"type_of_reference": "DATA" if w.kind == "dataset" else "JOUR", "title": w.title, "urls": [w.url]}
        if w.authors:
            record["authors"] = [", ".join(reversed(_names(a))).strip(", ") for a in w.authors]
        if w.year:
            record["year"] = w.year
        if w.doi:
            record["doi"] = w.doi
        if w.note:
            record["notes"] = [w.note]
        records.append(record)
    return rispy.dumps(records, implementation=_Writer)


def csl_json(items: list[Work]) -> str:
    out = []
    for w in items:
        item: dict = {"id": w.key, "type": w.kind, "title": w.title, "URL": w.url}
        if w.authors:
            item["author"] = [dict(zip(("given", "family"), _names(a), strict=True)) for a in w.authors]
        if w.date:
            item["issued"] = {"date-parts": [[int(p) for p in re.findall(r"\d+", w.date)]]}
        if w.doi:
            item["DOI"] = w.doi
        if w.note:
            item["note"] = w.note
        out.append(item)
    # One item a line: valid JSON a reference manager reads, a third the size of an indented array on the page.
    return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in out) + "\n]\n"


def citations(triples: list[ox.Triple], dataset_iri: str, dataset_id: str) -> dict[str, str]:
    """{"bibtex", "ris", "csl-json"}: the dataset (and its paper) in each format."""
    items = works(triples, dataset_iri, dataset_id)
    return {"bibtex": bibtex(items), "ris": ris(items), "csl-json": csl_json(items)}
