"""The data side: a description's triples grouped by subject, its background, and the view of both that
the shapes read (with the classes rdfs:subClassOf adds, where the graph states any)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from typing import Protocol

import pyoxigraph as ox

from medvlm_kg.validate.shacl.terms import _EMPTY, _RDFS_SUBCLASSOF, RDF_TYPE, Term

# ---- graphs ------------------------------------------------------------------------------------------------


_SCAN = 16  # up to this many values, a list is scanned for a repeat; past it, a set is kept beside the list


def _bucket(triples: list[ox.Triple]) -> dict:
    """A subject's values by predicate, in triple order, each value once (a triple stated twice, or by two
    descriptions of a node, is one value). A catalog lists every dataset under one predicate: its repeats are
    found in a set, not by scanning a list of 10,000."""
    values: dict = {}
    large: dict = {}
    for t in triples:
        p = t.predicate
        o = t.object
        found = values.get(p)
        if found is None:
            values[p] = [o]
        elif len(found) < _SCAN:
            if o not in found:
                found.append(o)
        else:
            known = large.get(p)
            if known is None:
                known = large[p] = set(found)
            if o not in known:
                known.add(o)
                found.append(o)
    return values


class Graph:
    """Triples grouped by subject; a subject's values are grouped by predicate when first asked for, and kept.

    Grouping by subject is all that is done up front: pyoxigraph builds a new Python object at every attribute
    read, so each triple is read once for its subject and once more, later, for its predicate and object.
    Values are lists in triple order, each value once (a triple stated twice is one fact).
    """

    __slots__ = ("_triples", "_values", "_types", "_same", "_version")

    def __init__(self, triples: Iterable[ox.Triple] = ()) -> None:
        index: dict = {}
        last = found = None
        for t in triples:
            s = t.subject
            if s != last:  # a description lists a subject's triples mostly together: look it up once a run
                found = index.get(s)
                if found is None:
                    found = index[s] = []
                last = s
            found.append(t)
        self._triples: dict = index
        self._values: dict = {}
        self._types: dict = {}
        self._same: dict = {}  # node → a graph with the same triples about it, which reads it for both
        self._version = 0  # counts changes, for what is remembered about a background

    @classmethod
    def union(cls, *graphs: Graph) -> Graph:
        """One graph of several (a subject described in more than one gets all their triples)."""
        merged = cls()
        index = merged._triples
        for graph in graphs:
            for s, ts in graph._triples.items():
                found = index.get(s)
                index[s] = ts if found is None else found + ts
        return merged

    def __contains__(self, node: object) -> bool:
        return node in self._triples

    def __iter__(self) -> Iterator[Term]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def items(self) -> Iterable[tuple[Term, list[ox.Triple]]]:
        """(subject, its triples) pairs."""
        return self._triples.items()

    def triples(self, node: Term) -> list[ox.Triple]:
        """The triples whose subject is ``node``."""
        return self._triples.get(node, [])

    def replace(self, node: Term, triples: list[ox.Triple]) -> None:
        """Describe ``node`` by ``triples`` instead (to give every description the union of a node they share)."""
        self._triples[node] = triples
        self._values.pop(node, None)
        self._types.pop(node, None)
        self._same.pop(node, None)
        self._version += 1

    def share(self, node: Term, other: Graph) -> None:
        """Read ``node`` as ``other`` does, whose triples about it are the same: they are grouped once for both."""
        self._same[node] = other
        self._version += 1

    def values(self, node: Term) -> Mapping | None:
        """predicate → objects for ``node``; None when it is no subject here."""
        triples = self._triples.get(node)
        if triples is None:
            return None
        found = self._values.get(node)
        if found is None:
            other = self._same.get(node)
            found = self._values[node] = _bucket(triples) if other is None else other.values(node)
        return found

    def types(self, node: Term) -> list | None:
        """The rdf:type values of ``node`` (what sh:class reads); None when it is no subject here."""
        triples = self._triples.get(node)
        if triples is None:
            return None
        found = self._values.get(node)
        if found is not None:
            return found.get(RDF_TYPE) or []
        known = self._types.get(node)
        if known is None:
            other = self._same.get(node)
            if other is not None:
                return other.types(node)
            known = self._types[node] = [t.object for t in triples if t.predicate == RDF_TYPE]
        return known

    def release(self, keep_types: Container[Term] = ()) -> None:
        """Drop the grouped values, keeping the types of the nodes in ``keep_types``.

        Keeping every description's values alive costs more than grouping them (at 10,000 datasets the
        allocator, not the checks, took most of the time); a node asked for again is grouped again.
        """
        for node, found in self._values.items():
            if node in keep_types:
                self._types[node] = found.get(RDF_TYPE) or []
        self._values = {}


class Background(Protocol):
    """What a background answers: whether it describes a node, its values (predicate → objects), its types."""

    def __contains__(self, node: object) -> bool: ...

    def values(self, node: Term) -> Mapping | None: ...

    def types(self, node: Term) -> list | None: ...


class _View:
    """A description with its background, as the one graph the shapes see.

    A node the background describes is read from the background alone: a description restating a concept or
    the catalog adds nothing to what the background holds (the caller gives the background their union).
    ``supers`` maps a class to itself and its superclasses when the graph states rdfs:subClassOf (else None).
    """

    __slots__ = ("local", "background", "supers", "_store")

    def __init__(self, local: Graph, background: Background | None, supers: dict | None = None) -> None:
        self.local, self.background, self.supers, self._store = local, background, supers, None

    def values(self, node: Term) -> Mapping:
        if self.background is not None:
            found = self.background.values(node)
            if found is not None:
                return found
        found = self.local.values(node)
        return _EMPTY if found is None else found

    def types(self, node: Term) -> list:
        found = None
        if self.background is not None:
            found = self.background.types(node)
        if found is None:
            found = self.local.types(node) or []
        return found if self.supers is None else _superclasses(found, self.supers)

    def store(self) -> ox.Store:
        """The description in a pyoxigraph store, for SPARQL-based constraints (made when first asked for).

        It holds the description's triples, not the background's: a query reading only the focus node's
        description (as the project's does) finds what it finds in the whole graph; validate a whole graph as
        one description (no background) for queries that read further.
        """
        if self._store is None:
            self._store = ox.Store()
            triples = [t for ts in self.local._triples.values() for t in ts]
            # lenient: the terms were checked when they were made, and pyoxigraph writes only valid N-Triples (checking
            # them again was a third of loading a dataset's description, 0.41 → 0.28 ms)
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            self._store.load(nt, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        return self._store


def _superclasses(types: Iterable[Term], supers: dict) -> list:
    """``types`` and every class they are stated subclasses of (rdfs:subClassOf, transitively)."""
    return list(dict.fromkeys(c for t in types for c in supers.get(t, (t,))))


def _subclass_closure(graph: Graph) -> dict:
    """class → (itself and its superclasses), from the rdfs:subClassOf triples of ``graph``."""
    direct: dict = {}
    for node in graph:
        for parent in (graph.values(node) or _EMPTY).get(_RDFS_SUBCLASSOF, ()):
            direct.setdefault(node, []).append(parent)
    closure: dict = {}
    for cls in direct:
        found, todo = [cls], [cls]
        while todo:
            for parent in direct.get(todo.pop(), ()):
                if parent not in found:
                    found.append(parent)
                    todo.append(parent)
        closure[cls] = tuple(found)
    return closure
