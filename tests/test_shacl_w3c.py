"""Our SHACL engine on the W3C SHACL test suite: the tests it claims pass, every other one is refused.

The suite (``tests/fixtures/w3c-shacl/``, an exact copy, see its SOURCES.md) is read by
``bench/shacl_conformance.py``, which runs each test and compares the engine's report with the expected one:
``sh:conforms`` and the results as a multiset of (focus node, path, value, source shape, constraint component,
severity). A claimed test that stops passing fails here; a test outside the claim must be refused with
:class:`UnsupportedShapeError` (never a wrong report, never a crash): the engine validates what it supports, or
says it cannot. pyshacl passes 97 of the 98 core tests (see docs/conformance-engines.md).
"""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
try:
    import shacl_conformance as harness
finally:
    sys.path.remove(str(ROOT / "bench"))

SUITE = ROOT / "tests" / "fixtures" / "w3c-shacl" / "tests"
CASES = {case.name: case for case in harness.cases(SUITE)}

CLAIMED = [
    # core/misc
    "core/misc/deactivated-001",
    "core/misc/deactivated-002",
    "core/misc/message-001",
    "core/misc/severity-001",
    "core/misc/severity-002",
    # core/node
    "core/node/class-001",
    "core/node/class-002",
    "core/node/class-003",
    "core/node/datatype-001",
    "core/node/datatype-002",
    "core/node/hasValue-001",
    "core/node/in-001",
    "core/node/languageIn-001",
    "core/node/maxLength-001",
    "core/node/minInclusive-001",
    "core/node/minLength-001",
    "core/node/node-001",
    "core/node/nodeKind-001",
    "core/node/or-001",
    "core/node/pattern-001",
    "core/node/pattern-002",
    # core/path
    "core/path/path-unused-001",
    # core/property
    "core/property/class-001",
    "core/property/datatype-001",
    "core/property/datatype-002",
    "core/property/datatype-003",
    "core/property/datatype-ill-formed",
    "core/property/hasValue-001",
    "core/property/in-001",
    "core/property/languageIn-001",
    "core/property/maxCount-001",
    "core/property/maxCount-002",
    "core/property/maxLength-001",
    "core/property/minCount-001",
    "core/property/minCount-002",
    "core/property/minLength-001",
    "core/property/node-001",
    "core/property/node-002",
    "core/property/nodeKind-001",
    "core/property/or-001",
    "core/property/or-datatypes-001",
    "core/property/pattern-001",
    "core/property/pattern-002",
    "core/property/property-001",
    "core/property/uniqueLang-001",
    "core/property/uniqueLang-002",
    # core/targets
    "core/targets/multipleTargets-001",
    "core/targets/targetClass-001",
    "core/targets/targetClassImplicit-001",
    "core/targets/targetNode-001",
    "core/targets/targetObjectsOf-001",
    "core/targets/targetSubjectsOf-001",
    "core/targets/targetSubjectsOf-002",
    # core/validation-reports
    "core/validation-reports/shared",
    # sparql/node
    "sparql/node/prefixes-001",
    "sparql/node/sparql-001",
    # sparql/pre-binding
    "sparql/pre-binding/pre-binding-001",
    "sparql/pre-binding/pre-binding-006",
    "sparql/pre-binding/unsupported-sparql-001",
    "sparql/pre-binding/unsupported-sparql-002",
    "sparql/pre-binding/unsupported-sparql-003",
    "sparql/pre-binding/unsupported-sparql-004",
    "sparql/pre-binding/unsupported-sparql-005",
    "sparql/pre-binding/unsupported-sparql-006",
]


def test_the_suite_is_read_whole():
    assert sum(name.startswith("core/") for name in CASES) == 98
    assert sum(name.startswith("sparql/") for name in CASES) == 22
    assert set(CLAIMED) <= set(CASES)


@pytest.mark.parametrize("name", CLAIMED)
def test_a_claimed_w3c_test_passes(name):
    outcome = harness.judge(CASES[name], harness.run_ours)
    assert outcome.status == "pass", outcome.detail


@pytest.mark.parametrize("name", sorted(set(CASES) - set(CLAIMED)))
def test_any_other_w3c_test_is_refused_not_answered_wrong(name):
    outcome = harness.judge(CASES[name], harness.run_ours)
    assert (outcome.status, outcome.error) == ("refused", "UnsupportedShapeError"), outcome.detail


def test_the_comparison_counts_duplicates():
    """property-001 expects one result twice: a report giving it once fails (a test of the test)."""
    case = CASES["core/property/property-001"]
    assert list(case.results.values()) == [2]

    def once(c):
        conforms, results = harness.run_ours(c)
        return conforms, harness.Counter(set(results))  # each result once: the engine's former dedupe

    assert harness.judge(case, once).status == "fail"
