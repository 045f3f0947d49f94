"""What a cell says, as catalog values: modality and task cells as concept ids (by the schemes' labels), size
cells as counts with units ("1.81M frames, 7.79M QAs", "约2万张图像"), date and venue cells as a date and a venue."""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from functools import cache

from medvlm_kg.catalog.concepts import load_schemes
from medvlm_kg.catalog.markdown.cells import _plain
from medvlm_kg.catalog.markdown.rules import columns as _columns

_MAX_NESTING = 10
_MAX_COUNT = 10**15
_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "m": 1_000_000,
    "b": 1_000_000_000,
    "万": 10_000,
    "亿": 100_000_000,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "t": 1_000_000_000_000,  # "3T tokens" (only before "tokens": "3T MRI", "T2-weighted" are no trillions)
    "trillion": 1_000_000_000_000,
}


def _header_key(text: str) -> str:
    """A header as the synonyms file writes it: no markup, emoji or punctuation, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", _plain(html.unescape(text))).casefold()
    kept = []
    for ch in text:
        if ch.isalnum() or ch in "#()":
            kept.append(ch)
        elif unicodedata.category(ch) in ("So", "Sk", "Cs", "Co", "Mn") or ch in "\ufe0f\u200d":
            continue
        else:
            kept.append(" ")
    return re.sub(r"\s+", " ", "".join(kept)).strip()


@cache
def column_words(name: str) -> frozenset[str]:
    """A word list of markdown_columns.yaml ("code_link_labels", "dimension"…) as header keys, read once."""
    return frozenset(_header_key(w) for w in _columns().get(name, []))


def _code_words() -> frozenset[str]:
    """Link texts that say the link is to code or a demo ("[code](…)"): never the data's access point."""
    return column_words("code_link_labels")


@cache
def _link_words() -> frozenset[str]:
    """Link texts that say what a link is ("paper", "code", "data"), not which dataset: never the name."""
    rules = _columns()
    kinds = ("generic_link_labels", "paper_link_labels", "other_link_labels")
    return frozenset(_header_key(w) for kind in kinds for w in rules.get(kind, []))


def _label_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip(" .")


@cache
def _label_index(scheme: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for concept in load_schemes()[scheme].concepts.values():
        labels = [concept.id, *concept.pref_labels.values(), *(label for _, label in concept.alt_labels)]
        for label in labels:
            index.setdefault(_label_key(label), concept.id)
    return index


def _concept(scheme: str, text: str) -> str | None:
    index = _label_index(scheme)
    key = _label_key(text)
    if key in index:
        return index[key]
    if key.endswith("s") and key[:-1] in index:
        return index[key[:-1]]
    return None


@cache
def _ancestors(scheme: str, concept_id: str) -> frozenset[str]:
    """Every broader concept of ``concept_id`` (transitively), as ids."""
    concepts = load_schemes()[scheme].concepts
    by_iri = {c.iri: c.id for c in concepts.values()}
    found: set[str] = set()
    todo = [concept_id]
    while todo:
        current = concepts.get(todo.pop())
        for iri in getattr(current, "broader", ()) or ():
            parent = by_iri.get(iri)
            if parent and parent not in found:
                found.add(parent)
                todo.append(parent)
    return frozenset(found)


def _narrowest(scheme: str, ids: list[str]) -> list[str]:
    """``ids`` without any concept a narrower one in the list already implies (no `image` next to
    `radiography`: a chart would count the dataset twice)."""
    implied = set().union(*(_ancestors(scheme, i) for i in ids)) if ids else set()
    return [i for i in dict.fromkeys(ids) if i not in implied]


_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")


def _without_notes(text: str) -> tuple[str, list[str]]:
    """Text with its parenthesised notes removed (nested ones too), and the notes."""
    notes: list[str] = []
    for _ in range(_MAX_NESTING):  # each round peels one level; 5,000 nested parentheses would take minutes
        found = _PAREN.findall(text)
        if not found:
            break
        notes += found
        text = _PAREN.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(), notes


def _closest(scheme: str, text: str) -> list[str]:
    """Concept ids whose labels look like ``text`` or share a word with it, best first."""
    index = _label_index(scheme)
    key = _label_key(text)
    ids = [index[k] for k in difflib.get_close_matches(key, list(index), n=3, cutoff=0.75)]
    words = {w for w in re.split(r"[^\w]+", key) if len(w) >= 3}
    ids += [cid for label, cid in sorted(index.items()) if words & set(re.split(r"[^\w]+", label))]
    return list(dict.fromkeys(ids))[:3]


_DIMENSION = re.compile(r"^(?:[1-4]d|[1-4]-d)\s+", re.IGNORECASE)


def _concepts(scheme: str, cell: str) -> tuple[list[str], int | None, list[str]]:
    """Concept ids named in a modality or task cell, a count such as "(38 types)", and the parts not mapped."""
    text, notes = _without_notes(_plain(cell))
    count = None
    for note in notes:
        m = re.search(r"(\d+)\s*(types?|kinds?|种|类)", note)
        if m:
            count = int(m.group(1))
    whole = _concept(scheme, text)
    if whole:
        return [whole], count, []
    ids: list[str] = []
    unmapped: list[str] = []
    parts = [p.strip() for p in re.split(r"\s*(?:[+,;，、；&]|\band\b|\bor\b|和|与|或)\s*", text) if p.strip()]
    for part in parts:
        found = _concept(scheme, part)
        if not found and scheme == "modality" and _DIMENSION.match(part):  # "3D CT", "2-D ultrasound"
            found = _concept(scheme, _DIMENSION.sub("", part))
        if not found and re.fullmatch(r"[^\s-]+(?:-[^\s-]+)+", part):  # "Image-Text", "Video-Text": each side
            mapped = [_concept(scheme, p) for p in part.split("-")]
            if all(mapped):
                ids += [m for m in mapped if m]
                continue
        if not found and "/" in part:  # "Open/Closed QA" → "Open QA", "Closed QA"
            pieces = [p.strip() for p in part.split("/")]
            tail = pieces[-1].split(" ", 1)[1] if " " in pieces[-1] else ""
            mapped = [_concept(scheme, p if " " in p or not tail else f"{p} {tail}") for p in pieces]
            if all(mapped):
                ids += [m for m in mapped if m]
                continue
        if not found and " " in part:  # "QA Reasoning" → "QA", "Reasoning"
            mapped = [_concept(scheme, w) for w in part.split()]
            if all(mapped):
                ids += [m for m in mapped if m]
                continue
        if found:
            ids.append(found)
        else:
            unmapped.append(part)
    return list(dict.fromkeys(ids)), count, unmapped


_SIZE_PART = re.compile(
    r"^(?:(?P<approx>~|≈|约|大约|近|about|approx\.?|approximately)"
    r"|(?P<above>over|more than|at least|>|＞|≥|超过|逾|至少|不少于))?\s*"
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])|\d[\d,]*(?:\.\d+)*)\s*"  # "12 000": thousands spaced
    r"(?P<mult>[kKmMbB](?![a-zA-Z])|[万亿]|[tT](?=\s*tokens?\b)|thousand\b|million\b|billion\b|trillion\b)?\s*"
    r"(?P<plus>\+|余|多)?\s*(?P<unit>.*)$"
)


