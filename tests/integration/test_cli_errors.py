"""One-line errors with a hint, exit codes, resource resolution and --help, against moto's server."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from newsingest.cli import main
from newsingest.storage import ArticleRepository
from tests.integration.cli_fixtures import (  # noqa: F401 - fixtures
    CliStack,
    Site,
    cli_stack,
    moto_endpoint,
    run,
    site,
)

COMMANDS = ("enqueue", "worker", "query", "get", "extract", "stats", "redrive", "reprocess", "demo")


@pytest.fixture()
def no_resource_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSINGEST_QUEUE_URL", "NEWSINGEST_DLQ_URL", "ARTICLES_TABLE", "ARTICLES_BUCKET",
                 "NEWSINGEST_STACK", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


def test_no_credentials(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    # Given a machine with no AWS credentials anywhere
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    # When a command needs AWS
    result = run("query", "--domain", "example.com", "--table", "articles", "--endpoint-url", moto_endpoint)

    # Then one line says so, with a hint, and the exit code is 2
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no AWS credentials found (hint: run `aws configure`")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_stack(moto_endpoint: str, no_resource_env: None) -> None:
    result = run("stats", "--stack", "no-such-stack", "--endpoint-url", moto_endpoint)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: stack 'no-such-stack' not found in region us-east-1 at {moto_endpoint} "
        "(hint: check --stack, --region and --profile (`aws cloudformation list-stacks`))")


def test_missing_table(moto_endpoint: str, no_resource_env: None) -> None:
    result = run("query", "--status", "failed", "--table", "no-such-table", "--endpoint-url", moto_endpoint)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: table no-such-table does not exist (region us-east-1, endpoint "
                                    f"{moto_endpoint}) (hint: check --table/--stack")


def test_missing_queue(moto_endpoint: str, no_resource_env: None) -> None:
    queue = "https://sqs.us-east-1.amazonaws.com/123456789012/no-such-queue"
    result = run("enqueue", "https://example.com/a", "--queue-url", queue, "--endpoint-url", moto_endpoint)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: queue {queue} does not exist")
    assert "(hint: check --queue-url/--stack, --region and --endpoint-url)" in result.stderr


def test_no_queue_or_table_given(no_resource_env: None) -> None:
    enqueue = run("enqueue", "https://example.com/a")
    query = run("query", "--domain", "example.com")
    redrive = run("redrive", "--queue-url", "https://q")
    assert (enqueue.exit_code, query.exit_code, redrive.exit_code) == (2, 2, 2)
    assert enqueue.stderr.strip() == ("error: no queue given (hint: pass --queue-url or --stack NAME, or set "
                                      "NEWSINGEST_QUEUE_URL)")
    assert query.stderr.strip() == "error: no table given (hint: pass --table or --stack NAME, or set ARTICLES_TABLE)"
    assert "no dead-letter queue given (hint: pass --dlq-url" in redrive.stderr


def test_throttling(cli_stack: CliStack, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given DynamoDB throttling every query, even after the SDK's retries
    def throttled(*args, **kwargs):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                          "Query")

    monkeypatch.setattr(ArticleRepository, "by_status", throttled)

    # When a query runs
    result = run("query", "--status", "ok", *cli_stack.args)

    # Then one line names the throttling with a hint, exit code 1 (retryable)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: AWS throttled Query (ProvisionedThroughputExceededException) even after "
                                    "retries")
    assert "(hint: wait a little and run it again" in result.stderr


def test_resources_from_environment_and_flags_beat_the_stack(cli_stack: CliStack, monkeypatch) -> None:
    # Given the table and endpoint only in the environment
    monkeypatch.setenv("ARTICLES_TABLE", cli_stack.outputs.table_name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", cli_stack.endpoint)

    # When querying with no flags, and with a stack but an explicit (wrong) table flag
    from_env = run("query", "--status", "ok")
    flag_wins = run("query", "--status", "ok", "--table", "other-table", *cli_stack.args)

    # Then the environment is used, and the flag wins over the stack
    assert from_env.exit_code == 0, from_env.output
    assert "(none)" in from_env.stdout
    assert flag_wins.exit_code == 2 and "table other-table does not exist" in flag_wins.stderr


@pytest.mark.parametrize("args", [
    ("query",),
    ("query", "--domain", "a.com", "--status", "ok"),
    ("query", "--domain", "a.com", "--json", "--csv"),
    ("query", "--domain", "a.com", "--since", "last week"),
    ("query", "--status", "ok", "--until", "2024-01-01"),
    ("query", "--status", "ok", "--reason", "http_404"),
    ("query", "--url", "https://a.com/x", "--since", "2024-01-01"),
    ("query", "--url", "ftp://a.com/x", "--table", "t"),
    ("get", "not a url", "--table", "t", "--bucket", "b"),
    ("query", "--status", "broken"),
    ("worker", "--max-batches", "0"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], no_resource_env: None) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip(), "a usage error says why"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_the_exit_codes(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"newsingest {command}" in result.stdout
    assert "Exit codes: 0 ok; 1 partial failure" in " ".join(result.stdout.split())


def test_top_level_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert all(command in result.stdout for command in COMMANDS)
    assert "2 usage or configuration error" in " ".join(result.stdout.split())
    assert main.name == "main"
