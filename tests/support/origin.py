"""A scriptable origin on 127.0.0.1 for the fault, hostile-input and load runs.

Routes (GET):

* ``/page/<anything>/<name>``: the bundled sample page ``<name>`` (``coastline_lighthouse.html`` …) under any
  number of distinct URLs (each one a distinct article);
* ``/flap/<k>/<anything>``: 503 for the first ``k`` requests of that exact path, then the page ``FLAP_PAGE``
  (a site that is briefly down);
* ``/status/<code>``: that status; ``?retry_after=N`` adds ``Retry-After: N``;
* ``/raw/<name>``: a page registered with :meth:`Origin.add` (status, headers and bytes as given);
* ``/robots.txt``: ``Origin.robots`` (allows everything unless a test sets it); anything else is a 404.

Every page request is counted per path (``hits``), so tests can assert what was fetched and what was never started;
``arrivals`` keeps each request's arrival time (``time.monotonic()``) for the politeness benchmark.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from newsingest_tools.local.origin import sample_pages

FLAP_PAGE = "coastline_lighthouse.html"


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


class Origin:
    """State shared by the server's threads: the pages, the per-path hit counts, the registered responses."""

    def __init__(self, base_url: str = "") -> None:
        self.base_url = base_url
        self.pages = sample_pages()
        self.hits: Counter[str] = Counter()
        self._raw: dict[str, Response] = {}
        self._lock = threading.Lock()
        self.robots = b"User-agent: *\nAllow: /\n"
        self.arrivals: list[float] = []

    def add(self, name: str, body: bytes, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> str:
        """Register ``/raw/<name>``; returns its URL."""
        self._raw[name] = Response(status, body, {"Content-Type": content_type, **(headers or {})})
        return f"{self.base_url}/raw/{name}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def page_hits(self) -> Counter[str]:
        """Hits of everything but robots.txt."""
        with self._lock:
            return Counter({path: n for path, n in self.hits.items() if path != "/robots.txt"})

    def respond(self, raw_path: str) -> Response:
        parts = urlsplit(raw_path)
        path = parts.path
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.hits[path] += 1
            count = self.hits[path]
        segments = path.strip("/").split("/")
        if path == "/robots.txt":
            return Response(200, self.robots, {"Content-Type": "text/plain"})
        if segments[0] == "page" and len(segments) >= 2 and segments[-1] in self.pages:
            return Response(200, self.pages[segments[-1]])
        if segments[0] == "flap" and len(segments) >= 2 and segments[1].isdigit():
            if count <= int(segments[1]):
                return Response(503, b"<html><body>down for a moment</body></html>")
            return Response(200, self.pages[FLAP_PAGE])
        if segments[0] == "status" and len(segments) == 2 and segments[1].isdigit():
            response = Response(int(segments[1]), b"<html><body>status page</body></html>")
            retry_after = parse_qs(parts.query).get("retry_after")
            if retry_after:
                response.headers["Retry-After"] = retry_after[0]
            return response
        if segments[0] == "raw" and len(segments) == 2 and segments[1] in self._raw:
            return self._raw[segments[1]]
        return Response(404, b"<html><body><h1>Not found</h1></body></html>")


class _Handler(BaseHTTPRequestHandler):
    origin: Origin
    protocol_version = "HTTP/1.1"  # keep-alive: the fetcher's pool reuses connections, as with real sites

    def do_GET(self) -> None:  # http.server's naming
        response = self.origin.respond(self.path)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve_origin() -> Iterator[Origin]:
    """Run an :class:`Origin` on 127.0.0.1 (free port) in a background thread."""
    origin = Origin()
    handler = type("OriginHandler", (_Handler,), {"origin": origin})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    origin.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="test-origin", daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()
