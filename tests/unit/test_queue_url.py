"""The queue URL is derived from the record's eventSourceARN (the role has no sqs:GetQueueUrl)."""

from __future__ import annotations

import pytest

from newsingest.storage.queue import queue_url_from_arn


def test_standard_and_china_partitions() -> None:
    assert queue_url_from_arn("arn:aws:sqs:eu-west-1:123456789012:articles") == (
        "https://sqs.eu-west-1.amazonaws.com/123456789012/articles")
    assert queue_url_from_arn("arn:aws-cn:sqs:cn-north-1:123456789012:q") == (
        "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q")


@pytest.mark.parametrize("arn", ["", "arn:aws:s3:::bucket", "arn:aws:sqs:us-east-1::q", "not-an-arn"])
def test_other_arns_are_refused(arn: str) -> None:
    with pytest.raises(ValueError, match="not an SQS queue ARN"):
        queue_url_from_arn(arn)
