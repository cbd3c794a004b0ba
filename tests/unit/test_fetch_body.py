"""Decoding within caps, content-type parsing and sniffing."""

from __future__ import annotations

import gzip
import zlib

import pytest

from newsingest.fetch.body import decode, gunzip_file
from newsingest.fetch.sniff import clean_header_value, parse_content_type, sniff
from newsingest.outcomes import PermanentFailure

TEXT = b"<html><body>" + b"news " * 1000 + b"</body></html>"


@pytest.mark.parametrize(
    ("codings", "encoded"),
    [
        ([], TEXT),
        (["gzip"], gzip.compress(TEXT, mtime=0)),
        (["x-gzip"], gzip.compress(TEXT, mtime=0)),
        (["deflate"], zlib.compress(TEXT)),
        (["deflate"], zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send it
        (["gzip", "gzip"], gzip.compress(gzip.compress(TEXT, mtime=0), mtime=0)),
    ],
    ids=["identity", "gzip", "x-gzip", "zlib-deflate", "raw-deflate", "gzip-twice"],
)
def test_decodes_supported_codings(codings: list[str], encoded: bytes) -> None:
    assert decode(encoded, codings, cap=1 << 20, where="u") == TEXT


def test_multi_member_gzip() -> None:
    assert decode(gzip.compress(b"a") + gzip.compress(b"b"), ["gzip"], cap=10, where="u") == b"ab"


class _CountingZlib:
    """Stands in for the ``zlib`` module in ``newsingest.fetch.body``: counts the compressed bytes handed to zlib."""

    def __init__(self) -> None:
        self.fed = 0
        self.error = zlib.error
        self.MAX_WBITS = zlib.MAX_WBITS

    def decompressobj(self, wbits: int):
        counter = self
        inner = zlib.decompressobj(wbits)

        class Counted:
            def decompress(self, data, max_length=0):
                counter.fed += len(data)
                return inner.decompress(data, max_length)

            def __getattr__(self, name):
                return getattr(inner, name)

        return Counted()


EMPTY_MEMBER = gzip.compress(b"", mtime=0)


@pytest.mark.parametrize("members", [2_000, 8_000])
def test_a_gzip_member_flood_decodes_in_linear_work(members: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given thousands of empty gzip members back to back, and zlib instrumented
    import newsingest.fetch.body as body

    counting = _CountingZlib()
    monkeypatch.setattr(body, "zlib", counting)
    flood = EMPTY_MEMBER * members + gzip.compress(b"end", mtime=0)
    # When it is decoded
    assert decode(flood, ["gzip"], cap=1 << 20, where="u") == b"end"
    # Then zlib saw each input byte a bounded number of times, not the rest of the body once per member
    assert counting.fed <= 8 * len(flood)


def test_more_gzip_members_than_the_cap_is_a_bomb() -> None:
    from newsingest.fetch import limits

    flood = gzip.compress(EMPTY_MEMBER * (limits.MAX_GZIP_MEMBERS + 1), mtime=0)  # gzipped: a few KB on the wire
    with pytest.raises(PermanentFailure) as caught:
        decode(flood, ["gzip", "gzip"], cap=10 << 20, where="u")
    assert caught.value.reason == "decompression_bomb"


def test_decompression_stops_at_the_deadline() -> None:
    # Given a clock that runs out after a few checks (injected: no wall-clock involved)
    from newsingest.fetch import limits
    from newsingest.outcomes import TransientFailure

    checks = iter([5.0, 5.0, 0.0])
    flood = EMPTY_MEMBER * (limits.MAX_GZIP_MEMBERS - 1)
    # When a long member flood is decoded
    with pytest.raises(TransientFailure) as caught:
        decode(flood, ["gzip"], cap=1 << 20, where="u", remaining=lambda: next(checks, 0.0))
    # Then decoding stops at the deadline instead of running past it
    assert caught.value.reason == "timeout"


def test_trailing_nul_padding_after_the_last_member() -> None:
    assert decode(gzip.compress(b"a") + b"\0" * 100, ["gzip"], cap=10, where="u") == b"a"
    assert decode(gzip.compress(b"a" * 100_000) + gzip.compress(b"b") + b"\0", ["gzip"], cap=1 << 20,
                  where="u") == b"a" * 100_000 + b"b"


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_bomb_is_stopped_at_the_cap(coding: str) -> None:
    raw = b"\0" * (20 << 20)
    encoded = gzip.compress(raw) if coding == "gzip" else zlib.compress(raw)
    with pytest.raises(PermanentFailure) as caught:
        decode(encoded, [coding], cap=1 << 20, where="u")
    assert caught.value.reason == "decompression_bomb"


def test_exactly_the_cap_is_fine() -> None:
    assert len(decode(gzip.compress(b"x" * 1000), ["gzip"], cap=1000, where="u")) == 1000


@pytest.mark.parametrize(
    ("codings", "data"), [(["compress"], b"x"), (["gzip"], b"not gzip at all")], ids=["unknown", "corrupt"]
)
def test_unsupported_or_corrupt_encoding(codings: list[str], data: bytes) -> None:
    with pytest.raises(PermanentFailure) as caught:
        decode(data, codings, cap=100, where="u")
    assert caught.value.reason == "unsupported_encoding"


def test_gzip_file_bomb() -> None:
    with pytest.raises(PermanentFailure) as caught:
        gunzip_file(gzip.compress(b"\0" * 100_000), cap=1000, where="u")
    assert caught.value.reason == "decompression_bomb"


@pytest.mark.parametrize(
    ("header", "media", "charset"),
    [
        ("text/html; charset=UTF-8", "text/html", "utf-8"),
        ('Text/HTML;Charset="iso-8859-1"', "text/html", "iso-8859-1"),
        ("application/xhtml+xml", "application/xhtml+xml", None),
        ("text/html; charset=klingon", "text/html", None),
        ("text/html; charset=", "text/html", None),
        ("garbage", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_parse_content_type(header: str | None, media: str | None, charset: str | None) -> None:
    assert parse_content_type(header) == (media, charset)


@pytest.mark.parametrize(
    ("body", "media"),
    [
        (b"<!DOCTYPE html><html>", "text/html"),
        (b"\xef\xbb\xbf  <html lang=en>", "text/html"),
        (b"\n<HEAD>", "text/html"),
        (b"<!-- c --><div>", "text/html"),
        (b"<?xml version='1.0'?><rss>", "application/xml"),
        (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", "application/xhtml+xml"),
        (b"<urlset>", "application/xml"),
        (b"\x1f\x8b\x08\x00", "application/gzip"),
        (b"%PDF-1.7\n\x00\x01", "application/octet-stream"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "application/octet-stream"),
        (b"just words", "text/plain"),
        (b"<htmlx>", "text/plain"),
    ],
)
def test_sniff(body: bytes, media: str) -> None:
    assert sniff(body) == media


@pytest.mark.parametrize(
    ("header", "cleaned"),
    [
        ("text/html; charset=UTF-8", "text/html; charset=UTF-8"),
        ("text/html; charset=\u00e9\x00", "text/html; charset="),
        ("  ", None),
        (None, None),
        ("text/html; x=" + "a" * 500, ("text/html; x=" + "a" * 500)[:200]),
    ],
)
def test_content_type_is_kept_but_made_safe_to_store(header: str | None, cleaned: str | None) -> None:
    assert clean_header_value(header) == cleaned
