"""The fleet-wide per-host budget on the stack's own HostBudgetTable (moto), and how the function uses it.

Time is virtual here: the budget's clock is a variable and its sleep records the wait it was asked for, so each
call stands for another function arriving at the same moment (no test sleeps, no wall clock).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsingest.batch import handle_record
from newsingest.fetch import Fetcher
from newsingest.outcomes import TransientFailure
from newsingest.storage.host_budget import HOST_BUDGET_REASON, PACING_MARGIN, HostBudget
from newsingest_tools.local.esm import LocalLambdaContext
from tests.conftest import sqs_record
from tests.support.world import World

HOST = "news.example"
T0 = 1_800_000_000.0


def spacing(seconds: float) -> float:
    """The slot spacing the budget gives for a nominal interval (paced a margin wide for send jitter)."""
    return seconds * (1 + PACING_MARGIN)


def waits(*nominal: float) -> list[float]:
    return [pytest.approx(spacing(value), abs=1e-3) for value in nominal]


class VirtualTime:
    def __init__(self) -> None:
        self.now = T0
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(round(seconds, 3))


def _budget(world: World, time: VirtualTime, **options: Any) -> HostBudget:
    table = world.stack.outputs.host_budget_table_name
    assert table, "the stack has a HostBudgetTable"
    settings = {"rate": 2.0, "burst": 2, "max_wait": 10.0} | options
    return HostBudget(world.stack.clients.dynamodb, table, clock=time.clock, sleep=time.sleep, **settings)


def test_functions_arriving_together_get_distinct_slots_burst_first(world: World) -> None:
    # Given a budget of 2 requests/s with a burst of 2, and 5 functions asking at the same instant
    time = VirtualTime()
    budget = _budget(world, time)
    # When each acquires a slot
    for _ in range(5):
        budget.acquire(HOST, min_interval=None, remaining=60.0)
    # Then two go at once and the others wait their turn, half a second apart (plus the pacing margin)
    assert time.waits == waits(0.5, 1.0, 1.5)  # the first two did not sleep


class Interleaving:
    """A DynamoDB client on which another function takes a slot between our read and our conditional write."""

    def __init__(self, client: Any, other: HostBudget, times: int) -> None:
        self._client = client
        self._other = other
        self._left = times
        self.conflicts = 0

    def get_item(self, **kwargs: Any) -> Any:
        return self._client.get_item(**kwargs)

    def update_item(self, **kwargs: Any) -> Any:
        if self._left:
            self._left -= 1
            self._other.acquire(HOST, min_interval=None, remaining=60.0)  # the other function wins the race
        try:
            return self._client.update_item(**kwargs)
        except Exception:
            self.conflicts += 1
            raise


def test_a_slot_taken_between_read_and_write_is_never_given_twice(world: World) -> None:
    # Given two functions on a budget of 4/s, burst 1, and the other one winning our first two read-write races
    time = VirtualTime()
    other = _budget(world, time, rate=4.0, burst=1)
    client = Interleaving(world.stack.clients.dynamodb, other, times=2)
    mine = HostBudget(client, world.stack.outputs.host_budget_table_name or "", rate=4.0, burst=1, max_wait=10.0,
                      clock=time.clock, sleep=time.sleep)
    # When we acquire
    mine.acquire(HOST, min_interval=None, remaining=60.0)
    # Then our conditional writes lost twice, we read again each time, and took the slot after the other's two
    assert client.conflicts == 2
    assert time.waits == waits(0.25, 0.5)  # the other's second slot, then ours: every slot given once


def test_a_slot_too_far_off_is_refused_and_reserves_nothing(world: World) -> None:
    # Given a budget of 1 request/s, burst 1, and callers willing to wait 2 s at most
    time = VirtualTime()
    budget = _budget(world, time, rate=1.0, burst=1, max_wait=2.0)
    for _ in range(2):  # slots at +0 and +1 (paced)
        budget.acquire(HOST, min_interval=None, remaining=60.0)
    # When a third asks (its slot would be over 2 s away) / Then it is refused with the wait as Retry-After
    with pytest.raises(TransientFailure) as refused:
        budget.acquire(HOST, min_interval=None, remaining=60.0)
    assert (refused.value.reason, refused.value.retry_after) == (HOST_BUDGET_REASON, 3.0)
    # And it took nothing: one second later the next caller gets the slot it would have had
    time.now += 1
    budget.acquire(HOST, min_interval=None, remaining=60.0)
    assert time.waits == [pytest.approx(spacing(1.0), abs=1e-3), pytest.approx(spacing(2.0) - 1, abs=1e-3)]


def test_a_fetch_with_little_time_left_is_not_made_to_wait_past_it(world: World) -> None:
    time = VirtualTime()
    budget = _budget(world, time, rate=1.0, burst=1)
    budget.acquire(HOST, min_interval=None, remaining=60.0)
    with pytest.raises(TransientFailure):
        budget.acquire(HOST, min_interval=None, remaining=2.5)  # 1 s wait, but only 0.5 s would be left to fetch


def test_a_rest_asked_by_the_host_holds_every_function_back_and_is_never_shortened(world: World) -> None:
    time = VirtualTime()
    budget = _budget(world, time, max_wait=60.0)
    # Given the host answered 429 with Retry-After: 30, then another function saw Retry-After: 5
    budget.slow_down(HOST, 30)
    budget.slow_down(HOST, 5)
    # When a function asks / Then it waits the 30 s
    budget.acquire(HOST, min_interval=None, remaining=120.0)
    assert time.waits == [30.0]


def test_crawl_delay_paces_its_host_one_at_a_time_and_other_hosts_are_free(world: World) -> None:
    time = VirtualTime()
    budget = _budget(world, time, rate=10.0, burst=5)
    # Given robots.txt asking for 4 s between requests
    for _ in range(3):
        budget.acquire(HOST, min_interval=4.0, remaining=60.0)
    # Then its requests are 4 s apart (no burst), while another host still bursts
    for _ in range(3):
        budget.acquire("other.example", min_interval=None, remaining=60.0)
    assert time.waits == waits(4.0, 8.0)


# ----------------------------------------------------------------------- the function's use of the budget


class RecordingGate:
    def __init__(self, refuse_after: int | None = None) -> None:
        self.acquired: list[tuple[str, float | None]] = []
        self.rests: list[tuple[str, float]] = []
        self.refuse_after = refuse_after

    def acquire(self, host: str, *, min_interval: float | None, remaining: float) -> None:
        if self.refuse_after is not None and len(self.acquired) >= self.refuse_after:
            raise TransientFailure(HOST_BUDGET_REASON, f"{host}: slot 3 s away", retry_after=3.0)
        self.acquired.append((host, min_interval))

    def slow_down(self, host: str, seconds: float) -> None:
        self.rests.append((host, seconds))


def _gated(world: World, gate: RecordingGate) -> None:
    runtime = world.runtime
    runtime.deps.fetcher = Fetcher(runtime.deps.fetcher.options, gate=gate)


def test_the_fetcher_asks_the_gate_before_each_request_with_the_sites_crawl_delay(world: World) -> None:
    # Given a site whose robots.txt asks for a 2 s crawl delay
    world.origin.robots = b"User-agent: *\nCrawl-delay: 2\nAllow: /\n"
    gate = RecordingGate()
    _gated(world, gate)
    host = world.origin.base_url.split("//", 1)[1].split(":", 1)[0]
    # When a story is ingested
    record = sqs_record(world.origin.url("page/1/coastline_lighthouse.html"), queue_arn=world.queue_arn)
    assert handle_record(_record(record), LocalLambdaContext(), world.runtime)["status"] == "ok"
    # Then robots.txt was asked for first (no delay known yet), then the page with the site's delay
    assert gate.acquired == [(host, None), (host, 2.0)]


def test_a_429_with_retry_after_rests_the_host_for_everyone(world: World) -> None:
    gate = RecordingGate()
    _gated(world, gate)
    record = sqs_record(world.origin.url("status/429?retry_after=40"), queue_arn=world.queue_arn)
    with pytest.raises(TransientFailure):
        handle_record(_record(record), LocalLambdaContext(), world.runtime)
    host = world.origin.base_url.split("//", 1)[1].split(":", 1)[0]
    assert gate.rests == [(host, 40.0)]


def test_a_budget_refusal_on_robots_txt_defers_the_message_and_is_not_remembered_as_unavailable(world: World) -> None:
    # Given a host whose budget refuses every request, robots.txt included
    _gated(world, RecordingGate(refuse_after=0))
    record = sqs_record(world.origin.url("page/3/coastline_lighthouse.html"), queue_arn=world.queue_arn)
    # When handled / Then the message waits for the budget (deferred), not for a "robots_unavailable" retry
    assert handle_record(_record(record), LocalLambdaContext(), world.runtime)["status"] == "deferred"
    # And once the budget frees up, robots.txt is asked for at once (no cached failure) and the story is stored
    _gated(world, RecordingGate())
    assert handle_record(_record(record), LocalLambdaContext(), world.runtime)["status"] == "ok"


def test_a_message_over_its_hosts_budget_is_re_sent_delayed_without_using_a_receive(world: World) -> None:
    # Given a host whose budget is spent (the gate refuses: next slot 3 s away) and a message on its first receive
    _gated(world, RecordingGate(refuse_after=1))  # robots.txt gets the one slot, the page is refused
    sends: list[dict[str, Any]] = []
    visibility: list[dict[str, Any]] = []
    sqs = world.runtime.delayer._sqs
    sqs.meta.events.register("provide-client-params.sqs.SendMessage", lambda params, **_: sends.append(dict(params)))
    sqs.meta.events.register("provide-client-params.sqs.ChangeMessageVisibility",
                             lambda params, **_: visibility.append(dict(params)))
    record = sqs_record(world.origin.url("page/2/coastline_lighthouse.html"), queue_arn=world.queue_arn)
    # When handled
    result = handle_record(_record(record), LocalLambdaContext(), world.runtime)
    # Then it is deferred: a copy delayed by the wait, the original acknowledged, no visibility change (no receive)
    assert result == {"status": "deferred", "reason": HOST_BUDGET_REASON}
    assert [call["DelaySeconds"] for call in sends] == [3] and visibility == []
    assert not world.origin.page_hits()


def _record(raw: dict[str, Any]) -> SQSRecord:
    return SQSRecord(raw)
