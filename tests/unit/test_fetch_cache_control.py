"""newsingest.fetch.fetcher.parse_cache_max_age: a response's Cache-Control freshness, a lower bound for pollers."""

from __future__ import annotations

import pytest

from newsingest.fetch.fetcher import parse_cache_max_age


@pytest.mark.parametrize(("header", "seconds"), [
    ("max-age=600", 600),
    ("public, max-age=1800", 1800),
    ('max-age="900"', 900),
    ("MAX-AGE = 300 , must-revalidate", 300),
    ("max-age=60, s-maxage=3600", 3600),  # a shared cache's figure is the one meant for intermediaries like us
    ("s-maxage=120", 120),
])
def test_a_freshness_lifetime_is_read(header: str, seconds: int) -> None:
    # Given a Cache-Control header with a lifetime, When parsed, Then it is that many seconds
    assert parse_cache_max_age(header) == seconds


@pytest.mark.parametrize("header", [
    None, "", "max-age=0", "no-cache", "no-store, max-age=600", "max-age=600, no-cache", "private",
    "max-age=soon", "max-age=-5", "max-age",
])
def test_no_lifetime_or_a_ban_on_caching_gives_no_hint(header: str | None) -> None:
    # Given no header, a zero or malformed age, or no-cache/no-store, When parsed, Then there is no hint
    assert parse_cache_max_age(header) is None
