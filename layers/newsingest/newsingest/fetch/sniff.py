"""Content-Type parsing and, when the header is missing, sniffing (a subset of the WHATWG MIME Sniffing rules)."""

from __future__ import annotations

import codecs

from newsingest.fetch import limits

# WHATWG "identifying a resource with an unknown MIME type": these tags, case-insensitively, followed by
# a space or ">" after optional leading whitespace, mean HTML.
_HTML_TAGS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table",
    b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<!--",
)  # fmt: skip
_XML_ROOTS = (b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf:rdf")
# Bytes that never occur in text (WHATWG "binary data byte").
_BINARY = frozenset(set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x1B)) | set(range(0x1C, 0x20)))
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)

HTML = "text/html"
XML = "application/xml"
XHTML = "application/xhtml+xml"
GZIP = "application/gzip"
TEXT = "text/plain"
BINARY = "application/octet-stream"


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset="UTF-8"``; charset ``None`` if absent or unknown."""
    if value is None or not value.strip():
        return None, None
    media, *params = value.split(";")
    media = media.strip().lower()
    if "/" not in media:
        return None, None  # "text" or garbage: treat as missing and sniff
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = _known_charset(raw.strip().strip("'\"").strip())
    return media, charset


def clean_header_value(value: str | None) -> str | None:
    """The header as sent, made safe to store (S3 metadata, DynamoDB): printable ASCII, bounded length."""
    if value is None:
        return None
    cleaned = "".join(c for c in value if " " <= c <= "~").strip()
    return cleaned[: limits.MAX_CONTENT_TYPE_CHARS] or None


def _known_charset(name: str) -> str | None:
    """Hand the extractor only a codec Python can decode with; an unknown label means "sniff it yourself"."""
    if not name:
        return None
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name.lower()


def sniff(body: bytes) -> str:
    """Guess the media type of a body served without Content-Type."""
    head = body[: limits.SNIFF_BYTES]
    if head.startswith(b"\x1f\x8b\x08"):
        return GZIP
    for bom in _BOMS:
        if head.startswith(bom):
            # UTF-16 text would need decoding first; a BOM alone says "text", look for markup after it.
            head = head[len(bom) :]
            if bom is not codecs.BOM_UTF8:
                return TEXT
            break
    stripped = head.lstrip(b" \t\n\r\x0c").lower()
    for tag in _HTML_TAGS:
        if stripped.startswith(tag) and stripped[len(tag) : len(tag) + 1] in (b" ", b">"):
            return HTML
    for root in _XML_ROOTS:
        if stripped.startswith(root):
            # An XHTML page starts with an XML declaration too.
            return XHTML if b"<html" in stripped else XML
    if any(byte in _BINARY for byte in head):
        return BINARY
    return TEXT
