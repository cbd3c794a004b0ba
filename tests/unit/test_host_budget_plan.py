"""The per-host budget's arithmetic (GCRA, storage/host_budget.plan_slot) and robots.txt Crawl-delay parsing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest.fetch.robots import MAX_CRAWL_DELAY, parse_robots
from newsingest.storage.host_budget import plan_slot


def _serve(arrivals: list[float], *, rate: float, burst: int, rest_until: float | None = None) -> list[float]:
    """The starts a run of requests gets, one after another, each reserving its slot (as HostBudget.acquire does)."""
    tat: float | None = None
    starts = []
    for now in arrivals:
        slot = plan_slot(now, tat, rest_until, interval=1.0 / rate, burst=burst)
        starts.append(slot.start)
        tat = slot.tat
    return starts


@settings(max_examples=300, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0.0, max_value=3.0, allow_nan=False), min_size=1, max_size=60),
    rate=st.floats(min_value=0.1, max_value=20.0),
    burst=st.integers(min_value=1, max_value=10),
    window=st.floats(min_value=0.01, max_value=30.0),
)
def test_no_window_ever_holds_more_than_the_burst_plus_the_rate(gaps: list[float], rate: float, burst: int,
                                                                 window: float) -> None:
    # Given requests arriving at any times (cumulative gaps) / When each takes the slot the budget gives it
    arrivals = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    starts = _serve(arrivals, rate=rate, burst=burst)
    # Then nobody starts before arriving, starts keep their order, and any window of `window` seconds holds at
    # most burst + window * rate starts
    assert all(start >= now for start, now in zip(starts, arrivals, strict=True))
    assert starts == sorted(starts)
    for first in starts:
        inside = sum(1 for start in starts if first <= start <= first + window)
        assert inside <= burst + window * rate + 1e-6


def test_a_burst_goes_at_once_then_the_rate_paces_the_rest() -> None:
    # Given 6 requests at the same instant, 2 per second, a burst of 3
    starts = _serve([100.0] * 6, rate=2.0, burst=3)
    # Then the first three start at once and the others every half second
    assert starts == [100.0, 100.0, 100.0, 100.5, 101.0, 101.5]


def test_a_quiet_host_is_full_again_and_a_rest_holds_everyone_back() -> None:
    assert _serve([0.0, 0.0, 50.0, 50.0], rate=1.0, burst=2) == [0.0, 0.0, 50.0, 50.0]
    # Given a host resting until t=30 (a 429 with Retry-After) / Then nobody starts before 30
    assert _serve([10.0, 10.0, 10.0], rate=1.0, burst=2, rest_until=30.0) == [30.0, 30.0, 31.0]


@pytest.mark.parametrize(("robots", "delay"), [
    ("User-agent: *\nCrawl-delay: 5\nDisallow: /private\n", 5.0),
    ("User-agent: *\nCrawl-delay: 0.5\n", 0.5),
    ("User-agent: otherbot\nCrawl-delay: 9\n\nUser-agent: *\nDisallow:\n", None),  # another agent's delay
    ("User-agent: newsingest\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 9\n", 2.0),  # our group wins
    ("User-agent: *\nCrawl-delay: 86400\n", MAX_CRAWL_DELAY),  # a typo does not stop a site for a day
    ("User-agent: *\nCrawl-delay: soon\n", None),
    ("User-agent: *\nCrawl-delay: -3\n", None),
    ("User-agent: *\nDisallow: /x\n", None),
])
def test_crawl_delay_of_the_group_that_applies(robots: str, delay: float | None) -> None:
    assert parse_robots(robots, "newsingest").crawl_delay == delay


def test_crawl_delay_does_not_change_which_group_applies_or_its_rules() -> None:
    rules = parse_robots("User-agent: *\nCrawl-delay: 3\nDisallow: /private\nAllow: /private/open\n", "newsingest")
    assert (rules.allows("/private/x"), rules.allows("/private/open/y"), rules.allows("/news")) == (False, True, True)
