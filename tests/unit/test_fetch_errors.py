"""The error → reason → permanent/transient table, and Retry-After parsing."""

from __future__ import annotations

import socket
import ssl
from email.utils import formatdate

import pytest
from urllib3 import exceptions as u3

from newsingest.fetch.errors import (
    failure_for_dns_error,
    failure_for_exception,
    failure_for_status,
    parse_retry_after,
)
from newsingest.outcomes import PermanentFailure, TransientFailure

PERMANENT_STATUSES = [204, 206, 300, 304, 400, 401, 403, 404, 405, 406, 410, 414, 451, 501, 505, 508, 600]
TRANSIENT_STATUSES = [202, 408, 421, 425, 429, 500, 502, 503, 504, 507, 520, 599]


@pytest.mark.parametrize("status", PERMANENT_STATUSES)
def test_permanent_statuses(status: int) -> None:
    failure = failure_for_status(status, "x", None)
    assert isinstance(failure, PermanentFailure)
    assert failure.reason == f"http_{status}"


@pytest.mark.parametrize("status", TRANSIENT_STATUSES)
def test_transient_statuses_carry_retry_after(status: int) -> None:
    failure = failure_for_status(status, "x", 30.0)
    assert isinstance(failure, TransientFailure)
    assert failure.reason == f"http_{status}"
    assert failure.retry_after == 30.0


NOW = 1_780_000_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        (formatdate(NOW + 90, usegmt=True), 90.0),
        (formatdate(NOW - 90, usegmt=True), 0.0),  # in the past: retry now
        ("999999999", 12 * 3600.0),  # clamped to SQS's maximum visibility timeout
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_nxdomain_is_permanent_unknown_host() -> None:
    failure = failure_for_dns_error("nope.example", socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    assert isinstance(failure, PermanentFailure)
    assert failure.reason == "unknown_host"


@pytest.mark.parametrize("code", [socket.EAI_AGAIN, socket.EAI_FAIL])
def test_servfail_and_temporary_dns_errors_are_transient(code: int) -> None:
    failure = failure_for_dns_error("x.example", socket.gaierror(code, "Temporary failure"))
    assert isinstance(failure, TransientFailure)
    assert failure.reason == "dns_error"


def _wrapped(outer: type[BaseException], inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer(str(exc)) from exc
    except BaseException as exc:  # noqa: BLE001 - the chained exception is the value under test
        return exc


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (u3.ReadTimeoutError(None, "/", "read timed out"), TransientFailure, "timeout"),
        (u3.ConnectTimeoutError("connect timed out"), TransientFailure, "timeout"),
        (TimeoutError("deadline"), TransientFailure, "timeout"),
        (u3.NewConnectionError(None, "Connection refused"), TransientFailure, "connection_error"),
        (u3.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")), TransientFailure,
         "connection_error"),
        (u3.ProtocolError("Connection broken", u3.IncompleteRead(10, 990)), TransientFailure, "truncated"),
        (_wrapped(u3.SSLError, ssl.SSLCertVerificationError("certificate verify failed")), PermanentFailure,
         "tls_error"),
        (_wrapped(u3.SSLError, ssl.SSLEOFError("EOF occurred in violation of protocol")), TransientFailure,
         "connection_error"),
        (ConnectionResetError(104, "reset"), TransientFailure, "connection_error"),
    ],
)  # fmt: skip
def test_exceptions_map_to_reasons(exc: BaseException, kind: type, reason: str) -> None:
    failure = failure_for_exception(exc, "http://example.com/")
    assert isinstance(failure, kind)
    assert failure.reason == reason
    assert failure.detail.startswith("http://example.com/: ")
