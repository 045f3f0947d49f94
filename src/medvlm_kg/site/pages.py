"""The web site written beside the RDF: dataset, concept and catalog pages, sitemap and robots.txt (issue 3).

Pages are laid out like the IRIs they describe (``<base>dataset/pathmmu`` → ``dataset/pathmmu.html``; Chinese
pages under ``zh/``; see ``links``), link to each other relatively so the folder works under any path prefix, and
work with JavaScript off. Each dataset page embeds one schema.org ``Dataset`` in JSON-LD that is a subset of the
dataset's own graph, so a crawler reads nothing the RDF does not state.

The site is a few renderers over one shared context (``context.SiteContext``): ``dataset_page``, ``catalog_page``,
``concept_pages``, ``whats_new_page``, ``sparql_page`` and ``discovery`` (sitemap, robots.txt). ``Site`` puts them
together, one method per kind of page, for ``build`` (which renders each page as a unit of its own) and
``render_site`` (every page at once, in memory).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyoxigraph as ox

from medvlm_kg.catalog.concepts import Concept
from medvlm_kg.catalog.entries import Catalog, Dataset
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.graph.description_text import LANGUAGES
from medvlm_kg.site import catalog_page, concept_pages, dataset_page, discovery, sparql_page, whats_new_page
from medvlm_kg.site.catalog_page import INDEX_SCRIPT
from medvlm_kg.site.context import SCHEMES_SHOWN, SiteContext
from medvlm_kg.site.discovery import Page
from medvlm_kg.site.links import csv_file
from medvlm_kg.site.templating import STATIC

__all__ = ["Site", "render_site", "site_context"]


class Site(SiteContext):
    """The shared context with one method per kind of page (each a renderer module's function over it)."""

    def dataset_pages(self, dataset: Dataset, triples: list[ox.Triple]) -> dict[str, bytes]:
        return dataset_page.dataset_pages(self, dataset, triples)

    def catalog_page(self, lang: str, number: int = 1) -> dict[str, bytes]:
        return catalog_page.catalog_page(self, lang, number)

    def catalog_index(self, known: Mapping[str, bytes] | None = None) -> bytes:
        """``catalog-index.js``; ``known``: datasets' lines of the previous build's (``catalog_page.index_lines``)."""
        return catalog_page.catalog_index(self, known)

    def catalog_csvs(self) -> dict[str, bytes]:
        """The list's table as CSV, by language."""
        return catalog_page.catalog_csvs(self)

    def whats_new_page(self, lang: str) -> dict[str, bytes]:
        return whats_new_page.whats_new_page(self, lang)

    def sparql_page(self, lang: str) -> dict[str, bytes]:
        return sparql_page.sparql_page(self, lang)

    def scheme_page(self, name: str, lang: str) -> dict[str, bytes]:
        return concept_pages.scheme_page(self, name, lang)

    def concept_page(self, name: str, concept: Concept, lang: str, number: int = 1) -> dict[str, bytes]:
        return concept_pages.concept_page(self, name, concept, lang, number)

    def registry(self) -> dict[str, Page]:
        return discovery.registry(self)

    def discovery(self, pages: dict[str, Page]) -> dict[str, bytes]:
        return discovery.discovery(self, pages)

    @staticmethod
    def static() -> dict[str, bytes]:
        """The stylesheet and scripts the pages link (``static/``), as they are."""
        return {
            f"static/{path.name}": path.read_bytes()
            for path in sorted(STATIC.iterdir())
            if path.is_file() and not path.name.startswith(".")
        }

    def catalog_wide_pages(self) -> dict[str, bytes]:
        """Every page that is not a dataset's: the catalog's, the schemes' and the concepts'."""
        out: dict[str, bytes] = {}
        for lang in LANGUAGES:
            for number in range(1, len(self.catalog_chunks()) + 1 if self.paged else 2):
                out.update(self.catalog_page(lang, number))
            out.update(self.whats_new_page(lang))
            out.update(self.sparql_page(lang))
            for name in SCHEMES_SHOWN:
                out.update(self.scheme_page(name, lang))
                for concept in self.schemes[name].concepts.values():
                    for number in range(1, len(self.concept_chunks(name, concept)) + 1):
                        out.update(self.concept_page(name, concept, lang, number))
        out.update({csv_file(lang): data for lang, data in self.catalog_csvs().items()})
        if self.paged:
            out[INDEX_SCRIPT] = self.catalog_index()
        return out


def site_context(catalog: Catalog, catalog_triples: list[ox.Triple], has_file: Callable[[str], bool]) -> Site:
    """What rendering any page needs, gathered once (see ``SiteContext``)."""
    return Site(catalog, catalog_triples, has_file)


def render_site(catalog: Catalog, graph: KnowledgeGraph, files: dict[str, bytes]) -> dict[str, bytes]:
    """Every page and discovery file by path, given the RDF ``files`` already rendered (all in memory: for small
    catalogs and tests; ``build`` renders the same pages one by one)."""
    site = Site(catalog, graph.catalog, lambda path: path in files)
    out = site.catalog_wide_pages()
    for dataset in catalog.datasets:
        out.update(site.dataset_pages(dataset, graph.datasets[dataset.id]))
    out.update(site.static())
    out.update(site.discovery(site.registry()))
    return dict(sorted(out.items()))