def _unit(text: str, suffixes: bool = True) -> str | None:
    """The unit concept a size's words name: the words as they are, or their last words ("training samples"
    → samples, "训练样本" → 样本)."""
    if text.strip() == "例":  # "1000余例", "逾500例": 例 counts cases (patients) where no noun follows
        return _concept("unit", "case")
    text = re.sub(r"^(张|个|条|对|例|份|组)", "", text.strip())
    if not text:
        return None
    found = _concept("unit", text)
    if found:
        return found
    extra = _columns().get("count_units", {})
    for unit_id, words in extra.items():
        if _label_key(text) in {_label_key(w) for w in words}:
            return unit_id
    if not suffixes:
        return None
    words = text.split()
    for k in range(1, len(words)):
        found = _concept("unit", " ".join(words[k:]))
        if found:
            return found
    if re.search(r"[\u4e00-\u9fff]", text):
        for k in range(1, len(text)):
            found = _concept("unit", text[k:])
            if found:
                return found
    return None


_RATE = re.compile(r"\bper\s|\beach\b|\bapiece\b|每|各", re.IGNORECASE)  # "5 slides each": a rate, no total


def _measure_glued(m: re.Match) -> bool:
    """Whether letters glued to the number ("3T", "3D", "512x512", "2.5h") make it a measure of something else:
    only a multiplier ("148K") or a unit ("1000images") may follow a count without a space."""
    if m.group("mult") or m.group("plus") or m.end("num") == len(m.string) or m.string[m.end("num")].isspace():
        return False
    glued = m.group("unit").split()[0] if m.group("unit").split() else ""
    return bool(re.match(r"[A-Za-z]", glued)) and _unit(glued, suffixes=False) is None


_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
# Where the words naming a count's unit end: "172 wsi from 86 patients" counts no patients
_UNIT_END = re.compile(r"\s(?:from|of|in|across|with|for|on|by|at)\s|\s\d|[(（]", re.IGNORECASE)


_RANGE_END = re.compile(r"\s*(?:-|–|—|~|to|至|到)\s*\d")


