"""Date parsing for article metadata: any date string a news page shows -> an ISO 8601 string, or None.

Representation (the contract of ``Article.published_at``/``modified_at``):

* the page gives a UTC offset (``+09:00``, ``Z``, ``GMT``, ``EST``, ``KST``…) -> an aware ISO string that keeps that
  offset: ``2019-11-22T11:09:00+09:00`` (``Z``/``GMT``/``UTC`` become ``+00:00``);
* the page gives a time but no offset -> a *naive* ISO string ``2019-11-22T11:09:00``: no offset is ever invented
  (neither UTC nor the crawler's zone);
* the page gives only a day -> ``2019-11-22`` (a date, no time);
* relative dates ("2 hours ago"), impossible dates and years outside 1990–2100 -> None. The crawl time is never used.

Seconds are kept, fractions of a second dropped. Nothing here raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from newsingest.extract import patterns as p

_MAX_INPUT = 200  # characters: a date string longer than this is a paragraph, not a date


class _Parts(NamedTuple):
    year: int
    month: int
    day: int
    hour: int | None
    minute: int | None
    second: int | None
    offset_minutes: int | None


def parse_date_to_iso(value: object, *, dayfirst: bool = False) -> str | None:
    """``value`` (a string, or epoch seconds/milliseconds) as an ISO 8601 string, or None (never raises)."""
    try:
        parts = _parse(value, dayfirst=dayfirst)
        return _format(parts) if parts else None
    except (ValueError, OverflowError, TypeError, AttributeError, OSError):
        return None


def date_from_url(url: str | None) -> str | None:
    """The ``YYYY-MM-DD`` a URL path carries (``/2019/11/22/``), or None. A last resort only: see metadata.py."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    match = p.URL_DATE.search(path) or p.URL_DATE_COMPACT.search(path) or p.URL_DATE_STAMP.search(path)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = p.URL_DATE_DMY.search(path)
        if not match:
            return None
        year, month, day = int(match[3]), int(match[2]), int(match[1])
    try:
        return _format(_Parts(year, month, day, None, None, None, None))
    except ValueError:
        return None


def date_from_scripts(markup: str | None) -> str | None:
    """The first publication date (else creation date) a page's script state gives under a quoted key
    (``"published_at":"2019-03-02T06:22:28+01:00"``), or None. A last resort only: see published.py."""
    if not markup:
        return None
    for pattern in (p.SCRIPT_PUBLISHED_KEY, p.SCRIPT_CREATED_KEY):
        for match in pattern.finditer(markup):
            iso = parse_date_to_iso(match[1])
            if iso:
                return iso
    return None


def find_date_lines(text: str, *, dayfirst: bool = False) -> Iterator[tuple[str, str]]:
    """Labelled visible date lines in ``text`` as ``("published" | "modified", iso)``.

    The label decides the kind, so ``Updated : …`` is never taken for the publication date.
    """
    for match in p.DATE_LINE.finditer(text[:5000]):
        iso = parse_date_to_iso(match["value"], dayfirst=dayfirst)
        if iso:
            # matched in place, not in the label alone: some labels look ahead ("zuletzt" before "am")
            kind = "modified" if p.MODIFIED_LABEL.match(text, match.start("label")) else "published"
            yield kind, iso


def has_time(iso: str) -> bool:
    return "T" in iso


def has_offset(iso: str) -> bool:
    return "T" in iso and ("+" in iso[10:] or "-" in iso[10:])


def same_day(a: str, b: str) -> bool:
    return a[:10] == b[:10]


def is_before(a: str, b: str) -> bool:
    """True when ``a`` is certainly earlier than ``b``. Mixed aware/naive values compare by wall clock."""
    try:
        if not has_time(a) or not has_time(b):
            return a[:10] < b[:10]
        first, second = dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)
        if (first.tzinfo is None) != (second.tzinfo is None):
            first, second = first.replace(tzinfo=None), second.replace(tzinfo=None)
        return first < second
    except ValueError:
        return False


def refine(primary: str, candidates: list[str]) -> str:
    """``primary``, or a lower-precedence value that says the same moment more precisely.

    A date-only value gains the time of a same-day candidate, and a naive value gains the offset of a candidate with
    the same wall-clock time: precision is added, the higher-precedence source still decides the day.
    """
    best = primary
    for other in candidates:
        if other == best or not same_day(best, other):
            continue
        if not has_time(best) and has_time(other):
            best = other
        elif has_time(best) and not has_offset(best) and has_offset(other) and other[:16] == best[:16]:
            best = other
    return best


# ----------------------------------------------------------------------------------------------- internals
def _parse(value: object, *, dayfirst: bool) -> _Parts | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = " ".join(str(value).split())[:_MAX_INPUT]
    if not text or not any(ch.isdigit() for ch in text):
        return None
    if p.EPOCH.match(text):
        return _from_epoch(float(text))
    return _from_iso(text) or _from_compact(text) or _from_cjk(text) or _from_words(text, dayfirst=dayfirst)


def _from_epoch(seconds: float) -> _Parts | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    if not 0 < seconds < 4.2e9:  # 1970..2103: anything else is not a timestamp of a news page
        return None
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    return _Parts(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, 0)


def _from_iso(text: str) -> _Parts | None:
    match = p.ISO_DATE.search(text)
    if not match:
        return None
    hour = _int(match["H"])
    minute = _int(match["M"])
    second = _int(match["S"])
    offset = _offset_from_iso(match["tz"]) if match["tz"] else None
    rest = text[match.end():]
    if hour is None:
        # "2019-11-22 | 3:04 PM KST": the time may follow in words.
        hour, minute, second, rest = _clock(rest)
    if offset is None and hour is not None:
        offset = _offset_in(rest, int(match["y"]), int(match["m"]), int(match["d"]))
    return _Parts(int(match["y"]), int(match["m"]), int(match["d"]), hour, minute, second, offset)


