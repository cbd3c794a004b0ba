"""template.yaml as the single source of truth for every local run.

``make demo``, ``newsingest demo`` and every moto test fixture create their queues, bucket and table from
``template.yaml`` itself, so the local runs, the tests and what ``sam deploy`` creates cannot drift apart:

1. :mod:`~newsingest_tools.local.template`: :func:`find_template` locates the template (``NEWSINGEST_TEMPLATE``
   or the repository root), :func:`load_template` parses it, and the ``template_*`` accessors and
   :func:`function_environment` expose its settings to tests that need them without a CloudFormation stack.
2. :mod:`~newsingest_tools.local.transform`: :func:`transform_template` runs the SAM transform offline with
   aws-sam-translator and its bundled AWS-managed-policy map (no IAM call, no credentials, no network).
3. :mod:`~newsingest_tools.local.deploy`: :func:`deploy_local_stack` strips what moto cannot or should not run
   (the Lambda function, its layer, event source mapping, IAM role and log group: locally the event-source loop
   calls the real handler in-process) and creates the rest as a CloudFormation stack in moto: in-process
   ``mock_aws`` or moto's server (:func:`moto_server`), whichever the CloudFormation client passed in talks to.
4. :mod:`~newsingest_tools.local.moto_gaps`: what moto's CloudFormation accepts but leaves undone (bucket
   versioning and lifecycle rules, the alarm, point-in-time recovery, TTL), applied through the service APIs.

This module is the facade: it re-exports the public names of the four, so ``from newsingest_tools.local.stack
import ...`` keeps working.

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
        session = boto3.Session(**offline_session_kwargs())  # newsingest_tools.local.env
        outputs = deploy_local_stack(session.client("cloudformation", endpoint_url=endpoint_url))
        # children get AWS_ENDPOINT_URL=endpoint_url plus function_environment(outputs)

None of these is part of the Lambda runtime path: they import aws-sam-translator (a dev dependency) and moto
lazily, only inside the functions that need them.
"""

from __future__ import annotations

from newsingest_tools.local.deploy import (
    DEFAULT_STACK_NAME,
    EXCLUDED_LOCAL_RESOURCE_TYPES,
    StackDeployError,
    StackOutputs,
    deploy_local_stack,
    local_template,
    moto_server,
    stack_outputs,
)
from newsingest_tools.local.template import (
    DEFAULT_REGION,
    FUNCTION_LOGICAL_ID,
    TEMPLATE_ENV_VAR,
    FunctionSettings,
    QueueSettings,
    TableSchema,
    find_template,
    function_environment,
    load_template,
    template_function_settings,
    template_queue_settings,
    template_table_schema,
)
from newsingest_tools.local.transform import transform_template

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
