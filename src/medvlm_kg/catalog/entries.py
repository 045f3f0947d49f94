"""The catalog's entry types: frozen dataclasses for the catalog and each dataset, as checked from their YAML.

Every later stage reads these (graph, validate, profiles, site); they hold values only, no reading or checking, so
a new catalog field starts here (and in ontology/dataset.schema.json).

The entries of a dataset have slots, not a ``__dict__`` each: a build holds every entry of the catalog, and every
worker it forks comes to copy them; at 10,000 entries they took 106 MiB with a dict each, 81 MiB with slots.
``Catalog`` keeps its dict for the cached index by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the day, the month or the year: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``."""

    value: str
    precision: str  # "date" | "gYearMonth" | "gYear"

    @property
    def year(self) -> int:
        return int(self.value[:4])


@dataclass(frozen=True, slots=True)
class Sourced:
    """A verified value together with the URLs of the pages it was read on."""

    value: str | tuple[str, ...] | None  # a text, or names (``alternate_name``); exact, for the parse cache
    sources: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Count:
    count: int
    unit: str
    approximate: bool = False
    note: str | None = None
    at_least: bool = False  # "11,000+", "over 1,000", "1000余例": the list gives a lower bound, not the count


@dataclass(frozen=True, slots=True)
class Access:
    label: str
    url: str
    platform: str | None


@dataclass(frozen=True, slots=True)
class Paper:
    title: str
    sources: tuple[str, ...]
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    venue: str | None = None
    date: PartialDate | None = None
    authors: tuple[str, ...] = ()
    authors_complete: bool = True
    more_authors: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url or ""


@dataclass(frozen=True, slots=True)
class License:
    """What a dataset's own pages state about its license: an SPDX id where it maps, and what it covers."""

    stated: str
    covers: str  # "data" | "code" | "both" | "unclear"
    sources: tuple[str, ...]
    id: str | None = None
    conflicts: tuple[str, ...] = ()

    @property
    def applies_to_data(self) -> bool:
        return self.id is not None and self.covers in ("data", "both")


CELLS = ("name", "title", "date", "links", "extra")  # the cells both tables share (but may write differently)
BY_LANGUAGE = ("modality", "task", "size")  # the cells each table writes in its own language


@dataclass(frozen=True, slots=True)
class Listed:
    """One listing of a dataset: the source list's cells, verbatim; ``None`` where the list shows ``-``.

    ``name``, ``title``, ``date``, ``links`` and ``extra`` (a cell beyond the table's columns) hold the English
    table's text, which is also the Chinese table's unless ``zh`` gives the Chinese text (``None`` there: the
    Chinese table shows ``-``). ``modality``, ``task`` and ``size`` map a language to its table's text; the key
    ``""`` is a cell of another list written once, in no particular language. ``version`` is the list's version
    these cells were read from (a git commit or a date).
    """

    name: str | None = None
    title: str | None = None
    date: str | None = None
    links: str | None = None
    extra: str | None = None
    row: int | None = None
    modality: dict[str, str] = field(default_factory=dict)
    task: dict[str, str] = field(default_factory=dict)
    size: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    version: str | None = None
    zh: dict[str, str | None] = field(default_factory=dict)
    row_zh: int | None = None
    description: dict[str, str] = field(default_factory=dict)  # a description column, by language
    section: str | None = None  # the headings (and group row) the row sits under

    def cell(self, key: str, lang: str = "en") -> str | None:
        """The text of a cell in the table of ``lang``: what the list shows, ``None`` for ``-``."""
        if key in BY_LANGUAGE or key == "description":
            texts = getattr(self, key)
            return texts.get(lang, texts.get(""))
        if key == "row":
            return str(self.row_zh if lang == "zh" and self.row_zh is not None else self.row or "") or None
        if lang == "zh" and key in self.zh:
            return self.zh[key]
        return getattr(self, key)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages of the list's tables that give this row ("en", "zh"); () when no cell says (a list of
        names and links only)."""
        found = {lang for cells in (self.modality, self.task, self.size, self.description) for lang in cells if lang}
        if self.zh or self.row_zh is not None:
            found.add("zh")
        return tuple(lang for lang in ("en", "zh") if lang in found)

    def by_table(self, key: str) -> dict[str, str]:
        """A shared cell's text per table: ``{"": text}`` when both tables show the same, else ``{"en", "zh"}``."""
        en = getattr(self, key)
        if key not in self.zh:
            return {"": en} if en is not None else {}
        return {lang: text for lang, text in (("en", en), ("zh", self.zh[key])) if text is not None}


