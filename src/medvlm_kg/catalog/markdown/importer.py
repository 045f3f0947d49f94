"""``import_markdown``: a Markdown file read into a catalog folder. The file is read safely (size, encoding, no
pipes); its datasets are matched against the catalog's by name; new ones are written as new files, one already
there from another list gets that listing added, and any other only has its differences reported."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import yaml

from medvlm_kg.catalog.markdown.document import _LISTING_KEYS, _entry_document, _listing_model
from medvlm_kg.catalog.markdown.names import _name_and_links, name_key
from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.catalog.markdown.rows import read_entries
from medvlm_kg.catalog.markdown.writing import _append_listing, _write_new, _yaml_text
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.runtime.progress import track

MAX_BYTES = 20_000_000


def _differences(existing: dict, new: dict) -> list[str]:
    """What the list now says differently from a curator's entry (listed cells and access links)."""
    diffs: list[str] = []
    old_listed, new_listed = existing.get("listed") or {}, new["listed"]
    for role in ("title", "date", "links", "extra"):
        old, now = old_listed.get(role), new_listed.get(role)
        if old == now:
            continue
        if isinstance(old, dict) or isinstance(now, dict):  # a cell the two tables write differently: by table
            old, now = _by_table(old), _by_table(now)
            for lang in ("en", "zh"):
                if old.get(lang) != now.get(lang):
                    diffs.append(f"listed.{role}.{lang}: {old.get(lang)!r} → {now.get(lang)!r}")
        else:
            diffs.append(f"listed.{role}: {old!r} → {now!r}")
    for role in ("modality", "task", "size", "description"):
        old, now = old_listed.get(role) or {}, new_listed.get(role) or {}
        for lang in sorted(set(old) | set(now)):
            if old.get(lang) != now.get(lang):
                diffs.append(f"listed.{role}.{lang}: {old.get(lang)!r} → {now.get(lang)!r}")
    old_urls = {a.get("url") for a in existing.get("access") or [] if isinstance(a, dict)}
    for point in new.get("access", []):
        if point["url"] not in old_urls:
            diffs.append(f"new link: {point['label']} {point['url']}")
    return diffs


def _by_table(cell: object) -> dict:
    """A shared cell as each table writes it: one text is both tables' text."""
    if isinstance(cell, dict):
        return cell
    return {"en": cell, "zh": cell} if cell is not None else {}


