"""``medvlm-kg serve`` as its clients meet it: a real uvicorn process on a free loopback port, asked with httpx,
and with a raw socket where the exact request bytes matter (path traversal, oversized heads, HEAD).

Every build has HTML pages (site.py): the HTML checks expect them. A few edge cases (folders the project's build
never writes, a rebuild while serving) run in-process.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SDO

from conftest import CHROMIUM, ROOT, require
from medvlm_kg.build.build import MARKER, write_output
from medvlm_kg.problems import CatalogError
from medvlm_kg.serve import VARIANTS, create_app, negotiate
from serve_fixtures import InProcessClient, parse_links, raw_request, serve

BASE = "https://w3id.org/medvlm-kg/"
PATHMMU = BASE + "dataset/pathmmu"
RDF_TYPES = {  # extension → (Content-Type, rdflib parser)
    "ttl": ("text/turtle; charset=utf-8", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SECURITY_HEADERS = ("x-content-type-options", "content-security-policy", "x-frame-options", "referrer-policy")


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    with serve(built, tmp_path_factory.mktemp("serve") / "serve.log") as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _graph(body: bytes, parser: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=parser)


def _expected(built: Path, rel: str) -> bytes:
    """What serve sends for ``rel``: the file the build wrote, or, for a syntax the build no longer writes
    (N-Triples), the Turtle file's triples as sorted N-Triples (what the build wrote before it stopped)."""
    path = built / rel
    if path.is_file():
        return path.read_bytes()
    assert rel.endswith(".nt"), rel
    triples = {str(t) for t in ox.parse(path=str(path.with_suffix(".ttl")))}
    return "".join(f"{t} .\n" for t in sorted(triples)).encode()


# --- content negotiation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", RDF_TYPES)
def test_dataset_iri_answers_each_rdf_media_type(http, built, ext):
    content_type, parser = RDF_TYPES[ext]
    response = http.get("/dataset/pathmmu", headers={"Accept": content_type.split(";")[0]})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["vary"] == "Accept"
    assert response.headers["content-location"] == f"pathmmu.{ext}"
    assert response.content == _expected(built, f"dataset/pathmmu.{ext}")
    graph = _graph(response.content, parser)
    assert isomorphic(graph, _graph((built / "dataset/pathmmu.ttl").read_bytes(), "turtle"))
    assert (rdflib.URIRef(PATHMMU), RDF.type, SDO.Dataset) in graph


