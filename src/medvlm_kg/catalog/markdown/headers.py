"""Which column is which: a header recognised by its synonyms (markup, emoji, case and padding aside), count
columns by their unit, ✓ columns by the concept they mark; and whether a table lists datasets at all, with the
reason reported when it does not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from medvlm_kg.catalog.markdown.cells import _links, _plain, _unknown
from medvlm_kg.catalog.markdown.report import ImportReport
from medvlm_kg.catalog.markdown.rules import columns as _columns
from medvlm_kg.catalog.markdown.rules import link_rule
from medvlm_kg.catalog.markdown.tables import Table
from medvlm_kg.catalog.markdown.values import _code_words, _concept, _concepts, _header_key, _link_words, column_words

MAX_COLUMNS = 64


def _header_forms(header: str, glosses: bool = True) -> list[str]:
    """The header with and without its notes in parentheses: "dataset name (源链接)" → also "dataset name"; then
    what the parentheses say, a gloss of a header not known by itself ("资源名（Name）" → "name")."""
    key = _header_key(header)
    bare = re.sub(r"\s+", " ", re.sub(r"\([^()]*\)", " ", key)).strip()
    forms = [key.replace("(", " ").replace(")", " "), bare, *(re.findall(r"\(([^()]*)\)", key) if glosses else ())]
    return [re.sub(r"\s+", " ", f).strip() for f in dict.fromkeys(forms) if f.strip()]


@cache
def _header_index() -> dict[str, tuple[str, str]]:
    """Header key → (kind, value): ("role", name), ("subject", what), ("index", ""), ("known", "")."""
    spec = _columns()
    index: dict[str, tuple[str, str]] = {}
    for role, words in spec["roles"].items():
        for w in words:
            index.setdefault(_header_key(str(w)), ("role", role))
    for w in spec.get("index", []):
        index.setdefault(_header_key(str(w)) or "#", ("index", ""))
    for w in spec.get("known", []):
        index.setdefault(_header_key(str(w)), ("known", ""))
    return index


@cache
def _subject_index() -> dict[str, str]:
    return {_header_key(str(w)): what for what, words in _columns()["not_datasets"].items() for w in words}


def _count_unit(header: str) -> str | None:
    """The unit a count column counts ("# Subjects" → subject, "QA Pairs" → qa-pair, "影像数量" → image)."""
    spec = _columns()
    for form in _header_forms(header, glosses=False):  # "Text (QA)" counts texts, not QA pairs
        text = form
        for prefix in sorted(spec.get("count_prefixes", []), key=len, reverse=True):
            p = _header_key(prefix) or "#"
            if text.startswith(p + " ") or (p == "#" and text.startswith("#")):
                text = text[len(p) :].strip()
        text = text.strip("# ")
        if not text:
            continue
        found = _concept("unit", text)
        for unit_id, words in spec.get("count_units", {}).items():
            if text in {_header_key(w) for w in words}:
                found = found or unit_id
        if found:
            return found
    return None


@dataclass
class Column:
    index: int
    header: str
    kind: str  # role | count | flag | dimension | index | known | unknown
    role: str = ""  # name, title, paper, date, venue, modality, task, size, links, description
    unit: str = ""  # for a count column
    concept: tuple[str, str] | None = None  # for a flag column: (scheme, id) the ✓ means
    again: bool = False  # a second column of a role (a second name or date column): not read, reported
    glossed: bool = False  # known only by its header's gloss in parentheses ("资源名（Name）")


def _flag_sets() -> tuple[set[str], set[str]]:
    spec = _columns()["flags"]
    return {str(x).casefold() for x in spec["checked"]}, {str(x).casefold() for x in spec["unchecked"]}


def _flag_value(cell: str) -> bool | None:
    """True for ✓/+/✅, False for ✗/-/empty, None when the cell is not a flag."""
    yes, no = _flag_sets()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", _plain(cell)).strip().casefold()  # "+ (unpaired)"
    if text in yes:
        return True
    if text in no:
        return False
    return None


_REPEATABLE = ("links", "description", "paper", "code")  # roles a table may give in several columns


def columns_of(table: Table) -> list[Column]:
    """What each column of ``table`` is (a role, a count, a ✓ flag…), by its header and, for flags, its cells."""
    index = _header_index()
    columns: list[Column] = []
    used: set[str] = set()
    for i, header in enumerate(table.headers[:MAX_COLUMNS]):
        cells = [row.cells[i] for row in table.rows if i < len(row.cells)]
        filled = [c for c in cells if _plain(c)]
        column = Column(i, header, "unknown")
        flags = [_flag_value(c) for c in filled]
        forms = _header_forms(header)
        for k, form in enumerate(forms):
            hit = index.get(form)
            if hit:
                column.kind, column.role = hit
                column.glossed = k >= 2  # past the header and its bare form: its gloss
                break
        if column.kind == "role" and column.role == "links" and filled and not any(map(_holds_a_link, filled)):
            column.kind, column.role = "unknown", ""  # "Access | Public / Restricted": no link; reported unread
        if column.kind == "index" and _counts_not_numbers(filled) and not _size_header(table):
            column.kind, column.role = "role", "size"  # "# | 1.42M": how many, not which row
        if column.kind == "role" and column.role in used and column.role not in _REPEATABLE:
            column.kind, column.again = "known", True  # the first one counts; this one is reported
        if filled and all(f is not None for f in flags) and any(flags) and column.role != "name":
            concept = None
            # "配准 | 是/否" asks whether the pairs are registered (是: "it is"), not whether the data serves the task
            copula = all(_plain(c) in _columns()["flags"]["copula"] for c in filled)
            for scheme in ("modality",) if copula else ("task", "modality"):
                for form in _header_forms(header):
                    found = _concept(scheme, form)
                    if found:
                        concept = (scheme, found)
                        break
                if concept:
                    break
            column = Column(i, header, "flag", concept=concept)
        elif column.kind == "unknown" or (column.kind == "role" and column.role == "size"):
            unit = _count_unit(header)
            if unit and (column.kind == "unknown" or all(_COUNT_CELL.fullmatch(_plain(c)) for c in filled)):
                column = Column(i, header, "count", unit=unit)  # "Samples | 1.42M": 1.42M samples
            note = re.search(r"\(([^()]{1,40})\)", header)  # "Scale (imgs)": a size column counting images
            if column.kind == "role" and note and _count_unit(note.group(1)):
                column = Column(i, header, "count", unit=_count_unit(note.group(1)) or "")
        if column.kind == "unknown" and set(_header_forms(header)) & column_words("dimension"):
            column.kind = "dimension"  # "Dim": 2D, 3D or Video; a video is a modality of its own
        if column.kind == "role":
            used.add(column.role)
            column.kind = "role"
        columns.append(column)
    # Columns their headers name nothing known, read by what their cells say, once every header has its role: a
    # "Category" column of "Radiology" never takes the modality from the table's own "Modality" column.
    for column in columns:
        if column.kind not in ("known", "unknown"):
            continue
        cells = (row.cells[column.index] for row in table.rows if column.index < len(row.cells))
        filled = [c for c in cells if _plain(c)]
        if _links_column(filled):
            column.kind, column.role = "role", "links"  # "Source": '"Title" [[paper](…)] [[data](…)]'
            continue
        if "paper" not in used and _papers_column(filled):
            column.kind, column.role = "role", "paper"  # "Source": "[PubMedQA: A Dataset for …](arxiv…)"
            used.add("paper")
            continue
        scheme = _concept_column(filled)  # "类型" of 分割, 分类, 检测: the task column
        if scheme and scheme not in used:
            column.kind, column.role = "role", scheme
            used.add(scheme)
    return columns


_COUNT = r"[~≈<>]?\s*\d[\d,.]*\s*[kKmMbB万亿]?\+?"  # a cell of a count column: "1.42M", "5,000+", "< 1k"
_COUNT_CELL = re.compile(_COUNT)
_COUNT_START = re.compile(_COUNT + r"(?![\w.])")  # the count a cell starts with ("620K(싱글턴)")


def _size_header(table: Table) -> bool:
    """Whether a header of the table names its size column ("Size", "Samples"): a "#" column is then no size."""
    index = _header_index()
    return any(index.get(form) == ("role", "size") for h in table.headers for form in _header_forms(h))


def _holds_a_link(cell: str) -> bool:
    """Whether a cell holds a link or an address of any kind (a web address, a DOI, s3://, a path beside the list)."""
    return bool(_links(cell)) or "](" in cell or "href=" in cell.lower() or "://" in cell


def _counts_not_numbers(filled: list[str]) -> bool:
    """Whether a "#" column's cells are counts ("1.42M", "693k", "5,000+"), not the rows' numbers, ids or dates
    (1, "1,001", "1.1", "2016-01"): nearly every known cell starts with a number ("620K(싱글턴)", "< 1k"; a "?"
    says nothing), and some carry a multiplier or a "+" as only a count does."""
    cells = [_plain(c) for c in filled if not _unknown(c) and _plain(c) not in ("?", "N/A", "n/a")]
    starts = [m.group(0) for c in cells if (m := _COUNT_START.match(c))]
    if not cells or len(starts) * 5 < len(cells) * 4:
        return False
    return any(re.search(r"\d\s*[kKmMbB万亿]|\+", c) for c in starts)


def _concept_column(filled: list[str]) -> str | None:
    """The scheme (task, modality) every cell of a column its header does not name maps to whole, where there are
    at least three such cells and two values: a "类型" (type) column of 分割, 分类, 检测 is the task column."""
    if len(filled) < 3 or len({_plain(c) for c in filled}) < 2:  # one value again and again may mean anything
        return None
    for scheme in ("task", "modality"):
        if all(_concepts(scheme, c)[0] and not _concepts(scheme, c)[2] for c in filled):
            return scheme
    return None


def _papers_column(filled: list[str]) -> bool:
    """Whether a column its header does not name holds each row's paper: at least three cells, and in nearly every
    one a single link to a paper's page or labelled with a title (four words or more, JohnSnowLabs' "Source":
    "[PubMedQA: A Dataset for Biomedical Research Question Answering](https://arxiv.org/abs/1909.06146)")."""
    if len(filled) < 3:
        return False
    papers = 0
    for cell in filled:
        found = _links(cell)
        if len(found) != 1:
            continue
        label, url = found[0]
        rule = link_rule(url)  # a host link_hosts.yaml knows for papers (arXiv, ACL Anthology, OpenReview…)
        if (rule is not None and rule[0] == "paper") or (
            len(label.split()) >= 4 and _header_key(label) not in _link_words()
        ):
            papers += 1
    return papers >= 0.8 * len(filled)


def _links_column(filled: list[str]) -> bool:
    """Whether a column its header does not name holds the rows' links: most cells hold links, and nearly every
    link's text only says what it is ("paper", "data"), so the links are not to other datasets (a "Source" column
    naming the datasets a row was made from stays unread)."""
    links = [_links(c) for c in filled]
    # a link's text says what it is ("paper", "data"), or names the host it is on ("[Mendeley Data](…)", "[Zenodo](…)")
    texts = [
        "data" if _concept("platform", label) and _header_key(label) not in _code_words() else _header_key(label)
        for found in links
        for label, _ in found
    ]
    saying_what = sum(1 for t in texts if t in _link_words())
    of_data = sum(1 for t in texts if t in _link_words() and t not in _code_words())  # not a "Code" column
    return (
        bool(texts)
        and sum(1 for found in links if found) * 2 >= len(filled)
        and saying_what >= 0.8 * len(texts)
        and of_data * 2 >= len(texts)
    )


def _names_datasets(key: str, strict: bool = False) -> bool:
    """Whether a header or heading (as a header key) says "dataset", "benchmark", "数据集"…: as a word, or anywhere
    for a Chinese one ("数据集提供者"). ``strict``: not by "data" alone ("文本数据增强" is data augmentation)."""
    words = column_words("section_datasets") - (column_words("data_words") if strict else frozenset())
    return any(w in key.split() or (not w.isascii() and w in key) for w in words)


def _titles_as_names(columns: list[Column]) -> list[Column]:
    """A plain "Title" / "标题" column made the name column of a table that has none, when another header says the
    rows are datasets ("ID | 标题 | 更新日期 | 数据集提供者 | …", CLUE's dataset search); else nothing."""
    plain = column_words("titles_as_names")
    titles = [
        c
        for c in columns
        if c.kind == "role" and c.role == "title" and c.index > 0 and set(_header_forms(c.header)) & plain
    ]
    # "数据集提供者" (dataset provider), not "Dataset Link": a link column says nothing of the rows
    about = any(c.kind in ("known", "unknown") and any(map(_names_datasets, _header_forms(c.header))) for c in columns)
    if not titles or not about:
        return []
    titles[0].role = "name"
    return titles[:1]


def _unheaded_names(columns: list[Column], sections: tuple[str, ...]) -> list[Column]:
    """A first column with no header, under a heading that says its rows are datasets: the names
    (llm-jp/awesome-japanese-llm's benchmark tables, "|   | 説明 | 開発元 |" under "…のベンチマーク/データセット")."""
    first = columns[0] if columns else None
    if first is None or first.index != 0 or first.kind != "unknown" or _plain(first.header) or not sections:
        return []
    if not _names_datasets(_header_key(sections[-1])):
        return []
    first.kind, first.role = "role", "name"
    return [first]


def _says_datasets(name_header: str, sections: tuple[str, ...], strict: bool = False) -> bool:
    """Whether the name column's header or the innermost heading says the rows are datasets ("Dataset | Stars")."""
    keys = [*_header_forms(name_header), *(_header_key(h) for h in sections[-1:])]
    return any(_names_datasets(key, strict) for key in keys)


def _groups_datasets(table: Table, columns: list[Column], name: Column) -> bool:
    """Whether a "Datasets" column after a first column of categories names several datasets a row ("Data Type |
    Datasets | Advantages": "Raw Waveform | PTB-XL, Chapman, MIT-BIH"): a summary, not a table of datasets."""
    if name.index == 0 or "datasets" not in _header_key(name.header).split():
        return False
    if any(_holds_a_link(r.cells[name.index]) for r in table.rows if name.index < len(r.cells)):
        return False
    facts = {"links", "size", "paper", "date", "title", "license"}
    if any(c.kind == "count" or (c.kind == "role" and c.role in facts) for c in columns):
        return False  # "Modality | Datasets | Size | Link": each row's own size and link, whatever its name says
    cells = [_plain(r.cells[name.index]) for r in table.rows if name.index < len(r.cells)]
    cells = [re.sub(r"[(（][^()（）]*[)）]", " ", c) for c in cells]  # "BraTS 2021 (Glioma, RSNA-ASNR-MICCAI)"
    several = [c for c in cells if len([p for p in re.split(r",|，|、|;", c) if p.strip()]) >= 2]
    return len(cells) >= 2 and len(several) * 3 >= len(cells)


def _names_linked(table: Table, name: Column) -> bool:
    """Whether most of a name column's cells link their name (to the data, as a list of datasets does)."""
    cells = [
        row.cells[name.index] for row in table.rows if name.index < len(row.cells) and _plain(row.cells[name.index])
    ]
    return bool(cells) and sum(1 for c in cells if any(map(_to_data, _links(c)))) * 2 > len(cells)


def _to_data(link: tuple[str, str]) -> bool:
    """Whether a link goes to a host of data (Hugging Face, Zenodo, Kaggle…), not to a paper, code or a page."""
    rule = link_rule(link[1])
    return rule is not None and rule[0] not in ("paper", "code")


def _lists_repositories(columns: list[Column]) -> bool:
    """A stars (or forks) column, and no column that describes data: "名称 | Stars 数 | 介绍" lists tools."""
    stars = column_words("repository_columns")
    if not any(set(_header_forms(c.header)) & stars for c in columns):
        return False
    about_data = {"size", "modality", "task", "date", "paper", "title", "venue"}
    return not any(c.kind in ("count", "flag") or (c.kind == "role" and c.role in about_data) for c in columns)


def _names_task(sections: tuple[str, ...]) -> bool:
    """Whether the innermost heading names a task ("Tool segmentation"): its tools are what the data shows."""
    return bool(sections) and any(_concept("task", word) for word in _plain(sections[-1]).split())


def _section_says_not_datasets(sections: tuple[str, ...]) -> str | None:
    """What the innermost heading says the table lists, when that is not datasets ("models", "papers"…)."""
    spec = _columns()
    for heading in reversed(sections[-1:]):
        key = _header_key(heading)
        words = set(key.split())
        if _names_datasets(key):
            return None
        for what, terms in spec["section_not_datasets"].items():
            for term in terms:
                t = _header_key(term)
                if (t in words) or (" " in t and t in key) or (not t.isascii() and t in key):
                    return what
    return None


def table_language(table: Table) -> str:
    """The language a table is written in, by its headers: "ja" (kana), "zh" (Han) or "en".
    Headers in Han alone ("説明 | 開発元") are Japanese too when a third of its rows write kana: Japanese text is no
    Chinese cell."""
    text = " ".join(table.headers)
    if _has_kana(text):
        return "ja"
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "en"
    rows = table.rows[:30]
    return "ja" if rows and sum(_has_kana(" ".join(r.cells)) for r in rows) * 3 >= len(rows) else "zh"


def _has_kana(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" for ch in text)


def _classify(table: Table, report: ImportReport) -> list[Column] | None:
    """The table's columns when it is a dataset table; otherwise None, and the reason is reported."""
    headers = ", ".join(_plain(h) or "(empty)" for h in table.headers[:8]) + ("…" if len(table.headers) > 8 else "")
    record = {"line": table.line, "headers": headers, "section": " › ".join(table.sections), "rows": len(table.rows)}
    report.tables.append(record)

    def no(kind: str, reason: str, hint: str = "") -> None:
        record.update(datasets=False, reason=reason)
        report.skip(table.line, kind, reason, **({"hint": hint} if hint else {}))

    if len(table.headers) > MAX_COLUMNS:
        width = f"{len(table.headers):,}"
        no("table-too-wide", f"table has {width} columns; a dataset table has at most {MAX_COLUMNS}, so it is not read")
        return None
    columns = columns_of(table)
    headed = [c for c in columns if c.kind == "role" and c.role == "name"]  # a column its header names the name
    names = headed or _titles_as_names(columns) or _unheaded_names(columns, table.sections)
    first = _header_forms(table.headers[0]) if table.headers else []
    subjects = _subject_index()
    subject = next((subjects[f] for f in first if f in subjects), None)
    used = next((c for c in columns if set(_header_forms(c.header)) & column_words("datasets_used")), None)
    if used is not None and not headed:  # "Title | … | Experiment Datasets": methods, and what they were tried on
        # (a "Benchmark | … | Evaluation Datasets" table names its datasets, the ones it is built from beside them)
        no(
            "table-not-datasets",
            f'a table of methods or papers: its "{_plain(used.header)}" column names the datasets they use',
        )
        return None
    if not names:
        if subject:
            no(
                "table-not-datasets",
                f'a table of {subject} (its first column is "{_plain(table.headers[0])}"), not of datasets',
            )
        else:
            no(
                "table-no-name",
                f"table has no dataset name column (headers: {headers})",
                "a dataset table needs a column headed Dataset, Name, Benchmark, 数据集名称… (markdown_columns.yaml)",
            )
        return None
    if subject and names[0].index != 0:  # "Text Encoder | Year | Corpus": the rows are encoders, not corpora
        no(
            "table-not-datasets",
            f'a table of {subject} (its first column is "{_plain(table.headers[0])}"); its '
            f'"{_plain(names[0].header)}" column names what they use, not datasets of the list',
        )
        return None
    if names[0].glossed and not _says_datasets(names[0].header, table.sections, strict=True):  # funNLP's tools
        no(
            "table-not-datasets",
            f'its name column "{_plain(names[0].header)}" names resources of any kind, and neither it nor the '
            "section says they are datasets",
        )
        return None
    if _groups_datasets(table, columns, names[0]):
        no(
            "table-not-datasets",
            f'a table of {_plain(table.headers[0]) or "groups"}: its "{_plain(names[0].header)}" column names several '
            "datasets a row (a summary of datasets listed elsewhere, not one dataset a row)",
        )
        return None
    if _lists_repositories(columns) and not _says_datasets(names[0].header, table.sections):
        no("table-not-datasets", "a table of projects or tools (it counts GitHub stars, and says nothing of data)")
        return None
    section = _section_says_not_datasets(table.sections)
    if section == "projects or tools" and _names_datasets(_header_key(names[0].header)) and _names_task(table.sections):
        section = None  # "Tool segmentation" (of surgical tools) over a "Dataset" column: datasets, as it says
    if section == "other lists" and _names_datasets(_header_key(names[0].header)):
        section = None  # "Related Resources" over a "Dataset" column: datasets, as the column says
    if section:
        no("table-not-datasets", f'the section "{table.sections[-1]}" lists {section}, not datasets')
        return None
    facts = [c for c in columns if c.kind in ("count", "flag") or (c.kind == "role" and c.role not in ("name", "code"))]
    # "Dataset | # | Thinking" of "[MathX-5M](https://huggingface.co/datasets/…)": each name's link is its access
    if not facts and _says_datasets(names[0].header, table.sections) and _names_linked(table, names[0]):
        facts = names[:1]
    if not facts:
        no(
            "table-no-facts",
            f"table has a name column but nothing that describes datasets (headers: {headers})",
            "a dataset table needs a link, paper, description, size, modality or task column beside the name",
        )
        return None
    if not table.rows:
        no("table-empty", "table has no rows")
        return None
    record.update(datasets=True, reason="")
    unread = [_plain(c.header) for c in columns if c.kind == "unknown" and _plain(c.header)]
    if unread:
        report.note(table.line, "columns-not-read", f"columns not read (no meaning known): {', '.join(unread)}")
    again = [f'"{_plain(c.header)}" (a second {c.role} column)' for c in columns if c.again]
    if again:
        report.note(
            table.line, "columns-not-read", f"columns not read, the first of their kind counts: {', '.join(again)}"
        )
    for c in columns:
        if c.kind == "flag" and c.concept is None:
            report.note(
                table.line,
                "flags-not-read",
                f'flag column "{_plain(c.header)}" names no modality or task concept; its ✓ marks stay unread',
            )
    return columns
