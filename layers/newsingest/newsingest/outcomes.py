"""How a message ends: the outcome model and the two failure kinds every stage raises.

Every queued message ends in exactly one of:

* ``Status.OK`` / ``Status.UNCHANGED``: stored (or confirmed unchanged);
* ``Status.SUPERSEDED``: a newer observation of the URL was already stored (this attempt's write lost the
  conditional race, which is success: nothing to retry, the message is deleted);
* ``PermanentFailure``: recorded as ``status = "failed"`` with a machine-readable ``reason``, message deleted;
* ``TransientFailure``: reported in ``batchItemFailures`` so SQS redelivers it (and after
  ``maxReceiveCount`` moves it to the dead-letter queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    UNCHANGED = "unchanged"
    SUPERSEDED = "superseded"
    FAILED = "failed"


class IngestFailure(Exception):
    """Base of the two failure kinds. ``reason`` is a stable snake_case code, ``detail`` is for humans."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class PermanentFailure(IngestFailure):
    """Retrying cannot help (404, blocked address, not HTML, no article …): record it and delete the message."""


class TransientFailure(IngestFailure):
    """Retrying may help (timeouts, 5xx, 429, throttling …): leave the message for redelivery.

    ``retry_after`` (seconds), when known, lets the pipeline delay the redelivery with
    ``ChangeMessageVisibility`` instead of hammering the site.
    """

    def __init__(self, reason: str, detail: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason, detail)
        self.retry_after = retry_after


# The reason of a TransientFailure raised when a host's fleet-wide request budget has no slot soon enough: the
# message is re-sent with the wait as its delay (batch._defer), and robots.txt is not marked unavailable for it.
HOST_BUDGET_REASON = "host_budget"


@dataclass(frozen=True)
class Outcome:
    """What ``pipeline.ingest`` returns for a message that did not need a retry."""

    status: Status
    article_id: str
    url: str
    reason: str | None = None
    detail: str | None = None
    word_count: int | None = None
