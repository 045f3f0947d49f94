"""A cell's Markdown or HTML as text: links become their labels, images, tags and emphasis go; the links a
cell holds; whether a cell says "unknown". Every stage of the import reads cells through these."""

from __future__ import annotations

import html
import re
import unicodedata

# Every repetition is bounded: unbounded ones backtrack quadratically on cells such as "[a](" × 20,000, which
# took minutes (a list written by a stranger must not hang the import). A link text may hold escaped brackets
# ("[[飞粤云端2017\]广东政务数据创新大赛](…)").
# A link's text may hold brackets in pairs ("[[paper]](url)" is a link whose text is "[paper]"), as CommonMark allows.
# A "[" in a text is taken only before another character than "[", and the text is read once (atomic, possessive):
# a cell of "[" × 10,000 took 6 s, "[[a]" × 2,500 took 2 s. A destination may hold parentheses in pairs
# ("https://…/Foo_(v2)/download"), as CommonMark allows: cut at the first ")", it named another page; one in angle
# brackets ("<https://x.org/a(b>") anything but brackets and a line break.
_MD_LINK = re.compile(
    r"\[((?:(?>\\.|\[(?:\\.|[^\[\]\\]){0,200}\](?!\()|[^\]\\\[]|\[(?!\[))){0,500}+)\]\(\s*<?((?<=<)[^<>\n]{1,2048}(?=>)|(?>[^()\s<>]|\([^()\s<>]{0,500}\)){1,2048}+)>?(?:\s+\"[^\"]{0,1000}\")?\s*\)"
)
_EMPTY_LINK = re.compile(r"\[((?:\\.|[^\]\\\[]|\[(?!\[)){0,500}+)\]\(\s*\)")
_HTML_LINK = re.compile(  # an <a> never closed runs to the end of the cell, as in a browser
    r"<a\s[^>]{0,500}?href\s*=\s*[\"']([^\"']{1,2048})[\"'][^>]{0,500}>(.{0,2000}?)(?:</a\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_IMAGE = re.compile(r"!\[[^\]]{0,1000}\]\([^)]{0,2048}\)")
_BARE_URL = re.compile(r"(?<![(\"'<])\bhttps?://[^\s<>()\[\]|\"']+")
# A Markdown autolink (CommonMark 6.5): the URL in angle brackets, shown as itself. Read before tags are taken
# away, which would take it for one.
_AUTOLINK = re.compile(r"<(https?://[^\s<>]{1,2048})>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,500}>")  # a tag starts with a letter: "(length<50)" is text
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # what the catalog loader refuses in a value
# "*Alpaca data*", "_this_": emphasis by one star or underscore around words (not "5*3*2", not snake_case)
_EMPHASIS = re.compile(
    r"(?<![\w*\\])\*(?=\S)([^*\n]{1,500}?)(?<=[^\s\\])\*(?![\w*])"
    r"|(?<![\w_\\])_(?=\S)([^_\n]{1,500}?)(?<=[^\s\\])_(?![\w_])"
)
_URL_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: any ASCII punctuation may be escaped
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")


_ITEM_END = re.compile(r"\s*</li>\s*(?=<li\b)", re.IGNORECASE)


def cell_text(cell: str) -> str:
    """A cell as text: links become their labels, images, tags and emphasis go, entities are decoded (for the
    description a page quotes from the list's cell)."""
    return _plain(cell)


