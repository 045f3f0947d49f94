"""The ``medvlm-kg`` command line: one thin command per verb, each calling one library function.

Expected failures (bad catalog input, unknown query or parameter) print one message per problem and exit
1; usage errors exit 2; a traceback means a bug. Heavy modules load inside the command that needs them.
A little longer than 600 lines because every command's options and help text are here, where click reads them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from medvlm_kg.problems import ERROR, CatalogError

PAGE_ROWS = 100  # rows of a query answer printed by default (a page; --offset for the next)
BUILD_WARNINGS_SHOWN = 20  # a build lists this many warnings, then counts the rest by field (validate lists all)

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="The catalog folder.",
)


def out_option(help: str, **path_args):
    """``--out DIR``, default ``build``: the output folder, or the build folder a command reads (``help``)."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, **path_args),
        default=Path("build"),
        show_default=True,
        help=help,
    )


OUT_OPTION = out_option("The output folder.")


def from_build_option(help: str, exists: bool = False):
    """``--from-build DIR``: a build folder the command reads instead of the catalog (what it reads: ``help``)."""
    return click.option(
        "--from-build",
        type=click.Path(path_type=Path, file_okay=False, exists=exists),
        metavar="DIR",
        help=help,
    )


CURRENT_BUILD_OPTION = out_option(
    "Without --from-build: a build folder whose query store answers when it was built from --data as it is now "
    "(else --data is read).",
    file_okay=False,
)


def progress_options(command):
    """--quiet/--verbose: progress bars show on a terminal only, never in logs; --verbose times each stage."""
    import functools

    @click.option("--quiet", "-q", is_flag=True, help="No progress bars or stage messages.")
    @click.option("--verbose", "-v", is_flag=True, help="Print each stage's time.")
    @functools.wraps(command)
    def wrapper(*args, quiet: bool, verbose: bool, **kwargs):
        from medvlm_kg.runtime.progress import configure

        configure(quiet=quiet, verbose=verbose)
        return command(*args, **kwargs)

    return wrapper


def _nothing_to_do(problem) -> bool:
    """A warning the curator cannot act on: the catalog format has no field for what a profile recommends."""
    hint = problem.hint.lower()
    return "has no field" in hint or hint.startswith(("nothing to do", "nothing to change"))


