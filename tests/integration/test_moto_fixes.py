"""moto's defects fixed for local runs (newsingest_tools.local.moto_fixes): each case on moto as shipped, then fixed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from moto import mock_aws

from newsingest_tools.local.moto_fixes import fixed_moto, stock_moto


def _session() -> Any:
    return boto3.Session(region_name="us-east-1")


def _queues(sqs: Any) -> dict[str, str]:
    standard = sqs.create_queue(QueueName="standard", Attributes={"DelaySeconds": "0"})["QueueUrl"]
    fifo = sqs.create_queue(QueueName="dedup.fifo", Attributes={"FifoQueue": "true",
                                                                 "ContentBasedDeduplication": "true"})["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=standard, MessageBody=f"visible {n}")
    sqs.send_message(QueueUrl=standard, MessageBody="delayed", DelaySeconds=60)
    sqs.receive_message(QueueUrl=standard, MaxNumberOfMessages=1, VisibilityTimeout=60)  # one in flight
    return {"standard": standard, "fifo": fifo}


def _attributes(sqs: Any, queues: dict[str, str]) -> dict[str, Any]:
    every = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
             for name, url in queues.items()}
    some = {name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ContentBasedDeduplication",
        "FifoQueue"])["Attributes"] for name, url in queues.items()}
    for answer in every.values():  # set when the queue was made: equal only by chance of the clock
        answer.pop("CreatedTimestamp", None)
        answer.pop("LastModifiedTimestamp", None)
    return {"every": every, "some": some}


def test_sends_that_do_not_count_the_queue_change_no_queue_attribute_and_no_deduplication() -> None:
    with stock_moto(), mock_aws():
        # Given a standard queue with visible, delayed and in-flight messages, and a content-deduplicated FIFO queue
        sqs = _session().client("sqs")
        queues = _queues(sqs)
        moto_says = _attributes(sqs, queues)

        # When the same questions are asked of the fixed moto
        with fixed_moto():
            ours = _attributes(sqs, queues)
            # and one body is sent twice to the FIFO queue
            for _ in range(2):
                sqs.send_message(QueueUrl=queues["fifo"], MessageBody="same", MessageGroupId="g")
            fifo_depth = sqs.get_queue_attributes(QueueUrl=queues["fifo"],
                                                  AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]

        # Then every attribute is moto's own (the counts included), and the duplicate is still dropped
        assert ours == moto_says
        assert moto_says["some"]["standard"]["ApproximateNumberOfMessages"] == "2"
        assert moto_says["some"]["standard"]["ApproximateNumberOfMessagesDelayed"] == "1"
        assert moto_says["some"]["fifo"]["ContentBasedDeduplication"] == "true"
        assert fifo_depth == {"ApproximateNumberOfMessages": "1"}


def test_the_fixes_nest_and_the_outermost_puts_moto_back_even_after_an_error() -> None:
    from moto.dynamodb import models
    from moto.sqs.models import Queue

    with stock_moto():
        # Given moto as it ships
        originals = (Queue.__dict__["attributes"], models.copy, models.DynamoDBBackend.transact_write_items)

        # When the fixes are applied twice over and the inner use ends by an error
        with fixed_moto():
            fixed = (Queue.__dict__["attributes"], models.copy, models.DynamoDBBackend.transact_write_items)
            with pytest.raises(RuntimeError), fixed_moto():
                raise RuntimeError("inside")
            still = (Queue.__dict__["attributes"], models.copy, models.DynamoDBBackend.transact_write_items)

        # Then the outer use kept them, and its end put moto's own back
        assert all(mine is not theirs for mine, theirs in zip(fixed, originals, strict=True))
        assert still == fixed
        assert (Queue.__dict__["attributes"], models.copy, models.DynamoDBBackend.transact_write_items) == originals


def _transactions_on_a_table() -> dict[str, Any]:
    """A table of three items, one transaction that commits and one that is cancelled by its last condition
    (after a put, an update and a delete it made first); what each answered and the table after each."""
    from botocore.exceptions import ClientError

    dynamodb = _session().client("dynamodb")
    dynamodb.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    for name in ("a", "b", "c"):
        dynamodb.put_item(TableName="t", Item={"pk": {"S": name}, "n": {"N": "1"}})

    def table() -> list[Any]:
        return sorted(dynamodb.scan(TableName="t")["Items"], key=lambda item: item["pk"]["S"])

    def writes(new: str, last_condition: str) -> list[dict[str, Any]]:
        return [{"Put": {"TableName": "t", "Item": {"pk": {"S": new}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Update": {"TableName": "t", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET n = n + :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                {"Delete": {"TableName": "t", "Key": {"pk": {"S": "b"}}}},
                {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "c"}},
                                    "ConditionExpression": last_condition}}]

    dynamodb.transact_write_items(TransactItems=writes("d", "attribute_exists(pk)"))
    after_commit = table()
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "b"}, "n": {"N": "5"}})
    before_cancel = table()
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=writes("e", "attribute_not_exists(pk)"))
    return {"after_commit": after_commit, "before_cancel": before_cancel, "after_cancel": table(),
            "reasons": cancelled.value.response["CancellationReasons"]}


def test_transactions_commit_and_cancel_as_moto_does() -> None:
    # Given the same transactions run on moto as it ships, then on the fixed one
    with stock_moto(), mock_aws():
        moto_says = _transactions_on_a_table()
    with fixed_moto(), mock_aws():
        ours = _transactions_on_a_table()

    # Then the answers and the table after each are moto's own, and the cancelled one left no trace
    assert ours == moto_says
    assert [item["pk"]["S"] for item in moto_says["after_commit"]] == ["a", "c", "d"]
    assert moto_says["after_cancel"] == moto_says["before_cancel"]
    assert [reason["Code"] for reason in moto_says["reasons"]] == ["None", "None", "None", "ConditionalCheckFailed"]


def test_a_transaction_cancelled_beside_concurrent_writes_keeps_them_and_leaves_no_trace_of_its_own() -> None:
    from botocore.exceptions import ClientError

    with fixed_moto(), mock_aws():
        # Given a table of 300 items that four threads keep writing to
        dynamodb = _session().client("dynamodb")
        dynamodb.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST")
        for n in range(300):
            dynamodb.put_item(TableName="t", Item={"pk": {"S": f"old{n}"}})

        def write(worker: int) -> None:
            for n in range(50):
                dynamodb.put_item(TableName="t", Item={"pk": {"S": f"w{worker}-{n}"}})

        # When transactions that are cancelled by their last claim run alongside them
        def cancelled(round_: int) -> str:
            claims = [{"Put": {"TableName": "t", "Item": {"pk": {"S": f"tx{round_}-{n}"}},
                               "ConditionExpression": "attribute_not_exists(pk)"}} for n in range(20)]
            claims.append({"Put": {"TableName": "t", "Item": {"pk": {"S": "old0"}},
                                   "ConditionExpression": "attribute_not_exists(pk)"}})
            try:
                dynamodb.transact_write_items(TransactItems=claims)
            except ClientError as error:
                return str(error.response["Error"]["Code"])
            return "committed"

        with ThreadPoolExecutor(6) as pool:
            writers = [pool.submit(write, worker) for worker in range(4)]
            outcomes = list(pool.map(cancelled, range(20)))
            for writer in writers:
                writer.result()

        # Then every transaction was cancelled, none left an item, and every concurrent write is there
        keys = {item["pk"]["S"] for page in dynamodb.get_paginator("scan").paginate(TableName="t")
                for item in page["Items"]}
        assert outcomes == ["TransactionCanceledException"] * 20
        assert not any(key.startswith("tx") for key in keys)
        assert {f"w{worker}-{n}" for worker in range(4) for n in range(50)} <= keys
        assert len(keys) == 300 + 200
