"""The interoperability profiles (DCAT-AP 3.0, Croissant 1.1, Bioschemas Dataset 1.0, Google's Dataset rich
results), each a mapping over the built graph or a check of what it says: one registry that the CLI's choices,
``validate --profile`` and the assembled graph all read.
Profiles do not import each other, the build or the site; ``assemble`` applies their ``extend`` to the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medvlm_kg.catalog.entries import Catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.problems import ERROR, WARNING, Problem
from medvlm_kg.profiles import bioschemas, croissant, dcat_ap, google

__all__ = [
    "PROFILES",
    "PROFILE_NAMES",
    "Profile",
    "assemble",
    "base",
    "bioschemas",
    "check_record",
    "croissant",
    "dcat_ap",
    "google",
    "profile_titles",
]


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    check: Callable[[Catalog, KnowledgeGraph], list[Problem]]
    # What decides conformance: the rules (and where they come from) and the packages that run them.
    rules: str = ""
    validators: tuple[str, ...] = ()


def _dcat_ap(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    return dcat_ap.problems(catalog, graph)


def _croissant(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    return croissant.problems(catalog, graph)


def _bioschemas(catalog: Catalog, graph: KnowledgeGraph) -> list[Problem]:
    return bioschemas.problems(catalog, graph)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "dcat-ap",
            "DCAT-AP 3.0",
            _dcat_ap,
            "SEMIC's DCAT-AP 3.0.1 SHACL files shapes.ttl and range.ttl (ontology/dcat-ap-3.0.1/), with "
            "ontology/dcat-ap.shapes.ttl for curator words and recommendations",
            ("pyshacl",),
        ),
        Profile(
            "croissant",
            "Croissant 1.1",
            _croissant,
            "MLCommons' mlcroissant validator, with ontology/croissant.rules.json",
            ("mlcroissant",),
        ),
        Profile(
            "bioschemas",
            "Bioschemas Dataset 1.0",
            _bioschemas,
            "Bioschemas' own SHACL shape of Dataset 1.0-RELEASE (ontology/bioschemas-1.0/), with "
            "ontology/bioschemas.shapes.ttl for curator words, on each page's JSON-LD",
            ("pyshacl",),
        ),
        Profile(
            "google",
            "Google Dataset rich results",
            google.problems,
            "ontology/google-dataset.rules.json, written from Google's Dataset structured data page (Google's Rich "
            "Results Test is an online service), on each page's JSON-LD",
            (),
        ),
    )
}
PROFILE_NAMES = ("core", *PROFILES, "all")


def profile_titles(name: str) -> str:
    """What a profile name checks, in words ("" for the core rules)."""
    if name == "all":
        return ", ".join(p.title for p in PROFILES.values())
    return PROFILES[name].title if name in PROFILES else ""


def check_record(profile: Profile, problems: list[Problem]) -> dict:
    """What one profile's check found, with its rules and the installed versions of the validators that ran it."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(package: str) -> str | None:
        try:
            return version(package)
        except PackageNotFoundError:
            return None

    return {
        "profile": profile.name,
        "consumer": profile.title,
        "rules": profile.rules,
        "validators": {package: installed(package) for package in profile.validators},
        "errors": sum(p.severity == ERROR for p in problems),
        "warnings": sum(p.severity == WARNING for p in problems),
    }
