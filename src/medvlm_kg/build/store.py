"""The query store a build leaves beside its output: an on-disk Oxigraph database of the catalog graph.

``build --out public`` writes ``public/`` (what a static host publishes) and ``public.store/<generation>/``
beside it: the catalog graph plus the ontology files (what ``query.queryable_triples`` gives), in the named
graph of the catalog IRI, loaded by Oxigraph's bulk loader. It lives *beside* the output, not inside it, so
uploading the folder (``aws s3 sync``, rsync, a Pages artifact with hidden files on) never ships a database.

A generation is named by the key of the build's catalog unit (a digest of everything the catalog graph is made
from) and recorded in the output's manifest, which is swapped in with the output: a reader reads the manifest
of the folder it sees and opens the generation named there, read-only, so the output and the store it queries
always belong to the same build. A generation is complete before its folder gets its name (made under another
name, then renamed), its database never written after (``query`` keeps the long answers it computed from it in
``answers/`` beside the database: ``sparql/kept_answers.py``), and removed only by a later build holding the
output's lock, which keeps the previous generation too (a server may still read it). A build whose catalog did
not change keeps the generation it has; after a small edit the new generation is made from the previous one and
the dump members that changed (``update_generation``), not loaded again. ``query --from-build`` and ``serve``'s
``/sparql`` open it in milliseconds instead of loading ``catalog.nt`` again (seconds at 10,000 entries, minutes
at 100,000).
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from medvlm_kg.build.output import beside, marked_generation, read_manifest
from medvlm_kg.resources import ontology_dir

__all__ = [
    "ONTOLOGY_FILES",
    "GENERATION_LENGTH",
    "generation_named",
    "load_into",
    "make_generation",
    "open_generation",
    "open_store",
    "prune",
    "rocksdb_running",
    "store_root",
    "update_generation",
]

# What the bundled queries run over besides the catalog graph (labels, the concept hierarchy).
ONTOLOGY_FILES = ("vocab.ttl", "modality.ttl", "task.ttl", "unit.ttl", "platform.ttl")
GENERATION_LENGTH = 24  # hex digits of the catalog unit's key


_opened_here = False  # this process opened an on-disk store (where thread names cannot be read: ``rocksdb_running``)


def _on_disk(path: Path, read_only: bool = False) -> ox.Store:
    global _opened_here
    _opened_here = True
    return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))


def rocksdb_running() -> bool:
    """Whether this process runs the background threads of an on-disk store's database (RocksDB). They start with
    the first store it opens (ours, or one a caller opened) and last until it exits. A process forked from it then
    must not open a store: the fork has none of those threads, a lock one of them held stays held, and it waits
    forever (a build after a query in the same Python session did). Linux names the threads; elsewhere, the
    stores this module opened tell."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return _opened_here
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8", errors="replace") as comm:
                if comm.read().startswith("rocksdb"):
                    return True
        except OSError:  # a thread that ended meanwhile
            continue
    return _opened_here


def store_root(out_dir: Path | str) -> Path:
    """The folder holding the store generations of an output folder: ``<out>.store`` beside it (with the build's
    manifest and parse cache, ``output.beside``)."""
    return beside(out_dir)


def generation_path(out_dir: Path | str, generation: str) -> Path:
    return store_root(out_dir) / generation


# Oxigraph's bulk loader keeps what one call gives it in memory until it writes: one call for the 1.36 M triples
# of a 10,000-entry dump peaked at 1.1 GiB, calls of 8 MiB at 0.1 GiB, no slower. ``optimize`` merges the
# database files the calls make.
LOAD_PIECE = 8 << 20


def _pieces(streams: list[IO[bytes]]) -> Iterator[bytes]:
    """The streams' bytes, one after another, in pieces of about ``LOAD_PIECE`` that end at a line end (N-Triples
    is one triple per line); each stream is closed once read."""
    rest = b""
    for stream in streams:
        with stream:
            while block := stream.read(LOAD_PIECE):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                if cut:
                    yield block[:cut]
    if rest:
        yield rest


