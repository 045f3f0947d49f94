"""Progress for long work: bars on a terminal, silence in logs and pipes.

The command line turns it on (``configure``) only when standard error is a terminal and ``--quiet`` is not
given; library code just wraps its loops in ``track`` and names its stages with ``stage``. With
``--verbose`` each stage's time is printed when it ends, terminal or not.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["configure", "track", "stage"]

T = TypeVar("T")
_settings = {"bars": False, "verbose": False}


def configure(*, quiet: bool = False, verbose: bool = False) -> None:
    _settings["bars"] = not quiet and sys.stderr.isatty()
    _settings["verbose"] = verbose and not quiet


def track(items: Iterable[T], description: str, total: int | None = None, unit: str = "it") -> Iterable[T]:
    """``items``, with a progress bar while the command runs on a terminal."""
    if not _settings["bars"]:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=description, total=total, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True)


@contextmanager
def stage(description: str) -> Iterator[None]:
    """A named step of the pipeline: shown while it runs on a terminal, timed with ``--verbose``."""
    start = time.perf_counter()
    if _settings["bars"]:
        sys.stderr.write(f"\r\x1b[2K{description}…")
        sys.stderr.flush()
    try:
        yield
    finally:
        if _settings["bars"]:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
        if _settings["verbose"]:
            sys.stderr.write(f"{description}: {time.perf_counter() - start:.2f} s\n")
