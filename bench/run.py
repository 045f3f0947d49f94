"""Time every stage of the pipeline on synthetic catalogs, beside a naive rdflib pipeline on the same data.

For each size, a catalog is generated (``bench/generate.py``; cached in the work folder) and a fresh Python
process times our stages in order, as ``medvlm-kg build`` runs them: load + check YAML, convert, SHACL,
serialize (each format, for the catalog, the dataset documents and the concept documents; taken apart
inside ``build.render``), pages, sitemap, write output; then the query store and each bundled query
(median of 5), then ``build.build`` again with no change and after editing one entry. The peak memory is
the process's peak resident set (``resource.getrusage``), read after each stage. The same process then
runs the naive pipeline (``bench/naive.py``) on the same triples. One table per size is printed, then the
targets of issue 6; everything is written as JSON under ``bench/results/``.

    python bench/run.py --sizes 1000,10000
    python bench/run.py --sizes 100000 --no-naive
    python bench/run.py --sizes 10000 --profile      # cProfile of each of our stages → bench/results/
"""

from __future__ import annotations

import argparse
import datetime
import glob
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from importlib import import_module, metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/ is a folder of scripts, not a package)

MEMORY_METHOD = "resource.getrusage(RUSAGE_SELF).ru_maxrss: the worker process's peak resident set so far"
PACKAGES = ("medvlm-kg", "pyoxigraph", "rdflib", "pyshacl", "owlrl", "PyYAML", "jsonschema", "Jinja2")
QUERY_RUNS = 5
SKIPPABLE = ("shacl", "pages", "rebuild")


# ---- the parent: generate, run one worker per size, print, write JSON ---------------------------------------


def _catalog_for(n: int, seed: int, work: Path) -> tuple[Path, float | None]:
    """The generated catalog folder for ``n`` and ``seed``, made once and reused until generate.py changes."""
    key = hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:12]
    folder = work / f"catalog-{n}-seed{seed}-{key}"
    if (folder / ".complete").is_file():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    generate.generate(n, folder / "data", seed)
    seconds = time.perf_counter() - start
    (folder / ".complete").write_text(f"{n} datasets, seed {seed}, generate.py {key}\n", encoding="utf-8")
    return folder, seconds


def _snapshot(work: Path) -> tuple[Path, str]:
    """A frozen copy of the code and data files the pipeline reads (``src/medvlm_kg``, ``ontology``, ``queries``).

    The workers import it instead of the working tree, so a long run measures one version of the code even
    while the tree is being edited (templates and shapes are read from disk lazily, mid-run).
    """
    digest = hashlib.sha256()
    parts = [ROOT / "src" / "medvlm_kg", ROOT / "ontology", ROOT / "queries"]
    for part in parts:
        for path in sorted(part.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()[:12]
    folder = work / f"code-{key}"
    if not (folder / ".complete").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        for part in parts:
            shutil.copytree(part, folder / part.relative_to(ROOT), ignore=shutil.ignore_patterns("__pycache__"))
        (folder / ".complete").write_text("copied by bench/run.py\n", encoding="utf-8")
    return folder, key


def _machine() -> dict:
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "packages": {},
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    for name in PACKAGES:
        try:
            info["packages"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info["packages"][name] = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        if commit.returncode == 0:
            info["git_commit"] = commit.stdout.strip()
            info["git_dirty"] = bool(dirty.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def _run_worker(n: int, folder: Path, args: argparse.Namespace) -> dict:
    result_file = folder / "result.json"
    result_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(BENCH / "run.py"),
        "--worker",
        str(n),
        "--work",
        str(folder),
        "--naive-budget",
        str(args.naive_budget),
        "--query-budget",
        str(args.query_budget),
        "--out",
        str(args.out),
    ]
    command += ["--no-naive"] if args.no_naive else []
    command += ["--profile"] if args.profile else []
    command += ["--skip", ",".join(sorted(args.skip))] if args.skip else []
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(args.code / "src"), os.environ.get("PYTHONPATH")])),
    }
    completed = subprocess.run(command, cwd=ROOT, env=env)
    if completed.returncode != 0 or not result_file.is_file():
        raise SystemExit(f"the benchmark worker for {n} datasets failed (exit {completed.returncode})")
    return json.loads(result_file.read_text(encoding="utf-8"))


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    if value < 10:
        return f"{value:.3f}"
    return f"{value:.1f}"


def _ratio(ours: float | None, naive: float | None) -> float | None:
    if ours is None or naive is None or ours <= 0:
        return None
    return naive / ours


def _ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


