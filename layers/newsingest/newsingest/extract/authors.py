"""Bylines -> person names.

``"By JANE DOE and John Roe, Staff Reporters (jane@example.com)"`` -> ``("Jane Doe", "John Roe")``.
Rules: "By"-style prefixes, e-mails, URLs, handles, job titles ("Staff Reporter", "Correspondent") and trailing
dates are removed; "and"/"&"/commas/semicolons split names; ALL-CAPS names are title-cased; duplicates are dropped
case-insensitively; organizations (news outlets, desks) and wire agencies are not persons — an agency is reported
separately so the caller can use it as the story's ``source``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from newsingest.extract import patterns as p

_MAX_BYLINE_CHARS = 300  # a longer "byline" is a paragraph picked up by mistake


class Byline(NamedTuple):
    names: tuple[str, ...]
    agency: str | None  # a wire agency named in the byline ("By Reuters", "AP"), canonical spelling


def parse_authors(values: Iterable[str]) -> Byline:
    """Person names (and any wire agency) in raw byline strings, in order, de-duplicated."""
    names: list[str] = []
    seen: set[str] = set()
    agency: str | None = None
    for raw in values:
        if not isinstance(raw, str) or len(raw) > _MAX_BYLINE_CHARS or _is_sentence(raw):
            continue
        found_here: list[str] = []
        for piece in _pieces(raw):
            found = agency_of(piece)
            if found:
                agency = agency or found
                continue
            piece, found = _strip_outlet_suffix(piece)
            agency = agency or found
            name = _clean_name(piece)
            if name:
                found_here.append(name)
        # Next to a full name, a one-word piece is an affiliation, not a co-author: "Jane Doe, Calif.",
        # "Victor Tangermann, Futurism" (a place or the outlet the story came from).
        if any(len(name.split()) >= 2 for name in found_here):
            found_here = [name for name in found_here if len(name.split()) >= 2]
        for name in found_here:
            if name.casefold() not in seen and len(names) < p.MAX_AUTHORS:
                seen.add(name.casefold())
                names.append(name)
    return Byline(_drop_extended(names), agency)


def _is_sentence(raw: str) -> bool:
    """A line of story text picked up as a byline ("by the Orange County, Calif., sheriff's office in …")."""
    text = raw.strip()
    return len(text.split()) > p.BYLINE_SENTENCE_WORDS and text.endswith((".", "!", "?"))


def _drop_extended(names: list[str]) -> tuple[str, ...]:
    """ "Kevin McCoy USA TODAY" next to "Kevin McCoy" is the same person with the outlet glued on: keep the short one."""
    folded = [name.casefold().split() for name in names]
    keep = []
    for index, words in enumerate(folded):
        extended = any(other != words and len(other) < len(words) and words[: len(other)] == other for other in folded)
        if not extended:
            keep.append(names[index])
    return tuple(keep)


def clean_authors(values: Iterable[str]) -> tuple[str, ...]:
    """Person names only (see :func:`parse_authors`)."""
    return parse_authors(values).names


def agency_of(value: str) -> str | None:
    """The canonical name of a wire agency when ``value`` is one ("The Associated Press" -> "AP"), else None.

    Short spellings must match in their own case ("AP", "dpa"); long ones in any case ("REUTERS").
    """
    text = " ".join(value.split()).strip(" .,-–—()")
    for candidate in (text, text.removeprefix("The ").removeprefix("the ")):
        if candidate in p.AGENCY_BY_EXACT:
            return p.AGENCY_BY_EXACT[candidate]
        if len(candidate) >= p.AGENCY_CASE_FREE_MIN_CHARS:
            found = p.AGENCY_BY_SPELLING.get(candidate.lower())
            if found:
                return found
    return None


def agency_in_credit(value: str) -> str | None:
    """The first agency of a combined credit ("AP-Yonhap" -> "AP", "AFP via Getty Images" -> "AFP"), else None."""
    for part in p.AGENCY_COMBINATION.split(value.strip()):
        found = agency_of(part)
        if found:
            return found
    return None


def _strip_outlet_suffix(piece: str) -> tuple[str, str | None]:
    """ "Zeke Miller Associated Press" -> ("Zeke Miller", "AP"); "Jane Doe USA TODAY" -> ("Jane Doe", None).

    Bylines glue the outlet to the name without a comma: an agency spelling ending the piece, or an ALL-CAPS tail
    after a mixed-case name, is cut off.
    """
    words = piece.split()
    for size in range(min(4, len(words) - 1), 0, -1):
        found = agency_of(" ".join(words[-size:]))
        if found and len(words) - size >= 2:
            return " ".join(words[:-size]), found
    caps_tail = 0
    while caps_tail < len(words) and words[len(words) - 1 - caps_tail].isupper():
        caps_tail += 1
    head = words[: len(words) - caps_tail]
    if caps_tail and len(head) >= 2 and not any(word.isupper() for word in head):
        return " ".join(head), None
    return piece, None


def _pieces(raw: str) -> list[str]:
    text = p.EMAIL.sub(" ", raw)
    text = p.URL_LIKE.sub(" ", text)
    text = " ".join(text.replace("\xa0", " ").split())
    text = p.BYLINE_PREFIX.sub("", text)
    text = p.AUTHOR_TRAILING_DATE.sub("", text)
    text = p.AUTHOR_PERIOD_SPLIT.sub(", ", text)  # "Finian Cunningham. Sputnik International"
    return [piece for piece in p.AUTHOR_SPLIT.split(text) if piece and piece.strip()]


def _clean_name(piece: str) -> str | None:
    if p.AUTHOR_DESK_SUFFIX.search(piece):
        return None  # "Science X staff", "Metro team": a desk, not a person
    text = p.BYLINE_PREFIX.sub("", piece.strip())
    text = p.AUTHOR_CJK_SUFFIX.sub("", text)
    text = p.AUTHOR_NOISE.sub(" ", text)
    text = " ".join(text.split()).strip(" .,:;-–—()[]|/\"'")
    if text.casefold() in ("by", "and", "with"):
        return None
    if not text or not _looks_like_person(text):
        return None
    if text.isupper() and sum(ch.isalpha() for ch in text) > 1:
        text = _title_case(text)
    return text


def _looks_like_person(text: str) -> bool:
    if text.casefold() in p.NON_PERSON_AUTHORS:
        return False
    if any(ch.isdigit() for ch in text) or not any(ch.isalpha() for ch in text):
        return False
    if p.ORGANIZATION_WORDS.search(text):
        return False
    words = text.split()
    if any(word in p.AUTHOR_SENTENCE_WORDS for word in words):
        return False
    if _is_cjk(text):
        return 2 <= len(text.replace(" ", "")) <= 12
    if len(words) > p.MAX_AUTHOR_WORDS:
        return False
    # A lone lower-case word ("admin", "desk"), an all-caps token ("CNN", "KWCHCIK": call signs, handles) or a
    # US state abbreviation ("Calif.", from a dateline) is not a person's name.
    if len(words) == 1 and (text.islower() or text.isupper() or text.rstrip(".").casefold() in p.US_STATE_NAMES):
        return False
    # Initials come before the surname: a trailing lone capital ("Science X") is a brand.
    if len(words) >= 2 and len(words[-1]) == 1 and words[-1].isupper():
        return False
    return text[0].isupper() or not text[0].isalpha()


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


def _title_case(text: str) -> str:
    """ "JANE O'NEIL-DOE" -> "Jane O'Neil-Doe"; particles stay lower case ("VAN DER BERG" -> "van der Berg")."""
    particles = {"van", "von", "der", "den", "de", "da", "del", "di", "la", "le", "du", "bin", "al"}
    words = []
    for index, word in enumerate(text.lower().split()):
        if index and word in particles:
            words.append(word)
            continue
        words.append("-".join("'".join(part[:1].upper() + part[1:] for part in chunk.split("'"))
                              for chunk in word.split("-")))
    return " ".join(words)
