"""The deadline rule: a batch finishes inside its invocation, whatever one record does.

* The batch waits for its records until the remaining time minus the margin, then reports the unfinished ones for
  retry and returns, without joining their threads.
* A record re-checks its time before extraction and before the writes (injected clock, no wall-clock asserts).
* No AWS SDK call can outlive the function: client timeouts and retries are sized for it.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import process_partial_response

from newsingest.batch import ConcurrentBatchProcessor
from newsingest.fetch import FetchResult
from newsingest.messages import parse_message
from newsingest.outcomes import TransientFailure
from newsingest.pipeline import Dependencies, ingest
from newsingest.storage.clients import client_config, create_clients, worst_case_call_seconds
from newsingest_tools.local.esm import LocalLambdaContext
from newsingest_tools.local.stack import find_template, load_template, template_function_settings
from tests.conftest import sqs_record

# ------------------------------------------------------------------------------------------------ the batch


def _event(*bodies: str) -> dict[str, Any]:
    return {"Records": [sqs_record(body, message_id=body) for body in bodies]}


def test_a_record_still_running_at_the_batch_deadline_is_retried_and_not_waited_for() -> None:
    # Given a batch of three: two quick records and one that hangs until the test releases it
    release = threading.Event()
    hung_started = threading.Event()
    finished: list[str] = []

    def record_handler(record: Any) -> dict[str, str]:
        if record.body == "slow":
            hung_started.set()
            release.wait(timeout=60)
        finished.append(record.body)
        return {"status": "ok"}

    processor = ConcurrentBatchProcessor(max_workers=3, margin_ms=500)
    try:
        # When it runs in an invocation with 1.5 s left (the batch waits 1 s, the margin is 0.5 s)
        result = process_partial_response(event=_event("quick-1", "slow", "quick-2"), record_handler=record_handler,
                                          processor=processor, context=LocalLambdaContext(timeout_seconds=1.5))

        # Then the handler returned with the hung record reported for retry, and the quick ones done
        assert result == {"batchItemFailures": [{"itemIdentifier": "slow"}]}
        assert hung_started.is_set() and sorted(finished) == ["quick-1", "quick-2"]
        # and it did not join the straggler: it is still running now
        assert not release.is_set() and "slow" not in finished
    finally:
        release.set()

    # When the next invocation runs on the same processor while the straggler finishes late
    second = process_partial_response(event=_event("next-1"), record_handler=record_handler, processor=processor,
                                      context=LocalLambdaContext(timeout_seconds=30))
    # Then the straggler's late result does not leak into that response
    assert second == {"batchItemFailures": []}


def test_records_not_started_before_the_batch_deadline_are_retried() -> None:
    # Given one worker, busy with a hung record, and two more records queued behind it
    release = threading.Event()

    def record_handler(record: Any) -> dict[str, str]:
        if record.body == "hung":
            release.wait(timeout=60)
        return {"status": "ok"}

    processor = ConcurrentBatchProcessor(max_workers=1, margin_ms=500)
    try:
        result = process_partial_response(event=_event("hung", "queued-1", "queued-2"), record_handler=record_handler,
                                          processor=processor, context=LocalLambdaContext(timeout_seconds=1.0))
    finally:
        release.set()
    # Then all three are reported (the queued ones were never started)
    assert {f["itemIdentifier"] for f in result["batchItemFailures"]} == {"hung", "queued-1", "queued-2"}


def test_a_failing_record_is_still_reported_as_itself() -> None:
    def record_handler(record: Any) -> dict[str, str]:
        if record.body == "bad":
            raise TransientFailure("http_503", "down")
        return {"status": "ok"}

    result = process_partial_response(event=_event("good", "bad"), record_handler=record_handler,
                                      processor=ConcurrentBatchProcessor(max_workers=2, margin_ms=0),
                                      context=LocalLambdaContext(timeout_seconds=30))
    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}]}


# ------------------------------------------------------------------------------------------ inside a record


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _Fetcher:
    def fetch(self, url: str, **_: Any) -> FetchResult:
        return FetchResult(url=url, final_url=url, status=200, body=b"<p>x</p>", content_type="text/html",
                           charset="utf-8", etag=None, last_modified=None, not_modified=False, redirects=(),
                           elapsed_ms=1)


class _Untouchable:
    """Objects and repository that record calls; only ``get`` may happen before the deadline checks."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def get(self, article_id: str) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        def call(*_: Any, **__: Any) -> None:
            self.calls.append(name)

        return call


def _deps(clock: _Clock, extract: Any, store: _Untouchable, slots: threading.Semaphore | None = None) -> Dependencies:
    return Dependencies(fetcher=_Fetcher(), objects=store, repository=store, extract=extract,
                        extract_slots=slots or threading.BoundedSemaphore(1), write_reserve_s=3.0, monotonic=clock)


def test_no_write_starts_when_extraction_used_up_the_time() -> None:
    # Given an extraction that takes (on the injected clock) until 1 s before the record's deadline
    clock, store = _Clock(), _Untouchable()
    deadline = clock.now + 10

    from newsingest.extract import extract_article

    def extract(body: bytes, url: str, **kwargs: Any) -> Any:
        article = extract_article(b"<article><p>" + b"A sentence of the article body. " * 40 + b"</p></article>", url,
                                  **kwargs)
        clock.now = deadline - 1
        return article

    # When the record is ingested
    with pytest.raises(TransientFailure) as caught:
        ingest(parse_message("https://news.example/a"), _deps(clock, extract, store), deadline=deadline)
    # Then it is left for retry before any write (nothing half-written)
    assert caught.value.reason == "deadline"
    assert store.calls == []


def test_waiting_for_the_extraction_slot_is_bounded_by_the_deadline() -> None:
    # Given the only extraction slot held by another record, and a record with its deadline already too close
    clock, store = _Clock(), _Untouchable()
    slots = threading.BoundedSemaphore(1)
    slots.acquire()
    extracted: list[str] = []
    # When it is ingested
    with pytest.raises(TransientFailure) as caught:
        ingest(parse_message("https://news.example/b"),
               _deps(clock, lambda *a, **k: extracted.append("x"), store, slots), deadline=clock.now + 2.5)
    # Then it gives up instead of waiting for the slot forever, and never extracts nor writes
    assert caught.value.reason == "deadline"
    assert extracted == [] and store.calls == []


# ------------------------------------------------------------------------------------------------ AWS calls


def test_no_aws_call_can_outlive_the_function() -> None:
    # Given the function's timeout as deployed and the clients the function creates
    function = template_function_settings(load_template(find_template()))
    clients = create_clients()
    # When the worst case of one call is computed (every attempt timing out, every back-off at its longest)
    worst = worst_case_call_seconds(client_config())
    # Then it ends well inside the function's timeout (the old settings allowed ~130 s against 60 s)
    assert worst <= function.timeout / 2, worst
    for client in (clients.s3, clients.dynamodb, clients.sqs):
        config = client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (2, 5)
        assert config.retries["total_max_attempts"] == 3
