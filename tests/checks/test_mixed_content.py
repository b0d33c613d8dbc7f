"""mixed_content over hand-made crawl data and one real page's links."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks import messages
from checks.config import CheckSettings
from checks.mixed_content import mixed_content
from checks.model import CrawlData, Link, PageView
from crawler.parsing.document import parse_html
from crawler.parsing.links import extract_links

PAGE = "https://jtj.example.gov.cn/zwgk/t20261015_1.html"
PLAIN_PAGE = "http://jtj.example.gov.cn/old/t20100101_1.html"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()


def page(url, final_url=None):
    return PageView(url, final_url or url, "article", 200, "标题", None, None, None, {})


def link(target, tag, attr, page_url=PAGE, kind="resource"):
    return Link(page_url, target, target, tag, attr, kind, "")


PAGES = (page(PAGE), page(PLAIN_PAGE))


def crawl(links, pages=PAGES):
    return CrawlData(
        "站",
        ("https://jtj.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        pages=tuple(pages),
        links=tuple(links),
    )


CDN = "http://cdn.example-partner.cn"

# (id, link, subtype, mode, severity); subtype None = not mixed content.
CASES = [
    ("script", link(f"{CDN}/a.js", "script", "src"), "script", "active", "medium"),
    ("stylesheet", link(f"{CDN}/a.css", "link", "href"), "stylesheet", "active", "medium"),
    ("link-no-extension", link(f"{CDN}/css?v=1", "link", "href"), "link", "active", "medium"),
    ("link-icon", link(f"{CDN}/favicon.ico", "link", "href"), "image", "passive", "low"),
    ("link-preload-font", link(f"{CDN}/f.woff2", "link", "href"), "font", "active", "medium"),
    (
        "iframe",
        link(f"{CDN}/weather.htm", "iframe", "src", kind="page"),
        "frame",
        "active",
        "medium",
    ),
    ("frame", link(f"{CDN}/top.htm", "frame", "src", kind="page"), "frame", "active", "medium"),
    ("object", link(f"{CDN}/a.swf", "object", "data"), "plugin", "active", "medium"),
    ("embed", link(f"{CDN}/b.swf", "embed", "src"), "plugin", "active", "medium"),
    ("css-font", link(f"{CDN}/f.woff", "style", "style"), "font", "active", "medium"),
    ("css-import", link(f"{CDN}/x.css", "style", "style"), "stylesheet", "active", "medium"),
    ("css-unknown", link(f"{CDN}/res?id=3", "style", "style"), "css_resource", "active", "medium"),
    ("css-background-image", link(f"{CDN}/bg.png", "style", "style"), "image", "passive", "low"),
    ("img-src", link(f"{CDN}/a.jpg", "img", "src"), "image", "passive", "low"),
    ("img-srcset", link(f"{CDN}/a@2x.jpg", "img", "srcset"), "image_set", "active", "medium"),
    ("picture-source", link(f"{CDN}/a.webp", "source", "srcset"), "image_set", "active", "medium"),
    ("input-image", link(f"{CDN}/go.gif", "input", "src"), "image", "passive", "low"),
    ("td-background", link(f"{CDN}/bg.gif", "td", "background"), "image", "passive", "low"),
    ("video-src", link(f"{CDN}/v.mp4", "video", "src"), "media", "passive", "low"),
    ("video-poster", link(f"{CDN}/v.jpg", "video", "poster"), "image", "passive", "low"),
    ("audio-src", link(f"{CDN}/a.mp3", "audio", "src"), "media", "passive", "low"),
    ("media-source", link(f"{CDN}/v.webm", "source", "src"), "media", "passive", "low"),
    ("track", link(f"{CDN}/sub.vtt", "track", "src"), "track", "active", "medium"),
    ("form", link(f"{CDN}/search", "form", "action", kind="page"), "form", "active", "medium"),
    (
        "ip-image-not-upgradable",
        link("http://61.1.2.3/a.jpg", "img", "src"),
        "image",
        "passive",
        "medium",
    ),
    ("plain-anchor", link(f"{CDN}/news.html", "a", "href", kind="page"), None, None, None),
    ("area", link(f"{CDN}/map.html", "area", "href", kind="page"), None, None, None),
    ("jump-menu", link(f"{CDN}/", "option", "value", kind="page"), None, None, None),
    ("onclick", link(f"{CDN}/x.html", "onclick", "onclick", kind="page"), None, None, None),
    (
        "anchor-to-attachment",
        link(f"{CDN}/a.pdf", "a", "href", kind="attachment"),
        None,
        None,
        None,
    ),
    (
        "https-script",
        link("https://cdn.example-partner.cn/a.js", "script", "src"),
        None,
        None,
        None,
    ),
    ("loopback-ip", link("http://127.0.0.1:8080/a.js", "script", "src"), None, None, None),
    ("localhost", link("http://localhost/a.js", "script", "src"), None, None, None),
    ("http-page", link(f"{CDN}/a.js", "script", "src", page_url=PLAIN_PAGE), None, None, None),
]


@pytest.mark.parametrize(
    ("item", "subtype", "mode", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_classification(item, subtype, mode, severity):
    found = mixed_content(crawl([item]), PROFILE, AS_OF)
    assert [(f.subtype, f.evidence.get("mode"), f.severity) for f in found] == (
        [(subtype, mode, severity)] if subtype else []
    )
    if subtype:
        finding = found[0]
        assert (finding.url, finding.key, finding.pages) == (item.target, item.target, (PAGE,))
        assert (finding.evidence["tag"], finding.evidence["attr"]) == (item.tag, item.attr)
        assert ("upgradable" in finding.evidence) == (mode == "passive")


REDIRECTS = [
    # (id, page requested, final URL, flagged)
    (
        "https-redirected-to-http",
        "https://jtj.example.gov.cn/a",
        "http://jtj.example.gov.cn/a",
        False,
    ),
    (
        "http-redirected-to-https",
        "http://jtj.example.gov.cn/b",
        "https://jtj.example.gov.cn/b",
        True,
    ),
]


@pytest.mark.parametrize(
    ("requested", "final", "flagged"), [r[1:] for r in REDIRECTS], ids=[r[0] for r in REDIRECTS]
)
def test_the_final_url_decides_whether_the_page_is_https(requested, final, flagged):
    data = crawl(
        [link(f"{CDN}/a.js", "script", "src", page_url=requested)], [page(requested, final)]
    )
    assert len(mixed_content(data, PROFILE, AS_OF)) == int(flagged)


def test_one_finding_per_resource_listing_every_page_and_the_worst_use_decides():
    other = "https://jtj.example.gov.cn/zwgk/t20261016_2.html"
    target = f"{CDN}/banner.jpg"
    data = crawl(
        [
            link(target, "img", "src"),
            link(target, "img", "src", page_url=other),
            link(target, "img", "srcset", page_url=other),
            link(target, "img", "src", page_url=PLAIN_PAGE),
        ],
        [page(PAGE), page(other), page(PLAIN_PAGE)],
    )
    [finding] = mixed_content(data, PROFILE, AS_OF)
    assert (finding.subtype, finding.evidence["mode"], finding.severity) == (
        "image_set",
        "active",
        "medium",
    )
    assert finding.pages == (PAGE, other) and finding.page == PAGE


def test_titles_name_the_resource():
    assert (
        messages.title("mixed_content", "script", {}) == "HTTPS页面通过HTTP加载脚本，浏览器将拦截"
    )
    assert messages.title("mixed_content", "form", {}, "en") == (
        "Form on an HTTPS page submits to an HTTP address"
    )


def test_real_page_loaded_over_https(real_pages):
    """Page 05 (鄂尔多斯 恩格贝) as if served over https: its http scripts, weather iframe, search
    form and counter image are mixed content; its many http links are not."""
    url = "https://www.ordos.gov.cn/xxgk/xxgknb/"
    html = (real_pages / "05-ordos-engebei-xxgknb-list.html").read_text(encoding="utf-8")
    extracted = extract_links(parse_html(html, url), url)
    links = [Link(url, e.url, e.raw, e.tag, e.attr, e.kind, e.text) for e in extracted]
    found = {f.url: f.subtype for f in mixed_content(crawl(links, [page(url)]), PROFILE, AS_OF)}
    [weather] = [e.url for e in extracted if e.tag == "iframe" and "tianqi.2345.com" in e.url]
    assert found == {
        "http://s17.cnzz.com/stat.php?id=2896628&web_id=2896628&show=pic": "script",
        "http://c.cnzz.com/core.php?web_id=2896628&show=pic&t=z": "script",
        "http://dcs.conac.cn/js/07/136/0000/40624487/CA071360000406244870001.js": "script",
        "http://pucha.kaipuyun.cn/exposure/jiucuo.js": "script",
        "http://icon.cnzz.com/img/pic.gif": "image",
        "http://was.ordos.gov.cn/was40/search": "form",
        weather: "frame",
    }
    assert any(e.tag == "a" and e.url.startswith("http:") for e in extracted)
