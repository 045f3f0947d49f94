"""The spare: the version of the output folder a build replaced, kept beside it for the next build to stage in.

Staging every build in a new folder meant a hard link for each of the output's files (52,000 at 10,000 entries:
0.6 s) and then removing the version replaced (0.7 s), whatever the edit. Instead the replaced version stays beside
the folder (``.<out>.spare-<the digest of its manifest>``, hard links to the same files: directory entries, not
bytes), and the next build stages in it. A note beside the output (``spare.json``) says in which files the spare
may differ from the output (those the last build wrote or removed); only those and the build's own changes are
touched. The output is still swapped in whole (``output.py``), and a build that fails uses the spare up: it is a
cache, and the next build starts without one (linking every file, as before). A build that changed most files keeps
no spare of the version it replaced (the next edit would have to fix up most of it): that version is moved into a
trash folder beside the output (``.<out>.trash-*``) and removed by a process of its own once the build is done.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

__all__ = [
    "NOTE",
    "StagedSpare",
    "adopt",
    "copy_as_spare",
    "keep_as_spare",
    "note",
    "remove_in_background",
    "remove_old_trash",
    "remove_replaced",
    "spares",
    "usable",
]

NOTE = "spare.json"


def tag(manifest: Path) -> str:
    """The digest part of a manifest's name (``manifest-<tag>.json``)."""
    return manifest.name[len("manifest-") : -len(".json")]


def spare_path(out_dir: Path, manifest: Path) -> Path:
    """Where the spare of the version made with ``manifest`` lies."""
    return out_dir.parent / f".{out_dir.name}.spare-{tag(manifest)}"


def spares(out_dir: Path) -> list[Path]:
    found = out_dir.parent.glob(f".{glob.escape(out_dir.name)}.spare-*")  # a name may hold [ ] * ?
    return [p for p in found if p.is_dir() and not p.is_symlink()]


def note(manifest_name: str, previous: Path | None, changed: list[str], total: int) -> dict:
    """The note a build leaves for the next one: the version it replaced (``base``) differs from the one it made
    in ``changed``; None for most files (the spare is then not worth keeping)."""
    return {
        "output": manifest_name,
        "base": tag(previous) if previous is not None else None,
        "changed": changed if previous is not None and len(changed) <= total // 2 else None,
    }


def usable(out_dir: Path, notes_dir: Path, manifest: Path | None) -> tuple[Path, set[str]] | None:
    """A spare a build of ``out_dir`` (whose manifest is ``manifest``) may stage in, and the files in which it may
    differ from the output."""
    if manifest is None:
        return None
    try:
        said = orjson.loads((notes_dir / NOTE).read_bytes())
    except (OSError, ValueError):
        said = None
    if not isinstance(said, dict) or said.get("output") != manifest.name:
        said = {}
    base, changed = said.get("base"), said.get("changed")
    for spare in spares(out_dir):
        name = spare.name.rpartition(".spare-")[2]
        if name == tag(manifest):  # a copy of the output itself
            return spare, set()
        if base and name == base and isinstance(changed, list) and all(isinstance(c, str) for c in changed):
            return spare, set(changed)
    return None


@dataclass
class StagedSpare:
    """A spare moved into place as the staging folder: the files it may hold in another version than the output,
    and every file it held."""

    changed: set[str]
    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)

    def has(self, rel: str, sha: str, output_files: dict[str, str]) -> bool:
        """It holds ``rel`` with the bytes of ``sha``, the output's version of it."""
        return rel not in self.changed and rel in self.files and output_files.get(rel) == sha

    def prune(self, staging: Path, kept: set[str]) -> None:
        """Remove the files it held that the new version does not (and folders left empty)."""
        root = str(staging)
        emptied: set[str] = set()
        for rel in self.files - kept:
            try:
                os.unlink(f"{root}/{rel}")
            except FileNotFoundError:
                pass
            emptied.add(rel.rpartition("/")[0])
        for folder in sorted(emptied, key=lambda f: -f.count("/")):
            while folder:
                try:
                    os.rmdir(f"{root}/{folder}")
                except OSError:
                    break
                folder = folder.rpartition("/")[0]


