"""The scheduled poll (issue 16): due sources → safe conditional fetch → new article URLs → ArticlesQueue.

The poll function (``functions/poll/app.py``) and ``newsingest sources poll`` run the same :func:`poll_sources`.
Every article URL a poll finds ends enqueued exactly once across overlapping polls (``SourceStore.claim_urls``),
or, when the send fails, unclaimed again so the next poll retries it; a source that cannot be read is recorded
with its reason and backed off (``newsingest.sources.backoff_s``).

Workers only fetch; the table and queue calls are made for groups of fetched sources (their claims checked,
sent and marked together, their outcomes written together), so a poll costs a few calls per group plus the
per-URL conditional claim and the per-source outcome, not eight calls per source.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from newsingest.feeds import Document, FeedError, parse_document, read_sitemap
from newsingest.messages import encode_message
from newsingest.outcomes import HOST_BUDGET_REASON, IngestFailure, PermanentFailure, TransientFailure
from newsingest.sources import Observation, backoff_s, next_interval
from newsingest.storage.queue import send_bodies
from newsingest.storage.sources import Source, SourceStore
from newsingest.urls import InvalidUrl, article_id, normalize_url

log = logging.getLogger(__name__)

DEFAULT_MAX_SOURCES = 1000  # sources one invocation takes at most
DEFAULT_CONCURRENCY = 16  # sources fetched at once (their fetches are mostly waiting)
POLL_LOCK_S = 900  # the longest a poll holds the poll lock (a poll with no deadline of its own: the CLI)
START_MARGIN_S = 5.0  # no source is started with less time than this left (the fetch, the claims, the send)
GROUP_LINKS = 100  # links in hand before a group's claims are written (one BatchGetItem's worth)
GROUP_SOURCES = 50  # fetched sources whose outcomes are written together at most (304s carry no links)
# A group's batches (about 10) go one after the other while the workers keep fetching: more in flight would only
# shorten a wait the fetches overlap, and on an emulator whose send cost grows with the queue's depth (moto) it
# pushes single calls past the 5 s read timeout, whose retries then send twice.
SEND_CONCURRENCY = 1
# Groups finished at once: a group's calls are mostly one after the other (its claim transaction, its sends, its
# marks), so one group at a time left the table and the queue idle half the time (500 feeds: 16-18 s; 3: 11-13 s).
FINISH_CONCURRENCY = 3
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
    status: str  # ok, not_modified, failed, skipped (another poll is running), waiting (for its host's budget)
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

    1. take the poll lock (held by another poll: every due source is reported ``skipped``, nothing is fetched);
    2. read the due sources (most overdue first, at most ``max_sources``);
    3. workers (``concurrency``) fetch them conditionally through the safe fetcher while more than
       ``START_MARGIN_S`` remain, of the invocation and of the lock;
    4. meanwhile the fetched ones are finished in groups, ``FINISH_CONCURRENCY`` groups at once (``_finish``):
       claims the URLs not seen before, sends them, marks them sent, records every outcome and next poll
       (adaptive interval, or backoff);
    5. sources not started stay due for the next invocation (``left_due``); the lock is given back.
    """
    now = int(context.now())
    owner = uuid.uuid4().hex
    until = now + int(min(POLL_LOCK_S, context.remaining_s()))
    if not context.store.take_poll_lock(owner, now, until):
        report = PollReport([SourceResult(source.url, "skipped")
                             for source in context.store.due(now, context.max_sources)])
        log.info("poll: another poll holds the lock; %s", report.summary())
        return report
    remaining = context.remaining_s
    locked = replace(context, remaining_s=lambda: min(remaining(), until - context.now()))
    try:
        report = _poll_due(locked, context.store.due(now, context.max_sources))
    finally:
        _release_lock(context, owner)
    log.info("poll: %s", report.summary())
    return report


def _release_lock(context: PollContext, owner: str) -> None:
    try:
        context.store.release_poll_lock(owner)
    except Exception:  # it expires on its own: the next poll waits for it, nothing is lost
        log.exception("poll: could not give back the poll lock")


def _poll_due(context: PollContext, due: list[Source]) -> PollReport:
    """Fetch ``due`` in workers; finish the fetched ones in groups, a few groups at once (the workers go on
    fetching). A URL two groups both bring is claimed by one of them: the claims' conditions decide."""
    report = PollReport()
    if not due:
        return report
    results: dict[str, SourceResult] = {}
    group: list[_Fetched] = []
    with ThreadPoolExecutor(max(1, min(context.concurrency, len(due))), thread_name_prefix="poll") as pool, \
            ThreadPoolExecutor(FINISH_CONCURRENCY, thread_name_prefix="finish") as finishers:
        finishing = []
        for future in as_completed([pool.submit(_fetch_if_time, context, source) for source in due]):
            fetched = future.result()
            if fetched is None:
                report.left_due += 1
                continue
            group.append(fetched)
            if _group_full(group):
                finishing.append(finishers.submit(_finish, context, group))
                group = []
        finishing.append(finishers.submit(_finish, context, group))
        for finished in finishing:
            results |= finished.result()
    report.results = [results[source.url] for source in due if source.url in results]
    return report


