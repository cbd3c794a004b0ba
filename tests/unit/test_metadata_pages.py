"""Hand-made pages, one per failure class of titles, authors and sections, in English, German, Korean,
Japanese and French. Each page is small but laid out as real sites do; every expected value is exact.

The field functions are called one by one (``read_page`` + ``extract_title``/``extract_authors``/
``extract_section``), and the whole page once more through ``extract_metadata``, so a precedence bug shows in the
function that owns it.
"""

from __future__ import annotations

import bs4
import pytest

from newsingest.extract.authors import extract_authors, parse_authors
from newsingest.extract.metadata import Metadata, extract_metadata, read_page
from newsingest.extract.options import ExtractOptions
from newsingest.extract.sections import extract_section
from newsingest.extract.titles import extract_site_name, extract_title, strip_site, visible_headline


def _soup(html: str) -> bs4.BeautifulSoup:
    return bs4.BeautifulSoup(html, "lxml")


def _meta(html: str, url: str | None = "https://news.example/story/1") -> Metadata:
    return extract_metadata(_soup(html), url, ExtractOptions())


def _authors(html: str, url: str | None = "https://news.example/story/1") -> tuple[str, ...]:
    sources = read_page(_soup(html), url)
    return extract_authors(sources, extract_site_name(sources)).names


def _title(html: str, url: str | None = "https://news.example/story/1") -> str | None:
    sources = read_page(_soup(html), url)
    return extract_title(sources, extract_site_name(sources))


# ======================================================================================= authors
@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Mark Di Stefano", ("Mark Di Stefano",)),  # en: "Di" is a surname particle, not Italian "by"
        ("By Anna Da Silva and Luca Di Maio", ("Anna Da Silva", "Luca Di Maio")),
        ("Von Ursula von der Leyen und Hans Meier", ("Ursula von der Leyen", "Hans Meier")),  # de
        ("Ein Kommentar von Maria von Trapp", ("Maria von Trapp",)),  # de: a label word before "von"
        ("Par Jean de La Fontaine et Marine Le Pen", ("Jean de La Fontaine", "Marine Le Pen")),  # fr
        ("Rutger van der Berg, Anwar bin Ibrahim", ("Rutger van der Berg", "Anwar bin Ibrahim")),
        ("Khalid al-Faisal", ("Khalid al-Faisal",)),
    ],
)
def test_surname_particles_stay_in_the_name(byline: str, expected: tuple[str, ...]) -> None:
    # Given an article whose byline holds names with particles
    html = f"""<html><body><article><h1>Ministers meet in Brussels</h1><p class="byline">{byline}</p>
    <p>Text of the story.</p></article></body></html>"""
    # When its authors are read / Then each name is whole
    assert _authors(html) == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Written by Jane Doe / Edited by John Roe", ("Jane Doe",)),  # en
        ("Edited by John Roe, written by Jane Doe", ("Jane Doe",)),
        ("Text: Anna Schmidt, Redaktion: Peter Meier", ("Anna Schmidt",)),  # de
        ("Par Claire Martin, édité par Paul Durand", ("Claire Martin",)),  # fr
    ],
)
def test_editors_are_not_authors(byline: str, expected: tuple[str, ...]) -> None:
    # Given a byline crediting a writer and an editor
    html = f"""<html><body><article><h1>City council approves budget</h1><div class="author">{byline}</div>
    <p>Text of the story.</p></article></body></html>"""
    # When its authors are read / Then the writer is the author, the editor is not
    assert _authors(html) == expected


def test_written_by_and_edited_by_in_two_elements_keeps_the_writer() -> None:
    # Given the writer and the editor printed in two byline elements (en)
    html = """<html><body><article><h1>Storm closes schools</h1>
    <div class="byline"><span class="author">Written by Jane Doe</span></div>
    <div class="byline"><span class="author">Edited by John Roe</span></div><p>Text.</p></article></body></html>"""
    # When read as a whole page / Then only the writer
    assert _meta(html).authors == ("Jane Doe",)


