"""Field rules of extract_metadata / complete_with_text on small pages (title, JSON-LD repair, paywall, images…)."""

from __future__ import annotations

import copy

import bs4
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsingest.extract.metadata import Metadata, complete_with_text, credit_in_text, extract_metadata
from newsingest.extract.options import ExtractOptions


def _meta(html: str, url: str | None = "https://news.example/story/1") -> Metadata:
    return extract_metadata(bs4.BeautifulSoup(html, "lxml"), url, ExtractOptions())


# ------------------------------------------------------------------------------------------- titles
@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Esper calls on Seoul - The Korea Times", "Esper calls on Seoul"),
        ("The Korea Times | Esper calls on Seoul", "Esper calls on Seoul"),
        ("Esper calls on Seoul :: The Korea Times", "Esper calls on Seoul"),
        ("Esper: talks with Seoul will go on - The Korea Times", "Esper: talks with Seoul will go on"),
        ("Storm hits coast | Unknown Outlet", "Storm hits coast"),
        ("Biden wins - live updates", "Biden wins - live updates"),
    ],
)
def test_title_site_suffixes_are_cut(title: str, expected: str) -> None:
    # Given only a <title> and a site name / When extracted / Then the site part is cut
    html = f'<html><head><title>{title}</title><meta property="og:site_name" content="The Korea Times"></head></html>'
    assert _meta(html).title == expected


def test_h1_confirmed_by_metadata_is_the_title() -> None:
    html = """<html><head><meta property="og:title" content="Short headline | Site"></head><body>
    <article><h1>Short headline</h1></article></body></html>"""
    assert _meta(html).title == "Short headline"


def test_logo_h1_is_not_the_title() -> None:
    html = """<html><head><title>Real headline of the day - Example Site</title>
    <meta property="og:site_name" content="Example Site"></head><body><h1><a href="/"><img src="/logo.png"></a></h1>
    </body></html>"""
    assert _meta(html).title == "Real headline of the day"


# ------------------------------------------------------------------------------------------- JSON-LD repair
@pytest.mark.parametrize(
    "block",
    [
        '{"@type": "NewsArticle", "headline": "Fixed", "datePublished": "2019-11-22T11:09:00Z",}',  # trailing comma
        '<!-- {"@type": "NewsArticle", "headline": "Fixed", "datePublished": "2019-11-22T11:09:00Z"} -->',
        '//<![CDATA[\n{"@type": "NewsArticle", "headline": "Fixed", "datePublished": "2019-11-22T11:09:00Z"}\n//]]>',
        '{"@type": "NewsArticle", "headline": "Fi\x01xed\nline", "datePublished": "2019-11-22T11:09:00Z"}'.replace(
            "Fi\x01xed\nline", "Fixed"),
        '{"@type": "http://schema.org/NewsArticle", "headline": "Fixed", "datePublished": "2019-11-22T11:09:00Z"}',
        '{"@type": "Thing"}{"@type": "NewsArticle", "headline": "Fixed", "datePublished": "2019-11-22T11:09:00Z"}',
        '[{"@type": "BlogPosting", "headline": "Fixed", "datePublished": "2019-11-22T11:09:00Z"}];',
    ],
)
def test_malformed_jsonld_is_repaired(block: str) -> None:
    html = f'<html><head><script type="application/ld+json">{block}</script></head><body></body></html>'
    meta = _meta(html)
    assert meta.title == "Fixed"
    assert meta.published_at == "2019-11-22T11:09:00+00:00"


def test_control_characters_inside_jsonld_strings_are_tolerated() -> None:
    block = '{"@type": "NewsArticle", "headline": "Line\none\ttab", "description": "a\x02b"}'
    html = f'<html><head><script type="application/ld+json">{block}</script></head></html>'
    assert _meta(html).title == "Line one tab"


@pytest.mark.parametrize("block", ["{", "null", "[1, 2]", '"text"', "{\"@type\": 5}", "x" * 1000, ""])
def test_hopeless_jsonld_degrades_to_none(block: str) -> None:
    html = f'<html><head><script type="application/ld+json">{block}</script></head></html>'
    assert _meta(html) == Metadata()


def test_related_article_node_in_graph_does_not_win_over_the_page_article() -> None:
    html = """<html><head><link rel="canonical" href="https://news.example/story/1">
    <script type="application/ld+json">{"@graph":[
      {"@type":"NewsArticle","url":"https://news.example/other","headline":"Other","datePublished":"2015-01-01"},
      {"@type":"NewsArticle","url":"https://news.example/story/1","headline":"Ours","datePublished":"2019-11-22"}]}
    </script></head></html>"""
    meta = _meta(html)
    assert (meta.title, meta.published_at) == ("Ours", "2019-11-22")


