"""A dataset's description in words, by language: the curator's where given, else written from its facts.

Google's Dataset rules want a description of 50–5000 characters. Nothing here is new knowledge: the description is
written from the facts the graph states (modality, task, size, date, venue, paper, where the data is), one sentence
per fact, and quotes the list's own description cell when it has one (in the page's language, else the other,
saying so), so a page's embedded JSON-LD says nothing the graph does not. It says "a dataset listed in" the
catalog, not what field it is of: a list of NLP corpora is no medical catalog. Also the words the site shares: the
languages (``LANGUAGES``) and a date as words (``date_words``).
"""

from __future__ import annotations

import re

from medvlm_kg.catalog.concepts import ConceptScheme, load_schemes
from medvlm_kg.catalog.entries import Catalog, Count, Dataset, PartialDate

__all__ = ["LANGUAGES", "count_words", "date_words", "describe", "join_words", "text_language"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# One sentence per fact, in each language; {…} are filled from the entry, a sentence whose fact is unknown
# is left out. Kept as data so a translation is one table.
_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "intro": "{name}{aka} is a dataset listed in {catalog}.",
        "listed": "The source list describes it: \u201c{text}\u201d",
        "listed_other": "The source list describes it in Chinese: \u201c{text}\u201d",
        "aka": " (also known as {names})",
        "modality": "Data modality: {items}.",
        "modalities": "Data modalities: {items}.",
        "modality_count": "{items} ({count} in all)",
        "task": "Task: {items}.",
        "tasks": "Tasks: {items}.",
        "size": "Size: {items}.",
        "count": "{count} {unit}",
        "approximate": "about {count} {unit}",
        "at_least": "at least {count} {unit}",
        "date": "The source list dates it {date}.",
        "date_venue": "The source list dates it {date} and names the venue {venue}.",
        "venue": "The source list names the venue {venue}.",
        "paper": "It is introduced in the paper {title}{by}{published}.",
        "same_paper": "It is introduced in the paper {title}{by}{published}, which also introduces {other}.",
        "title": "\u201c{title}\u201d",
        "by_one": " by {first}",
        "by_two": " by {first} and {second}",
        "by_many": " by {first} et al.",
        "end": ".",
        "published": ", published in {venue}",
        "access": "The data is available from {items}.",
        "section": "The list gives it under \u201c{section}\u201d.",
        "source": "Its entry comes from the list at {source}.",
    },
    "zh": {
        "intro": "{name}{aka} 是 {catalog} 收录的数据集。",
        "listed": "源列表的描述：“{text}”",
        "listed_other": "源列表的英文描述：“{text}”",
        "aka": " (又名 {names})",
        "modality": "数据模态：{items}。",
        "modalities": "数据模态：{items}。",
        "modality_count": "{items}（共 {count} 种）",
        "task": "任务类型：{items}。",
        "tasks": "任务类型：{items}。",
        "size": "数据规模：{items}。",
        "count": "{unit} {count}",
        "approximate": "{unit}约 {count}",
        "at_least": "{unit}至少 {count}",
        "date": "源列表所注日期：{date}。",
        "date_venue": "源列表所注日期：{date}，会议/期刊：{venue}。",
        "venue": "源列表所注会议/期刊：{venue}。",
        "paper": "介绍该数据集的论文：{title}{by}{published}。",
        "same_paper": "介绍该数据集的论文：{title}{by}{published}，该论文同时介绍了 {other}。",
        "title": "《{title}》",
        "by_one": "（{first}）",
        "by_two": "（{first}、{second}）",
        "by_many": "（{first} 等）",
        "end": "。",
        "published": "，发表于 {venue}",
        "access": "数据可从 {items} 获取。",
        "section": "源列表将其列在“{section}”下。",
        "source": "其条目来自列表 {source}。",
    },
}
LANGUAGES = tuple(_PHRASES)


def join_words(items: list[str], lang: str) -> str:
    """Items as a list in words: ``a, b, and c`` in English, ``a、b、c`` in Chinese."""
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def date_words(date: PartialDate, lang: str) -> str:
    """A date as words: ``20 March 2024``, ``May 2025``, ``2024``; ``2024年3月20日`` in Chinese."""
    parts = [int(x) for x in date.value.split("-")]
    if lang == "zh":
        return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日", strict=False))
    if len(parts) == 3:
        return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def count_words(count: Count, unit_label: str, lang: str) -> str:
    """A count as the description says it: "33,428 images", "about 26,000 question–answer pairs", "样本至少 11,000"."""
    wording = "at_least" if count.at_least else "approximate" if count.approximate else "count"
    unit = _unit_words(unit_label, count.count, lang)
    return _PHRASES[lang][wording].format(count=f"{count.count:,}", unit=unit)


def _unit_words(unit_label: str, count: int, lang: str) -> str:
    if lang == "en" and count != 1 and not unit_label.endswith("s"):
        return unit_label + "s"
    return unit_label


_QUOTED_AT_MOST = 1000  # characters of the list's description quoted (Google reads at most 5000 in all)


