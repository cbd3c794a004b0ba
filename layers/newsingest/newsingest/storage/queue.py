"""SQS adapter for the function side: delaying one message's redelivery (Retry-After)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling: 12 hours


class MessageDelayer:
    """``ChangeMessageVisibility`` for a record, so a site that said Retry-After is not hammered."""

    def __init__(self, sqs_client: Any) -> None:
        self._sqs = sqs_client

    def delay(self, event_source_arn: str, receipt_handle: str, seconds: float) -> int:
        """Make the message visible again in ``seconds`` (clamped to SQS's range); return the seconds set."""
        visibility = max(1, min(MAX_VISIBILITY_SECONDS, int(round(seconds))))
        self._sqs.change_message_visibility(
            QueueUrl=queue_url_from_arn(event_source_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=visibility,
        )
        return visibility



def queue_url_from_arn(queue_arn: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` → the queue URL, without a GetQueueUrl call.

    The function's role (SAM's SQSPollerPolicy) deliberately has no sqs:GetQueueUrl, and the call would cost a
    round trip; SQS accepts this URL form in every region (moto too).
    """
    parts = queue_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "sqs" or not all(parts[3:]):
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    _, partition, _, region, account, name = parts
    domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://sqs.{region}.{domain}/{account}/{name}"
