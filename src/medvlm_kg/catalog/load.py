"""Load and check the catalog's YAML files into typed, frozen entries (stage 1 of the pipeline).

Every problem is collected, not only the first, and named by file, line, field and fix. This module reads the files
(links, encodings, the parse cache), checks them in worker processes when there are many, and runs the checks across
files (an id claimed twice, ``same_paper_as``). Reading YAML safely is ``yaml_reader``; the checks of one file are
``checks``, ``schema_check`` and ``dates``; the entry types are ``entries``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medvlm_kg.catalog.checks import check_catalog_file, check_dataset
from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset, Person
from medvlm_kg.catalog.parse_cache import Checked, ParseCache
from medvlm_kg.catalog.yaml_reader import YamlProblem, read_yaml
from medvlm_kg.problems import ERROR, WARNING, CatalogError, Problem
from medvlm_kg.runtime.inputs import display_root
from medvlm_kg.runtime.workers import spread, workers_for

__all__ = ["check_catalog", "load_catalog"]


def _read_file(
    path: Path,
    rel: str,
    root: Path | None = None,
    folder: Path | None = None,
    cache: ParseCache | None = None,
    scanned: str | None = None,
) -> tuple[Any, dict, list[Problem]]:
    """A file's YAML as plain values and the line of each field, or the problems that kept it from being read.

    ``root`` is the catalog folder, resolved; ``folder`` the file's folder, resolved (given once for all its files,
    so only links are resolved one by one). With ``cache``, a file seen before with the same bytes is not parsed
    again; ``cache.hit`` then holds what checking it found. ``scanned``: the sha256 of the file's bytes as the
    build's scan read them (a regular file, not a link); when the cache knows those bytes the file is not read
    again, and the build's keys and its content come from the same bytes.
    """
    if cache is not None:
        cache.hit = None
        if scanned and (hit := cache.get_known(rel, scanned)) is not None:
            return _cached(cache, hit)
    if path.is_symlink() and _is_link_loop(path):  # resolve() would raise RuntimeError (Python < 3.13)
        message = "is a link that leads back to itself (a loop of links), so it is not read"
        return None, {}, [Problem(rel, None, "", message, "fix or remove the link")]
    is_link = path.is_symlink()
    real = path.resolve() if is_link or folder is None else folder / path.name
    if root is not None and not real.is_relative_to(root):
        message = f"is a link to {real}, outside the catalog folder, so it is not read"
        return None, {}, [Problem(rel, None, "", message, "copy the file into the catalog folder instead of linking")]
    if is_link and not real.exists():
        message = f"is a link to {real}, which does not exist"
        return None, {}, [Problem(rel, None, "", message, "fix or remove the link")]
    if real.exists() and not real.is_file():  # a folder, a FIFO (reading it would wait forever), a device
        message = "is not a regular file, so it is not read"
        hint = "keep only YAML files (one per dataset) in datasets/"
        if rel.endswith("/catalog.yaml"):
            hint = "make catalog.yaml a YAML file (see docs/data-format.md)"
        return None, {}, [Problem(rel, None, "", message, hint)]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, {}, [Problem(rel, None, "", f"cannot read the file: {exc.strerror}", "check its permissions")]
    if cache is not None and (hit := cache.get(rel, raw)) is not None:
        return _cached(cache, hit)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # the byte-order mark of UTF-16 (Windows' "Unicode")
            return None, {}, [Problem(rel, 1, "", "the file is UTF-16 text, not UTF-8", "save it as UTF-8")]
        line = raw[: exc.start].count(b"\n") + 1
        message = f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02X})"
        hint = "save it as UTF-8 (Latin-1 or Windows-1252 text must be converted, e.g. with iconv)"
        return None, {}, [Problem(rel, line, "", message, hint)]
    try:
        value, lines = read_yaml(text)
    except YamlProblem as exc:
        return None, {}, [Problem(rel, exc.line, exc.field, exc.message, exc.hint)]
    if cache is not None:
        cache.seen(rel, raw)
    return value, lines, []


def _cached(cache: ParseCache, hit: tuple[Checked, tuple[str, bytes]]) -> tuple[Any, dict, list[Problem]]:
    """``_read_file``'s answer for a file the cache knows: no document (``cache.hit`` holds its checked entry)."""
    cache.hit = hit
    return None, {}, []


def _is_link_loop(path: Path) -> bool:
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