def test_an_editor_byline_element_does_not_hide_the_writer_printed_under_the_headline() -> None:
    # Given "Written by A" as plain text under the headline and "Edited by B" in a byline-class element (en)
    html = """<html><body><article><h1>Storm closes schools</h1><p>Written by Jane Doe</p>
    <p class="editor-byline">Edited by John Roe</p><p>Text of the story.</p></article></body></html>"""
    # When read / Then the writer, not the editor
    assert _meta(html).authors == ("Jane Doe",)


def test_a_person_named_like_the_site_is_kept_when_typed_person() -> None:
    # Given a personal site whose JSON-LD author is typed Person and carries the site's name (en)
    html = """<html><head><meta property="og:site_name" content="Clara Hoffmann">
    <script type="application/ld+json">{"@type": "BlogPosting", "headline": "Notes on gardening",
      "author": {"@type": "Person", "name": "Clara Hoffmann"}}</script></head>
    <body><article><h1>Notes on gardening</h1><p>Text.</p></article></body></html>"""
    # When its authors are read / Then the person stays
    assert _authors(html, "https://clarahoffmann.example/notes") == ("Clara Hoffmann",)


def test_an_outlet_typed_person_still_loses_to_the_bylined_reporters() -> None:
    # Given an outlet wrongly typed Person in JSON-LD, and two reporters in the byline (en)
    html = """<html><head><meta property="og:site_name" content="Harbor Insider">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Port strike ends",
      "author": {"@type": "Person", "name": "Harbor Insider"}}</script></head>
    <body><article><h1>Port strike ends</h1><p class="byline">By Mike Walters and Ann Owen</p><p>Text.</p>
    </article></body></html>"""
    # When its authors are read / Then the reporters, not the outlet
    assert _authors(html, "https://harborinsider.example/a") == ("Mike Walters", "Ann Owen")


def test_a_site_named_author_not_typed_person_is_the_outlet() -> None:
    # Given the site's name as the only author meta, untyped (de)
    html = """<html><head><meta property="og:site_name" content="Rheinische Blätter">
    <meta name="author" content="Rheinische Blätter"></head>
    <body><article><h1>Neue Brücke in Köln</h1><p>Text.</p></article></body></html>"""
    # When its authors are read / Then none
    assert _authors(html) == ()


def test_person_microdata_in_an_aside_author_box_is_read() -> None:
    # Given the article's author box as an <aside> with Person microdata, and no other byline (en)
    html = """<html><body><article itemscope itemtype="https://schema.org/NewsArticle">
    <h1 itemprop="headline">Rail fares rise again</h1><p>Text of the story.</p>
    <aside class="author-box" itemprop="author" itemscope itemtype="https://schema.org/Person">
      <img src="/a.jpg" alt=""><span itemprop="name">Priya Raman</span><p>Priya covers transport.</p></aside>
    </article></body></html>"""
    # When read / Then the person in the box is the author
    assert _meta(html).authors == ("Priya Raman",)


def test_person_microdata_in_a_japanese_aside_author_box_is_read() -> None:
    # Given a Japanese article whose writer is in an <aside> Person box (ja)
    html = """<html lang="ja"><body><article><h1>東京で桜が満開に</h1><p>本文です。</p>
    <aside class="writer-profile"><div itemprop="author" itemscope itemtype="http://schema.org/Person">
      <span itemprop="name">山田太郎</span></div></aside></article></body></html>"""
    # When read / Then the writer's name
    assert _meta(html).authors == ("山田太郎",)


