"""The one invariant every fault, hostile-input and load scenario must keep: nothing lost, duplicated or half-written.

After any scenario, with ``sent`` the messages put in (message id → body):

1. **Partition.** Every message is in exactly one of
   (a) ``stored``: not on a queue, and the item it maps to has ``status = "ok"`` (an ``unchanged`` outcome leaves
   the stored ``ok`` item in place);
   (b) ``failed``: not on a queue, and its item has ``status = "failed"`` with a ``reason``;
   (c) ``queue`` / ``dlq``: the message itself (by message id) is still on the source queue or the dead-letter queue,
   or a copy re-sent for a Retry-After (message attribute ``newsingest-original-message-id``: its first id).
   A message in none of them is **lost**; one found twice on the queues is **duplicated**.
   A message maps to the item of its normalized URL (``article_id``) or, for a malformed body, to ``msg-<sha256>``
   of the body: exactly what ``newsingest.messages.parse_message`` says.
2. **No half-writes.** Every ``text_key`` / ``raw_key`` an item names exists in S3 (and, with ``verify_content``, the
   text hashes to ``content_sha256`` and the raw object is gzip whose SHA-256 matches its key).
3. **No duplicates.** One item per normalized URL (``article_id`` is the SHA-256 of ``url``); every S3 key has exactly
   one object version and no delete marker (the bucket is versioned, writes are ``If-None-Match: *``); keys are
   content-addressed (the key's digest is the content's), so one content hash has one object under an article.
4. **Newer wins.** With a :class:`WriteLog` attached to the function's DynamoDB client, no item holds a version older
   than a write the table accepted for it: an older attempt never replaced a newer one.
5. **No lost update.** With the same log (attach it to every writer: the function, reprocess), no item holds content
   *observed* earlier than content a write already acknowledged: each write's observation time is what it stores as
   ``fetched_at`` / ``last_checked_at``, and the item's own is the later of its two. A rewrite that carried a higher
   version but older content (a reprocess of the page read before a newer ingest) is caught here, not by 4.

``check_invariant`` returns an :class:`Accounting` (counts per bucket, reasons, storage facts, violations);
``assert_invariant`` raises when there is any violation. Reading a queue's contents receives its messages (with a
long visibility timeout, then makes them visible again), which counts as a receive: check at the end of a scenario.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from newsingest.messages import IngestRequest, parse_message
from newsingest.storage.queue import ORIGINAL_ID_ATTRIBUTE
from newsingest.urls import article_id as article_id_of

BUCKETS = ("stored", "failed", "queue", "dlq", "lost", "duplicated")
_DESERIALIZER = TypeDeserializer()
_PEEK_VISIBILITY = 600


@dataclass(frozen=True)
class AwsView:
    """Where a scenario's state lives. ``queue_url``/``dlq_url`` None: the caller says what is on the queues."""

    s3: Any
    dynamodb: Any
    bucket: str
    table: str
    sqs: Any = None
    queue_url: str | None = None
    dlq_url: str | None = None

    @classmethod
    def of_stack(cls, clients: Any, outputs: Any) -> AwsView:
        return cls(s3=clients.s3, dynamodb=clients.dynamodb, sqs=clients.sqs, bucket=outputs.bucket_name,
                   table=outputs.table_name, queue_url=outputs.queue_url, dlq_url=outputs.dead_letter_queue_url)


