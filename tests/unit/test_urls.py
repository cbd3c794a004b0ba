"""URL normalization: the article id depends on it, so equal articles must normalize equally."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.fetch.target import parse_target
from newsingest.outcomes import PermanentFailure
from newsingest.urls import InvalidUrl, article_id, domain_of, normalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM:80/a?utm_source=x&b=2&a=1#top", "http://example.com/a?a=1&b=2"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/x?fbclid=abc&gclid=1&id=7", "https://example.com/x?id=7"),
        ("https://Example.com./path/", "https://example.com/path/"),
        ("https://www.한국일보.kr/기사?id=1", "https://www.xn--3e0bm80ac2h5no.kr/%EA%B8%B0%EC%82%AC?id=1"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_normalize_url_canonical_forms(raw: str, expected: str) -> None:
    # Given a URL as a user might paste it / When normalized / Then it has the one canonical form
    assert normalize_url(raw) == expected


def test_legacy_charset_query_escapes_are_kept_byte_for_byte() -> None:
    # Given an EUC-KR percent-encoded query (not UTF-8) / When normalized
    # Then the bytes survive (decoding as UTF-8 would corrupt them) and the hex is upper-cased
    assert normalize_url("http://news.example.kr/search?q=%b0%a1") == "http://news.example.kr/search?q=%B0%A1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("ftp://example.com/x", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("example.com/no-scheme", "scheme"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://exa mple.com/", "whitespace"),
        ("http://example.com/\x00", "control"),
        ("http:///path-only", "no host"),
        ("http://" + "a" * 3000 + ".com/", "longer"),
        ("http://exa_mple.com/", "not a valid domain"),
        ("https://xn--/", "not a valid domain"),
        ("https://-example.com/", "not a valid domain"),
        ("https://" + "a" * 64 + ".com/", "not a valid domain"),
        ("https://exa\u200bmple.com/", "invisible"),
        ("http://example.com:99999/", "unparseable"),
    ],
)
def test_normalize_url_rejects_bad_urls_with_a_reason(raw: str, message: str) -> None:
    # Given a URL that cannot be fetched / When normalized / Then InvalidUrl says why
    with pytest.raises(InvalidUrl, match=message):
        normalize_url(raw)


def test_article_id_is_sha256_hex_of_the_normalized_url() -> None:
    # Given two spellings of one URL / Then they share one 64-hex-digit id
    first = article_id(normalize_url("HTTP://Example.com/a?b=1&a=2&utm_medium=x"))
    second = article_id(normalize_url("http://example.com/a?a=2&b=1"))
    assert first == second
    # the SHA-256 of the normalized spelling (`printf %s 'http://example.com/a?a=2&b=1' | sha256sum`)
    assert first == "fe1b48a6b611c5bc7f05dfd073e3f8333594b8450ea55c68239ad0e2eff85bc5"


@given(st.lists(st.from_regex(r"https://[a-z]{1,8}\.example/[a-z0-9]{0,8}", fullmatch=True), min_size=2, max_size=8,
                unique=True))
def test_article_ids_are_64_lowercase_hex_digits_stable_and_distinct(urls: list[str]) -> None:
    # Given distinct normalized URLs / When their ids are computed twice
    ids = [article_id(normalize_url(url)) for url in urls]
    # Then each is 64 lower-case hex digits (a DynamoDB key and an S3 key segment), the same every time,
    # and no two URLs share one
    assert all(len(id_) == 64 and set(id_) <= set("0123456789abcdef") for id_ in ids)
    assert ids == [article_id(normalize_url(url)) for url in urls]
    assert len(set(ids)) == len(urls)


def test_domain_drops_www_but_keeps_other_subdomains() -> None:
    assert domain_of("https://www.koreatimes.co.kr/x") == "koreatimes.co.kr"
    assert domain_of("https://news.example.com/x") == "news.example.com"


@given(st.text(max_size=300))
def test_normalize_url_is_idempotent_or_rejects(raw: str) -> None:
    # Given any text / When it normalizes / Then normalizing again changes nothing
    try:
        once = normalize_url(raw)
    except InvalidUrl:
        return
    assert normalize_url(once) == once


@given(
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){0,3}\.[a-z]{2,5}", fullmatch=True),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=40),
    st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.from_regex(r"[a-z0-9]{0,5}", fullmatch=True),
                    max_size=4),
)
def test_generated_urls_normalize_idempotently(scheme: str, host: str, path: str, query: dict[str, str]) -> None:
    raw = f"{scheme}://{host}/{path}?" + "&".join(f"{k}={v}" for k, v in query.items())
    try:
        once = normalize_url(raw)
    except InvalidUrl:
        return
    assert normalize_url(once) == once


# ----------------------------------------------------------------------- one host rule for messages and fetch
# Before: newsingest.urls and the fetcher's own URL module each had host rules. They disagreed on the hosts
# below; the stricter correct rule (newsingest.urls.canonical_host) now decides for both.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://0x7f.1/a", "http://127.0.0.1/a"),  # an IPv4 number is the address it denotes (was its own article)
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://%65xample.com/a", "http://example.com/a"),  # a percent-escaped host is the host it decodes to
        ("http://[0:0::1]:8080/", "http://[::1]:8080/"),  # IPv6 in its one compressed spelling
        ("http://[::FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        ("http://１２７.０.０.１/", "http://127.0.0.1/"),  # fullwidth digits, as IDNA maps them
    ],
)
def test_a_host_has_one_spelling_for_the_article_id_and_for_the_fetch(raw: str, expected: str) -> None:
    # Given a URL whose host can be spelled several ways / When normalized and when parsed for fetching
    # Then both name the same host, so the article id names the host that is fetched
    assert normalize_url(raw) == expected
    assert parse_target(raw).url == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("http://exa_mple.com/", "not a valid domain"),  # the fetcher accepted "_"; hostnames are LDH
        ("https://exa\u200bmple.com/", "invisible"),  # the fetcher's IDNA library deleted the zero-width space
        ("http://example.com:0/", "port 0"),  # normalize_url kept ":0"
        ("http://[fe80::1%25eth0]/", "zone index"),  # normalize_url kept the zone
        ("http://example.123/", "is not a number"),  # ends in a number but is not IPv4
        ("http://1.2.3.4.5/", "more than four"),
        ("http://" + "a." * 127 + "example/", "not a valid domain"),  # over 253 characters (normalize_url let it be)
        ("http://example.com../", "not a valid domain"),  # one trailing dot is the root, two are an empty label
        ("http://%ff.example/", "not UTF-8"),
    ],
)
def test_hosts_one_side_accepted_are_refused_by_both(raw: str, message: str) -> None:
    # Given a host one of the two old rules accepted / When normalized / Then refused, saying why
    with pytest.raises(InvalidUrl, match=message):
        normalize_url(raw)
    # and the fetcher refuses it too, as an invalid URL
    with pytest.raises(PermanentFailure) as caught:
        parse_target(raw)
    assert caught.value.reason == "invalid_url"


HOSTISH = st.lists(st.sampled_from(list("abcxyz019-_.%") + ["%2e", "%41", "0x", "xn--", "ü", "ß", "。", "\u200b"]),
                   min_size=1, max_size=12).map("".join)


@given(HOSTISH)
def test_messages_and_the_fetcher_accept_exactly_the_same_hosts(host: str) -> None:
    # Given any host-like text in an http URL
    url = f"http://{host}/a"
    try:
        normalized: str | None = normalize_url(url)
    except InvalidUrl:
        normalized = None
    try:
        fetched: str | None = parse_target(url).url
    except PermanentFailure:
        fetched = None
    # Then normalize_url and the fetcher agree: both refuse it, or both accept it as the same URL
    assert normalized == fetched
