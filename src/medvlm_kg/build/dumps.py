"""The whole-catalog dumps, ``catalog.ttl.gz`` and ``catalog.nt.gz``, as concatenated gzip members.

A gzip file may hold several members one after another (RFC 1952 §2.2); every reader (gzip, zcat, Python,
browsers for ``Content-Encoding: gzip``) reads them as one stream. Each dump is a member for the catalog's own
description, then one member per dataset (by id), so a rebuild after an edit compresses that dataset's member
and copies every other member's bytes from the previous dump (their places are kept in the manifest). Members
are written deterministically: no file name, mtime 0, one compression level.

Turtle: a dataset's member is its Turtle document without the prefix lines (all documents share them; the first
member has them). A node several datasets describe (a paper, a person, a concept's labels) is then described in
each, which states the same triples again, as before. N-Triples states each triple once: a dataset's member has
the lines of its own nodes (its IRI and ``#…`` under it); the lines about every other node are gathered, each
line once, into ``BUCKETS`` members after the datasets, a node to a bucket by a hash of its IRI, so an edit
rewrites only the buckets of the nodes it touches.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from medvlm_kg.graph.iris import dataset_iri
from medvlm_kg.graph.serialize import TURTLE_HEADER, serialize, serialize_sorted
from medvlm_kg.validate.core import node_digest

__all__ = [
    "BUCKETS",
    "LEVEL",
    "DUMP_UNITS",
    "DumpPlan",
    "catalog_ntriples_dump",
    "catalog_turtle_dump",
    "dataset_members",
    "member",
    "members_of",
    "node_lines",
    "split_ntriples",
]

_COPY_RUN = 8 << 20  # bytes of old members copied in one read
LEVEL = 6  # zlib's default: a tenth of level 9's time for nearly its size on N-Triples
BUCKETS = 256  # an edit makes again the buckets of the nodes it touches (15 at 10,000): smaller is faster


def member(data: bytes) -> bytes:
    """One gzip member of ``data``: no file name, mtime 0, so the same bytes give the same member."""
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def _subject(line: bytes) -> bytes:
    return line[1 : line.index(b"> ")]


def split_ntriples(ntriples: bytes, own: str) -> tuple[bytes, dict[str, bytes]]:
    """A dataset's sorted N-Triples split into the lines of its own nodes (``own`` and ``own#…``) and, by node,
    the lines about every other node."""
    own_lines: list[bytes] = []
    others: dict[str, list[bytes]] = {}
    iri, fragment = own.encode(), own.encode() + b"#"
    for line in ntriples.splitlines():
        subject = _subject(line)
        if subject == iri or subject.startswith(fragment):
            own_lines.append(line)
        else:
            others.setdefault(subject.decode(), []).append(line)
    return _text(own_lines), {node: _text(lines) for node, lines in others.items()}


def node_lines(text: bytes) -> dict[str, bytes]:
    """N-Triples lines grouped by subject."""
    by_node: dict[str, list[bytes]] = {}
    for line in text.splitlines():
        by_node.setdefault(_subject(line).decode(), []).append(line)
    return {node: _text(lines) for node, lines in by_node.items()}


def bucket_of(node: str) -> int:
    return hashlib.blake2b(node.encode(), digest_size=2).digest()[0] % BUCKETS


def members_of(subject: str, base: str) -> list[str]:
    """The N-Triples members a line about ``subject`` may sit in: the catalog's own (""), the member of the
    dataset whose node it is, and the node bucket."""
    found = ["", f"nodes/{bucket_of(subject)}"]
    prefix = base + "dataset/"
    if subject.startswith(prefix):
        found.append(subject[len(prefix) :].split("#", 1)[0])
    return found


def _text(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


@dataclass
class DumpPlan:
    """How one dump is made: its members in order, each either copied from the old dump or made anew.

    ``table`` records, for the manifest, each member's name → [offset, length, lines] in the new dump."""

    old_table: dict[str, list[int]]
    read_old: Callable[[int, int], bytes] | None
    table: dict[str, list[int]] = field(default_factory=dict)
    offset: int = 0

    def pieces(self, members: Iterator[tuple[str, Callable[[], tuple[bytes, int]] | None]]) -> Iterator[bytes]:
        """The dump's bytes: for each (name, make) of ``members``, the old member when ``make`` is None (the
        member did not change), else ``make()`` → (the member, made with ``member``; its lines).

        Old members that lie one after another are read together, up to ``_COPY_RUN`` bytes at a time: read one
        by one, the 20,000 members of a 10,000-entry catalog's dumps took a second of every edit."""
        start = end = 0  # the old dump's bytes [start, end) still to be copied
        for name, make in members:
            old = self.old_table.get(name)
            if make is None and old is not None and self.read_old is not None:
                if end > start and (old[0] != end or end - start >= _COPY_RUN):
                    yield self.read_old(start, end - start)
                    start = end
                if end == start:
                    start = end = old[0]
                end += old[1]
                self.table[name] = [self.offset, old[1], old[2]]
                self.offset += old[1]
                continue
            if end > start:
                assert self.read_old is not None
                yield self.read_old(start, end - start)
                start = end
            if make is None:
                raise KeyError(name)
            data, lines = make()
            self.table[name] = [self.offset, len(data), lines]
            self.offset += len(data)
            yield data
        if end > start:
            assert self.read_old is not None
            yield self.read_old(start, end - start)


