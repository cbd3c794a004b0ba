"""Faults: AWS failing, crashes, duplicates, races, deadlines; after each one the invariant holds.

Everything runs through the real ``lambda_handler`` (template.yaml's handler) against in-process moto; faults moto
cannot produce on demand are injected into the function's own boto3 clients (``FaultyClient``).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import UnexpectedBatchTypeError
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsingest.batch import NotAnSqsEvent, build_runtime, handle_record
from newsingest.messages import parse_message
from newsingest.outcomes import PermanentFailure, Status, TransientFailure
from newsingest.pipeline import Attempt, record_failure
from newsingest.settings import Settings
from newsingest.urls import article_id, normalize_url
from newsingest_tools.local.esm import LocalLambdaContext
from tests.conftest import sqs_record
from tests.support.invariant import AwsView, WriteLog, check_invariant
from tests.support.world import Crash, World, aws_error

GOOD = "page/{n}/coastline_lighthouse.html"


def _id(url: str) -> str:
    return article_id(normalize_url(url))


def _failed_ids(result: dict[str, Any]) -> set[str]:
    return {failure["itemIdentifier"] for failure in result["batchItemFailures"]}


# ------------------------------------------------------------------------------------------------- S3 failing


def test_s3_put_object_failing_leaves_no_item_and_the_retry_completes(world: World) -> None:
    # Given a good URL on the queue, and S3 refusing the text object twice (after the raw object was written)
    url = world.origin.url(GOOD.format(n=1))
    world.send(url)
    s3 = world.faulty_s3()
    s3.fail("put_object", aws_error("InternalError", "PutObject", 500), times=1,
            when=lambda **p: p["Key"].startswith("text/"))
    s3.fail("put_object", aws_error("SlowDown", "PutObject", 503), times=1,
            when=lambda **p: p["Key"].startswith("text/"))

    # When the function receives it once
    first = world.poll()

    # Then it is reported for retry, and no item points at the missing text object
    assert (first.received, first.failed) == (1, 1)
    assert world.item(_id(url)) is None
    accounting = world.check()
    assert accounting.buckets["queue"] == 1

    # When the queue is drained (the second delivery fails too, the third succeeds)
    world.drain()

    # Then the article is stored once: one item, one version of each object (the raw one was not rewritten)
    assert world.item(_id(url))["status"] == "ok"
    assert s3.failures_left("put_object") == 0
    assert sorted(world.versions().values()) == [1, 1]
    assert world.check().buckets["stored"] == 1


def _s3_with_conflicts(world: World, sleeps: list[float]) -> Any:
    """The function's S3 client failing on demand, its 409 back-off recorded instead of slept (jitter fixed at 1)."""
    from newsingest.storage import ArticleObjects

    s3 = world.faulty_s3()
    runtime = world.runtime
    runtime.deps.objects = ArticleObjects(s3, runtime.deps.objects.bucket, sleep=sleeps.append, jitter=lambda: 1.0)
    return s3


def test_s3_409_conditional_request_conflict_is_retried_in_place(world: World) -> None:
    # Given a good URL, and S3 answering 409 ConditionalRequestConflict twice to the text PUT, as real S3 does while
    # a concurrent conditional PUT of the same key is in flight (moto never does: injected)
    url = world.origin.url(GOOD.format(n=1))
    world.send(url)
    sleeps: list[float] = []
    s3 = _s3_with_conflicts(world, sleeps)
    conflict = aws_error("ConditionalRequestConflict", "PutObject", 409)
    s3.fail("put_object", conflict, times=2, when=lambda **p: p["Key"].startswith("text/"))

    # When the function receives it once
    first = world.poll()

    # Then it is stored in that one delivery (no receive burnt), after two jittered, growing back-offs
    assert (first.received, first.succeeded, first.failed) == (1, 1, 0)
    assert world.item(_id(url))["status"] == "ok"
    assert sleeps == [0.05, 0.1]
    assert sorted(world.versions().values()) == [1, 1]
    assert world.check().buckets == {"stored": 1}


