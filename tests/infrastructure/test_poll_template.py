"""The continuous-ingestion part of template.yaml: the sources table, the poll function, its
schedule, and the least privilege of the poll function's and the schedule's roles."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:moto.cloudformation.parsing")

POLL_ACTIONS = {
    # exactly what newsingest.storage.sources (lease, save_poll, claim_urls, mark_sent, release, due) and
    # newsingest.storage.queue.send_bodies call
    "SourcesTable": {"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                     "dynamodb:DeleteItem"},
    "SourcesTable/index/by-due": {"dynamodb:Query"},
    "ArticlesQueue": {"sqs:SendMessage"},
    # newsingest.storage.host_budget (the shared per-host budget the feed requests draw on)
    "HostBudgetTable": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
}


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        found = policy["PolicyDocument"]["Statement"]
        statements += found if isinstance(found, list) else [found]
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resource_name(resource: Any) -> str:
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return resource["Fn::GetAtt"][0]
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        return re.sub(r"\$\{(\w+)\.Arn\}", r"\1", resource["Fn::Sub"])
    raise AssertionError(f"not a resource of this stack: {resource!r}")


def test_poll_role_grants_exactly_the_calls_the_poll_makes(transformed: dict[str, Any]) -> None:
    # Given the role SAM generated for the poll function
    role = transformed["Resources"]["PollFunctionRole"]["Properties"]
    # Then its managed policies are only logs and X-Ray (no SQS polling: it does not consume the queue)
    assert set(role["ManagedPolicyArns"]) == {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    }
    # And its inline statements grant exact actions on this stack's table, index and queue, nothing else
    granted: dict[str, set[str]] = {}
    for statement in _statements({"Properties": role}):
        assert statement["Effect"] == "Allow"
        for resource in _as_list(statement["Resource"]):
            granted.setdefault(_resource_name(resource), set()).update(_as_list(statement["Action"]))
    assert granted == POLL_ACTIONS
    assert not any("*" in action for actions in granted.values() for action in actions)


def test_the_schedule_runs_the_poll_function_at_the_rate_parameter(transformed: dict[str, Any]) -> None:
    # Given the EventBridge Scheduler schedule
    schedules = {name: r for name, r in transformed["Resources"].items() if r["Type"] == "AWS::Scheduler::Schedule"}
    assert list(schedules) == ["PollFunctionPollSchedule"]
    properties = schedules["PollFunctionPollSchedule"]["Properties"]
    # Then it invokes the poll function at rate(PollScheduleRate), 5 minutes by default, named after the stack
    assert properties["Target"]["Arn"] == {"Fn::GetAtt": ["PollFunction", "Arn"]}
    assert properties["ScheduleExpression"] == {"Fn::Sub": "rate(${PollScheduleRate})"}
    assert properties["Name"] == {"Fn::Sub": "${AWS::StackName}-poll"}
    assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}
    rate = transformed["Parameters"]["PollScheduleRate"]
    assert rate["Default"] == "5 minutes"
    pattern = re.compile(rate["AllowedPattern"])
    assert all(pattern.match(value) for value in ("1 minute", "5 minutes", "1 hour", "12 hours"))
    assert not any(pattern.match(value) for value in ("1 minutes", "0 minutes", "5 min", "rate(5 minutes)"))
    # And its role may only invoke that function
    (statement,) = _statements(transformed["Resources"]["PollFunctionPollScheduleRole"])
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == {"Fn::GetAtt": ["PollFunction", "Arn"]}


def test_poll_function_settings_and_environment(sam_template: dict[str, Any]) -> None:
    function = sam_template["Resources"]["PollFunction"]["Properties"]
    assert (function["Runtime"], function["Architectures"], function["Handler"]) == ("python3.13", ["arm64"],
                                                                                     "app.lambda_handler")
    assert function["Timeout"] <= 900 and function["Layers"] == [{"Ref": "NewsingestLayer"}]
    environment = function["Environment"]["Variables"]
    assert environment["SOURCES_TABLE"] == {"Ref": "SourcesTable"}
    assert environment["QUEUE_URL"] == {"Ref": "ArticlesQueue"}
    for name in ("FETCH_ALLOW_HOSTS", "FETCH_USER_AGENT", "FETCH_RESPECT_ROBOTS"):
        assert environment[name] == (
            sam_template["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"][name])
    log_group = sam_template["Resources"]["PollFunctionLogGroup"]["Properties"]
    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${PollFunction}"}


def test_sources_table_is_keyed_by_pk_with_a_sparse_due_index_and_ttl(sam_template: dict[str, Any]) -> None:
    resource = sam_template["Resources"]["SourcesTable"]
    properties = resource["Properties"]
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
    assert properties["BillingMode"] == "PAY_PER_REQUEST" and properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    (index,) = properties["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "by-due"
    assert index["KeySchema"] == [{"AttributeName": "poll_shard", "KeyType": "HASH"},
                                  {"AttributeName": "next_poll_at", "KeyType": "RANGE"}]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_local_stack_creates_the_sources_table_with_its_index_and_ttl(deployed: Any) -> None:
    # Given the stack deployed in moto from template.yaml
    account, outputs = deployed
    # Then the sources table exists with the by-due index and TTL on expires_at
    assert outputs.sources_table_name
    table = account.dynamodb.describe_table(TableName=outputs.sources_table_name)["Table"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["by-due"]
    ttl = account.dynamodb.describe_time_to_live(TableName=outputs.sources_table_name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
