"""Turn checked catalog entries into RDF (stage 2 of the pipeline).

Each dataset is both ``schema:Dataset`` and ``dcat:Dataset``; every node that is a thing has an IRI made
from the catalog's base IRI and ids (no blank nodes); URLs are IRIs. The listed cells are kept verbatim
beside the structured facts, and every verified fact carries its sources on an ``rdf:Statement`` node.
The result is a plain list of triples per description, which every serializer and page reads.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import ConceptScheme, load_schemes
from medvlm_kg.catalog.entries import Catalog, Dataset, Listed, PartialDate, Sourced

__all__ = [
    "KnowledgeGraph",
    "LANGUAGES",
    "NS",
    "catalog_iri",
    "dataset_iri",
    "date_words",
    "core_catalog_triples",
    "core_dataset_triples",
    "describe",
    "listed_cells",
    "slug",
]

NS = {
    "schema": "https://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "mvk": "https://w3id.org/medvlm-kg/vocab#",
    "void": "http://rdfs.org/ns/void#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "prov": "http://www.w3.org/ns/prov#",
}


def _terms(prefix: str, *names: str) -> list[ox.NamedNode]:
    return [ox.NamedNode(NS[prefix] + n) for n in names]


RDF_TYPE, RDF_STATEMENT, RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = _terms(
    "rdf", "type", "Statement", "subject", "predicate", "object"
)
(
    S_DATASET,
    S_CATALOG,
    S_NAME,
    S_IDENTIFIER,
    S_DATE_PUBLISHED,
    S_PUBLICATION,
    S_PUB_EVENT,
    S_SIZE,
    S_QV,
    S_VALUE,
    S_UNIT_CODE,
    S_UNIT_TEXT,
    S_DISTRIBUTION,
    S_DATA_DOWNLOAD,
    S_URL,
    S_CITATION,
    S_ARTICLE,
    S_AUTHOR,
    S_PERSON,
    S_ORG,
    S_AFFILIATION,
    S_CREDIT_TEXT,
    S_SAME_AS,
    S_ALT_NAME,
    S_INCLUDED_IN,
    S_DATASET_P,
    S_DESCRIPTION,
    S_CREATOR,
    S_PUBLISHER,
    S_LICENSE,
    S_IS_BASED_ON,
    S_KEYWORDS,
    S_CREATIVE_WORK,
    S_TEXT,
) = _terms(
    "schema",
    "Dataset",
    "DataCatalog",
    "name",
    "identifier",
    "datePublished",
    "publication",
    "PublicationEvent",
    "size",
    "QuantitativeValue",
    "value",
    "unitCode",
    "unitText",
    "distribution",
    "DataDownload",
    "url",
    "citation",
    "ScholarlyArticle",
    "author",
    "Person",
    "Organization",
    "affiliation",
    "creditText",
    "sameAs",
    "alternateName",
    "includedInDataCatalog",
    "dataset",
    "description",
    "creator",
    "publisher",
    "license",
    "isBasedOn",
    "keywords",
    "CreativeWork",
    "text",
)
(
    D_DATASET,
    D_CATALOG,
    D_DISTRIBUTION,
    D_DISTRIBUTION_P,
    D_ACCESS_URL,
    D_THEME,
    D_LANDING_PAGE,
    D_DATASET_P,
    D_THEME_TAXONOMY,
) = _terms(
    "dcat",
    "Dataset",
    "Catalog",
    "Distribution",
    "distribution",
    "accessURL",
    "theme",
    "landingPage",
    "dataset",
    "themeTaxonomy",
)
(
    DCT_TITLE,
    DCT_IDENTIFIER,
    DCT_ISSUED,
    DCT_IS_REFERENCED_BY,
    DCT_SOURCE,
    DCT_DESCRIPTION,
    DCT_CREATOR,
    DCT_PUBLISHER,
    DCT_LICENSE,
    DCT_LICENSE_DOC,
    DCT_RELATION,
) = _terms(
    "dct",
    "title",
    "identifier",
    "issued",
    "isReferencedBy",
    "source",
    "description",
    "creator",
    "publisher",
    "license",
    "LicenseDocument",
    "relation",
)
FOAF_HOMEPAGE, FOAF_PERSON, FOAF_ORG, FOAF_NAME, FOAF_DOCUMENT, FOAF_GROUP, FOAF_MEMBER = _terms(
    "foaf", "homepage", "Person", "Organization", "name", "Document", "Group", "member"
)
(SKOS_NOTE,) = _terms("skos", "editorialNote")
RDFS_SEE_ALSO, RDFS_LABEL = _terms("rdfs", "seeAlso", "label")
(
    M_LISTED_IN,
    M_LISTED_NAME,
    M_LISTED_TITLE,
    M_LISTED_DATE,
    M_LISTED_LINKS,
    M_LISTED_ROW,
    M_LICENSE_STATEMENT,
    M_LICENSE_COVERS,
    M_LISTED_MODALITY,
    M_LISTED_TASK,
    M_LISTED_SIZE,
    M_MODALITY,
    M_MODALITY_COUNT,
    M_TASK,
    M_APPROXIMATE,
    M_HOST,
    M_STATED_SIZE,
    M_STATED_MODALITY,
    M_AUTHORS_COMPLETE,
    M_LISTED_DESCRIPTION,
    M_LISTED_SECTION,
) = _terms(
    "mvk",
    "listedIn",
    "listedName",
    "listedTitle",
    "listedDate",
    "listedLinks",
    "listedRow",
    "licenseStatement",
    "licenseCovers",
    "listedModality",
    "listedTask",
    "listedSize",
    "modality",
    "modalityCount",
    "task",
    "approximate",
    "hostPlatform",
    "statedSize",
    "statedModality",
    "authorListComplete",
    "listedDescription",
    "listedSection",
)
# Which listed cell a structured value was read from (`derived:`): the field's property → the cell's.
_DERIVED = {"modality": "modalityDerivedFrom", "task": "taskDerivedFrom", "size": "sizeDerivedFrom"}
_DERIVED_CELLS = {
    "modality": "listedModality",
    "task": "listedTask",
    "size": "listedSize",
    "description": "listedDescription",
    "section": "listedSection",
    "flags": "flagColumn",
    "counts": "countColumn",
}
XSD_INTEGER, XSD_BOOLEAN = _terms("xsd", "integer", "boolean")
M_LISTED_EXTRA, M_LISTED_VERSION, M_LISTING_CLASS, M_EARLIER_LISTING, M_OTHER_LISTING, M_LISTED_ROW_ZH = _terms(
    "mvk", "listedExtra", "listedVersion", "Listing", "earlierListing", "otherListing", "listedChineseRow"
)
(PROV_DERIVED,) = _terms("prov", "wasDerivedFrom")
D_CATALOG_RECORD, D_RECORD, FOAF_PRIMARY_TOPIC = (
    ox.NamedNode(NS["dcat"] + "CatalogRecord"),
    ox.NamedNode(NS["dcat"] + "record"),
    ox.NamedNode(NS["foaf"] + "primaryTopic"),
)
(DCT_MODIFIED,) = _terms("dct", "modified")
_GITHUB_BLOB = re.compile(r"^(https://github\.com/[^/]+/[^/]+)/blob/[^/]+/(.+)$")
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
D_DATA_SERVICE, D_SERVICE, D_ENDPOINT_URL, D_SERVES_DATASET = _terms(
    "dcat", "DataService", "service", "endpointURL", "servesDataset"
)
(DCT_CONFORMS_TO,) = _terms("dct", "conformsTo")
(DCT_MEDIA_TYPE,) = _terms("dct", "MediaType")
(VOID_SPARQL_ENDPOINT,) = _terms("void", "sparqlEndpoint")
D_DOWNLOAD_URL, D_MEDIA_TYPE, D_COMPRESS_FORMAT = _terms("dcat", "downloadURL", "mediaType", "compressFormat")
(VOID_DATA_DUMP,) = _terms("void", "dataDump")
_IANA = "http://www.iana.org/assignments/media-types/"
# The whole catalog as the build writes it: gzip-compressed dumps (file, media type of what is inside, en, zh).
CATALOG_DUMPS = (
    ("catalog.ttl.gz", "text/turtle", "The whole catalog in Turtle (gzip)", "完整目录（Turtle，gzip 压缩）"),
    (
        "catalog.nt.gz",
        "application/n-triples",
        "The whole catalog in N-Triples (gzip)",
        "完整目录（N-Triples，gzip 压缩）",
    ),
)
HYDRA_VIEW, HYDRA_TOTAL_ITEMS = _terms("hydra", "view", "totalItems")
SPARQL_PROTOCOL = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")

Triple = ox.Triple


def slug(text: str) -> str:
    """A readable IRI path segment for a name: lowercase, hyphens, unicode letters kept."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\w]+", "-", text).strip("-_") or "x"


