"""urllib3 plumbing: connect to a vetted IP (never a name) and enforce the per-URL deadline on every recv.

urllib3's read timeout bounds each ``recv``; a server that drips one byte every few seconds never trips it. So
every socket the Fetcher's pools open is wrapped in :class:`DeadlineSocket`, which shortens each ``recv`` to the
time left before the deadline of the fetch the *current thread* is running (a pooled connection is used by one
thread at a time, so a thread-local is exact). This cuts slow status lines, slow headers and slow bodies alike.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection

from newsingest.fetch import limits

_current = threading.local()


@contextmanager
def deadline_scope(remaining: Callable[[], float]) -> Iterator[None]:
    """Make ``remaining()`` (seconds left) bound every socket read this thread does inside the block."""
    previous = getattr(_current, "remaining", None)
    _current.remaining = remaining
    try:
        yield
    finally:
        _current.remaining = previous


def _time_left() -> float | None:
    remaining = getattr(_current, "remaining", None)
    return None if remaining is None else remaining()


class DeadlineSocket:
    """A socket proxy whose reads never outlive the current fetch's deadline."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._base_timeout: float | None = sock.gettimeout()

    def settimeout(self, value: float | None) -> None:
        self._base_timeout = value
        self._sock.settimeout(value)

    def gettimeout(self) -> float | None:
        return self._base_timeout

    def _arm(self) -> None:
        left = _time_left()
        if left is None:
            self._sock.settimeout(self._base_timeout)
            return
        if left <= 0:
            raise TimeoutError("total deadline reached")
        self._sock.settimeout(left if self._base_timeout is None else min(left, self._base_timeout))

    def recv(self, *args: Any) -> bytes:
        self._arm()
        return self._sock.recv(*args)

    def recv_into(self, *args: Any) -> int:
        self._arm()
        return self._sock.recv_into(*args)

    def makefile(self, mode: str = "r", buffering: int | None = None, **kwargs: Any) -> Any:
        if mode != "rb":
            return self._sock.makefile(mode, buffering, **kwargs)  # type: ignore[call-overload]  # a pass-through: whatever mode the caller gave
        # Same as socket.makefile("rb"), but reading through this proxy so every recv is armed.
        self._sock._io_refs += 1  # type: ignore[attr-defined]  # socket's private makefile counter, as makefile does
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]  # this proxy quacks like the socket it wraps
        return io.BufferedReader(raw, buffering if buffering and buffering > 0 else io.DEFAULT_BUFFER_SIZE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class HeadersTooLarge(http.client.HTTPException):
    """The response head (status lines and headers, interim 1xx responses included) exceeds its cap."""


class TooManyInterimResponses(http.client.HTTPException):
    """More informational (1xx) responses before the final one than any real server sends."""


class _CappedHead:
    """``fp`` as ``http.client`` reads the response head through it: ``readline`` only, ``cap`` bytes in total."""

    def __init__(self, fp: Any, cap: int) -> None:
        self._fp = fp
        self._left = cap

    def readline(self, limit: int = -1) -> bytes:
        # Never ask for more than what is left (+1 to notice the excess): memory stays bounded by the cap.
        want = self._left + 1 if limit is None or limit < 0 else min(limit, self._left + 1)
        line: bytes = self._fp.readline(want)
        self._left -= len(line)
        if self._left < 0:
            raise HeadersTooLarge(f"response head exceeds {limits.MAX_HEADER_BYTES} bytes")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fp, name)


class _BoundedHTTPResponse(http.client.HTTPResponse):
    """``http.client``'s response with two bounds of its own on the head it parses.

    * Interim responses: ``http.client`` skips ``100 Continue`` only, so a ``102 Processing`` or ``103 Early
      Hints`` before the ``200`` became the final status. Every 1xx but ``101`` (we never ask to switch protocols)
      is skipped, headers and all, up to ``limits.MAX_INTERIM_RESPONSES`` of them.
    * Total head size: ``http.client`` caps each line (64 KiB) and the number of headers (100), not their sum
      (6.4 MB, copied several times over while parsed): the whole head, interim responses included, is capped at
      ``limits.MAX_HEADER_BYTES``.
    """

    def begin(self) -> None:
        if self.headers is not None:
            return
        fp = self.fp
        self.fp = _CappedHead(fp, limits.MAX_HEADER_BYTES)
        try:
            super().begin()
        finally:
            self.fp = fp if self.fp is not None else None  # begin() may have closed it (e.g. HEAD, length 0)

    def _read_status(self) -> tuple[str, int, str]:
        interim = 0
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]  # private http.client API, untyped
            if not (100 < status < 200) or status == 101:
                return version, status, reason  # 100 is skipped by begin() itself
            interim += 1
            if interim > limits.MAX_INTERIM_RESPONSES:
                raise TooManyInterimResponses(f"more than {limits.MAX_INTERIM_RESPONSES} 1xx responses")
            http.client._read_headers(self.fp)  # type: ignore[attr-defined]  # the interim response's headers


class _DeadlineHTTPConnection(HTTPConnection):
    response_class = _BoundedHTTPResponse

    def connect(self) -> None:
        super().connect()
        self.sock = DeadlineSocket(self.sock)


class _DeadlineHTTPSConnection(HTTPSConnection):
    # The TLS handshake runs inside connect(), before the socket is wrapped. It needs no watchdog: CPython's
    # ssl applies the socket timeout (our connect timeout, already capped to the time left) as one deadline
    # for the whole handshake, not per read, so a dripped certificate is cut too (see the tests).
    response_class = _BoundedHTTPResponse

    def connect(self) -> None:
        super().connect()
        self.sock = DeadlineSocket(self.sock)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


def new_pool_manager(per_host_concurrency: int) -> PoolManager:
    """The Fetcher's own PoolManager: certificate checks on, no retries, no redirects, keep-alive pools."""
    manager = PoolManager(
        num_pools=limits.POOL_COUNT,
        maxsize=per_host_concurrency,
        retries=False,
        cert_reqs="CERT_REQUIRED",
    )
    install_deadline_pools(manager)
    return manager


def install_deadline_pools(manager: PoolManager) -> None:
    """Make ``manager`` create deadline-enforcing pools (also applied to an injected manager)."""
    manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
