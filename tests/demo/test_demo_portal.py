"""The demo portal on loopback: every planted defect and negative behaves as declared.

A real :class:`DemoPortal` serves these tests over HTTP and HTTPS; the client never does DNS:
it connects to 127.0.0.1 and names the virtual host with the ``Host`` header and TLS SNI
(``extensions={"sni_hostname": ...}``), verifying against the demo CA. Links are read from
the pages with lxml, independently of the crawler's parsers.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.etree
import lxml.html
import pytest
import yaml
from cryptography import x509

from xuncha.demo import DEMO_AS_OF, DemoPortal, article_paths, demo_profile, list_pages
from xuncha.demo.columns import COLUMNS, LIST_STYLES, articles_of, list_page_paths
from xuncha.demo.expected import NEGATIVES, NEVER_FETCHED, PLANTED
from xuncha.demo.profile import REQUEST_TIMEOUT

XXGK = "xxgk.example.gov.cn"
JTJ = "jtj.example.gov.cn"
SOFT_404_WORDS = ("页面不存在", "已删除")


class LoopbackClient:
    """httpx clients, one per (scheme, host), that reach demo hosts through the profile's hosts
    map; a name absent from the map raises ``LookupError`` instead of a DNS query."""

    def __init__(self, portal: DemoPortal) -> None:
        self.hosts = demo_profile(portal)["network"]["hosts"]
        self.trust = ssl.create_default_context(cafile=str(portal.ca_pem_path))
        self._clients: dict[tuple[str, str], httpx.Client] = {}

    def request(self, method: str, url: str, timeout: float = 5.0) -> httpx.Response:
        parts = urlsplit(url)
        address = self.hosts.get(parts.hostname)
        if address is None:
            raise LookupError(parts.hostname)
        assert address == "127.0.0.1", f"{url} is not on loopback"
        key = (parts.scheme, parts.hostname)
        if key not in self._clients:
            verify = self.trust if parts.scheme == "https" else False
            self._clients[key] = httpx.Client(verify=verify, trust_env=False)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return self._clients[key].request(
            method,
            f"{parts.scheme}://127.0.0.1:{parts.port}{target}",
            headers={"Host": parts.netloc},
            extensions={"sni_hostname": parts.hostname} if parts.scheme == "https" else {},
            timeout=timeout,
        )

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPortal]:
    with DemoPortal(tmp_path_factory.mktemp("demo-portal")) as running:
        yield running


@pytest.fixture(scope="module")
def client(portal: DemoPortal) -> Iterator[LoopbackClient]:
    loopback = LoopbackClient(portal)
    yield loopback
    loopback.close()


def classify(client: LoopbackClient, url: str, soft_404_body: bytes) -> str:
    """What a link checker should conclude about ``url``: ``ok`` or a broken_link subtype."""
    seen: list[str] = []
    retried = False
    while True:
        seen.append(url)
        try:
            response = client.request("GET", url, timeout=REQUEST_TIMEOUT)
        except LookupError:
            return "dns_error"
        except httpx.TimeoutException:
            return "timeout"
        except httpx.ConnectError as error:
            return "tls_error" if "CERTIFICATE" in str(error) else "connection_refused"
        if response.status_code == 429 and not retried:
            retried = True  # the portal does not enforce Retry-After; retry at once
            continue
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url in seen:
                return "redirect_loop"
            continue
        if response.status_code >= 400:
            return "redirect_error" if len(seen) > 1 else f"http_{response.status_code}"
        if response.content == soft_404_body:
            return "soft_404"
        return "ok"


@pytest.fixture(scope="module")
def soft_404_body(portal: DemoPortal, client: LoopbackClient) -> bytes:
    response = client.request("GET", portal.url(XXGK, "/no-such-page-f3a9c1.html"))
    assert response.status_code == 200
    return response.content


def page_links(html: bytes, base: str, encoding: str = "utf-8") -> list[tuple[str, str, str]]:
    """``(raw href, resolved URL, text)`` of every a/img/script/link on a page, including the
    anchors inside Hanweb ``<datastore>`` records (CDATA in a ``text/xml`` script)."""
    tree = lxml.html.fromstring(html.decode(encoding))
    links = []
    for element in tree.iter("a", "img", "script", "link"):
        attribute = "href" if element.tag in ("a", "link") else "src"
        raw = element.get(attribute)
        if raw is not None:
            text = element.text_content().strip() or element.get("alt", "")
            links.append((raw, urljoin(base, raw), text))
    for script in tree.iter("script"):
        if script.get("type") == "text/xml":
            for record in lxml.etree.fromstring(script.text.strip()).iter("record"):
                links.extend(page_links(record.text.encode(), base))
    return links


def page_encoding(html: bytes) -> str:
    """The page's own meta charset (the GBK column's header lies), UTF-8 otherwise."""
    return "gbk" if b"charset=gb2312" in html[:400] else "utf-8"


def fetch_page(client: LoopbackClient, url: str) -> list[tuple[str, str, str]]:
    response = client.request("GET", url)
    assert response.status_code == 200, url
    return page_links(response.content, url, page_encoding(response.content))


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
        return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


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
    assert 60 <= len(article_paths()) <= 100
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


WINDOWS = {"工作动态": 14, "通知公告": 183, "政策文件": 183, "政策解读": 183}


@pytest.mark.parametrize("column", COLUMNS, ids=[c.key for c in COLUMNS])
def test_every_column_is_fresh_on_demo_as_of(column):
    newest = articles_of(column)[0].published.date()
    assert dt.timedelta(0) <= DEMO_AS_OF - newest <= dt.timedelta(WINDOWS.get(column.name, 365))


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
    declared = {entry.resolve(portal) for entry in [*PLANTED, *NEGATIVES]}
    placeholders = {(entry.resolve(portal), entry.link_text) for entry in [*PLANTED, *NEGATIVES]}
    pages = [portal.url(JTJ, "/"), portal.url(XXGK, "/")]
    pages += [portal.url(host, path) for host, path in sorted(list_pages() + [*article_paths()])]
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
    assert set(hosts.values()) == {"127.0.0.1"} and len(hosts) == 6
    assert "www.gone-site.invalid" not in hosts
    assert profile["timeouts"] == {"request": 2, "retries": 2}
    assert "columns" not in profile
