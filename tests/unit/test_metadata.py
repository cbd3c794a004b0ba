"""Metadata extraction on whole fixture pages, with exact expectations.

Each test: Given a page, When its metadata is extracted, Then every field is exactly what the page says.
"""

from __future__ import annotations

from pathlib import Path

import bs4

from newsingest.extract.article import Image
from newsingest.extract.metadata import Metadata, complete_with_text, extract_metadata
from newsingest.extract.options import ExtractOptions

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SEED_PAGE = Path(__file__).resolve().parents[2] / "tooling/newsingest_tools/local/pages/koreatimes_esper.html"
SEED_URL = "https://www.koreatimes.co.kr/www/nation/2019/11/120_279161.html"


def _meta(name: str, url: str | None) -> Metadata:
    html = (PAGES / name).read_text(encoding="utf-8")
    return extract_metadata(bs4.BeautifulSoup(html, "lxml"), url, ExtractOptions())


def test_jsonld_rich_page_yields_every_field_from_the_graph() -> None:
    # Given a page whose JSON-LD is a @graph with @id-linked authors, typed arrays, ImageObjects, breadcrumbs,
    # plus a commented-out related-stories block and a block that is not JSON at all
    # When
    meta = _meta("meta_jsonld_rich.html", "https://ledger.example/news/city/harbor-bridge-reopens?utm_source=x")
    # Then
    assert meta == Metadata(
        title="Harbor Bridge Reopens After Two-Year Retrofit",
        authors=("Jane Doe", "John Roe"),  # @id reference resolved, ALL CAPS title-cased, Organization dropped
        published_at="2024-03-04T15:04:00-05:00",  # the article node's, not the WebPage's 2001 nor the related 2015
        date_source="jsonld",
        modified_at="2024-03-05T09:30:00-05:00",
        section="City",
        tags=("Bridges", "Transport", "city hall"),
        description="The span reopened to traffic on Monday & cyclists get a new lane.",
        language="en-US",  # JSON-LD inLanguage beats og:locale when <html> has no lang
        image_url="https://cdn.ledger.example/img/bridge-1200.jpg",
        images=(
            Image("https://cdn.ledger.example/img/bridge-1200.jpg", "Cars cross the Harbor Bridge on Monday.",
                  "Photo: Mary Major"),
            Image("https://cdn.ledger.example/img/bridge-night.jpg"),
        ),
        canonical_url="https://ledger.example/news/city/harbor-bridge-reopens",  # relative href resolved
        site_name="Example Daily Ledger",
        source=None,
        paywalled=True,  # isAccessibleForFree "False" and a locked hasPart
    )


def test_date_trap_page_takes_only_the_articles_own_dates_and_byline() -> None:
    # Given a page whose URL, masthead, related box, comments and footer all carry other dates and names
    # When
    meta = _meta("meta_date_traps.html", "https://courier.example/2018/01/01/council-approves-new-budget")
    # Then
    assert meta.title == "Council approves new budget"  # " :: Riverside Courier" cut
    assert meta.published_at == "2019-11-22T18:40:00"  # the "Published:" line, naive: the page gives no offset
    assert meta.modified_at == "2019-11-23T08:15:00"  # the "Last updated:" line, listed first, is not published
    assert meta.authors == ("Maria Garcia",)
    assert meta.section == "Politics"  # last HTML breadcrumb
    assert meta.site_name == "Riverside Courier"
    assert meta.language == "en-US"


def test_wire_story_credits_the_agency_and_ignores_photo_credit_logo_and_pixel() -> None:
    # Given an AP story whose byline is the agency, whose og:image is a default logo and whose body holds a pixel,
    # an avatar and a photo credited "(AP Photo/…)"
    html = (PAGES / "meta_wire_story.html").read_text(encoding="utf-8")
    soup = bs4.BeautifulSoup(html, "lxml")
    # When
    meta = extract_metadata(soup, "https://metro.example/2024/03/04/storm", ExtractOptions())
    body = soup.select_one(".article-body").get_text("\n\n", strip=True)
    completed = complete_with_text(meta, body)
    # Then
    assert meta.authors == ()  # an agency is not a person
    assert meta.source == "AP"
    assert completed.source == "AP"  # the "SPRINGFIELD, Ill. (AP) —" dateline
    assert meta.published_at == "2024-03-04T15:04:00-05:00"
    assert meta.image_url == "https://metro.example/img/storm-lead.jpg"
    assert meta.images == (Image("https://metro.example/img/storm-lead.jpg",
                                 "Crews repair downed lines in Springfield on Monday.", "AP Photo/Sam Smith"),)
    assert meta.tags == ("Weather", "Power outages")  # article tags win over site-wide keywords
    assert meta.paywalled is False  # content_tier "free"
    assert meta.title == "Storm knocks out power to thousands"


