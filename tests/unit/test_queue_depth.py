"""The SQS adapter's queue questions (queue_depth, queue_arn) and its receive/delete/release on moto, and its
message-move task calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from newsingest.storage.queue import (
    QueueDepth,
    delete_messages,
    message_move_task,
    queue_arn,
    queue_depth,
    receive_messages,
    release_messages,
    start_message_move,
)


@pytest.fixture()
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def test_depth_counts_visible_in_flight_and_delayed_messages_apart(sqs: Any) -> None:
    # Given a queue with three visible messages, one of them then received (in flight), and two delayed ones
    url = sqs.create_queue(QueueName="articles")["QueueUrl"]
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    for body in ("d", "e"):
        sqs.send_message(QueueUrl=url, MessageBody=body, DelaySeconds=900)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=600)

    # When its depth is asked
    depth = queue_depth(sqs, url)

    # Then each counter is its own, and the total is all five
    assert depth == QueueDepth(visible=2, in_flight=1, delayed=2)
    assert depth.total == 5


def test_an_empty_queue_has_depth_zero(sqs: Any) -> None:
    # Given an empty queue
    url = sqs.create_queue(QueueName="empty")["QueueUrl"]

    # When its depth is asked, then nothing is on it
    assert queue_depth(sqs, url) == QueueDepth()
    assert queue_depth(sqs, url).total == 0


def test_queue_arn_is_the_queues_own(sqs: Any) -> None:
    # Given two queues
    first = sqs.create_queue(QueueName="first")["QueueUrl"]
    sqs.create_queue(QueueName="second")

    # When the first one's ARN is asked, then it names that queue
    assert queue_arn(sqs, first) == "arn:aws:sqs:us-east-1:123456789012:first"


# moto has no message-move API (ListMessageMoveTasks raises NotImplementedError), so the moves are checked on
# botocore's Stubber: the requests the adapter makes and how it reads the answers.


def test_a_move_task_is_started_from_the_dead_letter_queue_and_found_again_by_its_handle() -> None:
    # Given SQS answering a started task and two tasks listed for the DLQ, ours the second
    client = boto3.client("sqs", region_name="us-east-1")
    dlq, queue = "arn:aws:sqs:us-east-1:1:dlq", "arn:aws:sqs:us-east-1:1:q"
    with Stubber(client) as stub:
        stub.add_response("start_message_move_task", {"TaskHandle": "ours"},
                          {"SourceArn": dlq, "DestinationArn": queue})
        stub.add_response("list_message_move_tasks",
                          {"Results": [{"TaskHandle": "older", "Status": "COMPLETED"},
                                       {"TaskHandle": "ours", "Status": "RUNNING"}]},
                          {"SourceArn": dlq, "MaxResults": 10})

        # When the move is started and its task asked for
        handle = start_message_move(client, dlq, queue)
        task = message_move_task(client, dlq, handle)

        # Then the handle is SQS's, and the task found is ours, not the first listed
        assert handle == "ours"
        assert task == {"TaskHandle": "ours", "Status": "RUNNING"}
        stub.assert_no_pending_responses()


def test_without_a_matching_handle_the_latest_task_is_returned_and_without_tasks_none() -> None:
    # Given SQS listing one task whose handle is not ours, then no task at all
    client = boto3.client("sqs", region_name="us-east-1")
    dlq = "arn:aws:sqs:us-east-1:1:dlq"
    with Stubber(client) as stub:
        stub.add_response("list_message_move_tasks", {"Results": [{"TaskHandle": "other", "Status": "COMPLETED"}]})
        stub.add_response("list_message_move_tasks", {"Results": []})

        # When our task is asked for each time, then the latest stands in for it, and then there is none
        assert message_move_task(client, dlq, "ours") == {"TaskHandle": "other", "Status": "COMPLETED"}
        assert message_move_task(client, dlq, "ours") is None


def test_receive_delete_and_release_move_messages_between_the_queues_counters(sqs: Any) -> None:
    # Given a queue of twelve messages, one with a message attribute
    url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="tagged", MessageAttributes={
        "source": {"DataType": "String", "StringValue": "feed-1"}})
    for n in range(11):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    # When at most 20 are asked for in one receive, hidden for ten minutes
    received = receive_messages(sqs, url, max_messages=20, visibility_timeout=600)
    # Then SQS's ceiling of ten comes back, with their system and message attributes, and they are in flight
    assert len(received) == 10
    assert all("ApproximateReceiveCount" in message["Attributes"] for message in received)
    assert queue_depth(sqs, url) == QueueDepth(visible=2, in_flight=10, delayed=0)
    # When four are deleted and the other six released
    assert delete_messages(sqs, url, received[:4]) == []
    assert release_messages(sqs, url, received[4:]) == 0
    # Then eight are visible again and none is in flight
    assert queue_depth(sqs, url) == QueueDepth(visible=8, in_flight=0, delayed=0)
    # And the attribute travelled with its message
    bodies = {m["Body"]: m for m in receive_messages(sqs, url) + receive_messages(sqs, url)} | \
        {m["Body"]: m for m in received}
    assert bodies["tagged"]["MessageAttributes"]["source"]["StringValue"] == "feed-1"


def test_releasing_a_message_already_deleted_reports_it_and_does_not_raise(sqs: Any) -> None:
    # Given a received message that is then deleted
    url = sqs.create_queue(QueueName="articles")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a")
    (message,) = receive_messages(sqs, url, visibility_timeout=600)
    assert delete_messages(sqs, url, [message]) == []
    # When it is released / Then the failure is counted, not raised
    assert release_messages(sqs, url, [message]) == 1