def rounded(digits: str, mult: str) -> bool:
    """Whether a count with a multiplier is rounded: "52K" and "1.5M" are, "67.886K" (67,886) is not."""
    if not mult:
        return False
    decimals = len(digits.rpartition(".")[2]) if "." in digits else 0
    return 10**decimals < _MULTIPLIERS[mult.lower()]


def bounds(approximate: bool, lower_bound: bool) -> dict:
    """A count's flags as the YAML writes them: ``approximate`` where the list rounds ("26K", "~1,000"),
    ``at_least`` where it gives a lower bound ("11,000+", "over 1,000", "1000余")."""
    return {**({"approximate": True} if approximate else {}), **({"at_least": True} if lower_bound else {})}


def bare_count(text: str) -> dict | None:
    """A count cell that is a number alone ("52K", "~1,000", "5,000+"), its unit the column's: ``count`` (0 where
    the number counts nothing: "2.5") and its flags; None for any other text ("1,566 patients")."""
    m = _SIZE_PART.fullmatch(text.strip())
    if m is None or m.group("unit"):
        return None
    mult = (m.group("mult") or "").lower()
    number = (count_number(m.group("num"), mult) or 0) * _MULTIPLIERS[mult]
    flags = bounds(bool(m.group("approx")) or rounded(m.group("num"), mult), bool(m.group("above") or m.group("plus")))
    return {"count": round(number) if number < _MAX_COUNT else 0, **flags}


def count_number(digits: str, mult: str) -> float | None:
    """The number a count writes: "56,216" and "18.365" (thousands dotted, as in much of Europe) are whole; a
    fraction without a multiplier ("2.5", where "2.5M" is a count) counts nothing."""
    if not mult and "." in digits:
        if "," not in digits and _DOTTED_THOUSANDS.fullmatch(digits):
            return float(digits.replace(".", ""))
        return None
    return float(re.sub(r"[,\s\u00a0\u202f]", "", digits))  # "12 000" (thousands spaced, as in French) is 12,000


@cache
def _measures() -> frozenset[str]:
    """Words after a number that make it a measure, not a count ("600 hrs", "12 GB")."""
    return frozenset(_label_key(w) for w in _columns().get("size_measures", []))


def _size_part(part: str, suffixes: bool = True) -> dict | None:
    """A count with its unit ("1.81M frames"); ``suffixes``: also by the last words of a longer phrase ("training
    samples" → samples)."""
    m = _SIZE_PART.match(part.strip())
    if not m:
        return None
    mult = (m.group("mult") or "").lower()
    number = count_number(m.group("num"), mult)
    if number is None or _label_key((m.group("unit").split() or [""])[0]) in _measures():
        return None
    noted = re.match(r"[(（]\s*([^()（）]{1,12}?)\s*[)）]", m.group("unit"))  # "5,750 (h) video": hours of video
    if noted and _label_key(noted.group(1)) in _measures():
        return None
    if not number * _MULTIPLIERS[mult] < _MAX_COUNT:  # "1" × 50,000 is infinity as a float
        return None
    value = round(number * _MULTIPLIERS[mult])
    if _RATE.search(m.group("unit").split("(")[0]):  # "30k examples per task", "67K entries per language": no total
        return None
    if _measure_glued(m):  # "3T MRI scans", "3D CT volumes", "512x512 images": a field strength or shape, no count
        return None
    words, rest = m.group("unit").split(), ""
    unit = _unit(m.group("unit"), suffixes=False)
    for k in range(1, min(len(words) - 1, 3) + 1) if unit is None else ():  # "1,245 QA pairs spanning 7 tasks"
        start = 0
        unit = _unit(" ".join(words[:k]), suffixes=False)
        if unit is None and k > 1:  # "12,601 chest X-ray cases with …"
            start, unit = k - 1, _unit(words[k - 1], suffixes=False)
        if unit:
            while k < len(words) and _unit(" ".join(words[start : k + 1]), suffixes=False) == unit:
                k += 1  # "QA pairs", not "QA" and a note "pairs …"
            rest = " ".join(words[k:])
            break
    if unit is None and suffixes:
        words_only = re.sub(r"[(（][^()（）]*[)）]", " ", m.group("unit"))  # "5101 (4000) Cases": cases
        unit = _unit(_UNIT_END.split(words_only, 1)[0])  # "training samples" → samples
        if unit == "dataset":  # "240万条中文医疗数据集": 2.4 million records of one dataset, not 2.4 million datasets
            unit = None
    if unit is None or value < 1:
        return None
    ranged = _RANGE_END.match(m.string, m.start("unit")) is not None  # "1,000–2,000 images": at least 1,000
    flags = bounds(
        bool(m.group("approx")) or rounded(m.group("num"), mult) or ranged,
        bool(m.group("above") or m.group("plus")) or ranged,
    )
    found = {"count": value, "unit": unit, **flags}
    return {**found, "rest": rest} if rest else found


