"""The scenario fixture of the fault, hostile-input and load tests: the stack in moto, a scriptable origin, the real
handler, the queue, fault injection and the invariant, in one object.

The fixtures ``world`` (one per test) and ``shared_world`` (one per module) are defined in ``tests/conftest.py`` on
top of :func:`open_world` and :func:`open_shared_world`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from newsingest.batch import OUTCOMES, Runtime, get_runtime, reset_runtime
from newsingest.storage import ArticleEvents, ArticleObjects, ArticleRepository
from newsingest.storage.queue import queue_depth
from newsingest_tools.local.esm import DrainReport, LocalEventSource, RoundReport, load_handler
from newsingest_tools.local.stack import find_template
from tests.conftest import Stack, sqs_record
from tests.support.invariant import Accounting, AwsView, WriteLog, assert_invariant
from tests.support.origin import Origin, serve_origin


def aws_error(code: str, operation: str, status: int = 400, message: str = "injected") -> ClientError:
    """A ClientError exactly as botocore raises it for an AWS error response."""
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


class FaultyClient:
    """A boto3 client whose chosen operations fail on demand (moto cannot), everything else passes through.

    ``fail(operation, error, times=1, when=...)``: the next ``times`` calls of ``operation`` (snake_case, e.g.
    ``put_object``) for which ``when(**params)`` is true raise ``error`` (an exception instance, or a callable
    returning one). ``reply(operation, response, ...)``: those calls answer ``response`` instead (a success that
    reports a failure inside, as PutEvents' ``FailedEntryCount``). ``before(operation, hook)`` runs
    ``hook(**params)`` before each real call (barriers, events).
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self._faults: dict[str, list[tuple[Callable[..., bool],
                                           BaseException | Callable[[], BaseException] | _Reply]]] = {}
        self._hooks: dict[str, list[Callable[..., None]]] = {}
        self._lock = threading.Lock()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def fail(self, operation: str, error: BaseException | Callable[[], BaseException], *, times: int = 1,
             when: Callable[..., bool] = lambda **_: True) -> FaultyClient:
        self._faults.setdefault(operation, []).extend([(when, error)] * times)
        return self

    def reply(self, operation: str, response: dict[str, Any], *, times: int = 1,
              when: Callable[..., bool] = lambda **_: True) -> FaultyClient:
        self._faults.setdefault(operation, []).extend([(when, _Reply(response))] * times)
        return self

    def before(self, operation: str, hook: Callable[..., None]) -> FaultyClient:
        self._hooks.setdefault(operation, []).append(hook)
        return self

    def failures_left(self, operation: str) -> int:
        return len(self._faults.get(operation, []))

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith("_") or name in ("meta", "exceptions"):
            return attribute

        def call(**params: Any) -> Any:
            with self._lock:
                self.calls.append((name, params))
                error = self._take(name, params)
            if isinstance(error, _Reply):
                return error.response
            if error is not None:
                raise error() if callable(error) and not isinstance(error, BaseException) else error
            for hook in self._hooks.get(name, []):
                hook(**params)
            return attribute(**params)

        return call

    def _take(self, name: str, params: dict[str, Any]) -> Any:
        pending = self._faults.get(name, [])
        for index, (when, error) in enumerate(pending):
            if when(**params):
                del pending[index]
                return error
        return None


@dataclass(frozen=True)
class _Reply:
    """A canned answer ``FaultyClient`` gives instead of calling the service."""

    response: dict[str, Any]


class Crash(BaseException):
    """The execution environment dies (timeout, out of memory): not an error the record handler can catch."""


@dataclass
class World:
    stack: Stack
    origin: Origin
    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    view: AwsView
    write_log: WriteLog
    sent: dict[str, str] = field(default_factory=dict)

    @property
    def sqs(self) -> Any:
        return self.stack.clients.sqs

    @property
    def queue_arn(self) -> str:
        return self.stack.outputs.queue_arn

    @property
    def runtime(self) -> Runtime:
        return get_runtime()

    # ---- fault injection on the function's own clients ----
    def faulty_s3(self) -> FaultyClient:
        runtime = self.runtime
        client = FaultyClient(runtime.deps.objects._s3)
        runtime.deps.objects = ArticleObjects(client, runtime.deps.objects.bucket)
        return client

    def faulty_dynamodb(self) -> FaultyClient:
        runtime = self.runtime
        client = FaultyClient(runtime.deps.repository._db)
        runtime.deps.repository = ArticleRepository(client, runtime.deps.repository.table)
        return client

    def faulty_events(self) -> FaultyClient:
        """The function's EventBridge client, faulty on demand (the stack must be deployed with EventBusName)."""
        runtime = self.runtime
        events = runtime.deps.events
        if events is None:
            raise AssertionError("events are off: deploy the stack with the EventBusName parameter")
        client = FaultyClient(events._events)
        runtime.deps.events = ArticleEvents(client, events.bus_name)
        return client

    # ---- messages ----
    def send(self, *bodies: str) -> list[str]:
        """Put bodies on the real queue; returns their message ids (remembered for the invariant)."""
        ids = []
        for body in bodies:
            message_id = self.sqs.send_message(QueueUrl=self.stack.outputs.queue_url, MessageBody=body)["MessageId"]
            self.sent[message_id] = body
            ids.append(message_id)
        return ids

    def event(self, *bodies: str, prefix: str = "m") -> dict[str, Any]:
        """A Lambda SQS event for a direct handler call (its messages are remembered as sent)."""
        records = []
        for index, body in enumerate(bodies):
            message_id = f"{prefix}-{index}"
            records.append(sqs_record(body, message_id=message_id, queue_arn=self.queue_arn))
            self.sent[message_id] = body
        return {"Records": records}

    def source(self, handler: Callable[..., Any] | None = None, **options: Any) -> LocalEventSource:
        options.setdefault("retry_visibility_seconds", 0)
        return LocalEventSource(self.sqs, self.stack.outputs.queue_url, handler or self.handler, **options)

    def poll(self, handler: Callable[..., Any] | None = None) -> RoundReport:
        return self.source(handler).poll_once()

    def drain(self, handler: Callable[..., Any] | None = None) -> DrainReport:
        """Poll until the queue is empty: visible, in flight and delayed (exhausted messages moved to the DLQ)."""
        source = self.source(handler)  # failures released at once: the drain ends on the queue's own counters
        drained = source.drain(max_polls=500)
        left = queue_depth(self.sqs, source.queue_url).total
        assert left == 0, f"queue {source.queue_url} still holds {left} messages after the drain"
        return drained

    # ---- state ----
    def item(self, record_id: str) -> dict[str, Any] | None:
        item = ArticleRepository(self.stack.clients.dynamodb, self.view.table).get(record_id)
        return None if item is None else {k: v for k, v in item.__dict__.items() if v not in (None, ())}

    def versions(self) -> dict[str, int]:
        response = self.stack.clients.s3.list_object_versions(Bucket=self.view.bucket)
        counts: dict[str, int] = {}
        for entry in response.get("Versions", []):
            counts[entry["Key"]] = counts.get(entry["Key"], 0) + 1
        return counts

    def check(self, *, queues: bool = True, **options: Any) -> Accounting:
        """Assert the invariant over every message sent so far (reading the real queues unless ``queues=False``)."""
        view = self.view if queues else AwsView(s3=self.view.s3, dynamodb=self.view.dynamodb,
                                                  bucket=self.view.bucket, table=self.view.table)
        return assert_invariant(view, self.sent, write_log=self.write_log, **options)


@contextmanager
def open_world(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The world on a deployed stack: a scriptable origin the function may also fetch from, and the real handler."""
    with serve_origin() as scripted:
        allow = f"{stack.environment.get('FETCH_ALLOW_HOSTS', '')},{scripted.base_url.split('//', 1)[1]}"
        monkeypatch.setenv("FETCH_ALLOW_HOSTS", allow.strip(","))
        reset_runtime()
        write_log = WriteLog().attach(get_runtime().deps.repository._db)  # the function's writes
        try:
            yield World(stack=stack, origin=scripted, handler=load_handler(find_template()),
                        view=AwsView.of_stack(stack.clients, stack.outputs), write_log=write_log)
        finally:
            # Tests that call handle_record directly count outcomes no batch flushes: flush them here, or they
            # would be reported by the next batch this process runs (another test's worker totals).
            OUTCOMES.flush()
            reset_runtime()


@contextmanager
def open_shared_world() -> Iterator[World]:
    """A world with a stack of its own, outside any test's monkeypatch (the ``shared_world`` fixture)."""
    import boto3
    from moto import mock_aws

    from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S
    from tests.conftest import deploy_stack, set_offline_aws

    with pytest.MonkeyPatch.context() as monkeypatch:
        set_offline_aws(monkeypatch)
        with mock_aws():
            # one local host serves every page: no pacing here (the host budget is tested on its own)
            stack = deploy_stack(boto3.client("cloudformation"), parameters={"HostRequestsPerSecond": "0"},
                                 monkeypatch=monkeypatch, read_timeout=TOOLING_READ_TIMEOUT_S)
            with open_world(stack, monkeypatch) as created:
                yield created
