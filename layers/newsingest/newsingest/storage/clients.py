"""boto3 clients, created once per execution environment (or per CLI run) and passed to the adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

CONNECT_TIMEOUT_S = 2
READ_TIMEOUT_S = 5
# The CLI, the local tools and the tests wait longer: they have no invocation deadline, and a full-table Scan page
# from moto's server on a loaded machine can take more than the function's 5 s.
TOOLING_READ_TIMEOUT_S = 60
TOTAL_MAX_ATTEMPTS = 3  # the first try included ("max_attempts" would mean retries: botocore adds one)
# botocore's standard mode backs off min(random() x 2**(attempt - 1), 20) s before each retry.
_MAX_BACKOFF_S = 20


@dataclass(frozen=True)
class AwsClients:
    s3: Any
    dynamodb: Any
    sqs: Any
    # EventBridge, only when asked for (``with_events``): the function publishes only when a bus is configured, and
    # a client nobody calls would only lengthen every cold start.
    events: Any = None


def create_clients(*, max_pool_connections: int = 10, session: boto3.Session | None = None,
                   endpoint_url: str | None = None, region_name: str | None = None,
                   read_timeout: float = READ_TIMEOUT_S, with_events: bool = False) -> AwsClients:
    """Clients with bounded timeouts and the SDK's standard retry mode (throttling is retried with backoff).

    Sized by the deadline rule: one call, all its attempts and back-offs included, ends well inside the 60 s
    function (``worst_case_call_seconds``: 3 x (2 + 5) s + 1 + 2 s of back-off = 24 s), instead of the
    5 x (5 + 20) s = ~130 s the previous settings allowed ("max_attempts": 4 is four *retries*). S3, DynamoDB, SQS
    and EventBridge answer in tens of milliseconds; a call that waits 5 s for a byte has failed.

    ``endpoint_url`` (or ``AWS_ENDPOINT_URL``, which boto3 reads itself) points them at moto's server.
    ``read_timeout``: the function's default; tools without a deadline pass ``TOOLING_READ_TIMEOUT_S``.
    ``with_events``: also an EventBridge client (``AwsClients.events``), for publishing ``ArticleStored``.
    """
    config = client_config(max_pool_connections, read_timeout=read_timeout)
    session = session or boto3.Session(region_name=region_name)
    return AwsClients(
        s3=session.client("s3", config=config, endpoint_url=endpoint_url),
        dynamodb=session.client("dynamodb", config=config, endpoint_url=endpoint_url),
        sqs=session.client("sqs", config=config, endpoint_url=endpoint_url),
        events=session.client("events", config=config, endpoint_url=endpoint_url) if with_events else None,
    )


def client_config(max_pool_connections: int = 10, *, read_timeout: float = READ_TIMEOUT_S) -> Config:
    return Config(
        retries={"mode": "standard", "total_max_attempts": TOTAL_MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=read_timeout,
        max_pool_connections=max(10, max_pool_connections),
    )


def worst_case_call_seconds(config: Config) -> float:
    """The longest one SDK call can take with ``config``: every attempt timing out, every back-off at its maximum."""
    # botocore sets a Config's options as attributes at run time; its stubs declare none of them
    options: Any = config
    attempts = int(options.retries["total_max_attempts"])
    per_attempt = float(options.connect_timeout) + float(options.read_timeout)
    backoff: float = sum(min(2 ** (n - 1), _MAX_BACKOFF_S) for n in range(1, attempts))
    return attempts * per_attempt + backoff
