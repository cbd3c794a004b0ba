"""The scriptable origin of the fault, hostile-input and load runs: the local origin (``local/origin.py``) with routes.

Routes (GET):

* ``/page/<anything>/<name>``: the bundled sample page ``<name>`` (``coastline_lighthouse.html`` …) under any
  number of distinct URLs (each one a distinct article);
* ``/flap/<k>/<anything>``: 503 for the first ``k`` requests of that exact path, then the page ``FLAP_PAGE``
  (a site that is briefly down);
* ``/status/<code>``: that status; ``?retry_after=N`` adds ``Retry-After: N``;
* ``/raw/<name>``: a page registered with :meth:`Origin.add` (status, headers and bytes as given);
* ``/robots.txt``: ``Origin.robots`` (allows everything unless a test sets it); anything else is a 404.

Every request is counted per path (``hits``; ``page_hits()`` leaves robots.txt out), so tests can assert what was
fetched and what was never started; ``arrivals`` keeps each request's arrival time (``time.monotonic()``) for the
politeness benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from newsingest_tools.local import origin as local
from newsingest_tools.local.origin import Request, Response, sample_pages, status_page

__all__ = ["FLAP_PAGE", "Origin", "Response", "serve_origin"]

FLAP_PAGE = "coastline_lighthouse.html"


class Origin(local.Origin):
    """The local origin with the sample pages under ``/page/…``, flapping paths and ``/raw/<name>`` pages."""

    def __init__(self, base_url: str = "") -> None:
        super().__init__(fallback=[self._page, self._flap, status_page], base_url=base_url)
        self.pages = sample_pages()

    def add(self, name: str, body: bytes | str, content_type: str | None = None, status: int = 200, *,
            headers: dict[str, str] | None = None) -> str:
        """Register ``/raw/<name>``; returns its URL."""
        return super().add(f"raw/{name}", body, content_type, status, headers=headers)

    def _page(self, request: Request) -> Response | None:
        segments = request.path.strip("/").split("/")
        if segments[0] == "page" and len(segments) >= 2 and segments[-1] in self.pages:
            return Response(200, self.pages[segments[-1]])
        return None

    def _flap(self, request: Request) -> Response | None:
        segments = request.path.strip("/").split("/")
        if segments[0] != "flap" or len(segments) < 2 or not segments[1].isdigit():
            return None
        if request.count <= int(segments[1]):
            return Response(503, b"<html><body>down for a moment</body></html>")
        return Response(200, self.pages[FLAP_PAGE])


@contextmanager
def serve_origin() -> Iterator[Origin]:
    """Run an :class:`Origin` on 127.0.0.1 (free port) in a background thread."""
    with local.serve(Origin()) as origin:
        yield origin
