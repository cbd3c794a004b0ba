"""A local feed origin on 127.0.0.1 for the poll's tests, benchmark and demo.

Serves registered feeds with an ``ETag`` (a hash of the body) and answers ``If-None-Match`` with 304; logs every
request (path, whether it was conditional, status) so callers can count what a poll cost. An optional ``delay``
(seconds before each answer) stands in for a distant site. ``/robots.txt`` is ``robots`` (allows everything).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

from newsingest_tools.local.origin import QuietHandler


@dataclass(frozen=True)
class Logged:
    path: str
    conditional: bool
    status: int


@dataclass
class FeedOrigin:
    """The documents served (path → (status, content type, body)) and the request log."""

    base_url: str = ""
    delay: float = 0.0
    robots: bytes = b"User-agent: *\nAllow: /\n"
    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    cache_control: dict[str, str] = field(default_factory=dict)  # path -> Cache-Control sent with it (200 and 304)
    log: list[Logged] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def host(self) -> str:
        return self.base_url.split("://", 1)[1]

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def add(self, path: str, body: bytes | str, content_type: str = "application/rss+xml", status: int = 200) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.routes["/" + path.lstrip("/")] = (status, content_type, data)
        return self.url(path)

    def requests(self, path: str | None = None) -> list[Logged]:
        with self._lock:
            return [entry for entry in self.log if path is None or entry.path == "/" + path.lstrip("/")]

    def record(self, entry: Logged) -> None:
        with self._lock:
            self.log.append(entry)


def rss_feed(links: list[str], *, ttl: int | None = None) -> str:
    """A small RSS 2.0 feed of these links."""
    items = "".join(f"<item><title>Story {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    extra = f"<ttl>{ttl}</ttl>" if ttl else ""
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{extra}{items}</channel></rss>'


def _handler(origin: FeedOrigin) -> type[QuietHandler]:
    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: a poll's conditional requests reuse connections

        def do_GET(self) -> None:  # http.server's naming
            path = self.path.split("?", 1)[0]
            if path == "/robots.txt":
                self._send(200, origin.robots, "text/plain")
                return
            if origin.delay:
                time.sleep(origin.delay)  # the simulated distance of the site, not a synchronisation
            status, content_type, body = origin.routes.get(path, (404, "text/html", b"<html>not found</html>"))
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
            if status == 200 and self.headers.get("If-None-Match") == etag:
                origin.record(Logged(path, conditional, 304))
                self.send_response(304)
                self.send_header("ETag", etag)
                self._cache_control(path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            origin.record(Logged(path, conditional, status))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status == 200:
                self.send_header("ETag", etag)
            self._cache_control(path)
            self.end_headers()
            self.wfile.write(body)

        def _cache_control(self, path: str) -> None:
            if path in origin.cache_control:
                self.send_header("Cache-Control", origin.cache_control[path])

    return Handler


@contextmanager
def serve_feeds(delay: float = 0.0) -> Iterator[FeedOrigin]:
    """A FeedOrigin listening on 127.0.0.1 (an ephemeral port) until the block ends."""
    origin = FeedOrigin(delay=delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(origin))
    server.daemon_threads = True
    server.request_queue_size = 128
    origin.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="feed-origin")
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()