def table(result: dict) -> str:
    """One size's stages as an aligned text table: stage | seconds | naive seconds | ratio | peak MiB | note."""
    header = ["stage", "seconds", "naive seconds", "ratio", "peak MiB", "note"]
    lines = []
    for row in result["rows"]:
        naive = row.get("naive")
        naive_text = "—"
        note = row.get("note", "")
        if row.get("naive_error"):
            naive_text = "error"
        if naive:
            naive_text = ("~" if naive["extrapolated"] else "") + _seconds(naive["seconds"])
            if naive["extrapolated"]:
                note = (note + "; " if note else "") + f"naive extrapolated from {naive['sample']}/{result['size']}"
                if (naive.get("growth") or 1) > 1.2:
                    note += f" (grows ~n^{naive['growth']:.1f}: a lower bound)"
        lines.append(
            [
                row["stage"],
                _seconds(row.get("seconds")),
                naive_text,
                _ratio_text(_ratio(row.get("seconds"), naive["seconds"] if naive else None)),
                f"{row.get('tree_peak_mib') or row['peak_mib']:.0f}" if row.get("peak_mib") else "—",
                note,
            ]
        )
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    right = {1, 2, 3, 4}

    def fmt(cells: list[str]) -> str:
        return " | ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [
        f"== {result['size']:,} datasets, {result['triples']:,} triples "
        f"({result['problems']['errors']} errors, {result['problems']['warnings']} warnings; load average "
        f"{result['load_average']['before']:.1f} before, {result['load_average']['after']:.1f} after) ==",
        fmt(header),
        "-|-".join("-" * w for w in widths),
    ]
    out += [fmt(r) for r in lines]
    output = result.get("output")
    if output:
        n = max(1, result["size"])
        out.append(
            f"output folder: {output['files']:,} files, {output['bytes'] / 2**20:,.1f} MiB "
            f"({output['files_per_dataset']:.2f} files, {output['bytes_per_dataset'] / 1024:.1f} KiB per dataset); "
            f"beside it (not uploaded): {output['store_bytes'] / 2**20:,.1f} MiB, the query store and "
            f"{output.get('notes_bytes', 0) / 2**20:,.1f} MiB of build notes (manifest, parse cache)"
        )
        for kind, v in output["kinds"].items():
            out.append(f"  {kind}: {v['files']:,} files, {v['bytes'] / n / 1024:.1f} KiB per dataset")
    for key, label in (("build", "build stages (convert, SHACL, serialize)"), ("all", "all compared stages")):
        overall = result.get("overall", {}).get(key)
        if overall:
            out.append(
                f"overall, {label}: ours {_seconds(overall['ours'])} s, naive {_seconds(overall['naive'])} s, "
                f"{_ratio_text(overall['ratio'])} faster"
            )
    return "\n".join(out)


TARGETS = (
    ("full build, 10,000 entries (all formats + pages)", 10_000, "full_build", 10.0),
    ("rebuild with no change, 10,000", 10_000, "rebuild_no_change", 1.0),
    ("rebuild after editing one entry, 10,000", 10_000, "rebuild_one_edit", 2.0),
    ("validate, 10,000", 10_000, "validate", 5.0),
    ("validate --from-build after editing one entry, 10,000", 10_000, "validate_one_edit", 5.0),
    ("validate again after editing one entry (its cache), 10,000", 10_000, "validate_cached_one_edit", 5.0),
    ("full build, 100,000: time", 100_000, "full_build", 120.0),
    ("full build, 100,000: peak memory (GiB)", 100_000, "full_build_peak_gib", 2.0),
    ("every bundled query, 100,000, local: slowest median", 100_000, "slowest_query", 0.1),
    ("overall vs the naive pipeline at 10,000 (× faster)", 10_000, "naive_ratio", 50.0),
)


TARGETS_17 = (  # issue 17, on top of issue 6's
    ("site size, 10,000 (MB)", 10_000, "site_mb", 600.0),
    ("full build within 3x of the pyoxigraph parse+write limit, 10,000", 10_000, "limit_ratio", 3.0),
    ("overall vs the naive pipeline at 10,000 (x faster), issue 17", 10_000, "naive_ratio", 100.0),
    ("every bundled query's first page, 100,000, in-process: slowest median", 100_000, "slowest_page", 0.1),
    ("every bundled query as a CLI call (--from-build), 100,000: slowest", 100_000, "slowest_cli", 1.5),
)


