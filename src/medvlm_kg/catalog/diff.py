"""What changed between two versions of a list or of a catalog: added, removed, changed and moved datasets.

A version is a Markdown file (an awesome list's README: every dataset table, English and Chinese rows merged by
dataset name) or a catalog folder (``data/``: each dataset's current listing and its structured facts). Cells are
compared per table language with runs of whitespace taken as one space (tables re-pad their columns); a ``-``
cell is no value. A row that only moved is reported as moved, not as changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from medvlm_kg.problems import CatalogError, Problem

__all__ = ["Change", "Diff", "Version", "diff", "diff_paths", "read_version"]

CELL_FIELDS = ("name", "title", "date", "modality", "task", "size", "description", "links")
_NONE = ("", "-")


@dataclass(frozen=True)
class Change:
    field: str
    lang: str  # "en", "zh", or "" for a fact that has no table language
    old: str | None
    new: str | None


@dataclass
class Entry:
    name: str
    rows: dict[str, int] = field(default_factory=dict)
    values: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class Version:
    label: str
    entries: dict[str, Entry]  # by matching key, in the version's order
    keyed_by: str  # "name" or "id"


@dataclass
class Diff:
    old: str
    new: str
    added: list[Entry]
    removed: list[Entry]
    changed: list[tuple[Entry, list[Change]]]
    moved: list[tuple[Entry, dict[str, int], dict[str, int]]]

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "changed_values": sum(len(c) for _, c in self.changed),
            "moved": len(self.moved),
        }

    def as_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "counts": self.counts(),
            "added": [{"name": e.name, "rows": e.rows} for e in self.added],
            "removed": [{"name": e.name, "rows": e.rows} for e in self.removed],
            "changed": [{"name": e.name, "changes": [c.__dict__ for c in changes]} for e, changes in self.changed],
            "moved": [{"name": e.name, "old_rows": old, "new_rows": new} for e, old, new in self.moved],
        }

    def as_text(self) -> str:
        c = self.counts()
        values = f"{c['changed_values']} value{'' if c['changed_values'] == 1 else 's'}"
        lines = [
            f"{self.old} -> {self.new}",
            f"{c['added']} added, {c['removed']} removed, {c['changed']} changed ({values}), {c['moved']} moved",
        ]
        if self.added:
            lines += ["", "added:"] + [f"  + {e.name}{_rows(e.rows)}" for e in self.added]
        if self.removed:
            lines += ["", "removed:"] + [f"  - {e.name}{_rows(e.rows)}" for e in self.removed]
        if self.changed:
            lines += ["", "changed:"]
            for e, changes in self.changed:
                lines.append(f"  ~ {e.name}")
                for ch in changes:
                    where = f" ({ch.lang})" if ch.lang else ""
                    lines.append(f"      {ch.field}{where}: {_show(ch.old)} -> {_show(ch.new)}")
        if self.moved:
            lines += ["", "moved:"] + [f"  {e.name}: row {_row_text(o)} -> {_row_text(n)}" for e, o, n in self.moved]
        return "\n".join(lines) + "\n"


def _show(value: str | None) -> str:
    return "-" if value is None else repr(value)


def _row_text(rows: dict[str, int]) -> str:
    values = sorted(set(rows.values()))
    if len(values) == 1:
        return str(values[0])
    return ", ".join(f"{lang} {n}" for lang, n in sorted(rows.items()))


def _rows(rows: dict[str, int]) -> str:
    return f" (row {_row_text(rows)})" if rows else ""


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return None if text in _NONE else text


def _read_list(path: Path) -> Version:
    from medvlm_kg.catalog.markdown import columns_of, name_key, parse_tables, table_language

    text = path.read_text(encoding="utf-8")
    entries: dict[str, Entry] = {}
    for table in parse_tables(text):
        roles = {c.index: c.role for c in columns_of(table) if c.kind == "role"}
        if "name" not in roles.values() or len(roles) < 2:
            continue
        lang = table_language(table)
        for position, row in enumerate(table.rows, start=1):
            cells = {role: row.cells[i] if i < len(row.cells) else "" for i, role in roles.items()}
            name = _norm(cells.get("name"))
            if not name:
                continue
            key = name_key(name)
            entry = entries.setdefault(key, Entry(name))
            entry.rows.setdefault(lang, position)
            for role, cell in cells.items():
                value = _norm(cell)
                if value is not None:
                    entry.values.setdefault((role, lang), value)
    return Version(str(path), entries, "name")


def _read_catalog(folder: Path) -> Version:
    from medvlm_kg.catalog.load import load_catalog

    catalog = load_catalog(folder)
    entries: dict[str, Entry] = {}
    for dataset in sorted(catalog.datasets, key=lambda d: (d.listed.row or 10**9, d.id)):
        listed = dataset.listed
        entry = Entry(listed.name or dataset.name)
        if listed.row is not None:
            entry.rows["en"] = listed.row
            entry.rows["zh"] = listed.row_zh if listed.row_zh is not None else listed.row
        for key in CELL_FIELDS:
            for lang in ("en", "zh"):
                value = _norm(listed.cell(key, lang))
                if value is not None:
                    entry.values[(key, lang)] = value
        facts = {
            "name": dataset.name,  # the curated name, which may differ from the listed one: a rename is a change
            "published": dataset.published.value if dataset.published else None,
            "venue": dataset.venue,
            "modality": ", ".join(dataset.modality) or None,
            "task": ", ".join(dataset.task) or None,
            "size": ", ".join(
                f"{c.count} {c.unit}" + (" (at least)" if c.at_least else " (approximate)" if c.approximate else "")
                for c in dataset.size
            )
            or None,
            "access": ", ".join(a.url for a in dataset.access) or None,
            "paper": (dataset.paper.iri or dataset.paper.title) if dataset.paper else None,
            "license": dataset.license.id if dataset.license and dataset.license.id else None,
        }
        for key, value in facts.items():
            if value is not None:
                entry.values[(key, "")] = value
        entries[dataset.id] = entry
    return Version(str(folder), entries, "id")


def read_version(path: Path) -> Version:
    """A list (Markdown file) or a catalog (folder) as entries to compare."""
    path = Path(path)
    if path.is_dir():
        return _read_catalog(path)
    if path.is_file():
        return _read_list(path)
    raise CatalogError(
        Problem(str(path), None, "", "no such file or folder", "give a Markdown list (README.md) or a catalog folder")
    )


def _by_name(version: Version) -> Version:
    from medvlm_kg.catalog.markdown import name_key

    if version.keyed_by == "name":
        return version
    return Version(version.label, {name_key(e.name): e for e in version.entries.values()}, "name")


def _languages(version: Version) -> set[str]:
    """The languages of the tables a version's cells come from."""
    found = {lang for e in version.entries.values() for (_, lang) in e.values if lang}
    if version.keyed_by == "id":  # a catalog: also the languages its entries' listed rows are numbered in
        found |= {lang for e in version.entries.values() for lang in e.rows}
    return found


