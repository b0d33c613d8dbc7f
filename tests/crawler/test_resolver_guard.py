"""The resolver and the address guard: real crawls against loopback servers, plus the gate alone.

Crawls run in a child process (see ``netlab``); names are mapped by the profile's hosts map,
so no test performs a real DNS lookup, and the child's network guard log must stay empty
unless a case expects exactly one refused lookup.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from netlab import Reply, run_crawl, serve
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError
from scrapy.utils.datatypes import LocalCache
from twisted.python.failure import Failure

from crawler.network.guard import connection_host
from crawler.network.resolver import (
    BlockedAddressError,
    HostLookup,
    NameNotResolved,
    NetworkGate,
    normalize_host,
)

ROUTES = {
    "/ok": [Reply(200)],
    "/to-metadata": [Reply(302, (("Location", "http://169.254.169.254/latest/meta-data/"),))],
    "/to-ok": [Reply(302, (("Location", "/ok"),))],
}
HOSTS = {
    "jtj.example.gov.cn": "127.0.0.1",
    "intranet.example.gov.cn": "10.1.2.3",
    "portal.example.gov.cn": "203.0.113.5",
}


@pytest.fixture(scope="module")
def site():
    with serve(ROUTES) as site:
        yield site


@pytest.fixture(scope="module")
def policy_crawl(site, tmp_path_factory: pytest.TempPathFactory):
    """One crawl whose start URL is the loopback portal: 127.0.0.0/8 allowed, nothing else."""
    portal = site.url("/", host="jtj.example.gov.cn")
    probes = {
        "mapped_loopback": site.url("/ok", host="jtj.example.gov.cn"),
        "mapped_private": "http://intranet.example.gov.cn/",
        "metadata_literal": "http://169.254.169.254/latest/meta-data/",
        "metadata_decimal": "http://2852039166/",
        "metadata_mapped_v6": "http://[::ffff:169.254.169.254]/",
        "lan_literal": "http://192.168.1.10/",
        "redirect_to_metadata": site.url("/to-metadata", host="jtj.example.gov.cn"),
        "redirect_same_site": site.url("/to-ok"),
        "reserved_invalid": "http://nowhere.invalid/",
        "unmapped_name": "http://unmapped.example.gov.cn/",
    }
    guard_log = tmp_path_factory.mktemp("guard") / "violations.log"
    settings = {"XUNCHA_HOSTS": HOSTS, "XUNCHA_START_URLS": [portal]}
    return run_crawl(probes, settings, guard_log)


MAPPED_METADATA = ipaddress.ip_address("::ffff:169.254.169.254")
BLOCKED = [
    ("mapped_private", "intranet.example.gov.cn", "10.1.2.3", "private"),
    ("metadata_literal", "169.254.169.254", "169.254.169.254", "link_local"),
    # w3lib ≥ 2.6 writes the number as browsers do (WHATWG's IPv4 parser) before the guard
    # sees it; older ones leave it as written. Either way it is the metadata address, refused.
    ("metadata_decimal", ("2852039166", "169.254.169.254"), "169.254.169.254", "link_local"),
    # str() of a mapped address differs across Python versions: compare with ipaddress's own.
    ("metadata_mapped_v6", "::ffff:169.254.169.254", str(MAPPED_METADATA), "link_local"),
    ("lan_literal", "192.168.1.10", "192.168.1.10", "private"),
    ("redirect_to_metadata", "169.254.169.254", "169.254.169.254", "link_local"),
]


@pytest.mark.parametrize(("probe", "host", "ip", "category"), BLOCKED, ids=[b[0] for b in BLOCKED])
def test_blocked_requests_reach_the_errback_with_their_category(
    policy_crawl, probe: str, host: str | tuple[str, ...], ip: str, category: str
) -> None:
    outcome = policy_crawl.outcomes[probe]
    assert outcome["kind"] == "failure"
    assert outcome["error"] == "BlockedAddress"
    assert "IgnoreRequest" in outcome["error_types"]
    assert outcome["host"] in (host if isinstance(host, tuple) else (host,))
    assert (outcome["ip"], outcome["category"]) == (ip, category)
    assert outcome["retry_times"] == 0


def test_refused_addresses_are_never_contacted(policy_crawl) -> None:
    # The child's guard logs any connection outside loopback; the unmapped name's lookup is the
    # only refusal expected (checked in its own test).
    attempts = policy_crawl.guard_log.strip().splitlines()
    assert [line for line in attempts if "unmapped.example.gov.cn" not in line] == []
    assert policy_crawl.stats["xuncha/net/blocked"] == len(BLOCKED)
    assert policy_crawl.stats["xuncha/net/blocked/link_local"] == 4
    assert policy_crawl.stats["xuncha/net/blocked/private"] == 2


def test_mapped_name_reaches_the_loopback_server(policy_crawl, site) -> None:
    outcome = policy_crawl.outcomes["mapped_loopback"]
    assert (outcome["kind"], outcome["status"]) == ("response", 200)
    hosts = [hit.host for hit in site.requests.matching(path="/ok")]
    assert hosts.count(f"jtj.example.gov.cn:{site.port}") == 1


def test_redirect_to_metadata_is_refused_after_the_first_hop(policy_crawl, site) -> None:
    outcome = policy_crawl.outcomes["redirect_to_metadata"]
    assert outcome["url"] == "http://169.254.169.254/latest/meta-data/"
    assert outcome["redirect_urls"] == [site.url("/to-metadata", host="jtj.example.gov.cn")]
    assert len(site.requests.matching(path="/to-metadata")) == 1


def test_redirect_within_the_start_network_is_followed(policy_crawl, site) -> None:
    outcome = policy_crawl.outcomes["redirect_same_site"]
    assert (outcome["kind"], outcome["status"], outcome["url"]) == (
        "response",
        200,
        site.url("/ok"),
    )


def test_invalid_names_fail_as_dns_errors_without_a_lookup(policy_crawl) -> None:
    outcome = policy_crawl.outcomes["reserved_invalid"]
    assert outcome["error"] == "NameNotResolved"
    assert {"CannotResolveHostError", "DNSLookupError"} <= set(outcome["error_types"])
    assert outcome["transient"] is False
    assert "RFC 6761" in outcome["message"]
    assert "nowhere.invalid" not in policy_crawl.guard_log
    assert policy_crawl.stats["xuncha/retry/skipped/dns"] >= 1


def test_unmapped_names_fail_as_dns_errors_and_real_dns_is_never_asked(policy_crawl) -> None:
    outcome = policy_crawl.outcomes["unmapped_name"]
    assert (outcome["error"], outcome["transient"]) == ("NameNotResolved", False)
    # The system resolver was asked and the suite's guard refused the lookup: the only entry
    # of the child's guard log, and the resolver turned it into a clean, final DNS failure.
    lines = policy_crawl.guard_log.strip().splitlines()
    assert len(lines) == 1
    assert "name lookup to 'unmapped.example.gov.cn'" in lines[0]
    assert policy_crawl.stats["xuncha/net/dns_failed"] == 2  # .invalid and the unmapped name


LOOPBACK_V4_V6 = ["127.0.0.0/8", "::1/128"]
START_NETWORK_CASES = [
    # (id, start URL, allowed networks, probe, expected: "response" or the refused category).
    # The localhost probes go through the system resolver (the suite's guard lets "localhost"
    # through); it may answer 127.0.0.1, ::1 or both, so each case holds for any of those.
    ("loopback_start_allows_loopback", "http://jtj.example.gov.cn/", [], "literal", "response"),
    ("public_start_refuses_loopback", "http://portal.example.gov.cn/", [], "literal", "loopback"),
    ("public_start_refuses_localhost", "http://portal.example.gov.cn/", [], "name", "loopback"),
    (
        "allow_list_admits_loopback",
        "http://portal.example.gov.cn/",
        LOOPBACK_V4_V6,
        "literal",
        "response",
    ),
    (
        "allow_list_admits_localhost",
        "http://portal.example.gov.cn/",
        LOOPBACK_V4_V6,
        "name",
        "response",
    ),
]


@pytest.fixture(scope="module")
def start_network_crawls(
    site, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, tuple[str, ...]], Any]:
    probes = {"literal": site.url("/ok"), "name": site.url("/ok", host="localhost")}
    results = {}
    for start_url, allowed in {(case[1], tuple(case[2])) for case in START_NETWORK_CASES}:
        settings = {
            "XUNCHA_HOSTS": HOSTS,
            "XUNCHA_START_URLS": [start_url],
            "XUNCHA_ALLOWED_NETWORKS": list(allowed),
        }
        guard_log = tmp_path_factory.mktemp("guard") / "violations.log"
        results[(start_url, allowed)] = run_crawl(probes, settings, guard_log)
    return results


@pytest.mark.parametrize(
    ("start_url", "allowed", "probe", "expected"),
    [case[1:] for case in START_NETWORK_CASES],
    ids=[case[0] for case in START_NETWORK_CASES],
)
def test_start_network_and_allow_list(
    start_network_crawls, start_url: str, allowed: list[str], probe: str, expected: str
) -> None:
    result = start_network_crawls[(start_url, tuple(allowed))]
    outcome = result.outcomes[probe]
    assert result.guard_log == ""
    if expected == "response":
        assert (outcome["kind"], outcome["status"]) == ("response", 200)
    else:
        assert (outcome["error"], outcome["category"]) == ("BlockedAddress", expected)


def test_reactor_resolver_refuses_even_without_the_guard(
    site, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With the middleware off, the download handler's own lookup still refuses 10.1.2.3."""
    settings = {
        "XUNCHA_HOSTS": HOSTS,
        "XUNCHA_START_URLS": [site.url("/", host="jtj.example.gov.cn")],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.network.retry.RetryAfterMiddleware": 550,
        },
    }
    probes = {
        "private": "http://intranet.example.gov.cn:8080/",
        "loopback": site.url("/ok", host="jtj.example.gov.cn"),
    }
    guard_log = tmp_path_factory.mktemp("guard") / "violations.log"
    result = run_crawl(probes, settings, guard_log)
    assert result.guard_log == ""
    assert result.outcomes["private"]["error"] == "CannotResolveHostError"
    assert (
        "refused to connect: intranet.example.gov.cn resolves to 10.1.2.3 (private)" in result.log
    )
    assert result.outcomes["loopback"]["status"] == 200
    assert "xuncha/net/blocked" not in result.stats


