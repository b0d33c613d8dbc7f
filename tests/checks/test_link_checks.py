"""broken_link / wrong_link / tls_certificate / site_unreachable over hand-made crawl data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from checks.config import CheckSettings
from checks.links import broken_links, wrong_links
from checks.model import CertificateView, CheckView, CrawlData, Link
from checks.registry import REGISTRY, run_checks
from checks.site import site_unreachable, tls_certificates

PAGE = "https://xxgk.example.gov.cn/zcwj/t20261015_1.html"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()


def link(target, text="原文件", raw=None, tag="a", kind="page", page=PAGE):
    return Link(page, target, target if raw is None else raw, tag, "href", kind, text)


def check(
    target,
    status=200,
    error=None,
    method="GET",
    redirects=(),
    final_url=None,
    title="标题",
    sample="正文" * 400,
    content_hash="h",
    probe=False,
    detail=None,
):
    return CheckView(
        target,
        method,
        status,
        error,
        detail,
        final_url or target,
        tuple(redirects),
        "text/html",
        title,
        sample,
        content_hash,
        probe,
    )


def data(links, checks, certificates=(), unreachable=None):
    return CrawlData(
        "站",
        ("https://jtj.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        unreachable,
        links=tuple(links),
        link_checks={c.target: c for c in checks},
        certificates=tuple(certificates),
    )


T = "https://xxgk.example.gov.cn/a.html"
PROBE = "https://xxgk.example.gov.cn/xuncha-probe-1.html"

BROKEN = [
    ("404", [check(T, 404)], "http_404"),
    ("500", [check(T, 500)], "http_500"),
    ("timeout", [check(T, None, "timeout")], "timeout"),
    ("dns", [check(T, None, "dns_error")], "dns_error"),
    ("refused", [check(T, None, "connection_refused")], "connection_refused"),
    ("tls", [check(T, 200, "tls_error")], "tls_error"),
    ("loop", [check(T, None, "redirect_loop")], "redirect_loop"),
    ("chain-to-404", [check(T, 404, redirects=(T, T + "?b"))], "redirect_error"),
    ("soft-404-title", [check(T, title="页面不存在")], "soft_404"),
    (
        "soft-404-short-text",
        [check(T, title="交通运输局", sample="对不起，您访问的页面已删除")],
        "soft_404",
    ),
    (
        "soft-404-same-as-probe",
        [check(T, content_hash="p"), check(PROBE, content_hash="p", probe=True)],
        "soft_404",
    ),
    ("ok", [check(T)], None),
    ("ok-head", [check(T, method="HEAD", sample=None)], None),
    ("ok-long-page-mentions-deleted", [check(T, sample="本条已删除的说明。" + "正文" * 400)], None),
    ("not-checked", [], None),
]


@pytest.mark.parametrize(("checks", "subtype"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_link_subtypes(checks, subtype):
    found = broken_links(data([link(T)], checks), PROFILE, AS_OF)
    assert [f.subtype for f in found] == ([subtype] if subtype else [])
    if subtype:
        assert found[0].url == T and found[0].pages == (PAGE,) and found[0].key == T


def test_one_finding_per_target_lists_every_page():
    pages = [f"https://xxgk.example.gov.cn/p{i}.html" for i in range(3)]
    found = broken_links(
        data([link(T, page=p) for p in pages + pages[:1]], [check(T, 404)]), PROFILE, AS_OF
    )
    assert len(found) == 1
    assert found[0].pages == tuple(pages) and found[0].page == pages[0]
    assert found[0].evidence["status"] == 404


WRONG = [
    (
        "javascript-download",
        link("javascript:void(0)", "下载附件"),
        "javascript_placeholder",
        "javascript:void(0)",
    ),
    ("empty-attachment", link("", "附件"), "empty_href", ""),
    ("hash-details", link("#", "详见通知"), "hash_href", "#"),
    (
        "file-url",
        link("file:///C:/Users/a/通知.doc", "通知"),
        "file_url",
        "file:///C:/Users/a/通知.doc",
    ),
    ("windows-path", link("D:\\文件\\预算.xls", "预算"), "windows_path", "D:\\文件\\预算.xls"),
    (
        "bad-port",
        link("http://www.example.gov.cn:80abc.html", "通知"),
        "malformed_url",
        "http://www.example.gov.cn:80abc.html",
    ),
    (
        "port-too-big",
        link("http://www.example.gov.cn:99999/a.html", "下载"),
        "malformed_url",
        "http://www.example.gov.cn:99999/a.html",
    ),
    ("no-host", link("http:///zwgk/a.html", "通知"), "malformed_url", "http:///zwgk/a.html"),
    ("good-port", link("http://www.example.gov.cn:8080/a.html", "下载"), None, None),
    ("javascript-print", link("javascript:void(0)", "打印本页"), None, None),
    ("hash-top", link("#", "返回顶部"), None, None),
    ("javascript-close", link("javascript:window.close()", "关闭窗口"), None, None),
    ("mailto", link("mailto:a@b.gov.cn", "联系我们"), None, None),
]


@pytest.mark.parametrize(
    ("item", "subtype", "url"), [w[1:] for w in WRONG], ids=[w[0] for w in WRONG]
)
def test_wrong_link_placeholders(item, subtype, url):
    found = wrong_links(data([item], []), PROFILE, AS_OF)
    assert [(f.subtype, f.url) for f in found] == ([(subtype, url)] if subtype else [])


BLOCKED = [
    ("private-ip", "http://192.168.1.10/oa/", "private 192.168.1.10", "private_address"),
    (
        "metadata",
        "http://169.254.169.254/latest/",
        "link_local 169.254.169.254",
        "link_local_address",
    ),
    ("intranet-name", "http://oa.example.gov.cn/", "private 10.20.30.40", "intranet_host"),
]


@pytest.mark.parametrize(
    ("target", "detail", "subtype"), [b[1:] for b in BLOCKED], ids=[b[0] for b in BLOCKED]
)
def test_blocked_addresses_are_wrong_links_not_broken(target, detail, subtype):
    crawl = data([link(target, "办公系统")], [check(target, None, "blocked", detail=detail)])
    assert [(f.subtype, f.url) for f in wrong_links(crawl, PROFILE, AS_OF)] == [(subtype, target)]
    assert broken_links(crawl, PROFILE, AS_OF) == []


def cert(host, days, trusted=True, hostname_ok=True, port=443):
    return CertificateView(
        host,
        port,
        trusted,
        hostname_ok,
        None if trusted else "self signed",
        NOW + timedelta(days=days),
    )


CERTS = [
    ("expiring", cert("jtj.example.gov.cn", 20), "expiring"),
    ("expired", cert("jtj.example.gov.cn", -1), "expired"),
    ("untrusted", cert("jtj.example.gov.cn", 200, trusted=False), "untrusted"),
    ("mismatch", cert("jtj.example.gov.cn", 200, hostname_ok=False), "hostname_mismatch"),
    ("fine", cert("jtj.example.gov.cn", 31), None),
    ("external-is-not-ours", cert("www.example-partner.cn", 3, trusted=False), None),
]


@pytest.mark.parametrize(("item", "subtype"), [c[1:] for c in CERTS], ids=[c[0] for c in CERTS])
def test_tls_certificate(item, subtype):
    found = tls_certificates(data([], [], [item]), PROFILE, AS_OF)
    assert [f.subtype for f in found] == ([subtype] if subtype else [])
    if subtype:
        assert found[0].url == "https://jtj.example.gov.cn/"


def test_unreachable_site_gives_only_that_finding():
    crawl = data([link(T)], [check(T, 404)], unreachable="dns_error: no such host")
    found = run_checks(crawl, PROFILE, AS_OF)
    assert [(f.check, f.url) for f in found] == [
        ("site_unreachable", "https://jtj.example.gov.cn/")
    ]
    assert site_unreachable(data([], []), PROFILE, AS_OF) == []


def test_registry_documents_every_check():
    for check_id, info in REGISTRY.items():
        assert info.id == check_id
        assert info.zh.strip() and info.en.strip() and callable(info.run)


def test_one_certificate_on_two_portal_hosts_is_one_finding():
    xxgk = CertificateView(
        "xxgk.example.gov.cn",
        443,
        trusted=True,
        hostname_ok=True,
        verify_error=None,
        not_after=NOW + timedelta(days=20),
        subject="CN=*.example.gov.cn",
        issuer="CN=CA",
    )
    certs = [xxgk, replace(xxgk, host="jtj.example.gov.cn")]
    found = tls_certificates(data([], [], certs), PROFILE, AS_OF)
    assert [(f.subtype, f.url) for f in found] == [("expiring", "https://jtj.example.gov.cn/")]
    assert found[0].pages == ("https://jtj.example.gov.cn/", "https://xxgk.example.gov.cn/")
    assert found[0].evidence["days_left"] == 20


def test_what_the_profile_names_counts_even_if_nothing_links_it():
    from checks.model import ColumnView

    column = ColumnView(
        "https://xxgk.example.gov.cn/gone/", "通知公告", None, None, "profile", 0, None, 0
    )
    second = "https://xxgk.example.gov.cn/zwgk2/"
    crawl = CrawlData(
        "站", ("https://jtj.example.gov.cn/", second), ("example.gov.cn",), NOW,
        columns=(column,),
        link_checks={c.target: c for c in [check(column.url, 404), check(second, 500)]},
    )  # fmt: skip
    found = {(f.subtype, f.url) for f in broken_links(crawl, PROFILE, AS_OF)}
    assert found == {("http_404", column.url), ("http_500", second)}
