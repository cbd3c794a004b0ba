"""The scheduled poll end to end (issue 16): moto's stack from template.yaml, a local feed origin, the safe Fetcher.

Clocks are injected (``Clock``): nothing here waits for time to pass.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import pytest

from newsingest.fetch import Fetcher, FetchOptions
from newsingest.messages import IngestRequest, parse_message
from newsingest.poll import PollContext, new_source, poll_one, poll_sources
from newsingest.storage.sources import SourceStore, source_id
from newsingest_tools.local.feeds_origin import FeedOrigin, rss_feed, serve_feeds

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:moto.cloudformation.parsing")

T0 = 1_714_560_000  # 2024-05-01T10:40:00Z


@dataclass
class Clock:
    at: float = T0

    def __call__(self) -> float:
        return self.at


@dataclass
class Poller:
    origin: FeedOrigin
    store: SourceStore
    sqs: Any
    queue_url: str
    clock: Clock
    fetcher: Fetcher

    def context(self, **changes: Any) -> PollContext:
        base = PollContext(store=self.store, fetcher=self.fetcher, sqs=self.sqs, queue_url=self.queue_url,
                           now=self.clock, concurrency=4)
        return replace(base, **changes)

    def add(self, url: str, every_s: int = 900) -> None:
        assert self.store.add(new_source(url, every_s, int(self.clock())))

    def bodies(self) -> list[str]:
        found: list[str] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(message["Body"])
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def poller() -> Iterator[Poller]:
    from moto import mock_aws

    from tests.conftest import deploy_stack

    # (the offline credentials and region: tests/conftest.py's autouse _offline_aws)
    with serve_feeds() as origin, mock_aws():
        outputs = deploy_stack(boto3.client("cloudformation", region_name="us-east-1")).outputs
        fetcher = Fetcher(FetchOptions(allow_hosts=frozenset({origin.host})))
        assert outputs.sources_table_name
        yield Poller(origin, SourceStore(boto3.client("dynamodb", region_name="us-east-1"), outputs.sources_table_name),
                     boto3.client("sqs", region_name="us-east-1"), outputs.queue_url, Clock(), fetcher)
        fetcher.close()


def _links(origin: FeedOrigin, *names: str) -> list[str]:
    return [origin.url(f"news/{name}.html") for name in names]


def test_new_urls_are_enqueued_with_the_source_id_and_an_unchanged_feed_costs_one_304(poller: Poller) -> None:
    # Given a feed of three stories added as a source
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a", "b", "c")))
    poller.add(feed)

    # When polled
    first = poll_sources(poller.context())

    # Then the three URLs are queued once each, carrying the source id, in a body the ingest handler accepts
    bodies = poller.bodies()
    requests = [parse_message(body) for body in bodies]
    assert all(isinstance(request, IngestRequest) for request in requests)
    assert sorted(request.url for request in requests) == _links(poller.origin, "a", "b", "c")
    assert {request.source_id for request in requests} == {source_id(feed)}
    assert first.summary()["enqueued"] == 3
    source = poller.store.get(feed)
    assert source is not None and (source.kind, source.last_status, source.found, source.enqueued) == ("rss", "ok", 3,
                                                                                                       3)
    assert source.etag and source.next_poll_at == T0 + source.interval_s

    # When polled again once it is due, the feed unchanged
    poller.clock.at = source.next_poll_at
    second = poll_sources(poller.context())

    # Then it cost one conditional request answered 304, and nothing was queued
    feed_requests = poller.origin.requests("rss.xml")
    assert [(entry.conditional, entry.status) for entry in feed_requests] == [(False, 200), (True, 304)]
    assert poller.bodies() == [] and second.summary()["not_modified"] == 1
    assert poller.store.get(feed).last_status == "not_modified"


def test_a_changed_feed_enqueues_only_its_new_story(poller: Poller) -> None:
    # Given a source polled once
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a", "b")))
    poller.add(feed)
    poll_sources(poller.context())
    poller.bodies()
    # When a story is added and the source polled when due
    poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "new", "a", "b")))
    poller.clock.at = poller.store.get(feed).next_poll_at
    report = poll_sources(poller.context())
    # Then only the new story is queued
    assert [json.loads(body)["url"] for body in poller.bodies()] == _links(poller.origin, "new")
    assert report.summary()["found"] == 3 and report.summary()["enqueued"] == 1


def test_two_overlapping_polls_enqueue_each_url_once(poller: Poller) -> None:
    # Given a source and two polls that both fetched it at the same moment (as if both had taken it)
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, *"abcdefghijkl")))
    poller.add(feed)
    source = poller.store.get(feed)
    assert source is not None
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        start.wait()
        results.append(poll_one(poller.context(), source, T0))

    # When both run at once
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every URL is queued exactly once between them
    urls = [json.loads(body)["url"] for body in poller.bodies()]
    assert sorted(urls) == _links(poller.origin, *"abcdefghijkl")
    assert sum(result.enqueued for result in results) == 12


def test_a_poll_while_another_holds_the_poll_lock_fetches_nothing_and_reports_the_due_sources_skipped(
        poller: Poller) -> None:
    # Given a due source and another invocation that holds the poll lock
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a")))
    poller.add(feed)
    assert poller.store.take_poll_lock("other", T0, T0 + 60)

    # When this invocation polls, Then it fetches nothing, reports the source skipped and leaves it due
    report = poll_sources(poller.context())
    assert [(result.url, result.status) for result in report.results] == [(feed, "skipped")]
    assert poller.origin.requests() == [] and len(poller.store.due(T0, 10)) == 1

    # When the other poll gives the lock back, Then the next poll takes the source
    poller.store.release_poll_lock("other")
    assert poll_sources(poller.context()).summary()["ok"] == 1


def test_an_expired_poll_lock_is_taken_over_and_a_lock_is_given_back_only_by_its_owner(poller: Poller) -> None:
    # Given a lock a poll took until T0 + 60 and never gave back (it died)
    assert poller.store.take_poll_lock("dead", T0, T0 + 60)
    # When another poll tries before and after the expiry, Then it waits, then takes it over
    assert not poller.store.take_poll_lock("next", T0 + 60, T0 + 120)
    assert poller.store.take_poll_lock("next", T0 + 61, T0 + 121)
    # And the dead poll, waking up, cannot give back a lock that is no longer its own
    poller.store.release_poll_lock("dead")
    assert not poller.store.take_poll_lock("third", T0 + 62, T0 + 122)
    poller.store.release_poll_lock("next")
    assert poller.store.take_poll_lock("third", T0 + 62, T0 + 122)


def test_a_source_that_404s_is_recorded_and_backed_off(poller: Poller) -> None:
    # Given a source whose URL answers 404
    missing = poller.origin.url("gone.xml")
    poller.add(missing)

    # When polled
    poll_sources(poller.context())

    # Then the reason is recorded and the next try is an hour away
    source = poller.store.get(missing)
    assert source is not None and source.last_status == "failed" and source.failures == 1
    assert source.last_error and source.last_error.startswith("http_404")
    assert source.next_poll_at == T0 + 3600
    # And polls before then do not touch it; the next failure doubles the wait
    poller.clock.at = T0 + 1800
    assert poll_sources(poller.context()).results == []
    poller.clock.at = T0 + 3600
    poll_sources(poller.context())
    assert poller.store.get(missing).next_poll_at == T0 + 3600 + 7200
    assert len(poller.origin.requests("gone.xml")) == 2


def test_not_a_feed_and_a_blocked_address_are_recorded_with_their_reason(poller: Poller) -> None:
    # Given an XML document that is no feed, and a source on an address the fetcher may not reach
    other = poller.origin.add("other.xml", "<catalog><book/></catalog>", "application/xml")
    poller.add(other)
    blocked = "http://10.0.0.1/rss.xml"
    poller.add(blocked)

    # When polled
    poll_sources(poller.context())

    # Then both are failed with their reason and backed off
    assert poller.store.get(other).last_error.startswith("not_a_feed: root element <catalog>")
    assert poller.store.get(blocked).last_error.startswith("blocked_address")
    assert all(source.next_poll_at == T0 + 3600 for source in poller.store.all())


def test_sources_not_started_before_the_deadline_stay_due(poller: Poller) -> None:
    # Given two due sources and an invocation with less time left than a source needs
    for name in ("one.xml", "two.xml"):
        poller.add(poller.origin.add(name, rss_feed(_links(poller.origin, name))))

    # When polled
    report = poll_sources(poller.context(remaining_s=lambda: 1.0))

    # Then nothing was fetched and both are still due now
    assert report.left_due == 2 and poller.origin.requests() == []
    assert len(poller.store.due(T0, 10)) == 2


def test_a_failed_send_releases_the_claims_so_the_next_poll_sends_them(poller: Poller) -> None:
    # Given a source and a queue that refuses the first send
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a", "b")))
    poller.add(feed)

    class RefusingSqs:
        def send_message_batch(self, **_: Any) -> Any:
            raise ConnectionError("queue unreachable")

    # When polled with it, Then the source is failed (transient) and nothing is marked seen
    poll_sources(poller.context(sqs=RefusingSqs()))
    source = poller.store.get(feed)
    assert source is not None and source.last_error.startswith("enqueue_failed") and source.etag is None

    # When polled again after the backoff with the real queue, Then both URLs are sent
    poller.clock.at = source.next_poll_at
    poll_sources(poller.context())
    assert sorted(json.loads(body)["url"] for body in poller.bodies()) == _links(poller.origin, "a", "b")


def test_the_poll_function_handler_runs_the_same_poll(poller: Poller, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    from pathlib import Path

    from newsingest import poll

    # Given the function's environment as the template sets it, and a due source
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a")))
    poller.add(feed)
    for name, value in {"SOURCES_TABLE": poller.store.table, "QUEUE_URL": poller.queue_url,
                        "FETCH_ALLOW_HOSTS": poller.origin.host, "POWERTOOLS_METRICS_NAMESPACE": "Newsingest",
                        "POWERTOOLS_SERVICE_NAME": "newsingest-poll"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(poll, "_ENVIRONMENT", {})
    path = Path(__file__).resolve().parents[2] / "functions" / "poll" / "app.py"
    spec = importlib.util.spec_from_file_location("poll_app", path)
    assert spec and spec.loader
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)

    class Context:
        function_name, memory_limit_in_mb, invoked_function_arn, aws_request_id = "poll", 256, "arn:poll", "r-1"

        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 55_000

    # When the schedule invokes it
    summary = app.lambda_handler({"source": "aws.scheduler"}, Context())

    # Then it polled the source and enqueued its story
    assert summary["ok"] == 1 and summary["enqueued"] == 1
    assert [json.loads(body)["url"] for body in poller.bodies()] == _links(poller.origin, "a")


def test_sitemap_index_and_news_sitemap_sources_are_detected_and_read(poller: Poller) -> None:
    # Given a sitemap index of two sitemaps, and a Google News sitemap
    origin = poller.origin
    origin.add("s1.xml", f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{origin.url("p/1")}'
                         "</loc></url></urlset>", "application/xml")
    origin.add("s2.xml", f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{origin.url("p/2")}'
                         "</loc></url></urlset>", "application/xml")
    index = origin.add("index.xml", '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                    f'<sitemap><loc>{origin.url("s1.xml")}</loc></sitemap>'
                                    f'<sitemap><loc>{origin.url("s2.xml")}</loc></sitemap></sitemapindex>',
                       "application/xml")
    news = origin.add("news.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                                  'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                                  f'<url><loc>{origin.url("p/3")}</loc><news:news><news:publication_date>2024-05-01'
                                  "</news:publication_date></news:news></url></urlset>", "application/xml")
    poller.add(index)
    poller.add(news)

    # When polled
    poll_sources(poller.context())

    # Then their kinds are recorded and every page URL is queued
    assert (poller.store.get(index).kind, poller.store.get(news).kind) == ("sitemapindex", "news-sitemap")
    assert sorted(json.loads(body)["url"] for body in poller.bodies()) == [origin.url(f"p/{n}") for n in (1, 2, 3)]


def test_a_source_robots_txt_disallows_is_recorded_and_backed_off(poller: Poller) -> None:
    # Given a site whose robots.txt disallows the feed
    poller.origin.robots = b"User-agent: *\nDisallow: /private/\n"
    feed = poller.origin.add("private/rss.xml", rss_feed(_links(poller.origin, "a")))
    poller.add(feed)
    # When polled, Then the feed is never fetched, the reason is recorded and it is backed off
    poll_sources(poller.context())
    source = poller.store.get(feed)
    assert source is not None and source.last_error and source.last_error.startswith("robots_")
    assert source.next_poll_at == T0 + 3600 and poller.origin.requests("private/rss.xml") == []


def test_cache_control_max_age_defers_the_next_poll(poller: Poller) -> None:
    # Given a feed polled every 5 minutes whose origin says it stays fresh for an hour
    feed = poller.origin.add("fresh.xml", rss_feed(_links(poller.origin, "a")))
    poller.origin.cache_control["/fresh.xml"] = "public, max-age=3600"
    poller.add(feed, every_s=300)

    # When polled, Then the next poll is not earlier than the max-age
    poll_sources(poller.context())
    assert poller.store.get(feed).next_poll_at == T0 + 3600
    # And the same holds after an unchanged (304) poll that repeats the header
    poller.clock.at = T0 + 3600
    (result,) = poll_sources(poller.context()).results
    assert result.status == "not_modified" and result.next_poll_at == T0 + 2 * 3600


class RefusingGate:
    """A host budget with no slot for 40 s (another function took them)."""

    def acquire(self, host: str, *, min_interval: float | None, remaining: float) -> None:
        from newsingest.outcomes import HOST_BUDGET_REASON, TransientFailure

        raise TransientFailure(HOST_BUDGET_REASON, f"{host}: next slot 40 s away", retry_after=40.0)

    def slow_down(self, host: str, seconds: float) -> None:
        return None


def test_a_feed_whose_host_budget_is_spent_waits_for_it_without_counting_a_failure(poller: Poller) -> None:
    # Given a due feed, and its host's shared budget with no slot for 40 s
    feed = poller.origin.add("busy.xml", rss_feed(_links(poller.origin, "a")))
    poller.add(feed)
    context = poller.context(fetcher=Fetcher(poller.fetcher.options, gate=RefusingGate()))
    # When polled
    report = poll_sources(context)
    # Then it waits for the budget: due again in 40 s, no failure counted, nothing fetched or enqueued
    assert report.summary()["waiting"] == 1 and report.summary()["failed"] == 0
    source = poller.store.get(feed)
    assert source is not None and (source.next_poll_at, source.failures, source.last_error) == (T0 + 40, 0, None)
    assert poller.origin.requests("busy.xml") == [] and poller.bodies() == []


def test_a_claim_left_pending_by_a_poll_that_died_is_claimable_again_once_stale(poller: Poller) -> None:
    from newsingest.storage.sources import STALE_CLAIM_SECONDS
    from newsingest.urls import article_id

    # Given a URL claimed by a poll that died before sending it (the claim stays pending)
    url = poller.origin.url("news/a.html")
    claim = [(url, article_id(url), "src-1")]
    assert poller.store.claim_urls(claim, T0).claimed == [url]

    # When another poll claims it while the claim is fresh, Then it may not (the first poll may still send it)
    assert poller.store.claim_urls(claim, T0 + STALE_CLAIM_SECONDS - 1).claimed == []
    # When it claims it once the claim is stale, Then it may, and once that one is marked sent nobody can
    later = T0 + STALE_CLAIM_SECONDS + 1
    assert poller.store.claim_urls(claim, later).claimed == [url]
    poller.store.mark_sent(claim, later)
    assert poller.store.claim_urls(claim, later + 10 * STALE_CLAIM_SECONDS).claimed == []


def test_a_url_two_feeds_list_is_enqueued_once_by_the_first_and_found_by_both(poller: Poller) -> None:
    # Given two feeds polled in one run that share a story
    shared = _links(poller.origin, "shared")
    first = poller.origin.add("one.xml", rss_feed(shared + _links(poller.origin, "one")))
    second = poller.origin.add("two.xml", rss_feed(shared + _links(poller.origin, "two")))
    poller.add(first)
    poller.add(second)

    # When polled
    report = poll_sources(poller.context())

    # Then the shared story is queued once, each feed found both its stories, three were enqueued in all
    urls = sorted(json.loads(body)["url"] for body in poller.bodies())
    assert urls == _links(poller.origin, "one", "shared", "two")
    assert report.summary()["found"] == 4 and report.summary()["enqueued"] == 3
    assert sorted(result.enqueued for result in report.results) == [1, 2]


def test_a_failed_send_of_a_group_fails_each_of_its_sources_and_the_next_poll_sends_all(poller: Poller) -> None:
    # Given three feeds polled in one run (one group) and a queue that refuses the send
    names = ("x", "y", "z")
    feeds = [poller.origin.add(f"{name}.xml", rss_feed(_links(poller.origin, name))) for name in names]
    for feed in feeds:
        poller.add(feed)

    class RefusingSqs:
        def send_message_batch(self, **_: Any) -> Any:
            raise ConnectionError("queue unreachable")

    # When polled with it, Then every source is a transient failure with its validators unsaved
    report = poll_sources(poller.context(sqs=RefusingSqs()))
    assert report.summary()["failed"] == 3 and report.summary()["enqueued"] == 0
    stored = [poller.store.get(feed) for feed in feeds]
    assert all(source and source.last_error.startswith("enqueue_failed") and source.etag is None
               for source in stored)

    # When polled again once due with the real queue, Then every story is sent, once
    poller.clock.at = max(source.next_poll_at for source in stored if source)
    assert poll_sources(poller.context()).summary()["enqueued"] == 3
    assert sorted(json.loads(body)["url"] for body in poller.bodies()) == _links(poller.origin, *names)


def _count_calls(client: Any) -> dict[str, int]:
    counts: dict[str, int] = {}

    def count(event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        counts[operation] = counts.get(operation, 0) + 1

    def count_writes(event_name: str, params: dict[str, Any], **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        for item in params.get("TransactItems", []):  # the writes a transaction carries, by kind and condition
            for kind, write in item.items():
                name = f"{operation}.{kind}" + (".conditional" if write.get("ConditionExpression") else "")
                counts[name] = counts.get(name, 0) + 1

    client.meta.events.register("before-call.*.*", count)
    client.meta.events.register("before-parameter-build.*.*", count_writes)
    return counts


def test_a_poll_shares_its_calls_across_sources_leaving_one_conditional_claim_per_new_url_and_one_write_per_source(
        poller: Poller) -> None:
    # Given 40 new feeds of 3 stories each, and the table and queue calls counted
    for n in range(40):
        poller.add(poller.origin.add(f"f{n}.xml", rss_feed(_links(poller.origin, *(f"{n}-{k}" for k in range(3))))))
    table = _count_calls(poller.store._db)
    queue = _count_calls(poller.sqs)

    # When polled
    report = poll_sources(poller.context())

    # Then each new URL took one conditional put, up to 100 of them in one transaction, each source one outcome
    # write, and the already-sent checks, the sends and the marks went for many sources at once
    assert report.summary()["enqueued"] == 120
    assert table["TransactWriteItems.Put.conditional"] == 120 and table["TransactWriteItems"] <= 3
    assert table["PutItem"] == 1 and table["UpdateItem"] == 40 and table["DeleteItem"] == 1  # the lock's put
    assert table["BatchGetItem"] <= 3 and table["BatchWriteItem"] <= 6 and queue["SendMessageBatch"] <= 15

    # When polled again with every feed due and unchanged
    table.clear()
    queue.clear()
    poller.clock.at = T0 + 25 * 3600
    assert poll_sources(poller.context()).summary()["not_modified"] == 40

    # Then the poll cost the lock, the due query and one outcome write per source: no claim, no send
    assert table == {"PutItem": 1, "Query": 1, "UpdateItem": 40, "DeleteItem": 1} and queue == {}


def test_an_outcome_writes_only_what_the_poll_changed_and_keeps_what_others_changed_meanwhile(poller: Poller) -> None:
    # Given a source read by a poll, then given a new interval by someone else while it was fetched
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a")))
    poller.add(feed, every_s=900)
    (read,) = poller.store.due(T0, 10)
    poller.store._db.update_item(
        TableName=poller.store.table, Key={"pk": {"S": f"src#{read.id}"}}, UpdateExpression="SET every_s = :e",
        ExpressionAttributeValues={":e": {"N": "3600"}})

    # When the poll records a 304 outcome for what it read
    updated = replace(read, last_status="not_modified", last_polled_at=T0, next_poll_at=T0 + 900, etag=None)
    poller.store.save_poll(updated, read)

    # Then the poll's own changes are stored and the other writer's interval is kept
    stored = poller.store.get(feed)
    assert stored is not None and (stored.last_status, stored.next_poll_at, stored.every_s) == (
        "not_modified", T0 + 900, 3600)


def test_groups_of_fetched_sources_are_finished_a_few_at_once(poller: Poller, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given feeds enough for two groups, whose claims each wait (10 s at most) for the other group's
    for n in range(60):
        poller.add(poller.origin.add(f"f{n}.xml", rss_feed(_links(poller.origin, *(f"{n}-{k}" for k in range(3))))))
    together = threading.Barrier(2, timeout=10)
    met: list[bool] = []
    claim_urls = poller.store.claim_urls

    def claim_alongside_the_other_group(*args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):  # alone until the timeout: finished one at a time
            together.wait()
            met.append(True)
        return claim_urls(*args, **kwargs)

    monkeypatch.setattr(poller.store, "claim_urls", claim_alongside_the_other_group)

    # When polled
    report = poll_sources(poller.context())

    # Then the two groups were in their claims at once, and every URL was enqueued once
    assert met == [True, True]
    assert report.summary()["enqueued"] == 180
    assert sorted(json.loads(body)["url"] for body in poller.bodies()) == sorted(
        poller.origin.url(f"news/{n}-{k}.html") for n in range(60) for k in range(3))


# The IAM action that authorizes each call (a batch or a transaction is authorized by its entries' own actions).
_BATCH_ACTIONS = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
                  "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}
_TRANSACTION_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                        "ConditionCheck": "ConditionCheckItem"}


def _record_actions(*clients: Any) -> set[str]:
    actions: set[str] = set()

    def record(event_name: str, params: dict[str, Any], **_: Any) -> None:
        _, service, operation = event_name.split(".")
        if operation == "TransactWriteItems":
            actions.update(f"{service}:{_TRANSACTION_ACTIONS[kind]}"
                           for item in params["TransactItems"] for kind in item)
        else:
            actions.add(f"{service}:{_BATCH_ACTIONS.get(operation, operation)}")

    for client in clients:
        client.meta.events.register("before-parameter-build.*.*", record)
    return actions


def test_the_poll_role_grants_exactly_the_table_and_queue_calls_a_poll_makes(poller: Poller) -> None:
    from newsingest_tools.local.stack import transform_template

    # Given the poll's table and queue calls recorded as the IAM actions that authorize them
    made = _record_actions(poller.store._db, poller.sqs)
    feed = poller.origin.add("rss.xml", rss_feed(_links(poller.origin, "a", "b")))
    poller.add(feed)
    # When a feed is polled with new stories, then again unchanged
    assert poll_sources(poller.context()).summary()["enqueued"] == 2
    poller.clock.at = T0 + 25 * 3600
    assert poll_sources(poller.context()).summary()["not_modified"] == 1

    # Then the role SAM generates for the poll function grants exactly those on the sources table, its index and
    # the queue (its other statement is the host budget's, which these polls do not draw on)
    role = transform_template()["Resources"]["PollFunctionRole"]["Properties"]
    granted = {action for policy in role["Policies"] for statement in policy["PolicyDocument"]["Statement"]
               if statement.get("Sid") != "ShareHostBudget"
               for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])}
    assert {"dynamodb:PutItem", "dynamodb:Query", "dynamodb:BatchGetItem", "sqs:SendMessage"} <= made
    assert granted == made
