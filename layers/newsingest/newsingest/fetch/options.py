"""The options of one :class:`~newsingest.fetch.fetcher.Fetcher` (the pipeline maps its settings onto them)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from newsingest.fetch import limits


@dataclass(frozen=True)
class FetchOptions:
    """Tunables of fetching. Defaults are the production values (see ``docs/fetching.md``)."""

    user_agent: str = limits.DEFAULT_USER_AGENT
    connect_timeout: float = limits.DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = limits.DEFAULT_READ_TIMEOUT
    total_timeout: float = limits.DEFAULT_TOTAL_TIMEOUT
    max_body_bytes: int = limits.DEFAULT_MAX_BODY_BYTES
    max_decompressed_bytes: int = limits.DEFAULT_MAX_DECOMPRESSED_BYTES
    max_redirects: int = limits.DEFAULT_MAX_REDIRECTS
    allowed_ports: frozenset[int] = limits.DEFAULT_ALLOWED_PORTS
    # Exact "host:port" pairs exempt from the address and port checks (tests, the local demo). Never a wildcard.
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    respect_robots: bool = True
    robots_ttl: float = limits.DEFAULT_ROBOTS_TTL
    per_host_concurrency: int = limits.DEFAULT_PER_HOST_CONCURRENCY

    def __post_init__(self) -> None:
        # Fail at construction (cold start), not on the first message.
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if self.max_body_bytes <= 0 or self.max_decompressed_bytes <= 0:
            raise ValueError("byte caps must be > 0")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must be >= 0")
        if self.per_host_concurrency < 1:
            raise ValueError("per_host_concurrency must be >= 1")
        if self.robots_ttl < 0:
            raise ValueError("robots_ttl must be >= 0")
        if not self.user_agent.strip() or any(c in self.user_agent for c in "\r\n"):
            raise ValueError("user_agent must be a non-empty single line")
        for port in self.allowed_ports:
            _check_port(port)
        # Normalise so "News.Test:8080" in the environment matches the lower-cased URL host.
        object.__setattr__(self, "allow_hosts", frozenset(_normalise_host_port(v) for v in self.allow_hosts))
        object.__setattr__(self, "allowed_ports", frozenset(self.allowed_ports))

    @staticmethod
    def parse_allow_hosts(value: str) -> frozenset[str]:
        """Parse ``FETCH_ALLOW_HOSTS``: comma/space separated exact ``host:port`` pairs (``[::1]:8080`` for IPv6)."""
        return frozenset(_normalise_host_port(item) for item in value.replace(",", " ").split())

    @staticmethod
    def parse_ports(value: str) -> frozenset[int]:
        """Parse ``FETCH_ALLOWED_PORTS``: comma/space separated port numbers."""
        ports: set[int] = set()
        for item in value.replace(",", " ").split():
            if not item.isdigit():
                raise ValueError(f"not a port number: {item!r}")
            ports.add(_check_port(int(item)))
        return frozenset(ports)


def _check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise ValueError(f"port out of range: {port}")
    return port


def _normalise_host_port(item: str) -> str:
    """Validate one ``host:port`` allow entry and return it lower-cased, as URLs are compared."""
    host, sep, port = item.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"allow_hosts entries must be exact host:port pairs, got {item!r}")
    if "*" in host or "/" in host or "@" in host:
        raise ValueError(f"allow_hosts entries are exact hosts, got {item!r}")
    if ":" in host and not (host.startswith("[") and host.endswith("]")):
        raise ValueError(f"IPv6 hosts must be bracketed in allow_hosts, got {item!r}")
    if host.startswith("["):
        # Compare IPv6 literals in their canonical form, as the URL parser produces it.
        host = f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
    return f"{host.lower().rstrip('.')}:{_check_port(int(port))}"