@dataclass(frozen=True, slots=True)
class Listing:
    """A listing other than the current one: an earlier version of the same list (``kind`` "earlier"; only the
    cells that version wrote differently) or another list (``kind`` "also")."""

    kind: str
    listed: Listed


@dataclass(frozen=True, slots=True)
class Dataset:
    id: str
    name: str
    listed: Listed
    file: str
    description: dict[str, str] = field(default_factory=dict)
    listings: tuple[Listing, ...] = ()
    first_listed: PartialDate | None = None
    first_listed_source: str | None = None
    modified: PartialDate | None = None
    modified_source: str | None = None
    published: PartialDate | None = None
    venue: str | None = None
    modality: tuple[str, ...] = ()
    modality_count: int | None = None
    task: tuple[str, ...] = ()
    size: tuple[Count, ...] = ()
    access: tuple[Access, ...] = ()
    homepage: Sourced | None = None
    alternate_name: Sourced | None = None
    paper: Paper | None = None
    same_paper_as: Sourced | None = None
    stated_size: Sourced | None = None
    stated_modality: Sourced | None = None
    see_also: tuple[Sourced, ...] = ()
    notes: tuple[Sourced, ...] = ()
    license: License | None = None
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field → the listed cells it was read from
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def urls(self) -> frozenset[str]:
        """Where the dataset is reached: its access points and its homepage."""
        return frozenset(p.url for p in self.access) | ({self.homepage.value} if self.homepage else frozenset())

    def line_of(self, field_name: str) -> int | None:
        """The line of a field (``paper.title``) in the dataset's file, or of its nearest parent (an item
        ``access[2].label`` falls back to ``access``: list items have no line of their own here)."""
        field_name = re.sub(r"\[\d+\]", "", field_name)
        while field_name:
            if field_name in self.lines:
                return self.lines[field_name]
            field_name = field_name.rpartition(".")[0]
        return None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    affiliation: str | None = None


@dataclass(frozen=True)
class Catalog:
    base_iri: str
    title: dict[str, str]
    description: dict[str, str]
    curators: tuple[Person, ...]
    publisher: str
    repository: str | None
    readme: str | None
    license: str | None
    license_source: str | None
    datasets: tuple[Dataset, ...]
    file: str
    data_themes: tuple[str, ...] = ()  # EU Data Theme codes every dataset is about ("HEAL"), for DCAT-AP portals

    def dataset(self, dataset_id: str) -> Dataset:
        return self._by_id[dataset_id]

    @cached_property
    def _by_id(self) -> dict[str, Dataset]:  # a frozen dataclass may cache: cached_property writes __dict__
        return {d.id: d for d in self.datasets}

    def shared_urls(self, dataset: Dataset) -> tuple[str, ...]:
        """The dataset's URLs that another dataset of the catalog gives too (a portal's home page, one repository
        holding several datasets): they say where it is, not which dataset it is."""
        return tuple(sorted(u for u in dataset.urls if self._url_uses[u] > 1))

    @cached_property
    def _url_uses(self) -> dict[str, int]:
        uses: dict[str, int] = {}
        for d in self.datasets:
            for url in d.urls:
                uses[url] = uses.get(url, 0) + 1
        return uses
