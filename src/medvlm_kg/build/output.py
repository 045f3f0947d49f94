"""The output folder, replaced whole: a new version is staged beside it, file by file, then swapped in.

Readers (a static host, ``medvlm-kg serve``) see the old folder or the new one, never a mix, and a build that
fails or is killed leaves the old one as it was. A file whose bytes did not change is a hard link to the old
one (same bytes, same mtime), so a rebuild rewrites only what an edit changed. The version replaced is kept
beside the folder as the next build's starting point (its *spare*), so a rebuild touches only the files that
differ instead of linking every file anew. The manifest records every file's
SHA-256, the key of every unit of work (what its files were made from, see ``build.py``), and the digest of the
build's inputs; with the manifest a rebuild knows, without reading the old files, what it may keep.

What a build keeps for the next one (the manifest, the parse cache) is not part of the site: it lies *beside* the
folder, in ``<out>.store/`` with the query store (``store.py``), and is never uploaded with it (at 10,000 entries it
was 52 MB, 5 % of the site). The manifest is named by its digest and the folder's marker file names it, so the
folder and its manifest are swapped in together: a reader who reads the marker of the folder it sees reads that
folder's manifest. A folder copied without its ``.store`` is still a whole site; a build into it starts afresh.

Files are written as they are made (``put``), so memory does not grow with the size of the output; worker
processes write into the same staging folder and the parent records what they wrote (``record``).
"""

from __future__ import annotations

import ctypes
import errno
import glob
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from medvlm_kg.build import spare
from medvlm_kg.problems import CatalogError, Problem

__all__ = [
    "MARKER",
    "StagedOutput",
    "WriteReport",
    "beside",
    "manifest_path",
    "marked_generation",
    "marked_inputs",
    "read_manifest",
    "read_note",
    "write_note",
]

MARKER = ".medvlm-kg-build"
_MARKER_TEXT = b"This folder is written by medvlm-kg build and replaced whole on each build.\n"
_MANIFEST_LINE = b"manifest: "  # then the name of the folder's manifest in ``beside(out_dir)``
_MANIFEST_NAME = re.compile(r"manifest-[0-9a-f]{16}\.json")
_STORE_LINE = b"store: "  # then the query store generation of the build (``store.py``), when it made one
_INPUTS_LINE = b"inputs: "  # then the digest of what the build was made from (``runtime/inputs.py``)
_FORMAT = 4  # of the manifest; an older or unreadable manifest means "keep nothing"


@dataclass
class WriteReport:
    """What a build did to the output folder: files written anew, files kept (same bytes, same inode), removed."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.written and not self.removed


def beside(out_dir: Path | str) -> Path:
    """The folder beside an output folder for what is not published: ``<out>.store``."""
    out_dir = Path(out_dir).absolute()
    return out_dir.parent / f"{out_dir.name}.store"


def _marked(out_dir: Path | str, prefix: bytes) -> str | None:
    """The value of the marker's line starting with ``prefix`` in the build in ``out_dir``, or None."""
    try:
        text = (Path(out_dir) / MARKER).read_bytes()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].decode("ascii", "replace").strip()
    return None


def _is_plain_token(value: object) -> bool:
    """A marker value that can be nothing but a name or a digest (ASCII letters and digits): never a path."""
    return isinstance(value, str) and value.isalnum() and value.isascii()


def manifest_path(out_dir: Path | str) -> Path | None:
    """Where the manifest of the build in ``out_dir`` lies (named in its marker), or None: no build there."""
    name = _marked(out_dir, _MANIFEST_LINE)
    # a name, never a path: the marker is only a file in the folder
    if name is not None and _MANIFEST_NAME.fullmatch(name):
        return beside(out_dir) / name
    return None


def marked_generation(out_dir: Path | str) -> str | None:
    """The query store generation the marker of the build in ``out_dir`` names, or None (no build, or one that
    named it only in its manifest). A reader needs only this line; the manifest is 320 MB at 100,000 entries."""
    name = _marked(out_dir, _STORE_LINE)
    return name if _is_plain_token(name) else None


def marked_inputs(out_dir: Path | str) -> str | None:
    """The digest of the inputs the build in ``out_dir`` was made from (its marker's line), or None: a reader
    learns whether the build is current for a catalog folder by scanning that folder, without the manifest."""
    digest = _marked(out_dir, _INPUTS_LINE)
    return digest if _is_plain_token(digest) else None


