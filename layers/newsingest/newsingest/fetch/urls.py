"""Parse and normalise the URLs we are asked to fetch (and every redirect target) into a :class:`Target`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit

from newsingest.fetch.addresses import IPAddress, NotAnIPv4Number, parse_ip_host
from newsingest.outcomes import PermanentFailure

DEFAULT_PORTS = {"http": 80, "https": 443}
# What may appear in a host after percent-decoding and IDNA: letters, digits, hyphen, underscore (seen in
# real DNS names), dots. Anything else (spaces, "\\", "%", "@" …) is a parser-confusion attempt.
_HOST_CHARS = re.compile(r"^[a-z0-9_.-]+$")
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
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def host_port(self) -> str:
        """Always ``host:port``: the key of allow_hosts, robots.txt and the per-host limit."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

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
    host, ip = _normalise_host(parts.hostname or "", url)
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
    url = f"{target.origin}{target.request_target}"
    return Target(
        url=url,
        scheme=target.scheme,
        host=target.host,
        port=target.port,
        request_target=target.request_target,
        ip=target.ip,
    )


def _normalise_host(raw: str, url: str) -> tuple[str, IPAddress | None]:
    """Percent-decode, IDNA-encode and classify the host, as a browser would before resolving it."""
    if not raw:
        raise PermanentFailure("invalid_url", f"no host in {url!r}")
    if ":" in raw:  # urlsplit already removed the brackets of an IPv6 literal
        if "%" in raw:
            raise PermanentFailure("invalid_url", f"IPv6 zone index in {url!r}")
        try:
            ip = parse_ip_host(raw)
        except NotAnIPv4Number as exc:
            raise PermanentFailure("invalid_url", str(exc)) from exc
        assert ip is not None
        return ip.compressed, ip
    try:
        host = unquote(raw, errors="strict") if "%" in raw else raw
    except UnicodeDecodeError as exc:
        raise PermanentFailure("invalid_url", f"percent-encoded host is not UTF-8: {raw!r}") from exc
    host = _to_ascii(host, url).rstrip(".")
    if not host or not _HOST_CHARS.match(host) or ".." in host:
        raise PermanentFailure("invalid_url", f"invalid host {raw!r}")
    if len(host) > 253 or any(len(label) > 63 for label in host.split(".")):
        # DNS limits (RFC 1035); getaddrinfo would raise a bare UnicodeError for them.
        raise PermanentFailure("invalid_url", f"host name too long: {host[:80]!r}…")
    try:
        ip = parse_ip_host(host)
    except NotAnIPv4Number as exc:
        raise PermanentFailure("invalid_url", str(exc)) from exc
    return (ip.compressed if ip is not None else host), ip


def _to_ascii(host: str, url: str) -> str:
    """IDN hosts to punycode: IDNA 2008/UTS 46 when the ``idna`` package is present, else the stdlib codec."""
    if host.isascii():
        return host.lower()
    try:
        import idna  # noqa: PLC0415 - optional, not a runtime dependency: tried only for a non-ASCII host

        return idna.encode(host, uts46=True).decode("ascii").lower()
    except ImportError:
        pass
    except Exception as exc:  # idna.IDNAError and friends
        raise PermanentFailure("invalid_url", f"invalid internationalised host in {url!r}: {exc}") from exc
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise PermanentFailure("invalid_url", f"invalid internationalised host in {url!r}: {exc}") from exc


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
