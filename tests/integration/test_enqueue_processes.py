"""Large backfills are sent from several processes: each URL exactly once, progress counted, AWS errors kept."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from newsingest.messages import encode_message
from newsingest_tools.enqueue import PARALLEL_MIN_URLS, ClientSpec, processes_for, send_bodies_in_processes
from newsingest_tools.local.env import OFFLINE_CREDENTIALS, offline_session_kwargs

SPEC_CREDENTIALS = {"access_key": OFFLINE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                    "secret_key": OFFLINE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"], "token": None}


def _queue(endpoint: str) -> tuple[object, str]:
    sqs = boto3.client("sqs", endpoint_url=endpoint, **offline_session_kwargs())
    return sqs, sqs.create_queue(QueueName=f"backfill-{uuid.uuid4().hex[:8]}")["QueueUrl"]


def _drain(sqs: object, queue_url: str) -> list[str]:
    bodies: list[str] = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = got.get("Messages", [])
        if not messages:
            return bodies
        bodies += [message["Body"] for message in messages]
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)])


def test_three_processes_send_every_body_once_and_count_them_all(moto_endpoint: str) -> None:
    # Given 95 bodies and a queue on moto's server
    sqs, queue_url = _queue(moto_endpoint)
    bodies = [encode_message(f"https://news.example/story/{n}") for n in range(95)]
    counted: list[int] = []
    spec = ClientSpec(region="us-east-1", endpoint_url=moto_endpoint, **SPEC_CREDENTIALS)
    # When sent from 3 processes
    sent, failures = send_bodies_in_processes(spec, queue_url, bodies, 3, progress=counted.append)
    # Then every body is on the queue exactly once, and the progress adds up to all of them
    assert (sent, failures, sum(counted)) == (95, [], 95)
    assert sorted(_drain(sqs, queue_url)) == sorted(bodies)


def test_an_aws_error_in_a_process_comes_back_as_the_client_error_it_was(moto_endpoint: str) -> None:
    spec = ClientSpec(region="us-east-1", endpoint_url=moto_endpoint, **SPEC_CREDENTIALS)
    missing = f"{moto_endpoint}/123456789012/no-such-queue-{uuid.uuid4().hex[:6]}"
    with pytest.raises(ClientError) as caught:
        send_bodies_in_processes(spec, missing, [encode_message("https://news.example/a")] * 30, 2)
    assert "NonExistentQueue" in str(caught.value.response["Error"]["Code"]) or "QueueDoesNotExist" in str(
        caught.value.response["Error"]["Code"])


@pytest.mark.parametrize(("count", "cpus", "processes"), [
    (PARALLEL_MIN_URLS - 1, 8, 1), (PARALLEL_MIN_URLS, 1, 1), (PARALLEL_MIN_URLS, 2, 2), (10**6, 16, 4)])
def test_processes_only_for_large_lists_and_at_most_four(count: int, cpus: int, processes: int) -> None:
    assert processes_for(count, cpus) == processes
