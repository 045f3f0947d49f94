"""A dataset's name: read from its cell (without the links and notes the cell adds), written in Unicode when the
list writes it in LaTeX, as a comparison key (``name_key``) and as a file id (``slug``)."""

from __future__ import annotations

import re
import unicodedata

from medvlm_kg.catalog.checks import RESERVED_IDS
from medvlm_kg.catalog.markdown.cells import (
    _AUTOLINK,
    _BARE_URL,
    _BR,
    _EMPTY_LINK,
    _HTML_LINK,
    _IMAGE,
    _MD_LINK,
    _links,
    _plain,
    without_pictographs,
)
from medvlm_kg.catalog.markdown.values import _concept, _header_key, _link_words


def name_key(text: str) -> str:
    """A name as a comparison key: case, width and spacing do not matter ("Lingshu (Train)" = "Lingshu（Train）",
    "Planet: Understanding…" = "planet: understanding…"); other punctuation does ("COVIDQA" ≠ "COVID-QA")."""
    text = unicodedata.normalize("NFKC", _plain(text)).casefold()
    return re.sub(r"\s+", "", text)


def _loose_key(text: str) -> str:
    """Letters and digits only: names that differ by punctuation alone share it (reported, never merged)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", _plain(text)).casefold() if ch.isalnum())


_JOINS_A_LINK = re.compile(r"\s(?:by|from|of|for|at|on|with|des|de|du|der|von)$", re.IGNORECASE)
_REF_MARK = re.compile(r"(?:\s*,?\s*\[(?:\d{1,3}[a-z]?)?\])+\s*$")  # "ADP [2]", "PanNuke [44a], [44b]", "X []"


# "[label](target)" whose target is no URL a link can have: text, or a URL and more words ("[X](url 提取码: s)")
_LOOSE_LINK = re.compile(r"\[((?:\\.|[^\]\\\[]|\[(?!\[)){1,500}+)\]\(((?:[^()]|\([^()]{0,500}\)){0,2048})\)")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>()\[\]|\"'“”]+")
_BROKEN_TAIL = re.compile(  # "…/Retinal Vessel Tortuosity.htm": the words up to a file or folder are its path
    r"(?:\s+(?!https?://)[^\s()/]{1,60}){0,5}?\s+(?!https?://)[^\s()]*(?:/|\.(?:s?html?|php|aspx?|jsp|pdf|zip))(?=\s|\)|$)",
    re.IGNORECASE,
)


def _whole_urls(text: str) -> list[str]:
    """The URLs of a link target written as text, leaving out one a space broke in two ("…/cmpt/ “达观杯”….html"
    is no link to …/cmpt/): a wrong address is worse than none, and the cell is kept as written."""
    return [m.group(0) for m in _URL_IN_TEXT.finditer(text) if not _BROKEN_TAIL.match(text, m.end())]


# A rating in parentheses after a name ("(Usability 8.24)" on Kaggle, "(stars 120)"): a note, never the name
_SCORE = re.compile(r"(?:usability|score|rating|stars?|votes?|downloads?)\s*[:：]?\s*[\d.,]+[kKmM]?", re.IGNORECASE)
_BR_SPLIT = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_LEFTOVER_TARGET = re.compile(r"\]\([^()\s]{0,2048}\)")  # "](url)" of a link whose text held another link


# What may follow a name cell's leading link and still leave the link's text the name: a date in parentheses
# ("[MathX-5M](…) (Feb 2026)") or words after a dash ("[X](…) — math"), with no further link. Other words in
# parentheses stay in the name: "[MedDialog](…) (English)" and "[MedDialog](…-zh) (Chinese)" are two datasets.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NOTE_AFTER_LINK = re.compile(
    rf"\s*[(（]\s*(?:{_MONTH}\s+)?(?:19|20)\d\d(?:[.\-/]\d{{1,2}}){{0,2}}\s*[)）]\s*|\s+[-–—]\s+[^\[\]]+",
    re.IGNORECASE,
)


def _named_by(link: re.Match) -> bool:
    """Whether a link's text can be a dataset's name: it has a letter or digit, and is no link word ("paper") nor
    the name of a host ("[Kaggle](…) - ISIC 2019" names ISIC 2019)."""
    label = _plain(link.group(1))
    return bool(re.search(r"\w", label)) and _header_key(label) not in _link_words() and not _concept("platform", label)


def _name_and_links(cell: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The dataset's name in a name cell, the links the cell holds, and notes the cell adds in parentheses
    ("AFQMC ([直接下载](…))" → "AFQMC"; "[CT-ORG](./resources/CT-ORG.md)" → "CT-ORG").

    A cell of several lines (``<br>``) whose first line holds a link is named by that line; the others add links
    and notes ("[BELLE](…) <br/> [1M version](…)" → "BELLE", "[X](…) <br/> ⚠️RISKY" → "X"). A ``<br>`` with no
    space beside it, after or before a "_" or "-", breaks a long identifier, not the cell ("Anthropic_<br/>HH_Golden" →
    "Anthropic_HH_Golden"). A link whose text holds another link is named by the text before it.
    """
    links = _links(cell)
    loose = _LOOSE_LINK.match(cell.strip())
    if loose and not _MD_LINK.match(cell.strip()):  # "[label](url 提取码: s1x2)", "[label](not a URL)"
        found = [(_plain(loose.group(1)), u.rstrip(".,;，。")) for u in _whole_urls(loose.group(2))]
        rest = _plain(_URL_IN_TEXT.sub(" ", loose.group(2) + " " + cell.strip()[loose.end() :])).strip(" ,，;；:：")
        return (
            _plain(loose.group(1)),
            links + [f for f in found if f[1] not in {u for _, u in links}],
            [rest] * bool(rest),
        )
    lines = [line for line in _BR_SPLIT.split(cell) if line.strip()]
    linked = len(lines) > 1 and (_MD_LINK.search(lines[0]) or _HTML_LINK.search(lines[0]))
    first = _name_and_links(lines[0]) if linked else None
    if first is not None and first[0]:  # not a line holding only a badge or a logo ("[![badge](…)](…)<br>BrainD")
        name, _, notes = first
        for line in lines[1:]:
            rest = _plain(_BARE_URL.sub(" ", _AUTOLINK.sub(" ", _HTML_LINK.sub(" ", _MD_LINK.sub(" ", line)))))
            if rest:
                notes.append(rest)
        return name, links, notes
    cell = re.sub(r"(?<=[_-])<br\s*/?>(?=\S)|(?<=\S)<br\s*/?>(?=[_-])", "", cell, flags=re.IGNORECASE)
    text = _AUTOLINK.sub(" ", _BR.sub(" ", _IMAGE.sub(" ", cell)))  # an autolink is only its URL
    text = re.sub(r"(\*\*|__)", "", text)
    outside = _HTML_LINK.sub(" ", text)
    outside = _MD_LINK.sub(" ", outside)
    outside = _EMPTY_LINK.sub(" ", outside)
    notes: list[str] = []

    def drop_link_parens(m: re.Match) -> str:  # a parenthesis that held a link holds no part of the name
        inner = m.group(0)
        if _SCORE.fullmatch(inner[1:-1].strip()):  # "(Usability 8.24)": a site's rating of the page, not a name
            notes.append(inner[1:-1].strip())
            return " "
        if m.start() and m.string[m.start() - 1] == "]" and "[" not in inner:  # a link's target, not a parenthesis
            return inner
        bare = _URL_IN_TEXT.findall(inner[1:-1])  # "数据集。(https://pan.baidu.com/s/… 密码7p3n)"
        if _MD_LINK.search(inner) or _HTML_LINK.search(inner) or _EMPTY_LINK.search(inner) or bare:
            rest = _plain(_URL_IN_TEXT.sub(" ", _EMPTY_LINK.sub(" ", _MD_LINK.sub(" ", inner[1:-1])))).strip(" ，,;；")
            if rest:
                notes.append(rest)
            known = {u for _, u in links}
            links.extend(("", u.rstrip(".,;，。")) for u in bare if u.rstrip(".,;，。") not in known)
            return " "
        return inner

    pattern = re.compile(r"[(（](?:[^()（）]|\([^()]*\)){0,2000}[)）]")
    stripped = pattern.sub(drop_link_parens, text)
    outside = _plain(_BARE_URL.sub(" ", _HTML_LINK.sub(" ", _EMPTY_LINK.sub(" ", _MD_LINK.sub(" ", stripped)))))
    outside = re.sub(r"[(（]\s*[)）]", " ", outside)
    outside = re.sub(r"\s+", " ", outside).strip(" ,，;；:：")
    outside = _LEFTOVER_TARGET.sub(" ", outside)
    if outside.count("[") != outside.count("]"):  # the bracket of a link whose text held another link
        outside = outside.strip(" []")
    outside = _REF_MARK.sub("", outside.strip(" ,，;；:：。"))  # "[Kather](…) [29]": the reference is no name
    lead = _MD_LINK.match(text.strip()) or _HTML_LINK.match(text.strip())
    if lead and outside and not outside[0].isalnum() and unicodedata.category(outside[0]) == "So":
        notes.append(outside)  # "[MeChat data](…) ⚠️use with care": a badge after the named link
        outside = ""
    after = text.strip()[lead.end() :] if lead else ""
    if lead and outside and _NOTE_AFTER_LINK.fullmatch(after) and _named_by(lead):
        notes.append(outside.strip(" -–—"))  # "[MathX-5M](…) (Feb 2026)", "[X](…) - math": the link names it
        outside = ""
    elif lead and outside and _named_by(lead) and re.fullmatch(r"\s*(?:[(（][^()（）\[\]]*[)）]\s*)+", after):
        outside = f"{_plain(lead.group(1))} {outside}"  # "[MedDialog](…) (English)": MedDialog (English)
    elif lead and outside and re.match(r"\s+[-–—]\s+\S", after):
        outside = outside.lstrip(" -–—")  # "[Kaggle](…) - ISIC 2019": ISIC 2019, on Kaggle
    # the links outside parentheses name it ("[A](u) / [B](v) ([paper](p))" → "A / B"), or else any link
    labels = [_plain(m.group(1)) for m in _MD_LINK.finditer(stripped)] or [
        _plain(m.group(1)) for m in _MD_LINK.finditer(text)
    ]
    labels = [x for x in labels if _header_key(x) not in _link_words()] or labels  # "[X](u) [[paper]](p)": X
    if (
        outside and len(labels) > 1 and re.fullmatch(r"(?:[/,，、&+|\s]|\band\b|\bor\b|和|与|或)+", outside)
    ):  # "[KMMLU-Redux](…) / [KMMLU-Pro](…)"
        name = f" {outside} ".join(labels)
    elif (
        outside
        and len(labels) == 1
        and _JOINS_A_LINK.search(outside)
        and re.match(r"[^\[<]", text.strip())  # the words come first, the link after them
        and re.search(r"[^\W\d]", labels[0])
        and _header_key(labels[0]) not in _link_words()  # "Data from [here](…)", "Mammo with [paper](…)": no name
    ):
        name = f"{outside} {labels[0]}"  # "Malayalam Speech Corpus by [SMC](…)": the link's text ends the name
    elif outside:
        name = outside
    else:
        name = " ".join(labels) or _plain(text)
    name = _REF_MARK.sub("", name).strip()
    if name.count("[") > name.count("]") and name.rfind("[") > 0:  # "[RefGPT-Dataset<br/>[nonofficial link](…)](…)"
        name = name[: name.rfind("[")].strip()
    whole = re.fullmatch(r"\[([^\[\]]+)\]", name)  # "[THUCNews中文文本分类]([http://…](http://…))": the label
    return without_pictographs(whole.group(1).strip() if whole else name), links, notes


