"""``medvlm-kg build``: validate the catalog and write its knowledge graph and site into the output folder.

The output layout follows the IRIs (``<base>dataset/pathmmu`` → ``dataset/pathmmu.ttl``), so a static host or
``medvlm-kg serve`` can answer each IRI from its files. One build at a time writes a folder (``lock.py``); the
new version is staged beside the old one and swapped in whole (``output.py``), and nothing is swapped in unless
the whole catalog is valid, so a failing or killed build leaves the previous output as it was. A rebuild whose
inputs did not change (``inputs.py``) stops before importing the pipeline; otherwise the units of work
(``units.py``) are made, or kept from the previous output when what they are made from did not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medvlm_kg.build.output import MARKER, StagedOutput, WriteReport, read_note, write_note
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.runtime.progress import stage

# check, render and validate are in units.py; ``__getattr__`` below hands them out from here too.
__all__ = ["BuildResult", "MARKER", "WriteReport", "build", "write_output"]


@dataclass
class BuildResult:
    datasets: int
    triples: int
    files: int
    warnings: list[Problem] = field(default_factory=list)
    written: WriteReport | None = None


def build(data_dir: Path | str, out_dir: Path | str, jobs: int | None = None) -> BuildResult:
    """Validate the catalog and write its knowledge graph; raise ``CatalogError`` and write nothing if invalid.

    ``jobs``: worker processes (default: one per core, for catalogs big enough to gain).
    """
    from medvlm_kg.build import validate_cache
    from medvlm_kg.build.lock import lock_path, output_lock, write_error
    from medvlm_kg.runtime.workers import without_gc

    data_dir = Path(data_dir)
    lock = lock_path(Path(out_dir).absolute())
    fresh = not Path(out_dir).exists() and not lock.exists()  # a first build into a new folder
    try:
        # One writer at a time, or two builds could mix their files. The garbage collector is paused (its passes
        # over the entries and records were 0.7 s of a 3.3 s edit at 10,000 entries, and freed next to nothing).
        with output_lock(out_dir), without_gc():
            try:
                result = _build_locked(data_dir, out_dir, jobs)
                validate_cache.remember_build(data_dir, Path(out_dir))  # validate may start from what it checked
                return result
            except CatalogError:
                # A failed first build leaves nothing behind: no folder, and no lock file beside the folder it
                # never made (removed while still held; a build that waited on it then writes, as it would have).
                if fresh and not Path(out_dir).exists():
                    lock.unlink(missing_ok=True)
                raise
    except OSError as error:  # a full disk, a read-only folder: one clear line, the old output as it was
        raise write_error(out_dir, error) from None


def _build_locked(data_dir: Path, out_dir: Path | str, jobs: int | None) -> BuildResult:
    """The build, with the output folder's lock held."""
    from medvlm_kg.runtime.inputs import SCAN_NOTE, scan

    staged = StagedOutput(out_dir)
    staged.remove_stale()
    with stage("looking for changes"):
        last_scan = read_note(out_dir, SCAN_NOTE)
        inputs = scan(data_dir, last_scan)
        unchanged = staged.unchanged(inputs.digest)
    scan_note = inputs.note(data_dir)
    if unchanged:
        if scan_note != last_scan:  # files touched, not changed: the next scan need not read them again
            write_note(out_dir, SCAN_NOTE, scan_note)
        old = staged.old
        warnings = [Problem(**p) for p in old["warnings"]]
        count = old.get("units", {}).get("catalog", {}).get("triples", 0)
        report = WriteReport(kept=sorted(old["files"]))
        return BuildResult(_count_datasets(old), count, len(old["files"]), warnings, report)
    from medvlm_kg.build.store import generation_named, prune
    from medvlm_kg.build.units import make

    try:
        datasets, warnings, notes = make(data_dir, staged, inputs, jobs)
        notes[SCAN_NOTE] = scan_note
        triples = staged.units.get("catalog", {}).get("triples", 0)
        with stage("saving"):
            previous = generation_named(staged.old.get("units") or {})  # the manifests as read and as written
            report = staged.commit(inputs.digest, [w.as_dict() for w in warnings], notes)
            prune(out_dir, {g for g in (previous, generation_named(staged.units)) if g})
    except BaseException:
        staged.discard()
        raise
    return BuildResult(datasets, triples, len(staged.files), warnings, report)


def write_output(files: dict[str, bytes], out_dir: Path | str) -> WriteReport:
    """Make ``out_dir`` hold exactly ``files``, atomically (the old folder or the new one, never a mix)."""
    staged = StagedOutput(out_dir)
    try:
        for rel, data in sorted(files.items()):
            staged.put(rel, data)
    except BaseException:
        staged.discard()
        raise
    return staged.commit()


def _count_datasets(manifest: dict) -> int:
    return sum(1 for name in manifest.get("units", {}) if name.startswith("dataset/"))


def __getattr__(name: str) -> Any:
    """``check``, ``render`` and ``validate`` live in ``units`` (imported when first asked for: a rebuild with
    no change never needs them)."""
    if name in ("check", "render", "validate"):
        from medvlm_kg.build import units

        return getattr(units, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
