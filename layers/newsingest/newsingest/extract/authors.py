"""The article's authors (persons only) and the wire agency credited for the story.

:func:`extract_authors` — the first source that yields a person wins:

1. JSON-LD ``author`` (then ``creator``) of the article node. Typed ``Person``: kept even when the name is the
   site's (a personal blog); typed ``Organization``: not a person, dropped (a wire agency among them becomes the
   story's ``source``);
2. meta author keys (``author``, ``article:author_name``, ``article:author``, parsely/sailthru/dc creators, …; URLs
   are not names);
3. microdata ``itemprop=author`` (its ``itemprop=name``); a ``Person`` author box in an ``<aside>`` counts when the
   box is the article's own (not a card of another item, not a related/comment/sidebar container);
4. ``rel=author`` links and byline-class elements;
5. a ``By …`` line among the strings under the headline.

Everywhere but a typed ``Person``, the site's name (or one segment of "Site | Tagline") is the outlet, not a
person, and so is a one-word name that is a word of the site's name or domain. Elements in related lists,
sidebars, navigation, comments and footers are never read.

:func:`parse_authors` turns raw bylines into names:
``"By JANE DOE and John Roe, Staff Reporters (jane@example.com)"`` -> ``("Jane Doe", "John Roe")``.
Rules: "By"-style prefixes (other languages' "von"/"par"/"di" only where they cannot be a surname particle: "Mark
Di Stefano" stays whole), editor credits ("Edited by B", "Redaktion: B"), e-mails, URLs, handles, job titles
("Staff Reporter", "Correspondent") and trailing dates are removed; "and"/"&"/commas/semicolons split names;
ALL-CAPS names are title-cased; duplicates are dropped case-insensitively; organizations (news outlets, desks) and
wire agencies are not persons — an agency is reported separately so the caller can use it as the story's
``source``.

:func:`credit_in_text` / :func:`closing_credit`: the agency a story's text credits (datelines, closing credits).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from bs4.element import Tag

from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract.page_scan import PageSources, class_and_id, fold, short_text
from newsingest.extract.titles import site_names

_MAX_BYLINE_CHARS = 300  # a longer "byline" is a paragraph picked up by mistake


class Byline(NamedTuple):
    names: tuple[str, ...]
    agency: str | None  # a wire agency named in the byline ("By Reuters", "AP"), canonical spelling


class _Candidate(NamedTuple):
    value: str
    person: bool  # typed Person by the page (JSON-LD @type, microdata itemtype): never taken for the outlet


# ======================================================================================= the page's authors
def extract_authors(sources: PageSources, site_name: str | None) -> Byline:
    """The article's authors (see the module docstring) and any wire agency named where they are.

    ``site_name``: the site's name as chosen for the ``site_name`` field (:func:`titles.extract_site_name`).
    """
    # The site's name (or one segment of "Site | Tagline") as author is the outlet, not a person.
    sites = {fold(part) for part in p.TITLE_SEPARATORS.split(site_name or "") if part}
    # A one-word "author" that is a word of the site's name or its domain is the outlet ("Beachbody" on "The
    # Beachbody Blog").
    names = site_names(sources, site_name)  # the domain's label last
    site_words = {fold(word) for word in (site_name or "").split()} | {fold(name) for name in names[-1:]}
    site_words.discard("")
    ld_candidates, agency = _ld_authors(sources)
    named_like_site: list[str] = []
    for candidates in _author_sources(sources, ld_candidates):
        values = []
        for candidate in candidates:
            if candidate.value and fold(candidate.value) in sites:
                if candidate.person and _person_like(candidate.value):
                    named_like_site.append(candidate.value)  # a personal site: kept when nobody else is named
                continue
            if candidate.value:
                values.append(candidate.value)
        if not values:
            continue
        byline = parse_authors(values)
        agency = agency or byline.agency
        found = tuple(name for name in byline.names if " " in name or fold(name) not in site_words)
        if found:
            return Byline(found, agency)
    return Byline(parse_authors(named_like_site).names, agency)


def _person_like(name: str) -> bool:
    """A site name that can be a person's ("Wolfgang Schmale"), not an outlet's ("La Información", "KentNews")."""
    words = name.split()
    return len(words) >= 2 and not p.OUTLET_NAME.search(name) and not any(word.isupper() for word in words)


def _author_sources(sources: PageSources, ld_candidates: list[_Candidate]) -> Iterator[list[_Candidate]]:
    """Candidates per source, in precedence order (read lazily: the first source with a person wins)."""
    yield ld_candidates
    yield [_Candidate(v, False) for v in sources.meta_values(p.META_AUTHOR)
           if not v.startswith(("http://", "https://", "www."))]
    yield [_Candidate(_microdata_author(el), _is_person(el)) for el in sources.page.itemprops.get("author", ())
           if sources.usable(el) or _article_author_box(sources, el)]
    yield [_Candidate(text, False) for el in sources.page.bylines if sources.usable(el) and (text := short_text(el))]
    yield [_Candidate(text, False) for text in _header_bylines(sources)]


def _ld_authors(sources: PageSources) -> tuple[list[_Candidate], str | None]:
    out: list[_Candidate] = []
    agency: str | None = None
    for key in ("author", "creator"):
        value = sources.article.get(key)
        for item in value if isinstance(value, list) else [value]:
            item = sources.ld.resolve(item)
            if isinstance(item, str):
                if not item.startswith(("http://", "https://")):
                    out.append(_Candidate(html_lib.unescape(item), False))
            elif isinstance(item, dict):
                names = j.text_values(item.get("name"))
                types = j.types_of(item)
                if types & p.ORGANIZATION_TYPES:
                    # Organizations are not persons; a wire agency among them is the story's source.
                    agency = agency or next((agency_of(n) for n in names if agency_of(n)), None)
                    continue
                person = bool(types & p.PERSON_TYPES)
                out.extend(_Candidate(html_lib.unescape(name), person) for name in names)
        if out:
            break
    return out, agency


def _microdata_author(el: Tag) -> str:
    inner = el.find(None, {"itemprop": "name"})
    target = inner if isinstance(inner, Tag) else el
    return str(target.get("content") or short_text(target) or "")


def _is_person(el: Tag) -> bool:
    return bool(p.PERSON_ITEMTYPE.search(str(el.get("itemtype") or "")))


def _article_author_box(sources: PageSources, el: Tag) -> bool:
    """A ``Person`` author inside an ``<aside>`` author box that belongs to the article: the box is not inside an
    excluded container, no related/comment/sidebar class sits between it and the author, and the author's item is
    not a card of its own inside the box (a related story's author)."""
    if not _is_person(el):
        return False
    aside = el if el.name == "aside" else el.find_parent("aside")
    if aside is None or not isinstance(aside.parent, Tag) or not sources.usable(aside.parent):
        return False
    node: Tag | None = el
    while node is not None and node is not aside.parent:
        if node.attrs and p.EXCLUDED_CONTAINER.search(class_and_id(node.attrs)):
            return False
        if node is not el and node is not aside and node.has_attr("itemscope"):
            return False  # the author of some other item printed in the box
        node = node.parent
    return True


def _header_bylines(sources: PageSources) -> list[str]:
    lines = sources.header_lines()
    for text, parent in lines[sources.headline_index(lines) + 1 :]:
        if len(text) < 120 and p.BYLINE_LINE.match(text) and sources.usable(parent):
            return [text]
    return []


# ======================================================================================= bylines -> names


def parse_authors(values: Iterable[str]) -> Byline:
    """Person names (and any wire agency) in raw byline strings, in order, de-duplicated."""
    names: list[str] = []
    seen: set[str] = set()
    agency: str | None = None
    for raw in values:
        if not isinstance(raw, str) or len(raw) > _MAX_BYLINE_CHARS or _is_sentence(raw):
            continue
        found_here: list[str] = []
        phrase = False  # a piece was a phrase: the one-word pieces next to it are its fragments
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
            elif len(piece.split()) > 1 and _is_phrase(piece.split()):
                phrase = True
        # Next to a full name, a one-word piece is an affiliation, not a co-author: "Jane Doe, Calif.",
        # "Victor Tangermann, Futurism" (a place or the outlet the story came from).
        if phrase or any(len(name.split()) >= 2 for name in found_here):
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
    """ "Kevin McCoy USA TODAY" next to "Kevin McCoy" is the same person with the outlet glued on: keep the short
    one."""
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
    text = p.EDITOR_CREDIT.sub(" ; ", raw)  # "Written by A / Edited by B": B edited the story, A wrote it
    text = p.EMAIL.sub(" ", text)
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
    if _is_phrase(words):
        return False
    # A lone lower-case word ("admin", "desk"), an all-caps token ("CNN", "KWCHCIK": call signs, handles) or a
    # US state abbreviation ("Calif.", from a dateline) is not a person's name.
    if len(words) == 1 and (text.islower() or text.isupper() or text.rstrip(".").casefold() in p.US_STATE_NAMES):
        return False
    # Initials come before the surname: a trailing lone capital ("Science X") is a brand.
    if len(words) >= 2 and len(words[-1]) == 1 and words[-1].isupper():
        return False
    return text[0].isupper() or not text[0].isalpha()


def _is_phrase(words: list[str]) -> bool:
    """Words of a phrase, not a name: a lower-case word that is no surname particle ("Zum Profil von jesusfreak",
    "Veröffentlicht am", "Bundesministerium für Wirtschaft"); two words may end in a lower-case surname
    ("Mobasir hassan")."""
    for index, word in enumerate(words):
        if not word[:1].islower() or word.casefold() in p.NAME_PARTICLES:
            continue
        if word.casefold().startswith(("al-", "el-", "d'", "l'")):
            continue
        if len(words) == 2 and index == 1 and len(word) > 3:
            continue
        return True
    return False


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


def _title_case(text: str) -> str:
    """ "JANE O'NEIL-DOE" -> "Jane O'Neil-Doe", "J.R. SMITH" -> "J.R. Smith"; particles stay lower case
    ("VAN DER BERG" -> "van der Berg")."""
    particles = {"van", "von", "der", "den", "de", "da", "del", "di", "la", "le", "du", "bin", "al"}
    words = []
    for index, word in enumerate(text.lower().split()):
        if index and word in particles:
            words.append(word)
            continue
        words.append(_WORD_START.sub(lambda match: match[0].upper(), word))
    return " ".join(words)


_WORD_START = re.compile(r"(?:^|(?<=[-'’.]))\w")  # the first letter of a word and of each part after - ' ’ .


# ======================================================================================= agency credits in the text
def credit_in_text(text: str) -> str | None:
    """The wire agency a story credits at its start (dateline) or end ("(Yonhap)", "— Reuters"), or None."""
    if not text:
        return None
    head = text.lstrip()[: p.CREDIT_SCAN_CHARS]
    # The dateline opens the story, possibly after a short byline or kicker line the body kept.
    for line in head.split("\n")[:4]:
        found = _dateline_agency(line.strip())
        if found:
            return found
    return _trailer_credit(text)


def closing_credit(lines: Sequence[str]) -> str | None:
    """The agency credited by one of the lines that closed the story (nearest first), or None."""
    for line in lines[:8]:
        if p.MEDIA_CREDIT_LINE.search(line):
            continue  # "Photo: AP-Yonhap" credits a picture, not the story
        found = _trailer_credit(line)
        if found:
            return found
    return None


def _trailer_credit(text: str) -> str | None:
    """A credit at the very end of ``text``: "(Yonhap)", "— Reuters", a last line "AP", "(Reporting by …)", "©…"."""
    tail = text.rstrip()[-p.CREDIT_SCAN_CHARS :]
    for pattern in (p.CREDIT_TRAILER_PAREN, p.CREDIT_TRAILER_DASH, p.CREDIT_TRAILER_LINE):
        match = pattern.search(tail)
        found = agency_in_credit(match[1]) if match else None
        if found:
            return found
    if p.CREDIT_REPORTING_BY.search(tail):
        return "Reuters"
    match = p.CREDIT_COPYRIGHT.search(tail)
    return agency_of(match[1]) if match else None


def _dateline_agency(line: str) -> str | None:
    match = p.CREDIT_DATELINE.match(line)
    if match:
        return agency_in_credit(match[1])
    match = p.CREDIT_CHINESE_DATELINE.match(line)
    if match:
        return agency_of(match[1])
    match = p.CREDIT_CJK_DATELINE.match(line)
    if match:
        # "(서울=연합뉴스)", "【ソウル共同】": the agency closes the bracket, after the place.
        inner = match[1].replace("＝", "=").split("=")[-1].strip()
        found = agency_of(inner)
        if found:
            return found
        for spelling in p.AGENCY_CJK_SPELLINGS:
            if inner.endswith(spelling):
                return p.AGENCY_BY_EXACT[spelling]
    return None