def test_s3_409_that_persists_leaves_the_message_for_redelivery(world: World) -> None:
    # Given S3 answering 409 to every retry in place of the raw PUT
    url = world.origin.url(GOOD.format(n=2))
    world.send(url)
    sleeps: list[float] = []
    s3 = _s3_with_conflicts(world, sleeps)
    s3.fail("put_object", aws_error("ConditionalRequestConflict", "PutObject", 409), times=4,
            when=lambda **p: p["Key"].startswith("raw/"))

    # When received once, then drained
    first = world.poll()
    assert (first.received, first.failed) == (1, 1)
    assert len(sleeps) == 3 and world.item(_id(url)) is None
    world.drain()

    # Then the redelivery stores it; nothing was lost or written twice
    assert world.item(_id(url))["status"] == "ok"
    assert world.check().buckets == {"stored": 1}


# --------------------------------------------------------------------------------------------- DynamoDB failing


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException",
                                  "InternalServerError", "ServiceUnavailable"])
def test_dynamodb_write_throttled_or_failing_is_retried_without_duplicate_objects(world: World, code: str) -> None:
    # Given two good URLs, and the table refusing the first item write with a throttling or service error
    urls = [world.origin.url(GOOD.format(n=n)) for n in (1, 2)]
    world.send(*urls)
    db = world.faulty_dynamodb()
    db.fail("put_item", aws_error(code, "PutItem", 400 if "Exception" in code else 500))

    # When the function receives the batch once
    first = world.poll()

    # Then exactly the throttled message is retried; its objects are written but no item yet (still on the queue)
    assert (first.received, first.succeeded, first.failed) == (2, 1, 1)
    assert world.check().buckets == {"stored": 1, "queue": 1}

    # When drained
    world.drain()

    # Then both are stored, and the retry reused the objects written before (one version each)
    assert world.check().buckets == {"stored": 2}
    assert set(world.versions().values()) == {1} and len(world.versions()) == 4


def test_dynamodb_errors_on_read_and_on_recording_a_failure_are_retried(world: World) -> None:
    # Given a 404 and a good page, the table failing the first read and the first failure record
    missing, good = world.origin.url("missing/1"), world.origin.url(GOOD.format(n=1))
    world.send(missing, good)
    db = world.faulty_dynamodb()
    db.fail("get_item", aws_error("InternalServerError", "GetItem", 500))
    db.fail("update_item", aws_error("ThrottlingException", "UpdateItem"))

    # When drained
    drained = world.drain()

    # Then each is retried until recorded: the 404 as a failure with its reason, the page as an article
    assert drained.failed >= 1
    assert world.item(_id(missing))["reason"] == "http_404"
    assert world.item(_id(good))["status"] == "ok"
    assert world.check().buckets == {"stored": 1, "failed": 1}


def test_persistent_throttling_ends_in_the_dead_letter_queue_with_nothing_half_written(world: World) -> None:
    # Given a good URL and a table that throttles every item write
    url = world.origin.url(GOOD.format(n=1))
    [message_id] = world.send(url)
    db = world.faulty_dynamodb()
    db.fail("put_item", aws_error("ProvisionedThroughputExceededException", "PutItem"), times=100)

    # When drained: received maxReceiveCount (5) times, then moved by SQS to the DLQ
    drained = world.drain()

    # Then it is in the DLQ, no item exists, and its objects (written once, never twice) are orphans, not duplicates
    assert drained.received == 5
    accounting = world.check()
    assert accounting.buckets == {"dlq": 1}
    assert accounting.orphan_objects == 2 and set(world.versions().values()) == {1}
    assert world.item(_id(url)) is None


# ------------------------------------------------------------------------------------------------------- crash


