"""Settings: read from the environment once, validated, immutable.

Every tunable the function reads is here, with its environment variable, default and check; the README's
configuration table mirrors ``ENVIRONMENT_VARIABLES``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsingest.fetch import FetchOptions


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    articles_bucket: str
    articles_table: str
    fetch: FetchOptions = field(default_factory=FetchOptions)
    # Messages of one batch processed at once (threads, so their fetches overlap); the per-host limit lives in
    # FetchOptions.
    # 5: a batch of 10 is fetched in two overlapping waves, while at most 5 page bodies of up to FETCH_MAX_BYTES are
    # held at once: the measured worst case (10 MB pages) stays inside the function's 256 MB (docs/performance.md).
    batch_concurrency: int = 5
    # Extractions running at once: they are CPU-bound (the GIL and 0.145 of a vCPU at 256 MB gain nothing from
    # more) and each holds a parsed page, so this bounds memory while fetches still overlap.
    extract_concurrency: int = 1
    # Below this much remaining invocation time a message is not started but reported for retry.
    min_remaining_ms: int = 15_000
    # The batch stops waiting for its records this long before the invocation's end (unfinished ones are retried):
    # time to build the response and flush the metrics, so the function itself never times out.
    deadline_margin_ms: int = 3_000
    # The fleet-wide per-host budget (storage/host_budget.py): the table shared by every function (None: off, only
    # the per-environment limits apply), requests per second and burst per host, and the longest a request waits
    # in-process for its slot before its message is re-sent with the delay instead.
    host_budget_table: str | None = None
    host_rate: float = 1.0
    host_burst: int = 3
    host_max_wait_s: float = 10.0
    # The EventBridge bus that receives an ArticleStored event per stored article (new or changed); None: no events.
    event_bus_name: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = FetchOptions()
        host_rate = _number(env, "HOST_REQUESTS_PER_SECOND", cls.host_rate, allow_zero=True)  # 0: budget off
        fetch = FetchOptions(
            user_agent=_text(env, "FETCH_USER_AGENT", defaults.user_agent),
            connect_timeout=_number(env, "FETCH_CONNECT_TIMEOUT", defaults.connect_timeout),
            read_timeout=_number(env, "FETCH_READ_TIMEOUT", defaults.read_timeout),
            total_timeout=_number(env, "FETCH_TOTAL_TIMEOUT", defaults.total_timeout),
            max_body_bytes=_integer(env, "FETCH_MAX_BYTES", defaults.max_body_bytes),
            max_decompressed_bytes=_integer(env, "FETCH_MAX_DECOMPRESSED_BYTES", defaults.max_decompressed_bytes),
            max_redirects=_integer(env, "FETCH_MAX_REDIRECTS", defaults.max_redirects, minimum=0),
            allowed_ports=_ports(env, "FETCH_ALLOWED_PORTS", defaults.allowed_ports),
            allow_hosts=_host_ports(env, "FETCH_ALLOW_HOSTS"),
            respect_robots=_flag(env, "FETCH_RESPECT_ROBOTS", defaults.respect_robots),
            robots_ttl=_number(env, "FETCH_ROBOTS_TTL", defaults.robots_ttl),
            per_host_concurrency=_integer(env, "FETCH_PER_HOST_CONCURRENCY", defaults.per_host_concurrency),
        )
        return cls(
            articles_bucket=_required(env, "ARTICLES_BUCKET"),
            articles_table=_required(env, "ARTICLES_TABLE"),
            fetch=fetch,
            batch_concurrency=_integer(env, "BATCH_CONCURRENCY", cls.batch_concurrency),
            extract_concurrency=_integer(env, "EXTRACT_CONCURRENCY", cls.extract_concurrency),
            min_remaining_ms=_integer(env, "MIN_REMAINING_MS", cls.min_remaining_ms, minimum=0),
            deadline_margin_ms=_integer(env, "DEADLINE_MARGIN_MS", cls.deadline_margin_ms, minimum=0),
            host_budget_table=(env.get("HOST_BUDGET_TABLE", "").strip() or None) if host_rate else None,
            host_rate=host_rate or cls.host_rate,
            host_burst=_integer(env, "HOST_BURST", cls.host_burst),
            host_max_wait_s=_number(env, "HOST_MAX_WAIT_S", cls.host_max_wait_s),
            event_bus_name=_bus_name(env, "EVENT_BUS_NAME"),
        )


# name → (default shown in docs, meaning); the README's configuration table is generated from the same facts.
ENVIRONMENT_VARIABLES: dict[str, tuple[str, str]] = {
    "ARTICLES_BUCKET": ("(required)", "S3 bucket for cleaned text and raw HTML"),
    "ARTICLES_TABLE": ("(required)", "DynamoDB table of article records"),
    "FETCH_ALLOW_HOSTS": ("empty", "comma-separated host:port pairs fetchable although not public (tests, demo)"),
    "FETCH_USER_AGENT": ("newsingest/<version> (+contact URL)", "User-Agent sent with every request"),
    "FETCH_CONNECT_TIMEOUT": ("3", "seconds to connect"),
    "FETCH_READ_TIMEOUT": ("10", "seconds between bytes"),
    "FETCH_TOTAL_TIMEOUT": ("20", "seconds for a whole fetch, redirects included"),
    "FETCH_MAX_BYTES": ("10485760", "largest body accepted (bytes, on the wire)"),
    "FETCH_MAX_DECOMPRESSED_BYTES": ("10485760", "largest body after gzip/deflate"),
    "FETCH_MAX_REDIRECTS": ("5", "redirect hops followed"),
    "FETCH_ALLOWED_PORTS": ("80,443", "ports URLs may use"),
    "FETCH_RESPECT_ROBOTS": ("true", "honor robots.txt"),
    "FETCH_ROBOTS_TTL": ("3600", "seconds a host's robots.txt is cached"),
    "FETCH_PER_HOST_CONCURRENCY": ("6", "simultaneous requests to one host (as a browser)"),
    "BATCH_CONCURRENCY": ("5", "messages of a batch processed at once (their fetches overlap)"),
    "EXTRACT_CONCURRENCY": ("1", "extractions running at once (CPU-bound; bounds memory)"),
    "MIN_REMAINING_MS": ("15000", "below this remaining time, messages are left for retry instead of started"),
    "DEADLINE_MARGIN_MS": ("3000", "the batch stops waiting this long before the invocation ends; unfinished "
                                   "messages are retried"),
    "HOST_BUDGET_TABLE": ("empty (off)", "DynamoDB table of the fleet-wide per-host request budget"),
    "HOST_REQUESTS_PER_SECOND": ("1", "requests per second to one host, across all functions (0: budget off)"),
    "HOST_BURST": ("3", "requests to one host that may start at once after a quiet spell"),
    "HOST_MAX_WAIT_S": ("10", "longest in-process wait for a host's slot; beyond it the message is re-sent delayed"),
    "EVENT_BUS_NAME": ("empty", "EventBridge bus that gets an ArticleStored event per stored article (new or "
                                "changed); empty: no events"),
}

# EventBridge's rule for bus names (CreateEventBus), or the ARN of a bus.
_BUS_NAME = re.compile(r"[/.\-_A-Za-z0-9]{1,256}|arn:[\w-]+:events:[\w-]+:\d{12}:event-bus/[/.\-_A-Za-z0-9]{1,256}")


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set")
    return value


def _bus_name(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not _BUS_NAME.fullmatch(raw):
        raise SettingsError(f"{name}={raw!r} is not an EventBridge bus name or ARN")
    return raw


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name, "").strip() or default


def _integer(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise SettingsError(f"{name}={value} must be at least {minimum}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, *, allow_zero: bool = False) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if not (value > 0 or (allow_zero and value == 0)) or value == float("inf"):
        raise SettingsError(f"{name}={raw} must be positive" + (" or 0" if allow_zero else ""))
    return value



def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r} is not true/false")


def _ports(env: Mapping[str, str], name: str, default: frozenset[int]) -> frozenset[int]:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return FetchOptions.parse_ports(raw)
    except ValueError as error:
        raise SettingsError(f"{name}: {error}") from None


def _host_ports(env: Mapping[str, str], name: str) -> frozenset[str]:
    try:
        return FetchOptions.parse_allow_hosts(env.get(name, ""))
    except ValueError as error:
        raise SettingsError(f"{name}: {error}") from None
