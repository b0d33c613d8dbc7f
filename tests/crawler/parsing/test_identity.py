"""extract_identity: the 《政府网站发展指引》 footer marks, synthetic and on the real pages."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.site_marks import SiteIdentity, extract_identity

URL = "http://www.example.gov.cn/"
CONAC_WRITE = (
    '<script type="text/javascript">document.write(unescape("%3Cspan id=\'_ideConac\' %3E'
    "%3C/span%3E%3Cscript src='http://dcs.conac.cn/js/15/232/0886/41170852/"
    "CA152320886411708520002.js' type='text/javascript'%3E%3C/script%3E\"));</script>"
)


def identity_of(html: str) -> SiteIdentity:
    return extract_identity(parse_html(html, URL), html)


def page(head: str = "", footer: str = "") -> str:
    return f"<html><head>{head}</head><body><div class='footer'>{footer}</div></body></html>"


SITE_CODES = [
    # (id, head, footer, (site_code, source))
    ("footer-colon", "", "<p>网站标识码：1506000140</p>", ("1506000140", "footer")),
    ("footer-space", "", "<p>网站标识码 1304000009 </p>", ("1304000009", "footer")),
    (
        "footer-glued-bm-code",
        "",
        "<p>网站标识码bm01000001　京ICP备05070218号</p>",
        ("bm01000001", "footer"),
    ),
    ("footer-government-prefix", "", "<p>政府网站标识码：3609000002</p>", ("3609000002", "footer")),
    (
        "footer-split-across-tags",
        "",
        "<span>网站标识码：</span><span>3590000001</span>",
        ("3590000001", "footer"),
    ),
    (
        "footer-beats-meta",
        '<meta name="SiteIDCode" content="1111111111">',
        "网站标识码：3300000020",
        ("3300000020", "footer"),
    ),
    (
        "meta-when-no-footer",
        '<meta name="SiteIDCode" content="1400000045">',
        "",
        ("1400000045", "meta"),
    ),
    (
        "empty-meta-falls-to-widget",
        '<meta name="SiteIDCode" content="">',
        "<script id=\"_jiucuo_\" sitecode='3609820008' src='../../images/jiucuo.js'></script>",
        ("3609820008", "jiucuo"),
    ),
    (
        "jiucuo-link-site-code",
        "",
        '<a style="display:none" href="http://121.43.68.40/exposure/jiucuo.html?site_code=3300000020'
        '&amp;url=http%3A%2F%2Fwww.zjdpc.gov.cn%2F"><img src="x.png"></a>',
        ("3300000020", "jiucuo"),
    ),
    (
        "commented-footer-ignored",
        "",
        "<!--<p>网站标识码：1304000009</p>--><p>版权所有</p>",
        (None, None),
    ),
    ("eleven-digits-is-no-code", "", "<p>网站标识码：13040000091</p>", (None, None)),
]


@pytest.mark.parametrize(
    ("head", "footer", "expected"), [c[1:] for c in SITE_CODES], ids=[c[0] for c in SITE_CODES]
)
def test_site_code(head: str, footer: str, expected: tuple[str | None, str | None]):
    identity = identity_of(page(head, footer))
    assert (identity.site_code, identity.site_code_source) == expected


RECORDS = [
    # (id, footer, icp, public_security)
    (
        "icp-with-suffix-and-police-record",
        '<a href="http://www.beian.miit.gov.cn/">冀ICP备05029117号-1</a> '
        '<a href="http://www.beian.gov.cn/">冀公网安备 13042002000523号</a>',
        "冀ICP备05029117号-1",
        "冀公网安备 13042002000523号",
    ),
    (
        "spaced-icp-glued-police-record",
        "<p>京ICP备 05070218 号　京公网安备11010202000001号</p>",
        "京ICP备05070218号",
        "京公网安备11010202000001号",
    ),
    (
        "icp-label-before-number",
        "<p>备案号：<a>浙ICP备05018911号</a></p>",
        "浙ICP备05018911号",
        None,
    ),
    (
        "police-record-number-only",
        "<span>公安备案号：35012899001-19002</span>",
        None,
        "35012899001-19002",
    ),
    ("neither", "<p>版权所有</p>", None, None),
]


@pytest.mark.parametrize(
    ("footer", "icp", "public_security"), [c[1:] for c in RECORDS], ids=[c[0] for c in RECORDS]
)
def test_icp_and_public_security(footer: str, icp: str | None, public_security: str | None):
    identity = identity_of(page(footer=footer))
    assert (identity.icp, identity.public_security) == (icp, public_security)


CONAC = [
    (
        "img-alt",
        '<a href="https://x.ipv6best.cn/"><img src="/images/red.png" alt="党政机关"></a>',
        True,
    ),
    (
        "link-to-conac",
        '<a href="http://bszs.conac.cn/sitename?method=show&amp;id=1">'
        '<img src="/images/red.png"></a>',
        True,
    ),
    ("proxy-mangled-conac-link", '<a href="https://bszs-conac-cnxe10396.ipv6best.cn/s"></a>', True),
    ("empty-ideconac-span", '<span id="_ideConac"></span>', True),
    ("document-write-unescape", CONAC_WRITE, True),
    ("commented-out", f"<!--{CONAC_WRITE}<span id='_ideConac'></span>-->", False),
    ("absent", '<img src="/images/red.png">', False),
]


@pytest.mark.parametrize(("footer", "expected"), [c[1:] for c in CONAC], ids=[c[0] for c in CONAC])
def test_conac_mark(footer: str, expected: bool):
    assert identity_of(page(footer=footer)).conac is expected


JIUCUO = [
    ("link-text", '<a href="https://www.gov.cn/fuwu/jiucuopage.html">网站纠错</a>', True),
    ("javascript-link-text", '<a href="javascript:;">【我要纠错】</a>', True),
    (
        "img-aria-label",
        '<img onclick="Link(\'3609000002\')" aria-label="政府网站找错" src="j.png">',
        True,
    ),
    ("img-alt", '<img alt="我为政府网站找错" src="/images/jiucuo.png">', True),
    (
        "kaipuyun-link",
        '<a href="https://pucha.kaipuyun.cn/exposure/jiucuo.html?site_code=1"></a>',
        True,
    ),
    (
        "widget-script",
        '<script id="_jiucuo_" sitecode="1400000045" src="http://pucha.kaipuyun.cn/exposure/jiucuo.js">'
        "</script>",
        True,
    ),
    ("empty-placeholder-span-only", '<span id="_span_jiucuo" title="政府网站找错"></span>', False),
    ("commented-out", "<!--<span class='jiucuo'><a href='x'>【我要纠错】</a></span>-->", False),
]


@pytest.mark.parametrize(
    ("footer", "expected"), [c[1:] for c in JIUCUO], ids=[c[0] for c in JIUCUO]
)
def test_jiucuo_entry(footer: str, expected: bool):
    assert identity_of(page(footer=footer)).jiucuo is expected


SPONSORS = [
    ("unit-then-organiser", "<p>主办：樟树市人民政府 承办：樟树市信息中心</p>", "樟树市人民政府"),
    (
        "full-width-space",
        "<p>主办单位：国务院办公厅　运行维护单位：中国政府网运行中心</p>",
        "国务院办公厅",
    ),
    ("space-after-colon", "<p>主办单位： 邯郸市人民政府办公室 </p>", "邯郸市人民政府办公室"),
    ("glued-to-next-field", "<p>主办：万载县人民政府网站标识码：3609220011</p>", "万载县人民政府"),
    (
        "copyright-after",
        "<span>主办：山西省人民政府办公厅&nbsp;©&nbsp;山西省人民政府网</span>",
        "山西省人民政府办公厅",
    ),
    (
        "footer-wins-over-article",
        "<p>本次活动主办单位：某某协会</p><p>主办单位：福建省平潭综合实验区管理委员会办公室</p>",
        "福建省平潭综合实验区管理委员会办公室",
    ),
    ("absent", "<p>版权所有</p>", None),
]


@pytest.mark.parametrize(
    ("footer", "expected"), [c[1:] for c in SPONSORS], ids=[c[0] for c in SPONSORS]
)
def test_sponsor(footer: str, expected: str | None):
    assert identity_of(page(footer=footer)).sponsor == expected


# -- real pages: the footer labels of MANIFEST.md ----------------------------------------------

HANDAN = SiteIdentity(
    site_code="1304000009",
    site_code_source="footer",
    icp="冀ICP备05029117号-1",
    public_security="冀公网安备 13042002000523号",
    conac=True,
    jiucuo=True,
    sponsor="邯郸市人民政府办公室",
)
REAL = {
    "01-handan-xxgk-home.html": HANDAN,
    "05-ordos-engebei-xxgknb-list.html": SiteIdentity(
        "1506000140",
        "footer",
        "蒙ICP备13001412号-2",
        "蒙公网安备 15062102000168号",
        True,
        True,
        "鄂尔多斯市恩格贝生态示范区管委会",
    ),
    # Only an empty _span_jiucuo placeholder, no widget script: no 找错 entry on the page.
    "06-pingtan-gzjzqk-list.html": SiteIdentity(
        "3590000001",
        "footer",
        "闽ICP备09032658号",
        "35012899001-19002",
        True,
        False,
        "福建省平潭综合实验区管理委员会办公室",
    ),
    "08-wanzai-tjgb-2022-detail.html": SiteIdentity(
        "3609220011",
        "footer",
        "赣ICP备11002306号-1",
        "赣公网安备 36092202000105号",
        True,
        True,
        "万载县人民政府",
    ),
    "09-yichun-tjgb-2022-detail.html": SiteIdentity(
        "3609000002",
        "footer",
        "赣ICP备06000141号",
        "赣公网安备 36090202000004号",
        True,
        True,
        "宜春市人民政府",
    ),
    # SiteIDCode meta is empty: the code comes from the footer; 找错 is a hidden jiucuo link.
    "11-zjdpc-hanweb-article-detail.html": SiteIdentity(
        "3300000020", "footer", "浙ICP备05018911号", "浙公网安备 33010602009328号", True, True, None
    ),
    "12-shanxi-gov-article-detail.html": SiteIdentity(
        "1400000045",
        "footer",
        "晋ICP备12000773号",
        "晋公网安备 14010502050691号",
        True,
        True,
        "山西省人民政府办公厅",
    ),
    # No 网站标识码 text and no 公网安备: the code only via the jiucuo widget's sitecode; the
    # 党政机关 mark only via document.write(unescape(...)).
    "14-zhangshu-zhxx-trs-list.html": SiteIdentity(
        "3609820008", "jiucuo", "赣ICP备10003342号-1", None, True, True, "樟树市人民政府"
    ),
}


def real_identity(real_pages: Path, name: str) -> SiteIdentity:
    text, _ = decode_body((real_pages / name).read_bytes(), None)
    return extract_identity(parse_html(text, URL), text)


@pytest.mark.parametrize("name", list(REAL), ids=[name[:2] for name in REAL])
def test_real_page_identity(real_pages: Path, name: str):
    assert asdict(real_identity(real_pages, name)) == asdict(REAL[name])


def test_real_page_identity_govcn_footer_after_early_html_end(real_pages: Path):
    identity = real_identity(real_pages, "13-govcn-gazette-article-detail.html")
    assert asdict(identity) == asdict(
        SiteIdentity(
            "bm01000001",
            "footer",
            "京ICP备05070218号",
            "京公网安备11010202000001号",
            True,
            True,
            "国务院办公厅",
        )
    )