def comparison(results: dict) -> str:
    """This build, the naive pipeline and the physical limit side by side, one line per size, with what the
    build leaves on disk."""
    header = [
        "datasets",
        "triples",
        "build s",
        "naive s",
        "naive/build",
        "limit s",
        "build/limit",
        "site MiB",
        "KiB/dataset",
        "files/dataset",
        "store MiB",
        "1st page s",
        "CLI s",
        "next page CLI s",
    ]
    rows = [header]
    for result in results["sizes"].values():
        summary, overall = result.get("summary", {}), result.get("overall", {}).get("all") or {}
        output = result.get("output") or {}

        def num(value, spec: str) -> str:
            return "—" if value is None else format(value, spec)

        rows.append(
            [
                f"{result['size']:,}",
                f"{result['triples']:,}",
                num(summary.get("full_build"), ".1f"),
                num(overall.get("naive"), ".1f"),
                num(overall.get("ratio"), ".1f"),
                num(summary.get("limit"), ".2f"),
                num(summary.get("limit_ratio"), ".1f"),
                num(output.get("bytes") and output["bytes"] / 2**20, ",.0f"),
                num(output.get("bytes_per_dataset") and output["bytes_per_dataset"] / 1024, ".1f"),
                num(output.get("files_per_dataset"), ".2f"),
                num(output.get("store_bytes") and output["store_bytes"] / 2**20, ",.0f"),
                num(summary.get("slowest_page"), ".3f"),
                num(summary.get("slowest_cli"), ".2f"),
                num(summary.get("slowest_cli_next"), ".2f"),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [" | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    notes = (
        "naive s: the naive pipeline's compared stages (rdflib + pyshacl), summed; naive/build: its ratio to ours over"
        " the same stages. limit s: pyoxigraph parsing the catalog's N-Triples and writing N-Triples and Turtle;"
        " build/limit: the full build's wall time over it. site: the output folder (what a static host gets);"
        " store: the query store beside it. 1st page: slowest bundled query's first 100 rows, in-process from the"
        " build's store (median); CLI: slowest `medvlm-kg query NAME --from-build`, a fresh process; next page:"
        " slowest `--offset 100` call after it (read from the answer the first call kept)."
    )
    return "== side by side ==\n" + "\n".join(lines) + "\n" + notes


def targets(results: dict) -> list[dict]:
    """Each target of issue 6 with the measured figure (when the size was run) and by how much it is missed."""
    out = []
    for label, size, key, goal in TARGETS + TARGETS_17:
        result = results["sizes"].get(str(size))
        value = result["summary"].get(key) if result else None
        entry = {"target": label, "size": size, "goal": goal, "measured": value}
        if value is None:
            entry["status"] = "not measured" if result else "size not run"
        elif key == "naive_ratio":  # the one "at least" target
            entry["status"] = "met" if value >= goal else f"missed: {goal / value:.1f}× short"
        else:
            entry["status"] = "met" if value <= goal else f"missed by {value / goal:.1f}× (+{value - goal:.3g})"
        out.append(entry)
    return out


def targets_table(entries: list[dict]) -> str:
    rows = [["target", "goal", "measured", "status"]]
    for e in entries:
        sign = "≥" if "naive" in e["target"] else "≤"
        measured = "—" if e["measured"] is None else f"{e['measured']:.3g}"
        rows.append([e["target"], f"{sign} {e['goal']:g}", measured, e["status"]])
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "-|-".join("-" * w for w in widths))
    return "== targets (issues 6 and 17) ==\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time each stage of medvlm-kg (and a naive rdflib pipeline) on synthetic catalogs.",
        epilog="example: python bench/run.py --sizes 1000,10000",
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated catalog sizes")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="folder for the results JSON")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "medvlm-kg-bench",
        help="folder for generated catalogs and build output (reused between runs)",
    )
    parser.add_argument("--no-naive", action="store_true", help="time our pipeline only")
    parser.add_argument(
        "--naive-budget",
        type=float,
        default=60.0,
        help="seconds per naive stage; past it the stage runs on a sample and is extrapolated (default 60)",
    )
    parser.add_argument("--query-budget", type=float, default=10.0, help="the same, per naive query (default 10)")
    parser.add_argument("--profile", action="store_true", help="cProfile our stages (no naive side, no JSON)")
    parser.add_argument(
        "--skip",
        type=lambda text: {s.strip() for s in text.split(",") if s.strip()},
        default=set(),
        help=f"stages to leave out, comma-separated ({', '.join(SKIPPABLE)}): for sizes where they would take "
        "hours; the totals that need them are then not reported",
    )
    parser.add_argument("--reference", action="store_true", help="write reference-<sizes>.json (kept in git)")
    parser.add_argument("--worker", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.skip - set(SKIPPABLE):
        parser.error(f"--skip takes {', '.join(SKIPPABLE)}")
    if args.worker is not None:
        return worker(args)

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 1000,10000")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one size of 1 or more")
    args.out = args.out.absolute()
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    args.code, code_key = _snapshot(args.work.absolute())
    results: dict = {
        "machine": _machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "settings": {
            "seed": args.seed,
            "naive": not args.no_naive,
            "naive_budget_seconds": args.naive_budget,
            "query_budget_seconds": args.query_budget,
            "query_runs": QUERY_RUNS,
            "memory": MEMORY_METHOD,
            "code_snapshot": code_key,
        },
        "sizes": {},
    }
    for n in sizes:
        folder, gen_seconds = _catalog_for(n, args.seed, args.work.absolute())
        what = f"generated in {gen_seconds:.1f} s" if gen_seconds is not None else "cached"
        print(f"-- {n:,} datasets: {folder / 'data'} ({what})", file=sys.stderr, flush=True)
        result = _run_worker(n, folder, args)
        if gen_seconds is not None:
            result["generate_seconds"] = gen_seconds
        results["sizes"][str(n)] = result
        if not args.profile:
            print(table(result), flush=True)
            print(flush=True)
    if args.profile:
        return 0
    results["targets"] = targets(results)
    print(comparison(results))
    print()
    print(targets_table(results["targets"]))
    name = ("reference-" if args.reference else "run-") + "-".join(str(n) for n in sizes) + ".json"
    (args.out / name).write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"\nresults: {args.out / name}", file=sys.stderr)
    return 0


# ---- the worker: one fresh process per size ---------------------------------------------------------------


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class _Rows:
    """The table being measured: one row per stage, with the peak memory after it."""

    def __init__(self, profile_dir: Path | None, size: int):
        self.rows: list[dict] = []
        self.by_key: dict[str, dict] = {}
        self.profile_dir, self.size = profile_dir, size

    def add(self, key: str, stage: str, seconds: float | None, note: str = "", **extra) -> dict:
        row = {"key": key, "stage": stage, "seconds": seconds, "peak_mib": _peak_mib(), "note": note, **extra}
        self.rows.append(row)
        self.by_key[key] = row
        return row

    def time(self, key: str, stage: str, fn, note: str = ""):
        """Run ``fn()`` once, add its row, return its value (under cProfile in profile mode)."""
        _log(stage)
        if self.profile_dir is not None:
            import cProfile
            import io
            import pstats

            profiler = cProfile.Profile()
            start, cpu = time.perf_counter(), time.process_time()
            value = profiler.runcall(fn)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(40)
            path = self.profile_dir / f"profile-{self.size}-{key}.txt"
            path.write_text(f"{stage}: {seconds:.3f} s under cProfile\n{text.getvalue()}", encoding="utf-8")
            _log(f"  {seconds:.3f} s (profiled) → {path}")
        else:
            start, cpu = time.perf_counter(), time.process_time()
            value = fn()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        self.add(key, stage, seconds, note, cpu_seconds=cpu)
        _log(f"  {seconds:.3f} s, peak {self.rows[-1]['peak_mib']:.0f} MiB")
        return value


