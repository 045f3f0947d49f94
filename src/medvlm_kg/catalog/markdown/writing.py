"""Catalog files written without ever overwriting a curator's work: a new file created whole or not at all (never
over one that appeared meanwhile), and a further listing appended to an existing file leaving every other line
as the curator wrote it."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

import yaml

from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.problems import CatalogError, Problem


def _yaml_text(doc: dict, source: str) -> str:
    header = f"# {doc['name']} — imported from {source} by medvlm-kg import-markdown; format: docs/data-format.md\n"
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)


def _create_new(path: Path, text: str) -> bool:
    """Write a new file whole or not at all, and never over an existing one (hard link into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def _write_new(target: Path, text: str, report: ImportReport) -> bool:
    """``_create_new``, with a failed write (a read-only folder, a full disk) as a ``CatalogError``."""
    try:
        return _create_new(target, text)
    except OSError as error:
        done = f"the {len(report.added)} files added before it are kept" if report.added else "nothing was written"
        raise CatalogError(
            Problem(
                str(target),
                None,
                "--data",
                f"cannot write the new file ({error.strerror}); {done}",
                "make the datasets folder writable (or free disk space), then import again",
            )
        ) from None


def _append_listing(path: Path, item: dict) -> bool:
    """Add ``item`` to the file's `also_listed` (made at the end if absent), leaving every other line as the
    curator wrote it; False when the file changed meanwhile or would not read back as before plus the item."""
    try:
        before = path.read_bytes()
        text = before.decode("utf-8")
        doc = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    dumped = yaml.safe_dump([item], allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)
    block = "".join("  " + line + "\n" for line in dumped.splitlines())
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^also_listed\s*:\s*(#.*)?$", line)), None)
    if start is None:
        new_text = text + ("" if text.endswith("\n") else "\n") + "also_listed:\n" + block
    else:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
            end += 1
        new_text = "".join(lines[:end]) + block + "".join(lines[end:])
    expected = dict(doc)
    expected["also_listed"] = [*(doc.get("also_listed") or []), item]
    try:
        if yaml.safe_load(new_text) != expected:
            return False
    except yaml.YAMLError:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_text)
        os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        if path.read_bytes() != before:
            return False
        os.replace(tmp, path)
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