def load_into(store: ox.Store, catalog_dump: Path, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    """Bulk-load a catalog dump (``catalog.nt`` or ``catalog.nt.gz``) and the ontology files into ``graph`` with
    Oxigraph's bulk loader, a piece at a time (``LOAD_PIECE``). Our graphs have no blank nodes; from the first
    piece that may hold one, the rest is loaded in one call, so each label still names one node."""
    head = io.BytesIO(ox.serialize(_ontology(), format=ox.RdfFormat.N_TRIPLES))
    dump = gzip.open(catalog_dump, "rb") if catalog_dump.suffix == ".gz" else open(catalog_dump, "rb")  # noqa: SIM115
    pieces = _pieces([head, dump])
    for piece in pieces:
        if b"_:" in piece:  # a blank node's label names one node only within one call: the rest in one call
            piece = b"".join([piece, *pieces])
        store.bulk_load(piece, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


def make_generation(out_dir: Path | str, generation: str, catalog_dump: Path, catalog_iri: str) -> Path:
    """Make the store generation ``generation`` of ``out_dir`` from a catalog dump (kept if it exists)."""

    def fill(db: Path) -> None:
        store = _on_disk(db)
        load_into(store, catalog_dump, ox.NamedNode(catalog_iri))
        store.flush()
        store.optimize()

    return _new_generation(out_dir, generation, fill)


def _new_generation(out_dir: Path | str, generation: str, fill: Callable[[Path], None]) -> Path:
    """The folder of ``generation``: kept if it exists, else made by ``fill(db)`` under another name and renamed
    when complete (the database closed first: a generation is never written again); nothing left if it fails."""
    target = generation_path(out_dir, generation)
    if target.is_dir():
        return target
    root = store_root(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        fill(partial / "db")  # the store it opens is released when it returns
        os.rename(partial / "db", partial / "ready")
        os.rename(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


# An edit changing more than this share of the dump's bytes reloads the whole dump: applying many members'
# differences one triple at a time is slower than Oxigraph's bulk loader.
UPDATE_SHARE = 0.05


def update_generation(
    out_dir: Path | str,
    old_generation: str,
    generation: str,
    old_dump: tuple[Path, dict[str, list[int]]],
    new_dump: tuple[Path, dict[str, list[int]]],
    catalog_iri: str,
    member_of: Callable[[str], list[str]],
) -> Path | None:
    """Make ``generation`` from ``old_generation`` and the difference of two N-Triples dumps, member by member:
    a checkpoint of the old database (hard links), then the triples of changed members that no other member
    still states removed, and the new ones added. None (nothing made) when it cannot be done this way (no old
    generation, a large change): the caller loads the whole dump then.

    ``old_dump``/``new_dump``: a dump's path and its member table (name → [offset, length, lines]).
    ``member_of(subject)``: the members a triple about ``subject`` may sit in (``dumps.members_of``); a triple
    leaves the store only if none of them, and no ontology file, states it any more.
    """
    target = generation_path(out_dir, generation)
    if target.is_dir():
        return target
    source = generation_path(out_dir, old_generation) / "ready"
    if not source.is_dir():
        return None
    old_bytes, new_bytes = old_dump[0].read_bytes(), new_dump[0].read_bytes()

    def piece(data: bytes, table: dict[str, list[int]], name: str) -> bytes | None:
        entry = table.get(name)
        return None if entry is None else data[entry[0] : entry[0] + entry[1]]

    changed = [
        name
        for name in sorted(set(old_dump[1]) | set(new_dump[1]))
        if piece(old_bytes, old_dump[1], name) != piece(new_bytes, new_dump[1], name)
    ]
    if sum((new_dump[1].get(n) or [0, 0])[1] for n in changed) > UPDATE_SHARE * max(1, len(new_bytes)):
        return None

    def lines(data: bytes, table: dict[str, list[int]], names: Iterable[str]) -> set[bytes]:
        found: set[bytes] = set()
        for name in names:
            raw = piece(data, table, name)
            if raw:
                found.update(gzip.decompress(raw).splitlines(keepends=True))
        return found

    before, after = lines(old_bytes, old_dump[1], changed), lines(new_bytes, new_dump[1], changed)
    added, gone = after - before, before - after
    if gone:  # still stated elsewhere (an unchanged member, an ontology file)? then it stays
        still = set(ox.serialize(_ontology(), format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True))
        subjects = {line[1 : line.index(b"> ")].decode() for line in gone}
        unchanged = {m for s in subjects for m in member_of(s)} - set(changed)
        still |= lines(new_bytes, new_dump[1], unchanged)
        gone -= still

    def fill(db: Path) -> None:
        _on_disk(source, read_only=True).backup(str(db))
        store = _on_disk(db)
        graph = ox.NamedNode(catalog_iri)
        for quad in ox.parse(b"".join(sorted(gone)), format=ox.RdfFormat.N_TRIPLES):
            store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
        store.extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(b"".join(sorted(added)), format=ox.RdfFormat.N_TRIPLES)
        )
        store.flush()

    return _new_generation(out_dir, generation, fill)


def _ontology() -> list[ox.Triple]:
    return [t for name in ONTOLOGY_FILES for t in ox.parse(path=str(ontology_dir() / name))]


def prune(out_dir: Path | str, keep: set[str]) -> None:
    """Remove the generations (and half-made ones) not in ``keep``; only while holding the output's lock."""
    root = store_root(out_dir)
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.name not in keep and child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)


def current_generation(out_dir: Path | str) -> str | None:
    """The generation the output folder's build names (None for a build without a store): in its marker, else (a
    build from before the marker named it) in its manifest."""
    return marked_generation(out_dir) or generation_named(read_manifest(out_dir)["units"])


def generation_named(units: dict) -> str | None:
    """The generation a manifest's units name (its catalog unit's), or None."""
    record = units.get("catalog") if isinstance(units, dict) else None
    generation = record.get("store") if isinstance(record, dict) else None
    return generation if isinstance(generation, str) and generation.isalnum() else None


def open_store(out_dir: Path | str) -> ox.Store | None:
    """The store of the build in ``out_dir``, read-only; None when it has none (an older build, a folder copied
    without its ``.store``)."""
    opened = open_generation(out_dir)
    return opened[0] if opened else None


def open_generation(out_dir: Path | str) -> tuple[ox.Store, Path] | None:
    """``open_store``, with the folder of the generation it opened (where ``query`` keeps the answers it computed
    from that store, ``sparql.kept_answers``). A build that replaced the folder between reading the manifest and
    opening the generation is met by reading the manifest again."""
    for _ in range(3):
        generation = current_generation(out_dir)
        if generation is None:
            return None
        folder = generation_path(out_dir, generation)
        try:
            return _on_disk(folder / "ready", read_only=True), folder
        except OSError:
            if current_generation(out_dir) == generation:
                return None
    return None
