"""Article.images through extract_article: one entry per picture, no furniture images, credits out of captions.

Each test: Given a page (or a caption), When it is extracted, Then the images are exactly the article's pictures.
"""

from __future__ import annotations

import pytest

from newsingest.extract import Image, extract_article
from newsingest.extract.metadata import declared_small, image_key, split_caption_credit, tidy_caption
from newsingest.extract.patterns import NON_CONTENT_IMAGE

PARAGRAPH = "<p>The harbour authority opened the new ferry terminal on Saturday after two years of works.</p>"


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body><article><h1>Ferry terminal opens</h1>{body}</article></body></html>"


# ------------------------------------------------------------------------------------------- one entry per picture
def test_same_picture_at_other_sizes_is_one_image() -> None:
    # Given an og:image and the same file in the body with a resize query, over http, with a fragment
    html = _page(
        '<meta property="og:image" content="https://img.example/news/terminal-1200.jpg">',
        f"{PARAGRAPH * 3}<figure><img src='http://img.example/news/terminal-1200.jpg?w=800#x'>"
        "<figcaption>The new terminal at dawn.</figcaption></figure>",
    )
    # When extracted
    article = extract_article(html, "https://news.example/ferry")
    # Then there is one image, the lead, with the body's caption
    assert article.images == (Image("https://img.example/news/terminal-1200.jpg", "The new terminal at dawn."),)


def test_image_services_whose_query_names_the_picture_keep_distinct_pictures() -> None:
    # Given two pictures served by one endpoint that names them in the query, plus a resized copy of the first
    first = "https://img.example/resources/r/?i=111&m=02&w=1200"
    # When compared / Then size parameters are ignored, the picture's own parameter is not
    assert image_key(first) == image_key("https://img.example/resources/r/?m=02&i=111&w=20")
    assert image_key(first) != image_key("https://img.example/resources/r/?i=222&m=02&w=1200")
    assert image_key("https://img.example/a.jpg?w=800") == image_key("https://img.example/a.jpg")


# ------------------------------------------------------------------------------------------- furniture images
@pytest.mark.parametrize(
    "img",
    [
        '<img src="https://t.example/pixel.gif?id=1">',
        '<img src="https://img.example/avatars/jane-doe.jpg">',
        '<img src="https://img.example/brand/logo-dark.png">',
        '<img src="https://img.example/ui/icons/share.png">',
        '<img src="https://img.example/people/jane.jpg?fit=crop&width=39&height=39">',
        '<img src="https://img.example/uploads/jane-150x150.jpg">',
        '<img src="https://img.example/people/jane.jpg" width="40" height="40">',
        '<img src="https://img.example/promo/strip.jpg" width="500" height="47">',
        '<img src="https://img.example/people/jane.jpg" class="author-image">',
        '<img src="https://img.example/brand/x.png" alt="Site logo">',
    ],
)
def test_pixels_avatars_logos_and_icons_are_not_article_images(img: str) -> None:
    # Given an article whose body holds one furniture image (by URL, declared size, class or label) and a photo
    photo = "https://img.example/news/terminal.jpg"
    html = _page("", f"{PARAGRAPH}<figure>{img}</figure>{PARAGRAPH * 2}<figure><img src='{photo}'></figure>")
    # When extracted
    article = extract_article(html, "https://news.example/ferry")
    # Then only the photo is an article image
    assert [image.url for image in article.images] == [photo]


@pytest.mark.parametrize(
    "img",
    [
        '<img src="https://img.example/news/google-pixel-4.jpg">',  # a word inside a file name
        '<img src="https://cdn.shortpixel.example/w_1500/https://img.example/news/bike.jpg">',  # a host name
        '<img src="https://img.thespacereview.example/archive/3834a.jpg">',
        '<img src="https://img.example/news/protest.jpg" width="268" height="180">',  # a small photo, not an icon
        '<img src="https://img.example/news/protest.jpg" class="progressive-image loading">',  # lazy-load state
        '<img src="https://img.example/news/wework.jpg" alt="The WeWork logo is displayed outside an office">',
    ],
)
def test_photos_that_only_look_like_furniture_are_kept(img: str) -> None:
    # Given an article photo whose URL, size or alt text contains a furniture word in a harmless way
    html = _page("", f"{PARAGRAPH}<figure>{img}</figure>{PARAGRAPH * 2}")
    # When extracted / Then it is an article image
    assert len(extract_article(html, "https://news.example/ferry").images) == 1


