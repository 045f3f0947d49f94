"""Every page type, in English and Chinese, at phone, tablet, laptop and wide-screen widths, measured in Chromium:
no element wider than the viewport or than its containing block, no text cut by its box, and the only boxes that
scroll sideways are the tables meant to, each with a visible cue. Then axe-core on every page type in both
languages: no serious or critical violation.

The site is served by ``medvlm-kg serve`` (the SPARQL page needs its endpoint).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from layout_checks import WIDTHS, measure_overflow, run_axe, serious
from serve_fixtures import serve

# Chinese text is measured in the font it is set in: without a CJK font every glyph is an empty box
pytestmark = pytest.mark.needs("chromium", "playwright", "cjk-font")

# One page of each type, chosen for their longest values: PathMMU (long title, many sources), CARES (a licence card
# with a long README quote), image (a concept with narrower concepts and many datasets), the task scheme (the
# deepest tree), (the SPARQL page joins when it has the site's layout).
RESULTS_QUERY = """PREFIX schema: <https://schema.org/>
PREFIX mvk: <https://w3id.org/medvlm-kg/vocab#>
SELECT ?dataset ?name ?listed WHERE {
  ?dataset a schema:Dataset ; schema:name ?name ; mvk:listedTitle ?listed .
} ORDER BY ?name"""
PAGES = {
    "catalog": "index.html",
    "dataset": "dataset/pathmmu.html",
    "dataset-licence": "dataset/cares.html",
    "concept": "concept/modality/image.html",
    "scheme": "concept/task.html",
    "sparql": "sparql",
    "sparql-answer": "sparql?query=" + quote(RESULTS_QUERY),
}
LANGS = {"en": "", "zh": "zh/"}
KINDS = list(PAGES)


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    with serve(built, tmp_path_factory.mktemp("layout") / "serve.log") as server:
        yield server.url + "/"


@pytest.fixture(scope="module")
def page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def _url(site: str, kind: str, lang: str) -> str:
    return site + LANGS[lang] + PAGES[kind]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_sticks_out_at_any_width(site, page, kind, lang):
    failures = []
    for width in WIDTHS:
        measured = measure_overflow(page, _url(site, kind, lang), width)
        if measured.page_overflows or measured.problems:
            failures.append(measured.summary())
        for box in measured.scrollers:
            # only a table marked as one that may scroll (a labelled region reachable by keyboard, with a hint)
            if box["tabindex"] != "0" or not box["label"] or not box["hint"]:
                failures.append(
                    f"{kind} {lang} @ {width}: {box['path']} scrolls ({box['scrollWidth']} px in {box['clientWidth']})"
                )
    assert not failures, "\n".join(failures)


def test_a_wide_table_shows_that_it_scrolls(site, page):
    """At tablet width the catalog table is wider than its box: the hint above it shows and the box has the
    shadows that say more is to the right."""
    measured = measure_overflow(page, site + "index.html", 768)
    assert [b["path"] for b in measured.scrollers if "table-wrap" in b["path"]], "the table fits at 768: test moot"
    assert page.locator(".scroll-hint").is_visible()
    background = page.eval_on_selector(".table-wrap", "e => getComputedStyle(e).backgroundImage")
    assert background.count("gradient") >= 2
    measured = measure_overflow(page, site + "index.html", 1920)
    assert not measured.scrollers
    assert not page.locator(".scroll-hint").is_visible()


def test_the_measure_finds_what_sticks_out(site, page):
    """The check itself: a 2000 px wide block is reported, a wide table inside a scroll box is not, a clipped
    line is."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site + "index.html")
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const wide = document.createElement('div'); wide.id = 'too-wide'; wide.style.width = '2000px';
        wide.textContent = 'x'; main.appendChild(wide);
        const box = document.createElement('div'); box.id = 'box'; box.style.overflowX = 'auto';
        const inner = document.createElement('div'); inner.style.width = '3000px'; inner.textContent = 'y';
        box.appendChild(inner); main.appendChild(box);
        const cut = document.createElement('p'); cut.id = 'cut';
        cut.style.cssText = 'overflow:hidden;white-space:nowrap;width:100px';
        cut.textContent = 'a line far longer than one hundred pixels of text'; main.appendChild(cut);
    }"""
    )
    from layout_checks import OVERFLOW_JS, outermost

    data = page.evaluate(OVERFLOW_JS)
    found = {(p["kind"], p["path"].rsplit(" > ", 1)[-1]) for p in outermost(data["problems"])}
    assert ("viewport", "div#too-wide") in found
    assert ("clipped", "p#cut") in found
    assert not any("box" in p["path"] for p in data["problems"])
    assert any(b["path"].endswith("div#box") for b in data["scrollers"])
    assert data["page"]["scrollWidth"] > 390


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_serious_violation(site, page, kind, lang):
    for width in (1280, 390):
        found = serious(run_axe(page, _url(site, kind, lang), width=width))
        assert not found, f"{kind} {lang} @ {width}: {found}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_sparql_page_loads_an_example_in_one_click_and_its_answer_links_here(site, page, lang):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + LANGS[lang] + "sparql.html")  # the nav's link: the live page, not the static file
    assert page.locator("button[type=submit]").is_enabled()
    assert page.locator("p.notice").count() == 0
    page.locator("#example-datasets-by-modality a.button").click()
    assert "skos:broader*" in page.locator("#query").input_value()
    page.locator("button[type=submit]").click()
    page.wait_for_selector("table.results")
    first = page.locator("table.results tbody tr td a").first
    href = first.get_attribute("href")
    assert href.startswith("dataset/") and "w3id.org" not in href, href
    first.click()
    assert page.url.startswith(site + LANGS[lang] + "dataset/")
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh" else "en")


def test_the_static_sparql_page_says_it_has_no_endpoint(built):
    html = (built / "sparql.html").read_text(encoding="utf-8")
    assert 'class="notice"' in html and "medvlm-kg serve" in html and " disabled data-static" in html
    for page in (built / "index.html", built / "dataset" / "pathmmu.html", built / "zh" / "concept" / "task.html"):
        text = page.read_text(encoding="utf-8")
        assert 'href="https://w3id.org/medvlm-kg/sparql"' not in text  # nav and footer stay on this site
        assert "sparql.html" in text