def _is_code(cell: str) -> bool:
    """Whether a name cell is code: in backticks and spelled as code is (CBLUE's `EEDataset`, `a.b`, `load_x()`),
    not a name a list sets in backticks (AI4Med's `Huatuo-26M`)."""
    text = cell.strip()
    if not re.fullmatch(r"(`[^`]+`\s*[/,]?\s*)+", text):
        return False
    return all(_CODE_WORD.fullmatch(word) for word in re.findall(r"`([^`]+)`", text))


_CODE_WORD = re.compile(  # a class (…Dataset, …Processor), a dotted name, a call, a snake_case identifier
    r"[A-Za-z_]\w*(?:Dataset|DataProcessor|Processor|Trainer|Loader|Reader|Builder|Config)"
    r"|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\S*\))?|[A-Za-z_]\w*\(\S*\)|[a-z][a-z0-9]*(?:_[a-z0-9]+)+"
)


_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def _latex_name(text: str) -> str | None:
    """A name written with inline LaTeX as plain Unicode ("M$^3$-Med" → "M³-Med"), or None when the LaTeX is
    more than super- and subscripts (then the name stays as written)."""
    if "$" not in text:
        return None

    def one(m: re.Match) -> str:
        body = m.group(1).strip()
        sup = re.fullmatch(r"\^\{?([0-9+\-=()n]+)\}?", body)
        if sup:
            return sup.group(1).translate(_SUPERSCRIPT)
        sub = re.fullmatch(r"_\{?([0-9+\-=()]+)\}?", body)
        if sub:
            return sub.group(1).translate(_SUBSCRIPT)
        whole = re.fullmatch(r"([A-Za-z][\w-]*)_\{([A-Za-z][\w-]*)\}", body)  # "$DuReader_{robust}$": DuReader_robust
        if whole:
            return f"{whole.group(1)}_{whole.group(2)}"
        raise ValueError(body)

    try:
        return re.sub(r"\$([^$]{1,40})\$", one, text)
    except ValueError:
        return None


def slug(name: str) -> str:
    """A name as a file id: ASCII letters, digits and hyphens (Chinese words spelled in pinyin); "" if none is left."""
    text = unicodedata.normalize("NFKD", _plain(name)).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    outside = re.sub(r"[(（][^()（）]*[)）]", " ", name)  # "Firefly(流萤)": a translation in parentheses, left out
    han = len(re.findall(r"[\u3400-\u9fff]", outside))
    if han > len(re.sub(r"[^a-z]", "", slug)) or (
        len(re.sub(r"[^a-z]", "", slug)) < 3 and re.search(r"[\u3400-\u9fff]", name)
    ):
        # mostly Chinese: spelled in pinyin ("NLPIR微博博主语料库100万条" is not "nlpir100"); "ChineseBLUE基准" stays
        from pypinyin import lazy_pinyin

        spelled = " ".join(lazy_pinyin(unicodedata.normalize("NFKC", _plain(name))))
        text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    return f"{slug}-dataset" if slug in RESERVED_IDS else slug  # "CON" would be con.yaml, which Windows refuses
