"""The built knowledge graph: types, IRIs, formats that agree, and bytes that do not change between builds."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCAT, RDF

from conftest import ROOT, run_cli

SDO = rdflib.Namespace("https://schema.org/")
BASE = "https://w3id.org/medvlm-kg/"
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _graph(path: Path) -> rdflib.Graph:
    """A built document's graph; ``*.nt.gz``/``*.ttl.gz`` (the whole-catalog dumps) are read decompressed."""
    if path.suffix == ".gz":
        return rdflib.Graph().parse(data=gzip.decompress(path.read_bytes()), format=FORMATS[path.suffixes[-2][1:]])
    return rdflib.Graph().parse(path, format=FORMATS[path.suffix[1:]])


def _assert_isomorphic(a: rdflib.Graph, b: rdflib.Graph) -> None:
    iso_a, iso_b = to_isomorphic(a), to_isomorphic(b)
    if iso_a != iso_b:
        _, only_a, only_b = graph_diff(iso_a, iso_b)
        pytest.fail(f"graphs differ:\nonly in first: {sorted(only_a)[:5]}\nonly in second: {sorted(only_b)[:5]}")


@pytest.fixture(scope="module")
def catalog_graph(built) -> rdflib.Graph:
    return _graph(built / "catalog.ttl.gz")


def test_build_gives_59_datasets_typed_schema_and_dcat(catalog_graph):
    schema_datasets = set(catalog_graph.subjects(RDF.type, SDO.Dataset))
    dcat_datasets = set(catalog_graph.subjects(RDF.type, DCAT.Dataset))
    assert len(schema_datasets) == 59
    assert schema_datasets == dcat_datasets
    assert all(str(d).startswith(BASE + "dataset/") for d in schema_datasets)


