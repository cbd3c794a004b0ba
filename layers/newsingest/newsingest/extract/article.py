"""The one model of an extracted article (pure data, no AWS)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Image:
    """An image that belongs to the article (the lead image first)."""

    url: str
    caption: str | None = None
    credit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in (None, "")}


@dataclass(frozen=True)
class Article:
    """What ``extract_article`` returns.

    ``text`` is the cleaned body: paragraphs separated by one blank line, empty when the page holds no article.
    Dates are ISO 8601 strings. When the page gives a UTC offset it is kept (``2019-11-22T11:09:00+09:00``);
    when it gives none, the value is a *naive* ISO string (``2019-11-22T11:09:00``) and no offset is invented.
    Absent values are ``None`` (or empty tuples), never empty strings.
    """

    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: str | None = None
    modified_at: str | None = None
    # Where published_at came from: jsonld | meta | time | date_line | modified | url (None when there is no date).
    date_source: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None
    language: str | None = None
    image_url: str | None = None
    images: tuple[Image, ...] = ()
    canonical_url: str | None = None
    site_name: str | None = None
    source: str | None = None
    word_count: int = 0
    paywalled: bool | None = None
    extractor_version: str = ""
    charset: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        """True when no article body was found (the pipeline records ``no_article``)."""
        return not self.text.strip()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with absent values left out."""
        result: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if key == "images":
                value = [image.to_dict() for image in self.images]
            elif isinstance(value, tuple):
                value = list(value)
            if value is None or value == "" or value == [] or (key == "warnings"):
                continue
            result[key] = value
        return result
