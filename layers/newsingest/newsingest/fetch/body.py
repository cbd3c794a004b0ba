"""Read a response body within the byte caps and the deadline, and undo its Content-Encoding within a cap."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from urllib3 import BaseHTTPResponse

from newsingest.fetch import limits
from newsingest.outcomes import PermanentFailure, TransientFailure

try:  # brotli is optional; only advertised when present *and* able to cap its output (brotli >= 1.2).
    import brotli as _brotli  # type: ignore[import-not-found]  # optional, not installed for the type check

    BROTLI_CAPPABLE = hasattr(_brotli.Decompressor, "can_accept_more_data")
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None
    BROTLI_CAPPABLE = False

#: What we send as Accept-Encoding: only encodings whose output we can cap while decoding.
ACCEPT_ENCODING = "gzip, deflate, br" if BROTLI_CAPPABLE else "gzip, deflate"


def declared_length(response: BaseHTTPResponse) -> int | None:
    """The Content-Length header as an int, or ``None`` when absent or malformed."""
    value = response.headers.get("Content-Length")
    if value is None:
        return None
    value = value.split(",")[0].strip()  # duplicated identical headers get joined by urllib3
    return int(value) if value.isdigit() else None


def read_capped(
    response: BaseHTTPResponse,
    *,
    max_bytes: int,
    remaining: Callable[[], float],
    where: str,
    truncate: bool = False,
) -> tuple[bytes, bool]:
    """Read the raw (still encoded) body, refusing more than ``max_bytes`` or reading past the deadline.

    Returns the bytes and whether the body was read to its end (only then may the connection be reused).
    With ``truncate`` (robots.txt) the first ``max_bytes`` are returned instead of failing. The socket itself
    also enforces the deadline on every ``recv`` (see ``transport``), so a slow drip inside one chunk is cut too.
    """
    length = declared_length(response)
    if length is not None and length > max_bytes and not truncate:
        # Refuse before reading a single body byte.
        raise PermanentFailure("too_large", f"{where}: Content-Length {length} exceeds {max_bytes} bytes")
    chunks: list[bytes] = []
    total = 0
    while True:
        if remaining() <= 0:
            raise TransientFailure("timeout", f"{where}: total deadline reached after {total} body bytes")
        chunk = response.read(min(limits.READ_CHUNK_BYTES, max_bytes + 1 - total), decode_content=False)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            if truncate:
                return b"".join(chunks)[:max_bytes], False
            raise PermanentFailure("too_large", f"{where}: body exceeds {max_bytes} bytes")


def content_encodings(response: BaseHTTPResponse) -> list[str]:
    """The Content-Encoding codings in the order they were applied (``identity`` dropped)."""
    value = response.headers.get("Content-Encoding", "")
    return [c.strip().lower() for c in value.split(",") if c.strip() and c.strip().lower() != "identity"]


def decode(data: bytes, codings: list[str], *, cap: int, where: str,
           remaining: Callable[[], float] | None = None) -> bytes:
    """Undo ``codings`` (last applied first) without ever holding more than ``cap`` decoded bytes.

    ``remaining`` (seconds left before the fetch's deadline) is checked while inflating: decoding costs CPU time
    linear in the input, and never more than the deadline allows.
    """
    for coding in reversed(codings):
        data = decode_one(data, coding, cap=cap, where=where, remaining=remaining)
    return data


def decode_one(data: bytes, coding: str, *, cap: int, where: str,
               remaining: Callable[[], float] | None = None) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return _inflate(data, zlib.MAX_WBITS | 16, cap=cap, where=where, members=True, remaining=remaining)
    if coding == "deflate":
        # "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate: try both, as browsers do.
        try:
            return _inflate(data, zlib.MAX_WBITS, cap=cap, where=where, members=False, remaining=remaining)
        except PermanentFailure as exc:
            if exc.reason != "unsupported_encoding":
                raise
            return _inflate(data, -zlib.MAX_WBITS, cap=cap, where=where, members=False, remaining=remaining)
    if coding == "br" and BROTLI_CAPPABLE:
        return _unbrotli(data, cap=cap, where=where)
    raise PermanentFailure("unsupported_encoding", f"{where}: Content-Encoding {coding!r} is not supported")


def _inflate(data: bytes, wbits: int, *, cap: int, where: str, members: bool,
             remaining: Callable[[], float] | None = None) -> bytes:
    """zlib/gzip/raw-deflate decoding, asking zlib for at most cap+1 bytes at a time (the bomb check).

    Linear in the input however it is cut into gzip members: zlib is fed windows of a memoryview, starting small
    at each member and doubling up to ``limits.INFLATE_WINDOW_BYTES``, so what it copies back at a member's end
    (``unused_data``) is bounded by twice that member's size, not by the rest of the body; the "only NUL padding
    left" test is one position compare. (Feeding the whole rest to a new decompressor per member was quadratic: a
    flood of empty members, 25 KB on the wire, kept one fetch busy for minutes.) The deadline is checked between
    windows and members, and more than ``limits.MAX_GZIP_MEMBERS`` members is a bomb of its own (CPU, not memory:
    each member costs a new decompressor).
    """
    out = bytearray()
    view = memoryview(data)
    # gzip allows several members back to back; trailing NUL padding is common and harmless.
    end = len(data.rstrip(b"\0")) if members else len(data)
    position = 0
    decompressor: Any = zlib.decompressobj(wbits)
    window = limits.INFLATE_FIRST_WINDOW_BYTES
    steps = 0
    member_count = 1
    try:
        while True:
            steps += 1
            if remaining is not None and steps % limits.INFLATE_DEADLINE_CHECK_STEPS == 0 and remaining() <= 0:
                raise TransientFailure("timeout", f"{where}: total deadline reached while decompressing")
            chunk = view[position:position + window]
            out += decompressor.decompress(chunk, cap - len(out) + 1)
            if len(out) > cap:
                raise PermanentFailure("decompression_bomb", f"{where}: decodes to more than {cap} bytes")
            position += len(chunk) - len(decompressor.unconsumed_tail) - len(decompressor.unused_data)
            window = min(window * 2, limits.INFLATE_WINDOW_BYTES)
            if decompressor.eof:
                if members and position < end:
                    member_count += 1
                    if member_count > limits.MAX_GZIP_MEMBERS:
                        raise PermanentFailure("decompression_bomb",
                                               f"{where}: more than {limits.MAX_GZIP_MEMBERS} gzip members")
                    decompressor = zlib.decompressobj(wbits)
                    window = limits.INFLATE_FIRST_WINDOW_BYTES
                    continue
                return bytes(out)
            if position >= len(data) and not decompressor.unconsumed_tail:
                # Input ended without the end-of-stream marker: keep what decoded (browsers do the same; a
                # short body against Content-Length was already caught as "truncated").
                return bytes(out)
    except zlib.error as exc:
        raise PermanentFailure("unsupported_encoding", f"{where}: corrupt compressed body: {exc}") from exc


def _unbrotli(data: bytes, *, cap: int, where: str) -> bytes:
    out = bytearray()
    decompressor = _brotli.Decompressor()
    try:
        out += decompressor.process(data, output_buffer_limit=cap + 1)
        # brotli >= 1.2 buffers what it could not emit; can_accept_more_data() is False until that is drained.
        while len(out) <= cap and not decompressor.is_finished() and not decompressor.can_accept_more_data():
            out += decompressor.process(b"", output_buffer_limit=cap + 1 - len(out))
    except _brotli.error as exc:
        raise PermanentFailure("unsupported_encoding", f"{where}: corrupt brotli body: {exc}") from exc
    if len(out) > cap:
        raise PermanentFailure("decompression_bomb", f"{where}: decodes to more than {cap} bytes")
    return bytes(out)


def gunzip_file(data: bytes, *, cap: int, where: str, remaining: Callable[[], float] | None = None) -> bytes:
    """A ``.xml.gz`` sitemap (gzip as the media type, not as Content-Encoding), under the same cap."""
    return _inflate(data, zlib.MAX_WBITS | 16, cap=cap, where=where, members=True, remaining=remaining)
