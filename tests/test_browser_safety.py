"""Every text a curator writes can hold markup: on every kind of page, in real headless Chromium, it shows as text
and runs nothing, and every JSON-LD block still parses to the exact strings.

The project's catalog, with every free-text field of every entry and of catalog.yaml replaced by a payload from a
set of the usual attacks (script tags, event handlers, ``</script>``, ``<!--``, ``javascript:`` links, SVG, CSS,
template syntax, right-to-left overrides), each field getting its own mix.
"""

from __future__ import annotations

import itertools
import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli, settle

# The 14-dataset seed catalog: the expectations below were counted by hand on it (tests/fixtures/seed-catalog).
DATA = ROOT / "tests" / "fixtures" / "seed-catalog"

PAYLOADS = (
    "</script><script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    "<svg onload=\"window.__xss = 'svg'\"><script>window.__xss = 'svg script'</script></svg>",
    "<!-- an open comment",
    "--> a closed comment <script>window.__xss = 'after comment'</script>",
    "javascript:window.__xss = 'scheme'",
    "<a href=\"javascript:window.__xss = 'link'\">click</a>",
    '" onmouseover="window.__xss = \'attribute\'" data-x="',
    "' autofocus onfocus='window.__xss = \"focus\"' data-y='",
    "<style>body { display: none }</style>",
    "\u202e\u2066 right-to-left override \u2069",
    "{{ 7 * 7 }} {% raw %} ${7*7} #{7*7}",
    "<iframe srcdoc=\"<script>parent.__xss = 'iframe'</script>\"></iframe>",
    '<math><mtext></mtext><mglyph><svg><mtext><textarea><a title="</textarea><img src onerror=window.__xss=1>">',
)
# Fields whose text is shown as written (never an id, a URL, a date, a concept id or a fixed choice).
TEXT_FIELDS = {"name", "description", "title", "names", "text", "stated", "links", "venue", "label", "conflicts"}
NOT_TEXT = {"id", "url", "sources", "date", "covers", "platform", "unit", "source", "arxiv", "doi", "row", "version"}
NOT_TEXT |= {"first_listed", "first_listed_source", "modified", "modified_source", "year", "derived"}
CONCEPT_LISTS = {"modality", "task", "size"}  # outside `listed:` these are concept ids and counts


