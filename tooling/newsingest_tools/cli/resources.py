"""Which queue, table and bucket a command works on, and the AWS clients to reach them.

Precedence, per resource: the explicit flag (``--queue-url``, ``--dlq-url``, ``--table``, ``--bucket``), then the
stack's CloudFormation outputs (``--stack NAME`` or ``NEWSINGEST_STACK``), then the environment
(``NEWSINGEST_QUEUE_URL``, ``NEWSINGEST_DLQ_URL``, ``ARTICLES_TABLE``, ``ARTICLES_BUCKET``). The endpoint is
``--endpoint-url`` or ``AWS_ENDPOINT_URL`` (moto's server); ``--region`` and ``--profile`` as with the AWS CLI.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import click

from newsingest_tools.cli.errors import CliError, usage_error

QUEUE_ENV = "NEWSINGEST_QUEUE_URL"
DLQ_ENV = "NEWSINGEST_DLQ_URL"
TABLE_ENV = "ARTICLES_TABLE"
BUCKET_ENV = "ARTICLES_BUCKET"
SOURCES_ENV = "NEWSINGEST_SOURCES_TABLE"
STACK_ENV = "NEWSINGEST_STACK"
ENDPOINT_ENV = "AWS_ENDPOINT_URL"

# AWS region names: partition prefix, geography, number (us-east-1, eu-central-2, us-gov-west-1, cn-north-1,
# us-iso-east-1, ap-southeast-5). A shape check, not a list, so that a region newer than botocore still passes.
_REGION_NAME = re.compile(r"^[a-z]{2}(?:-(?:gov|iso[a-z]?))?-[a-z]+-\d{1,2}$")

# What each resource is called in messages, its flag and its environment variable.
_RESOURCE_FLAGS = {
    "queue_url": ("queue", "--queue-url", QUEUE_ENV),
    "dead_letter_queue_url": ("dead-letter queue", "--dlq-url", DLQ_ENV),
    "table_name": ("table", "--table", TABLE_ENV),
    "bucket_name": ("bucket", "--bucket", BUCKET_ENV),
    "sources_table_name": ("sources table", "--sources-table", SOURCES_ENV),
}


@dataclass
class Resources:
    """Resolved lazily: a command that only needs the table never describes a stack for a queue."""

    stack: str | None = None
    flags: dict[str, str | None] = field(default_factory=dict)
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None
    last_queue_url: str | None = None  # for error messages: the queue the command was talking to
    _session: Any = None
    _clients: Any = None
    _outputs: Any = None

    # ---- AWS clients ----------------------------------------------------------------------------------------
    @property
    def session(self) -> Any:
        if self._session is None:
            import boto3
            from botocore.exceptions import ProfileNotFound

            try:
                self._session = boto3.Session(botocore_session=_botocore_session(), profile_name=self.profile,
                                              region_name=self.region)
            except ProfileNotFound as error:
                raise usage_error(f"AWS profile {self.profile!r} not found",
                                  "list them with `aws configure list-profiles`") from error
        return self._session

    @property
    def region_name(self) -> str | None:
        return self.region or (self._session.region_name if self._session is not None else None)

    @property
    def clients(self) -> Any:
        if self._clients is None:
            from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S, create_clients

            self._clients = create_clients(session=self.session, endpoint_url=self.endpoint_url,
                                           read_timeout=TOOLING_READ_TIMEOUT_S)
        return self._clients

    def client(self, service: str, *, max_attempts: int | None = None) -> Any:
        config = None
        if max_attempts is not None:
            from botocore.config import Config

            config = Config(retries={"mode": "standard", "max_attempts": max_attempts})
        return self.session.client(service, endpoint_url=self.endpoint_url, config=config)

    # ---- names ----------------------------------------------------------------------------------------------
    @property
    def outputs(self) -> Any:
        """The stack's outputs (``StackOutputs``); raises a usage error when the stack is unknown."""
        if self._outputs is None:
            from botocore.exceptions import ClientError

            from newsingest_tools.local.stack import stack_outputs

            assert self.stack
            try:
                self._outputs = stack_outputs(self.client("cloudformation"), self.stack)
            except ClientError as error:
                if "does not exist" in str(error):
                    where = f" in region {self.region_name}" if self.region_name else ""
                    where += f" at {self.endpoint_url}" if self.endpoint_url else ""
                    raise usage_error(
                        f"stack {self.stack!r} not found{where}",
                        "check --stack, --region and --profile (`aws cloudformation list-stacks`)",
                    ) from error
                raise
            except ValueError as error:
                raise usage_error(f"stack {self.stack!r}: {error}", "pass the resources with flags instead") from error
        return self._outputs

    def _resolve(self, attribute: str) -> str:
        explicit = self.flags.get(attribute)
        if explicit:
            return explicit
        if self.stack:
            value = getattr(self.outputs, attribute)
            if value is None:  # a stack deployed before this output existed
                what, flag, _ = _RESOURCE_FLAGS[attribute]
                raise usage_error(f"stack {self.stack!r} has no {what}", f"deploy the current template, or pass {flag}")
            return str(value)
        what, flag, env = _RESOURCE_FLAGS[attribute]
        from_env = os.environ.get(env, "").strip()
        if from_env:
            return from_env
        raise usage_error(f"no {what} given", f"pass {flag} or --stack NAME, or set {env}")

    @property
    def queue_url(self) -> str:
        self.last_queue_url = self._resolve("queue_url")
        return self.last_queue_url

    @property
    def dead_letter_queue_url(self) -> str:
        self.last_queue_url = self._resolve("dead_letter_queue_url")
        return self.last_queue_url

    @property
    def table_name(self) -> str:
        return self._resolve("table_name")

    @property
    def bucket_name(self) -> str:
        return self._resolve("bucket_name")

    @property
    def sources_table_name(self) -> str:
        return self._resolve("sources_table_name")

    def repository(self) -> Any:
        from newsingest.storage import ArticleRepository

        return ArticleRepository(self.clients.dynamodb, self.table_name)

    def objects(self) -> Any:
        from newsingest.storage import ArticleObjects

        return ArticleObjects(self.clients.s3, self.bucket_name)


