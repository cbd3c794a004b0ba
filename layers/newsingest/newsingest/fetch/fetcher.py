"""The Fetcher: safe (SSRF-proof), bounded, polite HTTP GET of one URL. See ``docs/fetching.md``.

Per hop (the requested URL and every redirect target) the order is fixed, and the first four steps never
open a connection to the target:

1. parse and normalise the URL (scheme, credentials, host spelling, port);
2. resolve the host once (or take the IP literal) and refuse it unless *every* address is globally routable,
   the port is allowed, or the exact ``host:port`` is in ``allow_hosts``;
3. robots.txt of the origin (cached, fetched through this same path);
4. wait for a per-host slot;
5. connect to the vetted IP itself, with Host, SNI and certificate checks for the original hostname.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from urllib3 import BaseHTTPResponse, HTTPConnectionPool, PoolManager, ProxyManager, Timeout
from urllib3 import exceptions as u3

from newsingest.fetch import limits
from newsingest.fetch.addresses import IPAddress, refusal
from newsingest.fetch.body import (
    ACCEPT_ENCODING,
    content_encodings,
    declared_length,
    decode,
    gunzip_file,
    read_capped,
)
from newsingest.fetch.errors import (
    REDIRECTS,
    SUCCESS,
    failure_for_dns_error,
    failure_for_exception,
    failure_for_status,
    parse_retry_after,
)
from newsingest.fetch.gate import OPEN_GATE, HostGate
from newsingest.fetch.options import FetchOptions
from newsingest.fetch.result import FetchResult
from newsingest.fetch.robots import ALLOW_ALL, RobotsCache, RobotsRules, parse_robots
from newsingest.fetch.sniff import clean_header_value, parse_content_type, sniff
from newsingest.fetch.target import Target, parse_target, redact, resolve_location
from newsingest.fetch.transport import deadline_scope, install_deadline_pools, new_pool_manager
from newsingest.outcomes import HOST_BUDGET_REASON, IngestFailure, PermanentFailure, TransientFailure

log = logging.getLogger(__name__)

HTML_TYPES: frozenset[str] = limits.HTML_MEDIA_TYPES
XML_TYPES: frozenset[str] = limits.XML_MEDIA_TYPES

Resolver = Callable[[str, int], list[str]]
_SECURITY_REASONS = frozenset({"blocked_address", "blocked_port", "credentials_in_url"})
_HEADER_VALUE = re.compile(r"^[\x20-\x7e\x80-\xff]*$")  # no CR/LF/NUL: stored validators are echoed back


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` returns for ``host`` (IPv4 and IPv6), in its order, without duplicates."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in answers))


@dataclass
class _Fetch:
    """State of one ``fetch`` call, shared by its hops and its robots.txt requests."""

    remaining: Callable[[], float]
    # host → vetted addresses: each name is resolved once per fetch, so robots.txt and the page (and a
    # redirect back to the same host) use the same vetted answer - a rebinding resolver gets no second chance.
    resolved: dict[str, list[IPAddress]] = field(default_factory=dict)
    # origin → the Crawl-delay its robots.txt asks for (read when robots.txt is checked), for the host gate
    crawl_delays: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    """What to ask for and what to accept; one for pages/sitemaps, one for robots.txt."""

    headers: dict[str, str]
    accept_types: frozenset[str] | None  # None = any type (robots.txt)
    max_body: int
    truncate: bool
    max_redirects: int
    conditional: bool


class Fetcher:
    """Thread-safe fetcher. Keep one per execution environment: its pools keep connections alive."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        resolver: Resolver | None = None,
        pool_manager: PoolManager | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        gate: HostGate = OPEN_GATE,
    ) -> None:
        self.options = options or FetchOptions()
        self._gate = gate
        self._resolver = resolver or system_resolver
        self._clock = clock
        self._wall_clock = wall_clock  # only for Retry-After HTTP-dates
        if pool_manager is None:
            pool_manager = new_pool_manager(self.options.per_host_concurrency)
        elif isinstance(pool_manager, ProxyManager):
            # A proxy would resolve and connect on its own: the vetted address would mean nothing.
            raise TypeError("Fetcher needs a plain PoolManager, not a ProxyManager")
        else:
            install_deadline_pools(pool_manager)
        self._pool_manager = pool_manager
        self._robots = RobotsCache(ttl=self.options.robots_ttl, error_ttl=limits.ROBOTS_ERROR_TTL, clock=clock)
        # Semaphores live while some fetch holds them; idle hosts are forgotten (bounded memory).
        self._slots: weakref.WeakValueDictionary[str, threading.BoundedSemaphore] = weakref.WeakValueDictionary()
        self._slots_guard = threading.Lock()
        self._dns = ThreadPoolExecutor(limits.RESOLVER_THREADS, thread_name_prefix="newsingest-dns")

    # ------------------------------------------------------------------ public API

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept_types: frozenset[str] = HTML_TYPES,
        deadline: float | None = None,
    ) -> FetchResult:
        """GET ``url`` safely. ``deadline`` is an absolute ``clock()`` time (e.g. derived from the Lambda's
        remaining time); the effective deadline is the earlier of it and now + ``total_timeout``.

        Raises :class:`PermanentFailure` or :class:`TransientFailure` (reasons in ``docs/fetching.md``).
        """
        started = self._clock()
        end = started + self.options.total_timeout
        if deadline is not None:
            end = min(end, deadline)
        state = _Fetch(remaining=lambda: end - self._clock())
        headers = self._base_headers(accept_types)
        conditional = False
        if etag and _HEADER_VALUE.match(etag):
            headers["If-None-Match"] = etag
            conditional = True
        if last_modified and _HEADER_VALUE.match(last_modified):
            headers["If-Modified-Since"] = last_modified
            conditional = True
        plan = _Plan(
            headers=headers,
            accept_types=frozenset(accept_types),
            max_body=self.options.max_body_bytes,
            truncate=False,
            max_redirects=self.options.max_redirects,
            conditional=conditional,
        )
        try:
            result = self._follow(url, plan, state, robots=self.options.respect_robots, started=started)
        except IngestFailure as exc:
            # Refusals are worth an operator's attention (SSRF attempts or a bad feed); the rest is routine.
            level = logging.WARNING if exc.reason in _SECURITY_REASONS else logging.DEBUG
            log.log(level, "fetch %s failed: %s", redact(url), exc)
            raise
        log.debug("fetched %s -> %s %s (%d ms)", redact(url), result.final_url, result.status, result.elapsed_ms)
        return result

    def close(self) -> None:
        """Close pooled connections (tests; a Lambda environment just ends)."""
        self._pool_manager.clear()
        self._dns.shutdown(wait=False, cancel_futures=True)

    def clear_robots_cache(self) -> None:
        self._robots.clear()

    # ------------------------------------------------------------------ hops

    def _follow(self, url: str, plan: _Plan, state: _Fetch, *, robots: bool, started: float) -> FetchResult:
        target = parse_target(url)
        visited = {target.url}
        redirects: list[str] = []
        while True:
            addresses = self._vet(target, state)
            if robots:
                self._check_robots(target, state)
            hop = self._exchange(target, addresses, plan, state)
            if isinstance(hop, FetchResult):
                return _finish(hop, url=url, redirects=redirects, elapsed_ms=self._ms_since(started))
            redirects.append(target.url)
            following = resolve_location(target, hop)
            if following.url in visited:
                raise PermanentFailure("redirect_loop", f"{target.url} redirects back to {following.url}")
            if len(redirects) > plan.max_redirects:
                raise PermanentFailure(
                    "too_many_redirects", f"more than {plan.max_redirects} redirects from {redact(url)}"
                )
            visited.add(following.url)
            target = following

    def _exchange(self, target: Target, addresses: list[IPAddress], plan: _Plan, state: _Fetch) -> FetchResult | str:
        """One request/response. Returns the result, or the Location of a redirect.

        The fleet-wide host budget is asked first (it may wait), then the per-environment host slot is taken:
        a request waiting for its turn at the host holds no connection slot meanwhile.
        """
        self._gate.acquire(target.host, min_interval=state.crawl_delays.get(target.origin),
                           remaining=state.remaining())
        with self._host_slot(target, state), deadline_scope(state.remaining):
            response = self._send(target, addresses, plan.headers, state)
            try:
                return self._handle(target, response, plan, state)
            except IngestFailure:
                _drop(response)
                raise
            except Exception as exc:  # urllib3/socket errors while reading the body
                _drop(response)
                raise _failure(exc, target, state) from exc

    def _handle(self, target: Target, response: BaseHTTPResponse, plan: _Plan, state: _Fetch) -> FetchResult | str:
        status = response.status
        if status in REDIRECTS:
            location = _utf8_header(response.headers.get("Location"))
            self._discard(response, target, state)
            if not location:
                raise PermanentFailure(f"http_{status}", f"{target.url}: redirect without Location")
            return location
        if status == 304 and plan.conditional:
            self._discard(response, target, state)
            return self._not_modified(target, response)
        if status not in SUCCESS:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._wall_clock())
            self._discard(response, target, state)
            if retry_after and status in limits.SLOW_DOWN_STATUSES:
                self._gate.slow_down(target.host, retry_after)  # every function rests the host, not just this one
            detail = f"{target.url} answered {status} {response.reason or ''}".strip()
            raise failure_for_status(status, detail, retry_after)
        return self._read_success(target, response, plan, state)

    def _read_success(self, target: Target, response: BaseHTTPResponse, plan: _Plan, state: _Fetch) -> FetchResult:
        header = response.headers.get("Content-Type")
        media, charset = parse_content_type(header)
        content_type = clean_header_value(header) if media is not None else None
        if media in limits.GENERIC_MEDIA_TYPES and plan.accept_types and plan.accept_types & limits.GZIP_MEDIA_TYPES:
            # .xml.gz sitemaps are often served as "application/octet-stream": sniff those like a missing type.
            media = None
        if media is not None and plan.accept_types is not None and media not in plan.accept_types:
            # Refuse before downloading the body (a PDF or a video can be large).
            raise PermanentFailure("not_html", f"{target.url}: Content-Type {media} is not one of {_names(plan)}")
        codings = content_encodings(response)
        raw, complete = read_capped(
            response, max_bytes=plan.max_body, remaining=state.remaining, where=target.url, truncate=plan.truncate
        )
        if complete:
            response.release_conn()  # fully read: the connection goes back to the pool for keep-alive
        else:
            _drop(response)  # a truncated robots.txt leaves unread bytes: never reuse that connection
        body = decode(raw, codings, cap=self.options.max_decompressed_bytes, where=target.url,
                      remaining=state.remaining)
        if media is None:
            media = sniff(body)
            content_type = content_type or media
            if plan.accept_types is not None and media not in plan.accept_types:
                raise PermanentFailure(
                    "not_html", f"{target.url}: no Content-Type and the body looks like {media}, not {_names(plan)}"
                )
        if media in limits.GZIP_MEDIA_TYPES and body[:2] == b"\x1f\x8b":
            body = gunzip_file(body, cap=self.options.max_decompressed_bytes, where=target.url,
                               remaining=state.remaining)
        return FetchResult(
            url=target.url,
            final_url=target.url,
            status=200,
            body=body,
            content_type=content_type or media,
            charset=charset,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            cache_max_age=parse_cache_max_age(response.headers.get("Cache-Control")),
            not_modified=False,
            redirects=(),
            elapsed_ms=0,
        )

    def _not_modified(self, target: Target, response: BaseHTTPResponse) -> FetchResult:
        header = response.headers.get("Content-Type")
        _, charset = parse_content_type(header)
        return FetchResult(
            url=target.url,
            final_url=target.url,
            status=304,
            body=b"",
            content_type=clean_header_value(header) or "",
            charset=charset,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            cache_max_age=parse_cache_max_age(response.headers.get("Cache-Control")),
            not_modified=True,
            redirects=(),
            elapsed_ms=0,
        )

    # ------------------------------------------------------------------ safety

    def _vet(self, target: Target, state: _Fetch) -> list[IPAddress]:
        """The addresses we may connect to for ``target``, or a permanent failure. Opens no connection."""
        exempt = target.host_port in self.options.allow_hosts
        if not exempt and target.port not in self.options.allowed_ports:
            raise PermanentFailure("blocked_port", f"{target.url}: port {target.port} is not allowed")
        if target.ip is not None:
            addresses = [target.ip]
        else:
            addresses = self._resolve(target.host, target.port, state)
        if not exempt:
            for address in addresses:
                why = refusal(address)
                if why is not None:
                    raise PermanentFailure("blocked_address", f"{target.host}: {why}")
        # IPv4 first: Lambda outside a dual-stack VPC has no IPv6 route.
        return sorted(addresses, key=lambda a: a.version)

    def _resolve(self, host: str, port: int, state: _Fetch) -> list[IPAddress]:
        cached = state.resolved.get(host)
        if cached is not None:
            return cached
        left = state.remaining()
        if left <= 0:
            raise TransientFailure("timeout", f"deadline reached before resolving {host}")
        future = self._dns.submit(self._resolver, host, port)
        try:
            answers = future.result(timeout=left)
        except FutureTimeout as exc:
            raise TransientFailure("timeout", f"resolving {host} outlasted the deadline") from exc
        except OSError as exc:
            raise failure_for_dns_error(host, exc) from exc
        except UnicodeError as exc:  # getaddrinfo's IDNA step refusing the name (e.g. a label over 63 bytes)
            raise PermanentFailure("invalid_url", f"{host}: {exc}") from exc
        except Exception as exc:  # an injected resolver's own failure: assume the resolver, not the name
            raise TransientFailure("dns_error", f"{host}: {type(exc).__name__}: {exc}") from exc
        addresses = _parse_answers(host, answers)
        state.resolved[host] = addresses
        return addresses

    # ------------------------------------------------------------------ politeness

    def _check_robots(self, target: Target, state: _Fetch) -> None:
        state.crawl_delays[target.origin] = self._robots.check(
            target.origin,
            target.request_target,
            load=lambda: self._load_robots(target, state),
            remaining=state.remaining,
        ).crawl_delay

    def _load_robots(self, target: Target, state: _Fetch) -> RobotsRules:
        """Fetch robots.txt through the same safe path.

        2xx → rules; 4xx → allow all; 429, 5xx and network errors → ``robots_unavailable`` (transient).
        """
        plan = _Plan(
            headers=self._base_headers(None),
            accept_types=None,
            max_body=limits.ROBOTS_MAX_BYTES,
            truncate=True,
            max_redirects=limits.ROBOTS_MAX_REDIRECTS,
            conditional=False,
        )
        url = f"{target.origin}/robots.txt"
        try:
            result = self._follow(url, plan, state, robots=False, started=self._clock())
        except TransientFailure as exc:
            if exc.reason == HOST_BUDGET_REASON:
                raise  # not asked yet: the message waits for the host's budget, robots.txt is not "unavailable"
            raise TransientFailure(
                "robots_unavailable", f"{url}: {exc.reason}: {exc.detail}", retry_after=exc.retry_after
            ) from exc
        except PermanentFailure as exc:
            if exc.reason.startswith("http_5"):  # 501/505 …: still "server error" for RFC 9309
                raise TransientFailure("robots_unavailable", f"{url}: {exc.reason}") from exc
            # 4xx, or robots.txt redirected somewhere we refuse / too often: "unavailable", so allow all.
            log.debug("robots.txt of %s unavailable (%s): allowing all", target.origin, exc.reason)
            return ALLOW_ALL
        # utf-8-sig: a BOM would otherwise glue itself to the first "User-agent" and hide that group.
        return parse_robots(result.body.decode("utf-8-sig", errors="replace"), limits.ROBOTS_PRODUCT_TOKEN)

    @contextmanager
    def _host_slot(self, target: Target, state: _Fetch) -> Iterator[None]:
        """At most ``per_host_concurrency`` requests in flight per host; waiting counts against the deadline."""
        with self._slots_guard:
            slot = self._slots.get(target.host)
            if slot is None:
                slot = threading.BoundedSemaphore(self.options.per_host_concurrency)
                self._slots[target.host] = slot
        left = state.remaining()
        if left <= 0 or not slot.acquire(timeout=left):
            raise TransientFailure("timeout", f"deadline reached waiting for a free slot to {target.host}")
        try:
            yield
        finally:
            slot.release()

    # ------------------------------------------------------------------ transport

    def _send(
        self, target: Target, addresses: list[IPAddress], headers: dict[str, str], state: _Fetch
    ) -> BaseHTTPResponse:
        """GET from the first vetted address that accepts a connection (never by name)."""
        request_headers = {"Host": target.authority, **headers}
        last_error: BaseException | None = None
        for address in addresses:
            left = state.remaining()
            if left <= 0:
                raise TransientFailure("timeout", f"deadline reached connecting to {target.url}")
            try:
                pool = self._pool(target, address)
                return pool.urlopen(
                    "GET",
                    target.request_target,
                    headers=request_headers,
                    retries=False,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=False,
                    decode_content=False,
                    release_conn=False,
                    timeout=Timeout(
                        connect=min(self.options.connect_timeout, left), read=min(self.options.read_timeout, left)
                    ),
                )
            except (u3.NewConnectionError, u3.ConnectTimeoutError) as exc:
                last_error = exc  # nothing was sent: the next vetted address may work
                continue
            except Exception as exc:
                raise _failure(exc, target, state) from exc
        assert last_error is not None
        raise _failure(last_error, target, state) from last_error

    def _pool(self, target: Target, address: IPAddress) -> HTTPConnectionPool:
        host = f"[{address.compressed}]" if address.version == 6 else address.compressed
        if target.scheme == "https":
            # Pools are keyed by (IP, hostname): TLS SNI and the certificate check use the URL's hostname.
            kwargs = {"server_hostname": target.host, "assert_hostname": target.host}
            return self._pool_manager.connection_from_host(host, target.port, "https", pool_kwargs=kwargs)
        return self._pool_manager.connection_from_host(host, target.port, "http")

    def _discard(self, response: BaseHTTPResponse, target: Target, state: _Fetch) -> None:
        """Finish with a response whose body we do not want, keeping the connection when that is cheap."""
        length = 0 if response.status in (204, 304) else declared_length(response)
        if length is not None and length <= limits.DRAIN_MAX_BYTES:
            try:
                _, complete = read_capped(
                    response, max_bytes=limits.DRAIN_MAX_BYTES, remaining=state.remaining, where=target.url
                )
                if complete:
                    response.release_conn()
                    return
            except Exception:  # noqa: BLE001 - a broken small body is no reason to fail the fetch: drop the connection
                pass
        _drop(response)

    # ------------------------------------------------------------------ helpers

    def _base_headers(self, accept_types: frozenset[str] | None) -> dict[str, str]:
        if accept_types is None:
            accept = "text/plain, */*;q=0.5"
        else:
            accept = ", ".join(sorted(accept_types)) + ", */*;q=0.1"
        return {"User-Agent": self.options.user_agent, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}

    def _ms_since(self, started: float) -> int:
        return max(0, int((self._clock() - started) * 1000))