def _poison(value, key: str, payloads, inside_text: bool = False):
    """``value`` with every free-text string replaced: the field's name, then the payloads."""
    if isinstance(value, dict):
        return {
            k: (v if k in NOT_TEXT else _poison(v, k, payloads, inside_text or k in TEXT_FIELDS))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_poison(v, key, payloads, inside_text) for v in value]
    if isinstance(value, str) and inside_text:
        return f"{key} {next(payloads)}"
    return value


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("xss") / "data"
    shutil.copytree(DATA, data)
    # Every field gets every payload, starting each time with the next one.
    payloads = (" ".join(PAYLOADS[i:] + PAYLOADS[:i]) for i in itertools.cycle(range(len(PAYLOADS))))
    for path in [data / "catalog.yaml", *sorted((data / "datasets").glob("*.yaml"))]:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("title", "description") if path.name == "catalog.yaml" else ():
            doc[key] = {lang: f"{key} {next(payloads)}" for lang in doc[key]}
        if path.name == "catalog.yaml":
            for person in doc["curators"]:
                person["name"] = f"curator {person['id']} {next(payloads)}"
                person["affiliation"] = f"affiliation {next(payloads)}"
        else:
            listed = doc.pop("listed")
            doc = _poison({k: v for k, v in doc.items() if k not in CONCEPT_LISTS}, "", payloads) | {
                k: v for k, v in doc.items() if k in CONCEPT_LISTS
            }
            doc["listed"] = {
                k: v if k in ("row", "source", "version") else _poison(v, f"listed {k}", payloads, True)
                for k, v in listed.items()
            }
            if "paper" in doc:
                doc["paper"]["authors"] = [
                    f"author {i} {next(payloads)}" for i, _ in enumerate(doc["paper"].get("authors", []))
                ]
            doc["description"] = {
                lang: f"A description long enough for search engines. {next(payloads)}" for lang in ("en", "zh")
            }
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = data.parent / "out"
    result = run_cli("build", "--quiet", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out


PAGES = [
    "index.html",
    "zh/index.html",
    "catalog.html",
    "dataset/pathmmu.html",
    "zh/dataset/pathmmu.html",
    "dataset/meds-bench.html",
    "dataset/vqarad.html",
    "concept/modality.html",
    "zh/concept/task.html",
    "concept/modality/pathology.html",
    "zh/concept/task/vqa.html",
    "concept/platform/hugging-face.html",
    "concept/unit/qa-pair.html",
]

_PROVOKE = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'click', 'focus', 'error', 'load', 'animationstart']) {
      try { el.dispatchEvent(new Event(type, {bubbles: false})); } catch (e) {}
    }
  }
}"""

_INSPECT = """() => {
  const linkish = /^(href|src|action|formaction|xlink:href)$/i;
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') || (linkish.test(attr.name) && /^\\s*javascript:/i.test(attr.value)))
        handlers.push(el.tagName + ' ' + attr.name + '=' + attr.value.slice(0, 40));
    }
  }
  const kind = s => s.type === 'application/ld+json' ? 'ld' : (s.src ? 'src:' + s.getAttribute('src') : 'inline');
  const blocks = [...document.querySelectorAll('script[type="application/ld+json"]')].map(s => s.textContent);
  return {
    handlers, blocks, scripts: [...document.scripts].map(kind),
    foreign: document.querySelectorAll('iframe, img, style, math').length,
    text: document.body.innerText,
    xss: window.__xss === undefined ? null : String(window.__xss),
  };
}"""


@pytest.mark.parametrize("rel", PAGES)
def test_every_catalog_text_renders_as_text_and_runs_nothing(hostile, chromium, rel):
    context = chromium.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((hostile / rel).as_uri())
    settle(page)
    page.evaluate(_PROVOKE)  # an event handler smuggled into an attribute would fire now
    settle(page)  # and whatever those events started (a load, a frame) has finished
    found = page.evaluate(_INSPECT)
    context.close()
    assert dialogs == []
    assert found["xss"] is None  # no payload ran
    assert found["handlers"] == []  # no event handler and no javascript: link made it into the page
    assert found["foreign"] == 0  # nor an image, an iframe, a style sheet or MathML
    assert all(s == "ld" or s.startswith("src:") and s.endswith("static/site.js") for s in found["scripts"])
    for block in found["blocks"]:
        json.loads(block)  # every JSON-LD block still parses
    assert "window.__xss" in found["text"]  # the payloads are there, shown as text


def test_the_jsonld_blocks_hold_the_payloads_exactly(hostile):
    html = (hostile / "dataset" / "pathmmu.html").read_text(encoding="utf-8")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block  # escaped as \\u003c, so no string can end the block
    data = json.loads(block)
    assert data["name"].startswith("name ") and all(p in data["name"] for p in PAYLOADS)


def test_the_wait_sees_a_payload_that_runs_late(chromium, tmp_path):
    """A test of the wait the tests above use (conftest.settle): an image requested at the load event, whose
    answer the server holds back until the test lets it go, has run its onerror handler by the time settle
    returns, so a payload that runs late is seen, not missed by a wait that ended too soon."""
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            if self.path == "/":
                body = b"<!doctype html><title>late</title><script>window.addEventListener('load', () => {"
                body += b"const i = new Image(); i.onerror = () => { window.__late = 'ran'; }; i.src = '/slow.png';"
                body += b"});</script>"
                status = 200
            else:
                release.wait(30)  # held until the test releases it (30 s: never forever)
                time.sleep(1)  # and still in flight a while after: a wait that does not track it returns first
                body, status = b"no such image", 404
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_load_state("load")
        assert page.evaluate("window.__late") is None  # the image's answer is held back: nothing ran yet
        release.set()
        settle(page)
        assert page.evaluate("window.__late") == "ran"
    finally:
        context.close()
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