class WriteLog:
    """Records the versions DynamoDB accepted per article (PutItem / UpdateItem that set ``:version``).

    ``attach(client)`` hooks botocore's events on a DynamoDB client (the function's own), so the log sees exactly
    what the pipeline wrote. Thread-safe; ``merge`` combines logs of several workers.
    """

    def __init__(self) -> None:
        self.accepted: dict[str, int] = {}  # article_id → highest version the table accepted
        self.observed: dict[str, str] = {}  # article_id → latest observation time (ISO) an accepted write stored
        self.rejected = 0
        self._lock = threading.Lock()

    def attach(self, client: Any) -> WriteLog:
        for operation in ("PutItem", "UpdateItem"):
            client.meta.events.register(f"provide-client-params.dynamodb.{operation}", self._before)
            client.meta.events.register(f"after-call.dynamodb.{operation}", self._after)
        return self

    def merge(self, accepted: Mapping[str, int], rejected: int = 0, observed: Mapping[str, str] | None = None) -> None:
        with self._lock:
            for key, version in accepted.items():
                self.accepted[key] = max(version, self.accepted.get(key, 0))
            for key, when in (observed or {}).items():
                self.observed[key] = max(when, self.observed.get(key, ""))
            self.rejected += rejected

    def _before(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        key = (params.get("Item") or params.get("Key") or {}).get("article_id", {}).get("S")
        if not key:
            return
        values = params.get("ExpressionAttributeValues", {})
        version = values.get(":version", {}).get("N")
        item = params.get("Item", {})
        # When the written content was observed: what the write stores as fetched_at / last_checked_at.
        times = [item.get(name, {}).get("S") for name in ("fetched_at", "last_checked_at")]
        times += [values.get(name, {}).get("S") for name in (":fetched_at", ":last_checked_at", ":checked")]
        context["newsingest_write"] = (key, None if version is None else int(version),
                                       max(filter(None, times), default=""))

    def _after(self, http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        write = context.get("newsingest_write")
        if write is None:
            return
        with self._lock:
            if http_response.status_code < 300:
                key, version, observed = write
                if version is not None:
                    self.accepted[key] = max(version, self.accepted.get(key, 0))
                if observed:
                    self.observed[key] = max(observed, self.observed.get(key, ""))
            elif write[1] is not None:
                self.rejected += 1


@dataclass
class Accounting:
    """The partition of the sent messages, what storage holds, and every violation found."""

    messages: int = 0
    buckets: Counter[str] = field(default_factory=Counter)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    items: int = 0
    items_ok: int = 0
    items_failed: int = 0
    objects: int = 0
    object_versions: int = 0
    superseded_objects: int = 0  # objects of an article no item points at (older content, or a lost race)
    orphan_objects: int = 0  # objects of an article with no item (its message is still on a queue)
    violations: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.buckets["lost"]

    @property
    def ok(self) -> bool:
        return not self.violations

    def table(self) -> str:
        rows = [("messages sent", self.messages)]
        rows += [(f"  {name}", self.buckets[name]) for name in BUCKETS]
        rows += [(f"    failed: {reason}", count) for reason, count in sorted(self.failure_reasons.items())]
        rows += [
            ("items (ok / failed)", f"{self.items} ({self.items_ok} / {self.items_failed})"),
            ("S3 objects (versions)", f"{self.objects} ({self.object_versions})"),
            ("  superseded / orphan objects", f"{self.superseded_objects} / {self.orphan_objects}"),
            ("violations", len(self.violations)),
        ]
        width = max(len(label) for label, _ in rows)
        lines = [f"{label.ljust(width)}  {value}" for label, value in rows]
        lines += [f"  ! {violation}" for violation in self.violations[:20]]
        if len(self.violations) > 20:
            lines.append(f"  ! … and {len(self.violations) - 20} more")
        return "\n".join(lines)


def record_id_of(body: object) -> str:
    """The DynamoDB key the outcome of a message with this body is recorded under."""
    message = parse_message(body)
    return message.article_id if isinstance(message, IngestRequest) else message.record_id


def check_invariant(view: AwsView, sent: Mapping[str, str], *, on_queue: Iterable[str] = (),
                    on_dlq: Iterable[str] = (), write_log: WriteLog | None = None,
                    verify_content: bool = True) -> Accounting:
    """Check the invariant after a scenario; ``sent`` is message id → body of every message put in.

    ``on_queue``/``on_dlq``: message ids known to be there (direct handler calls: the ``batchItemFailures`` that Lambda
    would leave on the queue). With ``view.queue_url``/``view.dlq_url`` set, the queues' contents are read as well.
    """
    accounting = Accounting(messages=len(sent))
    items = _scan(view)
    versions = _object_versions(view)
    queue_ids = Counter(on_queue)
    dlq_ids = Counter(on_dlq)
    invisible = 0
    if view.sqs is not None and view.queue_url:
        ids, hidden = _peek(view.sqs, view.queue_url)
        queue_ids.update(ids)
        invisible += hidden
    if view.sqs is not None and view.dlq_url:
        ids, hidden = _peek(view.sqs, view.dlq_url)
        dlq_ids.update(ids)
        invisible += hidden

    _partition(accounting, sent, items, queue_ids, dlq_ids, invisible)
    _check_items(accounting, view, items, versions, verify_content)
    _check_objects(accounting, items, versions)
    if write_log is not None:
        _check_newer_wins(accounting, items, write_log)
    return accounting


def assert_invariant(view: AwsView, sent: Mapping[str, str], **options: Any) -> Accounting:
    accounting = check_invariant(view, sent, **options)
    assert accounting.ok, "invariant violated:\n" + accounting.table()
    return accounting


# ------------------------------------------------------------------------------------------------ the checks


def _partition(accounting: Accounting, sent: Mapping[str, str], items: dict[str, dict[str, Any]],
               queue_ids: Counter[str], dlq_ids: Counter[str], invisible: int) -> None:
    """``invisible``: messages on the queues that could not be received (e.g. delayed by Retry-After)."""
    for message_id, body in sent.items():
        places = queue_ids[message_id] + dlq_ids[message_id]
        if places > 1:
            accounting.buckets["duplicated"] += 1
            accounting.violations.append(f"message {message_id} is on the queues {places} times")
        elif queue_ids[message_id]:
            accounting.buckets["queue"] += 1
        elif dlq_ids[message_id]:
            accounting.buckets["dlq"] += 1
        else:
            item = items.get(record_id_of(body))
            status = item.get("status") if item else None
            if status == "ok":
                accounting.buckets["stored"] += 1
            elif status == "failed" and item and item.get("reason"):
                accounting.buckets["failed"] += 1
                accounting.failure_reasons[item["reason"]] += 1
            elif invisible > 0:  # counted on a queue by ApproximateNumberOfMessagesNotVisible, not by id
                invisible -= 1
                accounting.buckets["queue"] += 1
            else:
                accounting.buckets["lost"] += 1
                what = "no item" if item is None else f"item with status {status!r} and reason {item.get('reason')!r}"
                accounting.violations.append(f"message {message_id} ({body[:80]!r}) is lost: {what}, not queued")
    unknown = (set(queue_ids) | set(dlq_ids)) - set(sent)
    if invisible:
        accounting.violations.append(f"{invisible} invisible message(s) on the queues match no sent message")
    if unknown:
        accounting.violations.append(f"{len(unknown)} message(s) on the queues that were never sent: "
                                     f"{sorted(unknown)[:5]}")


def _check_items(accounting: Accounting, view: AwsView, items: dict[str, dict[str, Any]],
                 versions: dict[str, list[dict[str, Any]]], verify_content: bool) -> None:
    by_url: dict[str, list[str]] = {}
    accounting.items = len(items)
    for key, item in items.items():
        status = item.get("status")
        accounting.items_ok += status == "ok"
        accounting.items_failed += status == "failed"
        empty = sorted(name for name, value in item.items() if value == "" or value == [])
        if empty:
            accounting.violations.append(f"item {key} stores empty values for {empty}")
        if status not in ("ok", "failed"):
            accounting.violations.append(f"item {key} has status {status!r}")
        if status == "failed" and not item.get("reason"):
            accounting.violations.append(f"failed item {key} has no reason")
        if not int(item.get("version", 0)) > 0:
            accounting.violations.append(f"item {key} has no version")
        url = item.get("url")
        if url and not key.startswith("msg-"):
            by_url.setdefault(url, []).append(key)
            if article_id_of(url) != key:
                accounting.violations.append(f"item {key} is not keyed by the SHA-256 of its url {url!r}")
        if status == "ok":
            for name in ("text_key", "raw_key", "content_sha256"):
                if not item.get(name):
                    accounting.violations.append(f"ok item {key} has no {name}")
            if item.get("text_key") and item.get("content_sha256"):
                digest = item["text_key"].rsplit("/", 1)[-1].split(".", 1)[0]
                if not item["content_sha256"].startswith(digest):
                    accounting.violations.append(f"item {key}: text_key does not match content_sha256")
        for name in ("text_key", "raw_key"):
            object_key = item.get(name)
            if not object_key:
                continue
            if not _live(versions.get(object_key, [])):
                accounting.violations.append(f"item {key} points at missing s3://{view.bucket}/{object_key}")
            elif f"/{key}/" not in object_key:
                accounting.violations.append(f"item {key}: {name} {object_key} is another article's object")
            elif verify_content:
                _verify_object(accounting, view, key, name, object_key, item.get("content_sha256"))
    for url, keys in by_url.items():
        if len(keys) > 1:
            accounting.violations.append(f"{len(keys)} items for one URL {url!r}")


def _verify_object(accounting: Accounting, view: AwsView, key: str, name: str, object_key: str,
                   content_sha256: str | None) -> None:
    data = view.s3.get_object(Bucket=view.bucket, Key=object_key)["Body"].read()
    if name == "text_key":
        if content_sha256 and hashlib.sha256(data).hexdigest() != content_sha256:
            accounting.violations.append(f"item {key}: text object does not hash to content_sha256")
        return
    try:
        html = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    except (OSError, EOFError):
        accounting.violations.append(f"item {key}: raw object {object_key} is not valid gzip")
        return
    digest = object_key.rsplit("/", 1)[-1].split(".", 1)[0]
    if not hashlib.sha256(html).hexdigest().startswith(digest):
        accounting.violations.append(f"item {key}: raw object {object_key} does not match its content address")


def _live(entries: list[dict[str, Any]]) -> bool:
    """The key currently has an object (its latest version is not a delete marker)."""
    return any(entry.get("IsLatest") and not entry.get("IsDeleteMarker") for entry in entries)


def _check_objects(accounting: Accounting, items: dict[str, dict[str, Any]],
                   versions: dict[str, list[dict[str, Any]]]) -> None:
    referenced = {item.get(name) for item in items.values() for name in ("text_key", "raw_key")}
    accounting.objects = len(versions)
    for object_key, entries in versions.items():
        accounting.object_versions += len(entries)
        markers = [entry for entry in entries if entry.get("IsDeleteMarker")]
        if markers:
            accounting.violations.append(f"s3 key {object_key} has {len(markers)} delete marker(s)")
        if len(entries) - len(markers) > 1:
            accounting.violations.append(f"s3 key {object_key} has {len(entries) - len(markers)} versions "
                                         "(a rewrite of a content-addressed object)")
        if object_key in referenced:
            continue
        parts = object_key.split("/")
        if len(parts) != 4 or parts[0] not in ("text", "raw"):
            accounting.violations.append(f"unexpected s3 key {object_key}")
        elif parts[2] in items:
            accounting.superseded_objects += 1
        else:
            accounting.orphan_objects += 1


def _check_newer_wins(accounting: Accounting, items: dict[str, dict[str, Any]], write_log: WriteLog) -> None:
    for key, accepted in write_log.accepted.items():
        item = items.get(key)
        if item is None:
            accounting.violations.append(f"item {key} was written (version {accepted}) but is gone")
        elif int(item.get("version", 0)) < accepted:
            accounting.violations.append(f"item {key} holds version {item.get('version')}, older than the accepted "
                                         f"version {accepted}: an older write replaced a newer one")
    for key, acknowledged in write_log.observed.items():
        item = items.get(key)
        if item is None:
            continue  # reported above when it had a version
        holds = max(str(item.get("fetched_at") or ""), str(item.get("last_checked_at") or ""))
        if holds < acknowledged:
            accounting.violations.append(f"item {key} holds content observed at {holds or '(never)'}, older than "
                                         f"content acknowledged as observed at {acknowledged}: a lost update")


# -------------------------------------------------------------------------------------------------- reading


def _scan(view: AwsView) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    request: dict[str, Any] = {"TableName": view.table, "ConsistentRead": True}
    while True:
        response = view.dynamodb.scan(**request)
        for raw in response.get("Items", []):
            item = {name: _DESERIALIZER.deserialize(value) for name, value in raw.items()}
            items[item["article_id"]] = item
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _object_versions(view: AwsView) -> dict[str, list[dict[str, Any]]]:
    versions: dict[str, list[dict[str, Any]]] = {}
    paginator = view.s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=view.bucket):
        for entry in page.get("Versions", []):
            versions.setdefault(entry["Key"], []).append(entry)
        for entry in page.get("DeleteMarkers", []):
            versions.setdefault(entry["Key"], []).append({**entry, "IsDeleteMarker": True})
    return versions


def _peek(sqs: Any, queue_url: str) -> tuple[list[str], int]:
    """Message ids on a queue (received, hidden meanwhile, then made visible again) and the number of messages that
    could not be received because they were invisible (in flight, or delayed by Retry-After) when the peek began."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])["Attributes"]
    # In flight, or delayed: a Retry-After's visibility change, or a deferred copy's DelaySeconds.
    not_visible = int(attributes["ApproximateNumberOfMessagesNotVisible"]) + int(
        attributes.get("ApproximateNumberOfMessagesDelayed", 0))
    seen: list[str] = []
    handles: list[str] = []
    while True:
        response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       VisibilityTimeout=_PEEK_VISIBILITY, MessageAttributeNames=["All"])
        messages = response.get("Messages", [])
        if not messages:
            break
        # A copy re-sent for a Retry-After (batch._defer) stands for the message it was first sent as.
        seen.extend(message.get("MessageAttributes", {}).get(ORIGINAL_ID_ATTRIBUTE, {}).get("StringValue")
                    or message["MessageId"] for message in messages)
        handles.extend(message["ReceiptHandle"] for message in messages)
    for start in range(0, len(handles), 10):
        entries = [{"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                   for i, handle in enumerate(handles[start:start + 10])]
        sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)
    return seen, not_visible