def _log(message: str) -> None:
    print(f"   {message}", file=sys.stderr, flush=True)


def _query_values(query, catalog) -> dict[str, str]:
    """Each parameter's example value, or one that exists in this catalog where the example is a seed id."""
    ids = {d.id for d in catalog.datasets}
    papers = {d.paper.iri for d in catalog.datasets if d.paper}
    # The first dataset (in id order) with a paper and notes: it is in every naive sample, and has facts.
    rich = next((d for d in catalog.datasets if d.paper and d.notes), catalog.datasets[0])
    values = {}
    for param in query.params:
        value = param.example or param.default or ""
        if param.type == "dataset" and value not in ids:
            value = rich.id
        elif param.type == "iri" and value not in papers and rich.paper:
            value = rich.paper.iri
        values[param.name] = value
    return values


def _remove_output(out: Path) -> None:
    """An output folder and everything a build keeps beside it (the store, the spare of the version before, trash):
    a clean build then starts from nothing, and removes nothing a run before left."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(f"{out}.store", ignore_errors=True)
    for kept in out.parent.glob(f".{glob.escape(out.name)}.*"):
        if kept.is_dir() and not kept.is_symlink():
            shutil.rmtree(kept, ignore_errors=True)


BREAKDOWN_MAX = 20_000  # above this, the parts of a build are not timed one by one (they would hold every file)


def _parts(rows: _Rows, catalog, kg) -> None:
    """The parts of a build, each timed on its own in this one process, in the order a build makes them: each
    dataset's RDF (by format), Croissant file and pages; the concept documents; the catalog's documents (joined
    from the datasets' files); the catalog-wide pages by kind; the sitemap. ``medvlm-kg build`` runs the
    datasets' parts in a worker process per core, so its wall time (the full build row) is less than their sum."""
    build = import_module("medvlm_kg.build.units")  # the units of work a build is made of
    from medvlm_kg.graph.iris import dataset_iri
    from medvlm_kg.graph.serialize import FORMATS, serialize, sort_triples
    from medvlm_kg.profiles.croissant import croissant_bytes
    from medvlm_kg.site.pages import site_context
    from medvlm_kg.site.paging import dcat_view, page_catalog, page_header

    base = catalog.base_iri
    documents = {"catalog", *(f"dataset/{d.id}" for d in catalog.datasets), *build._concept_documents(base)}
    rdf = {f"{doc}.{f.extension}" for doc in documents for f in FORMATS.values()}
    site = site_context(catalog, kg.catalog, lambda path: path in rdf or path.endswith(".croissant.json"))
    files: dict[str, bytes] = {}
    spent: dict[str, float] = defaultdict(float)
    for dataset in catalog.datasets:
        triples, iri = kg.datasets[dataset.id], dataset_iri(base, dataset.id)
        for fmt in FORMATS.values():
            t0 = time.perf_counter()
            files[f"dataset/{dataset.id}.{fmt.extension}"] = serialize(triples, fmt.name, [iri])
            spent[fmt.name] += time.perf_counter() - t0
        t0 = time.perf_counter()
        croissant_bytes(catalog, dataset, triples)
        spent["croissant"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        site.dataset_pages(dataset, triples)
        spent["pages"] += time.perf_counter() - t0
    n = len(catalog.datasets)
    for fmt in FORMATS.values():
        note = f"{n:,} documents" + (" (for the dump members; not written)" if fmt.name == "ntriples" else "")
        rows.add(f"serialize:dataset:{fmt.name}", f"serialize dataset/*.{fmt.extension}", spent[fmt.name], note)
    rows.add("croissant", "Croissant dataset/*.croissant.json", spent["croissant"], f"{n:,} files")
    rows.add("pages:dataset", "pages: dataset/*.html (en, zh)", spent["pages"], f"{2 * n:,} pages")
    concept_docs = build._concept_documents(base)
    for fmt in FORMATS.values():
        rows.time(
            f"serialize:concept:{fmt.name}",
            f"serialize concept/*, vocab .{fmt.extension}",
            lambda fmt=fmt: [serialize(t, fmt.name, [root]) for t, root in concept_docs.values()],
            f"{len(concept_docs)} documents",
        )
    ids = sorted(d.id for d in catalog.datasets)
    dumps = import_module("medvlm_kg.build.dumps")
    sink = build._Sink()

    def members():
        for dataset in catalog.datasets:
            iri = dataset_iri(base, dataset.id)
            ordered = sort_triples(kg.datasets[dataset.id])
            dumps.dataset_members(sink, dataset.id, iri, ordered, files[f"dataset/{dataset.id}.ttl"])
        sink.drop_work()

    rows.time(
        "dump_members",
        "catalog.ttl.gz / .nt.gz members (gzip, per dataset)",
        members,
        f"{n:,} datasets (in their units, in the workers)",
    )
    chunks = [sorted(d.id for d in chunk) for chunk in site.catalog_chunks()]

    def paged_catalog():  # as the build does: each dataset's DCAT view in its unit, joined by each page's unit
        parts = {i: build._without_header(serialize(dcat_view(kg.datasets[i]), "turtle")) for i in kg.datasets}
        about_catalog = page_catalog(kg.catalog, base)
        for number, chunk in enumerate(chunks, start=1):
            header, root = page_header(base, number, len(chunks), n, chunk)
            len(serialize(header + about_catalog, "turtle", [root])) + sum(len(parts[i]) for i in chunk)

    rows.time("paged_catalog", "catalog/page/<n>.ttl (DCAT views, joined)", paged_catalog, f"{len(chunks):,} pages")
    del ids
    kinds = {"catalog_page": 0.0, "scheme_page": 0.0, "concept_page": 0.0, "catalog_index": 0.0}
    counts = dict.fromkeys(kinds, 0)
    real = {name: getattr(site, name) for name in kinds}

    def timed(name):
        def call(*a, **k):
            t0 = time.perf_counter()
            try:
                return real[name](*a, **k)
            finally:
                kinds[name] += time.perf_counter() - t0
                counts[name] += 1

        return call

    for name in kinds:
        setattr(site, name, timed(name))
    pages_total = rows.time("pages:catalog_wide", "pages: catalog, concepts, schemes", site.catalog_wide_pages)
    for name, seconds in kinds.items():
        if counts[name]:
            rows.add(f"pages:{name}", f"  ↳ {name.replace('_', ' ')}", seconds, f"{counts[name]:,} calls")
    rows.by_key["pages:catalog_wide"]["note"] = f"{sum(1 for p in pages_total if p.endswith('.html')):,} HTML files"
    registry = rows.time("registry", "page registry (every page, its lastmod)", site.registry)
    rows.time("sitemap", "sitemap.xml, robots.txt", lambda: site.discovery(registry), f"{len(registry) * 2:,} URLs")


class _TreeMemory:
    """The peak memory of a process and its children (the build's worker processes), sampled: the sum of their
    proportional set sizes, so memory a worker shares with its parent is counted once."""

    def __init__(self, pid: int, every: float = 0.05):
        import threading

        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self, pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            try:
                for task in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{task}/children") as f:
                        todo += [int(c) for c in f.read().split()]
            except OSError:
                pass
        return out

    def _rss(self, pid: int) -> int:
        """The process's proportional set size (PSS: pages shared with its parent or siblings — a forked worker
        shares most of its memory — counted once across them), else its resident set."""
        for path, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith(field):
                            return int(line.split()[1]) * 1024
            except OSError:
                continue
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree(self.pid)))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _cli(rows: _Rows, key: str, stage: str, *args: str, note: str = "") -> dict:
    """Run ``medvlm-kg`` as a user does (a fresh process, its own imports included); time it and sample the
    memory of its process tree."""
    _log(stage)
    command = [sys.executable, "-m", "medvlm_kg.cli", *args]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = _TreeMemory(child.pid)
    out, err = child.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed (exit {child.returncode}):\n{err[-3000:]}")
    summary = (out.strip().splitlines() or [""])[-1]
    row = rows.add(key, stage, seconds, note or summary[:90], tree_peak_mib=peak)
    _log(f"  {seconds:.3f} s, process tree peak {peak:.0f} MiB — {summary[:120]}")
    return row


