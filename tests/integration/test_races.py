"""Races between writers of one record: no lost update, newer observation wins.

Clocks are injected (``deps.clock``); the interleavings are forced with hooks on the writers' own DynamoDB clients
(``FaultyClient.before``), never with sleeps. After each scenario the invariant, with a write log attached to every
writer, checks that no item holds content older than content a write already acknowledged.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsingest.batch import OUTCOMES, build_runtime, handle_record
from newsingest.extract import extract_article
from newsingest.settings import Settings
from newsingest.storage import ArticleItem, ArticleObjects, ArticleRepository
from newsingest.urls import article_id, normalize_url
from newsingest_tools.local.esm import LocalLambdaContext
from newsingest_tools.reprocess import reprocess
from tests.conftest import sqs_record
from tests.support.invariant import WriteLog, check_invariant
from tests.support.world import FaultyClient, World

T0 = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)


def page(sentence: str) -> bytes:
    body = (f"<p>{sentence} " * 8 + "</p>").encode()
    return b"<html><head><title>Harbour news</title></head><body><article>" + body + b"</article></body></html>"


V1 = page("The harbour authority said the old lighthouse would be restored next spring.")
V2 = page("The harbour authority now says the lighthouse restoration is postponed to autumn.")
NO_ARTICLE = b"<html><body><nav><a href='/a'>a</a></nav></body></html>"


def _id(url: str) -> str:
    return article_id(normalize_url(url))


def _ingest_at(world: World, url: str, when: datetime) -> dict[str, Any]:
    """One delivery of ``url`` through the real handler, the attempt's clock fixed at ``when``."""
    world.runtime.deps.clock = lambda: when
    result = world.handler(world.event(url, prefix=f"m{len(world.sent)}"), LocalLambdaContext())
    assert result["batchItemFailures"] == []
    return world.item(_id(url)) or {}


def _reprocess_side(world: World, log: WriteLog) -> tuple[FaultyClient, ArticleObjects, ArticleRepository]:
    """Reprocess's own clients (as the CLI builds them), with the write log attached and hooks available."""
    db = FaultyClient(world.stack.clients.dynamodb)
    log.attach(world.stack.clients.dynamodb)
    return db, ArticleObjects(world.stack.clients.s3, world.view.bucket), ArticleRepository(db, world.view.table)


def _new_extractor(html: bytes, url: str | None = None, **kwargs: Any) -> Any:
    """An 'improved' extractor: finds one more sentence in every page (so reprocess has something to write)."""
    article = extract_article(html, url, **kwargs)
    return dataclasses.replace(article, text=article.text + "\n\nA sentence the old extractor missed.",
                               word_count=article.word_count + 6, extractor_version="newsingest-extract/99.0-test")


def _no_lost_update(world: World, log: WriteLog) -> None:
    log.merge(world.write_log.accepted, observed=world.write_log.observed)
    accounting = check_invariant(world.view.__class__(s3=world.view.s3, dynamodb=world.view.dynamodb,
                                                      bucket=world.view.bucket, table=world.view.table),
                                 world.sent, write_log=log)
    assert accounting.ok, accounting.table()


# ------------------------------------------------------------------------------------- case 1: reprocess vs ingest


def test_reprocess_does_not_overwrite_an_ingest_that_stored_newer_content_meanwhile(world: World) -> None:
    # Given an article stored at T0, listed for reprocessing
    url = world.origin.add("story-1", V1)
    stored = _ingest_at(world, url, T0)
    listed = [ArticleItem(**{k: v for k, v in stored.items()
                             if k in {f.name for f in dataclasses.fields(ArticleItem)}})]
    log = WriteLog()
    db, objects, repository = _reprocess_side(world, log)

    # and an ingest storing the page's newer content (attempt at T1) after reprocess read the record, before it writes
    def newer_ingest_lands_first(**_: Any) -> None:
        world.origin.add("story-1", V2)
        _ingest_at(world, url, T1)

    db.before("put_item", newer_ingest_lands_first)

    # When reprocess re-extracts the page it read (with a new extractor version, so it wants to write)
    report = reprocess(listed, objects, repository, extract=_new_extractor)

    # Then its write is refused by the compare-and-swap and reported, and the newer ingest's content stands
    assert (report.changed, report.failed) == (0, 1)
    assert report.failures[0][1] == "changed while reprocessing, run again"
    item = world.item(_id(url))
    assert item["fetched_at"].startswith("2026-11-28T05:00")
    assert "postponed" in world.view.s3.get_object(Bucket=world.view.bucket,
                                                   Key=item["text_key"])["Body"].read().decode()
    _no_lost_update(world, log)


