"""Date parsing: offsets kept, never invented; junk and relative dates give None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.extract.dates import date_from_url, find_date_lines, is_before, parse_date_to_iso, refine


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-11-22T11:09:00+09:00", "2019-11-22T11:09:00+09:00"),
        ("2019-11-22T02:09:00.123Z", "2019-11-22T02:09:00+00:00"),
        ("2024-01-05T10:00:00-0500", "2024-01-05T10:00:00-05:00"),
        ("2019-11-22 11:09", "2019-11-22T11:09:00"),
        ("2019.11.22 11:09", "2019-11-22T11:09:00"),
        ("2019/11/22", "2019-11-22"),
        ("20191122", "2019-11-22"),
        ("Fri, 22 Nov 2019 11:09:00 +0900", "2019-11-22T11:09:00+09:00"),
        ("Fri, 22 Nov 2019 11:09:00 GMT", "2019-11-22T11:09:00+00:00"),
        ("3:04 PM EST, Mon March 4, 2024", "2024-03-04T15:04:00-05:00"),
        ("Nov. 22, 2019 11:09 a.m. ET", "2019-11-22T11:09:00-05:00"),
        ("July 4, 2024 10:00 ET", "2024-07-04T10:00:00-04:00"),  # US daylight time resolved from the date
        ("22 November 2019", "2019-11-22"),
        ("Thursday, 21 November 2019, 22:05 GMT+1", "2019-11-21T22:05:00+01:00"),
        ("2019-11-22 11:09 KST", "2019-11-22T11:09:00+09:00"),
        ("2019년 11월 22일 오후 3:04", "2019-11-22T15:04:00"),
        ("2019年11月22日 11時09分", "2019-11-22T11:09:00"),
        ("22/11/2019 10:00", "2019-11-22T10:00:00"),
        ("11/22/2019", "2019-11-22"),
        ("04.03.2024 10:00", "2024-03-04T10:00:00"),  # dotted numeric dates are day-first
        ("publiziert am 25. September 2018", "2018-09-25"),
        ("Publié le 22 novembre 2019 à 11h09", "2019-11-22T11:09:00"),
        ("1574388540", "2019-11-22T02:09:00+00:00"),  # epoch seconds are absolute: UTC is true, not invented
    ],
)
def test_parse_date_formats(raw: str, expected: str) -> None:
    # Given a date as pages write it / When parsed / Then the ISO form keeps exactly the offset the page gave
    assert parse_date_to_iso(raw) == expected


@pytest.mark.parametrize("raw", ["", "2 hours ago", "yesterday", "Copyright 1987", "© 2024", "2019-02-30",
                                 "1899-01-01", "not a date", None, "   ", "99/99/2019"])
def test_parse_date_rejects_junk(raw: str | None) -> None:
    # Given something that is not one calendar date / When parsed / Then None (never the crawl time)
    assert parse_date_to_iso(raw) is None


def test_naive_time_stays_naive() -> None:
    # Given a visible date line without any zone / When parsed / Then no offset is invented
    assert parse_date_to_iso("Posted : 2019-11-22 11:09") == "2019-11-22T11:09:00"


def test_date_lines_are_classified_by_their_label() -> None:
    # Given a header where "Updated" comes before "Posted"
    text = "Updated : 2019-11-23 09:00 | Posted : 2019-11-22 11:09"
    # When / Then: the label decides, not the order
    assert list(find_date_lines(text)) == [("modified", "2019-11-23T09:00:00"), ("published", "2019-11-22T11:09:00")]


def test_date_lines_in_other_languages() -> None:
    assert list(find_date_lines("Aktualisiert am 26.09.2018 10:00")) == [("modified", "2018-09-26T10:00:00")]
    assert list(find_date_lines("更新时间：2019-11-22 11:09")) == [("modified", "2019-11-22T11:09:00")]
    assert list(find_date_lines("Date of registration : 2020.02.05")) == []  # "Date" counts only as "Date:"


def test_korean_date_lines() -> None:
    assert list(find_date_lines("입력 2019.11.22 11:09\n수정 2019.11.22 14:30")) == [
        ("published", "2019-11-22T11:09:00"),
        ("modified", "2019-11-22T14:30:00"),
    ]


def test_url_dates_are_dates_only() -> None:
    assert date_from_url("https://x.example/2019/11/22/story") == "2019-11-22"
    assert date_from_url("https://x.example/news/2019-11-22-story") == "2019-11-22"
    assert date_from_url("https://x.example/news/120_279161.html") is None
    assert date_from_url(None) is None


def test_is_before_compares_instants_and_wall_clocks() -> None:
    assert is_before("2019-11-22T11:09:00+09:00", "2019-11-22T03:00:00+00:00")  # 02:09Z < 03:00Z
    assert not is_before("2019-11-22T11:09:00", "2019-11-22T11:09:00")
    assert is_before("2019-11-21", "2019-11-22T00:00:00")


def test_refine_adds_precision_from_an_agreeing_lower_source() -> None:
    # Given a date-only top source and a same-day source with a time / Then the time is taken
    assert refine("2019-11-22", ["2018-01-01T10:00:00", "2019-11-22T11:09:00"]) == "2019-11-22T11:09:00"
    # Given a naive top source and the same wall clock with an offset / Then the offset is taken
    assert refine("2019-11-22T11:09:00", ["2019-11-22T11:09:00+09:00"]) == "2019-11-22T11:09:00+09:00"
    # Given a different day / Then the top source still decides
    assert refine("2019-11-22", ["2019-11-23T11:09:00"]) == "2019-11-22"


@given(st.one_of(st.text(max_size=300), st.integers(), st.floats(allow_nan=True), st.none(), st.binary()))
def test_parse_date_never_raises(value: object) -> None:
    result = parse_date_to_iso(value)
    assert result is None or isinstance(result, str)
