"""The local origin: one HTTP server on 127.0.0.1 for the demo, the tests and the benchmarks.

An :class:`Origin` answers GET from its routes: path → :class:`Response` (status, headers, body) or a callable of the
:class:`Request` (its path, query, headers and how many times that path has been asked for), then from its
``fallback`` callables (prefix routes such as ``/status/NNN``), else a 404. On top of that, each optional:

* per-path status sequences (:meth:`Origin.add_sequence`: 503, 503, then the page: a site that is briefly down);
* a request log (:class:`Logged`: path, whether it was conditional, status), per-path hit counts and arrival times;
* ``etags``: every 200 carries an ``ETag`` (a hash of the body) and an ``If-None-Match`` naming it is a 304;
* ``cache_control``: path → the ``Cache-Control`` sent with it (200 and 304);
* ``delay``: seconds before every answer but robots.txt (the simulated distance of a site, not a synchronisation);
* ``robots``: the body of ``/robots.txt`` (allows everything unless a caller sets it).

:func:`serve` runs one on 127.0.0.1 (or another loopback host), an ephemeral port unless told, in a background
thread. :func:`serve_pages` is the sample-pages origin built on it: pages live in ``local/pages``; a file
``NAME.html`` is served at ``/NAME.html``. Files whose name holds ``.nocharset.`` are served as ``text/html`` with no
charset parameter (so the extractor must find the charset itself, as with many legacy Korean EUC-KR sites).
``/status/NNN`` answers with status NNN (to show retries; ``?retry_after=N`` adds ``Retry-After: N``).

``python -m newsingest_tools.local.origin [PORT]`` serves the sample pages (default port 8765, as in events/).
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TypeVar
from urllib.parse import parse_qs

HTML = "text/html; charset=utf-8"
ALLOW_ALL = b"User-agent: *\nAllow: /\n"


def sample_pages() -> dict[str, bytes]:
    """name → bytes of every bundled page."""
    folder = resources.files("newsingest_tools.local") / "pages"
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.name.endswith(".html")}


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": HTML})


@dataclass(frozen=True)
class Request:
    path: str  # without the query
    query: str
    headers: Mapping[str, str] | Message
    count: int  # requests of this path so far, this one included


@dataclass(frozen=True)
class Logged:
    path: str
    conditional: bool
    status: int


Route = Response | Callable[[Request], Response]
Fallback = Callable[[Request], Response | None]

NOT_FOUND = Response(404, b"<html><body><h1>Not found</h1></body></html>")


def page_response(name: str, body: bytes) -> Response:
    """A sample page as served: text/html, with ``charset=utf-8`` unless its name holds ``.nocharset.``."""
    return Response(200, body, {"Content-Type": "text/html" + ("" if ".nocharset." in name else "; charset=utf-8")})


def status_page(request: Request) -> Response | None:
    """``/status/NNN``: that status; ``?retry_after=N`` adds ``Retry-After: N``."""
    segments = request.path.strip("/").split("/")
    if len(segments) != 2 or segments[0] != "status" or not segments[1].isdigit():
        return None
    response = Response(int(segments[1]), b"<html><body>status page</body></html>")
    retry_after = parse_qs(request.query).get("retry_after")
    if retry_after:
        response.headers["Retry-After"] = retry_after[0]
    return response


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


class Origin:
    """The routes served and what was asked for; shared by the server's threads (every change under one lock)."""

    default_content_type = HTML

    def __init__(self, routes: Mapping[str, Route] | None = None, *, fallback: Fallback | list[Fallback] | None = None,
                 delay: float = 0.0, robots: bytes = ALLOW_ALL, etags: bool = False, base_url: str = "") -> None:
        self.base_url = base_url
        self.routes: dict[str, Route] = {"/" + path.lstrip("/"): route for path, route in (routes or {}).items()}
        self.fallbacks: list[Fallback] = fallback if isinstance(fallback, list) else [fallback] if fallback else []
        self.delay = delay
        self.robots = robots
        self.etags = etags
        self.cache_control: dict[str, str] = {}  # path → Cache-Control sent with it (200 and 304)
        self.sequences: dict[str, list[int]] = {}  # path → statuses answered before its route
        self.log: list[Logged] = []
        self.hits: Counter[str] = Counter()
        self.arrivals: list[float] = []  # each request's time.monotonic() (the politeness benchmark)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------------ configuring

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``."""
        return self.base_url.split("://", 1)[1]

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def add(self, path: str, body: bytes | str, content_type: str | None = None, status: int = 200, *,
            headers: Mapping[str, str] | None = None) -> str:
        """Serve ``body`` at ``path`` (replacing what was there); returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        content_type = content_type or self.default_content_type
        response = Response(status, data, {"Content-Type": content_type, **(headers or {})})
        with self._lock:
            self.routes["/" + path.lstrip("/")] = response
        return self.url(path)

    def add_sequence(self, path: str, statuses: list[int]) -> str:
        """The next ``len(statuses)`` requests of ``path`` answer these statuses (an empty page), then its route."""
        with self._lock:
            self.sequences["/" + path.lstrip("/")] = list(statuses)
        return self.url(path)

    # ------------------------------------------------------------------------------------------ what was asked

    def requests(self, path: str | None = None) -> list[Logged]:
        """The log of ``path``, or of every path but robots.txt."""
        with self._lock:
            if path is None:
                return [entry for entry in self.log if entry.path != "/robots.txt"]
            return [entry for entry in self.log if entry.path == "/" + path.lstrip("/")]

    def page_hits(self) -> Counter[str]:
        """Hits of everything but robots.txt."""
        with self._lock:
            return Counter({path: n for path, n in self.hits.items() if path != "/robots.txt"})

    # ------------------------------------------------------------------------------------------ answering

    def respond(self, raw_path: str, headers: Mapping[str, str] | Message | None = None) -> Response:
        """The answer to ``GET raw_path`` (logged)."""
        headers = headers if headers is not None else {}
        path, _, query = raw_path.partition("?")
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.hits[path] += 1
            count = self.hits[path]
            sequence = self.sequences.get(path)
            scripted = sequence.pop(0) if sequence else None
        if path == "/robots.txt" and path not in self.routes:
            response = Response(200, self.robots, {"Content-Type": "text/plain"})
        else:
            if self.delay:
                time.sleep(self.delay)  # the simulated distance of the site, not a synchronisation
            if scripted is not None:
                response = Response(scripted, b"<html><body>down for a moment</body></html>")
            else:
                response = self._route(Request(path, query, headers, count))
            response = self._conditional(path, response, headers)
        with self._lock:
            self.log.append(Logged(path, conditional, response.status))
        return response

    def _route(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is not None:
            return route if isinstance(route, Response) else route(request)
        for fallback in self.fallbacks:
            response = fallback(request)
            if response is not None:
                return response
        return NOT_FOUND

    def _conditional(self, path: str, response: Response, headers: Mapping[str, str] | Message) -> Response:
        extra: dict[str, str] = {}
        if self.etags and response.status == 200:
            etag = _etag(response.body)
            if headers.get("If-None-Match") == etag:
                response = Response(304, b"", {"ETag": etag})
            else:
                extra["ETag"] = etag
        if path in self.cache_control:
            extra["Cache-Control"] = self.cache_control[path]
        return Response(response.status, response.body, {**response.headers, **extra}) if extra else response


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that answers whole bodies and keeps quiet (the local origins of demo, tests, benchmarks)."""

    server_version = "newsingest-origin/1"
    # Headers and body go out as two writes: without TCP_NODELAY, Nagle's algorithm holds the body back until the
    # client's delayed ACK (40 ms on Linux loopback), which would be charged to the fetcher.
    disable_nagle_algorithm = True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self._answer(Response(status, body, {"Content-Type": content_type}))

    def _answer(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # silence per-request logging
        return


class _OriginHandler(QuietHandler):
    origin: Origin

    def do_GET(self) -> None:  # http.server's naming
        self._answer(self.origin.respond(self.path, self.headers))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog (set before bind): bursts of a poll's or a load run's connections


OriginT = TypeVar("OriginT", bound=Origin)


@contextmanager
def serve(origin: OriginT, *, host: str = "127.0.0.1", port: int = 0, keep_alive: bool = True) -> Iterator[OriginT]:
    """Run ``origin`` on ``host`` in a background thread until the block ends; its
    ``base_url`` is set to ``http://host:PORT``. ``keep_alive``: HTTP/1.1 persistent connections, as real sites
    (the fetcher's pool reuses them); otherwise HTTP/1.0, one connection per request."""
    handler = type("OriginHandler", (_OriginHandler,), {
        "origin": origin, "protocol_version": "HTTP/1.1" if keep_alive else "HTTP/1.0"})
    server = _Server((host, port), handler)
    origin.base_url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name=f"origin-{host}", daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()


def pages_origin(pages: dict[str, bytes] | None = None) -> Origin:
    """An origin of these pages (the bundled ones by default) at ``/NAME``, with ``/status/NNN``."""
    pages = pages if pages is not None else sample_pages()
    return Origin({name: page_response(name, body) for name, body in pages.items()}, fallback=status_page)


@contextmanager
def serve_pages(pages: dict[str, bytes] | None = None, *, port: int = 0) -> Iterator[str]:
    """Serve pages on 127.0.0.1 in a background thread; yields the base URL (``http://127.0.0.1:PORT``)."""
    with serve(pages_origin(pages), port=port, keep_alive=False) as origin:
        yield origin.base_url


def main() -> None:
    """``python -m newsingest_tools.local.origin [PORT]``: serve the sample pages (default port 8765, as in events/)."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    with serve_pages(port=port) as base_url:
        print(f"serving {', '.join(sorted(sample_pages()))} at {base_url}/ (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
