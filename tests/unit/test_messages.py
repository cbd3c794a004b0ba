"""The message contract: a bare URL or {"url": ..., "force": ...}; anything else is recorded, never lost."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.messages import MAX_RECORDED_BODY_CHARS, IngestRequest, InvalidMessage, encode_message, parse_message
from newsingest.urls import article_id


def test_bare_url_is_a_request() -> None:
    # Given a bare URL body / When parsed / Then it is a normalized request without force
    request = parse_message("https://Example.com/news/1?utm_source=rss")
    assert request == IngestRequest(url="https://example.com/news/1", article_id=article_id("https://example.com/news/1"),
                                    domain="example.com", force=False,
                                    submitted_url="https://Example.com/news/1?utm_source=rss")


def test_json_body_with_force() -> None:
    request = parse_message(json.dumps({"url": "https://example.com/a", "force": True}))
    assert isinstance(request, IngestRequest) and request.force and request.url == "https://example.com/a"


@pytest.mark.parametrize(
    ("body", "reason", "detail"),
    [
        ("", "invalid_message", "empty"),
        ("   \n", "invalid_message", "empty"),
        ("{not json", "invalid_message", "not valid JSON"),
        ('{"link": "https://example.com"}', "invalid_message", "no string 'url'"),
        ('{"url": 42}', "invalid_message", "no string 'url'"),
        ('{"url": "https://example.com", "force": "yes"}', "invalid_message", "'force'"),
        ('{"url": "https://example.com", "extra": 1}', "invalid_message", "unknown field"),
        ('["https://example.com"]', "invalid_message", "not an object"),
        ("not a url", "invalid_url", "whitespace"),
        ("notaurl", "invalid_url", "scheme"),
        ("ftp://example.com/file", "invalid_url", "scheme"),
        ('{"url": "file:///etc/passwd"}', "invalid_url", "scheme"),
    ],
)
def test_malformed_bodies_say_why(body: str, reason: str, detail: str) -> None:
    # Given a malformed body / When parsed / Then an InvalidMessage with a reason and a human detail
    result = parse_message(body)
    assert isinstance(result, InvalidMessage)
    assert result.reason == reason
    assert detail in result.detail
    assert result.record_id.startswith("msg-") and len(result.record_id) == 4 + 64


def test_invalid_message_keeps_at_most_1kb_of_the_body_and_a_stable_key() -> None:
    body = "x" * 5000
    first, second = parse_message(body), parse_message(body)
    assert isinstance(first, InvalidMessage)
    assert len(first.raw_body) == MAX_RECORDED_BODY_CHARS
    assert first.record_id == second.record_id  # a redelivery records over the same item, not a new one


def test_encode_message_round_trips() -> None:
    assert parse_message(encode_message("https://example.com/a")).url == "https://example.com/a"
    forced = parse_message(encode_message("https://example.com/a", force=True))
    assert isinstance(forced, IngestRequest) and forced.force


@given(st.one_of(st.text(max_size=2000), st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                              lambda children: st.lists(children, max_size=3)
                              | st.dictionaries(st.text(max_size=5), children, max_size=3)).map(json.dumps)))
def test_parse_message_never_raises(body: str) -> None:
    result = parse_message(body)
    assert isinstance(result, (IngestRequest, InvalidMessage))
