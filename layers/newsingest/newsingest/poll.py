"""The scheduled poll (issue 16): due sources → safe conditional fetch → new article URLs → ArticlesQueue.

The poll function (``functions/poll/app.py``) and ``newsingest sources poll`` run the same :func:`poll_sources`.
Every article URL a poll finds ends enqueued exactly once across overlapping polls (``SourceStore.claim_urls``),
or, when the send fails, unclaimed again so the next poll retries it; a source that cannot be read is recorded
with its reason and backed off (``newsingest.sources.backoff_s``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from newsingest.storage.queue import send_bodies
from newsingest.feeds import Document, FeedError, parse_document, read_sitemap
from newsingest.messages import encode_message
from newsingest.outcomes import HOST_BUDGET_REASON, IngestFailure, PermanentFailure, TransientFailure
from newsingest.sources import Observation, backoff_s, next_interval
from newsingest.storage.sources import Source, SourceStore
from newsingest.urls import InvalidUrl, article_id, normalize_url

log = logging.getLogger(__name__)

DEFAULT_MAX_SOURCES = 1000  # sources one invocation takes at most
DEFAULT_CONCURRENCY = 16  # sources fetched at once (their fetches are mostly waiting)
LEASE_S = 120  # a taken source is due again after this if the poll dies
START_MARGIN_S = 5.0  # no source is started with less time than this left (the fetch, the claims, the send)
MAX_FETCH_S = 20.0
MAX_CHILD_SITEMAPS = 10  # child sitemaps of an index read per poll (the newest)


@dataclass(frozen=True)
class PollContext:
    """What a poll needs: the store, the fetcher, the queue, and clocks (injected for tests)."""

    store: SourceStore
    fetcher: Any  # newsingest.fetch.Fetcher
    sqs: Any
    queue_url: str
    now: Callable[[], float] = time.time  # epoch seconds (stored times)
    remaining_s: Callable[[], float] = lambda: float("inf")  # time left in the invocation
    monotonic: Callable[[], float] = time.monotonic  # the fetcher's clock, for its deadline
    concurrency: int = DEFAULT_CONCURRENCY
    max_sources: int = DEFAULT_MAX_SOURCES


@dataclass(frozen=True)
class SourceResult:
    url: str
    status: str  # ok, not_modified, failed, skipped (another poll took it), waiting (for its host's budget)
    found: int = 0
    enqueued: int = 0
    error: str | None = None
    next_poll_at: int = 0


@dataclass
class PollReport:
    """Totals of one poll."""

    results: list[SourceResult] = field(default_factory=list)
    left_due: int = 0  # due sources not started because the deadline was near

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def found(self) -> int:
        return sum(result.found for result in self.results)

    @property
    def enqueued(self) -> int:
        return sum(result.enqueued for result in self.results)

    def summary(self) -> dict[str, int]:
        return {"polled": len(self.results) - self.count("skipped"), "ok": self.count("ok"),
                "not_modified": self.count("not_modified"), "failed": self.count("failed"),
                "skipped": self.count("skipped"), "waiting": self.count("waiting"), "found": self.found,
                "enqueued": self.enqueued,
                "left_due": self.left_due}


def poll_sources(context: PollContext) -> PollReport:
    """Poll every due source once, inside the invocation's deadline.

    1. read the due sources (most overdue first, at most ``max_sources``);
    2. for each, while more than ``START_MARGIN_S`` remain: lease it (skip it if another poll did), fetch it
       conditionally through the safe fetcher, claim the URLs not seen before, send them, record the outcome and
       the next poll (adaptive interval, or backoff after a failure);
    3. sources not started stay due for the next invocation (``left_due``).
    """
    report = PollReport()
    due = context.store.due(int(context.now()), context.max_sources)
    if not due:
        return report
    with ThreadPoolExecutor(max(1, min(context.concurrency, len(due))), thread_name_prefix="poll") as pool:
        outcomes = list(pool.map(lambda source: _poll_if_time(context, source), due))
    for outcome in outcomes:
        if outcome is None:
            report.left_due += 1
        else:
            report.results.append(outcome)
    log.info("poll: %s", report.summary())
    return report


def _poll_if_time(context: PollContext, source: Source) -> SourceResult | None:
    if context.remaining_s() < START_MARGIN_S:
        return None
    now = int(context.now())
    try:
        if not context.store.lease(source, now + LEASE_S):
            return SourceResult(source.url, "skipped")
        return poll_one(context, source, now)
    except Exception as error:  # the table itself failed: the lease expires and the source is due again
        log.exception("poll %s: could not record the outcome", source.url)
        return SourceResult(source.url, "failed", error=f"{type(error).__name__}: {error}"[:300])


def poll_one(context: PollContext, source: Source, now: int) -> SourceResult:
    """Fetch one (leased) source and record the outcome; never raises for the source's own failures."""
    try:
        return _poll(context, source, now)
    except IngestFailure as failure:
        if failure.reason == HOST_BUDGET_REASON:
            return _wait_for_budget(context, source, now, failure)
        return _record_failure(context, source, now, failure)
    except FeedError as error:
        return _record_failure(context, source, now, PermanentFailure("not_a_feed", str(error)))


