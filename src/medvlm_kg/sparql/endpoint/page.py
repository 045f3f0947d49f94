"""The site's SPARQL page, served live: the page ``build`` wrote, with its form enabled and the query, the answer
(a table whose IRIs link to their pages on this server, a boolean or a graph), the limits and the bundled
queries as examples filled into its marked places.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medvlm_kg.sparql.endpoint.pool import Answer, Pool
from medvlm_kg.sparql.endpoint.protocol import HEADERS

# The page is the site's own (stylesheet, script and icon from the same server; no inline script or style).
_PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'"
)
_SLOT = "<!--sparql:{}-->"


def _examples(catalog_iri: str, dataset_ids: list[str] = ()) -> list[dict]:
    """The bundled queries with their parameters bound to the example values, as runnable text. A dataset the
    catalog does not hold (the seed's "vqarad" in another catalog) gives way to the catalog's first one by id: an
    example that answers nothing teaches nothing."""
    from medvlm_kg.problems import CatalogError
    from medvlm_kg.sparql.query import bind, bound_text, bundled_queries

    base = catalog_iri[: -len("catalog")] if catalog_iri.endswith("catalog") else catalog_iri
    held = set(dataset_ids)
    examples = []
    for query in bundled_queries().values():
        text = query.text
        values = {
            p.name: dataset_ids[0] if p.type == "dataset" and held and p.example not in held else p.example
            for p in query.params
        }
        try:
            text = bound_text(query, bind(query, values, base))
        except (CatalogError, ValueError, TypeError):
            pass
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"
        examples.append(
            {
                "name": query.name,
                "form": query.form,
                "title": query.title,
                "description": query.description,
                "params": query.params,
                "values": values,
                "text": body,
            }
        )
    return examples


def _cell(term: dict | None, local=None) -> dict | None:
    """A result term as the page shows it; ``local(iri)`` gives a link on this server for the catalog's IRIs."""
    if term is None:
        return None
    value = term.get("value", "")
    if term.get("type") == "uri":
        link = value if value.lower().startswith(("http://", "https://")) else None
        if link and local is not None:
            link = local(value) or link
        return {"text": value, "link": link, "note": ""}
    if term.get("type") == "bnode":
        return {"text": "_:" + value, "link": None, "note": ""}
    if term.get("type") == "triple":
        return {"text": json.dumps(term.get("value"))[:300], "link": None, "note": "triple"}
    note = "@" + term["xml:lang"] if term.get("xml:lang") else ""
    if term.get("datatype"):
        note = term["datatype"].replace("http://www.w3.org/2001/XMLSchema#", "xsd:")
    return {"text": value, "link": None, "note": note}


def _cut(html: str, slot: str, replacement: str = "") -> str:
    """``html`` with the part between ``<!--sparql:slot-->`` and ``<!--sparql:/slot-->`` replaced."""
    start, end = html.find(_SLOT.format(slot)), html.find(_SLOT.format("/" + slot))
    if start < 0 or end < start:
        return html
    return html[:start] + replacement + html[end + len(_SLOT.format("/" + slot)) :]


class SparqlPage:
    """The SPARQL page of one build, in English and Chinese; the built pages and the examples read once."""

    def __init__(self, out_dir: Path, graph: str, pool: Pool, timeout_s: float, max_results: int):
        from jinja2 import Environment, FileSystemLoader

        from medvlm_kg.site.templating import TEMPLATES

        self.graph, self.pool = graph, pool
        self.timeout_s, self.max_results = timeout_s, max_results
        self.out_dir = out_dir
        self.base = self.graph[: -len("catalog")] if self.graph.endswith("catalog") else self.graph
        self.fragments = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
        self._shells: dict[str, str] = {}
        self._examples: list[dict] | None = None

    def examples(self) -> list[dict]:
        if self._examples is None:  # the build's datasets, by their pages (no query of the store needed)
            ids = sorted(p.stem for p in (self.out_dir / "dataset").glob("*.html"))
            self._examples = _examples(self.graph, ids)
        return self._examples

    def default_query(self) -> str:
        """The form's first query: the first bundled SELECT example, whose answer is a table."""
        selects = [e["text"] for e in self.examples() if e["form"] == "SELECT"]
        return (selects or [e["text"] for e in self.examples()] or ["SELECT * WHERE { ?s ?p ?o } LIMIT 10\n"])[0]

    @staticmethod
    def language(request) -> str:
        """The page's language from the path: ``/zh/sparql`` is the Chinese page."""
        return "zh" if request.url.path.startswith("/zh/") else "en"

    def shell(self, lang: str) -> str:
        """The built SPARQL page of ``lang`` (``sparql.html``, ``zh/sparql.html``), read once."""
        from medvlm_kg.site.links import page_file

        if lang not in self._shells:
            path = self.out_dir / page_file("sparql", lang)
            try:
                self._shells[lang] = path.read_text(encoding="utf-8")
            except OSError:
                from medvlm_kg.problems import CatalogError, Problem

                problem = Problem(str(path), None, "", "is missing (built before the SPARQL page)", "rebuild the site")
                raise CatalogError(problem) from None
        return self._shells[lang]

    def local_link(self, lang: str):
        """For a result IRI under the catalog's base: a link to its page or file on this server, relative to the
        SPARQL page of ``lang`` (to the Chinese page when there is one); ``None`` for other IRIs."""
        from medvlm_kg.site.links import url_to_file

        out_dir = self.out_dir

        class _OnDisk:
            def __contains__(self, rel: str) -> bool:
                return ".." not in rel.split("/") and (out_dir / rel).is_file()

        def local(iri: str) -> str | None:
            target = url_to_file(iri.partition("#")[0], self.base, _OnDisk())
            if target is None:
                return None
            fragment = iri.partition("#")[2]
            suffix = "#" + fragment if fragment else ""
            if lang == "en":
                return target + suffix
            if target.endswith(".html") and (out_dir / lang / target).is_file():
                return target + suffix
            return "../" + target + suffix

        return local

    def example_page(self, request, name: str) -> Any:
        """The page, with the bundled query ``name`` in the form (``?example=NAME``: one click loads one)."""
        if not name:
            return self.render(request)
        found = {e["name"]: e for e in self.examples()}
        if name not in found:
            import difflib

            close = difflib.get_close_matches(name, list(found), n=1)
            hint = f' — did you mean "{close[0]}"?' if close else ""
            return self.render(request, 404, error=f'no bundled query is named "{name}"{hint}')
        return self.render(request, query=found[name]["text"])

    def render(self, request, status: int = 200, **values) -> Any:
        """The site's SPARQL page (built by ``build``) with its form enabled, the query in it, the answer and the
        bundled examples filled into its marked places."""
        from markupsafe import escape
        from starlette.responses import HTMLResponse

        from medvlm_kg.site.templating import ui_strings

        lang = self.language(request)
        strings = ui_strings()[lang]

        def t(name: str, **args: Any) -> str:
            return strings[name].format(**args) if args else strings[name]

        triples = next((w.triples for w in list(self.pool.workers) if w.ready), 0)
        query = values.pop("query", None) or self.default_query()
        wanted = values.pop("format", "")
        html = self.shell(lang)
        head, _, rest = html.partition('<textarea id="query"')
        opening, _, rest = rest.partition(">")
        _, _, tail = rest.partition("</textarea>")
        html = f'{head}<textarea id="query"{opening}>{escape(query)}</textarea>{tail}'
        html = _cut(html, "static")
        limits = t(
            "sparql_limits",
            graph=self.graph,
            triples=f"{triples:,}",
            timeout=f"{self.timeout_s:g}",
            rows=f"{self.max_results:,}",
        )
        html = html.replace(_SLOT.format("limits"), f'<p class="muted">{escape(limits)}</p>', 1)
        html = html.replace(" disabled data-static>", ">", 1)
        if wanted:
            option = f'<option value="{escape(wanted)}">'
            html = html.replace(option, option[:-1] + " selected>", 1)
        results = self.fragments.get_template("_sparql_results.html").render(
            t=t,
            error=values.pop("error", None),
            boolean=values.pop("boolean", None),
            variables=values.pop("variables", None),
            rows=values.pop("rows", []),
            graph_text=values.pop("graph_text", None),
        )
        html = html.replace(_SLOT.format("results"), results, 1)
        examples = self.fragments.get_template("_sparql_examples.html").render(t=t, examples=self.examples())
        html = _cut(html, "examples", examples)
        headers = {**HEADERS, "Content-Security-Policy": _PAGE_POLICY}
        return HTMLResponse(html, status_code=status, headers=headers)

    def results_page(self, request, text: str, answer: Answer) -> Any:
        if answer.status != 200:
            return self.render(request, answer.status, query=text, error=answer.body.decode("utf-8", "replace"))
        if answer.media_type.startswith("application/sparql-results+json"):
            data = json.loads(answer.body)
            if "boolean" in data:
                return self.render(request, query=text, boolean=bool(data["boolean"]))
            variables = data["head"]["vars"]
            local = self.local_link(self.language(request))
            rows = [[_cell(b.get(v), local) for v in variables] for b in data["results"]["bindings"]]
            return self.render(request, query=text, variables=variables, rows=rows)
        return self.render(request, query=text, graph_text=answer.body.decode("utf-8", "replace"))
