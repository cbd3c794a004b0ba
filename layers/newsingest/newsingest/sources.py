"""Polled sources, the pure part: intervals, backoff, durations, source lists. No I/O.

* ``next_interval``: how long until a feed is polled again. It adapts to the feed: the median gap between its
  newest entries (halved) when they are dated, else halved when the poll found new URLs and stretched by half when
  it found none; never above what the operator asked (``every_s``) and never below what the feed asks (``<ttl>``,
  ``sy:updatePeriod``/``sy:updateFrequency``, ``Cache-Control: max-age``); always inside
  [``MIN_INTERVAL_S``, ``MAX_INTERVAL_S``].
* ``backoff``: a source that failed is not retried hot: permanent reasons (404, not a feed, blocked address,
  robots disallow) wait an hour doubling per consecutive failure up to a week; transient ones (timeouts, 5xx,
  429) the interval doubling up to six hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from statistics import median

from lxml import etree

from newsingest.feeds import FeedHints

MIN_INTERVAL_S = 5 * 60  # the schedule's default rate: polling more often than it runs means nothing
MAX_INTERVAL_S = 24 * 3600
DEFAULT_EVERY_S = 15 * 60
PERMANENT_BACKOFF_S = 3600
MAX_PERMANENT_BACKOFF_S = 7 * 24 * 3600
MAX_TRANSIENT_BACKOFF_S = 6 * 3600
_RECENT_ENTRIES = 10  # gaps between the newest entries measure the publishing rate
_PERIODS_S = {"hourly": 3600, "daily": 86_400, "weekly": 7 * 86_400, "monthly": 30 * 86_400, "yearly": 365 * 86_400}
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$", re.I)
_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


def parse_duration(text: str) -> int:
    """``15m``, ``2h``, ``1d``, ``900s`` or ``900`` (seconds) → seconds. Raises ``ValueError`` with the reason."""
    match = _DURATION.match(text or "")
    if match is None:
        raise ValueError(f"{text!r} is not a duration (use 15m, 2h, 1d or seconds)")
    seconds = int(match.group(1)) * _UNITS_S[(match.group(2) or "s").lower()]
    if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
        raise ValueError(f"{text!r} is outside {format_duration(MIN_INTERVAL_S)}..{format_duration(MAX_INTERVAL_S)}")
    return seconds


def format_duration(seconds: int) -> str:
    """Seconds → the shortest exact ``15m``/``2h``/``1d``/``90s`` spelling."""
    for unit in ("d", "h", "m"):
        if seconds and seconds % _UNITS_S[unit] == 0:
            return f"{seconds // _UNITS_S[unit]}{unit}"
    return f"{seconds}s"


def feed_floor_s(hints: FeedHints, cache_max_age_s: int | None = None) -> int:
    """The shortest interval the feed itself asks for (0 when it asks nothing)."""
    floors = [0]
    if hints.ttl_minutes:
        floors.append(hints.ttl_minutes * 60)
    if hints.update_period in _PERIODS_S:
        floors.append(_PERIODS_S[hints.update_period] // max(1, hints.update_frequency or 1))
    if cache_max_age_s and cache_max_age_s > 0:
        floors.append(cache_max_age_s)
    return max(floors)


def publishing_gap_s(dates: Iterable[datetime | None]) -> float | None:
    """The median gap between the newest dated entries (None with fewer than three dates)."""
    known = sorted((date.timestamp() for date in dates if date is not None), reverse=True)[:_RECENT_ENTRIES]
    gaps = [newer - older for newer, older in pairwise(known) if newer > older]
    return median(gaps) if len(gaps) >= 2 else None


@dataclass(frozen=True)
class Observation:
    """What one successful poll saw, for the interval."""

    new_urls: int
    dates: Sequence[datetime | None] = ()
    hints: FeedHints = FeedHints()
    cache_max_age_s: int | None = None
    not_modified: bool = False


def next_interval(current_s: int, every_s: int, seen: Observation) -> int:
    """The adaptive interval after a successful poll (see the module docstring for the rules)."""
    gap = None if seen.not_modified else publishing_gap_s(seen.dates)
    if gap is not None:
        wanted = gap / 2
    elif seen.new_urls > 0:
        wanted = current_s / 2
    else:
        wanted = current_s * 1.5
    ceiling = min(every_s, MAX_INTERVAL_S)
    floor = max(MIN_INTERVAL_S, min(feed_floor_s(seen.hints, seen.cache_max_age_s), MAX_INTERVAL_S))
    return int(max(floor, min(wanted, max(ceiling, floor))))


def backoff_s(failures: int, interval_s: int, *, permanent: bool) -> int:
    """Seconds until a source that failed ``failures`` times in a row (>= 1) is tried again."""
    exponent = min(max(failures, 1) - 1, 20)
    if permanent:
        return int(min(PERMANENT_BACKOFF_S * 2 ** exponent, MAX_PERMANENT_BACKOFF_S))
    return int(min(max(interval_s, MIN_INTERVAL_S) * 2 ** exponent, MAX_TRANSIENT_BACKOFF_S))


# ------------------------------------------------------------------------------------------------ source lists

def read_source_list(data: bytes) -> list[str]:
    """The feed URLs of an OPML file (``<outline xmlUrl>``, at any depth) or of a text list (one URL a line,
    blank lines and ``#`` comments skipped). Order kept, duplicates dropped."""
    text_start = data.lstrip()[:200].lower()
    if text_start.startswith((b"<?xml", b"<opml")) or b"<opml" in text_start:
        urls = _opml_urls(data)
    else:
        lines = data.decode("utf-8", "replace").splitlines()
        urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return list(dict.fromkeys(urls))


def _opml_urls(data: bytes) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    root = etree.fromstring(data, parser=parser)
    if root is None:
        raise ValueError("not an OPML document")
    found = []
    for outline in root.iter("outline", "{*}outline"):
        url = outline.get("xmlUrl") or outline.get("xmlurl") or outline.get("url")
        if url and url.strip():
            found.append(url.strip())
    return found
