"""The stack created from template.yaml in moto's CloudFormation: what make demo and every moto test run on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from newsingest_tools.local import stack
from newsingest_tools.local.env import offline_session_kwargs

from .conftest import MotoAccount

# moto re-parses the stack's template on some reads and warns about the types it skips (the alarm, applied by
# deploy_local_stack through CloudWatch's API instead).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:moto.cloudformation.parsing")


def _queue_attributes(account: MotoAccount, url: str) -> dict[str, str]:
    return account.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


# ------------------------------------------------------------------------------------------------- queues


def test_queue_redrives_to_the_dead_letter_queue_with_the_templates_receive_count(deployed: Any,
                                                                                  sam_template: dict[str, Any]) -> None:
    # Given the stack created from the template
    account, outputs = deployed
    settings = stack.template_queue_settings(sam_template)
    # When the queues' attributes are read back from SQS
    queue = _queue_attributes(account, outputs.queue_url)
    dead_letter = _queue_attributes(account, outputs.dead_letter_queue_url)
    # Then the main queue redrives to the DLQ after maxReceiveCount receives
    assert json.loads(queue["RedrivePolicy"]) == {"deadLetterTargetArn": outputs.dead_letter_queue_arn,
                                                  "maxReceiveCount": 5}
    assert settings.max_receive_count == 5
    assert dead_letter["QueueArn"] == outputs.dead_letter_queue_arn
    # And both are encrypted, with the template's timeouts and retention
    assert queue["SqsManagedSseEnabled"] == dead_letter["SqsManagedSseEnabled"] == "true"
    assert int(queue["VisibilityTimeout"]) == settings.visibility_timeout
    assert int(dead_letter["MessageRetentionPeriod"]) == 1_209_600


def test_created_visibility_timeout_covers_the_function_timeout_and_batching_window(
        deployed: Any, transformed: dict[str, Any]) -> None:
    # Given the created queue and the function/event source from the transformed template
    account, outputs = deployed
    visibility = int(_queue_attributes(account, outputs.queue_url)["VisibilityTimeout"])
    function = transformed["Resources"][stack.FUNCTION_LOGICAL_ID]["Properties"]
    (mapping,) = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    window = transformed["Parameters"][mapping["Properties"]["MaximumBatchingWindowInSeconds"]["Ref"]]
    # Then AWS's rule holds even for the longest window the parameter allows
    assert visibility >= 6 * function["Timeout"] + window["MaxValue"]


def test_a_message_received_five_times_lands_in_the_dead_letter_queue(deployed: Any) -> None:
    # Given a message that is never deleted (a consumer that keeps failing)
    account, outputs = deployed
    account.sqs.send_message(QueueUrl=outputs.queue_url, MessageBody="https://example.com/a")
    # When it is received maxReceiveCount times, each time made visible again at once
    for _ in range(5):
        (message,) = account.sqs.receive_message(QueueUrl=outputs.queue_url, MaxNumberOfMessages=1,
                                                 WaitTimeSeconds=0)["Messages"]
        account.sqs.change_message_visibility(
            QueueUrl=outputs.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    # Then the next receive moves it to the DLQ instead of delivering it
    assert account.sqs.receive_message(QueueUrl=outputs.queue_url, MaxNumberOfMessages=1,
                                       WaitTimeSeconds=0).get("Messages", []) == []
    (dead,) = account.sqs.receive_message(QueueUrl=outputs.dead_letter_queue_url, MaxNumberOfMessages=1,
                                          WaitTimeSeconds=0)["Messages"]
    assert dead["Body"] == "https://example.com/a"


# ------------------------------------------------------------------------------------------------- bucket


def test_bucket_is_encrypted_versioned_private_and_expires_old_versions(deployed: Any) -> None:
    account, outputs = deployed
    bucket = outputs.bucket_name
    (rule,) = account.s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert account.s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = account.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {name: True for name in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                             "RestrictPublicBuckets")}
    rules = account.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
               for r in rules if r["Status"] == "Enabled")


def test_bucket_policy_denies_every_request_without_tls(transformed: dict[str, Any]) -> None:
    # Given the bucket policy in the transformed template (moto ignores policy Conditions, so it is checked here)
    policy = transformed["Resources"]["ArticlesBucketPolicy"]["Properties"]
    # Then it is attached to the articles bucket
    assert policy["Bucket"] == {"Ref": "ArticlesBucket"}
    # And one statement denies all S3 actions on the bucket and its objects when aws:SecureTransport is false
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*" and statement["Action"] == "s3:*"
    assert statement["Resource"] == [{"Fn::GetAtt": ["ArticlesBucket", "Arn"]}, {"Fn::Sub": "${ArticlesBucket.Arn}/*"}]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_local_stack_has_no_bucket_policy_because_moto_would_deny_everything(deployed: Any) -> None:
    # Given the local stack: moto enforces Deny statements but not their Conditions, so the TLS-only policy
    # would deny every request; the local stack leaves it out on purpose
    account, outputs = deployed
    assert "AWS::S3::BucketPolicy" in stack.EXCLUDED_LOCAL_RESOURCE_TYPES
    with pytest.raises(account.s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        account.s3.get_bucket_policy(Bucket=outputs.bucket_name)
    # Then the handler can write to the bucket
    account.s3.put_object(Bucket=outputs.bucket_name, Key="probe", Body=b"x")


def test_bucket_keeps_every_version_of_an_overwritten_object(deployed: Any) -> None:
    # Given the versioned bucket
    account, outputs = deployed
    # When one key is written twice (a re-ingest with new content)
    for body in (b"first", b"second"):
        account.s3.put_object(Bucket=outputs.bucket_name, Key="text/example.com/a.txt", Body=body)
    # Then both versions exist and the latest is current
    versions = account.s3.list_object_versions(Bucket=outputs.bucket_name)["Versions"]
    assert len(versions) == 2
    assert account.s3.get_object(Bucket=outputs.bucket_name, Key="text/example.com/a.txt")["Body"].read() == b"second"


# -------------------------------------------------------------------------------------------------- table


def test_table_has_the_templates_keys_and_both_indexes_with_their_projections(deployed: Any,
                                                                              sam_template: dict[str, Any]) -> None:
    # Given the table created in moto and the schema the template declares
    account, outputs = deployed
    table = account.dynamodb.describe_table(TableName=outputs.table_name)["Table"]
    schema = stack.template_table_schema(sam_template)
    # Then keys, billing and indexes are the template's
    assert table["KeySchema"] == schema.key_schema
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    created = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(created) == {"by-domain", "by-status"}
    for declared in schema.global_secondary_indexes:
        index = created[declared["IndexName"]]
        assert index["KeySchema"] == declared["KeySchema"]
        assert index["Projection"] == declared["Projection"]
    assert created["by-domain"]["KeySchema"][0]["AttributeName"] == "domain"
    assert created["by-status"]["Projection"]["ProjectionType"] == "INCLUDE"


def test_table_has_point_in_time_recovery(deployed: Any) -> None:
    account, outputs = deployed
    backups = account.dynamodb.describe_continuous_backups(TableName=outputs.table_name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_an_item_is_queryable_through_both_indexes(deployed: Any) -> None:
    # Given an article item with the attributes of the storage contract
    account, outputs = deployed
    item = {
        "article_id": {"S": "a" * 64},
        "url": {"S": "https://example.com/a"},
        "domain": {"S": "example.com"},
        "status": {"S": "ok"},
        "published_at": {"S": "2026-11-27T10:00:00+00:00"},
        "fetched_at": {"S": "2026-11-28T03:00:00+00:00"},
        "title": {"S": "A"},
        "word_count": {"N": "120"},
    }
    failure = {"article_id": {"S": "b" * 64}, "url": {"S": "https://example.com/b"}, "domain": {"S": "example.com"},
               "status": {"S": "failed"}, "reason": {"S": "http_404"}, "fetched_at": {"S": "2026-11-28T03:00:00+00:00"}}
    account.dynamodb.put_item(TableName=outputs.table_name, Item=item)
    account.dynamodb.put_item(TableName=outputs.table_name, Item=failure)
    # When they are queried by domain and by failure reason
    by_domain = account.dynamodb.query(
        TableName=outputs.table_name,
        IndexName="by-domain",
        KeyConditionExpression="#d = :d AND published_at >= :since",
        ExpressionAttributeNames={"#d": "domain"},
        ExpressionAttributeValues={":d": {"S": "example.com"}, ":since": {"S": "2026-11-01"}},
    )["Items"]
    by_status = account.dynamodb.query(
        TableName=outputs.table_name,
        IndexName="by-status",
        KeyConditionExpression="#r = :r",
        ExpressionAttributeNames={"#r": "reason"},
        ExpressionAttributeValues={":r": {"S": "http_404"}},
    )["Items"]
    # Then by-domain returns the whole article and by-status the failure's projected attributes
    assert by_domain == [item]
    assert by_status[0]["url"] == failure["url"] and by_status[0]["article_id"] == failure["article_id"]
    # and by-status is sparse: the ok item is not in it at all (its writes never touch the index)
    indexed = account.dynamodb.scan(TableName=outputs.table_name, IndexName="by-status")["Items"]
    assert [i["article_id"] for i in indexed] == [failure["article_id"]]


def test_schema_accessor_creates_an_identical_table_without_cloudformation(moto_account: MotoAccount,
                                                                           sam_template: dict[str, Any]) -> None:
    # Given the template's table schema
    schema = stack.template_table_schema(sam_template)
    # When a unit-test fixture creates a table straight from it
    moto_account.dynamodb.create_table(**schema.create_table_kwargs("articles"))
    # Then it has the template's keys and indexes
    table = moto_account.dynamodb.describe_table(TableName="articles")["Table"]
    assert table["KeySchema"] == schema.key_schema
    assert sorted(i["IndexName"] for i in table["GlobalSecondaryIndexes"]) == ["by-domain", "by-status"]


# ------------------------------------------------------------------------------------- alarm and outputs


def test_dead_letter_alarm_watches_the_dead_letter_queue(deployed: Any) -> None:
    account, outputs = deployed
    (alarm,) = account.cloudwatch.describe_alarms()["MetricAlarms"]
    assert alarm["Namespace"] == "AWS/SQS" and alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": outputs.dead_letter_queue_url.rsplit("/", 1)[-1]}]
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0
    assert alarm["AlarmActions"] == []


def test_alarm_notifies_the_topic_given_as_parameter(moto_account: MotoAccount) -> None:
    # Given an SNS topic for operators
    topic = moto_account.sns.create_topic(Name="ops")["TopicArn"]
    # When the stack is created with it
    stack.deploy_local_stack(moto_account.cloudformation, parameters={"AlarmTopicArn": topic})
    # Then the DLQ alarm notifies it on alarm and on recovery
    (alarm,) = moto_account.cloudwatch.describe_alarms()["MetricAlarms"]
    assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]


def test_outputs_name_every_resource_the_cli_needs(deployed: Any) -> None:
    account, outputs = deployed
    assert outputs.queue_url.endswith(outputs.queue_arn.rsplit(":", 1)[-1])
    assert outputs.dead_letter_queue_url.endswith(outputs.dead_letter_queue_arn.rsplit(":", 1)[-1])
    account.s3.head_bucket(Bucket=outputs.bucket_name)
    account.dynamodb.describe_table(TableName=outputs.table_name)
    assert outputs.function_name is None  # the local stack has no function: the handler runs in-process
    assert outputs.environment() == {"ARTICLES_BUCKET": outputs.bucket_name, "ARTICLES_TABLE": outputs.table_name}


def test_local_stack_leaves_out_the_function_and_everything_attached_to_it(deployed: Any) -> None:
    # Given the created stack
    account, _ = deployed
    summaries = account.cloudformation.list_stack_resources(
        StackName=stack.DEFAULT_STACK_NAME)["StackResourceSummaries"]
    types = {s["ResourceType"] for s in summaries if s["ResourceType"]}
    # Then it holds the queues, bucket and table, and no Lambda function, mapping or role
    assert {"AWS::SQS::Queue", "AWS::S3::Bucket", "AWS::DynamoDB::Table"} <= types
    assert not types & stack.EXCLUDED_LOCAL_RESOURCE_TYPES
    assert account.lambda_.list_functions()["Functions"] == []
    assert account.lambda_.list_event_source_mappings()["EventSourceMappings"] == []


def test_local_template_drops_what_references_the_function(transformed: dict[str, Any]) -> None:
    # When the transformed template is reduced to what runs locally
    local = stack.local_template(transformed)
    # Then the log group and the FunctionName output went with the function; the storage and alarm stayed
    assert "IngestFunctionLogGroup" not in local["Resources"] and "FunctionName" not in local["Outputs"]
    assert set(local["Resources"]) == {"ArticlesQueue", "ArticlesDeadLetterQueue", "ArticlesBucket", "ArticlesTable",
                                       "DeadLetterQueueAlarm", "SourcesTable", "HostBudgetTable"}
    # And the poll function, its roles, its schedule and its log group went too (the schedule names the function)
    assert not {name for name in local["Resources"] if name.startswith("PollFunction")}
    assert "PollFunctionName" not in local["Outputs"] and "SourcesTableName" in local["Outputs"]
    assert set(local["Outputs"]) == set(transformed["Outputs"]) - {"FunctionName", "PollFunctionName"}


# ------------------------------------------------------------------------------------------ deploy itself


def test_deploying_twice_returns_the_existing_stack(deployed: Any) -> None:
    account, outputs = deployed
    assert stack.deploy_local_stack(account.cloudformation) == outputs


def test_two_stacks_in_one_account_are_independent(moto_account: MotoAccount) -> None:
    first = stack.deploy_local_stack(moto_account.cloudformation, "one")
    second = stack.deploy_local_stack(moto_account.cloudformation, "two")
    assert first.queue_url != second.queue_url and first.table_name != second.table_name
    assert first.bucket_name != second.bucket_name


def test_naming_an_event_bus_deploys_the_same_local_stack_and_reaches_the_function(moto_account: MotoAccount) -> None:
    # When the stack is created with events off (the default) and, beside it, with a bus named
    default = stack.deploy_local_stack(moto_account.cloudformation, "events-off")
    named = stack.deploy_local_stack(moto_account.cloudformation, "events-on", parameters={"EventBusName": "default"})

    # Then both hold the same resources (the bus is an existing one, and the grant lives on the role, which runs on AWS
    # only), and only the function's environment tells them apart
    def resource_types(name: str) -> list[tuple[str, str]]:
        summaries = moto_account.cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
        return sorted((s["LogicalResourceId"], s["ResourceType"]) for s in summaries)

    assert resource_types("events-off") == resource_types("events-on")
    assert stack.function_environment(default)["EVENT_BUS_NAME"] == ""
    environment = stack.function_environment(named, parameters={"EventBusName": "default"})
    assert environment["EVENT_BUS_NAME"] == "default"


def test_unknown_parameters_are_refused(moto_account: MotoAccount) -> None:
    with pytest.raises(ValueError, match="NoSuchParameter"):
        stack.deploy_local_stack(moto_account.cloudformation, parameters={"NoSuchParameter": "x"})


def test_deploys_through_motos_server_with_explicit_credentials_only() -> None:
    # Given moto's server on a free local port and a session with nothing but dummy keys
    with stack.moto_server() as endpoint_url:
        session = boto3.Session(**offline_session_kwargs(region="eu-west-1"))
        cloudformation = session.client("cloudformation", endpoint_url=endpoint_url)
        # When the stack is deployed there
        outputs = stack.deploy_local_stack(cloudformation, "server-stack")
        # Then its resources are reachable through the same endpoint, in the client's region
        sqs = session.client("sqs", endpoint_url=endpoint_url)
        assert ":eu-west-1:" in outputs.queue_arn
        assert sqs.get_queue_attributes(QueueUrl=outputs.queue_url,
                                        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"] == outputs.queue_arn
        s3 = session.client("s3", endpoint_url=endpoint_url)
        assert s3.get_bucket_versioning(Bucket=outputs.bucket_name)["Status"] == "Enabled"
        assert stack.stack_outputs(cloudformation, "server-stack") == outputs


# ----------------------------------------------------------------------------------- outputs and templates


def test_stack_outputs_from_cloudformation_outputs() -> None:
    outputs = stack.StackOutputs.from_outputs(
        [
            {"OutputKey": "QueueUrl", "OutputValue": "https://q"},
            {"OutputKey": "QueueArn", "OutputValue": "arn:aws:sqs:us-east-1:1:q"},
            {"OutputKey": "DeadLetterQueueUrl", "OutputValue": "https://dlq"},
            {"OutputKey": "BucketName", "OutputValue": "b"},
            {"OutputKey": "TableName", "OutputValue": "t"},
            {"OutputKey": "FunctionName", "OutputValue": "f"},
            {"OutputKey": "SomethingElse", "OutputValue": "ignored"},
        ]
    )
    assert outputs == stack.StackOutputs("https://q", "arn:aws:sqs:us-east-1:1:q", "https://dlq", "b", "t",
                                         function_name="f")


def test_stack_outputs_name_what_a_foreign_stack_lacks() -> None:
    with pytest.raises(ValueError, match="BucketName, QueueArn"):
        stack.StackOutputs.from_outputs(
            [
                {"OutputKey": "QueueUrl", "OutputValue": "https://q"},
                {"OutputKey": "DeadLetterQueueUrl", "OutputValue": "https://dlq"},
                {"OutputKey": "TableName", "OutputValue": "t"},
            ]
        )


def test_find_template_prefers_the_environment_then_walks_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             template_path: Path) -> None:
    # Given a directory tree with its own template.yaml above the working directory
    (tmp_path / "template.yaml").write_text("Resources: {}\n", encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    # Then walking up from there finds it
    assert stack.find_template(nested) == (tmp_path / "template.yaml").resolve()
    # And NEWSINGEST_TEMPLATE overrides the search
    monkeypatch.setenv(stack.TEMPLATE_ENV_VAR, str(template_path))
    assert stack.find_template(nested) == template_path.resolve()
    # And from anywhere else the repository's template is found through the package's location
    monkeypatch.delenv(stack.TEMPLATE_ENV_VAR)
    monkeypatch.chdir(Path("/"))
    assert stack.find_template() == template_path.resolve()


def test_an_unset_template_override_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(stack.TEMPLATE_ENV_VAR, str(tmp_path / "missing.yaml"))
    with pytest.raises(FileNotFoundError, match="NEWSINGEST_TEMPLATE"):
        stack.find_template()


def test_short_form_intrinsics_are_read_without_touching_yamls_safe_loader(tmp_path: Path) -> None:
    import yaml

    # Given a template written with short-form tags
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  X:\n    Type: T\n    Properties:\n"
                    "      A: !GetAtt Y.Arn\n      B: !Sub '${Y}'\n      C: !Ref Z\n", encoding="utf-8")
    # When it is loaded
    document = stack.load_template(path)
    # Then the tags are their long forms
    assert document["Resources"]["X"]["Properties"] == {"A": {"Fn::GetAtt": ["Y", "Arn"]}, "B": {"Fn::Sub": "${Y}"},
                                                        "C": {"Ref": "Z"}}
    # And PyYAML's global SafeLoader still rejects them
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load("a: !Ref b")


def test_the_transform_uses_the_partition_of_the_region() -> None:
    # When the template is transformed for a China region (offline, from the bundled managed-policy map)
    transformed = stack.transform_template(region="cn-north-1")
    # Then the role's managed policies follow the partition (the template spells them with ${AWS::Partition}, which
    # CloudFormation resolves to aws-cn there), and the template's partition-aware ARNs survive the transform
    role = transformed["Resources"][f"{stack.FUNCTION_LOGICAL_ID}Role"]
    arns = role["Properties"]["ManagedPolicyArns"]
    assert arns and all(arn["Fn::Sub"].startswith("arn:${AWS::Partition}:iam::aws:policy/") for arn in arns)


def test_a_resource_moto_cannot_create_fails_the_local_deploy(moto_account: MotoAccount, sam_template: dict[str, Any],
                                                              tmp_path: Path) -> None:
    # Given a template with a resource type moto's CloudFormation does not implement
    sam_template["Resources"]["BacklogAndDeadLetters"] = {
        "Type": "AWS::CloudWatch::CompositeAlarm",
        "Properties": {"AlarmRule": {"Fn::Sub": "ALARM(${DeadLetterQueueAlarm})"}},
    }
    path = tmp_path / "template.yaml"
    path.write_text(json.dumps(sam_template), encoding="utf-8")
    # When the local stack is deployed from it
    # Then the deploy says what is missing instead of running without it
    with pytest.raises(stack.StackDeployError, match=r"BacklogAndDeadLetters \(AWS::CloudWatch::CompositeAlarm\)"):
        stack.deploy_local_stack(moto_account.cloudformation, template_path=path)