def test_person_microdata_of_a_related_card_in_an_aside_is_not_the_author() -> None:
    # Given an <aside> of related stories, each card an item with its own Person author (en)
    html = """<html><body><article><h1>Budget passes</h1><p>Text.</p>
    <aside class="related-stories"><div itemscope itemtype="https://schema.org/NewsArticle">
      <a href="/b">Other story</a><span itemprop="author" itemscope itemtype="https://schema.org/Person">
      <span itemprop="name">Other Writer</span></span></div></aside></article></body></html>"""
    # When read / Then nobody
    assert _meta(html).authors == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Hannah Kirchner", ("Hannah Kirchner",)), ("김철수 기자", ("김철수",))],  # de, ko
)
def test_article_author_name_meta_is_read(value: str, expected: tuple[str, ...]) -> None:
    # Given the only author as article:author_name (article:author is a profile URL)
    html = f"""<html><head><meta property="article:author" content="https://www.facebook.com/someone">
    <meta property="article:author_name" content="{value}"></head>
    <body><article><h1>Headline of the story</h1><p>Text.</p></article></body></html>"""
    # When read / Then the name
    assert _authors(html) == expected


def test_phrases_are_not_names() -> None:
    # Given byline texts that are phrases of the page, not names (de, fr)
    # When parsed / Then nobody
    assert parse_authors(["Veröffentlicht am", "Zum Profil von jesusfreak", "Lire l'article original"]).names == ()


# ======================================================================================= titles
def test_a_jsonld_headline_sharing_no_word_with_the_other_titles_loses() -> None:
    # Given a JSON-LD headline of some other item, unlike <title>, og:title and the <h1> (en)
    html = """<html><head><title>Harbor bridge reopens after repairs | Example Ledger</title>
    <meta property="og:title" content="Harbor bridge reopens after repairs">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Subscribe to our daily digest"}</script>
    </head><body><div class="top"><p class="kicker">Transport</p></div><p>Text.</p></body></html>"""
    # When the title is read / Then og:title, not the stray headline
    assert _title(html) == "Harbor bridge reopens after repairs"


def test_a_logo_heading_is_not_the_headline_and_its_segment_is_cut() -> None:
    # Given the site's name printed as <h1> logo and a <title> "Site - Headline", no og:site_name (de)
    html = """<html><head><title>Tagesblatt - Neue Brücke für Köln eröffnet</title></head><body>
    <header><h1 class="logo"><a href="/">Tagesblatt</a></h1></header>
    <div class="content"><h2 class="headline">Neue Brücke für Köln eröffnet</h2><p>Text.</p></div></body></html>"""
    sources = read_page(_soup(html), "https://www.tagesblatt.example/koeln/bruecke")
    # When the headline and the title are read / Then the <h2>, without the site's name
    assert visible_headline(sources) is not None and visible_headline(sources).name == "h2"
    assert extract_title(sources, extract_site_name(sources)) == "Neue Brücke für Köln eröffnet"


def test_a_heading_equal_to_the_site_name_is_skipped() -> None:
    # Given a first <h1> that is the site's name, then the story's <h1> (de)
    html = """<html><head><meta property="og:site_name" content="Tonight News">
    <meta property="og:title" content="„Skandal“: Danni und Ennesto trennen sich">
    <title>Danni und Ennesto trennen sich: "Skandal" | Tonight News</title></head><body><article>
    <h1>Tonight News</h1><h1>Danni und Ennesto trennen sich: "Skandal"</h1><p>Text.</p></article></body></html>"""
    # When the title is read / Then the story's headline, as printed (the <title> confirms it)
    assert _title(html) == 'Danni und Ennesto trennen sich: "Skandal"'


def test_korean_title_loses_its_site_suffix_with_an_h2_headline() -> None:
    # Given a Korean page: headline in <h2>, <title> and og:title "Headline - 서울일보", no site name (ko)
    html = """<html lang="ko"><head><title>국회, 예산안 통과 - 서울일보</title>
    <meta property="og:title" content="국회, 예산안 통과 - 서울일보"></head><body>
    <div class="article-head"><h2>국회, 예산안 통과</h2><p>입력 2023-10-27 09:15</p></div>
    <div class="article-body"><p>본문입니다.</p></div></body></html>"""
    # When the title is read / Then the headline alone
    assert _title(html, "https://www.seoulilbo.example/news/1") == "국회, 예산안 통과"


