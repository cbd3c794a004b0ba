"""The SAM transform, offline: template.yaml → the plain CloudFormation template ``sam deploy`` would create.

aws-sam-translator (a dev dependency) runs with its bundled AWS-managed-policy map: no IAM call, no credentials, no
network. It is imported lazily, inside the function that needs it.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsingest_tools.local.template import DEFAULT_REGION, find_template, load_template


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
