"""Language tags normalized to BCP 47; script-based guesses only for scripts that tell."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.extract.language import language_from_text, normalize_language


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ko_KR", "ko-KR"),
        ("EN-us", "en-US"),
        ("zh-hans-cn", "zh-Hans-CN"),
        ("zh_TW", "zh-TW"),
        ("es-419", "es-419"),
        ("English", "en"),
        ("kor", "ko"),
        ("en-US,en;q=0.9", "en-US"),
        ("x-default", None),
        ("und", None),
        ("", None),
        ("12", None),
        (None, None),
    ],
)
def test_normalize_language(raw: str | None, expected: str | None) -> None:
    assert normalize_language(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("서울 시청에서 시민들이 만났다고 밝혔다", "ko"),
        ("東京都に行きましたが、雨が降っていました", "ja"),
        ("这是中国的经济问题，我们说过了", "zh-Hans"),
        ("這是中國的經濟問題，我們說過了", "zh-Hant"),
        ("Ο καιρός σήμερα είναι καλός στην Αθήνα", "el"),
        ("Plain English text says nothing about its language by script alone", None),
        ("짧다", None),  # too little text to tell
    ],
)
def test_language_from_text(text: str, expected: str | None) -> None:
    assert language_from_text(text) == expected


@given(st.text(max_size=200))
def test_never_raises(value: str) -> None:
    normalize_language(value)
    language_from_text(value)
