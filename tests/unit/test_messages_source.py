"""The optional ``source`` of a queue message: what the scheduled poll adds, and what is refused."""

from __future__ import annotations

import json

import pytest

from newsingest.messages import IngestRequest, InvalidMessage, encode_message, parse_message


def test_a_polled_url_carries_its_source_id_through_the_contract() -> None:
    # Given the body the poll sends
    body = encode_message("https://example.com/a?utm_source=rss", source="0123abcd")
    # When parsed by the ingest side, Then the request keeps the source id
    request = parse_message(body)
    assert isinstance(request, IngestRequest)
    assert (request.url, request.source_id, request.force) == ("https://example.com/a", "0123abcd", False)
    assert json.loads(encode_message("https://example.com/a", force=True, source="s")) == {
        "url": "https://example.com/a", "force": True, "source": "s"}
    assert encode_message("https://example.com/a") == "https://example.com/a"


@pytest.mark.parametrize("source", [7, None, "x" * 65])
def test_a_source_that_is_no_short_string_is_an_invalid_message(source: object) -> None:
    result = parse_message(json.dumps({"url": "https://example.com/a", "source": source}))
    assert isinstance(result, InvalidMessage) and result.reason == "invalid_message" and "'source'" in result.detail
