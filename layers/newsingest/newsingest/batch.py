"""The function side of the pipeline: one execution environment's runtime, the batch processor and the record handler.

``functions/ingest/app.py`` stays thin: its record handler makes one call, ``handle_record``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse, SuccessResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsingest.fetch import Fetcher
from newsingest.messages import InvalidMessage, parse_message
from newsingest.observability import NAMESPACE, SERVICE, logger, metrics
from newsingest.outcomes import HOST_BUDGET_REASON, Outcome, TransientFailure
from newsingest.pipeline import Dependencies, ingest, record_invalid_message
from newsingest.politeness import host_gate
from newsingest.settings import Settings
from newsingest.storage import ArticleEvents, ArticleObjects, ArticleRepository
from newsingest.storage.clients import create_clients
from newsingest.storage.queue import (
    DEFERRALS_ATTRIBUTE,
    MAX_DELAY_SECONDS,
    NOT_BEFORE_ATTRIBUTE,
    ORIGINAL_ID_ATTRIBUTE,
    MessageDelayer,
)

# Re-sends of one message for Retry-After delays (each resets its receive count); then it is retried as usual.
MAX_DEFERRALS = 8
# Re-sends of one message waiting for its host's budget: a backlog of one host drains at the host's rate, so its
# messages may wait their turn many times; still bounded, so a message always ends somewhere.
MAX_BUDGET_DEFERRALS = 100
# From this receive on, a Retry-After re-sends the message rather than spending one of its last receives.
DEFER_AFTER_RECEIVES = 3


@dataclass
class Runtime:
    """What one execution environment keeps between invocations: settings, clients, the fetcher's pools."""

    settings: Settings
    deps: Dependencies
    delayer: MessageDelayer


def build_runtime(settings: Settings, *, endpoint_url: str | None = None) -> Runtime:
    bus = settings.event_bus_name
    clients = create_clients(max_pool_connections=settings.batch_concurrency * 2, endpoint_url=endpoint_url,
                             with_events=bus is not None)
    deps = Dependencies(
        fetcher=Fetcher(settings.fetch, gate=host_gate(settings, clients.dynamodb)),
        objects=ArticleObjects(clients.s3, settings.articles_bucket),
        repository=ArticleRepository(clients.dynamodb, settings.articles_table),
        extract_slots=threading.BoundedSemaphore(settings.extract_concurrency),
        events=ArticleEvents(clients.events, bus) if bus is not None else None,
    )
    return Runtime(settings=settings, deps=deps, delayer=MessageDelayer(clients.sqs))


@lru_cache(maxsize=1)
def get_runtime() -> Runtime:
    """Built on the first invocation (not at import: cold starts stay cheap), then reused."""
    return build_runtime(Settings.from_env())


def reset_runtime() -> None:
    """Forget the cached runtime (tests, and the local worker when the environment changes)."""
    get_runtime.cache_clear()


