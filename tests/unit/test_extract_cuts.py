"""A page cut by a cap says so: in Article.warnings, and in the record (extraction_warnings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsingest.extract import Article, extract_article
from newsingest.extract.options import ExtractOptions
from newsingest.fetch import FetchResult
from newsingest.messages import IngestRequest
from newsingest.pipeline import Attempt, _article_item
from newsingest.storage import ArticleItem

PARAGRAPH = "<p>The council voted on Monday to build a new tram line across the river, costing more than planned.</p>"
PAGE = (f"<html><head><title>Tram</title></head><body><article><h1>Tram line</h1>{PARAGRAPH * 40}"
        "</article></body></html>")
CUTS = {"input_cut_at_max_bytes", "page_cut_at_max_parse_chars", "page_cut_at_max_tags"}


def test_a_page_within_every_cap_has_no_cut_warning() -> None:
    article = extract_article(PAGE.encode("utf-8"))
    assert article.text and not CUTS & set(article.warnings)


@pytest.mark.parametrize(("options", "warning"), [
    (ExtractOptions(max_input_bytes=2_000), "input_cut_at_max_bytes"),
    (ExtractOptions(max_parse_chars=2_000), "page_cut_at_max_parse_chars"),
    (ExtractOptions(max_tags=30), "page_cut_at_max_tags"),
])
def test_a_page_cut_by_a_cap_says_which(options: ExtractOptions, warning: str) -> None:
    # Given a 4 KB story and a cap below it / When extracted
    article = extract_article(PAGE.encode("utf-8"), options=options)
    # Then what was read is the story's start, and the warning names the cap
    assert article.text.startswith("The council voted on Monday")
    assert len(article.text) < len(PARAGRAPH) * 40 / 2
    assert warning in article.warnings
    assert len(CUTS & set(article.warnings)) == 1


def test_the_record_keeps_the_warnings_and_reads_them_back() -> None:
    # Given an article whose page was cut
    request = IngestRequest(url="https://news.example.com/a/1", article_id="a1", domain="news.example.com")
    page = FetchResult(url=request.url, final_url=request.url, status=200, body=b"<html></html>",
                       content_type="text/html", charset=None, etag=None, last_modified=None, not_modified=False,
                       redirects=(), elapsed_ms=5)
    attempt = Attempt(started=datetime(2024, 3, 4, 12, 0, tzinfo=UTC))
    article = Article(text="Body.", warnings=("body_from_jsonld", "page_cut_at_max_parse_chars"))
    # When mapped onto the record and round-tripped through DynamoDB's typed JSON
    item = _article_item(request, article, page, None, attempt, "sha", None)
    back = ArticleItem.from_attributes(item.to_attributes())
    # Then the warnings are there, in order; a record without any stores none
    assert back.extraction_warnings == ("body_from_jsonld", "page_cut_at_max_parse_chars")
    plain = _article_item(request, replace(article, warnings=()), page, None, attempt, "sha", None)
    assert "extraction_warnings" not in plain.to_attributes()
