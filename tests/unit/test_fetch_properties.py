"""Property tests: the URL parser never fails with anything but PermanentFailure, and every spelling the C
library's ``inet_aton`` (what ``getaddrinfo`` would use) reads as an address, we read as the same address."""

from __future__ import annotations

import ipaddress
import socket

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsingest.fetch.addresses import NotAnIPv4Number, parse_ipv4_number
from newsingest.fetch.target import parse_target
from newsingest.outcomes import PermanentFailure

PART = st.one_of(
    st.integers(0, 2**32).map(str),
    st.integers(0, 2**32).map(hex),
    st.integers(0, 2**32).map(lambda n: "0" + oct(n)[2:]),
    st.sampled_from(["0", "00", "0x", "08", "0x1g"]),
)
SPELLING = st.lists(PART, min_size=1, max_size=5).map(".".join)


@settings(max_examples=400, deadline=None)
@given(SPELLING)
@example("127.1")
@example("0x7f.1")
@example("0177.0.0.1")
@example("2130706433")
def test_ipv4_spellings_agree_with_inet_aton(host: str) -> None:
    # Given any dotted mix of decimal, hex and octal parts
    try:
        ours: ipaddress.IPv4Address | None = parse_ipv4_number(host)
    except NotAnIPv4Number:
        ours = None
    try:
        theirs: ipaddress.IPv4Address | None = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        theirs = None
    # Then whatever inet_aton reads as an address, we read as the same address (we may be stricter: "0x" is
    # 0.0.0.0 for browsers but not for inet_aton; refusing more is safe, reading differently would not be)
    if theirs is not None:
        assert ours == theirs


URL_TEXT = st.lists(
    st.sampled_from(list("htps:/[]@%.:0123456789abcdefx-_?#\\ é\t") + ["xn--", "::", "%2e", "%00", "ü"]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "ftp://", ""]), URL_TEXT)
@example("http://", "%80")  # found by this test: a non-UTF-8 percent-encoded host
def test_parse_target_only_raises_permanent_failures(scheme: str, rest: str) -> None:
    # Given any junk after a scheme / When parsed / Then it is a target or a PermanentFailure, nothing else
    try:
        target = parse_target(scheme + rest)
    except PermanentFailure:
        return
    assert target.scheme in ("http", "https")
    assert target.request_target.startswith("/")
    assert "@" not in target.authority
    assert 0 < target.port < 65536
