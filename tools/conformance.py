"""Write docs/conformance.md: what each consumer's validator says about today's catalog.

Usage: python tools/conformance.py [--check]

Runs `medvlm-kg validate --profile all --format json` on data/ and writes one table per consumer from its "checks"
records (the rules, the validators, the errors and warnings each profile found), then one for the schema.org
vocabulary (every schema.org term of the built catalog graph against schema.org's own definitions,
tests/fixtures/schemaorg-terms.tsv). Versions are those pinned in requirements/lock.txt, the versions the tests
last passed with (the JSON records the installed ones). With --check it writes nothing and exits 1 when the
committed file differs; tests/test_conformance.py runs it so.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "conformance.md"
LOCK = ROOT / "requirements" / "lock.txt"
TERMS = ROOT / "tests" / "fixtures" / "schemaorg-terms.tsv"
SDO = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# What the tests run besides `validate` for each consumer (tests/test_conformance.py).
TESTS = {
    "dcat-ap": "SEMIC's `shapes.ttl` + `range.ttl` on the built `catalog.ttl` and on every `dataset/<id>.ttl` (with "
    "the concept schemes): 0 results; `shapes_recommended.ttl`: warnings only",
    "croissant": "mlcroissant on every `dataset/<id>.croissant.json`: 0 errors; a `license` wherever the entry "
    "records any licence fact",
    "bioschemas": "Bioschemas' Dataset 1.0-RELEASE shape on every page's JSON-LD read with extruct: no violation, "
    "except `license` on the pages of the 4 datasets whose license nobody found (never invented)",
    "google": "Google's rules (tests/fixtures/google-dataset/rules.json, read by the tests' own code) on every page's "
    "JSON-LD read with extruct: 0 errors",
}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medvlm_kg.cli", *args], capture_output=True, text=True, cwd=ROOT)


def locked_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            versions[m.group(1).lower().replace("_", "-")] = m.group(2)
    return versions


def schema_org_terms(nt: Path) -> tuple[int, list[str]]:
    """How many schema.org terms the graph uses, and each use that schema.org does not define (an unknown term, or
    a property on a type outside its domain)."""
    import rdflib

    kinds: dict[str, str] = {}
    links: dict[str, set[str]] = {}
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            name, kind, related = line.split("\t")
            kinds[name], links[name] = kind, set(related.split())

    def ancestry(cls: str) -> set[str]:
        seen, todo = set(), [cls]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo += links.get(c, ())
        return seen

    import gzip

    graph = rdflib.Graph().parse(data=gzip.decompress(nt.read_bytes()).decode("utf-8"), format="nt")
    used: set[str] = set()
    wrong: set[str] = set()
    for s, p, o in graph:
        if str(p).startswith(SDO):
            prop = str(p)[len(SDO) :]
            used.add(prop)
            types = {str(t)[len(SDO) :] for t in graph.objects(s, rdflib.URIRef(RDF_TYPE)) if str(t).startswith(SDO)}
            if kinds.get(prop) != "property":
                wrong.add(f"schema:{prop} is not a schema.org property")
            elif not any(links[prop] & ancestry(t) for t in types):
                wrong.add(f"schema:{prop} on {sorted(types)}, outside its domain")
        if str(p) == RDF_TYPE and str(o).startswith(SDO):
            used.add(str(o)[len(SDO) :])
            if kinds.get(str(o)[len(SDO) :]) != "class":
                wrong.add(f"{o} is not a schema.org class")
    return len(used), sorted(wrong)


def render(record: dict, versions: dict[str, str], terms: tuple[int, list[str]]) -> str:
    lines = [
        "# Conformance: what the consumers' validators say",
        "",
        "Written by `python tools/conformance.py` from `medvlm-kg validate --profile all --format json` on `data/`;",
        "tests/test_conformance.py fails when this file is not what the command writes now. Versions are those",
        "pinned in `requirements/lock.txt`, the versions the tests last passed with. An error fails `validate`; a",
        "warning is a fact the catalog does not know yet, or cannot hold (`medvlm-kg validate --profile all` lists",
        "each).",
        "",
    ]
    for check in record["checks"]:
        names = [f"{name} {versions.get(name, '(not in the lock file)')}" for name in check["validators"]]
        lines += [
            f"## {check['consumer']} (`validate --profile {check['profile']}`)",
            "",
            "| | |",
            "| --- | --- |",
            f"| rules | {check['rules']} |",
            f"| validator | {', '.join(names) or 'none runs here: medvlm-kg reads the rules itself'} |",
            f"| today's result | {check['errors']} errors, {check['warnings']} warnings |",
            f"| tests | {TESTS.get(check['profile'], '—')} |",
            "",
        ]
    count, wrong = terms
    lines += [
        "## schema.org vocabulary",
        "",
        "| | |",
        "| --- | --- |",
        "| rules | schema.org's own definitions of its classes and properties, release 12.0 "
        "(tests/fixtures/schemaorg-terms.tsv: kind, superclasses, domainIncludes) |",
        f"| validator | rdflib {versions.get('rdflib', '?')}, on the built `catalog.nt`: every schema.org term a class "
        "or property schema.org defines, every property used on a type in its domain |",
        f"| today's result | {count} schema.org terms used, {len(wrong)} not as schema.org defines them |",
        "| tests | tests/test_graph.py, the same check |",
        "",
    ]
    lines += [f"- {w}" for w in wrong]
    lines.append(f"Overall: {'valid' if record['valid'] else 'NOT valid'} for every profile.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file; write nothing")
    args = parser.parse_args()
    result = _cli("validate", "--data", "data", "--profile", "all", "--format", "json")
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        built = _cli("build", "--data", "data", "--out", str(Path(tmp) / "build"))
        if built.returncode != 0:
            sys.stderr.write(built.stderr)
            return 2
        terms = schema_org_terms(Path(tmp) / "build" / "catalog.nt.gz")
    text = render(json.loads(result.stdout), locked_versions(), terms)
    if args.check:
        if DOC.read_text(encoding="utf-8") != text:
            sys.stderr.write(
                "docs/conformance.md is not what the command writes now: run python tools/conformance.py\n"
            )
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
