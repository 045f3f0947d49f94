"""A long answer is computed once per build: ``query`` keeps it beside the build's store, and reads later pages
from it (``sparql/kept_answers.py``).

Oxigraph computes a whole ordered answer before its first row, so each page of a 10,000-row answer cost as much as
the whole answer (0.9 s for ``listed-table`` at 10,000 entries). The answer kept is the store's answer, row for
row; a new build makes a new store generation, and with it new answers.
"""

from __future__ import annotations

import json
import time

import pyoxigraph as ox

from conftest import run_cli
from medvlm_kg.build.store import current_generation, generation_path
from medvlm_kg.sparql import kept_answers
from medvlm_kg.sparql.query import bind, bound_text, built_store, bundled_queries, run_local


def answers_of(out):
    return generation_path(out, current_generation(out)) / "answers"


def newest_first(out, *args: str):
    result = run_cli("query", "newest-first", "--from-build", str(out), "--format", "csv", *args)
    assert result.returncode == 0, result.stderr
    return result


def test_a_page_with_more_after_it_keeps_the_whole_answer_and_the_next_page_is_read_from_it(built_copy):
    whole = newest_first(built_copy, "--limit", "0").stdout.splitlines()
    first = newest_first(built_copy, "--limit", "5")
    (kept,) = answers_of(built_copy).glob("*.jsonl")
    assert first.stdout.splitlines() == whole[:6]
    # the proof that the next page is read, not computed: a value planted in the kept answer is what it prints
    lines = kept.read_text(encoding="utf-8").splitlines(keepends=True)  # a header line, then one line a row
    row = json.loads(lines[1 + 5])
    row[0] = [2, "planted"]  # the date of the answer's sixth row, as a plain literal
    lines[1 + 5] = json.dumps(row) + "\n"
    kept.write_text("".join(lines), encoding="utf-8")
    second = newest_first(built_copy, "--limit", "5", "--offset", "5")
    assert second.stdout.splitlines()[1].startswith("planted,")
    assert second.stderr.strip() == f"rows 6–10 of {len(whole) - 1}; --offset 10 for more"


def test_an_answer_that_fits_its_page_and_came_fast_is_not_kept(built_copy):
    assert "of" not in newest_first(built_copy, "--limit", "1000").stderr
    assert not answers_of(built_copy).exists()


def test_an_answer_that_fits_its_page_but_was_slow_to_compute_is_kept_and_read_again(built_copy, monkeypatch):
    """The counts per year read every dataset: 1.1 s at 100,000 entries, for 8 rows. Slow answers are kept too, so
    the same question is read back (here every answer counts as slow)."""
    monkeypatch.setattr(kept_answers, "KEEP_SLOW", 0.0)
    base_iri, store, generation = built_store(built_copy)
    query = bundled_queries()["datasets-per-year"]
    first = run_local(store, query, {}, limit=100, kept=generation)
    assert first.total == len(first.rows) < 100  # one page holds it all
    (kept,) = (generation / "answers").glob("*.jsonl")
    lines = kept.read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[1])
    row[0] = [2, "planted"]  # the first row's year, as a plain literal: only a read-back answer has it
    lines[1] = json.dumps(row) + "\n"
    kept.write_text("".join(lines), encoding="utf-8")
    again = run_local(store, query, {}, limit=100, kept=generation)
    assert again.rows[0][0] == ox.Literal("planted") and again.rows[1:] == first.rows[1:]
    monkeypatch.setattr(kept_answers, "KEEP_SLOW", 3600.0)  # a fast answer (every real one here) is not kept
    kept.unlink()
    run_local(store, query, {}, limit=100, kept=generation)
    assert not list((generation / "answers").glob("*.jsonl"))


def test_a_rebuild_after_an_edit_answers_from_its_own_store_not_the_kept_answer(catalog_copy, tmp_path):
    out = tmp_path / "build"
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    newest_first(out, "--limit", "5")
    assert list(answers_of(out).glob("*.jsonl"))
    path = catalog_copy / "datasets" / "pathmmu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: PathMMU", "name: PathMMU renamed", 1), "utf-8")
    assert run_cli("build", "--data", str(catalog_copy), "--out", str(out)).returncode == 0
    assert not answers_of(out).exists()  # a new generation: nothing kept yet
    whole = newest_first(out, "--limit", "0").stdout
    pages = [newest_first(out, "--limit", "20", "--offset", str(n)).stdout.splitlines() for n in range(0, 80, 20)]
    assert ",PathMMU renamed," in whole
    assert [pages[0][0], *(row for page in pages for row in page[1:])] == whole.splitlines()


def test_a_broken_kept_answer_is_computed_again(built_copy):
    expected = newest_first(built_copy, "--limit", "5", "--offset", "5").stdout
    (kept,) = answers_of(built_copy).glob("*.jsonl")
    kept.write_bytes(kept.read_bytes()[: kept.stat().st_size // 2])  # cut mid-row, as a full disk might
    assert newest_first(built_copy, "--limit", "5", "--offset", "5").stdout == expected
    kept.write_text("not an answer\n", encoding="utf-8")
    assert newest_first(built_copy, "--limit", "5", "--offset", "5").stdout == expected


def test_a_store_folder_that_cannot_be_written_answers_the_same_and_keeps_nothing(built_copy):
    answers_of(built_copy).write_text("a file where the answers folder would be", encoding="utf-8")
    expected = newest_first(built_copy, "--limit", "0").stdout.splitlines()
    first = newest_first(built_copy, "--limit", "5", "--offset", "5")
    assert first.stdout.splitlines() == [expected[0], *expected[6:11]]
    assert answers_of(built_copy).is_file()


def test_at_most_kept_answers_are_kept_the_least_recently_read_removed_first(built_copy, monkeypatch):
    monkeypatch.setattr(kept_answers, "KEPT", 2)
    base_iri, store, generation = built_store(built_copy)
    query = bundled_queries()["search"]
    for text in ("image", "ct", "image", "question"):  # "image" read again: "ct" is the least recently read
        run_local(store, query, bind(query, {"text": text}, base_iri), limit=1, kept=generation)
        time.sleep(0.05)  # file times have the kernel clock's resolution (a few ms)
    kept = {p.name for p in (generation / "answers").glob("*.jsonl")}
    expected = {
        kept_answers.answer_path(generation, bound_text(query, bind(query, {"text": t}, base_iri))).name
        for t in ("image", "question")
    }
    assert kept == expected


def test_every_kind_of_term_comes_back_as_it_was_kept(tmp_path):
    terms = [
        ox.NamedNode("https://w3id.org/medvlm-kg/dataset/pathmmu"),
        ox.BlankNode("b0"),
        ox.Literal("病理图像 + 文本", language="zh"),
        ox.Literal("2024-03-20", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ox.Literal('a "quoted"\nline'),
        None,
    ]
    rows = [terms, list(reversed(terms)), terms]
    path = tmp_path / "answer.jsonl"
    assert list(kept_answers.keeping(path, list("abcdef"), iter(rows), shown=1)) == rows
    assert kept_answers.read_page(path, None, 0) == (list("abcdef"), rows, 3)
    assert kept_answers.read_page(path, 1, 2) == (list("abcdef"), rows[2:], 3)


def test_an_answer_not_read_to_its_end_is_not_kept(tmp_path):
    """A query that fails, or rows left unread, leave no answer and no half-written file."""
    passing = kept_answers.keeping(tmp_path / "answer.jsonl", ["n"], ([ox.Literal(str(i))] for i in range(10)), 2)
    assert [next(passing) for _ in range(5)]
    passing.close()
    assert list(tmp_path.iterdir()) == []
