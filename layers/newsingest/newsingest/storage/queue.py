"""SQS adapter for the function side: delaying one message's redelivery (Retry-After)."""

from __future__ import annotations

import logging
import threading
from typing import Any

logger = logging.getLogger(__name__)

MAX_VISIBILITY_SECONDS = 43_200  # SQS's ceiling: 12 hours


class MessageDelayer:
    """``ChangeMessageVisibility`` for a record, so a site that said Retry-After is not hammered."""

    def __init__(self, sqs_client: Any) -> None:
        self._sqs = sqs_client
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def delay(self, event_source_arn: str, receipt_handle: str, seconds: float) -> int:
        """Make the message visible again in ``seconds`` (clamped to SQS's range); return the seconds set."""
        visibility = max(1, min(MAX_VISIBILITY_SECONDS, int(round(seconds))))
        self._sqs.change_message_visibility(
            QueueUrl=self.queue_url(event_source_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=visibility,
        )
        return visibility

    def queue_url(self, event_source_arn: str) -> str:
        with self._lock:
            if event_source_arn not in self._urls:
                # arn:aws:sqs:<region>:<account>:<name>
                _, _, _, _, account, name = event_source_arn.split(":", 5)
                response = self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
                self._urls[event_source_arn] = response["QueueUrl"]
            return self._urls[event_source_arn]
