"""URL normalization and the identifiers derived from it (pure, no I/O).

The article id is the hex SHA-256 of the normalized URL, so the same article reached through
``HTTP://Example.com:80/a?utm_source=x&b=2&a=1#top`` and ``http://example.com/a?a=1&b=2`` is one item.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit, urlunsplit

MAX_URL_LENGTH = 2048
_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that identify a campaign or a click, never the article.
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
        "__twitter_impression", "ref_src", "cmpid", "ncid", "ocid", "sr_share", "spm",
    }
)
_CONTROL_CHARS = re.compile(r"[\x00-\x20\x7f]")
# Unpaired surrogates: not Unicode text (JSON's "\ud800" escape decodes to one), cannot be encoded to UTF-8.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Characters that may stay literal in a path or query; everything else is percent-encoded once.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
# One DNS label: 1–63 letters, digits or hyphens, not starting or ending with a hyphen.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE = re.compile(r"%[0-9a-f]{2}", re.IGNORECASE)


class InvalidUrl(ValueError):
    """The text is not an http(s) URL we can fetch; ``str(error)`` says why."""


def normalize_url(raw: str) -> str:
    """Return the canonical form of an http(s) URL, or raise ``InvalidUrl``.

    Lowercase scheme and host (IDN hosts to punycode), default port dropped, empty path as ``/``, fragment and
    tracking parameters dropped, remaining query parameters sorted. Idempotent: ``normalize_url(normalize_url(u)) ==
    normalize_url(u)``.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise InvalidUrl("empty URL")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidUrl(f"URL longer than {MAX_URL_LENGTH} characters")
    if _CONTROL_CHARS.search(text):
        raise InvalidUrl("URL contains whitespace or control characters")
    if _SURROGATES.search(text):
        raise InvalidUrl("URL contains unpaired surrogates (not valid Unicode)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise InvalidUrl(f"unparseable URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise InvalidUrl(f"scheme {scheme or '(none)'!r} is not http or https")
    if parts.username is not None or parts.password is not None:
        raise InvalidUrl("credentials in URLs are refused")
    host = _normalize_host(parts.hostname or "")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _requote(parts.path) if parts.path else "/"
    query = _normalize_query(parts.query)
    normalized = urlunsplit((scheme, netloc, path, query, ""))
    if len(normalized) > MAX_URL_LENGTH:
        raise InvalidUrl(f"URL longer than {MAX_URL_LENGTH} characters")
    return normalized


def _normalize_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if not host:
        raise InvalidUrl("URL has no host")
    if ":" in host:  # an IPv6 literal: urlsplit already removed the brackets
        return f"[{host}]"
    if any(unicodedata.category(char) == "Cf" for char in host):
        # IDNA would silently delete zero-width and bidi-control characters: "exa\u200bmple.com" is not example.com
        raise InvalidUrl(f"host {host!r} contains invisible formatting characters")
    try:
        host = host.encode("idna").decode("ascii")
        for label in host.split("."):
            if label.startswith("xn--"):
                label.encode("ascii").decode("idna")  # a punycode label must decode ("xn--" alone does not)
    except UnicodeError:
        raise InvalidUrl(f"host {host!r} is not a valid domain name") from None
    if not all(_LABEL.fullmatch(label) for label in host.split(".")):
        raise InvalidUrl(f"host {host!r} is not a valid domain name")
    return host


def _requote(component: str) -> str:
    """Percent-encode what must be encoded, without decoding first.

    Decoding and re-encoding would corrupt queries in legacy charsets (``?q=%B0%A1`` is EUC-KR, not UTF-8), so
    existing escapes are kept byte for byte (hex upper-cased) and a stray ``%`` becomes ``%25``.
    """
    escaped = _STRAY_PERCENT.sub("%25", component)
    escaped = quote(escaped, safe=_PATH_SAFE)
    return _ESCAPE.sub(lambda match: match.group(0).upper(), escaped)


def _normalize_query(query: str) -> str:
    if not query:
        return ""
    pairs = [pair for pair in query.split("&") if pair and not _is_tracking_param(pair.split("=", 1)[0])]
    return "&".join(sorted(_requote(pair) for pair in pairs))


def _is_tracking_param(key: str) -> bool:
    lowered = unquote(key).lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def article_id(normalized_url: str) -> str:
    """The DynamoDB partition key: hex SHA-256 of the normalized URL."""
    return hashlib.sha256(normalized_url.encode("utf-8")).hexdigest()


def domain_of(normalized_url: str) -> str:
    """The host of a normalized URL without a leading ``www.`` (what users query ``by-domain`` with)."""
    host = urlsplit(normalized_url).hostname or ""
    return host[4:] if host.startswith("www.") else host