def _read_source(source: Path) -> tuple[bytes, int]:
    """The file's first ``MAX_BYTES + 1`` bytes and its size. A pipe or a device is refused before reading:
    a FIFO would wait forever for a writer and /dev/zero would fill the memory."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        message = f"cannot read the file ({error.strerror})"
        raise CatalogError(Problem(str(source), None, "", message, "check the path")) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            message = "is not a regular file (a folder, a pipe or a device), so it is not read"
            raise CatalogError(Problem(str(source), None, "", message, "pass a Markdown file such as README.md"))
        try:
            raw = handle.read(MAX_BYTES + 1)
        except OSError as error:
            message = f"cannot read the file ({error.strerror})"
            raise CatalogError(Problem(str(source), None, "", message, "check the path")) from None
    return raw, max(info.st_size, len(raw))


def _existing(data_dir: Path) -> tuple[dict[str, tuple[Path, dict]], dict[str, str]]:
    """Entries already in the catalog: by id, and an index from listed/visible names to ids."""
    by_id: dict[str, tuple[Path, dict]] = {}
    names: dict[str, str] = {}
    folder = data_dir / "datasets"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            doc = None
        doc = doc if isinstance(doc, dict) else {}
        by_id[path.stem] = (path, doc)
        listed = doc.get("listed") if isinstance(doc.get("listed"), dict) else {}
        cell = listed.get("name")
        # the name as these rules read the list's cell today too: a file written by an older importer ("PanNuke
        # [44a], [44b]") is the same dataset as the row it came from, not a second one
        read = _name_and_links(cell)[0] if isinstance(cell, str) else None
        for name in (doc.get("name"), cell, read):
            if isinstance(name, str) and name:
                names.setdefault(name_key(name), path.stem)
    return by_id, names


def _catalog_readme(data_dir: Path) -> str | None:
    try:
        doc = yaml.safe_load((data_dir / "catalog.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    source = doc.get("source") if isinstance(doc, dict) else None
    return source.get("readme") if isinstance(source, dict) and isinstance(source.get("readme"), str) else None


def _other_listing(existing: dict, doc: dict, catalog_readme: str | None) -> dict | None:
    """The new list's listing of a dataset the catalog has from another list, as an `also_listed` item; None when
    the lists are the same (or unknown), or the format has no `also_listed`."""
    listed = doc["listed"]
    new_source = listed.get("source")
    old_listed = existing.get("listed") if isinstance(existing.get("listed"), dict) else {}
    old_source = old_listed.get("source") or catalog_readme
    if not new_source or not old_source or _same_list(new_source, old_source) or not _listing_model():
        return None
    return {key: listed[key] for key in _LISTING_KEYS if key in listed}


def _same_list(a: str, b: str) -> bool:
    """Two URLs of one list: the same file at any commit or branch (…/blob/<ref>/README.md)."""
    strip = re.compile(r"/(?:blob|tree|raw)/[^/]+/")
    return strip.sub("/", a.rstrip("/")) == strip.sub("/", b.rstrip("/"))


class NoDatasetRows(CatalogError):
    """A list with no row to import; ``report`` says which tables were read and why each was skipped."""

    def __init__(self, problems: list[Problem], report: ImportReport):
        super().__init__(problems)
        self.report = report


def import_markdown(
    source: Path | str,
    data_dir: Path | str,
    *,
    dry_run: bool = False,
    source_url: str | None = None,
    version: str | None = None,
) -> ImportReport:
    """Read the dataset tables of a Markdown file into ``data_dir``: add new entries, report differences."""
    source, data_dir = Path(source), Path(data_dir)
    raw, size = _read_source(source)
    if size > MAX_BYTES:
        raise CatalogError(
            Problem(str(source), None, "", f"file is {size:,} bytes", f"split it; the limit is {MAX_BYTES:,} bytes")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[error.start]:02X})"
        raise CatalogError(Problem(str(source), line, "", message, "save the file as UTF-8")) from None
    report = ImportReport(str(source), dry_run=dry_run)
    entries = read_entries(text, report)
    if not entries:  # the wrong file, or tables the import cannot read: say why, and write nothing
        if not report.skipped:
            report.skip(1, "table-none", "no table found")
        problems = [
            Problem(str(source), s["line"], "", s["reason"], s.get("hint", ""))
            for s in report.skipped
            if not s.get("kept")
        ]
        problems.append(
            Problem(
                str(source),
                None,
                "",
                "no dataset rows to import",
                "the import reads Markdown tables whose header has a name column (Name, Dataset, 数据集名称…) "
                "and at least one more (title, date, link, size…), one row per dataset",
            )
        )
        raise NoDatasetRows(problems, report)
    by_id, names = _existing(data_dir)
    folder = data_dir / "datasets"
    if folder.exists() and not folder.is_dir():
        raise CatalogError(
            Problem(
                str(folder),
                None,
                "--data",
                "is not a folder, so no dataset file can be written into it",
                "move that file away (datasets/ holds one YAML file per dataset), or pass another folder with --data",
            )
        )
    if not (data_dir / "catalog.yaml").is_file():
        report.note(
            0,
            "no-catalog",
            f"{data_dir} has no catalog.yaml, so validate and build cannot read it yet — run "
            f'`medvlm-kg init {data_dir} --title "…" --publisher "…"` to make one',
        )
    taken = set(by_id)
    catalog_readme = _catalog_readme(data_dir)
    if source_url is None and catalog_readme:  # init --source-url named the list; this file may be it, or not
        report.note(
            0,
            "source-url",
            f"catalog.yaml names {catalog_readme} as the catalog's list; if this file is that list, pass "
            f"--source-url {catalog_readme} so its paper and code links and each entry's source are recorded",
        )
    for entry in track(entries, "importing", unit="row"):
        doc = _entry_document(entry, source_url, report, version or _version_in(source_url))
        existing_id = names.get(name_key(entry.name)) or (doc["id"] if doc["id"] in by_id else None)
        if existing_id:
            path, existing = by_id[existing_id]
            listing = _other_listing(existing, doc, catalog_readme)
            if listing is not None:  # the dataset is in another list too: add that listing, change nothing else
                known = [a for a in existing.get("also_listed") or [] if isinstance(a, dict)]
                if any(a.get("source") == listing["source"] for a in known):
                    report.unchanged.append(existing_id)
                elif dry_run or _append_listing(path, listing):
                    report.listed_again.append(
                        {
                            "file": str(path),
                            "id": existing_id,
                            "source": listing["source"],
                            "row": listing.get("row"),
                            "differences": _differences(existing, doc),
                        }
                    )
                else:
                    report.skip(entry.line, "exists", f"{path} changed during the import; its listing is not added")
                continue
            diffs = _differences(existing, doc)
            if diffs:
                report.changed.append({"file": str(path), "id": existing_id, "differences": diffs})
            else:
                report.unchanged.append(existing_id)
            continue
        base_id, n = doc["id"], 2
        while doc["id"] in taken:
            doc["id"] = f"{base_id}-{n}"
            n += 1
        taken.add(doc["id"])
        target = data_dir / "datasets" / f"{doc['id']}.yaml"
        item = {"file": str(target), "id": doc["id"], "name": entry.name, "row": entry.row, "line": entry.line}
        if dry_run:
            report.added.append(item)
        elif _write_new(target, _yaml_text(doc, source.name), report):
            report.added.append(item)
        else:
            report.skip(entry.line, "exists", f"{target} appeared meanwhile; left untouched")
    return report


def _version_in(url: str | None) -> str | None:
    """The commit a list's URL names (…/blob/<sha>/README.md), if any."""
    m = re.search(r"/(?:blob|tree|raw)/([0-9a-f]{7,40})/", url or "")
    return m.group(1) if m else None
