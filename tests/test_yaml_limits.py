"""The product's own YAML limits come before any library's (issue 15): the nesting limit is checked from the
characters and with PyYAML's pure-Python parser, never left to libyaml, whose scanner has its own limit (1,000
levels since PyYAML 6.0.3's wheels) and reaches it while reading ahead; so the message is the same whatever
PyYAML's version (tests/corpus/nesting-10000-* check the command's output)."""

from __future__ import annotations

import pytest
import yaml

from conftest import DATA
from medvlm_kg.catalog.yaml_reader import MAX_DEPTH, YamlProblem, depth_bound, read_yaml


def _depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return deepest


def _block_mappings(n: int) -> str:
    return "".join(" " * i + f"k{i}:\n" for i in range(n)) + " " * n + "v\n"


def _sequences_in_mappings(n: int) -> str:
    text = "a:\n"
    for i in range(n):
        text += "  " * i + "- b:\n" + "  " * (i + 1) + "c:\n"
    return text + "  " * (n + 1) + "x\n"


CASES = {
    "block mappings": _block_mappings(150),
    "compact sequences": "- " * 150 + "x\n",
    "sequences in mappings": _sequences_in_mappings(80),
    "flow lists": "x: " + "[" * 150 + "]" * 150 + "\n",
    "flow mappings": "x: " + "{a: " * 150 + "1" + "}" * 150 + "\n",
    "mixed": "a:\n  - " + "[" * 60 + "{b: c}" + "]" * 60 + "\n",
}


@pytest.mark.parametrize("name", CASES)
def test_the_bound_from_the_characters_is_never_below_the_real_depth(name):
    text = CASES[name]
    assert depth_bound(text) >= _depth(text)


def test_the_bound_of_every_real_file_is_far_below_the_limit():
    for path in sorted(DATA.rglob("*.yaml")):
        assert depth_bound(path.read_text(encoding="utf-8")) <= MAX_DEPTH, path


@pytest.mark.parametrize("levels", [101, 999, 1001, 5000])
def test_too_deep_is_the_products_message_at_any_depth(levels):
    """Between 101 and 1,000 levels libyaml parses; past 1,000 it refuses with its own message: ours comes first."""
    for text in ("x: " + "[" * levels + "]" * levels + "\n", _block_mappings(levels)):
        with pytest.raises(YamlProblem) as caught:
            read_yaml(text)
        assert caught.value.message == f"lists and mappings nested more than {MAX_DEPTH} levels deep"