def test_dataset_iri_answers_html(http, built):
    response = http.get("/dataset/pathmmu", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert response.headers["content-location"] == "pathmmu.html"
    assert response.content == (built / "dataset" / "pathmmu.html").read_bytes()
    script_src = next(d for d in response.headers["content-security-policy"].split(";") if "script-src" in d)
    assert "'unsafe-inline'" not in script_src  # inline scripts are allowed by hash only


@pytest.mark.parametrize("accept", [None, "*/*", BROWSER_ACCEPT, "text/*", "", "nonsense"])
def test_browsers_and_unspecific_clients_get_html(http, accept):
    response = http.get("/dataset/pathmmu", headers={"Accept": accept} if accept is not None else {})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-location"] == "pathmmu.html"


@pytest.mark.parametrize(
    ("accept", "ext"),
    [
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", "jsonld"),
        ("application/n-triples, text/turtle;q=0.1", "nt"),
        ("*/*;q=0.1, application/n-triples;q=0.2", "nt"),
        ("text/*;q=0.5, text/turtle", "ttl"),
        ("text/html;q=0.1, text/turtle;q=0.2", "ttl"),
        ("TEXT/Turtle", "ttl"),
        ("application/json", "jsonld"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted,x";q=0.7, text/turtle;q=0.6', "jsonld"),
        ("image/png, application/n-triples;q=0.01", "nt"),
        ("application/*", "jsonld"),  # two application/ types tie; server order (JSON-LD before N-Triples)
        ("text/turtle;q=0, */*;q=0.5, text/html;q=0", "jsonld"),
    ],
)
def test_q_values_and_wildcards_choose_the_representation(http, accept, ext):
    response = http.get("/dataset/pathmmu", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == RDF_TYPES[ext][0]
    assert response.headers["content-location"] == f"pathmmu.{ext}"


@pytest.mark.parametrize(
    "accept", ["image/png", "application/pdf, image/*", "text/html;q=0, text/turtle;q=0, application/*;q=0"]
)
def test_unacceptable_types_get_406_listing_the_available_types(http, accept):
    response = http.get("/dataset/pathmmu", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["vary"] == "Accept"
    available = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]
    for media_type in available:
        assert media_type in response.text
    alternates = {link["type"]: link["target"] for link in parse_links(response.headers["link"]) if "type" in link}
    assert {t: alternates.get(t) for t in available} == {
        "text/turtle": "pathmmu.ttl",
        "application/ld+json": "pathmmu.jsonld",
        "application/n-triples": "pathmmu.nt",
        "text/html": "pathmmu.html",
    }


@pytest.mark.parametrize(
    ("path", "iri", "rdf_type"),
    [
        ("/", BASE + "catalog", SDO.DataCatalog),
        ("/catalog", BASE + "catalog", SDO.DataCatalog),
        ("/vocab", BASE + "vocab", rdflib.OWL.Ontology),
        ("/concept/modality", BASE + "concept/modality", rdflib.SKOS.ConceptScheme),
        ("/concept/modality/pathology", BASE + "concept/modality/pathology", rdflib.SKOS.Concept),
        ("/concept/task/closed-ended-qa", BASE + "concept/task/closed-ended-qa", rdflib.SKOS.Concept),
    ],
)
@pytest.mark.parametrize("ext", RDF_TYPES)
def test_every_kind_of_iri_negotiates(http, path, iri, rdf_type, ext):
    content_type, parser = RDF_TYPES[ext]
    response = http.get(path, headers={"Accept": content_type.split(";")[0]})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["vary"] == "Accept"
    assert (rdflib.URIRef(iri), RDF.type, rdf_type) in _graph(response.content, parser)
    cite_as = [link["target"] for link in parse_links(response.headers["link"]) if link.get("rel") == "cite-as"]
    assert cite_as == [iri]


def test_the_catalog_page_answers_root_and_catalog(http, built):
    for path in ("/", "/catalog"):
        response = http.get(path, headers={"Accept": "text/html"})
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-location"] == "index.html"
        assert response.content == (built / "index.html").read_bytes()


def test_content_location_names_the_file_that_was_sent(http):
    for path in ("/", "/catalog", "/dataset/pathmmu", "/concept/modality"):
        for media_type in ("text/turtle", "application/ld+json", "application/n-triples", "text/html"):
            response = http.get(path, headers={"Accept": media_type})
            assert response.status_code == 200, (path, media_type)
            same = http.get(urljoin(str(response.url), response.headers["content-location"]))
            assert same.status_code == 200
            assert (same.content, same.headers["content-type"]) == (response.content, response.headers["content-type"])


@pytest.mark.parametrize("ext", RDF_TYPES)
def test_extension_urls_serve_that_file_whatever_the_accept_header(http, built, ext):
    response = http.get(f"/dataset/pathmmu.{ext}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"] == RDF_TYPES[ext][0]
    assert response.content == _expected(built, f"dataset/pathmmu.{ext}")
    assert "content-location" not in response.headers  # not negotiated


def test_the_catalog_iri_answers_every_syntax_from_the_compressed_dumps(http, built):
    """The build writes the whole catalog only as ``catalog.ttl.gz`` and ``catalog.nt.gz``; serve still answers
    ``/catalog`` (and ``/catalog.<ext>``) in every syntax, all with the same triples as the N-Triples dump."""
    import gzip

    dump = {
        str(t) for t in ox.parse(gzip.decompress((built / "catalog.nt.gz").read_bytes()), format=ox.RdfFormat.N_TRIPLES)
    }
    assert not (built / "catalog.nt").exists() and not (built / "catalog.jsonld").exists()
    for ext, (content_type, _) in RDF_TYPES.items():
        negotiated = http.get("/catalog", headers={"Accept": content_type.split(";")[0]})
        direct = http.get(f"/catalog.{ext}")
        assert negotiated.status_code == direct.status_code == 200, ext
        assert negotiated.content == direct.content and negotiated.headers["content-type"] == content_type
        rdf_format = ox.RdfFormat.from_extension(ext)
        assert {str(t) for t in ox.parse(direct.content, format=rdf_format)} == dump, ext
    assert http.get("/catalog.nt.gz").content == (built / "catalog.nt.gz").read_bytes()


def test_every_file_of_the_build_is_served_byte_for_byte_with_its_type(http, built):
    expected_types = {
        "ttl": "text/turtle; charset=utf-8",
        "jsonld": "application/ld+json",
        "nt": "application/n-triples",
        "html": "text/html; charset=utf-8",
        "json": "application/json",
        "xml": "application/xml",
        "txt": "text/plain; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml",
    }
    # the SPARQL pages are the endpoint's: serve answers /sparql.html and /zh/sparql.html live (test_endpoint)
    live = {"sparql.html", "zh/sparql.html"}
    files = [
        p
        for p in built.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.relative_to(built).as_posix() not in live
    ]
    assert len(files) > 150
    seen = Counter()
    for path in files:
        rel = path.relative_to(built).as_posix()
        response = http.get("/" + rel)
        assert response.status_code == 200, rel
        assert response.content == path.read_bytes(), rel
        assert response.headers["etag"] == '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:32] + '"'
        extension = path.suffix.lstrip(".")
        if extension in expected_types:
            assert response.headers["content-type"] == expected_types[extension], rel
        seen[extension] += 1
    assert {"ttl", "jsonld", "gz", "json"} <= set(seen)
    for name, content_type in (("sitemap.xml", "application/xml"), ("robots.txt", "text/plain; charset=utf-8")):
        assert (built / name).is_file(), f"the build wrote no {name}"
        assert http.get("/" + name).headers["content-type"] == content_type


# --- signposting, caching, HEAD, methods -----------------------------------------------------------------


def test_signposting_links_for_a_dataset(http):
    response = http.get("/dataset/pathmmu", headers={"Accept": "text/turtle"})
    links = parse_links(response.headers["link"])
    assert [link["target"] for link in links if link["rel"] == "cite-as"] == [PATHMMU]
    described_by = {link["type"]: link["target"] for link in links if link["rel"] == "describedby"}
    assert described_by == {
        "text/turtle": "pathmmu.ttl",
        "application/ld+json": "pathmmu.jsonld",
        "application/n-triples": "pathmmu.nt",
    }
    for media_type, target in described_by.items():
        document = http.get(urljoin(str(response.url), target))
        assert document.status_code == 200
        assert document.headers["content-type"].split(";")[0] == media_type
        assert document.headers["link"] == response.headers["link"]  # the files carry the same signposts
    types = {link["target"] for link in links if link["rel"] == "type"}
    assert "https://schema.org/Dataset" in types


def test_signposting_links_for_the_catalog(http):
    links = parse_links(http.get("/", headers={"Accept": "application/ld+json"}).headers["link"])
    assert [link["target"] for link in links if link["rel"] == "cite-as"] == [BASE + "catalog"]
    assert "https://schema.org/DataCatalog" in {link["target"] for link in links if link["rel"] == "type"}
    assert [link["target"] for link in links if link["rel"] == "license"] == ["https://spdx.org/licenses/MIT"]
    assert {link["rel"] for link in links} >= {"cite-as", "describedby", "type", "license", "author"}


def test_etag_and_if_none_match_give_304(http):
    turtle = http.get("/dataset/pathmmu", headers={"Accept": "text/turtle"})
    etag = turtle.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = http.get("/dataset/pathmmu", headers={"Accept": "text/turtle", "If-None-Match": if_none_match})
        assert again.status_code == 304, if_none_match
        assert again.content == b""
        for name in ("etag", "vary", "content-location", "link"):
            assert again.headers[name] == turtle.headers[name]
    changed = http.get("/dataset/pathmmu", headers={"Accept": "text/turtle", "If-None-Match": '"stale"'})
    assert changed.status_code == 200 and changed.content == turtle.content
    jsonld = http.get("/dataset/pathmmu", headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert jsonld.status_code == 200  # another representation, another ETag
    assert jsonld.headers["etag"] != etag
    file = http.get("/dataset/pathmmu.ttl", headers={"If-None-Match": etag})
    assert file.status_code == 304  # the file and the negotiated Turtle are the same bytes


@pytest.mark.parametrize(
    ("target", "accept"), [(b"/dataset/pathmmu", b"text/turtle"), (b"/", b"*/*"), (b"/ontology/shapes.ttl", b"*/*")]
)
def test_head_has_the_headers_of_get_and_no_body(server, target, accept):
    get = raw_request(server.port, target, headers=b"Accept: " + accept + b"\r\n")
    head = raw_request(server.port, target, method=b"HEAD", headers=b"Accept: " + accept + b"\r\n")
    assert head.status == get.status == 200
    assert head.body == b""
    assert int(head.headers["content-length"]) == len(get.body) > 0
    assert {k: v for k, v in head.headers.items() if k != "date"} == {
        k: v for k, v in get.headers.items() if k != "date"
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", ["/dataset/pathmmu", "/dataset/pathmmu.ttl", "/", "/no/such/thing"])
def test_the_server_is_read_only(http, built, method, path):
    before = (built / "dataset" / "pathmmu.ttl").read_bytes()
    response = http.request(method, path, content=b"@prefix x: <y> .", headers={"Content-Type": "text/turtle"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert (built / "dataset" / "pathmmu.ttl").read_bytes() == before


# --- hostile requests --------------------------------------------------------------------------------------

TRAVERSALS = [
    b"/../../etc/passwd",
    b"/../../../../../../../../etc/passwd",
    b"/dataset/../../../etc/passwd",
    b"/..%2f..%2fetc%2fpasswd",
    b"/..%2F..%2F..%2Fetc%2Fpasswd",
    b"/%2e%2e/%2e%2e/etc/passwd",
    b"/%2E%2E/%2E%2E/etc/passwd",
    b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/.%2e/.%2e/etc/passwd",
    b"/%252e%252e/%252e%252e/etc/passwd",
    b"/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    b"/..%255c..%255cetc%255cpasswd",
    b"/..%5c..%5cetc%5cpasswd",
    b"/..\\..\\etc\\passwd",
    b"/dataset\\..\\..\\etc\\passwd",
    b"//etc/passwd",
    b"/%2fetc%2fpasswd",
    b"/%2Fetc/passwd",
    b"/C:%5cWindows%5cwin.ini",
    b"/etc/passwd%00",
    b"/dataset/pathmmu.ttl%00.html",
    b"/%00../../etc/passwd",
    b"/..%c0%af..%c0%afetc%c0%afpasswd",
    b"/..%e0%80%af../etc/passwd",
    b"/%u002e%u002e/%u002e%u002e/etc/passwd",
    b"/..;/..;/etc/passwd",
    b"/./../etc/passwd",
    b"file:///etc/passwd",
    b"http://127.0.0.1/../../etc/passwd",
    b"/proc/self/environ",
    b"/dataset/pathmmu.ttl/../../../etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=lambda t: t.decode())
def test_path_traversal_in_every_encoding_is_404(server, target):
    response = raw_request(server.port, target)
    assert response.status == 404
    assert b"root:" not in response.raw


@pytest.mark.parametrize("target", [b"/etc/passwd\x00", b"/\xff\xfe/../etc/passwd", b"/a b/../etc/passwd"])
def test_malformed_request_targets_are_refused(server, target):
    response = raw_request(server.port, target)
    assert response.status == 400
    assert b"root:" not in response.raw


@pytest.mark.parametrize(
    "path", ["/dataset/", "/dataset", "/concept/", "/concept/modality/", "/ontology/", "/ontology", "/index"]
)
def test_folders_are_never_listed(http, built, path):
    response = http.get(path)
    page = built / path.strip("/") / "index.html"
    if path.endswith("/") and page.is_file():  # a page the build wrote for that folder, not a listing
        assert response.content == page.read_bytes()
    else:
        assert response.status_code == 404


def test_oversized_urls_and_headers_are_refused_and_the_server_stays_healthy(server):
    assert raw_request(server.port, b"/" + b"a" * 8000).status == 404  # long but allowed
    assert raw_request(server.port, b"/" + b"a" * 9000).status == 414
    assert raw_request(server.port, b"/?q=" + b"a" * 9000).status == 414
    assert raw_request(server.port, b"/", headers=b"X-Big: " + b"a" * 20_000 + b"\r\n").status == 431
    many = b"".join(b"X-Header-%d: %s\r\n" % (i, b"a" * 100) for i in range(300))
    assert raw_request(server.port, b"/", headers=many).status == 431
    # A head that arrives in pieces is cut by h11 as soon as it passes 16 KB, before it is complete.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        slow.sendall(b"GET /" + b"a" * 10_000)
        time.sleep(0.1)
        slow.sendall(b"a" * 10_000)
        assert slow.recv(65536).startswith(b"HTTP/1.1 400 ")
    try:  # a megabyte at once: refused (400), or reset while we are still sending it
        status = raw_request(server.port, b"/", headers=b"X-Huge: " + b"a" * 1_000_000 + b"\r\n").status
    except ConnectionError:
        status = 400
    assert status in (0, 400)  # 0: closed before we could read the refusal
    assert raw_request(server.port, b"/catalog.ttl").status == 200


def test_security_headers_on_every_kind_of_response(http, server):
    responses = [
        http.get("/dataset/pathmmu", headers={"Accept": "text/turtle"}),
        http.get("/dataset/pathmmu.jsonld"),
        http.get("/dataset/pathmmu", headers={"Accept": "image/png"}),  # 406
        http.get("/no/such/page"),  # 404
        http.post("/"),  # 405
    ]
    responses.append(raw_request(server.port, b"/" + b"a" * 9000))  # 414
    for response in responses:
        headers = response.headers
        for name in SECURITY_HEADERS:
            assert name in headers, (response, name)
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    rdf_policy = responses[0].headers["content-security-policy"]
    assert "default-src 'none'" in rdf_policy  # data files may run nothing at all


def test_burst_of_2000_concurrent_requests_has_no_errors(server):
    targets = [
        ("/dataset/pathmmu", "text/turtle", "text/turtle"),
        ("/dataset/vqarad", "application/ld+json", "application/ld+json"),
        ("/", "application/n-triples", "application/n-triples"),
        ("/concept/modality/pathology", BROWSER_ACCEPT, "text/html"),
        ("/catalog.jsonld", "*/*", "application/ld+json"),
        ("/ontology/shapes.ttl", "*/*", "text/turtle"),
    ]

    async def burst() -> Counter:
        outcomes: Counter = Counter()
        gate = asyncio.Semaphore(100)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as client:

            async def one(i: int) -> None:
                path, accept, expected = targets[i % len(targets)]
                async with gate:
                    try:
                        response = await client.get(path, headers={"Accept": accept})
                    except httpx.HTTPError as error:
                        outcomes[f"error {type(error).__name__}"] += 1
                        return
                ok = response.status_code == 200 and response.headers["content-type"].startswith(expected)
                outcomes["ok" if ok and response.content else f"bad {response.status_code} {path}"] += 1

            await asyncio.gather(*(one(i) for i in range(2000)))
            return outcomes

    # Each request has a 30 s timeout (an error outcome) and the burst a 120 s one: a hang fails, a slow machine
    # does not. How fast it is belongs to the benchmark.
    outcomes = asyncio.run(asyncio.wait_for(burst(), timeout=120))
    assert outcomes == Counter({"ok": 2000}), outcomes
    assert raw_request(server.port, b"/").status == 200  # and it is still serving


# --- how it starts ----------------------------------------------------------------------------------------


def test_binds_loopback_by_default(server):
    assert f"on http://127.0.0.1:{server.port}" in server.log.read_text()
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.rsplit(":", 1)
            if state == "0A" and int(port, 16) == server.port:  # 0A: LISTEN
                listening.append(address)
    if os.path.exists("/proc/net/tcp"):
        assert listening == ["0100007F"]  # 127.0.0.1, and nothing on IPv6 or other interfaces


def _serve_briefly(*args: str) -> subprocess.CompletedProcess:
    """A serve that should refuse to start; the timeout fails the test if it starts instead."""
    return subprocess.run(
        [sys.executable, "-m", "medvlm_kg.cli", "serve", *args], capture_output=True, text=True, cwd=ROOT, timeout=30
    )


def _assert_one_line_refusal(result: subprocess.CompletedProcess, phrase: str) -> None:
    assert result.returncode == 1
    assert phrase in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_refuses_a_folder_that_is_not_a_build(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes")
    _assert_one_line_refusal(_serve_briefly("--out", str(tmp_path)), "is not a medvlm-kg build folder")


def test_refuses_a_folder_that_does_not_exist(tmp_path):
    _assert_one_line_refusal(_serve_briefly("--out", str(tmp_path / "nothing")), "does not exist")


def test_refuses_a_port_in_use(built):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        _assert_one_line_refusal(_serve_briefly("--out", str(built), "--port", str(port)), "already in use")


# --- a build folder someone tampered with, served for real -------------------------------------------------

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP check</title>
<style>p { color: rgb(1, 2, 3) }</style>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Thing", "name": "x"}</script>
<script>
  document.documentElement.dataset.inline = "ran";
</script>
<script src="csp-check.js"></script>
</head><body><p style="font-weight: 700">text</p>
<img src="missing.png" onerror="document.documentElement.dataset.handler = 'ran'">
<a id="js-link" href="javascript:document.documentElement.dataset.jsUrl = 'ran'">link</a>
</body></html>
"""


@pytest.fixture(scope="module")
def tampered(built, tmp_path_factory):
    """A copy of the build with symlinks pointing out of it (and one inside), plus a page with scripts."""
    folder = tmp_path_factory.mktemp("tampered") / "build"
    shutil.copytree(built, folder)
    (folder / "dataset" / "leak.ttl").symlink_to("/etc/passwd")
    (folder / "dataset" / "leak.html").symlink_to("/etc/passwd")
    (folder / "etc").symlink_to("/etc")
    (folder / "dataset" / "alias.ttl").symlink_to(folder / "dataset" / "pathmmu.ttl")
    (folder / "csp-check.html").write_bytes(PAGE)
    (folder / "csp-check.js").write_text('document.documentElement.dataset.external = "ran";\n')
    (folder / ".env").write_text("SECRET=1\n")
    (folder / "dataset" / ".draft.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    with serve(folder, folder.parent / "serve.log") as running:
        yield running


@pytest.mark.parametrize(
    "path", ["/dataset/leak.ttl", "/dataset/leak", "/dataset/leak.html", "/etc/passwd", "/etc/", "/dataset/alias.ttl"]
)
def test_symlinks_in_the_folder_are_never_followed(tampered, path):
    response = raw_request(tampered.port, path.encode())
    assert response.status == 404
    assert b"root:" not in response.raw


@pytest.mark.parametrize("path", ["/" + MARKER, "/.env", "/dataset/.draft.ttl", "/dataset/.draft"])
def test_hidden_files_are_not_served(tampered, path):
    assert raw_request(tampered.port, path.encode()).status == 404


def test_page_policy_runs_the_sites_own_scripts_and_blocks_inline_handlers(tampered):
    """The page CSP allows each inline <script> of the served page by its hash; event-handler attributes
    and javascript: URLs (what an escaping bug usually lets in) do not run. Checked in real Chromium."""
    require("chromium", "playwright")
    from playwright.sync_api import sync_playwright

    def refused(what: str):
        return lambda message: "Content Security Policy" in message.text and what in message.text

    # Its own browser, not conftest's module-wide one: the burst test above runs its own asyncio loop.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            violations = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            # Wait for the events themselves (the browser refusing each one), not for a fixed time.
            with page.expect_console_message(refused("inline event handler")):
                page.goto(f"{tampered.url}/csp-check.html", wait_until="networkidle")
            with page.expect_console_message(refused("JavaScript URL")):
                page.click("#js-link")
            ran = page.evaluate("({...document.documentElement.dataset})")
            weight = page.evaluate("getComputedStyle(document.querySelector('p')).fontWeight")
            color = page.evaluate("getComputedStyle(document.querySelector('p')).color")
        finally:
            browser.close()
    assert ran == {"inline": "ran", "external": "ran"}
    assert (weight, color) == ("700", "rgb(1, 2, 3)")  # inline styles keep working
    assert any("inline event handler" in v for v in violations), violations
    assert any("JavaScript URL" in v for v in violations), violations


# --- in-process edge cases ---------------------------------------------------------------------------------


def _site(folder: Path, files: dict[str, str]) -> InProcessClient:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("built\n")
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return InProcessClient(create_app(folder))


def test_a_resource_with_only_a_page_or_only_rdf(tmp_path):
    client = _site(tmp_path / "site", {"about.html": "<p>about</p>", "dataset/x.ttl": "<urn:a> <urn:b> <urn:c> ."})
    assert client.get("/about").headers["content-type"] == "text/html; charset=utf-8"
    refused = client.get("/about", headers={"Accept": "text/turtle"})
    assert refused.status_code == 406 and "text/html" in refused.text and "text/turtle" not in refused.text
    assert (
        client.get("/dataset/x", headers={"Accept": BROWSER_ACCEPT}).headers["content-type"].startswith("text/turtle")
    )
    assert client.get("/dataset/x", headers={"Accept": "text/html"}).status_code == 406


def test_index_html_answers_root_and_catalog_in_a_minimal_site(tmp_path):
    catalog = f"<{BASE}catalog> <{RDF.type}> <{SDO.DataCatalog}> ."
    client = _site(tmp_path / "site", {"index.html": "<p>catalog</p>", "catalog.nt": catalog})
    for path in ("/", "/catalog"):
        page = client.get(path)
        assert (page.text, page.headers["content-location"]) == ("<p>catalog</p>", "index.html")
        data = client.get(path, headers={"Accept": "application/n-triples"})
        assert (data.text, data.headers["content-location"]) == (catalog, "catalog.nt")
        assert f'<{BASE}catalog>; rel="cite-as"' in data.headers["link"]


def test_the_base_iri_comes_from_the_build(tmp_path):
    base = "https://example.org/kg/"
    catalog = f"<{base}catalog> <{RDF.type}> <http://www.w3.org/ns/dcat#Catalog> ."
    dataset = f"<{base}dataset/d> <{RDF.type}> <{SDO.Dataset}> ."
    client = _site(tmp_path / "site", {"catalog.nt": catalog, "dataset/d.nt": dataset})
    links = parse_links(client.get("/dataset/d").headers["link"])
    assert {(link["rel"], link["target"]) for link in links} == {
        ("cite-as", f"{base}dataset/d"),
        ("describedby", "d.ttl"),  # the syntaxes serve derives from the one the folder has
        ("describedby", "d.jsonld"),
        ("describedby", "d.nt"),
        ("type", str(SDO.Dataset)),
    }


def test_create_app_refuses_a_folder_without_the_build_marker(tmp_path):
    (tmp_path / "index.html").write_text("<p>not ours</p>")
    with pytest.raises(CatalogError, match="not a medvlm-kg build folder"):
        create_app(tmp_path)


def test_a_new_build_is_served_without_a_restart(built, tmp_path):
    out = tmp_path / "build"
    shutil.copytree(built, out)
    client = InProcessClient(create_app(out))
    first = client.get("/dataset/pathmmu", headers={"Accept": "text/turtle"})
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    files["dataset/pathmmu.ttl"] += b"# rebuilt\n"
    write_output(files, out)  # the build's own atomic replace
    second = client.get("/dataset/pathmmu", headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.content.endswith(b"# rebuilt\n")
    assert second.headers["etag"] != first.headers["etag"]


def test_extra_routes_come_first_and_get_the_security_headers(tmp_path):
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def endpoint(request):
        return PlainTextResponse(f"endpoint read {len(await request.body())} bytes")

    (tmp_path / MARKER).write_text("built\n")
    client = InProcessClient(create_app(tmp_path, extra_routes=[Route("/sparql", endpoint, methods=["GET", "POST"])]))
    answer = client.post("/sparql", content=b"ASK {}")
    assert answer.text == "endpoint read 6 bytes"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in answer.headers["content-security-policy"]  # the baseline policy
    assert client.put("/sparql").status_code == 405
    assert client.post("/sparql", content=b"x" * (2 * 1024 * 1024)).status_code == 413  # bodies are bounded


def test_hidden_files_are_skipped_but_well_known_is_served(tmp_path):
    client = _site(tmp_path / "site", {".well-known/security.txt": "Contact: x", ".cache/x.ttl": "", "a/.b.txt": ""})
    assert client.get("/.well-known/security.txt").text == "Contact: x"
    assert client.get("/.cache/x.ttl").status_code == 404
    assert client.get("/.cache/x").status_code == 404
    assert client.get("/a/.b.txt").status_code == 404


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("garbage", "html"),  # no well-formed range: treated as no preference
        ("text/turtle;q=2, application/ld+json;q=0.5", "jsonld"),  # q out of range: that range is ignored
        ("text/turtle;q=abc, application/n-triples;q=0.5", "nt"),
        ("text/turtle;q=nan, application/n-triples;q=0.5", "nt"),
        ("text/*;q=0.9, text/html;q=0.1", "ttl"),  # the specific range sets html's q, the wildcard turtle's
        ("text/*;q=0.1, application/*;q=0.5, application/json;q=0.9, application/ld+json;q=0.1", "nt"),  # exact > alias
        ("application/json", "jsonld"),
        ("application/xhtml+xml", "html"),
        ('application/ld+json;profile="a,b;c", text/turtle;q=0.9', "jsonld"),
        ("*/html", "html"),  # malformed (*/x) is skipped, so no preference
        ("image/png", None),
        ("text/html;q=0, */*;q=0", None),
    ],
)
def test_negotiate(accept, expected):
    choice = negotiate(accept, VARIANTS)
    assert (choice.extension if choice else None) == expected
