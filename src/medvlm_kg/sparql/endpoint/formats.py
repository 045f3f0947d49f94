"""The formats the endpoint answers in: SELECT and ASK results (JSON, XML, CSV, TSV) and graphs (Turtle, JSON-LD,
N-Triples, RDF/XML) by media type, the ``format=`` short names, content negotiation on ``Accept``, and how a
result term and a graph's prefixes are written.
"""

from __future__ import annotations

# Media types offered, server's preference first; aliases answer with the canonical type.
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/x-turtle": "TURTLE",
    "text/n3": "TURTLE",  # Turtle is N3
    "text/rdf+n3": "TURTLE",
    "text/plain": "N_TRIPLES",
}
CANONICAL = {
    "JSON": "application/sparql-results+json",
    "XML": "application/sparql-results+xml",
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
    "TURTLE": "text/turtle",
    "JSON_LD": "application/ld+json",
    "N_TRIPLES": "application/n-triples",
    "RDF_XML": "application/rdf+xml",
}
# ``format=`` (a form field or URL parameter) overrides Accept: a short name or a media type. "xml" and "json" name
# the results format of a SELECT or ASK and the graph format of a CONSTRUCT or DESCRIBE (SPARQLWrapper sends
# format=xml with every CONSTRUCT it asks in its default format); "n3" is answered in Turtle, which is N3.
FORMAT_NAMES = {
    "json": "application/sparql-results+json, application/ld+json;q=0.9",
    "xml": "application/sparql-results+xml, application/rdf+xml;q=0.9",
    "n3": "text/turtle",
    "text/n3": "text/turtle",
    "text/rdf+n3": "text/turtle",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}


def _accept_ranges(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        media, *params = [part.strip() for part in item.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def negotiate(accept: str, offers: list[str]) -> str | None:
    """The offer the client prefers (``Accept`` with q-values; the most specific range decides each offer's
    q; ties go to the earlier offer), or ``None`` when it accepts none. No ``Accept`` takes the first offer."""
    ranges = _accept_ranges(accept or "")
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        major = offer.split("/")[0]
        matches = [(3, q) for m, q in ranges if m == offer]
        matches += [(2, q) for m, q in ranges if m == f"{major}/*"]
        matches += [(1, q) for m, q in ranges if m == "*/*"]
        if matches:
            q = max(matches)[1]
            if q > best_q:
                best, best_q = offer, q
    return best


def json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: json_term(getattr(term, p)) for p in parts}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def used_prefixes(triples: list) -> dict[str, str]:
    """The project's prefixes that some IRI in ``triples`` starts with (Turtle declares no unused ones)."""
    import pyoxigraph as ox

    from medvlm_kg.graph.jsonld import prefixes

    iris = {getattr(t, "value", None) for triple in triples for t in (triple.subject, triple.predicate, triple.object)}
    iris |= {t.datatype.value for triple in triples if isinstance(t := triple.object, ox.Literal) and not t.language}
    iris.discard("http://www.w3.org/2001/XMLSchema#string")  # plain strings are written without a datatype
    iris = {i for i in iris if isinstance(i, str)}
    return {p: ns for p, ns in prefixes().items() if any(i.startswith(ns) for i in iris)}
