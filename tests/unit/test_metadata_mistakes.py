"""The classic metadata mistakes of article extractors, each reproduced on a small page.

Dates taken from related items, from the URL, from copyright lines, from comments or from the masthead's "today";
"Updated" taken as published; names taken from sidebars and comments.
"""

from __future__ import annotations

import bs4

from newsingest.extract.metadata import Metadata, extract_metadata
from newsingest.extract.options import ExtractOptions


def _meta(html: str, url: str | None = "https://news.example/story/1") -> Metadata:
    return extract_metadata(bs4.BeautifulSoup(html, "lxml"), url, ExtractOptions())


def test_related_article_dates_are_not_the_article_date() -> None:
    # Given an article whose only <time> elements sit in a related-stories box
    html = """<html><body><article><h1>Main story headline here</h1><p>Body text of the story.</p>
    <div class="related-articles"><ul><li><a href="/a">Other</a><time datetime="2018-05-01T10:00:00Z">May 1</time></li>
    </ul></div></article></body></html>"""
    # When / Then: no date rather than a wrong one
    assert _meta(html).published_at is None


def test_article_time_wins_over_related_time_listed_first() -> None:
    # Given a related list printed above the article's own <time>
    html = """<html><body><div class="most-read"><time datetime="2020-01-01T00:00:00Z">x</time></div>
    <article><h1>Main story headline here</h1><time datetime="2021-06-01T08:30:00+02:00">June 1</time>
    <p>Body.</p></article></body></html>"""
    assert _meta(html).published_at == "2021-06-01T08:30:00+02:00"


def test_url_date_is_ignored_when_the_page_has_a_date() -> None:
    # Given a URL saying 2018-01-01 and metadata saying 2019-11-22
    html = ('<html><head><meta property="article:published_time" content="2019-11-22T11:09:00"></head>'
            '<body></body></html>')
    assert _meta(html, "https://news.example/2018/01/01/story").published_at == "2019-11-22T11:09:00"


def test_only_a_modified_date_stands_in_for_published_before_the_url() -> None:
    # Given only a modified date in the page / Then it stands in for published (the URL is a later resort)
    html = '<html><head><meta property="article:modified_time" content="2019-11-23T08:00:00"></head></html>'
    meta = _meta(html, "https://news.example/2018/01/01/story")
    assert (meta.published_at, meta.date_source) == ("2019-11-23T08:00:00", "modified")
    assert meta.modified_at == "2019-11-23T08:00:00"


def test_url_date_is_a_last_resort_and_date_only() -> None:
    # Given a page with no date anywhere / Then the URL's date, without an invented time
    html = "<html><body><h1>Story</h1><p>Text.</p></body></html>"
    assert _meta(html, "https://news.example/2019/11/22/story").published_at == "2019-11-22"


def test_copyright_year_is_not_a_date() -> None:
    html = """<html><body><h1>Story headline</h1><p>Text.</p>
    <footer>Copyright © 2019 News Example. Posted in 2001.</footer></body></html>"""
    assert _meta(html, None).published_at is None


def test_updated_line_is_never_taken_as_published() -> None:
    # Given a header that shows only "Updated"
    html = """<html><body><div class="article-header"><h1>Story headline</h1>
    <span>Updated: 2019-11-23 09:00</span></div><p>Text.</p></body></html>"""
    meta = _meta(html, None)
    # Then no published candidate exists: the updated time stands in, and date_source says it is the modified date
    assert (meta.published_at, meta.date_source) == ("2019-11-23T09:00:00", "modified")
    assert meta.modified_at == "2019-11-23T09:00:00"


def test_comment_timestamps_and_comment_authors_are_ignored() -> None:
    html = """<html><body><article><h1>Story headline</h1><p>Text of the story.</p></article>
    <div id="comments"><div class="comment"><span class="author">By Troll Person</span>
    <time datetime="2019-11-24T01:00:00Z">Nov 24</time><p>Posted: 2019-11-24 01:00</p></div></div></body></html>"""
    meta = _meta(html, None)
    assert meta.published_at is None
    assert meta.authors == ()


def test_masthead_today_date_is_not_the_article_date() -> None:
    # Given a page header printing today's date (the crawl day) and the article's date line under the title
    html = """<html><body><header class="site-header"><time datetime="2022-08-14T09:22:00">Sun, August 14, 2022</time>
    </header><div class="news-view"><h1>Story headline</h1>\
<p class="dateline">Published 3:04 PM EST, Mon March 4, 2024</p>
    <p>Text.</p></div></body></html>"""
    assert _meta(html, None).published_at == "2024-03-04T15:04:00-05:00"


def test_modified_before_published_is_dropped() -> None:
    html = """<html><head><meta property="article:published_time" content="2019-11-22T11:09:00+09:00">
    <meta property="article:modified_time" content="2015-01-01T00:00:00+09:00"></head></html>"""
    meta = _meta(html)
    assert meta.published_at == "2019-11-22T11:09:00+09:00"
    assert meta.modified_at is None


def test_sidebar_bylines_are_not_authors() -> None:
    html = """<html><body><article><h1>Story headline</h1><p>Text.</p></article>
    <aside><div class="byline">By Sidebar Columnist</div></aside>
    <div class="trending"><span class="author">Jane Trending</span></div></body></html>"""
    assert _meta(html).authors == ()


def test_organization_author_is_not_a_person_but_an_agency_is_the_source() -> None:
    html = """<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
    "author":[{"@type":"Organization","name":"Reuters"},{"@type":"NewsMediaOrganization","name":"Daily Example"}]}
    </script></head></html>"""
    meta = _meta(html)
    assert meta.authors == ()
    assert meta.source == "Reuters"


def test_jsonld_webpage_date_loses_to_the_article_date() -> None:
    html = """<html><head><script type="application/ld+json">[{"@type":"WebPage","datePublished":"2001-01-01"},
    {"@type":"NewsArticle","datePublished":"2019-11-22T11:09:00+09:00"}]</script></head></html>"""
    assert _meta(html).published_at == "2019-11-22T11:09:00+09:00"


def test_date_only_metadata_gains_the_time_of_the_visible_date_line() -> None:
    html = """<html><head><meta name="date" content="2019-11-22"></head><body><div class="article">
    <h1>Story headline</h1><span>Posted : 2019-11-22 11:09</span></div></body></html>"""
    assert _meta(html).published_at == "2019-11-22T11:09:00"
