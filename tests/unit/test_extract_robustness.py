"""Robustness: any input gives an Article and never raises; hostile pages are bounded.

No wall-clock asserts: the bounds are structural (input cap, tag cap, linear scans) and these tests prove they
hold by finishing; a regression to quadratic or recursive behaviour shows up as a hang or a RecursionError.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsingest.extract import Article, ExtractOptions, extract_article
from newsingest.extract.clean import preclean

_TAGS = ["div", "p", "span", "a", "br", "script", "style", "nav", "footer", "article", "table", "td", "li", "ul",
         "h1", "h2", "figure", "figcaption", "img", "!--", "form", "aside", "pre", "meta", "head", "body"]
_fragment = st.one_of(
    st.sampled_from([f"<{tag}>" for tag in _TAGS] + [f"</{tag}>" for tag in _TAGS]),
    st.sampled_from(['<div class="related">', '<div class="article-body">', '<p class="byline">', "<br><br>",
                     '<meta charset="euc-kr">', '<a href="/x">', "-->", "<![CDATA[", "]]>", '"', "'", "<", ">"]),
    st.text(max_size=80),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4_000))
def test_any_bytes_give_an_article(data: bytes) -> None:
    # Given arbitrary bytes / When extracted / Then an Article comes back
    article = extract_article(data, "https://example.com/a", content_type="text/html")
    assert isinstance(article, Article)
    assert isinstance(article.text, str)
    # and no stage failed internally (a swallowed exception would show up as a warning)
    assert not {"extraction_failed", "body_extraction_failed"} & set(article.warnings)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fragment, max_size=120))
def test_any_tag_soup_gives_an_article(fragments: list[str]) -> None:
    # Given broken markup assembled from tags, attributes and text / When extracted as text and as bytes
    html = "".join(fragments)
    as_text = extract_article(html)
    as_bytes = extract_article(html.encode("utf-8", "surrogatepass"), content_type="text/html; charset=utf-8")
    # Then both give Articles with well-formed text (no leftover <br> markers, no surrounding whitespace)
    for article in (as_text, as_bytes):
        assert isinstance(article, Article)
        assert not {"extraction_failed", "body_extraction_failed"} & set(article.warnings)
        assert "\x00" not in article.text
        assert article.text == article.text.strip()


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=2_000), st.sampled_from([None, "text/html", "text/html; charset=shift_jis",
                                                  "text/html; charset=bogus", "application/octet-stream"]))
def test_any_content_type_gives_an_article(text: str, content_type: str | None) -> None:
    # Given any text encoded as UTF-8 and any Content-Type / When extracted / Then an Article comes back
    article = extract_article(text.encode("utf-8", "surrogatepass"), content_type=content_type)
    assert isinstance(article, Article)


def test_empty_inputs() -> None:
    # Given empty, whitespace and None-like inputs / When extracted / Then empty Articles
    for value in (b"", "", b"   ", "\n\n", b"\xef\xbb\xbf"):
        article = extract_article(value)
        assert article.text == ""
        assert article.is_empty


def test_wrong_input_type_gives_an_empty_article() -> None:
    # Given something that is not a page at all / When extracted / Then an empty Article, no exception
    article = extract_article(12345)
    assert article.text == ""


def test_100000_nested_divs() -> None:
    # Given 100,000 nested divs with text at the bottom
    html = b"<html><body>" + b"<div>" * 100_000 + b"deep text " * 30 + b"</div>" * 100_000 + b"</body></html>"
    # When extracted / Then no RecursionError, an Article comes back
    article = extract_article(html)
    assert isinstance(article, Article)


def test_100000_unclosed_nested_elements_of_every_kind() -> None:
    # Given unclosed nesting of several element kinds (the parser and our walks must stay iterative)
    for tag in (b"<div>", b"<span>", b"<p>", b"<table><tr><td>", b"<ul><li>", b'<div class="ad">'):
        article = extract_article(b"<body>" + tag * 100_000 + b"text")
        assert isinstance(article, Article)


def test_50_mb_page() -> None:
    # Given a 50 MB page
    html = b"<html><body><article><p>" + b"lorem ipsum dolor sit amet, " * 1_800_000 + b"</p></article></body></html>"
    assert len(html) > 50_000_000
    # When extracted / Then only the capped prefix is read and an Article with text comes back
    article = extract_article(html)
    assert 0 < len(article.text) <= ExtractOptions().max_input_bytes


def test_hostile_unclosed_constructs() -> None:
    # Given markup that makes naive regexes quadratic (unclosed scripts, comments, quotes, tags)
    for html in (b"<script>" * 200_000, b"<!--" * 200_000, b'<div class="' * 200_000, b"<" * 2_000_000,
                 b"<title>" * 100_000, b'<script type="application/ld+json">' * 100_000):
        article = extract_article(html)
        # Then each finishes with an empty Article
        assert article.text == ""


def test_tag_cap_bounds_the_parser_input() -> None:
    # Given markup with more tags than the cap / When pre-cleaned / Then at most max_tags tags remain
    cleaned = preclean("<b>x</b>" * 50_000, 1_000)
    assert cleaned.count("<") <= 1_000


def test_binary_garbage_with_html_markers() -> None:
    # Given binary data with a few HTML markers inside
    data = bytes(range(256)) * 1000 + b"<html><body><p>" + bytes(range(128, 256)) * 100
    # When extracted / Then an Article, never an exception
    assert isinstance(extract_article(data), Article)


def test_control_characters_and_lone_surrogates() -> None:
    # Given text input with lone surrogates (lxml refuses them), NUL bytes and C0 control characters
    sentence = "The council voted on Monday to build a new tram line linking the station with the campus."
    pages = (
        "\ud800<p>" + sentence + "\ud83d</p>",
        "<p>\x00" + sentence + "\x00</p>",
        "<p>\x01\x0b" + sentence + "\x1f</p>",
    )
    for html in pages:
        # When extracted
        article = extract_article(html)
        # Then the sentence comes back clean
        assert article.text == sentence


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, categories=("Cc", "Cs", "Co", "Zs", "Ll")), max_size=500))
def test_any_code_points_give_an_article(text: str) -> None:
    # Given any code points, surrogates and controls included / When extracted / Then an Article, never a failure
    article = extract_article("<html><body><p>" + text + "</p></body></html>")
    assert "extraction_failed" not in article.warnings


def test_binary_bodies_are_no_article() -> None:
    # Given bodies that are not text at all: random bytes, gzip, PNG, PDF
    import gzip
    import random

    noise = random.Random(7).randbytes(200_000)
    bodies = [noise, gzip.compress(b"<p>hello</p>" * 1000), b"\x89PNG\r\n\x1a\n" + noise[:5000],
              b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + noise[:5000]]
    for body in bodies:
        # When extracted
        article = extract_article(body, content_type="text/html")
        # Then an empty Article says why
        assert article.text == ""
        assert "binary_input" in article.warnings


def test_utf16_text_is_not_taken_for_binary() -> None:
    # Given UTF-16 pages (full of NUL bytes): one with a BOM, one declared only by the HTTP header
    sentence = "The council voted on Monday to build a new tram line linking the station with the campus."
    with_bom = f"<p>{sentence}</p>".encode("utf-16")
    declared = f"<p>{sentence}</p>".encode("utf-16-le")
    # When extracted / Then the text comes through
    assert extract_article(with_bom).text == sentence
    assert extract_article(declared, content_type="text/html; charset=UTF-16LE").text == sentence


def test_article_after_megabytes_of_inline_script() -> None:
    # Given a page whose head carries 6 MB of inline script (framework state) before the article
    paragraph = "<p>The council voted on Monday to build a new tram line linking the station with the port.</p>"
    script = '<script>window.__STATE__ = "' + "x" * 6_000_000 + '";</script>'
    html = f"<html><head>{script}</head><body><article>{paragraph * 5}</article></body></html>".encode()
    # When extracted / Then the article is still found: the parse cap applies after the scripts are stripped
    assert extract_article(html).text.count("new tram line") == 5
