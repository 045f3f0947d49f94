"""What the last ``medvlm-kg validate`` of a catalog folder checked, kept in the user's cache folder so the next
``validate`` reads and checks only the files that changed (the checks across datasets always run).

Two notes per catalog folder, as a build keeps beside its output: the parse cache (``parsed.json``) and each
dataset's results (``checked.json``: its SHACL problems, types and shared nodes, under the key of the inputs they
were made from). Both are plain JSON and only stand for files whose bytes, catalog.yaml, ontology and code are the
ones they were made with; anything else in them is checked again. The folder is
``$MEDVLM_KG_CACHE_DIR`` or ``$XDG_CACHE_HOME/medvlm-kg`` (``~/.cache/medvlm-kg``), then ``validate/`` and a
digest of the catalog folder's absolute path. Deleting it is always safe.

A build notes there where it wrote this folder's output (``last-build``): a validate with no notes of its own starts
from that build's (its parse cache and each dataset's results, beside the output), so the first validate after a
build is as quick as the next ones.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import orjson

from medvlm_kg.runtime.user_cache import CACHE_ENV, user_cache_root

__all__ = ["CACHE_ENV", "cache_folder", "last_build", "read_checked", "read_parsed", "remember_build", "write"]

_PARSED = "parsed.json"
_CHECKED = "checked.json"
_LAST_BUILD = "last-build"


def cache_folder(data_dir: Path) -> Path:
    """This catalog folder's cache folder (not made here)."""
    name = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return user_cache_root() / "validate" / name


def read_parsed(data_dir: Path) -> bytes | None:
    """The parse cache the last validate left, or None."""
    try:
        return (cache_folder(data_dir) / _PARSED).read_bytes()
    except OSError:
        return None


def read_checked(data_dir: Path) -> dict:
    """The last validate's dataset records by unit name (``dataset/<id>``); empty when there are none or the file
    is not what validate writes."""
    try:
        records = orjson.loads((cache_folder(data_dir) / _CHECKED).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return records if isinstance(records, dict) else {}


def write(data_dir: Path, parsed: bytes, records: dict) -> None:
    """Keep this validate's notes for the next one. Each file is written under another name and renamed, so a
    reader (another validate at the same time) sees a whole file; a cache that cannot be written is no error."""
    folder = cache_folder(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in ((_PARSED, parsed), (_CHECKED, orjson.dumps(records, option=orjson.OPT_SORT_KEYS))):
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, folder / name)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except OSError:
        return


def remember_build(data_dir: Path, out_dir: Path) -> None:
    """Note that ``out_dir`` holds a build of this catalog folder (a cache that cannot be written is no error)."""
    folder = cache_folder(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{_LAST_BUILD}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(str(Path(out_dir).resolve()))
        os.replace(tmp, folder / _LAST_BUILD)
    except OSError:
        return


def last_build(data_dir: Path) -> Path | None:
    """The output folder of the last build of this catalog folder, if it is still a folder."""
    try:
        path = Path((cache_folder(data_dir) / _LAST_BUILD).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return path if path.is_absolute() and path.is_dir() else None
