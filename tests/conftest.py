"""Shared fixtures: AWS resources created from template.yaml in moto, and the sample origin on 127.0.0.1.

The table keys, GSIs, queue redrive and visibility settings all come from template.yaml through
``newsingest_tools.local.stack.deploy_local_stack``, so the tests cannot drift from what is deployed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from newsingest_tools.local.env import AMBIENT_AWS_VARIABLES, OFFLINE_CREDENTIALS

if TYPE_CHECKING:
    from tests.support.world import World

REPO = Path(__file__).resolve().parents[1]
EVENTS = REPO / "events"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

OFFLINE_AWS = OFFLINE_CREDENTIALS | {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "Newsingest"}


def set_offline_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials (``newsingest_tools.local.env``), a fixed region, no endpoint or profile from the machine."""
    for name in AMBIENT_AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in OFFLINE_AWS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True, scope="session")
def _fixed_moto() -> Iterator[None]:
    """moto with the two defects real AWS lacks fixed (newsingest_tools.local.moto_fixes), as every local run has it;
    tests/integration/test_moto_fixes.py compares it with moto as it ships."""
    from newsingest_tools.local.moto_fixes import fixed_moto

    with fixed_moto():
        yield


@pytest.fixture(autouse=True)
def _offline_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach real AWS (every test, the infrastructure and integration ones included)."""
    set_offline_aws(monkeypatch)


@pytest.fixture()
def origin() -> Iterator[str]:
    """The bundled sample pages served on 127.0.0.1; yields the base URL."""
    from newsingest_tools.local.origin import serve_pages

    with serve_pages() as base_url:
        yield base_url


@dataclass(frozen=True)
class Stack:
    """AWS resources in moto created from template.yaml, plus clients for them."""

    outputs: Any
    clients: Any
    environment: dict[str, str]


@pytest.fixture()
def stack_parameters(origin: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """The template parameters the ``stack`` fixture deploys with: the origin may be fetched, plus what a test adds
    with ``@pytest.mark.parametrize("stack_parameters", [{...}], indirect=True)``."""
    # One local host serves every page: pacing it at the template's 1 request/s would only slow the tests (the
    # shared host budget has tests of its own, test_host_budget*.py, with their own clocks).
    return {"FetchAllowHosts": urlsplit(origin).netloc, "HostRequestsPerSecond": "0"} | getattr(request, "param", {})


def deploy_stack(cloudformation: Any, *, name: str | None = None, parameters: Mapping[str, str] | None = None,
                 monkeypatch: pytest.MonkeyPatch | None = None, read_timeout: float | None = None) -> Stack:
    """The tests' one stack factory: template.yaml deployed through ``cloudformation``, wherever it talks (a client
    made inside ``mock_aws()``, or one pointed at moto's server), as stack ``name`` with template ``parameters``.

    With ``monkeypatch``, the process gets the function's environment as Lambda would see it (and the runtime is
    reset so the handler reads it), ``environment`` is that environment and ``clients`` the function's clients
    (``read_timeout`` for tools without a deadline). Without it, ``environment`` is empty and ``clients`` None: the
    caller talks to the stack its own way (the CLI tests through ``--stack``, the template checks through their
    moto account).
    """
    from newsingest.batch import reset_runtime
    from newsingest.storage.clients import create_clients
    from newsingest_tools.local.stack import DEFAULT_STACK_NAME, deploy_local_stack, function_environment

    outputs = deploy_local_stack(cloudformation, name or DEFAULT_STACK_NAME, parameters=parameters)
    if monkeypatch is None:  # no template read for an environment nobody sets (~80 ms a stack)
        return Stack(outputs=outputs, clients=None, environment={})
    environment = function_environment(outputs, parameters=parameters)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    reset_runtime()
    clients = create_clients() if read_timeout is None else create_clients(read_timeout=read_timeout)
    return Stack(outputs=outputs, clients=clients, environment=environment)


@pytest.fixture()
def stack(stack_parameters: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """In-process moto with the stack deployed from template.yaml and the function's environment set."""
    import boto3
    from moto import mock_aws

    from newsingest.batch import OUTCOMES, reset_runtime

    with mock_aws():
        yield deploy_stack(boto3.client("cloudformation"), parameters=stack_parameters, monkeypatch=monkeypatch)
        OUTCOMES.flush()  # outcomes of direct handle_record calls, so no later batch reports them as its own
        reset_runtime()


@pytest.fixture()
def world(stack: Stack, origin: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The stack plus a scriptable origin the function may fetch from, and the real handler (tests/support/world.py).

    One per test: for scenarios that count what is on the queues or inject faults into the function's clients.
    """
    from tests.support.world import open_world  # world.py imports this module: resolved at set-up, not at import

    with open_world(stack, monkeypatch) as created:
        yield created


@pytest.fixture(scope="module")
def shared_world() -> Iterator[World]:
    """One world for a whole module (deploying the stack costs about a second): for tests that each send their own
    distinct messages and never inject faults. The invariant is checked over everything the module sent so far."""
    from tests.support.world import open_shared_world

    with open_shared_world() as created:
        yield created


def load_event(name: str, origin: str | None = None) -> dict[str, Any]:
    """An event from events/, with the events' fixed origin (127.0.0.1:8765) replaced by the test's origin."""
    text = (EVENTS / name).read_text(encoding="utf-8")
    if origin is not None:
        text = text.replace("http://127.0.0.1:8765", origin)
    return json.loads(text)


def sqs_record(body: str, *, message_id: str = "m-1", queue_arn: str = "arn:aws:sqs:us-east-1:123456789012:q",
               receive_count: int = 1) -> dict[str, Any]:
    """One record exactly as Lambda's SQS event source builds it."""
    return {
        "messageId": message_id, "receiptHandle": f"rh-{message_id}", "body": body,
        "attributes": {"ApproximateReceiveCount": str(receive_count), "SentTimestamp": "1732766400000",
                       "SenderId": "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp": "1732766400100"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": queue_arn,
        "awsRegion": os.environ.get("AWS_REGION", "us-east-1"),
    }
