"""Layout and accessibility measured in Chromium: horizontal overflow of every element, and axe-core.

Overflow is measured on element boxes, not by eye:
- "page": the document is wider than the viewport (a horizontal scroll bar on the whole page);
- "viewport": an element's box reaches past the right (or left) edge of the viewport;
- "parent": an element's box reaches past its containing block's content box (its parent for in-flow boxes);
- "clipped": an element hides content that is wider than itself (overflow hidden/clip, scrollWidth > clientWidth),
  e.g. text cut mid-word.
Elements inside a scroll box (an ancestor with overflow-x auto or scroll) are exempt: the scroll box is measured
instead, and is reported under "scrollers" (so a test can check it shows a cue).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTHS = (390, 768, 1280, 1920)

# Runs in the page; returns {page: {scrollWidth, clientWidth}, problems: [...], scrollers: [...]}.
OVERFLOW_JS = r"""
() => {
  const TOL = 1;  // px: sub-pixel rounding
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== doc; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(part + '#' + e.id); break; }
      if (e.classList.length) part += '.' + [...e.classList].join('.');
      const same = e.parentElement ? [...e.parentElement.children].filter(c => c.tagName === e.tagName) : [];
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const scrolls = (s) => s.overflowX === 'auto' || s.overflowX === 'scroll';
  const scrollerOf = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== doc; a = a.parentElement) {
      if (scrolls(getComputedStyle(a))) return a;
    }
    return null;
  };
  const contentRight = (box) => {
    const r = box.getBoundingClientRect(), s = getComputedStyle(box);
    return r.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight)
      - (box.offsetWidth - box.clientWidth - parseFloat(s.borderLeftWidth) - parseFloat(s.borderRightWidth));
  };
  const problems = [], scrollers = [];
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || s.display === 'contents') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // visually hidden (skip links, sr-only): 1px boxes clipped away, or moved off the page on purpose
    if (r.width <= 1 && r.height <= 1) continue;
    if (r.right <= 0 || r.bottom <= 0) continue;
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    const base = { path: path(el), tag: el.tagName.toLowerCase(), left: Math.round(r.left), right: Math.round(r.right),
                   width: Math.round(r.width), text };
    if (scrolls(s) && el.scrollWidth > el.clientWidth + TOL) {
      scrollers.push({ ...base, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                       tabindex: el.getAttribute('tabindex'), role: el.getAttribute('role'),
                       label: el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'),
                       hint: el.getAttribute('data-scroll-hint') });
    }
    if (scrollerOf(el)) continue;
    if (s.position === 'fixed') continue;
    if (r.right > vw + TOL || r.left < -TOL) problems.push({ kind: 'viewport', ...base, viewport: vw });
    // the containing block of an in-flow box: the nearest ancestor that is not an inline box
    let cb = el.parentElement;
    while (cb && cb !== document.body && ['inline', 'contents'].includes(getComputedStyle(cb).display)) {
      cb = cb.parentElement;
    }
    if (cb && cb !== doc && s.position !== 'absolute') {
      const limit = contentRight(cb);
      // inline boxes of a wrapped line may start left of the parent; only the right edge counts
      if (r.right > limit + TOL) problems.push({ kind: 'parent', ...base, limit: Math.round(limit),
                                                  parent: path(cb) });
    }
    if ((s.overflowX === 'hidden' || s.overflowX === 'clip') && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + TOL) {
      problems.push({ kind: 'clipped', ...base, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
    }
  }
  return { page: { scrollWidth: doc.scrollWidth, clientWidth: vw }, problems, scrollers };
}
"""


@dataclass
class Overflow:
    url: str
    width: int
    page_scroll_width: int
    problems: list[dict]
    scrollers: list[dict]

    @property
    def page_overflows(self) -> bool:
        return self.page_scroll_width > self.width

    def summary(self) -> str:
        lines = [f"{self.url} @ {self.width}px: document {self.page_scroll_width}px wide"]
        for p in self.problems:
            extra = {
                "viewport": f"right {p['right']} > {p.get('viewport')}",
                "parent": f"right {p['right']} > {p.get('limit')} of {p.get('parent')}",
                "clipped": f"content {p.get('scrollWidth')} in {p.get('clientWidth')}",
            }[p["kind"]]
            lines.append(f"  {p['kind']}: {p['path']} ({p['width']}px; {extra}) {p['text']!r}")
        return "\n".join(lines)


def outermost(problems: list[dict]) -> list[dict]:
    """Keep only the outermost offender of each kind (a too-wide table makes all its cells stick out too)."""
    kept = []
    for p in sorted(problems, key=lambda p: (p["kind"], len(p["path"]))):
        if any(k["kind"] == p["kind"] and p["path"].startswith(k["path"] + " > ") for k in kept):
            continue
        kept.append(p)
    return kept


def measure_overflow(page, url: str, width: int, height: int = 900) -> Overflow:
    """Load ``url`` at ``width`` px (fonts loaded) and measure every element."""
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no answer'}"
    page.evaluate("document.fonts.ready.then(() => true)")
    data = page.evaluate(OVERFLOW_JS)
    return Overflow(url, width, data["page"]["scrollWidth"], outermost(data["problems"]), data["scrollers"])


SERIOUS = ("serious", "critical")


def run_axe(page, url: str | None = None, *, width: int = 1280) -> list[dict]:
    """axe-core (the copy bundled with axe-playwright-python) on the page; every violation as
    {id, impact, help, nodes: [target selectors]}."""
    from axe_playwright_python.sync_playwright import Axe

    if url is not None:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response.status if response else 'no answer'}"
    results = Axe().run(page)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [", ".join(map(str, n["target"])) for n in v["nodes"]],
        }
        for v in results.response["violations"]
    ]


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in SERIOUS]