PAGE_SIZE = 100  # datasets per page of the paged catalog (paging.py)


def page_iri(base: str, number: int) -> str:
    """A page of the catalog, for harvesters that walk it (a Hydra PartialCollectionView)."""
    return f"{base}catalog/page/{number}"


def sparql_endpoint_iri(base: str) -> str:
    """Where ``medvlm-kg serve`` answers SPARQL when the site is served at the base IRI."""
    return f"{base}sparql"


def catalog_iri(base: str) -> str:
    return base + "catalog"


def dataset_iri(base: str, dataset_id: str) -> str:
    return f"{base}dataset/{dataset_id}"


@dataclass
class KnowledgeGraph:
    """The catalog as RDF: one triple list for the catalog itself and one per dataset description."""

    base_iri: str
    catalog_iri: str
    catalog: list[Triple]
    datasets: dict[str, list[Triple]] = field(default_factory=dict)

    def triples(self) -> list[Triple]:
        """Every triple of the catalog, once each, in a stable order."""
        unique = set(self.catalog)
        for triples in self.datasets.values():
            unique.update(triples)
        return sorted(unique, key=_triple_key)


def _triple_key(t: Triple) -> tuple[str, str, str]:
    return (t.subject.value, t.predicate.value, str(t.object))


def _lit(value: object, datatype: ox.NamedNode | None = None, language: str | None = None) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD_INTEGER)
    if language:
        return ox.Literal(str(value), language=language)
    if datatype:
        return ox.Literal(str(value), datatype=datatype)
    return ox.Literal(str(value))


