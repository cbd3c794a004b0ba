"""What template.yaml declares, checked on the SAM source and on its offline SAM transform.

The stack tests (test_local_stack.py) check what moto actually creates; these check what only exists on AWS
(the function, its event source mapping, its role and layer) and the invariants between settings.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from newsingest_tools.local import stack
from newsingest_tools.local.template import _referenced_ids

# The only managed policies on the function's role: logs (every function) and X-Ray (Tracing: Active). No data
# access, and not AWSLambdaSQSQueueExecutionRole (receive/delete on every queue of the account).
MANAGED_POLICIES = {
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:${AWS::Partition}:iam::aws:policy/AWSXrayWriteOnlyAccess",
}


def _resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == resource_type}


def _only(template: dict[str, Any], resource_type: str, owner: str = "") -> tuple[str, dict[str, Any]]:
    """The one resource of that type (of ``owner``'s: logical ids starting with it, e.g. "IngestFunction")."""
    found = {name: res for name, res in _resources_of_type(template, resource_type).items() if name.startswith(owner)}
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def _parameter(template: dict[str, Any], value: Any) -> dict[str, Any]:
    assert isinstance(value, dict) and set(value) == {"Ref"}, f"{value!r} is not a parameter reference"
    return template["Parameters"][value["Ref"]]


# ------------------------------------------------------------------------------------------ queue settings


def test_visibility_timeout_covers_six_function_timeouts_plus_the_longest_batching_window(
        sam_template: dict[str, Any]) -> None:
    # Given the queue, the function and the batching window parameter as declared
    queue = stack.template_queue_settings(sam_template)
    function = stack.template_function_settings(sam_template)
    # When the AWS rule for SQS event sources is applied with the largest window the parameter allows
    required = 6 * function.timeout + function.maximum_batching_window_max
    # Then the visibility timeout is long enough for every allowed configuration
    assert function.timeout == 60
    assert function.maximum_batching_window <= function.maximum_batching_window_max
    assert queue.visibility_timeout >= required, f"{queue.visibility_timeout} < 6 x {function.timeout} + window"


def test_the_visibility_formula_is_written_next_to_the_setting(template_path: Path) -> None:
    # Given the template text
    text = template_path.read_text(encoding="utf-8")
    # When looking at the lines just above VisibilityTimeout
    above = text[: text.index("VisibilityTimeout:")].splitlines()[-4:]
    # Then they spell out the formula
    assert any(re.search(r"6\s*x.*Timeout.*\+.*[Ww]indow", line) for line in above), above


def test_queue_redrives_to_the_dead_letter_queue_after_five_receives(sam_template: dict[str, Any]) -> None:
    queue = sam_template["Resources"]["ArticlesQueue"]["Properties"]
    dead_letter = sam_template["Resources"]["ArticlesDeadLetterQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["ArticlesDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    assert queue["SqsManagedSseEnabled"] is True and dead_letter["SqsManagedSseEnabled"] is True
    assert dead_letter["MessageRetentionPeriod"] == 14 * 24 * 3600
    # A standard queue's message keeps its first enqueue time in the DLQ: the DLQ must keep messages longer
    assert dead_letter["MessageRetentionPeriod"] > queue.get("MessageRetentionPeriod", 4 * 24 * 3600)


# --------------------------------------------------------------------------------- function and event source


def test_event_source_mapping_batches_ten_reports_item_failures_and_is_capped(transformed: dict[str, Any]) -> None:
    # Given the transformed template
    _, mapping = _only(transformed, "AWS::Lambda::EventSourceMapping")
    properties = mapping["Properties"]
    # Then the function is triggered by the articles queue with the contract's batch settings
    assert properties["EventSourceArn"] == {"Fn::GetAtt": ["ArticlesQueue", "Arn"]}
    assert properties["FunctionName"] == {"Ref": stack.FUNCTION_LOGICAL_ID}
    assert properties["BatchSize"] == 10
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    window = _parameter(transformed, properties["MaximumBatchingWindowInSeconds"])
    assert 0 <= window["MinValue"] <= window["Default"] <= window["MaxValue"] <= 300
    concurrency = _parameter(transformed, properties["ScalingConfig"]["MaximumConcurrency"])
    assert concurrency["MinValue"] >= 2 and concurrency["MaxValue"] <= 1000
    assert concurrency["MinValue"] <= concurrency["Default"] <= concurrency["MaxValue"]


def test_function_is_python313_arm64_with_the_layer_tracing_and_fixed_limits(transformed: dict[str, Any]) -> None:
    _, function = _only(transformed, "AWS::Lambda::Function", owner=stack.FUNCTION_LOGICAL_ID)
    properties = function["Properties"]
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == "app.lambda_handler"
    assert properties["MemorySize"] == 256
    assert properties["Timeout"] == 60
    assert properties["TracingConfig"] == {"Mode": "Active"}
    layer_id, layer = _only(transformed, "AWS::Lambda::LayerVersion")
    assert properties["Layers"] == [{"Ref": layer_id}]
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_function_environment_carries_the_storage_contract_and_the_tunables(sam_template: dict[str, Any]) -> None:
    # Given the function's environment as declared
    environment = stack.template_function_settings(sam_template).environment
    # Then the storage names point at this stack's bucket and table, and the tunables at parameters
    assert environment["ARTICLES_BUCKET"] == {"Ref": "ArticlesBucket"}
    assert environment["ARTICLES_TABLE"] == {"Ref": "ArticlesTable"}
    for name in ("FETCH_ALLOW_HOSTS", "FETCH_USER_AGENT", "FETCH_RESPECT_ROBOTS", "BATCH_CONCURRENCY"):
        assert "Ref" in environment[name] and environment[name]["Ref"] in sam_template["Parameters"], name
    assert _parameter(sam_template, environment["FETCH_ALLOW_HOSTS"])["Default"] == ""
    assert sorted(_parameter(sam_template, environment["FETCH_RESPECT_ROBOTS"])["AllowedValues"]) == ["false", "true"]
    assert _parameter(sam_template, environment["BATCH_CONCURRENCY"])["Default"] == 5
    assert environment["POWERTOOLS_SERVICE_NAME"] == "newsingest"
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "Newsingest"


def test_environment_resolves_to_parameter_defaults_and_stack_names(sam_template: dict[str, Any]) -> None:
    # Given stack outputs and one overridden parameter
    outputs = stack.StackOutputs("https://q", "arn:q", "https://dlq", "the-bucket", "the-table")
    # When the function's environment is resolved
    environment = stack.function_environment(outputs, parameters={"FetchAllowHosts": "127.0.0.1:8765"},
                                             template=sam_template)
    # Then every variable is a plain string Lambda would see
    assert environment["ARTICLES_BUCKET"] == "the-bucket" and environment["ARTICLES_TABLE"] == "the-table"
    assert environment["FETCH_ALLOW_HOSTS"] == "127.0.0.1:8765"
    assert environment["FETCH_RESPECT_ROBOTS"] == "true"
    assert environment["BATCH_CONCURRENCY"] == "5"
    assert environment["POWERTOOLS_LOG_LEVEL"] == environment["LOG_LEVEL"] == "INFO"
    assert all(isinstance(value, str) for value in environment.values())


def test_layer_is_built_by_sam_for_python313_arm64_from_the_package_folder(sam_template: dict[str, Any],
                                                                           repo_root: Path) -> None:
    _, layer = _only(sam_template, "AWS::Serverless::LayerVersion")
    assert layer["Metadata"] == {"BuildMethod": "python3.13", "BuildArchitecture": "arm64"}
    content = repo_root / layer["Properties"]["ContentUri"]
    assert (content / "requirements.txt").is_file()
    assert (content / "newsingest" / "__init__.py").is_file()
    function = stack.template_function_settings(sam_template)
    assert (repo_root / function.code_uri / "app.py").is_file()


# -------------------------------------------------------------------------------------------------- IAM


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    """Every statement the role may grant: a conditional one (``Fn::If``) counts with both of its branches."""
    statements = []
    for policy in role["Properties"].get("Policies", []):
        found = policy["PolicyDocument"]["Statement"]
        for statement in found if isinstance(found, list) else [found]:
            branches = statement["Fn::If"][1:] if set(statement) == {"Fn::If"} else [statement]
            statements += [branch for branch in branches if branch != {"Ref": "AWS::NoValue"}]
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_function_role_has_no_wildcard_grants_and_no_data_access_managed_policy(transformed: dict[str, Any]) -> None:
    # Given the function's role (declared in the template: SAM generates none)
    name, role = _only(transformed, "AWS::IAM::Role", owner=stack.FUNCTION_LOGICAL_ID)
    assert transformed["Resources"][stack.FUNCTION_LOGICAL_ID]["Properties"]["Role"] == {"Fn::GetAtt": [name, "Arn"]}
    # Then its managed policies are logs and X-Ray only
    assert {arn["Fn::Sub"] for arn in role["Properties"]["ManagedPolicyArns"]} == MANAGED_POLICIES
    # And no inline statement grants any action on every resource, or every action on anything
    for statement in _statements(role):
        actions, resources = _as_list(statement["Action"]), _as_list(statement["Resource"])
        assert "*" not in actions and not any(str(a).endswith(":*") for a in actions), statement
        assert "*" not in resources, statement
        assert statement["Effect"] == "Allow"


def test_the_function_uses_no_sam_policy_templates(sam_template: dict[str, Any]) -> None:
    # SAM's templates grant more than the code uses (S3WritePolicy: lifecycle and ACL; DynamoDBCrudPolicy: delete,
    # batch write, scan), and an SQS event makes SAM add AWSLambdaSQSQueueExecutionRole: the role is explicit
    function = sam_template["Resources"][stack.FUNCTION_LOGICAL_ID]["Properties"]
    assert "Policies" not in function and function["Role"] == {"Fn::GetAtt": ["IngestFunctionRole", "Arn"]}


def test_inline_grants_name_only_the_bucket_the_tables_and_the_queue(transformed: dict[str, Any]) -> None:
    _, role = _only(transformed, "AWS::IAM::Role", owner=stack.FUNCTION_LOGICAL_ID)
    referenced: set[str] = set()
    for statement in _statements(role):
        referenced |= _referenced_ids(statement["Resource"])  # same helper the stack uses
    assert referenced == {"ArticlesBucket", "ArticlesTable", "ArticlesQueue", "HostBudgetTable", "EventBusName"}


def test_the_host_budget_table_is_keyed_by_host_encrypted_and_expires_idle_hosts(sam_template: dict[str, Any]) -> None:
    properties = sam_template["Resources"]["HostBudgetTable"]["Properties"]
    assert properties["KeySchema"] == [{"AttributeName": "host", "KeyType": "HASH"}]
    assert properties["BillingMode"] == "PAY_PER_REQUEST" and properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    variables = sam_template["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["HOST_BUDGET_TABLE"] == {"Ref": "HostBudgetTable"}
    assert variables["HOST_REQUESTS_PER_SECOND"] == {"Ref": "HostRequestsPerSecond"}


def test_events_are_off_by_default_and_granted_on_the_named_bus_only(sam_template: dict[str, Any]) -> None:
    # Given the EventBusName parameter, its condition and the function's role as declared
    parameter = sam_template["Parameters"]["EventBusName"]
    # Then the default is no bus, a name (not an ARN) is what the parameter takes, and the function gets it as is
    assert parameter["Default"] == ""
    assert re.fullmatch(parameter["AllowedPattern"], "") and re.fullmatch(parameter["AllowedPattern"], "default")
    assert not re.fullmatch(parameter["AllowedPattern"], "arn:aws:events:us-east-1:123456789012:event-bus/default")
    assert sam_template["Conditions"]["PublishesEvents"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "EventBusName"}, ""]}]}
    environment = stack.template_function_settings(sam_template).environment
    assert environment["EVENT_BUS_NAME"] == {"Ref": "EventBusName"}
    # And PutEvents is granted only under the condition, on that bus of this account and region
    statements = (
        sam_template["Resources"]["IngestFunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"])
    conditional = [statement["Fn::If"] for statement in statements if set(statement) == {"Fn::If"}]
    assert conditional == [["PublishesEvents", {
        "Sid": "PublishArticleEvents", "Effect": "Allow", "Action": "events:PutEvents",
        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}"
                                ":event-bus/${EventBusName}"},
    }, {"Ref": "AWS::NoValue"}]]
    assert not any("events:" in str(statement) for statement in statements if set(statement) != {"Fn::If"})


