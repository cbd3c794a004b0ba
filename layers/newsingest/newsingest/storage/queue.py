"""SQS adapter: sending message bodies in batches (the poll function, and the CLI's enqueue through it), delaying one
message's redelivery (Retry-After), and what the tooling asks of a queue: its depth and ARN, SQS's message-move
task from a dead-letter queue, and receiving, deleting and releasing messages (the CLI's peek, the redrive and the
local event-source loop all ask here)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)

SQS_BATCH_SIZE = 10
MAX_SEND_ATTEMPTS = 5
# SendMessageBatch calls in flight at once. The round trip to SQS (~10-30 ms) dwarfs the client's CPU per call
# (~2-4 ms: serialising, signing), so a few threads keep one process busy; more would only queue on the GIL and
# the connection pool (botocore's default max_pool_connections is 10).
SEND_CONCURRENCY = 8

MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling: 12 hours *from the receive*, not from now
# Time between SQS handing the batch to Lambda and our ChangeMessageVisibility: the batching window (<= 60 s) and the
# invocation so far (<= 60 s), with room. ChangeMessageVisibility past 12 h from the receive is refused outright.
RECEIVE_MARGIN_SECONDS = 300
MAX_DELAY_SECONDS = 900  # SendMessage's DelaySeconds ceiling: 15 minutes
# Message attributes of a re-sent (deferred) message.
DEFERRALS_ATTRIBUTE = "newsingest-deferrals"  # how many times it was re-sent for a Retry-After
NOT_BEFORE_ATTRIBUTE = "newsingest-not-before"  # UNIX time before which it must not be processed
ORIGINAL_ID_ATTRIBUTE = "newsingest-original-message-id"  # the message id it was first sent with


class MessageDelayer:
    """Delaying one message's redelivery for a Retry-After, so a site that asked for time is not hammered.

    ``delay``: ``ChangeMessageVisibility`` of the received message (costs one of its receives). ``resend``: a copy
    of the message with ``DelaySeconds`` and the deferral attributes (the original is then acknowledged, so no
    receive is burnt: see ``batch.handle_record``).
    """

    def __init__(self, sqs_client: Any) -> None:
        self._sqs = sqs_client

    def delay(self, event_source_arn: str, receipt_handle: str, seconds: float) -> int:
        """Make the message visible again in ``seconds``, clamped to what SQS allows for a message received moments
        ago (1 s … 12 h from the receive); return the seconds set."""
        visibility = max(1, min(max_visibility_seconds(), int(round(seconds))))
        self._sqs.change_message_visibility(
            QueueUrl=queue_url_from_arn(event_source_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=visibility,
        )
        return visibility

    def resend(self, event_source_arn: str, body: str, *, delay_seconds: float, attributes: dict[str, str]) -> int:
        """Send a copy of a message to its queue, invisible for ``delay_seconds`` (clamped to 0 … 15 min), with
        ``attributes`` as String message attributes; return the delay set."""
        delay = max(0, min(MAX_DELAY_SECONDS, int(round(delay_seconds))))
        self._sqs.send_message(
            QueueUrl=queue_url_from_arn(event_source_arn), MessageBody=body, DelaySeconds=delay,
            MessageAttributes={name: {"DataType": "String", "StringValue": value}
                               for name, value in attributes.items()},
        )
        return delay


def max_visibility_seconds() -> int:
    """The longest visibility a just-received message can be given: 12 h from its receive, minus the margin."""
    return MAX_VISIBILITY_SECONDS - RECEIVE_MARGIN_SECONDS


def queue_url_from_arn(queue_arn: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` → the queue URL, without a GetQueueUrl call.

    The function's role deliberately has no sqs:GetQueueUrl, and the call would cost a
    round trip; SQS accepts this URL form in every region (moto too).
    """
    parts = queue_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "sqs" or not all(parts[3:]):
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    _, partition, _, region, account, name = parts
    domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://sqs.{region}.{domain}/{account}/{name}"


# ------------------------------------------------------------------------------------ depth, ARN, moves


@dataclass(frozen=True)
class QueueDepth:
    """A queue's approximate counters (SQS's own estimates, eventually consistent)."""

    visible: int = 0
    in_flight: int = 0
    delayed: int = 0

    @property
    def total(self) -> int:
        """Everything on the queue: visible, in flight and delayed."""
        return self.visible + self.in_flight + self.delayed


