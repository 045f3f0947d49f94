"""What crawlers and harvesters read to find the pages: the registry of every page with its ``lastmod``, the
sitemap (split into a sitemap index past the protocol's limits) and ``robots.txt`` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

from medvlm_kg.catalog.entries import Dataset
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.site.context import SCHEMES_SHOWN, SiteContext
from medvlm_kg.site.links import HTML_LANG, concept_page_key, page_url

__all__ = ["SITEMAP_MAX_BYTES", "SITEMAP_MAX_URLS", "Page", "discovery", "registry"]

SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limits for one file
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Page:
    """One page of the site (in each language): its key, its kind, and the ``lastmod`` the sitemap gives it."""

    key: str
    kind: str  # dataset | catalog | concept | scheme
    lastmod: str | None


def registry(site: SiteContext) -> dict[str, Page]:
    """Every page of the site (in each language), by key, with its ``lastmod`` for the sitemap."""
    newest = {d.id: site.newest_date(d) for d in site.catalog.datasets}  # a dataset is on ~17 pages: looked up

    def latest(datasets: list[Dataset]) -> str | None:
        return max((x for x in (newest[d.id] for d in datasets) if x), default=None) or site.newest

    pages: dict[str, Page] = {
        "catalog": Page("catalog", "catalog", site.newest),
        "whats-new": Page("whats-new", "whats-new", site.newest),
    }
    pages["sparql"] = Page("sparql", "sparql", site.newest)
    if site.paged:
        for number, chunk in enumerate(site.catalog_chunks(), start=1):
            key = f"catalog/page/{number}"
            pages[key] = Page(key, "catalog", latest(chunk))
    for dataset in site.catalog.datasets:
        key = f"dataset/{dataset.id}"
        pages[key] = Page(key, "dataset", newest[dataset.id] or site.newest)
    for name in SCHEMES_SHOWN:
        users = site.users[name]
        dated = [newest[d.id] for ids in users.values() for d in ids]
        pages[f"concept/{name}"] = Page(f"concept/{name}", "scheme", max((x for x in dated if x), default=None))
        for concept in site.schemes[name].concepts.values():
            for number, chunk in enumerate(site.concept_chunks(name, concept), start=1):
                key = concept_page_key(name, concept.id, number)
                pages[key] = Page(key, "concept", latest(chunk))
    return {key: pages[key] for key in sorted(pages)}


def discovery(site: SiteContext, pages: dict[str, Page]) -> dict[str, bytes]:
    """sitemap.xml (every page of ``registry``, in every language, with its alternates) and robots.txt naming it."""
    entries = []
    for key, page in pages.items():
        alternates = [(HTML_LANG[lang], page_url(site.base, key, lang)) for lang in LANGUAGES]
        for lang in LANGUAGES:
            entries.append({"loc": page_url(site.base, key, lang), "lastmod": page.lastmod, "alternates": alternates})
    out = _sitemaps(site, entries)
    out["robots.txt"] = (
        "# Every page of this site may be crawled; the sitemap lists them all.\n"
        f"User-agent: *\nAllow: /\n\nSitemap: {site.base}sitemap.xml\n"
    ).encode()
    return out


def _sitemaps(site: SiteContext, entries: list[dict]) -> dict[str, bytes]:
    """sitemap.xml, or, past the protocol's limits (50,000 URLs or 50 MB a file), a sitemap index
    naming sitemap-1.xml, sitemap-2.xml, … each within them."""
    template = site.env.get_template("sitemap.xml")
    chunks: list[list[dict]] = []
    for entry in entries:
        if not chunks or len(chunks[-1]) >= SITEMAP_MAX_URLS:
            chunks.append([])
        chunks[-1].append(entry)
    parts: list[tuple[bytes, list[dict]]] = []
    while chunks:
        chunk = chunks.pop(0)
        body = template.render(entries=chunk).encode("utf-8")
        if len(body) > SITEMAP_MAX_BYTES and len(chunk) > 1:
            half = len(chunk) // 2
            chunks[:0] = [chunk[:half], chunk[half:]]
            continue
        parts.append((body, chunk))
    if len(parts) == 1:
        return {"sitemap.xml": parts[0][0]}
    files = {f"sitemap-{n}.xml": body for n, (body, _) in enumerate(parts, start=1)}
    index = [
        {
            "loc": f"{site.base}sitemap-{n}.xml",
            "lastmod": max((e["lastmod"] for e in chunk if e["lastmod"]), default=None),
        }
        for n, (_, chunk) in enumerate(parts, start=1)
    ]
    files["sitemap.xml"] = site.env.get_template("sitemap-index.xml").render(parts=index).encode("utf-8")
    return files