def _date(d: PartialDate) -> ox.Literal:
    return ox.Literal(d.value, datatype=ox.NamedNode(NS["xsd"] + d.precision))


class _Description:
    """Collects the triples of one description (a dataset's or the catalog's)."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(Triple(s, p, o))

    def add_all(self, s: ox.NamedNode, predicates: Iterable[ox.NamedNode], o) -> None:
        for p in predicates:
            self.add(s, p, o)

    def sourced(self, s: ox.NamedNode, p: ox.NamedNode, o, fact: Sourced, label: str | None = None) -> None:
        """Assert a verified fact and record its sources on an ``rdf:Statement`` node."""
        self.add(s, p, o)
        digest = hashlib.sha1(f"{p.value} {o}".encode()).hexdigest()[:12]
        st = ox.NamedNode(f"{s.value}#fact-{digest}")
        self.add(st, RDF_TYPE, RDF_STATEMENT)
        self.add(st, RDF_SUBJECT, s)
        self.add(st, RDF_PREDICATE, p)
        self.add(st, RDF_OBJECT, o)
        for src in fact.sources:
            self.add(st, DCT_SOURCE, ox.NamedNode(src))
        if label:
            self.add(st, RDFS_LABEL, _lit(label))


def _agent(desc: _Description, base: str, name: str, person_id: str | None = None) -> ox.NamedNode:
    node = ox.NamedNode(f"{base}person/{person_id or slug(name)}")
    desc.add_all(node, (RDF_TYPE,), S_PERSON)
    desc.add(node, RDF_TYPE, FOAF_PERSON)
    desc.add(node, S_NAME, _lit(name))
    desc.add(node, FOAF_NAME, _lit(name))
    return node


def _organization(desc: _Description, base: str, name: str) -> ox.NamedNode:
    node = ox.NamedNode(f"{base}organization/{slug(name)}")
    desc.add(node, RDF_TYPE, S_ORG)
    desc.add(node, RDF_TYPE, FOAF_ORG)
    desc.add(node, S_NAME, _lit(name))
    desc.add(node, FOAF_NAME, _lit(name))
    return node


def _venue(desc: _Description, base: str, name: str) -> ox.NamedNode:
    node = ox.NamedNode(f"{base}venue/{slug(name)}")
    desc.add(node, RDF_TYPE, S_PUB_EVENT)
    desc.add(node, S_NAME, _lit(name))
    return node


def _concept(schemes: dict[str, ConceptScheme], scheme: str, concept_id: str) -> ox.NamedNode:
    return ox.NamedNode(schemes[scheme].concepts[concept_id].iri)


def _paper(desc: _Description, base: str, dataset: Dataset) -> ox.NamedNode:
    paper = dataset.paper
    assert paper is not None
    node = ox.NamedNode(paper.iri)
    desc.add(node, RDF_TYPE, S_ARTICLE)
    desc.add(node, S_NAME, _lit(paper.title))
    desc.add(node, DCT_TITLE, _lit(paper.title))
    if paper.arxiv:
        desc.add(node, S_IDENTIFIER, _lit(f"arXiv:{paper.arxiv}"))
    if paper.doi:
        desc.add(node, S_IDENTIFIER, _lit(f"doi:{paper.doi}"))
        if paper.iri != f"https://doi.org/{paper.doi}":
            desc.add(node, S_SAME_AS, ox.NamedNode(f"https://doi.org/{paper.doi}"))
    if paper.url and paper.url != paper.iri:
        desc.add(node, S_SAME_AS, ox.NamedNode(paper.url))
    if paper.date:
        desc.add(node, S_DATE_PUBLISHED, _date(paper.date))
        desc.add(node, DCT_ISSUED, _date(paper.date))
    if paper.venue:
        desc.add(node, S_PUBLICATION, _venue(desc, base, paper.venue))
    for name in paper.authors + paper.more_authors:
        desc.add(node, S_AUTHOR, _agent(desc, base, name))
    if paper.authors:
        credit = ", ".join(paper.authors)
        if not paper.authors_complete:
            credit += ", …" + ("".join(f", {n}" for n in paper.more_authors))
        desc.add(node, S_CREDIT_TEXT, _lit(credit))
        desc.add(node, M_AUTHORS_COMPLETE, _lit(paper.authors_complete))
    for src in paper.sources:
        desc.add(node, DCT_SOURCE, ox.NamedNode(src))
    return node


def list_version_iri(readme: str, version: str | None) -> str:
    """The address of a list at a version: a GitHub README at a commit is its blob at that commit."""
    m = _GITHUB_BLOB.match(readme)
    if version and m and _COMMIT.match(version):
        return f"{m.group(1)}/blob/{version}/{m.group(2)}"
    return readme


def _listing_cells(desc: _Description, node: ox.NamedNode, listed: Listed) -> None:
    """A listing's cells, verbatim: a cell both tables write alike untagged, else one literal per table language."""
    for prop, key in (
        (M_LISTED_NAME, "name"),
        (M_LISTED_TITLE, "title"),
        (M_LISTED_DATE, "date"),
        (M_LISTED_LINKS, "links"),
        (M_LISTED_EXTRA, "extra"),
    ):
        for lang, text in sorted(listed.by_table(key).items()):
            desc.add(node, prop, _lit(text, language=lang or None))
    if listed.row is not None:
        desc.add(node, M_LISTED_ROW, ox.Literal(str(listed.row), datatype=XSD_INTEGER))
    if listed.row_zh is not None:
        desc.add(node, M_LISTED_ROW_ZH, ox.Literal(str(listed.row_zh), datatype=XSD_INTEGER))
    for prop, cells in (
        (M_LISTED_MODALITY, listed.modality),
        (M_LISTED_TASK, listed.task),
        (M_LISTED_SIZE, listed.size),
        (M_LISTED_DESCRIPTION, listed.description),
    ):
        for lang, text in sorted(cells.items()):
            desc.add(node, prop, _lit(text, language=lang or None))
    if listed.section:
        desc.add(node, M_LISTED_SECTION, _lit(listed.section))
    if listed.version:
        desc.add(node, M_LISTED_VERSION, _lit(listed.version))


