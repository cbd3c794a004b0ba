"""A local event-source mapping: what Lambda's SQS poller does, against any queue (moto's server or real SQS).

It receives up to 10 messages, builds exactly the event Lambda sends, calls the real ``lambda_handler``, deletes the
messages that succeeded and leaves the ``batchItemFailures`` to reappear after their visibility timeout, so retries,
``maxReceiveCount`` and the dead-letter queue behave as on AWS.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from newsingest.storage.queue import delete_messages, queue_arn, queue_depth, receive_messages, release_messages

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LocalLambdaContext:
    """The parts of Lambda's context object that Powertools and the handler read."""

    timeout_seconds: float = 60.0
    function_name: str = "IngestFunction"
    memory_limit_in_mb: int = 256
    region: str = "us-east-1"
    account: str = "123456789012"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    clock: Callable[[], float] = time.monotonic
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = self.clock() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self.clock()) * 1000))


@dataclass
class RoundReport:
    """What one receive → invoke → delete round did."""

    received: int = 0
    succeeded: int = 0
    failed: int = 0
    handler_error: str | None = None


@dataclass
class DrainReport:
    """What a drain did: its batches and deliveries, and whether it ended on an idle queue."""

    batches: int = 0
    received: int = 0
    succeeded: int = 0
    failed: int = 0
    handler_errors: int = 0
    idle: bool = False  # ended because the queue was idle, not because max_batches/max_polls ran out


class LocalEventSource:
    """Polls one queue and invokes a handler the way Lambda's event source mapping does.

    ``retry_visibility_seconds``: when set, a failed message's visibility is changed to this many seconds instead of
    waiting for the queue's own timeout (tests and the load run use 0 so redeliveries happen at once; the demo and
    real queues leave it None).
    """

    def __init__(self, sqs_client: Any, queue_url: str, handler: Handler, *, batch_size: int = 10,
                 wait_seconds: int = 0, function_timeout: float = 60.0,
                 retry_visibility_seconds: int | None = None, region: str = "us-east-1") -> None:
        self._sqs = sqs_client
        self.queue_url = queue_url
        self._handler = handler
        self._batch_size = batch_size
        self._wait_seconds = wait_seconds
        self._function_timeout = function_timeout
        self._retry_visibility = retry_visibility_seconds
        self._region = region
        self.queue_arn = queue_arn(sqs_client, queue_url)

    def poll_once(self) -> RoundReport:
        """One batch: receive, invoke, delete the successes. An empty receive returns a report with received=0."""
        messages = receive_messages(self._sqs, self.queue_url, max_messages=self._batch_size,
                                    wait_seconds=self._wait_seconds)
        report = RoundReport(received=len(messages))
        if not messages:
            return report
        event = {"Records": [self._record(message) for message in messages]}
        try:
            result = self._handler(event, LocalLambdaContext(self._function_timeout, region=self._region))
            failed_ids = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        except Exception as error:  # Lambda retries the whole batch when the handler itself fails
            logger.exception("handler raised; the whole batch will be retried")
            report.handler_error = f"{type(error).__name__}: {error}"
            failed_ids = {message["MessageId"] for message in messages}
        succeeded = [message for message in messages if message["MessageId"] not in failed_ids]
        failed = [message for message in messages if message["MessageId"] in failed_ids]
        self._delete(succeeded)
        self._release(failed)
        report.succeeded, report.failed = len(succeeded), len(failed)
        return report

    def drain(self, *, max_batches: int = 10_000, idle_polls: int = 1, max_polls: int = 100_000,
              on_batch: Callable[[RoundReport], None] | None = None,
              when_idle: Callable[[], None] | None = None,
              more_coming: Callable[[], bool] | None = None) -> DrainReport:
        """Poll until the queue is empty (or ``max_batches`` batches were processed, or ``max_polls`` receives made).

        When failures are released at once (``retry_visibility_seconds``), an empty receive only counts towards
        ``idle_polls`` once the queue's own counters say nothing is left, visible, in flight or delayed: a message
        released with visibility 0 can miss an immediate receive, and stopping then would leave it behind. Otherwise
        failed messages wait out the queue's visibility timeout, as on AWS, and an empty receive ends the drain.

        ``more_coming``: a producer is still sending; while it says so, no empty receive counts (the drain does not
        stop). ``when_idle`` runs after every empty receive that does not end the drain (several pollers, or messages
        delayed on the queue: a short pause instead of spinning against the server). The report's ``idle`` says
        whether the drain ended on an idle queue rather than on ``max_batches``/``max_polls``.
        """
        total = DrainReport()
        idle = 0
        for _ in range(max_polls):
            if total.batches >= max_batches:
                break
            report = self.poll_once()
            if report.received == 0:
                if more_coming is None or not more_coming():
                    idle += self._retry_visibility is None or queue_depth(self._sqs, self.queue_url).total == 0
                if idle >= idle_polls:
                    total.idle = True
                    break
                if when_idle is not None:
                    when_idle()
                continue
            idle = 0
            total.batches += 1
            total.received += report.received
            total.succeeded += report.succeeded
            total.failed += report.failed
            total.handler_errors += report.handler_error is not None
            if on_batch:
                on_batch(report)
        return total

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        body = message.get("Body", "")
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": body,
            "attributes": message.get("Attributes", {}),
            "messageAttributes": _lambda_message_attributes(message.get("MessageAttributes", {})),
            "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode("utf-8")).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self._region,
        }

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for failure in delete_messages(self._sqs, self.queue_url, messages):
            logger.warning("could not delete a processed message (it will be redelivered): %s", failure)

    def _release(self, messages: list[dict[str, Any]]) -> None:
        if self._retry_visibility is None:
            return
        # one the handler already moved (a Retry-After) is not released: the queue's timeout still applies to it
        release_messages(self._sqs, self.queue_url, messages, self._retry_visibility)


def _lambda_message_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    # ReceiveMessage says StringValue/DataType; Lambda's event says stringValue/dataType.
    return {
        name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
               "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
        for name, value in attributes.items()
    }


def load_handler(template_path: Path, function_logical_id: str = "IngestFunction") -> Handler:
    """Import the function's handler the way ``sam local invoke`` resolves it: CodeUri + Handler from template.yaml."""
    from newsingest_tools.local.stack import load_template

    template = load_template(template_path)
    properties = template["Resources"][function_logical_id]["Properties"]
    globals_ = template.get("Globals", {}).get("Function", {})
    handler_spec = properties.get("Handler") or globals_["Handler"]
    module_name, _, attribute = handler_spec.rpartition(".")
    code_dir = (template_path.parent / properties["CodeUri"]).resolve()
    module = _import_file(code_dir / (module_name.replace(".", "/") + ".py"), f"newsingest_fn_{module_name}")
    return getattr(module, attribute)


def _import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import handler from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
