"""A local origin: serves the bundled sample pages on 127.0.0.1 for the demo, the tests and the benchmarks.

Pages live in ``local/pages``; a file ``NAME.html`` is served at ``/NAME.html``. Files whose name holds
``.nocharset.`` are served as ``text/html`` with no charset parameter (so the extractor must find the charset
itself, as with many legacy Korean EUC-KR sites). ``/status/NNN`` answers with status NNN (to show retries),
``/robots.txt`` allows everything, anything else is a 404.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources


def sample_pages() -> dict[str, bytes]:
    """name → bytes of every bundled page."""
    folder = resources.files("newsingest_tools.local") / "pages"
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.name.endswith(".html")}


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that answers whole bodies and keeps quiet (the local origins of demo, tests, benchmarks)."""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # silence per-request logging
        return


class _Handler(QuietHandler):
    pages: dict[str, bytes] = {}
    server_version = "newsingest-origin/1"

    def do_GET(self) -> None:  # http.server's naming
        path = self.path.split("?", 1)[0].lstrip("/")
        if path.startswith("status/") and path[7:].isdigit():  # /status/503: answers that status (demo retries)
            self._send(int(path[7:]), b"<html><body>status page</body></html>", "text/html; charset=utf-8")
        elif path == "robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif path in self.pages:
            charset = "" if ".nocharset." in path else "; charset=utf-8"
            self._send(200, self.pages[path], "text/html" + charset)
        else:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>", "text/html; charset=utf-8")


@contextmanager
def serve_pages(pages: dict[str, bytes] | None = None, *, port: int = 0) -> Iterator[str]:
    """Serve pages on 127.0.0.1 in a background thread; yields the base URL (``http://127.0.0.1:PORT``)."""
    handler = type("PagesHandler", (_Handler,), {"pages": pages if pages is not None else sample_pages()})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sample-origin", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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
