"""send_bodies: batches of 10, sent concurrently, every body accounted for once (a fake SQS client, no AWS)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from newsingest.storage.queue import SQS_BATCH_SIZE, send_bodies


class FakeSqs:
    """Thread-safe stand-in for SendMessageBatch: records bodies, fails chosen bodies once (retryable) or always."""

    def __init__(self, *, flaky: set[str] = frozenset(), refused: set[str] = frozenset(),
                 meet: threading.Barrier | None = None, explode_on: int | None = None) -> None:
        self.lock = threading.Lock()
        self.sent: list[str] = []
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._flaky_left = set(flaky)
        self._refused = set(refused)
        self._meet = meet
        self._explode_on = explode_on
        self._exploded = threading.Event()

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        with self.lock:
            self.calls += 1
            call = self.calls
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self._meet is not None and call <= self._meet.parties:
                self._meet.wait(timeout=30)  # only passes when that many calls are in flight together
            if call == self._explode_on:
                self._exploded.set()
                raise RuntimeError("endpoint went away")
            if self._explode_on is not None and call > self._explode_on:
                self._exploded.wait(timeout=30)  # later calls finish only after the failing one: a fixed order
            ok, failed = [], []
            with self.lock:
                for entry in Entries:
                    body = entry["MessageBody"]
                    if body in self._refused:
                        failed.append({"Id": entry["Id"], "Code": "InvalidMessageContents", "SenderFault": True})
                    elif body in self._flaky_left:
                        self._flaky_left.discard(body)
                        failed.append({"Id": entry["Id"], "Code": "InternalError", "SenderFault": False})
                    else:
                        self.sent.append(body)
                        ok.append({"Id": entry["Id"], "MessageId": "m"})
            return {"Successful": ok, "Failed": failed}
        finally:
            with self.lock:
                self.in_flight -= 1


BODIES = [f"https://example.com/{n}" for n in range(95)]


def test_batches_run_concurrently_and_every_body_is_sent_once() -> None:
    # Given a client on which the first 4 calls must be in flight together to proceed
    client = FakeSqs(meet=threading.Barrier(4))
    progressed: list[int] = []
    # When 95 bodies are sent with 4 batches in flight
    sent, failures = send_bodies(client, "q", BODIES, concurrency=4, progress=progressed.append)
    # Then all 10 batches went out (95 bodies, each once), never more than 4 at a time, progress counted all
    assert (sent, failures) == (95, [])
    assert sorted(client.sent) == sorted(BODIES) and len(client.sent) == 95
    assert client.calls == -(-95 // SQS_BATCH_SIZE)
    assert client.max_in_flight == 4
    assert sum(progressed) == 95


def test_retryable_entries_are_resent_and_refused_ones_reported() -> None:
    # Given one entry that fails once (retryable) and one the service refuses (sender's fault)
    client = FakeSqs(flaky={BODIES[3]}, refused={BODIES[50]})
    # When sent concurrently
    sent, failures = send_bodies(client, "q", BODIES, concurrency=8, sleep=lambda _: None)
    # Then the flaky one was sent on its retry; the refused one is reported, never retried
    assert sent == 94
    assert failures == [(BODIES[50], "InvalidMessageContents")]
    assert client.sent.count(BODIES[3]) == 1 and BODIES[50] not in client.sent


@pytest.mark.parametrize("concurrency", [1, 3])
def test_an_exception_stops_sending_and_is_raised(concurrency: int) -> None:
    # Given a client whose second call raises (after the SDK's retries)
    client = FakeSqs(explode_on=2)
    # When sent / Then the error propagates and at most one more slot's worth of batches was started after it
    with pytest.raises(RuntimeError, match="endpoint went away"):
        send_bodies(client, "q", BODIES, concurrency=concurrency)
    assert 2 <= client.calls <= 1 + concurrency
