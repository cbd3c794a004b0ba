"""newsingest.sources: durations, the adaptive interval, backoff, source lists (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.feeds import FeedHints
from newsingest.sources import (
    MAX_INTERVAL_S,
    MAX_PERMANENT_BACKOFF_S,
    MAX_TRANSIENT_BACKOFF_S,
    MIN_INTERVAL_S,
    Observation,
    backoff_s,
    feed_floor_s,
    format_duration,
    next_interval,
    parse_duration,
    publishing_gap_s,
    read_source_list,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("2h", 7200), ("1d", 86400), ("900", 900), (" 10M ", 600)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "soon", "1m", "2d", "-5m", "5 minutes"])
def test_bad_durations_say_why(text: str) -> None:
    with pytest.raises(ValueError, match="duration|outside"):
        parse_duration(text)


def test_a_feed_that_publishes_often_is_polled_more_often() -> None:
    # Given a feed whose newest entries are 10 minutes apart, polled every 60 minutes
    dates = [T0 - timedelta(minutes=10 * n) for n in range(8)]
    # When a poll found new URLs, Then the interval is half the publishing gap, but not below the minimum
    assert next_interval(3600, 3600, Observation(new_urls=3, dates=dates)) == MIN_INTERVAL_S


def test_a_quiet_feed_is_polled_less_often_up_to_what_the_operator_asked() -> None:
    # Given a feed with undated entries and nothing new, polled every 10 of at most 60 minutes
    quiet = Observation(new_urls=0)
    # When polled repeatedly, Then the interval stretches by half each time and stops at every_s
    intervals = [600]
    for _ in range(6):
        intervals.append(next_interval(intervals[-1], 3600, quiet))
    assert intervals == [600, 900, 1350, 2025, 3037, 3600, 3600]


def test_new_urls_without_dates_halve_the_interval() -> None:
    assert next_interval(1800, 3600, Observation(new_urls=2)) == 900


@pytest.mark.parametrize(("hints", "max_age", "floor"), [
    (FeedHints(ttl_minutes=60), None, 3600),
    (FeedHints(update_period="hourly", update_frequency=2), None, 1800),
    (FeedHints(update_period="daily"), None, 86400),
    (FeedHints(), 7200, 7200),
    (FeedHints(ttl_minutes=10), 1200, 1200),
    (FeedHints(update_period="fortnightly"), None, 0),
])
def test_the_feed_floor_honours_ttl_syndication_and_max_age(hints: FeedHints, max_age: int | None, floor: int) -> None:
    assert feed_floor_s(hints, max_age) == floor


def test_the_feeds_own_floor_beats_the_operators_interval() -> None:
    # Given a feed asking for <ttl>120</ttl> while the operator asked every 15 minutes and it publishes hourly
    seen = Observation(new_urls=1, dates=[T0 - timedelta(hours=n) for n in range(5)], hints=FeedHints(ttl_minutes=120))
    # Then it is polled every two hours
    assert next_interval(900, 900, seen) == 7200


@given(current=st.integers(1, 10 * MAX_INTERVAL_S), every=st.integers(MIN_INTERVAL_S, MAX_INTERVAL_S),
       new=st.integers(0, 50), ttl=st.one_of(st.none(), st.integers(1, 100_000)),
       max_age=st.one_of(st.none(), st.integers(-5, 10**7)),
       gaps=st.lists(st.integers(0, 10**6), max_size=12))
def test_the_interval_is_always_bounded(current: int, every: int, new: int, ttl: int | None, max_age: int | None,
                                        gaps: list[int]) -> None:
    dates, at = [], T0
    for gap in gaps:
        at -= timedelta(seconds=gap)
        dates.append(at)
    interval = next_interval(current, every, Observation(new, dates, FeedHints(ttl_minutes=ttl), max_age))
    assert MIN_INTERVAL_S <= interval <= MAX_INTERVAL_S


def test_publishing_gap_needs_three_dates() -> None:
    assert publishing_gap_s([T0, None, T0 - timedelta(hours=1)]) is None
    assert publishing_gap_s([T0, T0 - timedelta(hours=1), T0 - timedelta(hours=3)]) == 5400


def test_permanent_failures_back_off_from_an_hour_doubling_to_a_week() -> None:
    waits = [backoff_s(n, 900, permanent=True) for n in range(1, 12)]
    assert waits[:4] == [3600, 7200, 14400, 28800]
    assert waits[-1] == MAX_PERMANENT_BACKOFF_S and waits == sorted(waits)


def test_transient_failures_back_off_from_the_interval_to_six_hours() -> None:
    waits = [backoff_s(n, 900, permanent=False) for n in range(1, 10)]
    assert waits[:3] == [900, 1800, 3600] and waits[-1] == MAX_TRANSIENT_BACKOFF_S


@given(failures=st.integers(1, 10_000), interval=st.integers(0, 10**6), permanent=st.booleans())
def test_backoff_is_never_hot_and_never_forever(failures: int, interval: int, permanent: bool) -> None:
    wait = backoff_s(failures, interval, permanent=permanent)
    assert MIN_INTERVAL_S <= wait <= MAX_PERMANENT_BACKOFF_S


def test_opml_and_plain_lists() -> None:
    # Given an OPML export with nested folders, and a text list with comments and a duplicate
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
      <outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/rss"/>
        <outline text="B &amp; C" xmlUrl="https://b.example/feed.xml"/></outline>
      <outline text="no feed"/></body></opml>"""
    plain = b"# my feeds\nhttps://a.example/rss\n\n  https://c.example/atom.xml \nhttps://a.example/rss\n"
    # Then the feed URLs come out in order, once each
    assert read_source_list(opml) == ["https://a.example/rss", "https://b.example/feed.xml"]
    assert read_source_list(plain) == ["https://a.example/rss", "https://c.example/atom.xml"]


def test_an_unchanged_feed_is_not_polled_again_before_its_max_age_nor_after_a_day() -> None:
    # Given a feed polled every 5 minutes that answers 304 with Cache-Control: max-age of two hours
    seen = Observation(new_urls=0, not_modified=True, cache_max_age_s=7200)
    # When the next interval is computed, Then it waits the two hours (beyond what the operator asked)
    assert next_interval(MIN_INTERVAL_S, MIN_INTERVAL_S, seen) == 7200
    # And a max-age of a week is still bounded by the longest interval
    week = Observation(new_urls=0, not_modified=True, cache_max_age_s=7 * 86_400)
    assert next_interval(MIN_INTERVAL_S, MIN_INTERVAL_S, week) == MAX_INTERVAL_S