def listed_cells(base: str, dataset: Dataset) -> list[Triple]:
    """Only the dataset's type and its cells as the current list writes them: what the list's table (CSV,
    export-markdown) is read from, without converting the whole description."""
    desc = _Description()
    d = ox.NamedNode(dataset_iri(base, dataset.id))
    desc.add(d, RDF_TYPE, S_DATASET)
    _listing_cells(desc, d, dataset.listed)
    return desc.triples


def _dataset(catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme]) -> list[Triple]:
    base = catalog.base_iri
    desc = _Description()
    d = ox.NamedNode(dataset_iri(base, dataset.id))
    desc.add(d, RDF_TYPE, S_DATASET)
    desc.add(d, RDF_TYPE, D_DATASET)
    desc.add_all(d, (S_NAME, DCT_TITLE), _lit(dataset.name))
    desc.add_all(d, (S_IDENTIFIER, DCT_IDENTIFIER), _lit(dataset.id))
    desc.add(d, S_INCLUDED_IN, ox.NamedNode(catalog_iri(base)))

    listed = dataset.listed
    current = listed.source or catalog.readme  # None: a catalog made by `init` that names no list yet
    if current:
        desc.add(d, M_LISTED_IN, ox.NamedNode(current))
    _listing_cells(desc, d, listed)
    lists = {list_version_iri(current, listed.version)} if current else set()
    for n, listing in enumerate(dataset.listings, start=1):
        node = ox.NamedNode(f"{d.value}/listing/{n}")
        desc.add(d, M_EARLIER_LISTING if listing.kind == "earlier" else M_OTHER_LISTING, node)
        desc.add(node, RDF_TYPE, M_LISTING_CLASS)
        source = listing.listed.source or current
        if source:
            the_list = list_version_iri(source, listing.listed.version)
            lists.add(the_list)
            desc.add(node, M_LISTED_IN, ox.NamedNode(source))
            desc.add(node, PROV_DERIVED, ox.NamedNode(the_list))
            desc.add(node, DCT_SOURCE, ox.NamedNode(the_list))
        _listing_cells(desc, node, listing.listed)
    for the_list in sorted(lists):
        desc.add(d, PROV_DERIVED, ox.NamedNode(the_list))
    if dataset.first_listed or dataset.modified:
        record = ox.NamedNode(f"{d.value}/record")
        desc.add(ox.NamedNode(catalog_iri(base)), D_RECORD, record)
        desc.add(record, RDF_TYPE, D_CATALOG_RECORD)
        desc.add(record, FOAF_PRIMARY_TOPIC, d)
        if dataset.first_listed:
            desc.add(record, DCT_ISSUED, _date(dataset.first_listed))
        # The commits that show the dates: provenance (prov:wasDerivedFrom), not dct:source, whose range on a
        # record is another dcat:CatalogRecord in DCAT-AP 3.0.1 (SEMIC's shapes say so).
        if dataset.first_listed_source:
            desc.add(record, PROV_DERIVED, ox.NamedNode(dataset.first_listed_source))
        if dataset.modified:
            desc.add(record, DCT_MODIFIED, _date(dataset.modified))
        if dataset.modified_source:
            desc.add(record, PROV_DERIVED, ox.NamedNode(dataset.modified_source))
    for key, cells in dataset.derived.items():  # which listed cell a structured value was read from
        for cell in cells:
            desc.add(d, ox.NamedNode(NS["mvk"] + _DERIVED[key]), ox.NamedNode(NS["mvk"] + _DERIVED_CELLS[cell]))

    if dataset.published:
        desc.add_all(d, (S_DATE_PUBLISHED, DCT_ISSUED), _date(dataset.published))
    if dataset.venue:
        desc.add(d, S_PUBLICATION, _venue(desc, base, dataset.venue))
    for concept_id in dataset.modality:
        desc.add_all(d, (M_MODALITY, D_THEME), _concept(schemes, "modality", concept_id))
    if dataset.modality_count is not None:
        desc.add(d, M_MODALITY_COUNT, _lit(dataset.modality_count))
    for concept_id in dataset.task:
        desc.add_all(d, (M_TASK, D_THEME), _concept(schemes, "task", concept_id))

    seen_units: dict[str, int] = {}
    for count in dataset.size:
        seen_units[count.unit] = seen_units.get(count.unit, 0) + 1
        suffix = "" if seen_units[count.unit] == 1 else f"-{seen_units[count.unit]}"
        q = ox.NamedNode(f"{d.value}#size-{count.unit}{suffix}")
        unit = schemes["unit"].concepts[count.unit]
        desc.add(d, S_SIZE, q)
        desc.add(q, RDF_TYPE, S_QV)
        desc.add(q, S_VALUE, _lit(count.count))
        desc.add(q, S_UNIT_CODE, ox.NamedNode(unit.iri))
        desc.add(q, S_UNIT_TEXT, _lit(unit.label("en"), language="en"))
        desc.add(q, S_UNIT_TEXT, _lit(unit.label("zh"), language="zh"))
        desc.add(q, M_APPROXIMATE, _lit(count.approximate))
        if count.note:
            desc.add(q, S_DESCRIPTION, _lit(count.note, language="en"))

    seen_labels: dict[str, int] = {}
    for point in dataset.access:
        key = slug(point.label)
        seen_labels[key] = seen_labels.get(key, 0) + 1
        suffix = "" if seen_labels[key] == 1 else f"-{seen_labels[key]}"
        a = ox.NamedNode(f"{d.value}#access-{key}{suffix}")
        # An access point is a page or repository the data is reached from (DCAT's accessURL), not a file: it
        # is no schema.org DataDownload (Google requires one to have the file's contentUrl). schema.org sees it
        # as the dataset's sameAs (below, with the homepage).
        desc.add(d, D_DISTRIBUTION_P, a)
        desc.add(a, RDF_TYPE, D_DISTRIBUTION)
        desc.add(a, DCT_TITLE, _lit(point.label))
        desc.add(a, D_ACCESS_URL, ox.NamedNode(point.url))
        if point.platform:
            desc.add(a, M_HOST, _concept(schemes, "platform", point.platform))

    if dataset.homepage:
        home = ox.NamedNode(dataset.homepage.value)
        for p in (FOAF_HOMEPAGE, D_LANDING_PAGE):
            desc.sourced(d, p, home, dataset.homepage)
    if dataset.alternate_name:
        for name in dataset.alternate_name.value:
            desc.sourced(d, S_ALT_NAME, _lit(name), dataset.alternate_name)
    if dataset.paper:
        paper = _paper(desc, base, dataset)
        fact = Sourced(paper.value, dataset.paper.sources)
        desc.sourced(d, S_CITATION, paper, fact)
        desc.add(d, DCT_IS_REFERENCED_BY, paper)
    if dataset.same_paper_as:
        other = catalog.dataset(dataset.same_paper_as.value)
        assert other.paper is not None
        paper = _paper(desc, base, other)
        desc.sourced(d, S_CITATION, paper, dataset.same_paper_as)
        desc.add(d, DCT_IS_REFERENCED_BY, paper)
        desc.sourced(
            d,
            DCT_RELATION,
            ox.NamedNode(dataset_iri(base, other.id)),
            dataset.same_paper_as,
            label="introduced by the same paper",
        )
    if dataset.stated_size:
        desc.sourced(d, M_STATED_SIZE, _lit(dataset.stated_size.value, language="en"), dataset.stated_size)
    if dataset.stated_modality:
        desc.sourced(d, M_STATED_MODALITY, _lit(dataset.stated_modality.value, language="en"), dataset.stated_modality)
    for link in dataset.see_also:
        desc.sourced(d, RDFS_SEE_ALSO, ox.NamedNode(link.value), link, label=link.label)
    for note in dataset.notes:
        desc.sourced(d, SKOS_NOTE, _lit(note.value, language="en"), note)
    if dataset.license:
        _license(desc, d, dataset.license)
    _search_profile(desc, catalog, dataset, schemes, d)
    return desc.triples


