"""What a crawler sees on a built site, page by page: the self-check behind ``medvlm-kg inspect-site``.

For every HTML page: the JSON-LD blocks, read with extruct (the extractor crawlers and validators use); for a
schema.org ``Dataset``, Google's required properties (``name``, and a ``description`` of 50 to 5000
characters; each ``distribution`` a ``DataDownload`` with its ``contentUrl``) and which of its recommended
properties are present (the rules: ``ontology/google-dataset.rules.json``); the page's canonical URL, whether the
sitemap lists it and whether robots.txt lets a crawler fetch it. The report is data first (``as_dict``) and
text second; a dataset page that lacks a required property makes it fail.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import extruct
import lxml.html

from medvlm_kg.profiles.google import (
    GOOGLE_RECOMMENDED,
    GOOGLE_REQUIRED,
    DatasetCheck,
    check_dataset,
    google_rules,
    json_ld_nodes,
    node_types,
)
from medvlm_kg.site.links import HTML_LANG, lang_prefix, url_to_file

__all__ = [
    "GOOGLE_RECOMMENDED",
    "GOOGLE_REQUIRED",
    "PageReport",
    "SiteReport",
    "check_dataset",
    "format_text",
    "google_rules",
    "inspect_site",
]


CRAWLERS = ("Googlebot", "*")
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def is_dataset_page_file(path: str) -> bool:
    """``dataset/<id>.html`` in a language's folder, and nothing below it: ``concept/unit/dataset/page/2.html``
    (the unit "dataset" has pages once many sizes are counted in it) is a concept page."""
    for lang in HTML_LANG:
        folder = lang_prefix(lang) + "dataset/"
        if path.startswith(folder) and "/" not in path[len(folder) :] and path.endswith(".html"):
            return True
    return False


@dataclass
class PageReport:
    path: str
    jsonld_blocks: int = 0
    jsonld_errors: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    datasets: list[DatasetCheck] = field(default_factory=list)
    canonical: str | None = None
    in_sitemap: bool = False
    robots_allowed: bool | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def is_dataset_page(self) -> bool:
        return bool(self.datasets) or is_dataset_page_file(self.path)

    @property
    def ok(self) -> bool:
        """A dataset page passes when it has exactly one Dataset and that Dataset has Google's required properties."""
        if not self.is_dataset_page:
            return not self.jsonld_errors
        return len(self.datasets) == 1 and all(d.ok for d in self.datasets) and not self.jsonld_errors


@dataclass
class SiteReport:
    out_dir: str
    base: str | None
    pages: list[PageReport]
    sitemap_urls: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.pages if p.is_dataset_page) and any(p.is_dataset_page for p in self.pages)

    def as_dict(self) -> dict[str, Any]:
        pages = []
        for page in self.pages:
            record = asdict(page)
            record["dataset_page"] = page.is_dataset_page
            record["ok"] = page.ok
            for check, data in zip(page.datasets, record["datasets"], strict=True):
                data["ok"] = check.ok
            pages.append(record)
        return {
            "out_dir": self.out_dir,
            "base": self.base,
            "ok": self.ok,
            "sitemap_urls": self.sitemap_urls,
            "problems": self.problems,
            "notes": self.notes,
            "pages": pages,
        }


# ---- reading JSON-LD as a crawler does ----------------------------------------------------------------


# ---- the site ---------------------------------------------------------------------------------------------


def _robots(out: Path) -> tuple[RobotFileParser | None, list[str], list[str]]:
    """robots.txt parsed, the sitemaps it names, and problems."""
    path = out / "robots.txt"
    if not path.is_file():
        return None, [], ["robots.txt is missing: crawlers find no sitemap"]
    parser = RobotFileParser()
    parser.parse(path.read_text(encoding="utf-8").splitlines())
    sitemaps = list(parser.site_maps() or [])
    problems = [] if sitemaps else ["robots.txt names no sitemap"]
    return parser, sitemaps, problems


def _sitemap(out: Path) -> tuple[list[str], list[str]]:
    path = out / "sitemap.xml"
    if not path.is_file():
        return [], ["sitemap.xml is missing"]
    try:
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        return [], [f"sitemap.xml is not well-formed XML: {exc}"]
    return [loc.text.strip() for loc in root.iter(f"{_SITEMAP_NS}loc") if loc.text], []


def _canonical(tree) -> str | None:
    for link in tree.xpath("//head/link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href")
    return None


