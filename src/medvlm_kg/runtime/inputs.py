"""What a build is made from, as digests: the code and ontology, catalog.yaml, each dataset file.

A rebuild compares them with the previous output's manifest: the same digest means nothing to do, and each unit
of work's key is made from the digests of what it reads (``units.py``). Light on purpose: a rebuild with no
change reads these and stops, without importing the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from medvlm_kg.resources import ontology_dir, package_files

__all__ = ["Inputs", "code_digest", "digest", "display_root", "scan"]


def digest(*parts: Any) -> str:
    """One SHA-256 of several values (bytes as they are, anything else as JSON)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(part)
        elif isinstance(part, str) and _PLAIN.fullmatch(part):  # its JSON is itself in quotes (most parts: digests)
            h.update(b'"' + part.encode() + b'"')
        else:  # orjson: a build's plan digests some 8,000 lists of ids and keys, 0.3 s through json.dumps
            try:
                h.update(orjson.dumps(part, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))
            except (TypeError, orjson.JSONEncodeError):  # an integer past 64 bits
                h.update(json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


_PLAIN = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII but for the quote and the backslash: JSON writes it as it is


def code_digest() -> str:
    """Everything besides the catalog that shapes the output: this package's code, templates and static files,
    the ontology, and the versions of the libraries that write bytes (a new version may write other bytes)."""
    h = hashlib.sha256()
    for path in [*package_files(), *sorted(p for p in ontology_dir().iterdir() if p.is_file())]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in ("pyoxigraph", "jinja2", "markupsafe"):
        try:
            h.update(f"{library} {metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{library} ?\0".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Inputs:
    """The build's inputs as digests: the catalog file, each dataset file by name, and all of it together."""

    common: str  # the code, the ontology, catalog.yaml and where the files are shown from
    files: dict[str, str]  # dataset file name → SHA-256 of its bytes
    digest: str
    # what checking a dataset file reads besides its bytes: the code with the ontology (the concept schemes) and
    # where the files are shown from, not catalog.yaml, so the files' parse cache outlives an edit to catalog.yaml
    # (10,000 files parsed again: 4 s of a rebuild)
    parsing: str


def scan(data_dir: Path) -> Inputs:
    """The digests of a catalog folder's inputs (reading every file, parsing none)."""
    folder = data_dir / "datasets"
    files: dict[str, str] = {}
    names: list[str] = []
    if folder.is_dir():
        # os.scandir, not Path: the kind of each entry comes with its name (no stat), and 10,000 Paths' checks and
        # reads took 0.22 s of an edit's scan, 0.12 s this way
        with os.scandir(folder) as found:
            entries = sorted(found, key=_name)  # one folder: by name, as Path sorts
        for entry in entries:
            names.append(entry.name)
            try:
                if _is_yaml(entry.name) and entry.is_file(follow_symlinks=False):  # a symlink is not read
                    with open(entry.path, "rb") as file:
                        files[entry.name] = hashlib.sha256(file.read()).hexdigest()
            except OSError:
                pass
    try:
        catalog_bytes = (data_dir / "catalog.yaml").read_bytes()
    except OSError:
        catalog_bytes = b""
    code, shown_from = code_digest(), display_root(data_dir)
    common = digest(code, catalog_bytes, shown_from)
    return Inputs(common, files, digest(common, names, files), digest("parsing", code, shown_from))


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _is_yaml(name: str) -> bool:
    """``Path(name).suffix == ".yaml"``: a name that is only ``.yaml`` has no suffix."""
    return name.endswith(".yaml") and name.rfind(".") > 0


def display_root(data_dir: Path) -> str:
    """How the catalog folder is named in messages: relative to the working folder where it can be."""
    try:
        return str(data_dir.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(data_dir)
