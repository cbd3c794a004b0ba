"""The DynamoDB item: one per URL, keyed by ``article_id``. Users query these names: keep them stable.

``ArticleItem`` is the one model of a record; ``to_attributes``/``from_attributes`` map it explicitly to and from
DynamoDB's typed JSON. Absent values are omitted, never stored as empty strings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


@dataclass(frozen=True)
class ArticleItem:
    article_id: str
    status: str  # ok | failed  ("unchanged" is an outcome; the stored status stays "ok")
    fetched_at: str = ""  # ISO 8601 UTC of the attempt that wrote this version (by-status sort key)
    # Microseconds since the epoch at which the latest observation's response arrived (the ordering rule): newer
    # always wins. 0 only in items read back from an index projection that leaves it out.
    version: int = 0
    url: str | None = None
    domain: str | None = None
    canonical_url: str | None = None
    final_url: str | None = None
    reason: str | None = None
    detail: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: str | None = None  # by-domain sort key; see date_source
    # Where published_at came from: jsonld | meta | time | date_line | modified | url | script (the page's own
    # date: see extract/published.py), "page" (records written before date_source was detailed) or "first_seen"
    # (the page gave no date: the first fetch time stands in).
    date_source: str | None = None
    modified_at: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    language: str | None = None
    description: str | None = None
    image_url: str | None = None
    site_name: str | None = None
    paywalled: bool | None = None
    word_count: int | None = None
    content_sha256: str | None = None
    text_key: str | None = None
    raw_key: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    first_seen_at: str | None = None
    last_checked_at: str | None = None
    extractor_version: str | None = None
    # Article.warnings: which fallback produced the text (body_from_jsonld, …) or which cap cut the page
    # (page_cut_at_max_parse_chars, …): lets a user find the records whose text may be incomplete.
    extraction_warnings: tuple[str, ...] = ()
    raw_body: str | None = None  # malformed messages only: up to 1 KB of the body as received
    message_id: str | None = None
    # "new" | "changed" while this version's ArticleStored event is not yet published (events on only): written with
    # the version, removed once EventBridge accepted the event, so a publish that fails after the write is retried
    # by the message's redelivery instead of lost (storage/events.py).
    pending_event: str | None = None

    def to_attributes(self) -> dict[str, dict[str, Any]]:
        """DynamoDB typed attributes, dropping absent values."""
        plain = {key: value for key, value in asdict(self).items() if _present(value)}
        for key in ("authors", "tags", "extraction_warnings"):
            if key in plain:
                plain[key] = list(plain[key])
        return {key: _SERIALIZER.serialize(value) for key, value in plain.items()}

    @classmethod
    def from_attributes(cls, attributes: dict[str, dict[str, Any]]) -> ArticleItem:
        plain = {key: _DESERIALIZER.deserialize(value) for key, value in attributes.items()}
        known = {field.name for field in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in plain.items():
            if key not in known:
                continue  # attributes added by newer code or by hand are tolerated, not lost on read
            if key in ("authors", "tags", "extraction_warnings"):
                value = tuple(value)
            elif key in ("version", "word_count", "http_status"):
                value = int(value)
            values[key] = value
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for ``newsingest query --json``)."""
        plain = {key: value for key, value in asdict(self).items() if _present(value)}
        return {key: list(value) if isinstance(value, tuple) else value for key, value in plain.items()}

    def with_changes(self, **changes: Any) -> ArticleItem:
        return replace(self, **changes)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != () and value != []
