"""The fleet-wide per-host request budget: one DynamoDB item per host, shared by every running function.

The budget is a token bucket written as GCRA (the generic cell rate algorithm): the item keeps the host's
*theoretical arrival time* ``tat``, the moment the bucket would be full again. A request at ``now`` may go at
``max(now, tat - tolerance, rest_until)``, where ``interval = 1 / rate`` (or the robots.txt ``Crawl-delay`` when
larger) and ``tolerance = (burst - 1) * interval``; taking it moves ``tat`` to ``max(tat, start) + interval``.
So in any window of ``w`` seconds at most ``burst + w * rate`` requests start, whatever the number of functions.

Why this design (and not a token counter refilled by a timer, or a lock item):

* one attribute to compare-and-set, with no background refill: an idle host costs nothing, and its item expires
  (TTL ``expires_at``);
* a request that must wait *reserves* its future slot (the conditional write succeeds with a ``tat`` in the
  future) and then sleeps exactly until it: no polling, no busy loop, and waiters are served in turn;
* a wait longer than ``max_wait`` (or than the fetch has time for) reserves nothing and raises
  ``TransientFailure("host_budget", retry_after=wait)``: the batch re-sends the message with that delay, which
  costs none of its receives (``batch._defer``), so a busy host never pushes its messages to the dead-letter queue;
* a 429/503 with Retry-After sets ``rest_until`` for everyone (only ever later, never earlier).

Writes are optimistic: read (consistent), compute, write on the condition that ``rev`` is unchanged; a conflict
means another function took a slot, so read again (bounded). The clock is the wall clock: Lambda hosts are NTP
synchronised, and a skew of a few milliseconds only shifts a slot by as much.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from newsingest.outcomes import HOST_BUDGET_REASON, TransientFailure

__all__ = ["HOST_BUDGET_REASON", "HostBudget", "Slot", "plan_slot"]
ITEM_TTL_SECONDS = 24 * 3600  # an idle host's item is deleted by the table's TTL a day after its last slot
_ATTEMPTS = 10  # conditional writes lost to other functions before giving up (the message is then retried)
_FETCH_RESERVE_S = 2.0  # a reserved slot must leave the fetch at least this much of its deadline
# Slots are spaced this much wider than 1 / rate: a request leaves a little after its slot (a sleeping thread woken
# late, a connection opened), and without the margin two such delays could put one request more than the rate in a
# second of the site's own log. Measured with `python -m benchmarks.politeness` (docs/performance.md).
PACING_MARGIN = 0.15


@dataclass(frozen=True)
class Slot:
    """What ``HostBudget.plan`` decides for one request: when it may start and the host's state after it."""

    start: float  # epoch seconds
    tat: float  # the host's theoretical arrival time once this slot is taken


def plan_slot(now: float, tat: float | None, rest_until: float | None, *, interval: float, burst: int) -> Slot:
    """GCRA: the earliest start of a request at ``now`` and the new ``tat`` (pure; see the module docstring)."""
    tolerance = max(0, burst - 1) * interval
    current = tat if tat is not None else now
    start = max(now, current - tolerance, rest_until or 0.0)
    return Slot(start=start, tat=max(current, start) + interval)


class HostBudget:
    """``fetch.gate.HostGate`` on a DynamoDB table keyed by ``host``."""

    def __init__(
        self,
        dynamodb: Any,
        table_name: str,
        *,
        rate: float,
        burst: int,
        max_wait: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1 or max_wait < 0:
            raise ValueError("rate must be > 0, burst >= 1 and max_wait >= 0")
        self._dynamodb = dynamodb
        self._table = table_name
        self._rate = rate
        self._burst = burst
        self._max_wait = max_wait
        self._clock = clock
        self._sleep = sleep

    def acquire(self, host: str, *, min_interval: float | None, remaining: float) -> None:
        """Reserve the host's next slot and wait for it, or raise ``host_budget`` when it is too far off.

        1. Read the host's item (consistent read).
        2. Plan the slot (``plan_slot``); a Crawl-delay longer than ``1 / rate`` is the interval, one at a time.
        3. A start further off than ``max_wait`` (or than the fetch's remaining time allows): raise, reserving nothing.
        4. Write the new ``tat`` on the condition that nobody wrote since step 1; on a conflict, go back to 1.
        5. Sleep until the reserved start.
        """
        interval = max(1.0 / self._rate, min_interval or 0.0) * (1 + PACING_MARGIN)
        burst = 1 if min_interval and min_interval > 1.0 / self._rate else self._burst
        for _ in range(_ATTEMPTS):
            item = self._read(host)
            now = self._clock()
            slot = plan_slot(now, _number(item, "tat"), _number(item, "rest_until"), interval=interval, burst=burst)
            wait = slot.start - now
            if wait > min(self._max_wait, remaining - _FETCH_RESERVE_S):
                raise TransientFailure(HOST_BUDGET_REASON, f"{host}: its next request slot is {wait:.1f} s away",
                                       retry_after=max(1.0, math.ceil(wait)))
            if self._reserve(host, item, slot):
                if wait > 0:
                    self._sleep(wait)
                return
        raise TransientFailure(HOST_BUDGET_REASON, f"{host}: {_ATTEMPTS} conflicting updates of its budget",
                               retry_after=1.0)

    def slow_down(self, host: str, seconds: float) -> None:
        """Nobody sends to ``host`` for ``seconds``; an earlier rest never shortens a later one."""
        until = self._clock() + seconds
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key={"host": {"S": host}},
                UpdateExpression=("SET rest_until = :until, rev = if_not_exists(rev, :zero) + :one,"
                                  " expires_at = :expires"),
                ConditionExpression="attribute_not_exists(rest_until) OR rest_until < :until",
                ExpressionAttributeValues={":until": _n(until), ":zero": {"N": "0"}, ":one": {"N": "1"},
                                           ":expires": {"N": str(int(until) + ITEM_TTL_SECONDS)}},
            )
        except ClientError as error:
            if not _conditional_failure(error):
                raise

    def _read(self, host: str) -> dict[str, Any] | None:
        response = self._dynamodb.get_item(TableName=self._table, Key={"host": {"S": host}}, ConsistentRead=True)
        item: dict[str, Any] | None = response.get("Item")
        return item

    def _reserve(self, host: str, item: dict[str, Any] | None, slot: Slot) -> bool:
        seen = _number(item, "rev")
        rev = int(seen or 0)
        values: dict[str, Any] = {":tat": _n(slot.tat), ":rev": {"N": str(rev + 1)},
                                  ":expires": {"N": str(int(slot.tat) + ITEM_TTL_SECONDS)}}
        if item is None:
            condition = "attribute_not_exists(host)"
        elif seen is None:
            condition = "attribute_not_exists(rev)"
        else:
            condition = "rev = :seen"
            values[":seen"] = {"N": str(rev)}
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key={"host": {"S": host}},
                UpdateExpression="SET tat = :tat, rev = :rev, expires_at = :expires",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if _conditional_failure(error):
                return False
            raise
        return True


def _number(item: dict[str, Any] | None, name: str) -> float | None:
    if not item or name not in item:
        return None
    return float(item[name]["N"])


def _n(value: float) -> dict[str, str]:
    return {"N": f"{value:.6f}"}


def _conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
