"""Which IP addresses a fetch may connect to (how a host spells an IP address is in ``newsingest.urls``).

Policy: an address is allowed only when it is globally routable unicast. Everything else (loopback, private,
link-local including the instance metadata service 169.254.169.254 / fd00:ec2::254, CGNAT, multicast, reserved,
documentation, benchmarking …) is refused, and IPv6 forms that carry an IPv4 address (mapped, compatible, 6to4,
NAT64, Teredo) are judged by the IPv4 address they carry. We do not rely on ``ipaddress.is_global`` alone: its
tables differ between Python patch releases (and it calls IPv4 multicast "global" in 3.11), so the explicit
tables below are the policy and ``is_global`` is only a second opinion that can refuse but never allow.
"""

from __future__ import annotations

import ipaddress
from typing import Final

# How a host spells an IP address is URL identity (newsingest.urls); re-exported here for the fetch side.
from newsingest.urls import IPAddress, NotAnIPv4Number, parse_ip_host, parse_ipv4_number

__all__ = ["BLOCKED_V4", "BLOCKED_V6", "IPAddress", "NotAnIPv4Number", "embedded_ipv4", "parse_ip_host",
           "parse_ipv4_number", "refusal"]

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

BLOCKED_V4: Final[tuple[tuple[ipaddress.IPv4Network, str], ...]] = (
    (_V4("0.0.0.0/8"), "unspecified / this network"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local (instance metadata)"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),
    (_V4("255.255.255.255/32"), "broadcast"),
)

# IPv6 unicast on the internet lives in 2000::/3; the only other prefix we accept is the well-known NAT64
# prefix, and only when the IPv4 address it embeds is itself allowed (Lambda in an IPv6-only VPC uses DNS64).
GLOBAL_UNICAST_V6: Final = _V6("2000::/3")
NAT64_WELL_KNOWN: Final = _V6("64:ff9b::/96")
SIX_TO_FOUR: Final = _V6("2002::/16")
TEREDO: Final = _V6("2001::/32")

BLOCKED_V6: Final[tuple[tuple[ipaddress.IPv6Network, str], ...]] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::ffff:0:0/96"), "IPv4-mapped"),
    (_V6("::/96"), "IPv4-compatible"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64"),
    (_V6("100::/64"), "discard-only"),
    (TEREDO, "Teredo"),
    (_V6("2001::/23"), "IETF protocol assignments"),
    (_V6("2001:2::/48"), "benchmarking"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("5f00::/16"), "segment routing SIDs"),
    (_V6("fc00::/7"), "unique local (fd00:ec2::254 metadata)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("ff00::/8"), "multicast"),
)


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be connected to, or ``None`` when it is globally routable unicast."""
    if isinstance(address, ipaddress.IPv4Address):
        return _refuse_v4(address)
    return _refuse_v6(address)


def _refuse_v4(address: ipaddress.IPv4Address) -> str | None:
    for network, why in BLOCKED_V4:
        if address in network:
            return f"{address} is {why}"
    if not address.is_global or address.is_multicast or address.is_reserved:
        return f"{address} is not globally routable"
    return None


def _refuse_v6(address: ipaddress.IPv6Address) -> str | None:
    if address.scope_id:
        return f"{address} has a zone index"
    embedded = embedded_ipv4(address)
    if embedded is not None:
        # Judge tunnelled/translated forms by the IPv4 host they actually reach.
        why = _refuse_v4(embedded)
        if why is not None:
            return f"{address} embeds {why}"
    for network, why in BLOCKED_V6:
        if address in network:
            return f"{address} is {why}"
    if address in NAT64_WELL_KNOWN:
        return None  # embedded IPv4 already vetted above
    if address not in GLOBAL_UNICAST_V6 or address.is_multicast or address.is_reserved:
        return f"{address} is not globally routable"
    if not address.is_global:
        return f"{address} is not globally routable"
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo client), if any."""
    value = int(address)
    low32 = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _V6("::/96") and value > 1:
        return low32  # IPv4-compatible (deprecated), e.g. ::127.0.0.1
    if address in SIX_TO_FOUR:
        return address.sixtofour
    if address in NAT64_WELL_KNOWN or address in _V6("64:ff9b:1::/48"):
        return low32
    if address in TEREDO and address.teredo is not None:
        server, client = address.teredo
        # Both ends are IPv4 hosts; report the worse one.
        return client if _refuse_v4(client) is not None else server
    return None
