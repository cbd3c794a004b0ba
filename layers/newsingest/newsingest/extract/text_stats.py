"""Text statistics that stay meaningful for CJK scripts (pure, cheap)."""

from __future__ import annotations

import re

# Han ideographs and Japanese kana carry roughly one word of meaning per character and are written without
# spaces, so each one counts as a word; Hangul is written with spaces between eojeol, so a Hangul run counts as
# one word like a Latin word does.
#
# The definition of a word, as one regex: a Han or Kana character, or a run of other letters/digits (Hangul
# included) joined by single apostrophes, periods or hyphens ("don't", "U.S", "e-mail") and thousands groups
# ("28,500"). ``count_words`` gives exactly its number of matches.
WORD = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"  # Han: one word per character
    r"|[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]"  # Kana: one word per character
    r"|[^\W\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f_]+"
    # other letters/digits incl. Hangul; "28,500" is one
    r"(?:['\u2019.\-][^\W\u3040-\u30ff\u3400-\u9fff_]+|,\d{3}(?!\d))*"
)
_WORD = WORD

# Fast path for text in Latin-1 once typographic punctuation is mapped (English and Western European bodies):
# one bytes.translate to character classes (a letter, d digit, j joiner, "," comma, " " anything else), then
# C-level counts, instead of one regex match per word (a 2 MB body holds 300,000 words). Words are the runs of
# letters/digits, minus the joins that keep a word whole: a single joiner between two of them, and a thousands
# comma (a letter/digit, ",", three digits, then no letter/digit).
_TYPOGRAPHY = (("\u2019", "'"), ("\u2018", " "), ("\u201c", " "), ("\u201d", " "), ("\u2014", " "), ("\u2013", " "),
               ("\u2026", " "), ("\u2022", " "), ("\u200b", " "), ("\u2009", " "), ("\u202f", " "))


def _class_of(code: int) -> bytes:
    char = chr(code)
    if char in "'.-":
        return b"j"
    if char == ",":
        return b","
    if re.match(r"\d", char):
        return b"d"
    return b"a" if re.match(r"[^\W_]", char) else b" "


# Only the ranges no word run can absorb (compatibility ideographs, halfwidth and small kana and supplementary
# ideographs can, after a joiner: the regex handles those texts).
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")
_CLASSES = b"".join(_class_of(code) for code in range(256))
_RUN_STARTS = (b" a", b" d", b"ja", b"jd", b",a", b",d")
_JOIN = re.compile(rb"j(?<=[ad]j)(?=[ad])")
_THOUSANDS = re.compile(rb",(?<=[ad],)(?=ddd(?![ad]))")


def count_words(text: str) -> int:
    """Words in ``text``: Latin/Hangul/etc. runs count once, each Han or Kana character counts once."""
    if not text:
        return 0
    if not text.isascii():
        for char, replacement in _TYPOGRAPHY:
            if char in text:
                text = text.replace(char, replacement)
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            if not _CJK_RUN.search(text, 0, 2_000):  # Korean, Cyrillic, Greek…: the regex itself
                return sum(1 for _ in WORD.finditer(text))
            # Han and Kana runs: counted by length (one word a character) and blanked (they never join a word).
            blanked, runs = _CJK_RUN.subn(" ", text)
            cjk = len(text) - len(blanked) + runs
            try:
                data = blanked.encode("latin-1")
            except UnicodeEncodeError:
                return cjk + sum(1 for _ in WORD.finditer(blanked))  # other scripts: the regex itself
            return cjk + _count_latin1(data)
    else:
        data = text.encode("ascii")
    return _count_latin1(data)


def _count_latin1(data: bytes) -> int:
    classes = data.translate(_CLASSES)
    runs = sum(classes.count(start) for start in _RUN_STARTS) + (classes[:1] in (b"a", b"d"))
    joins = len(_JOIN.findall(classes)) if b"j" in classes else 0
    if b"," in classes:
        joins += len(_THOUSANDS.findall(classes))
    return runs - joins
