"""The README stays true: its quick start, every command, and every bundled query.

Run ``python tests/test_docs.py`` to rewrite the README's query list from the query headers.
"""

from __future__ import annotations

import re
import sys

import click

from conftest import ROOT, run_cli
from medvlm_kg.cli import main
from medvlm_kg.sparql.query import bundled_queries

README = ROOT / "README.md"
START, END = "<!-- queries:start -->", "<!-- queries:end -->"


def query_section() -> str:
    """The README's list of bundled queries, rendered from their headers."""
    lines = ["| query | parameters | the question it answers |", "| --- | --- | --- |"]
    for query in bundled_queries().values():
        params = ", ".join(
            f"`{p.name}` ({p.type}{', default ' + p.default if p.default else ''}; e.g. `{p.example}`)"
            for p in query.params
        )
        lines.append(f"| `{query.name}` | {params or '—'} | **{query.title}.** {query.description} |")
    return "\n".join(lines)


def quick_start() -> list[str]:
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README needs a Quick start section with one sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands_build_then_test():
    install_and_build, install_and_test = quick_start()
    assert install_and_build.startswith("pip install ") and "medvlm-kg build" in install_and_build
    assert "pytest" in install_and_test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()


def test_readme_lists_every_command():
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"`medvlm-kg {name}" in text, f"README does not show the command {name}"


def test_every_command_help_shows_an_example():
    for name, command in [("", main), *main.commands.items()]:
        with click.Context(command, info_name=f"medvlm-kg {name}".strip()) as ctx:
            assert "Example" in command.get_help(ctx), f"medvlm-kg {name} --help has no example"
    assert "Example" in run_cli("--help").stdout


def test_readme_lists_every_bundled_query_as_in_their_headers():
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    current = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert current == query_section(), "README query list is stale: run python tests/test_docs.py"


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{query_section()}\n{END}{tail}", encoding="utf-8")
    sys.exit(0)