def test_a_reprocess_does_not_make_later_ingests_lose(world: World) -> None:
    # Given an article stored at T0 and reprocessed now (the reprocessing machine's clock is far ahead of T1)
    url = world.origin.add("story-2", V1)
    _ingest_at(world, url, T0)
    log = WriteLog()
    _, objects, repository = _reprocess_side(world, log)
    report = reprocess(list(repository.scan()), objects, repository, extract=_new_extractor)
    assert report.changed == 1

    # When the page changes and is ingested by an attempt at T1
    world.origin.add("story-2", V2)
    _ingest_at(world, url, T1)

    # Then that newer observation is stored (the reprocess took version read + 1, not its own clock)
    item = world.item(_id(url))
    assert item["fetched_at"].startswith("2026-11-28T05:00")
    assert "postponed" in world.view.s3.get_object(Bucket=world.view.bucket,
                                                   Key=item["text_key"])["Body"].read().decode()
    _no_lost_update(world, log)


def test_reprocess_does_not_flip_a_newer_failure_back_to_ok(world: World) -> None:
    # Given a no_article failure recorded at T0 and listed for reprocessing (the listing is what the index had)
    url = world.origin.add("story-3", NO_ARTICLE)
    stored = _ingest_at(world, url, T0)
    assert stored["reason"] == "no_article"
    log = WriteLog()
    _, objects, repository = _reprocess_side(world, log)
    listed = [repository.get(_id(url))]
    # and since then the page is gone: an ingest at T1 recorded http_404
    world.origin.add("story-3", b"gone", status=404)
    assert _ingest_at(world, url, T1)["reason"] == "http_404"

    # When reprocess runs over the stale listing with an extractor that now finds an article in the kept page
    def finds_an_article(html: bytes, url: str | None = None, **kwargs: Any) -> Any:
        return _new_extractor(V1, url, **kwargs)

    report = reprocess(listed, objects, repository, extract=finds_an_article)

    # Then the newer failure stands (the consistent read shows it is no longer a no_article record)
    assert report.changed == 0
    item = world.item(_id(url))
    assert (item["status"], item["reason"]) == ("failed", "http_404")
    _no_lost_update(world, log)


def test_reprocess_bounds_the_record_as_ingest_does(world: World) -> None:
    # Given a stored article, and an extractor that now finds a 500 KB description and a 300 KB title
    url = world.origin.add("story-4", V1)
    _ingest_at(world, url, T0)
    log = WriteLog()
    _, objects, repository = _reprocess_side(world, log)

    def bloated(html: bytes, url: str | None = None, **kwargs: Any) -> Any:
        return dataclasses.replace(_new_extractor(html, url, **kwargs), description="d" * 500_000,
                                   title="t" * 300_000, tags=tuple(f"tag-{n}" for n in range(5000)))

    # When reprocessed
    report = reprocess(list(repository.scan()), objects, repository, extract=bloated)

    # Then the record is written, within the same bounds the pipeline applies
    assert (report.changed, report.failed) == (1, 0), report.failures
    item = world.item(_id(url))
    assert len(item["description"]) == 4096 and len(item["title"]) == 2048 and len(item["tags"]) == 100
    _no_lost_update(world, log)


def test_the_invariant_sees_a_lost_update(world: World) -> None:
    # Given an article stored at T1, then overwritten by a write of content observed at T0 with a higher version
    url = world.origin.add("story-5", V2)
    newer = _ingest_at(world, url, T1)
    older_content = dict(newer, fetched_at="2026-11-28T04:00:00.000Z", last_checked_at="2026-11-28T04:00:00.000Z",
                         version=newer["version"] + 10)
    fields = {f.name for f in dataclasses.fields(ArticleItem)}
    ArticleRepository(world.stack.clients.dynamodb, world.view.table).put_version(
        ArticleItem(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in older_content.items() if k in fields}))

    # When checked / Then the checker reports a lost update (the version check alone would not)
    accounting = check_invariant(world.view.__class__(s3=world.view.s3, dynamodb=world.view.dynamodb,
                                                      bucket=world.view.bucket, table=world.view.table),
                                 world.sent, write_log=world.write_log)
    assert any("lost update" in violation for violation in accounting.violations), accounting.violations


# ------------------------------------------------------------------------ case 2: ordered by what was observed


