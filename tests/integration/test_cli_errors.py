"""One-line errors with a hint, exit codes, resource resolution and --help, against moto's server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from newsingest.storage import ArticleRepository
from newsingest_tools.cli import main
from tests.integration.cli_fixtures import CliStack, run

COMMANDS = ("enqueue", "worker", "query", "get", "extract", "stats", "redrive", "dlq", "reprocess", "sources", "demo",
            "local")


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


# ----------------------------------------------------------------------------- endpoints that are not AWS


@pytest.fixture()
def web_server() -> Iterator[str]:
    """A plain web server on 127.0.0.1 (not AWS): every request gets a 404 HTML page."""

    class NotAws(BaseHTTPRequestHandler):
        def _page(self) -> None:
            body = b"<!DOCTYPE html>\n<html><head><title>Not Found</title></head>\n<body><h1>404</h1></body></html>\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _page

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotAws)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


QUEUE = "https://sqs.us-east-1.amazonaws.com/1/q"
EVERY_AWS_COMMAND = [
    ("query", "--domain", "example.com", "--table", "t"),  # JSON protocol: the HTML page as the error message
    ("stats", "--stack", "s"),  # query protocol (CloudFormation): the HTML page fails XML parsing
    ("stats", "--table", "t"),
    ("enqueue", "https://example.com/a", "--queue-url", QUEUE),
    ("get", "https://example.com/a", "--table", "t", "--bucket", "b"),
    ("worker", "--until-empty", "--queue-url", QUEUE, "--table", "t", "--bucket", "b"),
    ("redrive", "--method", "receive", "--queue-url", QUEUE, "--dlq-url", QUEUE + "-dlq"),
    ("dlq", "peek", "--dlq-url", QUEUE + "-dlq"),
    ("reprocess", "--table", "t", "--bucket", "b"),
]


@pytest.mark.parametrize("endpoint", ["not a url", "ftp://127.0.0.1:5000", "http://"])
@pytest.mark.parametrize("args", EVERY_AWS_COMMAND[::2], ids=lambda args: " ".join(args[:2]))
def test_an_invalid_endpoint_url_is_a_usage_error(endpoint: str, args: tuple[str, ...], no_resource_env: None) -> None:
    # When a command is given an endpoint that is not an http(s) URL
    result = run(*args, "--endpoint-url", endpoint)
    # Then one line says so before any client is built, exit code 2
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: invalid endpoint URL {endpoint!r} (hint: give a URL such as "
                                     "http://127.0.0.1:5000 (--endpoint-url or AWS_ENDPOINT_URL))")


def test_a_region_that_is_no_region_name_is_a_usage_error(moto_endpoint: str, no_resource_env: None) -> None:
    # Given moto's server, which answers an unknown region with a 500 page
    # When the region is misspelt
    result = run("query", "--domain", "example.com", "--table", "t", "--endpoint-url", moto_endpoint,
                 "--region", "mars-1")
    # Then one line names it, exit code 2
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: 'mars-1' is not an AWS region name (hint: pass --region such as "
                                     "us-east-1 or eu-west-1)")


@pytest.mark.parametrize("args", EVERY_AWS_COMMAND, ids=lambda args: " ".join(args[:2]))
def test_an_endpoint_that_is_not_aws_gets_one_line(args: tuple[str, ...], web_server: str,
                                                   no_resource_env: None) -> None:
    # When a command talks to a web server that is not AWS
    result = run(*args, "--endpoint-url", web_server)
    # Then one line says the endpoint is not AWS, no HTML, exit code 2
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: the endpoint {web_server} answered with ")
    assert lines[0].endswith("(hint: check --endpoint-url / AWS_ENDPOINT_URL: it must be AWS or moto's server)")
    assert "<" not in lines[0]


def test_move_task_on_an_endpoint_without_it_suggests_receive(moto_endpoint: str, no_resource_env: None) -> None:
    # Given moto's server, which has no StartMessageMoveTask, and a DLQ holding a message
    import boto3

    sqs = boto3.client("sqs", endpoint_url=moto_endpoint, region_name="us-east-1")
    dlq = sqs.create_queue(QueueName="move-task-dlq")["QueueUrl"]
    queue = sqs.create_queue(QueueName="move-task-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody="https://example.com/a")
    # When redrive is asked for the move task
    result = run("redrive", "--method", "move-task", "--queue-url", queue, "--dlq-url", dlq,
                 "--endpoint-url", moto_endpoint)
    # Then one line says so and suggests the method that works; the message stays where it was
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: this endpoint does not support SQS StartMessageMoveTask (hint: use "
                                     "--method receive (or auto, which falls back by itself))")
    depth = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
    assert depth["Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_a_profile_that_does_not_exist_is_a_usage_error(no_resource_env: None, tmp_path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    result = run("query", "--domain", "example.com", "--table", "t", "--profile", "nope")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: AWS profile 'nope' not found (hint: list them with "
                                     "`aws configure list-profiles`)")


def test_an_unreachable_endpoint_gets_one_line(no_resource_env: None) -> None:
    # Given an endpoint where nothing listens (port 1 on loopback: refused at once)
    result = run("query", "--domain", "example.com", "--table", "t", "--endpoint-url", "http://127.0.0.1:1")
    # Then one line names it with a hint; exit 1 (it may be up on the next try)
    assert result.exit_code == 1
    assert result.stderr.strip() == ('error: cannot connect to http://127.0.0.1:1/ (hint: is moto\'s server '
                                     'running? check --endpoint-url / AWS_ENDPOINT_URL and your network)')
