"""template.yaml as the single source of truth for every local run.

``make demo``, ``newsingest demo`` and every moto test fixture create their queues, bucket and table from
``template.yaml`` itself, so the local runs, the tests and what ``sam deploy`` creates cannot drift apart:

1. :func:`find_template` locates the template (``NEWSINGEST_TEMPLATE`` or the repository root).
2. :func:`transform_template` runs the SAM transform offline with aws-sam-translator and its bundled
   AWS-managed-policy map (no IAM call, no credentials, no network).
3. :func:`deploy_local_stack` strips what moto cannot or should not run (the Lambda function, its layer,
   event source mapping, IAM role and log group: locally the event-source loop calls the real handler
   in-process) and creates the rest as a CloudFormation stack in moto: in-process ``mock_aws`` or moto's
   server, whichever the CloudFormation client passed in talks to.

The ``template_*`` accessors expose the template's settings (table keys and indexes, queue settings, function
settings and environment) to tests that need them without a CloudFormation stack.

A test fixture (in-process moto)::

    @pytest.fixture
    def articles_stack(monkeypatch):
        with mock_aws():
            outputs = deploy_local_stack(boto3.client("cloudformation", region_name="us-east-1"),
                                         parameters={"FetchAllowHosts": "127.0.0.1:8765"})
            for name, value in function_environment(outputs, parameters={"FetchAllowHosts": "127.0.0.1:8765"}).items():
                monkeypatch.setenv(name, value)   # what the function would see on AWS
            yield outputs                         # .queue_url, .bucket_name, .table_name, ...

Against moto's server instead (a subprocess, the demo)::

    with moto_server() as endpoint_url:
        session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
        outputs = deploy_local_stack(session.client("cloudformation", endpoint_url=endpoint_url))
        # children get AWS_ENDPOINT_URL=endpoint_url plus function_environment(outputs)

This module is not part of the Lambda runtime path: it imports aws-sam-translator (a dev dependency) and moto
lazily, only inside the functions that need them.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mypy_boto3_cloudformation import CloudFormationClient  # type: ignore[import-not-found]
else:
    CloudFormationClient = Any

__all__ = [
    "DEFAULT_REGION",
    "DEFAULT_STACK_NAME",
    "EXCLUDED_LOCAL_RESOURCE_TYPES",
    "FUNCTION_LOGICAL_ID",
    "FunctionSettings",
    "QueueSettings",
    "StackDeployError",
    "StackOutputs",
    "TableSchema",
    "TEMPLATE_ENV_VAR",
    "deploy_local_stack",
    "find_template",
    "function_environment",
    "load_template",
    "local_template",
    "moto_server",
    "stack_outputs",
    "template_function_settings",
    "template_queue_settings",
    "template_table_schema",
    "transform_template",
]

TEMPLATE_ENV_VAR = "NEWSINGEST_TEMPLATE"
TEMPLATE_FILE_NAME = "template.yaml"
DEFAULT_STACK_NAME = "newsingest-local"
DEFAULT_REGION = "us-east-1"

FUNCTION_LOGICAL_ID = "IngestFunction"
QUEUE_LOGICAL_ID = "ArticlesQueue"
DEAD_LETTER_QUEUE_LOGICAL_ID = "ArticlesDeadLetterQueue"
TABLE_LOGICAL_ID = "ArticlesTable"
BUCKET_LOGICAL_ID = "ArticlesBucket"
HOST_BUDGET_LOGICAL_ID = "HostBudgetTable"

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


# ---------------------------------------------------------------------------------------------- template files


@functools.cache
def _cfn_loader() -> type:
    """A SafeLoader subclass that understands CloudFormation short-form intrinsics (``!Ref``, ``!GetAtt``...).

    A private subclass, so that loading a template never changes ``yaml.SafeLoader`` for anybody else. PyYAML is
    imported here, not at module level: the CLI uses :class:`StackOutputs` against real stacks without it.
    """
    import yaml

    def construct_intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
        key = tag_suffix if tag_suffix in ("Ref", "Condition") else f"Fn::{tag_suffix}"
        value: Any
        if tag_suffix == "GetAtt" and isinstance(node, yaml.ScalarNode):
            value = str(loader.construct_scalar(node)).split(".", 1)
        elif isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {key: value}

    loader = type("CfnLoader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", construct_intrinsic)
    return loader


def find_template(start: Path | None = None) -> Path:
    """Return the path of ``template.yaml``.

    ``NEWSINGEST_TEMPLATE`` wins when set. Otherwise walk up from ``start`` (default: the current directory) and
    then from this file (the package lives in ``tooling/newsingest_tools/local/`` of the repository) to the
    first folder containing ``template.yaml``.
    """
    override = os.environ.get(TEMPLATE_ENV_VAR)
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"{TEMPLATE_ENV_VAR}={override} is not a file")
        return path.resolve()
    for origin in (start or Path.cwd(), Path(__file__).resolve().parent):
        for folder in (origin, *origin.parents):
            candidate = folder / TEMPLATE_FILE_NAME
            if candidate.is_file():
                return candidate.resolve()
    raise FileNotFoundError(
        f"no {TEMPLATE_FILE_NAME} found above {start or Path.cwd()} or above {Path(__file__).parent}; "
        f"set {TEMPLATE_ENV_VAR} to its path"
    )


def load_template(path: Path | str | None = None) -> dict[str, Any]:
    """Parse the SAM template (YAML or JSON) into a dict, short-form intrinsics expanded to their long form."""
    template_path = Path(path) if path is not None else find_template()
    import yaml

    with template_path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_cfn_loader())  # a SafeLoader subclass
    if not isinstance(document, dict) or "Resources" not in document:
        raise ValueError(f"{template_path} is not a CloudFormation/SAM template")
    return document


def _template_dict(template: Mapping[str, Any] | Path | str | None) -> dict[str, Any]:
    if template is None or isinstance(template, (str, Path)):
        return load_template(template)
    return dict(template)


# ------------------------------------------------------------------------------------------------- transform


def _as_s3_uri(value: Any, logical_id: str) -> Any:
    """SAM packages local CodeUri/ContentUri folders to S3 on deploy; offline, stand in a placeholder URI."""
    if isinstance(value, str) and not value.startswith("s3://"):
        folder = value.strip("/").replace("\\", "/") or logical_id
        return f"s3://newsingest-local-artifacts/{folder}"
    return value


def transform_template(
    path: Path | str | None = None,
    *,
    parameter_values: Mapping[str, Any] | None = None,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """Run the SAM transform offline and return the plain CloudFormation template (see :func:`_transform`).

    Results are cached per template file version, parameters and region; every call returns a fresh copy.
    """
    template_path = Path(path).resolve() if path is not None else find_template()
    key = (str(template_path), template_path.stat().st_mtime_ns, region,
           tuple(sorted((parameter_values or {}).items())))
    return copy.deepcopy(_cached_transform(*key))


@functools.lru_cache(maxsize=16)
def _cached_transform(path: str, mtime_ns: int, region: str,
                      parameters: tuple[tuple[str, Any], ...]) -> dict[str, Any]:  # mtime_ns is part of the key
    return _transform(path, parameter_values=dict(parameters), region=region)


def _transform(
    path: Path | str | None = None,
    *,
    parameter_values: Mapping[str, Any] | None = None,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """Run the SAM transform offline and return the plain CloudFormation template.

    Uses aws-sam-translator with its bundled map of AWS managed policies (the map ``sam deploy``'s transform
    would otherwise fetch from IAM), so no credentials and no network are needed. Local ``CodeUri`` and
    ``ContentUri`` folders are replaced by placeholder ``s3://`` URIs, as ``sam package`` would.
    """
    import boto3  # lazy: the region-only session the translator needs
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.translator import Translator

    try:  # the same map the translator consults first; internal module, so tolerate it moving
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    except ImportError:  # pragma: no cover - older/newer aws-sam-translator

        def get_bundled_managed_policy_map(partition: str) -> dict[str, str] | None:
            return None

    sam_template = copy.deepcopy(load_template(path))
    for logical_id, resource in sam_template.get("Resources", {}).items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = _as_s3_uri(properties["CodeUri"], logical_id)
        if resource.get("Type") == "AWS::Serverless::LayerVersion" and "ContentUri" in properties:
            properties["ContentUri"] = _as_s3_uri(properties["ContentUri"], logical_id)

    session = boto3.Session(region_name=region)  # the translator reads only its region_name
    partition = ArnGenerator.get_partition_name(region)  # a prefix table; no endpoint data to load
    policy_map = get_bundled_managed_policy_map(partition) or {}
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(policy_map, Parser(), boto_session=session, metrics=metrics)
    try:
        transformed = translator.translate(
            sam_template,
            parameter_values=dict(parameter_values or {}),
            get_managed_policy_map=lambda: policy_map,
        )
    finally:
        metrics.publish()  # to the dummy publisher; otherwise the translator warns about unpublished metrics
    return json.loads(json.dumps(transformed))  # plain dicts/lists, detached from the translator's objects


# ------------------------------------------------------------------------------------------- local stack


def _referenced_ids(node: Any) -> set[str]:
    """Logical ids and parameters that ``node`` references (Ref, Fn::GetAtt, Fn::Sub; pseudo parameters excluded)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                if not value.startswith("AWS::"):
                    found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                variables = value[1] if isinstance(value, list) and len(value) > 1 else {}
                if isinstance(text, str):
                    for chunk in text.split("${")[1:]:
                        name = chunk.split("}", 1)[0]
                        if not name.startswith(("!", "AWS::")) and name not in variables:
                            found.add(name.split(".", 1)[0])
                found |= _referenced_ids(variables)
            else:
                found |= _referenced_ids(value)
    elif isinstance(node, list):
        for item in node:
            found |= _referenced_ids(item)
    return found


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
    _complete_local_stack(cloudformation_client, stack_name, template, dict(parameters or {}), outputs)
    return outputs


