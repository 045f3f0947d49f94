"""The paper that introduces a dataset, as a ``schema:ScholarlyArticle`` node: its title, identifiers, date, venue
and authors (as many as the list names, with ``mvk:authorListComplete`` saying whether that is all of them)."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.graph.agents import person
from medvlm_kg.graph.iris import venue_iri
from medvlm_kg.graph.namespaces import (
    DCT_ISSUED,
    DCT_SOURCE,
    DCT_TITLE,
    M_AUTHORS_COMPLETE,
    RDF_TYPE,
    S_ARTICLE,
    S_AUTHOR,
    S_CREDIT_TEXT,
    S_DATE_PUBLISHED,
    S_IDENTIFIER,
    S_NAME,
    S_PUB_EVENT,
    S_PUBLICATION,
    S_SAME_AS,
)
from medvlm_kg.graph.triples import Description, date_literal, literal

__all__ = ["paper", "paper_authors", "venue"]


def venue(desc: Description, base: str, name: str) -> ox.NamedNode:
    """Where a paper or dataset was published, as the list names it (a ``schema:PublicationEvent``)."""
    node = ox.NamedNode(venue_iri(base, name))
    desc.add(node, RDF_TYPE, S_PUB_EVENT)
    desc.add(node, S_NAME, literal(name))
    return node


def paper(desc: Description, base: str, dataset: Dataset) -> ox.NamedNode:
    """The dataset's own paper (``dataset.paper``, which must be set)."""
    paper = dataset.paper
    assert paper is not None
    node = ox.NamedNode(paper.iri)
    desc.add(node, RDF_TYPE, S_ARTICLE)
    desc.add(node, S_NAME, literal(paper.title))
    desc.add(node, DCT_TITLE, literal(paper.title))
    if paper.arxiv:
        desc.add(node, S_IDENTIFIER, literal(f"arXiv:{paper.arxiv}"))
    if paper.doi:
        desc.add(node, S_IDENTIFIER, literal(f"doi:{paper.doi}"))
        if paper.iri != f"https://doi.org/{paper.doi}":
            desc.add(node, S_SAME_AS, ox.NamedNode(f"https://doi.org/{paper.doi}"))
    if paper.url and paper.url != paper.iri:
        desc.add(node, S_SAME_AS, ox.NamedNode(paper.url))
    if paper.date:
        desc.add(node, S_DATE_PUBLISHED, date_literal(paper.date))
        desc.add(node, DCT_ISSUED, date_literal(paper.date))
    if paper.venue:
        desc.add(node, S_PUBLICATION, venue(desc, base, paper.venue))
    for name in paper.authors + paper.more_authors:
        desc.add(node, S_AUTHOR, person(desc, base, name))
    if paper.authors:
        credit = ", ".join(paper.authors)
        if not paper.authors_complete:
            credit += ", …" + ("".join(f", {n}" for n in paper.more_authors))
        desc.add(node, S_CREDIT_TEXT, literal(credit))
        desc.add(node, M_AUTHORS_COMPLETE, literal(paper.authors_complete))
    for src in paper.sources:
        desc.add(node, DCT_SOURCE, ox.NamedNode(src))
    return node


def paper_authors(catalog: Catalog, dataset: Dataset) -> tuple[str, ...]:
    """The authors of the paper that introduces the dataset (its own, or the one it shares)."""
    paper = dataset.paper
    if paper is None and dataset.same_paper_as:
        paper = catalog.dataset(dataset.same_paper_as.value).paper
    return (paper.authors + paper.more_authors) if paper else ()
