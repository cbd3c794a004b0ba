"""Putting URLs on the queue: validate, normalize, de-duplicate, SendMessageBatch by 10, retry partial failures.

Batches are sent concurrently (``SEND_CONCURRENCY`` in flight: a round trip is mostly waiting, and the client is
thread-safe); de-duplication happens before sending, so the order in which batches complete changes nothing.

Used by ``newsingest enqueue`` and by the demo. The SQS client is passed in (``storage.clients``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from newsingest.messages import encode_message
from newsingest.urls import InvalidUrl, normalize_url

logger = logging.getLogger(__name__)

SQS_BATCH_SIZE = 10
MAX_SEND_ATTEMPTS = 5
# SendMessageBatch calls in flight at once. The round trip to SQS (~10-30 ms) dwarfs the client's CPU per call
# (~2-4 ms: serialising, signing), so a few threads keep one process busy; more would only queue on the GIL and
# the connection pool (botocore's default max_pool_connections is 10).
SEND_CONCURRENCY = 8


@dataclass(frozen=True)
class InvalidLine:
    line: int
    text: str
    reason: str


@dataclass
class UrlPlan:
    """What to send: the normalized URLs in input order, and what was left out (duplicates, invalid lines)."""

    urls: list[str] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[InvalidLine] = field(default_factory=list)


def plan_urls(lines: Iterable[str]) -> UrlPlan:
    """Validate and normalize input lines (blank lines and ``#`` comments skipped), dropping duplicates."""
    report = UrlPlan()
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            url = normalize_url(text)
        except InvalidUrl as error:
            report.invalid.append(InvalidLine(number, text[:200], str(error)))
            continue
        if url in seen:
            report.duplicates += 1
            continue
        seen.add(url)
        report.urls.append(url)
    return report


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


def enqueue_urls(sqs_client: Any, queue_url: str, urls: list[str], *, force: bool = False,
                 progress: Callable[[int], None] | None = None) -> tuple[int, list[tuple[str, str]]]:
    return send_bodies(sqs_client, queue_url, [encode_message(url, force=force) for url in urls], progress=progress)


def _send_chunk(sqs_client: Any, queue_url: str, bodies: list[str],
                sleep: Callable[[float], None]) -> tuple[int, list[tuple[str, str]]]:
    pending = {str(index): body for index, body in enumerate(bodies)}
    last_error: dict[str, str] = {}
    refused: list[tuple[str, str]] = []
    sent = 0
    for attempt in range(MAX_SEND_ATTEMPTS):
        if not pending:
            break
        if attempt:
            sleep(min(2.0, 0.1 * 2 ** attempt))  # backoff between retries of the entries SQS did not take
        entries = [{"Id": entry_id, "MessageBody": body} for entry_id, body in pending.items()]
        response = sqs_client.send_message_batch(QueueUrl=queue_url, Entries=entries)
        for success in response.get("Successful", []):
            pending.pop(success["Id"], None)
            sent += 1
        for failure in response.get("Failed", []):
            error = f"{failure.get('Code', 'unknown')}: {failure.get('Message', '')}".rstrip(": ")
            if failure.get("SenderFault"):  # the entry itself is wrong: retrying cannot help
                refused.append((pending.pop(failure["Id"]), error))
            else:
                last_error[failure["Id"]] = error
    unsent = [(body, last_error.get(entry_id, "unknown")) for entry_id, body in pending.items()]
    return sent, refused + unsent
