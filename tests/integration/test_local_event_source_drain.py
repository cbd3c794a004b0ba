"""LocalEventSource.drain's options for several pollers and a producer still sending: more_coming, when_idle, idle.

On in-process moto with a plain queue and a handler that records what it is given (no stack, no origin needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from newsingest.storage.queue import queue_depth
from newsingest_tools.local.esm import LocalEventSource


@pytest.fixture()
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


class Recorder:
    """A handler that succeeds for every record and remembers the bodies."""

    def __init__(self) -> None:
        self.bodies: list[str] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.bodies += [record["body"] for record in event["Records"]]
        return {"batchItemFailures": []}


def test_while_more_is_coming_an_empty_queue_does_not_end_the_drain(sqs: Any) -> None:
    # Given an empty queue and a producer that sends one message on each of the drain's first three idle pauses
    url = sqs.create_queue(QueueName="articles")["QueueUrl"]
    handler = Recorder()
    source = LocalEventSource(sqs, url, handler, retry_visibility_seconds=0)
    pending = ["one", "two", "three"]

    def produce() -> None:
        sqs.send_message(QueueUrl=url, MessageBody=pending.pop(0))

    # When it drains while the producer says more is coming
    report = source.drain(when_idle=produce, more_coming=lambda: bool(pending))

    # Then it waited out every empty receive until the producer was done, and processed all it sent
    assert handler.bodies == ["one", "two", "three"]
    assert report.received == 3 and report.batches == 3
    assert report.idle
    assert queue_depth(sqs, url).total == 0


def test_without_more_coming_the_first_idle_receive_ends_the_drain_and_when_idle_is_not_called(sqs: Any) -> None:
    # Given a queue with two messages
    url = sqs.create_queue(QueueName="articles")["QueueUrl"]
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    handler = Recorder()
    pauses: list[int] = []
    source = LocalEventSource(sqs, url, handler, retry_visibility_seconds=0)

    # When it drains with a pause callback
    report = source.drain(when_idle=lambda: pauses.append(1))

    # Then both were processed and the drain ended on the idle queue without pausing
    assert sorted(handler.bodies) == ["a", "b"]
    assert report.idle and report.received == 2
    assert pauses == []


def test_a_message_still_in_flight_elsewhere_keeps_the_drain_going_with_pauses(sqs: Any) -> None:
    # Given a queue whose only message another poller holds in flight, released on the drain's second pause
    url = sqs.create_queue(QueueName="articles")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="held")
    held = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"][0]
    handler = Recorder()
    pauses: list[int] = []

    def pause() -> None:
        pauses.append(1)
        if len(pauses) == 2:  # the other poller gives it back
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=0)

    source = LocalEventSource(sqs, url, handler, retry_visibility_seconds=0)

    # When it drains
    report = source.drain(when_idle=pause)

    # Then it paused (rather than stopping) while the message was in flight, then processed it
    assert len(pauses) >= 2
    assert handler.bodies == ["held"]
    assert report.idle


def test_a_drain_cut_short_by_max_polls_is_not_idle(sqs: Any) -> None:
    # Given a queue with a message held in flight by another poller for the whole drain
    url = sqs.create_queue(QueueName="articles")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="held")
    sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)
    source = LocalEventSource(sqs, url, Recorder(), retry_visibility_seconds=0)

    # When it drains with only three receives allowed
    report = source.drain(max_polls=3)

    # Then it stopped without the queue being idle, and says so
    assert not report.idle
    assert report.received == 0
