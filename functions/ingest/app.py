"""IngestFunction: SQS batch → one outcome per message (Powertools batch processing with partial failures)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsingest.batch import ConcurrentBatchProcessor, handle_record
from newsingest.observability import logger, metrics, tracer

processor = ConcurrentBatchProcessor()


def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> dict[str, Any]:
    return handle_record(record, lambda_context)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