def license_text(lic) -> str:
    """A license statement as read, with any conflicting statement after it."""
    return lic.stated + "".join(f" Conflicting statements: {c}" for c in lic.conflicts)


def license_iri(spdx_id: str) -> ox.NamedNode:
    return ox.NamedNode(f"https://spdx.org/licenses/{spdx_id}")


def _license(desc: _Description, d: ox.NamedNode, lic) -> None:
    """A license as the dataset's pages state it: the statement always, an SPDX IRI only where it maps and
    covers the data; conflicts stay visible as sourced notes."""
    fact = Sourced(None, lic.sources)
    desc.sourced(d, M_LICENSE_STATEMENT, _lit(lic.stated, language="en"), fact)
    desc.add(d, M_LICENSE_COVERS, _lit(lic.covers))
    if lic.applies_to_data:
        node = license_iri(lic.id)
        desc.sourced(d, DCT_LICENSE, node, fact)
        desc.add(d, S_LICENSE, node)
        desc.add(node, RDF_TYPE, DCT_LICENSE_DOC)
        desc.add(node, RDFS_LABEL, _lit(lic.id))
    else:
        # No SPDX licence for the data, only a statement: schema.org's license may be a CreativeWork, so
        # crawlers and Croissant read the statement as written and where it was read (DCAT's dct:license stays
        # absent: the statement is no licence document).
        node = ox.NamedNode(f"{d.value}#license-statement")
        desc.add(d, S_LICENSE, node)
        desc.add(node, RDF_TYPE, S_CREATIVE_WORK)
        desc.add(node, S_NAME, _lit("License as stated on the dataset's pages", language="en"))
        desc.add(node, S_TEXT, _lit(license_text(lic), language="en"))
        desc.add(node, S_URL, ox.NamedNode(lic.sources[0]))
    for conflict in lic.conflicts:
        desc.sourced(d, SKOS_NOTE, _lit(f"License: {conflict}", language="en"), fact)


