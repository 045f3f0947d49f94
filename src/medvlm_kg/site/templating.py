"""How a page is written: the Jinja2 environment with its filters, the words of the pages in each language
(``templates/strings.json``), and JSON-LD made safe to embed in a ``<script>`` block.

HTML comes from the templates with autoescaping; JSON-LD goes through ``script_json``, which escapes ``<``, ``>``
and ``&`` inside strings. The server's SPARQL page reads the same templates and words.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.ext
import orjson
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from medvlm_kg.runtime.user_cache import user_cache_root

__all__ = [
    "STATIC",
    "TEMPLATES",
    "environment",
    "meta_description",
    "script_json",
    "source_label",
    "ui_strings",
]

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"


def script_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block: no string can end the block or open a comment.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. mean the same characters.
    """
    try:  # unindented: a reader's tools indent it, a page need not carry the spaces
        text = orjson.dumps(value).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # an integer past 64 bits
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)


@cache
def ui_strings() -> dict[str, dict[str, str]]:
    """The words of the pages, by language and name (``templates/strings.json``), read once."""
    return json.loads((TEMPLATES / "strings.json").read_text(encoding="utf-8"))


def text_node(text: str) -> Markup:
    """``text`` escaped for an element's content, where only ``&`` and ``<`` (and ``>``, by habit) mean markup;
    autoescaping also writes every quote as ``&#34;``, five bytes for one in a BibTeX or JSON block.
    Never for an attribute's value: there quotes must be escaped."""
    return Markup(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


_INDENT = re.compile(r"^[ \t]+", re.M)


class _UnindentedPages(jinja2.FileSystemLoader):
    """The page templates without their indentation, taken off their source once: a line break already separates
    what it indents, so a page shows the same, a tenth smaller. (Taking it off every rendered page instead was
    0.2 ms of a dataset page's 1.5 ms.) No template has a ``<pre>`` or ``<textarea>`` whose content spans lines
    of its source: a page's own text, such as a citation's lines, keeps its spaces."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        return (_INDENT.sub("", source) if template.endswith(".html") else source), filename, uptodate


class _WordsOfOneLanguage(jinja2.ext.Extension):
    """Writes a page's fixed words into its compiled template: ``t("name")`` with a literal name and no values
    becomes the word itself, a constant Jinja escapes once when it compiles the template, instead of a call on
    every page (a dataset page made about a hundred). ``t`` with values or a computed name stays a call, and the
    page is the same as before, byte for byte. So no template may name anything else ``t`` (a loop variable, a
    ``set``, a macro's argument): its ``t("name")`` would still be read as a word."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.extend(words_of_language={})

    def filter_stream(self, stream: TokenStream) -> TokenStream:
        words = self.environment.words_of_language  # type: ignore[attr-defined]
        tokens = list(stream)
        kept: list[Token] = []
        i = 0
        while i < len(tokens):
            name, *rest = tokens[i : i + 4]
            if (
                name.type == "name"
                and name.value == "t"
                and (not kept or kept[-1].type != "dot")
                and [tok.type for tok in rest] == ["lparen", "string", "rparen"]
                and isinstance(words.get(rest[1].value), str)
            ):
                kept.append(Token(name.lineno, "string", words[rest[1].value]))
                i += 4
                continue
            kept.append(name)
            i += 1
        return TokenStream(iter(kept), stream.name, stream.filename)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """The templates' compiled code, kept in the user's cache folder: compiling them took a third of a second on
    every build, however small the change. Jinja recompiles a template whose source changed; the folder's name
    is a digest of everything else the code depends on (this module, the page's words, Jinja and Python). A cache
    that cannot be read or written is no error: the template is compiled as before."""

    def __init__(self, lang: str | None) -> None:
        words = ui_strings()[lang] if lang else {}
        key = hashlib.sha256(
            b"\0".join(
                [
                    Path(__file__).read_bytes(),
                    json.dumps(words, sort_keys=True).encode(),
                    f"{jinja2.__version__} {sys.version} {lang}".encode(),
                ]
            )
        ).hexdigest()[:24]
        super().__init__(str(user_cache_root() / "templates" / key))

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # unreadable: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def environment(lang: str | None = None) -> jinja2.Environment:
    """The templates, autoescaped, with the filters they use (numbers, hosts, source labels, meta descriptions)
    and the fragments pages repeat (``fragments.py``); for ``lang``, with the page's fixed words of that language
    compiled in (``_WordsOfOneLanguage``)."""
    env = jinja2.Environment(
        loader=_UnindentedPages(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[_WordsOfOneLanguage] if lang else [],
        auto_reload=False,  # the templates ship with the code: no stat() of each one on every page
        bytecode_cache=_CompiledTemplates(lang),
    )
    if lang:
        env.words_of_language = ui_strings()[lang]  # type: ignore[attr-defined]
    env.filters["number"] = lambda n: f"{n:,}"
    env.filters["host"] = lambda url: urlsplit(url).hostname or url
    env.filters["source"] = source_label
    env.filters["meta_description"] = meta_description
    env.filters["text_node"] = text_node
    env.filters["lang_of"] = lang_of
    env.globals["listed_text"] = listed_text
    from medvlm_kg.site.fragments import FRAGMENTS  # they use source_label, from here

    env.globals.update(FRAGMENTS)
    return env


def lang_of(text: str, page_lang: str) -> Markup:
    """` lang="en"` for an element whose text is in another language than its page (an English paper title on a
    Chinese page), so screen readers and the W3C checker read it as what it is; nothing otherwise."""
    from medvlm_kg.graph.description_text import text_language

    found = {"en": "en", "zh": "zh-Hans"}.get(text_language(str(text)))
    return Markup(f' lang="{found}"') if found and found != page_lang else Markup("")


def listed_text(text: str, cell_lang: str | None, page_lang: str, code: bool = False) -> Markup:
    """A cell of the list as written, marked with its table's language where that is not the page's (its text's
    language where no cell says which table it is), in ``<code>`` for a cell of Markdown."""
    lang = Markup(f' lang="{cell_lang}"') if cell_lang and cell_lang != page_lang else Markup("")
    if not cell_lang:
        lang = lang_of(text, page_lang)
    if code:
        return Markup("<code{}>{}</code>").format(lang, text)
    return Markup("<span{}>{}</span>").format(lang, text) if lang else Markup("{}").format(text)


META_DESCRIPTION_MAX = 300  # search engines show ~160 characters; longer descriptions are cut by them anyway


def meta_description(text: str, limit: int = META_DESCRIPTION_MAX) -> str:
    """A page's ``<meta name="description">``: its summary on one line, cut after the last whole sentence that
    fits in ``limit`` characters (English or Chinese full stops), else at a word with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [head.rfind(mark) + len(mark) for mark in (". ", "。", "! ", "? ", "！", "？")]
    cut = max(ends)
    if cut > limit // 3:
        return head[:cut].rstrip()
    space = head[: limit - 1].rfind(" ")
    return head[: space if space > limit // 3 else limit - 1].rstrip() + "…"


def source_label(url: str, room: int = 44) -> str:
    """A source URL short enough to read: host and path, cut in the middle when long."""
    parts = urlsplit(url)
    text = (parts.hostname or "") + parts.path.rstrip("/")
    if parts.hostname and parts.hostname.startswith("www."):
        text = text[4:]
    if len(text) > room:
        text = text[: room // 2 - 1] + "…" + text[-(room // 2 - 1) :]
    return text or url