# ------------------------------------------------------------------------------------------- meta sources
def test_meta_sources_parsely_dc_and_sailthru() -> None:
    html = """<html><head><meta name="parsely-pub-date" content="2019-11-22T02:09:00Z">
    <meta name="sailthru.author" content="Jane Doe"><meta name="dc.language" content="EN-gb">
    <meta name="parsely-section" content="World"><meta name="news_keywords" content="a, b, A">
    <meta name="DC.description" content="Desc"></head></html>"""
    meta = _meta(html)
    assert meta.published_at == "2019-11-22T02:09:00+00:00"
    assert meta.authors == ("Jane Doe",)
    assert meta.language == "en-GB"
    assert meta.section == "World"
    assert meta.tags == ("a", "b")
    assert meta.description == "Desc"


def test_microdata_itemprops() -> None:
    html = """<html><body><div itemscope itemtype="https://schema.org/NewsArticle">
    <h1 itemprop="headline">Micro headline</h1>
    <span itemprop="author" itemscope><span itemprop="name">Jane Doe</span></span>
    <meta itemprop="datePublished" content="2019-11-22T11:09:00+09:00">
    <span itemprop="dateModified" content="2019-11-23T10:00:00+09:00">Nov 23</span>
    <div itemprop="articleBody"><p>Text.</p></div></div></body></html>"""
    meta = _meta(html)
    assert meta.authors == ("Jane Doe",)
    assert meta.published_at == "2019-11-22T11:09:00+09:00"
    assert meta.modified_at == "2019-11-23T10:00:00+09:00"
    assert meta.title == "Micro headline"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:locale" content="ko_KR">', "ko-KR"),
        ('<meta http-equiv="content-language" content="ja">', "ja"),
        ('<script type="application/ld+json">{"@type":"Article","inLanguage":"zh-hant"}</script>', "zh-Hant"),
        ("", None),
    ],
)
def test_language_sources(head: str, expected: str | None) -> None:
    assert _meta(f"<html><head>{head}</head></html>").language == expected


def test_html_lang_beats_og_locale() -> None:
    assert _meta('<html lang="en"><head><meta property="og:locale" content="ko_KR"></head></html>').language == "en"


# ------------------------------------------------------------------------------------------- paywall
@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ('<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script>', "", True),
        ('<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":"False"}</script>', "", True),
        ('<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":"True"}</script>', "", False),
        ('<script type="application/ld+json">{"@type":"NewsArticle","hasPart":[{"@type":"WebPageElement",'
         '"isAccessibleForFree":"False","cssSelector":".paid"}]}</script>', "", True),
        ('<meta name="article:content_tier" content="locked">', "", True),
        ('<meta property="article:content_tier" content="free">', "", False),
        ("", '<div data-paywall="true"></div>', True),
        ("", '<div class="tp-modal"></div>', True),
        ("", '<div class="story"><p>Text</p></div>', None),
    ],
)
def test_paywall(head: str, body: str, expected: bool | None) -> None:
    assert _meta(f"<html><head>{head}</head><body>{body}</body></html>").paywalled is expected


# ------------------------------------------------------------------------------------------- images, urls
def test_logo_favicon_and_tracking_pixel_are_never_the_lead_image() -> None:
    html = """<html><head><meta property="og:image" content="/static/site-logo.png">
    <link rel="icon" href="/favicon.ico"></head><body><article><h1>H</h1>
    <img src="https://t.example/pixel.gif" width="1" height="1"><img src="/img/avatar/jane.jpg">
    <img src="/img/lead.jpg" width="1024" height="576"></article></body></html>"""
    assert _meta(html).image_url == "https://news.example/img/lead.jpg"


def test_canonical_resolved_against_the_url_and_og_url_fallback() -> None:
    assert _meta('<html><head><link rel="canonical" href="/a/b"></head></html>').canonical_url == \
        "https://news.example/a/b"
    assert _meta('<html><head><meta property="og:url" content="https://n.example/x"></head></html>').canonical_url == \
        "https://n.example/x"
    assert _meta("<html></html>").canonical_url is None