def _inspect_page(out: Path, rel: str, html: bytes, base: str | None, files: set[str], sitemap: set[str], robots):
    page = PageReport(rel)
    tree = lxml.html.fromstring(html)
    page.jsonld_blocks = len(tree.xpath('//script[@type="application/ld+json"]'))
    page.canonical = _canonical(tree)
    try:
        items = extruct.extract(html, base_url=page.canonical, syntaxes=["json-ld"], errors="strict")["json-ld"]
    except Exception as exc:  # extruct raises whatever its JSON reader raises
        page.jsonld_errors.append(f"a JSON-LD block does not parse: {exc}")
        items = []
    for node in json_ld_nodes(items):
        types = node_types(node)
        page.types += types
        if "Dataset" in types:
            page.datasets.append(check_dataset(node))
    if page.is_dataset_page and len(page.datasets) != 1:
        page.problems.append(f"{len(page.datasets)} schema.org Datasets found; a dataset page needs exactly one")
    if not page.canonical:
        page.problems.append("no <link rel=canonical>")
    elif base:
        if not page.canonical.startswith(base):
            page.problems.append(f"canonical {page.canonical} is not under the site's base {base}")
        target = url_to_file(page.canonical, base, files)
        if target is None:
            page.problems.append(f"canonical {page.canonical} names no file of the site")
        elif target != rel and (out / target).read_bytes() != html:
            page.problems.append(f"canonical {page.canonical} is another page ({target})")
        page.in_sitemap = page.canonical in sitemap
        if not page.in_sitemap:
            page.problems.append(f"canonical {page.canonical} is not in sitemap.xml")
        if robots is not None:
            # Rules are read as the folder would be served at a host's root (the only place robots.txt counts).
            path = "/" + page.canonical[len(base) :] if page.canonical.startswith(base) else page.canonical
            page.robots_allowed = all(robots.can_fetch(agent, path) for agent in CRAWLERS)
            if not page.robots_allowed:
                page.problems.append("robots.txt does not let crawlers fetch it")
    return page


def inspect_site(out_dir: Path | str) -> SiteReport:
    """Inspect every HTML page of a built folder as a crawler would."""
    out = Path(out_dir)
    files = {str(p.relative_to(out)).replace("\\", "/") for p in out.rglob("*") if p.is_file()}
    robots, sitemaps, problems = _robots(out)
    notes: list[str] = []
    sitemap_urls, sitemap_problems = _sitemap(out)
    problems += sitemap_problems
    base = None
    for url in sitemaps:
        if url.endswith("sitemap.xml"):
            base = url[: -len("sitemap.xml")]
    if base is not None and urlsplit(base).path not in ("", "/"):
        notes.append(
            f"robots.txt counts only at a host's root; with the base {base} crawlers read "
            f"{urlsplit(base).scheme}://{urlsplit(base).netloc}/robots.txt, so its rules were checked as if this "
            "folder were served there"
        )
    if base is None:
        problems.append("the site's base URL is unknown (robots.txt names no sitemap.xml): canonical URLs not checked")
    else:
        for url in sitemap_urls:
            if url_to_file(url, base, files) is None:
                problems.append(f"sitemap URL {url} has no page in the folder")
    pages = [
        _inspect_page(out, rel, (out / rel).read_bytes(), base, files, set(sitemap_urls), robots)
        for rel in sorted(files)
        if rel.endswith(".html")
    ]
    if not pages:
        problems.append("no HTML pages found: build the site with `medvlm-kg build` first")
    return SiteReport(str(out), base, pages, len(sitemap_urls), problems, notes)


def format_text(report: SiteReport) -> str:
    """The report for people: one block per page with anything to say, then a summary."""
    lines: list[str] = []
    for page in report.pages:
        head = f"{page.path}: {page.jsonld_blocks} JSON-LD block{'s' if page.jsonld_blocks != 1 else ''}"
        if page.types:
            head += f" ({', '.join(sorted(set(page.types)))})"
        lines.append(head)
        for check in page.datasets:
            if check.ok:
                lines.append(f"  required: ok (name; description {check.description_length} characters)")
            else:
                lines.append(f"  required: FAILS {', '.join(check.required_missing + check.required_invalid)}")
            n, total = len(check.recommended_present), len(GOOGLE_RECOMMENDED)
            lines.append(f"  recommended {n}/{total}: {', '.join(check.recommended_present) or '—'}")
            lines.append(f"  not stated: {', '.join(check.recommended_missing) or '—'}")
        where = page.canonical or "no canonical"
        lines.append(
            f"  canonical {where}: {'in' if page.in_sitemap else 'NOT in'} sitemap, "
            + {True: "robots.txt allows it", False: "robots.txt FORBIDS it", None: "robots.txt not checked"}[
                page.robots_allowed
            ]
        )
        lines += [f"  problem: {p}" for p in page.jsonld_errors + page.problems]
    lines += [f"site problem: {p}" for p in report.problems]
    lines += [f"note: {n}" for n in report.notes]
    dataset_pages = [p for p in report.pages if p.is_dataset_page]
    passing = sum(p.ok for p in dataset_pages)
    lines.append(
        f"{len(report.pages)} pages, {len(dataset_pages)} dataset pages ({passing} meet Google's required "
        f"properties), {report.sitemap_urls} sitemap URLs"
        + ("" if report.ok else " — FAILED: a dataset page lacks a required property")
    )
    return "\n".join(lines) + "\n"