def test_non_content_image_rule_matches_whole_names_only() -> None:
    assert NON_CONTENT_IMAGE.search("https://t.example/pixel.gif")
    assert NON_CONTENT_IMAGE.search("https://img.example/i/spacer.gif")
    assert not NON_CONTENT_IMAGE.search("https://img.example/tracking-the-storm.jpg")
    assert not NON_CONTENT_IMAGE.search("https://img.example/transparent-solar-cells.jpg")
    assert declared_small("https://img.example/a.jpg?w=39&h=39")
    assert not declared_small("https://img.example/a.jpg?width=640&height=480")


# ------------------------------------------------------------------------------------------- credits out of captions
@pytest.mark.parametrize(
    ("caption", "expected_caption", "credit"),
    [
        ("Cars cross the Harbor Bridge on Monday. Mary Major", "Cars cross the Harbor Bridge on Monday.", "Mary Major"),
        ("Cars cross the bridge. Photo: Mary Major", "Cars cross the bridge.", "Mary Major"),
        ("Esper and Jeong in Seoul, Nov. 15, 2019. AP-Yonhap", "Esper and Jeong in Seoul, Nov. 15, 2019.", "AP-Yonhap"),
        ("Traders in New York, Nov. 18, 2019. REUTERS/Brendan McDermid", "Traders in New York, Nov. 18, 2019.",
         "REUTERS/Brendan McDermid"),
        ("Schiff at the Capitol. (Joshua Roberts/Reuters)", "Schiff at the Capitol.", "Joshua Roberts/Reuters"),
        ("China has warned Hong Kong (Image: GETTY )", "China has warned Hong Kong", "GETTY"),
        ("He didn't get it. Credit... Doug Mills/The Daily", "He didn't get it.", "Doug Mills/The Daily"),
        ("Image copyright Getty Images", None, "Getty Images"),
        # not credits: a title, an abbreviation, a parenthesis that is part of the caption
        ("Talks with U.S. Defense Secretary Mark Esper", "Talks with U.S. Defense Secretary Mark Esper", None),
        ("Lunch with Mrs. Jane Smith", "Lunch with Mrs. Jane Smith", None),
        ("Seoul City Hall on Friday, Nov. 22.", "Seoul City Hall on Friday, Nov. 22.", None),
        ("The delegates (left to right)", "The delegates (left to right)", None),
    ],
)
def test_trailing_credit_is_split_off_the_caption(caption: str, expected_caption: str | None,
                                                  credit: str | None) -> None:
    # Given a caption / When split / Then the credit is separate
    assert split_caption_credit(caption) == (expected_caption, credit)


def test_body_figure_caption_credit_goes_to_image_credit() -> None:
    # Given a body figure whose caption ends with the photographer's name
    html = _page("", f"{PARAGRAPH * 3}<figure><img src='https://img.example/news/bridge.jpg'>"
                     "<figcaption>Cars cross the Harbor Bridge on Monday. Mary Major</figcaption></figure>")
    # When extracted
    (image,) = extract_article(html, "https://news.example/ferry").images
    # Then the caption has no credit and the credit is the name
    assert (image.caption, image.credit) == ("Cars cross the Harbor Bridge on Monday.", "Mary Major")


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (Image("u", "Jason Cipriani/ZDNet", "Jason Cipriani/ZDNet"), Image("u", None, "Jason Cipriani/ZDNet")),
        (Image("u", "(Image: Jane Roe / Getty Images)", "(Image: Jane Roe / Getty Images)"),
         Image("u", None, "Jane Roe / Getty Images")),
        (Image("u", "Use of the drug is rising. Getty", "Getty"), Image("u", "Use of the drug is rising.", "Getty")),
        (Image("u", "Use of the drug is rising.", "Getty"), Image("u", "Use of the drug is rising.", "Getty")),
    ],
)
def test_a_credit_element_repeated_in_the_caption_is_removed_from_it(image: Image, expected: Image) -> None:
    # Given a caption read with its credit element inside it / When tidied / Then the credit appears once
    assert tidy_caption(image) == expected