_DEPTH_ATTRIBUTES = {"visible": "ApproximateNumberOfMessages", "in_flight": "ApproximateNumberOfMessagesNotVisible",
                     "delayed": "ApproximateNumberOfMessagesDelayed"}


def queue_depth(sqs_client: Any, queue_url: str) -> QueueDepth:
    """The queue's counters, in one GetQueueAttributes call."""
    attributes = sqs_client.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=list(_DEPTH_ATTRIBUTES.values()))["Attributes"]
    return QueueDepth(**{name: int(attributes.get(key, 0)) for name, key in _DEPTH_ATTRIBUTES.items()})


def queue_arn(sqs_client: Any, queue_url: str) -> str:
    """The queue's ARN, asked of SQS (the reverse of :func:`queue_url_from_arn`, which needs no call)."""
    attributes = sqs_client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
    return str(attributes["QueueArn"])


def start_message_move(sqs_client: Any, source_arn: str, destination_arn: str) -> str | None:
    """Start SQS's own move of every message of ``source_arn`` (a dead-letter queue) to ``destination_arn``;
    return the task's handle. Raises the client's error where the endpoint lacks the message-move API."""
    started = sqs_client.start_message_move_task(SourceArn=source_arn, DestinationArn=destination_arn)
    handle = started.get("TaskHandle")
    return str(handle) if handle is not None else None


def message_move_task(sqs_client: Any, source_arn: str, handle: str | None) -> dict[str, Any] | None:
    """The move task of ``source_arn`` with ``handle`` (or, when none matches, the latest), as ListMessageMoveTasks
    describes it; None when the queue has none."""
    tasks = sqs_client.list_message_move_tasks(SourceArn=source_arn, MaxResults=10).get("Results", [])
    for task in tasks:
        if handle is None or task.get("TaskHandle") in (None, handle):
            return dict(task)
    return dict(tasks[0]) if tasks else None


# ------------------------------------------------------------------------------------ receive, delete, release


def receive_messages(sqs_client: Any, queue_url: str, *, max_messages: int = SQS_BATCH_SIZE, wait_seconds: int = 0,
                     visibility_timeout: int | None = None) -> list[dict[str, Any]]:
    """One ReceiveMessage of at most ``max_messages`` (SQS's ceiling 10), with every system and message attribute;
    ``visibility_timeout`` None keeps the queue's own."""
    request: dict[str, Any] = {"QueueUrl": queue_url, "MaxNumberOfMessages": max(1, min(SQS_BATCH_SIZE, max_messages)),
                               "WaitTimeSeconds": wait_seconds, "MessageSystemAttributeNames": ["All"],
                               "MessageAttributeNames": ["All"]}
    if visibility_timeout is not None:
        request["VisibilityTimeout"] = visibility_timeout
    return list(sqs_client.receive_message(**request).get("Messages", []))


def delete_messages(sqs_client: Any, queue_url: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """DeleteMessageBatch of received ``messages`` (10 per call); returns the entries SQS refused (Code, Message)."""
    refused: list[dict[str, Any]] = []
    for start in range(0, len(messages), SQS_BATCH_SIZE):
        chunk = messages[start:start + SQS_BATCH_SIZE]
        entries = [{"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]} for index, message in enumerate(chunk)]
        refused += sqs_client.delete_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])
    return refused


def release_messages(sqs_client: Any, queue_url: str, messages: list[dict[str, Any]], visibility_timeout: int = 0
                     ) -> int:
    """Make received ``messages`` visible again after ``visibility_timeout`` seconds (0: at once), 10 per call.

    Returns how many could not be released. Never raises for one: a message that was deleted or moved meanwhile
    (a Retry-After's re-send) comes back after the queue's own visibility timeout, or not at all, as it should."""
    failed = 0
    for start in range(0, len(messages), SQS_BATCH_SIZE):
        chunk = messages[start:start + SQS_BATCH_SIZE]
        entries = [{"Id": str(index), "ReceiptHandle": message["ReceiptHandle"],
                    "VisibilityTimeout": visibility_timeout} for index, message in enumerate(chunk)]
        try:
            response = sqs_client.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)
        except ClientError:
            logger.debug("could not release %d message(s)", len(chunk), exc_info=True)
            failed += len(chunk)
            continue
        failed += len(response.get("Failed", []))
    return failed


