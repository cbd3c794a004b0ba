"""robots.txt parsing (RFC 9309 longest match) and the per-origin cache."""

from __future__ import annotations

import pytest

from newsingest.fetch.robots import ALLOW_ALL, RobotsCache, RobotsRules, parse_robots
from newsingest.outcomes import PermanentFailure, TransientFailure

ROBOTS = """
# comment
User-agent: *
Disallow: /private
Allow: /private/open
Disallow: /*.pdf$
Disallow: /search?
Disallow:

User-agent: otherbot
Disallow: /
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/news/a", True),
        ("/private", False),
        ("/private/x", False),
        ("/private/open/x", True),  # longer Allow wins
        ("/doc.pdf", False),
        ("/doc.pdf?x=1", True),  # "$" anchors the end
        ("/search?q=x", False),
        ("/search", True),
        ("/robots.txt", True),
    ],
)
def test_longest_match(path: str, allowed: bool) -> None:
    assert parse_robots(ROBOTS, "newsingest").allows(path) is allowed


def test_specific_group_replaces_star_and_matches_case_insensitively() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /\n\nUser-agent: NewsIngest/2.0\nDisallow: /x\n", "newsingest")
    assert rules.allows("/a") is True
    assert rules.allows("/x") is False


def test_groups_for_the_same_agent_are_merged_and_multi_agent_groups_apply() -> None:
    text = "User-agent: a\nUser-agent: newsingest\nDisallow: /one\n\nUser-agent: newsingest\nDisallow: /two\n"
    rules = parse_robots(text, "newsingest")
    assert (rules.allows("/one"), rules.allows("/two"), rules.allows("/three")) == (False, False, True)


def test_tie_goes_to_allow() -> None:
    assert parse_robots("User-agent: *\nDisallow: /page\nAllow: /page\n", "newsingest").allows("/page") is True


def test_wildcards_and_encoding() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /*/print\nDisallow: /caf%c3%a9\nDisallow: /ü\n", "newsingest")
    assert rules.allows("/2024/01/print") is False
    assert rules.allows("/caf%C3%A9") is False
    assert rules.allows("/%C3%BC") is False
    assert rules.allows("/2024/01/story") is True


@pytest.mark.parametrize("text", ["", "garbage\n\x00\n", "Disallow: /\n", "User-agent: otherbot\nDisallow: /\n"])
def test_no_applicable_group_allows_all(text: str) -> None:
    assert parse_robots(text, "newsingest").allows("/anything") is True


def test_sitemap_lines_do_not_break_groups() -> None:
    rules = parse_robots("User-agent: *\nSitemap: https://x/s.xml\nDisallow: /a\n", "newsingest")
    assert rules.allows("/a") is False


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cache_respects_ttl() -> None:
    # Given a cache with a 100 s TTL and a loader that counts calls
    clock = FakeClock()
    cache = RobotsCache(ttl=100, error_ttl=10, clock=clock)
    loads: list[int] = []

    def load() -> RobotsRules:
        loads.append(1)
        return parse_robots("User-agent: *\nDisallow: /x\n", "newsingest")

    # When checked repeatedly before and after expiry
    cache.check("http://a", "/ok", load=load, remaining=lambda: 1)
    with pytest.raises(PermanentFailure):
        cache.check("http://a", "/x", load=load, remaining=lambda: 1)
    clock.now = 101
    cache.check("http://a", "/ok", load=load, remaining=lambda: 1)
    # Then robots.txt was loaded once per TTL
    assert len(loads) == 2


def test_unavailable_robots_is_cached_briefly_and_raised_fresh() -> None:
    clock = FakeClock()
    cache = RobotsCache(ttl=100, error_ttl=10, clock=clock)
    loads: list[int] = []

    def load() -> RobotsRules:
        loads.append(1)
        raise TransientFailure("robots_unavailable", "503", retry_after=5)

    failures = []
    for _ in range(2):
        with pytest.raises(TransientFailure) as caught:
            cache.check("http://a", "/", load=load, remaining=lambda: 1)
        failures.append(caught.value)
    assert failures[0] is not failures[1]
    assert failures[1].retry_after == 5
    assert len(loads) == 1
    clock.now = 11
    cache.check("http://a", "/", load=lambda: ALLOW_ALL, remaining=lambda: 1)


def test_byte_order_mark_does_not_hide_the_first_group() -> None:
    assert parse_robots("\ufeffUser-agent: *\nDisallow: /x\n", "newsingest").allows("/x") is False
