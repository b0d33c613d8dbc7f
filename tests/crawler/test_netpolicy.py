"""The address policy: categories, special-purpose blocks, literals, start networks, allow lists."""

from __future__ import annotations

import ipaddress

import pytest

from crawler.network.policy import (
    AddressPolicy,
    AddressVerdict,
    address_category,
    embedded_ipv4,
    literal_ip,
    special_block,
)

CATEGORIES = [
    ("public_v4", "8.8.8.8", "public", None),
    ("public_v4_gov", "60.247.10.1", "public", None),
    ("this_network", "0.0.0.0", "unspecified", "0.0.0.0/8"),
    ("this_network_other", "0.1.2.3", "unspecified", "0.0.0.0/8"),
    ("rfc1918_10", "10.1.2.3", "private", "10.0.0.0/8"),
    ("rfc1918_172", "172.31.255.1", "private", "172.16.0.0/12"),
    ("just_outside_172", "172.32.0.1", "public", None),
    ("rfc1918_192", "192.168.1.10", "private", "192.168.0.0/16"),
    ("cgnat", "100.64.0.1", "shared", "100.64.0.0/10"),
    ("loopback", "127.0.0.1", "loopback", "127.0.0.0/8"),
    ("loopback_other", "127.255.0.9", "loopback", "127.0.0.0/8"),
    ("metadata", "169.254.169.254", "link_local", "169.254.0.0/16"),
    ("ietf_protocol", "192.0.0.8", "reserved", "192.0.0.0/24"),
    ("test_net_1", "192.0.2.1", "documentation", "192.0.2.0/24"),
    ("test_net_2", "198.51.100.7", "documentation", "198.51.100.0/24"),
    ("test_net_3", "203.0.113.5", "documentation", "203.0.113.0/24"),
    ("benchmarking", "198.19.0.1", "benchmarking", "198.18.0.0/15"),
    ("multicast", "224.0.0.251", "multicast", "224.0.0.0/4"),
    ("class_e", "240.0.0.1", "reserved", "240.0.0.0/4"),
    ("broadcast", "255.255.255.255", "broadcast", "255.255.255.255/32"),
    ("public_v6", "2400:3200::1", "public", None),
    ("v6_unspecified", "::", "unspecified", "::/128"),
    ("v6_loopback", "::1", "loopback", "::1/128"),
    ("v6_unique_local", "fd00::1", "private", "fc00::/7"),
    ("v6_link_local", "fe80::1", "link_local", "fe80::/10"),
    ("v6_site_local", "fec0::1", "private", "fec0::/10"),
    ("v6_multicast", "ff02::1", "multicast", "ff00::/8"),
    ("v6_documentation", "2001:db8::1", "documentation", "2001:db8::/32"),
    ("v6_teredo", "2001::1", "reserved", "2001::/23"),
    ("v6_discard", "100::1", "reserved", "100::/64"),
    ("v6_nat64_local", "64:ff9b:1::1", "private", "64:ff9b:1::/48"),
    ("v6_unallocated", "4000::1", "reserved", "4000::1/128"),
    ("v4_mapped_metadata", "::ffff:169.254.169.254", "link_local", "169.254.0.0/16"),
    ("v4_mapped_public", "::ffff:8.8.8.8", "public", None),
    ("nat64_metadata", "64:ff9b::a9fe:a9fe", "link_local", "169.254.0.0/16"),
    ("nat64_public", "64:ff9b::808:808", "public", None),
    ("sixtofour_private", "2002:c0a8:10a::1", "private", "192.168.0.0/16"),
]


@pytest.mark.parametrize(
    ("address", "category", "block"), [c[1:] for c in CATEGORIES], ids=[c[0] for c in CATEGORIES]
)
def test_category_and_special_block(address: str, category: str, block: str | None) -> None:
    assert address_category(address) == category
    expected = None if block is None else ipaddress.ip_network(block)
    assert special_block(address) == expected


@pytest.mark.parametrize(
    ("address", "category"), [c[1:3] for c in CATEGORIES], ids=[c[0] for c in CATEGORIES]
)
def test_default_policy_allows_only_public(address: str, category: str) -> None:
    assert AddressPolicy().verdict(address) == AddressVerdict(category == "public", category)


