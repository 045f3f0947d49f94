"""The interoperability profiles (DCAT-AP 3.0, Croissant 1.1, Bioschemas Dataset 1.0), each a mapping over the
built graph: one registry that the CLI's choices, ``validate --profile`` and the assembled graph all read.
Profiles do not import each other, the build or the site; ``assemble`` applies their ``extend`` to the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medvlm_kg.catalog.load import Catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.problems import Problem
from medvlm_kg.profiles import bioschemas, croissant, dcat_ap

__all__ = [
    "PROFILES",
    "PROFILE_NAMES",
    "Profile",
    "assemble",
    "base",
    "bioschemas",
    "croissant",
    "dcat_ap",
    "profile_titles",
]


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    check: Callable[[Catalog, KnowledgeGraph], list[Problem]]


def _dcat_ap(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    return dcat_ap.problems(catalog, graph)


def _croissant(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    return croissant.problems(catalog, graph)


def _bioschemas(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    return bioschemas.problems(catalog, graph)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("dcat-ap", "DCAT-AP 3.0", _dcat_ap),
        Profile("croissant", "Croissant 1.1", _croissant),
        Profile("bioschemas", "Bioschemas Dataset 1.0", _bioschemas),
    )
}
PROFILE_NAMES = ("core", *PROFILES, "all")


def profile_titles(name: str) -> str:
    """What a profile name checks, in words ("" for the core rules)."""
    if name == "all":
        return ", ".join(p.title for p in PROFILES.values())
    return PROFILES[name].title if name in PROFILES else ""