def _listed_description(dataset: Dataset, lang: str) -> tuple[str, str] | None:
    """(language, text) of the list's description cell to quote: one written in ``lang`` when the list has one, else
    the other (quoted as such), as plain text; None without one. A cell's language is read from its text, not from
    its table: Chinese-headed tables of real lists hold English descriptions (onejune2018/Awesome-LLM-Eval)."""
    from medvlm_kg.catalog.markdown import cell_text

    texts = []
    for cell in dataset.listed.description.values():
        text = cell_text(cell) if cell else ""
        if len(text) > _QUOTED_AT_MOST:
            text = text[: _QUOTED_AT_MOST - 1].rstrip() + "…"
        if text:
            texts.append((text_language(text), text))
    found = next((t for t in texts if t[0] == lang), texts[0] if texts else None)
    return (lang, found[1]) if found and not found[0] else found  # Korean, Japanese: quoted, no language claimed


_HAN = re.compile(r"[\u3400-\u9fff]")
_OTHER_SCRIPT = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")  # kana, hangul


def text_language(text: str) -> str:
    """ "zh" or "en" by the script most of a text is written in ("A … corpus (中文医疗问答)" is English); "" for
    Japanese or Korean, or text without letters, whose language is not claimed."""
    if _OTHER_SCRIPT.search(text):
        return ""
    han, latin = len(_HAN.findall(text)), len(re.findall(r"[A-Za-z]", text))
    return "zh" if han > latin else "en" if latin else ""


def _generated_description(catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme], lang: str) -> str:
    say = _PHRASES[lang]
    sentences: list[str] = []
    aka = ""
    if dataset.alternate_name:
        aka = say["aka"].format(names=join_words(list(dataset.alternate_name.value), lang))
    catalog_title = catalog.title.get(lang) or catalog.title["en"]
    sentences.append(say["intro"].format(name=dataset.name, aka=aka, catalog=catalog_title))
    listed = _listed_description(dataset, lang)
    if listed:
        quoted = say["listed" if listed[0] == lang else "listed_other"].format(text=listed[1])
        ends = (".", "!", "?", "。", "！", "？", "…")
        sentences.append(quoted + ("" if listed[1].endswith(ends) else say["end"]))  # “…” then the full stop
    if dataset.modality:
        items = join_words([schemes["modality"].concepts[c].label(lang) for c in dataset.modality], lang)
        if dataset.modality_count is not None:
            items = say["modality_count"].format(items=items, count=dataset.modality_count)
        sentences.append(say["modality" if len(dataset.modality) == 1 else "modalities"].format(items=items))
    if dataset.task:
        items = join_words([schemes["task"].concepts[c].label(lang) for c in dataset.task], lang)
        sentences.append(say["task" if len(dataset.task) == 1 else "tasks"].format(items=items))
    if dataset.size:
        counts = []
        for c in dataset.size:
            counts.append(count_words(c, schemes["unit"].concepts[c.unit].label(lang), lang))
        sentences.append(say["size"].format(items=join_words(counts, lang)))
    if dataset.published and dataset.venue:
        sentences.append(say["date_venue"].format(date=date_words(dataset.published, lang), venue=dataset.venue))
    elif dataset.published:
        sentences.append(say["date"].format(date=date_words(dataset.published, lang)))
    elif dataset.venue:
        sentences.append(say["venue"].format(venue=dataset.venue))
    other = catalog.dataset(dataset.same_paper_as.value) if dataset.same_paper_as else None
    paper = dataset.paper or (other.paper if other else None)
    if paper:
        authors = paper.authors + paper.more_authors
        by = ""
        if len(authors) == 1 and paper.authors_complete:
            by = say["by_one"].format(first=authors[0])
        elif len(authors) == 2 and paper.authors_complete:
            by = say["by_two"].format(first=authors[0], second=authors[1])
        elif authors:
            by = say["by_many"].format(first=authors[0])
        published = say["published"].format(venue=paper.venue) if paper.venue else ""
        title = say["title"].format(title=paper.title)
        if other and not dataset.paper:
            sentences.append(say["same_paper"].format(title=title, by=by, published=published, other=other.name))
        else:
            sentences.append(say["paper"].format(title=title, by=by, published=published))
    hosts: list[str] = []
    for point in dataset.access:
        host = schemes["platform"].concepts[point.platform].label(lang) if point.platform else point.label
        if host not in hosts:
            hosts.append(host)
    if hosts:
        sentences.append(say["access"].format(items=join_words(hosts, lang)))
    # Too short for search engines (50 characters): where the list puts it, then which list it is, both facts
    # the graph states (mvk:listedSection, prov:wasDerivedFrom), are said too.
    source = dataset.listed.source or catalog.readme
    for key, value in (("section", dataset.listed.section), ("source", source and _shown_url(source))):
        if value and len(("" if lang == "zh" else " ").join(sentences)) < _SHORTEST:
            sentences.append(say[key].format(**{key: value}))
    # A sentence ending in an abbreviation ("et al.") takes no second full stop.
    sentences = [s[: -len(say["end"])] if s.endswith("." + say["end"]) else s for s in sentences]
    return ("" if lang == "zh" else " ").join(sentences)


_SHORTEST = 50  # Google's Dataset rules: a description of at least 50 characters


def _shown_url(url: str) -> str:
    """A URL as words: without its scheme ("github.com/o/list/blob/main/README.md")."""
    return url.split("://", 1)[-1]


def describe(catalog: Catalog, dataset: Dataset, schemes: dict[str, ConceptScheme] | None = None) -> dict[str, str]:
    """The dataset's description by language: the curator's where given, else written from its facts."""
    schemes = schemes or load_schemes()
    return {
        lang: dataset.description.get(lang) or _generated_description(catalog, dataset, schemes, lang)
        for lang in LANGUAGES
    }