# ---- what search engines read: a description and schema.org's recommended Dataset properties ----------
#
# Google's Dataset rules want a description of 50–5000 characters and recommend url, sameAs, creator,
# keywords and a named catalog. Each is stated in the RDF, so a page's embedded JSON-LD (a subset of the
# dataset's graph) says nothing the graph does not. Nothing here is new knowledge: the description is
# written from the facts above, and the other properties restate them in the terms crawlers look for.

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# One sentence per fact, in each language; {…} are filled from the entry, a sentence whose fact is unknown
# is left out. Kept as data so a translation is one table.
_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "intro": "{name}{aka} is a medical dataset listed in {catalog}.",
        "aka": " (also known as {names})",
        "modality": "Data modality: {items}.",
        "modalities": "Data modalities: {items}.",
        "modality_count": "{items} ({count} in all)",
        "task": "Task: {items}.",
        "tasks": "Tasks: {items}.",
        "size": "Size: {items}.",
        "count": "{count} {unit}",
        "approximate": "about {count} {unit}",
        "date": "The source list dates it {date}.",
        "date_venue": "The source list dates it {date} and names the venue {venue}.",
        "venue": "The source list names the venue {venue}.",
        "paper": "It is introduced in the paper {title}{by}{published}.",
        "same_paper": "It is introduced in the paper {title}{by}{published}, which also introduces {other}.",
        "title": "\u201c{title}\u201d",
        "by_one": " by {first}",
        "by_two": " by {first} and {second}",
        "by_many": " by {first} et al.",
        "end": ".",
        "published": ", published in {venue}",
        "access": "The data is available from {items}.",
    },
    "zh": {
        "intro": "{name}{aka} 是 {catalog} 收录的医学数据集。",
        "aka": " (又名 {names})",
        "modality": "数据模态：{items}。",
        "modalities": "数据模态：{items}。",
        "modality_count": "{items}（共 {count} 种）",
        "task": "任务类型：{items}。",
        "tasks": "任务类型：{items}。",
        "size": "数据规模：{items}。",
        "count": "{unit} {count}",
        "approximate": "{unit}约 {count}",
        "date": "源列表所注日期：{date}。",
        "date_venue": "源列表所注日期：{date}，会议/期刊：{venue}。",
        "venue": "源列表所注会议/期刊：{venue}。",
        "paper": "介绍该数据集的论文：{title}{by}{published}。",
        "same_paper": "介绍该数据集的论文：{title}{by}{published}，该论文同时介绍了 {other}。",
        "title": "《{title}》",
        "by_one": "（{first}）",
        "by_two": "（{first}、{second}）",
        "by_many": "（{first} 等）",
        "end": "。",
        "published": "，发表于 {venue}",
        "access": "数据可从 {items} 获取。",
    },
}
LANGUAGES = tuple(_PHRASES)


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def date_words(date: PartialDate, lang: str) -> str:
    """A date as words: ``20 March 2024``, ``May 2025``, ``2024``; ``2024年3月20日`` in Chinese."""
    parts = [int(x) for x in date.value.split("-")]
    if lang == "zh":
        return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日", strict=False))
    if len(parts) == 3:
        return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _unit_words(unit_label: str, count: int, lang: str) -> str:
    if lang == "en" and count != 1 and not unit_label.endswith("s"):
        return unit_label + "s"
    return unit_label


