"""The concept schemes' pages (``concept/<scheme>``: the scheme as a tree, each concept with its count) and each
concept's page (``concept/<scheme>/<id>``: what it is, and its datasets, a page of them at a time when many).
"""

from __future__ import annotations

from medvlm_kg.catalog.concepts import Concept
from medvlm_kg.catalog.entries import Dataset
from medvlm_kg.site.context import SiteContext, pager
from medvlm_kg.site.links import concept_page_key, page_file
from medvlm_kg.site.templating import ui_strings

__all__ = ["concept_page", "scheme_page"]


def scheme_page(site: SiteContext, name: str, lang: str) -> dict[str, bytes]:
    scheme = site.schemes[name]
    key = f"concept/{name}"
    label = scheme.labels.get(lang) or scheme.labels.get("en") or name
    definition = site.definitions[scheme.iri]
    about = ui_strings()[lang]["scheme_summary"].format(
        scheme=label, n=len(scheme.concepts), catalog=site.catalog_name(lang)
    )
    summary = " ".join(x for x in (definition.get(lang), about) if x)
    ctx = site.page_context(key, "scheme", lang, page_file(key, lang), label, summary)
    ctx["cite_as"] = scheme.iri  # the scheme's own IRI, also where the catalog's base is another
    users = site.users[name]
    tops = [c for c in scheme.concepts.values() if not c.broader]
    ctx.update(
        scheme=scheme,
        scheme_name=name,
        definition=definition,
        tree=[_tree(site, name, c, users) for c in sorted(tops, key=lambda c: c.label(lang).lower())],
        count=len(scheme.concepts),
    )
    return {page_file(key, lang): site.html("scheme.html", ctx)}


def _tree(site: SiteContext, scheme: str, concept: Concept, users: dict[str, list[Dataset]]) -> dict:
    children = sorted(site.narrower[scheme][concept.id], key=lambda c: c.id)
    return {
        "concept": concept,
        "count": site.concept_counts(scheme).get(concept.id, 0),
        "children": [_tree(site, scheme, c, users) for c in children],
    }


def concept_page(site: SiteContext, name: str, concept: Concept, lang: str, number: int = 1) -> dict[str, bytes]:
    """A concept's page: what it is, and its datasets (tagged with it, then through a narrower concept), a page
    of them at a time when there are many."""
    scheme = site.schemes[name]
    key = concept_page_key(name, concept.id, number)
    definition = site.definitions[concept.iri]
    strings = ui_strings()[lang]
    scheme_label = scheme.labels.get(lang) or scheme.labels.get("en") or name
    about = strings["concept_summary"].format(
        label=concept.label(lang),
        scheme=scheme_label,
        n=site.concept_counts(name).get(concept.id, 0),
        catalog=site.catalog_name(lang),
    )
    chunks = site.concept_chunks(name, concept)
    title = strings["concept_title"].format(label=concept.label(lang), scheme=scheme_label)
    summary = " ".join(x for x in (definition.get(lang), about) if x)  # the definition where it has this language
    if number > 1:  # a page of its own title and description, not page 1's again
        page_of = strings["page_of"].format(number=number, total=len(chunks))
        title, summary = f"{title} · {page_of}", f"{page_of}: {summary}"
    ctx = site.page_context(key, "concept", lang, page_file(key, lang), title, summary)
    ctx["cite_as"] = concept.iri  # the concept's own IRI, also where the catalog's base is another
    shown = chunks[number - 1]
    split = max(0, site.tagged_first(name, concept) - sum(len(c) for c in chunks[: number - 1]))
    direct, via = shown[:split], shown[split:]
    broader = [scheme.by_iri(i) for i in concept.broader]
    ctx.update(
        scheme=scheme,
        scheme_name=name,
        scheme_label=scheme.labels.get(lang) or scheme.labels.get("en") or name,
        concept=concept,
        definition=definition,
        broader=[c for c in broader if c],
        narrower=sorted(site.narrower[name][concept.id], key=lambda c: c.label(lang).lower()),
        direct=[site.row(d, lang) for d in direct],
        via=[site.row(d, lang) for d in via],
        total=site.concept_counts(name).get(concept.id, 0),
        alt_labels=_alt_labels(concept),
        pager=pager(lambda n: concept_page_key(name, concept.id, n), number, len(chunks), ctx["page"]),
    )
    return {page_file(key, lang): site.html("concept.html", ctx)}


def _alt_labels(concept: Concept) -> list[tuple[str, str]]:
    """The concept's other names, each spelling once, leaving out those equal to a preferred label."""
    seen, out = set(concept.pref_labels.values()), []
    for lang, text in concept.alt_labels:
        if text not in seen:
            seen.add(text)
            out.append((lang, text))
    return out