def diff(old: Version, new: Version) -> Diff:
    """Added, removed, changed (value by value) and moved datasets from ``old`` to ``new``."""
    cells_only = old.keyed_by != new.keyed_by
    if cells_only:  # a list against a catalog: match by name, compare the cells (a list has no other facts)
        old, new = _by_name(old), _by_name(new)
    added = [e for k, e in new.entries.items() if k not in old.entries]
    removed = [e for k, e in old.entries.items() if k not in new.entries]
    changed, moved = [], []
    # a list's tables are in some languages; a catalog writes a cell shared by both tables in each, so only the
    # languages both sides have tables in are compared (a list of English tables has no Chinese cell to lose)
    shared = _languages(old) & _languages(new) if cells_only else None
    for key, after in new.entries.items():
        before = old.entries.get(key)
        if before is None:
            continue
        fields = sorted(
            set(before.values) | set(after.values),
            key=lambda f: (CELL_FIELDS.index(f[0]) if f[0] in CELL_FIELDS else len(CELL_FIELDS), f[0], f[1]),
        )
        changes = [
            Change(f, lang, before.values.get((f, lang)), after.values.get((f, lang)))
            for f, lang in fields
            if before.values.get((f, lang)) != after.values.get((f, lang))
            and (shared is None or (lang in shared and f in CELL_FIELDS))
        ]
        if changes:
            changed.append((after, changes))
        if any(before.rows[lang] != after.rows[lang] for lang in before.rows.keys() & after.rows.keys()):
            moved.append((after, before.rows, after.rows))
    return Diff(old.label, new.label, added, removed, changed, moved)


def diff_paths(old: Path, new: Path) -> Diff:
    return diff(read_version(old), read_version(new))
