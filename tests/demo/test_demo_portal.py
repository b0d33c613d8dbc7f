"""The demo portal on loopback: every planted defect and negative behaves as declared.

A real :class:`DemoPortal` serves these tests over HTTP and HTTPS (fixtures in ``conftest.py``,
client in ``demo_client.py``): links are read from the pages with lxml, independently of the
crawler's parsers. The content plants of issue 3 are tested in ``test_demo_content.py``, issue
11's 暗链, 外链变质 and 办事指南 in ``test_demo_harmful_and_guides.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from cryptography import x509
from demo_client import (
    COLUMN_KINDS,
    JTJ,
    KIND_WINDOWS,
    SOFT_404_WORDS,
    WARN_WITHIN_DAYS,
    XXGK,
    classify,
    fetch_page,
    page_encoding,
)

from xuncha.demo import DEMO_AS_OF, DemoPortal, article_paths, demo_profile, list_pages
from xuncha.demo.catalog import COLUMNS, LIST_STYLES, articles_of, list_page_paths
from xuncha.demo.expected import NEGATIVES, NEVER_FETCHED, PLANTED, Negative, Planted
from xuncha.demo.profile import REQUEST_TIMEOUT

# --- planted defects and negatives, server side ---------------------------------------------

BROKEN = [p for p in PLANTED if p.check == "broken_link"]


@pytest.mark.parametrize("planted", BROKEN, ids=[f"{p.subtype}:{p.note[:30]}" for p in BROKEN])
def test_planted_broken_link_fails_as_declared(portal, client, soft_404_body, planted):
    assert classify(client, planted.resolve(portal), soft_404_body) == planted.subtype


HTTP_NEGATIVES = [n for n in NEGATIVES if n.url.startswith("http")]


@pytest.mark.parametrize("negative", HTTP_NEGATIVES, ids=[n.note[:40] for n in HTTP_NEGATIVES])
def test_negative_link_works(portal, client, soft_404_body, negative):
    assert classify(client, negative.resolve(portal), soft_404_body) == "ok"


def test_soft_404_is_the_same_page_for_every_unknown_xxgk_page(portal, client, soft_404_body):
    text = soft_404_body.decode()
    assert all(word in text for word in SOFT_404_WORDS)
    other = client.request("GET", portal.url(XXGK, "/zcwj/202001/t20200101_99.html"))
    assert (other.status_code, other.content) == (200, soft_404_body)
    assert client.request("GET", portal.url(XXGK, "/images/none.png")).status_code == 404
    assert client.request("GET", portal.url(JTJ, "/no-such-page.html")).status_code == 404


def test_redirects_are_exactly_as_planted(portal, client):
    hops = {"/loop/a": (302, "/loop/b"), "/loop/b": (302, "/loop/a"), "/old/x": (301, "/old/y")}
    hops["/old/y"] = (302, "/old/z")
    for path, (status, location) in hops.items():
        response = client.request("GET", portal.url(JTJ, path))
        assert (response.status_code, response.headers["Location"]) == (status, location)
    assert client.request("GET", portal.url(JTJ, "/old/z")).status_code == 404


def test_head_oddities_are_head_only(portal, client):
    guide = portal.url("www.example-partner.cn", "/service/guide.html")
    notice = portal.url("www.example-partner.cn", "/news/notice.html")
    assert client.request("HEAD", guide).status_code == 405
    assert client.request("HEAD", notice).status_code == 404
    assert [client.request("GET", url).status_code for url in (guide, notice)] == [200, 200]


def test_rate_limited_page_answers_429_then_200_and_again_after_reset(portal, client):
    url = portal.url("www.example-partner.cn", "/bus/realtime.html")
    for _ in range(2):
        portal.reset()
        first, second = client.request("GET", url), client.request("GET", url)
        assert (first.status_code, first.headers["Retry-After"]) == (429, "1")
        assert second.status_code == 200
        assert portal.site.attempts("www.example-partner.cn", "/bus/realtime.html") == 2


def test_slow_host_outlasts_the_profile_timeout(portal, client):
    portal.reset()
    with pytest.raises(httpx.ReadTimeout):
        client.request("GET", portal.url("slow.example-partner.cn", "/", "http"), timeout=0.5)
    assert portal.slow_seconds > REQUEST_TIMEOUT
    assert portal.count(host="slow.example-partner.cn") == 1


def test_persistent_500_stays_500(portal, client):
    url = portal.url(JTJ, "/hdjl/zxft/interview.jsp?id=2610")
    assert [client.request("GET", url).status_code for _ in range(3)] == [500, 500, 500]


@pytest.mark.parametrize(
    ("path", "content_type", "magic"),
    [
        ("/module/download/附件1：2026年部门预算.pdf", "application/pdf", b"%PDF-1.4"),
        (
            "/module/download/%E9%99%84%E4%BB%B61%EF%BC%9A2026%E5%B9%B4%E9%83%A8%E9%97%A8"
            "%E9%A2%84%E7%AE%97.pdf",
            "application/pdf",
            b"%PDF-1.4",
        ),
    ],
    ids=["chinese-name-raw", "chinese-name-encoded"],
)
def test_chinese_named_attachment_is_served(portal, client, path, content_type, magic):
    response = client.request("GET", portal.url(XXGK, path))
    assert (response.status_code, response.headers["Content-Type"]) == (200, content_type)
    assert response.content.startswith(magic) and response.content.rstrip().endswith(b"%%EOF")


def test_gbk_column_is_gbk_with_a_lying_header(portal, client):
    for path in ("/zdjsxm/", articles_of(next(c for c in COLUMNS if c.key == "zdjsxm"))[0].path):
        response = client.request("GET", portal.url(XXGK, path))
        assert response.headers["Content-Type"] == "text/html; charset=ISO-8859-1"
        assert b'content="text/html; charset=gb2312"' in response.content
        assert "重大建设项目".encode("gbk") in response.content
        with pytest.raises(UnicodeDecodeError):
            response.content.decode("utf-8")


def test_plain_http_sends_portal_hosts_to_https(portal, client):
    response = client.request("GET", portal.url(XXGK, "/zcwj/", "http"))
    assert (response.status_code, response.headers["Location"]) == (301, portal.url(XXGK, "/zcwj/"))


def test_robots_txt_disallows_everything(portal, client):
    for host in (JTJ, XXGK):
        assert client.request("GET", portal.url(host, "/robots.txt")).text == (
            "User-agent: *\nDisallow: /\n"
        )


# --- certificates ---------------------------------------------------------------------------


def peer_certificate(portal: DemoPortal, host: str) -> x509.Certificate:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", portal.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
        assert der is not None  # the handshake is done: the host has sent its certificate
        return x509.load_der_x509_certificate(der)


def test_portal_certificate_expires_in_20_days_and_chains_to_the_demo_ca(portal, client):
    ca = x509.load_pem_x509_certificate(Path(portal.ca_pem_path).read_bytes())
    for host in (JTJ, XXGK):
        cert = peer_certificate(portal, host)
        days_left = cert.not_valid_after_utc - dt.datetime.now(dt.UTC)
        assert dt.timedelta(days=19) < days_left <= dt.timedelta(days=20)
        cert.verify_directly_issued_by(ca)
        assert client.request("GET", portal.url(host, "/")).status_code == 200


def test_selfsigned_host_is_untrusted(portal, client):
    ca = x509.load_pem_x509_certificate(Path(portal.ca_pem_path).read_bytes())
    cert = peer_certificate(portal, "selfsigned.example-partner.cn")
    assert cert.issuer == cert.subject != ca.subject
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        client.request("GET", portal.url("selfsigned.example-partner.cn", "/"))
    partner = peer_certificate(portal, "www.example-partner.cn")
    partner.verify_directly_issued_by(ca)


# --- content: lists, articles, the answer key -----------------------------------------------


def test_every_article_is_linked_from_a_list_page(portal, client):
    linked = set()
    for host, path in list_pages():
        for _, url, _ in fetch_page(client, portal.url(host, path)):
            parts = urlsplit(url)
            linked.add((parts.hostname, parts.path))
    assert 60 <= len(article_paths()) <= 110  # issue 3 added 17 items in six columns
    assert article_paths() - linked == set()


@pytest.mark.parametrize("column", COLUMNS, ids=[c.key for c in COLUMNS])
def test_every_list_page_answers_under_each_of_its_names(portal, client, column):
    bodies = [
        {client.request("GET", portal.url(XXGK, name)).content for name in names}
        for names in list_page_paths(column)
    ]
    assert all(len(same) == 1 for same in bodies)
    assert len({next(iter(same)) for same in bodies}) == column.page_count


PAGER_MARKS = {
    "trs_script": r'createPageHTML\(3, 0, "index", "html"\)',
    "count_page": r"var countPage = 3;",
    "query": r'<a href="\?page=2">下一页</a> <a href="\?page=3">尾页</a>',
    "path_pager": r'<a href="list-2.shtml">2</a>',
    "hanweb": r"<recordset>\s*<record><!\[CDATA\[",
    "table": r"<th>名称</th><th>发布日期</th>",
    "plain": r'<ul class="list">',
}


@pytest.mark.parametrize("style", LIST_STYLES)
def test_each_list_style_is_used_and_marked_up_as_its_cms_does(portal, client, style):
    column = next(c for c in COLUMNS if c.list_style == style)
    text = client.request("GET", portal.url(XXGK, column.path)).content.decode(column.encoding)
    assert re.search(PAGER_MARKS[style], text)


def inspector_verdict(column) -> str | None:
    """The stale_column subtype an inspector gives the column on DEMO_AS_OF; None when it is
    fresh, static or blank (a blank column is blank_column's)."""
    kind, items = COLUMN_KINDS[column.key], articles_of(column)
    if kind == "static" or not items:
        return None
    if column.undated:
        return "no_dates"
    window = KIND_WINDOWS.get(kind, 365)
    age = (DEMO_AS_OF - items[0].published.date()).days
    if age > window:
        return kind
    return "about_to_go_stale" if age > window - min(WARN_WITHIN_DAYS, window // 2) else None


@pytest.mark.parametrize("column", COLUMNS, ids=[c.key for c in COLUMNS])
def test_column_freshness_is_what_the_answer_key_plants(portal, column):
    """Issue 2's columns are fresh; issue 3 planted 栏目不更新 in exactly the columns it lists."""
    planted = {p.resolve(portal): p.subtype for p in PLANTED if p.check == "stale_column"}
    assert planted.get(portal.url(XXGK, column.path)) == inspector_verdict(column)
    assert all(item.published.date() <= DEMO_AS_OF for item in articles_of(column))


def test_the_planted_stale_columns_are_the_issue_3_ones():
    stale = sorted(c.key for c in COLUMNS if inspector_verdict(c))
    assert stale == ["ghjh", "gsgg", "qzqd", "tjxx", "xqdt"]


WITH_PAGE = [p for p in PLANTED if p.page] + [n for n in NEGATIVES if n.page]


@pytest.mark.parametrize("entry", WITH_PAGE, ids=[e.note[:40] for e in WITH_PAGE])
def test_answer_key_matches_the_page(portal, client, entry):
    wanted = entry.resolve(portal)
    links = fetch_page(client, portal.url(XXGK, entry.page))
    as_written = getattr(entry, "check", "") == "wrong_link" or not wanted.startswith("http")
    found = [text for raw, url, text in links if (raw if as_written else url) == wanted]
    assert found, f"{wanted!r} not on {entry.page}"
    if entry.link_text:
        assert entry.link_text in found


def test_pages_have_no_unplanted_defects(portal, client, soft_404_body):
    entries: list[Planted | Negative] = [*PLANTED, *NEGATIVES]
    declared = {entry.resolve(portal) for entry in entries}
    placeholders = {(entry.resolve(portal), entry.link_text) for entry in entries}
    pages = [portal.url(JTJ, "/"), portal.url(XXGK, "/")]
    html_articles = [(XXGK, a.path) for c in COLUMNS for a in articles_of(c) if a.is_page]
    pages += [portal.url(host, path) for host, path in sorted(list_pages() + html_articles)]
    targets: set[str] = set()
    for page in pages:
        for raw, url, text in fetch_page(client, page):
            if not url.startswith("http") or raw.strip() in ("", "#"):
                known = (raw, text) in placeholders or (raw, "") in placeholders
                assert known, f"undeclared link {raw!r} ({text}) on {page}"
            elif url not in declared:
                targets.add(url.split("#", 1)[0])
    verdicts = {url: classify(client, url, soft_404_body) for url in sorted(targets)}
    assert {url: v for url, v in verdicts.items() if v != "ok"} == {}
    for url in targets & {portal.url(JTJ, path) for _, path in NEVER_FETCHED}:
        pytest.fail(f"{url} must be linked only from the 新闻中心 page")
    for page in pages:
        html = client.request("GET", page).content
        assert not any(w in html.decode(page_encoding(html)) for w in SOFT_404_WORDS), page


def test_outside_section_articles_are_linked_only_from_xwzx(portal, client):
    linked = {url for _, url, _ in fetch_page(client, portal.url(JTJ, "/xwzx/"))}
    for host, path in NEVER_FETCHED:
        assert portal.url(host, path) in linked
        assert client.request("GET", portal.url(host, path)).status_code == 200


# --- request accounting and the profile -----------------------------------------------------


def test_request_accounting_counts_what_was_served(portal, client):
    portal.reset()
    client.request("GET", portal.url(XXGK, "/zcjd/?page=2"))
    client.request("HEAD", portal.url(XXGK, "/zcjd/"))
    client.request("GET", portal.url(XXGK, "/module/download/附件1：2026年部门预算.pdf"))
    assert [(r.method, r.host, r.status) for r in portal.requests] == [
        ("GET", XXGK, 200),
        ("HEAD", XXGK, 200),
        ("GET", XXGK, 200),
    ]
    assert portal.count(host=XXGK) == 3
    assert portal.count(method="GET", path="/zcjd/") == 1
    assert portal.count(path="/zcjd/?page=2") == 1
    assert portal.count(path="/zcjd/") == 2
    assert portal.count(path="/module/download/附件1：2026年部门预算.pdf") == 1
    assert portal.requests[0].path_with_query == "/zcjd/?page=2"
    portal.reset()
    assert portal.requests == [] and portal.count() == 0


def test_demo_profile_is_yaml_ready_and_maps_every_demo_host(portal):
    profile = demo_profile(portal)
    assert yaml.safe_load(yaml.safe_dump(profile, allow_unicode=True)) == profile
    assert profile["start_urls"] == [portal.url(JTJ, "/")]
    assert profile["scope"] == {"mode": "sections", "sections": [portal.url(XXGK, "/")]}
    assert Path(profile["tls"]["ca_file"]).read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    hosts = profile["network"]["hosts"]
    assert hosts.pop("oa.example.gov.cn") == "10.20.30.40"
    # the six demo hosts and the five outside sites of issue 11 (casinos, partner, gov sites)
    assert set(hosts.values()) == {"127.0.0.1"} and len(hosts) == 11
    assert {"www.amxpj8866.example", "www.lyly-travel.example"} <= hosts.keys()
    assert "www.gone-site.invalid" not in hosts
    assert profile["timeouts"] == {"request": 2, "retries": 2}
    assert "columns" not in profile