@dataclass
class _Fetched:
    """A source after its fetch: the result and entries, or why it failed; then what its group made of it."""

    source: Source
    now: int  # when it was started (its stored times)
    result: Any = None  # FetchResult
    document: Document | None = None
    entries: list[Any] = field(default_factory=list)
    failure: IngestFailure | None = None
    crash: str | None = None  # not the source's failure (a bug, the host budget's table): nothing is recorded
    links: dict[str, str] = field(default_factory=dict)  # normalized URL -> article id
    enqueued: int = 0


def _group_full(group: list[_Fetched]) -> bool:
    """Enough links for a claim check, or enough sources waiting for their outcome to be written."""
    return len(group) >= GROUP_SOURCES or sum(len(fetched.entries) for fetched in group) >= GROUP_LINKS


def _fetch_if_time(context: PollContext, source: Source) -> _Fetched | None:
    """The source fetched, or None when too little time is left to start it (it stays due)."""
    if context.remaining_s() < START_MARGIN_S:
        return None
    now = int(context.now())
    try:
        return _fetch(context, source, now)
    except Exception as error:  # not the source's failure: nothing recorded, the source stays due
        log.exception("poll %s: could not fetch", source.url)
        return _Fetched(source, now, crash=f"{type(error).__name__}: {error}"[:300])


def poll_one(context: PollContext, source: Source, now: int) -> SourceResult:
    """Fetch one source and record the outcome (a group of one); never raises for the source's own failures."""
    return _finish(context, [_fetch(context, source, now)])[source.url]


def _fetch(context: PollContext, source: Source, now: int) -> _Fetched:
    """Fetch and parse a source (the waiting part, run by the workers); its own failures are kept, not raised."""
    from newsingest.fetch import XML_TYPES  # noqa: PLC0415 (lazy: the ingest path imports poll.py's models only)

    budget = max(1.0, min(MAX_FETCH_S, context.remaining_s() - START_MARGIN_S))
    try:
        result = context.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified,
                                       accept_types=XML_TYPES, deadline=context.monotonic() + budget)
        if result.not_modified:
            return _Fetched(source, now, result)
        document = parse_document(result.body, source=result.final_url or source.url,
                                  content_type=result.content_type)
        return _Fetched(source, now, result, document, _entries(context, source, document))
    except IngestFailure as failure:
        return _Fetched(source, now, failure=failure)
    except FeedError as error:
        return _Fetched(source, now, failure=PermanentFailure("not_a_feed", str(error)))


def _finish(context: PollContext, group: list[_Fetched]) -> dict[str, SourceResult]:
    """Claim, send and record a group of fetched sources: the calls of many sources shared.

    1. the new URLs of the sources that brought a document are claimed, sent and marked sent (``_enqueue_new``);
       a source some of whose URLs were not sent becomes a transient failure (its validators are not saved, so
       the next poll offers those URLs again);
    2. every outcome is written (``save_polls``, one conditional update per source); a source whose write failed
       is reported failed and stays due.
    """
    fresh = [fetched for fetched in group if fetched.document is not None and fetched.failure is None]
    try:
        _enqueue_new(context, fresh)
    except Exception as error:  # noqa: BLE001 (any send failure: claims released, the next poll sends again)
        failure = error if isinstance(error, IngestFailure) else \
            TransientFailure("enqueue_failed", f"{type(error).__name__}: {error}"[:300])
        for fetched in fresh:
            fetched.failure = failure
    results = {fetched.source.url: SourceResult(fetched.source.url, "failed", error=fetched.crash)
               for fetched in group if fetched.crash}
    started = [fetched for fetched in group if not fetched.crash]
    outcomes = [_outcome(fetched) for fetched in started]
    errors = context.store.save_polls([(updated, fetched.source)
                                       for (updated, _), fetched in zip(outcomes, started, strict=True)])
    for (updated, result), write_error in zip(outcomes, errors, strict=True):
        if write_error is not None:  # the table itself failed: nothing recorded, the source stays due
            log.error("poll %s: could not record the outcome: %s", updated.url, write_error)
            result = SourceResult(updated.url, "failed", error=f"{type(write_error).__name__}: {write_error}"[:300])
        results[updated.url] = result
    return results