_CLASS_COUNT = re.compile(r"(?:[^\d\s:：]{1,20}[:：]\s*)?[\d,.]+\s*[^\d\s]+")  # "Test: 705 normal": one word


# "337K chest X-ray images and 227K radiology reports": "and" before a number starts a count of its own
_COUNT_AND = re.compile(r"\s+(?:and|&|plus|和|及|以及)\s*(?=[~≈约>]?\s*\d)|(?<=\D)(?:和|及|以及)(?=\d)")


def joined_counts(part: str) -> list[dict] | None:
    """The counts of a phrase that joins them with "and" ("337K images and 227K reports"), where each joined part
    is one with nothing more; else None ("5 conversation types and 7 tasks": the first counts no known unit, so the
    second is a note of it, not a count of its own)."""
    pieces = [_size_part(p.strip(" .。")) for p in _COUNT_AND.split(part)]
    if len(pieces) > 1 and all(c is not None and "rest" not in c for c in pieces):
        return pieces  # type: ignore[return-value]
    return None


def _sizes(cell: str) -> tuple[list[dict], list[str]]:
    """Counts with units from a size cell ("1.81M frames, 7.79M QAs", "5M样本, 19K指令", "约2万张图像")."""
    counts: list[dict] = []
    unmapped: list[str] = []
    classes = 0  # counts per class read so far ("111 normal", "842 serrated")
    parts = []
    for part in re.split(r",\s+|，|;|；|、|\s+/\s+|(?<=[^\d\s])/(?=\d)", _plain(cell)):  # "4998图片/32799问答"
        parts += _COUNT_AND.split(part) if joined_counts(part) else [part]
    for part in parts:
        part = part.strip()
        if not part:
            continue
        found = _size_part(part)
        # After counts per class ("111 normal, 842 serrated, … 273 adenoma samples"), the last one's unit names
        # them all, not its own number: a unit found only in a phrase's last words counts nothing there.
        if found is not None and classes >= 2 and _size_part(part, suffixes=False) is None:
            found = None
        if found is None:
            unmapped.append(part)
            classes += bool(_CLASS_COUNT.fullmatch(part))
        else:
            counts.append(found)
    return counts, unmapped


_DATE = re.compile(  # "2026.1.6", "2019-03", "2019年", "2019年3月5日"
    r"^(?P<y>(?:19|20)\d\d)(?:(?:[.\-/](?P<m>\d{1,2})(?:[.\-/](?P<d>\d{1,2}))?)"
    r"|年(?:\s*(?P<zm>\d{1,2})月(?:\s*(?P<zd>\d{1,2})[日号])?)?)?$"
)
_VENUE = re.compile(r"^(?P<venue>[^\d].*?)['’\s]+(?P<y>(?:19|20)\d\d)$")
_VENUE_GLUED = re.compile(r"^(?P<venue>[A-Za-z][A-Za-z\-&]{1,20}?)['’]?(?P<y>(?:19|20)\d\d)$")  # BIBM2025
_YEAR_VENUE = re.compile(r"^(?P<y>(?:19|20)\d\d)\s*(?P<venue>[A-Za-z][A-Za-z\-&]{1,20})$")  # 2025IJCAI
_SHORT_YEAR = re.compile(r"^(?P<venue>[A-Za-z][A-Za-z\-&]{1,20})\s*['’](?P<yy>\d\d)$")  # ECCV'20


def _date(cell: str) -> tuple[str | None, str | None]:
    """(published as YYYY[-MM[-DD]], venue) from a date or venue cell; (None, None) if it is neither.
    "2026.1.6" → 2026-01-06; "NeurIPS 2025", "BIBM2025", "2025IJCAI" → year + venue; "ECCV'20" → 2020 + ECCV 2020."""
    import datetime

    text = _plain(cell)
    m = _DATE.match(text)
    if m:
        y, mo, d = m.group("y"), m.group("m") or m.group("zm"), m.group("d") or m.group("zd")
        try:
            if d:
                return datetime.date(int(y), int(mo), int(d)).isoformat(), None
            if mo:
                datetime.date(int(y), int(mo), 1)
                return f"{y}-{int(mo):02d}", None
        except ValueError:
            return None, None
        return y, None
    m = _VENUE.match(text)
    if m:
        return m.group("y"), text
    for pattern in (_VENUE_GLUED, _YEAR_VENUE):
        m = pattern.match(text)
        if m:
            return m.group("y"), f"{m.group('venue')} {m.group('y')}"
    m = _SHORT_YEAR.match(text)
    if m:
        year = f"20{m.group('yy')}" if int(m.group("yy")) < 70 else f"19{m.group('yy')}"
        return year, f"{m.group('venue')} {year}"
    return None, None
