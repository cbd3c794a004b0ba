"""Misbehaving local HTTP servers for the fetch tests (127.0.0.1, ephemeral ports, raw sockets).

A :class:`ScriptServer` reads requests itself and lets each route write whatever bytes it likes, so a test can
send a status line and then stall, lie about Content-Length, reset the connection, drip forever … Every
accepted connection and every request is recorded. A :class:`Canary` only records connections: it proves
that a refused URL never reached the network.

No test synchronises with sleeps: servers signal with events, and drips wait on the server's stop event
(which also ends them promptly at teardown).
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from newsingest.fetch import Fetcher, FetchOptions


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    connection_id: int


@dataclass
class Exchange:
    """What a route sees: the request, and the socket to answer on."""

    request: Request
    sock: socket.socket
    stop: threading.Event

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def respond(
        self,
        status: int = 200,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        content_length: int | None = None,
    ) -> None:
        """A well-formed response (keep-alive), optionally lying about its length."""
        all_headers = {"Content-Length": str(len(body) if content_length is None else content_length)}
        all_headers.update(headers or {})
        head = f"HTTP/1.1 {status} {REASONS.get(status, 'Whatever')}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in all_headers.items())
        self.send(head.encode("latin-1") + b"\r\n" + body)

    def drip(self, chunk: bytes, interval: float) -> None:
        """Send ``chunk`` every ``interval`` seconds until the client leaves or the server stops."""
        while not self.stop.wait(interval):
            try:
                self.send(chunk)
            except OSError:
                return

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


# A route answers one request. Return True to keep the connection open for the next request.
Route = Callable[[Exchange], bool | None]

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


@dataclass
class ScriptServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    ipv6: bool = False
    bind_port: int = 0

    def __post_init__(self) -> None:
        self.stop = threading.Event()
        self.request_seen = threading.Condition()
        self.address = "::1" if self.ipv6 else "127.0.0.1"
        self._listener = socket.socket(socket.AF_INET6 if self.ipv6 else socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.address, self.bind_port))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._open: list[socket.socket] = []
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepting.start()

    @property
    def host_port(self) -> str:
        return f"[{self.address}]:{self.port}" if self.ipv6 else f"{self.address}:{self.port}"

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.host_port.rsplit(':', 1)[0]}:{self.port}{path}"

    def route(self, path: str) -> Callable[[Route], Route]:
        def register(handler: Route) -> Route:
            self.routes[path] = handler
            return handler

        return register

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def close(self) -> None:
        self.stop.set()
        self._listener.close()
        for conn in list(self._open):
            # Wake handlers blocked in recv (keep-alive connections waiting for a next request).
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=5)

    # -------------------------------------------------------------- internals

    def _accept_loop(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn, self.connections), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, connection_id: int) -> None:
        buffer = b""
        try:
            while not self.stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                request = _parse_request(head, connection_id)
                with self.request_seen:
                    self.requests.append(request)
                    self.request_seen.notify_all()
                handler = self.routes.get(request.path.split("?")[0], _not_found)
                keep = handler(Exchange(request, conn, self.stop))
                if not keep:
                    return
        except OSError:
            return
        finally:
            try:
                conn.close()
            except OSError:
                pass


def _parse_request(head: bytes, connection_id: int) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(method, path, headers, connection_id)


def _not_found(exchange: Exchange) -> bool:
    exchange.respond(404, b"not found", {"Content-Type": "text/plain"})
    return True


class Canary:
    """A listening socket that records every connection it accepts (and then drops it)."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self.accepted: list[tuple[str, int]] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                conn, peer = self._listener.accept()
            except OSError:
                return
            with self._changed:
                self.accepted.append(peer)
                self._changed.notify_all()
            conn.close()

    def connections_before_probe(self) -> int:
        """Connect once ourselves and wait until the canary has seen it; return how many came before it.

        The listen queue is FIFO, so any connection the code under test opened earlier has been accepted by
        then: no sleeping, no guessing.
        """
        probe = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        probe_port = probe.getsockname()[1]
        try:
            with self._changed:
                self._changed.wait_for(lambda: any(p[1] == probe_port for p in self.accepted), timeout=5)
                index = next(i for i, p in enumerate(self.accepted) if p[1] == probe_port)
                return index
        finally:
            probe.close()

    def close(self) -> None:
        self._listener.close()


# ------------------------------------------------------------------ payloads


def gzip_bomb(decoded_size: int) -> bytes:
    """``decoded_size`` zero bytes, gzipped (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    out = []
    remaining = decoded_size
    while remaining > 0:
        piece = block[: min(len(block), remaining)]
        out.append(compressor.compress(piece))
        remaining -= len(piece)
    out.append(compressor.flush())
    return b"".join(out)


def deflate_bomb(decoded_size: int) -> bytes:
    """``decoded_size`` zero bytes, zlib-wrapped deflate."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    return compressor.compress(b"\0" * decoded_size) + compressor.flush()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


HTML = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>Hello</p></body></html>"


def make_fetcher(*servers: ScriptServer, extra_hosts: tuple[str, ...] = (), **overrides) -> Fetcher:
    """A Fetcher allowed to reach exactly ``servers`` (plus ``extra_hosts``), with test-sized limits."""
    allow = {s.host_port for s in servers} | set(extra_hosts)
    settings = {
        "allow_hosts": frozenset(allow),
        "respect_robots": False,
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "total_timeout": 5.0,
    }
    settings.update(overrides)
    resolver = settings.pop("resolver", None)
    wall_clock = settings.pop("wall_clock", None)
    kwargs = {"resolver": resolver} if resolver else {}
    if wall_clock:
        kwargs["wall_clock"] = wall_clock
    return Fetcher(FetchOptions(**settings), **kwargs)
