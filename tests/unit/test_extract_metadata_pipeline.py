"""Metadata through the whole pipeline: what the pre-clean keeps, merges and text the body stage hands on.

The metadata tests read a raw BeautifulSoup tree; these go through ``extract_article`` (decode, pre-clean, parse,
metadata, body, completion), so that a pre-clean step can never silently cost a metadata field.
Each test: Given a page, When it is extracted, Then the field is what the page says.
"""

from __future__ import annotations

from pathlib import Path

import bs4
import pytest

from newsingest.extract import ExtractOptions, extract_article
from newsingest.extract.clean import drop_regions, preclean
from newsingest.extract.metadata import extract_metadata

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
PARAGRAPH = "<p>The council voted on Monday to build a new tram line linking the central station with the port.</p>"
BODY = f"<article><h1>Tram line approved after long debate</h1>{PARAGRAPH * 4}</article>"
FIELDS = ("title", "canonical_url", "published_at", "modified_at", "authors", "section", "tags", "description",
          "image_url", "site_name", "paywalled")


# ------------------------------------------------------------------------------------------- <link> elements
def test_metadata_links_survive_the_pre_clean() -> None:
    # Given a head with a canonical link, an image_src link and an author link among stylesheet/preload links
    html = (
        '<html><head><link rel="stylesheet" href="/site.css"><link rel="preload" href="/font.woff2">'
        '<link rel="canonical" href="https://news.example/city/tram-line">'
        "<link rel='image_src' href='https://img.example/tram-1200.jpg'>"
        '<link rel=author href="https://news.example/staff/jane-doe">'
        '<meta property="og:url" content="http://social.example/city/tram-line"></head>'
        f"<body>{BODY}</body></html>"
    )
    # When pre-cleaned
    cleaned = drop_regions(html)
    # Then the metadata links stay, the others go
    assert 'rel="canonical"' in cleaned and "rel='image_src'" in cleaned and "rel=author" in cleaned
    assert "stylesheet" not in cleaned and "preload" not in cleaned
    # and through the whole pipeline, link rel=canonical beats og:url, and image_src is the lead image
    article = extract_article(html.encode(), "https://news.example/city/tram-line?utm_source=feed")
    assert article.canonical_url == "https://news.example/city/tram-line"
    assert article.image_url == "https://img.example/tram-1200.jpg"


def test_a_stylesheet_whose_url_says_author_is_not_kept() -> None:
    # Given stylesheet links whose href mentions "author" or "canonical"
    html = '<link rel="stylesheet" href="/author.css"><link rel=stylesheet href=/canonical.css><p>x</p>'
    # When pre-cleaned / Then they go: only the rel value decides
    assert "<link" not in drop_regions(html)


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("meta_*.html")))
def test_pipeline_metadata_equals_metadata_of_the_raw_tree(name: str) -> None:
    # Given a metadata fixture page
    raw = (PAGES / name).read_bytes()
    url = "https://ledger.example/news/city/harbor-bridge-reopens?utm_source=x"
    # When its metadata is read from the untouched tree and through extract_article
    direct = extract_metadata(bs4.BeautifulSoup(raw.decode("utf-8"), "lxml"), url, ExtractOptions())
    article = extract_article(raw, url)
    # Then the pre-clean cost no field
    for field in FIELDS:
        assert getattr(article, field) == getattr(direct, field), field


def test_jsonld_rich_page_keeps_its_canonical_url_through_extract_article() -> None:
    # Given the JSON-LD-rich fixture, whose <link rel=canonical> is relative
    raw = (PAGES / "meta_jsonld_rich.html").read_bytes()
    # When extracted
    article = extract_article(raw, "https://ledger.example/news/city/harbor-bridge-reopens?utm_source=x")
    # Then
    assert article.canonical_url == "https://ledger.example/news/city/harbor-bridge-reopens"


def test_pre_clean_output_keeps_canonical_link() -> None:
    # Given a full page / When pre-cleaned with the production caps / Then the canonical link is still there
    html = '<html><head><link rel="canonical" href="/a"></head><body>' + BODY + "</body></html>"
    assert '<link rel="canonical" href="/a">' in preclean(html, 10_000, 2_000_000)


