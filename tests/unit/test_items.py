"""The DynamoDB item model maps explicitly to and from DynamoDB's typed JSON."""

from __future__ import annotations

from newsingest.storage.items import ArticleItem
from newsingest.storage.keys import raw_key, text_key


def test_round_trip_keeps_every_value_and_omits_absent_ones() -> None:
    # Given an item with lists, numbers, booleans and absent values
    item = ArticleItem(article_id="a" * 64, status="ok", fetched_at="2024-05-14T08:15:00.000Z", version=17,
                       url="https://x.test/a", authors=("Jane Doe", "John Roe"), word_count=120, paywalled=False,
                       title="T", section=None, description="")
    # When serialized
    attributes = item.to_attributes()
    # Then absent and empty values are not stored at all, and reading back gives the same item
    assert "section" not in attributes and "description" not in attributes and "tags" not in attributes
    assert attributes["authors"] == {"L": [{"S": "Jane Doe"}, {"S": "John Roe"}]}
    assert attributes["version"] == {"N": "17"} and attributes["paywalled"] == {"BOOL": False}
    assert ArticleItem.from_attributes(attributes) == item.with_changes(description=None)


def test_unknown_attributes_are_tolerated_on_read() -> None:
    attributes = ArticleItem(article_id="x", status="failed", reason="http_404").to_attributes()
    attributes["added_by_hand"] = {"S": "kept out of the model"}
    assert ArticleItem.from_attributes(attributes).reason == "http_404"


def test_keys_are_content_addressed_and_browsable_by_site() -> None:
    assert text_key("example.com", "ab" * 32,
                    "0123456789abcdef" * 4) == f"text/example.com/{'ab' * 32}/0123456789abcdef.txt"
    assert raw_key("[::1]:8080", "cd" * 32, "f" * 64).startswith("raw/__1_8080/")


def test_a_pending_event_is_stored_while_pending_and_absent_once_published() -> None:
    # Given a record whose ArticleStored event is not yet published, and the same record once it is
    pending = ArticleItem(article_id="x", status="ok", version=3, pending_event="changed")
    # Then the attribute round-trips while pending, and is simply absent afterwards
    assert pending.to_attributes()["pending_event"] == {"S": "changed"}
    assert ArticleItem.from_attributes(pending.to_attributes()) == pending
    assert "pending_event" not in pending.with_changes(pending_event=None).to_attributes()
