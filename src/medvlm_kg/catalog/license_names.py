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
_QUALIFIED = re.compile(
    r"\b(?:with|except|exceptions?|excluding|but|unless|plus|and|or|partly|partially|some)\b|除|部分|以及|或",
    re.IGNORECASE,
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


def spdx_id(text: str, urls: list[str] = ()) -> str | None:
    """The SPDX id of the one licence ``text`` names (or that a creativecommons.org URL among ``urls`` is), else
    None: "CC BY-NC-SA 4.0" → CC-BY-NC-SA-4.0, "Creative Commons Attribution 4.0" → CC-BY-4.0."""
    found = _names().get(_key(text)) if text.strip() else None
    if found:
        return found
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
    r"licen[cs]|\bcc[\s-]?(?:by|0)|creative\s*commons|\b(?:[al]?gpl|mit|apache|bsd|odbl|odc|mpl|epl|cdla)\b|"
    r"public\s*domain|\bterms\b|agreement|\bonly\b|non-?commercial|academic|许可|协议|授权|商用|仅",
    re.IGNORECASE,
)


def states_a_license(text: str) -> bool:
    """Whether a licence cell states terms (a licence's name, however spelled, or a use it allows) rather than a
    list's own code for them ("unk", "all", "Various")."""
    return bool(_LICENSE_WORDS.search(text))