def _from_compact(text: str) -> _Parts | None:
    match = p.COMPACT_DATE.match(text)
    if not match:
        return None
    return _Parts(int(match["y"]), int(match["m"]), int(match["d"]), _int(match["H"]), _int(match["M"]),
                  _int(match["S"]) if match["H"] else None, None)


def _from_cjk(text: str) -> _Parts | None:
    match = p.CJK_DATE.search(text)
    if not match:
        return None
    hour, minute = _int(match["H"]), _int(match["M"])
    if hour is not None:
        minute = minute or 0
        if match["ampm"] in p.CJK_PM and hour < 12:
            hour += 12
        elif match["ampm"] in p.CJK_AM and hour == 12:
            hour = 0
    else:
        hour, minute, _second, _rest = _clock(text[match.end():])
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    offset = _offset_in(text[match.end():], year, month, day) if hour is not None else None
    return _Parts(year, month, day, hour, minute, 0 if hour is not None else None, offset)


def _from_words(text: str, *, dayfirst: bool) -> _Parts | None:
    match = p.TEXT_DATE_MDY.search(text) or p.TEXT_DATE_DMY.search(text) or p.TEXT_DATE_YMD.search(text)
    if match:
        month_number = p.MONTHS.get(match["mon"].lower().rstrip("."))
        if month_number is None:  # a case variant the table lacks ("ARALIK" lower-cases to "aralik")
            return None
        year, month, day = int(match["y"]), month_number, int(match["d"])
    else:
        match = p.NUMERIC_DATE.search(text)
        if not match:
            short = p.SHORT_DOTTED_DATE.search(text)
            if not short:
                return None
            year = int(short["y"]) + (1900 if int(short["y"]) >= 90 else 2000)
            day, month = int(short["d"]), int(short["m"])
            rest = text[: short.start()] + " " + text[short.end():]
            hour, minute, second_, tail = _clock(rest)
            offset = _offset_in(tail, year, month, day) if hour is not None else None
            return _Parts(year, month, day, hour, minute, second_, offset)
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        # 22/11/2019 can only be day-first; 11/22/2019 only month-first; 04.03.2024 is day-first (dotted dates are
        # European); 04/03/2024 follows ``dayfirst``.
        if first > 12 or ((dayfirst or match["sep"] == ".") and second <= 12):
            day, month = first, second
        else:
            month, day = first, second
    # The time may stand before the date ("3:04 PM EST, Mon March 4, 2024") or after it.
    rest = text[: match.start()] + " " + text[match.end():]
    hour, minute, second_, tail = _clock(rest)
    offset = _offset_in(tail, year, month, day) if hour is not None else None
    return _Parts(year, month, day, hour, minute, second_, offset)


def _clock(text: str) -> tuple[int | None, int | None, int | None, str]:
    """(hour, minute, second, text after the clock) of the first clock time in ``text``."""
    match = p.CLOCK.search(text) or p.CLOCK_AMPM_ONLY.search(text)
    if not match:
        return None, None, None, text
    hour = int(match["H"])
    groups = match.groupdict()
    minute = int(groups["M"]) if groups.get("M") else 0
    second = int(groups["S"]) if groups.get("S") else 0
    ampm = (match["ampm"] or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23:
        return None, None, None, text
    return hour, minute, second, text[match.end():]


def _offset_from_iso(token: str) -> int | None:
    token = token.upper()
    if token in ("Z", "UTC", "GMT"):
        return 0
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return sign * (hours * 60 + minutes)


def _offset_in(text: str, year: int, month: int, day: int) -> int | None:
    """The UTC offset written right after a clock time: ``+0900``, ``GMT+9``, ``KST``, ``ET``…"""
    head = text[:24]
    numeric = p.TZ_OFFSET.match(head.strip())
    if numeric:
        minutes = int(numeric["h"]) * 60 + int(numeric["m"] or 0)
        return -minutes if numeric["sign"] == "-" else minutes
    named = p.TZ_NAME.search(head)
    if not named:
        return None
    name = named["tz"].upper()
    if name in p.US_ZONES_STANDARD:
        return p.US_ZONES_STANDARD[name] + (60 if _us_dst(year, month, day) else 0)
    return p.TZ_OFFSETS.get(name)


def _us_dst(year: int, month: int, day: int) -> bool:
    """US daylight saving time (second Sunday of March to first Sunday of November), by day."""
    if not 3 <= month <= 11:
        return False
    if 3 < month < 11:
        return True
    first_weekday = dt.date(year, month, 1).weekday()  # Monday = 0
    first_sunday = 1 + (6 - first_weekday) % 7
    return day >= first_sunday + 7 if month == 3 else day < first_sunday


def _format(parts: _Parts) -> str | None:
    if not p.MIN_YEAR <= parts.year <= p.MAX_YEAR:
        return None
    day = dt.date(parts.year, parts.month, parts.day)  # validates the calendar date (ValueError caught above)
    if parts.hour is None:
        return day.isoformat()
    tz = None
    if parts.offset_minutes is not None and abs(parts.offset_minutes) < 24 * 60:
        tz = dt.timezone(dt.timedelta(minutes=parts.offset_minutes))
    moment = dt.datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute or 0, parts.second or 0,
                         tzinfo=tz)
    return moment.isoformat(timespec="seconds")


def _int(value: str | None) -> int | None:
    return int(value) if value else None