def _edit_one(data: Path, catalog) -> tuple[Path, bytes]:
    """Change one dataset's name (the middle one by id) in its YAML file; return the file and its old bytes."""
    dataset = catalog.datasets[len(catalog.datasets) // 2]
    path = data / "datasets" / f"{dataset.id}.yaml"
    old = path.read_bytes()
    lines = old.decode("utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("name: "):
            lines[i] = f"name: {json.dumps(dataset.name + ' (edited)', ensure_ascii=False)}"
            break
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path, old


def _limit(rows: _Rows, triples) -> None:
    """The physical limit on this machine: Oxigraph (Rust) parsing the catalog's triples from N-Triples and
    writing them as N-Triples and Turtle, with nothing else (no checks, no pages, no JSON-LD)."""
    import pyoxigraph as ox

    data = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
    parsed = rows.time(
        "limit:parse",
        "limit: pyoxigraph parse of the catalog's N-Triples",
        lambda: [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)],
        f"{len(data) / 2**20:,.0f} MiB",
    )
    rows.time(
        "limit:nt", "limit: pyoxigraph write N-Triples", lambda: ox.serialize(parsed, format=ox.RdfFormat.N_TRIPLES)
    )
    rows.time("limit:ttl", "limit: pyoxigraph write Turtle", lambda: ox.serialize(parsed, format=ox.RdfFormat.TURTLE))
    rows.add(
        "limit",
        "= physical limit (parse + write N-Triples and Turtle)",
        sum(rows.by_key[k]["seconds"] for k in ("limit:parse", "limit:nt", "limit:ttl")),
    )


def _output_sizes(out: Path, datasets: int) -> dict:
    """What a static host would be given (the output folder) and what stays beside it (the query store)."""
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(out).as_posix()
        name = path.name
        if rel.startswith((".", "zh/.")) or name.startswith("."):
            kind = "marker file"
        elif name.endswith(".gz"):
            kind = "whole-catalog dumps (.gz)"
        elif rel.startswith(("dataset/", "zh/dataset/")):
            kind = "per dataset: " + (name.split(".", 1)[1] if "." in name else name)
        elif rel.startswith(("catalog/page/", "zh/catalog/page/")):
            kind = "catalog pages (html, ttl)"
        elif rel.startswith(("concept/", "zh/concept/")):
            kind = "concept pages and documents"
        else:
            kind = "other (index, sitemap, static, ontology, vocab)"
        kinds[kind][0] += 1
        kinds[kind][1] += path.stat().st_size
    files, size = sum(k[0] for k in kinds.values()), sum(k[1] for k in kinds.values())
    store = Path(f"{out}.store")  # the query store and the build notes (manifest, parse cache), not uploaded
    store_bytes = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) if store.is_dir() else 0
    notes_bytes = sum(p.stat().st_size for p in store.glob("*.json")) if store.is_dir() else 0
    return {
        "files": files,
        "bytes": size,
        "files_per_dataset": files / max(1, datasets),
        "bytes_per_dataset": size / max(1, datasets),
        "kinds": {k: {"files": v[0], "bytes": v[1]} for k, v in sorted(kinds.items())},
        "store_bytes": store_bytes,
        "notes_bytes": notes_bytes,
    }


