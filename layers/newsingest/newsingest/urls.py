"""URL identity, the one place for it (pure, no I/O): host rules, normalization, the article id.

The article id is the hex SHA-256 of the normalized URL, so the same article reached through
``HTTP://Example.com:80/a?utm_source=x&b=2&a=1#top`` and ``http://example.com/a?a=1&b=2`` is one item.

``canonical_host`` is the one rule for hosts: messages and the CLI (through ``normalize_url``) and the fetcher
(``newsingest.fetch.target``, for every URL and redirect it follows) accept exactly the same hosts and spell them
the same way, so the host an article id names is the host that is fetched.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit, urlunsplit

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_HOST_LENGTH = 253  # RFC 1035, in ASCII (punycode), without the trailing dot
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
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
    if scheme not in DEFAULT_PORTS:
        raise InvalidUrl(f"scheme {scheme or '(none)'!r} is not http or https")
    if parts.username is not None or parts.password is not None:
        raise InvalidUrl("credentials in URLs are refused")
    if port == 0:
        raise InvalidUrl("port 0 is not a port one can connect to")
    host = bracketed(canonical_host(parts.hostname or "")[0])
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _requote(parts.path) if parts.path else "/"
    query = _normalize_query(parts.query)
    normalized = urlunsplit((scheme, netloc, path, query, ""))
    if len(normalized) > MAX_URL_LENGTH:
        raise InvalidUrl(f"URL longer than {MAX_URL_LENGTH} characters")
    return normalized


def canonical_host(raw: str) -> tuple[str, IPAddress | None]:
    """The one spelling of a URL's host (lower-case ASCII, punycode, IPv6 without brackets), and the IP address
    it denotes when it is an IP literal in any spelling; or ``InvalidUrl``.

    ``raw`` is the host as ``urlsplit(...).hostname`` gives it. As a browser does before resolving: percent-escapes
    are decoded (UTF-8), IDN labels encoded (IDNA 2003, the standard library's codec: the same in the layer and on
    every machine), one trailing dot dropped, IPv4 numbers in any spelling (``0x7f.1``, ``2130706433``, fullwidth
    digits) read as the address and written dotted-quad, IPv6 compressed. Stricter than a browser: a name must be
    LDH labels (letters, digits, inner hyphens; no ``_``), 1-63 characters each, 253 in all; invisible formatting
    characters (which IDNA would silently delete), an IPv6 zone index, and a host that ends in a number without
    being IPv4 (``example.123``, ``1.2.3.4.5``) are refused.
    """
    if not raw:
        raise InvalidUrl("URL has no host")
    if ":" in raw:  # an IPv6 literal: urlsplit already removed the brackets
        if "%" in raw:
            raise InvalidUrl(f"IPv6 zone index in host {raw!r}")
        try:
            address = ipaddress.IPv6Address(raw.lower())
        except ValueError:
            raise InvalidUrl(f"invalid IPv6 literal {raw!r}") from None
        return address.compressed, address
    try:
        host = unquote(raw, errors="strict") if "%" in raw else raw
    except UnicodeDecodeError:
        raise InvalidUrl(f"percent-encoded host is not UTF-8: {raw!r}") from None
    if any(unicodedata.category(char) == "Cf" for char in host):
        # IDNA would silently delete zero-width and bidi-control characters: "exa\u200bmple.com" is not example.com
        raise InvalidUrl(f"host {host!r} contains invisible formatting characters")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidUrl(f"host {host!r} is not a valid domain name") from None
    host = host.lower()
    host = host[:-1] if host.endswith(".") else host
    try:
        ip = parse_ip_host(host)
    except NotAnIPv4Number as error:
        raise InvalidUrl(str(error)) from None
    if ip is not None:
        return ip.compressed, ip
    labels = host.split(".")
    if len(host) > MAX_HOST_LENGTH or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidUrl(f"host {host[:80]!r} is not a valid domain name")
    for label in labels:
        if label.startswith("xn--"):
            try:
                label.encode("ascii").decode("idna")  # a punycode label must decode ("xn--" alone does not)
            except UnicodeError:
                raise InvalidUrl(f"host {host[:80]!r} is not a valid domain name") from None
    return host, None


def bracketed(host: str) -> str:
    """A canonical host as it appears in a URL's authority: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


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


class NotAnIPv4Number(ValueError):
    """The host ends in a number (so a browser would parse it as IPv4) but is not a valid IPv4 number."""


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an IP literal, in any spelling a browser/``inet_aton`` accepts.

    ``host`` is lower-case without IPv6 brackets. Returns ``None`` for a domain name; raises
    :class:`NotAnIPv4Number` (a ``ValueError``) for hosts such as ``example.123`` or ``1.2.3.4.5`` that end in
    a number but are not valid IPv4 - browsers refuse those too, and passing them to ``getaddrinfo`` would
    let the C library guess.
    """
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise NotAnIPv4Number(f"invalid IPv6 literal {host!r}") from exc
    return parse_ipv4_number(host)


def parse_ipv4_number(host: str) -> ipaddress.IPv4Address | None:
    """WHATWG URL "IPv4 parser": ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``, ``10.1.2`` …"""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot is allowed ("127.0.0.1.")
    if not parts or not _looks_numeric(parts[-1]):
        return None
    if len(parts) > 4:
        raise NotAnIPv4Number(f"{host!r} has more than four numeric parts")
    numbers = [_parse_ipv4_part(part, host) for part in parts]
    for number in numbers[:-1]:
        if number > 255:
            raise NotAnIPv4Number(f"{host!r}: part {number} exceeds 255")
    last_limit = 256 ** (5 - len(numbers))
    if numbers[-1] >= last_limit:
        raise NotAnIPv4Number(f"{host!r}: last part exceeds {last_limit - 1}")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _looks_numeric(part: str) -> bool:
    """WHATWG "ends in a number": decimal digits, or 0x followed by hex digits."""
    if part.isascii() and part.isdigit():
        return True
    if part[:2] in ("0x", "0X"):
        return all(c in "0123456789abcdefABCDEF" for c in part[2:])
    return False


def _parse_ipv4_part(part: str, host: str) -> int:
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:], 16) if part[2:] else 0
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        if part.isascii() and part.isdigit():
            return int(part)
    except ValueError:
        pass
    raise NotAnIPv4Number(f"{host!r}: {part!r} is not a number")
