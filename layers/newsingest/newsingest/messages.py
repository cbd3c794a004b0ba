"""The queue message contract: a body is a bare URL or ``{"url": "...", "force": false, "source": "..."}``.

``source`` (optional) is the id of the feed or sitemap a scheduled poll found the URL in; the ingest
path carries it in ``IngestRequest.source_id`` and needs nothing else from it.

``parse_message`` never raises: it returns an ``IngestRequest`` or an ``InvalidMessage`` that says why, so the
pipeline can record every malformed body instead of losing it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from newsingest.urls import InvalidUrl, article_id, domain_of, normalize_url

# A malformed body is kept in its failure record up to this size, so it can be inspected without the queue.
MAX_RECORDED_BODY_CHARS = 1024
MAX_SOURCE_ID_CHARS = 64


@dataclass(frozen=True)
class IngestRequest:
    """A valid message: what to fetch, and whether to re-ingest even when the content is unchanged."""

    url: str  # normalized
    article_id: str
    domain: str
    force: bool = False
    submitted_url: str = ""
    source_id: str = ""  # the polled source that found it, if any


@dataclass(frozen=True)
class InvalidMessage:
    """A message we cannot ingest. ``reason`` is ``invalid_message`` (no usable URL) or ``invalid_url``."""

    reason: str
    detail: str
    record_id: str  # the DynamoDB key the failure is recorded under
    raw_body: str  # truncated to MAX_RECORDED_BODY_CHARS
    url: str | None = None  # the normalized URL, when only the URL itself was rejected later
    domain: str | None = None


def parse_message(body: object) -> IngestRequest | InvalidMessage:
    """Turn a queue message body into a request, or say exactly why it is not one."""
    if not isinstance(body, str) or not body.strip():
        return _invalid_body(body, "invalid_message", "message body is empty")
    text = body.strip()
    if text.startswith("{"):
        return _parse_json_body(text, body)
    if text.startswith(("[", '"')):
        return _invalid_body(body, "invalid_message", "body is JSON but not an object with a 'url'")
    return _request_from_url(text, force=False, body=body)


def _parse_json_body(text: str, body: str) -> IngestRequest | InvalidMessage:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: nesting deeper than the parser's stack
        return _invalid_body(body, "invalid_message", f"body starts with '{{' but is not valid JSON: {error}")
    if not isinstance(document, dict):
        return _invalid_body(body, "invalid_message", "JSON body is not an object")
    url = document.get("url")
    if not isinstance(url, str) or not url.strip():
        return _invalid_body(body, "invalid_message", "JSON body has no string 'url'")
    force = document.get("force", False)
    if not isinstance(force, bool):
        return _invalid_body(body, "invalid_message", "'force' must be true or false")
    source = document.get("source", "")
    if not isinstance(source, str) or len(source) > MAX_SOURCE_ID_CHARS:
        return _invalid_body(body, "invalid_message",
                             f"'source' must be a string of at most {MAX_SOURCE_ID_CHARS} characters")
    unknown = sorted(set(document) - {"url", "force", "source"})
    if unknown:
        return _invalid_body(body, "invalid_message", f"unknown field(s): {', '.join(unknown)}")
    return _request_from_url(url.strip(), force=force, body=body, source=source)


def _request_from_url(raw_url: str, *, force: bool, body: str, source: str = "") -> IngestRequest | InvalidMessage:
    try:
        url = normalize_url(raw_url)
    except InvalidUrl as error:
        return _invalid_body(body, "invalid_url", f"{error}: {raw_url[:200]!r}")
    return IngestRequest(url=url, article_id=article_id(url), domain=domain_of(url), force=force, submitted_url=raw_url,
                         source_id=source)


def _invalid_body(body: object, reason: str, detail: str) -> InvalidMessage:
    text = body if isinstance(body, str) else repr(body)
    return InvalidMessage(
        reason=reason,
        detail=detail,
        record_id=invalid_message_id(text),
        # Storable as UTF-8 even when the body holds unpaired surrogates (they are kept as \udXXX escapes).
        raw_body=text[:MAX_RECORDED_BODY_CHARS].encode("utf-8", "backslashreplace").decode("utf-8"),
    )


def invalid_message_id(body: str) -> str:
    """Failures without a usable URL are keyed by a hash of the body (prefixed so they never collide with URLs)."""
    digest = hashlib.sha256(body.encode("utf-8", errors="surrogatepass")).hexdigest()
    return f"msg-{digest}"


def encode_message(url: str, *, force: bool = False, source: str = "") -> str:
    """The body ``newsingest enqueue`` sends: bare URL unless ``force`` is set; a poll adds its ``source`` id."""
    if not (force or source):
        return url
    document: dict[str, object] = {"url": url, "force": True} if force else {"url": url}
    if source:
        document["source"] = source
    return json.dumps(document)
