"""A loopback HTTP client for the demo portal tests, and an independent reading of its pages.

The client never does DNS: it connects to 127.0.0.1 and names the virtual host with the
``Host`` header and TLS SNI (``extensions={"sni_hostname": ...}``), verifying against the demo
CA. Links are read from the pages with lxml, independently of the crawler's parsers. The
columns' kinds and freshness windows are an inspector's reading too, shared by the tests of the
portal and of its nights.
"""

from __future__ import annotations

import ssl
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.etree
import lxml.html

from xuncha.demo import DemoPortal, demo_profile
from xuncha.demo.profile import REQUEST_TIMEOUT

XXGK = "xxgk.example.gov.cn"
JTJ = "jtj.example.gov.cn"
SOFT_404_WORDS = ("页面不存在", "已删除")

# The kind an inspector reads in each column's name, and the windows of standards.md: written
# here by hand, so the answer key is checked against the rule rather than against itself.
COLUMN_KINDS = {
    "xxgkzn": "static", "jgzn": "static", "zcwj": "policy", "zcjd": "interpretation",
    "tzgg": "notice", "gzdt": "dynamic", "czyjs": "maintained", "rsxx": "maintained",
    "zdjsxm": "maintained", "jytabl": "maintained", "xqdt": "dynamic", "gsgg": "notice",
    "tjxx": "maintained", "ghjh": "maintained", "qzqd": "maintained", "zfcg": "maintained",
    "xxgknb": "maintained", "ldxx": "static", "xzsf": "maintained", "zxzj": "maintained",
    "bszn": "maintained",
}  # fmt: skip
KIND_WINDOWS = {"dynamic": 14, "notice": 183, "policy": 183, "interpretation": 183}
WARN_WITHIN_DAYS = 30


class LoopbackClient:
    """httpx clients, one per (scheme, host), that reach demo hosts through the profile's hosts
    map; a name absent from the map raises ``LookupError`` instead of a DNS query."""

    def __init__(self, portal: DemoPortal) -> None:
        self.hosts = demo_profile(portal)["network"]["hosts"]
        self.trust = ssl.create_default_context(cafile=str(portal.ca_pem_path))
        self._clients: dict[tuple[str, str], httpx.Client] = {}

    def request(self, method: str, url: str, timeout: float = 5.0) -> httpx.Response:
        parts = urlsplit(url)
        host = parts.hostname
        address = self.hosts.get(host)
        if host is None or address is None:
            raise LookupError(host)
        assert address == "127.0.0.1", f"{url} is not on loopback"
        key = (parts.scheme, host)
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


def page_links(html: bytes, base: str, encoding: str = "utf-8") -> list[tuple[str, str, str]]:
    """``(raw href, resolved URL, text)`` of every a/img/script/link on a page, including the
    anchors inside Hanweb ``<datastore>`` records (CDATA in a ``text/xml`` script)."""
    tree: lxml.html.HtmlElement = lxml.html.fromstring(html.decode(encoding))
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
                assert record.text is not None  # a record is one CDATA block of markup
                links.extend(page_links(record.text.encode(), base))
    return links


def page_encoding(html: bytes) -> str:
    """The page's own meta charset (the GBK column's header lies), UTF-8 otherwise."""
    return "gbk" if b"charset=gb2312" in html[:400] else "utf-8"


def fetch_page(client: LoopbackClient, url: str) -> list[tuple[str, str, str]]:
    response = client.request("GET", url)
    assert response.status_code == 200, url
    return page_links(response.content, url, page_encoding(response.content))


def page_text(client: LoopbackClient, url: str) -> str:
    """The page as text, decoded by its own meta charset."""
    html = client.request("GET", url).content
    return html.decode(page_encoding(html))
