"""One dataset's core description, in schema.org and DCAT terms at once: what it is and where it is listed, its date,
venue, modalities, tasks and sizes, where its data is reached, its verified facts with their sources, its paper and
licence, and the properties search engines read."""

from __future__ import annotations

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import ConceptScheme
from medvlm_kg.catalog.entries import Catalog, Dataset, Sourced
from medvlm_kg.graph.description_text import describe
from medvlm_kg.graph.iris import catalog_iri, dataset_iri, person_iri, slug
from medvlm_kg.graph.licenses import dataset_license
from medvlm_kg.graph.listings import listings
from medvlm_kg.graph.namespaces import (
    D_ACCESS_URL,
    D_DATASET,
    D_DISTRIBUTION,
    D_DISTRIBUTION_P,
    D_LANDING_PAGE,
    D_THEME,
    DCT_DESCRIPTION,
    DCT_IDENTIFIER,
    DCT_IS_REFERENCED_BY,
    DCT_ISSUED,
    DCT_RELATION,
    DCT_TITLE,
    FOAF_HOMEPAGE,
    M_APPROXIMATE,
    M_HOST,
    M_MODALITY,
    M_MODALITY_COUNT,
    M_STATED_MODALITY,
    M_STATED_SIZE,
    M_TASK,
    RDF_TYPE,
    RDFS_SEE_ALSO,
    S_ALT_NAME,
    S_CATALOG,
    S_CITATION,
    S_CREATOR,
    S_DATASET,
    S_DATE_PUBLISHED,
    S_DESCRIPTION,
    S_IDENTIFIER,
    S_INCLUDED_IN,
    S_KEYWORDS,
    S_MIN_VALUE,
    S_NAME,
    S_PUBLICATION,
    S_QV,
    S_SAME_AS,
    S_SIZE,
    S_UNIT_CODE,
    S_UNIT_TEXT,
    S_URL,
    S_VALUE,
    SKOS_NOTE,
)
from medvlm_kg.graph.papers import paper, paper_authors, venue
from medvlm_kg.graph.triples import Description, Triple, date_literal, literal

__all__ = ["dataset_triples"]


def dataset_triples(catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme]) -> list[Triple]:
    """The dataset's core description (``graph.convert.core_dataset_triples`` is how other stages ask for it)."""
    base = catalog.base_iri
    desc = Description()
    d = ox.NamedNode(dataset_iri(base, dataset.id))
    desc.add(d, RDF_TYPE, S_DATASET)
    desc.add(d, RDF_TYPE, D_DATASET)
    desc.add_all(d, (S_NAME, DCT_TITLE), literal(dataset.name))
    desc.add_all(d, (S_IDENTIFIER, DCT_IDENTIFIER), literal(dataset.id))
    desc.add(d, S_INCLUDED_IN, ox.NamedNode(catalog_iri(base)))
    listings(desc, catalog, dataset, d)
    _subject(desc, base, dataset, schemes, d)
    _sizes(desc, dataset, schemes, d)
    _access_points(desc, dataset, schemes, d)
    _verified_facts(desc, catalog, dataset, d)
    if dataset.license:
        dataset_license(desc, d, dataset.license)
    _search_properties(desc, catalog, dataset, schemes, d)
    return desc.triples


def _subject(
    desc: Description, base: str, dataset: Dataset, schemes: dict[str, ConceptScheme], d: ox.NamedNode
) -> None:
    """When and where it was published, its modalities and tasks (as concepts of the schemes, and DCAT themes)."""
    if dataset.published:
        desc.add_all(d, (S_DATE_PUBLISHED, DCT_ISSUED), date_literal(dataset.published))
    if dataset.venue:
        desc.add(d, S_PUBLICATION, venue(desc, base, dataset.venue))
    for concept_id in dataset.modality:
        desc.add_all(d, (M_MODALITY, D_THEME), _concept(schemes, "modality", concept_id))
    if dataset.modality_count is not None:
        desc.add(d, M_MODALITY_COUNT, literal(dataset.modality_count))
    for concept_id in dataset.task:
        desc.add_all(d, (M_TASK, D_THEME), _concept(schemes, "task", concept_id))


def _sizes(desc: Description, dataset: Dataset, schemes: dict[str, ConceptScheme], d: ox.NamedNode) -> None:
    """Each size as a ``schema:QuantitativeValue`` in a unit of the unit scheme, numbered where a unit repeats."""
    seen_units: dict[str, int] = {}
    for count in dataset.size:
        seen_units[count.unit] = seen_units.get(count.unit, 0) + 1
        suffix = "" if seen_units[count.unit] == 1 else f"-{seen_units[count.unit]}"
        q = ox.NamedNode(f"{d.value}#size-{count.unit}{suffix}")
        unit = schemes["unit"].concepts[count.unit]
        desc.add(d, S_SIZE, q)
        desc.add(q, RDF_TYPE, S_QV)
        desc.add(q, S_VALUE, literal(count.count))
        desc.add(q, S_UNIT_CODE, ox.NamedNode(unit.iri))
        desc.add(q, S_UNIT_TEXT, literal(unit.label("en"), language="en"))
        desc.add(q, S_UNIT_TEXT, literal(unit.label("zh"), language="zh"))
        if count.at_least:  # "11,000+": the count is a lower bound, so it is not exact either
            desc.add(q, S_MIN_VALUE, literal(count.count))
        desc.add(q, M_APPROXIMATE, literal(count.approximate or count.at_least))
        if count.note:
            desc.add(q, S_DESCRIPTION, literal(count.note, language="en"))


