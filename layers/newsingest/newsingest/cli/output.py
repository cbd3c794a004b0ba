"""Output formats shared by the CLI and the demo: aligned tables for people, JSON lines and CSV for pipes."""

from __future__ import annotations

from collections.abc import Sequence

MAX_CELL = 60


def render_table(rows: Sequence[Sequence[object]], headers: Sequence[str], *, max_cell: int = MAX_CELL) -> str:
    """An aligned plain-text table; long cells are shortened with an ellipsis, absent values shown as ``-``."""
    cells = [[_cell(value, max_cell) for value in row] for row in rows]
    widths = [max([len(header)] + [_width(row[i]) for row in cells]) for i, header in enumerate(headers)]
    lines = ["  ".join(header.upper().ljust(widths[i]) for i, header in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    for row in cells:
        lines.append("  ".join(_pad(value, widths[i]) for i, value in enumerate(row)).rstrip())
    if not cells:
        lines.append("(none)")
    return "\n".join(lines)


def _cell(value: object, max_cell: int) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(part) for part in value)
    text = " ".join(str(value).split())
    return text if len(text) <= max_cell else text[: max_cell - 1] + "…"


def _width(text: str) -> int:
    # East Asian wide characters take two terminal columns.
    import unicodedata  # noqa: PLC0415

    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
