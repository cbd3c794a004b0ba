"""date_source: where published_at came from travels from the extractor into the DynamoDB item."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsingest.extract import Article
from newsingest.fetch import FetchResult
from newsingest.messages import IngestRequest
from newsingest.pipeline import Attempt, _article_item

_REQUEST = IngestRequest(url="https://news.example.com/a/1", article_id="a1", domain="news.example.com")
_PAGE = FetchResult(url=_REQUEST.url, final_url=_REQUEST.url, status=200, body=b"<html></html>",
                    content_type="text/html", charset=None, etag=None, last_modified=None, not_modified=False,
                    redirects=(), elapsed_ms=5)
_ATTEMPT = Attempt(started=datetime(2024, 3, 4, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize("source", ["jsonld", "meta", "time", "date_line", "modified", "url"])
def test_the_page_date_keeps_its_source_in_the_item(source: str) -> None:
    # Given an article whose publication date came from one kind of source
    article = Article(text="Body.", published_at="2019-11-22T11:09:00+09:00", date_source=source)
    # When the pipeline maps it onto the record
    item = _article_item(_REQUEST, article, _PAGE, None, _ATTEMPT, "sha", None)
    # Then the record says where the date came from, and keeps the page's value
    assert (item.published_at, item.date_source) == ("2019-11-22T11:09:00+09:00", source)


def test_an_undated_page_is_listed_under_its_first_fetch() -> None:
    # Given an article without any date
    article = Article(text="Body.")
    # When mapped
    item = _article_item(_REQUEST, article, _PAGE, None, _ATTEMPT, "sha", None)
    # Then the fetch time stands in and date_source says so
    assert (item.published_at, item.date_source) == ("2024-03-04T12:00:00.000Z", "first_seen")
