"""boto3 clients, created once per execution environment (or per CLI run) and passed to the adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config


@dataclass(frozen=True)
class AwsClients:
    s3: Any
    dynamodb: Any
    sqs: Any


def create_clients(*, max_pool_connections: int = 10, session: boto3.Session | None = None,
                   endpoint_url: str | None = None, region_name: str | None = None) -> AwsClients:
    """Clients with bounded timeouts and the SDK's standard retry mode (throttling is retried with backoff).

    ``endpoint_url`` (or ``AWS_ENDPOINT_URL``, which boto3 reads itself) points them at moto's server.
    """
    config = Config(
        retries={"mode": "standard", "max_attempts": 4},
        connect_timeout=5,
        read_timeout=20,
        max_pool_connections=max(10, max_pool_connections),
    )
    session = session or boto3.Session(region_name=region_name)
    return AwsClients(
        s3=session.client("s3", config=config, endpoint_url=endpoint_url),
        dynamodb=session.client("dynamodb", config=config, endpoint_url=endpoint_url),
        sqs=session.client("sqs", config=config, endpoint_url=endpoint_url),
    )