def _poll(context: PollContext, source: Source, now: int) -> SourceResult:
    from newsingest.fetch import XML_TYPES  # noqa: PLC0415

    budget = max(1.0, min(MAX_FETCH_S, context.remaining_s() - START_MARGIN_S))
    result = context.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified,
                                   accept_types=XML_TYPES, deadline=context.monotonic() + budget)
    if result.not_modified:
        seen = Observation(new_urls=0, not_modified=True, cache_max_age_s=_max_age(result))
        interval = next_interval(source.interval_s, source.every_s, seen)
        updated = replace(source, last_status="not_modified", last_error=None, failures=0, last_polled_at=now,
                          interval_s=interval, next_poll_at=now + interval)
        context.store.save_poll(updated)
        return SourceResult(source.url, "not_modified", next_poll_at=updated.next_poll_at)
    document = parse_document(result.body, source=result.final_url or source.url, content_type=result.content_type)
    entries = _entries(context, source, document)
    try:
        found, enqueued = _enqueue_new(context, source, [entry.url for entry in entries], now)
    except IngestFailure:
        raise
    except Exception as error:  # claims released: the next poll (validators not saved) fetches and sends again
        raise TransientFailure("enqueue_failed", f"{type(error).__name__}: {error}"[:300]) from error
    seen = Observation(new_urls=enqueued, dates=[entry.date for entry in entries], hints=document.hints,
                       cache_max_age_s=_max_age(result))
    interval = next_interval(source.interval_s, source.every_s, seen)
    updated = replace(source, kind=document.kind, etag=result.etag, last_modified=result.last_modified,
                      last_status="ok", last_error=None, failures=0, last_polled_at=now, interval_s=interval,
                      next_poll_at=now + interval, found=source.found + found, enqueued=source.enqueued + enqueued)
    context.store.save_poll(updated)
    return SourceResult(source.url, "ok", found=found, enqueued=enqueued, next_poll_at=updated.next_poll_at)


def _entries(context: PollContext, source: Source, document: Document) -> list[Any]:
    """The document's entries. Of a sitemap index, the children changed since the last poll (by their
    ``lastmod``, a day's slack; undated ones always) are read too, newest first, at most ``MAX_CHILD_SITEMAPS``,
    and none once the deadline is near (they are read without validators)."""
    if document.kind != "sitemapindex":
        return document.entries
    from newsingest.feeds import fetcher_bytes  # noqa: PLC0415

    since = None if source.last_polled_at is None else source.last_polled_at - 86_400
    fresh = [child for child in document.children
             if child.date is None or since is None or child.date.timestamp() >= since]
    fresh.sort(key=lambda child: child.date.timestamp() if child.date else float("inf"), reverse=True)
    entries: list[Any] = []
    for child in fresh[:MAX_CHILD_SITEMAPS]:
        if context.remaining_s() < 2 * START_MARGIN_S:
            break
        entries += read_sitemap(fetcher_bytes(context.fetcher), child.url, max_depth=0).entries
    return entries


def _max_age(result: Any) -> int | None:
    """``Cache-Control: max-age`` of the response, when the fetch result carries it (``cache_max_age``)."""
    value = getattr(result, "cache_max_age", None)
    return int(value) if isinstance(value, (int, float)) and value > 0 else None


def _enqueue_new(context: PollContext, source: Source, links: list[str], now: int) -> tuple[int, int]:
    """(found, enqueued): claim the normalized URLs not seen before, send the claimed ones, mark them sent."""
    pairs: dict[str, str] = {}
    for link in links:
        try:
            url = normalize_url(link)
        except InvalidUrl:
            continue
        pairs.setdefault(url, article_id(url))
    claim = context.store.claim_urls(pairs.items(), source.id, now)
    if not claim.claimed:
        return len(pairs), 0
    bodies = {encode_message(url, source=source.id): url for url in claim.claimed}
    try:
        sent, failures = send_bodies(context.sqs, context.queue_url, list(bodies))
    except Exception:
        context.store.release(pairs[url] for url in claim.claimed)
        raise
    failed = {bodies[body] for body, _ in failures}
    context.store.release(pairs[url] for url in failed)
    context.store.mark_sent([(url, pairs[url]) for url in claim.claimed if url not in failed], source.id, now)
    if failed:  # the validators must not be saved, or an unchanged feed would never offer these URLs again
        raise TransientFailure("enqueue_failed", f"{len(failed)} URL(s) not sent ({failures[0][1]}); retried next poll")
    return len(pairs), sent


