"""Bylines become person names; organizations, agencies and job titles do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.extract.authors import agency_of, clean_authors, parse_authors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("By JANE DOE, Staff Reporter (jane.doe@example.com)", ("Jane Doe",)),
        ("Jane Doe, John Roe & Kim Min-ji", ("Jane Doe", "John Roe", "Kim Min-ji")),
        ("Jane Doe, Seoul Correspondent", ("Jane Doe",)),
        ("By Jane Doe | Updated 3:04 PM EST, Mon March 4, 2024", ("Jane Doe",)),
        ("By Jane Doe, CNN", ("Jane Doe",)),
        ("Written by Pierre VAN DER BERG", ("Pierre VAN DER BERG",)),
        ("PIERRE VAN DER BERG", ("Pierre van der Berg",)),
        ("Kang Seung-woo 기자", ("Kang Seung-woo",)),
        ("홍길동 기자", ("홍길동",)),
        ("Jane E Doe", ("Jane E Doe",)),  # an initial is not "and"
        ("Staff Reporter", ()),
        ("admin", ()),
        ("https://www.facebook.com/somepage", ()),
        ("The Korea Times", ()),
        ("By Jane Doe and By Jane Doe", ("Jane Doe",)),
    ],
)
def test_clean_authors(raw: str, expected: tuple[str, ...]) -> None:
    # Given a byline as printed / When cleaned / Then only person names remain
    assert clean_authors([raw]) == expected


def test_duplicates_across_sources_are_dropped_case_insensitively() -> None:
    assert clean_authors(["Jane Doe", "JANE DOE", "jane doe"]) == ("Jane Doe",)


@pytest.mark.parametrize(("raw", "agency"), [("By Reuters", "Reuters"), ("The Associated Press", "AP"),
                                              ("Yonhap", "Yonhap"), ("By AFP", "AFP")])
def test_agency_bylines_are_a_source_not_an_author(raw: str, agency: str) -> None:
    byline = parse_authors([raw])
    assert byline.names == ()
    assert byline.agency == agency


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By ZEKE MILLER Associated Press", (("Zeke Miller",), "AP")),
        ("Jane Doe USA TODAY", (("Jane Doe",), None)),
        ("Mary Smith and John Roe AP", (("Mary Smith", "John Roe"), "AP")),
    ],
)
def test_outlet_glued_to_the_name_is_cut(raw: str, expected: tuple[tuple[str, ...], str | None]) -> None:
    assert parse_authors([raw]) == expected


def test_mixed_byline_keeps_person_and_reports_agency() -> None:
    assert parse_authors(["By Jane Doe and The Associated Press"]) == (("Jane Doe",), "AP")


def test_agency_of_is_exact() -> None:
    assert agency_of("Yonhap News Agency") == "Yonhap"
    assert agency_of("Mark Esper") is None


@given(st.lists(st.text(max_size=400), max_size=5))
def test_never_raises(values: list[str]) -> None:
    assert isinstance(clean_authors(values), tuple)


# ------------------------------------------------------------------------------------------- brands and places
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # next to a full name, a one-word piece is an affiliation (the outlet, a place), not a co-author
        (["Victor Tangermann, Futurism"], ("Victor Tangermann",)),
        (["By Jane Doe, Calif."], ("Jane Doe",)),
        (["Jane Doe and Jonas"], ("Jane Doe",)),
        # "Name. Outlet"
        (["Finian Cunningham. Sputnik International"], ("Finian Cunningham",)),
        (["Sarah E. Needleman"], ("Sarah E. Needleman",)),  # an initial's period ends nothing
        # a US state (abbreviated or not) alone is a dateline's place
        (["Calif"], ()),
        (["Ariz."], ()),
        (["Texas"], ()),
        # an all-caps token alone is a call sign, handle or brand; a trailing lone capital is a brand
        (["KWCHCIK"], ()),
        (["Science X"], ()),
        (["Science X staff"], ()),
        (["Metro desk"], ()),
        # a line of story text is not a byline
        (["by the Orange County, Calif., sheriff's office in calculating the size of a bust in October 2019."], ()),
        # still persons
        (["Regan"], ("Regan",)),  # a one-name blogger, alone
        (["JANE DOE"], ("Jane Doe",)),
        (["Jane E Doe"], ("Jane E Doe",)),
    ],
)
def test_one_word_brands_places_and_desks_are_not_authors(raw: list[str], expected: tuple[str, ...]) -> None:
    # Given a byline value / When parsed / Then only person names remain
    assert clean_authors(raw) == expected


def test_a_one_word_author_that_is_the_site_name_is_the_outlet() -> None:
    # Given a page whose only author meta is one word of its site name
    import bs4

    from newsingest.extract.metadata import extract_metadata
    from newsingest.extract.options import ExtractOptions

    html = ('<html><head><meta property="og:site_name" content="The Beachbody Blog">'
            '<meta name="author" content="Beachbody"></head><body><article><h1>Meal prep</h1>'
            '<p class="byline">By Ilana Muhlstein</p></article></body></html>')
    # When its metadata is read
    meta = extract_metadata(bs4.BeautifulSoup(html, "lxml"), "https://blog.example/meal-prep", ExtractOptions())
    # Then the outlet is skipped and the next source's person is the author
    assert meta.authors == ("Ilana Muhlstein",)