# --- the gate alone: static answers fire synchronously, no reactor needed -----------------


def _outcome(deferred: Any) -> Any:
    box: list[Any] = []
    deferred.addBoth(box.append)
    assert box, "the gate should answer static names without waiting"
    return box[0]


def _gate(allowed: list[str], start_urls: list[str]) -> NetworkGate:
    lookup = HostLookup(None, HOSTS, cache=LocalCache(10))
    return NetworkGate(lookup, allowed=allowed, start_urls=start_urls)


GATE_CASES = [
    ("literal_loopback_with_loopback_start", "127.0.0.2", ["http://127.0.0.1:8000/"], [], "ok"),
    ("mapped_name", "JTJ.Example.Gov.CN.", ["http://127.0.0.1/"], [], "ok"),
    ("private_name", "intranet.example.gov.cn", ["http://127.0.0.1/"], [], "private"),
    ("private_name_allowed", "intranet.example.gov.cn", [], ["10.0.0.0/8"], "ok"),
    (
        "loopback_from_documentation_start",
        "127.0.0.1",
        ["http://portal.example.gov.cn/"],
        [],
        "loopback",
    ),
    ("documentation_neighbour", "203.0.113.77", ["http://portal.example.gov.cn/"], [], "ok"),
    ("invalid", "www.example.invalid", ["http://127.0.0.1/"], [], "dns"),
    ("bare_invalid", "invalid", [], [], "dns"),
    ("public_literal", "8.8.8.8", [], [], "ok"),
]