def test_figure_caption_and_credit_element() -> None:
    html = """<html><body><article><h1>H</h1><figure><img src="/p.jpg">
    <figcaption>Protesters march in Seoul. <span class="photo-credit">Yonhap</span></figcaption></figure>
    </article></body></html>"""
    (image,) = _meta(html).images
    assert (image.url, image.caption, image.credit) == ("https://news.example/p.jpg", "Protesters march in Seoul.",
                                                        "Yonhap")


# ------------------------------------------------------------------------------------------- complete_with_text
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SEOUL, Nov. 22 (Yonhap) -- South Korea said on Friday...", "Yonhap"),
        ("WASHINGTON (AP) — The Senate voted...", "AP"),
        ("Body.\n\nSo I think the ball is in their court.\" (Yonhap)", "Yonhap"),
        ("Body text of the story.\n\n— Reuters", "Reuters"),
        ("Body.\n\n(Reporting by Jane Doe; Editing by John Roe)", "Reuters"),
        ("TOKYO (Kyodo) -- Japan's government...", "Kyodo"),
        ("(서울=연합뉴스) 홍길동 기자 = 22일 ...", "Yonhap"),
        ("【ソウル共同】韓国政府は22日、…", "Kyodo"),
        ("新华社北京11月22日电 记者报道…", "Xinhua"),
        ("By Jane Doe\n\nWASHINGTON (AP) — The Senate voted...", "AP"),  # dateline after a kept byline line
        ("Body.\n\nA man walks by. (AP Photo/Ahn Young-joon)", None),  # a photo credit is not the story's
        ("The minister told Reuters on Friday that talks continue. More text follows here.", None),
        ("", None),
    ],
)
def test_credit_in_text(text: str, expected: str | None) -> None:
    assert credit_in_text(text) == expected


def test_complete_with_text_adds_script_language_only_when_absent_or_contradicted() -> None:
    korean = "서울 도심에서 주말 집회가 잇따라 열렸다. 경찰은 교통 혼잡에 대비해 인력을 배치했다."
    assert complete_with_text(Metadata(), korean).language == "ko"
    assert complete_with_text(Metadata(language="ko-KR"), korean).language == "ko-KR"
    assert complete_with_text(Metadata(language="en"), korean).language == "ko"  # template lang on a Korean story
    assert complete_with_text(Metadata(language="en"), "English words only here.").language == "en"


def test_text_credit_beats_metadata_agency() -> None:
    assert complete_with_text(Metadata(source="AP"), "SEOUL, Nov. 22 (Yonhap) -- Text").source == "Yonhap"
    assert complete_with_text(Metadata(source="AP"), "Plain text.").source == "AP"


# ------------------------------------------------------------------------------------------- robustness
def test_soup_is_not_modified() -> None:
    html = """<html lang="en"><head><title>T - S</title><script type="application/ld+json">{"@type":"Article"}</script>
    </head><body><article><h1>T</h1><p class="byline">By A B</p><figure><img src="/x.jpg"><figcaption>C</figcaption>
    </figure></article></body></html>"""
    soup = bs4.BeautifulSoup(html, "lxml")
    before = copy.copy(str(soup))
    extract_metadata(soup, None, ExtractOptions())
    assert str(soup) == before


def test_class_as_a_plain_string_works_like_a_list() -> None:
    # The orchestrator parses with multi_valued_attributes=None: class and rel are plain strings.
    html = """<html><body><div class="article-header"><h1>Headline here</h1><p class="byline name">By Jane Doe</p>
    <time class="pub date" datetime="2019-11-22T11:09:00+09:00">x</time></div></body></html>"""
    soup = bs4.BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    meta = extract_metadata(soup, None, ExtractOptions())
    assert meta.authors == ("Jane Doe",)
    assert meta.published_at == "2019-11-22T11:09:00+09:00"


_PIECES = st.sampled_from(["<meta ", "<script type=application/ld+json>", "</script>", "<time datetime=", "<h1>",
                           "</h1>", "<article>", "<figure><img src=", "<figcaption>", "{", "}", "[", "]", ",", ":",
                           '"@type"', '"NewsArticle"', '"author"', '"@graph"', "2019-11-22T11:09", "By ", " and ",
                           "Posted : ", "content=", "property=og:title", ">", "<", "/", '"'])


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join))
def test_any_markup_gives_metadata_and_never_raises(markup: str) -> None:
    assert isinstance(_meta(markup, None), Metadata)


def test_deeply_nested_page_returns_without_recursion_errors() -> None:
    # Given 5,000 nested byline-classed wrappers around the headline's neighbourhood
    html = ("<html><body>" + '<div class="author">' * 5000 + "By Jane Doe" + "</div>" * 5000
            + "<h1>Title</h1></body></html>")
    # When / Then: an answer, and no byline from a wrapper whose text cannot be read cheaply
    meta = _meta(html, None)
    assert meta.title == "Title"