START_CASES = [
    # (id, start addresses, allowed, address, expected allowed)
    ("loopback_start_reaches_loopback", ["127.0.0.1"], [], "127.0.0.42", True),
    ("loopback_start_not_private", ["127.0.0.1"], [], "10.0.0.1", False),
    ("loopback_start_not_metadata", ["127.0.0.1"], [], "169.254.169.254", False),
    ("documentation_start_not_loopback", ["203.0.113.5"], [], "127.0.0.1", False),
    ("documentation_start_own_block", ["203.0.113.5"], [], "203.0.113.99", True),
    ("allow_list_loopback", ["203.0.113.5"], ["127.0.0.0/8"], "127.0.0.1", True),
    ("private_start_whole_rfc1918_block", ["10.20.30.40"], [], "10.99.0.1", True),
    ("private_start_not_other_rfc1918", ["10.20.30.40"], [], "192.168.0.1", False),
    ("public_start_adds_nothing", ["8.8.8.8"], [], "127.0.0.1", False),
    ("allow_list_narrow", [], ["10.1.0.0/16"], "10.1.2.3", True),
    ("allow_list_narrow_outside", [], ["10.1.0.0/16"], "10.2.0.1", False),
    ("allow_list_matches_mapped_v6", [], ["169.254.0.0/16"], "::ffff:169.254.169.254", True),
    ("v6_loopback_start", ["::1"], [], "::1", True),
    ("v6_loopback_start_not_v4_loopback", ["::1"], [], "127.0.0.1", False),
    ("host_bits_in_allow_entry", [], ["192.168.1.7/24"], "192.168.1.200", True),
]


@pytest.mark.parametrize(
    ("start", "allowed", "address", "expected"),
    [c[1:] for c in START_CASES],
    ids=[c[0] for c in START_CASES],
)
def test_start_network_and_allow_list(
    start: list[str], allowed: list[str], address: str, expected: bool
) -> None:
    policy = AddressPolicy.for_start_urls(start, allowed)
    verdict = policy.verdict(address)
    assert verdict.allowed is expected
    assert verdict.category == address_category(address)


def test_allow_entries_may_be_network_objects() -> None:
    policy = AddressPolicy([ipaddress.ip_network("172.16.0.0/12")])
    assert policy.verdict("172.20.1.1") == AddressVerdict(True, "private")


def test_malformed_allow_entry_is_an_error() -> None:
    with pytest.raises(ValueError):
        AddressPolicy(["10.0.0.0/33"])


LITERALS = [
    ("dotted", "127.0.0.1", "127.0.0.1"),
    ("short", "127.1", "127.0.0.1"),
    ("decimal", "2852039166", "169.254.169.254"),
    ("hex", "0xa9fea9fe", "169.254.169.254"),
    ("hex_dotted", "0x7f.0.0.1", "127.0.0.1"),
    ("trailing_dot", "10.0.0.1.", "10.0.0.1"),
    ("bracketed_v6", "[::1]", "::1"),
    ("v6_zone", "fe80::1%eth0", "fe80::1%eth0"),
    ("name", "jtj.example.gov.cn", None),
    ("hexlike_name", "face.example", None),
    ("digits_then_name", "12.example.gov.cn", None),
    ("too_many_parts", "1.2.3.4.5", None),
]


@pytest.mark.parametrize(
    ("host", "expected"), [c[1:] for c in LITERALS], ids=[c[0] for c in LITERALS]
)
def test_literal_ip(host: str, expected: str | None) -> None:
    result = literal_ip(host)
    assert result == (None if expected is None else ipaddress.ip_address(expected))


@pytest.mark.parametrize(
    ("address", "inner"),
    [
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("2400:3200::1", None),
        ("127.0.0.1", None),
    ],
    ids=["mapped", "nat64", "sixtofour", "plain_v6", "v4"],
)
def test_embedded_ipv4(address: str, inner: str | None) -> None:
    expected = None if inner is None else ipaddress.IPv4Address(inner)
    assert embedded_ipv4(ipaddress.ip_address(address)) == expected
