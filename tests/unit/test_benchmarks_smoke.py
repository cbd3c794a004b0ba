"""The benchmark's own pieces, without running any benchmark: the scorer against hand-computed figures, and the
results-table formatter. No timing assertions here (numbers live in benchmarks/results.md)."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import scoring  # noqa: E402 - after the sys.path set-up above
from benchmarks.report import Row, format_table, results_markdown, verdict  # noqa: E402 - as above

# Four pages, worked by hand (4-token shingles of \w+ tokens, multiset counts):
#   p1  truth "a b c d e"  → {abcd, bcde};  prediction "a b c d x" → {abcd, bcdx}:   tp 1 fp 1 fn 1 → P 1/2, R 1/2
#   p2  truth "one two three" → one short shingle; prediction empty:                  P undefined,   R 0
#   p3  truth "alpha beta gamma delta" → {abgd}; prediction adds "epsilon zeta"
#       → {abgd, bgde, gdez}:                                                           tp 1 fp 2 fn 0 → P 1/3, R 1
#   p4  truth "x y" and prediction "x, y!" have the same tokens:                        P 1, R 1, exact
# Corpus P = mean(1/2, 1/3, 1) = 11/18 (p2 left out), R = mean(1/2, 0, 1, 1) = 5/8,
# F1 = 2PR/(P+R) = 55/89, accuracy 1/4.
TRUTH = {"p1": {"articleBody": "a b c d e"}, "p2": {"articleBody": "one two three"},
         "p3": {"articleBody": "alpha beta gamma delta"}, "p4": {"articleBody": "x y"}}
PREDICTIONS = {"p1": {"articleBody": "a b c d x"}, "p2": {"articleBody": ""},
               "p3": {"articleBody": "alpha beta gamma delta epsilon zeta"}, "p4": "x, y!"}


def test_page_counts_match_hand_computed_shingles() -> None:
    page = scoring.score_page("p3", "alpha beta gamma delta", "alpha beta gamma delta epsilon zeta")
    assert (page.tp, page.fp, page.fn) == (1, 2, 0)
    assert page.precision == pytest.approx(1 / 3)
    assert page.recall == 1.0
    assert scoring.score_page("p2", "one two three", "").precision is None


def test_corpus_precision_recall_f1_match_hand_computed_values() -> None:
    result = scoring.score(TRUTH, PREDICTIONS)
    assert result.precision == pytest.approx(float(Fraction(11, 18)))
    assert result.recall == pytest.approx(float(Fraction(5, 8)))
    assert result.f1 == pytest.approx(float(Fraction(55, 89)))
    assert result.accuracy == pytest.approx(0.25)
    assert result.pages == 4 and result.empty_predictions == 1


def test_missing_prediction_counts_as_empty() -> None:
    result = scoring.score({"only": {"articleBody": "some words here now"}}, {})
    assert result.recall == 0.0 and result.empty_predictions == 1


def test_shingles_are_multisets() -> None:
    assert scoring.shingles(["a", "b", "c", "d", "a", "b", "c", "d"])[("a", "b", "c", "d")] == 2
    page = scoring.score_page("r", "a b c d a b c d", "a b c d")
    assert (page.tp, page.fp, page.fn) == (1, 0, 4)


def test_results_table_formatter() -> None:
    rows = [Row("Cold start: handler / floor", "0.95×", "≤ 1.2×", verdict(True), "a | b"),
            Row("Memory", "150 MB", "< 200 MB", verdict(False)), Row("Info only", "7 ms")]
    table = format_table(rows)
    lines = table.splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[0].startswith("| Figure") and set(lines[1]) <= {"|", "-"}
    assert len({len(line) for line in lines}) == 1  # padded columns
    assert "PASS" in lines[2] and "FAIL" in lines[3] and "a \\| b" in lines[2]
    assert verdict(None) == ""
    markdown = results_markdown(rows, started="2026-01-01 00:00 UTC", duration_s=1.0, command="python -m benchmarks",
                                notes=["a note"])
    assert table in markdown and "## Machine" in markdown and "Python" in markdown and "- a note" in markdown


# Snippets, worked by hand: page a finds 1 of its 2 "with" and 1 of its 2 "without" (whitespace collapsed, case
# kept: "Foo  bar" matches "Foo bar", "foo" does not match "Foo"); page b has no prediction (its "with" are missed,
# its "without" count as avoided). TP 1, FN 1 + 1, FP 1, TN 1 + 1 → P 1/2, R 1/3, F 2/5.
CASES = {"a": {"with": ["Foo bar", "foo"], "without": ["Menu", "Cookie"]},
         "b": {"with": ["missing"], "without": ["Menu"]}}


def test_snippet_counts_match_hand_computed_values() -> None:
    # Given one page with a prediction and one without
    predictions = {"a": {"articleBody": "Foo  \n bar and the Menu"}}
    # When scored
    result = scoring.score_snippets(CASES, predictions)
    # Then the pooled counts are the hand-computed ones
    assert (result.tp, result.fp, result.fn, result.tn) == (1, 1, 2, 2)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(1 / 3)
    assert result.f_score == pytest.approx(0.4)
    assert result.empty_predictions == 1 and result.pages == 2
    assert result.worst[0] == ("a", 1, 1)


def test_date_score_takes_the_day_as_written() -> None:
    # Given gold days and predictions: right (offset ignored: the day as written), wrong, missing, unparseable
    gold = {"e1": {"page": "p1", "date": "2020-02-10"}, "e2": {"date": "2021-01-01"},
            "e3": {"date": "2019-05-05"}, "e4": {"date": "2018-01-01"}}
    predictions = {"p1": {"published_at": "2020-02-10T23:30:00-08:00"}, "e2": {"published_at": "2021-01-02"},
                   "e4": {"published_at": "yesterday"}}
    # When scored
    result = scoring.score_dates(gold, predictions)
    # Then 1 right, 1 wrong, 2 without a date
    assert (result.right, result.wrong, result.missing) == (1, 1, 2)
    assert result.accuracy == pytest.approx(0.25)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(1 / 3)
    assert result.misses[0] == ("e2", "2021-01-01", "2021-01-02")


def test_corpus_kind_follows_the_answer_file(tmp_path: Path) -> None:
    from benchmarks.extraction import corpus_kind, page_urls

    assert corpus_kind(tmp_path) is None
    for kind, name in (("articles", "ground-truth.json"), ("snippets", "cases.json"), ("dates", "gold.json")):
        folder = tmp_path / kind
        folder.mkdir()
        (folder / name).write_text("{}", encoding="utf-8")
        assert corpus_kind(folder) == kind
    truth = {"p": {"url": "https://example.com/a"}}
    assert page_urls("snippets", truth) == {"p": "https://example.com/a"}
    assert page_urls("dates", truth) == {}  # the dates rule: the page alone


def test_results_carry_no_absolute_paths_of_the_machine(tmp_path: Path) -> None:
    from benchmarks.report import portable_paths

    repo = tmp_path / "work" / "main"
    text = (f"Generated by `python -m benchmarks --corpus {tmp_path}/work/shared/corpus/x --peer-python "
            f"{Path.home()}/venv/bin/python` with {repo}/.venv/bin/python")
    assert portable_paths(text, repo) == ("Generated by `python -m benchmarks --corpus ../shared/corpus/x "
                                          "--peer-python ~/venv/bin/python` with ./.venv/bin/python")
