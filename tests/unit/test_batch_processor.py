"""What ``ConcurrentBatchProcessor`` relies on from Powertools, pinned: a Powertools release changing it fails here.

The processor overrides only the hooks Powertools documents for a custom processor (``_prepare``, ``_process_record``,
``_clean``) and lets ``process_partial_response`` drive them. It relies on:

* the protocol: ``_prepare`` once on entering the batch, then Powertools' ``process()`` calling ``_process_record``
  once per record, in the event's order, on the calling thread, then ``_clean`` once, then ``response()``;
* the response shape Lambda reads: ``{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}``, in record order;
* a record handler's exception failing that record only; all records failing is still a response, not an error
  (``raise_on_entire_batch_failure=False``); the handler gets an ``SQSRecord`` and, when its signature asks for it,
  the Lambda context; nothing of one batch's result is left in the next one's.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsingest.batch import ConcurrentBatchProcessor
from newsingest_tools.local.esm import LocalLambdaContext
from tests.conftest import sqs_record


def _event(*message_ids: str) -> dict[str, Any]:
    return {"Records": [sqs_record(f"body of {message_id}", message_id=message_id) for message_id in message_ids]}


class _Recording(ConcurrentBatchProcessor):
    """The processor, noting which hook Powertools calls when, and from which thread."""

    def __init__(self) -> None:
        super().__init__(max_workers=2, margin_ms=0)
        self.calls: list[tuple[str, str | None, str]] = []
        self.entries: list[tuple[str, Any, Any]] = []

    def _prepare(self) -> None:
        self.calls.append(("_prepare", None, threading.current_thread().name))
        super()._prepare()

    def _process_record(self, record: dict[str, Any]) -> Any:
        self.calls.append(("_process_record", record["messageId"], threading.current_thread().name))
        entry = super()._process_record(record)
        self.entries.append(entry)
        return entry

    def _clean(self) -> None:
        self.calls.append(("_clean", None, threading.current_thread().name))
        super()._clean()

    def response(self) -> Any:
        self.calls.append(("response", None, threading.current_thread().name))
        return super().response()


def test_process_partial_response_drives_the_documented_hooks_in_order_on_the_calling_thread() -> None:
    # Given the processor, recording its hooks
    processor = _Recording()
    caller = threading.current_thread().name

    # When process_partial_response runs a batch of three through it
    response = process_partial_response(event=_event("a", "b", "c"), record_handler=lambda record: record.body,
                                        processor=processor, context=LocalLambdaContext(timeout_seconds=30))

    # Then Powertools called _prepare, _process_record per record in the event's order, _clean, then response,
    # all on the calling thread (so only that thread touches the success and failure lists)
    assert processor.calls == [("_prepare", None, caller), ("_process_record", "a", caller),
                               ("_process_record", "b", caller), ("_process_record", "c", caller),
                               ("_clean", None, caller), ("response", None, caller)]
    assert response == {"batchItemFailures": []}
    # and each record's entry is Powertools' success tuple with the handler's result, in order
    assert [(status, result) for status, result, _ in processor.entries] == [
        ("success", "body of a"), ("success", "body of b"), ("success", "body of c")]


def test_an_exception_fails_only_its_record_and_the_failures_keep_the_records_order() -> None:
    # Given a handler that fails two records of five, the later one first in time
    def record_handler(record: SQSRecord) -> str:
        if record.message_id in {"m-2", "m-4"}:
            raise ValueError(f"cannot handle {record.message_id}")
        return "ok"

    # When the batch runs
    processor = ConcurrentBatchProcessor(max_workers=5, margin_ms=0)
    response = process_partial_response(event=_event("m-1", "m-2", "m-3", "m-4", "m-5"),
                                        record_handler=record_handler, processor=processor,
                                        context=LocalLambdaContext(timeout_seconds=30))

    # Then exactly those two are reported, by message id, in the shape Lambda reads, in the records' order
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-2"}, {"itemIdentifier": "m-4"}]}
    # and the other three count as processed (deleted from the queue by Lambda)
    assert sorted(SQSRecord(record).message_id for record in processor.success_messages) == ["m-1", "m-3", "m-5"]
    assert [str(error) for _, error, _ in processor.exceptions] == ["cannot handle m-2", "cannot handle m-4"]


def test_a_batch_whose_records_all_fail_is_a_response_listing_them_all_not_an_error() -> None:
    # Given a handler that fails every record
    def record_handler(record: SQSRecord) -> None:
        raise RuntimeError("down")

    # When the batch runs
    response = process_partial_response(event=_event("x", "y"), record_handler=record_handler,
                                        processor=ConcurrentBatchProcessor(max_workers=2, margin_ms=0),
                                        context=LocalLambdaContext(timeout_seconds=30))

    # Then the invocation returns every record for retry instead of raising BatchProcessingError
    assert response == {"batchItemFailures": [{"itemIdentifier": "x"}, {"itemIdentifier": "y"}]}


def test_the_handler_gets_an_sqs_record_and_the_context_only_when_it_asks_for_it() -> None:
    # Given a handler that takes the Lambda context, and one that does not
    context = LocalLambdaContext(timeout_seconds=30)
    seen: list[tuple[str, Any]] = []

    def with_context(record: SQSRecord, lambda_context: Any) -> None:
        seen.append((type(record).__name__, lambda_context))

    def without_context(record: SQSRecord) -> None:
        seen.append((type(record).__name__, None))

    # When each runs a one-record batch
    processor = ConcurrentBatchProcessor(max_workers=1, margin_ms=0)
    process_partial_response(event=_event("c-1"), record_handler=with_context, processor=processor, context=context)
    process_partial_response(event=_event("c-2"), record_handler=without_context, processor=processor,
                             context=context)

    # Then the first got the SQSRecord and the very context of the invocation, the second the record alone
    assert seen == [("SQSRecord", context), ("SQSRecord", None)]


def test_one_batchs_failures_are_not_reported_again_in_the_next() -> None:
    # Given a processor (one per execution environment) whose first batch had a failure
    def record_handler(record: SQSRecord) -> None:
        if record.message_id == "bad":
            raise ValueError("bad")

    processor = ConcurrentBatchProcessor(max_workers=2, margin_ms=0)
    first = process_partial_response(event=_event("bad", "good"), record_handler=record_handler, processor=processor,
                                     context=LocalLambdaContext(timeout_seconds=30))

    # When the next batch succeeds entirely
    second = process_partial_response(event=_event("good-2"), record_handler=record_handler, processor=processor,
                                      context=LocalLambdaContext(timeout_seconds=30))

    # Then only the first batch reports its failure, and the second starts from nothing
    assert first == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert second == {"batchItemFailures": []}
    assert [SQSRecord(record).message_id for record in processor.success_messages] == ["good-2"]


def test_copies_of_one_body_run_one_after_the_other_and_other_bodies_alongside() -> None:
    # Given a batch with one body three times and another body once, and a handler that notes overlaps
    event = {"Records": [sqs_record("https://news.example/same", message_id=f"copy-{n}") for n in range(3)]
             + [sqs_record("https://news.example/other", message_id="other")]}
    running: dict[str, int] = {}
    most_at_once: dict[str, int] = {}
    lock = threading.Lock()
    other_started = threading.Event()

    def record_handler(record: SQSRecord) -> str:
        with lock:
            running[record.body] = running.get(record.body, 0) + 1
            most_at_once[record.body] = max(most_at_once.get(record.body, 0), running[record.body])
        if record.body.endswith("/same"):
            other_started.wait(timeout=5)  # the other body runs while a copy is still running
        else:
            other_started.set()
        with lock:
            running[record.body] -= 1
        return record.body

    # When the batch runs on two workers
    response = process_partial_response(event=event, record_handler=record_handler,
                                        processor=ConcurrentBatchProcessor(max_workers=2, margin_ms=0),
                                        context=LocalLambdaContext(timeout_seconds=30))

    # Then every record succeeded, no two copies of the same body ever ran at once, and the other body did run
    # alongside them (a copy was still waiting for it)
    assert response == {"batchItemFailures": []}
    assert most_at_once == {"https://news.example/same": 1, "https://news.example/other": 1}
    assert other_started.is_set()
