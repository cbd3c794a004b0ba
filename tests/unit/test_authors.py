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
