"""Checks of a built site that several tests share: every internal link resolves, the sitemap names the pages."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from medvlm_kg.site.links import url_to_file

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def files_of(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def pages_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def references(tree) -> list[tuple[str, str]]:
    """(attribute, value) of every href and src in a page, SVG links included."""
    out = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src", "{http://www.w3.org/1999/xlink}href"):
            value = element.get(attribute)
            if value is not None:
                out.append((attribute, value))
    return out


def broken_links(folder: Path, base: str) -> tuple[list[str], int]:
    """Every link of every page that leads nowhere (relative links to missing files or #ids, root-relative or
    foreign links where a relative one belongs, our IRIs that name no file), and how many links were checked."""
    files = files_of(folder)
    trees = {str(page.relative_to(folder)): lxml.html.fromstring(page.read_bytes()) for page in pages_of(folder)}
    ids = {rel: {e.get("id") for e in t.iter() if isinstance(e.tag, str) and e.get("id")} for rel, t in trees.items()}
    broken, checked = [], 0
    for rel, tree in trees.items():
        for _, value in references(tree):
            parts = urlsplit(value)
            if parts.scheme in ("http", "https"):
                if value == base + "sparql":  # the SPARQL endpoint is a service (medvlm-kg serve), not a file
                    continue
                if value.startswith(base) and not url_to_file(value, base, files):
                    broken.append(f"{rel}: {value} names no file")
                continue
            if parts.scheme or parts.netloc:
                broken.append(f"{rel}: unexpected link {value}")
                continue
            if value.startswith("/"):
                broken.append(f"{rel}: {value} is root-relative; links must be relative")
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) if parts.path else rel
            )
            if target not in files:
                broken.append(f"{rel}: {value} → {target} does not exist")
            elif parts.fragment and target.endswith(".html") and parts.fragment not in ids[target]:
                broken.append(f"{rel}: {value} points to a missing #{parts.fragment}")
            checked += 1
    return broken, checked


def sitemap_urls(folder: Path) -> list[str]:
    """Every page URL of the sitemap, through a sitemap index if there is one."""
    root = ET.parse(folder / "sitemap.xml").getroot()
    if root.tag == f"{SITEMAP}sitemapindex":
        urls = []
        for part in root.iter(f"{SITEMAP}sitemap"):
            name = part.findtext(f"{SITEMAP}loc").rpartition("/")[2]
            urls += [u.findtext(f"{SITEMAP}loc") for u in ET.parse(folder / name).getroot().iter(f"{SITEMAP}url")]
        return urls
    return [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]


def sitemap_problems(folder: Path, base: str) -> list[str]:
    """URLs of the sitemap that name no page, pages it leaves out, and URLs it lists twice."""
    files = files_of(folder)
    urls = sitemap_urls(folder)
    problems = (
        [f"listed twice: {u}" for u in sorted({u for u in urls if urls.count(u) > 1})] if len(urls) < 5000 else []
    )
    if len(urls) != len(set(urls)):
        problems.append(f"{len(urls) - len(set(urls))} URLs listed more than once")
    targets = {}
    for url in urls:
        target = url_to_file(url, base, files)
        if target is None:
            problems.append(f"names no page: {url}")
        targets[target] = url
    pages = {str(p.relative_to(folder)) for p in pages_of(folder)} - {"index.html", "zh/index.html"}
    problems += [f"not in the sitemap: {page}" for page in sorted(pages - set(targets))]
    return problems
