"""The one Logger, Metrics and Tracer of the function (Powertools). Extraction and fetching never import this."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "newsingest"
NAMESPACE = "Newsingest"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
tracer = Tracer(service=SERVICE)
