"""The pipeline end to end: load → convert → validate → serialize, written atomically to the output folder.

The output layout follows the IRIs (``<base>dataset/pathmmu`` → ``dataset/pathmmu.ttl``), so a static host
or ``medvlm-kg serve`` can answer each IRI from its files. Nothing is written unless the whole catalog is
valid, and the previous output is replaced in one rename, so a failing build leaves it untouched.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .catalog import Catalog, check_catalog
from .concepts import load_schemes
from .convert import KnowledgeGraph, convert, dataset_iri
from .paging import catalog_pages
from .problems import ERROR, CatalogError, Problem
from .progress import stage, track
from .resources import ontology_dir
from .serialize import FORMATS, serialize
from .validate import shacl_problems

__all__ = ["BuildResult", "MARKER", "MANIFEST", "WriteReport", "check", "build", "render", "write_output"]

MARKER = ".medvlm-kg-build"


@dataclass
class BuildResult:
    catalog: Catalog
    graph: KnowledgeGraph
    files: dict[str, bytes]
    warnings: list[Problem] = field(default_factory=list)
    written: WriteReport | None = None


def check(data_dir: Path | str) -> tuple[Catalog | None, KnowledgeGraph | None, list[Problem]]:
    """Both validation layers: the YAML format first, then SHACL on the converted graph."""
    with stage("reading the catalog"):
        catalog, problems = check_catalog(data_dir)
    if catalog is None:
        return None, None, problems
    with stage("converting to RDF"):
        graph = convert(catalog)
    with stage("validating with SHACL"):
        problems = problems + shacl_problems(graph, catalog)
    return catalog, graph, problems


def _relative_path(iri: str, base: str) -> str | None:
    """The output path (without extension) that serves ``iri``, if it lives under the base IRI."""
    if not iri.startswith(base):
        return None
    rel = iri[len(base) :]
    if not rel or rel.startswith("/") or any(part in ("", ".", "..") for part in rel.split("/")):
        return None
    return rel


def _concept_documents(base: str) -> dict[str, tuple[list[ox.Triple], str]]:
    """One document per concept scheme and per concept: path → (triples, root IRI)."""
    docs: dict[str, tuple[list[ox.Triple], str]] = {}
    for scheme in load_schemes().values():
        triples = list(ox.parse(path=str(scheme.file), format=ox.RdfFormat.TURTLE))
        rel = _relative_path(scheme.iri, base)
        if rel:
            docs[rel] = (triples, scheme.iri)
        for concept in scheme.concepts.values():
            rel = _relative_path(concept.iri, base)
            if rel:
                docs[rel] = ([t for t in triples if t.subject.value == concept.iri], concept.iri)
    vocab = list(ox.parse(path=str(ontology_dir() / "vocab.ttl"), format=ox.RdfFormat.TURTLE))
    vocab_iri = "https://w3id.org/medvlm-kg/vocab"
    rel = _relative_path(vocab_iri, base)
    if rel:
        docs[rel] = (vocab, vocab_iri)
    return docs


def render(catalog: Catalog, graph: KnowledgeGraph) -> dict[str, bytes]:
    """Every output file, by its path relative to the output folder."""
    files: dict[str, bytes] = {}
    base = catalog.base_iri
    documents: dict[str, tuple[list[ox.Triple], str]] = {"catalog": (graph.triples(), graph.catalog_iri)}
    for dataset_id, triples in graph.datasets.items():
        documents[f"dataset/{dataset_id}"] = (triples, dataset_iri(base, dataset_id))
    documents.update(_concept_documents(base))
    for number, (triples, iri) in catalog_pages(graph).items():
        documents[f"catalog/page/{number}"] = (triples, iri)
    for rel, (triples, root) in track(documents.items(), "writing RDF", total=len(documents), unit="doc"):
        for fmt in FORMATS.values():
            files[f"{rel}.{fmt.extension}"] = serialize(triples, fmt.name, [root])
    for path in sorted(ontology_dir().iterdir()):
        if path.is_file():
            files[f"ontology/{path.name}"] = path.read_bytes()
    from .croissant import croissant_files  # dataset/<id>.croissant.json, beside the dataset's RDF (Croissant 1.1)

    files.update(croissant_files(catalog, graph))
    from .site import render_site

    with stage("writing pages"):
        files.update(render_site(catalog, graph, files))
    return files


MANIFEST = ".medvlm-kg-manifest.json"


@dataclass
class WriteReport:
    """What a build did to the output folder: files written anew, files kept (same bytes, same inode), removed."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.written and not self.removed


def _read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _intact(out_dir: Path, manifest: dict[str, str], files: dict[str, bytes]) -> bool:
    """The folder still holds every file of its manifest, at the recorded size (a cheap check, no hashing)."""
    try:
        return all((out_dir / rel).lstat().st_size == len(files[rel]) for rel in manifest)
    except OSError:
        return False


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0


def write_output(files: dict[str, bytes], out_dir: Path | str) -> WriteReport:
    """Make ``out_dir`` hold exactly ``files``, atomically: readers see the old folder or the new one.

    The new folder is staged beside the old one and swapped in whole. Files whose bytes did not change are
    hard links to the old ones (same bytes, same mtime), so a rebuild rewrites only what an edit changed, and
    a rebuild with no change at all touches nothing.
    """
    out_dir = Path(out_dir).absolute()
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())) and not (out_dir / MARKER).is_file():
        raise CatalogError(
            Problem(
                str(out_dir),
                None,
                "--out",
                "is not a medvlm-kg build folder, so it is left alone",
                "choose an empty or new folder for the output",
            )
        )
    files = {**files, MARKER: b"This folder is written by medvlm-kg build and replaced whole on each build.\n"}
    manifest = {rel: hashlib.sha256(files[rel]).hexdigest() for rel in sorted(files)}
    files[MANIFEST] = (json.dumps(manifest, indent=0, sort_keys=True) + "\n").encode()
    old = _read_manifest(out_dir) if out_dir.is_dir() else {}
    report = WriteReport()
    if old == manifest and _intact(out_dir, manifest, files):
        report.kept = sorted(files)
        return report
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        os.chmod(staging, 0o755)
        made: set[Path] = {staging}
        for rel in track(sorted(files), "saving", unit="file"):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
                made.add(target.parent)
            previous = out_dir / rel
            if rel != MANIFEST and old.get(rel) == manifest[rel] and previous.is_file() and not previous.is_symlink():
                try:
                    os.link(previous, target)
                    report.kept.append(rel)
                    continue
                except OSError:
                    pass
            target.write_bytes(files[rel])
            os.chmod(target, 0o644)
            report.written.append(rel)
        report.removed = sorted(set(old) - set(manifest))
        if not out_dir.exists():
            os.rename(staging, out_dir)
        elif _exchange(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)
        else:
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rename(out_dir, retired / "previous")
            os.rename(staging, out_dir)
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def build(data_dir: Path | str, out_dir: Path | str) -> BuildResult:
    """Validate the catalog and write its knowledge graph; raise ``CatalogError`` and write nothing if invalid."""
    catalog, graph, problems = check(data_dir)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or catalog is None or graph is None:
        raise CatalogError(errors)
    files = render(catalog, graph)
    from .lock import output_lock, write_error

    try:
        with output_lock(out_dir):  # one writer at a time, or two builds could mix their files
            report = write_output(files, out_dir)
    except OSError as error:  # a full disk, a read-only folder: one clear line, the old output as it was
        raise write_error(out_dir, error) from None
    return BuildResult(catalog, graph, files, [p for p in problems if p.severity != ERROR], report)
