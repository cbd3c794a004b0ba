"""The one options object passed down through extraction (trafilatura style)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractOptions:
    """Tunables of one extraction. Defaults are the production values."""

    # Bytes of HTML parsed at most: a hostile 50 MB page must not take the function's whole timeout.
    max_input_bytes: int = 4_000_000