def _wait_for_budget(context: PollContext, source: Source, now: int, failure: IngestFailure) -> SourceResult:
    """The host's shared budget has no slot soon enough: the source is due again then, and it is no failure."""
    wait = math.ceil(getattr(failure, "retry_after", None) or 1)
    updated = replace(source, next_poll_at=now + wait)
    context.store.save_poll(updated)
    log.info("poll %s waits %d s for its host's request budget", source.url, wait)
    return SourceResult(source.url, "waiting", next_poll_at=updated.next_poll_at)


def _record_failure(context: PollContext, source: Source, now: int, failure: IngestFailure) -> SourceResult:
    permanent = isinstance(failure, PermanentFailure)
    failures = source.failures + 1
    wait = backoff_s(failures, source.interval_s, permanent=permanent)
    retry_after = getattr(failure, "retry_after", None)
    if isinstance(retry_after, (int, float)) and retry_after > wait:
        wait = int(retry_after)
    error = f"{failure.reason}: {failure.detail}"[:500]
    updated = replace(source, last_status="failed", last_error=error, failures=failures, last_polled_at=now,
                      next_poll_at=now + wait)
    context.store.save_poll(updated)
    log.info("poll %s failed (%s), next try in %d s", source.url, failure.reason, wait)
    return SourceResult(source.url, "failed", error=error, next_poll_at=updated.next_poll_at)


def new_source(url: str, every_s: int, now: int) -> Source:
    """A source as ``sources add`` creates it: due at once, interval = the asked one."""
    return Source(url=url, every_s=every_s, interval_s=every_s, next_poll_at=now, added_at=now)


@dataclass(frozen=True)
class PollSettings:
    """The poll function's environment."""

    sources_table: str
    queue_url: str
    fetch: Any  # FetchOptions
    concurrency: int = DEFAULT_CONCURRENCY
    max_sources: int = DEFAULT_MAX_SOURCES
    shared: Any = None  # the ingest Settings the FETCH_* and HOST_* variables make (the host budget's settings)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> PollSettings:
        import os  # noqa: PLC0415

        from newsingest.settings import Settings, SettingsError  # noqa: PLC0415

        env = dict(os.environ if environ is None else environ)
        for name in ("SOURCES_TABLE", "QUEUE_URL"):
            if not env.get(name, "").strip():
                raise SettingsError(f"{name} is required")
        # The FETCH_* variables mean what they mean for the ingest function: parsed by the same code.
        shared = Settings.from_env({**env, "ARTICLES_BUCKET": "-", "ARTICLES_TABLE": "-"})
        fetch = shared.fetch
        concurrency = int(env.get("POLL_CONCURRENCY", DEFAULT_CONCURRENCY))
        max_sources = int(env.get("POLL_MAX_SOURCES", DEFAULT_MAX_SOURCES))
        if concurrency < 1 or max_sources < 1:
            raise SettingsError("POLL_CONCURRENCY and POLL_MAX_SOURCES must be >= 1")
        return cls(env["SOURCES_TABLE"].strip(), env["QUEUE_URL"].strip(), fetch, concurrency, max_sources, shared)


_ENVIRONMENT: dict[str, Any] = {}  # one fetcher and one set of clients per execution environment


def run_scheduled_poll(lambda_context: Any, environ: dict[str, str] | None = None) -> dict[str, int]:
    """The poll function's one call: settings from the environment, the deadline from the Lambda context."""
    if "settings" not in _ENVIRONMENT:
        from newsingest.fetch import Fetcher  # noqa: PLC0415
        from newsingest.storage.clients import create_clients  # noqa: PLC0415

        from newsingest.politeness import host_gate  # noqa: PLC0415

        settings = PollSettings.from_env(environ)
        clients = create_clients(max_pool_connections=settings.concurrency + 8)
        # Feeds draw on the same per-host budget as the ingest functions' article requests.
        _ENVIRONMENT.update(settings=settings, clients=clients,
                            fetcher=Fetcher(settings.fetch, gate=host_gate(settings.shared, clients.dynamodb)))
    settings, clients = _ENVIRONMENT["settings"], _ENVIRONMENT["clients"]
    remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
    context = PollContext(store=SourceStore(clients.dynamodb, settings.sources_table), fetcher=_ENVIRONMENT["fetcher"],
                          sqs=clients.sqs, queue_url=settings.queue_url,
                          remaining_s=(lambda: remaining() / 1000) if callable(remaining) else (lambda: float("inf")),
                          concurrency=settings.concurrency, max_sources=settings.max_sources)
    return poll_sources(context).summary()
