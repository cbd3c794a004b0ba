"""The feed origin of the poll's tests, benchmark and demo: the local origin (``local/origin.py``) with ETags.

Every 200 carries an ``ETag`` (a hash of the body) and ``If-None-Match`` naming it answers 304; every request is
logged (path, whether it was conditional, status) so callers can count what a poll cost. An optional ``delay``
(seconds before each answer) stands in for a distant site. ``/robots.txt`` is ``robots`` (allows everything).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from newsingest_tools.local.origin import Logged, Origin, serve

__all__ = ["FeedOrigin", "Logged", "rss_feed", "serve_feeds"]


class FeedOrigin(Origin):
    """An :class:`Origin` with ETags whose documents default to RSS."""

    default_content_type = "application/rss+xml"

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(delay=delay, etags=True)


def rss_feed(links: list[str], *, ttl: int | None = None) -> str:
    """A small RSS 2.0 feed of these links."""
    items = "".join(f"<item><title>Story {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    extra = f"<ttl>{ttl}</ttl>" if ttl else ""
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{extra}{items}</channel></rss>'


@contextmanager
def serve_feeds(delay: float = 0.0) -> Iterator[FeedOrigin]:
    """A FeedOrigin listening on 127.0.0.1 (an ephemeral port) until the block ends."""
    with serve(FeedOrigin(delay=delay)) as origin:
        yield origin