def _count(n: int, noun: str) -> str:
    """ "1 dataset", "59 datasets"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _fail(error: CatalogError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["--help", "-h"], "max_content_width": 100})
@click.version_option(package_name="medvlm-kg")
def main() -> None:
    """Publish a curated catalog of medical VLM benchmarks as a validated knowledge graph.

    \b
    Example:
      medvlm-kg validate                 # check data/ and report every problem
      medvlm-kg build --out build        # write the knowledge graph to build/
      medvlm-kg query --list             # the bundled SPARQL questions
    """


@main.command()
@progress_options
@DATA_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs (a list of problem records).",
)
@click.option(
    "--profile",
    type=click.Choice(["core", "dcat-ap", "croissant", "bioschemas", "google", "all"]),
    default="core",
    show_default=True,
    help="Which rules: core (the catalog's own), dcat-ap (DCAT-AP 3.0, with SEMIC's shapes), croissant (Croissant "
    "1.1, with mlcroissant), bioschemas (Bioschemas Dataset 1.0, with its own shape), google (Google's Dataset rich "
    "results rules), or all. See docs/profiles.md and docs/conformance.md.",
)
@from_build_option(
    "Reuse what the build in DIR already checked: only files changed since are read and checked again "
    "(the checks across datasets always run; DIR is only read). For the core rules.",
    exists=True,
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Keep what this run checked in the user's "
    "cache folder (~/.cache/medvlm-kg, or $MEDVLM_KG_CACHE_DIR): the next run checks only changed files (core rules).",
)
def validate(data_dir: Path, fmt: str, profile: str, from_build: Path | None, cache: bool) -> None:
    """Check the catalog: the YAML format, then SHACL on the graph; with --profile, the profiles harvesters read.

    Exit 0 when valid (warnings allowed), 1 when there are problems (all are listed).

    \b
    Example:
      medvlm-kg validate --data data
      medvlm-kg validate --format json
      medvlm-kg validate --profile all     # DCAT-AP 3.0, Croissant 1.1, Bioschemas too
      medvlm-kg validate --from-build build   # after an edit: re-check only what changed since that build
      medvlm-kg validate --no-cache           # check every file again, and leave no notes
    """
    from medvlm_kg.build.profile_check import validate_profile
    from medvlm_kg.profiles import profile_titles

    checks: list[dict] = []
    catalog, problems = validate_profile(data_dir, profile, checks, from_build=from_build, cache=cache)
    # one order whatever order the checks ran in: errors first, then by file, line, field, message and hint
    problems = sorted(
        set(problems), key=lambda p: (p.severity != ERROR, p.file, p.line or 0, p.field, p.message, p.hint)
    )
    errors = [p for p in problems if p.severity == ERROR]
    if fmt == "json":
        record = {"valid": not errors, "problems": [p.as_dict() for p in problems]}
        if profile != "core":
            record = {"profile": profile, **record, "checks": checks}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        warnings = [p for p in problems if p.severity != ERROR]
        idle = [p for p in warnings if _nothing_to_do(p)]
        to_fix = [p for p in warnings if not _nothing_to_do(p)]
        for problem in errors:
            click.echo(str(problem), err=True)
        for title, group in (("to fix", to_fix), ("nothing to do (the format has no field for it)", idle)):
            if group:
                click.echo(f"{title} ({len(group)}):", err=bool(errors))
                for problem in group:
                    click.echo(str(problem), err=bool(errors))
        if not errors and catalog is not None:
            against = profile_titles(profile)
            click.echo(
                f"{data_dir}: {_count(len(catalog.datasets), 'dataset')}, valid"
                + (f" for {against}" if against else "")
                + (
                    f" ({_count(len(warnings), 'warning')}: {len(to_fix)} to fix, {len(idle)} nothing to do)"
                    if warnings
                    else ""
                )
            )
        else:
            click.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found", err=True)
    _no_final_collection()
    sys.exit(1 if errors else 0)


@main.command()
@progress_options
@DATA_OPTION
@OUT_OPTION
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1, max=256),
    default=None,
    help="Worker processes for the datasets (default: one per core, for catalogs of more than 64 entries).",
)
def build(data_dir: Path, out_dir: Path, jobs: int | None) -> None:
    """Validate the catalog and write its knowledge graph (Turtle, JSON-LD, N-Triples).

    Nothing is written when the catalog has errors; the previous output stays as it was.

    \b
    Example:
      medvlm-kg build
      medvlm-kg build --data data --out public
    """
    from medvlm_kg.build.build import build as run_build

    existed = out_dir.exists()
    try:
        result = run_build(data_dir, out_dir, jobs=jobs)
    except CatalogError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        n = len(error.problems)
        state = "unchanged" if existed else "not created"
        click.echo(f"{n} problem{'s' if n != 1 else ''} — nothing written; {out_dir}/ {state}", err=True)
        sys.exit(1)
    _echo_some_warnings(result.warnings, data_dir)
    report = result.written
    changes = (
        "nothing changed"
        if report.unchanged
        else f"{len(report.written)} written, {len(report.kept)} unchanged, {len(report.removed)} removed"
    )
    counts = f"{result.datasets} datasets, {result.triples} triples, {result.files} files"
    click.echo(f"built {counts} in {out_dir} ({changes})")
    _no_final_collection()


def _no_final_collection() -> None:
    """Let the process end without the garbage collector's last pass over what the command built: at 10,000 entries
    that pass was 0.6 s of a one-edit build (8.3 s), after its result was printed. Everything is written and closed
    by now; the objects are left to the operating system, as at any exit."""
    import gc

    gc.freeze()


def _answering_build(data_dir: Path, from_build: Path | None, out_dir: Path) -> Path | None:
    """The build folder whose query store answers: ``--from-build``, else ``--out`` when its build was made from
    ``data_dir``'s inputs as they are now (the code, the ontology and every file: the marker's digest against a
    scan of the folder, 0.26 s at 10,000 entries, where reading and converting --data took 33 s), else None."""
    if from_build:
        return from_build
    from medvlm_kg.build.output import marked_generation, marked_inputs, read_note

    made_from = marked_inputs(out_dir)
    if made_from is None or marked_generation(out_dir) is None or not (data_dir / "catalog.yaml").is_file():
        return None
    from medvlm_kg.runtime.inputs import SCAN_NOTE, scan

    return out_dir if scan(data_dir, read_note(out_dir, SCAN_NOTE)).digest == made_from else None


def _echo_some_warnings(warnings: list, data_dir: Path) -> None:
    """The first warnings in full, the rest as counts by field: at 10,000 entries a build gave 1,576 warning lines,
    every time, which buried its own result; ``validate`` is where a curator reads them all."""
    import shlex
    from collections import Counter

    for warning in warnings[:BUILD_WARNINGS_SHOWN]:
        click.echo(str(warning), err=True)
    rest = warnings[BUILD_WARNINGS_SHOWN:]
    if rest:
        by_field = Counter(w.field.split("[", 1)[0].split(".", 1)[0] or "(file)" for w in rest)
        counts = ", ".join(f"{field} {n:,}" for field, n in sorted(by_field.items(), key=lambda kv: (-kv[1], kv[0])))
        command = f"medvlm-kg validate --data {shlex.quote(str(data_dir))}"
        click.echo(f"warning: … and {len(rest):,} more ({counts}) — `{command}` lists them all", err=True)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries, their parameters and examples.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "table", "csv", "tsv"]),
    default="text",
    show_default=True,
    help="text (= table) for people; json is SPARQL 1.1 results JSON (with --list: the queries as records); "
    "csv and tsv are SPARQL's; CONSTRUCT prints Turtle.",
)
@DATA_OPTION
@from_build_option(
    "Ask a build folder's graph (its query store) instead of reading --data again: fast for large catalogs."
)
@CURRENT_BUILD_OPTION
@click.option("--endpoint", metavar="URL", help="Ask a remote SPARQL 1.1 endpoint instead of the local catalog.")
@click.option("--graph", "graph_iri", metavar="IRI", help="With --endpoint: the named graph (default: catalog IRI).")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=PAGE_ROWS,
    show_default=True,
    help="Rows of a SELECT answer to print (one page; 0: all of them).",
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Rows of the answer to skip (the next page).")
def query(
    name: str | None,
    list_queries: bool,
    params: tuple[str, ...],
    fmt: str,
    data_dir: Path,
    from_build: Path | None,
    out_dir: Path,
    endpoint: str | None,
    graph_iri: str | None,
    limit: int,
    offset: int,
) -> None:
    """Ask the catalog one of the bundled SPARQL questions.

    A SELECT answer comes a page at a time (--limit rows, 100 by default, from --offset); stderr says which rows
    of how many were printed. When the build in --out (build/) was made from --data as it is now, its query store
    answers: the same answer, without reading and converting the catalog again; an answer longer than its page (or
    slow to compute) is kept beside that store, so the next page is read from it, not computed again.

    \b
    Example:
      medvlm-kg query --list
      medvlm-kg query datasets-by-modality --param modality=pathology
      medvlm-kg query largest-by-qa-count --format csv
      medvlm-kg query newest-first --from-build build --offset 100
      medvlm-kg query datasets-by-task --param task=vqa --endpoint http://127.0.0.1:7878/query
    """
    from medvlm_kg.sparql.query import (
        bind,
        built_store,
        bundled_queries,
        check_datasets,
        format_result,
        local_store,
        page_note,
        page_of,
        run_local,
    )

    queries = bundled_queries()
    if list_queries or not name:
        if fmt == "json":
            listing = [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "params": [
                        {"name": p.name, "type": p.type, "description": p.description, "example": p.example}
                        for p in q.params
                    ],
                }
                for q in queries.values()
            ]
            click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
            return
        for q in queries.values():
            params_text = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name}  {params_text}".rstrip())
            click.echo(f"    {q.title}: {q.description}")
            if q.params:
                example = " ".join(f"--param {p.name}={p.example}" for p in q.params)
                click.echo(f"    e.g. medvlm-kg query {q.name} {example}")
        if not name and not list_queries:
            click.echo("\nrun one with: medvlm-kg query NAME [--param K=V …]", err=True)
        return
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=1, cutoff=0.6)
        hint = f' — did you mean "{close[0]}"?' if close else ""
        raise click.UsageError(f'unknown query "{name}"{hint} (medvlm-kg query --list shows all {len(queries)})')
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f'--param takes K=V, got "{item}"')
        values[key] = value
    fmt = "table" if fmt == "text" else fmt
    from medvlm_kg.catalog.load import load_catalog
    from medvlm_kg.profiles.assemble import convert

    if from_build and endpoint:
        raise click.UsageError("--from-build asks a local build, --endpoint a remote store: choose one")
    if not endpoint:
        from_build = _answering_build(data_dir, from_build, out_dir)
    try:
        page = {"limit": limit or None, "offset": offset}
        if from_build:
            built = built_store(from_build)
            bindings = bind(queries[name], values, built.base_iri)
            check_datasets(built.store, queries[name], bindings)
            result = run_local(built.store, queries[name], bindings, kept=built.answers, **page)
        else:
            catalog = load_catalog(data_dir)
            bindings = bind(queries[name], values, catalog.base_iri)
            if endpoint:
                from medvlm_kg.sparql.remote import run_remote

                result = run_remote(endpoint, queries[name], bindings, graph_iri or catalog.base_iri + "catalog")
                result = page_of(result, **page)
            else:
                store = local_store(convert(catalog))
                check_datasets(store, queries[name], bindings)
                result = run_local(store, queries[name], bindings, **page)
    except CatalogError as error:
        if all(problem.field == "--param" for problem in error.problems):  # a usage error: exit 2, as click does
            for problem in error.problems:
                click.echo(f"Error: {problem}", err=True)
            sys.exit(2)
        _fail(error)
        return
    click.echo(format_result(result, fmt), nl=False)
    if result.total is not None and (result.offset or len(result.rows) < result.total):
        click.echo(page_note(result), err=True)


@main.command()
@OUT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, type=int, show_default=True, help="TCP port.")
def serve(out_dir: Path, host: str, port: int) -> None:
    """Serve the built folder: pages, RDF by content negotiation, and a read-only SPARQL endpoint at /sparql.

    \b
    Example:
      medvlm-kg build && medvlm-kg serve
      curl -H 'Accept: text/turtle' http://127.0.0.1:8000/dataset/pathmmu
    """
    from medvlm_kg.serve import run

    try:
        run(out_dir, host, port)
    except CatalogError as error:
        _fail(error)


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("data"), required=False)
@click.option("--title", help="The catalog's title (default: the folder's name).")
@click.option("--publisher", help="Who publishes the catalog, a person's name (default: your user name).")
@click.option("--description", help="What the catalog is (default: the title).")
@click.option(
    "--base-iri", metavar="IRI", help="Where the catalog will be published, ending in / (default: example.org)."
)
@click.option("--source-url", metavar="URL", help="The list the catalog is built from (its README's URL).")
def init_command(folder: Path, title, publisher, description, base_iri, source_url) -> None:
    """Make FOLDER a new catalog: catalog.yaml, an empty datasets/ and a README on what to do next.

    Nothing is written over an existing catalog.yaml.

    \b
    Example:
      medvlm-kg init my-catalog --title "Pathology benchmarks" --publisher "Ada Lovelace"
      medvlm-kg import-markdown README.md --data my-catalog && medvlm-kg validate --data my-catalog
    """
    from medvlm_kg.catalog.scaffold import init_catalog

    try:
        written = init_catalog(
            folder, title=title, publisher=publisher, description=description, base_iri=base_iri, source_url=source_url
        )
    except CatalogError as error:
        _fail(error)
        return
    for path in written:
        click.echo(f"wrote {path}")
    if not publisher:  # the site says "Curated by: <login name>" until a person's name replaces it
        click.echo(
            f"note: the curator and publisher is your login name; put your name in {folder / 'catalog.yaml'} "
            "(curators), or run init with --publisher NAME"
        )
    click.echo(f"next: medvlm-kg import-markdown LIST.md --data {folder}   (or: medvlm-kg new ID --data {folder})")


@main.command("new")
@click.argument("dataset_id", metavar="ID")
@DATA_OPTION
@click.option("--name", help="The dataset's name (default: the id).")
def new_command(dataset_id: str, data_dir: Path, name: str | None) -> None:
    """Write datasets/ID.yaml: id, name and listed.name set, every other field of the format commented out.

    \b
    Example:
      medvlm-kg new pathmmu --name PathMMU --data data
    """
    from medvlm_kg.catalog.scaffold import new_entry

    try:
        path = new_entry(data_dir, dataset_id, name)
    except CatalogError as error:
        _fail(error)
        return
    click.echo(f"wrote {path}: uncomment what you know, then medvlm-kg validate --data {data_dir}")


@main.command("import-markdown")
@progress_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@DATA_OPTION
@click.option("--dry-run", is_flag=True, help="Report what would be added; write nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format."
)
@click.option(
    "--source-url",
    metavar="URL",
    help="Where the list is published, best at the commit read: …/blob/<sha>/README.md (recorded as listed.source).",
)
@click.option(
    "--list-version",
    metavar="SHA|DATE",
    help="The list's version read: a commit or YYYY-MM-DD (default: the commit in --source-url, if any).",
)
def import_markdown_command(
    file: Path, data_dir: Path, dry_run: bool, fmt: str, source_url: str | None, list_version: str | None
) -> None:
    """Read an awesome-list README's dataset tables into the catalog.

    New datasets become new YAML files; existing ones are never overwritten: differences are reported.
    Cells it cannot map to a concept are reported with the closest concepts.

    \b
    Example:
      medvlm-kg import-markdown README.md --dry-run
      medvlm-kg import-markdown README.md --data data --format json
    """
    from medvlm_kg.catalog.markdown import import_markdown

    try:
        if list_version and not re.fullmatch(r"[0-9a-f]{7,40}|\d{4}-\d{2}-\d{2}", list_version):
            raise click.BadParameter("a commit (7-40 hex digits) or a date YYYY-MM-DD", param_hint="--list-version")
        report = import_markdown(file, data_dir, dry_run=dry_run, source_url=source_url, version=list_version)
    except CatalogError as error:
        nothing = getattr(error, "report", None)  # no dataset rows: a program still gets the tables and reasons
        if fmt == "json" and nothing is not None:
            click.echo(
                json.dumps({**nothing.as_dict(), "error": "no dataset rows to import"}, ensure_ascii=False, indent=2)
            )
        _fail(error)
        return
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.as_text(), nl=False)


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)
def diff_command(old: Path, new: Path, fmt: str) -> None:
    """What changed between two versions of a list (Markdown files) or of a catalog (folders).

    Prints the added, removed, changed (cell by cell, per table language) and moved datasets. Whitespace
    inside a cell does not count; a row that only moved is listed as moved.

    \b
    Example:
      medvlm-kg diff old/README.md README.md
      medvlm-kg diff old-data data --format json
    """
    from medvlm_kg.catalog.diff import diff_paths

    try:
        result = diff_paths(old, new)
    except CatalogError as error:
        _fail(error)
        return
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.as_text(), nl=False)


@main.command("export-markdown")
@DATA_OPTION
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Which table.")
@from_build_option(
    "Read the table from a build folder's query store (as build validated it) instead of checking --data."
)
@CURRENT_BUILD_OPTION
def export_markdown_command(data_dir: Path, lang: str, from_build: Path | None, out_dir: Path) -> None:
    """Write the list's README table from the knowledge graph (the cells as listed, in the list's order).

    When the build in --out (build/) was made from --data as it is now, the table is read from its query store.

    \b
    Example:
      medvlm-kg export-markdown --lang zh > table-zh.md
      medvlm-kg export-markdown --from-build build > table.md
    """
    from medvlm_kg.sparql.export_markdown import export_markdown, export_markdown_from_store

    from_build = _answering_build(data_dir, from_build, out_dir)
    if from_build:
        from medvlm_kg.sparql.query import built_store

        try:
            click.echo(export_markdown_from_store(built_store(from_build).store, lang), nl=False)
        except CatalogError as error:
            _fail(error)
        return
    from medvlm_kg.build.units import validate as check_entries
    from medvlm_kg.profiles.assemble import convert

    # the build's checks (a worker per core, what the last validate checked not checked again), then the graph
    catalog, problems = check_entries(data_dir, cache=True)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or catalog is None:
        _fail(CatalogError(errors))
        return
    click.echo(export_markdown(convert(catalog).triples(), lang), nl=False)


@main.command()
@progress_options
@DATA_OPTION
@click.option("--endpoint", required=True, metavar="URL", help="The store's Graph Store (gsp) or update (update) URL.")
@click.option("--graph", "graph_iri", metavar="IRI", help="Named graph to replace (default: the catalog IRI).")
@click.option(
    "--method", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True, help="How to load the graph."
)
@from_build_option(
    "Send a build folder's graph (catalog.nt.gz, as build validated it) instead of checking --data; read in "
    "batches, so memory stays small at any size."
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
def publish(
    data_dir: Path, endpoint: str, graph_iri: str | None, method: str, from_build: Path | None, dry_run: bool
) -> None:
    """Load the catalog graph into a named graph of any SPARQL 1.1 store, replacing it (idempotent).

    Credentials come from MEDVLM_KG_ENDPOINT_USER and MEDVLM_KG_ENDPOINT_PASSWORD (HTTP Basic, or Digest with
    MEDVLM_KG_ENDPOINT_AUTH=digest) or MEDVLM_KG_ENDPOINT_TOKEN (Bearer); they are never printed.
    MEDVLM_KG_ENDPOINT_TIMEOUT (seconds, 30) and MEDVLM_KG_ENDPOINT_RETRIES (tries, 3) tune the waiting.

    \b
    Example:
      medvlm-kg publish --endpoint http://127.0.0.1:7878/store
      medvlm-kg publish --endpoint http://127.0.0.1:7878/update --method update --dry-run
      medvlm-kg publish --endpoint http://127.0.0.1:7878/store --from-build build
    """
    from medvlm_kg.sparql.publish import publish as run_publish

    try:
        run_publish(
            data_dir,
            endpoint,
            from_build=from_build,
            graph_iri=graph_iri,
            method=method,
            dry_run=dry_run,
            echo=click.echo,
        )
    except CatalogError as error:
        _fail(error)


@main.command("inspect-site")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="The built folder to inspect.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs (one record per page).",
)
def inspect_site_command(out_dir: Path, fmt: str) -> None:
    """Show what a crawler sees on each page of the built site: JSON-LD blocks (read with extruct), Google's
    required and recommended Dataset properties, canonical URL, sitemap and robots.txt.

    Exit 0 when every dataset page has Google's required properties, 1 when one lacks any.

    \b
    Example:
      medvlm-kg build && medvlm-kg inspect-site
      medvlm-kg inspect-site --out public --format json
    """
    from medvlm_kg.site.inspect import format_text, inspect_site

    report = inspect_site(out_dir)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(report), nl=False)
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