def _access_points(desc: Description, dataset: Dataset, schemes: dict[str, ConceptScheme], d: ox.NamedNode) -> None:
    """Where the data is reached from, each a ``dcat:Distribution`` named by its label's slug."""
    seen_labels: dict[str, int] = {}
    for point in dataset.access:
        key = slug(point.label)
        seen_labels[key] = seen_labels.get(key, 0) + 1
        suffix = "" if seen_labels[key] == 1 else f"-{seen_labels[key]}"
        a = ox.NamedNode(f"{d.value}#access-{key}{suffix}")
        # An access point is a page or repository the data is reached from (DCAT's accessURL), not a file: it
        # is no schema.org DataDownload (Google requires one to have the file's contentUrl). schema.org sees it
        # as the dataset's sameAs (with the homepage, in _search_properties).
        desc.add(d, D_DISTRIBUTION_P, a)
        desc.add(a, RDF_TYPE, D_DISTRIBUTION)
        desc.add(a, DCT_TITLE, literal(point.label))
        desc.add(a, D_ACCESS_URL, ox.NamedNode(point.url))
        if point.platform:
            desc.add(a, M_HOST, _concept(schemes, "platform", point.platform))


def _verified_facts(desc: Description, catalog: Catalog, dataset: Dataset, d: ox.NamedNode) -> None:
    """The facts beyond the list's table, each with its sources: homepage, other names, the paper, the sizes and
    modalities as the dataset's pages state them, further links and notes."""
    base = catalog.base_iri
    if dataset.homepage:
        home = ox.NamedNode(dataset.homepage.value)
        for p in (FOAF_HOMEPAGE, D_LANDING_PAGE):
            desc.sourced(d, p, home, dataset.homepage)
    if dataset.alternate_name:
        for name in dataset.alternate_name.value:
            desc.sourced(d, S_ALT_NAME, literal(name), dataset.alternate_name)
    if dataset.paper:
        article = paper(desc, base, dataset)
        fact = Sourced(article.value, dataset.paper.sources)
        desc.sourced(d, S_CITATION, article, fact)
        desc.add(d, DCT_IS_REFERENCED_BY, article)
    if dataset.same_paper_as:
        other = catalog.dataset(dataset.same_paper_as.value)
        assert other.paper is not None
        article = paper(desc, base, other)
        desc.sourced(d, S_CITATION, article, dataset.same_paper_as)
        desc.add(d, DCT_IS_REFERENCED_BY, article)
        desc.sourced(
            d,
            DCT_RELATION,
            ox.NamedNode(dataset_iri(base, other.id)),
            dataset.same_paper_as,
            label="introduced by the same paper",
        )
    if dataset.stated_size:
        desc.sourced(d, M_STATED_SIZE, literal(dataset.stated_size.value, language="en"), dataset.stated_size)
    if dataset.stated_modality:
        desc.sourced(
            d, M_STATED_MODALITY, literal(dataset.stated_modality.value, language="en"), dataset.stated_modality
        )
    for link in dataset.see_also:
        desc.sourced(d, RDFS_SEE_ALSO, ox.NamedNode(link.value), link, label=link.label)
    for note in dataset.notes:
        desc.sourced(d, SKOS_NOTE, literal(note.value, language="en"), note)


def _concept(schemes: dict[str, ConceptScheme], scheme: str, concept_id: str) -> ox.NamedNode:
    return ox.NamedNode(schemes[scheme].concepts[concept_id].iri)


# Google's Dataset rules recommend url, sameAs, creator, keywords and a named catalog besides the description. Each
# is stated in the RDF, so a page's embedded JSON-LD (a subset of the dataset's graph) says nothing the graph does
# not: these properties restate the facts above in the terms crawlers look for.
def _search_properties(
    desc: Description, catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme], d: ox.NamedNode
) -> None:
    base = catalog.base_iri
    for lang, text in sorted(describe(catalog, dataset, schemes).items()):
        desc.add_all(d, (S_DESCRIPTION, DCT_DESCRIPTION), literal(text, language=lang))
    # The dataset's IRI is the address of its landing page (HTML by content negotiation).
    desc.add(d, S_URL, d)
    # Canonical records of the same dataset: where it is published, and its project page; not a page that
    # another dataset of the catalog gives too (four UK Biobank datasets are not one thing with its home page).
    for url in sorted(dataset.urls - set(catalog.shared_urls(dataset))):
        desc.add(d, S_SAME_AS, ox.NamedNode(url))
    for name in paper_authors(catalog, dataset):
        desc.add(d, S_CREATOR, ox.NamedNode(person_iri(base, name)))
    for scheme, ids in (("modality", dataset.modality), ("task", dataset.task)):
        for concept_id in ids:
            for lang, label in sorted(schemes[scheme].concepts[concept_id].pref_labels.items()):
                desc.add(d, S_KEYWORDS, literal(label, language=lang))
    # The catalog named inside each dataset's description, so the dataset's document says which catalog it is in.
    c = ox.NamedNode(catalog_iri(base))
    desc.add(c, RDF_TYPE, S_CATALOG)
    for lang, text in sorted(catalog.title.items()):
        desc.add(c, S_NAME, literal(text, language=lang))