def test_japanese_div_headline_confirms_the_title() -> None:
    # Given a Japanese page with the headline in a div marked "headline" and "Headline | 東京日報" titles (ja)
    html = """<html lang="ja"><head><title>日銀、金利を据え置き | 東京日報</title></head><body>
    <div class="news-header"><div class="headline">日銀、金利を据え置き</div></div><p>本文です。</p></body></html>"""
    sources = read_page(_soup(html), "https://tokyonippo.example/a/1")
    # When the title is read / Then the headline, the site's name cut
    assert sources.h1 is not None and sources.h1.name == "div"
    assert extract_title(sources, extract_site_name(sources)) == "日銀、金利を据え置き"


def test_french_site_prefix_is_cut_by_the_publisher_name() -> None:
    # Given a French page whose <title> opens with the site's name, known only from the JSON-LD publisher (fr)
    html = """<html lang="fr"><head><title>Le Quotidien du Sud - La grève des cheminots se poursuit</title>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "publisher": {"@type": "Organization", "name": "Le Quotidien du Sud"}}</script></head>
    <body><p>Texte.</p></body></html>"""
    # When the title is read / Then the headline alone
    assert _title(html, "https://lqs.example/a") == "La grève des cheminots se poursuit"


def test_the_segment_repeated_across_titles_is_the_site_name() -> None:
    # Given og:title "Headline" and <title> "Headline - Seoul Daily Herald Online Edition" (en)
    html = """<html><head><title>Rates stay on hold - Seoul Daily Herald Online Edition</title>
    <meta name="twitter:title" content="Rates stay on hold"></head><body><p>Text.</p></body></html>"""
    # When the title is read / Then the short form, without the site's segment
    assert _title(html) == "Rates stay on hold"


def test_a_short_title_equal_to_the_last_segment_is_the_site_not_the_headline() -> None:
    # Given a title whose trailing segment is another, short, title: the company's name (de)
    # When cut / Then the company's segment goes, not the rest
    assert strip_site("Drucker • Etiketten • Service | SASS AG", [], ["SASS AG"]) == "Drucker • Etiketten • Service"


def test_soft_hyphens_are_not_part_of_the_title() -> None:
    # Given a German headline with soft hyphens for line breaking (de)
    html = """<html><head><title>Messenger&shy;dienste sind kein rechts&shy;freier Raum</title></head>
    <body><article><h1>Messenger&shy;dienste sind kein rechts&shy;freier Raum</h1>\
<p>Text.</p></article></body></html>"""
    # When the title is read / Then without them
    assert _title(html) == "Messengerdienste sind kein rechtsfreier Raum"


# ======================================================================================= sections
def test_seed_like_page_section_is_the_link_above_a_div_headline() -> None:
    # Given a page laid out like the seed: no <h1>, the headline in a <div>, the section linked above it, the
    # date lines under it (en)
    html = """<html><head><title>Esper calls on South Korea, Japan to show leadership - The Korea Times</title>
    <meta property="og:site_name" content="The Korea Times"></head><body>
    <div class="gnb"><ul class="menu"><li><a href="/www/nation">National</a></li></ul></div>
    <div class="top_date">Sun, August 14, 2022 | 09:22</div>
    <div class="view_page_news">
      <div class="view_page_news_header_wrapper">
        <div><a href="/www/nation/foreign">Foreign Affairs</a></div>
        <div class="view_headline LoraMedium">Esper calls on South Korea, Japan to show leadership</div>
        <div class="view_date">Posted : 2019-11-22 11:09<br>Updated : 2019-11-22 11:09</div>
      </div>
      <div id="startts"><p>U.S. Defense Secretary Mark Esper on Thursday called on South Korea and Japan.</p></div>
    </div></body></html>"""
    # When its metadata is read
    meta = _meta(html, "https://www.koreatimes.co.kr/www/nation/2019/11/120_279036.html")
    # Then the title, without the site, and the section
    assert meta.title == "Esper calls on South Korea, Japan to show leadership"
    assert meta.section == "Foreign Affairs"


