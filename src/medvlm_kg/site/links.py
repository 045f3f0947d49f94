"""Where each page of the site lives and how pages link to each other.

A page's *key* is its IRI path below the base IRI ("dataset/pathmmu", "concept/task", "catalog"). English pages sit
at ``<key>.html``; other languages at ``<lang>/<key>.html``. The catalog page is written twice per language, as
``catalog.html`` (its IRI) and ``index.html`` (the folder's front page). Links between pages are relative, so the
built folder works under any path prefix. The build, the server and the crawler check (``inspect``) map URLs to
files with the same functions.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_LANGUAGE",
    "HTML_LANG",
    "concept_page_key",
    "csv_file",
    "lang_prefix",
    "page_file",
    "page_url",
    "relative_from",
    "url_to_file",
]

DEFAULT_LANGUAGE = "en"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}  # the pages' lang/hreflang; RDF literals stay @en/@zh


def lang_prefix(lang: str) -> str:
    """The folder of the pages in ``lang``: none for English, ``<lang>/`` for the others."""
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def page_file(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The HTML file of the page ``key`` in ``lang``, relative to the output folder."""
    return f"{lang_prefix(lang)}{key}.html"


def page_url(base: str, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The page's canonical URL: the IRI itself for English, ``<base><lang>/<key>`` for other languages."""
    return f"{base}{lang_prefix(lang)}{key}"


def url_to_file(url: str, base: str, files: set[str] | dict) -> str | None:
    """The file in the output folder that answers ``url`` as a static host would, or ``None``.

    ``<base>`` and ``<base>zh/`` → their ``index.html``; ``<base>dataset/x`` → ``dataset/x.html``; a URL that
    names a file (``<base>catalog.ttl``) → that file.
    """
    if not url.startswith(base):
        return None
    rel = urlsplit(url[len(base) :]).path
    if rel == "" or rel.endswith("/"):
        candidate = rel + "index.html"
        return candidate if candidate in files else None
    if rel in files:
        return rel
    return rel + ".html" if rel + ".html" in files else None


@lru_cache(maxsize=65_536)
def relative_from(target: str, here: str) -> str:
    """A link to the file ``target`` from a page in the folder ``here`` (both relative to the output folder)."""
    # posixpath.relpath, for two clean relative paths; cached, since every page links the same few dozen files
    # (it was a fifth of the site's build time).
    if not here:
        return target
    up, down = here.split("/"), target.split("/")
    common = 0
    while common < len(up) and common < len(down) - 1 and up[common] == down[common]:
        common += 1
    return "/".join([".."] * (len(up) - common) + down[common:])


def concept_page_key(scheme: str, concept_id: str, number: int = 1) -> str:
    """The key of page ``number`` of a concept's page: its IRI path, then ``/page/<n>`` from the second on."""
    key = f"concept/{scheme}/{concept_id}"
    return key if number == 1 else f"{key}/page/{number}"


def csv_file(lang: str) -> str:
    """The catalog table as CSV, beside the catalog page of ``lang``."""
    return f"{lang_prefix(lang)}catalog.csv"
