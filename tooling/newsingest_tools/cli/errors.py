"""Exit codes and one-line errors with a hint, for every failure a user can fix or retry.

Exit codes (documented in ``newsingest --help`` and docs/cli.md):

* 0: everything asked for was done;
* 1: the command ran but something failed: invalid input lines, messages not sent, records that could not be
  reprocessed, messages left for retry, AWS throttling or service errors;
* 2: usage or configuration: bad arguments, no queue/table/bucket given, unknown stack, a queue/table/bucket that
  does not exist, no credentials or region, access denied. Nothing was done.
"""

from __future__ import annotations

import sys
from typing import IO, Any

import click

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped with Ctrl-C

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 partial failure (some inputs, messages or records failed, or AWS throttled or "
    "errored); 2 usage or configuration error (bad arguments, missing or unknown stack/queue/table/bucket, "
    "no credentials)."
)

THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
    "ProvisionedThroughputExceededException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown",
    "TransactionInProgressException", "LimitExceededException",
})
CREDENTIAL_CODES = frozenset({
    "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "MissingAuthenticationToken", "IncompleteSignature",
})
ACCESS_CODES = frozenset({"AccessDenied", "AccessDeniedException", "AuthorizationError"})
MISSING_QUEUE_CODES = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


class CliError(click.ClickException):
    """A one-line ``error: ...`` with an optional ``hint: ...``, and an exit code (1 or 2)."""

    def __init__(self, message: str, hint: str | None = None, *, exit_code: int = EXIT_PARTIAL) -> None:
        super().__init__(message)
        self.hint = hint
        self.exit_code = exit_code

    def format_message(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", file=file or sys.stderr, err=True)


def usage_error(message: str, hint: str | None = None) -> CliError:
    return CliError(message, hint=hint, exit_code=EXIT_USAGE)


def translate_aws_error(error: Exception, resources: Any = None) -> CliError:
    """Turn a botocore exception into the one-line error a user can act on."""
    from botocore import exceptions as bce

    where = _where(resources)
    if isinstance(error, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        return usage_error(
            "no AWS credentials found",
            "run `aws configure` or `aws sso login`, pass --profile, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(any values work against moto's server)",
        )
    if isinstance(error, bce.ProfileNotFound):
        return usage_error(f"AWS profile {error.kwargs.get('profile')!r} not found",
                           "list them with `aws configure list-profiles`")
    if isinstance(error, bce.NoRegionError):
        return usage_error("no AWS region configured", "pass --region or set AWS_DEFAULT_REGION")
    if isinstance(error, bce.EndpointConnectionError):
        return CliError(f"cannot connect to {error.kwargs.get('endpoint_url')}",
                        "is moto's server running? check --endpoint-url / AWS_ENDPOINT_URL and your network")
    if _is_response_parser_error(error):
        return not_aws(getattr(resources, "endpoint_url", None), "a response that is not AWS's")
    if isinstance(error, bce.ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", ""))
        query_code = str(info.get("QueryErrorCode", ""))
        message = str(info.get("Message", "")).strip()
        operation = getattr(error, "operation_name", "request")
        if _looks_like_a_web_page(message) or (not message and (not code or code.isdigit())):
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or code
            return not_aws(getattr(resources, "endpoint_url", None), f"HTTP {status} and a web page to {operation}")
        if code in THROTTLING_CODES:
            return CliError(f"AWS throttled {operation} ({code}) even after retries{where}",
                            "wait a little and run it again, or lower the request rate (--limit, smaller inputs)")
        if code in CREDENTIAL_CODES:
            return usage_error(f"AWS rejected the credentials ({code}: {message})",
                               "refresh them (`aws sso login`, `aws configure`) or pass --profile")
        if code in ACCESS_CODES:
            return usage_error(f"access denied to {operation}{where}: {message}",
                               "check the IAM permissions of these credentials")
        if code in MISSING_QUEUE_CODES or query_code in MISSING_QUEUE_CODES:
            queue = getattr(resources, "last_queue_url", None) or "the queue"
            return usage_error(f"queue {queue} does not exist{where}",
                               "check --queue-url/--stack, --region and --endpoint-url")
        if code == "ResourceNotFoundException" and operation in _DYNAMODB_OPERATIONS:
            table = getattr(resources, "table_name", None) or "the table"
            return usage_error(f"table {table} does not exist{where}",
                               "check --table/--stack, --region and --endpoint-url")
        if code in ("NoSuchBucket",):
            bucket = getattr(resources, "bucket_name", None) or "the bucket"
            return usage_error(f"bucket {bucket} does not exist{where}",
                               "check --bucket/--stack and --endpoint-url")
        return CliError(f"AWS error in {operation}: {code}: {message}"[:500])
    if isinstance(error, bce.BotoCoreError):
        return CliError(f"AWS client error: {error}")
    return CliError(f"{type(error).__name__}: {error}")


def not_aws(endpoint: str | None, what: str) -> CliError:
    """An endpoint that answers, but not as an AWS service does (a web server, a proxy, a wrong port)."""
    where = f"the endpoint {endpoint}" if endpoint else "AWS"
    return usage_error(f"{where} answered with {what}",
                       "check --endpoint-url / AWS_ENDPOINT_URL: it must be AWS or moto's server"
                       if endpoint else "check --region and your network (a proxy?)")


def _looks_like_a_web_page(message: str) -> bool:
    head = message.lstrip()[:200].lower()
    return head.startswith(("<!doctype", "<html", "<?xml")) or "<title>" in head


def _is_response_parser_error(error: Exception) -> bool:
    from botocore.parsers import ResponseParserError

    return isinstance(error, ResponseParserError)


_DYNAMODB_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "PutItem", "UpdateItem", "DescribeTable"})


def _where(resources: Any) -> str:
    if resources is None:
        return ""
    parts = []
    region = getattr(resources, "region_name", None)
    endpoint = getattr(resources, "endpoint_url", None)
    if region:
        parts.append(f"region {region}")
    if endpoint:
        parts.append(f"endpoint {endpoint}")
    return f" ({', '.join(parts)})" if parts else ""