def test_crash_after_the_s3_writes_and_before_the_item_is_completed_by_the_retry(world: World) -> None:
    # Given three good URLs in one batch, and the environment dying when the second one's item is about to be written
    urls = [world.origin.url(GOOD.format(n=n)) for n in (1, 2, 3)]
    world.send(*urls)
    doomed = _id(urls[1])
    db = world.faulty_dynamodb()
    db.fail("put_item", Crash("killed mid-write"), when=lambda **p: p["Item"]["article_id"]["S"] == doomed)

    def lambda_runtime(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return world.handler(event, context)
        except Crash as crash:  # Lambda reports the invocation failed: the whole batch comes back
            raise RuntimeError("invocation crashed") from crash

    # When the function receives the batch and crashes
    first = world.poll(lambda_runtime)

    # Then the whole batch is retried; the doomed article's objects exist but no item points at them yet
    assert first.handler_error is not None and first.failed == 3
    assert world.item(doomed) is None
    doomed_objects = {key for key in world.versions() if f"/{doomed}/" in key}
    assert len(doomed_objects) == 2
    world.check()

    # When the batch is redelivered
    world.drain()

    # Then the retry completes it: every article stored once, no object rewritten (one version each)
    assert world.item(doomed)["status"] == "ok"
    assert {world.item(doomed)[name] for name in ("text_key", "raw_key")} == doomed_objects
    assert len(world.versions()) == 6 and set(world.versions().values()) == {1}
    assert world.check().buckets == {"stored": 3}


# ------------------------------------------------------------------------------------------- duplicate delivery


def test_duplicate_delivery_of_one_message_stores_it_once(world: World) -> None:
    # Given one message, delivered, then delivered again (the delete after the first invocation was lost)
    url = world.origin.url(GOOD.format(n=1))
    event = world.event(url)

    # When the function handles both deliveries
    first = world.handler(event, LocalLambdaContext())
    stored = world.item(_id(url))
    second = world.handler(event, LocalLambdaContext())

    # Then both succeed, the second only confirms the content (last_checked_at, and version: the newer observation)
    # one item, one of each object
    assert first["batchItemFailures"] == [] and second["batchItemFailures"] == []
    again = world.item(_id(url))
    assert again["version"] > stored["version"] and again["text_key"] == stored["text_key"]
    assert again["fetched_at"] == stored["fetched_at"]
    assert again["last_checked_at"] >= stored["last_checked_at"]
    assert list(world.versions().values()) == [1, 1]
    assert world.check(queues=False).buckets == {"stored": 1}


def test_the_same_message_twice_in_one_batch_is_stored_once(world: World) -> None:
    # Given a batch holding the same body twice (SQS may deliver a message twice; producers may send it twice)
    url = world.origin.url(GOOD.format(n=1))
    event = world.event(url, url)

    # When handled (concurrently, on the batch's thread pool)
    result = world.handler(event, LocalLambdaContext())

    # Then both succeed and there is one item and one version of each object
    assert result["batchItemFailures"] == []
    assert list(world.versions().values()) == [1, 1]
    assert world.check(queues=False).buckets == {"stored": 2}


# ------------------------------------------------------------------------------------- concurrent same-URL race


@pytest.mark.parametrize("finishes_first", ["older", "newer"])
def test_two_concurrent_messages_for_one_url_keep_the_newer_version(world: World, finishes_first: str) -> None:
    # Given two execution environments, each handling a message for the same URL, started 1 s apart (their versions),
    # both reading the (absent) record before either writes: a barrier after the read, and the one that finishes
    # first completes before the other one writes anything
    url = world.origin.url(GOOD.format(n=1))
    records = {name: sqs_record(url, message_id=f"m-{name}", queue_arn=world.queue_arn) for name in ("older", "newer")}
    for record in records.values():
        world.sent[record["messageId"]] = url
    start = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    clocks = {"older": start, "newer": start + timedelta(seconds=1)}
    both_read = threading.Barrier(2, timeout=30)
    first_done = threading.Event()
    second = "newer" if finishes_first == "older" else "older"
    results: dict[str, Any] = {}

    def environment(name: str) -> None:
        runtime = build_runtime(Settings.from_env())
        runtime.deps.clock = lambda: clocks[name]
        world.write_log.attach(runtime.deps.repository._db)
        repository = runtime.deps.repository
        read = repository.get

        def get_then_wait(article: str) -> Any:
            existing = read(article)
            both_read.wait()
            if name == second:
                assert first_done.wait(timeout=30)
            return existing

        repository.get = get_then_wait
        try:
            results[name] = handle_record(_record(records[name]), LocalLambdaContext(), runtime)
        finally:
            if name == finishes_first:
                first_done.set()

    # When both run at once
    threads = [threading.Thread(target=environment, args=(name,)) for name in ("older", "newer")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then both succeed (the loser of the race is superseded, not failed) and the newer version is what is stored
    loser = Status.OK.value if finishes_first == "older" else Status.SUPERSEDED.value
    assert (results["older"]["status"], results["newer"]["status"]) == (loser, Status.OK.value)
    item = world.item(_id(url))
    assert item["version"] == int(clocks["newer"].timestamp() * 1_000_000)
    assert list(world.versions().values()) == [1, 1]
    assert world.check(queues=False).buckets == {"stored": 2}


def _record(raw: dict[str, Any]) -> SQSRecord:
    return SQSRecord(raw)


def test_an_older_write_never_replaces_a_newer_one(world: World) -> None:
    # Given an article stored by an attempt that started at 05:00, and a write log watching the table
    log = WriteLog().attach(world.stack.clients.dynamodb)
    url = world.origin.url(GOOD.format(n=1))
    newer = build_runtime(Settings.from_env())
    newer.deps.clock = lambda: datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    handle_record(_record(sqs_record(url, message_id="new", queue_arn=world.queue_arn)), None, newer)
    world.sent["new"] = url

    # When an attempt that started at 04:00 records a permanent failure for it afterwards
    older = build_runtime(Settings.from_env())
    older.deps.clock = lambda: datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    record_failure(parse_message(url), PermanentFailure("http_404", "late"), older.deps, Attempt(older.deps.clock()))

    # Then the newer article stands, and the invariant (with the write log) agrees
    assert world.item(_id(url))["status"] == "ok"
    assert world.check(queues=False).buckets == {"stored": 1}
    view = AwsView(s3=world.view.s3, dynamodb=world.view.dynamodb, bucket=world.view.bucket, table=world.view.table)
    assert check_invariant(view, world.sent, write_log=log).ok


def test_the_invariant_catches_an_older_version_overwriting_a_newer_one(world: World) -> None:
    # Given a stored article and a write log that saw a newer version accepted than the one now stored
    url = world.origin.url(GOOD.format(n=1))
    world.handler(world.event(url), LocalLambdaContext())
    stored = world.item(_id(url))
    log = WriteLog()
    log.merge({_id(url): stored["version"] + 1})
    view = AwsView(s3=world.view.s3, dynamodb=world.view.dynamodb, bucket=world.view.bucket, table=world.view.table)

    # When checked / Then the checker reports it (the checker itself is tested, not just trusted)
    accounting = check_invariant(view, world.sent, write_log=log)
    assert not accounting.ok and "older write replaced a newer one" in accounting.violations[0]


def test_the_invariant_catches_a_lost_message_and_a_missing_object(world: World) -> None:
    # Given a stored article whose text object is then deleted, and a message that was never processed
    url = world.origin.url(GOOD.format(n=1))
    world.handler(world.event(url), LocalLambdaContext())
    world.view.s3.delete_object(Bucket=world.view.bucket, Key=world.item(_id(url))["text_key"])
    world.sent["never-processed"] = world.origin.url(GOOD.format(n=2))

    # When checked
    accounting = check_invariant(world.view, world.sent)

    # Then both are reported
    assert accounting.lost == 1
    assert any("points at missing" in v for v in accounting.violations)
    assert any("delete marker" in v for v in accounting.violations)


# ----------------------------------------------------------------------------------------------- out of time


class DwindlingContext(LocalLambdaContext):
    """A Lambda context with plenty of time for the first ``grant`` checks, then almost none."""

    def __init__(self, grant: int) -> None:
        super().__init__()
        self._grant = grant
        self._lock = threading.Lock()

    def get_remaining_time_in_millis(self) -> int:
        with self._lock:
            self._grant -= 1
            return 60_000 if self._grant >= 0 else 1_000


def test_running_out_of_time_mid_batch_reports_the_rest_without_starting_it(world: World) -> None:
    # Given a batch of 10 good URLs and an invocation whose time runs out after 3 messages were started
    urls = [world.origin.url(GOOD.format(n=n)) for n in range(10)]
    event = world.event(*urls)

    # When handled (the batch reads the time once for its own deadline, then once per message it starts)
    result = world.handler(event, DwindlingContext(grant=1 + 3))

    # Then 3 are stored and the other 7 are reported for retry; those 7 were never fetched nor written
    failed = _failed_ids(result)
    assert len(failed) == 7
    started = {r["body"] for r in event["Records"] if r["messageId"] not in failed}
    assert set(world.origin.page_hits()) == {"/" + u.split("/", 3)[3] for u in started}
    for record in event["Records"]:
        assert (world.item(_id(record["body"])) is None) == (record["messageId"] in failed)
    world.check(queues=False, on_queue=failed)

    # When the 7 are redelivered to an invocation with time left
    retry = {"Records": [r for r in event["Records"] if r["messageId"] in failed]}
    assert world.handler(retry, LocalLambdaContext())["batchItemFailures"] == []

    # Then all 10 are stored
    assert world.check(queues=False).buckets == {"stored": 10}


# ------------------------------------------------------------------------------------------ whole batch failing


def test_an_entire_batch_failing_is_reported_item_by_item_and_ends_in_the_dlq(world: World) -> None:
    # Given 10 URLs of a site that is down (503)
    world.send(*(world.origin.url(f"status/503?n={n}") for n in range(10)))

    # When the function receives the batch
    first = world.poll()

    # Then the handler does not raise: all 10 are listed in batchItemFailures
    assert first.handler_error is None and (first.received, first.failed) == (10, 10)

    # When drained: every message is received maxReceiveCount (5) times, then SQS moves it to the DLQ
    drained = world.drain()

    # Then all 10 are in the DLQ, nothing was recorded, nothing lost
    assert drained.succeeded == 0
    assert world.check().buckets == {"dlq": 10}


# ---------------------------------------------------------------------------------------- empty, non-SQS events


@pytest.mark.parametrize("event", [
    {"Records": []},
    {},
    {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}},
    {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"object": {"key": "k"}}}]},
], ids=["empty-records", "empty-object", "eventbridge", "s3-records"])
def test_an_empty_or_non_sqs_event_fails_the_invocation_and_touches_nothing(world: World,
                                                                             event: dict[str, Any]) -> None:
    # Given an event that is not an SQS batch (the SQS event source never sends an empty one)
    # When the handler is invoked with it
    with pytest.raises((UnexpectedBatchTypeError, NotAnSqsEvent)):  # defined behaviour: the invocation fails loudly
        world.handler(event, LocalLambdaContext())

    # Then nothing was fetched or written: a misrouted trigger shows up as an invocation error, never as
    # silently "processed" input; there was no message, so nothing can be lost
    assert not world.origin.page_hits()
    assert world.check().items == 0 and world.versions() == {}


