"""Starting points for curators: ``init`` makes a catalog folder, ``new`` one dataset file with every field.

Neither ever writes over a file: an existing ``catalog.yaml`` or dataset file is left as it is and reported.
"""

from __future__ import annotations

import getpass
import json
import re
from pathlib import Path

import yaml

from medvlm_kg.catalog.checks import RESERVED_IDS
from medvlm_kg.problems import CatalogError, Problem
from medvlm_kg.resources import ontology_dir

__all__ = ["init_catalog", "new_entry"]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")


def _slug(text: str) -> str:
    from medvlm_kg.catalog.markdown import slug

    return slug(text) or "curator"


def _repository_of(url: str) -> str:
    """The repository a README's URL belongs to (https://github.com/o/r/blob/… → https://github.com/o/r)."""
    m = re.match(r"^(https?://(?:github\.com|gitlab\.com|gitee\.com)/[^/\s]+/[^/\s#?]+)", url)
    return m.group(1) if m else url


def init_catalog(
    folder: Path,
    *,
    title: str | None = None,
    publisher: str | None = None,
    description: str | None = None,
    base_iri: str | None = None,
    source_url: str | None = None,
) -> list[Path]:
    """Make ``folder`` a catalog: catalog.yaml, an empty datasets/ and a README.md saying what to do next.
    Returns the files written. Refuses (CatalogError) when the folder already holds a catalog.yaml."""
    folder = Path(folder)
    target = folder / "catalog.yaml"
    if target.exists():
        raise CatalogError(
            Problem(
                str(target),
                None,
                "",
                "is already there; init writes nothing over a catalog",
                f"add datasets with `medvlm-kg import-markdown LIST.md --data {folder}`",
            )
        )
    if base_iri is not None:
        _check_base_iri(base_iri)
    title = (title or folder.resolve().name or "Dataset catalog").strip()
    given_publisher = bool(publisher)
    publisher = (publisher or getpass.getuser() or "curator").strip()
    person = _slug(publisher)
    doc: dict = {
        "base_iri": base_iri or f"https://example.org/{_slug(title)}/",
        "title": {"en": title},
        "description": {"en": (description or title).strip()},
        "curators": [{"id": person, "name": publisher}],
        "publisher": person,
    }
    if source_url:
        doc["source"] = {"repository": _repository_of(source_url), "readme": source_url}
    header = (
        f"# {title} — a medvlm-kg catalog; every field: docs/data-format.md\n"
        "# base_iri is where the catalog will be published (example.org until you know): change it before you "
        "publish.\n"
        + ("" if given_publisher else "# curators: your login name until you write your name (the site shows it).\n")
    )
    text = header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)
    try:
        (folder / "datasets").mkdir(parents=True, exist_ok=True)
        written = [target]
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
        readme = folder / "README.md"
        if not readme.exists():
            readme.write_text(
                f"# {title}\n\nA medvlm-kg catalog. Next: add datasets with `medvlm-kg import-markdown LIST.md "
                f"--data {folder}` (or one by hand: `medvlm-kg new ID --data {folder}`), check them with "
                f"`medvlm-kg validate --data {folder}`, publish with `medvlm-kg build --data {folder}`.\n",
                encoding="utf-8",
            )
            written.append(readme)
    except OSError as error:
        raise CatalogError(
            Problem(str(folder), None, "", f"cannot write the catalog ({error.strerror})", "choose a writable folder")
        ) from None
    return written


def _check_base_iri(base_iri: str) -> None:
    """Refuse a base IRI validate would refuse (catalog.schema.json's pattern), before anything is written."""
    schema = json.loads((ontology_dir() / "catalog.schema.json").read_text(encoding="utf-8"))
    pattern = schema["properties"]["base_iri"]["pattern"].strip("^$")
    if re.fullmatch(pattern, base_iri):
        return
    hint = (
        "give the http(s) address the catalog will be published at, ending in /, e.g. https://example.org/my-catalog/"
    )
    if re.fullmatch(pattern, base_iri + "/"):
        hint = f"end it with /: {base_iri}/"
    raise CatalogError(Problem("init", None, "--base-iri", f'"{base_iri}" is not a base IRI', hint))


def _schema_ids(scheme: str) -> str:
    from medvlm_kg.catalog.concepts import load_schemes

    return ", ".join(load_schemes()[scheme].concepts)


