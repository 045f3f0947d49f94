"""One definition of a count: for every concept of the modality, task and host schemes, the catalog page's filter,
its chart, the scheme page's tree, the concept page and the bundled query all give the same number of datasets, in
English and in Chinese, on the built site. The count includes datasets tagged with a narrower concept (pathology
counts as medical image), and the pages say so."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from medvlm_kg.sparql.query import bind, built_store, bundled_queries, run_local

SVG = "{http://www.w3.org/2000/svg}"
SCHEMES = {"modality": "modality", "task": "task", "host": "platform"}
CHARTS = {"chart-modality": "modality", "chart-task": "task"}
LANGS = ("", "zh/")


def _from_pages(out: Path, prefix: str) -> dict[str, dict[tuple[str, str], int]]:
    """{where: {(scheme, concept id): count}} as the built HTML shows them."""
    got: dict[str, dict[tuple[str, str], int]] = {"filter": {}, "chart": {}, "scheme page": {}, "concept page": {}}
    catalog = lxml.html.parse(str(out / prefix / "index.html")).getroot()
    for select in catalog.iter("select"):
        scheme = SCHEMES.get(select.get("name"))
        for option in select.iter("option") if scheme else ():
            match = re.search(r"\((\d[\d,]*)\)\s*$", option.text_content())
            if option.get("value"):
                assert match, f"{prefix}index.html: option {option.get('value')} shows no count"
                got["filter"][(scheme, option.get("value"))] = int(match.group(1).replace(",", ""))
    for figure in catalog.iter("figure"):
        scheme = CHARTS.get(figure.get("id"))
        if not scheme:
            continue
        for link in figure.iter(f"{SVG}a", "a"):
            concept = link.get("href").rsplit("/", 1)[1].removesuffix(".html")
            value = [e for e in link.iter() if isinstance(e.tag, str) and "value" in (e.get("class") or "").split()]
            got["chart"][(scheme, concept)] = int(value[0].text_content().replace(",", ""))
    for scheme in SCHEMES.values():
        tree = lxml.html.parse(str(out / prefix / "concept" / f"{scheme}.html")).getroot()
        for link in tree.xpath("//main//li/a"):
            badge = link.getparent().xpath("./span[contains(@class, 'count-badge')]")
            if badge:
                concept = link.get("href").rsplit("/", 1)[1].removesuffix(".html")
                got["scheme page"][(scheme, concept)] = int(badge[0].text_content().replace(",", ""))
        for page in sorted((out / prefix / "concept" / scheme).glob("*.html")):
            doc = lxml.html.parse(str(page)).getroot()
            badge = doc.xpath("//h2[@id='datasets']/span[contains(@class, 'count-badge')]")
            got["concept page"][(scheme, page.stem)] = int(badge[0].text_content().replace(",", "")) if badge else 0
    return got


def _from_queries(out: Path) -> dict[tuple[str, str], int]:
    """The bundled queries' answers over the build's own graph (what ``query --from-build`` asks)."""
    base, store, _ = built_store(out)
    queries = bundled_queries()
    got = {}
    for scheme, name in (("modality", "datasets-by-modality"), ("task", "datasets-by-task")):
        query = queries[name]
        for page in sorted((out / "concept" / scheme).glob("*.html")):
            result = run_local(store, query, bind(query, {scheme: page.stem}, base))
            got[(scheme, page.stem)] = len({row[0].value for row in result.rows})
    hosts = queries["host-platforms"]
    for platform, _label, count in run_local(store, hosts, {}).rows:
        got[("platform", platform.value)] = int(count.value)
    return got


@pytest.fixture(scope="module")
def counted(built):
    return {prefix: _from_pages(built, prefix) for prefix in LANGS}, _from_queries(built)


@pytest.mark.parametrize("prefix", LANGS)
def test_every_concept_has_one_count_everywhere(counted, prefix):
    pages, queries = counted
    shown = {**pages[prefix], "query": queries}
    concepts = sorted({key for counts in shown.values() for key in counts})
    assert len(concepts) >= 30  # modality, task and host concepts of the seed catalog
    disagree = []
    for concept in concepts:
        seen = {where: counts[concept] for where, counts in shown.items() if concept in counts}
        count = seen.get("concept page", 0)
        places = {"filter", "scheme page", "concept page", "query"} | ({"chart"} if concept[0] != "platform" else set())
        if count:  # every place shows it, with the same number
            ok = places <= set(seen) and set(seen.values()) == {count}
        else:  # a concept no dataset uses: no filter option, bar or query row; its pages say 0
            ok = not any(seen.values())
        if not ok:
            disagree.append(f"{'/'.join(concept)}: {seen}")
    assert not disagree, "\n".join(disagree)


def test_a_broader_concept_counts_its_narrower_ones_and_the_page_says_so(counted, built):
    pages, _ = counted
    chart = pages[""]["chart"]
    assert chart[("modality", "image")] > chart[("modality", "medical-image")] >= chart[("modality", "pathology")]
    catalog = lxml.html.parse(str(built / "index.html")).getroot()
    notes = " ".join(n.text_content() for n in catalog.xpath("//figure[@id='chart-modality']//p"))
    assert "broader" in notes
    zh = lxml.html.parse(str(built / "zh" / "index.html")).getroot()
    assert "更宽泛" in " ".join(n.text_content() for n in zh.xpath("//figure[@id='chart-modality']//p"))