def test_the_function_environment_names_the_bus_only_when_the_parameter_does(sam_template: dict[str, Any]) -> None:
    outputs = stack.StackOutputs("https://q", "arn:q", "https://dlq", "the-bucket", "the-table")
    # When resolved with the defaults, and with a bus named
    off = stack.function_environment(outputs, template=sam_template)
    on = stack.function_environment(outputs, parameters={"EventBusName": "default"}, template=sam_template)
    # Then the default is empty (no events) and the named bus reaches the function
    assert (off["EVENT_BUS_NAME"], on["EVENT_BUS_NAME"]) == ("", "default")


# ---------------------------------------------------------------------------------------- storage, alarm


def test_table_is_on_demand_encrypted_recoverable_and_keyed_by_article_id(sam_template: dict[str, Any]) -> None:
    properties = sam_template["Resources"]["ArticlesTable"]["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True}  # moto ignores this one: checked here only
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    schema = stack.template_table_schema(sam_template)
    assert schema.partition_key == "article_id"
    assert schema.key_schema == [{"AttributeName": "article_id", "KeyType": "HASH"}]
    types = {d["AttributeName"]: d["AttributeType"] for d in schema.attribute_definitions}
    assert types == {name: "S" for name in ("article_id", "domain", "published_at", "reason", "fetched_at")}


@pytest.mark.parametrize(
    ("index", "partition", "sort"),
    [("by-domain", "domain", "published_at"), ("by-status", "reason", "fetched_at")],
)
def test_both_indexes_are_declared_with_their_keys(sam_template: dict[str, Any], index: str, partition: str,
                                                   sort: str) -> None:
    declared = stack.template_table_schema(sam_template).index(index)
    assert declared["KeySchema"] == [
        {"AttributeName": partition, "KeyType": "HASH"},
        {"AttributeName": sort, "KeyType": "RANGE"},
    ]


def test_index_projections_serve_their_queries(sam_template: dict[str, Any]) -> None:
    schema = stack.template_table_schema(sam_template)
    # by-domain: full records straight from the index
    assert schema.index("by-domain")["Projection"] == {"ProjectionType": "ALL"}
    # by-status: a sparse failures index keyed on reason: small, for listing failures
    projection = schema.index("by-status")["Projection"]
    assert projection["ProjectionType"] == "INCLUDE"
    assert {"status", "url", "domain", "title", "detail"} <= set(projection["NonKeyAttributes"])


def test_stateful_resources_survive_stack_deletion(sam_template: dict[str, Any]) -> None:
    for name in ("ArticlesBucket", "ArticlesTable"):
        resource = sam_template["Resources"][name]
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain", name


def test_dead_letter_alarm_fires_on_the_first_message_and_notifies_the_optional_topic(
        sam_template: dict[str, Any]) -> None:
    _, alarm = _only(sam_template, "AWS::CloudWatch::Alarm")
    properties = alarm["Properties"]
    assert (properties["Namespace"], properties["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert properties["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": ["ArticlesDeadLetterQueue", "QueueName"]}}
    ]
    assert (properties["ComparisonOperator"], properties["Threshold"]) == ("GreaterThanThreshold", 0)
    assert properties["AlarmActions"] == {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}],
                                                     {"Ref": "AWS::NoValue"}]}
    assert sam_template["Parameters"]["AlarmTopicArn"]["Default"] == ""


