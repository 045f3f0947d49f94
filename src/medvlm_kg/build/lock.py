"""One build at a time per output folder: an exclusive ``flock`` on a lock file beside the folder.

Two builds writing one folder would race: each reads the old folder's manifest, links unchanged files from it
and swaps its own folder in, so the second could link files the first had just replaced — a mixed output.
The lock file sits in the folder's parent (``build/`` → ``.build.lock``), not inside the folder, because the
folder itself is replaced whole. The kernel drops the lock when its holder exits, even by SIGKILL, so a crashed
build never leaves a stale lock; and the file is never deleted, since deleting a lock file lets a third process
lock a fresh file while the second still holds the old one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.runtime.progress import stage

__all__ = ["WAIT_ENV", "DEFAULT_WAIT_S", "lock_path", "output_lock", "write_error"]

WAIT_ENV = "MEDVLM_KG_BUILD_WAIT"
DEFAULT_WAIT_S = 60.0
_POLL_S = 0.05


def lock_path(out_dir: Path | str) -> Path:
    """The lock file of an output folder: ``.<name>.lock`` in the folder's parent."""
    out_dir = Path(out_dir).absolute()
    return out_dir.parent / f".{out_dir.name}.lock"


def _wait_from_env() -> float:
    raw = os.environ.get(WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_WAIT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 86_400 or value != value:
        raise CatalogError(
            Problem(WAIT_ENV, None, "", f'"{raw}" is not a number of seconds', f"e.g. {WAIT_ENV}=30, or 0 not to wait")
        )
    return value


def _holder(fd: int) -> str:
    """`` (pid N)`` of the build holding the lock, as it wrote it into the file; empty if unknown."""
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


@contextmanager
def output_lock(out_dir: Path | str, wait_s: float | None = None) -> Iterator[Path]:
    """Hold the output folder's lock for the ``with`` block; wait up to ``wait_s`` seconds (default: the
    ``MEDVLM_KG_BUILD_WAIT`` environment variable, else 60) for another build to finish, then refuse with a
    ``CatalogError`` that says who holds it and what to do."""
    out_dir = Path(out_dir).absolute()
    wait_s = _wait_from_env() if wait_s is None else wait_s
    path = lock_path(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise CatalogError(
            Problem(
                str(out_dir),
                None,
                "--out",
                f"cannot create the build lock {path} ({error.strerror})",
                "make the folder that holds the output writable, or choose another --out",
            )
        ) from None
    try:
        if not _try_lock(fd):
            with stage(f"waiting for another build{_holder(fd)} to finish writing {out_dir.name}"):
                deadline = time.monotonic() + wait_s
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        raise CatalogError(
                            Problem(
                                str(out_dir),
                                None,
                                "--out",
                                f"another medvlm-kg build{_holder(fd)} is writing this folder "
                                f"(waited {wait_s:g} s for it); nothing was written",
                                f"build again when it has finished, build into another folder with --out, "
                                f"or wait longer with {WAIT_ENV}=SECONDS",
                            )
                        )
                    time.sleep(_POLL_S)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def _with_errno(error: OSError) -> OSError:
    """The OS error a store's message names ("File too large", "No space left on device", …), else ``error``."""
    text = str(error)
    for number in (*_FULL, *_DENIED):
        if os.strerror(number) in text:
            return OSError(number, os.strerror(number))
    return error


def write_error(out_dir: Path | str, error: OSError) -> CatalogError:
    """A failed write of the output folder as the one error type: what failed, where, and what to do."""
    where = f" ({error.filename})" if error.filename else ""
    if error.errno is None:  # the query store (RocksDB via pyoxigraph) raises OSError with only its own text
        error = _with_errno(error)
    if error.errno in _FULL:
        hint = "free some disk space or choose another --out"
    elif error.errno in _DENIED:
        hint = "make the output folder and the folder holding it writable, or choose another --out"
    else:
        hint = "check the output folder, or choose another --out"
    message = f"cannot write the output: {error.strerror or error}{where}; the previous output is unchanged"
    return CatalogError(Problem(str(Path(out_dir)), None, "--out", message, hint))
