"""URL validation and normalisation: schemes, credentials, hosts, ports, request targets."""

from __future__ import annotations

import pytest

from newsingest.fetch.target import parse_target, resolve_location
from newsingest.outcomes import PermanentFailure


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "invalid_url"),
        ("file:///etc/passwd", "invalid_url"),
        ("gopher://example.com:70/", "invalid_url"),
        ("javascript:alert(1)", "invalid_url"),
        ("//example.com/", "invalid_url"),
        ("", "invalid_url"),
        ("http://", "invalid_url"),
        ("http://example.com:99999/", "invalid_url"),
        ("http://example.com:0/", "invalid_url"),
        ("http://example.com:abc/", "invalid_url"),
        ("http://exa mple.com/", "invalid_url"),
        ("http://example.com\\@evil.com/", "credentials_in_url"),
        ("http://evil.com\\.example.com/", "invalid_url"),
        ("http://exam\nple.com/", "invalid_url"),
        ("http://example.123/", "invalid_url"),
        ("http://1.2.3.4.5/", "invalid_url"),
        ("http://[fe80::1%25eth0]/", "invalid_url"),
        ("http://[::1/", "invalid_url"),
        ("http://user:pass@example.com/", "credentials_in_url"),
        ("http://user@example.com/", "credentials_in_url"),
        ("http://:@example.com/", "credentials_in_url"),
        ("https://example.com@169.254.169.254/", "credentials_in_url"),
        ("http://" + "a" * 64 + ".example/", "invalid_url"),
        ("http://" + "a." * 127 + "example/", "invalid_url"),
    ],
)
def test_unacceptable_urls_are_permanent(url: str, reason: str) -> None:
    # Given a URL we must not fetch / When parsed / Then it fails permanently with a stable reason
    with pytest.raises(PermanentFailure) as caught:
        parse_target(url)
    assert caught.value.reason == reason


def test_normalisation() -> None:
    # Given a URL with upper-case scheme/host, default port, fragment, spaces and non-ASCII in the path
    target = parse_target("  HTTP://News.Example.COM:80/a b/é?q=1 2#frag ")
    # Then the URL is canonical and the request target is percent-encoded
    assert target.url == "http://news.example.com/a%20b/%C3%A9?q=1%202"
    assert target.host == "news.example.com"
    assert target.port == 80
    assert target.authority == "news.example.com"
    assert target.host_port == "news.example.com:80"
    assert target.request_target == "/a%20b/%C3%A9?q=1%202"


def test_existing_escapes_are_not_double_encoded() -> None:
    assert parse_target("https://example.com/a%2Fb?x=%41").request_target == "/a%2Fb?x=%41"


def test_idn_host_becomes_punycode() -> None:
    target = parse_target("https://bücher.example/straße")
    assert target.host == "xn--bcher-kva.example"
    assert target.url.startswith("https://xn--bcher-kva.example/")


@pytest.mark.parametrize(
    ("url", "ip"),
    [
        ("http://2130706433/", "127.0.0.1"),
        ("http://0x7f000001/", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1"),
        ("http://127.1/", "127.0.0.1"),
        ("http://%31%32%37.0.0.1/", "127.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
        ("http://169.254.169.254./", "169.254.169.254"),
        ("http://１２７.０.０.１/", "127.0.0.1"),  # fullwidth digits (IDNA maps them, as browsers do)
        ("http://127。0。0。1/", "127.0.0.1"),  # ideographic full stops are dots
    ],
)
def test_ip_hosts_in_any_spelling_are_recognised(url: str, ip: str) -> None:
    target = parse_target(url)
    assert target.ip is not None
    assert target.ip.compressed == ip
    assert target.host == ip


def test_enclosed_alphanumerics_map_to_ascii_before_resolution() -> None:
    # "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ" is "localhost" after IDNA mapping; it is then resolved and vetted like any name
    assert parse_target("http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/").host == "localhost"


def test_non_default_port_is_kept_in_authority() -> None:
    target = parse_target("https://example.com:8443/x")
    assert target.authority == "example.com:8443"
    assert target.url == "https://example.com:8443/x"


def test_ipv6_authority_is_bracketed() -> None:
    target = parse_target("http://[2606:4700::1111]:8080/")
    assert target.authority == "[2606:4700::1111]:8080"
    assert target.host == "2606:4700::1111"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/b", "http://example.com/b"),
        ("c", "http://example.com/a/c"),
        ("//other.example/x", "http://other.example/x"),
        ("https://other.example/y", "https://other.example/y"),
        ("?page=2", "http://example.com/a/b?page=2"),
    ],
)
def test_redirect_locations_resolve_against_the_current_url(location: str, expected: str) -> None:
    base = parse_target("http://example.com/a/b")
    assert resolve_location(base, location).url == expected


def test_empty_location_is_invalid() -> None:
    with pytest.raises(PermanentFailure) as caught:
        resolve_location(parse_target("http://example.com/"), "  ")
    assert caught.value.reason == "invalid_url"
