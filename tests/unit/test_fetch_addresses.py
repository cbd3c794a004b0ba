"""Which addresses the fetcher may connect to, and how exotic IPv4 spellings are read."""

from __future__ import annotations

import ipaddress

import pytest

from newsingest.fetch.addresses import NotAnIPv4Number, embedded_ipv4, parse_ip_host, refusal


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.255.255.254",  # loopback
        "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",  # private
        "169.254.169.254", "169.254.0.1",  # link-local, EC2/ECS metadata
        "100.64.0.1", "100.127.255.254",  # CGNAT
        "224.0.0.1", "239.255.255.250",  # multicast
        "240.0.0.1", "255.255.255.255",  # reserved, broadcast
        "0.0.0.0", "0.1.2.3",  # unspecified / this network
        "198.18.0.1", "198.19.255.255",  # benchmarking
        "192.0.2.1", "198.51.100.1", "203.0.113.1",  # documentation
        "192.0.0.8", "192.88.99.1",  # IETF protocol assignments, 6to4 relay
    ],
)  # fmt: skip
def test_non_global_ipv4_is_refused(address: str) -> None:
    # Given a non-routable IPv4 address / When judged / Then it is refused with a reason
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address",
    [
        "::1", "::",  # loopback, unspecified
        "fe80::1", "fd00:ec2::254", "fc00::1", "fec0::1",  # link-local, ULA (EC2 IPv6 metadata), site-local
        "ff02::1", "ff0e::1",  # multicast
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:8.8.8.8",  # IPv4-mapped (refused whatever they carry)
        "::127.0.0.1", "::10.0.0.1",  # IPv4-compatible
        "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:0a00:0001::",  # 6to4 embedding loopback, metadata, private
        "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::10.1.2.3",  # NAT64 embedding non-global
        "64:ff9b:1::808:808",  # local-use NAT64 prefix
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo (client 127.0.0.1 after XOR)
        "2001:db8::1", "3fff::1",  # documentation
        "2001:2::1",  # benchmarking
        "100::1",  # discard
        "4000::1", "::2:3:4",  # outside global unicast
    ],
)  # fmt: skip
def test_non_global_ipv6_is_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
     "64:ff9b::808:808", "2002:808:808::1"],
)  # fmt: skip
def test_global_unicast_is_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("address", "embedded"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::10.0.0.1", "10.0.0.1"),
        ("2002:a9fe:a9fe::1", "169.254.169.254"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),
    ],
)
def test_embedded_ipv4_is_extracted(address: str, embedded: str) -> None:
    assert embedded_ipv4(ipaddress.IPv6Address(address)) == ipaddress.IPv4Address(embedded)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0177.0000.0000.0001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # short forms
        ("127.0.1", "127.0.0.1"),
        ("10.1.2", "10.1.0.2"),
        ("0x7f.1", "127.0.0.1"),  # mixed
        ("0x7f.0.0.0x1", "127.0.0.1"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("0xa9.254.0xa9fe", "169.254.169.254"),
        ("0x", "0.0.0.0"),
        ("0", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),  # one trailing dot
        ("4294967295", "255.255.255.255"),
    ],
)
def test_ipv4_spellings_are_normalised_like_a_browser(host: str, expected: str) -> None:
    # Given a host in any inet_aton/WHATWG spelling / When parsed / Then it is the address a browser would reach
    assert parse_ip_host(host) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize("host", ["4294967296", "1.2.3.4.5", "256.0.0.1", "1.256.0.1.", "09.0.0.1", "example.123",
                                  "1.2.0x1000000"])
def test_invalid_numeric_hosts_are_rejected_not_guessed(host: str) -> None:
    with pytest.raises(NotAnIPv4Number):
        parse_ip_host(host)


@pytest.mark.parametrize("host",
                         ["example.com", "0x1g", "1.2.3.example", "0x7f.example", "localhost", "xn--bcher-kva.de"])
def test_domain_names_are_not_addresses(host: str) -> None:
    assert parse_ip_host(host) is None


def test_ipv6_literal_is_parsed() -> None:
    assert parse_ip_host("::ffff:7f00:1") == ipaddress.IPv6Address("::ffff:127.0.0.1")
