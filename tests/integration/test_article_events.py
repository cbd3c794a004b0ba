"""ArticleStored events end to end: the real handler, the stack from template.yaml with EventBusName set, and an
EventBridge rule feeding a test queue (moto delivers put_events to the rule's SQS target); pages from 127.0.0.1.

One event per stored article, new or changed; none for an unchanged page or a superseded attempt; a publish that
fails retries the message, and the retry publishes what the record still holds as pending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

from newsingest.storage import ArticleItem, ArticleRepository
from newsingest.urls import article_id, normalize_url
from newsingest_tools.local.esm import LocalLambdaContext
from newsingest_tools.local.origin import sample_pages
from tests.support.world import World, aws_error

BUS = "newsingest-articles"
PAGE = "coastline_lighthouse.html"
# What a consumer's rule matches (docs/events.md).
PATTERN = {"source": ["newsingest"], "detail-type": ["ArticleStored"]}


@pytest.fixture()
def stack_parameters(origin: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """Here the stack names a bus (events on), unless a test passes other parameters (``indirect``)."""
    return {"FetchAllowHosts": urlsplit(origin).netloc} | getattr(request, "param", {"EventBusName": BUS})


@dataclass
class EventFeed:
    """A test queue that an EventBridge rule on one bus feeds with ArticleStored events."""

    sqs: Any
    queue_url: str

    def received(self) -> list[dict[str, Any]]:
        """Every event delivered so far (taken off the queue)."""
        events: list[dict[str, Any]] = []
        while messages := self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                                   WaitTimeSeconds=0).get("Messages", []):
            for message in messages:
                events.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return events


def subscribe(bus: str) -> EventFeed:
    """A rule on ``bus`` matching ArticleStored, with a new SQS queue as its target (the bus must exist)."""
    events, sqs = boto3.client("events"), boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"article-events-{bus}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="article-stored", EventBusName=bus, EventPattern=json.dumps(PATTERN))
    events.put_targets(Rule="article-stored", EventBusName=bus, Targets=[{"Id": "test-queue", "Arn": queue_arn}])
    return EventFeed(sqs, queue_url)


@pytest.fixture()
def feed(world: World) -> EventFeed:
    """The bus the stack names, created (it is an existing bus to the template), and a queue its rule feeds."""
    boto3.client("events").create_event_bus(Name=BUS)
    return subscribe(BUS)


def _record(world: World, url: str) -> ArticleItem:
    item = ArticleRepository(world.stack.clients.dynamodb, world.view.table).get(article_id(normalize_url(url)))
    assert item is not None
    return item


def _stored_attributes(world: World, url: str) -> dict[str, Any]:
    key = {"article_id": {"S": article_id(normalize_url(url))}}
    return world.stack.clients.dynamodb.get_item(TableName=world.view.table, Key=key, ConsistentRead=True)["Item"]


def _expected_detail(item: ArticleItem, change: str) -> dict[str, Any]:
    return {"article_id": item.article_id, "url": item.url, "domain": item.domain, "title": item.title,
            "published_at": item.published_at, "text_key": item.text_key, "raw_key": item.raw_key,
            "version": item.version, "change": change, "fetched_at": item.fetched_at,
            "word_count": item.word_count, "language": item.language}


def test_a_stored_article_is_announced_once_and_an_unchanged_one_not_at_all(world: World, feed: EventFeed) -> None:
    # Given a good URL on the articles queue
    url = world.origin.url(f"page/1/{PAGE}")
    world.send(url)

    # When the event source delivers it to the handler
    report = world.poll()

    # Then exactly one ArticleStored event reaches the rule's queue, describing the stored record as new
    assert (report.succeeded, report.failed) == (1, 0)
    stored = _record(world, url)
    (event,) = feed.received()
    assert (event["source"], event["detail-type"]) == ("newsingest", "ArticleStored")
    assert event["detail"] == _expected_detail(stored, "new")
    assert stored.title and stored.text_key and stored.word_count
    # And the record no longer holds a pending event
    assert stored.pending_event is None and "pending_event" not in _stored_attributes(world, url)

    # When the same page is ingested again, unchanged
    world.send(url)
    assert world.poll().succeeded == 1

    # Then no event is published (only the record's version and last check moved)
    assert feed.received() == []
    assert _record(world, url).version > stored.version


def test_a_changed_page_is_announced_as_changed(world: World, feed: EventFeed) -> None:
    # Given an article already stored and announced
    page = sample_pages()[PAGE]
    url = world.origin.add("story.html", page)
    world.handler(world.event(url, prefix="first"), LocalLambdaContext())
    (first,) = feed.received()

    # When the page changes and is ingested again
    world.origin.add("story.html", page.replace(b"312 to 41", b"311 to 42"))
    response = world.handler(world.event(url, prefix="second"), LocalLambdaContext())

    # Then one event announces the new version as changed, pointing at the new text
    assert response == {"batchItemFailures": []}
    stored = _record(world, url)
    (second,) = feed.received()
    assert second["detail"] == _expected_detail(stored, "changed")
    assert second["detail"]["version"] > first["detail"]["version"]
    assert second["detail"]["text_key"] != first["detail"]["text_key"]
    assert first["detail"]["change"] == "new"


@pytest.mark.parametrize("failure", ["call fails", "entry fails"])
def test_a_failed_publish_retries_the_message_and_the_retry_announces_the_article(
    world: World, feed: EventFeed, failure: str
) -> None:
    # Given a good URL on the queue, and EventBridge failing the first publish: the call itself (an AWS error), or
    # its one entry (HTTP 200 with FailedEntryCount 1)
    url = world.origin.url(f"page/2/{PAGE}")
    world.send(url)
    events = world.faulty_events()
    if failure == "call fails":
        events.fail("put_events", aws_error("InternalException", "PutEvents", 500))
    else:
        events.reply("put_events", {"FailedEntryCount": 1,
                                    "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}]})

    # When the event source delivers it
    first = world.poll()

    # Then the message is reported for retry, the article is stored all the same, its event marked pending, and
    # nothing reached the consumers yet
    assert (first.received, first.failed) == (1, 1)
    stored = _record(world, url)
    assert stored.status == "ok" and stored.pending_event == "new"
    assert feed.received() == []

    # When the message is redelivered (publishing works again)
    second = world.poll()

    # Then the retry announces the stored version (found unchanged, it is not written again) and clears the mark
    assert (second.received, second.succeeded, second.failed) == (1, 1, 0)
    (event,) = feed.received()
    assert event["detail"] == _expected_detail(stored, "new")
    after = _record(world, url)
    assert after.pending_event is None and after.text_key == stored.text_key and after.version > stored.version
    # And every message is accounted for, nothing left on the queue
    assert world.check().buckets == {"stored": 1}


def test_a_publish_not_marked_done_is_published_again_with_the_same_version(world: World, feed: EventFeed) -> None:
    # Given a good URL, and DynamoDB failing the update that marks the event published (after EventBridge took it)
    url = world.origin.url(f"page/3/{PAGE}")
    world.send(url)
    world.faulty_dynamodb().fail("update_item", aws_error("InternalServerError", "UpdateItem", 500),
                                 when=lambda **p: p.get("UpdateExpression") == "REMOVE pending_event")

    # When the message is delivered, fails, and is redelivered
    assert world.poll().failed == 1
    assert world.poll().succeeded == 1

    # Then consumers got the event twice, both with the same article_id and version: the duplicate they drop
    first, second = feed.received()
    assert first["detail"] == second["detail"]
    assert _record(world, url).pending_event is None


def test_an_attempt_overtaken_by_a_newer_version_publishes_nothing(world: World, feed: EventFeed) -> None:
    # Given a newer observation of the page stored just before this attempt writes its own
    url = world.origin.url(f"page/4/{PAGE}")
    repository = ArticleRepository(world.stack.clients.dynamodb, world.view.table)
    newer: list[int] = []

    def store_a_newer_version_first(**params: Any) -> None:
        ours = ArticleItem.from_attributes(params["Item"])
        if not newer:
            newer.append(ours.version + 1)
            repository.put_version(ours.with_changes(version=newer[0], pending_event=None))

    world.faulty_dynamodb().before("put_item", store_a_newer_version_first)

    # When the handler processes the message
    response = world.handler(world.event(url), LocalLambdaContext())

    # Then the attempt is superseded (nothing to retry), and it announces nothing: the newer version is not its own
    assert response == {"batchItemFailures": []}
    assert feed.received() == []
    stored = _record(world, url)
    assert stored.version == newer[0] and stored.pending_event is None  # the newer version stands, untouched


def test_an_article_never_announced_is_announced_as_new_when_its_page_changed_before_the_retry(
    world: World, feed: EventFeed
) -> None:
    # Given an article stored while its publish failed (so consumers never heard of it)
    page = sample_pages()[PAGE]
    url = world.origin.add("moving.html", page)
    world.send(url)
    world.faulty_events().fail("put_events", aws_error("ThrottlingException", "PutEvents", 400))
    assert world.poll().failed == 1
    earlier = _record(world, url)

    # When the page changes before the message is redelivered
    world.origin.add("moving.html", page.replace(b"312 to 41", b"311 to 42"))
    assert world.poll().succeeded == 1

    # Then one event announces the newer version, as new: the earlier one never went out
    (event,) = feed.received()
    stored = _record(world, url)
    assert event["detail"] == _expected_detail(stored, "new")
    assert stored.version > earlier.version and stored.text_key != earlier.text_key
    assert stored.pending_event is None


@pytest.mark.parametrize("stack_parameters", [{}], indirect=True, ids=["no-bus"])
def test_without_a_bus_nothing_is_published_and_no_event_is_marked_pending(world: World) -> None:
    # Given the stack deployed with EventBusName empty (the default), and a consumer's rule on the default bus
    default_bus = subscribe("default")
    url = world.origin.url(f"page/5/{PAGE}")
    world.send(url)

    # When the article is ingested
    assert world.poll().succeeded == 1

    # Then the function has no publisher at all, nothing arrives, and the record carries no pending_event
    assert world.runtime.settings.event_bus_name is None and world.runtime.deps.events is None
    assert default_bus.received() == []
    assert _record(world, url).status == "ok"
    assert "pending_event" not in _stored_attributes(world, url)
