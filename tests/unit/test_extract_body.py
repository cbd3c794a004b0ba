"""Body extraction on whole fixture pages, with exact expectations.

Each test: Given a page, When the article is extracted, Then the body is exactly the story's paragraphs, without
the page furniture around it or inside it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import bs4
import pytest

from newsingest.extract import EXTRACTOR_VERSION, Article, ExtractOptions, Image, extract_article
from newsingest.extract.body import extract_body
from newsingest.extract.clean import preclean

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SEED_URL = "https://www.koreatimes.co.kr/www/nation/2019/11/120_279161.html"
SEED_CAPTION = (
    "U.S. Defense Secretary Mark Esper, right, talks with South Korean Defense Minister Jeong Kyeong-doo upon his "
    "arrival for the 51st Security Consultative Meeting (SCM) at Defense Ministry in Seoul, South Korea, Friday, "
    "Nov. 15, 2019."
)


def _seed_bytes() -> bytes:
    # The demo serves this page from the package; the tests load it from the same place.
    return files("newsingest_tools.local").joinpath("pages/koreatimes_esper.html").read_bytes()


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@pytest.fixture(scope="module")
def seed_article() -> Article:
    return extract_article(_seed_bytes(), SEED_URL, content_type="text/html; charset=UTF-8")


def test_seed_page_body_is_exactly_the_story(seed_article: Article) -> None:
    # Given the seed-modeled page (body written with <br><br> runs, a related box between two paragraphs)
    expected = (PAGES / "koreatimes_esper.expected.txt").read_text(encoding="utf-8").strip()
    # When it is extracted (fixture) / Then the body is the story, paragraph for paragraph
    assert seed_article.text == expected
    paragraphs = seed_article.text.split("\n\n")
    assert len(paragraphs) == 18
    assert paragraphs[0].startswith("U.S. Defense Secretary Mark Esper on Thursday called on South Korea and Japan")
    assert paragraphs[-1].endswith("So I think the ball is in their court.\" (Yonhap)")
    assert paragraphs[6].endswith("work through the details.\"")
    assert paragraphs[7].startswith("He disagreed with the characterization")


@pytest.mark.parametrize(
    "furniture",
    [
        "American deal: US always has its way, so far",  # inline related box
        "Top diplomats of South Korea, US hold phone talks",  # inline related box
        "AP-Yonhap",  # photo credit
        "talks with South Korean Defense Minister Jeong Kyeong-doo",  # photo caption
        "Posted :",  # date line
        "Updated :",
        "Print Preview",  # tools
        "Font Size",
        "Foreign Affairs",  # breadcrumb / section
        "Multicultural Community",  # navigation
        "Seoul City to retrofit manholes",  # trending / most read
        "DARKROOM",
        "Ice is melting",
        "CEO & Publisher",  # footer
        "Copyright",
        "Esper calls on South Korea, Japan to show leadership to resolve dispute",  # the title (metadata)
    ],
)
def test_seed_page_body_leaves_out_page_furniture(seed_article: Article, furniture: str) -> None:
    # Given the seed page / When extracted / Then no navigation, caption, related, trending or footer text
    assert furniture not in seed_article.text


def test_seed_page_article_fields(seed_article: Article) -> None:
    # Given the seed page / When extracted / Then the orchestrator assembles metadata, images and counts
    assert seed_article.title == "Esper calls on South Korea, Japan to show leadership to resolve dispute"
    assert seed_article.section == "Foreign Affairs"
    assert seed_article.published_at == "2019-11-22T11:09:00+09:00"
    assert seed_article.modified_at == "2019-11-22T11:09:00+09:00"
    assert seed_article.source == "Yonhap"
    assert seed_article.charset == "utf-8"
    assert seed_article.extractor_version == EXTRACTOR_VERSION
    assert seed_article.word_count == 626
    assert seed_article.images[0].url.endswith("b3c0c16bc2b74d4aa2b10b3b2ac0ee51.jpg")
    assert seed_article.images[0].caption == SEED_CAPTION
    assert len({image.url for image in seed_article.images}) == len(seed_article.images)  # de-duplicated


def test_seed_page_body_does_not_rely_on_json_ld() -> None:
    # Given the seed page without its JSON-LD block
    html = _seed_bytes().decode("utf-8")
    start = html.index('<script type="application/ld+json">')
    end = html.index("</script>", start) + len("</script>")
    stripped = (html[:start] + html[end:]).encode("utf-8")
    # When extracted
    article = extract_article(stripped, SEED_URL)
    # Then the body is unchanged
    assert article.text == (PAGES / "koreatimes_esper.expected.txt").read_text(encoding="utf-8").strip()


def test_body_stage_returns_in_body_figures_with_caption_and_credit() -> None:
    # Given the seed page, parsed the way the orchestrator parses it
    soup = bs4.BeautifulSoup(preclean(_seed_bytes().decode("utf-8"), 20_000), "lxml", multi_valued_attributes=None)
    # When only the body stage runs
    body = extract_body(soup, SEED_URL, ExtractOptions())
    # Then the photo is returned with its caption (not in the text)
    assert [image.url for image in body.images] == [
        "https://img.koreatimes.co.kr/upload/newsV2/images/201911/b3c0c16bc2b74d4aa2b10b3b2ac0ee51.jpg"
    ]
    assert body.images[0].caption is not None and body.images[0].caption.startswith(SEED_CAPTION)
    assert "AP-Yonhap" not in body.text


def test_page_without_any_p_element_is_split_on_br_runs_and_divs() -> None:
    # Given a page whose text sits in divs and <br> runs only
    # When extracted
    article = extract_article(_page("body_no_paragraphs.html"), "https://harbor.example/news/port-strike")
    # Then the paragraphs come from <br><br> runs and text-only divs; a single <br> is a line break
    assert article.text == (
        "Dock workers returned to the container terminal on Thursday morning after union leaders accepted a "
        "revised pay offer late on Wednesday night.\n\n"
        "The three-day walkout had left more than forty ships waiting at anchor outside the harbour, and shipping "
        "agents warned that clearing the backlog would take at least a week.\n"
        "Some perishable cargo, including fruit from South America, had to be diverted to other ports.\n\n"
        "\"Nobody wins in a strike like this, but the deal on the table now is a fair one,\" the union's regional "
        "secretary told reporters outside the gates.\n\n"
        "The port authority said it would publish a revised berthing schedule by Friday and thanked customers for "
        "their patience during the dispute."
    )


def test_listing_page_yields_no_article() -> None:
    # Given an index page: linked headlines, each with a short blurb
    # When extracted
    article = extract_article(_page("body_listing.html"), "https://harbor.example/business")
    # Then there is no article body (the pipeline records no_article)
    assert article.text == ""
    assert article.is_empty
    assert "listing_page" in article.warnings


def test_furniture_inside_the_article_is_left_out_and_structure_kept() -> None:
    # Given an article with byline, share tools, a captioned figure, an inline related box, a newsletter promo,
    # tags, a sidebar, comments and a cookie banner
    # When extracted
    article = extract_article(_page("body_furniture_inside.html"), "https://daily.example/city/tram-line")
    # Then only the story remains; headings, list items and quotes are their own paragraphs
    assert article.text == (
        "The city council voted on Monday to build a new tram line linking the main railway station with the "
        "university campus, ending a debate that had lasted almost a decade.\n\n"
        "The line will run for 7.5 kilometres and serve 14 stops, with the first trams expected to carry "
        "passengers in 2029, according to the plans approved by 41 votes to 12.\n\n"
        "Cost concerns\n\n"
        "Opposition members warned that the estimated cost of 310 million euros could rise, pointing to overruns "
        "on similar projects in other cities.\n\n"
        "The mayor said the project would be financed partly by regional and national grants, and that "
        "construction contracts would include penalties for delays.\n\n"
        "Construction is due to start in spring 2026.\n\n"
        "Trams will run every six minutes at peak times.\n\n"
        "\"This is the most important transport decision the city has taken in a generation,\" the mayor said.\n\n"
        "Work on the detailed design will begin this autumn."
    )
    # And the figure went to the images, with its caption
    tram = [image for image in article.images if image.url == "https://daily.example/img/tram.jpg"]
    assert tram and tram[0].caption is not None and tram[0].caption.startswith("A tram on the existing east line.")


def test_pre_blocks_keep_their_lines() -> None:
    # Given an article with a preformatted block
    html = (
        "<html><body><article><p>The release notes list the following command, which users should run once "
        "after upgrading to the new version of the tool.</p><pre>$ tool migrate\n$ tool check --all</pre>"
        "<p>The maintainers said the migration takes less than a minute on most installations they tested.</p>"
        "</article></body></html>"
    )
    # When extracted
    article = extract_article(html)
    # Then the pre block is its own paragraph with its line breaks
    assert article.text.split("\n\n")[1] == "$ tool migrate\n$ tool check --all"


def test_options_bound_the_input() -> None:
    # Given a page larger than the configured input cap
    html = b"<html><body><article><p>" + b"word " * 2000 + b"</p></article></body></html>"
    # When extracted with a small cap
    article = extract_article(html, options=ExtractOptions(max_input_bytes=1_000))
    # Then only the capped prefix was read
    assert 0 < len(article.text) < 1_000


def test_image_model_is_the_shared_one() -> None:
    # Given/When the package's public names / Then Image is the model's Image (one model everywhere)
    from newsingest.extract.article import Image as ModelImage

    assert Image is ModelImage


def test_wrapper_with_an_unlucky_class_is_kept() -> None:
    # Given a <br>-written story inside a page wrapper whose class mentions "sidebar", and a real sidebar
    story = "<br><br>".join(
        f"Paragraph {number} of a story written with line breaks only, as some sites still do today."
        for number in range(8)
    )
    html = (
        '<html><body><div class="layout-with-sidebar"><div class="txt">' + story + "</div></div>"
        '<div class="sidebar"><a href="/x">Other story</a> <a href="/y">Another story</a></div></body></html>'
    )
    # When extracted
    article = extract_article(html)
    # Then the wrapper is not taken for furniture: all eight paragraphs are there, the sidebar is not
    assert len(article.text.split("\n\n")) == 8
    assert "Other story" not in article.text


def test_inline_link_with_a_class_stays_in_its_sentence() -> None:
    # Given a paragraph whose last words are a link wrapped in a span, with a "tag"-like class
    html = (
        "<html><body><article><p>The new keyboard uses a scissor switch that is almost identical to the one Apple "
        'shipped with its desktop keyboard that was <span><a class="tag-link js_link" href="/k">released nearly five '
        "years ago.</a></span></p><p>The keyboard matters because the previous design drew years of complaints from "
        "owners who saw keys fail after a little dust got in.</p></article></body></html>"
    )
    # When extracted / Then the linked words stay in the sentence
    assert "that was released nearly five years ago." in extract_article(html).text


def test_more_stories_list_and_furniture_lines_after_the_story_are_left_out() -> None:
    # Given a story followed by a "More Great Stories" line with a list of half-linked teasers, a contributor line,
    # an author e-mail, a follow-us promo, and an "Advertisement" label in Indonesian between paragraphs
    story = [
        "The regional council agreed on Tuesday to extend the night bus network to the three largest suburbs.",
        "Officials said the extension would cost about two million a year and begin running in the spring.",
    ]
    html = (
        "<html><body><article>"
        f"<p>{story[0]}</p><div>Iklan</div><p>{story[1]}</p>"
        "<p>Jane Roe contributed reporting from the capital.</p>"
        "<hr><div class='heading-h3'>More Great Stories</div>"
        "<ul><li>Paid ads are not the problem. <a href='/a'>Our perceptions are</a></li>"
        "<li>Could a lost astronaut use gravity <a href='/b'>to get around?</a></li></ul>"
        "<p>jane.roe@example.com</p><p>Follow the city desk on Twitter and Facebook.</p>"
        "</article></body></html>"
    )
    # When extracted
    article = extract_article(html)
    # Then only the story's two paragraphs remain
    assert article.text == "\n\n".join(story)


def test_roundup_with_linked_product_headings_is_an_article() -> None:
    # Given a deals roundup: linked product headings in the flow of one story, each with a paragraph
    items = "".join(
        f'<h3><a href="/p{number}">Product {number} wireless headphones</a></h3><p>These headphones are a solid '
        "pick for commuters, with long battery life and a comfortable fit that lasts all day long.</p>"
        for number in range(8)
    )
    html = (
        "<html><body><article><div class='article-body'><p>Black Friday deals are live and we picked the best ones "
        f"for you below after testing each of them in our lab for weeks.</p>{items}</div></article></body></html>"
    )
    # When extracted
    article = extract_article(html)
    # Then it is not taken for an index page, and the product names stay as headings
    assert "listing_page" not in article.warnings
    assert "Product 7 wireless headphones" in article.text.split("\n\n")


def test_grid_of_teaser_cards_yields_no_article() -> None:
    # Given an index page made of <article> cards (image, linked headline, short blurb)
    cards = "".join(
        f'<article class="card"><a href="/s{number}"><img src="/i{number}.jpg"><span>Headline {number} about the '
        f"city</span></a><p>A short blurb of story {number} that invites readers to click through.</p></article>"
        for number in range(8)
    )
    # When extracted
    article = extract_article(f"<html><body><main><div class='grid'>{cards}</div></main></body></html>")
    # Then there is no article
    assert article.text == ""


def test_extract_package_is_light_and_pure() -> None:
    # Given a fresh interpreter
    import subprocess
    import sys

    code = (
        "import sys, newsingest.extract as e\n"
        "light = 'bs4' not in sys.modules and 'lxml' not in sys.modules\n"
        "e.extract_article(b'<p>x</p>')\n"
        "pure = not any(m.split('.')[0] in ('boto3', 'botocore', 'aws_lambda_powertools') for m in sys.modules)\n"
        "print(light, pure)\n"
    )
    # When the package is imported and then used
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Then importing it loads no parser, and extracting loads no AWS or Powertools module
    assert result.stdout.split() == ["True", "True"]


def test_text_written_straight_into_body() -> None:
    # Given a bare page: text and <br><br> directly in <body>, no container at all
    sentence = "The mayor said on Friday that the old bridge will close for repairs, affecting daily commuters."
    # When extracted
    article = extract_article(f"<html><body>{sentence}<br><br>{sentence}<br><br>{sentence}</body></html>")
    # Then each run is a paragraph
    assert article.text == "\n\n".join([sentence] * 3)


def test_old_table_layout_page() -> None:
    # Given a table layout: a navigation cell beside a content cell written with <font> and <br><br>
    sentence = "The mayor said on Friday that the old bridge will close for repairs, affecting daily commuters."
    html = (
        '<html><body><table><tr><td class="nav"><a href="/">Home</a><br><a href="/news">News</a><br>'
        f'<a href="/sport">Sport</a></td><td><font size="2">{sentence}<br><br>{sentence}<br><br>{sentence}</font>'
        "</td></tr></table><table><tr><td>Copyright 2003 Town Herald</td></tr></table></body></html>"
    )
    # When extracted / Then the content cell's runs, without the navigation cell or the footer table
    assert extract_article(html).text == "\n\n".join([sentence] * 3)


def test_live_blog_of_short_entries_is_an_article() -> None:
    # Given a live blog: short <article> entries, each with a permalink on its time
    entries = "".join(
        f'<article class="entry"><a href="#e{number}">10:{number:02d}</a><p>Update {number}: rescue teams reached '
        "the flooded village and started moving residents to the school gym, officials said.</p></article>"
        for number in range(10)
    )
    # When extracted
    article = extract_article(f"<html><body><main><div class='live'>{entries}</div></main></body></html>")
    # Then it is an article with every update
    assert "listing_page" not in article.warnings
    assert article.text.count("rescue teams reached the flooded village") == 10


def test_images_merge_lead_first_then_body_figures_once_per_url() -> None:
    # Given a page whose og:image is also its first figure, plus a second figure further down
    paragraph = "<p>The harbour authority opened the new ferry terminal on Saturday after two years of works.</p>"
    html = (
        '<html><head><meta property="og:image" content="https://img.example/lead.jpg"></head><body><article>'
        '<figure><img src="https://img.example/lead.jpg"><figcaption>The new terminal at dawn.</figcaption></figure>'
        f"{paragraph * 3}"
        '<figure><img src="/img/second.jpg"><figcaption>Passengers boarding the first ferry.</figcaption></figure>'
        f"{paragraph}</article></body></html>"
    )
    # When extracted
    article = extract_article(html, "https://news.example/ferry")
    # Then the lead image comes first (with the caption the body found), then the other figure, each once
    assert [image.url for image in article.images] == [
        "https://img.example/lead.jpg",
        "https://news.example/img/second.jpg",
    ]
    assert article.images[0].caption == "The new terminal at dawn."
    assert article.images[1].caption == "Passengers boarding the first ferry."
    assert "Passengers boarding" not in article.text


def test_pre_clean_keeps_what_the_metadata_stage_reads() -> None:
    # Given a page with a breadcrumb trail and a hidden paywall container, both of which look like furniture
    paragraph = "<p>The council voted on Monday to build a new tram line linking the station with the port.</p>"
    html = (
        '<html><body><div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/city">City</a></div>'
        f"<article><h1>Tram line approved</h1>{paragraph * 3}</article>"
        '<div class="tp-modal" style="display:none">Subscribe to keep reading</div></body></html>'
    )
    # When extracted
    article = extract_article(html)
    # Then metadata still sees them (section from the trail, the paywall marker), and the body does not
    assert article.section == "City"
    assert article.paywalled is True
    assert "Home" not in article.text and "Subscribe" not in article.text


def test_script_rendered_page_falls_back_to_json_ld_article_body() -> None:
    # Given a script-rendered page: an empty app shell in HTML, the story only in JSON-LD articleBody
    import json

    story = (
        "The council approved the tram line on Monday after a decade of debate.\n"
        "Construction starts in spring and the first trams run in 2029."
    )
    block = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": story})
    html = (
        f'<html><head><script type="application/ld+json">{block}</script></head>'
        '<body><div id="root"></div><script src="/app.js"></script></body></html>'
    )
    # When extracted
    article = extract_article(html)
    # Then the body comes from JSON-LD, as paragraphs, and says so
    assert article.text == story.replace("\n", "\n\n")
    assert "body_from_jsonld" in article.warnings


def test_json_ld_article_body_is_never_used_when_the_html_holds_the_story() -> None:
    # Given the seed page with a JSON-LD articleBody that differs from the visible story
    html = _seed_bytes().decode("utf-8").replace(
        '"articleSection": "Foreign Affairs",', '"articleSection": "Foreign Affairs", "articleBody": "Teaser only.",'
    )
    assert '"articleBody": "Teaser only."' in html
    # When extracted / Then the body is the visible story
    article = extract_article(html.encode("utf-8"), SEED_URL)
    assert article.text == (PAGES / "koreatimes_esper.expected.txt").read_text(encoding="utf-8").strip()
    assert "body_from_jsonld" not in article.warnings


def test_cjk_article_of_short_sentences_is_found() -> None:
    # Given a Japanese article whose paragraphs are single short sentences (13-17 characters each)
    paragraphs = [
        "気象庁は台風が接近すると発表した。", "交通機関への影響が心配される。", "鉄道各社は運休を検討している。",
        "利用者に情報の確認を呼びかけた。", "週末は大雨になる見込みだ。", "自治体は避難所を開設した。",
    ]
    html = (
        '<html><body><div class="menu"><a href="/">トップ</a><a href="/news">ニュース</a></div>'
        '<div class="honbun">' + "".join(f"<p>{text}</p>" for text in paragraphs) + "</div>"
        '<div class="footer">Copyright</div></body></html>'
    )
    # When extracted / Then every sentence is a paragraph (CJK characters weigh like words, not letters)
    assert extract_article(html).text == "\n\n".join(paragraphs)


@pytest.mark.parametrize("date_line", ["14 May 2024", "Tuesday, Nov. 22, 2019 5:30 PM", "Posted : 2019-11-22 11:09"])
def test_date_lines_inside_the_body_are_left_out(date_line: str) -> None:
    # Given an article whose container starts with a date line
    sentence = "Residents voted to keep paying for the town's lighthouse keeper, a post automated almost everywhere."
    html = f"<html><body><article><p>{date_line}</p><p>{sentence}</p><p>{sentence}</p></article></body></html>"
    # When extracted / Then the date line is metadata, not body
    assert extract_article(html).text == f"{sentence}\n\n{sentence}"


_RECIPE_INTRO = (
    "This plum cake is a late-summer classic from my grandmother's kitchen, with a buttery yeast dough, plenty of "
    "ripe plums and a crunchy crumble that stays crisp for two days."
)
_RECIPE_INTRO_2 = (
    "It needs a little patience while the dough rises, but every step is simple, and the cake freezes well, so it "
    "is worth baking a whole tray at once."
)
_RECIPE_STEPS = [
    "Warm the milk, stir in the yeast and sugar, and leave it for ten minutes until it foams.",
    "Knead the flour, butter, egg and the yeast milk into a soft dough and let it rise for one hour.",
    "Roll out the dough on the tray, cover it with halved plums and scatter the crumble over them.",
]
_RECIPE_INGREDIENTS = ["500 g flour", "250 ml milk", "1 cube of yeast", "1 kg plums"]


def _recipe_page(head: str = "") -> str:
    return (
        f"<html><head><title>Plum cake</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/recipes">Recipes</a></nav>'
        "<main><h1>Grandmother's plum cake</h1>"
        f'<div class="recipe-intro"><p>{_RECIPE_INTRO}</p><p>{_RECIPE_INTRO_2}</p></div>'
        '<div class="recipe-ingredients"><h2>Ingredients</h2><ul>'
        + "".join(f"<li>{item}</li>" for item in _RECIPE_INGREDIENTS)
        + '</ul></div><div class="recipe-steps"><h2>Preparation</h2><ol>'
        + "".join(f"<li>{step}</li>" for step in _RECIPE_STEPS)
        + "</ol></div></main><footer>Contact us</footer></body></html>"
    )


def test_page_that_is_no_article_gives_its_whole_main_area() -> None:
    # Given a recipe page (no article markup) whose content is spread over sibling blocks: an intro of prose, an
    # ingredients list, the steps
    html = _recipe_page()
    # When extracted
    article = extract_article(html)
    # Then the body is the whole main area: intro, ingredients and steps, without navigation, headline or footer
    expected = [_RECIPE_INTRO, _RECIPE_INTRO_2, "Ingredients", *_RECIPE_INGREDIENTS, "Preparation", *_RECIPE_STEPS]
    assert article.text == "\n\n".join(expected)


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="og:type" content="article">',
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle"}</script>',
    ],
)
def test_page_marked_as_an_article_keeps_the_story_container(head: str) -> None:
    # Given the same page, marked as an article (og:type or a JSON-LD article type)
    html = _recipe_page(head)
    # When extracted
    article = extract_article(html)
    # Then the story rules apply, not the main-area rule: the ingredients box is not taken
    expected = [_RECIPE_INTRO, _RECIPE_INTRO_2, "Preparation", *_RECIPE_STEPS]
    assert article.text == "\n\n".join(expected)


def test_main_area_of_a_page_that_is_no_article_is_never_a_block_of_links() -> None:
    # Given a page without article markup whose prose block sits in a wrapper made mostly of links
    links = "".join(f'<li><a href="/p{n}">Another product page number {n}</a></li>' for n in range(12))
    html = (
        "<html><head><title>About us</title></head><body><div class='wrap'>"
        f"<div class='about'><p>{_RECIPE_INTRO}</p><p>{_RECIPE_INTRO_2}</p></div><ul>{links}</ul>"
        "</div></body></html>"
    )
    # When extracted / Then the body is the prose block alone (the wrapper is over half links)
    assert extract_article(html).text == f"{_RECIPE_INTRO}\n\n{_RECIPE_INTRO_2}"


def test_main_area_of_a_page_that_is_no_article_starts_at_its_headline() -> None:
    # Given a recipe page (no article markup) whose main area opens with a notice bar above the headline
    notice = (
        "<div class='visited'><p>This website stores small files on your device. By continuing to browse you agree "
        "to this, and you can change the settings at any time.</p></div>"
    )
    html = _recipe_page().replace("<main>", f"<main>{notice}", 1)
    # When extracted
    article = extract_article(html)
    # Then the notice above the headline is not body; the main area from the headline on is
    expected = [_RECIPE_INTRO, _RECIPE_INTRO_2, "Ingredients", *_RECIPE_INGREDIENTS, "Preparation", *_RECIPE_STEPS]
    assert article.text == "\n\n".join(expected)


def test_hidden_subtrees_are_not_part_of_the_body_analysis() -> None:
    # Given a story with a hidden block between its headline and its paragraphs (the pre-clean's hidden carriers
    # of dates and breadcrumbs look like this)
    import bs4

    from newsingest.extract.body import analyse
    from newsingest.extract.options import ExtractOptions

    hidden = "<span hidden>" + "<span><time datetime='2020-01-01'>1 January 2020</time></span>" * 200 + "</span>"
    story = "".join(f"<p>Paragraph {n} of the story describes the route and the costs of the line.</p>"
                    for n in range(5))
    soup = bs4.BeautifulSoup(f"<html><body><h1>Tram line approved</h1>{hidden}<div>{story}</div></body></html>",
                             "lxml", multi_valued_attributes=None)
    # When analysed
    analysis = analyse(soup, ExtractOptions())
    # Then no element of the hidden block is counted: the elements between headline and story are the visible ones
    assert not [tag for tag in analysis.tags if tag.name in ("time", "span")]
    assert [tag.name for tag in analysis.tags] == ["body", "h1", "div", "p", "p", "p", "p", "p"]
