"""The naive pipeline the benchmark compares ours with: everything in one rdflib graph.

What a first version of this project would do: put our triples in an ``rdflib.Graph``, write Turtle,
JSON-LD and N-Triples with rdflib's serializers (the whole catalog, and one small graph per dataset
document), answer the bundled queries with rdflib's SPARQL engine, and run pyshacl on the whole graph.
The triples are ours (``convert.convert``), so both pipelines do the same work on the same data.

Some of these stages take minutes at 10,000 entries, so each gets a time budget: ``scaled`` runs a stage
on growing samples (a prefix of the datasets, in id order) and stops before a run would overrun the
budget; the full-size time is then extrapolated linearly from the largest sample, and marked so.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from medvlm_kg.graph.jsonld import load_context
from medvlm_kg.resources import ontology_dir

__all__ = [
    "Measure",
    "FORMATS",
    "ladder",
    "scaled",
    "repeated",
    "to_rdflib",
    "graph_of",
    "serialize",
    "shacl",
    "query",
]

# our format name → rdflib's serializer name
FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}


@dataclass
class Measure:
    """A stage's time at full size: measured, or extrapolated linearly from a sample of ``sample`` datasets.

    ``growth`` is the exponent of the time's growth between the two largest samples (1 = linear), when they
    took long enough to tell; above 1, a linear extrapolation is a lower bound.
    """

    seconds: float
    sample: int
    size: int
    runs: list[float] = field(default_factory=list)
    growth: float | None = None

    @property
    def extrapolated(self) -> bool:
        return self.sample < self.size

    def as_dict(self) -> dict:
        return {
            "seconds": self.seconds,
            "extrapolated": self.extrapolated,
            "sample": self.sample,
            "runs": self.runs,
            "growth": self.growth,
        }


def ladder(n: int) -> list[int]:
    """Sample sizes to try, smallest first, ending with ``n``: a sixty-fourth, a sixteenth, a quarter, all."""
    if n <= 200:
        return [n]
    return sorted({max(10, n // 64), max(10, n // 16), max(10, n // 4), n})


def _growth(points: list[tuple[int, float]]) -> float | None:
    """The exponent e in t ~ k^e between the last two samples, if both took long enough to measure."""
    if len(points) < 2:
        return None
    (k1, t1), (k2, t2) = points[-2:]
    if t1 < 0.05 or k2 <= k1:
        return None
    return math.log(max(t2, 1e-9) / t1) / math.log(k2 / k1)


def scaled(run: Callable[[int], float], n: int, budget: float) -> Measure:
    """Time ``run(k)`` (which returns the seconds of its own work on ``k`` datasets) on growing samples.

    The next, larger sample runs only if its predicted time fits in what is left of ``budget`` (predicted
    with the growth seen so far, at least linear, at most quadratic: some rdflib stages are superlinear);
    otherwise the full-size time is extrapolated linearly from the largest sample run.
    """
    spent = 0.0
    points: list[tuple[int, float]] = []
    for k in ladder(n):
        if points:
            k0, t0 = points[-1]
            exponent = min(2.0, max(1.0, _growth(points) or 1.0))
            if spent + t0 * (k / k0) ** exponent > budget:
                break
        points.append((k, run(k)))
        spent += points[-1][1]
    k, t = points[-1]
    return Measure(t * n / k, k, n, [t], _growth(points))


def repeated(run: Callable[[int], float], n: int, budget: float, times: int = 5) -> Measure:
    """Like ``scaled``; at full size, repeat up to ``times`` runs within the budget and take the median."""
    measure = scaled(run, n, budget)
    if measure.extrapolated:
        return measure
    runs = [measure.seconds]
    spent = measure.seconds
    while len(runs) < times and spent + statistics.median(runs) <= budget:
        runs.append(run(n))
        spent += runs[-1]
    return Measure(statistics.median(runs), n, n, runs, measure.growth)


def to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def graph_of(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """An rdflib graph holding ``triples`` (added to ``graph`` if given)."""
    graph = rdflib.Graph() if graph is None else graph
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


@cache
def _context() -> dict:
    return load_context().document["@context"]


def serialize(graph: rdflib.Graph, fmt: str) -> bytes:
    """The graph in one of our formats, by rdflib's serializer (JSON-LD compacted with our context)."""
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=_context(), auto_compact=True, encoding="utf-8")
    return graph.serialize(format=FORMATS[fmt], encoding="utf-8")


@cache
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def shacl(graph: rdflib.Graph) -> int:
    """pyshacl on the whole graph with our shapes; the number of results."""
    import pyshacl

    _, results, _ = pyshacl.validate(graph, shacl_graph=_shapes(), inference="none", allow_warnings=True, advanced=True)
    return len(list(results.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult"))))


def query(graph: rdflib.Graph, text: str) -> int:
    """rdflib's SPARQL engine on ``text``; the number of rows (or triples) in the answer."""
    result = graph.query(text)
    if result.type == "ASK":
        return 1
    return len(list(result))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
