"""EventBridge: one ``ArticleStored`` event per stored article (new or changed), delivered at least once.

The event tells consumers *that* an article was stored and where to read it (``text_key``, ``raw_key``); the text
itself stays in S3. The publish follows the DynamoDB write, and the record carries ``pending_event`` until the
publish succeeded, so a failed publish is retried with the message and never lost (docs/events.md).
"""

from __future__ import annotations

import json
from typing import Any

from newsingest.storage.items import ArticleItem

SOURCE = "newsingest"
DETAIL_TYPE = "ArticleStored"
# "new": no article was stored under this id before; "changed": a new version of a stored article.
CHANGES = frozenset({"new", "changed"})
# PutEvents refuses an entry above 256 KB. Every field of the detail is bounded (URL and title by the pipeline,
# keys by their format), so an entry stays far below; the check only turns a future mistake into a clear error.
MAX_ENTRY_BYTES = 256 * 1024


class EventNotPublished(Exception):
    """EventBridge did not accept the event: the message is retried, the record keeps ``pending_event``."""


def article_stored_detail(item: ArticleItem, change: str) -> dict[str, Any]:
    """The event's ``detail``: every key always present (null when the record has no value), so consumers can rely
    on the shape."""
    if change not in CHANGES:
        raise ValueError(f"change must be one of {sorted(CHANGES)}, not {change!r}")
    return {
        "article_id": item.article_id,
        "url": item.url,
        "domain": item.domain,
        "title": item.title,
        "published_at": item.published_at,
        "text_key": item.text_key,
        "raw_key": item.raw_key,
        "version": item.version,
        "change": change,
        "fetched_at": item.fetched_at or None,
        "word_count": item.word_count,
        "language": item.language,
    }


def entry_size(entry: dict[str, Any]) -> int:
    """The size PutEvents counts against its limit: the UTF-8 bytes of source, detail type, detail and bus name
    (plus 14 bytes for a time, which we never set but leave room for)."""
    counted = (entry.get("Source", ""), entry.get("DetailType", ""), entry.get("Detail", ""),
               entry.get("EventBusName", ""))
    return sum(len(value.encode("utf-8")) for value in counted) + 14


class ArticleEvents:
    """Publishes ``ArticleStored`` to one bus. ``events_client`` is a boto3 EventBridge client created once and passed
    in; ``bus_name`` is the bus's name (or ARN)."""

    def __init__(self, events_client: Any, bus_name: str) -> None:
        self._events = events_client
        self.bus_name = bus_name

    def entry(self, item: ArticleItem, change: str) -> dict[str, Any]:
        detail = json.dumps(article_stored_detail(item, change), ensure_ascii=False, separators=(",", ":"))
        entry = {"Source": SOURCE, "DetailType": DETAIL_TYPE, "Detail": detail, "EventBusName": self.bus_name}
        if entry_size(entry) > MAX_ENTRY_BYTES:
            raise EventNotPublished(f"the {DETAIL_TYPE} event of {item.article_id} exceeds {MAX_ENTRY_BYTES} bytes")
        return entry

    def publish(self, item: ArticleItem, change: str) -> None:
        """Put one event; raise ``EventNotPublished`` when EventBridge reports the entry failed (PutEvents answers
        200 with ``FailedEntryCount`` for that: botocore does not retry it), an AWS error for a failed call."""
        response = self._events.put_events(Entries=[self.entry(item, change)])
        if response.get("FailedEntryCount", 0):
            failed: dict[str, Any] = next(
                (entry for entry in response.get("Entries", []) if entry.get("ErrorCode")), {})
            reason = ": ".join(str(failed[key]) for key in ("ErrorCode", "ErrorMessage") if failed.get(key))
            raise EventNotPublished(f"{DETAIL_TYPE} of {item.article_id} (version {item.version}) refused by bus "
                                    f"{self.bus_name}: {reason or 'no error given'}")