@pytest.mark.parametrize(
    ("kicker", "headline_tag", "expected"),
    [
        ('<div><a href="/politik/">Politik</a></div>', '<div class="article-title">Neuer Haushalt beschlossen</div>',
         "Politik"),  # de: a bare link in its own block
        ('<p><a href="/news/politics/">정치</a></p>', '<h2 class="tit">국회, 예산안 통과</h2>', "정치"),  # ko
        ('<div><a href="/economy/"><span>経済</span></a></div>', '<div class="headline">日銀、金利を据え置き</div>',
         "経済"),  # ja
        ('<span><a href="/international/">International</a></span>', "<h1>La grève se poursuit</h1>",
         "International"),  # fr
    ],
)
def test_a_lone_link_right_above_the_headline_is_the_section(kicker: str, headline_tag: str, expected: str) -> None:
    # Given a section link alone in its block, right above the headline in the same wrapper
    title = bs4.BeautifulSoup(headline_tag, "lxml").get_text()
    html = f"""<html><head><title>{title}</title></head><body><div class="wrap"><div class="head">{kicker}
    {headline_tag}<div class="date">2023-10-27</div></div><div class="body"><p>Text of the story.</p></div></div>
    </body></html>"""
    sources = read_page(_soup(html), "https://news.example/a/1")
    # When the section is read / Then the link's text
    assert extract_section(sources, title) == expected


def test_an_interface_link_above_the_headline_is_not_a_section() -> None:
    # Given a "Zurück" (back) link right above the headline (de)
    html = """<html><head><title>Neuer Haushalt beschlossen</title></head><body><div class="head">
    <div><a href="/archiv/">Zurück</a></div><h1>Neuer Haushalt beschlossen</h1></div><p>Text.</p></body></html>"""
    # When the section is read / Then none
    assert _meta(html).section is None


# ======================================================================================= the field functions alone
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # an <h1> inside the article beats everything
        ('<h1>Other words</h1><article><h1>Inside the article</h1><div class="headline">Marked</div></article>',
         "Inside the article"),
        # outside the article, the heading the <title> confirms
        ('<div><h1>Unconfirmed heading</h1></div><div class="entry-title">Port strike ends</div>', "Port strike ends"),
        # an <h2> only when confirmed
        ("<div><h2>Latest stories</h2><h2>Port strike ends</h2></div>", "Port strike ends"),
        # an unconfirmed <h2> is no headline
        ("<div><h2>Latest stories</h2></div>", None),
        # a deck ("sub-headline") is not the headline; a marked wrapper holding the <h1> defers to it
        ('<div class="sub-headline">Port strike ends</div>'
         '<div class="headline"><h1>Port strike ends</h1><p>x</p></div>',
         "Port strike ends"),
    ],
)
def test_visible_headline_precedence(body: str, expected: str | None) -> None:
    # Given a page whose <title> is "Port strike ends | Harbor Insider"
    html = f"<html><head><title>Port strike ends | Harbor Insider</title></head><body>{body}</body></html>"
    # When the visible headline is chosen
    element = visible_headline(read_page(_soup(html), "https://harborinsider.example/a"))
    # Then the expected element's text (or none)
    assert (element.get_text(" ", strip=True) if element is not None else None) == expected


def test_site_name_precedence() -> None:
    # Given og:site_name, a JSON-LD publisher and an application-name
    html = """<html><head><meta name="application-name" content="App Name">
    <script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"@type": "Organization",
      "name": "Publisher Name"}}</script><meta property="og:site_name" content="OG Name"></head></html>"""
    sources = read_page(_soup(html))
    # When / Then og:site_name first; without it the publisher; without both the application-name
    assert extract_site_name(sources) == "OG Name"
    assert extract_site_name(read_page(_soup(html.replace("og:site_name", "x")))) == "Publisher Name"
    assert extract_site_name(read_page(_soup(html.replace("og:site_name", "x").replace("publisher", "p")))) == \
        "App Name"


def test_all_caps_names_keep_their_initials() -> None:
    # Given an all-caps byline with dotted initials / When parsed / Then "J.R.", not "J.r."
    assert parse_authors(["By J.R. SMITH"]).names == ("J.R. Smith",)
