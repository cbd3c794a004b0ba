"""Output formats shared by the CLI and the demo: aligned tables for people, JSON lines and CSV for pipes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

MAX_CELL = 60


MIN_CELL = 8  # a column is never squeezed below this to fit the terminal


def render_table(rows: Sequence[Sequence[object]], headers: Sequence[str], *, max_cell: int = MAX_CELL,
                 width: int | None = None) -> str:
    """An aligned plain-text table; long cells are shortened with an ellipsis, absent values shown as ``-``.

    ``width``: the columns available (the terminal's, see ``terminal_width``); the widest columns are shortened
    until a row fits, so a table never wraps. None: no limit (pipes and files get every cell up to ``max_cell``).
    """
    cells = [[_cell(value, max_cell) for value in row] for row in rows]
    widths = [max([len(header)] + [_width(row[i]) for row in cells]) for i, header in enumerate(headers)]
    if width is not None:
        widths = _fit(widths, width - 2 * (len(widths) - 1))
        cells = [[_shorten(value, widths[i]) for i, value in enumerate(row)] for row in cells]
    lines = ["  ".join(_pad(_shorten(header.upper(), widths[i]), widths[i])
                       for i, header in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    for row in cells:
        lines.append("  ".join(_pad(value, widths[i]) for i, value in enumerate(row)).rstrip())
    if not cells:
        lines.append("(none)")
    return "\n".join(lines)


def terminal_width(stream: TextIO) -> int | None:
    """The terminal's columns when ``stream`` is one (``COLUMNS`` wins there, as with other tools), else None:
    pipes and files get whole cells."""
    import shutil

    try:
        is_terminal = stream.isatty()
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns if is_terminal else None


def _fit(widths: list[int], available: int) -> list[int]:
    widths = list(widths)
    while sum(widths) > available:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_CELL:
            break
        widths[widest] -= 1
    return widths


def _shorten(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    while text and _width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _cell(value: object, max_cell: int) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(part) for part in value)
    text = " ".join(str(value).split())
    return text if len(text) <= max_cell else text[: max_cell - 1] + "…"


def _width(text: str) -> int:
    # East Asian wide characters take two terminal columns.
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_json_lines(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """One JSON object a line (UTF-8, not ASCII-escaped); returns how many were written."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=False, default=str) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> int:
    """CSV with a header row of ``fields``; lists joined with ``"; "``, absent values empty. Returns the row count."""
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow({name: _csv_value(record.get(name)) for name in fields})
        count += 1
    return count


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(part) for part in value)
    return value


def render_pairs(pairs: Sequence[tuple[str, object]]) -> str:
    """``name  value`` lines, names aligned (one record for people); absent values left out."""
    present = [(name, value) for name, value in pairs if value not in (None, "", (), [])]
    width = max((len(name) for name, _ in present), default=0)
    lines = []
    for name, value in present:
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(part) for part in value)
        lines.append(f"{name.ljust(width)}  {value}")
    return "\n".join(lines)
