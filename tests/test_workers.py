"""Work spread over forked worker processes (``runtime.workers``): every task's results come back once, the tasks
this process keeps for itself run here while the workers run the others, and a worker collects cycles even when
the process that forked it paused its collector."""

from __future__ import annotations

import gc
import os

from medvlm_kg.runtime.workers import spread, without_gc


def _where(task: int) -> list[tuple[int, int, bool]]:
    return [(task, os.getpid(), gc.isenabled())]


def test_every_task_runs_once_in_the_workers_and_the_kept_ones_here():
    here = os.getpid()
    with without_gc():
        found = list(spread(_where, list(range(6)), 1, ordered=False, here=[100, 101]))
    assert sorted(task for task, _, _ in found) == [0, 1, 2, 3, 4, 5, 100, 101]
    assert [task for task, _, _ in found[:2]] == [100, 101]  # this process's own results come first
    assert all(pid == here for task, pid, _ in found if task >= 100)
    assert all(pid != here for task, pid, _ in found if task < 100)  # one worker beside this process
    assert all(collects for task, _, collects in found if task < 100)  # a worker collects cycles
    assert not any(collects for task, _, collects in found if task >= 100)  # paused here, as asked
    assert gc.isenabled()


def test_one_worker_and_nothing_kept_runs_everything_here_in_order():
    found = list(spread(_where, [3, 1, 2], 1))
    assert [(task, pid) for task, pid, _ in found] == [(3, os.getpid()), (1, os.getpid()), (2, os.getpid())]


def test_the_collector_is_paused_only_inside_and_left_as_it_was():
    gc.disable()
    try:
        with without_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
    with without_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
