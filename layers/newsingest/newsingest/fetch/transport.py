"""urllib3 plumbing: connect to a vetted IP (never a name) and enforce the per-URL deadline on every recv.

urllib3's read timeout bounds each ``recv``; a server that drips one byte every few seconds never trips it. So
every socket the Fetcher's pools open is wrapped in :class:`DeadlineSocket`, which shortens each ``recv`` to the
time left before the deadline of the fetch the *current thread* is running (a pooled connection is used by one
thread at a time, so a thread-local is exact). This cuts slow status lines, slow headers and slow bodies alike.
"""

from __future__ import annotations

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
            return self._sock.makefile(mode, buffering, **kwargs)
        # Same as socket.makefile("rb"), but reading through this proxy so every recv is armed.
        self._sock._io_refs += 1  # type: ignore[attr-defined]
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]
        return io.BufferedReader(raw, buffering if buffering and buffering > 0 else io.DEFAULT_BUFFER_SIZE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = DeadlineSocket(self.sock)  # type: ignore[assignment]


class _DeadlineHTTPSConnection(HTTPSConnection):
    # The TLS handshake runs inside connect(), before the socket is wrapped. It needs no watchdog: CPython's
    # ssl applies the socket timeout (our connect timeout, already capped to the time left) as one deadline
    # for the whole handshake, not per read, so a dripped certificate is cut too (see the tests).
    def connect(self) -> None:
        super().connect()
        self.sock = DeadlineSocket(self.sock)  # type: ignore[assignment]


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