def _queries_from_build(rows: _Rows, out: Path, catalog) -> None:
    """Each bundled query's first page (``--limit 100``) over the store the build left: in this process (median
    of QUERY_RUNS, the store opened once, no answer kept), and as a user's ``medvlm-kg query --from-build`` (a
    fresh process); for an answer longer than a page, the next page too (``--offset 100``: read from the answer
    the first call kept, ``sparql/kept_answers.py``)."""
    from medvlm_kg.build.store import open_store
    from medvlm_kg.sparql.query import bind, bundled_queries, run_local

    store = open_store(out)
    if store is None:
        rows.add("page:store", "query store of the build", None, "no store beside the build")
        return
    longer = set()
    for name, q in bundled_queries().items():
        values = _query_values(q, catalog)
        bindings = bind(q, values, catalog.base_iri)
        runs, answer = [], None
        for _ in range(QUERY_RUNS):
            t0 = time.perf_counter()
            answer = run_local(store, q, bindings, limit=100)
            runs.append(time.perf_counter() - t0)
        shown = len(answer.triples) if answer.triples is not None else len(answer.rows)
        total = answer.total if answer.total is not None else shown
        rows.add(
            f"page:{name}", f"first page: {name} (build's store)", statistics.median(runs), f"{shown:,} of {total:,}"
        )
        if total > shown:
            longer.add(name)
    for name, q in bundled_queries().items():
        params = [f"--param={k}={v}" for k, v in _query_values(q, catalog).items()]
        _cli(
            rows,
            f"cli:{name}",
            f"medvlm-kg query {name} --from-build",
            "query",
            name,
            *params,
            "--from-build",
            str(out),
        )
        if name in longer:
            _cli(
                rows,
                f"cli-next:{name}",
                f"medvlm-kg query {name} --from-build --offset 100",
                "query",
                name,
                *params,
                "--from-build",
                str(out),
                "--offset",
                "100",
            )


