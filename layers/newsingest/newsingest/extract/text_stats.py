"""Text statistics that stay meaningful for CJK scripts (pure, cheap)."""

from __future__ import annotations

import re

# Han ideographs and Japanese kana carry roughly one word of meaning per character and are written without
# spaces, so each one counts as a word; Hangul is written with spaces between eojeol, so a Hangul run counts as
# one word like a Latin word does.
_WORD = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"  # Han: one word per character
    r"|[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]"  # Kana: one word per character
    r"|[^\W\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f_]+"
    r"(?:['\u2019.\-][^\W\u3040-\u30ff\u3400-\u9fff_]+|,\d{3}(?!\d))*"  # other letters/digits incl. Hangul; "28,500" is one
)


def count_words(text: str) -> int:
    """Words in ``text``: Latin/Hangul/etc. runs count once, each Han or Kana character counts once."""
    if not text:
        return 0
    return sum(1 for _ in _WORD.finditer(text))
