"""A look at a queue's messages without taking them, and the age of its oldest (the CLI's ``dlq``).

The queue's counters are the SQS adapter's: :func:`newsingest.storage.queue.queue_depth`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsingest.storage.queue import receive_messages, release_messages

# How long peeked messages stay hidden while they are read; they are made visible again right after.
PEEK_VISIBILITY_SECONDS = 30


@dataclass(frozen=True)
class PeekedMessage:
    message_id: str
    body: str
    sent_at: dt.datetime | None
    receive_count: int
    attributes: dict[str, str] = field(default_factory=dict)

    def age_seconds(self, now: dt.datetime) -> float | None:
        return (now - self.sent_at).total_seconds() if self.sent_at else None

    def to_json(self) -> dict[str, Any]:
        return {"message_id": self.message_id, "body": self.body, "receive_count": self.receive_count,
                "sent_at": self.sent_at.isoformat() if self.sent_at else None, "attributes": self.attributes}


def peek(sqs: Any, queue_url: str, *, max_messages: int = 10, wait_seconds: int = 0) -> list[PeekedMessage]:
    """Up to ``max_messages`` messages, left on the queue.

    Each receive hides what it returns for ``PEEK_VISIBILITY_SECONDS`` (so the next receive returns others), and
    every message seen is made visible again at the end. Meant for the dead-letter queue: each receive counts in
    ``ApproximateReceiveCount``, which on a queue with a redrive policy moves messages towards its DLQ.
    """
    seen: dict[str, PeekedMessage] = {}
    handles: dict[str, dict[str, Any]] = {}
    try:
        while len(seen) < max_messages:
            received = receive_messages(sqs, queue_url, max_messages=max_messages - len(seen),
                                        wait_seconds=wait_seconds, visibility_timeout=PEEK_VISIBILITY_SECONDS)
            fresh = [message for message in received if message["MessageId"] not in seen]
            if not fresh:
                break
            for message in fresh:
                seen[message["MessageId"]] = _peeked(message)
                handles[message["MessageId"]] = message
    finally:
        release_messages(sqs, queue_url, list(handles.values()))
    return sorted(seen.values(), key=lambda m: (m.sent_at or dt.datetime.min.replace(tzinfo=dt.UTC)))


def oldest_age_seconds(messages: list[PeekedMessage], now: Callable[[], dt.datetime] | None = None) -> float | None:
    """The age of the oldest of ``messages`` (from SentTimestamp), or None when there are none."""
    moment = (now or (lambda: dt.datetime.now(dt.UTC)))()
    ages = [age for age in (message.age_seconds(moment) for message in messages) if age is not None]
    return max(ages) if ages else None


def _peeked(message: dict[str, Any]) -> PeekedMessage:
    system = message.get("Attributes", {})
    sent = system.get("SentTimestamp")
    sent_at = dt.datetime.fromtimestamp(int(sent) / 1000, dt.UTC) if sent and str(sent).isdigit() else None
    custom = {name: str(value.get("StringValue", value.get("BinaryValue", "")))
              for name, value in (message.get("MessageAttributes") or {}).items()}
    return PeekedMessage(message_id=message["MessageId"], body=message.get("Body", ""), sent_at=sent_at,
                         receive_count=int(system.get("ApproximateReceiveCount", 0) or 0), attributes=custom)


def short_body(body: str, limit: int = 120) -> str:
    """A message body for a table: a JSON body's ``url`` when it has one, else the body, shortened."""
    text = body
    try:
        decoded = json.loads(body)
        if isinstance(decoded, dict) and isinstance(decoded.get("url"), str):
            text = decoded["url"] + (" (force)" if decoded.get("force") is True else "")
    except ValueError:
        pass
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
