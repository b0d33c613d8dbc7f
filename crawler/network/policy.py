"""Which addresses the crawler may connect to (网络访问策略): the pure part, no Scrapy.

A monitor follows links it did not choose, so a page (or a redirect, or a DNS answer) can point
it at the inside of the network it runs in: a router's admin page, another intranet system, the
cloud metadata service at 169.254.169.254. The rule is simple and deliberately strict:

* a *public* address (globally routable unicast) is always allowed;
* any other address — private, loopback, link-local, shared (CGNAT), documentation,
  benchmarking, multicast, broadcast, unspecified, reserved — is refused unless the profile's
  ``network.allow`` lists a network containing it;
* the start URL's own network counts as listed: the special-purpose block (IANA registry) that
  holds the start URL's resolved address is allowed, so ``--url http://127.0.0.1:8000/`` may
  reach the rest of 127.0.0.0/8 and nothing else private.

IPv4 addresses carried inside IPv6 (IPv4-mapped ``::ffff:a.b.c.d``, the NAT64 well-known prefix
``64:ff9b::/96`` and 6to4 ``2002::/16``) are judged by the IPv4 address they carry, so
``::ffff:169.254.169.254`` is as link-local as the address it wraps.

The block table is explicit rather than delegated to ``ipaddress.is_private`` and friends,
whose answers have changed between Python releases; it follows the IANA IPv4 and IPv6
Special-Purpose Address Registries (RFC 6890 and successors).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PUBLIC = "public"

_V4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),  # "this network"; 0.0.0.0 reaches the local host on Linux
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared"),  # carrier-grade NAT
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link_local"),  # includes the cloud metadata service
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),  # IETF protocol assignments
    ("192.0.2.0/24", "documentation"),  # TEST-NET-1
    ("192.88.99.0/24", "reserved"),  # deprecated 6to4 relay anycast
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),  # TEST-NET-2
    ("203.0.113.0/24", "documentation"),  # TEST-NET-3
    ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "broadcast"),  # listed before 240/4: the smaller block wins
    ("240.0.0.0/4", "reserved"),
)

_V6_BLOCKS: tuple[tuple[str, str], ...] = (
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/8", "reserved"),  # deprecated IPv4-compatible and other unassigned low space
    ("64:ff9b:1::/48", "private"),  # local-use NAT64
    ("100::/64", "reserved"),  # discard-only
    ("2001:db8::/32", "documentation"),
    ("2001::/23", "reserved"),  # IETF protocol assignments (Teredo, ORCHID, …)
    ("3fff::/20", "documentation"),
    ("5f00::/16", "reserved"),  # SRv6 SIDs
    ("fc00::/7", "private"),  # unique local
    ("fe80::/10", "link_local"),
    ("fec0::/10", "private"),  # deprecated site-local
    ("ff00::/8", "multicast"),
)

_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


def _table(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[IPNetwork, str], ...]:
    networks = [(ipaddress.ip_network(cidr), category) for cidr, category in rows]
    # Most specific first, so 255.255.255.255/32 wins over 240/4 and ::1 over ::/8.
    return tuple(sorted(networks, key=lambda row: -row[0].prefixlen))


_SPECIAL_V4 = _table(_V4_BLOCKS)
_SPECIAL_V6 = _table(_V6_BLOCKS)


@dataclass(frozen=True)
class AddressVerdict:
    """Whether an address may be connected to, and what kind of address it is."""

    allowed: bool
    category: str  # "public" or the category of its special-purpose block


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64 well-known prefix, 6to4)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None


def _effective(ip: IPAddress) -> IPAddress:
    return embedded_ipv4(ip) or ip


def _classify(ip: IPAddress) -> tuple[IPNetwork | None, str]:
    ip = _effective(ip)
    table = _SPECIAL_V4 if isinstance(ip, ipaddress.IPv4Address) else _SPECIAL_V6
    for network, category in table:
        if ip in network:
            return network, category
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST_V6:
        # Outside 2000::/3 nothing is allocated as global unicast yet.
        return ipaddress.IPv6Network(f"{ip}/128"), "reserved"
    return None, PUBLIC


def special_block(ip: IPAddress | str) -> IPNetwork | None:
    """The special-purpose block holding ``ip`` (after unwrapping embedded IPv4), or None."""
    network, _category = _classify(ipaddress.ip_address(ip))
    return network


def address_category(ip: IPAddress | str) -> str:
    """``"public"`` or the category of the special-purpose block holding ``ip``."""
    _network, category = _classify(ipaddress.ip_address(ip))
    return category


_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


def literal_ip(host: str) -> IPAddress | None:
    """The address ``host`` spells, or None for a name.

    Accepts bracketed IPv6 (``[::1]``), IPv6 zone ids (``fe80::1%eth0``) and the short and
    numeric IPv4 forms that ``inet_aton`` and browsers accept (``127.1``, ``2130706433``,
    ``0x7f.0.0.1``): they are addresses, never names to look up, and must meet the policy.
    """
    text = host.strip().rstrip(".")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if "%" in text:
        try:
            return ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            return None
    if _NUMERIC_HOST.match(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


class AddressPolicy:
    """Decides per address; built once per crawl from the profile's ``network.allow``."""

    def __init__(self, allowed: Iterable[str | IPNetwork] = ()) -> None:
        self.allowed: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net
            for net in allowed
        )

    @classmethod
    def for_start_urls(
        cls, start_ips: Iterable[IPAddress | str], allowed: Iterable[str | IPNetwork] = ()
    ) -> AddressPolicy:
        """A policy that also allows the special-purpose block of each start address."""
        networks: list[str | IPNetwork] = list(allowed)
        for ip in start_ips:
            block = special_block(ip)
            if block is not None:
                networks.append(block)
        return cls(networks)

    def verdict(self, ip: IPAddress | str) -> AddressVerdict:
        address = ipaddress.ip_address(ip)
        _network, category = _classify(address)
        if category == PUBLIC:
            return AddressVerdict(True, PUBLIC)
        candidates = {address, _effective(address)}
        allowed = any(
            candidate.version == network.version and candidate in network
            for candidate in candidates
            for network in self.allowed
        )
        return AddressVerdict(allowed, category)

    def __repr__(self) -> str:
        return f"AddressPolicy(allowed={[str(n) for n in self.allowed]!r})"
