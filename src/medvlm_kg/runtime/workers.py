"""Work spread over worker processes, one per core: forked, so they inherit what the parent prepared (the
catalog, the templates, the staged output folder) instead of receiving it, and each returns small records.

Used for the per-file checks (``catalog.py``) and the units of a build (``units.py``); small jobs stay in the
calling process, where a fork would cost more than it saves.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["ahead", "cores", "spread", "without_gc", "workers_for"]

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def workers_for(jobs: int | None, work: int, worth_it: int) -> int:
    """How many processes: ``jobs`` if given, else one per core once there are ``worth_it`` pieces of work."""
    if jobs is not None:
        return max(1, jobs)
    if work < worth_it or sys.platform == "win32":  # fork is what makes a worker cheap
        return 1
    return cores()


def spread(
    fn: Callable[[T], Iterable[R]],
    tasks: list[T],
    workers: int,
    ordered: bool = True,
    renew_after: int | None = None,
    here: Iterable[T] = (),
) -> Iterator[R]:
    """``fn`` over ``tasks``, each giving several results, in ``workers`` forked processes (or here, for one
    without ``here``):
    the results in task order (``ordered``), or as they come. ``renew_after``: a worker is replaced by a fresh
    fork after that many tasks, so what it gathers on the way (caches, a fragmented heap) does not grow with
    the catalog. ``here``: tasks this process runs itself while the workers run ``tasks`` (it would only wait
    for them), their results first; a long task reading much of what the workers inherit runs faster here, where
    reading it copies no page."""
    here = list(here)
    if workers < 1 or not tasks or (not here and (workers == 1 or len(tasks) < 2)):  # a fork would not pay
        for task in [*here, *tasks]:
            yield from fn(task)
        return
    import multiprocessing

    # What the workers inherit stays shared with this process only while nobody writes to its pages, and the
    # cyclic garbage collector writes to every object it visits: frozen, the inherited objects are never visited.
    gc.freeze()
    try:
        # a worker collects cycles even when this process paused its collector (``without_gc``): what it makes (pages
        # through Jinja) is its own, and it lives for many tasks
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=gc.enable, maxtasksperchild=renew_after
        ) as pool:
            results = (pool.imap if ordered else pool.imap_unordered)(fn, tasks)  # handed to the workers now
            for task in here:
                yield from fn(task)
            for found in results:
                yield from found
    finally:
        gc.unfreeze()


@contextmanager
def ahead(fn: Callable[[T], Iterable[R]], tasks: list[T], workers: int) -> Iterator[Iterator[R]]:
    """``fn`` over ``tasks`` started now in ``workers`` forked processes, while this process goes on with other
    work; the block is given an iterator of their results (as they come). With no worker (or no task), the tasks
    run here when the results are read. Leaving the block before reading them all stops the workers."""
    if workers < 1 or not tasks:
        yield (result for task in tasks for result in fn(task))
        return
    import multiprocessing

    gc.freeze()  # as in ``spread``: the workers are forked now, so only they need the inherited objects frozen
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable)
    finally:
        gc.unfreeze()
    with pool:
        results = pool.imap_unordered(fn, tasks)
        yield (result for found in results for result in found)


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector in this process. A catalog's entries, records and checks are many small
    containers and no reference cycles: each burst of them made the collector scan everything already in memory
    again (a fifth of an edit at 10,000 entries, a quarter of validating a dataset). Workers forked meanwhile
    still collect (``spread``)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
