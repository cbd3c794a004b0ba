"""Map HTTP statuses and network errors onto the two failure kinds, with stable ``reason`` codes.

The complete table (and why each row is permanent or transient) is in ``docs/fetching.md``.
"""

from __future__ import annotations

import socket
import ssl
from email.utils import parsedate_to_datetime

from urllib3 import exceptions as u3

from newsingest.fetch import limits
from newsingest.fetch.transport import HeadersTooLarge, TooManyInterimResponses
from newsingest.outcomes import IngestFailure, PermanentFailure, TransientFailure

# 4xx that describe a passing condition of the server or of this request, not of the resource:
# 408 Request Timeout, 421 Misdirected Request (a pooled connection reused for the wrong host), 425 Too Early,
# 429 Too Many Requests.
TRANSIENT_4XX = frozenset({408, 421, 425, 429})
# 5xx that say "this server will never do this": 501 Not Implemented (GET!), 505 HTTP Version Not Supported,
# 506 Variant Also Negotiates, 508 Loop Detected, 510 Not Extended. Every other 5xx is worth a retry.
PERMANENT_5XX = frozenset({501, 505, 506, 508, 510})
# Final statuses that carry the resource.
SUCCESS = frozenset({200, 203})
REDIRECTS = frozenset({301, 302, 303, 307, 308})

# getaddrinfo answers that mean "this name does not exist" (NXDOMAIN / no address records) as opposed to
# "the resolver could not answer now" (EAI_AGAIN, EAI_FAIL = SERVFAIL, EAI_MEMORY, EAI_SYSTEM …).
_NO_SUCH_NAME = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None
)


def failure_for_status(status: int, detail: str, retry_after: float | None) -> IngestFailure:
    """The failure for a final (non-success, non-redirect, non-304) HTTP status."""
    reason = f"http_{status}"
    if 200 <= status < 300:
        # 202 Accepted means "not ready yet"; 204/205/206 … carry no article and never will for a plain GET.
        if status == 202:
            return TransientFailure(reason, detail, retry_after=retry_after)
        return PermanentFailure(reason, detail)
    if 400 <= status < 500:
        if status in TRANSIENT_4XX:
            return TransientFailure(reason, detail, retry_after=retry_after)
        return PermanentFailure(reason, detail)
    if 500 <= status < 600:
        if status in PERMANENT_5XX:
            return PermanentFailure(reason, detail)
        return TransientFailure(reason, detail, retry_after=retry_after)
    # 1xx as a final status, 3xx we do not follow (300, 304 without a condition, 305, 306), >= 600: the server
    # is broken or exotic, and asking again will not change it.
    return PermanentFailure(reason, detail)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP-date), clamped to [0, 12 h].

    ``now`` is the current UNIX time (injected so the HTTP-date form is testable). Unparseable → ``None``.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        seconds = float(int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None or when.tzinfo is None:
            return None  # RFC 9110 dates are always GMT; a naive date is not one
        seconds = when.timestamp() - now
    return max(0.0, min(seconds, limits.MAX_RETRY_AFTER_SECONDS))


def failure_for_dns_error(host: str, exc: OSError) -> IngestFailure:
    """NXDOMAIN is permanent (``unknown_host``); SERVFAIL/timeouts and anything else are transient."""
    if isinstance(exc, socket.gaierror) and exc.errno in _NO_SUCH_NAME:
        return PermanentFailure("unknown_host", f"{host}: {exc}")
    return TransientFailure("dns_error", f"{host}: {exc}")


def failure_for_exception(exc: BaseException, where: str) -> IngestFailure:
    """Translate a urllib3 / socket / TLS exception raised while talking to ``where``."""
    detail = f"{where}: {_describe(exc)}"
    cause = _root_cause(exc)
    if isinstance(cause, HeadersTooLarge):
        return PermanentFailure("headers_too_large", detail)
    if isinstance(cause, TooManyInterimResponses):
        return PermanentFailure("too_many_interim_responses", detail)
    if isinstance(exc, u3.NewConnectionError):
        # A subclass of ConnectTimeoutError for historical reasons, but "refused" is not a timeout.
        if isinstance(_root_cause(exc), (TimeoutError, socket.timeout)):
            return TransientFailure("timeout", detail)
        return TransientFailure("connection_error", detail)
    if isinstance(exc, (u3.TimeoutError, TimeoutError, socket.timeout)):
        return TransientFailure("timeout", detail)
    if isinstance(exc, u3.SSLError) or isinstance(cause, (ssl.SSLError, ssl.CertificateError)):
        # An unexpected EOF mid-handshake is a dropped connection; everything else (bad certificate, wrong
        # hostname, no shared cipher) is a property of the site that a retry in a few minutes won't fix.
        if isinstance(cause, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
            return TransientFailure("connection_error", detail)
        return PermanentFailure("tls_error", detail)
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return TransientFailure("timeout", detail)
    if isinstance(exc, u3.ProtocolError) and _is_incomplete_read(exc):
        return TransientFailure("truncated", detail)
    if isinstance(exc, (u3.HTTPError, OSError, ConnectionError)):
        # NewConnectionError (refused, unreachable), ProtocolError (reset, bad status line, bad chunking) …
        return TransientFailure("connection_error", detail)
    return TransientFailure("connection_error", detail)


def _is_incomplete_read(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, u3.IncompleteRead) or type(seen).__name__ == "IncompleteRead":
            return True
        seen = seen.args[1] if len(seen.args) > 1 and isinstance(seen.args[1], BaseException) else seen.__cause__
    return False


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception: urllib3 wraps ssl/socket errors in its own."""
    seen = exc
    for _ in range(5):
        inner = seen.__cause__ or seen.__context__
        if inner is None:
            for arg in getattr(seen, "args", ()):
                if isinstance(arg, BaseException):
                    inner = arg
                    break
        if inner is None:
            return seen
        seen = inner
    return seen


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"