def read_manifest(out_dir: Path | str) -> dict[str, Any]:
    """The manifest of a build folder: ``files`` (path → SHA-256), ``units`` (name → record), ``inputs`` (digest),
    ``warnings``; empty parts when the folder has none (or one this version cannot read)."""
    empty: dict[str, Any] = {"files": {}, "units": {}, "inputs": None, "warnings": []}
    path = manifest_path(out_dir)
    try:
        manifest = orjson.loads(path.read_bytes()) if path else None
    except (OSError, ValueError):
        return empty
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        return empty
    return {**empty, **{k: manifest[k] for k in empty if k in manifest}}


def read_note(out_dir: Path | str, rel: str) -> bytes | None:
    """A note the last build left beside the output (``beside``), or None."""
    try:
        return (beside(out_dir) / rel).read_bytes()
    except OSError:
        return None


def write_note(out_dir: Path | str, rel: str, data: bytes) -> None:
    """Leave a note beside the output, whole, outside a build's swap (a scan's, after a build with no change)."""
    notes_dir = beside(out_dir)
    try:
        notes_dir.mkdir(parents=True, exist_ok=True)
        _write_whole(notes_dir / rel, data)
    except OSError:  # only a saving of time for the next build: a read-only folder keeps its old note
        pass


def _write_whole(path: Path, data: bytes) -> None:
    """Write a file under another name and rename it: a reader sees the old bytes or the new, never a part."""
    spare = path.with_name(f".{path.name}.{os.getpid()}.part")
    spare.write_bytes(data)
    os.replace(spare, path)


