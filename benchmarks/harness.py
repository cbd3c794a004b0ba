"""What the handler figures share: local origins on 127.0.0.x, the AWS stack from template.yaml in moto, the real
handler loaded from template.yaml, SQS events, and timers wrapped around the pipeline's collaborators.

Nothing here changes library code: timers are installed on the ``Dependencies`` instance of a runtime
(``fetcher.fetch``, ``extract``, ``objects.put_*``, ``repository.*``).
"""

from __future__ import annotations

import hashlib
import inspect
import os
import resource
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from newsingest_tools.local.env import OFFLINE_CREDENTIALS
from newsingest_tools.local.origin import Origin, Request, Response, serve

OFFLINE_AWS = OFFLINE_CREDENTIALS | {
    # No X-Ray daemon locally; Powertools would disable the tracer outside Lambda anyway.
    "POWERTOOLS_TRACE_DISABLED": "true",
}


def rss_mb() -> float:
    """Current resident set size (MB)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except OSError:
        return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------------ origins


@contextmanager
def origin(host: str, page_for: Callable[[str], bytes | None], *, delay: float = 0.0) -> Iterator[str]:
    """An HTTP origin on ``host`` (a loopback address; the local origin, keep-alive as real sites) answering every
    page after ``delay`` seconds (robots.txt at once); yields ``http://host:port``."""

    def page(request: Request) -> Response | None:
        body = page_for(request.path)
        return None if body is None else Response(200, body)

    with serve(Origin(fallback=page, delay=delay), host=host) as served:
        yield served.base_url


@contextmanager
def origins(count: int, page_for: Callable[[str], bytes | None], *, delay: float = 0.0) -> Iterator[list[str]]:
    """``count`` origins on distinct loopback hosts 127.0.0.1 … 127.0.0.N (the fetcher's per-host limit is per
    host name, not per port)."""
    with ExitStack() as stack:
        yield [stack.enter_context(origin(f"127.0.0.{i + 1}", page_for, delay=delay)) for i in range(count)]


# -------------------------------------------------------------------------------------------------- stack


@dataclass
class Stack:
    environment: dict[str, str]
    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    module: dict[str, Any]  # the handler module's globals (its ``processor``)


@contextmanager
def aws_stack(base_urls: list[str], *, server: bool = False, lean: bool = False, endpoint: str | None = None,
              extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """The queue/bucket/table from template.yaml in moto (in-process ``mock_aws``, or moto's server in a thread
    with ``server=True``), the function's environment from the template, and the real handler.

    ``lean=True`` creates the bucket and the table (keys and indexes from template.yaml) directly instead of through
    moto's CloudFormation and the SAM transform, which load every moto service and aws-sam-translator into the
    process (~150 MB that the function never has): for the memory figure.

    ``endpoint``: use a moto server that is already running (in another process, ``benchmarks.services``), so that
    moto's own work neither holds this process's GIL nor counts in its CPU time, as with the real services; implies
    ``lean``.
    """
    import boto3
    from moto import mock_aws

    from newsingest.batch import reset_runtime
    from newsingest_tools.local.esm import load_handler
    from newsingest_tools.local.moto_fixes import fixed_moto
    from newsingest_tools.local.stack import (
        StackOutputs,
        deploy_local_stack,
        find_template,
        function_environment,
        moto_server,
        template_table_schema,
    )

    os.environ.update(OFFLINE_AWS)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    # The figures here are the function's own costs: local origins are not paced by the shared host budget
    # (the politeness figure measures that budget on its own).
    parameters = {"FetchAllowHosts": ",".join(url.split("://", 1)[1] for url in base_urls),
                  "HostRequestsPerSecond": "0"}
    with ExitStack() as stack:
        if endpoint:
            lean = True
        elif server:
            endpoint = stack.enter_context(moto_server())
        else:
            stack.enter_context(fixed_moto())
            stack.enter_context(mock_aws())
        if lean:
            outputs = StackOutputs(queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/bench",
                                   queue_arn="arn:aws:sqs:us-east-1:123456789012:bench",
                                   dead_letter_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
                                   bucket_name="bench-articles", table_name="bench-articles")
            boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint).create_bucket(
                Bucket=outputs.bucket_name)
            boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint).create_table(
                **template_table_schema().create_table_kwargs(outputs.table_name))
        else:
            cloudformation = boto3.client("cloudformation", region_name="us-east-1", endpoint_url=endpoint)
            outputs = deploy_local_stack(cloudformation, parameters=parameters)
        environment = function_environment(outputs, parameters=parameters) | OFFLINE_AWS | (extra_env or {})
        if endpoint:
            environment["AWS_ENDPOINT_URL"] = endpoint
        os.environ.update(environment)
        reset_runtime()
        handler = load_handler(find_template())
        module = inspect.unwrap(handler).__globals__  # past Powertools' decorators: the handler module itself
        if "processor" not in module:
            raise RuntimeError("cannot find the handler module's processor")
        try:
            yield Stack(environment=environment, handler=handler, module=module)
        finally:
            reset_runtime()


def quiet_stdout() -> None:
    """Powertools' logs and EMF metrics go to stdout (CloudWatch in Lambda): still produced, sent to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)


# --------------------------------------------------------------------------------------------- events


def sqs_event(urls: list[str], queue_arn: str = "arn:aws:sqs:us-east-1:123456789012:bench") -> dict[str, Any]:
    now = str(int(time.time() * 1000))
    return {"Records": [{
        "messageId": str(uuid.uuid4()), "receiptHandle": f"rh-{i}", "body": url,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": now, "SenderId": "AIDABENCH",
                       "ApproximateFirstReceiveTimestamp": now},
        "messageAttributes": {}, "md5OfBody": hashlib.md5(url.encode()).hexdigest(),
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1",
    } for i, url in enumerate(urls)]}


def lambda_context(timeout: float = 60.0) -> Any:
    from newsingest_tools.local.esm import LocalLambdaContext

    return LocalLambdaContext(timeout_seconds=timeout)


def assert_all_ok(response: dict[str, Any], what: str) -> None:
    failures = response.get("batchItemFailures") or []
    if failures:
        raise RuntimeError(f"{what}: {len(failures)} record(s) failed: {failures[:3]}")


# --------------------------------------------------------------------------------------------- timers


@dataclass
class StageTimes:
    """CPU (thread) and wall seconds per stage, summed over calls."""

    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    wall: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            c0, w0 = time.thread_time(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                c1, w1 = time.thread_time(), time.perf_counter()
                with self.lock:
                    self.cpu[stage] += c1 - c0
                    self.wall[stage] += w1 - w0
                    self.calls[stage] += 1
        timed.__wrapped__ = function
        return timed

    def reset(self) -> None:
        with self.lock:
            self.cpu.clear()
            self.wall.clear()
            self.calls.clear()


STAGES = {
    "fetch": ("fetcher", ("fetch",)),
    "S3": ("objects", ("put_raw", "put_text")),
    "DynamoDB": ("repository", ("get", "put_version", "touch_unchanged", "record_failure")),
}


def instrument(runtime: Any, times: StageTimes) -> None:
    """Wrap the runtime's collaborators with stage timers (instance attributes; the classes are untouched)."""
    deps = runtime.deps
    for stage, (attribute, methods) in STAGES.items():
        target = getattr(deps, attribute)
        for method in methods:
            setattr(target, method, times.wrap(stage, getattr(target, method)))
    deps.extract = times.wrap("extract", deps.extract)