_SHARED_LOADER: Any = None


def _botocore_session() -> Any:
    """A new botocore session that shares one data loader (the parsed service models) with earlier ones.

    A CLI process usually runs one command, but tests and scripts that call ``main`` many times in one process
    would otherwise parse the S3, DynamoDB and SQS models (megabytes of JSON) again on every call.
    """
    global _SHARED_LOADER
    import botocore.session

    session = botocore.session.get_session()
    if _SHARED_LOADER is None:
        _SHARED_LOADER = session.get_component("data_loader")
    else:
        session.register_component("data_loader", _SHARED_LOADER)
    return session


def aws_options(*, queue: bool = False, dlq: bool = False, table: bool = False, bucket: bool = False,
                sources: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the resource and connection options to a command; the callback receives ``resources=Resources``."""
    wanted = [name for name, on in (("queue_url", queue), ("dead_letter_queue_url", dlq), ("table_name", table),
                                    ("bucket_name", bucket), ("sources_table_name", sources)) if on]

    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            resources = Resources(
                stack=kwargs.pop("stack") or os.environ.get(STACK_ENV) or None,
                flags={name: kwargs.pop(name) for name in wanted},
                endpoint_url=checked_endpoint(kwargs.pop("endpoint_url") or os.environ.get(ENDPOINT_ENV) or None),
                # boto3 reads AWS_DEFAULT_REGION; AWS_REGION (what Lambda and most tools set) is honored too.
                region=checked_region(kwargs.pop("region") or os.environ.get("AWS_REGION") or None),
                profile=kwargs.pop("profile"),
            )
            click.get_current_context().meta["newsingest.resources"] = resources
            return callback(*args, resources=resources, **kwargs)

        options = [
            click.option("--stack", metavar="NAME", help=f"Take resources from this CloudFormation stack's outputs "
                                                           f"(env {STACK_ENV})."),
        ]
        for name in wanted:
            what, flag, env = _RESOURCE_FLAGS[name]
            metavar = "URL" if name.endswith("url") else "NAME"
            options.append(click.option(flag, name, metavar=metavar,
                                        help=f"The {what} (else --stack, else env {env})."))
        options += [
            click.option("--endpoint-url", metavar="URL",
                         help=f"AWS endpoint, e.g. moto's server (env {ENDPOINT_ENV})."),
            click.option("--region", metavar="REGION", help="AWS region (else AWS_REGION / the profile's)."),
            click.option("--profile", metavar="NAME", help="AWS named profile (else AWS_PROFILE)."),
        ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


def checked_endpoint(value: str | None) -> str | None:
    """The endpoint as given, or a usage error before any client is built (botocore would raise ValueError)."""
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise usage_error(f"invalid endpoint URL {value!r}",
                          "give a URL such as http://127.0.0.1:5000 (--endpoint-url or AWS_ENDPOINT_URL)")
    return value.strip()


def checked_region(value: str | None) -> str | None:
    """The region as given, or a usage error: a misspelt region reaches no AWS endpoint, or a wrong moto one."""
    if value is None or _REGION_NAME.match(value):
        return value
    raise usage_error(f"{value!r} is not an AWS region name", "pass --region such as us-east-1 or eu-west-1")


def current_resources() -> Resources | None:
    context = click.get_current_context(silent=True)
    return context.meta.get("newsingest.resources") if context else None


def cli_fetcher(extra_allow_hosts: tuple[str, ...] = ()) -> Any:
    """The pipeline's safe fetcher, with the same ``FETCH_*`` settings, for ``extract`` and ``enqueue``."""
    from newsingest.fetch import Fetcher

    return Fetcher(fetch_options(extra_allow_hosts))


@contextmanager
def fetch_failures_reported_here() -> Iterator[None]:
    """For a command that reports fetch failures itself: the fetcher's own WARNING lines are held back meanwhile.

    The fetcher logs refusals at WARNING for the function's operators; in ``extract`` and ``enqueue`` the command's
    ``error:`` line says the same, so the log line would print every failure twice.
    """
    import logging

    fetch_logger = logging.getLogger("newsingest.fetch")
    previous = fetch_logger.level
    fetch_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        fetch_logger.setLevel(previous)


def fetch_options(extra_allow_hosts: tuple[str, ...] = ()) -> Any:
    """FetchOptions from the same ``FETCH_*`` environment the function reads, plus ``--allow-host`` pairs."""
    from newsingest.fetch import FetchOptions
    from newsingest.settings import Settings, SettingsError

    # Settings.from_env is the one parser of FETCH_*; the bucket/table it also requires are not used here.
    try:
        options = Settings.from_env({**os.environ, "ARTICLES_BUCKET": "-", "ARTICLES_TABLE": "-"}).fetch
        allow = options.allow_hosts | FetchOptions.parse_allow_hosts(",".join(extra_allow_hosts))
    except (SettingsError, ValueError) as error:
        raise usage_error(str(error), "FETCH_ALLOW_HOSTS and --allow-host take exact host:port pairs") from error
    from dataclasses import replace

    return replace(options, allow_hosts=allow)


def fetch_error(error: Exception, url: str) -> CliError:
    reason = getattr(error, "reason", type(error).__name__)
    detail = getattr(error, "detail", str(error))
    hint = None
    if reason in ("blocked_address", "blocked_port"):
        hint = "local test servers must be allowed with --allow-host HOST:PORT or FETCH_ALLOW_HOSTS"
    return CliError(f"could not fetch {url}: {reason}: {detail}", hint=hint)
