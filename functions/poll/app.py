"""PollFunction: run on a schedule; polls the due feeds and sitemaps and enqueues their new article URLs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsingest.observability import logger, metrics, tracer
from newsingest.poll import run_scheduled_poll


# The schedule's event says nothing: the handler reads only its context.
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    summary = run_scheduled_poll(context)
    for name, value in summary.items():  # SourcesPolled, SourcesFailed, UrlsEnqueued ... (EMF, no API call)
        metrics.add_metric(name=f"Poll{name.title().replace('_', '')}", unit=MetricUnit.Count, value=value)
    return summary
