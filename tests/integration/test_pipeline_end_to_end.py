"""The ingest backbone end to end: events → the real lambda_handler → S3 + DynamoDB (moto), pages from 127.0.0.1."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from newsingest.storage import ArticleObjects, ArticleRepository
from newsingest.urls import article_id, normalize_url
from newsingest_tools.local.esm import LocalEventSource, load_handler
from newsingest_tools.local.stack import find_template
from tests.conftest import Stack, load_event, sqs_record


@pytest.fixture()
def handler(stack: Stack) -> Any:
    return load_handler(find_template())


@pytest.fixture()
def repository(stack: Stack) -> ArticleRepository:
    return ArticleRepository(stack.clients.dynamodb, stack.outputs.table_name)


@pytest.fixture()
def objects(stack: Stack) -> ArticleObjects:
    return ArticleObjects(stack.clients.s3, stack.outputs.bucket_name)


class Context:
    """A Lambda context with plenty of time left."""

    function_name = "IngestFunction"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:IngestFunction"
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def _event(*bodies: str, queue_arn: str) -> dict[str, Any]:
    return {"Records": [sqs_record(body, message_id=f"m-{i}", queue_arn=queue_arn) for i, body in enumerate(bodies)]}


def _all_object_versions(stack: Stack) -> list[dict[str, Any]]:
    response = stack.clients.s3.list_object_versions(Bucket=stack.outputs.bucket_name)
    return response.get("Versions", [])


def test_mixed_batch_yields_exactly_the_right_failures_and_items(
    stack: Stack, origin: str, handler: Any, repository: ArticleRepository
) -> None:
    # Given the mixed batch of events/ (good URL, good URL forced, 404, malformed) plus a 503 that must be retried
    event = load_event("sqs-mixed-batch.json", origin)
    event["Records"].append(sqs_record(f"{origin}/status/503", message_id="m-503", queue_arn=stack.outputs.queue_arn))

    # When the real handler processes it
    response = handler(event, Context())

    # Then only the transient failure is reported for retry
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-503"}]}
    # And each other message ended as a stored article or a recorded failure with its reason
    esper = repository.get(article_id(normalize_url(f"{origin}/koreatimes_esper.html")))
    assert esper is not None and esper.status == "ok"
    assert esper.title == "Esper calls on South Korea, Japan to show leadership to resolve dispute"
    assert esper.section == "Foreign Affairs" and esper.source == "Yonhap"
    lighthouse = repository.get(article_id(normalize_url(f"{origin}/coastline_lighthouse.html")))
    assert lighthouse is not None and lighthouse.status == "ok" and lighthouse.authors == ("Morag Keenan", "Tom Ashby")
    missing = repository.get(article_id(normalize_url(f"{origin}/no-such-story.html")))
    assert missing is not None and (missing.status, missing.reason, missing.http_status) == ("failed", "http_404", 404)
    malformed = [item for item in repository.by_status("failed") if item.reason == "invalid_message"]
    assert len(malformed) == 1
    stored_malformed = repository.get(malformed[0].article_id)
    assert stored_malformed is not None and stored_malformed.raw_body == '{"link": "not the right field"}'
    # And the 503 left no record: it is still the queue's to redeliver
    assert repository.get(article_id(normalize_url(f"{origin}/status/503"))) is None


def test_stored_objects_hold_the_clean_text_and_the_exact_raw_page(
    stack: Stack, origin: str, handler: Any, repository: ArticleRepository, objects: ArticleObjects
) -> None:
    # Given a good URL / When ingested
    url = f"{origin}/koreatimes_esper.html"
    handler(_event(url, queue_arn=stack.outputs.queue_arn), Context())
    item = repository.get(article_id(normalize_url(url)))
    assert item is not None and item.text_key and item.raw_key

    # Then the text object is the cleaned body, UTF-8 text/plain, under a key browsable by site
    text = objects.get_text(item.text_key)
    assert text.startswith("U.S. Defense Secretary Mark Esper on Thursday called on South Korea and Japan")
    assert text.rstrip().endswith("So I think the ball is in their court.\" (Yonhap)")
    assert "AP-Yonhap" not in text and "American deal" not in text
    assert item.text_key.startswith("text/127.0.0.1/") and item.raw_key.startswith("raw/127.0.0.1/")
    head = stack.clients.s3.head_object(Bucket=stack.outputs.bucket_name, Key=item.text_key)
    assert head["ContentType"].startswith("text/plain")
    # And the raw object is the page exactly as served, gzipped
    raw = stack.clients.s3.get_object(Bucket=stack.outputs.bucket_name, Key=item.raw_key)["Body"].read()
    from newsingest_tools.local.origin import sample_pages

    assert gzip.decompress(raw) == sample_pages()["koreatimes_esper.html"]
    assert item.content_sha256 and item.word_count and item.word_count > 500
    assert item.extractor_version


def test_redelivery_is_unchanged_and_writes_nothing_new(
    stack: Stack, origin: str, handler: Any, repository: ArticleRepository
) -> None:
    # Given an article already ingested
    url = f"{origin}/coastline_lighthouse.html"
    handler(_event(url, queue_arn=stack.outputs.queue_arn), Context())
    first = repository.get(article_id(normalize_url(url)))
    versions_before = _all_object_versions(stack)

    # When the same message is delivered again
    response = handler(_event(url, queue_arn=stack.outputs.queue_arn), Context())

    # Then nothing is retried, no S3 object (or object version) is added, and only last_checked_at and version move
    # (the confirmation is the newest observation: the ordering rule)
    assert response == {"batchItemFailures": []}
    second = repository.get(article_id(normalize_url(url)))
    assert first is not None and second is not None
    assert len(_all_object_versions(stack)) == len(versions_before) == 2
    assert second.version > first.version and second.fetched_at == first.fetched_at
    assert second.last_checked_at is not None and second.last_checked_at >= (first.last_checked_at or "")
    moving = {"last_checked_at": None, "version": None}
    assert second.to_json() | moving == first.to_json() | moving


def test_force_reingests_without_duplicating_objects(
    stack: Stack, origin: str, handler: Any, repository: ArticleRepository
) -> None:
    # Given an article already ingested
    url = f"{origin}/coastline_lighthouse.html"
    handler(_event(url, queue_arn=stack.outputs.queue_arn), Context())
    first = repository.get(article_id(normalize_url(url)))

    # When a forced re-ingest arrives
    handler(_event(json.dumps({"url": url, "force": True}), queue_arn=stack.outputs.queue_arn), Context())

    # Then a newer version of the record is written, but the content-addressed objects are not written twice
    second = repository.get(article_id(normalize_url(url)))
    assert first is not None and second is not None
    assert second.version > first.version and second.text_key == first.text_key
    assert len(_all_object_versions(stack)) == 2


def test_articles_are_listable_by_domain_newest_first(
    stack: Stack, origin: str, handler: Any, repository: ArticleRepository
) -> None:
    # Given three sample articles ingested
    pages = ["koreatimes_esper.html", "coastline_lighthouse.html", "badasinmun_whale.nocharset.html"]
    handler(_event(*(f"{origin}/{page}" for page in pages), queue_arn=stack.outputs.queue_arn), Context())

    # When queried by domain, and by domain within a date range
    everything = list(repository.by_domain("127.0.0.1"))
    in_2021 = list(repository.by_domain("127.0.0.1", since="2021-01-01", until="2021-12-31"))

    # Then they come newest first, and the range keeps only the 2021 article
    assert [item.published_at[:10] for item in everything] == ["2024-05-14", "2021-03-04", "2019-11-22"]
    assert [item.language for item in in_2021] == ["ko"]
    assert in_2021[0].title == "부산 앞바다서 길이 5ｍ 밍크고래 혼획"


def test_undated_page_is_listed_by_domain_under_its_first_seen_time(
    stack: Stack, handler: Any, repository: ArticleRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a page that gives no date at all
    from newsingest_tools.local.origin import serve_pages

    page = ("<html><head><title>Undated</title></head><body><article>"
            + "".join(f"<p>Paragraph {i} of an article that never says when it was written, long enough to count "
                      "as a real paragraph of body text for any extractor.</p>" for i in range(6))
            + "</article></body></html>").encode()
    with serve_pages({"undated.html": page}) as other_origin:
        monkeypatch.setenv("FETCH_ALLOW_HOSTS", other_origin.split("//", 1)[1])
        from newsingest.batch import reset_runtime

        reset_runtime()
        handler(_event(f"{other_origin}/undated.html", queue_arn=stack.outputs.queue_arn), Context())
        reset_runtime()

    # Then it is stored and listable by domain, its date marked as first-seen rather than the page's
    item = repository.get(article_id(normalize_url(f"{other_origin}/undated.html")))
    assert item is not None and item.status == "ok"
    assert item.date_source == "first_seen" and item.published_at == item.first_seen_at
    assert item.article_id in {listed.article_id for listed in repository.by_domain("127.0.0.1")}


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(stack: Stack, origin: str, handler: Any) -> None:
    # Given a URL that always answers 503, on the queue created from template.yaml (maxReceiveCount 5)
    sqs = stack.clients.sqs
    sqs.send_message(QueueUrl=stack.outputs.queue_url, MessageBody=f"{origin}/status/503")
    source = LocalEventSource(sqs, stack.outputs.queue_url, handler, retry_visibility_seconds=0)

    # When the event-source loop runs until the queue is empty
    report = source.drain(max_batches=20)

    # Then it was tried maxReceiveCount times and now waits in the DLQ, untouched
    assert report.received == 5 and report.succeeded == 0
    attributes = sqs.get_queue_attributes(QueueUrl=stack.outputs.dead_letter_queue_url,
                                          AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "1"
