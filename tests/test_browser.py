"""The built pages in a real headless Chromium: filters and sorting with JavaScript, a complete table without it,
the Chinese view, and hostile catalog strings that render as text and run nothing.

One browser for the module; each test opens its own context (JavaScript on or off).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, settle

# The 14-dataset seed catalog: the expectations below were counted by hand on it (tests/fixtures/seed-catalog).
DATA = ROOT / "tests" / "fixtures" / "seed-catalog"

PAYLOAD = "</script><img src=x onerror=alert(1)><!--"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seed catalog, built once with ``medvlm-kg build`` (overrides conftest's project build here)."""
    out = tmp_path_factory.mktemp("seed-site") / "build"
    result = run_cli("build", "--data", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    yield page
    context.close()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The catalog with PathMMU's name and description set to markup that would run if it were not escaped."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(DATA, data)
    path = data / "datasets" / "pathmmu.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "name: PathMMU\nlisted:",
        f"name: {json.dumps(PAYLOAD)}\ndescription:\n  en: {json.dumps(PAYLOAD)}\n  zh: {json.dumps(PAYLOAD)}\nlisted:",
        1,
    )
    path.write_text(text, encoding="utf-8")
    out = data.parent / "out"
    result = run_cli("build", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _visible_rows(page) -> list[str]:
    return page.locator("table[data-table] tbody tr:visible th a").all_inner_texts()


def test_filters_narrow_the_table_and_the_count_follows(built, page):
    page.goto((built / "index.html").as_uri())
    assert page.locator("form[data-filters]").is_visible()
    assert len(_visible_rows(page)) == 14
    page.select_option("select[name=modality]", "pathology")
    assert _visible_rows(page) == ["PathMMU"]
    assert page.locator("[data-count]").inner_text() == "Showing 1 of 14 datasets"
    page.select_option("select[name=modality]", "image")  # a broader concept finds the narrower ones too
    assert set(_visible_rows(page)) == {
        "CARES",
        "DrVD-Bench",
        "MM-Skin",
        "MultiMedEval",
        "PMC-VQA",
        "PathMMU",
        "VQARad",
    }
    page.select_option("select[name=host]", "github")
    assert set(_visible_rows(page)) == {"CARES", "DrVD-Bench", "MM-Skin", "MultiMedEval"}
    page.select_option("select[name=year]", "2024")
    assert _visible_rows(page) == ["CARES", "MultiMedEval"]
    page.click("button[type=reset]")
    page.fill("input[name=q]", "病理")  # search reads both languages' cells and concept labels
    assert _visible_rows(page) == ["PathMMU"]
    page.fill("input[name=q]", "skin")
    assert _visible_rows(page) == ["MM-Skin"]
    page.fill("input[name=q]", "no such dataset")
    assert _visible_rows(page) == [] and page.locator("[data-empty]").is_visible()
    page.click("button[type=reset]")
    page.wait_for_function("document.querySelectorAll('table[data-table] tbody tr:not([hidden])').length === 14")
    page.select_option("select[name=task]", "vqa")
    assert set(_visible_rows(page)) == {"DrVD-Bench", "GMAI-MMBench", "MM-Skin", "OmniMedVQA", "PMC-VQA", "VQARad"}
    assert page.errors == []


def test_sorting_by_size_and_by_name(built, page):
    page.goto((built / "index.html").as_uri())
    size = page.locator("th[data-sort=size] button")
    size.click()
    assert page.locator("th[data-sort=size]").get_attribute("aria-sort") == "ascending"
    assert _visible_rows(page)[-1] == "MM-Skin"  # no size: last, not first as a size of 0 (a user's report)
    size.click()
    assert page.locator("th[data-sort=size]").get_attribute("aria-sort") == "descending"
    assert _visible_rows(page)[:3] == ["SurgVLM-DB", "MedS-Ins", "PMC-VQA"]
    page.locator("th[data-sort=name] button").click()
    assert _visible_rows(page)[:2] == ["AlphaMed19K", "CARES"]
    page.locator("th[data-sort=date] button").click()
    page.locator("th[data-sort=date] button").click()
    assert _visible_rows(page)[0] == "SurgVLM-DB"  # 2025-06, the newest listed date
    page.locator("th[data-sort=size] button").click()
    page.locator("th[data-sort=size] button").click()
    assert _visible_rows(page)[-1] == "MM-Skin"  # and last in the other direction too


def test_filters_are_kept_in_the_address_for_sharing(built, page):
    page.goto((built / "index.html").as_uri() + "#modality=radiography")
    assert _visible_rows(page) == ["VQARad"]
    assert page.locator("select[name=modality]").input_value() == "radiography"


def test_without_javascript_the_table_is_complete_and_no_dead_controls_show(built, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((built / "index.html").as_uri())
    assert len(_visible_rows(page)) == 14
    assert not page.locator("form[data-filters]").is_visible()
    assert page.locator("figure.chart svg").count() == 4  # the charts are drawn at build time
    page.goto((built / "dataset" / "pathmmu.html").as_uri())
    assert page.locator("h1").inner_text() == "PathMMU"
    assert "33,428" in page.locator(".facts").first.inner_text()
    context.close()


def test_the_chinese_view_shows_the_chinese_cells_and_switches_back(built, page):
    page.goto((built / "zh" / "index.html").as_uri())
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    row = page.locator("#row-pathmmu")
    assert "病理图像 + 文本" in row.inner_text() and "选择题+推理" in row.inner_text()
    assert page.locator("[data-count]").inner_text() == "显示 14 / 14 个数据集"
    page.select_option("select[name=modality]", "pathology")
    assert page.locator("[data-count]").inner_text() == "显示 1 / 14 个数据集"
    switch = page.locator("a.langswitch")
    assert switch.get_attribute("hreflang") == "en"
    switch.click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Pathology Image + Text" in page.locator("#row-pathmmu").inner_text()


def test_a_dataset_page_links_concepts_and_shows_both_languages_cells(built, page):
    page.goto((built / "dataset" / "pathmmu.html").as_uri())
    listed = page.locator("table.compare").inner_text()
    assert "Pathology Image + Text" in listed and "病理图像 + 文本" in listed
    page.locator(".facts a.chip-modality", has_text="pathology image").click()
    assert page.locator("h1").inner_text() == "pathology image"
    assert "PathMMU" in page.locator(".dcards").first.inner_text()
    assert page.errors == []


@pytest.mark.parametrize("rel", ["dataset/pathmmu.html", "zh/dataset/pathmmu.html", "index.html"])
def test_hostile_strings_render_as_text_and_run_nothing(hostile_site, chromium, rel):
    context = chromium.new_context()
    context.add_init_script("window.__ran = false; window.alert = function () { window.__ran = true; };")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((hostile_site / rel).as_uri())
    settle(page)
    assert dialogs == []
    assert page.evaluate("window.__ran") is False
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
    if rel.endswith("pathmmu.html"):
        assert page.locator("h1").inner_text() == PAYLOAD
        assert page.locator("p.description").inner_text() == PAYLOAD
        data = json.loads(page.evaluate("document.querySelector('script[type=\"application/ld+json\"]').textContent"))
        assert data["name"] == data["description"] == PAYLOAD
    else:
        assert page.locator("#row-pathmmu th a").inner_text() == PAYLOAD
    context.close()


@pytest.mark.needs("cjk-font")
def test_the_chinese_view_draws_every_han_character_with_a_chinese_font(built, page):
    """Chromium draws the Chinese cells with a font fontconfig lists for Simplified Chinese, never a box: each
    Han character is one glyph of such a font (Chromium's own count, through the DevTools protocol)."""
    listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=True)
    chinese_families = {family.strip() for line in listed.stdout.splitlines() for family in line.split(",")}
    page.goto((built / "zh" / "index.html").as_uri())
    devtools = page.context.new_cdp_session(page)
    devtools.send("DOM.enable")
    devtools.send("CSS.enable")
    root = devtools.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("[data-count]", "#row-pathmmu td"):
        text = page.locator(selector).first.inner_text()
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        assert han >= 4, text
        node = devtools.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        drawn = sum(font["glyphCount"] for font in fonts if font["familyName"] in chinese_families)
        assert drawn == han, (text, fonts)


def test_the_licence_filter_keeps_the_datasets_with_that_licence(built, page):
    page.goto((built / "index.html").as_uri())
    page.select_option("select[name=license]", "CC-BY-4.0")
    shown = _visible_rows(page)
    expected = {
        row.locator("th a").inner_text()
        for row in page.locator("table[data-table] tbody tr").all()
        if row.get_attribute("data-license") == "CC-BY-4.0"
    }
    assert set(shown) == expected and len(shown) == 2
    page.select_option("select[name=license]", "unknown")
    assert len(_visible_rows(page)) == 8
