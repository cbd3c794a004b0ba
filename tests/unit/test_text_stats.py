"""Word counts that mean something for CJK text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.extract.text_stats import count_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("Hello world", 2),
        ("Esper's trip: U.S. e-mail, 28,500 troops.", 6),
        ("서울 시청에서 만났다", 3),  # Hangul is written with spaces: one word per eojeol
        ("東京都に行きました", 9),  # Han and Kana: one word per character
        ("我爱北京天安门", 7),
        ("Samsung 갤럭시 發表", 4),
    ],
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_a_chinese_sentence_is_not_one_word() -> None:
    assert count_words("今天天气很好，我们去公园散步。") > 10


@given(st.text())
def test_any_text_is_counted_as_the_word_regex_counts_it(text: str) -> None:
    assert count_words(text) == _reference(text)


# ------------------------------------------------------------------------------------------- the fast count
def _reference(text: str) -> int:
    from newsingest.extract.text_stats import WORD

    return sum(1 for _ in WORD.finditer(text))


_ALPHABET = "ab Z9 _-.'’‘“”—–…,é²µ×ß\n\t0123\xa0東京き・ー한글\u3099\U00020000\uf900ｱъΩ\u200b"


@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_fast_count_equals_the_word_regex(text: str) -> None:
    # Given any mix of Latin, Latin-1, typography, digits, joiners, Han, Kana, Hangul, Cyrillic
    # When counted / Then the count is exactly the number of WORD matches (the fast path changes no result)
    assert count_words(text) == _reference(text)


@pytest.mark.parametrize(
    "text",
    ["1,000,000 people", "1,0000 and 1,000th and a,123b", "U.S. e-mail don’t well--known a..b 3.5% $100",
     "end...Next — “quoted” ‘single’ rock’n’roll", "서울 1,000명 참석 (연합뉴스)", "東京で1,000人が・参加 U.S.",
     "Москва, 1,5 млн.", "café Zürich naïve ²³ ½"],
)
def test_fast_count_equals_the_word_regex_on_tricky_text(text: str) -> None:
    assert count_words(text) == _reference(text)


def test_two_megabytes_of_text_are_counted_exactly() -> None:
    # Given a 2 MB English body (330,000 words) / When counted / Then the count is exact (its speed is a benchmark
    # figure, never a timed test: shared machines are noisy)
    text = ("The council voted on Monday to build a new tram line, costing $1,200,000 (U.S.) in all. " * 23000)
    assert count_words(text) == _reference(text) == 23000 * 16
