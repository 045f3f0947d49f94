"""What an import did and did not do: files added, datasets that differ or are listed again, tables and rows
skipped with the reason, cells no concept matches; as JSON (``as_dict``) or grouped text with counts (``as_text``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_BARE_COUNT = re.compile(r"[~≈约>＞]?\s*\d[\d,.]*\s*[kKmMbB万亿]?\+?")


@dataclass
class ImportReport:
    source: str
    added: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    listed_again: list[dict] = field(
        default_factory=list
    )  # entries another list also lists: an also_listed item  # every table: line, headers, dataset table or not, why
    dry_run: bool = False

    def skip(self, line: int, kind: str, reason: str, **extra) -> None:
        self.skipped.append({"line": line, "kind": kind, "reason": reason, **extra})

    def note(self, line: int, kind: str, text: str) -> None:
        self.notes.append({"line": line, "kind": kind, "text": text})

    def skipped_by_kind(self) -> dict[str, int]:
        """How many tables and rows were not imported, by reason (cells kept with a warning are not counted)."""
        return dict(sorted(Counter(s["kind"] for s in self.skipped if not s.get("kept")).items()))

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "added": self.added,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "listed_again": self.listed_again,
            "skipped": self.skipped,
            "skipped_by_kind": self.skipped_by_kind(),
            "unmapped": self.unmapped,
            "notes": self.notes,
            "tables": self.tables,
        }

    def as_text(self) -> str:
        out = []
        verb = "would add" if self.dry_run else "added"
        for item in self.added:
            out.append(f"{verb} {item['file']} ({item['name']}, line {item['line']})")
        for item in self.changed:
            out.append(f"differs from the list: {item['file']} (left as it is)")
            out += [f"    {d}" for d in item["differences"]]
        for item in self.listed_again:
            verb_ = "would add" if self.dry_run else "added"
            out.append(f"{item['file']}: {verb_} this list as a further listing (also_listed), nothing else changed")
            out += [f"    this list says: {d}" for d in item["differences"]]
        for (field_, text), items in _grouped(self.unmapped, lambda u: (u["field"], u["text"])).items():
            closest = items[0]["closest"]
            hint = f" — closest: {', '.join(closest)}" if closest else ""
            if field_ in ("modality", "task"):
                fix = (
                    f'; if one fits, add "{text}" as its skos:altLabel in ontology/{field_}.ttl, or write '
                    f"`{field_}:` in the entry by hand"
                )
            elif field_ == "size":
                fix = "; the cell stays in listed.size — write `size: [{count: …, unit: …}]` by hand if it matters"
            elif field_ == "count":  # a cell of a count column ("# Samples": "80 / 799 / 208"): only in the list
                fix = "; the cell stays in the list only — write `size: [{count: …, unit: …}]` by hand if it matters"
            else:
                fix = ""
            if field_ in ("size", "count") and _BARE_COUNT.fullmatch(text):  # "370K", "60K+": no unit named
                out.append(f'{self.source}:{_lines(items)} size: "{text}" counts no unit the list names{fix}')
                continue
            out.append(f'{self.source}:{_lines(items)} {field_}: no concept for "{text}"{hint}{fix}')
        for kind, items in _grouped(self.skipped, lambda s: s["kind"]).items():
            what = "tables" if kind.startswith("table") else "rows"
            kept = " (kept)" if all(s.get("kept") for s in items) else ""
            hint = f" — {items[0]['hint']}" if items[0].get("hint") else ""
            reason = items[0]["reason"] if len(items) == 1 else _KIND_TEXT.get(kind, items[0]["reason"])
            out.append(
                f"{self.source}:{_lines(items)} {len(items)} {what if len(items) > 1 else what[:-1]} "
                f"skipped{kept}: {reason}{hint}"
            )
        for _kind, items in _grouped(self.notes, lambda n: n["kind"]).items():
            for text, same in _grouped(items, lambda n: n["text"]).items():
                lines = [n for n in same if n["line"]]
                where = f"{self.source}:{_lines(lines)}" if lines else self.source
                count = f" ({len(same)} rows)" if len(same) > 1 else ""
                out.append(f"{where} note{count}: {text}")
        counts = ", ".join(f"{n} {k}" for k, n in self.skipped_by_kind().items())
        out.append(
            f"{len(self.added)} new, {len(self.changed)} differing, "
            + (f"{len(self.listed_again)} listed again, " if self.listed_again else "")
            + f"{len(self.unchanged)} unchanged, "
            f"{len([s for s in self.skipped if not s.get('kept')])} skipped" + (f" ({counts})" if counts else "")
        )
        return "\n".join(out) + "\n"


_KIND_TEXT = {
    "table-not-datasets": "tables that list something other than datasets",
    "table-no-name": "tables without a dataset name column",
    "table-no-facts": "tables whose columns say nothing about the datasets",
    "table-empty": "tables without rows",
    "table-hidden": "tables GitHub does not show",
    "table-too-wide": "tables too wide to be dataset tables",
    "row-no-name": "rows without a dataset name",
    "row-group": "group rows (a heading for the rows below, not a dataset)",
    "row-continued": "rows that continue the row above (a cell split over two lines)",
    "row-code": "rows whose name is code, not a dataset",
    "row-too-long": "rows with a cell too long to be read",
    "row-cells": "rows whose number of cells differs from the header",
    "row-control": "rows with invisible control characters",
    "link-refused": "links the catalog cannot hold",
    "duplicate": "rows naming a dataset listed above (one entry, the rows' differences noted)",
    "exists": "files that appeared during the import",
}


def _grouped(items: list[dict], key) -> dict:
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _lines(items: list[dict]) -> str:
    lines = sorted({i["line"] for i in items})
    shown = ",".join(str(n) for n in lines[:12])
    return shown + (f",…(+{len(lines) - 12})" if len(lines) > 12 else "")
