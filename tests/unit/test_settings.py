"""Settings are read from the environment once and validated with errors that name the variable."""

from __future__ import annotations

import pytest

from newsingest.settings import ENVIRONMENT_VARIABLES, Settings, SettingsError

REQUIRED = {"ARTICLES_BUCKET": "bucket", "ARTICLES_TABLE": "table"}


def test_defaults_are_the_production_values() -> None:
    settings = Settings.from_env(REQUIRED)
    assert (settings.articles_bucket, settings.articles_table) == ("bucket", "table")
    assert settings.fetch.allow_hosts == frozenset()
    assert settings.fetch.allowed_ports == frozenset({80, 443})
    assert settings.fetch.respect_robots is True
    assert (settings.batch_concurrency, settings.extract_concurrency, settings.fetch.per_host_concurrency) == (5, 1, 6)
    assert settings.event_bus_name is None  # no events unless a bus is named


def test_every_variable_is_read() -> None:
    # Given every documented variable set to a non-default value
    env = REQUIRED | {
        "FETCH_ALLOW_HOSTS": "127.0.0.1:8765, News.Test:8080", "FETCH_USER_AGENT": "bot/1 (+https://x.test)",
        "FETCH_CONNECT_TIMEOUT": "1.5", "FETCH_READ_TIMEOUT": "2", "FETCH_TOTAL_TIMEOUT": "9",
        "FETCH_MAX_BYTES": "1000", "FETCH_MAX_DECOMPRESSED_BYTES": "2000", "FETCH_MAX_REDIRECTS": "0",
        "FETCH_ALLOWED_PORTS": "80,8080", "FETCH_RESPECT_ROBOTS": "false", "FETCH_ROBOTS_TTL": "60",
        "FETCH_PER_HOST_CONCURRENCY": "3", "BATCH_CONCURRENCY": "7", "MIN_REMAINING_MS": "0",
        "EXTRACT_CONCURRENCY": "3", "DEADLINE_MARGIN_MS": "1500",
        "HOST_BUDGET_TABLE": "budget", "HOST_REQUESTS_PER_SECOND": "0.5", "HOST_BURST": "2", "HOST_MAX_WAIT_S": "4",
        "EVENT_BUS_NAME": " newsingest-events ",
    }
    # When read / Then each lands where it belongs
    settings = Settings.from_env(env)
    fetch = settings.fetch
    assert fetch.allow_hosts == frozenset({"127.0.0.1:8765", "news.test:8080"})
    assert (fetch.user_agent, fetch.connect_timeout, fetch.read_timeout, fetch.total_timeout) == (
        "bot/1 (+https://x.test)", 1.5, 2.0, 9.0)
    assert (fetch.max_body_bytes, fetch.max_decompressed_bytes, fetch.max_redirects) == (1000, 2000, 0)
    assert (fetch.allowed_ports, fetch.respect_robots, fetch.robots_ttl) == (frozenset({80, 8080}), False, 60.0)
    assert (fetch.per_host_concurrency, settings.batch_concurrency, settings.min_remaining_ms) == (3, 7, 0)
    assert (settings.extract_concurrency, settings.deadline_margin_ms) == (3, 1500)
    assert (settings.host_budget_table, settings.host_rate, settings.host_burst, settings.host_max_wait_s) == (
        "budget", 0.5, 2, 4.0)
    assert settings.event_bus_name == "newsingest-events"
    # And the documented table lists exactly the variables read here
    assert set(env) == set(ENVIRONMENT_VARIABLES)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "ARTICLES_BUCKET"),
        ({"ARTICLES_BUCKET": "b"}, "ARTICLES_TABLE"),
        (REQUIRED | {"BATCH_CONCURRENCY": "many"}, "BATCH_CONCURRENCY"),
        (REQUIRED | {"BATCH_CONCURRENCY": "0"}, "BATCH_CONCURRENCY"),
        (REQUIRED | {"FETCH_TOTAL_TIMEOUT": "-1"}, "FETCH_TOTAL_TIMEOUT"),
        (REQUIRED | {"FETCH_RESPECT_ROBOTS": "perhaps"}, "FETCH_RESPECT_ROBOTS"),
        (REQUIRED | {"FETCH_ALLOWED_PORTS": "80,http"}, "FETCH_ALLOWED_PORTS"),
        (REQUIRED | {"FETCH_ALLOW_HOSTS": "localhost"}, "FETCH_ALLOW_HOSTS"),
        (REQUIRED | {"EVENT_BUS_NAME": "my bus"}, "EVENT_BUS_NAME"),
        (REQUIRED | {"EVENT_BUS_NAME": "arn:aws:sqs:us-east-1:123456789012:not-a-bus"}, "EVENT_BUS_NAME"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=names):
        Settings.from_env(env)


@pytest.mark.parametrize("bus",
                         ["default", "newsingest/articles.v1", "arn:aws:events:eu-west-1:123456789012:event-bus/ops"])
def test_an_event_bus_is_named_by_its_name_or_its_arn(bus: str) -> None:
    assert Settings.from_env(REQUIRED | {"EVENT_BUS_NAME": bus}).event_bus_name == bus


def test_an_empty_event_bus_name_turns_events_off() -> None:
    assert Settings.from_env(REQUIRED | {"EVENT_BUS_NAME": "  "}).event_bus_name is None
