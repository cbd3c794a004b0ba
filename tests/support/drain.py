"""Drain a queue through a ``LocalEventSource`` until nothing is left on it, visible or in flight.

Only the benchmarks use this now (the tests drain with ``LocalEventSource.drain`` itself, tests/support/world.py):
they need ``when_idle`` (several pollers pause instead of spinning) and ``more_coming`` (a producer still sends),
which ``LocalEventSource.drain`` lacks. Once it has them, this module goes.

``LocalEventSource.drain`` stops after a number of empty receives. With ``retry_visibility_seconds=0`` a failed message
is released with ``VisibilityTimeout=0``, and moto makes it visible only once its clock has moved past that
millisecond, so an immediate receive can come back empty although the message is still there (and, with several
pollers, another poller may hold messages in flight). This loop ends only when the queue's own counters say it is
empty: no sleeps, no guessing how many empty receives are enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsingest.storage.queue import queue_depth
from newsingest_tools.local.esm import LocalEventSource


@dataclass
class Drained:
    batches: int = 0
    deliveries: int = 0
    succeeded: int = 0
    failed: int = 0
    handler_errors: int = 0


def drain_queue(source: LocalEventSource, sqs: Any, *, max_polls: int = 100_000,
                when_idle: Callable[[], None] | None = None,
                more_coming: Callable[[], bool] = lambda: False) -> Drained:
    """Poll until the queue is empty (messages that exhausted ``maxReceiveCount`` have moved to the DLQ).

    ``when_idle`` runs after an empty receive while messages are still in flight elsewhere (several pollers: a short
    pause instead of spinning against the server). ``more_coming``: a producer is still sending; do not stop yet.
    """
    drained = Drained()
    for _ in range(max_polls):
        report = source.poll_once()
        if report.received == 0:
            if not more_coming() and queue_depth(sqs, source.queue_url).total == 0:
                return drained
            if when_idle is not None:
                when_idle()
            continue
        drained.batches += 1
        drained.deliveries += report.received
        drained.succeeded += report.succeeded
        drained.failed += report.failed
        drained.handler_errors += report.handler_error is not None
    raise AssertionError(f"queue {source.queue_url} not empty after {max_polls} polls")
