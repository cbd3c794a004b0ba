"""The URLs we are asked to fetch (and every redirect target) as a :class:`Target`: where to connect, what to ask.

The host rules are URL identity's (``newsingest.urls.canonical_host``), the same ones messages and the CLI apply;
this module adds only what a request needs (the port to connect to, the percent-encoded request target).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import quote, urljoin, urlsplit

from newsingest.outcomes import PermanentFailure
from newsingest.urls import DEFAULT_PORTS, InvalidUrl, IPAddress, bracketed, canonical_host

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters left as they are in the request target; everything else is percent-encoded as UTF-8,
# as browsers do (``%`` stays so existing escapes are not double-encoded).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


@dataclass(frozen=True)
class Target:
    """One validated URL: where to connect and what to ask for."""

    url: str  # normalised, without fragment; what FetchResult reports
    scheme: str
    host: str  # lower-case ASCII (punycode); IPv6 without brackets
    port: int
    request_target: str  # path + query, ready for the request line
    ip: IPAddress | None  # set when the host is an IP literal (in any spelling)

    @property
    def authority(self) -> str:
        """``host[:port]`` as the Host header and allow_hosts need it (port omitted when default)."""
        host = bracketed(self.host)
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def host_port(self) -> str:
        """Always ``host:port``: the key of allow_hosts, robots.txt and the per-host limit."""
        return f"{bracketed(self.host)}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.authority}"


def parse_target(url: str) -> Target:
    """Validate ``url`` (http/https, no credentials, sane host and port) or raise a :class:`PermanentFailure`."""
    if not isinstance(url, str) or not url:
        raise PermanentFailure("invalid_url", "empty URL")
    url = url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r ")
    if _CONTROL.search(url):
        # urlsplit silently strips inner tabs/newlines; a URL that needs that is not one we should trust.
        raise PermanentFailure("invalid_url", f"control character in URL {url!r}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise PermanentFailure("invalid_url", f"{url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise PermanentFailure("invalid_url", f"scheme {scheme or '(none)'!r} is not http or https")
    if "@" in parts.netloc:
        raise PermanentFailure("credentials_in_url", "URLs with user:password@ are refused")
    if "\\" in parts.netloc:
        raise PermanentFailure("invalid_url", f"backslash in host of {url!r}")
    try:
        host, ip = canonical_host(parts.hostname or "")
    except InvalidUrl as error:
        raise PermanentFailure("invalid_url", f"{redact(url)!r}: {error}") from None
    if port is None:
        port = DEFAULT_PORTS[scheme]
    if port == 0:
        raise PermanentFailure("invalid_url", f"port 0 in {url!r}")
    request_target = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_QUERY_SAFE)
    if not request_target.startswith("/"):
        request_target = "/" + request_target
    target = Target(url="", scheme=scheme, host=host, port=port, request_target=request_target, ip=ip)
    return _with_url(target)


def _with_url(target: Target) -> Target:
    return replace(target, url=f"{target.origin}{target.request_target}")


def resolve_location(base: Target, location: str) -> Target:
    """The target of a redirect's ``Location`` (relative references resolved against the current URL)."""
    location = location.strip()
    if not location:
        raise PermanentFailure("invalid_url", f"empty Location in redirect from {base.url}")
    try:
        # urljoin splits the Location itself: a netloc NFKC folds into a delimiter ("127.0.0.1：80"), brackets
        # that hold no IPv6 address ("[[::1]]", "[::①②⑦。⓪。⓪。①]") raise ValueError here, before parse_target.
        joined = urljoin(base.url, location)
    except ValueError as exc:  # UnicodeError is a ValueError too
        raise PermanentFailure("invalid_url", f"redirect from {base.url} to an unparseable {redact(location)!r}: "
                                              f"{exc}") from exc
    return parse_target(joined)


def redact(url: str, limit: int = 300) -> str:
    """A URL short enough for a log line or a failure detail."""
    return url if len(url) <= limit else url[:limit] + "…"
