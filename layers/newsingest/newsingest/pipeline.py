"""One message, one outcome: fetch → extract → store, with every failure classified.

``ingest`` is the orchestrator of the whole stage chain; handlers, the CLI's worker and the tests all call it.
Permanent failures are *recorded* here (and returned as an outcome); transient ones propagate as
``TransientFailure`` (or as the AWS error itself) so the batch layer leaves the message for redelivery.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsingest.extract import Article, extract_article
from newsingest.fetch import Fetcher, FetchResult
from newsingest.messages import IngestRequest, InvalidMessage
from newsingest.outcomes import Outcome, PermanentFailure, Status, TransientFailure
from newsingest.storage import ArticleEvents, ArticleItem, ArticleObjects, ArticleRepository, VersionConflict
from newsingest.storage.keys import raw_key, text_key

logger = logging.getLogger(__name__)

# Extracted fields that make a re-fetch "changed" even when the body text is identical.
_COMPARED_FIELDS = ("title", "authors", "published_at", "modified_at", "section", "tags", "source", "language",
                    "description", "image_url", "canonical_url", "site_name", "paywalled", "extractor_version")


# A DynamoDB item holds at most 400 KB, and a page can put anything in its metadata (a 500 KB description, a 300 KB
# og:title): such an item would be refused on every retry, and the message would end in the DLQ instead of stored.
# Metadata is bounded here, once, for both the record and the unchanged-comparison; URLs that are too long are
# dropped rather than cut (a cut URL is a wrong one). The full page stays in S3 (raw_key).
_MAX_FIELD_CHARS = {"title": 2048, "description": 4096, "section": 512, "source": 512, "site_name": 512,
                    "language": 64, "extractor_version": 64}
_MAX_URL_CHARS = 2048
_MAX_LIST_ITEMS = 100
_MAX_LIST_ITEM_CHARS = 512


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Dependencies:
    """Everything ``ingest`` talks to, created once per execution environment and passed in."""

    fetcher: Fetcher
    objects: ArticleObjects
    repository: ArticleRepository
    extract: Callable[..., Article] = extract_article
    clock: Callable[[], datetime] = field(default=utc_now)
    # Bounds the extractions running at once (CPU-bound, memory-heavy) while fetches of a batch still overlap
    # (Settings.extract_concurrency).
    extract_slots: threading.Semaphore = field(default_factory=lambda: threading.BoundedSemaphore(1))
    # The deadline rule: time kept for the S3 and DynamoDB writes. Extraction does not start, and the writes are not
    # begun, with less than this left before the record's deadline (the record is retried instead).
    write_reserve_s: float = 3.0
    monotonic: Callable[[], float] = time.monotonic
    # An ArticleStored event per stored article (new or changed) when a bus is configured; None: no events.
    events: ArticleEvents | None = None


@dataclass(frozen=True)
class Attempt:
    """The time facts of one processing attempt."""

    started: datetime

    @property
    def version(self) -> int:
        return int(self.started.timestamp() * 1_000_000)

    @property
    def iso(self) -> str:
        return self.started.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ingest(request: IngestRequest, deps: Dependencies, *, message_id: str | None = None,
           fetch_deadline: float | None = None, deadline: float | None = None) -> Outcome:
    """Ingest one URL.

    1. Read the stored record (validators for a conditional request, hash for change detection).
    2. Fetch safely (by ``fetch_deadline``, a ``time.monotonic()`` value, at the latest); a 304 is ``unchanged``;
       a permanent fetch failure is recorded and returned.
    3. Extract; an empty body is the permanent failure ``no_article`` (the raw page is kept for reprocessing).
    4. If text and metadata equal what is stored (and ``force`` is off): ``unchanged``, only ``last_checked_at`` moves.
    5. Write the raw HTML and the text to S3 (content-addressed keys, before the record).
    6. Write the record conditionally on ``version``; losing to a newer version is the outcome ``superseded``
       (a newer observation is stored: nothing to retry).
    7. With events on: publish ``ArticleStored``, then clear the record's ``pending_event`` (see ``_publish``).

    The ordering rule (docs/delivery-guarantees.md): ``version`` is the time the response *arrived*, taken after the
    fetch, not the attempt's start. An attempt that started first but fetched the updated page last stores it; a
    slow attempt that fetched the older page cannot replace it.

    ``deadline`` (a ``deps.monotonic()`` value) is when the batch stops waiting for this record: waiting for the
    extraction slot is bounded by it, and extraction and the writes do not start with less than
    ``deps.write_reserve_s`` left (``TransientFailure("deadline")``: retried, nothing half-written).
    """
    existing = deps.repository.get(request.article_id)
    # A stored article's HTTP validators make the re-crawl conditional (a 304 downloads nothing).
    validated = existing if existing is not None and existing.status == Status.OK.value and not request.force else None
    try:
        page = deps.fetcher.fetch(
            request.url,
            etag=validated.etag if validated else None,
            last_modified=validated.last_modified if validated else None,
            deadline=fetch_deadline,
        )
    except PermanentFailure as failure:
        return record_failure(request, failure, deps, Attempt(deps.clock()), message_id=message_id)
    attempt = Attempt(deps.clock())  # what this attempt observed arrived now: its version (the ordering rule)
    if page.not_modified and existing is not None and existing.content_sha256:
        return _confirm_unchanged(request, existing, page, deps, attempt)

    article = _extract_in_time(page, deps, deadline)
    if article.is_empty:
        _require_time(deps, deadline, "recording no_article")
        stored_raw = _store_raw(request, page, deps)
        no_article = PermanentFailure("no_article", f"no article body found in {len(page.body)} bytes of HTML")
        return record_failure(request, no_article, deps, attempt, message_id=message_id, raw_key=stored_raw,
                              http_status=page.status, final_url=page.final_url)

    content_sha256 = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    if existing is not None and not request.force and _same_content(existing, article, content_sha256):
        return _confirm_unchanged(request, existing, page, deps, attempt)

    item = _article_item(request, article, page, existing, attempt, content_sha256, message_id)
    if deps.events is not None:
        item = item.with_changes(pending_event=_change(existing))
    _require_time(deps, deadline, "writing the article")
    deps.objects.put_raw(item.raw_key or "", page.body, source_content_type=page.content_type)
    deps.objects.put_text(item.text_key or "", article.text)
    try:
        deps.repository.put_version(item)
    except VersionConflict:
        logger.info("newer version of %s already stored; this attempt is superseded", request.url)
        return _superseded(request.article_id, request.url)
    _publish(item, deps)
    return Outcome(Status.OK, request.article_id, request.url, word_count=article.word_count)


def _superseded(article_id: str, url: str) -> Outcome:
    return Outcome(Status.SUPERSEDED, article_id, url, detail="a newer observation of this URL is already stored")


def _extract_in_time(page: FetchResult, deps: Dependencies, deadline: float | None) -> Article:
    """Extract once a slot is free, unless the wait (or what is left after it) leaves no time for the writes."""
    if deadline is None:
        with deps.extract_slots:
            return deps.extract(page.body, page.final_url, content_type=page.content_type)
    wait = deadline - deps.monotonic() - deps.write_reserve_s
    if wait <= 0 or not deps.extract_slots.acquire(timeout=wait):
        raise TransientFailure("deadline", "no extraction slot before the record's deadline; retried")
    try:
        _require_time(deps, deadline, "extracting")
        return deps.extract(page.body, page.final_url, content_type=page.content_type)
    finally:
        deps.extract_slots.release()


def _require_time(deps: Dependencies, deadline: float | None, what: str) -> None:
    """The deadline rule: a stage that ends in writes starts only with ``write_reserve_s`` left."""
    if deadline is None:
        return
    left = deadline - deps.monotonic()
    if left < deps.write_reserve_s:
        raise TransientFailure("deadline", f"{left:.1f} s left before the record's deadline: not {what}; retried")


def record_invalid_message(message: InvalidMessage, deps: Dependencies, *,
                           message_id: str | None = None) -> Outcome:
    """A body with no usable URL is recorded under a hash of the body, so nothing disappears silently."""
    attempt = Attempt(deps.clock())
    item = ArticleItem(
        article_id=message.record_id, status=Status.FAILED.value, fetched_at=attempt.iso, version=attempt.version,
        reason=message.reason, detail=message.detail, raw_body=message.raw_body, message_id=message_id,
        url=message.url, domain=message.domain,
    )
    if not _write_failure(item, deps):
        return _superseded(item.article_id, message.url or "")
    return Outcome(Status.FAILED, item.article_id, message.url or "", reason=message.reason, detail=message.detail)


def record_failure(request: IngestRequest, failure: PermanentFailure, deps: Dependencies, attempt: Attempt, *,
                   message_id: str | None = None, raw_key: str | None = None, http_status: int | None = None,
                   final_url: str | None = None) -> Outcome:
    """Record a permanent failure of a valid URL (keeping any article stored before)."""
    item = ArticleItem(
        article_id=request.article_id, status=Status.FAILED.value, fetched_at=attempt.iso, version=attempt.version,
        url=request.url, domain=request.domain, reason=failure.reason, detail=failure.detail[:1000],
        raw_key=raw_key, http_status=http_status or _status_of(failure.reason),
        final_url=final_url if final_url != request.url else None,
        message_id=message_id,
    )
    if not _write_failure(item, deps):
        return _superseded(request.article_id, request.url)
    return Outcome(Status.FAILED, request.article_id, request.url, reason=failure.reason, detail=failure.detail)


def _status_of(reason: str) -> int | None:
    """``http_404`` → 404: failures named after an HTTP status record that status too."""
    code = reason.removeprefix("http_")
    return int(code) if reason.startswith("http_") and code.isdigit() else None


def _write_failure(item: ArticleItem, deps: Dependencies) -> bool:
    """Record the failure; False when a newer observation is already stored (the failure is superseded)."""
    try:
        deps.repository.record_failure(item)
    except VersionConflict:
        logger.info("newer record of %s already stored; failure not recorded over it", item.article_id)
        return False
    return True


def _change(existing: ArticleItem | None) -> str:
    """What the event of a version about to be written says: "new" unless an article was stored here before.

    An earlier version whose "new" event never went out (still pending when this newer one replaces it) passes
    "new" on: consumers have not heard of the article yet.
    """
    if existing is None or not existing.text_key or existing.pending_event == "new":
        return "new"
    return "changed"


def _publish(item: ArticleItem, deps: Dependencies) -> None:
    """Publish the pending ``ArticleStored`` event of the stored ``item``, then mark it published.

    At least once: the record is written with ``pending_event`` first, so a publish that fails (it raises) leaves
    it there and the message is retried; the retry finds the content unchanged and publishes from the record
    (``_confirm_unchanged``). A publish that succeeded but could not be marked is published again by the next
    ingest of the URL: a duplicate, which consumers drop by ``article_id`` + ``version`` (docs/events.md).
    """
    if deps.events is None or item.pending_event is None:
        return
    deps.events.publish(item, item.pending_event)
    if not deps.repository.clear_pending_event(item.article_id, item.version):
        logger.info("%s replaced by a newer version before its event was marked published", item.article_id)


def _confirm_unchanged(request: IngestRequest, existing: ArticleItem, page: FetchResult, deps: Dependencies,
                       attempt: Attempt) -> Outcome:
    # The stored version's event may still be pending (its publish failed after the write): this is its retry.
    # Published before the confirmation moves ``version``: the event carries the version that stored the content.
    _publish(existing, deps)
    try:
        deps.repository.touch_unchanged(
            request.article_id, checked_at=attempt.iso, content_sha256=existing.content_sha256 or "",
            etag=page.etag, last_modified=page.last_modified, version=attempt.version,
        )
    except VersionConflict:
        logger.info("record of %s changed while confirming it unchanged; the newer one stands", request.url)
        return _superseded(request.article_id, request.url)
    return Outcome(Status.UNCHANGED, request.article_id, request.url, word_count=existing.word_count)


def _same_content(existing: ArticleItem, article: Article, content_sha256: str) -> bool:
    if existing.status != Status.OK.value or existing.content_sha256 != content_sha256:
        return False
    extracted = article_fields(article)
    if existing.date_source == "first_seen" and article.published_at is None:
        extracted["published_at"] = existing.published_at  # the stand-in date is ours, not the page's
    return all(getattr(existing, name) == extracted[name] for name in _COMPARED_FIELDS)


def article_fields(article: Article) -> dict[str, object]:
    """The extracted fields of a record, bounded: the one article → record mapping of ingest and reprocess."""
    return _bounded({
        "title": article.title, "authors": tuple(article.authors), "published_at": article.published_at,
        "modified_at": article.modified_at, "section": article.section, "tags": tuple(article.tags),
        "source": article.source, "language": article.language, "description": article.description,
        "image_url": article.image_url, "canonical_url": article.canonical_url, "site_name": article.site_name,
        "paywalled": article.paywalled, "extractor_version": article.extractor_version or None,
        "extraction_warnings": tuple(article.warnings),
    })


def _bounded(fields: dict[str, object]) -> dict[str, object]:
    """Metadata cut to sizes that always fit one DynamoDB item (see ``_MAX_FIELD_CHARS``)."""
    for name, limit in _MAX_FIELD_CHARS.items():
        value = fields.get(name)
        if isinstance(value, str) and len(value) > limit:
            fields[name] = value[:limit]
    for name in ("canonical_url", "image_url"):
        value = fields.get(name)
        if isinstance(value, str) and len(value) > _MAX_URL_CHARS:
            fields[name] = None
    for name in ("authors", "tags"):
        values = fields.get(name)
        if isinstance(values, tuple):
            fields[name] = tuple(value[:_MAX_LIST_ITEM_CHARS] for value in values[:_MAX_LIST_ITEMS])
    return fields


def _store_raw(request: IngestRequest, page: FetchResult, deps: Dependencies) -> str:
    key = raw_key(request.domain, request.article_id, hashlib.sha256(page.body).hexdigest())
    deps.objects.put_raw(key, page.body, source_content_type=page.content_type)
    return key


def _article_item(request: IngestRequest, article: Article, page: FetchResult, existing: ArticleItem | None,
                  attempt: Attempt, content_sha256: str, message_id: str | None) -> ArticleItem:
    """Map the extracted article and the fetch onto the one record model."""
    first_seen = existing.first_seen_at if existing and existing.first_seen_at else attempt.iso
    fields = article_fields(article)
    # Every stored article must be listable by domain: when the page gives no date, the first time we saw it
    # stands in, and date_source says so (the page's own date is never invented or altered).
    published_at = article.published_at or first_seen
    return ArticleItem(
        article_id=request.article_id, status=Status.OK.value, fetched_at=attempt.iso, version=attempt.version,
        url=request.url, domain=request.domain, final_url=page.final_url if page.final_url != request.url else None,
        published_at=published_at,
        date_source=(article.date_source or "page") if article.published_at else "first_seen",
        word_count=article.word_count, content_sha256=content_sha256,
        text_key=text_key(request.domain, request.article_id, content_sha256),
        raw_key=raw_key(request.domain, request.article_id, hashlib.sha256(page.body).hexdigest()),
        http_status=page.status, etag=page.etag, last_modified=page.last_modified, first_seen_at=first_seen,
        last_checked_at=attempt.iso, message_id=message_id,
        # the extracted fields are ArticleItem's own names (article_fields), typed per field there
        **{name: value for name, value in fields.items() if name != "published_at"},  # type: ignore[arg-type]  # see above
    )
