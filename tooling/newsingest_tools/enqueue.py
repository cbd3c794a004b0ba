"""Putting URLs on the queue: validate, normalize, de-duplicate, SendMessageBatch by 10, retry partial failures.

The sending itself is the runtime's (``newsingest.storage.queue.send_bodies``, which the poll function uses too):
batches of 10, ``SEND_CONCURRENCY`` in flight; de-duplication happens here, before sending, so the order in which
batches complete changes nothing.

Large lists are split over processes (``send_bodies_in_processes``), each with its own client and threads.
Used by ``newsingest enqueue`` and by the demo. The SQS client is passed in (``storage.clients``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsingest.messages import encode_message
from newsingest.storage.queue import SEND_CONCURRENCY, SQS_BATCH_SIZE, send_bodies
from newsingest.urls import InvalidUrl, normalize_url

logger = logging.getLogger(__name__)



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


def enqueue_urls(sqs_client: Any, queue_url: str, urls: list[str], *, force: bool = False,
                 progress: Callable[[int], None] | None = None,
                 client_spec: Callable[[], ClientSpec] | None = None) -> tuple[int, list[tuple[str, str]]]:
    """Send the URLs' messages; with ``client_spec`` (how a sending process builds its client), a list of
    ``PARALLEL_MIN_URLS`` or more goes out from several processes (``processes_for``).

    The first batch always leaves from here, on ``sqs_client``: a wrong queue, endpoint or credential fails as it
    does for a short list, before any process starts.
    """
    bodies = [encode_message(url, force=force) for url in urls]
    if client_spec is None or (processes := processes_for(len(bodies))) == 1:
        return send_bodies(sqs_client, queue_url, bodies, progress=progress)
    first_sent, first_failures = send_bodies(sqs_client, queue_url, bodies[:SQS_BATCH_SIZE], progress=progress)
    sent, failures = send_bodies_in_processes(client_spec(), queue_url, bodies[SQS_BATCH_SIZE:], processes,
                                              progress=progress)
    return first_sent + sent, first_failures + failures


# ------------------------------------------------------------------------------------ several processes
# One process tops out near 3,500 URLs/s: each SendMessageBatch costs the SDK ~2.5 ms of CPU (serialising, signing,
# parsing), under one GIL. Large backfills are split over processes, each with its own client and threads.
PARALLEL_MIN_URLS = 20_000  # below this, starting processes (importing boto3, ~0.5 s each) costs more than it saves
MAX_PROCESSES = 4


@dataclass(frozen=True)
class ClientSpec:
    """What a sending process needs to build its own SQS client: the parent's resolved credentials, never a file."""

    region: str
    endpoint_url: str | None
    access_key: str
    secret_key: str
    token: str | None

    @classmethod
    def of_session(cls, session: Any, endpoint_url: str | None) -> ClientSpec:
        credentials = session.get_credentials()
        if credentials is None:
            raise RuntimeError("no AWS credentials")
        frozen = credentials.get_frozen_credentials()
        return cls(session.region_name or "us-east-1", endpoint_url, frozen.access_key, frozen.secret_key,
                   frozen.token)


def processes_for(count: int, cpus: int | None = None) -> int:
    """How many processes send ``count`` bodies: one below ``PARALLEL_MIN_URLS``, else one per CPU (at most 4)."""
    if count < PARALLEL_MIN_URLS:
        return 1
    return max(1, min(MAX_PROCESSES, cpus if cpus is not None else (os.cpu_count() or 1)))


def send_bodies_in_processes(spec: ClientSpec, queue_url: str, bodies: list[str], processes: int, *,
                             progress: Callable[[int], None] | None = None) -> tuple[int, list[tuple[str, str]]]:
    """``send_bodies`` over ``processes`` processes, each sending a contiguous share of ``bodies``.

    1. Split the bodies (already de-duplicated: no two processes can send one URL).
    2. Start the processes (spawn: no inherited threads or sockets), each building its client from ``spec``.
    3. Relay their progress counts to ``progress`` while they run.
    4. Sum what they sent and list what failed; an exception in one stops the others before their next batch and
       is raised here once all have stopped (as ``send_bodies`` does for its threads).
    """
    context = multiprocessing.get_context("spawn")
    share = -(-len(bodies) // processes)
    slices = [bodies[start:start + share] for start in range(0, len(bodies), share)]
    counts = context.Queue()
    stop = context.Event()
    with context.Pool(len(slices), initializer=_child_channels, initargs=(counts, stop)) as pool:
        pending = [pool.apply_async(_send_share, (spec, queue_url, part)) for part in slices]
        _relay(counts, pending, progress)
        results = [result.get() for result in pending]
    sent = sum(result[0] for result in results)
    failures = [failure for result in results for failure in result[1]]
    errors = [result[2] for result in results if result[2] is not None]
    if errors:
        raise _error_from_child(errors[0])
    return sent, failures


def _error_from_child(error: tuple[str, Any, str]) -> Exception:
    """The child's AWS error as the ClientError it was (the CLI turns those into one-line errors)."""
    kind, payload, text = error
    if kind == "client":
        from botocore.exceptions import ClientError  # noqa: PLC0415 - botocore only once an AWS error came back

        return ClientError(payload, text)
    return RuntimeError(text)


def _relay(counts: Any, pending: list[Any], progress: Callable[[int], None] | None) -> None:
    while not all(result.ready() for result in pending) or not counts.empty():
        try:
            done = counts.get(timeout=0.2)
        except queue.Empty:
            continue
        if progress:
            progress(done)


_CHANNELS: dict[str, Any] = {}  # in a sending process: the progress queue and the stop event it inherited


def _child_channels(counts: Any, stop: Any) -> None:
    _CHANNELS.update(counts=counts, stop=stop)


def _send_share(spec: ClientSpec, queue_url: str,
                bodies: list[str]) -> tuple[int, list[tuple[str, str]], tuple[str, Any, str] | None]:
    """One process's share (runs in the child): its own client, ``send_bodies`` with its threads."""
    import boto3  # noqa: PLC0415 - in the child only

    from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S, client_config  # noqa: PLC0415 - child only

    session = boto3.Session(aws_access_key_id=spec.access_key, aws_secret_access_key=spec.secret_key,
                            aws_session_token=spec.token, region_name=spec.region)
    sqs = session.client("sqs", endpoint_url=spec.endpoint_url,
                         config=client_config(SEND_CONCURRENCY, read_timeout=TOOLING_READ_TIMEOUT_S))
    counts, stop = _CHANNELS["counts"], _CHANNELS["stop"]
    sent, failures = 0, []
    try:
        for start in range(0, len(bodies), 1_000):  # a stop from another process is seen within 100 batches
            if stop.is_set():
                break
            part_sent, part_failures = send_bodies(sqs, queue_url, bodies[start:start + 1_000],
                                                   progress=counts.put)
            sent += part_sent
            failures += part_failures
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises it
        stop.set()
        response = getattr(error, "response", None)
        if isinstance(response, dict) and "Error" in response:  # a ClientError: its response pickles, it may not
            return sent, failures, ("client", response, str(getattr(error, "operation_name", "SendMessageBatch")))
        return sent, failures, ("other", None, f"{type(error).__name__}: {error}")
    return sent, failures, None