def adopt(spare: Path, changed: set[str], staging: Path) -> StagedSpare | None:
    """Move ``spare`` onto the empty folder ``staging`` and list what it holds. Anything in it that is not a plain
    file or folder (a link someone put there) is removed, so no write follows it."""
    try:
        os.rename(spare, staging)
    except OSError:
        return None
    staged = StagedSpare(changed)
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(f"{staging}/{folder}" if folder else staging) as entries:
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(rel)
                    staged.folders.add(rel)
                elif entry.is_file(follow_symlinks=False):
                    staged.files.add(rel)
                else:
                    os.unlink(entry.path)
    return staged


def keep_as_spare(folder: Path, out_dir: Path, manifest: Path) -> None:
    """Keep ``folder``, a whole version of ``out_dir`` made with ``manifest``, for the next build."""
    try:
        os.rename(folder, spare_path(out_dir, manifest))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def copy_as_spare(out_dir: Path, files: list[str], manifest: Path) -> None:
    """A spare for the next build when there is no replaced version to keep (a first build, or one that changed
    most files): the output's ``files`` hard-linked into it (0.6 s at 10,000 entries, once)."""
    spare = spare_path(out_dir, manifest)
    try:
        made: set[str] = set()
        for rel in files:
            parent = rel.rpartition("/")[0]
            if parent not in made:
                os.makedirs(f"{spare}/{parent}", mode=0o755, exist_ok=True)
                made.add(parent)
            os.link(f"{out_dir}/{rel}", f"{spare}/{rel}", follow_symlinks=False)
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)


# A process of its own removes a version the build replaced and does not keep (a build that changed most files):
# freeing 52,000 files took 5.8 s of a full rebuild at 10,000 entries on this VM's disk. Its first process forks
# and ends at once (so the build waits for nobody and leaves no child behind); the second removes the folder at a
# lower priority, its standard streams on /dev/null, so a caller reading the build's output is not kept waiting.
_REMOVER = """import os, shutil, sys
if os.fork() == 0:
    os.setsid()
    os.nice(10)
    shutil.rmtree(sys.argv[1], ignore_errors=True)
os._exit(0)
"""
TRASH_KEPT_SECONDS = 600  # a trash folder older than this lost its remover (killed): the next build removes it


def _trash_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.trash-"


def remove_replaced(folder: Path, out_dir: Path) -> None:
    """Remove ``folder``, a version of ``out_dir`` that the build replaced, after the build: it is renamed into a
    trash folder beside the output at once, then removed in the background (synchronously where that fails)."""
    remove_in_background([folder], out_dir)


def remove_in_background(folders: list[Path], out_dir: Path) -> None:
    """Remove ``folders`` (beside ``out_dir``, on its file system) without waiting: they are renamed into one trash
    folder at once, and a process of its own removes it; a folder that cannot be moved is removed here."""
    if not folders:
        return
    try:
        trash = Path(tempfile.mkdtemp(prefix=_trash_prefix(out_dir), dir=out_dir.parent))
    except OSError:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        return
    for i, folder in enumerate(folders):
        try:
            os.rename(folder, trash / ("replaced" if i == 0 else f"replaced-{i}"))
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
    try:
        if not sys.executable:
            raise OSError("no Python to start")
        null = os.devnull
        streams = [
            (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
        ]
        pid = os.posix_spawn(
            sys.executable, [sys.executable, "-I", "-c", _REMOVER, str(trash)], os.environ, file_actions=streams
        )
        os.waitpid(pid, 0)
    except (OSError, AttributeError):  # AttributeError: a system without posix_spawn
        shutil.rmtree(trash, ignore_errors=True)


def remove_old_trash(out_dir: Path, now: float | None = None) -> None:
    """Remove the trash folders beside ``out_dir`` whose remover is long gone (killed with its folder half
    removed); a younger one is left to the process still removing it."""
    now = time.time() if now is None else now
    for trash in out_dir.parent.glob(glob.escape(_trash_prefix(out_dir)) + "*"):  # a name may hold [ ] * ?
        try:
            old = now - trash.lstat().st_mtime > TRASH_KEPT_SECONDS
        except OSError:
            continue
        if old and trash.is_dir() and not trash.is_symlink():
            shutil.rmtree(trash, ignore_errors=True)
