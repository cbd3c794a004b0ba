"""The benchmarks' AWS endpoint (benchmarks.emulator): moto's backends behind a lean front answer as moto does."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from benchmarks.emulator import aws_url, serving
from tests.conftest import deploy_stack


def _session() -> Any:
    return boto3.Session(region_name="us-east-1")


def test_a_signed_request_goes_to_the_service_its_credential_scope_names() -> None:
    # Given SigV4 authorizations for DynamoDB in eu-west-1 and for S3
    dynamodb = "AWS4-HMAC-SHA256 Credential=testing/20261201/eu-west-1/dynamodb/aws4_request, SignedHeaders=host"
    s3 = "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/s3/aws4_request, SignedHeaders=host"

    # When their AWS URLs are worked out / Then each names its service, region and path (S3 path-style)
    assert aws_url(dynamodb, "/") == "https://dynamodb.eu-west-1.amazonaws.com/"
    assert aws_url(s3, "/bucket/key?versionId=1") == "https://s3.amazonaws.com/bucket/key?versionId=1"
    # and an unsigned request is refused: nothing says which service it is for
    with pytest.raises(ValueError, match="unsigned"):
        aws_url("", "/")


@pytest.mark.slow
def test_the_stack_deploys_and_answers_through_the_lean_front() -> None:
    # Given moto's backends behind the lean front
    with serving() as endpoint:
        session = _session()

        # When the stack from template.yaml is deployed through it
        stack = deploy_stack(session.client("cloudformation", endpoint_url=endpoint))

        # Then DynamoDB, SQS and S3 calls on the stack's resources answer as moto does
        sqs = session.client("sqs", endpoint_url=endpoint)
        sqs.send_message(QueueUrl=stack.outputs.queue_url, MessageBody=json.dumps({"url": "https://example.com/a"}))
        received = sqs.receive_message(QueueUrl=stack.outputs.queue_url, MaxNumberOfMessages=10)["Messages"]
        assert [json.loads(message["Body"])["url"] for message in received] == ["https://example.com/a"]

        dynamodb = session.client("dynamodb", endpoint_url=endpoint)
        table = str(stack.outputs.sources_table_name)
        dynamodb.put_item(TableName=table, Item={"pk": {"S": "seen#1"}}, ConditionExpression="attribute_not_exists(pk)")
        with pytest.raises(dynamodb.exceptions.ConditionalCheckFailedException):
            dynamodb.put_item(TableName=table, Item={"pk": {"S": "seen#1"}},
                              ConditionExpression="attribute_not_exists(pk)")

        s3 = session.client("s3", endpoint_url=endpoint)
        s3.put_object(Bucket=stack.outputs.bucket_name, Key="text/a.txt", Body=b"body")
        assert s3.get_object(Bucket=stack.outputs.bucket_name, Key="text/a.txt")["Body"].read() == b"body"
        with pytest.raises(s3.exceptions.NoSuchKey):
            s3.get_object(Bucket=stack.outputs.bucket_name, Key="text/missing.txt")
