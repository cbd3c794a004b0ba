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

from benchmarks import scoring  # noqa: E402
from benchmarks.report import Row, format_table, results_markdown, verdict  # noqa: E402

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
