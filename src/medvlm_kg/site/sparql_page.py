"""The SPARQL page (``sparql.html``) in the site's layout. Built static, it says that no endpoint answers there;
``medvlm-kg serve`` answers ``/sparql`` with the built page, its form enabled (``sparql/endpoint/page.py``).
"""

from __future__ import annotations

from medvlm_kg.site.context import SiteContext
from medvlm_kg.site.links import page_file
from medvlm_kg.site.templating import ui_strings

__all__ = ["SPARQL_DEFAULT_QUERY", "SPARQL_FORMATS", "sparql_page"]

# The answer formats the SPARQL page offers (value of ``format=``, label); the endpoint reads the same list.
SPARQL_FORMATS = (
    ("", "a table (this page)"),
    ("json", "SPARQL results JSON"),
    ("xml", "SPARQL results XML"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("turtle", "Turtle (CONSTRUCT, DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)"),
    ("nt", "N-Triples (CONSTRUCT, DESCRIBE)"),
)
SPARQL_DEFAULT_QUERY = """PREFIX schema: <https://schema.org/>

SELECT ?dataset ?name ?published
WHERE {
  ?dataset a schema:Dataset ;
           schema:name ?name .
  OPTIONAL { ?dataset schema:datePublished ?published }
}
ORDER BY ?name
"""


def sparql_page(site: SiteContext, lang: str) -> dict[str, bytes]:
    """``sparql.html``: the SPARQL page in the site's layout. Built static, it says that no endpoint answers
    here; ``medvlm-kg serve`` answers ``/sparql`` with this page, its form enabled and the bundled examples and
    the answer filled into its marked places (``<!--sparql:…-->``)."""
    ctx = site.page_context(
        "sparql",
        "sparql",
        lang,
        page_file("sparql", lang),
        ui_strings()[lang]["sparql_title"],
        ui_strings()[lang]["sparql_summary"].format(catalog=site.catalog_name(lang)),
    )
    ctx.update(formats=SPARQL_FORMATS, default_query=SPARQL_DEFAULT_QUERY)
    return {page_file("sparql", lang): site.html("sparql.html", ctx)}
