"""`medvlm-kg validate --profile`: the core checks of the build, then the named profiles' rules, as problems.

Lives in the build stage because the profiles run on the graph the build checks; the profiles themselves
(``profiles/``) know nothing of the build.
"""

from __future__ import annotations

from pathlib import Path

from medvlm_kg.build.units import validate
from medvlm_kg.catalog.entries import Catalog
from medvlm_kg.graph.convert import KnowledgeGraph
from medvlm_kg.problems import ERROR, CatalogError, Problem
from medvlm_kg.profiles import PROFILE_NAMES, PROFILES, check_record
from medvlm_kg.profiles.assemble import convert
from medvlm_kg.profiles.base import sorted_problems as _sorted
from medvlm_kg.runtime.progress import stage
from medvlm_kg.runtime.workers import spread, workers_for

__all__ = ["validate_profile"]

# The profiles of ``all``, the longest first, so that with two workers the others run beside it: at 1,000 entries
# Bioschemas took 21 s, DCAT-AP 15 s, Croissant 5.6 s and Google 0.5 s, one after the other.
_LONGEST_FIRST = ("bioschemas", "dcat-ap", "croissant", "google")
_CHECKED: tuple[Catalog, KnowledgeGraph] | None = None  # what the forked workers read


def validate_profile(
    data_dir: Path | str,
    name: str,
    checks: list[dict] | None = None,
    from_build: Path | str | None = None,
    cache: bool = False,
) -> tuple[Catalog | None, list[Problem]]:
    """The catalog and every problem the named profile finds (``core``: the YAML format and the core shapes).

    Every profile runs after the core checks: their errors are always reported (a catalog that does not build
    cannot be harvested); their warnings only for ``core`` and ``all``. ``checks``, when given, receives one
    record per profile run (``check_record``: its rules, validators and counts). ``from_build``: an earlier build's
    folder whose checked entries the core checks reuse (``units.validate``), ``cache``: the same from the last
    validate's notes in the user's cache folder; the other profiles read the whole graph.

    The core checks are always those of ``validate`` (one worker per core, what is cached not checked again): the
    one-process ``check`` they replace took 42 s of a 10,000-entry run before any profile began.
    """
    if name not in PROFILE_NAMES:
        raise ValueError(f"unknown profile {name!r}; known: {', '.join(PROFILE_NAMES)}")
    try:
        catalog, problems = validate(data_dir, from_build=from_build, cache=cache)
    except CatalogError as error:
        return None, error.problems
    if name == "core" or catalog is None:  # core needs no graph of the whole catalog: datasets are checked one by one
        return catalog, problems
    with stage("converting to RDF"):
        graph = convert(catalog)
    found = list(problems) if name == "all" else [p for p in problems if p.severity == ERROR]
    names = sorted(PROFILES if name == "all" else [name], key=_longest_first)
    by_profile = dict(_profile_problems(catalog, graph, names))
    for profile in PROFILES.values():  # reported in the registry's order, whichever finished first
        if profile.name in by_profile:
            own = by_profile[profile.name]
            found += own
            if checks is not None:
                checks.append(check_record(profile, own))
    return catalog, _sorted(set(found))


def _longest_first(name: str) -> int:
    """Where a profile goes in the order of ``all``: a profile not timed yet goes last."""
    return _LONGEST_FIRST.index(name) if name in _LONGEST_FIRST else len(_LONGEST_FIRST)


def _profile_problems(catalog: Catalog, graph: KnowledgeGraph, names: list[str]) -> list[tuple[str, list[Problem]]]:
    """Each named profile's problems, the profiles side by side in a worker process per core (forked: they share the
    catalog and its graph) once the catalog is large enough for it to pay."""
    global _CHECKED
    workers = min(len(names), workers_for(None, len(catalog.datasets), worth_it=64))
    _CHECKED = (catalog, graph)
    try:
        with stage(f"checking the {', '.join(names)} profile{'s' if len(names) > 1 else ''}"):
            return list(spread(_check_profile, names, workers, ordered=False))
    finally:
        _CHECKED = None


def _check_profile(name: str) -> list[tuple[str, list[Problem]]]:
    assert _CHECKED is not None
    catalog, graph = _CHECKED
    return [(name, PROFILES[name].check(catalog, graph))]
