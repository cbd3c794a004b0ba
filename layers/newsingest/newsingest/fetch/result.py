"""What a successful fetch returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FetchResult:
    """A fetched (status 200) or confirmed-unchanged (status 304) resource.

    ``body`` is already decoded from its Content-Encoding (and gunzipped for gzip sitemaps); it is ``b""`` on 304.
    ``content_type`` is the Content-Type header as sent (printable ASCII, at most 200 characters, parameters
    included, e.g. ``text/html; charset=utf-8``), or the sniffed media type when the header was missing.
    ``charset`` is the header's charset when Python knows that codec, else ``None`` (the extractor then
    sniffs). ``redirects`` lists every URL that answered with a redirect, in order. ``cache_max_age`` is the
    response's ``Cache-Control`` freshness in seconds (``s-maxage``, else ``max-age``), ``None`` when the response
    gives none or forbids caching (``no-cache``, ``no-store``, ``max-age=0``): pollers use it as a lower bound.
    """

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    redirects: tuple[str, ...]
    elapsed_ms: int
    cache_max_age: int | None = None  # defaulted: the other constructors of a FetchResult need not know it