# ------------------------------------------------------------------------------------------- the head cut
def test_head_cut_does_not_stop_inside_a_json_ld_block() -> None:
    # Given a head whose JSON-LD articleBody quotes "<body>" and "</head>" before the article node's dates
    import json

    node = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "articleBody": "Web pages put their text in a <body> element, after the </head>.",
        "datePublished": "2019-11-20T06:07:01+00:00",
        "author": {"@type": "Person", "name": "Stefan Becket"},
    }
    html = (
        '<html><head><link rel="stylesheet" href="/a.css">'
        f'<script type="application/ld+json">{json.dumps(node)}</script>'
        '<meta name="description" content="How pages are built"></head>'
        f"<body>{BODY}</body></html>"
    )
    # When extracted
    article = extract_article(html.encode())
    # Then the whole JSON-LD node (and what follows it in the head) is read
    assert article.published_at == "2019-11-20T06:07:01+00:00"
    assert article.authors == ("Stefan Becket",)
    assert article.description == "How pages are built"
    assert "Web pages put" not in article.text


def test_head_cut_skips_script_contents_but_still_slims_the_head() -> None:
    # Given a head with a JSON-LD block quoting "<body" and a stylesheet link after it
    from newsingest.extract.clean import slim_head

    html = ('<html><head><script type="application/ld+json">{"a": "<body class=x>"}</script>'
            '<style>p{}</style><link rel="stylesheet" href="/b.css"><title>T</title></head>'
            '<body><p>x</p></body></html>')
    # When the head is slimmed
    slimmed = slim_head(html)
    # Then the JSON-LD block is whole, the style element goes, and the body is untouched
    assert '{"a": "<body class=x>"}</script>' in slimmed
    assert "<style>" not in slimmed and "<title>T</title>" in slimmed
    assert slimmed.endswith("</head><body><p>x</p></body></html>")


# ------------------------------------------------------------------------------------------- breadcrumbs, paywall
TRAIL = '<li><a href="/">Home</a></li><li><a href="/city">City</a></li>'


@pytest.mark.parametrize(
    "trail",
    [
        f'<nav aria-label="Breadcrumb"><ol>{TRAIL}</ol></nav>',
        f'<nav aria-label="breadcrumbs"><ul>{TRAIL}</ul></nav>',
        f'<nav><ol itemscope itemtype="https://schema.org/BreadcrumbList">{TRAIL}</ol></nav>',
        f'<div itemscope itemtype="http://schema.org/BreadcrumbList"><ol>{TRAIL}</ol></div>',
        f'<nav><ol class="breadcrumb">{TRAIL}</ol></nav>',
        f'<div class="navbar"><ol class="breadcrumb">{TRAIL}</ol></div>',
        f'<nav class="site-nav"><ul><li><a href="/a">Sports</a></li></ul><ol class="crumbs">{TRAIL}</ol></nav>',
        f'<footer><ol class="breadcrumb">{TRAIL}</ol></footer>',
    ],
)
def test_breadcrumb_variants_give_the_section_through_the_pipeline(trail: str) -> None:
    # Given a breadcrumb trail marked by ARIA label, microdata type or class, possibly inside a region the
    # pre-clean drops (an unlabelled <nav>, a navbar, a footer)
    html = f"<html><body><header>{trail}</header>{BODY}</body></html>"
    # When extracted
    article = extract_article(html.encode())
    # Then the last crumb that is not "Home" is the section, and the trail is not body text
    assert article.section == "City"
    assert "Home" not in article.text and "Sports" not in article.text


def test_class_marked_trail_wins_over_a_labelled_wrapper_of_several_trails() -> None:
    # Given a <nav aria-label="breadcrumb"> wrapping two class-marked trails (an article filed in two sections)
    html = (
        '<html><body><nav aria-label="breadcrumb">'
        '<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/space">Space</a></li></ol>'
        '<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/bio">Astrobiology</a></li></ol>'
        f"</nav>{BODY}</body></html>"
    )
    # When extracted / Then the first trail is read, not the wrapper's last link
    assert extract_article(html.encode()).section == "Space"


@pytest.mark.parametrize(
    "marker",
    [
        '<aside><div class="paywall-container">Subscribe to keep reading</div></aside>',
        '<footer><div data-paywall="true">Subscribe to keep reading</div></footer>',
        '<nav><div id="tp-container"></div></nav>',
        '<div class="sidebar"><section class="premium-wall">Subscribe to keep reading</section></div>',
        '<div class="paywall" style="display:none">Subscribe to keep reading</div>',
    ],
)
def test_paywall_markers_come_through_the_pipeline(marker: str) -> None:
    # Given a paywall container, inside or outside a region the pre-clean drops, or hidden
    html = f"<html><body>{BODY}{marker}</body></html>"
    # When extracted
    article = extract_article(html.encode())
    # Then the page is paywalled, and the paywall's text is not body text
    assert article.paywalled is True
    assert "Subscribe" not in article.text


