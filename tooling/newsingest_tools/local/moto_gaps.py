"""What moto's CloudFormation accepts but leaves undone, applied to the local stack from the template.

moto (5.2) creates buckets without versioning, public access block, ownership controls or lifecycle rules and
ignores ``AWS::CloudWatch::Alarm`` and the table's point-in-time recovery and TTL; :func:`_complete_local_stack`
applies them through the service APIs, with the template's values resolved against the created stack
(:class:`_StackValueResolver`), on clients that talk to wherever the CloudFormation client talks.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from newsingest_tools.local.deploy import StackDeployError, StackOutputs

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mypy_boto3_cloudformation import CloudFormationClient  # type: ignore[import-not-found]  # optional stubs
else:
    CloudFormationClient = Any

_NO_VALUE = object()


class _StackValueResolver:
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
        return session.client(service, **kwargs)

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
    resolver = _StackValueResolver(
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
            f"moto's CloudFormation did not create {', '.join(skipped)}; apply it in newsingest_tools.local.moto_gaps"
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