def test_kicker_above_headline_is_the_section_when_nothing_else_names_one() -> None:
    html = """<html><body><div class="article-top"><div class="news-section"><a href="/s">Foreign Affairs</a></div>
    <h1>Headline of the story</h1></div><div class="article-body"><p>Text.</p></div></body></html>"""
    assert _meta(html).section == "Foreign Affairs"


def test_unlabelled_date_under_the_headline_is_published() -> None:
    html = """<html><body><article><h1>Headline of the story</h1><div class="meta">March 4, 2024</div>
    <p>Body paragraph that is long enough to look like the start of the story itself, well beyond a date line.</p>
    </article></body></html>"""
    assert _meta(html).published_at == "2024-03-04"


def test_tags_are_deduplicated_and_cms_internal_tokens_dropped() -> None:
    html = """<html><head><meta property="article:tag" content="Weather"><meta property="article:tag" content="weather">
    <meta property="article:tag" content="ctp_video"><meta property="article:tag" content='"'>
    <script type="application/ld+json">{"@type":"NewsArticle",\
"keywords":"Storms, _no-apple-news, Power outages"}</script>
    <meta name="keywords" content="site, wide, keywords"></head></html>"""
    assert _meta(html).tags == ("Weather", "Storms", "Power outages")


def test_svg_and_missing_image_placeholders_are_not_article_images() -> None:
    html = """<html><body><article><h1>H</h1><figure><img src="/media/img/missing-image.svg">
    <figcaption>Subscribe now</figcaption></figure><figure><img src="/icons/share.svg"></figure>\
</article></body></html>"""
    meta = _meta(html)
    assert (meta.image_url, meta.images) == (None, ())


@pytest.mark.parametrize(
    ("figcaption", "caption", "credit"),
    [
        ("Esper talks with Jeong in Seoul, Nov. 15, 2019. AP-Yonhap", "Esper talks with Jeong in Seoul, Nov. 15, 2019.",
         "AP-Yonhap"),
        ("A man walks by. (AP Photo/Ahn Young-joon)", "A man walks by.", "AP Photo/Ahn Young-joon"),
        ("Crowds gather on Monday. Photo by Mary Major", "Crowds gather on Monday.", "Mary Major"),
        ("The old lighthouse. © Coastline Post", "The old lighthouse.", "Coastline Post"),
        ("Cells under the microscope. Courtesy of Andrew Vaughan", "Cells under the microscope.",
         "Courtesy of Andrew Vaughan"),
        ("Seoul City Hall on Friday, Nov. 22.", "Seoul City Hall on Friday, Nov. 22.", None),  # no credit to split
    ],
)
def test_caption_credit_is_split_off(figcaption: str, caption: str, credit: str | None) -> None:
    html = f"""<html><body><article><h1>H</h1><figure><img src="/p.jpg"><figcaption>{figcaption}</figcaption>
    </figure></article></body></html>"""
    (image,) = _meta(html).images
    assert (image.caption, image.credit) == (caption, credit)


@pytest.mark.parametrize(("text", "expected"), [("(pa) lower-case is no credit.\n\nEnd (pa)", None),
                                                ("Story.\n\nREUTERS", "Reuters"),
                                                ("Story.\n\n© 2024 The Associated Press. All rights reserved.", "AP")])
def test_credit_case_rules(text: str, expected: str | None) -> None:
    assert credit_in_text(text) == expected


def test_breadcrumb_class_on_a_whole_article_is_not_a_trail() -> None:
    # Given an <article> whose class mentions "breadcrumb" and whose kicker says the section
    html = """<html><body><article class="content-well url-breadcrumb"><div class="section-label">TECH</div>
    <h1>Headline of the story</h1><p class="byline">By Jane Doe</p><p>""" + "Long body text. " * 40 + """</p>
    <p>last month</p></article></body></html>"""
    meta = _meta(html)
    # Then the section is the kicker, not a word from the body or the byline
    assert meta.section == "TECH"
    assert meta.authors == ("Jane Doe",)


def test_sections_that_are_handles_or_page_types_are_ignored() -> None:
    html = """<html><head><meta property="article:section" content="@someone">
    <script type="application/ld+json">{"@type":"NewsArticle","articleSection":"post"}</script>
    <meta name="parsely-section" content="World"></head></html>"""
    assert _meta(html).section == "World"
