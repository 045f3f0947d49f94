"""The ``medvlm-kg`` command line: one thin command per verb, each calling one library function.

Expected failures (bad catalog input, unknown query or parameter) print one message per problem and exit
1; usage errors exit 2; a traceback means a bug. Heavy modules load inside the command that needs them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from medvlm_kg.problems import ERROR, CatalogError

PAGE_ROWS = 100  # rows of a query answer printed by default (a page; --offset for the next)

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="The catalog folder.",
)
OUT_OPTION = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="The output folder.",
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


def _fail(error: CatalogError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
    type=click.Choice(["core", "dcat-ap", "croissant", "bioschemas", "all"]),
    default="core",
    show_default=True,
    help="Which rules: core (the catalog's own), dcat-ap (DCAT-AP 3.0), croissant (Croissant 1.1, with mlcroissant), "
    "bioschemas (Bioschemas Dataset 1.0), or all. See docs/profiles.md.",
)
def validate(data_dir: Path, fmt: str, profile: str) -> None:
    """Check the catalog: the YAML format, then SHACL on the graph; with --profile, the profiles harvesters read.

    Exit 0 when valid (warnings allowed), 1 when there are problems (all are listed).

    \b
    Example:
      medvlm-kg validate --data data
      medvlm-kg validate --format json
      medvlm-kg validate --profile all     # DCAT-AP 3.0, Croissant 1.1, Bioschemas too
    """
    from medvlm_kg.build.profile_check import validate_profile
    from medvlm_kg.profiles import profile_titles

    catalog, problems = validate_profile(data_dir, profile)
    errors = [p for p in problems if p.severity == ERROR]
    if fmt == "json":
        record = {"valid": not errors, "problems": [p.as_dict() for p in problems]}
        if profile != "core":
            record = {"profile": profile, **record}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem), err=bool(errors))
        if not errors and catalog is not None:
            against = profile_titles(profile)
            click.echo(
                f"{data_dir}: {len(catalog.datasets)} datasets, valid"
                + (f" for {against}" if against else "")
                + (f" ({len(problems)} warnings)" if problems else "")
            )
        else:
            click.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found", err=True)
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

    try:
        result = run_build(data_dir, out_dir, jobs=jobs)
    except CatalogError as error:
        _fail(error)
        return
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    report = result.written
    changes = (
        "nothing changed"
        if report.unchanged
        else f"{len(report.written)} written, {len(report.kept)} unchanged, {len(report.removed)} removed"
    )
    counts = f"{result.datasets} datasets, {result.triples} triples, {result.files} files"
    click.echo(f"built {counts} in {out_dir} ({changes})")


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries and their parameters.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="json is SPARQL 1.1 results JSON; CONSTRUCT prints Turtle.",
)
@DATA_OPTION
@click.option(
    "--from-build",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Ask a build folder's graph (its query store) instead of reading --data again: fast for large catalogs.",
)
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
    endpoint: str | None,
    graph_iri: str | None,
    limit: int,
    offset: int,
) -> None:
    """Ask the catalog one of the bundled SPARQL questions.

    A SELECT answer comes a page at a time (--limit rows, 100 by default, from --offset); stderr says which rows
    of how many were printed.

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
        format_result,
        local_store,
        page_note,
        page_of,
        run_local,
    )

    queries = bundled_queries()
    if list_queries or not name:
        for q in queries.values():
            params_text = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name}  {params_text}".rstrip())
            click.echo(f"    {q.title}: {q.description}")
        if not name and not list_queries:
            click.echo("\nrun one with: medvlm-kg query NAME [--param K=V …]", err=True)
        return
    if name not in queries:
        click.echo(f'unknown query "{name}"; known queries: {", ".join(queries)}', err=True)
        sys.exit(1)
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f'--param takes K=V, got "{item}"')
        values[key] = value
    from medvlm_kg.catalog.load import load_catalog
    from medvlm_kg.profiles.assemble import convert

    if from_build and endpoint:
        raise click.UsageError("--from-build asks a local build, --endpoint a remote store: choose one")
    try:
        page = {"limit": limit or None, "offset": offset}
        if from_build:
            base_iri, store = built_store(from_build)
            result = run_local(store, queries[name], bind(queries[name], values, base_iri), **page)
        else:
            catalog = load_catalog(data_dir)
            bindings = bind(queries[name], values, catalog.base_iri)
            if endpoint:
                from medvlm_kg.sparql.remote import run_remote

                result = run_remote(endpoint, queries[name], bindings, graph_iri or catalog.base_iri + "catalog")
                result = page_of(result, **page)
            else:
                result = run_local(local_store(convert(catalog)), queries[name], bindings, **page)
    except CatalogError as error:
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


@main.command("import-markdown")
@progress_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@DATA_OPTION
@click.option("--dry-run", is_flag=True, help="Report what would be added; write nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format."
)
@click.option("--source-url", metavar="URL", help="Where the list is published (recorded as listed.source).")
def import_markdown_command(file: Path, data_dir: Path, dry_run: bool, fmt: str, source_url: str | None) -> None:
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
        report = import_markdown(file, data_dir, dry_run=dry_run, source_url=source_url)
    except CatalogError as error:
        _fail(error)
        return
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.as_text(), nl=False)


@main.command("export-markdown")
@DATA_OPTION
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Which table.")
def export_markdown_command(data_dir: Path, lang: str) -> None:
    """Write the list's README table from the knowledge graph (the cells as listed, in the list's order).

    \b
    Example:
      medvlm-kg export-markdown --lang zh > table-zh.md
    """
    from medvlm_kg.build.build import check
    from medvlm_kg.sparql.export_markdown import export_markdown

    catalog, graph, problems = check(data_dir)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or graph is None:
        _fail(CatalogError(errors))
        return
    click.echo(export_markdown(graph.triples(), lang), nl=False)


@main.command()
@progress_options
@DATA_OPTION
@click.option("--endpoint", required=True, metavar="URL", help="The store's Graph Store (gsp) or update (update) URL.")
@click.option("--graph", "graph_iri", metavar="IRI", help="Named graph to replace (default: the catalog IRI).")
@click.option(
    "--method", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True, help="How to load the graph."
)
@click.option(
    "--from-build",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Send a build folder's graph (catalog.nt.gz, as build validated it) instead of checking --data; read in "
    "batches, so memory stays small at any size.",
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
