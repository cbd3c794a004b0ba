"""newsingest dlq peek and the queue lines of stats, against moto's server."""

from __future__ import annotations

import json

from tests.integration.cli_fixtures import CliStack, run


def _dead_letters(stack: CliStack, bodies: list[str]) -> None:
    sqs = stack.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=stack.outputs.dead_letter_queue_url, MessageBody=body,
                         MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}})


def test_peek_shows_the_dead_letters_and_leaves_them_there(cli_stack: CliStack) -> None:
    # Given three messages in the dead-letter queue, one of them a JSON body
    bodies = ["https://example.com/a", '{"url": "https://example.com/b", "force": true}', "https://example.com/c"]
    _dead_letters(cli_stack, bodies)

    # When peeked at, as a table and as JSON
    table = run("dlq", "peek", *cli_stack.args)
    as_json = run("dlq", "peek", "--json", "--max", "2", *cli_stack.args)

    # Then the table lists all three (a JSON body by its URL), JSON gives at most 2 with their attributes, and
    # every message is still visible on the DLQ, ready for a redrive
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split() == ["SENT", "AGE", "RECEIVES", "BODY"]
    assert "https://example.com/a" in table.stdout and "https://example.com/b (force)" in table.stdout
    assert len(table.stdout.splitlines()) == 2 + 3
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(records) == 2 and set(records[0]) == {"message_id", "body", "receive_count", "sent_at", "attributes"}
    assert records[0]["attributes"] == {"origin": "test"} and records[0]["body"] in bodies
    depth = cli_stack.client("sqs").get_queue_attributes(QueueUrl=cli_stack.outputs.dead_letter_queue_url,
                                                         AttributeNames=["ApproximateNumberOfMessages"])
    assert depth["Attributes"]["ApproximateNumberOfMessages"] == "3"
    assert cli_stack.queue_depth(cli_stack.outputs.dead_letter_queue_url) == 3


def test_stats_shows_the_queue_and_dlq_depths(cli_stack: CliStack) -> None:
    # Given two messages waiting on the queue and one dead letter
    sqs = cli_stack.client("sqs")
    for url in ("https://example.com/1", "https://example.com/2"):
        sqs.send_message(QueueUrl=cli_stack.outputs.queue_url, MessageBody=url)
    _dead_letters(cli_stack, ["https://example.com/dead"])

    # When stats are asked for (the stack names both queues)
    table = run("stats", *cli_stack.args)
    as_json = run("stats", "--json", *cli_stack.args)

    # Then both depths are there, with the dead letter's age
    assert table.exit_code == 0, table.output
    assert "queue: 2 waiting, 0 in flight, 0 delayed" in table.stdout
    assert "dead-letter queue: 1 waiting, 0 in flight, 0 delayed; oldest " in table.stdout
    counts = json.loads(as_json.stdout)
    assert counts["queue"]["visible"] == 2 and counts["dead_letter_queue"]["visible"] == 1
    # the dead letter's age is measured (a number, not the null of a queue with no message); its size is the
    # wall clock's, so only its sign is asserted
    age = counts["dead_letter_queue"]["oldest_age_seconds"]
    assert isinstance(age, int | float) and not isinstance(age, bool) and age >= 0


def test_stats_without_queues_counts_the_table_only(cli_stack: CliStack) -> None:
    result = run("stats", "--table", cli_stack.outputs.table_name, "--endpoint-url", cli_stack.endpoint)
    assert result.exit_code == 0, result.output
    assert "records: 0" in result.stdout and "queue:" not in result.stdout
