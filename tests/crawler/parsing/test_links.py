"""extract_links: every tag and attribute a browser loads or follows, synthetic and real."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.links import ExtractedLink, extract_links, is_fetchable

PAGE_URL = "http://www.example.gov.cn/zwgk/tzgg/index.html"
DIR = "http://www.example.gov.cn/zwgk/tzgg/"
ROOT = "http://www.example.gov.cn/"
BUDGET_ENCODED = "%E9%99%84%E4%BB%B61%EF%BC%9A2026%E5%B9%B4%E9%83%A8%E9%97%A8%E9%A2%84%E7%AE%97.pdf"
BUDGET_PDF = DIR + BUDGET_ENCODED


def links_of(body: str, url: str = PAGE_URL) -> list[ExtractedLink]:
    return extract_links(parse_html(f"<html><body>{body}</body></html>", url), url)


def summary(links: list[ExtractedLink]) -> list[tuple[str, str, str, str, str]]:
    return [(link.tag, link.attr, link.url, link.kind, link.scheme) for link in links]


CASES = [
    # (id, body, [(tag, attr, url, kind, scheme), ...])
    ("a-relative", '<a href="a.html">A</a>', [("a", "href", DIR + "a.html", "page", "http")]),
    ("a-root-relative", '<a href="/b/">B</a>', [("a", "href", ROOT + "b/", "page", "http")]),
    (
        "a-protocol-relative",
        '<a href="//bszs.conac.cn/x">c</a>',
        [("a", "href", "http://bszs.conac.cn/x", "page", "http")],
    ),
    (
        "a-https-upper-case-scheme",
        '<a href="HTTPS://WWW.GOV.CN/">g</a>',
        [("a", "href", "https://www.gov.cn/", "page", "https")],
    ),
    (
        "area",
        '<map><area href="/map/1.html" alt="区"></map>',
        [("area", "href", ROOT + "map/1.html", "page", "http")],
    ),
    (
        "img-src-and-srcset",
        '<img src="s.png" srcset="m.png 1x, /l.png 2x,https://cdn.gov.cn/x,y.png 3x">',
        [
            ("img", "src", DIR + "s.png", "resource", "http"),
            ("img", "srcset", DIR + "m.png", "resource", "http"),
            ("img", "srcset", ROOT + "l.png", "resource", "http"),
            ("img", "srcset", "https://cdn.gov.cn/x,y.png", "resource", "https"),
        ],
    ),
    (
        "script-src",
        '<script src="/js/jquery.js"></script><script>var a = 1;</script>',
        [("script", "src", ROOT + "js/jquery.js", "resource", "http")],
    ),
    (
        "link-loaded-rels",
        '<link rel="stylesheet" href="a.css"><link rel="shortcut icon" href="/favicon.ico">'
        '<link href="norel.css"><link rel="alternate stylesheet" href="alt.css">',
        [
            ("link", "href", DIR + "a.css", "resource", "http"),
            ("link", "href", ROOT + "favicon.ico", "resource", "http"),
            ("link", "href", DIR + "norel.css", "resource", "http"),
            ("link", "href", DIR + "alt.css", "resource", "http"),
        ],
    ),
    (
        "link-unloaded-rels-skipped",
        '<link rel="canonical" href="/c"><link rel="alternate" href="/rss.xml">'
        '<link rel="dns-prefetch" href="//cdn.gov.cn"><link rel="preconnect" href="https://x.cn">'
        '<link rel="next" href="index_1.html">',
        [],
    ),
    (
        "iframe-and-frame",
        '<iframe src="/weather.html"></iframe><frameset><frame src="f.html">',
        [
            ("iframe", "src", ROOT + "weather.html", "page", "http"),
            ("frame", "src", DIR + "f.html", "page", "http"),
        ],
    ),
    (
        "embed-and-object",
        '<embed src="top.swf"><object data="/flash/map.swf"></object>',
        [
            ("embed", "src", DIR + "top.swf", "resource", "http"),
            ("object", "data", ROOT + "flash/map.swf", "resource", "http"),
        ],
    ),
    (
        "media",
        '<video src="v.mp4" poster="p.jpg"><source src="v.webm"><track src="zh.vtt"></video>'
        '<audio src="a.mp3"></audio><picture><source srcset="w.webp 1x, w2.webp 2x"></picture>',
        [
            ("video", "src", DIR + "v.mp4", "resource", "http"),
            ("video", "poster", DIR + "p.jpg", "resource", "http"),
            ("source", "src", DIR + "v.webm", "resource", "http"),
            ("track", "src", DIR + "zh.vtt", "resource", "http"),
            ("audio", "src", DIR + "a.mp3", "resource", "http"),
            ("source", "srcset", DIR + "w.webp", "resource", "http"),
            ("source", "srcset", DIR + "w2.webp", "resource", "http"),
        ],
    ),
    (
        "form-action",
        '<form action="http://was.example.gov.cn:8082/search"></form>',
        [("form", "action", "http://was.example.gov.cn:8082/search", "page", "http")],
    ),
    ("form-without-action-is-the-page", '<form method="post"></form><form action=""></form>', []),
    (
        "input-image-only",
        '<input type="image" src="go.gif"><input type="text" src="no.gif">',
        [("input", "src", DIR + "go.gif", "resource", "http")],
    ),
    (
        "css-in-style-element",
        "<style>.a{background:url(bg.png)} .b{background:url('/i/b.png')} "
        '@import "print.css"; .c{background:url("data:image/png;base64,AAAA")} '
        ".d{behavior:url(#default#VML)}</style>",
        [
            ("style", "style", DIR + "bg.png", "resource", "http"),
            ("style", "style", ROOT + "i/b.png", "resource", "http"),
            ("style", "style", DIR + "print.css", "resource", "http"),
        ],
    ),
    (
        "css-in-style-attribute",
        '<td style="background: url( ../images/top.jpg ) no-repeat">x</td>'
        "<div style=\"background-image:url('data:image/gif;base64,R0lG')\"></div>",
        [("style", "style", "http://www.example.gov.cn/zwgk/images/top.jpg", "resource", "http")],
    ),
    (
        "old-background-attribute",
        '<table background="../img/t.gif"><tr><td>x</td></tr></table>',
        [("table", "background", "http://www.example.gov.cn/zwgk/img/t.gif", "resource", "http")],
    ),
    (
        "javascript-href-with-window-open",
        "<a href=\"javascript:window.open('/zwgk/a.html')\">A</a>",
        [
            ("a", "href", "javascript:window.open('/zwgk/a.html')", "page", "javascript"),
            ("a", "href", ROOT + "zwgk/a.html", "page", "http"),
        ],
    ),
    (
        "javascript-href-location-href",
        "<a href=\"javascript:location.href='b.html'\">B</a>",
        [
            ("a", "href", "javascript:location.href='b.html'", "page", "javascript"),
            ("a", "href", DIR + "b.html", "page", "http"),
        ],
    ),
    (
        "onclick-forms",
        "<span onclick=\"window.open('files/x.pdf')\">纠错</span>"
        "<div onclick='window.location=\"/c.html\"'>c</div>"
        "<li onclick=\"top.location.href = 'd.html'\">d</li>"
        "<b onclick=\"location.assign('e.html'); location.replace('f.html')\">ef</b>",
        [
            ("onclick", "onclick", DIR + "files/x.pdf", "attachment", "http"),
            ("onclick", "onclick", ROOT + "c.html", "page", "http"),
            ("onclick", "onclick", DIR + "d.html", "page", "http"),
            ("onclick", "onclick", DIR + "e.html", "page", "http"),
            ("onclick", "onclick", DIR + "f.html", "page", "http"),
        ],
    ),
    (
        "onclick-not-guessed",
        "<a onclick=\"window.open('show.jsp?id=' + id)\">x</a>"
        "<a onclick=\"if (location.href == 'x.html') {}\">y</a>"
        "<a onclick=\"window.open('{{el.url}}')\">z</a><a onclick=\"Link('3609220011')\">w</a>",
        [],
    ),
    (
        "javascript-placeholders",
        '<a href="javascript:void(0);">a</a><a href="javascript:;">b</a>',
        [
            ("a", "href", "javascript:void(0);", "page", "javascript"),
            ("a", "href", "javascript:;", "page", "javascript"),
        ],
    ),
    (
        "empty-and-fragment-hrefs",
        '<a href="">a</a><a href="#">b</a><a href="#top">c</a>',
        [
            ("a", "href", "", "page", ""),
            ("a", "href", "#", "page", ""),
            ("a", "href", "#top", "page", ""),
        ],
    ),
    (
        "mailto-tel-data",
        '<a href="mailto:ban@example.gov.cn">m</a><a href="TEL:0795-8819792">t</a>'
        '<img src="data:image/png;base64,iVBOR">',
        [
            ("a", "href", "mailto:ban@example.gov.cn", "page", "mailto"),
            ("a", "href", "TEL:0795-8819792", "page", "tel"),
            ("img", "src", "data:image/png;base64,iVBOR", "resource", "data"),
        ],
    ),
    (
        "windows-and-file-paths",
        '<a href="C:\\Users\\admin\\Desktop\\附件.doc">w</a>'
        '<a href="\\\\fileserver\\gk\\x.xls">u</a>'
        '<a href="file:///D:/gk/1.xlsx">f</a><img src="D:/photos/1.jpg">',
        [
            ("a", "href", "C:\\Users\\admin\\Desktop\\附件.doc", "attachment", "windows-path"),
            ("a", "href", "\\\\fileserver\\gk\\x.xls", "attachment", "windows-path"),
            ("a", "href", "file:///D:/gk/1.xlsx", "attachment", "file"),
            ("img", "src", "D:/photos/1.jpg", "resource", "windows-path"),
        ],
    ),
    (
        "whitespace-inside-url-dropped",
        '<a href="  /zwgk/\n\t2024/a.html\r\n ">a</a>',
        [("a", "href", ROOT + "zwgk/2024/a.html", "page", "http")],
    ),
    (
        "backslashes-in-web-path",
        '<img src="..\\images\\logo.gif">',
        [("img", "src", "http://www.example.gov.cn/zwgk/images/logo.gif", "resource", "http")],
    ),
    (
        "fragment-dropped",
        '<a href="/zwgk/a.html#p2">a</a>',
        [("a", "href", ROOT + "zwgk/a.html", "page", "http")],
    ),
    (
        "ip-and-proxy-mangled-hosts",
        '<a href="http://222.222.245.73:99/touch/qzqd/Index">a</a>'
        '<a href="https://beian.miit.gov.cn.ipv6.iname.damddos.com/">b</a>'
        '<a href="http://www.acas.org.cnx7a72968723868.ipv6best.cn/">c</a>',
        [
            ("a", "href", "http://222.222.245.73:99/touch/qzqd/Index", "page", "http"),
            ("a", "href", "https://beian.miit.gov.cn.ipv6.iname.damddos.com/", "page", "https"),
            ("a", "href", "http://www.acas.org.cnx7a72968723868.ipv6best.cn/", "page", "http"),
        ],
    ),
    (
        "unparsable-port-kept-as-written",
        '<a href="http://10.1.1.1:80a/x#y">a</a>',
        [("a", "href", "http://10.1.1.1:80a/x", "page", "http")],
    ),
    (
        "attachment-extensions",
        '<a href="a.PDF">1</a><a href="b.docx?v=2">2</a><a href="c.wps">3</a><a href="d.ofd">4</a>'
        '<a href="e.ceb">5</a><a href="f.rar">6</a><a href="g.html">7</a>'
        '<iframe src="/h.pdf"></iframe>',
        [
            ("a", "href", DIR + "a.PDF", "attachment", "http"),
            ("a", "href", DIR + "b.docx?v=2", "attachment", "http"),
            ("a", "href", DIR + "c.wps", "attachment", "http"),
            ("a", "href", DIR + "d.ofd", "attachment", "http"),
            ("a", "href", DIR + "e.ceb", "attachment", "http"),
            ("a", "href", DIR + "f.rar", "attachment", "http"),
            ("a", "href", DIR + "g.html", "page", "http"),
            ("iframe", "src", ROOT + "h.pdf", "attachment", "http"),
        ],
    ),
    (
        "chinese-file-name-raw-and-encoded",
        '<a href="附件1：2026年部门预算.pdf">raw</a>'
        f'<a href="{BUDGET_ENCODED}">upper</a>'
        f'<a href="{BUDGET_ENCODED.lower()}">lower</a>',
        [("a", "href", BUDGET_PDF, "attachment", "http")] * 3,
    ),
    (
        "duplicates-kept-in-document-order",
        '<a href="/x">1</a><img src="/y.png"><a href="/x">2</a>',
        [
            ("a", "href", ROOT + "x", "page", "http"),
            ("img", "src", ROOT + "y.png", "resource", "http"),
            ("a", "href", ROOT + "x", "page", "http"),
        ],
    ),
    (
        "comments-and-templates-skipped",
        '<!--<a href="/old.html">old</a>--><template><a href="/t.html">t</a><img src="t.png">'
        '</template><a href="/kept.html">k</a>',
        [("a", "href", ROOT + "kept.html", "page", "http")],
    ),
    (
        "template-placeholders-skipped",
        '<a href="{{el.chnldocurl}}">a</a><a href="/list/${item.id}.html">b</a>'
        '<a ms-attr-href="el.chnldocurl" ms-text="el.doctitle"></a>'
        '<a href="javascript:;" ms-attr-href="rel.url">c</a><a href="" :href="url">d</a>'
        '<img src="{{el.pic}}">',
        [],
    ),
    (
        "bare-host-gets-its-slash",
        '<a href="http://www.hanweb.com">h</a><a href="HTTPS://Example.GOV.cn?x=1">q</a>',
        [
            ("a", "href", "http://www.hanweb.com/", "page", "http"),
            ("a", "href", "https://example.gov.cn/?x=1", "page", "https"),
        ],
    ),
    (
        "jump-menu-option",
        '<select onchange="window.open(this.value)"><option value="">--部委网站--</option>'
        '<option value="http://203.192.6.89/xhs/">新华通讯社</option><option value="2">x</option>'
        "</select>",
        [("option", "value", "http://203.192.6.89/xhs/", "page", "http")],
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_extract_links(body: str, expected: list[tuple[str, str, str, str, str]]):
    assert summary(links_of(body)) == expected


def test_base_href_is_honoured_for_every_relative_reference():
    html = (
        '<html><head><base href="http://static.example.gov.cn/site/"></head><body>'
        '<a href="a.html">a</a><img src="../img/b.png"><a href="/root.html">r</a></body></html>'
    )
    links = extract_links(parse_html(html, PAGE_URL), PAGE_URL)
    assert [link.url for link in links] == [
        "http://static.example.gov.cn/site/a.html",
        "http://static.example.gov.cn/img/b.png",
        "http://static.example.gov.cn/root.html",
    ]


def test_raw_keeps_the_value_as_written_and_text_labels_the_link():
    body = (
        '<a href=" /zwgk/a.html#p2 " title="t">  通知\n 公告 </a>'
        '<a href="/b"><img src="/i.png" alt="党政机关"></a>'
        '<img src="/c.png" title="标题" alt="替代">'
        f'<a href="/d">{"长" * 250}</a>'
    )
    links = links_of(body)
    assert [(link.raw, link.text) for link in links] == [
        ("/zwgk/a.html#p2", "通知 公告"),
        ("/b", "党政机关"),
        ("/i.png", "党政机关"),
        ("/c.png", "标题"),
        ("/d", "长" * 200),
    ]


def test_javascript_target_keeps_the_whole_script_as_raw():
    (script, target) = links_of("<a href=\"javascript:window.open('x.html')\">x</a>")
    assert script.raw == target.raw == "javascript:window.open('x.html')"
    assert (target.url, target.text) == (DIR + "x.html", "x")


def test_query_is_encoded_in_the_page_encoding():
    doc = parse_html('<html><body><a href="/s?q=政务">s</a></body></html>', PAGE_URL)
    (utf8,) = extract_links(doc, PAGE_URL)
    (gbk,) = extract_links(doc, PAGE_URL, query_encoding="gb18030")
    (utf16,) = extract_links(doc, PAGE_URL, query_encoding="utf-16-le")
    assert utf8.url == utf16.url == ROOT + "s?q=%E6%94%BF%E5%8A%A1"
    assert gbk.url == ROOT + "s?q=%D5%FE%CE%F1"


@pytest.mark.parametrize(
    ("url", "fetchable"),
    [
        ("http://www.gov.cn/", True),
        ("HTTPS://www.gov.cn/a", True),
        ("https:///no-host", False),
        ("javascript:void(0)", False),
        ("mailto:a@b.cn", False),
        ("file:///C:/a.doc", False),
        ("C:\\a.doc", False),
        ("ftp://ftp.gov.cn/a", False),
        ("", False),
        ("#top", False),
        ("/relative/a.html", False),
        ("http://www.gov.cn:8080/a.html", True),
        ("http://127.0.0.2:8099gone_12.html", False),  # a colon typed for a slash
        ("http://www.gov.cn:99999/", False),
        ("http://[fe80::1/", False),
    ],
)
def test_is_fetchable(url: str, fetchable: bool):
    assert is_fetchable(url) is fetchable


# -- real pages ------------------------------------------------------------------------------

REAL_PAGE_URLS = {
    "01-handan-xxgk-home.html": "http://hdzfxxgk.hd.gov.cn/",
    "02-handan-xxgk-guide.html": "http://hdzfxxgk.hd.gov.cn/gkzn/",
    "06-pingtan-gzjzqk-list.html": "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/",
    "07-pingtan-article-detail-xls.html": "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/202403/t20240329_88515.htm",
    "14-zhangshu-zhxx-trs-list.html": "http://www.zhangshu.gov.cn/zwgk/zhxx/",
}


def real_links(real_pages: Path, name: str) -> list[ExtractedLink]:
    text, _ = decode_body((real_pages / name).read_bytes(), None)
    url = REAL_PAGE_URLS[name]
    return extract_links(parse_html(text, url), url)


def test_handan_home_ip_address_links(real_pages: Path):
    links = real_links(real_pages, "01-handan-xxgk-home.html")
    by_url = {link.url: link for link in links}
    assert by_url["http://222.222.245.73:99/touch/qzqd/Index"].text == "权责清单"
    assert by_url["http://203.192.6.89/xhs/"].tag == "option"
    # The jiucuo widget script, saved by a browser as "jiucuo.js.下载".
    assert "http://hdzfxxgk.hd.gov.cn/images/jiucuo.js.%E4%B8%8B%E8%BD%BD" in by_url


def test_handan_guide_side_menu_parses_to_the_ghost_links(real_pages: Path):
    links = real_links(real_pages, "02-handan-xxgk-guide.html")
    urls = [link.url for link in links]
    start = urls.index("http://hdzfxxgk.hd.gov.cn/fdgknr/")
    menu = links[start : start + 20]
    assert Counter(link.text for link in menu)["收费项目"] == 2
    assert "http://czt.hebei.gov.cn/root17/?from=singlemessage" in [link.url for link in menu]
    assert links[start + 20].text != "财政财务"  # the ghosts end with the block
    assert not any(link.scheme == "javascript" for link in links)  # void() sits in a comment


def test_pingtan_list_avalon_templates_give_no_links(real_pages: Path):
    links = real_links(real_pages, "06-pingtan-gzjzqk-list.html")
    assert not any("{{" in link.raw or "chnldocurl" in link.raw for link in links)
    scripts = Counter(link.raw for link in links if link.scheme == "javascript")
    # The manifest counts text: one more javascript:; sits in a comment, one in a typo "hhref".
    assert scripts == {"javascript:void(0);": 8, "javascript:;": 8}
    # The 75 static list items, 3 of them outside the column's directory; the template adds none.
    articles = [link for link in links if re.search(r"/t\d{8}_\d+\.htm$", link.url)]
    assert len(articles) == 75
    assert (
        sum(not a.url.startswith(REAL_PAGE_URLS["06-pingtan-gzjzqk-list.html"]) for a in articles)
        == 3
    )


def test_pingtan_detail_xls_attachment(real_pages: Path):
    links = real_links(real_pages, "07-pingtan-article-detail-xls.html")
    attachments = [link for link in links if link.kind == "attachment"]
    assert [(a.url, a.raw, a.tag) for a in attachments] == [
        (
            "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/202403/W020240329549500303101.xls",
            "./W020240329549500303101.xls",
            "a",
        )
    ]


def test_zhangshu_list_cms_backend_and_javascript_links(real_pages: Path):
    links = real_links(real_pages, "14-zhangshu-zhxx-trs-list.html")
    backend = [link for link in links if link.url == "http://202.109.164.35:9000/wcm/"]
    assert [(link.tag, link.text, link.kind) for link in backend] == [("a", "后台管理", "page")]
    assert [link.text for link in links if link.scheme == "javascript"] == ["设为首页", "加入收藏"]
    assert "http://www.zhangshu.gov.cn/images/zgzsbg_01.jpg" in {link.url for link in links}


def test_text_is_read_from_what_a_visitor_clicks():
    links = links_of(
        "<span onclick=\"window.open('j.html')\">【我要纠错】</span>"
        '<div style="background:url(bg.png)" title="横幅">很长的栏目内容</div>'
        '<td background="t.gif">表格内容</td>'
        '<select><option value="http://www.gov.cn/">中国政府网</option></select>'
    )
    assert [(link.tag, link.text) for link in links] == [
        ("onclick", "【我要纠错】"),
        ("style", "横幅"),
        ("td", ""),
        ("option", "中国政府网"),
    ]
