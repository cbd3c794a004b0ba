"""The ArticleStored event: its detail, built from the one record model, and a refused entry that must not pass."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newsingest.storage.events import (
    DETAIL_TYPE,
    MAX_ENTRY_BYTES,
    SOURCE,
    ArticleEvents,
    EventNotPublished,
    article_stored_detail,
    entry_size,
)
from newsingest.storage.items import ArticleItem

ITEM = ArticleItem(
    article_id="ab" * 32, status="ok", fetched_at="2024-05-14T08:15:00.123Z", version=1_715_674_500_123_456,
    url="https://news.test/2024/05/14/lighthouse", domain="news.test", title="The lighthouse keeper's last winter",
    published_at="2024-05-14T07:00:00+01:00", text_key=f"text/news.test/{'ab' * 32}/0123456789abcdef.txt",
    raw_key=f"raw/news.test/{'ab' * 32}/fedcba9876543210.html.gz", word_count=812, language="en",
    authors=("Morag Keenan",), content_sha256="0123456789abcdef" * 4, pending_event="new",
)


class StubEvents:
    """An EventBridge client that records ``put_events`` and answers with ``response``."""

    def __init__(self, response: dict[str, Any] | None = None) -> None:
        self.response = response or {"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}]}
        self.calls: list[dict[str, Any]] = []

    def put_events(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        return self.response


def test_the_detail_is_built_from_the_record() -> None:
    # Given a stored article's record / When its event detail is built
    detail = article_stored_detail(ITEM, "new")
    # Then it holds exactly what consumers read, the text itself staying in S3
    assert detail == {
        "article_id": "ab" * 32,
        "url": "https://news.test/2024/05/14/lighthouse",
        "domain": "news.test",
        "title": "The lighthouse keeper's last winter",
        "published_at": "2024-05-14T07:00:00+01:00",
        "text_key": f"text/news.test/{'ab' * 32}/0123456789abcdef.txt",
        "raw_key": f"raw/news.test/{'ab' * 32}/fedcba9876543210.html.gz",
        "version": 1_715_674_500_123_456,
        "change": "new",
        "fetched_at": "2024-05-14T08:15:00.123Z",
        "word_count": 812,
        "language": "en",
    }


def test_absent_values_keep_their_key_as_null() -> None:
    # Given a record without a language / When its detail is built for a changed article
    detail = article_stored_detail(ITEM.with_changes(language=None), "changed")
    # Then the shape stays the same: the key is there, null
    assert detail["language"] is None and detail["change"] == "changed"
    assert set(detail) == set(article_stored_detail(ITEM, "new"))


def test_a_change_other_than_new_or_changed_is_refused() -> None:
    with pytest.raises(ValueError, match="unchanged"):
        article_stored_detail(ITEM, "unchanged")


def test_one_entry_goes_to_the_named_bus() -> None:
    # Given a publisher for a bus
    client = StubEvents()
    # When an article is published
    ArticleEvents(client, "newsingest-events").publish(ITEM, "new")
    # Then one entry went out: our source and detail type, on that bus, the detail as JSON
    (call,) = client.calls
    (entry,) = call["Entries"]
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == (SOURCE, DETAIL_TYPE, "newsingest-events")
    assert (SOURCE, DETAIL_TYPE) == ("newsingest", "ArticleStored")
    assert json.loads(entry["Detail"]) == article_stored_detail(ITEM, "new")


def test_a_failed_entry_raises_so_the_message_is_retried() -> None:
    # Given EventBridge accepting the call but failing its one entry (HTTP 200, FailedEntryCount 1)
    client = StubEvents({"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure",
                                                             "ErrorMessage": "try again"}]})
    # When the article is published / Then it raises, naming the article and EventBridge's reason
    with pytest.raises(EventNotPublished, match=r"abab.*InternalFailure: try again"):
        ArticleEvents(client, "newsingest-events").publish(ITEM, "changed")


def test_the_largest_record_still_fits_one_entry() -> None:
    # Given a record at the pipeline's bounds: a 2048-character URL and title of 4-byte characters
    url = "https://news.test/" + "a" * (2048 - len("https://news.test/"))
    item = ITEM.with_changes(url=url, title="\U0001f4f0" * 2048, domain="d" * 253)
    # When its entry is built / Then it is far below PutEvents' 256 KB
    entry = ArticleEvents(StubEvents(), "b" * 256).entry(item, "new")
    assert entry_size(entry) < MAX_ENTRY_BYTES / 10
