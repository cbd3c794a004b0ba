"""newsingest redrive: forced failures reach the DLQ through the worker; redrive moves them back."""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from newsingest_tools.redrive import redrive
from tests.integration.cli_fixtures import ARTICLE_PAGES, CliStack, Site, run


def _fail_into_dlq(cli_stack: CliStack, site: Site, pages: list[str]) -> None:
    """Given-step: the pages answer 503 (transient), so the worker retries them into the dead-letter queue."""
    for page in pages:
        site.add(page, "<h1>busy</h1>", "text/html", status=503)
    assert run("enqueue", *[site.url(page) for page in pages], *cli_stack.args).exit_code == 0
    worked = run("worker", "--until-empty", "--retry-visibility", "0", *cli_stack.args)
    assert worked.exit_code == 1, worked.output  # messages were left for retry
    assert cli_stack.queue_depth() == 0
    assert cli_stack.queue_depth(cli_stack.outputs.dead_letter_queue_url) == len(pages)


def test_redrive_after_forced_failures_then_the_worker_stores_them(cli_stack: CliStack, site: Site) -> None:
    # Given two pages that failed five times and sit in the DLQ
    pages = ["busy-1.html", "busy-2.html"]
    _fail_into_dlq(cli_stack, site, pages)

    # When the site recovers and the DLQ is redriven (auto: moto has no message-move task, so receive/send/delete)
    from newsingest_tools.local.origin import sample_pages

    for page, sample in zip(pages, ARTICLE_PAGES, strict=False):  # two pages, the first two samples
        site.add(page, sample_pages()[sample], "text/html; charset=utf-8")
    moved = run("redrive", "--wait-seconds", "0", *cli_stack.args)

    # Then both messages are back on the queue, the DLQ is empty, and the worker stores the articles
    assert moved.exit_code == 0, moved.output
    assert "redrive (receive/send/delete): 2 message(s) moved, 0 failed" in moved.stdout
    assert cli_stack.queue_depth(cli_stack.outputs.dead_letter_queue_url) == 0
    assert sorted(cli_stack.bodies()) == sorted(site.url(page) for page in pages)
    assert run("worker", "--until-empty", *cli_stack.args).exit_code == 0
    statuses = {item.url: item.status for item in cli_stack.repository().scan()}
    assert statuses == {site.url(page): "ok" for page in pages}


def test_redrive_max_messages_moves_only_that_many(cli_stack: CliStack, site: Site) -> None:
    # Given three messages in the DLQ
    _fail_into_dlq(cli_stack, site, ["b1.html", "b2.html", "b3.html"])

    # When at most two are redriven
    moved = run("redrive", "--method", "receive", "--max-messages", "2", "--wait-seconds", "0", *cli_stack.args)

    # Then two moved and one is still in the DLQ
    assert moved.exit_code == 0, moved.output
    assert "2 message(s) moved" in moved.stdout
    assert cli_stack.queue_depth() == 2
    assert cli_stack.queue_depth(cli_stack.outputs.dead_letter_queue_url) == 1


def test_empty_dlq_moves_nothing(cli_stack: CliStack) -> None:
    moved = run("redrive", "--method", "receive", "--wait-seconds", "0", *cli_stack.args)
    assert moved.exit_code == 0, moved.output
    assert "0 message(s) moved, 0 failed" in moved.stdout


def test_move_task_is_used_where_the_endpoint_supports_it() -> None:
    # Given an SQS endpoint that implements StartMessageMoveTask (stubbed: moto does not)
    sqs = boto3.client("sqs", region_name="us-east-1")
    dlq, queue = "https://sqs.us-east-1.amazonaws.com/1/dlq", "https://sqs.us-east-1.amazonaws.com/1/q"
    with Stubber(sqs) as stub:
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:1:dlq"}})
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:1:q"}})
        stub.add_response("start_message_move_task", {"TaskHandle": "h-1"},
                          {"SourceArn": "arn:aws:sqs:us-east-1:1:dlq", "DestinationArn": "arn:aws:sqs:us-east-1:1:q"})
        stub.add_response("list_message_move_tasks", {"Results": [
            {"TaskHandle": "h-1", "Status": "RUNNING", "ApproximateNumberOfMessagesMoved": 3,
             "ApproximateNumberOfMessagesToMove": 7}]})
        stub.add_response("list_message_move_tasks", {"Results": [
            {"TaskHandle": "h-1", "Status": "COMPLETED", "ApproximateNumberOfMessagesMoved": 7}]})

        # When redriven with wait
        report = redrive(sqs, dlq, queue, wait=True, sleep=lambda _: None)

    # Then the task ran to completion and its count is reported
    assert (report.method, report.task_status, report.moved, report.ok) == ("move-task", "COMPLETED", 7, True)


def test_move_task_failure_is_reported() -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    with Stubber(sqs) as stub:
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:1:dlq"}})
        stub.add_response("get_queue_attributes", {"Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:1:q"}})
        stub.add_response("start_message_move_task", {"TaskHandle": "h-2"})
        stub.add_response("list_message_move_tasks", {"Results": [
            {"TaskHandle": "h-2", "Status": "FAILED", "FailureReason": "AccessDenied",
             "ApproximateNumberOfMessagesMoved": 0}]})
        report = redrive(sqs, "https://q/dlq", "https://q/q", method="move-task", wait=True, sleep=lambda _: None)
    assert report.errors == ["AccessDenied"] and not report.ok
