"""Search-engine hygiene on every built page, English and Chinese (issue 18 item 6): ``<html lang>``, a title
unique within its language, a description of 50–300 characters that differs from the other language's, a
canonical link to the page's own URL, and hreflang alternates that point at each other."""

from __future__ import annotations

from collections import defaultdict

import lxml.html

from medvlm_kg.site.links import url_to_file
from site_checks import files_of, pages_of

BASE = "https://w3id.org/medvlm-kg/"
SAME_PAGE = {"index.html": "catalog.html", "zh/index.html": "zh/catalog.html"}  # one page, two file names


def _alternates(html) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in html.xpath("//link[@hreflang]")}


def test_every_page_has_its_language_title_description_canonical_and_alternates(built):
    files = files_of(built)
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    descriptions: dict[str, str] = {}
    problems = []
    pages = [p for p in pages_of(built) if str(p.relative_to(built)) not in SAME_PAGE]
    assert len(pages) > 100
    for path in pages:
        rel = str(path.relative_to(built))
        zh = rel.startswith("zh/")
        html = lxml.html.parse(str(path)).getroot()
        if html.get("lang") != ("zh-Hans" if zh else "en"):
            problems.append(f"{rel}: lang={html.get('lang')}")
        title = (html.findtext(".//title") or "").strip()
        if not title:
            problems.append(f"{rel}: no title")
        elif title in titles["zh" if zh else "en"]:
            problems.append(f"{rel}: title {title!r} also on {titles['zh' if zh else 'en'][title]}")
        titles["zh" if zh else "en"][title] = rel
        description = (html.xpath("//meta[@name='description']/@content") or [""])[0]
        if not 50 <= len(description) <= 303:
            problems.append(f"{rel}: description of {len(description)} characters: {description!r}")
        descriptions[rel] = description
        canonical = html.xpath("//link[@rel='canonical']/@href")
        alternates = _alternates(html)
        if set(alternates) != {"en", "zh-Hans", "x-default"}:
            problems.append(f"{rel}: hreflang {sorted(alternates)}")
            continue
        if canonical != [alternates["zh-Hans" if zh else "en"]]:
            problems.append(f"{rel}: canonical {canonical} is not its own alternate")
        if url_to_file(canonical[0], BASE, files) not in (rel, SAME_PAGE.get(rel)):
            problems.append(f"{rel}: canonical {canonical[0]} names {url_to_file(canonical[0], BASE, files)}")
        twin = url_to_file(alternates["en" if zh else "zh-Hans"], BASE, files)
        if twin is None:
            problems.append(f"{rel}: its other-language page is missing")
            continue
        back = lxml.html.parse(str(built / twin)).getroot()
        back_alternates = _alternates(back)
        if back_alternates != alternates:
            problems.append(f"{rel}: alternates differ on {twin}")
    for rel, description in descriptions.items():
        if rel.startswith("zh/") and descriptions.get(rel[3:]) == description:
            problems.append(f"{rel}: the same description as the English page")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