# --------------------------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(("path", "delay"), [("status/503?retry_after=120", 120), ("status/429?retry_after=30", 30),
                                             ("status/503?retry_after=900", 900)])
def test_retry_after_delays_the_redelivery_with_change_message_visibility(world: World, path: str,
                                                                          delay: int) -> None:
    # Given a site answering 503/429 with Retry-After, and the function's SQS calls watched
    [message_id] = world.send(world.origin.url(path))
    visibility: list[dict[str, Any]] = []
    world.runtime.delayer._sqs.meta.events.register(
        "provide-client-params.sqs.ChangeMessageVisibility", lambda params, **_: visibility.append(dict(params)))

    # When the function receives it (an event source that leaves failures to their visibility timeout, as Lambda does)
    report = world.source(retry_visibility_seconds=None).poll_once()

    # Then it is reported for retry and ChangeMessageVisibility set that delay (up to 15 min: longer ones re-send)
    assert report.failed == 1
    assert [call["VisibilityTimeout"] for call in visibility] == [delay]
    assert visibility[0]["QueueUrl"] == world.stack.outputs.queue_url
    # and the message stays on the queue, invisible until then: not lost
    received = world.sqs.receive_message(QueueUrl=world.stack.outputs.queue_url, WaitTimeSeconds=0)
    assert received.get("Messages", []) == []
    assert world.check().buckets == {"queue": 1}