def test_log_group_is_the_functions_own_with_a_retention_parameter(sam_template: dict[str, Any]) -> None:
    _, log_group = _only(sam_template, "AWS::Logs::LogGroup", owner=stack.FUNCTION_LOGICAL_ID)
    properties = log_group["Properties"]
    assert properties["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{stack.FUNCTION_LOGICAL_ID}}}"}
    retention = _parameter(sam_template, properties["RetentionInDays"])
    assert retention["Default"] in retention["AllowedValues"]


def test_outputs_are_the_ones_the_cli_reads(transformed: dict[str, Any]) -> None:
    assert set(transformed["Outputs"]) == {
        "QueueUrl",
        "QueueArn",
        "DeadLetterQueueUrl",
        "DeadLetterQueueArn",
        "BucketName",
        "TableName",
        "FunctionName",
        "SourcesTableName",
        "PollFunctionName",
        "HostBudgetTableName",
    }


def test_every_parameter_is_used(sam_template: dict[str, Any]) -> None:
    used = _referenced_ids(sam_template["Resources"]) | _referenced_ids(sam_template.get("Conditions", {}))
    assert set(sam_template["Parameters"]) <= used, set(sam_template["Parameters"]) - used


# ----------------------------------------------------------------------------------- dependencies in step


def test_layer_requirements_are_a_subset_of_the_project_dependencies(repo_root: Path,
                                                                     sam_template: dict[str, Any]) -> None:
    # Given the layer's requirements.txt (what SAM installs into the layer) and pyproject.toml (what developers get)
    _, layer = _only(sam_template, "AWS::Serverless::LayerVersion")
    lines = (repo_root / layer["Properties"]["ContentUri"] / "requirements.txt").read_text(
        encoding="utf-8").splitlines()
    layer_requirements = [Requirement(line.split("#", 1)[0]) for line in lines if line.split("#", 1)[0].strip()]
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {canonicalize_name(r.name): r for r in map(Requirement, project["project"]["dependencies"])}
    # Then every layer requirement is a project dependency with the same extras and version range
    assert layer_requirements, "requirements.txt is empty"
    for requirement in layer_requirements:
        name = canonicalize_name(requirement.name)
        assert name in declared, f"{requirement} is in the layer but not in pyproject.toml"
        assert requirement.specifier == declared[name].specifier, f"{requirement} vs {declared[name]}"
        assert requirement.extras == declared[name].extras, f"{requirement} vs {declared[name]}"
    # And boto3 ships in the layer beside the botocore that aws-xray-sdk pulls in, so the two always match
    assert {"boto3", "aws-lambda-powertools"} <= {canonicalize_name(r.name) for r in layer_requirements}