def _same_file(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _clear(target: str) -> None:
    """Make way for a new file at ``target`` in the staging folder: what stands there may be a hard link to the
    output's copy (a spare shares them), so it is unlinked, never written through."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(target)


def _make_way(target: str) -> None:
    """``_clear``, except for a file no other folder links to (a spare's copy of a file the last build wrote): that
    one is written over where it lies. A new file costs the filesystem an inode, and freeing one costs it again
    (ext4 passes over recently freed inodes when it looks for a free one): an unlinked and created file cost
    0.04-0.09 ms, written over 0.02 ms; a created one 0.03-0.7 ms, most soon after many files were removed."""
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(found.st_mode) and found.st_nlink == 1):
        _clear(target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0


class StagedOutput:
    """The next version of ``out_dir``: ``put`` files into it, then ``commit`` (swap it in) or ``discard``."""

    def __init__(self, out_dir: Path | str):
        self.out_dir = Path(out_dir).absolute()
        if (
            self.out_dir.exists()
            and (not self.out_dir.is_dir() or any(self.out_dir.iterdir()))
            and not (self.out_dir / MARKER).is_file()
        ):
            raise CatalogError(
                Problem(
                    str(self.out_dir),
                    None,
                    "--out",
                    "is not a medvlm-kg build folder, so it is left alone",
                    "choose an empty or new folder for the output",
                )
            )
        if self.out_dir.is_dir() and not os.access(self.out_dir, os.W_OK | os.X_OK):
            # The swap itself needs only the parent folder, so a read-only output would be replaced, and then the
            # old copy could not be removed: refuse it, as its owner meant it to stay as it is.
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self.out_dir))
        self.old = read_manifest(self.out_dir)
        self.files: dict[str, str] = {}  # path → SHA-256 of what the new version holds
        self.units: dict[str, dict[str, Any]] = {}
        self.written: set[str] = set()
        self._staging: Path | None = None
        self._made: set[str] = set()
        self._spare: spare.StagedSpare | None = None  # staging in the version before (``spare.py``)

    def remove_stale(self) -> None:
        """Remove what a build that was killed left beside the folder (its staged or retired copy), and the spares
        this build cannot stage in. Call it only while holding the folder's lock (``lock.py``): then no other build
        is writing them. They are removed in the background: the spare of a 10,000-entry output (after the output
        was deleted by hand) took 7 s to remove, before the build began."""
        name = glob.escape(self.out_dir.name)  # a folder's name may hold [ ] * ?
        stale = [
            leftover
            for pattern in (f".{name}.new-*", f".{name}.old-*")
            for leftover in self.out_dir.parent.glob(pattern)
            if leftover.is_dir() and not leftover.is_symlink()
        ]
        for part in beside(self.out_dir).glob(".*.part"):  # a note half-written (``_write_whole``)
            part.unlink(missing_ok=True)
        spare.remove_old_trash(self.out_dir)
        usable = self._usable_spare
        stale += [folder for folder in spare.spares(self.out_dir) if usable is None or folder != usable[0]]
        spare.remove_in_background(stale, self.out_dir)

    @cached_property
    def _usable_spare(self) -> tuple[Path, set[str]] | None:
        """The spare this build may stage in (``spare.usable``); none without a readable manifest to trust it by."""
        if not self.old["files"]:
            return None
        return spare.usable(self.out_dir, beside(self.out_dir), manifest_path(self.out_dir))

    def _spare_has(self, rel: str, sha: str) -> bool:
        return self._spare is not None and self._spare.has(rel, sha, self.old["files"])

    # -- what the old version holds -------------------------------------------------------------------------

    def old_unit(self, name: str) -> dict[str, Any] | None:
        return self.old["units"].get(name)

    def old_file(self, rel: str) -> bytes | None:
        """The old version's file ``rel`` if it still holds what the manifest recorded, else None."""
        sha = self.old["files"].get(rel)
        if sha is None:
            return None
        try:
            data = (self.out_dir / rel).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == sha else None

    def unchanged(self, inputs: str) -> bool:
        """The old version was built from the same inputs and still holds every file at its recorded size."""
        if self.old["inputs"] != inputs or not self.old["files"]:
            return False
        return self.intact(self.old["files"])

    def intact(self, files: dict[str, str]) -> bool:
        """Every one of ``files`` (path → SHA-256 in the old manifest) still exists in the old folder."""
        old, root = self.old["files"], f"{self.out_dir}/"
        try:
            return all(old.get(rel) == sha and os.path.isfile(root + rel) for rel, sha in files.items())
        except OSError:
            return False

    # -- staging --------------------------------------------------------------------------------------------

    @property
    def staging(self) -> Path:
        if self._staging is None:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.new-", dir=self.out_dir.parent))
            usable = self._usable_spare
            if usable is not None:
                self._spare = spare.adopt(*usable, staging)
                if self._spare is not None:
                    self._made |= self._spare.folders
            os.chmod(staging, 0o755)
            self._staging = staging
        return self._staging

    def _target(self, rel: str) -> str:
        # Paths as strings, not pathlib: a build stages tens of thousands of files, and pathlib's joins were a
        # tenth of a rebuild's time.
        root = str(self.staging)
        parent = rel.rpartition("/")[0]
        if parent and parent not in self._made:
            try:
                os.makedirs(f"{root}/{parent}", mode=0o755, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                if self._spare is None:
                    raise
                self._clear_way(root, parent)  # the spare has a file where this version has a folder
                os.makedirs(f"{root}/{parent}", mode=0o755, exist_ok=True)
            self._made.add(parent)
        return f"{root}/{rel}"

    def _clear_way(self, root: str, folder: str) -> None:
        parts = folder.split("/")
        for end in range(1, len(parts) + 1):
            path = f"{root}/{'/'.join(parts[:end])}"
            if os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)

    def put(self, rel: str, data: bytes) -> tuple[str, str, bool]:
        """Stage one file; an unchanged one is linked to the old copy. Returns (path, SHA-256, written anew)."""
        sha = hashlib.sha256(data).hexdigest()
        target = self._target(rel)
        same = self.old["files"].get(rel) == sha
        if same and self._spare_has(rel, sha):
            self.record(rel, sha, False)
            return rel, sha, False
        written = not (same and self._link(rel, target))
        if written:
            _make_way(target)  # a link to the old copy may stand here: writing through it would change it
            with open(target, "wb") as out:
                out.write(data)
            os.chmod(target, 0o644)
        self.record(rel, sha, written)
        return rel, sha, written

    def put_pieces(self, rel: str, pieces: Iterable[bytes]) -> tuple[str, str, bool]:
        """``put`` for a file given in pieces: written as they come and hashed on the way (memory does not grow
        with the file), then swapped for a link to the old copy if it came out the same."""
        target = self._target(rel)
        _make_way(target)
        h = hashlib.sha256()
        with open(target, "wb") as out:
            for piece in pieces:
                h.update(piece)
                out.write(piece)
        os.chmod(target, 0o644)
        sha = h.hexdigest()
        written = True
        if self.old["files"].get(rel) == sha:  # the same bytes: keep the old file (and its mtime) instead
            same = f"{target}.same"
            if self._link(rel, same):
                os.replace(same, target)
                written = False
        self.record(rel, sha, written)
        return rel, sha, written

    def keep_all(self, rels: Iterable[str]) -> bool:
        """Stage the old copies of ``rels`` (a unit's files; its inputs did not change) without their bytes; False at
        the first that is gone. One loop for a unit: an edit keeps 52,000 files at 10,000 entries, most of them
        already in the spare."""
        old = self.old["files"]
        for rel in rels:
            sha = old.get(rel)
            if sha is None or not (self._spare_has(rel, sha) or self._link(rel, self._target(rel))):
                return False
            self.record(rel, sha, False)
        return True

    def _link(self, rel: str, target: str) -> bool:
        previous = f"{self.out_dir}/{rel}"
        try:
            if os.path.islink(previous):
                return False
            if self._spare is not None:
                _clear(target)
            os.link(previous, target, follow_symlinks=False)
        except OSError:
            return False
        return True

    def record(self, rel: str, sha: str, written: bool) -> None:
        """Note a file staged here or by a worker process."""
        self.files[rel] = sha
        if written:
            self.written.add(rel)

    def staged_path(self, rel: str) -> Path:
        """Where a staged file lies (to read it back while the build goes on)."""
        return self.staging / rel

    # -- the swap ------------------------------------------------------------------------------------------

    def commit(
        self, inputs: str | None = None, warnings: list[dict] | None = None, notes: dict[str, bytes] | None = None
    ) -> WriteReport:
        """Write the manifest and ``notes`` (what the build keeps for the next one, by name) beside the folder and
        the marker naming the manifest into it, then swap the staged folder in (or, with nothing changed, drop it).
        """
        report = WriteReport(
            written=sorted(self.written),
            kept=sorted(set(self.files) - self.written),
            removed=sorted(set(self.old["files"]) - set(self.files)),
        )
        previous = manifest_path(self.out_dir)
        changed = sorted(set(report.written) | set(report.removed))
        manifest = {
            "format": _FORMAT,
            "inputs": inputs,
            "warnings": warnings or [],
            "files": dict(sorted(self.files.items())),
            "units": dict(sorted(self.units.items())),
        }
        new_bytes = orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
        name = f"manifest-{hashlib.sha256(new_bytes).hexdigest()[:16]}.json"
        # Where the version this one replaces (the next build's spare) differs from it; not in the manifest, which
        # must be the same as a clean build's. None: most files ("everything").
        spare_note = spare.note(name, previous, changed, len(self.files))
        marker_text = _MARKER_TEXT + _MANIFEST_LINE + name.encode("ascii") + b"\n"
        generation = (self.units.get("catalog") or {}).get("store")
        if _is_plain_token(generation):
            marker_text += _STORE_LINE + generation.encode("ascii") + b"\n"
        if _is_plain_token(inputs):
            marker_text += _INPUTS_LINE + inputs.encode("ascii") + b"\n"
        notes_dir = beside(self.out_dir)
        try:
            notes_dir.mkdir(parents=True, exist_ok=True)
            for rel, data in (notes or {}).items():  # keyed by content, so valid whichever folder is swapped in
                if not _same_file(notes_dir / rel, data):
                    _write_whole(notes_dir / rel, data)
            if self._spare is not None:
                self._spare.prune(self.staging, self.files.keys() | {MARKER})
            same = report.unchanged and previous is not None and previous.name == name and previous.is_file()
            if same and self.intact(self.files):  # a file gone from the output (the spare held it) is put back
                if self._spare is not None:  # nothing changed at all: touch nothing
                    spare.keep_as_spare(self.staging, self.out_dir, previous)
                    self._staging = None
                else:
                    self.discard()
                return report
            if not _same_file(notes_dir / name, new_bytes):
                _write_whole(notes_dir / name, new_bytes)
            _write_whole(notes_dir / spare.NOTE, orjson.dumps(spare_note))
            marker = self._target(MARKER)
            try:  # the old marker, linked when it names the same manifest
                same = (self.out_dir / MARKER).read_bytes() == marker_text and self._link(MARKER, marker)
            except OSError:
                same = False
            if not same:
                _clear(marker)
                Path(marker).write_bytes(marker_text)
            staging = self.staging
            if not self.out_dir.exists():
                os.rename(staging, self.out_dir)
                spare.copy_as_spare(self.out_dir, list(self.files), notes_dir / name)
            elif _exchange(staging, self.out_dir):  # staging now holds the version replaced
                if spare_note["changed"] is not None and previous is not None:
                    spare.keep_as_spare(staging, self.out_dir, previous)
                else:
                    spare.remove_replaced(staging, self.out_dir)
                    spare.copy_as_spare(self.out_dir, list(self.files), notes_dir / name)
            else:
                retired = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-", dir=self.out_dir.parent))
                os.rename(self.out_dir, retired / "previous")
                os.rename(staging, self.out_dir)
                shutil.rmtree(retired, ignore_errors=True)
        except BaseException:
            self.discard()
            raise
        self._staging = None
        # The manifests of older builds go; the previous one stays, as its store generation does (a reader may
        # have read the old marker a moment ago).
        keep = {name, previous.name if previous else ""}
        for old in notes_dir.glob("manifest-*.json"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
        return report

    def discard(self) -> None:
        """Drop the staged folder; the old version stays as it was."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