def worker(args: argparse.Namespace) -> int:
    n, folder = args.worker, Path(args.work)
    data, out = folder / "data", folder / "out"
    output = None
    profile_dir = args.out if args.profile else None
    rows = _Rows(profile_dir, n)
    load_before = os.getloadavg()
    start = time.perf_counter()
    import pyoxigraph  # noqa: F401
    import pyshacl  # noqa: F401
    import rdflib  # noqa: F401

    import medvlm_kg
    import medvlm_kg.build.build  # noqa: F401

    _log(f"measuring {Path(medvlm_kg.__file__).parent}")

    rows.add("imports", "imports (medvlm_kg, pyshacl, rdflib, pyoxigraph)", time.perf_counter() - start)
    from medvlm_kg.catalog.load import check_catalog
    from medvlm_kg.problems import ERROR
    from medvlm_kg.profiles.assemble import convert
    from medvlm_kg.sparql.query import bind, bundled_queries, local_store, run_local
    from medvlm_kg.validate.core import shacl_problems

    catalog, problems = rows.time("load", "load + check YAML (check_catalog)", lambda: check_catalog(data))
    if catalog is None:
        for p in problems[:20]:
            print(p, file=sys.stderr)
        raise SystemExit(f"{data}: the generated catalog is not valid")
    kg = rows.time("convert", "convert (convert.convert)", lambda: convert(catalog))
    triples = kg.triples()
    _limit(rows, triples)
    if "shacl" in args.skip:
        rows.add("shacl", "SHACL (validate.shacl_problems)", None, "skipped (--skip shacl)")
    else:
        problems += rows.time("shacl", "SHACL (validate.shacl_problems)", lambda: shacl_problems(kg, catalog))
    if "pages" in args.skip or n > BREAKDOWN_MAX:
        why = "skipped (--skip pages)" if "pages" in args.skip else f"not timed one by one above {BREAKDOWN_MAX:,}"
        rows.add("parts", "parts of a build", None, why)
    else:
        _parts(rows, catalog, kg)
    in_process = rows.by_key.get("shacl", {}).get("seconds")
    rows.add(
        "validate_stages",
        "= load + convert + SHACL, in one process",
        None if in_process is None else rows.by_key["load"]["seconds"] + rows.by_key["convert"]["seconds"] + in_process,
    )
    if profile_dir is None:
        # validate's own cache (validate_cache.py) in a folder of the bench's, empty first: the first run is cold
        cache = Path(f"{out}.validate-cache")
        shutil.rmtree(cache, ignore_errors=True)
        os.environ["MEDVLM_KG_CACHE_DIR"] = str(cache)
        if "shacl" not in args.skip:
            _cli(rows, "validate", "medvlm-kg validate (a fresh process, no cache)", "validate", "--data", str(data))
        _remove_output(out)
        build = ("build", "-q", "--data", str(data), "--out", str(out))
        _cli(rows, "full_build", "medvlm-kg build, clean output folder", *build)
        output = _output_sizes(out, len(catalog.datasets))
        if "rebuild" not in args.skip:
            _cli(rows, "rebuild_no_change", "medvlm-kg build again, no change", *build)
            path, old = _edit_one(data, catalog)
            try:
                if "shacl" not in args.skip:
                    _cli(
                        rows,
                        "validate_one_edit",
                        "medvlm-kg validate --from-build, one entry edited",
                        *("validate", "--data", str(data), "--from-build", str(out)),
                    )
                    _cli(
                        rows,
                        "validate_cached_one_edit",
                        "medvlm-kg validate again, one entry edited (its cache)",
                        *("validate", "--data", str(data)),
                    )
                _cli(rows, "rebuild_one_edit", "medvlm-kg build after editing one entry", *build)
            finally:
                path.write_bytes(old)
        rows.by_key["full_build"]["note"] = (
            f"{output['files']:,} files, {output['bytes'] / 2**20:,.0f} MiB; "
            f"{output['files_per_dataset']:.2f} files, {output['bytes_per_dataset'] / 1024:,.1f} KiB per dataset"
        )
        _queries_from_build(rows, out, catalog)
        _remove_output(out)
        shutil.rmtree(cache, ignore_errors=True)

    store = rows.time("store", "query store (query.local_store)", lambda: local_store(kg))
    queries = bundled_queries()
    params: dict[str, dict[str, str]] = {}
    bindings_of = {}
    for name, q in queries.items():
        params[name] = _query_values(q, catalog)
        bindings_of[name] = bind(q, params[name], catalog.base_iri)
        _log(f"query {name}")
        if profile_dir is not None:
            continue
        runs, answer = [], None
        for _ in range(QUERY_RUNS):
            t0 = time.perf_counter()
            answer = run_local(store, q, bindings_of[name])
            runs.append(time.perf_counter() - t0)
        size = len(answer.triples) if answer.triples is not None else len(answer.rows)
        rows.add(f"query:{name}", f"query {name}", statistics.median(runs), f"{size:,} rows/triples", runs=runs)
    if profile_dir is not None:
        rows.time(
            "queries",
            "all bundled queries, once each",
            lambda: [run_local(store, q, bindings_of[name]) for name, q in queries.items()],
        )
    store = None

    if not args.no_naive and profile_dir is None:
        _naive(rows, catalog, kg, triples, queries, bindings_of, args)

    result = {
        "size": n,
        "output": output if profile_dir is None else None,
        "datasets": len(catalog.datasets),
        "triples": len(triples),
        "triples_per_dataset": round(len(triples) / max(1, len(catalog.datasets)), 1),
        "problems": {
            "errors": sum(p.severity == ERROR for p in problems),
            "warnings": sum(p.severity != ERROR for p in problems),
        },
        "query_params": params,
        # Other work on the machine slows every stage: the 1-minute load average before and after the run.
        "load_average": {"before": load_before[0], "after": os.getloadavg()[0]},
        "rows": rows.rows,
    }
    result["summary"] = _summary(result, rows)
    result["overall"] = _overall(rows)
    (folder / "result.json").write_text(json.dumps(result, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    return 0


def _summary(result: dict, rows: _Rows) -> dict:
    by = rows.by_key
    queries = [r for r in rows.rows if r["key"].startswith("query:")]
    summary = {
        "validate": by.get("validate", {}).get("seconds"),
        "validate_one_edit": by.get("validate_one_edit", {}).get("seconds"),
        "validate_cached_one_edit": by.get("validate_cached_one_edit", {}).get("seconds"),
        "full_build": by.get("full_build", {}).get("seconds"),
        "full_build_peak_gib": by["full_build"]["tree_peak_mib"] / 1024 if "full_build" in by else None,
        "rebuild_no_change": by.get("rebuild_no_change", {}).get("seconds"),
        "rebuild_one_edit": by.get("rebuild_one_edit", {}).get("seconds"),
        "slowest_query": max((r["seconds"] for r in queries), default=None),
        "slowest_query_name": max(queries, key=lambda r: r["seconds"])["key"][6:] if queries else None,
        "peak_gib": max(r["peak_mib"] for r in rows.rows) / 1024,
    }
    pages = [r for r in rows.rows if r["key"].startswith("page:") and r.get("seconds") is not None]
    clis = [r for r in rows.rows if r["key"].startswith("cli:")]
    summary["slowest_page"] = max((r["seconds"] for r in pages), default=None)
    summary["slowest_cli"] = max((r["seconds"] for r in clis), default=None)
    nexts = [r for r in rows.rows if r["key"].startswith("cli-next:")]
    summary["slowest_cli_next"] = max((r["seconds"] for r in nexts), default=None)
    limit = by.get("limit", {}).get("seconds")
    summary["limit"] = limit
    summary["limit_ratio"] = summary["full_build"] / limit if limit and summary["full_build"] else None
    output = result.get("output") or {}
    summary["site_mb"] = output["bytes"] / 1e6 if output else None
    summary["bytes_per_dataset"] = output.get("bytes_per_dataset")
    summary["files_per_dataset"] = output.get("files_per_dataset")
    overall = _overall(rows)
    summary["naive_ratio"] = overall["all"]["ratio"] if overall.get("all") else None
    return summary


def _overall(rows: _Rows) -> dict:
    out = {}
    for key, keep in (
        ("build", lambda k: k in ("convert", "shacl") or k.startswith("serialize:")),
        ("all", lambda k: True),
    ):
        pairs = [
            (r["seconds"], r["naive"]["seconds"])
            for r in rows.rows
            if r.get("naive") and r.get("seconds") is not None and keep(r["key"])
        ]
        if pairs:
            ours, naive = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            out[key] = {"ours": ours, "naive": naive, "ratio": naive / ours if ours else None, "stages": len(pairs)}
    return out


def _naive(rows: _Rows, catalog, kg, triples, queries, bindings_of, args) -> None:
    """The naive pipeline on the same triples; each measure is put beside our row for the same stage."""
    import gc

    import naive
    import pyoxigraph as ox

    from medvlm_kg.graph.iris import dataset_iri
    from medvlm_kg.graph.serialize import FORMATS
    from medvlm_kg.resources import ontology_dir
    from medvlm_kg.sparql.query import ONTOLOGY_FILES, bound_text

    gc.collect()
    n = len(catalog.datasets)
    ids = sorted(kg.datasets)
    graphs: dict[int, object] = {}
    with_ontology: set[int] = set()
    ontology = [t for f in ONTOLOGY_FILES for t in ox.parse(path=str(ontology_dir() / f), format=ox.RdfFormat.TURTLE)]

    def sample(k: int) -> list:
        if k >= n:
            return triples
        left_out = {dataset_iri(catalog.base_iri, i) for i in ids[k:]}
        chosen = {t for t in kg.catalog if not (isinstance(t.object, ox.NamedNode) and t.object.value in left_out)}
        for dataset_id in ids[:k]:
            chosen.update(kg.datasets[dataset_id])
        return sorted(chosen, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))

    def graph(k: int, need_ontology: bool = False):
        if k not in graphs:
            graphs[k] = naive.graph_of(sample(k))
        if need_ontology and k not in with_ontology:
            naive.graph_of(ontology, graphs[k])
            with_ontology.add(k)
        return graphs[k]

    def build_graph(k: int) -> float:
        part = sample(k)
        graphs.pop(k, None)
        start = time.perf_counter()
        graphs[k] = naive.graph_of(part)
        return time.perf_counter() - start

    budget, query_budget = args.naive_budget, args.query_budget
    _log("naive: rdflib graph")
    m = naive.scaled(build_graph, n, budget)
    convert_row = rows.by_key["convert"]
    convert_row["naive"] = {**m.as_dict(), "seconds": convert_row["seconds"] + m.seconds, "graph_seconds": m.seconds}
    convert_row["note"] = "naive: our convert + rdflib Graph.add of every triple"

    def on_graph(k: int, work, need_ontology: bool = False) -> float:
        g = graph(k, need_ontology)  # made (or completed) outside the timing: it is the graph stage's work
        return naive.timed(lambda: work(g))

    for fmt in FORMATS:
        _log(f"naive: serialize catalog ({fmt})")
        m = naive.scaled(lambda k, fmt=fmt: on_graph(k, lambda g: naive.serialize(g, fmt)), n, budget)
        key = f"serialize:catalog:{fmt}"
        if key not in rows.by_key:  # the build writes no such whole document: its dumps are joined members
            rows.add(key, f"whole catalog in {fmt} (rdflib only)", None, "ours: the dumps' members, rows above")
        rows.by_key[key]["naive"] = m.as_dict()

    for fmt in FORMATS:
        _log(f"naive: serialize dataset documents ({fmt})")

        def documents(k: int, fmt=fmt) -> float:
            start = time.perf_counter()
            for dataset_id in ids[:k]:
                naive.serialize(naive.graph_of(kg.datasets[dataset_id]), fmt)
            return time.perf_counter() - start

        m = naive.scaled(documents, n, budget)
        rows.by_key[f"serialize:dataset:{fmt}"]["naive"] = m.as_dict()

    _log("naive: pyshacl on the whole graph")
    m = naive.scaled(lambda k: on_graph(k, naive.shacl, need_ontology=True), n, budget)
    rows.by_key["shacl"]["naive"] = m.as_dict()

    for name, q in queries.items():
        _log(f"naive: query {name}")
        text = bound_text(q, bindings_of[name])
        try:
            m = naive.repeated(
                lambda k, text=text: on_graph(k, lambda g: naive.query(g, text), need_ontology=True),
                n,
                query_budget,
                QUERY_RUNS,
            )
        except Exception as exc:  # rdflib's engine fails on some valid queries: record it, go on
            error = f"{type(exc).__name__}: {exc}"
            _log(f"  rdflib failed: {error}")
            rows.by_key[f"query:{name}"]["naive_error"] = error
            rows.by_key[f"query:{name}"]["note"] += f"; rdflib SPARQL fails: {error[:60]}"
            continue
        rows.by_key[f"query:{name}"]["naive"] = m.as_dict()
    rows.add("naive_end", "(peak memory after the naive pipeline)", None)


if __name__ == "__main__":
    sys.exit(main())
