"""The CLI's table renderer: alignment, wide characters, fitting the terminal."""

from __future__ import annotations

import io

import pytest

from newsingest_tools.cli.output import render_table, terminal_width

ROWS = [["2019-11-22T11:09:00+09:00", "ok", "Esper calls on South Korea, Japan to show leadership to resolve row",
         "https://www.koreatimes.co.kr/www/nation/2019/11/120_279123.html"],
        ["2021-03-04T09:30:00+09:00", "ok", "부산 앞바다서 길이 5ｍ 밍크고래 혼획", "https://example.kr/a"]]
HEADERS = ["published", "status", "title", "url"]


def _columns(line: str) -> int:
    return sum(2 if "\uac00" <= char <= "\ud7a3" or char == "ｍ" else 1 for char in line)


def test_without_a_width_cells_keep_their_full_text_up_to_the_cap() -> None:
    # Given rows with a whole ISO date (offset included) / When rendered for a pipe / Then nothing is cut
    table = render_table(ROWS, HEADERS)
    assert "2019-11-22T11:09:00+09:00" in table
    assert "https://www.koreatimes.co.kr/www/nation/2019/11/120_279123.html"[:59] + "…" in table  # max_cell 60


@pytest.mark.parametrize("width", [100, 120, 80])
def test_a_table_fits_the_terminal_by_shortening_its_widest_columns(width: int) -> None:
    # When rendered for a terminal of this width
    table = render_table(ROWS, HEADERS, width=width)
    # Then no line is wider than the terminal (wide Hangul counted as two columns); the widest columns (title,
    # URL) give way first, so the date stays whole while they are wider than it
    assert all(_columns(line) <= width for line in table.splitlines()), table
    assert "…" in table
    assert ("2019-11-22T11:09:00+09:00" in table) == (width >= 100)


def test_terminal_width_is_none_for_pipes_and_columns_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "132")
    assert terminal_width(io.StringIO()) is None  # a pipe or a file: whole cells, whatever COLUMNS says
    assert terminal_width(Terminal()) == 132