class _Ticks:
    """A clock shared by several environments: each reading is one second after the previous one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._n = 0

    def __call__(self) -> datetime:
        with self._lock:
            self._n += 1
            return T0 + timedelta(seconds=self._n)


class _HeldFetcher:
    """Delegates to a real Fetcher; the request waits until the test lets it go on (a slow request)."""

    def __init__(self, fetcher: Any) -> None:
        self._fetcher = fetcher
        self.reached = threading.Event()
        self.go = threading.Event()

    def fetch(self, url: str, **options: Any) -> Any:
        self.reached.set()
        assert self.go.wait(timeout=30)
        return self._fetcher.fetch(url, **options)


class _HeldExtract:
    """Delegates to the real extractor; waits first until the test lets it go on (a slow extraction)."""

    def __init__(self, extract: Any) -> None:
        self._extract = extract
        self.reached = threading.Event()
        self.go = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.reached.set()
        assert self.go.wait(timeout=30)
        return self._extract(*args, **kwargs)


def _environment(world: World, clock: Any, log: WriteLog) -> Any:
    runtime = build_runtime(Settings.from_env())
    runtime.deps.clock = clock
    log.attach(runtime.deps.repository._db)  # the environment's own writes
    world.write_log.attach(runtime.deps.repository._db)
    return runtime


def _deliver(world: World, runtime: Any, url: str, name: str) -> dict[str, Any]:
    record = sqs_record(url, message_id=name, queue_arn=world.queue_arn)
    world.sent[name] = url
    return handle_record(SQSRecord(record), LocalLambdaContext(), runtime)


def _text_of(world: World, url: str) -> str:
    item = world.item(_id(url))
    return world.view.s3.get_object(Bucket=world.view.bucket, Key=item["text_key"])["Body"].read().decode()


def test_the_attempt_that_observed_the_newer_page_wins_even_if_it_started_first(world: World) -> None:
    # Given two environments on one clock: A starts first but its request is slow; B starts later and gets the
    # page as it was; only then is the page updated, and A's request reaches it
    url = world.origin.add("race-1", V1)
    ticks, log = _Ticks(), WriteLog()
    env_a, env_b = _environment(world, ticks, log), _environment(world, ticks, log)
    held = _HeldFetcher(env_a.deps.fetcher)
    env_a.deps.fetcher = held
    results: dict[str, Any] = {}
    thread_a = threading.Thread(target=lambda: results.update(a=_deliver(world, env_a, url, "a")))
    thread_a.start()
    assert held.reached.wait(timeout=30)

    # When B ingests the old page, the page changes, and A's request completes
    results["b"] = _deliver(world, env_b, url, "b")
    world.origin.add("race-1", V2)
    held.go.set()
    thread_a.join(timeout=60)

    # Then the newer observation (A's, arriving last) is what is stored
    assert (results["a"]["status"], results["b"]["status"]) == ("ok", "ok")
    assert "postponed" in _text_of(world, url)
    _no_lost_update(world, log)


def test_an_attempt_overtaken_while_writing_is_superseded_and_counted(world: World) -> None:
    # Given A fetched the page first and stalls in extraction; B fetches the updated page and stores it
    url = world.origin.add("race-2", V1)
    ticks, log = _Ticks(), WriteLog()
    env_a, env_b = _environment(world, ticks, log), _environment(world, ticks, log)
    held = _HeldExtract(env_a.deps.extract)
    env_a.deps.extract = held
    OUTCOMES.flush()
    results: dict[str, Any] = {}
    thread_a = threading.Thread(target=lambda: results.update(a=_deliver(world, env_a, url, "a")))
    thread_a.start()
    assert held.reached.wait(timeout=30)
    world.origin.add("race-2", V2)
    results["b"] = _deliver(world, env_b, url, "b")

    # When A goes on to write its older observation
    held.go.set()
    thread_a.join(timeout=60)

    # Then A's outcome is the distinct "superseded" (counted under its own outcome), and B's newer page stands
    assert (results["a"]["status"], results["b"]["status"]) == ("superseded", "ok")
    assert OUTCOMES._counts[("outcome", "superseded")] == 1  # the MessagesProcessed dimension
    assert "postponed" in _text_of(world, url)
    _no_lost_update(world, log)


def test_an_unchanged_confirmation_moves_the_version_and_an_older_one_is_refused(world: World) -> None:
    # Given V1 stored at T0 and confirmed unchanged by an attempt observing it at T1 + 1 h
    url = world.origin.add("race-3", V1)
    _ingest_at(world, url, T0)
    confirmed = _ingest_at(world, url, T1 + timedelta(hours=1))
    later = int((T1 + timedelta(hours=1)).timestamp() * 1_000_000)
    assert confirmed["version"] == later and confirmed["last_checked_at"].startswith("2026-11-28T06:00")

    # When an attempt that observed a different page at T1 (between the two) writes afterwards
    world.origin.add("race-3", V2)
    world.runtime.deps.clock = lambda: T1
    result = world.handler(world.event(url, prefix="late"), LocalLambdaContext())

    # Then it is superseded: the confirmation at 06:00 is the newest observation, and it stands
    assert result["batchItemFailures"] == []
    item = world.item(_id(url))
    assert item["version"] == later and "restored next spring" in _text_of(world, url)

    # And an older unchanged confirmation (observed at T1, written last) does not move the record back
    world.origin.add("race-3", V1)
    world.runtime.deps.clock = lambda: T1
    world.handler(world.event(url, prefix="late-touch"), LocalLambdaContext())
    item = world.item(_id(url))
    assert item["version"] == later and item["last_checked_at"].startswith("2026-11-28T06:00")
    world.check(queues=False)


@pytest.fixture(autouse=True)
def _fresh_clock(world: World) -> Any:
    yield
    world.runtime.deps.clock = lambda: datetime.now(UTC)