@dataclass
class _FileChecked:
    """What reading and checking one dataset file found (made in a worker process, read in the parent)."""

    rel: str
    read_problems: list[Problem]
    claimed: str | None = None
    id_line: int | None = None
    dataset: Dataset | None = None
    problems: list[Problem] = field(default_factory=list)
    remembered: tuple[str, bytes] | None = None  # the file's cache entry, for the next build


def _check_file(
    path: Path, rel: str, root: Path, folder: Path | None, cache: ParseCache | None, schemes, scanned: str | None
) -> _FileChecked:
    value, lines, read_problems = _read_file(path, rel, root, folder, cache, scanned)
    if read_problems:
        return _FileChecked(rel, read_problems)
    hit = cache.hit if cache is not None else None
    if hit is not None:  # checked by an earlier build, and unchanged since
        checked, packed = hit
        dataset = checked.dataset
        # the parent keeps ``packed`` for the next build (this may be a worker process)
        return _FileChecked(rel, [], dataset.id, dataset.lines.get("id"), dataset, checked.problems, packed)
    claimed = value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None
    one = _FileChecked(rel, [], claimed, lines.get(("id",)))
    one.dataset, one.problems = check_dataset(path, rel, value, lines, schemes)
    if cache is not None and one.dataset is not None:
        one.remembered = cache.entry(rel, one.dataset, one.problems)
    return one


_FILES: tuple | None = None  # what the worker processes read: set before they start (fork), so not pickled


def _check_files(chunk: list[int]) -> list[_FileChecked]:
    assert _FILES is not None
    files, display, root, folder, cache, schemes, digests = _FILES
    return [
        _check_file(path, f"{display}/datasets/{name}", root, folder, cache, schemes, digests.get(name))
        for name, path in (files[i] for i in chunk)
    ]


def _map_files(files, display, root, folder, cache, workers: int, digests: Mapping[str, str]) -> Iterator[_FileChecked]:
    """Each file (its name and path) read and checked, in order; in ``workers`` processes (forked) when more than
    one."""
    global _FILES
    _FILES = (files, display, root, folder, cache, load_schemes(), digests)
    chunks = [list(range(i, min(i + 64, len(files)))) for i in range(0, len(files), 64)]
    try:
        yield from spread(_check_files, chunks, workers)
    finally:
        _FILES = None


