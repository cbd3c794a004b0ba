"""template.yaml read as data: finding and loading it, and the settings the local runs and tests take from it.

:func:`find_template` locates the template (``NEWSINGEST_TEMPLATE`` or the repository root), :func:`load_template`
parses it with CloudFormation's short-form intrinsics expanded. The ``template_*`` accessors expose the template's
settings (table keys and indexes, queue settings, function settings) and :func:`function_environment` the
function's environment as Lambda would see it, to tests that need them without a CloudFormation stack.

PyYAML is imported lazily: the CLI reads a real stack's outputs without it.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from newsingest_tools.local.deploy import StackOutputs

TEMPLATE_ENV_VAR = "NEWSINGEST_TEMPLATE"
TEMPLATE_FILE_NAME = "template.yaml"
DEFAULT_REGION = "us-east-1"

FUNCTION_LOGICAL_ID = "IngestFunction"
QUEUE_LOGICAL_ID = "ArticlesQueue"
DEAD_LETTER_QUEUE_LOGICAL_ID = "ArticlesDeadLetterQueue"
TABLE_LOGICAL_ID = "ArticlesTable"
BUCKET_LOGICAL_ID = "ArticlesBucket"
HOST_BUDGET_LOGICAL_ID = "HostBudgetTable"
SOURCES_LOGICAL_ID = "SourcesTable"


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
            value = loader.construct_mapping(node, deep=True)
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
    function: str = FUNCTION_LOGICAL_ID,
) -> dict[str, str]:
    """A function's environment as Lambda would see it (IngestFunction unless ``function`` names another): every
    variable of the template, with parameter references resolved to ``parameters`` (else the parameter defaults)
    and the stack's resource references to the names in ``outputs``. What the local event-source loop and the
    ``sam local invoke`` parity test run with.
    """
    document = _template_dict(template)
    variables = _resource(document, function)["Properties"].get("Environment", {}).get("Variables", {})
    resource_names: dict[str, str] = {}
    if outputs is not None:
        resource_names = {
            BUCKET_LOGICAL_ID: outputs.bucket_name,
            TABLE_LOGICAL_ID: outputs.table_name,
            QUEUE_LOGICAL_ID: outputs.queue_url,
            DEAD_LETTER_QUEUE_LOGICAL_ID: outputs.dead_letter_queue_url,
            HOST_BUDGET_LOGICAL_ID: outputs.host_budget_table_name or "",  # a stack from before it: budget off
            SOURCES_LOGICAL_ID: outputs.sources_table_name or "",
        }
    declared = document.get("Parameters", {})
    environment: dict[str, str] = {}
    for name, value in variables.items():
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
