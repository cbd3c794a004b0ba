"""Evidence over names, fallbacks and seed-like layouts, on fixture pages of our own, with exact expectations.

Each test: Given a page, When the article is extracted, Then the body is exactly the story (and the metadata
reads the story's own byline and date even where a wrapper's class says "sidebar").
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from newsingest.extract import extract_article
from newsingest.extract.clean import preclean
from newsingest.extract.layout import markup_evidence

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
URL = "https://news.example.com/2024/05/02/story.html"

SIDEBAR_STORY = (
    "Die Beschäftigten des Instandsetzungswerks fürchten um ihre Arbeitsplätze, seit der Bund mehr Fluggerät im "
    "Ausland bestellt.\n\n"
    "Die Befürchtung resultiert aus der vermehrten Beschaffung von Flugzeugen und Hubschraubern aus amerikanischer "
    "Produktion, deren Wartung nicht im Werk erfolgen soll.\n\n"
    "Der Betriebsrat fordert deshalb eine verbindliche Zusage für die kommenden zehn Jahre, damit die Ausbildung "
    "junger Fachkräfte weitergehen kann."
)
KOREAN_STORY = (
    "22일 서울 도심에서 주말 집회가 잇따라 열려 광화문과 시청 일대의 교통이 크게 혼잡했다.\n\n"
    "경찰은 교통 혼잡에 대비해 주요 교차로에 인력을 배치하고 우회 도로를 안내했다고 밝혔다.\n\n"
    "주최 측은 다음 주말에도 같은 장소에서 집회를 이어갈 계획이라고 말했다."
)


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_a_sidebar_named_wrapper_around_the_article_keeps_the_article() -> None:
    # Given a story inside div.theiaStickySidebar inside #sidebar-wrapper on <body class="right-sidebar">, with an
    # ad box inside the story and a real sidebar (most-read links, an old byline and date) beside it
    page = _page("body_sidebar_wrapper.html")
    # When it is extracted
    article = extract_article(page, URL)
    # Then the body is the story's three paragraphs: no ad, no sidebar, no title, no footer
    assert article.text == SIDEBAR_STORY
    assert article.warnings == ()
    # And the metadata stage reads the story's own byline and date under the sidebar-named wrappers
    assert article.authors == ("Erika Muster",)
    assert article.published_at == "2024-04-30T09:15:00+02:00"


def test_the_pre_clean_keeps_a_sidebar_named_region_that_holds_the_main_text() -> None:
    # Given the same page's markup / When it is pre-cleaned
    cleaned = preclean(_page("body_sidebar_wrapper.html").decode("utf-8"), 10_000)
    # Then the story's wrapper is kept (its paragraphs say story), the real sidebar and the ad are dropped
    assert "theiaStickySidebar" in cleaned
    assert "Der Betriebsrat fordert" in cleaned
    assert "Meistgelesen" not in cleaned
    assert "Depot eröffnen" not in cleaned


def test_markup_evidence_finds_the_densest_run_of_paragraphs() -> None:
    # Given teaser blurbs first, then a story of three long paragraphs far below them
    teasers = "".join(f'<div class="teaser"><p>Teaser number {n} in a few words here.</p></div>' for n in range(6))
    story = "".join(f"<p>{'Story sentence with enough words to be prose. ' * 4}</p>" for _ in range(3))
    html = f"<body>{teasers}{'<div></div>' * 800}<h1>Title</h1><div class='widget'>{story}</div></body>"
    # When the evidence is read
    evidence = markup_evidence(html)
    start = html.index("<div class='widget'>")
    # Then the run is the story's, and the widget-named region holding it holds the main text
    assert evidence.run_start > html.index("<h1>")
    assert evidence.holds_main_text(start, len(html))
    assert not evidence.holds_main_text(0, html.index("<h1>"))


def test_a_story_with_a_list_and_a_table_keeps_both() -> None:
    # Given a story whose middle is a bulleted list and a fares table, between a nav column and a related box
    page = _page("body_table_list.html")
    # When it is extracted
    article = extract_article(page, URL)
    # Then list items are paragraphs, and each table row is one line with its cells joined by " | "
    assert article.text == (
        "The rail operator published its new fares on Monday, and most season tickets will cost more from "
        "January.\n\n"
        "Three changes matter most for daily commuters:\n\n"
        "Peak returns rise by four percent on average.\n\n"
        "Off-peak singles stay at this year's price.\n\n"
        "Railcard discounts now apply before 9:30 a.m.\n\n"
        "Ticket | Old fare | New fare\n\n"
        "Annual season | £4,120 | £4,285\n\n"
        "Weekly season | £92 | £96\n\n"
        "Passenger groups said the rise was smaller than feared, but still above the growth of most wages this "
        "year."
    )


@pytest.mark.parametrize("encoding", ["utf-8", "euc-kr"])
def test_a_korean_story_is_the_story_alone(encoding: str) -> None:
    # Given a Korean story with its headline in a <div>, repeated as the body's first <h2>, and a reporter's
    # sign-off with an e-mail as its last line; in UTF-8 and in EUC-KR, neither declared anywhere
    page = _page("body_korean_signoff.html").decode("utf-8").encode(encoding)
    # When it is extracted (no Content-Type header)
    article = extract_article(page, URL)
    # Then the body is the story alone: no headline line, no sign-off, no related box
    assert article.text == KOREAN_STORY
    assert article.title == "서울 도심 집회 잇따라"


@pytest.mark.parametrize(
    ("signoff", "expected_last"),
    [
        ("<p>김민수 기자</p>", "주최 측은 다음 주말에도 같은 장소에서 집회를 이어갈 계획이라고 말했다."),
        ("<p>워싱턴=김민수 특파원 kim@example.com</p>",
         "주최 측은 다음 주말에도 같은 장소에서 집회를 이어갈 계획이라고 말했다."),
    ],
)
def test_korean_sign_off_lines_are_not_body(signoff: str, expected_last: str) -> None:
    # Given a story whose last line is a sign-off in another common form
    page = _page("body_korean_signoff.html").decode("utf-8").replace("<p>김민수 기자 minsoo@example.com</p>", signoff)
    # When it is extracted / Then the story ends with its last sentence
    assert extract_article(page.encode("utf-8"), URL).text.split("\n\n")[-1] == expected_last


def test_a_sign_off_after_the_last_sentence_is_cut_from_it() -> None:
    # Given the sign-off written at the end of the last paragraph
    page = (
        _page("body_korean_signoff.html")
        .decode("utf-8")
        .replace("계획이라고 말했다.</p>", "계획이라고 말했다. 김민수 기자 minsoo@example.com</p>")
        .replace("<p>김민수 기자 minsoo@example.com</p>", "")
    )
    # When it is extracted / Then the paragraph ends with the sentence
    assert extract_article(page.encode("utf-8"), URL).text == KOREAN_STORY


def test_the_seed_layout_with_a_div_headline_gives_the_same_story() -> None:
    # Given the seed page rendered with its headline in a <div> (no <h1> anywhere)
    seed = files("newsingest_tools.local").joinpath("pages/koreatimes_esper.html").read_bytes()
    page = re.sub(rb"<h1( [^>]*)>(.*?)</h1>", rb"<div\1>\2</div>", seed)
    assert b"<h1" not in page
    # When it is extracted
    article = extract_article(page, "https://www.koreatimes.co.kr/www/nation/2019/11/120_279161.html")
    # Then the body is exactly the seed's story, without the headline, and the title is the headline
    assert article.text == (PAGES / "koreatimes_esper.expected.txt").read_text(encoding="utf-8").strip()
    assert article.title == "Esper calls on South Korea, Japan to show leadership to resolve dispute"


def test_a_page_whose_article_is_only_in_json_ld_gets_its_body_from_there() -> None:
    # Given a script-rendered shell ("Loading…") whose story is only in the JSON-LD articleBody
    page = _page("body_jsonld_only.html")
    # When it is extracted
    article = extract_article(page, URL)
    # Then the body is the articleBody's paragraphs, and the warning says where it came from
    assert article.text == (
        "The city council approved the new pedestrian bridge on Tuesday by a vote of seven to two.\n\n"
        "Construction is expected to start in the autumn and to take about eighteen months."
    )
    assert article.warnings == ("body_from_jsonld",)


def test_a_story_in_a_client_side_template_is_read_by_the_unfiltered_fallback() -> None:
    # Given a blog page whose post body sits in <script type="text/template"> inside a "widget"-named column
    paragraphs = [
        "Over the past year we have seen phishing sites rotate their domains faster than ever before.",
        "Today we are announcing a new protection mode for everyone who wants stronger defences online.",
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    page = (
        "<html><head><title>New protection mode</title></head><body>"
        '<div class="widget Blog"><h2 class="title">New protection mode</h2>'
        f'<div class="post-body"><script type="text/template">{body}</script></div></div>'
        "</body></html>"
    )
    # When it is extracted
    article = extract_article(page.encode("utf-8"), URL)
    # Then the template's paragraphs are the body, and the warning names the fallback path
    assert article.text == "\n\n".join(paragraphs)
    assert article.warnings == ("body_from_unfiltered_markup",)


def test_a_stray_script_end_tag_does_not_swallow_the_story() -> None:
    # Given "</script" followed by a comment before its ">" (browsers end the script there), then the story
    story = "<p>" + "The story begins right after a broken end tag and goes on. " * 3 + "</p>"
    page = (
        "<html><head><title>t</title></head><body>"
        "<script src='/a.js'></script\n<!-- plugin -->"
        f"<div class='story'>{story}{story}</div><script>var x = 1;</script></body></html>"
    )
    # When it is extracted / Then the story is there
    assert "broken end tag" in extract_article(page.encode("utf-8"), URL).text


def test_a_short_article_among_many_teasers_is_the_body() -> None:
    # Given a page-builder page: a teaser grid (linked headlines with blurbs) scores as the "best" block, and the
    # article itself is one long paragraph in a "widget"-named box next to it
    teasers = "".join(
        f'<div class="post-card"><h3><a href="/p{n}">Teaser headline number {n}</a></h3>'
        f'<div class="post__excerpt"><p>A short blurb about teaser number {n} that invites a click.</p></div></div>'
        for n in range(6)
    )
    story = "Solar batteries store the energy of the day for the evening, and their prices keep falling. " * 8
    page = (
        "<html><head><title>Solar batteries</title></head><body><h1>Solar batteries</h1>"
        f'<div class="widget-wrap"><div class="elementor-widget-container"><p>{story.strip()}</p></div>'
        f'<div class="posts-grid">{teasers}</div></div></body></html>'
    )
    # When it is extracted
    article = extract_article(page.encode("utf-8"), URL)
    # Then the article's paragraph is the body (not the teasers), and the warning names the path
    assert article.text == story.strip()
    assert article.warnings == ("body_from_densest_block",)
