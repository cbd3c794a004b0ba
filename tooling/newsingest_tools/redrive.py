"""Move the dead-letter queue's messages back to the ingest queue (``newsingest redrive``).

Two ways, chosen by ``method``:

* ``move-task``: SQS's own ``StartMessageMoveTask`` (the console's "DLQ redrive"): asynchronous, server-side,
  keeps message attributes. Counts are SQS's estimate (``ApproximateNumberOfMessagesToMove``); ``wait`` polls
  ``ListMessageMoveTasks`` until the task ends.
* ``receive``: receive up to 10, ``SendMessageBatch`` them to the queue (body and message attributes), delete from the
  DLQ only what was sent. Entries the send refused stay in the DLQ (made visible again) and are counted as failed.
* ``auto`` (default): the move task where the endpoint supports it, else receive/send/delete.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from newsingest.storage.queue import (
    delete_messages,
    message_move_task,
    queue_arn,
    receive_messages,
    release_messages,
    send_entries,
    start_message_move,
)

logger = logging.getLogger(__name__)

METHODS = ("auto", "move-task", "receive")
_BATCH = 10
# Codes an endpoint answers with when it does not implement the message-move API (older emulators, some regions).
_UNSUPPORTED = frozenset({"UnsupportedOperation", "InvalidAction", "NotImplemented",
                          "AWS.SimpleQueueService.UnsupportedOperation"})
_TERMINAL_TASK_STATES = frozenset({"COMPLETED", "CANCELLED", "FAILED"})


class MoveTaskUnsupported(RuntimeError):
    """``method="move-task"`` on an endpoint without the message-move API (receive/send/delete works there)."""


@dataclass
class RedriveReport:
    method: str = ""
    moved: int = 0
    failed: int = 0
    task_handle: str | None = None
    task_status: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.errors


def redrive(sqs: Any, dead_letter_queue_url: str, queue_url: str, *, method: str = "auto",
            max_messages: int | None = None, wait: bool = False, wait_seconds: int = 0,
            visibility_timeout: int = 60, progress: Callable[[int], None] | None = None,
            poll_interval: float = 1.0, sleep: Callable[[float], None] = time.sleep,
            task_sqs: Any = None) -> RedriveReport:
    """Move messages from ``dead_letter_queue_url`` to ``queue_url``; see the module doc for ``method``.

    ``task_sqs``: the client for the message-move API calls (default ``sqs``); the CLI passes one that does not
    retry, so probing an endpoint without the API costs one request, not a retry schedule.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if method in ("auto", "move-task") and max_messages is None:
        try:
            return _move_task(task_sqs or sqs, dead_letter_queue_url, queue_url, wait=wait, poll_interval=poll_interval,
                              sleep=sleep)
        except ClientError as error:
            if not _unsupported(error):
                raise
            if method == "move-task":
                raise MoveTaskUnsupported("this endpoint does not support SQS StartMessageMoveTask") from error
            logger.info("message-move task not supported here (%s); falling back to receive/send/delete", error)
        except NotImplementedError:
            if method == "move-task":
                raise
    return _receive_send_delete(sqs, dead_letter_queue_url, queue_url, max_messages=max_messages,
                                wait_seconds=wait_seconds, visibility_timeout=visibility_timeout, progress=progress)


def _unsupported(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    message = str(error.response.get("Error", {}).get("Message", "")).lower()
    # An emulator without the action answers a bare HTTP error (moto: 500 with an HTML page, no AWS error code).
    bare_http_error = code.isdigit() and ("<html" in message or "not been implemented" in message)
    return code in _UNSUPPORTED or status in (404, 501) or bare_http_error


def _move_task(sqs: Any, dead_letter_queue_url: str, queue_url: str, *, wait: bool, poll_interval: float,
               sleep: Callable[[float], None]) -> RedriveReport:
    source_arn = queue_arn(sqs, dead_letter_queue_url)
    destination_arn = queue_arn(sqs, queue_url)
    report = RedriveReport(method="move-task", task_handle=start_message_move(sqs, source_arn, destination_arn))
    while True:
        task = message_move_task(sqs, source_arn, report.task_handle)
        if task is None:
            report.task_status = "RUNNING"
            break
        report.task_status = task.get("Status")
        report.moved = int(task.get("ApproximateNumberOfMessagesMoved", 0))
        if report.task_status == "FAILED":
            report.errors.append(str(task.get("FailureReason") or "message-move task failed"))
        if not wait or report.task_status in _TERMINAL_TASK_STATES:
            if report.task_status not in _TERMINAL_TASK_STATES:
                report.moved = max(report.moved, int(task.get("ApproximateNumberOfMessagesToMove", 0) or 0))
            break
        sleep(poll_interval)
    return report


def _receive_send_delete(sqs: Any, dead_letter_queue_url: str, queue_url: str, *, max_messages: int | None,
                         wait_seconds: int, visibility_timeout: int,
                         progress: Callable[[int], None] | None) -> RedriveReport:
    report = RedriveReport(method="receive")
    # Messages that failed to send are made visible again, so they would come straight back: remember them and
    # stop when a receive brings nothing new.
    given_up: set[str] = set()
    while max_messages is None or report.moved + report.failed < max_messages:
        wanted = _BATCH if max_messages is None else min(_BATCH, max_messages - report.moved - report.failed)
        messages = receive_messages(sqs, dead_letter_queue_url, max_messages=wanted, wait_seconds=wait_seconds,
                                    visibility_timeout=visibility_timeout)
        fresh = [message for message in messages if message["MessageId"] not in given_up]
        if not fresh:
            release_messages(sqs, dead_letter_queue_url, messages)
            break
        release_messages(sqs, dead_letter_queue_url, [m for m in messages if m["MessageId"] in given_up])
        sent_ids, failures = _send(sqs, queue_url, fresh)
        _delete(sqs, dead_letter_queue_url, [m for m in fresh if m["MessageId"] in sent_ids], report)
        failed_messages = [m for m in fresh if m["MessageId"] not in sent_ids]
        release_messages(sqs, dead_letter_queue_url, failed_messages)
        given_up.update(m["MessageId"] for m in failed_messages)
        report.moved += len(sent_ids)
        report.failed += len(failed_messages)
        report.errors.extend(failures)
        if progress:
            progress(len(fresh))
    return report


def _send(sqs: Any, queue_url: str, messages: list[dict[str, Any]]) -> tuple[set[str], list[str]]:
    """Send once (each message with its attributes), retry the entries that failed on the service side once more;
    return the sent message ids and the errors of the others."""
    entries = [{"MessageBody": message["Body"],
                **({"MessageAttributes": message["MessageAttributes"]} if message.get("MessageAttributes") else {})}
               for message in messages]
    sent, errors = send_entries(sqs, queue_url, entries, attempts=2)
    return {messages[index]["MessageId"] for index in sent}, list(errors.values())


def _delete(sqs: Any, queue_url: str, messages: list[dict[str, Any]], report: RedriveReport) -> None:
    for failure in delete_messages(sqs, queue_url, messages):
        # Already sent: the message would be redriven twice if it came back; say so rather than hide it.
        report.errors.append(f"sent but not deleted from the DLQ: {failure.get('Code')}: {failure.get('Message')}")