def new_entry(data_dir: Path, dataset_id: str, name: str | None = None) -> Path:
    """Write datasets/<id>.yaml with id, name and listed.name set and every other field commented out."""
    if not _SLUG.match(dataset_id) or len(dataset_id) > 100:
        raise CatalogError(
            Problem(
                "new",
                None,
                "ID",
                f'"{dataset_id}" is not an id',
                f'use lowercase letters, digits and hyphens, e.g. "{_slug(dataset_id)}"',
            )
        )
    if dataset_id in RESERVED_IDS:
        message = f'"{dataset_id}" is a reserved file name on Windows, so its pages could not be copied there'
        raise CatalogError(Problem("new", None, "ID", message, f'choose another id, e.g. "{dataset_id}-bench"'))
    if not (Path(data_dir) / "catalog.yaml").exists():
        raise CatalogError(
            Problem(
                str(data_dir),
                None,
                "--data",
                "has no catalog.yaml, so it is no catalog yet",
                f"make it one with `medvlm-kg init {data_dir}`, or pass the catalog folder with --data",
            )
        )
    target = Path(data_dir) / "datasets" / f"{dataset_id}.yaml"
    if target.exists():
        raise CatalogError(Problem(str(target), None, "", "is already there; left as it is", "choose another id"))
    name = (name or dataset_id).strip()
    schema = json.loads((ontology_dir() / "dataset.schema.json").read_text(encoding="utf-8"))
    quoted = json.dumps(name, ensure_ascii=False)
    lines = [
        f"# {name} — one dataset of the catalog; every field: docs/data-format.md",
        "# Uncomment what you know; what is unknown stays absent (never guess). Facts beyond the list need sources.",
        f"id: {dataset_id}",
        f"name: {quoted}",
        'listed:                       # the list\'s cells, verbatim (a "-" cell is left out)',
        f"  name: {quoted}",
        '  # title: "…"               # Paper Title / 论文标题',
        '  # date: "2024.03.20"       # Year / Venue / 年份 / 会议, as written',
        '  # links: "[HF](https://huggingface.co/datasets/…)"',
        '  # modality: {en: "…", zh: "…"}',
        '  # task: {en: "…", zh: "…"}',
        '  # size: {en: "…", zh: "…"}',
        '  # description: {en: "…"}  # a description column, verbatim',
        '  # section: "…"             # the headings the row sits under',
        "  # row: 1                    # the row's number in the list's table",
        "  # source: https://github.com/…/blob/<commit>/README.md   # the list (default: catalog.yaml source.readme)",
        "  # version: <commit or YYYY-MM-DD>",
        '  # extra: "…"               # a cell beyond the table\'s columns',
        '# description: {en: "…", zh: "…"}   # 50 to 5000 characters: what search engines show',
        '# published: "YYYY-MM-DD"      # or "YYYY-MM" or "YYYY", quoted',
        '# venue: "NeurIPS 2024"',
        f"# modality: [ … ]               # concept ids: {_schema_ids('modality')}",
        "# modality_count: 2",
        f"# task: [ … ]                   # concept ids: {_schema_ids('task')}",
        f"# size: [{{count: 1000, unit: image, approximate: false}}]   # units: {_schema_ids('unit')}",
        '# access: [{label: GitHub, url: "https://github.com/…", platform: github}]   # platforms: '
        + _schema_ids("platform"),
        '# homepage: {url: "https://…", sources: ["https://…"]}',
        '# paper: {title: "…", arxiv: "2401.00001", doi: "10.…", url: "https://…", venue: "…", '
        'date: "YYYY-MM-DD", authors: ["…"], sources: ["https://…"]}',
        '# same_paper_as: {id: other-dataset, sources: ["https://…"]}',
        '# alternate_name: {names: ["…"], sources: ["https://…"]}',
        '# stated: {size: "…", modality: "…", sources: ["https://…"]}',
        '# see_also: [{url: "https://…", label: code, sources: ["https://…"]}]',
        '# notes: [{text: "…", sources: ["https://…"]}]',
        '# license: {stated: "…", covers: data, id: CC-BY-4.0, sources: ["https://…"]}',
        "# derived: {modality: [description]}   # which listed cell a value was read from (import-markdown writes it)",
        '# earlier: [{version: <commit>, title: "…"}]   # cells an earlier version of the list wrote differently',
        '# also_listed: [{source: "https://…", name: "…", row: 3}]   # the dataset\'s row in another list',
        '# first_listed: "YYYY-MM-DD"     # when the list first showed it',
        '# first_listed_source: "https://…"',
        '# modified: "YYYY-MM-DD"',
        '# modified_source: "https://…"',
    ]
    written = {line.lstrip("# ").split(":", 1)[0] for line in lines if not line.startswith("  ")}
    missing = [key for key in schema["properties"] if key not in written]
    for key in missing:  # a field added to the format later is still offered
        lines.append(f"# {key}: …   # see docs/data-format.md")
    in_listed = {line.strip().lstrip("# ").split(":", 1)[0] for line in lines if line.startswith("  ")}
    at = lines.index('  # extra: "…"               # a cell beyond the table\'s columns') + 1
    for key in [k for k in schema["properties"]["listed"]["properties"] if k not in in_listed]:
        lines.insert(at, f"  # {key}: …   # see docs/data-format.md")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    except OSError as error:
        raise CatalogError(
            Problem(str(target), None, "", f"cannot write the file ({error.strerror})", "choose a writable folder")
        ) from None
    return target