def _plain(cell: str) -> str:
    """A cell as text: links become their labels, images, tags and emphasis go, entities are decoded."""
    text = _BR.sub(" ", cell)
    text = _IMAGE.sub(" ", text)
    text = _HTML_LINK.sub(lambda m: m.group(2), text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _EMPTY_LINK.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _ITEM_END.sub(", ", text)  # "<ul><li>Question answering</li><li>Classification</li></ul>": two items
    text = _TAG.sub("", text)
    text = re.sub(r"(\*\*|__|`|~~)", "", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


_UNKNOWN = {
    *("", "-", "–", "—", "--", "__", "N/A", "n/a", "NA", "?", "/", "\\"),
    *("无", "暂无", "None", "none", "TBD", "tbd"),
    *("unnamed", "Unnamed", "untitled", "Untitled", "unknown", "Unknown", "未命名", "未知"),  # a name left out
}


def _unknown(cell: str) -> bool:
    return _plain(cell) in _UNKNOWN


def _relative_links(cell: str) -> list[tuple[str, str]]:
    """(label, target) for each link to a path beside the list ("./resources/CT-ORG.md", "datasets/x/intro.ipynb"):
    no scheme, no in-page anchor, no image."""
    cell = _IMAGE.sub(" ", cell)
    found = [(_plain(m.group(2)), html.unescape(m.group(1)).strip()) for m in _HTML_LINK.finditer(cell)]
    found += [(_plain(m.group(1)), m.group(2).strip()) for m in _MD_LINK.finditer(_HTML_LINK.sub(" ", cell))]
    return [
        (label, target)
        for label, target in found
        if target
        and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:|#|//", target)
        and not re.search(r"[\s<>\"\\\[\]]", target)  # "[http:/a.org](http:/a.org": broken markup, no path
        and not _HOST_PATH.match(target)  # "github.com/ray-project/aviary": a URL without its scheme, not a path
    ]


_HOST_PATH = re.compile(
    r"(?:www\.)?(?:[a-z0-9-]+\.)+(?:com|org|net|io|edu|gov|cn|ai|dev|co|uk|de|jp|info|me)(?:/|$)", re.IGNORECASE
)


_BARE_DOI = re.compile(r"(?<![\w/.])10\.\d{4,9}/(?:[^\s|<>\[\]()\"']|\([^\s()]{1,20}\)){1,200}")  # "…6736(20)30183-5"


def _links(cell: str) -> list[tuple[str, str]]:
    """(label, url) for each link in a cell: Markdown, HTML, autolinks (``<https://…>``) and bare URLs; only
    http(s)."""
    found: list[tuple[str, str]] = []
    cell = _IMAGE.sub(" ", cell)
    for m in _HTML_LINK.finditer(cell):
        found.append((_plain(m.group(2)), html.unescape(m.group(1)).strip()))
    rest = _HTML_LINK.sub(" ", cell)
    for m in _MD_LINK.finditer(rest):  # "…/\\#!Synapse:…": a backslash escape in a destination is its character
        found.append((_plain(m.group(1)), _URL_ESCAPE.sub(r"\1", m.group(2).strip())))
    rest = _MD_LINK.sub(" ", rest)
    for m in _AUTOLINK.finditer(rest):
        found.append(("", m.group(1).strip()))
    rest = _AUTOLINK.sub(" ", rest)
    for m in _BARE_URL.finditer(_ESCAPE.sub(r"\1", rest)):  # "Plain\table_language" shows as "Plain_language"
        found.append(("", m.group(0).rstrip(".,;，。")))
    rest = _BARE_URL.sub(" ", rest)
    for m in _BARE_DOI.finditer(rest):  # a DOI column's "10.17632/3253gj88rr.1": the DOI's address
        found.append(("", "https://doi.org/" + m.group(0).rstrip(".,;，。")))
    seen: set[str] = set()
    result = []
    # "[10.34808/vjnh-9c35](http://10.34808/vjnh-9c35)": a DOI written as a web address's host is the DOI's address
    found = [(label, re.sub(r"^https?://(?=10\.\d{4,9}/)", "https://doi.org/", url)) for label, url in found]
    for label, url in found:
        if re.match(r"https?://[^\s/]+\.[^\s/]+", url) and url not in seen and not re.search(r"\s", url):
            seen.add(url)
            result.append((label, url))
    return result


def without_pictographs(text: str) -> str:
    """``text`` without the pictographs a list decorates it with at either end ("🦴 BTXRD", "🔗 Source"): a symbol,
    with its variation selector or joiner, is no part of a name or a label."""
    start, end = 0, len(text)
    while start < end and (_decoration(text[start]) or text[start].isspace()):
        start += 1
    while end > start and (_decoration(text[end - 1]) or text[end - 1].isspace()):
        end -= 1
    stripped = text[start:end]
    return stripped if stripped and (start or end < len(text)) else text


def _decoration(ch: str) -> bool:
    """A symbol, a joiner, or what belongs to a pictograph (a variation selector, a keycap); other marks belong to
    the letter before them (Hindi, Thai)."""
    return unicodedata.category(ch) in ("So", "Sk", "Cf") or ch in "\ufe0e\ufe0f\u20e3"