def check_catalog(
    data_dir: Path | str,
    cache: ParseCache | None = None,
    jobs: int | None = 1,
    digests: Mapping[str, str] | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Read and check a catalog folder; return the catalog (``None`` if any error) and every problem.

    With ``cache``, dataset files whose bytes it knows are not parsed and checked again, and it learns the others.
    ``jobs``: worker processes reading the dataset files (``None``: one per core, for folders with enough files to
    parse). ``digests``: each dataset file's sha256 by name, as a scan of the folder just read them; with ``cache``
    they tell how many files are to be parsed (a file the cache holds costs less here than sending it back from a
    worker: 10,000 such files take 1.5 s in this process, 2.0 s in two workers).
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    display = display_root(data_dir)
    catalog_path = data_dir / "catalog.yaml"
    catalog_rel = f"{display}/catalog.yaml"
    if not data_dir.is_dir():
        raise CatalogError(Problem(str(data_dir), None, "", "no such folder", "pass the catalog folder with --data"))
    catalog_doc = None
    if not catalog_path.exists() and not catalog_path.is_symlink():  # a folder or link is named by _read_file
        problems.append(
            Problem(
                catalog_rel, None, "", "missing catalog description", "create catalog.yaml (see docs/data-format.md)"
            )
        )
    else:
        value, lines, read_problems = _read_file(catalog_path, catalog_rel, data_dir.resolve())
        problems += read_problems
        if not read_problems:
            catalog_doc, found = check_catalog_file(catalog_rel, value, lines)
            problems += _at_most(found, catalog_rel)
    datasets: list[Dataset] = []
    folder_items = (data_dir / "datasets").iterdir() if (data_dir / "datasets").is_dir() else ()
    # each entry's name taken once (pathlib's name and suffix were a tenth of reading 10,000 cached files), sorted
    # by name as Paths sort in one folder
    named = [(name, path) for name, path in sorted((p.name, p) for p in folder_items) if not name.startswith(".")]
    files = [(name, path) for name, path in named if name.endswith(".yaml")]  # what glob("*.yaml") finds
    for name, _ in named:
        stem, suffix = os.path.splitext(name)
        if suffix.lower() in (".yml", ".yaml") and suffix != ".yaml":  # would be skipped without a word
            problems.append(
                Problem(
                    f"{display}/datasets/{name}",
                    None,
                    "",
                    "is not read: dataset files end in .yaml",
                    f"rename it to {stem}.yaml",
                )
            )
    if not files:
        problems.append(
            Problem(
                f"{display}/datasets", None, "", "no dataset files found", "add one YAML file per dataset in datasets/"
            )
        )
    seen_ids: dict[str, str] = {}
    root = data_dir.resolve()
    folder = (data_dir / "datasets").resolve() if files else None
    to_parse = len(files)
    if cache is not None and digests is not None:
        to_parse = sum(not cache.holds(f"{display}/datasets/{name}", digests.get(name, "")) for name, _ in files)
    workers = workers_for(jobs, to_parse, worth_it=512)
    for one in _map_files(files, display, root, folder, cache, workers, digests or {}):
        problems += one.read_problems
        if one.read_problems:
            continue
        if one.claimed in seen_ids:
            problems.append(
                Problem(
                    one.rel,
                    one.id_line,
                    "id",
                    f'id "{one.claimed}" is also claimed by {seen_ids[one.claimed]}',
                    "give each dataset its own id (and name its file after it)",
                )
            )
        elif one.claimed:
            seen_ids[one.claimed] = one.rel
        if cache is not None and one.remembered is not None:
            cache.learn(one.rel, one.remembered)
        problems += _at_most(one.problems, one.rel)
        if one.dataset is not None:
            datasets.append(one.dataset)
    by_id = {d.id: d for d in datasets}
    for dataset in datasets:
        if dataset.same_paper_as and dataset.same_paper_as.value not in seen_ids:
            problems.append(
                Problem(
                    dataset.file,
                    None,
                    "same_paper_as.id",
                    f'no dataset with id "{dataset.same_paper_as.value}"',
                    "use the id of another dataset in this catalog",
                )
            )
        elif dataset.same_paper_as:
            other = by_id.get(dataset.same_paper_as.value)
            if other is not None and other.paper is None:
                problems.append(
                    Problem(
                        dataset.file,
                        None,
                        "same_paper_as.id",
                        f'dataset "{other.id}" has no paper',
                        "add the paper to that dataset",
                    )
                )
    if any(p.severity == ERROR for p in problems) or catalog_doc is None:
        return None, sorted(problems, key=_problem_order)
    src = catalog_doc.get("source") or {}  # a catalog made by `init` may not name a source list yet
    catalog = Catalog(
        base_iri=catalog_doc["base_iri"],
        title=dict(catalog_doc["title"]),
        description=dict(catalog_doc["description"]),
        curators=tuple(Person(c["id"], c["name"], c.get("affiliation")) for c in catalog_doc["curators"]),
        publisher=catalog_doc["publisher"],
        repository=src.get("repository"),
        readme=src.get("readme"),
        license=src.get("license"),
        license_source=src.get("license_source"),
        datasets=tuple(sorted(datasets, key=lambda d: d.id)),
        file=catalog_rel,
        data_themes=tuple(catalog_doc.get("data_theme", ())),
    )
    return catalog, sorted(problems, key=_problem_order)


_MAX_SHOWN = 50


def _at_most(found: list[Problem], rel: str) -> list[Problem]:
    """A file's problems, the first ``_MAX_SHOWN`` of them and a line counting the rest (a broken file is
    fixed from its top; 50,000 lines of "unknown field" help no one)."""
    if len(found) <= _MAX_SHOWN:
        return found
    ordered = sorted(found, key=_problem_order)
    hidden = ordered[_MAX_SHOWN:]
    severity = ERROR if any(p.severity == ERROR for p in hidden) else WARNING
    more = Problem(
        rel, None, "", f"{len(hidden):,} more problems not shown", "fix those listed, then validate again", severity
    )
    return ordered[:_MAX_SHOWN] + [more]


def _problem_order(p: Problem) -> tuple:
    return (p.severity != ERROR, p.file, p.line or 0, p.field, p.message)


def load_catalog(data_dir: Path | str) -> Catalog:
    """The checked catalog; raises ``CatalogError`` with every error if there is any."""
    catalog, problems = check_catalog(data_dir)
    if catalog is None:
        raise CatalogError([p for p in problems if p.severity == ERROR])
    return catalog
