"""A licence as a list names it, as an SPDX id: only where the whole text (or a creativecommons.org URL) names one
licence; anything else stays a statement without an id (the format keeps what was stated either way). Whether a
cell states a licence at all ("unk", "all" do not; "LDC User Agreement", "research use only" do):
``states_a_license``."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

__all__ = ["spdx_id", "states_a_license"]

_CC_PARTS = {"BY": "Attribution", "NC": "NonCommercial", "SA": "ShareAlike", "ND": "NoDerivatives"}
_CC_KINDS = ("BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND")
_CC_VERSIONS = ("1.0", "2.0", "2.5", "3.0", "4.0")
_CC_URL = re.compile(  # a ported licence (…/by/3.0/igo/, …/3.0/de/) is another licence: no id
    r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)(?:/(?:legalcode|deed)[^/\s]*)?/?$", re.IGNORECASE
)
_CC0_URL = re.compile(r"creativecommons\.org/publicdomain/zero/1\.0", re.IGNORECASE)
# Words that make a cell say less than the licence its link names ("CC-BY-NC 4.0 with some exceptions"); "for
# images and annotations", "Some rights reserved" (Creative Commons' own wording) do not.
_QUALIFIED = re.compile(  # "expections": JRMeyer's list spells it so
    r"\b(?:except|exceptions?|expections?|excluding|unless|partly|partially)\b|除外|例外|部分", re.IGNORECASE
)
_NOISE = re.compile(r"\b(?:the|licen[cs]e[sd]?|international|public|generic|unported|version|协议|许可证?)\b")


def _key(text: str) -> str:
    """A licence name as a comparison key: case, width, spaces, hyphens and the words around a name aside."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("licence", "license")
    text = _NOISE.sub(" ", text)
    text = text.replace("noderivs", "noderivatives")
    return re.sub(r"[\s\-_.,:;()/'\"“”]+", "", text)


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    spelled = yaml.safe_load((Path(__file__).with_name("license_names.yaml")).read_text(encoding="utf-8"))
    for spdx, spellings in spelled.items():
        for text in [spdx, *spellings]:
            names.setdefault(_key(str(text)), spdx)
    for kind in _CC_KINDS:
        for version in _CC_VERSIONS:
            spdx = f"CC-{kind}-{version}"
            words = "-".join(_CC_PARTS[p] for p in kind.split("-"))
            spellings = (spdx, f"CC {kind} {version}", f"Creative Commons {words} {version}", f"CC-{kind} {version}")
            for text in (*spellings, f"CC {kind} {words} {version}"):  # "CC-By Attribution 4.0 International"
                names.setdefault(_key(text), spdx)
    return names


_PARENTHESES = re.compile(r"[(（]([^()（）]{2,120})[)）]")
_OPEN_WORDS = re.compile(
    r"(?:open(?:ly)?(?:\s+access)?|public(?:ly\s+available)?|free(?:ly\s+available)?|available|开放|公开)?", re.I
)


def spdx_id(text: str, urls: list[str] = ()) -> str | None:
    """The SPDX id of the one licence ``text`` names (or that a creativecommons.org URL among ``urls`` is), else
    None: "CC BY-NC-SA 4.0" → CC-BY-NC-SA-4.0, "Creative Commons Attribution 4.0" → CC-BY-4.0."""
    found = _names().get(_key(text)) if text.strip() else None
    if found:
        return found
    # "Open Access (Creative Commons Attribution-NonCommercial-NoDerivatives 4.0)": a licence named whole in the
    # parentheses, after words that name none (two licences named, or none, give no id)
    inner = {_names().get(_key(part)) for part in _PARENTHESES.findall(text)} - {None}
    outside = _PARENTHESES.sub(" ", text)
    if len(inner) == 1 and _OPEN_WORDS.fullmatch(outside.strip()) and not _QUALIFIED.search(text):
        return inner.pop()  # not "Code (MIT)", "Restricted (CC BY 4.0)", "Custom license (MIT)"
    if _QUALIFIED.search(text):  # "CC-BY-NC 4.0 with some exceptions": not the licence its link names
        return None
    ids = set()
    for url in urls:
        m = _CC_URL.search(url)
        if _CC0_URL.search(url):
            ids.add("CC0-1.0")
        elif m and m.group(1).upper() in _CC_KINDS and m.group(2) in _CC_VERSIONS:
            ids.add(f"CC-{m.group(1).upper()}-{m.group(2)}")
        elif "creativecommons.org" in url:
            return None
    return ids.pop() if len(ids) == 1 else None  # two licences ("images: BY-NC-SA; text: BY") give no one id


_LICENSE_WORDS = re.compile(
    r"\bcc[\s-]?(?:by|0)|creative\s*commons|\b(?:[al]?gpl|gnu|mit|apache|bsd|odbl|odc|mpl|epl|cdla|afl|eupl|isc)\b|"
    r"\b[A-Z][A-Za-z]*-\d(?:\.\d)?\b|public\s*domain|agreement|eula|terms\s+(?:of|and)\s|non-?commercial|"
    r"\b(?:research|academic|educational)\s+(?:use|purposes?)|许可|协议|授权|商用",
    re.IGNORECASE,
)
# "License" (a link so labelled), "See license", "Unknown license", "License not specified": no statement of terms
_NO_TERMS = re.compile(r"^(?:see|unknown|no|none|n/?a|tbd|check)\b|not\s+specified|unspecified|未知|不详|未说明", re.I)
_NAMED_LICENSE = re.compile(  # "FT Speech License": a licence by its name
    r"^(?!(?:the|a|an|this|its|see|unknown|no|own|other|custom)\s)\S.{0,60}\s+licen[cs]e\b", re.I
)


def states_a_license(text: str) -> bool:
    """Whether a licence cell states terms (a licence's name, however spelled, an agreement, the uses it allows)
    rather than a list's own code for them ("unk", "all", "academic", "Various") or a pointer to them ("License",
    "See license")."""
    text = text.strip()
    if _NO_TERMS.search(text):
        return False
    return bool(_LICENSE_WORDS.search(text) or _NAMED_LICENSE.match(text))