def test_paywall_words_in_dropped_text_are_no_paywall_marker() -> None:
    # Given a footer whose *text* says "premium", "paywall" and "subscriber" (no element is marked)
    html = (f"<html><body>{BODY}<footer><p>Subscriber services: premium support, paywall FAQ.</p>"
            '<a class="locked-icon-link" href="/x">Help</a></footer></body></html>')
    # When extracted / Then nothing says the article is paywalled
    assert extract_article(html.encode()).paywalled is None


# ------------------------------------------------------------------------------------------- closing credits
STORY = "<p>The council voted on Monday to build a new tram line linking the central station, officials said.</p>" * 4


@pytest.mark.parametrize(
    ("closing", "source"),
    [
        ('<p>So I think the ball is in their court." (Yonhap)</p>', "Yonhap"),
        ("<p>(Yonhap)</p>", "Yonhap"),
        ("<p>— Reuters</p>", "Reuters"),
        ("<p>-- Reuters</p>", "Reuters"),
        ("<p>- AFP</p>", "AFP"),
        ("<p>AP</p>", "AP"),
        ("<p>(Reporting by Jane Doe; Editing by John Roe)</p>", "Reuters"),
        # lines the body stage drops as furniture or promotion: still read for the credit
        ("<p>© 2024 The Associated Press. All rights reserved.</p>", "AP"),
        ("<p>Copyright 2024 The Associated Press. All rights reserved. This material may not be published.</p>",
         "AP"),
        ("<p>(Yonhap)</p><p>Subscribe to our newsletter for more.</p>", "Yonhap"),
        ("<p>© 2024 Reuters</p><p>Follow us on Twitter</p>", "Reuters"),
        # not the story's credit
        ("<p>Photo: AP-Yonhap</p>", None),
        ("<p>© 2024 Metro Daily. All rights reserved.</p>", None),
        ("<p>Share this article</p><p>Advertisement</p>", None),
    ],
)
def test_the_credit_closing_a_story_reaches_complete_with_text(closing: str, source: str | None) -> None:
    # Given a story that ends with a credit line (kept in the body or dropped by it as furniture/promotion)
    html = f"<html><body><article><h1>Tram line approved</h1>{STORY}{closing}</article></body></html>"
    # When extracted
    article = extract_article(html.encode())
    # Then the wire agency is the story's source, and furniture lines are still out of the body
    assert article.source == source
    assert "©" not in article.text and "Subscribe" not in article.text and "Follow us" not in article.text


def test_body_stage_reports_the_lines_it_dropped_after_the_story() -> None:
    # Given a story followed by a copyright line and a promotion
    from newsingest.extract.body import extract_body

    html = (f"<html><body><article><h1>T</h1>{STORY}<p>© 2024 The Associated Press</p>"
            "<p>Subscribe to our newsletter for more.</p></article></body></html>")
    soup = bs4.BeautifulSoup(preclean(html, 10_000), "lxml", multi_valued_attributes=None)
    # When the body stage runs
    body = extract_body(soup, None, ExtractOptions())
    # Then both are out of the text and handed on, in page order
    assert body.text.endswith("officials said.")
    assert body.closing == ("© 2024 The Associated Press", "Subscribe to our newsletter for more.")


# ------------------------------------------------------------------------------------------- hidden microdata
def test_hidden_schema_org_article_block_is_read_for_metadata_and_left_out_of_the_body() -> None:
    # Given a visible story and a display:none schema.org NewsArticle block of itemprops (with an articleBody copy)
    copy = "A copy of the story for search engines. " * 30
    html = (
        f"<html><body>{BODY}"
        '<div style="display:none;" itemscope itemtype="http://schema.org/NewsArticle">'
        '<div itemprop="datePublished">2019-11-19T08:57:40+01:00</div>'
        '<div itemprop="dateModified">2019-11-19T08:57:45+01:00</div>'
        '<div itemprop="articleSection">international</div>'
        f'<div itemprop="articleBody">{copy}</div></div></body></html>'
    )
    # When extracted
    article = extract_article(html.encode())
    # Then its dates (with their offset) and section are the article's, and its copy is not body text
    assert article.published_at == "2019-11-19T08:57:40+01:00"
    assert article.modified_at == "2019-11-19T08:57:45+01:00"
    assert article.section == "international"
    assert "search engines" not in article.text and article.text.startswith("The council voted")


def test_other_hidden_blocks_are_still_dropped_before_parsing() -> None:
    # Given a hidden block that is not an Article (a modal, a hidden Person card)
    html = ('<div style="display:none" itemscope itemtype="http://schema.org/Person">x</div>'
            '<div hidden class="modal">y</div><p>z</p>')
    # When pre-cleaned / Then both go
    assert drop_regions(html) == "<p>z</p>"
