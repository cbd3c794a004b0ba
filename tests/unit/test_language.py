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


# ------------------------------------------------------------------------------------------- the fast script count
# The oracle is Unicode's own character names, not a copy of the classifier's code-point ranges (a copied range
# table would agree with a wrong range).
_SCRIPT_BY_NAME = (("HANGUL", "hangul"), ("HIRAGANA", "kana"), ("KATAKANA", "kana"), ("CJK", "han"),
                   ("LATIN", "latin"), ("THAI", "thai"), ("GREEK", "greek"), ("HEBREW", "hebrew"),
                   ("GEORGIAN", "georgian"), ("ARMENIAN", "armenian"))


def _script_of(ch: str) -> str:
    import unicodedata

    name = unicodedata.name(ch, "")
    return next((script for prefix, script in _SCRIPT_BY_NAME if name.startswith(prefix)), "other")


def _reference_counts(text: str) -> dict[str, int]:
    """What script_counts must give: every letter of the sample counted under its Unicode script name."""
    from newsingest.extract.patterns import LANGUAGE_SAMPLE_CHARS

    counts = dict.fromkeys(("hangul", "kana", "han", "latin", "thai", "greek", "hebrew", "georgian", "armenian",
                            "other"), 0)
    for ch in text[:LANGUAGE_SAMPLE_CHARS]:
        if ch.isalpha():
            counts[_script_of(ch)] += 1
    return counts


def test_the_oracle_names_each_script() -> None:
    assert [_script_of(ch) for ch in "한き東aΩ\u0e01אაԱъ"] == [
        "hangul", "kana", "han", "latin", "greek", "thai", "hebrew", "georgian", "armenian", "other"]


@given(st.text(alphabet="aZ9 _é²ß東き・ー한ъΩ\u0e01\x00\x7f\u3099", max_size=60))
def test_script_counts_bulk_ascii_path_changes_no_count(text: str) -> None:
    # Given any mix of ASCII and other scripts / When counted / Then the counts are the per-character ones
    from newsingest.extract.language import script_counts

    assert script_counts(text) == _reference_counts(text)


def test_script_counts_of_long_mixed_text_use_only_the_sample() -> None:
    from newsingest.extract.language import script_counts

    text = "서울 도심 집회 Seoul rally " * 400
    assert script_counts(text) == _reference_counts(text)
