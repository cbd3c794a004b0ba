"""Publication and modification dates: every date candidate on the page, scored by where it stands and what labels it.

One public function per field: :func:`extract_published` and :func:`extract_modified` (both take the
:class:`DateSources` that the page scan in ``metadata.py`` collected, and return a :class:`DateResult`). The
candidates and their precedence are all in this module.

Candidate model
---------------
A :class:`DateCandidate` is one date the page states: its ``iso`` value (see ``dates.py``: offsets kept, never
invented), its ``kind`` (``published`` or ``modified``, decided by the key or label that says so: ``Updated : …``
is never taken as published), its ``source`` (``jsonld``, ``meta``, ``time``, ``date_line``), its ``label`` (the
key, class or word that labelled it), its ``position`` (document order; metadata comes first, at -1) and a
``score``.

Scoring (higher wins; ties go to the candidate that comes first in the document):

========================================================================================  =====
candidate                                                                                  score
========================================================================================  =====
JSON-LD article node ``datePublished`` / ``dateModified``                                  100
JSON-LD article node ``dateCreated``                                                        95
``<meta>`` published/modified keys (article:published_time, og:updated_time…)               90
microdata ``itemprop=datePublished`` (any element outside furniture)                        88
``<time pubdate>``, a ``<time>``/hAtom ``abbr``/``span[title]`` whose class says published   85
a visible date with a label word (``Posted``, ``Veröffentlicht``, ``Publié le``, ``입력``…)   80
a visible date in an element whose class says published/created/submitted/entry-date        75
another ``<meta>`` whose key says published/created/uploaded/date                           70
a ``<time>`` inside the article                                                             70
a generic date ``<meta>`` (``date``, ``dc.date``, ``dcterms.date``, ``timestamp``)          68
a visible date in an element whose class says date/time/meta/byline                         60
a ``<time>`` elsewhere (not in furniture)                                                   60
JSON-LD ``datePublished``/``uploadDate`` of another typed node (HowTo, VideoObject…)        56
an unlabelled date (a date and at most 8 words) just under the headline (-5 just above)     55
JSON-LD ``WebPage`` node ``datePublished``                                                  52
a date the ``<title>`` or the headline starts or ends with                                  51
========================================================================================  =====

Adjustments: +5 inside the article; -10 more than :data:`_FAR` elements after the headline; -10 in a container
``metadata._context`` calls furniture that is not certainly furniture for a date (a class far up the tree, often a
page-wide wrapper, or a date element the pre-clean kept out of a dropped region), waived when the headline itself
sits there; dropped in furniture tags (aside, nav, footer…) and under comment/related/most-read/ticker classes
within six ancestors; -15 and at most 52 for dates repeated under one label on three or more days (a list);
+12 (at most 88) when the day is the URL's day. Unlabelled text away from the headline is not a candidate at all
(a date quoted in the story is not its publication date). Candidates below :data:`_MIN_SCORE` never win.

After the winner is chosen:

* **precision is added, never the day changed**: a date-only winner takes the time of a lower candidate of the same
  day, a naive one the offset of a candidate with the same wall clock (``dates.refine``);
* **the page's own offset**: a UTC winner (``…T01:18:13Z``) is restated in the publisher's zone when another
  candidate shows it (``…T17:18:13-08:00`` the day before; see :func:`_in_page_offset`), since the page's local day
  is the publication day its readers see;
* **day-first or month-first**: ambiguous numeric dates (``02/10/2020``) are read by the page's language and
  territory (``<html lang>``, content-language, ``og:locale``): month-first for US English (and English without a
  territory), day-first elsewhere;
* **fallbacks** (:func:`extract_published`): no published candidate -> the modified date (``date_source``
  ``modified``), then the URL's date (the fetched URL, else the canonical link; ``url``, a date without a time),
  then the first short text in the document that is a whole date, outside furniture (``date_line``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bs4.element import NavigableString, Tag

from newsingest.extract import dates as d
from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p

PUBLISHED, MODIFIED = "published", "modified"

_MIN_SCORE = 50
_URL_AGREES = 12  # bonus of a candidate whose day is the day in the page's URL
_MIN_LOCAL_SCORE = 55  # a candidate that tells the publisher's local day of a UTC winner scores at least this
_LOCAL_ZONE_HOURS = 8  # a visible date-only day tells a UTC winner's local day within UTC-8..UTC+8
_LIST_PENALTY = 15  # dates repeated under one label with three or more days: a list of other items...
_LIST_CAP = 52  # ...which never outranks a header date, and wins only when nothing else dates the page
# Distances are counted in elements of the document (the scan's position), from the main headline.
_FAR = 400  # elements after the headline: beyond this, a date is far from the article's header
_HEADER_AFTER = 40  # elements after the headline where an unlabelled date is the article's
_HEADER_BEFORE = 15  # elements before the headline likewise (a date line above the headline)
_MAX_TEXT = 200  # characters: a longer text node is a paragraph, not a date line
_MAX_UNLABELLED = 60
_MAX_LAST_RESORT = 40  # characters of a text node the last resort reads as a date
_MAX_UNLABELLED_WORDS = 8  # an unlabelled date line is a date and a few words, not a sentence quoting one
_EXCLUDED_PENALTY = 10  # a date in a container metadata.py calls furniture, but not certainly furniture for dates
_FURNITURE_DEPTH = 6  # ancestors whose class may say comments/related/teasers for a date

# Scores (see the module docstring's table).
_S_LD = 100
_S_LD_CREATED = 95
_S_META = 90
_S_ITEMPROP = 88
_S_TIME_PUBDATE = 85
_S_LABEL_WORD = 80
_S_CLASS_STRONG = 75
_S_TIME_ARTICLE = 70
_S_CLASS_WEAK = 60
_S_HEADER = 55
_S_TIME = 60
_S_LD_PAGE = 52
_S_LD_OTHER = 56
_S_META_OTHER = 70
_S_META_GENERIC = 68
_S_TITLE = 51


@dataclass(frozen=True)
class DateCandidate:
    """One date the page states, with where it came from and how much it is trusted."""

    iso: str
    kind: str  # PUBLISHED | MODIFIED
    source: str  # jsonld | meta | time | date_line
    label: str
    position: int
    score: int


@dataclass(frozen=True)
class DateResult:
    iso: str | None = None
    source: str | None = None  # jsonld | meta | time | date_line | modified | url | script


@dataclass
class DateSources:
    """What the page scan collected for dates (built by ``metadata.py``; read-only here)."""

    ld_article: Mapping[str, Any] = field(default_factory=dict)
    ld_page: Mapping[str, Any] = field(default_factory=dict)
    ld_nodes: Sequence[Mapping[str, Any]] = ()  # every top-level JSON-LD node (a HowTo's, a VideoObject's dates)
    metas: Mapping[str, Sequence[str]] = field(default_factory=dict)
    itemprops: Mapping[str, Sequence[Tag]] = field(default_factory=dict)
    times: Sequence[Tag] = ()
    strings: Sequence[tuple[int, NavigableString]] = ()  # (position, text node holding a year)
    order: Mapping[int, int] = field(default_factory=dict)  # id(tag) -> position, for times and itemprops
    headline: int | None = None  # position of the main headline
    # The headline itself sits in a container the layout context excludes: that exclusion is a page-wide wrapper's,
    # and costs the page's dates nothing.
    headline_excluded: bool = False
    language: str | None = None
    url: str | None = None  # the fetched URL, else the page's canonical URL (the URL-date fallback)
    titles: Sequence[str] = ()  # the <title> and the headline's text (a date they start or end with)
    context: Callable[[Tag], str] = lambda el: "neutral"  # "excluded" | "article" | "neutral"
    # Last resorts, computed only for a page nothing else dates: its lead image's URL, its scripts' state.
    lead_image: Callable[[], str | None] = lambda: None
    headline_link: str | None = None  # the href of the headline's own link (a permalink may carry the day)
    markup: str | None = None  # the page as fetched (scripts included), for d.date_from_scripts
    _candidates: list[DateCandidate] | None = None


def extract_published(src: DateSources) -> DateResult:
    """The publication date, from the first of these that has one:

    1. the best published candidate (JSON-LD, meta, microdata, ``<time>``, visible date lines, the title);
    2. the best modified candidate (``modified``);
    3. the page's URL, else the URL its headline links to (``url``);
    4. the page's script state: a quoted ``published_at``/``createdAt``-like key (``script``);
    5. the lead image's URL: an image uploaded for the story carries its day (``url``);
    6. the first short text that is a whole date, outside furniture (``date_line``).
    """
    found = _best(src, PUBLISHED)
    if found.iso:
        return found
    modified = _best(src, MODIFIED)
    if modified.iso:
        return DateResult(modified.iso, "modified")
    from_url = d.date_from_url(src.url) or d.date_from_url(src.headline_link)
    if from_url:
        return DateResult(from_url, "url")
    from_scripts = d.date_from_scripts(src.markup)
    if from_scripts:
        return DateResult(from_scripts, "script")
    from_image = d.date_from_url(src.lead_image())
    if from_image:
        return DateResult(from_image, "url")
    return _first_short_date(src)


def _first_short_date(src: DateSources) -> DateResult:
    """The last resort (htmldate's "extensive search", kept narrow): the first short text in the document that is
    a whole date (day, month, year), outside furniture and lists and not a fragment of a sentence. Used only when
    nothing else dates the page."""
    dayfirst = is_dayfirst(src.language)
    for _position, node in src.strings:
        text = " ".join(node.split())
        if not text or len(text) > _MAX_LAST_RESORT or not isinstance(node.parent, Tag):
            continue
        iso = d.parse_date_to_iso(text, dayfirst=dayfirst)
        if iso and p.MODIFIED_LABEL.search(text) is None and not _inside_sentence(node.parent) \
                and _date_context(src, node.parent) != "furniture":
            return DateResult(iso, "date_line")
    return DateResult()


def extract_modified(src: DateSources) -> DateResult:
    """The last-modified date (its best candidate); None when only the publication date is known."""
    return _best(src, MODIFIED)


def candidates(src: DateSources) -> list[DateCandidate]:
    """Every date candidate of the page (both kinds), computed once per ``src``."""
    if src._candidates is None:
        dayfirst = is_dayfirst(src.language)
        found = [c for c in _all_candidates(src, dayfirst) if c.iso]
        url_day = d.date_from_url(src.url)
        if url_day:
            # The URL's day confirms the visible candidates that say it (a dated permalink is written at
            # publication); the page's own metadata keeps its order.
            found = [replace(c, score=min(c.score + _URL_AGREES, _S_META - 2))
                     if c.iso[:10] == url_day and c.score < _S_META - 2 else c for c in found]
        src._candidates = _penalize_lists(found)
    return src._candidates


def _penalize_lists(found: list[DateCandidate]) -> list[DateCandidate]:
    """Visible dates (``<time>``, date-classed text) under one label on three or more different days are a list
    (teasers, archives, forum posts the class names did not give away): each loses :data:`_LIST_PENALTY` and scores
    at most :data:`_LIST_CAP` (a list page's first item still dates it when nothing else does)."""
    days: dict[tuple[str, str], set[str]] = {}
    for c in found:
        if c.source in ("time", "date_line") and c.label != "label":
            days.setdefault((c.source, c.label), set()).add(c.iso[:10])
    listed = {key for key, seen in days.items() if len(seen) >= 3}
    if not listed:
        return found
    return [replace(c, score=min(c.score - _LIST_PENALTY, _LIST_CAP)) if (c.source, c.label) in listed else c
            for c in found]


def is_dayfirst(language: str | None) -> bool:
    """Whether ``02/10/2020`` is 2 October on a page in ``language`` (BCP 47): not in US English."""
    if not language:
        return False
    parts = language.replace("_", "-").split("-")
    primary = parts[0].lower()
    region = next((part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()), None)
    if primary == "en":
        return region not in (None, "US", "PH", "CA", "FM", "MH", "PW", "UM", "AS", "GU", "MP", "PR", "VI")
    return primary not in ("", "und")


# ----------------------------------------------------------------------------------------------- selection
def _best(src: DateSources, kind: str) -> DateResult:
    pool = [c for c in candidates(src) if c.kind == kind]
    if not pool:
        return DateResult()
    winner = max(pool, key=lambda c: (c.score, -c.position))
    if winner.score < _MIN_SCORE:
        return DateResult()
    if kind == PUBLISHED:
        winner = _shown_update(src, winner, pool)
    others = [c.iso for c in sorted(pool, key=lambda c: (-c.score, c.position)) if c is not winner]
    iso = winner.iso if d.has_offset(winner.iso) else d.refine(winner.iso, others)
    same_instant = [c for c in candidates(src) if c is not winner and (c.kind == kind or d.has_offset(c.iso))]
    iso = _in_page_offset(iso, same_instant)
    return DateResult(iso, winner.source)


def _shown_update(src: DateSources, winner: DateCandidate, pool: Sequence[DateCandidate]) -> DateCandidate:
    """The date the page shows under its headline, when it is the metadata's modified day and not its published day.

    A story updated and re-dated by its publisher keeps its first ``datePublished`` in the metadata, but the page
    shows readers only the update's day as its date (unlabelled, or as "Updated: …" / "Stand: …"): when every date
    printed around the headline is that one day, it is the day the page is dated by.
    """
    if winner.source not in ("jsonld", "meta"):
        return winner
    modified_days = {c.iso[:10] for c in candidates(src) if c.kind == MODIFIED and c.source in ("jsonld", "meta")}
    if not modified_days or winner.iso[:10] in modified_days:
        return winner
    shown = [c for c in candidates(src) if c.source in ("date_line", "time") and c.score >= _MIN_SCORE
             and _near_headline(src, c.position)]
    days = {c.iso[:10] for c in shown}
    if len(days) == 1 and days <= modified_days:
        return max(shown, key=lambda c: (c.score, -c.position))
    return winner


def _in_page_offset(iso: str, others: Sequence[DateCandidate]) -> str:
    """A UTC winner restated in the publisher's zone when another candidate shows it (the page's local day).

    * an aware candidate with another offset for the same instant -> that candidate's value;
    * the page's other aware dates all in one zone (a modified time at ``-08:00``) -> the instant in that zone, when
      it falls on another day;
    * a naive candidate whose wall clock is the same instant in a whole/half-hour zone within ±14 h (same minutes
      and seconds; ``sailthru.date`` 22:28:35 next to ``…T03:28:35Z``) -> the instant in that zone, when it falls
      on another day;
    * a visible date-only candidate one day off that the instant reaches in a zone within UTC±8 -> that day;
    * before those two, a naive candidate on the instant's own UTC clock (to the minute) -> the UTC day stands: the
      page shows its readers UTC.
    A winner with a clock and no zone is read by :func:`_naive_local_day`.
    """
    if not d.has_time(iso):
        return iso
    if not d.has_offset(iso):
        return _naive_local_day(iso, others)
    if not iso.endswith("+00:00"):
        return iso
    try:
        moment = dt.datetime.fromisoformat(iso)
        wall = moment.replace(tzinfo=None)
        for other in others:
            if d.has_offset(other.iso) and not other.iso.endswith("+00:00"):
                local = dt.datetime.fromisoformat(other.iso)
                if local == moment:
                    return local.isoformat(timespec="seconds")
        zones = {dt.datetime.fromisoformat(o.iso).utcoffset() for o in others
                 if d.has_offset(o.iso) and not o.iso.endswith("+00:00")}
        if len(zones) == 1:
            # The page states its zone elsewhere (one zone for all its other aware dates): the UTC instant there.
            local = moment.astimezone(dt.timezone(zones.pop()))  # type: ignore[arg-type]  # aware: utcoffset() is never None
            if local.date() != moment.date():
                return local.isoformat(timespec="seconds")
        for other in sorted(others, key=lambda c: (-c.score, c.position)):
            if other.score < _MIN_LOCAL_SCORE or d.has_offset(other.iso):
                continue
            if d.has_time(other.iso):
                shift = (dt.datetime.fromisoformat(other.iso) - wall).total_seconds()
                if abs(shift) < 60:  # the page shows this instant's UTC clock: its day is the UTC day
                    return iso
                if abs(shift) <= 14 * 3600 and shift % 1800 == 0:
                    local = moment.astimezone(dt.timezone(dt.timedelta(seconds=shift)))
                    if local.date() != moment.date():
                        return local.isoformat(timespec="seconds")
            elif other.source in ("date_line", "time") and _one_zone_away(wall, other.iso):
                return other.iso
    except ValueError:
        return iso
    return iso


def _naive_local_day(iso: str, others: Sequence[DateCandidate]) -> str:
    """A winner with a clock and no zone (often UTC written without its ``Z``) yields to the day the page shows
    under it: the best visible date-only candidate, when it is one day off within reach of a zone (UTC±8)."""
    try:
        wall = dt.datetime.fromisoformat(iso)
        for other in sorted(others, key=lambda c: (-c.score, c.position)):
            if other.score < _MIN_LOCAL_SCORE or other.source not in ("date_line", "time"):
                continue
            if d.has_time(other.iso):
                return iso  # the page shows a clock too: the winner's own reading stands
            return other.iso if _one_zone_away(wall, other.iso) else iso
    except ValueError:
        return iso
    return iso


def _one_zone_away(wall: dt.datetime, day_iso: str) -> bool:
    """Whether the date-only ``day_iso`` is another day than ``wall``'s that a zone within UTC±8 reaches."""
    day = dt.date.fromisoformat(day_iso)
    reach = dt.timedelta(hours=_LOCAL_ZONE_HOURS)
    return day != wall.date() and day in {(wall - reach).date(), (wall + reach).date()}


# ----------------------------------------------------------------------------------------------- candidates
def _all_candidates(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    yield from _jsonld(src, dayfirst)
    yield from _metas(src, dayfirst)
    yield from _other_metas(src, dayfirst)
    yield from _microdata(src, dayfirst)
    yield from _times(src, dayfirst)
    yield from _visible(src, dayfirst)
    yield from _titles(src, dayfirst)


def _titles(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    """A date the page's title or headline starts or ends with ("23.01.2022 - Wierer jubelt", "… vom 22.04.2020")."""
    for title in src.titles:
        for piece in (title[:24], title[-24:]):
            iso = d.parse_date_to_iso(piece, dayfirst=dayfirst) if _YEAR.search(piece) else None
            if iso:
                yield DateCandidate(iso, PUBLISHED, "date_line", "title", -1, _S_TITLE)
                return


def _candidate(value: Any, kind: str, source: str, label: str, position: int, score: int,
               dayfirst: bool) -> DateCandidate | None:
    iso = d.parse_date_to_iso(value, dayfirst=dayfirst)
    return DateCandidate(iso, kind, source, label, position, score) if iso else None


def _jsonld(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    specs = ((src.ld_article, "datePublished", PUBLISHED, _S_LD), (src.ld_article, "dateCreated", PUBLISHED,
             _S_LD_CREATED), (src.ld_article, "dateModified", MODIFIED, _S_LD),
             (src.ld_page, "datePublished", PUBLISHED, _S_LD_PAGE), (src.ld_page, "dateModified", MODIFIED,
                                                                     _S_LD_PAGE))
    for node, key, kind, score in specs:
        value = j.first_text(node.get(key), "@value") if node else None
        found = _candidate(value, kind, "jsonld", key, -1, score, dayfirst) if value else None
        if found:
            yield found
    for node in src.ld_nodes[:10]:
        if node is src.ld_article or node is src.ld_page or not isinstance(node, dict):
            continue
        for key, kind in (("datePublished", PUBLISHED), ("uploadDate", PUBLISHED), ("dateModified", MODIFIED)):
            value = j.first_text(node.get(key), "@value")
            found = _candidate(value, kind, "jsonld", "node:" + key, -1, _S_LD_OTHER, dayfirst) if value else None
            if found:
                yield found


def _metas(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    for keys, kind in ((p.META_PUBLISHED, PUBLISHED), (p.META_MODIFIED, MODIFIED)):
        for rank, key in enumerate(keys):
            for value in src.metas.get(key, ())[:1]:
                # Within the meta keys, their order is the precedence (article:published_time before "date").
                score = _S_META_GENERIC if key in p.META_GENERIC_DATES else _S_META - min(rank, 9) // 5
                found = _candidate(value, kind, "meta", key, -1, score, dayfirst)
                if found:
                    yield found


_KNOWN_META_KEYS = frozenset((*p.META_PUBLISHED, *p.META_MODIFIED))


def _other_metas(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    """``<meta>`` keys no list names but whose name says a date (``five_hundred_pixels:uploaded``, ``pub-date``)."""
    for key, values in list(src.metas.items())[:200]:
        if key in _KNOWN_META_KEYS or not p.META_DATE_KEY.search(key) or p.META_NOT_PUBLICATION.search(key):
            continue
        kind = MODIFIED if p.MODIFIED_MARKER.search(key) else PUBLISHED
        found = _candidate(values[0], kind, "meta", key, -1, _S_META_OTHER, dayfirst) if values else None
        if found:
            yield found


def _microdata(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    for prop, kind in (("datepublished", PUBLISHED), ("datecreated", PUBLISHED), ("datemodified", MODIFIED)):
        for el in src.itemprops.get(prop, ())[:5]:
            context = "neutral" if el.name == "meta" else _date_context(src, el)
            if el.name == "meta" or context == "furniture":
                continue
            value = el.get("content") or el.get("datetime") or _text(el)
            score = _S_ITEMPROP - (prop == "datecreated") + min(_context_bonus(context, src), 0)
            found = _candidate(value, kind, "meta", "itemprop=" + prop, src.order.get(id(el), 0), score,
                               dayfirst) if value else None
            if found:
                yield found


def _times(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    for el in src.times:
        value = el.get("datetime") or _text(el) if el.name == "time" else el.get("title") or _text(el)
        if not value:
            continue
        context = _date_context(src, el)
        if context == "furniture":
            continue
        marker = _marker(el) + " " + _marker(el.parent) if isinstance(el.parent, Tag) else _marker(el)
        # "Updated" may be said by the element's class/itemprop, its parent's class, its text or the words
        # printed just before it ("Updated <time>…</time>").
        words = (_text(el, 80) or "") if el.get("datetime") or el.get("title") else ""
        before = el.previous_sibling
        if type(before) is NavigableString:
            words += " " + str(before)[-40:]
        # hAtom's "entry-date updated" / "published updated" is the publication date: a published class wins.
        kind = MODIFIED if (p.MODIFIED_HINT.search(marker) and not p.PUBLISHED_MARKER.search(marker)) or \
            p.MODIFIED_LABEL.search(words) else PUBLISHED
        if el.name != "time" and not p.DATE_MARKER.search(marker):
            continue  # an abbreviation or a tooltip, not a date element
        if "pubdate" in el.attrs or p.PUBLISHED_MARKER.search(marker):
            score, label = _S_TIME_PUBDATE, "time[pubdate]"
        elif context == "article":
            score, label = _S_TIME_ARTICLE, "time"
        else:
            score, label = _S_TIME, "time"
        score += _distance_penalty(src, src.order.get(id(el))) + min(_context_bonus(context, src), 0)
        found = _candidate(str(value), kind, "time", label, src.order.get(id(el), 0), score, dayfirst)
        if found:
            yield found


def _visible(src: DateSources, dayfirst: bool) -> Iterator[DateCandidate]:
    """Dates printed in the page's text: labelled lines, date-classed elements, dates around the headline."""
    for position, node in src.strings:
        text = " ".join(node.split())
        if not text:
            continue
        parent = node.parent
        if not isinstance(parent, Tag) or parent.name in ("time",):
            continue  # <time> elements are read by _times
        if len(text) > _MAX_TEXT:
            dateline = _dateline(src, position, parent, text, dayfirst)
            if dateline:
                yield dateline
            continue
        labelled = list(d.find_date_lines(text, dayfirst=dayfirst))
        prefix = ""
        if not labelled:
            prefix = _previous_text(node)
            if prefix and p.DATE_LINE_LABEL_ONLY.search(prefix):
                labelled = list(d.find_date_lines(prefix + " " + text, dayfirst=dayfirst))
        marker = _ancestor_markers(parent)
        kind_by_class = MODIFIED if p.MODIFIED_MARKER.search(marker) and not p.PUBLISHED_MARKER.search(marker) \
            else None
        if labelled:
            for kind, labelled_iso in labelled[:2]:
                context = _date_context(src, parent)
                if context == "furniture":
                    break
                score = _S_LABEL_WORD + _context_bonus(context, src) + _distance_penalty(src, position)
                yield DateCandidate(labelled_iso, kind, "date_line", "label", position, score)
            continue
        if p.MODIFIED_LABEL.search(prefix + " " + text[:30]):
            kind_by_class = MODIFIED
        if p.PUBLISHED_MARKER.search(marker):
            score, label = _S_CLASS_STRONG, "class:" + marker
        elif p.DATE_MARKER.search(marker):
            score, label = _S_CLASS_WEAK, "class:" + marker
        elif len(text) <= _MAX_UNLABELLED and len(text.split()) <= _MAX_UNLABELLED_WORDS and \
                _near_headline(src, position):
            # a date line above the headline is slightly less sure than one under it
            score, label = _S_HEADER - 5 * (position < (src.headline or 0)), "header"
        else:
            continue
        if label == "header" and (len(text) > _MAX_UNLABELLED or _inside_sentence(parent)):
            continue
        iso = d.parse_date_to_iso(text, dayfirst=dayfirst)
        if not iso:
            continue
        context = _date_context(src, parent)
        if context == "furniture":
            continue
        score += _context_bonus(context, src) + _distance_penalty(src, position)
        yield DateCandidate(iso, kind_by_class or PUBLISHED, "date_line", label, position, score)


# A paragraph opening with its date and a dash: "27.1.2022 - Bei der …", "BERLIN, 3 May 2021 – The …", or with
# its place and the date in parentheses: "Karlsruhe, (12.11.2021). Traditionell …".
_DATELINE = re.compile(r"(?P<date>.{6,40}?)\s+[-–—]\s+(?=\w)"
                       r"|[^\W\d][^\W\d'’.-]*(?:[ '’.-][^\W\d][^\W\d'’.-]*){0,3},"
                       r"\s*\((?P<paren>[^()]{6,30})\)[.:]?\s+(?=\w)")
_DATELINE_MAX_WORDS = 5


def _dateline(src: DateSources, position: int, parent: Tag, text: str, dayfirst: bool) -> DateCandidate | None:
    """The date a paragraph near the headline opens with, before a dash (a news dateline), as a header date."""
    if not _near_headline(src, position):
        return None
    match = _DATELINE.match(text)
    stated = (match["date"] or match["paren"]) if match else None
    if stated is None or len(stated.split()) > _DATELINE_MAX_WORDS:
        return None
    iso = d.parse_date_to_iso(stated, dayfirst=dayfirst)
    context = _date_context(src, parent) if iso else "furniture"
    if not iso or context == "furniture":
        return None
    score = _S_HEADER + _context_bonus(context, src)
    return DateCandidate(iso, PUBLISHED, "date_line", "dateline", position, score)


def _date_context(src: DateSources, el: Tag) -> str:
    """``article``/``neutral``/``excluded`` as ``metadata._context`` says, or ``furniture`` when the exclusion is
    certain for a date: a furniture element (aside, nav, footer…) or a class saying comments/related/teasers close
    above it. Other exclusions (a class far up the tree, often a page-wide layout wrapper) only cost points."""
    context = src.context(el)
    node: Any = el
    if context != "excluded":
        # a date element the pre-clean kept out of a dropped region (clean._date_carriers): soft-excluded
        for _ in range(3):
            node = node.parent if isinstance(node, Tag) else None
            if isinstance(node, Tag) and "data-dropped" in node.attrs:
                return "excluded"
        return context
    node = el
    for depth in range(40):
        if not isinstance(node, Tag) or node.name == "[document]":
            break
        if node.name in p.EXCLUDED_TAGS:
            return "furniture"
        if depth < _FURNITURE_DEPTH and node.attrs and p.DATE_FURNITURE.search(_marker(node)):
            return "furniture"
        node = node.parent
    return "excluded"


def _context_bonus(context: str, src: DateSources) -> int:
    if context == "excluded":
        return 0 if src.headline_excluded else -_EXCLUDED_PENALTY
    return 5 if context == "article" else 0


def _near_headline(src: DateSources, position: int) -> bool:
    if src.headline is None:
        return False
    return -_HEADER_BEFORE <= position - src.headline <= _HEADER_AFTER


def _distance_penalty(src: DateSources, position: int | None) -> int:
    if src.headline is None or position is None:
        return 0
    return -10 if position - src.headline > _FAR else 0


# ----------------------------------------------------------------------------------------------- helpers
_INLINE = frozenset(("a", "b", "strong", "em", "i", "span", "small", "abbr", "cite", "mark", "u", "font"))


def _inside_sentence(parent: Tag) -> bool:
    """Whether an inline element sits in a paragraph of running text (a link to "Bulletin am 15. April 2020" in a
    sentence): a date line under a headline is an element of its own, not a fragment of prose."""
    node: Any = parent
    for _ in range(3):
        if not isinstance(node, Tag) or node.name not in _INLINE:
            break
        node = node.parent
    if node is parent or not isinstance(node, Tag) or node.name not in ("p", "li", "td", "dd", "blockquote"):
        return False
    return _text(node, _MAX_UNLABELLED * 2) is None


def _text(el: Tag, limit: int = 120) -> str | None:
    parts: list[str] = []
    size = 0
    for seen, node in enumerate(el.descendants):
        if seen > 60:
            return None
        if type(node) is NavigableString:
            parts.append(node)
            size += len(node)
            if size > limit * 3:
                return None
    text = " ".join(" ".join(parts).split())
    return text if text and len(text) <= limit else None


def _marker(el: Any) -> str:
    if not isinstance(el, Tag) or not el.attrs:
        return ""
    attrs = el.attrs
    out = []
    for key in ("class", "id", "itemprop"):
        value = attrs.get(key)
        if value:
            out.append(" ".join(value) if isinstance(value, list) else str(value))
    return " ".join(out)


def _ancestor_markers(el: Tag, depth: int = 3) -> str:
    out = []
    node: Any = el
    for _ in range(depth):
        if not isinstance(node, Tag) or node.name in ("body", "html", "article", "main"):
            break
        out.append(_marker(node))
        node = node.parent
    return " ".join(out)


def _previous_text(node: NavigableString) -> str:
    """The visible text right before ``node`` (a label printed in its own element: ``<b>Posted :</b> …``)."""
    for seen, prev in enumerate(node.previous_elements):
        if seen > 12:
            break
        if type(prev) is NavigableString:
            text = " ".join(prev.split())
            if text:
                return text[-40:]
    return ""


_YEAR = re.compile(r"(?<!\d)(?:19[9]\d|20\d\d)(?!\d)|(?<![\d.])[0-3]?\d\.[01]?\d\.\d\d(?![\d.])")


def holds_year(text: str) -> bool:
    """Cheap pre-test of the page scan: a text node worth reading as a date holds a plausible year."""
    return _YEAR.search(text) is not None