# ---- the dumps of a build (``units.py`` runs them: a dataset's members in its unit, the dumps in the catalog's)


def dataset_members(sink, dataset_id: str, iri: str, ordered: list[ox.Triple], turtle: bytes) -> dict[str, str]:
    """A dataset's members of the catalog dumps (``dumps.py``), made here, in the dataset's unit (in a worker):
    its Turtle without the prefix lines and the N-Triples lines of its own nodes, compressed, and the lines about
    other nodes, for the catalog's unit to gather. ``ordered``: its triples in ``sort_triples`` order. Returns a
    digest of each other node's lines."""
    body = turtle[len(TURTLE_HEADER) :] if turtle.startswith(TURTLE_HEADER) else turtle
    own, others = split_ntriples(serialize_sorted(ordered, "ntriples"), iri)
    sink.put_work(f"{dataset_id}.ttl.gz", member(body))
    sink.put_work(f"{dataset_id}.nt.gz", member(own))
    sink.put_work(f"{dataset_id}.nt.lines", str(own.count(b"\n")).encode())
    sink.put_work(f"{dataset_id}.nodes", b"".join(others.values()))
    return {node: node_digest(lines) for node, lines in sorted(others.items())}


def _old_dump(state, name: str) -> Callable[[int, int], bytes] | None:
    """A reader of the previous build's dump ``name`` (offset, length → bytes), or None without one."""
    staged = state.sink.staged if state.sink else None
    if staged is None:
        return None
    path = staged.out_dir / name

    def read(offset: int, length: int) -> bytes:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(length)
        if len(data) != length:
            raise OSError(f"{path} is shorter than its manifest says")
        return data

    return read if path.is_file() else None


# The two dumps are two units, so two workers write them side by side: with the query store's update after it, the
# N-Triples dump alone was the longest part of an edit's catalog-wide units at 10,000 entries.
DUMP_UNITS = {"ttl": "catalog-ttl", "nt": "catalog"}  # the unit that makes each dump, by kind


def _old_members(state, kind: str) -> dict[str, list[int]]:
    """The place of each member in the previous build's dump of ``kind`` (from its unit's record)."""
    return ((state.old_units.get(DUMP_UNITS[kind]) or {}).get("members") or {}).get(kind) or {}


def catalog_turtle_dump(state) -> dict[str, Iterator[bytes]]:
    """``catalog.ttl.gz``: the catalog's own description, then each dataset's member (made by its unit when it
    changed, else copied from the previous dump)."""
    ids = sorted(d.id for d in state.catalog.datasets)
    fresh = state.fresh
    plan = state.dump_plans["ttl"] = DumpPlan(_old_members(state, "ttl"), _old_dump(state, "catalog.ttl.gz"))
    header = state.catalog_triples

    def members() -> Iterator:
        yield "", lambda: (member(serialize(header, "turtle", [state.root])), 0)
        for i in ids:
            yield i, (None if i not in fresh else lambda i=i: (state.sink.read_work(f"{i}.ttl.gz"), 0))

    return {"catalog.ttl.gz": plan.pieces(members())}