# ------------------------------------------------------------------------------------ batch send


def send_bodies(sqs_client: Any, queue_url: str, bodies: list[str], *,
                progress: Callable[[int], None] | None = None,
                sleep: Callable[[float], None] = time.sleep,
                concurrency: int = SEND_CONCURRENCY) -> tuple[int, list[tuple[str, str]]]:
    """Send message bodies in batches of 10, ``concurrency`` batches in flight; entries a batch reports failed are
    retried with backoff.

    Returns (sent, failures) where failures are (body, error code) pairs that still failed after the retries. An
    exception from a call (after the SDK's own retries) stops the sending and is raised once the batches already
    in flight have finished, so nothing is sent after it and nothing in flight is forgotten.
    """
    chunks = (bodies[start:start + SQS_BATCH_SIZE] for start in range(0, len(bodies), SQS_BATCH_SIZE))
    sent = 0
    failures: list[tuple[str, str]] = []
    lock = threading.Lock()

    def send(chunk: list[str]) -> None:
        nonlocal sent
        ok, failed = _send_chunk(sqs_client, queue_url, chunk, sleep)
        with lock:  # the progress callback (a click bar) is not thread-safe either
            sent += ok
            failures.extend(failed)
            if progress:
                progress(len(chunk))

    if concurrency <= 1:
        for chunk in chunks:
            send(chunk)
        return sent, failures
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="enqueue") as pool:
        in_flight: set[Future[None]] = set()
        error: BaseException | None = None
        for chunk in chunks:  # submitted as slots free up: memory stays at `concurrency` batches
            in_flight.add(pool.submit(send, chunk))
            if len(in_flight) >= concurrency:
                finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                error = _first_error(finished)
                if error:
                    break
        finished, _ = wait(in_flight)
        error = error or _first_error(finished)
    if error:
        raise error
    return sent, failures


def _first_error(futures: Iterable[Future[None]]) -> BaseException | None:
    return next((future.exception() for future in futures if future.exception() is not None), None)


def _send_chunk(sqs_client: Any, queue_url: str, bodies: list[str],
                sleep: Callable[[float], None]) -> tuple[int, list[tuple[str, str]]]:
    sent, errors = send_entries(sqs_client, queue_url, [{"MessageBody": body} for body in bodies], sleep=sleep)
    return len(sent), [(bodies[index], error) for index, error in errors.items()]


def send_entries(sqs_client: Any, queue_url: str, entries: list[dict[str, Any]], *,
                 attempts: int = MAX_SEND_ATTEMPTS,
                 sleep: Callable[[float], None] = time.sleep) -> tuple[set[int], dict[int, str]]:
    """One SendMessageBatch of up to 10 ``entries`` (``MessageBody``, optionally ``MessageAttributes``, …; no
    ``Id``); the entries SQS failed on its side are sent again, with backoff, up to ``attempts`` calls in all.

    Returns the indexes of the entries sent, and each other entry's last error ("Code: Message"): an entry SQS
    refused as the sender's fault is not retried.
    """
    pending = dict(enumerate(entries))
    sent: set[int] = set()
    errors: dict[int, str] = {}
    for attempt in range(attempts):
        if not pending:
            break
        if attempt:
            sleep(min(2.0, 0.1 * 2 ** attempt))  # backoff between retries of the entries SQS did not take
        response = sqs_client.send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": str(index), **entry} for index, entry in pending.items()])
        for success in response.get("Successful", []):
            index = int(success["Id"])
            pending.pop(index, None)
            errors.pop(index, None)
            sent.add(index)
        for failure in response.get("Failed", []):
            index = int(failure["Id"])
            errors[index] = f"{failure.get('Code', 'unknown')}: {failure.get('Message', '')}".rstrip(": ")
            if failure.get("SenderFault"):  # the entry itself is wrong: retrying cannot help
                pending.pop(index, None)
    for index in pending:
        errors.setdefault(index, "unknown")
    return sent, errors
