"""The one Logger, Metrics and Tracer of the function (Powertools). Extraction and fetching never import this."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

# The template names each function's service and namespace (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE);
# Powertools prefers an explicit argument over its variables, so the variables are read here, these the fallbacks.
SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME") or "newsingest"
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "Newsingest"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
tracer = Tracer(service=SERVICE)
