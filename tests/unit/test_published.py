"""Publication dates on hand-made pages, one per failure class (extract/published.py's candidate model).

Each page is small and written for one rule; the expected values are exact (day, time, offset and source).
"""

from __future__ import annotations

import pytest

from newsingest.extract import extract_article
from newsingest.extract.dates import parse_date_to_iso
from newsingest.extract.options import ExtractOptions
from newsingest.extract.published import is_dayfirst

_BODY = "<p>" + "The council met on the square and talked about the budget for the coming year. " * 4 + "</p>"


def _page(body: str, head: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><title>T</title>{head}</head><body>{body}</body></html>'


def _ld(**fields: str) -> str:
    inner = ", ".join(f'"{key}": "{value}"' for key, value in fields.items())
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "H", {inner}}}</script>'


CASES = [
    # --- labelled lines, no <h1> (the seed's layout) and other headlines
    ("seed layout: Posted/Updated under a div headline (en)",
     _page('<div class="headline">Ministers meet in Seoul</div><div class="info"><div>Posted : 2019-11-22 11:09'
           '</div><div>Updated : 2019-11-22 15:30</div></div>' + _BODY),
     "2019-11-22T11:09:00", "date_line", "2019-11-22T15:30:00"),
    ("Korean 입력/수정 under an <h2> headline (ko)",
     _page('<h2>서울시, 새 교통 정책 발표</h2><div class="byline">입력 2023-10-27 09:15</div>'
           '<div>수정 2023-10-27 10:20</div>' + _BODY, lang="ko"),
     "2023-10-27T09:15:00", "date_line", "2023-10-27T10:20:00"),
    ("Korean 기사입력 with 오후 (ko)",
     _page('<article><h1>정부, 예산안 발표</h1><p>기사입력 2019년 11월 22일 오후 3:04</p>' + _BODY + '</article>',
           lang="ko"),
     "2019-11-22T15:04:00", "date_line", None),
    ("Updated first on one line: the label decides (en)",
     _page('<article><h1>Budget passes</h1><p>Updated : 2019-11-23 09:00 | Posted : 2019-11-22 11:09</p>'
           + _BODY + '</article>'),
     "2019-11-22T11:09:00", "date_line", "2019-11-23T09:00:00"),
    ("German Veröffentlicht/Aktualisiert (de)",
     _page('<article><h1>Stadtrat beschließt Haushalt</h1><p>Aktualisiert am 26.09.2018, 10:00</p>'
           '<p>Veröffentlicht am 25.09.2018, 09:00</p>' + _BODY + '</article>', lang="de"),
     "2018-09-25T09:00:00", "date_line", "2018-09-26T10:00:00"),
    ("French Publié le … à 11h09 (fr)",
     _page('<article><h1>Le conseil vote le budget</h1><p>Publié le 22 novembre 2019 à 11h09</p>' + _BODY
           + '</article>', lang="fr"),
     "2019-11-22T11:09:00", "date_line", None),
    ("Japanese 公開日 label (ja)",
     _page('<article><h1>市議会が予算を可決</h1><p>公開日：2020年7月3日</p>' + _BODY + '</article>', lang="ja"),
     "2020-07-03", "date_line", None),
    ("Japanese unlabelled date under the headline (ja)",
     _page('<article><h1>台風が接近</h1><div>2019年6月24日 18時30分</div>' + _BODY + '</article>', lang="ja"),
     "2019-06-24T18:30:00", "date_line", None),
    # --- dates away from the <h1>: above it, <time pubdate>, .published, .entry-date, itemprop
    ("a date line just above the headline (en)",
     _page('<article><p>March 4, 2024</p><h1>Council passes budget</h1>' + _BODY + '</article>'),
     "2024-03-04", "date_line", None),
    ("<time pubdate> after the story (en)",
     _page('<article><h1>Council passes budget</h1>' + _BODY * 3 + '<footer-info><time pubdate '
           'datetime="2024-03-04T10:00:00-05:00">March 4</time></footer-info></article>'),
     "2024-03-04T10:00:00-05:00", "time", None),
    (".published span (en)",
     _page('<article><h1>Council passes budget</h1><div class="meta"><span class="published">22 November 2019'
           '</span></div>' + _BODY + '</article>'),
     "2019-11-22", "date_line", None),
    ("WordPress time.entry-date.updated is the publication date (es)",
     _page('<article><header class="td-post-title"><h1>Tres muertos</h1><time class="entry-date updated" '
           'datetime="2020-01-27T09:23:44+00:00">27/01/2020</time></header>' + _BODY + '</article>', lang="es"),
     "2020-01-27T09:23:44+00:00", "time", None),
    ("itemprop=datePublished on a span (de)",
     _page('<article><h1>Kommunalwahlen</h1>' + _BODY + '<span itemprop="datePublished" content="2021-11-05">'
           '5. November 2021</span></article>', lang="de"),
     "2021-11-05", "meta", None),
    ("a date in an <aside> byline box the pre-clean drops (de)",
     _page('<article><header><h1>Sie wissen nicht, was sie tun</h1></header><aside class="meta"><time '
           'itemprop="datePublished" datetime="2023-10-18T11:45:00+02:00">18. Okt 2023</time></aside>' + _BODY
           + '</article>', lang="de"),
     "2023-10-18T11:45:00+02:00", "meta", None),
    ("dotted date with a two-digit year (de)",
     _page('<article><h1>Halloween-Kostüme</h1><div class="date">Party, 30.10.23</div>' + _BODY + '</article>',
           lang="de"),
     "2023-10-30", "date_line", None),
    # --- fallbacks
    ("no published date: the modified date (en)",
     _page('<h1>Fish feel pain</h1>' + _BODY,
           '<meta property="article:modified_time" content="2022-01-12T14:27:30+01:00">'),
     "2022-01-12T14:27:30+01:00", "modified", "2022-01-12T14:27:30+01:00"),
    ("French Mis à jour only: the modified date (fr)",
     _page('<article><h1>Le conseil vote</h1><p>Mis à jour le 23 novembre 2019</p>' + _BODY + '</article>',
           lang="fr"),
     "2019-11-23", "modified", "2019-11-23"),
    # --- the page's own offset over UTC
    ("UTC JSON-LD and the same instant in the page's zone (en)",
     _page('<h1>Late game</h1>' + _BODY, _ld(datePublished="2020-10-03T01:18:13Z")
           + '<meta property="article:published_time" content="2020-10-02T18:18:13-07:00">'),
     "2020-10-02T18:18:13-07:00", "jsonld", None),
    ("UTC JSON-LD and the page's zone shown by its modified time (en)",
     _page('<h1>Late game</h1>' + _BODY, _ld(datePublished="2020-10-03T01:18:13Z",
                                              dateModified="2020-10-03T09:00:00-07:00")),
     "2020-10-02T18:18:13-07:00", "jsonld", "2020-10-03T09:00:00-07:00"),
    ("UTC JSON-LD and a naive wall clock of the same instant (en)",
     _page('<h1>Debate night</h1>' + _BODY, _ld(datePublished="2023-11-09T03:28:35Z")
           + '<meta name="sailthru.date" content="2023-11-08 22:28:35">'),
     "2023-11-08T22:28:35-05:00", "jsonld", None),
    ("UTC midnight and the visible local day (de)",
     _page('<article><h1>Kommunalwahlen</h1><div class="date">05.11.2021</div>' + _BODY + '</article>',
           '<meta property="article:published_time" content="2021-11-04T23:00:00+00:00">', lang="de"),
     "2021-11-05", "meta", None),
    # --- day-first / month-first by language and territory
    ("02/10/2020 on a German page is 2 October (de)",
     _page('<article><h1>Neuer Haushalt</h1><p class="date">02/10/2020</p>' + _BODY + '</article>', lang="de"),
     "2020-10-02", "date_line", None),
    ("02/10/2020 on a US page is February 10 (en-US)",
     _page('<article><h1>New budget</h1><p class="date">02/10/2020</p>' + _BODY + '</article>', lang="en-US"),
     "2020-02-10", "date_line", None),
    ("02/10/2020 with og:locale fr_FR is 2 October (fr)",
     _page('<article><h1>Nouveau budget</h1><p class="date">02/10/2020</p>' + _BODY + '</article>',
           '<meta property="og:locale" content="fr_FR">', lang=""),
     "2020-10-02", "date_line", None),
    # --- weaker sources, each only when nothing stronger speaks
    ("hAtom <abbr class=published title=…> (de)",
     _page('<div class="post"><h2>Krimi der Woche</h2><div class="postMeta"><abbr class="published" '
           'title="2009-08-06T10:00:00+02:00">6. August 2009</abbr></div>' + _BODY + '</div>', lang="de"),
     "2009-08-06T10:00:00+02:00", "time", None),
    ("a date the title starts with (de)",
     _page('<div class="detail"><h1>23.01.2022 - Wierer darf jubeln</h1>' + _BODY + '</div>', lang="de"),
     "2022-01-23", "date_line", None),
    ("an unlisted meta key that names the date (en)",
     _page('<h1>Spring in China</h1>' + _BODY,
           '<meta property="five_hundred_pixels:uploaded" content="2013-02-16T04:36:36-05:00">'),
     "2013-02-16T04:36:36-05:00", "meta", None),
    ("a HowTo node's datePublished when no article node exists (de)",
     _page('<h1>Runde Tischdecke nähen</h1>' + _BODY,
           '<script type="application/ld+json">{"@type": "HowTo", "name": "Tischdecke", '
           '"datePublished": "2022-01-10T22:06:08Z"}</script>', lang="de"),
     "2022-01-10T22:06:08+00:00", "jsonld", None),
    ("a labelled line beats a generic date meta (de)",
     _page('<article><h1>Neue Präsidentin</h1><p>Veröffentlicht am 13.10.2021</p>' + _BODY + '</article>',
           '<meta name="date" content="2021-10-15">', lang="de"),
     "2021-10-13", "date_line", None),
    ("German Datum: label (de)",
     _page('<article><h1>Plejaden</h1><p>Datum: 17.09.2019</p>' + _BODY + '</article>', lang="de"),
     "2019-09-17", "date_line", None),
    ("a list of dated links under one class loses to the header date (de)",
     _page('<article><h1>Lagebericht Belarus</h1><p>10.11.2021</p>' + _BODY + '<ul>'
           + "".join(f'<li><a class="Publication" href="/p{i}">0{i}.11.2021 Meldung</a></li>' for i in range(1, 5))
           + '</ul></article>', lang="de"),
     "2021-11-10", "date_line", None),
    ("hAtom <span class=updated title=…> only: the modified date stands in (de)",
     _page('<div class="post"><h2>Schulnoten</h2><span class="updated" title="2013-04-04T18:52:11+00:00"></span>'
           + _BODY + '</div>', lang="de"),
     "2013-04-04T18:52:11+00:00", "modified", "2013-04-04T18:52:11+00:00"),
    ("last resort: the first short whole date on an otherwise undated page (en)",
     _page('<table><tr><td>' + _BODY + '</td></tr><tr><td><div style="font-size:11px">Apr 7, 2009</div></td></tr>'
           '</table>'),
     "2009-04-07", "date_line", None),
    # --- lines the theme writes as a sentence, in a footer the pre-clean drops; a dateline opening the story
    ("WordPress 'Dieser Beitrag wurde am …' in the post footer (de)",
     _page('<article><h1>Eine virtuelle Wand</h1>' + _BODY + '<div class="post-footer">Dieser Beitrag wurde am '
           '14. Dezember 2015 um 14:48 von <a href="/author/m">Max</a> veröffentlicht.</div></article>', lang="de"),
     "2015-12-14T14:48:00", "date_line", None),
    ("MediaWiki 'zuletzt am … geändert' in the page footer: the modified date dates the page (de)",
     _page('<h1>Stammtisch</h1>' + _BODY + '<div id="footer" role="contentinfo"><ul><li id="footer-info-lastmod">'
           'Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.</li></ul></div>', lang="de"),
     "2020-01-29T13:22:00", "modified", "2020-01-29T13:22:00"),
    ("a dateline opening the first paragraph (de)",
     _page('<article><h1>Gedenktag</h1><p>Von Claudia Lindner</p><p>27.1.2022 - Bei der Erinnerung an die '
           'Verfolgten des Regimes wurde lange nicht an alle gedacht, sagen die Initiatorinnen des Projekts, das '
           'in vielen Städten Steine verlegt und Geschichten sammelt, die sonst niemand mehr erzählen würde.</p>'
           + _BODY + '</article>', lang="de"),
     "2022-01-27", "date_line", None),
    ("a story paragraph far below the headline opening with a date is no dateline (en)",
     _page('<article><h1>Timeline</h1>' + _BODY * 45 + '<p>3 May 2021 - The company was founded in a garage by two'
           ' friends who had met at school and wanted to build bicycles that would last for decades and more.</p>'
           '</article>'),
     None, None, None),
    ("re-dated story: the day shown under the headline is the metadata's modified day (de)",
     _page('<article><h1>Die besten Berufe</h1><div class="meta">03.04.2019</div>' + _BODY + '</article>',
           head=_ld(datePublished="2017-08-21T13:09:00Z", dateModified="2019-04-03T08:04:01Z"), lang="de"),
     "2019-04-03", "date_line", "2019-04-03T08:04:01+00:00"),
    ("the shown day is neither published nor modified: the metadata's published date stays (de)",
     _page('<article><h1>Die besten Berufe</h1><div class="meta">05.04.2019</div>' + _BODY + '</article>',
           head=_ld(datePublished="2017-08-21T13:09:00Z", dateModified="2019-04-03T08:04:01Z"), lang="de"),
     "2017-08-21T13:09:00+00:00", "jsonld", "2019-04-03T08:04:01+00:00"),
    # --- precision: dates that are not the article's
    ("a comment's date is not the article's (en)",
     _page('<article><h1>Council passes budget</h1>' + _BODY + '</article><div class="comments"><span '
           'class="date">March 5, 2024</span></div>'),
     None, None, None),
    ("a date quoted in the story is not its publication date (en)",
     _page('<article><h1>Council passes budget</h1>' + _BODY * 4 + '<p>The plan was first shown on 4 March 2024 '
           'to the public.</p></article>'),
     None, None, None),
    ("a masthead's today-date loses to the article's line (en)",
     _page('<header><span class="date">Friday, May 3, 2024</span></header><article><h1>Council passes budget'
           '</h1><p>Posted: April 30, 2024</p>' + _BODY + '</article>'),
     "2024-04-30", "date_line", None),
    # --- labels, datelines and lines that only look like dates
    ("Written:/Updated: on one line (en)",
     _page('<article><h1>Temperatures drop</h1><div>Written: 2023-11-07 15:03:30Updated: 2023-11-07 15:30:46</div>'
           + _BODY + '</article>'),
     "2023-11-07T15:03:30", "date_line", "2023-11-07T15:30:46"),
    ("German Stand: is a modified label (de)",
     _page('<article><h1>Stadtrat beschließt Haushalt</h1><p>Veröffentlicht am 25.09.2018, 09:00</p>'
           '<p>Stand: 26.09.2018, 10:00 Uhr</p>' + _BODY + '</article>', lang="de"),
     "2018-09-25T09:00:00", "date_line", "2018-09-26T10:00:00"),
    ("a place and a date in parentheses open the first paragraph (de)",
     _page('<article><h1>Gedenken am Ewigkeitssonntag</h1><p><strong>Karlsruhe, (12.11.2021). Traditionell '
           'gedenken evangelische Christinnen und Christen am Ewigkeitssonntag ihrer Verstorbenen. '
           + "Die Gemeinden laden zu Gottesdiensten ein. " * 10 + '</strong></p>' + _BODY + '</article>', lang="de"),
     "2021-11-12", "date_line", None),
    ("a linked title with a date inside a sentence is no date line (de)",
     _page('<article><h1>Bericht zur Lage</h1><p>Die Zahlen stehen im <a href="/bulletin.pdf">Bulletin vom '
           '15. April 2020</a>, das die Behörde nach Wochen der Verzögerung endlich veröffentlicht hat, und sie '
           'zeigen etwas anderes.</p>' + _BODY + '</article>', lang="de"),
     None, None, None),
    ("day | month | year (de)",
     _page('<main><h1>Hechte im Winter</h1><table><tr><td>26 | 01 | 2022 </td><td>Schweiz</td></tr></table>'
           + _BODY + '</main>', lang="de"),
     "2022-01-26", "date_line", None),
    ("an Updated: line is all the page shows of a re-dated story (en)",
     _page('<article><h1>Royal interview</h1><p>Updated 2010 GMT March 14, 2021</p>' + _BODY + '</article>',
           _ld(datePublished="2021-03-08T11:15:28Z", dateModified="2021-03-14T20:10:50Z")),
     "2021-03-14", "date_line", "2021-03-14T20:10:50+00:00"),
    ("the page shows its first day too: the metadata's published date stands (en)",
     _page('<article><h1>Buttercream</h1><time pubdate datetime="2018-01-28">January 28, 2018</time>'
           '<p>Updated: August 22, 2019</p>' + _BODY + '</article>',
           _ld(datePublished="2018-01-28T03:38:45Z", dateModified="2019-08-22T10:05:21Z")),
     "2018-01-28T03:38:45+00:00", "jsonld", "2019-08-22T10:05:21+00:00"),
    # --- page-wide wrappers and zones
    ("ASP.NET's page-wide <form> is a wrapper, not furniture (ru)",
     _page('<form id="aspnetForm"><div class="page"><article><p class="date">15 августа 2016, 13:43</p>'
           '<h1>Подольски завершил карьеру</h1>' + _BODY + '</article></div></form>', lang="ru"),
     "2016-08-15T13:43:00", "date_line", None),
    ("a UTC time the page itself shows on the same clock keeps its UTC day (en)",
     _page('<article><h1>Council passes budget</h1><time datetime="2020-04-28T22:57">April 28, 22:57</time>'
           '<span class="date">April 29, 2020</span>' + _BODY + '</article>',
           _ld(datePublished="2020-04-28T22:57:38Z", dateModified="2020-04-29T11:14:24Z")),
     "2020-04-28T22:57:38+00:00", "jsonld", "2020-04-29T11:14:24+00:00"),
    ("a zoneless time next to midnight yields to the day shown under the headline (it)",
     _page('<article><h1>Il consiglio approva il bilancio</h1><span class="data datePublished">06/12/2020</span>'
           + _BODY + '</article>', _ld(datePublished="2020-12-05T23:15:00"), lang="it"),
     "2020-12-06", "jsonld", None),
    ("a zoneless time far from midnight keeps its day (it)",
     _page('<article><h1>Il consiglio approva il bilancio</h1><span class="data datePublished">06/12/2020</span>'
           + _BODY + '</article>', _ld(datePublished="2020-12-05T12:15:00"), lang="it"),
     "2020-12-05T12:15:00", "jsonld", None),
]