def _enqueue_new(context: PollContext, group: list[_Fetched]) -> None:
    """Claim the group's normalized URLs not seen before, send the claimed ones, mark them sent; sets each source's
    ``links`` and ``enqueued``, and ``failure`` for a source some of whose URLs could not be sent."""
    owner: dict[str, _Fetched] = {}  # a URL two sources list is claimed for, and counted by, the first
    ids: dict[str, str] = {}  # normalized URL -> article id, hashed once
    for fetched in group:
        for entry in fetched.entries:
            try:
                url = normalize_url(entry.url)
            except InvalidUrl:
                continue
            if url not in ids:
                ids[url] = article_id(url)
            fetched.links.setdefault(url, ids[url])
            owner.setdefault(url, fetched)
    if not owner:
        return
    now = int(context.now())
    claim = context.store.claim_urls([(url, ids[url], fetched.source.id) for url, fetched in owner.items()], now)
    if not claim.claimed:
        return
    bodies = {encode_message(url, source=owner[url].source.id): url for url in claim.claimed}
    try:
        _, failures = send_bodies(context.sqs, context.queue_url, list(bodies), concurrency=SEND_CONCURRENCY)
    except Exception:
        context.store.release(ids[url] for url in claim.claimed)
        raise
    failed = {bodies[body] for body, _ in failures}
    context.store.release(ids[url] for url in failed)
    context.store.mark_sent([(url, ids[url], owner[url].source.id) for url in claim.claimed if url not in failed],
                            now)
    for url in claim.claimed:
        if url not in failed:
            owner[url].enqueued += 1
    for fetched in {id(owner[url]): owner[url] for url in failed}.values():
        # the validators must not be saved, or an unchanged feed would never offer these URLs again
        count = sum(1 for url in failed if owner[url] is fetched)
        fetched.failure = TransientFailure("enqueue_failed",
                                           f"{count} URL(s) not sent ({failures[0][1]}); retried next poll")


def _outcome(fetched: _Fetched) -> tuple[Source, SourceResult]:
    """The source as it is to be stored after this poll, and the poll's result for it."""
    source, now, result = fetched.source, fetched.now, fetched.result
    if fetched.failure is not None:
        if fetched.failure.reason == HOST_BUDGET_REASON:
            return _wait_for_budget(source, now, fetched.failure)
        return _failed(source, now, fetched.failure)
    if result.not_modified:
        seen = Observation(new_urls=0, not_modified=True, cache_max_age_s=_max_age(result))
        interval = next_interval(source.interval_s, source.every_s, seen)
        updated = replace(source, last_status="not_modified", last_error=None, failures=0, last_polled_at=now,
                          interval_s=interval, next_poll_at=now + interval)
        return updated, SourceResult(source.url, "not_modified", next_poll_at=updated.next_poll_at)
    document = fetched.document
    assert document is not None
    found, enqueued = len(fetched.links), fetched.enqueued
    seen = Observation(new_urls=enqueued, dates=[entry.date for entry in fetched.entries], hints=document.hints,
                       cache_max_age_s=_max_age(result))
    interval = next_interval(source.interval_s, source.every_s, seen)
    updated = replace(source, kind=document.kind, etag=result.etag, last_modified=result.last_modified,
                      last_status="ok", last_error=None, failures=0, last_polled_at=now, interval_s=interval,
                      next_poll_at=now + interval, found=source.found + found, enqueued=source.enqueued + enqueued)
    return updated, SourceResult(source.url, "ok", found=found, enqueued=enqueued, next_poll_at=updated.next_poll_at)


def _entries(context: PollContext, source: Source, document: Document) -> list[Any]:
    """The document's entries. Of a sitemap index, the children changed since the last poll (by their
    ``lastmod``, a day's slack; undated ones always) are read too, newest first, at most ``MAX_CHILD_SITEMAPS``,
    and none once the deadline is near (they are read without validators)."""
    if document.kind != "sitemapindex":
        return document.entries
    from newsingest.feeds import fetcher_bytes  # noqa: PLC0415 (lazy: sitemap indexes only)

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


def _wait_for_budget(source: Source, now: int, failure: IngestFailure) -> tuple[Source, SourceResult]:
    """The host's shared budget has no slot soon enough: the source is due again then, and it is no failure."""
    wait = math.ceil(getattr(failure, "retry_after", None) or 1)
    updated = replace(source, next_poll_at=now + wait)
    log.info("poll %s waits %d s for its host's request budget", source.url, wait)
    return updated, SourceResult(source.url, "waiting", next_poll_at=updated.next_poll_at)


def _failed(source: Source, now: int, failure: IngestFailure) -> tuple[Source, SourceResult]:
    permanent = isinstance(failure, PermanentFailure)
    failures = source.failures + 1
    wait = backoff_s(failures, source.interval_s, permanent=permanent)
    retry_after = getattr(failure, "retry_after", None)
    if isinstance(retry_after, (int, float)) and retry_after > wait:
        wait = int(retry_after)
    error = f"{failure.reason}: {failure.detail}"[:500]
    updated = replace(source, last_status="failed", last_error=error, failures=failures, last_polled_at=now,
                      next_poll_at=now + wait)
    log.info("poll %s failed (%s), next try in %d s", source.url, failure.reason, wait)
    return updated, SourceResult(source.url, "failed", error=error, next_poll_at=updated.next_poll_at)


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
        import os  # noqa: PLC0415 (lazy: the settings are read once per environment)

        from newsingest.settings import Settings, SettingsError  # noqa: PLC0415 (with the line above)

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
        from newsingest.fetch import Fetcher  # noqa: PLC0415 (lazy: the CLI imports poll without a fetcher)
        from newsingest.politeness import host_gate  # noqa: PLC0415 (as above)
        from newsingest.storage.clients import create_clients  # noqa: PLC0415 (as above)

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