@pytest.mark.parametrize(
    ("host", "start_urls", "allowed", "expected"),
    [case[1:] for case in GATE_CASES],
    ids=[case[0] for case in GATE_CASES],
)
def test_gate_verdicts(host: str, start_urls: list[str], allowed: list[str], expected: str) -> None:
    result = _outcome(_gate(allowed, start_urls).admit(host))
    if expected == "ok":
        assert isinstance(result, tuple) and result
    elif expected == "dns":
        assert isinstance(result, Failure) and result.check(NameNotResolved)
        assert isinstance(result.value, CannotResolveHostError)
        assert isinstance(result.value, NameNotResolved) and result.value.transient is False
    else:
        assert isinstance(result, Failure) and result.check(BlockedAddressError)
        assert isinstance(result.value, BlockedAddressError) and result.value.category == expected


def test_hosts_map_rejects_names_as_targets() -> None:
    with pytest.raises(ValueError, match="must map to an IP address"):
        HostLookup(None, {"a.example.gov.cn": "b.example.gov.cn"})


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("WWW.Example.GOV.cn.", "www.example.gov.cn"), ("[::1]", "::1"), ("政府.cn", "xn--mxtq1m.cn")],
    ids=["case_and_dot", "bracketed_v6", "idna"],
)
def test_normalize_host(raw: str, normal: str) -> None:
    assert normalize_host(raw) == normal


def test_blocked_error_is_a_dns_error_but_not_a_resolution_failure() -> None:
    error = BlockedAddressError("a.example.gov.cn", "10.0.0.1", "private")
    assert isinstance(error, OSError) and not isinstance(error, CannotResolveHostError)
    assert "10.0.0.1 (private)" in str(error)


CONNECTION_HOSTS = [
    ("url_host", "http://JTJ.example.gov.cn:8080/a", {}, "jtj.example.gov.cn"),
    ("ipv6_literal", "https://[::1]:8443/", {}, "::1"),
    ("proxy_url", "http://jtj.example.gov.cn/", {"proxy": "http://10.0.0.1:3128"}, "10.0.0.1"),
    (
        "proxy_bare",
        "http://jtj.example.gov.cn/",
        {"proxy": "gw.example.gov.cn:8080"},
        "gw.example.gov.cn",
    ),
    ("data_scheme", "data:,hello", {}, None),
    ("file_scheme", "file:///etc/hosts", {}, None),
]


@pytest.mark.parametrize(
    ("url", "meta", "host"), [c[1:] for c in CONNECTION_HOSTS], ids=[c[0] for c in CONNECTION_HOSTS]
)
def test_connection_host_is_where_the_socket_goes(url: str, meta: dict, host: str | None) -> None:
    assert connection_host(Request(url, meta=meta)) == host