# ----------------------------------------------------------------------- Retry-After past what a receive can hold


def _watch(world: World, operation: str) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    world.runtime.delayer._sqs.meta.events.register(
        f"provide-client-params.sqs.{operation}", lambda params, **_: calls.append(dict(params)))
    return calls


def _copy_record(world: World, url: str, *, receive_count: int = 1, **attributes: str) -> SQSRecord:
    raw = sqs_record(url, message_id="copy-1", queue_arn=world.queue_arn, receive_count=receive_count)
    raw["messageAttributes"] = {name: {"stringValue": value, "dataType": "String"}
                                for name, value in attributes.items()}
    return SQSRecord(raw)


NOW = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)


def test_a_long_retry_after_re_sends_the_message_instead_of_burning_a_receive(world: World) -> None:
    # Given a site answering 429 with Retry-After: 2 h (longer than DelaySeconds' 15 min)
    [message_id] = world.send(world.origin.url("status/429?retry_after=7200"))
    world.runtime.deps.clock = lambda: NOW
    sends, visibility = _watch(world, "SendMessage"), _watch(world, "ChangeMessageVisibility")

    # When the function receives it
    report = world.source(retry_visibility_seconds=None).poll_once()

    # Then it is not failed (no receive burnt): a copy is sent, delayed 15 min, due in 2 h, with a deferral counter
    assert (report.received, report.failed) == (1, 0) and visibility == []
    [sent] = sends
    attributes = {name: value["StringValue"] for name, value in sent["MessageAttributes"].items()}
    assert sent["DelaySeconds"] == 900 and sent["QueueUrl"] == world.stack.outputs.queue_url
    assert attributes == {"newsingest-deferrals": "1", "newsingest-not-before": f"{NOW.timestamp() + 7200:.3f}",
                          "newsingest-original-message-id": message_id}
    # and the message is still accounted for: the delayed copy stands for it
    assert world.check().buckets == {"queue": 1}