# ------------------------------------------------------------- what moto's CloudFormation leaves undone

_NO_VALUE = object()


class _Resolver:
    """Resolves the intrinsics the template uses (Ref, GetAtt, Sub, If, Join, conditions) against a created stack."""

    def __init__(
        self,
        template: Mapping[str, Any],
        parameters: Mapping[str, str],
        physical_ids: Mapping[str, str],
        *,
        stack_name: str,
        region: str,
        account_id: str,
        partition: str,
    ) -> None:
        self.template = template
        self.physical_ids = physical_ids
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account_id,
            "AWS::Partition": partition,
            "AWS::StackName": stack_name,
            "AWS::URLSuffix": "amazonaws.com",
        }
        declared = template.get("Parameters", {})
        self.parameters = {name: str(parameters.get(name, spec.get("Default", ""))) for name, spec in declared.items()}

    def condition(self, name: str) -> bool:
        return bool(self._evaluate(self.template.get("Conditions", {})[name]))

    def _evaluate(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            (key, value), = node.items()
            if key == "Fn::Equals":
                left, right = (self.resolve(item) for item in value)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self._evaluate(value[0])
            if key == "Fn::And":
                return all(self._evaluate(item) for item in value)
            if key == "Fn::Or":
                return any(self._evaluate(item) for item in value)
            if key == "Condition":
                return self.condition(value)
        return self.resolve(node)

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical_ids:
            return self.physical_ids[name]
        raise ValueError(f"cannot resolve Ref {name} in the local stack")

    def _get_att(self, logical_id: str, attribute: str) -> str:
        resource_type = self.template["Resources"][logical_id]["Type"]
        physical = self.physical_ids[logical_id]
        partition, region, account = (self.pseudo[k] for k in ("AWS::Partition", "AWS::Region", "AWS::AccountId"))
        if resource_type == "AWS::S3::Bucket" and attribute == "Arn":
            return f"arn:{partition}:s3:::{physical}"
        if resource_type == "AWS::SQS::Queue" and attribute in ("QueueName", "Arn"):
            name = physical.rstrip("/").rsplit("/", 1)[-1]
            return name if attribute == "QueueName" else f"arn:{partition}:sqs:{region}:{account}:{name}"
        if resource_type == "AWS::DynamoDB::Table" and attribute == "Arn":
            return f"arn:{partition}:dynamodb:{region}:{account}:table/{physical}"
        raise ValueError(f"cannot resolve GetAtt {logical_id}.{attribute} in the local stack")

    def _sub(self, value: Any) -> str:
        text, variables = (value[0], value[1]) if isinstance(value, list) else (value, {})
        result, rest = "", str(text)
        while "${" in rest:
            before, _, after = rest.partition("${")
            name, _, rest = after.partition("}")
            result += before
            if name.startswith("!"):
                result += "${" + name[1:] + "}"
            elif name in variables:
                result += str(self.resolve(variables[name]))
            elif "." in name and name.split(".", 1)[0] in self.template.get("Resources", {}):
                result += self._get_att(*name.split(".", 1))
            else:
                result += str(self._ref(name))
        return result + rest

    def resolve(self, node: Any) -> Any:
        if isinstance(node, dict):
            if len(node) == 1:
                (key, value), = node.items()
                if key == "Ref":
                    return self._ref(value)
                if key == "Fn::GetAtt":
                    logical_id, attribute = value if isinstance(value, list) else str(value).split(".", 1)
                    return self._get_att(logical_id, attribute)
                if key == "Fn::Sub":
                    return self._sub(value)
                if key == "Fn::If":
                    name, if_true, if_false = value
                    return self.resolve(if_true if self.condition(name) else if_false)
                if key == "Fn::Join":
                    separator, items = value
                    return str(separator).join(str(item) for item in self.resolve(items))
            resolved = {key: self.resolve(value) for key, value in node.items()}
            return {key: value for key, value in resolved.items() if value is not _NO_VALUE}
        if isinstance(node, list):
            return [item for item in (self.resolve(value) for value in node) if item is not _NO_VALUE]
        return node


def _lifecycle_rule_for_api(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudFormation LifecycleConfiguration rule in the shape PutBucketLifecycleConfiguration takes."""
    converted: dict[str, Any] = {"Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    for key, value in rule.items():
        if key == "Id":
            converted["ID"] = value
        elif key in ("Status", "Prefix"):
            continue
        elif key == "ExpirationInDays":
            converted["Expiration"] = {"Days": int(value)}
        elif key == "NoncurrentVersionExpiration":
            converted[key] = {name: int(days) for name, days in value.items()}
        elif key == "AbortIncompleteMultipartUpload":
            converted[key] = {"DaysAfterInitiation": int(value["DaysAfterInitiation"])}
        else:
            raise NotImplementedError(f"lifecycle rule property {key} is not applied to the local stack yet")
    return converted


def _client_factory(cloudformation_client: CloudFormationClient) -> Any:
    """Clients for the other services, talking to wherever the CloudFormation client talks (mock or server)."""
    import boto3

    endpoint = str(cloudformation_client.meta.endpoint_url)
    endpoint_url = None if endpoint.rstrip("/").endswith(("amazonaws.com", "amazonaws.com.cn")) else endpoint
    credentials = getattr(getattr(cloudformation_client, "_request_signer", None), "_credentials", None)
    kwargs: dict[str, Any] = {"region_name": cloudformation_client.meta.region_name, "endpoint_url": endpoint_url}
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        kwargs |= {
            "aws_access_key_id": frozen.access_key,
            "aws_secret_access_key": frozen.secret_key,
            "aws_session_token": frozen.token,
        }

    @functools.cache
    def client(service: str) -> Any:
        return session.client(service, **kwargs)  # type: ignore[call-overload]

    session = boto3.Session()
    return client


#: Resource types moto's CloudFormation skips that _complete_local_stack creates through the service APIs.
_APPLIED_THROUGH_APIS = frozenset({"AWS::S3::BucketPolicy", "AWS::CloudWatch::Alarm"})
#: Resource types whose properties _complete_local_stack applies (all or in part).
_COMPLETED_TYPES = _APPLIED_THROUGH_APIS | {"AWS::S3::Bucket", "AWS::DynamoDB::Table"}


def _complete_local_stack(
    cloudformation_client: CloudFormationClient,
    stack_name: str,
    template: Mapping[str, Any],
    parameters: Mapping[str, str],
    outputs: StackOutputs,
) -> list[str]:
    """Apply what moto's CloudFormation accepts but does not act on, straight from the template.

    moto (5.2) creates buckets without versioning, public access block, ownership controls or lifecycle rules,
    ignores ``AWS::CloudWatch::Alarm`` and the table's point-in-time recovery. Left alone, the local bucket would
    be unversioned and the alarm would not exist, so the local runs would differ from AWS. (A bucket policy is
    applied too when one is kept: by default it is excluded, see ``EXCLUDED_LOCAL_RESOURCE_TYPES``.) Each ``put``
    below is idempotent and takes its values from the template, resolved against the stack. Returns what was
    applied (``LogicalId.Property``), for the caller's logs.

    A resource that moto skipped and that is not applied here makes the deploy fail (``StackDeployError``):
    a resource added to template.yaml must never be silently missing from the local runs.
    """
    summaries = cloudformation_client.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
    physical_ids = {s["LogicalResourceId"]: s["PhysicalResourceId"] for s in summaries if s.get("LogicalResourceId")}
    arn_parts = outputs.queue_arn.split(":")
    resolver = _Resolver(
        template,
        parameters,
        physical_ids,
        stack_name=stack_name,
        region=arn_parts[3],
        account_id=arn_parts[4],
        partition=arn_parts[1],
    )
    wanted = {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if "Condition" not in resource or resolver.condition(resource["Condition"])
    }
    skipped = [
        f"{logical_id} ({resource['Type']})"
        for logical_id, resource in wanted.items()
        if not physical_ids.get(logical_id) and resource["Type"] not in _APPLIED_THROUGH_APIS
    ]
    if skipped:
        raise StackDeployError(
            f"moto's CloudFormation did not create {', '.join(skipped)}; apply it in newsingest_tools.local.stack"
            " (_complete_local_stack) or leave it out of the local stack (EXCLUDED_LOCAL_RESOURCE_TYPES)"
        )
    client = _client_factory(cloudformation_client)
    applied: list[str] = []
    for logical_id, resource in wanted.items():
        kind = resource["Type"]
        if kind not in _COMPLETED_TYPES:
            continue
        properties = resolver.resolve(resource.get("Properties", {}))
        if kind == "AWS::S3::Bucket":
            s3, bucket = client("s3"), physical_ids[logical_id]
            if "VersioningConfiguration" in properties:
                s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=properties["VersioningConfiguration"])
            if "PublicAccessBlockConfiguration" in properties:
                s3.put_public_access_block(
                    Bucket=bucket, PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"]
                )
            if "OwnershipControls" in properties:
                s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=properties["OwnershipControls"])
            if "LifecycleConfiguration" in properties:
                rules = [_lifecycle_rule_for_api(rule) for rule in properties["LifecycleConfiguration"]["Rules"]]
                s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
            applied += [f"{logical_id}.{name}" for name in properties if name != "BucketEncryption"]
        elif kind == "AWS::S3::BucketPolicy":
            client("s3").put_bucket_policy(Bucket=properties["Bucket"], Policy=json.dumps(properties["PolicyDocument"]))
            applied.append(f"{logical_id}.PolicyDocument")
        elif kind == "AWS::DynamoDB::Table" and "PointInTimeRecoverySpecification" in properties:
            enabled = str(properties["PointInTimeRecoverySpecification"].get("PointInTimeRecoveryEnabled")).lower()
            client("dynamodb").update_continuous_backups(
                TableName=physical_ids[logical_id],
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled == "true"},
            )
            applied.append(f"{logical_id}.PointInTimeRecoverySpecification")
            ttl = properties.get("TimeToLiveSpecification")
            if ttl:  # moto's CloudFormation ignores it (the sources table's seen items expire by it)
                client("dynamodb").update_time_to_live(
                    TableName=physical_ids[logical_id],
                    TimeToLiveSpecification={"AttributeName": ttl["AttributeName"],
                                             "Enabled": str(ttl.get("Enabled")).lower() == "true"},
                )
                applied.append(f"{logical_id}.TimeToLiveSpecification")
        elif kind == "AWS::CloudWatch::Alarm":
            alarm = {key: value for key, value in properties.items() if key != "AlarmName"}
            for key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
                if key in alarm:
                    alarm[key] = int(alarm[key])
            if "Threshold" in alarm:
                alarm["Threshold"] = float(alarm["Threshold"])
            client("cloudwatch").put_metric_alarm(
                AlarmName=properties.get("AlarmName", f"{stack_name}-{logical_id}"), **alarm
            )
            applied.append(logical_id)
    return applied


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
    """Run moto's server in a background thread; yields its endpoint URL (``http://127.0.0.1:PORT``).

    ``port=0`` picks a free port. Point boto3 clients (or a subprocess, through ``AWS_ENDPOINT_URL``) at it.
    """
    import logging

    from moto.server import ThreadedMotoServer  # moto is a dev/demo dependency only

    request_log = logging.getLogger("werkzeug")  # one line per request otherwise, all over the demo's output
    if request_log.level == logging.NOTSET:
        request_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    try:
        bound_host, bound_port = server.get_host_and_port()
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.stop()


# --------------------------------------------------------------------------------------- template accessors


def _resource(template: Mapping[str, Any], logical_id: str) -> dict[str, Any]:
    try:
        return dict(template["Resources"][logical_id])
    except KeyError:
        raise KeyError(f"template has no resource {logical_id}") from None


def _parameter_default(template: Mapping[str, Any], value: Any) -> Any:
    """Resolve ``{"Ref": Param}`` to the parameter's default; return literals unchanged."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        parameter = template.get("Parameters", {}).get(value["Ref"])
        if parameter is not None:
            return parameter.get("Default")
    return value


@dataclass(frozen=True)
class TableSchema:
    """ArticlesTable's keys and indexes, in the shape ``dynamodb.create_table`` takes."""

    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    global_secondary_indexes: list[dict[str, Any]]
    billing_mode: str

    @property
    def partition_key(self) -> str:
        return next(key["AttributeName"] for key in self.key_schema if key["KeyType"] == "HASH")

    def index(self, name: str) -> dict[str, Any]:
        return next(index for index in self.global_secondary_indexes if index["IndexName"] == name)

    def create_table_kwargs(self, table_name: str) -> dict[str, Any]:
        """Arguments for ``dynamodb_client.create_table(**...)`` - a table identical in keys and indexes."""
        return {
            "TableName": table_name,
            "KeySchema": copy.deepcopy(self.key_schema),
            "AttributeDefinitions": copy.deepcopy(self.attribute_definitions),
            "GlobalSecondaryIndexes": copy.deepcopy(self.global_secondary_indexes),
            "BillingMode": self.billing_mode,
        }


def template_table_schema(template: Mapping[str, Any] | Path | str | None = None) -> TableSchema:
    properties = _resource(_template_dict(template), TABLE_LOGICAL_ID)["Properties"]
    return TableSchema(
        key_schema=copy.deepcopy(properties["KeySchema"]),
        attribute_definitions=copy.deepcopy(properties["AttributeDefinitions"]),
        global_secondary_indexes=copy.deepcopy(properties.get("GlobalSecondaryIndexes", [])),
        billing_mode=str(properties.get("BillingMode", "PROVISIONED")),
    )


@dataclass(frozen=True)
class QueueSettings:
    """ArticlesQueue and its dead-letter queue as the template declares them (seconds)."""

    visibility_timeout: int
    max_receive_count: int
    message_retention_period: int
    receive_wait_time: int
    dead_letter_retention_period: int

    def create_queue_attributes(self) -> dict[str, str]:
        """Attributes for ``sqs.create_queue`` of the main queue (add RedrivePolicy with the DLQ's ARN)."""
        return {
            "VisibilityTimeout": str(self.visibility_timeout),
            "MessageRetentionPeriod": str(self.message_retention_period),
            "ReceiveMessageWaitTimeSeconds": str(self.receive_wait_time),
        }

    def redrive_policy(self, dead_letter_queue_arn: str) -> str:
        return json.dumps({"deadLetterTargetArn": dead_letter_queue_arn, "maxReceiveCount": self.max_receive_count})


def template_queue_settings(template: Mapping[str, Any] | Path | str | None = None) -> QueueSettings:
    document = _template_dict(template)
    queue = _resource(document, QUEUE_LOGICAL_ID)["Properties"]
    dead_letter = _resource(document, DEAD_LETTER_QUEUE_LOGICAL_ID)["Properties"]
    return QueueSettings(
        visibility_timeout=int(queue.get("VisibilityTimeout", 30)),
        max_receive_count=int(queue["RedrivePolicy"]["maxReceiveCount"]),
        message_retention_period=int(queue.get("MessageRetentionPeriod", 345600)),
        receive_wait_time=int(queue.get("ReceiveMessageWaitTimeSeconds", 0)),
        dead_letter_retention_period=int(dead_letter.get("MessageRetentionPeriod", 345600)),
    )


@dataclass(frozen=True)
class FunctionSettings:
    """IngestFunction and its SQS event source as the template declares them (parameter defaults resolved)."""

    code_uri: str
    handler: str
    runtime: str
    architectures: tuple[str, ...]
    memory_size: int
    timeout: int
    layers: tuple[str, ...]  # logical ids of the template's layers
    batch_size: int
    maximum_batching_window: int  # default of the parameter (or the literal)
    maximum_batching_window_max: int  # the most it can be set to (the parameter's MaxValue)
    maximum_concurrency: int
    function_response_types: tuple[str, ...]
    environment: Mapping[str, Any] = field(default_factory=dict)  # raw, intrinsics unresolved


def template_function_settings(template: Mapping[str, Any] | Path | str | None = None) -> FunctionSettings:
    document = _template_dict(template)
    properties = _resource(document, FUNCTION_LOGICAL_ID)["Properties"]
    sqs_events = [event["Properties"] for event in properties.get("Events", {}).values() if event["Type"] == "SQS"]
    if len(sqs_events) != 1:
        raise ValueError(f"{FUNCTION_LOGICAL_ID} must have exactly one SQS event, found {len(sqs_events)}")
    event = sqs_events[0]
    window = event.get("MaximumBatchingWindowInSeconds", 0)
    window_max = window
    if isinstance(window, dict) and "Ref" in window:
        window_max = document["Parameters"][window["Ref"]].get("MaxValue", 300)
    layers = tuple(
        layer["Ref"] if isinstance(layer, dict) and "Ref" in layer else str(layer)
        for layer in properties.get("Layers", [])
    )
    return FunctionSettings(
        code_uri=str(properties["CodeUri"]),
        handler=str(properties["Handler"]),
        runtime=str(properties["Runtime"]),
        architectures=tuple(properties.get("Architectures", ["x86_64"])),
        memory_size=int(properties.get("MemorySize", 128)),
        timeout=int(properties.get("Timeout", 3)),
        layers=layers,
        batch_size=int(event.get("BatchSize", 10)),
        maximum_batching_window=int(_parameter_default(document, window) or 0),
        maximum_batching_window_max=int(window_max or 0),
        maximum_concurrency=int(_parameter_default(document,
                                                   event.get("ScalingConfig", {}).get("MaximumConcurrency", 1000))),
        function_response_types=tuple(event.get("FunctionResponseTypes", [])),
        environment=copy.deepcopy(properties.get("Environment", {}).get("Variables", {})),
    )


def function_environment(
    outputs: StackOutputs | None = None,
    *,
    parameters: Mapping[str, str] | None = None,
    template: Mapping[str, Any] | Path | str | None = None,
) -> dict[str, str]:
    """IngestFunction's environment as Lambda would see it: every variable of the template, with parameter
    references resolved to ``parameters`` (else the parameter defaults) and the bucket/table references to the
    names in ``outputs``. What the local event-source loop and the ``sam local invoke`` parity test run with.
    """
    document = _template_dict(template)
    settings = template_function_settings(document)
    resource_names: dict[str, str] = {}
    if outputs is not None:
        resource_names = {
            BUCKET_LOGICAL_ID: outputs.bucket_name,
            TABLE_LOGICAL_ID: outputs.table_name,
            QUEUE_LOGICAL_ID: outputs.queue_url,
            DEAD_LETTER_QUEUE_LOGICAL_ID: outputs.dead_letter_queue_url,
            HOST_BUDGET_LOGICAL_ID: outputs.host_budget_table_name or "",  # a stack from before it: budget off
        }
    declared = document.get("Parameters", {})
    environment: dict[str, str] = {}
    for name, value in settings.environment.items():
        if isinstance(value, dict) and set(value) == {"Ref"}:
            target = value["Ref"]
            if target in declared:
                chosen = (parameters or {}).get(target, declared[target].get("Default", ""))
                environment[name] = str(chosen)
            elif target in resource_names:
                environment[name] = resource_names[target]
            else:
                raise ValueError(f"cannot resolve {name}: Ref {target} (pass the stack outputs)")
        elif isinstance(value, (str, int, float, bool)):
            environment[name] = str(value).lower() if isinstance(value, bool) else str(value)
        else:
            raise ValueError(f"cannot resolve {name}: unsupported intrinsic {value!r}")
    return environment