def test_korean_page_reads_labelled_korean_date_lines_reporter_and_yonhap_dateline() -> None:
    # Given a Korean page with 입력/수정 lines, a "기자" byline and a (서울=연합뉴스) dateline
    html = (PAGES / "meta_korean_story.html").read_text(encoding="utf-8")
    soup = bs4.BeautifulSoup(html, "lxml")
    # When
    meta = complete_with_text(extract_metadata(soup, None, ExtractOptions()),
                              soup.select_one(".news_body").get_text("\n\n", strip=True))
    # Then
    assert meta.title == "서울 도심 집회 잇따라"
    assert meta.authors == ("홍길동",)
    assert meta.published_at == "2019-11-22T11:09:00"
    assert meta.modified_at == "2019-11-22T14:30:00"
    assert meta.language == "ko-KR"  # og:locale ko_KR
    assert meta.source == "Yonhap"
    assert meta.site_name == "예시일보"


# ------------------------------------------------------------------------------------------- the seed page
SEED_EXPECTED = {
    "title": "Esper calls on South Korea, Japan to show leadership to resolve dispute",
    # The page declares +09:00 in its metadata, so the offset is kept; the visible "Posted : 2019-11-22 11:09"
    # agrees on the wall clock.
    "published_at": "2019-11-22T11:09:00+09:00",
    "modified_at": "2019-11-22T11:09:00+09:00",
    "section": "Foreign Affairs",
    "source": "Yonhap",
    "language": "en",
}


def test_seed_page_metadata_through_extract_metadata() -> None:
    # Given the page modeled on the Korea Times seed
    soup = bs4.BeautifulSoup(SEED_PAGE.read_bytes(), "lxml")
    body = soup.select_one("[itemprop=articleBody]")
    text = body.get_text("\n", strip=True) if body else soup.get_text("\n", strip=True)
    # When
    meta = complete_with_text(extract_metadata(soup, SEED_URL, ExtractOptions()), text)
    # Then
    for field, expected in SEED_EXPECTED.items():
        assert getattr(meta, field) == expected, field
    assert meta.site_name == "The Korea Times"
    assert meta.canonical_url == SEED_URL
    assert meta.images and meta.images[0].credit == "AP-Yonhap"  # the photo credit is not the story's source


def test_seed_page_metadata_through_extract_article() -> None:
    # Given the seed-modeled page as bytes
    from newsingest.extract import extract_article

    # When
    article = extract_article(SEED_PAGE.read_bytes(), SEED_URL)
    # Then
    for field, expected in SEED_EXPECTED.items():
        assert getattr(article, field) == expected, field


def test_seed_page_dates_stay_naive_when_only_the_visible_date_line_exists() -> None:
    # Given the seed page's header as the only date source (no metadata declaring an offset)
    html = """<html lang="en"><body><header><div class="header_date">Sun, August 14, 2022 | 09:22</div></header>
    <div class="view_page_news_section"><a href="/s">Foreign Affairs</a></div>
    <h1>Esper calls on South Korea, Japan to show leadership to resolve dispute</h1>
    <div class="view_page_news_date"><span>Posted : 2019-11-22 11:09</span><span>Updated : 2019-11-22 11:09</span></div>
    <div itemprop="articleBody">U.S. Defense Secretary Mark Esper on Thursday called on South Korea and Japan to show
    leadership.<br><br>So I think the ball is in their court." (Yonhap)</div></body></html>"""
    # When
    meta = extract_metadata(bs4.BeautifulSoup(html, "lxml"), "https://x.example/www/nation/2019/11/1.html",
                            ExtractOptions())
    # Then
    assert meta.published_at == "2019-11-22T11:09:00"
    assert meta.modified_at == "2019-11-22T11:09:00"
    assert meta.section == "Foreign Affairs"
    assert meta.title == "Esper calls on South Korea, Japan to show leadership to resolve dispute"
