"""What a build is made from, as digests: the code and ontology, catalog.yaml, each dataset file.

A rebuild compares them with the previous output's manifest: the same digest means nothing to do, and each unit
of work's key is made from the digests of what it reads (``units.py``). Light on purpose: a rebuild with no
change reads these and stops, without importing the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from medvlm_kg.resources import ontology_dir, package_files

__all__ = ["SCAN_NOTE", "Inputs", "code_digest", "digest", "display_root", "scan"]


def digest(*parts: Any) -> str:
    """One SHA-256 of several values (bytes as they are, anything else as JSON)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(part)
        elif isinstance(part, str) and _PLAIN.fullmatch(part):  # its JSON is itself in quotes (most parts: digests)
            h.update(b'"' + part.encode() + b'"')
        else:  # orjson: a build's plan digests some 8,000 lists of ids and keys, 0.3 s through json.dumps
            try:
                h.update(orjson.dumps(part, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))
            except (TypeError, orjson.JSONEncodeError):  # an integer past 64 bits
                h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


_PLAIN = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII but for the quote and the backslash: JSON writes it as it is


def code_digest() -> str:
    """Everything besides the catalog that shapes the output: this package's code, templates and static files,
    the ontology, and the versions of the libraries that write bytes (a new version may write other bytes)."""
    h = hashlib.sha256()
    for path in [*package_files(), *sorted(p for p in ontology_dir().iterdir() if p.is_file())]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in ("pyoxigraph", "jinja2", "markupsafe"):
        try:
            h.update(f"{library} {metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{library} ?\0".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Inputs:
    """The build's inputs as digests: the catalog file, each dataset file by name, and all of it together."""

    common: str  # the code, the ontology and catalog.yaml
    files: dict[str, str]  # dataset file name → SHA-256 of its bytes
    digest: str
    # what checking a dataset file reads besides its bytes: the code with the ontology (the concept schemes), not
    # catalog.yaml, so the files' parse cache outlives an edit to catalog.yaml (10,000 files parsed again: 4 s of a
    # rebuild)
    parsing: str
    # for the next scan: each file's size, times and inode with its digest, where the file had not changed for
    # ``_SETTLED_NS`` when it was read (``scan``)
    seen: dict[str, list] = field(default_factory=dict, compare=False, repr=False)

    def note(self, data_dir: Path) -> bytes:
        """What the next ``scan`` of ``data_dir`` may take from this one (kept beside the output: ``SCAN_NOTE``)."""
        return orjson.dumps({"folder": _folder_id(data_dir), "files": self.seen}, option=orjson.OPT_SORT_KEYS)


SCAN_NOTE = "scanned.json"
# A file's digest is taken from the last scan only when its size, modification and change times and inode are
# the same, and those times were at least this much older than the moment it was read: a write after that read
# sets a newer change time (which no program can set back), so the same stat means the same bytes, as in git's
# index. "The moment it was read" is judged by both clocks that stamp it: this machine's, and the file system's
# own (the newest time any file of the folder, or the folder, carries), which lags on a server whose clock does.
_SETTLED_NS = 2_000_000_000
# Only where stat is the file's own, up to date and to the nanosecond: local Linux file systems. A network file
# system caches attributes for seconds (another machine's edit would go unseen), some keep times to the second (two
# edits of one size in one second look the same) or let programs set the change time; their files are always read.
# Kept to the nanosecond on ext4 only with large inodes: a time with no fraction of a second is never trusted.
_TRUSTED_FILE_SYSTEMS = frozenset({"ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "bcachefs"})


def scan(data_dir: Path, last: bytes | None = None) -> Inputs:
    """The digests of a catalog folder's inputs (parsing no file). ``last``: an earlier scan's ``note``; a file
    whose stat it holds unchanged is not read again (10,000 files read and hashed: 0.12 s of every rebuild)."""
    started = time.time_ns()
    folder = data_dir / "datasets"
    files: dict[str, str] = {}
    names: list[str] = []
    known: dict[str, list] = {}
    stats: dict[str, list] = {}  # name → its stat and digest, for the next scan's note
    trusted = folder.is_dir() and _trusted_file_system(folder)
    if trusted:
        known = _known(data_dir, last)
    if folder.is_dir():
        # os.scandir, not Path: the kind of each entry comes with its name (no stat), and 10,000 Paths' checks and
        # reads took 0.22 s of an edit's scan, 0.12 s this way
        with os.scandir(folder) as found:
            entries = sorted(found, key=_name)  # one folder: by name, as Path sorts
        for entry in entries:
            names.append(entry.name)
            try:
                if _is_yaml(entry.name) and entry.is_file(follow_symlinks=False):  # a symlink is not read
                    st = entry.stat(follow_symlinks=False)
                    stat = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
                    old = known.get(entry.name)
                    if old is not None and old[:4] == stat:
                        sha = old[4]
                    else:
                        with open(entry.path, "rb") as file:
                            sha = hashlib.sha256(file.read()).hexdigest()
                    files[entry.name] = sha
                    stats[entry.name] = [*stat, sha]
            except OSError:
                pass
    seen = _settled(stats, folder, started) if trusted else {}
    try:
        catalog_bytes = (data_dir / "catalog.yaml").read_bytes()
    except OSError:
        catalog_bytes = b""
    # Where the files are shown from (the working folder) changes the messages, not what is made: it is part of the
    # whole digest (a build with no other change still reports its warnings by the new paths), not of the keys of
    # the units or of the parse cache, which take what they kept with the paths put right (a build from another
    # folder made everything again: 50 s at 10,000 entries).
    code, shown_from = code_digest(), display_root(data_dir)
    common = digest(code, catalog_bytes)
    return Inputs(common, files, digest(common, shown_from, names, files), digest("parsing", code), seen)


def _settled(stats: dict[str, list], folder: Path, started: int) -> dict[str, list]:
    """Of the files just scanned (name → size, mtime, ctime, inode, digest), those a later scan may trust by their stat:
    times with a fraction of a second, and ``_SETTLED_NS`` older than both this machine's clock when the scan began
    and the file system's newest time in the folder."""
    try:
        own = os.stat(folder)
        newest = max([own.st_mtime_ns, own.st_ctime_ns, *(max(s[1], s[2]) for s in stats.values())])
    except (OSError, ValueError):
        return {}
    before = min(started, newest) - _SETTLED_NS
    return {
        name: s
        for name, s in stats.items()
        if max(s[1], s[2]) < before and (s[1] % 1_000_000_000 or s[2] % 1_000_000_000)
    }


def _trusted_file_system(folder: Path, mounts: str | None = None) -> bool:
    """Whether ``folder`` lies on a file system whose stat a scan may trust (``_TRUSTED_FILE_SYSTEMS``), by the
    mount that holds it in ``/proc/self/mounts`` (``mounts``: its text); no such file (not Linux): no."""
    if mounts is None:
        try:
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as file:
                mounts = file.read()
        except OSError:
            return False
    real = os.path.realpath(folder)
    best, kind = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), parts[1])  # \040 is a space
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # the innermost mount; of two on one point, the later
            best, kind = point, parts[2]
    return kind in _TRUSTED_FILE_SYSTEMS


def _folder_id(data_dir: Path) -> list:
    """The catalog folder as a scan's note names it: its real path, device and inode."""
    try:
        st = os.stat(data_dir / "datasets")
    except OSError:
        return [str(data_dir.resolve()), None, None]
    return [str(data_dir.resolve()), st.st_dev, st.st_ino]


def _known(data_dir: Path, last: bytes | None) -> dict[str, list]:
    """The files of an earlier scan's note, if it was made of this folder (else nothing: every file is read)."""
    if not last:
        return {}
    try:
        note = orjson.loads(last)
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(note, dict) or note.get("folder") != _folder_id(data_dir):
        return {}
    files = note.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        name: entry
        for name, entry in files.items()
        if isinstance(entry, list)
        and len(entry) == 5
        and all(type(v) is int for v in entry[:4])
        and isinstance(entry[4], str)
        and _SHA.fullmatch(entry[4])
    }


_SHA = re.compile(r"[0-9a-f]{64}")


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _is_yaml(name: str) -> bool:
    """``Path(name).suffix == ".yaml"``: a name that is only ``.yaml`` has no suffix."""
    return name.endswith(".yaml") and name.rfind(".") > 0


def display_root(data_dir: Path) -> str:
    """How the catalog folder is named in messages: relative to the working folder where it can be."""
    try:
        return str(data_dir.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(data_dir)