def _generated_description(catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme], lang: str) -> str:
    say = _PHRASES[lang]
    sentences: list[str] = []
    aka = ""
    if dataset.alternate_name:
        aka = say["aka"].format(names=_join(list(dataset.alternate_name.value), lang))
    catalog_title = catalog.title.get(lang) or catalog.title["en"]
    sentences.append(say["intro"].format(name=dataset.name, aka=aka, catalog=catalog_title))
    if dataset.modality:
        items = _join([schemes["modality"].concepts[c].label(lang) for c in dataset.modality], lang)
        if dataset.modality_count is not None:
            items = say["modality_count"].format(items=items, count=dataset.modality_count)
        sentences.append(say["modality" if len(dataset.modality) == 1 else "modalities"].format(items=items))
    if dataset.task:
        items = _join([schemes["task"].concepts[c].label(lang) for c in dataset.task], lang)
        sentences.append(say["task" if len(dataset.task) == 1 else "tasks"].format(items=items))
    if dataset.size:
        counts = []
        for c in dataset.size:
            unit = _unit_words(schemes["unit"].concepts[c.unit].label(lang), c.count, lang)
            counts.append(say["approximate" if c.approximate else "count"].format(count=f"{c.count:,}", unit=unit))
        sentences.append(say["size"].format(items=_join(counts, lang)))
    if dataset.published and dataset.venue:
        sentences.append(say["date_venue"].format(date=date_words(dataset.published, lang), venue=dataset.venue))
    elif dataset.published:
        sentences.append(say["date"].format(date=date_words(dataset.published, lang)))
    elif dataset.venue:
        sentences.append(say["venue"].format(venue=dataset.venue))
    other = catalog.dataset(dataset.same_paper_as.value) if dataset.same_paper_as else None
    paper = dataset.paper or (other.paper if other else None)
    if paper:
        authors = paper.authors + paper.more_authors
        by = ""
        if len(authors) == 1 and paper.authors_complete:
            by = say["by_one"].format(first=authors[0])
        elif len(authors) == 2 and paper.authors_complete:
            by = say["by_two"].format(first=authors[0], second=authors[1])
        elif authors:
            by = say["by_many"].format(first=authors[0])
        published = say["published"].format(venue=paper.venue) if paper.venue else ""
        title = say["title"].format(title=paper.title)
        if other and not dataset.paper:
            sentences.append(say["same_paper"].format(title=title, by=by, published=published, other=other.name))
        else:
            sentences.append(say["paper"].format(title=title, by=by, published=published))
    hosts: list[str] = []
    for point in dataset.access:
        host = schemes["platform"].concepts[point.platform].label(lang) if point.platform else point.label
        if host not in hosts:
            hosts.append(host)
    if hosts:
        sentences.append(say["access"].format(items=_join(hosts, lang)))
    # A sentence ending in an abbreviation ("et al.") takes no second full stop.
    sentences = [s[: -len(say["end"])] if s.endswith("." + say["end"]) else s for s in sentences]
    return ("" if lang == "zh" else " ").join(sentences)


def describe(catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme] | None = None) -> dict[str, str]:
    """The dataset's description by language: the curator's where given, else written from its facts."""
    schemes = schemes or load_schemes()
    return {
        lang: dataset.description.get(lang) or _generated_description(catalog, dataset, schemes, lang)
        for lang in LANGUAGES
    }


def _creators(catalog: Catalog, dataset: Dataset) -> tuple[str, ...]:
    """The authors of the paper that introduces the dataset (its own, or the one it shares)."""
    paper = dataset.paper
    if paper is None and dataset.same_paper_as:
        paper = catalog.dataset(dataset.same_paper_as.value).paper
    return (paper.authors + paper.more_authors) if paper else ()


def _search_profile(
    desc: _Description, catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme], d: ox.NamedNode
) -> None:
    base = catalog.base_iri
    for lang, text in sorted(describe(catalog, dataset, schemes).items()):
        desc.add_all(d, (S_DESCRIPTION, DCT_DESCRIPTION), _lit(text, language=lang))
    # The dataset's IRI is the address of its landing page (HTML by content negotiation).
    desc.add(d, S_URL, d)
    # Canonical records of the same dataset: where it is published, and its project page.
    for url in sorted({p.url for p in dataset.access} | ({dataset.homepage.value} if dataset.homepage else set())):
        desc.add(d, S_SAME_AS, ox.NamedNode(url))
    for name in _creators(catalog, dataset):
        desc.add(d, S_CREATOR, ox.NamedNode(f"{base}person/{slug(name)}"))
    for scheme, ids in (("modality", dataset.modality), ("task", dataset.task)):
        for concept_id in ids:
            for lang, label in sorted(schemes[scheme].concepts[concept_id].pref_labels.items()):
                desc.add(d, S_KEYWORDS, _lit(label, language=lang))
    # The catalog named inside each dataset's description, so the dataset's document says which catalog it is in.
    c = ox.NamedNode(catalog_iri(base))
    desc.add(c, RDF_TYPE, S_CATALOG)
    for lang, text in sorted(catalog.title.items()):
        desc.add(c, S_NAME, _lit(text, language=lang))


