"""Language tags: normalization to BCP 47 and a script-based guess for texts no tag describes.

``normalize_language("ko_KR")`` -> ``"ko-KR"``, ``"EN-us"`` -> ``"en-US"``, ``"zh-hans-cn"`` -> ``"zh-Hans-CN"``,
``"English"`` -> ``"en"``, ``"x-default"``/``"und"``/garbage -> None.

``language_from_text`` only answers for scripts that name their language (or family) unambiguously: Hangul -> ``ko``,
Kana -> ``ja``, Han alone -> ``zh`` (``zh-Hans``/``zh-Hant`` when the characters tell), Thai, Greek, Hebrew, Georgian,
Armenian. Latin or Cyrillic text -> None: a script guess there would be a coin toss between many languages.
"""

from __future__ import annotations

import re

from newsingest.extract import patterns as p

CJK_LANGUAGES = frozenset(("ko", "ja", "zh"))


def normalize_language(value: str | None) -> str | None:
    """``value`` as a BCP 47 tag with canonical casing, or None when it is not a language tag."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().split(",")[0].split(";")[0].strip()  # "en-US,en;q=0.9" -> "en-US"
    if not text:
        return None
    named = p.LANGUAGE_NAMES.get(text.lower())
    if named:
        return named
    if text.lower() in p.NON_LANGUAGES or not p.LANGUAGE_TAG.match(text):
        return None
    subtags = text.replace("_", "-").split("-")
    language = p.LANGUAGE_ALIASES.get(subtags[0].lower(), subtags[0].lower())
    if language in p.NON_LANGUAGES:
        return None
    out = [language]
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())  # script: Hans, Hant, Latn
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            out.append(subtag.upper())  # region: KR, US, 419
        else:
            out.append(subtag.lower())  # variants and extensions
    return "-".join(out)


def primary_language(tag: str | None) -> str | None:
    """``"ko-KR"`` -> ``"ko"``."""
    return tag.split("-", 1)[0] if tag else None


def language_from_text(text: str) -> str | None:
    """A language guessed from the writing system of ``text`` (first few thousand characters), or None."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if letters < 10:
        return None
    hangul, kana, han = counts["hangul"], counts["kana"], counts["han"]
    cjk = hangul + kana + han
    if cjk * 2 >= letters:
        if hangul >= kana and hangul * 3 >= cjk:
            return "ko"
        if kana * 10 >= cjk:  # Japanese mixes kana into Han text; Chinese has none
            return "ja"
        if hangul:
            return "ko"
        return _chinese_variant(text)
    for script, language in (("thai", "th"), ("greek", "el"), ("hebrew", "he"), ("georgian", "ka"),
                             ("armenian", "hy")):
        if counts[script] * 2 >= letters:
            return language
    return None


def dominant_cjk(text: str) -> str | None:
    """``ko``/``ja``/``zh`` when most letters of ``text`` are of that script family, else None."""
    guess = language_from_text(text)
    return primary_language(guess) if primary_language(guess) in CJK_LANGUAGES else None


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII_NON_LETTERS = bytes(code for code in range(128) if code not in _ASCII_LETTERS)
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


def script_counts(text: str) -> dict[str, int]:
    """Letters of each script in the first ``LANGUAGE_SAMPLE_CHARS`` characters (ASCII letters counted in bulk)."""
    counts = dict.fromkeys(("hangul", "kana", "han", "latin", "thai", "greek", "hebrew", "georgian", "armenian",
                            "other"), 0)
    sample = text[: p.LANGUAGE_SAMPLE_CHARS]
    # ASCII letters are Latin; only the other characters go through the per-character loop below.
    counts["latin"] = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    if sample.isascii():
        return counts
    for ch in _ASCII_RUN.sub("", sample):
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            counts["hangul"] += 1
        elif 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            counts["kana"] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000:
            counts["han"] += 1
        elif code < 0x250:
            counts["latin"] += 1
        elif 0x0E00 <= code <= 0x0E7F:
            counts["thai"] += 1
        elif 0x0370 <= code <= 0x03FF:
            counts["greek"] += 1
        elif 0x0590 <= code <= 0x05FF:
            counts["hebrew"] += 1
        elif 0x10A0 <= code <= 0x10FF:
            counts["georgian"] += 1
        elif 0x0530 <= code <= 0x058F:
            counts["armenian"] += 1
        else:
            counts["other"] += 1
    return counts


def _chinese_variant(text: str) -> str:
    sample = text[: p.LANGUAGE_SAMPLE_CHARS]
    simplified = sum(1 for ch in sample if ch in p.HAN_SIMPLIFIED)
    traditional = sum(1 for ch in sample if ch in p.HAN_TRADITIONAL)
    if simplified > traditional * 2:
        return "zh-Hans"
    if traditional > simplified * 2:
        return "zh-Hant"
    return "zh"