def catalog_ntriples_dump(state) -> dict[str, Iterator[bytes]]:
    """``catalog.nt.gz``: the catalog's own description, each dataset's member (its own nodes' lines), then the
    buckets of lines about nodes several datasets describe."""
    ids = sorted(d.id for d in state.catalog.datasets)
    fresh = state.fresh
    old = _old_members(state, "nt")
    plan = state.dump_plans["nt"] = DumpPlan(old, _old_dump(state, "catalog.nt.gz"))
    header_nt = serialize(state.catalog_triples, "ntriples")

    def members() -> Iterator:
        yield "", lambda: (member(header_nt), header_nt.count(b"\n"))
        for i in ids:
            if i in fresh:
                lines = int(state.sink.read_work(f"{i}.nt.lines"))
                yield i, (lambda i=i, n=lines: (state.sink.read_work(f"{i}.nt.gz"), n))
            else:
                yield i, None
        yield from _bucket_members(state, ids, header_nt, old)

    return {"catalog.nt.gz": plan.pieces(members())}


def _bucket_members(state, ids: list[str], header_nt: bytes, old_table: dict) -> Iterator:
    """The N-Triples buckets: every line about a node that is not a dataset's own, each once, by node bucket.

    Only the buckets that hold a node an edit touched are made again (all of them when the catalog's own lines
    changed). A node is touched when a dataset made anew states other lines about it than it did (their digests
    differ), or a removed dataset described it: an edit of a name touches none, so no bucket is made again (the
    catalog unit of such an edit at 10,000 entries: 0.64 s before). Who describes a node is gathered for the
    touched nodes only when the previous build counted the nodes of each bucket (``state.bucket_nodes``): a
    bucket's other nodes are described as before, so their lines are the old bucket's. Gathering it for every
    node of those buckets took a fifth of a second of every edit at 10,000 entries."""
    fresh = state.fresh
    current = {i: state.nodes.get(i, {}) for i in ids}
    header_lines = set(header_nt.splitlines(keepends=True))
    old_record = state.old_units.get("catalog") or {}
    state.header_digest = _digest_lines(header_nt)
    same_header = old_record.get("header") == state.header_digest
    # The old buckets stand only for the same code (which lays them out) and the same catalog header (whose lines
    # they leave out): else every node of a dataset made anew is gathered again, whatever its digest.
    same_inputs = same_header and old_record.get("common") == state.common
    # A dataset kept from the previous build describes every node as it did then (its record is the old one), so
    # only the old node maps of the datasets made anew and of those removed are read.
    old_ids = (name[len("dataset/") :] for name in state.old_units if name.startswith("dataset/"))
    removed = [i for i in old_ids if i not in current]
    before = {i: (state.old_units.get(f"dataset/{i}") or {}).get("nodes") or {} for i in [*fresh, *removed]}
    touched: set[str] = set()
    for i in fresh:
        now, then = current.get(i, {}), before.get(i, {})
        if same_inputs:  # a node whose lines the dataset states as before: its bucket's lines are as before
            touched |= {n for n in now.keys() | then.keys() if now.get(n) != then.get(n)}
        else:
            touched |= now.keys() | then.keys()
    touched |= {n for i in removed for n in before[i]}
    old_counts = old_record.get("bucket_nodes")
    only_touched = (
        same_header
        and isinstance(old_counts, list)
        and len(old_counts) == BUCKETS
        and all(isinstance(n, int) and (n == 0 or f"nodes/{b}" in old_table) for b, n in enumerate(old_counts))
    )
    buckets: dict[str, int] = {}  # node → its bucket, each node hashed once

    def bucket(node: str) -> int:
        found = buckets.get(node)
        if found is None:
            found = buckets[node] = bucket_of(node)
        return found

    describers: dict[str, dict[str, list[str]]] = {}  # node → digest of its lines → the datasets saying so
    old_digests: dict[str, set[str]] = {}  # node → the digests of its lines in the previous build
    if only_touched:
        work = {bucket(n) for n in touched}

        def wanted(nodes: dict[str, str]) -> Iterable[str]:
            return nodes.keys() & touched

    else:
        # A bucket with no touched node, kept from the old dump, holds the same nodes described the same way
        work = {b for b in range(BUCKETS) if not same_header or f"nodes/{b}" not in old_table}
        work |= {bucket(n) for n in touched}

        def wanted(nodes: dict[str, str]) -> Iterable[str]:
            return [n for n in nodes if bucket(n) in work]

    for i, nodes in current.items():
        kept = i not in fresh
        for node in wanted(nodes):
            describers.setdefault(node, {}).setdefault(nodes[node], []).append(i)
            if kept:
                old_digests.setdefault(node, set()).add(nodes[node])
    for nodes in before.values():
        for node in wanted(nodes):
            old_digests.setdefault(node, set()).add(nodes[node])
    if only_touched:  # the other nodes of each bucket are described as before
        counts = list(old_counts)
        for node in touched:
            counts[bucket(node)] += (node in describers) - (node in old_digests)
    else:
        counts = [0] * BUCKETS
        for node in {n for nodes in current.values() for n in nodes}:
            counts[bucket(node)] += 1
    state.bucket_nodes = counts
    by_bucket: dict[int, list[str]] = {}  # the nodes whose lines are gathered anew
    for node in describers.keys() | touched:
        by_bucket.setdefault(bucket(node), []).append(node)
    read_old = _old_dump(state, "catalog.nt.gz")
    # The lines about a node with a given digest are read from one of the datasets that describe it so (its
    # holder). A dataset's lines are read once and only those about the nodes it holds are kept, each until taken:
    # keeping every dataset's lines about every node it describes took the catalog unit's traced peak from 48 to
    # 133 MiB at 10,000 entries.
    holds: dict[str, set[str]] = {}
    for node, by_digest in describers.items():
        for holders in by_digest.values():
            holds.setdefault(next((i for i in holders if i in fresh), holders[0]), set()).add(node)
    parsed: dict[str, dict[str, bytes]] = {}

    def take(dataset_id: str, node: str) -> bytes:
        """The lines ``dataset_id`` has about ``node`` (each asked for once: a dataset holds one digest a node)."""
        if dataset_id not in parsed:
            if dataset_id in fresh:
                every = node_lines(state.sink.read_work(f"{dataset_id}.nodes"))
            else:  # an unchanged dataset whose lines no old bucket holds apart: read its Turtle again
                turtle = state.sink.read(f"dataset/{dataset_id}.ttl")
                triples = [
                    ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
                ]
                iri = dataset_iri(state.catalog.base_iri, dataset_id)
                every = split_ntriples(serialize(triples, "ntriples"), iri)[1]
            wanted = holds.get(dataset_id, set())
            parsed[dataset_id] = {n: text for n, text in every.items() if n in wanted}
        lines = parsed[dataset_id]
        text = lines.pop(node, b"")
        if not lines:
            del parsed[dataset_id]
        return text

    def make(number: int) -> Callable[[], tuple[bytes, int]]:
        def run() -> tuple[bytes, int]:
            name = f"nodes/{number}"
            old = old_table.get(name)
            previous = node_lines(gzip.decompress(read_old(old[0], old[1]))) if old and read_old else {}
            lines: set[bytes] = set()
            gathered = []
            if only_touched:  # a node no edit touched is described as before
                for node, text in previous.items():
                    if node not in touched:
                        lines.update(text.splitlines(keepends=True))
                gathered = by_bucket.get(number, [])
            else:
                for node in by_bucket.get(number, []):
                    if node not in touched and node in previous:
                        lines.update(previous[node].splitlines(keepends=True))
                    else:
                        gathered.append(node)
            for node in gathered:
                for d, holders in describers.get(node, {}).items():
                    holder = next((i for i in holders if i in fresh), None)
                    if holder is None and old_digests.get(node) == {d} and node in previous:
                        text = previous[node]
                    else:
                        text = take(holder or holders[0], node)
                    lines.update(text.splitlines(keepends=True))
            kept = sorted(lines - header_lines)
            return member(b"".join(kept)), len(kept)

        return run

    for number in range(BUCKETS):
        name = f"nodes/{number}"
        if number not in work:  # as in the old dump: the same nodes, described the same way (or none)
            if name in old_table:
                yield name, None
            continue
        if counts[number]:  # as a clean build would have it: a bucket with a node someone describes
            yield name, make(number)


def _digest_lines(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
