"""Property tests: the message parser never raises, URL normalization is idempotent, the extractor never raises.

Example counts are kept modest (the suite runs on every ``make test``); the strategies aim at the nasty corners:
surrogates, control characters, deep JSON, IDN hosts, percent-escapes, tracking parameters, broken markup.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsingest.extract import extract_article
from newsingest.messages import MAX_RECORDED_BODY_CHARS, IngestRequest, InvalidMessage, encode_message, parse_message
from newsingest.urls import MAX_URL_LENGTH, InvalidUrl, article_id, domain_of, normalize_url

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])

# Any code point, unpaired surrogates and control characters included (what JSON "\ud800" escapes decode to).
NASTY_CHARS = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1f", "\x7f", "\x85", "\u202e", "\u200b", "\ufeff",
                               "\uffff", " ", "\t", "%", "#", "?", "\\", "@", ":", "[", "\U0001f4f0"])
ANY_CHAR = NASTY_CHARS | st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=300)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=12,
)

LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
UNICODE_LABEL = st.sampled_from(["bücher", "münchen", "新闻", "новости", "ニュース", "한국", "café", "ελληνικά"])
HOST = st.lists(LABEL | UNICODE_LABEL, min_size=1, max_size=3).map(".".join).flatmap(
    lambda name: st.sampled_from([name + ".com", name.upper() + ".ORG", "www." + name + ".co.kr", name + ".com."]))
PATH_CHARS = st.text(string.ascii_letters + string.digits + "-._~/%!$&'()*+,;=:@ é中\u200b", max_size=40)
QUERY_KEY = st.sampled_from(["id", "page", "q", "utm_source", "utm_medium", "fbclid", "gclid", "a", "B", "ref_src"])
QUERY = st.lists(st.tuples(QUERY_KEY, st.text(string.ascii_letters + string.digits + "%é", max_size=8)),
                 max_size=5).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(HOST)
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/" + draw(PATH_CHARS) if draw(st.booleans()) else ""
    query = draw(QUERY)
    fragment = draw(st.sampled_from(["", "#top", "#section-2"]))
    return f"{scheme}://{host}{port}{path}{'?' + query if query else ''}{fragment}"


# ---------------------------------------------------------------------------------------------- message parser


def _assert_well_formed(result: IngestRequest | InvalidMessage) -> None:
    assert isinstance(result, IngestRequest | InvalidMessage)
    if isinstance(result, InvalidMessage):
        assert result.reason in ("invalid_message", "invalid_url") and result.detail
        assert result.record_id.startswith("msg-") and len(result.record_id) == 68
        assert len(result.raw_body) <= 6 * MAX_RECORDED_BODY_CHARS  # "\\udXXX" escapes lengthen what was cut
        result.raw_body.encode("utf-8")  # storable: DynamoDB strings are UTF-8
        result.detail.encode("utf-8")
    else:
        assert normalize_url(result.url) == result.url
        assert result.article_id == article_id(result.url) and result.domain == domain_of(result.url)


@FAST
@given(ANY_TEXT)
def test_parse_message_never_raises_on_any_text(body: str) -> None:
    # Given any text at all / When parsed / Then a request or an invalid message, never an exception
    _assert_well_formed(parse_message(body))


@FAST
@given(JSON_VALUES)
def test_parse_message_never_raises_on_any_json(document: object) -> None:
    # Given any JSON document (objects with odd keys, wrong types, nesting) / When parsed as a body
    _assert_well_formed(parse_message(json.dumps(document)))


@FAST
@given(st.dictionaries(st.sampled_from(["url", "force", "extra"]), JSON_VALUES | urls(), max_size=3))
def test_parse_message_never_raises_on_near_miss_messages(document: dict[str, object]) -> None:
    # Given objects that look almost like the contract {"url": ..., "force": ...}
    _assert_well_formed(parse_message(json.dumps(document)))


@FAST
@given(urls(), ANY_CHAR, st.integers(min_value=0, max_value=200), st.booleans())
def test_parse_message_never_raises_on_urls_with_any_character(url: str, char: str, at: int, as_json: bool) -> None:
    # Given a plausible URL with one arbitrary character (a control character, an unpaired surrogate …) inserted;
    # as JSON the surrogate travels as an ASCII "\ud800" escape, which SQS accepts
    at = min(at, len(url))
    dirty = url[:at] + char + url[at:]
    body = json.dumps({"url": dirty}) if as_json else dirty
    # Then it is a request or a recorded invalid message, never an exception
    _assert_well_formed(parse_message(body))


@SLOW
@given(st.integers(min_value=1, max_value=20_000), st.sampled_from(['{"a":', "[", '{"url":[']))
def test_parse_message_survives_any_nesting_depth(depth: int, opener: str) -> None:
    # Given JSON nested deeper than the parser's stack (a 15 KB body does it, and fits in SQS)
    closer = {'{"a":': "}", "[": "]", '{"url":[': "]}"}[opener]
    body = opener * depth + "1" + closer * depth
    # Then it is a recorded invalid message, not a RecursionError
    _assert_well_formed(parse_message(body))


@FAST
@given(urls(), st.booleans())
def test_encode_then_parse_round_trips(url: str, force: bool) -> None:
    # Given a URL the normalizer accepts
    try:
        expected = normalize_url(url)
    except InvalidUrl:
        assume(False)
        return
    # When encoded as the enqueue CLI does and parsed back / Then the same request
    request = parse_message(encode_message(url, force=force))
    assert isinstance(request, IngestRequest) and request.url == expected and request.force is force


# ------------------------------------------------------------------------------------------- URL normalization


@FAST
@given(urls())
def test_normalize_url_is_idempotent_on_urls(url: str) -> None:
    try:
        once = normalize_url(url)
    except InvalidUrl:
        return
    assert normalize_url(once) == once
    assert once.startswith(("http://", "https://")) and len(once) <= MAX_URL_LENGTH
    assert "#" not in once and not any(ord(char) <= 0x20 or ord(char) >= 0x7f for char in once)


@FAST
@given(ANY_TEXT)
def test_normalize_url_accepts_or_refuses_any_text_cleanly(text: str) -> None:
    # Given any text / Then InvalidUrl (never another exception), or an idempotent ASCII http(s) URL
    try:
        once = normalize_url(text)
    except InvalidUrl:
        return
    assert normalize_url(once) == once and once.isascii()


@FAST
@given(urls(), st.sampled_from(["utm_source=x", "fbclid=abc", "gclid=1", "utm_campaign=spring"]))
def test_tracking_parameters_and_fragments_do_not_change_the_article(url: str, tracking: str) -> None:
    try:
        plain = normalize_url(url)
    except InvalidUrl:
        return
    base, _, fragment = url.strip().partition("#")  # normalize_url strips surrounding blanks; appending must too
    tracked = f"{base}{'&' if '?' in base else '?'}{tracking}#{fragment or 'x'}"
    assert normalize_url(tracked) == plain
    assert article_id(normalize_url(tracked)) == article_id(plain)


@FAST
@given(urls())
def test_scheme_and_host_case_and_default_port_do_not_change_the_article(url: str) -> None:
    try:
        plain = normalize_url(url)
    except InvalidUrl:
        return
    scheme, rest = plain.split("://", 1)
    host, slash, tail = rest.partition("/")
    default = ":443" if scheme == "https" else ":80"
    variant = f"{scheme.upper()}://{host.upper()}{default if ':' not in host else ''}{slash}{tail}"
    assert normalize_url(variant) == plain


# ----------------------------------------------------------------------------------------------------- extractor

TAGS = st.sampled_from(["html", "head", "body", "div", "p", "article", "main", "section", "span", "a", "b", "i",
                        "script", "style", "title", "h1", "time", "meta", "table", "td", "ul", "li", "noscript",
                        "template", "svg", "iframe", "br", "img", "figure", "header", "footer", "nav"])
ATTRS = st.sampled_from(['', ' class="content"', ' id="article-body"', ' itemprop="articleBody"',
                         ' datetime="2024-02-30T25:61"', ' content="x"', ' property="og:title"', ' class="',
                         ' name="author" content="\u202eevil"', ' type="application/ld+json"', " charset=utf-16"])
TEXT = st.text(st.characters(min_codepoint=1, max_codepoint=0x2FFFF, exclude_categories=("Cs",)), max_size=60)


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5))
        if kind <= 1 or depth > 5:
            parts.append(draw(TEXT))
        elif kind == 2:
            parts.append(draw(st.sampled_from(["<", ">", "&", "&amp", "&#x110000;", "<!--", "-->", "<![CDATA[",
                                               "</p>", "<p", "\x00", "\ufeff", '"', "<?xml ?>", "<!DOCTYPE html>"])))
        else:
            tag = draw(TAGS)
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}"]))
            parts.append(f"<{tag}{draw(ATTRS)}>{draw(markup(depth + 1))}{close}")
    return "".join(parts)


@SLOW
@given(markup())
def test_extract_article_never_raises_on_broken_markup(html: str) -> None:
    article = extract_article(html, "https://news.example.com/a")
    assert isinstance(article.text, str)
    article.to_dict()


@SLOW
@given(st.binary(max_size=4000), st.sampled_from([None, "text/html", "text/html; charset=utf-16",
                                                  "text/html; charset=x-bogus", "application/xhtml+xml"]))
def test_extract_article_never_raises_on_any_bytes(body: bytes, content_type: str | None) -> None:
    article = extract_article(body, "https://news.example.com/a", content_type=content_type)
    assert isinstance(article.text, str)


@SLOW
@given(markup(), st.sampled_from(["utf-8", "euc-kr", "shift_jis", "utf-16", "cp1252", "gb18030"]))
def test_extract_article_never_raises_whatever_the_declared_charset(html: str, charset: str) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body>{html}</body></html>'
    body = page.encode(charset, errors="replace") if charset != "utf-16" else page.encode("utf-8")
    article = extract_article(body, None)
    assert isinstance(article.text, str)
