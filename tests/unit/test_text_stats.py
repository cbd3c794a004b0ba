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
def test_never_raises(text: str) -> None:
    assert count_words(text) >= 0