def _parse_answers(host: str, answers: list[str]) -> list[IPAddress]:
    """Resolver output → addresses; anything that is not an address fails closed."""
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            addresses.append(ipaddress.ip_address(answer))
        except ValueError as exc:
            raise PermanentFailure("blocked_address", f"{host}: resolver returned {answer!r}") from exc
    if not addresses:
        raise PermanentFailure("unknown_host", f"{host}: no addresses")
    return list(dict.fromkeys(addresses))


_CACHE_DIRECTIVE = re.compile(r'\s*([A-Za-z-]+)\s*(?:=\s*"?(\d+)"?)?\s*$')


def parse_cache_max_age(header: str | None) -> int | None:
    """Seconds a response says it stays fresh (``s-maxage``, a shared cache's figure, else ``max-age``), or ``None``.

    ``no-cache``/``no-store`` (revalidate or do not keep it) and a zero age mean the origin gives no hint;
    a malformed directive is ignored rather than guessed at.
    """
    ages: dict[str, int] = {}
    for part in (header or "").split(","):
        match = _CACHE_DIRECTIVE.match(part)
        if match is None:
            continue
        name = match.group(1).lower()
        if name in ("no-cache", "no-store"):
            return None
        if name in ("max-age", "s-maxage") and match.group(2) is not None:
            ages.setdefault(name, int(match.group(2)))
    age = ages.get("s-maxage", ages.get("max-age"))
    return age if age else None


def _utf8_header(value: str | None) -> str | None:
    """http.client decodes header bytes as Latin-1; a Location with raw UTF-8 (common) is re-read as UTF-8,
    as browsers do, so ``/café`` is not mangled into ``/cafÃ©``."""
    if value is None or value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _failure(exc: BaseException, target: Target, state: _Fetch) -> IngestFailure:
    """Map a transport error; once the deadline has passed, whatever broke did so because we cut it."""
    if state.remaining() <= 0:
        return TransientFailure("timeout", f"{target.url}: total deadline reached ({type(exc).__name__})")
    return failure_for_exception(exc, target.url)


def _drop(response: BaseHTTPResponse) -> None:
    """Close the connection (unread body) and hand the closed connection back so the pool slot is freed."""
    try:
        response.close()
    finally:
        response.release_conn()


def _finish(result: FetchResult, *, url: str, redirects: list[str], elapsed_ms: int) -> FetchResult:
    return replace(result, url=url, redirects=tuple(redirects), elapsed_ms=elapsed_ms)


def _names(plan: _Plan) -> str:
    return ", ".join(sorted(plan.accept_types or ()))