def _catalog(catalog: Catalog, schemes: dict[str, ConceptScheme]) -> list[Triple]:
    base = catalog.base_iri
    desc = _Description()
    c = ox.NamedNode(catalog_iri(base))
    desc.add(c, RDF_TYPE, D_CATALOG)
    desc.add(c, RDF_TYPE, S_CATALOG)
    for lang, text in sorted(catalog.title.items()):
        desc.add_all(c, (DCT_TITLE, S_NAME), _lit(text, language=lang))
    for lang, text in sorted(catalog.description.items()):
        desc.add_all(c, (DCT_DESCRIPTION, S_DESCRIPTION), _lit(text, language=lang))
    # DCAT-AP allows a catalogue one creator: the curators together, as a foaf:Group whose members they are; each
    # curator is a schema:creator (schema.org allows many). The group's name joins theirs: nothing new is said.
    if catalog.curators:
        group = ox.NamedNode(f"{catalog_iri(base)}#curators")
        desc.add(c, DCT_CREATOR, group)
        desc.add(group, RDF_TYPE, FOAF_GROUP)
        desc.add(group, FOAF_NAME, _lit(_join([p.name for p in catalog.curators], "en")))
    for person in catalog.curators:
        node = _agent(desc, base, person.name, person.id)
        desc.add(c, S_CREATOR, node)
        desc.add(group, FOAF_MEMBER, node)
        if person.affiliation:
            desc.add(node, S_AFFILIATION, _organization(desc, base, person.affiliation))
        if person.id == catalog.publisher:
            desc.add_all(c, (DCT_PUBLISHER, S_PUBLISHER), node)
    if catalog.license:
        lic = ox.NamedNode(f"https://spdx.org/licenses/{catalog.license}")
        desc.add_all(c, (DCT_LICENSE, S_LICENSE), lic)
        desc.add(lic, RDF_TYPE, DCT_LICENSE_DOC)
        desc.add(lic, RDFS_LABEL, _lit(catalog.license))
    if catalog.repository:
        desc.add(c, DCT_SOURCE, ox.NamedNode(catalog.repository))
        desc.add(c, S_IS_BASED_ON, ox.NamedNode(catalog.repository))
    if catalog.readme:
        desc.add(ox.NamedNode(catalog.readme), RDF_TYPE, FOAF_DOCUMENT)
    for name in ("modality", "task"):
        desc.add(c, D_THEME_TAXONOMY, ox.NamedNode(schemes[name].iri))
    desc.add(c, HYDRA_VIEW, ox.NamedNode(page_iri(base, 1)))
    desc.add(c, HYDRA_TOTAL_ITEMS, ox.Literal(str(len(catalog.datasets)), datatype=XSD_INTEGER))
    for name, media_type, title_en, title_zh in CATALOG_DUMPS:  # DCAT 3: mediaType of the data, compressFormat
        dump = ox.NamedNode(base + name)
        desc.add(c, D_DISTRIBUTION_P, dump)
        desc.add(c, VOID_DATA_DUMP, dump)
        desc.add(dump, RDF_TYPE, D_DISTRIBUTION)
        desc.add(dump, D_ACCESS_URL, dump)
        desc.add(dump, D_DOWNLOAD_URL, dump)
        for prop, iana in ((D_MEDIA_TYPE, media_type), (D_COMPRESS_FORMAT, "application/gzip")):
            desc.add(dump, prop, ox.NamedNode(_IANA + iana))
            desc.add(ox.NamedNode(_IANA + iana), RDF_TYPE, DCT_MEDIA_TYPE)  # DCAT-AP: the range of both
        desc.add(dump, DCT_TITLE, _lit(title_en, language="en"))
        desc.add(dump, DCT_TITLE, _lit(title_zh, language="zh"))
    service = ox.NamedNode(sparql_endpoint_iri(base))
    desc.add(c, D_SERVICE, service)
    desc.add(c, VOID_SPARQL_ENDPOINT, service)
    desc.add(service, RDF_TYPE, D_DATA_SERVICE)
    desc.add(service, D_ENDPOINT_URL, service)
    desc.add(service, DCT_CONFORMS_TO, SPARQL_PROTOCOL)
    for lang, text in (("en", "SPARQL endpoint (read-only)"), ("zh", "SPARQL 查询端点（只读）")):
        desc.add(service, DCT_TITLE, _lit(text, language=lang))
    for dataset in catalog.datasets:
        d = ox.NamedNode(dataset_iri(base, dataset.id))
        desc.add_all(c, (D_DATASET_P, S_DATASET_P), d)
        desc.add(service, D_SERVES_DATASET, d)
    return desc.triples


def core_dataset_triples(catalog: Catalog, dataset: Dataset, schemes: dict | None = None) -> list[Triple]:
    """One dataset's core description (schema.org + DCAT), before the profiles add theirs
    (``profiles.assemble.dataset_triples`` is the whole description)."""
    return _dataset(catalog, dataset, load_schemes() if schemes is None else schemes)


def core_catalog_triples(catalog: Catalog, schemes: dict | None = None) -> list[Triple]:
    """The catalog's own core description (title, curators, datasets, SPARQL service), before the profiles'."""
    return _catalog(catalog, load_schemes() if schemes is None else schemes)