@pytest.mark.parametrize(("page", "published", "source", "modified"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_publication_date_classes(page: str, published: str | None, source: str | None,
                                  modified: str | None) -> None:
    # Given a small page written for one date class / When extracted without a URL
    article = extract_article(page)
    # Then the publication date, its source and the modified date are exactly these
    assert (article.published_at, article.date_source, article.modified_at) == (published, source, modified)


def test_the_url_date_is_the_last_resort() -> None:
    # Given a page without any date, fetched from a dated URL
    page = _page("<h1>Council passes budget</h1>" + _BODY)
    # When extracted with its URL / Then the URL's day, as a date only, says so
    article = extract_article(page, "https://news.example.com/2019/11/22/council-budget")
    assert (article.published_at, article.date_source) == ("2019-11-22", "url")


@pytest.mark.parametrize(("url", "day"), [
    ("https://news.example.com/2019/11/22/council-budget", "2019-11-22"),
    ("https://www.example.se/20200428/meet-the-swede", "2020-04-28"),
    ("https://example.de/meldungen/29-10-2021", "2021-10-29"),
])
def test_url_day_formats(url: str, day: str) -> None:
    # Given an undated page at a dated URL (slashes, a compact YYYYMMDD segment, a DD-MM-YYYY segment)
    page = _page("<h1>Council passes budget</h1>" + _BODY)
    # When extracted with its URL / Then the URL's day
    assert extract_article(page, url).published_at == day


def test_the_canonical_url_dates_a_page_fetched_from_an_undated_address() -> None:
    # Given an undated page whose canonical link carries the day, fetched without a URL
    page = _page("<h1>Council passes budget</h1>" + _BODY,
                 '<link rel="canonical" href="https://news.example.com/2019/11/22/council-budget">')
    # When extracted / Then the canonical URL's day, and date_source says it is the URL's
    article = extract_article(page)
    assert (article.published_at, article.date_source) == ("2019-11-22", "url")


def test_jsonld_at_the_end_of_a_long_page_survives_the_tag_cap() -> None:
    # Given a page whose JSON-LD comes after more tags than the cap allows
    filler = "<div><span>x</span></div>" * 300
    page = _page("<h1>Long page</h1>" + _BODY + filler + _ld(datePublished="2022-01-28T12:45:46+01:00"))
    # When extracted with a small tag cap
    article = extract_article(page, options=ExtractOptions(max_tags=200))
    # Then the JSON-LD date is still read
    assert (article.published_at, article.date_source) == ("2022-01-28T12:45:46+01:00", "jsonld")


@pytest.mark.parametrize(("language", "dayfirst"), [("en-US", False), ("en", False), ("en-GB", True),
                                                    ("de-DE", True), ("fr", True), ("ja-JP", True), (None, False)])
def test_dayfirst_follows_language_and_territory(language: str | None, dayfirst: bool) -> None:
    # Given a page language / When asked how to read 02/10/2020 / Then US English (or no territory) is month-first
    assert is_dayfirst(language) is dayfirst


@pytest.mark.parametrize(("raw", "expected"), [
    ("4 czerwca 2020", "2020-06-04"),  # Polish genitive
    ("5 мая 2020", "2020-05-05"),  # Russian genitive
    ("2020. június 4.", "2020-06-04"),  # Hungarian, year first
    ("12 Ekim 2020", "2020-10-12"),  # Turkish
    ("3 maart 2021", "2021-03-03"),  # Dutch
    ("22. listopadu 2019", "2019-11-22"),  # Czech
    ("3 Mrz. 2024", "2024-03-03"),  # German abbreviation
    ("14 de abr. de 2019", "2019-04-14"),  # Spanish abbreviation
    ("12 ARALIK 2020", None),  # a case variant the month table lacks: no date rather than a crash
])
def test_month_names_of_more_languages(raw: str, expected: str | None) -> None:
    # Given a date written with a month name / When parsed / Then the calendar day (or None, never an exception)
    assert parse_date_to_iso(raw) == expected


def test_script_state_dates_an_otherwise_undated_page() -> None:
    # Given a script-rendered shop page: no date in its markup, its state under a quoted "published_at" key,
    # an earlier "createdAt" of some other object
    page = _page("<h1>Sidamo, washed</h1>" + _BODY + '<script>var state = {"createdAt": "2018-01-02T10:00:00Z", '
                 '"product": {"published_at":"2019-03-02T06:22:28+01:00"}};</script>')
    # When extracted / Then the publication key wins over the creation key, and date_source says "script"
    article = extract_article(page)
    assert (article.published_at, article.date_source) == ("2019-03-02T06:22:28+01:00", "script")


def test_script_state_is_never_read_over_a_date_the_page_shows() -> None:
    # Given a page with a visible labelled date and a script state with another date
    page = _page("<article><h1>Council passes budget</h1><p>Posted: April 30, 2024</p>" + _BODY
                 + '<script>window.__STATE__ = {"publishedAt": "2020-01-01T00:00:00Z"};</script></article>')
    # When extracted / Then the page's own line dates it
    assert (extract_article(page).published_at, extract_article(page).date_source) == ("2024-04-30", "date_line")


def test_the_lead_image_named_by_its_upload_time_dates_an_undated_page() -> None:
    # Given an undated page whose og:image file is named by its upload time
    page = _page("<h1>Council passes budget</h1>" + _BODY,
                 '<meta property="og:image" content="https://img.example.com/large/20201007120909561.jpg">')
    # When extracted without a URL / Then that day, as a URL date
    article = extract_article(page)
    assert (article.published_at, article.date_source) == ("2020-10-07", "url")


def test_a_web_archive_copy_segment_is_not_the_pages_day() -> None:
    # Given an undated page whose canonical URL is a web archive's copy (a capture-time segment mid-path)
    page = _page("<h1>Council passes budget</h1>" + _BODY,
                 '<link rel="canonical" href="https://web.archive.org/web/20160218093512/http://example.de/typo">')
    # When extracted / Then no date is read from the capture time
    assert extract_article(page).published_at is None


def test_a_headline_linking_to_its_dated_permalink_dates_an_undated_page() -> None:
    # Given an undated blog page whose headline links to its permalink
    page = _page('<h2 class="post-title"><a href="https://blog.example.com/2017/08/30/simpler-publishing/">Simpler '
                 'publishing</a></h2>' + _BODY)
    # When extracted without a URL / Then the permalink's day, as a URL date
    article = extract_article(page)
    assert (article.published_at, article.date_source) == ("2017-08-30", "url")


def test_an_og_image_the_image_stage_refuses_still_dates_an_undated_page() -> None:
    # Given an undated page whose og:image is relative and padded with spaces
    page = _page("<h1>Council passes budget</h1>" + _BODY,
                 '<meta property="og:image" content="  /uploads/2020/10/13/news/153257/medium/153257.jpg  ">')
    # When extracted without a URL / Then the upload path's day
    assert (extract_article(page).published_at, extract_article(page).date_source) == ("2020-10-13", "url")
