"""The local stack in moto: the transformed template minus what moto cannot or should not run, as a stack.

:func:`deploy_local_stack` strips the Lambda function, its layer, event source mapping, IAM role and log group
(locally the event-source loop calls the real handler in-process; see :func:`local_template`) and creates the rest
as a CloudFormation stack in moto: in-process ``mock_aws`` or moto's server (:func:`moto_server`), whichever the
CloudFormation client passed in talks to. What moto's CloudFormation then leaves undone is applied by
:mod:`newsingest_tools.local.moto_gaps`. :class:`StackOutputs` reads a stack's outputs, local or on AWS.

moto is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsingest_tools.local.template import DEFAULT_REGION, _referenced_ids
from newsingest_tools.local.transform import transform_template

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mypy_boto3_cloudformation import CloudFormationClient  # type: ignore[import-not-found]  # optional stubs
else:
    CloudFormationClient = Any

DEFAULT_STACK_NAME = "newsingest-local"

#: Resource types left out of the local stack. The function runs in-process (the local event-source loop calls
#: the real ``lambda_handler``), so its layer, role, permissions and event source mapping have nothing to do.
#: Anything else that references a removed resource (the function's log group, the FunctionName output) is
#: removed with it.
EXCLUDED_LOCAL_RESOURCE_TYPES: frozenset[str] = frozenset(
    {
        "AWS::Lambda::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Permission",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::IAM::Role",
        # moto enforces bucket-policy Deny statements but ignores their Conditions, so the TLS-only policy
        # (Deny when aws:SecureTransport is false) would deny every request; tests/infrastructure checks the
        # policy in the transformed template instead.
        "AWS::S3::BucketPolicy",
    }
)

_TERMINAL_FAILURE_SUFFIXES = ("_FAILED", "ROLLBACK_COMPLETE")


class StackDeployError(RuntimeError):
    """The local stack did not reach CREATE_COMPLETE (the message carries the failed resources' reasons)."""



def local_template(
    transformed: Mapping[str, Any],
    *,
    excluded_types: Iterable[str] = EXCLUDED_LOCAL_RESOURCE_TYPES,
) -> dict[str, Any]:
    """The transformed template minus what the local stack leaves out.

    Removes the resources of ``excluded_types`` and then, until nothing changes, every resource and output that
    references a removed resource (Ref, GetAtt, Sub, DependsOn). What remains is exactly the template's queues,
    bucket, table and alarm.
    """
    template = copy.deepcopy(dict(transformed))
    resources: dict[str, Any] = template.get("Resources", {})
    excluded = set(excluded_types)
    removed = {logical_id for logical_id, res in resources.items() if res.get("Type") in excluded}
    while True:
        for logical_id in removed:
            resources.pop(logical_id, None)
        dependants = set()
        for logical_id, resource in resources.items():
            depends_on = resource.get("DependsOn", [])
            depends = {depends_on} if isinstance(depends_on, str) else set(depends_on)
            if (_referenced_ids(resource.get("Properties", {})) | depends) & removed:
                dependants.add(logical_id)
        if not dependants:
            break
        removed |= dependants
    outputs: dict[str, Any] = template.get("Outputs", {})
    for name in [name for name, output in outputs.items() if _referenced_ids(output) & removed]:
        del outputs[name]
    return template


@dataclass(frozen=True)
class StackOutputs:
    """The stack outputs the CLI, the demo and the tests use (by their CloudFormation output keys)."""

    queue_url: str
    queue_arn: str
    dead_letter_queue_url: str
    bucket_name: str
    table_name: str
    dead_letter_queue_arn: str | None = None
    function_name: str | None = None  # absent from the local stack: the function runs in-process there
    sources_table_name: str | None = None  # the polled sources; absent from stacks deployed before them
    host_budget_table_name: str | None = None  # the per-host budget; absent from stacks deployed before it

    _REQUIRED = {
        "QueueUrl": "queue_url",
        "QueueArn": "queue_arn",
        "DeadLetterQueueUrl": "dead_letter_queue_url",
        "BucketName": "bucket_name",
        "TableName": "table_name",
    }
    _OPTIONAL = {"DeadLetterQueueArn": "dead_letter_queue_arn", "FunctionName": "function_name",
                 "SourcesTableName": "sources_table_name", "HostBudgetTableName": "host_budget_table_name"}

    @classmethod
    def from_outputs(cls, outputs: Iterable[Mapping[str, Any]]) -> StackOutputs:
        """Build from ``describe_stacks()["Stacks"][0]["Outputs"]`` (a list of OutputKey/OutputValue dicts)."""
        values = {str(item["OutputKey"]): str(item["OutputValue"]) for item in outputs}
        missing = sorted(key for key in cls._REQUIRED if key not in values)
        if missing:
            raise ValueError(f"stack outputs lack {', '.join(missing)} (is this a newsingest stack?)")
        kwargs = {attr: values[key] for key, attr in cls._REQUIRED.items()}
        kwargs |= {attr: values[key] for key, attr in cls._OPTIONAL.items() if key in values}
        return cls(**kwargs)

    def environment(self) -> dict[str, str]:
        """The resource part of the function's environment (ARTICLES_BUCKET, ARTICLES_TABLE)."""
        return {"ARTICLES_BUCKET": self.bucket_name, "ARTICLES_TABLE": self.table_name}


def stack_outputs(cloudformation_client: CloudFormationClient, stack_name: str) -> StackOutputs:
    """Read the outputs of an existing stack (a real one on AWS or a local one in moto)."""
    stacks = cloudformation_client.describe_stacks(StackName=stack_name)["Stacks"]
    return StackOutputs.from_outputs(stacks[0].get("Outputs", []))


def _stack_status(cloudformation_client: CloudFormationClient, stack_name: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation_client.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return str(stacks[0]["StackStatus"]) if stacks else None


def _failure_reasons(cloudformation_client: CloudFormationClient, stack_name: str) -> str:
    try:
        events = cloudformation_client.describe_stack_events(StackName=stack_name)["StackEvents"]
    except Exception:  # noqa: BLE001 - best effort, only for the error message
        return "no stack events"
    reasons = [
        f"{event.get('LogicalResourceId')}: {event.get('ResourceStatusReason')}"
        for event in events
        if str(event.get("ResourceStatus", "")).endswith("FAILED")
    ]
    return "; ".join(reasons) or "no failed resource reported"


def deploy_local_stack(
    cloudformation_client: CloudFormationClient,
    stack_name: str = DEFAULT_STACK_NAME,
    *,
    parameters: Mapping[str, str] | None = None,
    template_path: Path | str | None = None,
    timeout_seconds: float = 60.0,
) -> StackOutputs:
    """Create the newsingest stack from template.yaml in moto's CloudFormation and return its outputs.

    ``cloudformation_client`` decides where: a client created inside ``moto.mock_aws()`` deploys in-process; one
    with ``endpoint_url`` pointing at moto's server (``moto_server()``, ``make demo``) deploys there. The template
    is SAM-transformed offline and stripped of the function and everything attached to it (see
    :func:`local_template`). ``parameters`` are template parameters (name → value).

    When a stack of that name already exists and is complete (a long-running moto server), its outputs are
    returned unchanged.
    """
    status = _stack_status(cloudformation_client, stack_name)
    if status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        return stack_outputs(cloudformation_client, stack_name)
    if status is not None:
        raise StackDeployError(f"stack {stack_name} already exists in state {status}; delete it first")

    region = cloudformation_client.meta.region_name or DEFAULT_REGION
    template = local_template(
        transform_template(template_path, parameter_values=parameters, region=region),
    )
    declared = template.get("Parameters", {})
    unknown = sorted(set(parameters or {}) - set(declared))
    if unknown:
        raise ValueError(f"unknown template parameters: {', '.join(unknown)}")
    with _quiet_moto_cloudformation():
        cloudformation_client.create_stack(
            StackName=stack_name,
            TemplateBody=json.dumps(template),
            Parameters=[{"ParameterKey": key, "ParameterValue": str(value)}
                        for key, value in (parameters or {}).items()],
            Tags=[{"Key": "app", "Value": "newsingest"}],
        )
        return _await_and_complete(cloudformation_client, stack_name, template, parameters, timeout_seconds)


def _await_and_complete(
    cloudformation_client: CloudFormationClient,
    stack_name: str,
    template: Mapping[str, Any],
    parameters: Mapping[str, str] | None,
    timeout_seconds: float,
) -> StackOutputs:
    deadline = time.monotonic() + timeout_seconds
    while True:
        status = _stack_status(cloudformation_client, stack_name)
        if status == "CREATE_COMPLETE":
            break
        if status is None or status.endswith(_TERMINAL_FAILURE_SUFFIXES):
            raise StackDeployError(
                f"stack {stack_name} ended in {status}: {_failure_reasons(cloudformation_client, stack_name)}"
            )
        if time.monotonic() > deadline:
            raise StackDeployError(f"stack {stack_name} still {status} after {timeout_seconds:.0f} s")
        time.sleep(0.2)  # only reached on an asynchronous CloudFormation; moto completes create_stack synchronously
    outputs = stack_outputs(cloudformation_client, stack_name)
    from newsingest_tools.local.moto_gaps import _complete_local_stack  # lazy: moto_gaps imports this module

    _complete_local_stack(cloudformation_client, stack_name, template, dict(parameters or {}), outputs)
    return outputs



class _DropUnsupportedNotices:
    """logging filter: drops moto's 'No Moto CloudFormation support for ...' notices."""

    def filter(self, record: Any) -> bool:
        return not str(record.msg).startswith("No Moto CloudFormation support")


@contextmanager
def _quiet_moto_cloudformation() -> Iterator[None]:
    """Silence moto's notices about resource types it skips (those are applied by _complete_local_stack)."""
    import logging
    import warnings

    logger = logging.getLogger("moto")
    notices = _DropUnsupportedNotices()
    logger.addFilter(notices)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not supported by moto's CloudFormation")
            yield
    finally:
        logger.removeFilter(notices)


@contextmanager
def moto_server(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run moto's server in a background thread, with :mod:`~newsingest_tools.local.moto_fixes` applied; yields its
    endpoint URL (``http://127.0.0.1:PORT``).

    ``port=0`` picks a free port. Point boto3 clients (or a subprocess, through ``AWS_ENDPOINT_URL``) at it.
    """
    import logging

    from moto.server import ThreadedMotoServer  # moto is a dev/demo dependency only

    from newsingest_tools.local.moto_fixes import fixed_moto

    request_log = logging.getLogger("werkzeug")  # one line per request otherwise, all over the demo's output
    if request_log.level == logging.NOTSET:
        request_log.setLevel(logging.WARNING)
    with fixed_moto():
        server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        server.start()
        try:
            bound_host, bound_port = server.get_host_and_port()
            yield f"http://{bound_host}:{bound_port}"
        finally:
            server.stop()
