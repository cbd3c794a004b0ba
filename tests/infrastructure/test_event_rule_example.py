"""The example consumer of docs/events.md, as written there: valid CloudFormation, and on moto its rule delivers
exactly the events the function publishes to its queue (and nothing else on the bus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from newsingest.storage.events import ArticleEvents, article_stored_detail
from newsingest.storage.items import ArticleItem
from newsingest_tools.local import stack

from .conftest import MotoAccount

# moto's CloudFormation has no AWS::SQS::QueuePolicy: it skips it with a warning (moto does not check queue policies).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:moto.cloudformation.parsing")

BUS = "newsingest-articles"
ITEM = ArticleItem(article_id="cd" * 32, status="ok", fetched_at="2024-05-14T09:02:11.204Z",
                   version=1_715_673_731_204_817,
                   url="https://coastlinepost.example/news/lighthouse", domain="coastlinepost.example",
                   title="Harbour town votes to keep its last lighthouse keeper", language="en-GB", word_count=131)


def _example(repo_root: Path) -> str:
    """The YAML block between the example-rule markers of docs/events.md."""
    text = (repo_root / "docs" / "events.md").read_text(encoding="utf-8")
    block = text.split("<!-- example-rule:", 1)[1].split("<!-- /example-rule -->", 1)[0]
    return block.split("```yaml\n", 1)[1].rsplit("```", 1)[0]


def _stack_output(account: MotoAccount, stack_name: str, key: str) -> Any:
    outputs = account.cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["Outputs"]
    return next(output["OutputValue"] for output in outputs if output["OutputKey"] == key)


@pytest.fixture
def example_path(repo_root: Path, tmp_path: Path) -> Path:
    path = tmp_path / "article-events.yaml"
    path.write_text(_example(repo_root), encoding="utf-8")
    return path


def test_the_example_passes_cfn_lint_including_informational_checks(example_path: Path) -> None:
    # Given the example as a user copies it / When cfn-lint checks it / Then it reports nothing
    findings = lint(example_path.read_text(encoding="utf-8"),
                    config=ManualArgs(regions=["us-east-1"], include_checks=["I"]))
    assert findings == [], "\n".join(f"{m.rule.id} {m.message} (line {m.linenumber})" for m in findings)


def test_the_example_lets_only_its_rule_send_to_the_queue(example_path: Path) -> None:
    # Given the example's queue policy (moto does not enforce queue policies: checked as written)
    policy = stack.load_template(example_path)["Resources"]["ArticleEventsQueuePolicy"]["Properties"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    # Then EventBridge may send to the queue on behalf of the example's rule, and of nothing else
    assert statement["Principal"] == {"Service": "events.amazonaws.com"} and statement["Action"] == "sqs:SendMessage"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["ArticleStoredRule", "Arn"]}}}


def test_the_example_rule_delivers_what_the_function_publishes(moto_account: MotoAccount, example_path: Path) -> None:
    # Given the bus newsingest publishes to, and the example stack deployed for it
    moto_account.events.create_event_bus(Name=BUS)
    moto_account.cloudformation.create_stack(
        StackName="article-events", TemplateBody=json.dumps(stack.load_template(example_path)),
        Parameters=[{"ParameterKey": "EventBusName", "ParameterValue": BUS}])
    queue_url = _stack_output(moto_account, "article-events", "QueueUrl")

    # When the function's publisher announces an article, and something else is put on the same bus
    ArticleEvents(moto_account.events, BUS).publish(ITEM, "new")
    moto_account.events.put_events(Entries=[{"Source": "someone.else", "DetailType": "ArticleStored",
                                             "Detail": "{}", "EventBusName": BUS}])

    # Then the queue holds exactly the one ArticleStored event, its detail as published
    messages = moto_account.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(message["Body"])["detail"] for message in messages] == [article_stored_detail(ITEM, "new")]