def test_a_deferred_copy_waits_for_its_due_time_then_is_processed(world: World) -> None:
    url = world.origin.url(GOOD.format(n=1))
    due = NOW.timestamp() + 7200
    record = _copy_record(world, url, **{"newsingest-deferrals": "1", "newsingest-not-before": f"{due:.3f}"})
    visibility = _watch(world, "ChangeMessageVisibility")

    # When the copy arrives 15 min after it was sent (1 h 45 min early)
    world.runtime.deps.clock = lambda: NOW + timedelta(minutes=15)
    with pytest.raises(TransientFailure) as caught:
        handle_record(record, LocalLambdaContext(), world.runtime)
    # Then it waits (visibility until its due time) without fetching
    assert caught.value.reason == "deferred"
    assert [call["VisibilityTimeout"] for call in visibility] == [6300]
    assert not world.origin.page_hits()

    # When it arrives at its due time / Then it is processed
    world.runtime.deps.clock = lambda: NOW + timedelta(hours=2)
    assert handle_record(record, LocalLambdaContext(), world.runtime)["status"] == "ok"


def test_a_short_retry_after_on_a_message_low_on_receives_is_re_sent(world: World) -> None:
    # Given a message on its third receive, and a site asking for 2 minutes
    record = _copy_record(world, world.origin.url("status/503?retry_after=120"), receive_count=3)
    world.runtime.deps.clock = lambda: NOW
    sends = _watch(world, "SendMessage")
    # When handled / Then it is re-sent with its receives reset instead of spending one of its last two
    assert handle_record(record, LocalLambdaContext(), world.runtime)["status"] == "deferred"
    assert sends[0]["DelaySeconds"] == 120
    assert sends[0]["MessageAttributes"]["newsingest-original-message-id"]["StringValue"] == "copy-1"


def test_after_the_last_deferral_the_delay_is_clamped_to_twelve_hours_from_the_receive(world: World) -> None:
    # Given a message already deferred 8 times, and a site asking for a day (the parser clamps to 12 h)
    record = _copy_record(world, world.origin.url("status/429?retry_after=86400"), receive_count=4,
                          **{"newsingest-deferrals": "8", "newsingest-original-message-id": "first"})
    world.runtime.deps.clock = lambda: NOW
    sends, visibility = _watch(world, "SendMessage"), _watch(world, "ChangeMessageVisibility")
    # When handled
    with pytest.raises(TransientFailure):
        handle_record(record, LocalLambdaContext(), world.runtime)
    # Then it is retried as usual (toward the DLQ), its visibility inside the 12 h SQS allows from the receive
    assert sends == []
    assert [call["VisibilityTimeout"] for call in visibility] == [43_200 - 300]
