"""newsingest.feeds on feeds as the web writes them: relative links, malformed XML, encodings,
double-escaped links, Google News sitemaps. Fixtures: tests/fixtures/feeds (written by make_fixtures.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.feeds import (
    FeedError,
    FeedHints,
    Fetched,
    decode_xml,
    detect_kind,
    parse_document,
    parse_feed,
    parse_xml,
    read_feed,
    read_sitemap,
    repair_markup,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
CASES = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_fixture_links_are_exact(case: dict) -> None:
    # Given a feed or sitemap with one class of breakage, served from its URL with its Content-Type
    body = (FIXTURES / case["file"]).read_bytes()

    # When parsed
    document = parse_document(body, source=case["source"], content_type=case["content_type"])

    # Then exactly the expected links are found, in document order (and the dates where the case gives them)
    assert [entry.url for entry in document.entries] == case["links"]
    if "dates" in case:
        assert [entry.date.isoformat() for entry in document.entries] == case["dates"]


def test_well_formed_feeds_take_the_fast_path_and_malformed_ones_are_recovered() -> None:
    # Given a well-formed and a malformed fixture
    clean = (FIXTURES / "atom-relative-to-feed-url.xml").read_bytes()
    broken = (FIXTURES / "rss-html-entities.xml").read_bytes()

    # When parsed, Then only the malformed one says it was recovered
    assert parse_document(clean, source="https://e.com/f.xml").recovered is False
    assert parse_document(broken, source="https://e.com/f.xml").recovered is True


def test_nothing_recoverable_is_still_refused_with_the_parser_error() -> None:
    # Given truncated markup with no entry at all, When parsed, Then it is refused as not well-formed
    with pytest.raises(FeedError, match="not well-formed XML"):
        parse_feed(b"<rss><channel><item>")


def test_html_page_is_not_a_feed() -> None:
    # Given an HTML page (with an HTML entity), When read as a feed, Then it is refused by its root element
    with pytest.raises(FeedError, match="root element <html> is not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>Caf&eacute;</p></body></html>")


def test_repair_leaves_cdata_and_comments_alone() -> None:
    # Given markup with a bare &, an HTML entity, CDATA and a comment
    text = "<a>R&D &nbsp; &amp; &#38;</a><![CDATA[x&y &nbsp;]]><!-- a&b -->"

    # When repaired, Then markup is escaped and the verbatim sections are untouched
    assert repair_markup(text) == "<a>R&amp;D &#160; &amp; &#38;</a><![CDATA[x&y &nbsp;]]><!-- a&b -->"


@pytest.mark.parametrize(("body", "http_charset", "expected"), [
    ("<?xml version='1.0' encoding='koi8-r'?><a>\u0414\u0430</a>".encode("koi8-r"), None, "\u0414\u0430"),
    ("<a>\u0414\u0430</a>".encode("cp1251"), "cp1251", "\u0414\u0430"),
    ("\ufeff  <a>\u00e9</a>".encode(), None, "\u00e9"),
    ("<a>\u00e9</a>".encode("utf-16-le"), None, None),  # no BOM, no declaration: never raises
])
def test_decode_xml_order(body: bytes, http_charset: str | None, expected: str | None) -> None:
    # When decoded, Then the text is the declared one's (and the prolog starts at "<")
    text = decode_xml(body, http_charset)
    if expected is not None:
        assert text.startswith("<") and expected in text


def test_http_charset_comes_through_read_feed() -> None:
    # Given a fetch that returns a Fetched with a Content-Type charset and a final URL after a redirect
    body = "<rss><channel><item><link>/\u043d/1</link></item></channel></rss>".encode("koi8-r")

    def fetch(url: str) -> Fetched:
        return Fetched(body, "https://ru.example.com/moved/rss", "application/rss+xml; charset=KOI8-R")

    # When read
    found = read_feed(fetch, "https://ru.example.com/rss")

    # Then the link is decoded with the HTTP charset and resolved against the final URL
    assert found.urls == ["https://ru.example.com/\u043d/1"]


def test_news_sitemap_publication_date_filters_since() -> None:
    # Given the Google News sitemap fixture (one story of May 3, one of April 1, no <lastmod>)
    body = (FIXTURES / "news-sitemap.xml").read_bytes()

    # When read with --since 2024-05-01
    found = read_sitemap(lambda url: body, "https://news.example.com/news-sitemap.xml",
                         since=datetime(2024, 5, 1, tzinfo=UTC))

    # Then the old story is skipped by its publication date
    assert found.urls == ["https://news.example.com/2024/05/03/fresh.html"] and found.skipped_old == 1


@pytest.mark.parametrize(("body", "kind"), [
    (b"<rss version='2.0'><channel/></rss>", "rss"),
    (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>", "rdf"),
    (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "atom"),
    (b"<urlset><url><loc>https://e.com/</loc></url></urlset>", "urlset"),
    ((FIXTURES / "news-sitemap.xml").read_bytes(), "news-sitemap"),
    (b"<sitemapindex/>", "sitemapindex"),
    (b"<html/>", "html"),
])
def test_detect_kind(body: bytes, kind: str) -> None:
    assert detect_kind(parse_xml(body)) == kind


def test_cadence_hints_are_read() -> None:
    # Given an RSS feed with <ttl> and the syndication module
    body = b"""<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><ttl>45</ttl>
               <sy:updatePeriod> Daily </sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel></rss>"""

    # When parsed, Then the hints are there
    assert parse_document(body).hints == FeedHints(ttl_minutes=45, update_period="daily", update_frequency=4)
