"""Least privilege by action: the ingest role grants exactly the calls the function makes.

The function is the one component that parses hostile pages; one parser exploit must not be able to expire every
object, rewrite ACLs, delete or scan every record, or drain another queue. So the role's actions are compared with
the AWS calls a run of the real handler makes (recorded on the function's own clients through botocore events),
over every code path that talks to AWS: store, unchanged, failure, malformed body, Retry-After by visibility and by
re-send, with ArticleStored events off (the default) and on (the EventBusName parameter set). The event source mapping
polls with the same role: it adds receive, delete and queue attributes.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from newsingest.storage.keys import RAW_PREFIX, TEXT_PREFIX
from newsingest_tools.local.esm import LocalLambdaContext
from newsingest_tools.local.template import _referenced_ids
from tests.support.world import World

# What Lambda's event source mapping calls with the function's role to poll its queue (AWS documentation).
EVENT_SOURCE_MAPPING_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
# Rights the issue found on the old role; none may come back.
FORBIDDEN = {"s3:PutLifecycleConfiguration", "s3:PutObjectAcl", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket",
             "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Scan", "dynamodb:Query",
             "sqs:PurgeQueue", "sqs:DeleteQueue"}


BUS = "newsingest-test-bus"
EVENTS_OFF, EVENTS_ON = {}, {"EventBusName": BUS}
# botocore names a client's events after the service id; IAM names the actions after the service prefix.
IAM_PREFIX = {"eventbridge": "events"}


def _role_statements(transformed: dict[str, Any], *, publishes_events: bool | None = None) -> list[dict[str, Any]]:
    """The role's statements as granted when events are on (True) or off (False); None: every statement either
    choice may grant."""
    role = transformed["Resources"]["IngestFunctionRole"]["Properties"]
    statements: list[dict[str, Any]] = []
    for policy in role.get("Policies", []):
        found = policy["PolicyDocument"]["Statement"]
        for statement in found if isinstance(found, list) else [found]:
            statements += _granted(statement, publishes_events)
    return statements


def _granted(statement: dict[str, Any], publishes_events: bool | None) -> list[dict[str, Any]]:
    if set(statement) != {"Fn::If"}:
        return [statement]
    condition, when_true, when_false = statement["Fn::If"]
    assert condition == "PublishesEvents", statement
    branches = [when_true, when_false] if publishes_events is None else [when_true if publishes_events else when_false]
    return [branch for branch in branches if branch != {"Ref": "AWS::NoValue"}]


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    actions: set[str] = set()
    for statement in statements:
        value = statement["Action"]
        actions |= set(value if isinstance(value, list) else [value])
    return actions


def _record_calls(world: World) -> set[str]:
    """Hook the function's own clients (S3, DynamoDB, SQS) and return the set the run fills with IAM actions."""
    calls: set[str] = set()
    runtime = world.runtime

    def hook(event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".")
        calls.add(f"{IAM_PREFIX.get(service, service)}:{operation}")

    clients = [runtime.deps.objects._s3, runtime.deps.repository._db, runtime.delayer._sqs]
    if runtime.deps.events is not None:
        clients.append(runtime.deps.events._events)
    for client in clients:
        client.meta.events.register("before-call.*.*", hook)
    return calls


@pytest.mark.parametrize("stack_parameters", [EVENTS_OFF, EVENTS_ON], indirect=True, ids=["events-off", "events-on"])
def test_the_role_grants_exactly_the_calls_the_function_makes(stack_parameters: dict[str, str], world: World,
                                                             transformed: dict[str, Any]) -> None:
    # Given the function's clients recorded (with events on, the named bus exists), and messages for every path
    # that talks to AWS
    publishes_events = "EventBusName" in stack_parameters
    if publishes_events:
        boto3.client("events").create_event_bus(Name=BUS)
    calls = _record_calls(world)
    good = world.origin.url("page/1/coastline_lighthouse.html")
    world.send(good, world.origin.url("missing/1"), "not a url", world.origin.url("status/503?retry_after=120"),
               world.origin.url("status/429?retry_after=7200"))
    # When the event source delivers them, then the good one again (unchanged)
    world.source(retry_visibility_seconds=None).poll_once()
    world.handler(world.event(good, prefix="again"), LocalLambdaContext())

    # Then the role's actions are exactly the calls made, plus the event source mapping's polling
    assert calls >= {"s3:PutObject", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                     "sqs:ChangeMessageVisibility", "sqs:SendMessage"}, calls
    assert ("events:PutEvents" in calls) is publishes_events
    granted = _role_statements(transformed, publishes_events=publishes_events)
    assert _actions(granted) == calls | EVENT_SOURCE_MAPPING_ACTIONS


def test_the_role_names_only_this_stacks_resources_and_no_forbidden_action(transformed: dict[str, Any]) -> None:
    statements = _role_statements(transformed)
    # Then none of the rights the old role had beyond need is granted
    assert not _actions(statements) & FORBIDDEN
    for statement in statements:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        service = {action.split(":")[0] for action in _actions([statement])}
        assert len(service) == 1, statement
        referenced = _referenced_ids(resources)  # the helper the stack uses
        # SQS on its own queue only (not the DLQ, not "*"); DynamoDB on the table, not its indexes; S3 on the two
        # prefixes the code writes; EventBridge on the bus the parameter names
        expected = {"sqs": {"ArticlesQueue"}, "dynamodb": {"ArticlesTable"}, "s3": {"ArticlesBucket"},
                    "events": {"EventBusName"}}[service.pop()]
        if statement.get("Sid") == "ShareHostBudget":
            expected = {"HostBudgetTable"}  # the per-host budget's own table, GetItem/UpdateItem only
        assert referenced == expected, statement
    s3 = next(s for s in statements if _actions([s]) == {"s3:PutObject"})
    prefixes = sorted(r["Fn::Sub"].split("}/", 1)[1] for r in s3["Resource"])
    assert prefixes == sorted([f"{RAW_PREFIX}/*", f"{TEXT_PREFIX}/*"])
    events = next(s for s in statements if _actions([s]) == {"events:PutEvents"})
    assert events["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}"}


def test_events_are_granted_only_when_a_bus_is_named(transformed: dict[str, Any]) -> None:
    # Given the role as granted with the EventBusName parameter empty (the default) and set
    off = _actions(_role_statements(transformed, publishes_events=False))
    on = _actions(_role_statements(transformed, publishes_events=True))
    # Then PutEvents is the one difference, and the condition is "a bus is named"
    assert on - off == {"events:PutEvents"} and off <= on
    assert transformed["Conditions"]["PublishesEvents"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "EventBusName"}, ""]}]}
    assert transformed["Parameters"]["EventBusName"]["Default"] == ""