class ConcurrentBatchProcessor(BatchProcessor):
    """Powertools' SQS ``BatchProcessor`` that runs a batch's records on a bounded thread pool, inside a deadline.

    A batch's fetches overlap instead of queueing behind each other; the per-host limit is enforced by the
    Fetcher. Failures are still collected per record, so ``batchItemFailures`` lists exactly the records to retry.

    Only the hooks Powertools documents for a custom processor are overridden (``_prepare``, ``_process_record``,
    ``_clean``), driven by ``process_partial_response`` as for any processor: ``_prepare`` (on entering the batch)
    checks the records and submits them all to the pool; Powertools' own ``process()`` then calls
    ``_process_record`` for each record in order, on the calling thread, and each call waits for that record's
    result until the batch deadline; ``_clean`` (on leaving) lets the pool go, flushes the outcome counts and
    builds the response. tests/unit/test_batch_processor.py pins that protocol.

    The deadline rule (docs/delivery-guarantees.md): the processor waits for the records until the invocation's
    remaining time minus ``Settings.deadline_margin_ms``, and no longer. A record still running then is reported
    as a failure (retried) and left to finish on its own: the pool is shut down without joining it (no
    ``with ThreadPoolExecutor``), so one slow record never turns into a function timeout, which would retry, and
    after five receives dead-letter, the whole batch. Only the calling thread touches the processor's success and
    failure lists, so a straggler that finishes later cannot leak into the next invocation's response.
    """

    def __init__(self, max_workers: int | None = None, *, margin_ms: int | None = None) -> None:
        super().__init__(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        self._max_workers = max_workers
        self._margin_ms = margin_ms
        self._pool: ThreadPoolExecutor | None = None
        self._submitted: dict[int, deque[tuple[SQSRecord, Future[Any]]]] = {}
        self._deadline: float | None = None

    def _prepare(self) -> None:
        # before anything is started, so no later error can mask this one
        _require_sqs_records(self.records)
        super()._prepare()  # type: ignore[no-untyped-call]  # Powertools leaves it unannotated; clears the last batch
        workers = max(1, min(self._max_workers or get_runtime().settings.batch_concurrency, len(self.records)))
        metrics.add_metric(name="BatchRecords", unit=MetricUnit.Count, value=len(self.records))
        timeout = self._wait_timeout()
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._submitted = {}
        pool = self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest")
        # Copies of one body in a batch (SQS delivers at least once; producers repeat themselves) run one after the
        # other: a later copy then finds what the earlier one stored, instead of racing it to the same objects.
        latest_copy: dict[str, Future[Any]] = {}
        for record in self.records:
            data = SQSRecord(record)  # what Powertools hands an SQS record handler without a model
            earlier = latest_copy.get(data.body)
            future = self._after(pool, earlier, data) if earlier else pool.submit(self._run_handler, data)
            latest_copy[data.body] = future
            self._submitted.setdefault(id(record), deque()).append((data, future))

    def _process_record(self, record: dict[str, Any]) -> SuccessResponse | FailureResponse:
        data, future = self._submitted[id(record)].popleft()
        left = None if self._deadline is None else max(0.0, self._deadline - time.monotonic())
        done, _ = wait([future], timeout=left)
        return self._respond(record, data, future) if future in done else self._unfinished(data, future)

    def _clean(self) -> None:
        try:
            if self._pool is not None:
                # Never wait for stragglers: they finish (idempotently) in the background or with the environment.
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool, self._submitted = None, {}
        finally:
            OUTCOMES.flush()
            super()._clean()  # type: ignore[no-untyped-call]  # Powertools leaves it unannotated; builds the response

    def _wait_timeout(self) -> float | None:
        context = getattr(self, "lambda_context", None)
        if context is None or not hasattr(context, "get_remaining_time_in_millis"):
            return None
        margin = self._margin_ms if self._margin_ms is not None else get_runtime().settings.deadline_margin_ms
        remaining_ms: int = context.get_remaining_time_in_millis()
        return max(0.0, (remaining_ms - margin) / 1000)

    def _after(self, pool: ThreadPoolExecutor, earlier: Future[Any], data: Any) -> Future[Any]:
        """A future of the record handler on ``data``, submitted once ``earlier`` (the previous copy of the same body)
        has ended; no worker is held while it waits. Cancelled before then (the batch deadline), it never starts."""
        proxy: Future[Any] = Future()

        def start(_: Future[Any]) -> None:
            if not proxy.set_running_or_notify_cancel():
                return
            try:
                pool.submit(self._run_handler, data).add_done_callback(lambda done: _settle(proxy, done))
            except RuntimeError as error:  # the pool was let go (the batch ended): this copy is retried
                proxy.set_exception(error)

        earlier.add_done_callback(start)
        return proxy

    def _run_handler(self, data: Any) -> Any:
        """Runs on a pool thread: only the record handler, no bookkeeping."""
        if self._handler_accepts_lambda_context:
            return self.handler(record=data, lambda_context=self.lambda_context)
        return self.handler(record=data)

    def _respond(self, record: dict[str, Any], data: Any, future: Future[Any]) -> SuccessResponse | FailureResponse:
        error = future.exception()
        if error is None:
            return self.success_handler(record=record, result=future.result())
        if not isinstance(error, Exception):
            # the environment dying (SystemExit, MemoryError's kin …): the invocation fails, as Lambda's would
            raise error
        return self.failure_handler(record=data, exception=(type(error), error, error.__traceback__))

    def _unfinished(self, data: Any, future: Future[Any]) -> FailureResponse:
        started = not future.cancel()  # a record still queued for a worker never starts
        failure = TransientFailure("deadline", "still running at the batch deadline; left for redelivery" if started
                                   else "not started before the batch deadline; left for redelivery")
        OUTCOMES.add("retry", failure.reason)
        logger.warning("record unfinished at the batch deadline; will retry",
                       extra={"outcome": "retry", "reason": failure.reason, "message_id": data.message_id,
                              "started": started})
        return self.failure_handler(record=data, exception=(type(failure), failure, None))


def _settle(proxy: Future[Any], done: Future[Any]) -> None:
    """``proxy`` ends as ``done`` did."""
    if done.cancelled():
        proxy.set_exception(TransientFailure("deadline", "not started before the batch deadline; left for redelivery"))
    elif (error := done.exception()) is not None:
        proxy.set_exception(error)
    else:
        proxy.set_result(done.result())


class NotAnSqsEvent(ValueError):
    """The invocation's event is not an SQS batch (a misrouted trigger or a hand-made test event)."""


def _require_sqs_records(records: list[dict[str, Any]]) -> None:
    # Fail the invocation loudly before touching anything: a misrouted trigger must show up as an error,
    # never as input silently "processed" (Powertools would fail later with a bare KeyError). An event with no
    # records at all is refused by Powertools itself (UnexpectedBatchTypeError).
    foreign = [record for record in records
               if not isinstance(record, dict) or record.get("eventSource") != "aws:sqs" or "messageId" not in record]
    if foreign:
        sources = sorted({str(record.get("eventSource")) for record in foreign if isinstance(record, dict)})
        raise NotAnSqsEvent(f"{len(foreign)} of {len(records)} records are not SQS messages "
                            f"(eventSource {', '.join(sources) or 'missing'})")


class OutcomeCounter:
    """Counts outcomes and failure reasons across a batch's threads; one EMF blob per dimension value per batch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def add(self, outcome: str, reason: str | None) -> None:
        with self._lock:
            self._counts["outcome", outcome] += 1
            if reason:
                self._counts["reason", reason] += 1

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
        for (dimension, value), count in sorted(counts.items()):
            metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
            metrics.add_dimension(name=dimension, value=value)
            name = "MessagesProcessed" if dimension == "outcome" else "FailureReasons"
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
            metrics.flush_metrics()


OUTCOMES = OutcomeCounter()


def handle_record(record: SQSRecord, lambda_context: Any = None, runtime: Runtime | None = None) -> dict[str, Any]:
    """Process one SQS record to exactly one outcome, or raise so that it is retried.

    1. Too little invocation time left: raise before starting (the record is retried, never cut mid-write).
       A re-sent (deferred) message that arrives before its ``not-before`` time waits for it (visibility) instead.
    2. Parse the body; a malformed one is recorded as a failure under a hash of the body.
    3. Ingest the URL; permanent failures come back recorded.
    4. A transient failure with Retry-After delays this message's redelivery, then re-raises; a long delay, or one
       on a message whose receives are running out, re-sends it instead (``deferred``, see ``_defer``).
    5. Log and count the outcome (EMF), with the message id as correlation id.
    """
    runtime = runtime or get_runtime()
    started = time.perf_counter()
    logger.thread_safe_append_keys(message_id=record.message_id)
    try:
        _wait_until_due(record, runtime)
        fetch_deadline, deadline = _deadlines(lambda_context, runtime.settings)
        message = parse_message(record.body)
        if isinstance(message, InvalidMessage):
            outcome = record_invalid_message(message, runtime.deps, message_id=record.message_id)
        else:
            logger.thread_safe_append_keys(url=message.url)
            outcome = ingest(message, runtime.deps, message_id=record.message_id, fetch_deadline=fetch_deadline,
                             deadline=deadline)
    except TransientFailure as failure:
        if _defer(record, failure, runtime):
            OUTCOMES.add("deferred", failure.reason)
            logger.info("deferred", extra={"outcome": "deferred", "reason": failure.reason,
                                           "retry_after_s": failure.retry_after, "duration_ms": _ms_since(started)})
            return {"status": "deferred", "reason": failure.reason}
        _delay_if_asked(record, failure, runtime)
        OUTCOMES.add("retry", failure.reason)
        logger.warning("will retry", extra={"outcome": "retry", "reason": failure.reason, "detail": failure.detail,
                                            "receive_count": record.attributes.approximate_receive_count,
                                            "duration_ms": _ms_since(started)})
        raise
    except Exception as error:  # AWS errors, and bugs: retried, then the DLQ
        OUTCOMES.add("retry", type(error).__name__)
        logger.exception("unexpected error; will retry", extra={"outcome": "retry", "duration_ms": _ms_since(started)})
        raise
    finally:
        logger.thread_safe_remove_keys(["message_id", "url"])
    OUTCOMES.add(outcome.status.value, outcome.reason)
    logger.info("processed", extra={"outcome": outcome.status.value, "reason": outcome.reason,
                                    "detail": outcome.detail, "article_id": outcome.article_id,
                                    "url": outcome.url, "message_id": record.message_id,
                                    "word_count": outcome.word_count, "duration_ms": _ms_since(started)})
    return _summary(outcome)


def _deadlines(lambda_context: Any, settings: Settings) -> tuple[float | None, float | None]:
    """Refuse to start with too little time left; otherwise the latest moments (``time.monotonic()``) the fetch
    may run until, and the record must be done by.

    The fetch must end early enough for extraction and the S3 and DynamoDB writes: it gets the remaining time minus
    a reserve of half of ``min_remaining_ms``. The record must be done when the batch stops waiting for it: the
    remaining time minus ``deadline_margin_ms`` (the deadline rule, docs/delivery-guarantees.md).
    """
    if lambda_context is None or not hasattr(lambda_context, "get_remaining_time_in_millis"):
        return None, None
    remaining = lambda_context.get_remaining_time_in_millis()
    if remaining < settings.min_remaining_ms:
        raise TransientFailure("deadline", f"only {remaining} ms of invocation time left; not started")
    now = time.monotonic()
    return (now + (remaining - settings.min_remaining_ms / 2) / 1000,
            now + (remaining - settings.deadline_margin_ms) / 1000)


def _attribute(record: SQSRecord, name: str) -> str | None:
    value = (record.raw_event.get("messageAttributes") or {}).get(name) or {}
    return value.get("stringValue")


def _wait_until_due(record: SQSRecord, runtime: Runtime) -> None:
    """A deferred copy arrives after at most 15 min (``DelaySeconds``); until its not-before time it only waits."""
    raw = _attribute(record, NOT_BEFORE_ATTRIBUTE)
    try:
        not_before = float(raw) if raw else 0.0
    except ValueError:
        return
    left = not_before - runtime.deps.clock().timestamp()
    if left > 1:
        raise TransientFailure("deferred", f"deferred for a Retry-After: due in {int(left)} s", retry_after=left)


def _defer(record: SQSRecord, failure: TransientFailure, runtime: Runtime) -> bool:
    """Re-send the message for a Retry-After instead of burning one of its receives; True when it was re-sent.

    ``ChangeMessageVisibility`` keeps the message but costs a receive each time (five, then the DLQ), and cannot
    reach past 12 h from the receive. So a delay longer than ``DelaySeconds`` allows (15 min), or any delay once
    the message has used ``DEFER_AFTER_RECEIVES`` receives, sends a copy: ``DelaySeconds`` up to 15 min, the
    not-before time, the original message id, and a deferral counter. The original is then acknowledged (the copy
    carries it on). After ``MAX_DEFERRALS`` re-sends the message is retried as usual, so it still ends somewhere.
    A message over its host's budget (``host_budget``) is always re-sent, never delayed by visibility: waiting its
    turn at a busy host must not use up its receives (up to ``MAX_BUDGET_DEFERRALS`` times).
    """
    if failure.retry_after is None or failure.reason == "deferred":
        return False  # a copy waiting for its not-before time waits by visibility (its own first receive)
    try:
        deferrals = int(_attribute(record, DEFERRALS_ATTRIBUTE) or 0)
    except ValueError:
        deferrals = MAX_DEFERRALS
    receives = int(record.attributes.approximate_receive_count or 1)
    over_budget = failure.reason == HOST_BUDGET_REASON
    if deferrals >= (MAX_BUDGET_DEFERRALS if over_budget else MAX_DEFERRALS):
        return False
    if not over_budget and failure.retry_after <= MAX_DELAY_SECONDS and receives < DEFER_AFTER_RECEIVES:
        return False  # a short delay with receives to spare: ChangeMessageVisibility (_delay_if_asked)
    now = runtime.deps.clock().timestamp()
    attributes = {
        DEFERRALS_ATTRIBUTE: str(deferrals + 1),
        NOT_BEFORE_ATTRIBUTE: f"{now + failure.retry_after:.3f}",
        ORIGINAL_ID_ATTRIBUTE: _attribute(record, ORIGINAL_ID_ATTRIBUTE) or record.message_id,
    }
    try:
        runtime.delayer.resend(record.event_source_arn, record.body, delay_seconds=failure.retry_after,
                               attributes=attributes)
    except Exception:  # noqa: BLE001 - not re-sent: fall back to the visibility delay, the message itself stays
        logger.exception("could not re-send the message for its Retry-After")
        return False
    return True


def _delay_if_asked(record: SQSRecord, failure: TransientFailure, runtime: Runtime) -> None:
    if failure.retry_after is None:
        return
    try:
        seconds = runtime.delayer.delay(record.event_source_arn, record.receipt_handle, failure.retry_after)
        logger.info("delayed redelivery", extra={"retry_after_s": seconds})
    except Exception:  # noqa: BLE001 - the retry still happens after the queue's own visibility timeout
        logger.exception("could not delay redelivery")


def _summary(outcome: Outcome) -> dict[str, Any]:
    summary: dict[str, Any] = {"status": outcome.status.value, "article_id": outcome.article_id, "url": outcome.url}
    if outcome.reason:
        summary["reason"] = outcome.reason
    return summary


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
