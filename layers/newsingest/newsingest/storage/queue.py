"""SQS adapter for the function side: delaying one message's redelivery (Retry-After)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling: 12 hours *from the receive*, not from now
# Time between SQS handing the batch to Lambda and our ChangeMessageVisibility: the batching window (<= 60 s) and the
# invocation so far (<= 60 s), with room. ChangeMessageVisibility past 12 h from the receive is refused outright.
RECEIVE_MARGIN_SECONDS = 300
MAX_DELAY_SECONDS = 900  # SendMessage's DelaySeconds ceiling: 15 minutes
# Message attributes of a re-sent (deferred) message.
DEFERRALS_ATTRIBUTE = "newsingest-deferrals"  # how many times it was re-sent for a Retry-After
NOT_BEFORE_ATTRIBUTE = "newsingest-not-before"  # UNIX time before which it must not be processed
ORIGINAL_ID_ATTRIBUTE = "newsingest-original-message-id"  # the message id it was first sent with


class MessageDelayer:
    """Delaying one message's redelivery for a Retry-After, so a site that asked for time is not hammered.

    ``delay``: ``ChangeMessageVisibility`` of the received message (costs one of its receives). ``resend``: a copy
    of the message with ``DelaySeconds`` and the deferral attributes (the original is then acknowledged, so no
    receive is burnt: see ``batch.handle_record``).
    """

    def __init__(self, sqs_client: Any) -> None:
        self._sqs = sqs_client

    def delay(self, event_source_arn: str, receipt_handle: str, seconds: float) -> int:
        """Make the message visible again in ``seconds``, clamped to what SQS allows for a message received moments
        ago (1 s … 12 h from the receive); return the seconds set."""
        visibility = max(1, min(max_visibility_seconds(), int(round(seconds))))
        self._sqs.change_message_visibility(
            QueueUrl=queue_url_from_arn(event_source_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=visibility,
        )
        return visibility

    def resend(self, event_source_arn: str, body: str, *, delay_seconds: float, attributes: dict[str, str]) -> int:
        """Send a copy of a message to its queue, invisible for ``delay_seconds`` (clamped to 0 … 15 min), with
        ``attributes`` as String message attributes; return the delay set."""
        delay = max(0, min(MAX_DELAY_SECONDS, int(round(delay_seconds))))
        self._sqs.send_message(
            QueueUrl=queue_url_from_arn(event_source_arn), MessageBody=body, DelaySeconds=delay,
            MessageAttributes={name: {"DataType": "String", "StringValue": value}
                               for name, value in attributes.items()},
        )
        return delay


def max_visibility_seconds() -> int:
    """The longest visibility a just-received message can be given: 12 h from its receive, minus the margin."""
    return MAX_VISIBILITY_SECONDS - RECEIVE_MARGIN_SECONDS


def queue_url_from_arn(queue_arn: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` → the queue URL, without a GetQueueUrl call.

    The function's role deliberately has no sqs:GetQueueUrl, and the call would cost a
    round trip; SQS accepts this URL form in every region (moto too).
    """
    parts = queue_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "sqs" or not all(parts[3:]):
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    _, partition, _, region, account, name = parts
    domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://sqs.{region}.{domain}/{account}/{name}"
