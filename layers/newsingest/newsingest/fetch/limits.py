"""Every constant and tunable of fetching, in one place.

The production defaults of :class:`~newsingest.fetch.options.FetchOptions` come from here, as do the fixed
protocol limits that are not worth a setting (robots.txt size, Retry-After clamp, sniffing window …).
"""

from __future__ import annotations

from typing import Final

from newsingest import __version__

#: Product token first (robots.txt groups match on it), contact URL second (so an operator can reach us).
ROBOTS_PRODUCT_TOKEN: Final = "newsingest"
DEFAULT_USER_AGENT: Final = f"{ROBOTS_PRODUCT_TOKEN}/{__version__} (+https://github.com/newsingest/newsingest)"

KIB: Final = 1024
MIB: Final = 1024 * KIB

DEFAULT_CONNECT_TIMEOUT: Final = 3.0
DEFAULT_READ_TIMEOUT: Final = 10.0
# Per URL, across DNS, the per-host queue, robots.txt, every redirect hop and the whole body.
DEFAULT_TOTAL_TIMEOUT: Final = 20.0
# Bytes on the wire (compressed). Real article pages are well under 2 MiB.
DEFAULT_MAX_BODY_BYTES: Final = 10 * MIB
# Bytes after Content-Encoding / gzip sitemap decoding: caps gzip, deflate and brotli bombs. The same as the body
# cap: what the function holds per page is the decoded body, and memory is sized for that (docs/performance.md).
DEFAULT_MAX_DECOMPRESSED_BYTES: Final = 10 * MIB
DEFAULT_MAX_REDIRECTS: Final = 5
DEFAULT_ALLOWED_PORTS: Final = frozenset({80, 443})
DEFAULT_ROBOTS_TTL: Final = 3600.0
# Connections to one host at a time from one execution environment: what a browser opens per host (6), so one
# invocation never loads a site more than a single reader's browser does; a batch of 10 URLs of one site then
# takes two waves instead of five.
DEFAULT_PER_HOST_CONCURRENCY: Final = 6

# RFC 9309 §2.5: crawlers must parse at least 500 KiB; we read that much and ignore the rest.
ROBOTS_MAX_BYTES: Final = 500 * KIB
# RFC 9309 §2.3.1.2: follow at least five redirects for robots.txt.
ROBOTS_MAX_REDIRECTS: Final = 5
# How long an unreachable robots.txt (5xx, timeout …) keeps the host "disallowed for now" before we ask again:
# short, so a transient outage does not block a host for the whole TTL, but long enough that one batch of
# ten URLs to a broken host does not send ten robots.txt requests.
ROBOTS_ERROR_TTL: Final = 60.0
# Answers whose Retry-After rests the host for every function (the fleet-wide host gate), not just this message.
SLOW_DOWN_STATUSES: Final = frozenset({429, 503})

# SQS caps a message's visibility timeout at 12 hours: a larger Retry-After is useless to the pipeline.
MAX_RETRY_AFTER_SECONDS: Final = 12 * 3600.0

# Read the socket in chunks of this size (the body cap is checked after each chunk).
READ_CHUNK_BYTES: Final = 64 * KIB
# Bytes looked at when sniffing a body without a Content-Type (WHATWG MIME sniffing uses 1445).
SNIFF_BYTES: Final = 1445
# A redirect/error body up to this size is read (within the deadline) so the connection can be reused;
# anything bigger is dropped together with its connection.
DRAIN_MAX_BYTES: Final = 16 * KIB

# The whole response head (status line and headers, interim 1xx responses included). http.client caps one line at
# 64 KiB and a head at 100 headers, not their sum: 97 headers of 64 KB added 49 MB per fetch once parsed and
# copied. Real sites send a few KB (cookies included); browsers and proxies refuse heads far below 6 MB.
MAX_HEADER_BYTES: Final = 256 * KIB
# 102 Processing / 103 Early Hints before the final response: skipped, but not forever.
MAX_INTERIM_RESPONSES: Final = 10

# Compressed bytes handed to zlib at a time while inflating: from the first window at each gzip member, doubling up
# to the largest (bounds what each call copies back: decoding stays linear in the input).
INFLATE_FIRST_WINDOW_BYTES: Final = 64
INFLATE_WINDOW_BYTES: Final = 64 * KIB
# gzip members in one body. Real multi-member bodies have a few (bgzip blocks of 64 KiB: 160 in 10 MiB); a flood of
# empty 20-byte members (500,000 in 10 MiB, itself gzipped to 25 KB on the wire) costs a decompressor each.
MAX_GZIP_MEMBERS: Final = 10_000
# The deadline is checked every this many inflate steps (a step is one window or one gzip member).
INFLATE_DEADLINE_CHECK_STEPS: Final = 64

# Connection pools kept per Fetcher (one per vetted address and TLS hostname), LRU-evicted beyond this.
POOL_COUNT: Final = 64
# Threads resolving names (so a hung resolver counts against the deadline instead of blocking forever).
RESOLVER_THREADS: Final = 8

HTML_MEDIA_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
XML_MEDIA_TYPES: Final = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        # .xml.gz sitemaps are served as gzip files (no Content-Encoding): gunzipped under the decompressed cap.
        "application/x-gzip",
        "application/gzip",
    }
)
GZIP_MEDIA_TYPES: Final = frozenset({"application/x-gzip", "application/gzip"})
# "I don't know" types: for XML_TYPES fetches they are sniffed like a missing Content-Type.
GENERIC_MEDIA_TYPES: Final = frozenset({"application/octet-stream", "binary/octet-stream"})
# FetchResult.content_type keeps the header as sent (the extractor reads its charset) but no longer than this.
MAX_CONTENT_TYPE_CHARS: Final = 200