def test_catalog_is_both_dcat_catalog_and_schema_data_catalog(catalog_graph):
    catalog = rdflib.URIRef(BASE + "catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in catalog_graph
    assert (catalog, RDF.type, SDO.DataCatalog) in catalog_graph
    assert len(set(catalog_graph.objects(catalog, DCAT.dataset))) == 59
    assert len(set(catalog_graph.objects(catalog, SDO.dataset))) == 59


@pytest.mark.parametrize("document", ["dataset/pathmmu", "dataset/meds-bench", "concept/modality"])
def test_turtle_and_jsonld_hold_the_same_triples(built, document):
    turtle = _graph(built / f"{document}.ttl")
    assert len(turtle) > 10
    _assert_isomorphic(turtle, _graph(built / f"{document}.jsonld"))
    assert not (built / f"{document}.nt").exists()  # serve derives N-Triples from the Turtle


def test_the_catalog_dumps_hold_the_same_triples(built):
    turtle = _graph(built / "catalog.ttl.gz")
    assert len(turtle) > 1000
    _assert_isomorphic(turtle, _graph(built / "catalog.nt.gz"))
    for name in ("catalog.ttl", "catalog.nt", "catalog.jsonld"):
        assert not (built / name).exists(), name


def test_the_catalog_dumps_are_gzip_members_made_deterministically(built):
    """Each dump is one gzip member per part (no file name, mtime 0), so an edit rewrites one member."""
    for name in ("catalog.ttl.gz", "catalog.nt.gz"):
        data = (built / name).read_bytes()
        starts = [i for i in range(len(data) - 3) if data[i : i + 4] == b"\x1f\x8b\x08\x00"]
        assert len(starts) > 14, name  # a header member and one per dataset (N-Triples: and node buckets)
        assert all(data[i + 4 : i + 8] == b"\0\0\0\0" for i in starts), "mtime 0, no file name flag"


def _reference_jsonld_graph(path: Path) -> rdflib.Graph:
    """The RDF a reference JSON-LD processor reads from ``path``: pyld's expansion and toRdf (not rdflib's parser,
    nor our writer's own reading of the context)."""
    from pyld import jsonld

    nquads = jsonld.to_rdf(json.loads(path.read_text(encoding="utf-8")), {"format": "application/n-quads"})
    return rdflib.Graph().parse(data=nquads, format="nt")


def test_every_built_jsonld_document_is_its_turtle_to_a_reference_processor(built):
    """Our hand-written compaction (jsonld.py) checked on every document of the build by pyld: datasets, concepts,
    schemes, the vocabulary."""
    documents = sorted(p for p in built.rglob("*.jsonld") if p.with_suffix(".ttl").is_file())
    # 59 datasets, 143 concepts (33 modality, 52 task, 34 unit, 24 platform in ontology/), 4 schemes, vocab (the
    # catalog and its pages are Turtle only: serve derives their JSON-LD)
    assert len(documents) == 207
    for path in documents:
        _assert_isomorphic(_graph(path.with_suffix(".ttl")), _reference_jsonld_graph(path))


def test_the_catalogs_ntriples_state_each_triple_once_on_its_own_line(built):
    # The datasets' members hold their own nodes' lines; the nodes they share (papers, people) are gathered once.
    lines = gzip.decompress((built / "catalog.nt.gz").read_bytes()).split(b"\n")
    assert lines[-1] == b"" and b"" not in lines[:-1], "catalog.nt.gz has a blank line"
    assert len(set(lines[:-1])) == len(lines) - 1 == len(_graph(built / "catalog.nt.gz")), "a repeated triple"


def test_every_dataset_file_agrees_across_formats(built):
    for ttl in sorted((built / "dataset").glob("*.ttl")):
        _assert_isomorphic(_graph(ttl), _graph(ttl.with_suffix(".jsonld")))


def test_the_output_has_no_blank_nodes(built):
    paths = [p for p in sorted(built.rglob("*.ttl")) if "ontology" not in p.parts] + [built / "catalog.nt.gz"]
    assert len(paths) > 14
    for path in paths:
        for triple in _graph(path):
            assert not any(isinstance(term, rdflib.BNode) for term in triple), f"{path.name}: {triple}"


def test_urls_are_iris_never_string_literals(catalog_graph):
    for s, p, o in catalog_graph:
        if isinstance(o, rdflib.Literal):
            assert not str(o).startswith(("http://", "https://")), f"{s} {p} holds a URL as text: {o}"


def test_jsonld_is_one_readable_object_per_dataset(built):
    import json

    document = json.loads((built / "dataset" / "pathmmu.jsonld").read_text(encoding="utf-8"))
    assert document["@id"] == BASE + "dataset/pathmmu"
    assert document["name"] == "PathMMU"
    assert document["listedModality"] == {"en": "Pathology Image + Text", "zh": "病理图像 + 文本"}
    sizes = {s["@id"].split("#")[1]: s["value"] for s in document["size"]}
    assert sizes == {"size-qa-pair": 33428, "size-image": 24067}
    assert document["citation"]["@id"] == "https://arxiv.org/abs/2401.16355"  # the paper, nested


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_second_build_is_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    result = run_cli("build", "--out", str(again))
    assert result.returncode == 0, result.stderr
    assert _tree_digest(again) == _tree_digest(built)


def test_a_failing_build_leaves_the_previous_output_untouched(tmp_path, catalog_copy):
    out = tmp_path / "out"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    before = _tree_digest(out)
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[pathology, text]", "[patholgy, text]"), encoding="utf-8")
    result = run_cli("build", "--data", str(catalog_copy), "--out", str(out))
    assert result.returncode == 1
    assert "patholgy" in result.stderr
    assert _tree_digest(out) == before


def test_build_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("five years of work")
    result = run_cli("build", "--out", str(precious))
    assert result.returncode == 1
    assert "not a medvlm-kg build folder" in result.stderr
    assert (precious / "thesis.txt").read_text() == "five years of work"


def test_output_layout_follows_the_iris(built):
    for name in (
        "catalog.ttl.gz",
        "dataset/pathmmu.ttl",
        "concept/modality/pathology.ttl",
        "concept/task.ttl",
        "vocab.ttl",
        "ontology/shapes.ttl",
        "ontology/context.jsonld",
    ):
        assert (built / name).is_file(), name
    concept = _graph(built / "concept/modality/pathology.ttl")
    assert (
        rdflib.URIRef(BASE + "concept/modality/pathology"),
        RDF.type,
        rdflib.URIRef("http://www.w3.org/2004/02/skos/core#Concept"),
    ) in concept


def test_schema_org_terms_exist_and_are_used_on_types_in_their_domain(catalog_graph):
    """Checked against schema.org's own definitions (tests/fixtures/schemaorg-terms.tsv)."""
    kinds, links = {}, {}
    for line in (ROOT / "tests/fixtures/schemaorg-terms.tsv").read_text().splitlines():
        if line.startswith("#"):
            continue
        name, kind, related = line.split("\t")
        kinds[name], links[name] = kind, set(related.split())

    def with_superclasses(cls: str) -> set[str]:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo += links.get(c, ())
        return seen

    used = set()
    for s, p, o in catalog_graph:
        if str(p).startswith(str(SDO)):
            prop = str(p)[len(SDO) :]
            assert kinds.get(prop) == "property", f"schema:{prop} is not a schema.org property"
            types = {str(t)[len(SDO) :] for t in catalog_graph.objects(s, RDF.type) if str(t).startswith(str(SDO))}
            assert types, f"{s} uses schema:{prop} but has no schema.org type"
            assert any(links[prop] & with_superclasses(t) for t in types), (
                f"schema:{prop} is used on {types}, outside its domain {links[prop]}"
            )
            used.add(prop)
        if p == RDF.type and str(o).startswith(str(SDO)):
            assert kinds.get(str(o)[len(SDO) :]) == "class", f"{o} is not a schema.org class"
    assert {"name", "citation", "size", "license", "datePublished"} <= used


def test_the_catalog_announces_its_read_only_sparql_endpoint(built):
    import rdflib

    g = _graph(built / "catalog.ttl.gz")
    dcat, void = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.Namespace("http://rdfs.org/ns/void#")
    catalog = rdflib.URIRef("https://w3id.org/medvlm-kg/catalog")
    endpoint = rdflib.URIRef("https://w3id.org/medvlm-kg/sparql")
    assert (catalog, dcat.service, endpoint) in g and (catalog, void.sparqlEndpoint, endpoint) in g
    assert (endpoint, rdflib.RDF.type, dcat.DataService) in g and (endpoint, dcat.endpointURL, endpoint) in g
    assert len(list(g.objects(endpoint, dcat.servesDataset))) == 59
    # the pages link the site's own SPARQL page (relative: a local `serve` user stays on localhost); that page
    # names the public endpoint
    assert 'href="sparql.html"' in (built / "index.html").read_text(encoding="utf-8")
    assert "https://w3id.org/medvlm-kg/sparql" in (built / "sparql.html").read_text(encoding="utf-8")


def test_the_dumps_are_dcat_distributions_of_the_catalog_with_their_compression(catalog_graph, built):
    """DCAT 3: dcat:mediaType is the type of the data inside, dcat:compressFormat the compression around it."""
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    iana = "http://www.iana.org/assignments/media-types/"
    catalog = rdflib.URIRef(BASE + "catalog")
    for name, media_type in (("catalog.ttl.gz", "text/turtle"), ("catalog.nt.gz", "application/n-triples")):
        dump = rdflib.URIRef(BASE + name)
        assert (built / name).is_file()
        assert (catalog, dcat.distribution, dump) in catalog_graph
        assert (dump, RDF.type, dcat.Distribution) in catalog_graph
        assert (dump, dcat.downloadURL, dump) in catalog_graph and (dump, dcat.accessURL, dump) in catalog_graph
        assert (dump, dcat.mediaType, rdflib.URIRef(iana + media_type)) in catalog_graph
        assert (dump, dcat.compressFormat, rdflib.URIRef(iana + "application/gzip")) in catalog_graph
