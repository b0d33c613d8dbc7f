"""extract_meta: title, meta tags, h1 and the 当前位置 breadcrumb, synthetic and real."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.meta import PageMeta, extract_meta, meta_value, site_name

URL = "http://www.example.gov.cn/zwgk/zhxx/"


def meta_of(head: str, body: str = "") -> PageMeta:
    return extract_meta(parse_html(f"<html><head>{head}</head><body>{body}</body></html>", URL))


def test_title_h1_and_meta_tags():
    meta = meta_of(
        "<title>\n  综合信息_\n 樟树市人民政府 </title>"
        '<meta name="SiteIDCode" content=""><meta name="SiteIDCode" content="3609820008">'
        '<meta name="ColumnName" content="综合信息"><meta name="ColumnName" content="其他">'
        '<meta name="keywords" content=" 政务 公开 "><meta http-equiv="X-UA-Compatible" '
        'content="IE=edge"><meta name="Author" content="">',
        "<h1>  </h1><h1>樟树市\n综合信息</h1>",
    )
    assert meta.title == "综合信息_ 樟树市人民政府"
    assert meta.h1 == "樟树市 综合信息"
    assert meta.meta == {
        "SiteIDCode": "3609820008",
        "ColumnName": "综合信息",
        "keywords": "政务 公开",
        "Author": "",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("siteidcode", "3609000002"),
        ("SITENAME", "中国宜春"),
        ("PubDate", "2023-05-16 12:34:05"),
        ("ContentSource", ""),
        ("ArticleTitle", None),
    ],
)
def test_meta_value_is_case_insensitive(name: str, expected: str | None):
    meta = meta_of(
        '<meta name="SiteName" content="中国宜春"><meta name="siteidcode" content="">'
        '<meta name="SiteIDCode" content="3609000002"><meta name="pubdate" '
        'content="2023-05-16 12:34:05"><meta name="ContentSource" content="">'
    )
    assert meta_value(meta, name) == expected


def test_missing_title_and_h1():
    meta = meta_of("", "<p>正文</p>")
    assert (meta.title, meta.h1, meta.meta, meta.breadcrumb) == ("", None, {}, [])


CRUMBS = [
    # (id, body, expected trail)
    (
        "class-position-label-and-anchors",
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
        ' &gt; <a href="./">综合信息</a></div>',
        ["首页", "政务公开", "综合信息"],
    ),
    (
        "label-in-own-cell",
        '<table><tr><td>您现在的位置是：</td><td><a href="/">首页</a>&nbsp;&gt;&gt;&nbsp;'
        '<a href="../">信息公开</a>&nbsp;&gt;&gt;&nbsp;<a href="./">信息公开年报</a></td></tr>'
        "</table>",
        ["首页", "信息公开", "信息公开年报"],
    ),
    (
        "label-only-text-trail",
        "<div><span>您的位置： 首页 » 政务公开 » 政策文件</span></div>",
        ["首页", "政务公开", "政策文件"],
    ),
    (
        "breadcrumb-list-last-item-plain-text",
        '<ul class="breadcrumb"><li><a href="../../">首页</a></li><li><span>&gt;</span>'
        ' <a href="../">要闻</a></li><li><span>&gt;</span> 山西要闻 </li></ul>',
        ["首页", "要闻", "山西要闻"],
    ),
    (
        "anchor-trail-with-arrows-no-class-no-label",
        '<div class="sx-more1"><a href="/">首页</a>-&gt;<a href="/zfwj/">政府文件</a>-&gt;'
        '<a href="/zfwj/jinqixxgk/">近期信息公开</a></div>',
        ["首页", "政府文件", "近期信息公开"],
    ),
    (
        "slash-and-chevron-separators",
        '<p class="dqwz"><a href="/">网站首页</a> / <a href="/a/">机构</a> › 领导</p>',
        ["网站首页", "机构", "领导"],
    ),
    (
        "hidden-data-block-skipped",
        '<div id="hiddenLocation" style="display:none"><span>3185</span><span>发展改革工作</span>'
        "<span>/col/col1599522/index.html</span></div>"
        '<div class="location"><a href="/">首页</a> &gt; <a href="/col/">投资运行</a></div>',
        ["首页", "投资运行"],
    ),
    (
        "toolbar-after-trail-not-read",
        '<div class="BreadcrumbNav"><a href="/">首页</a>&nbsp;&gt;&nbsp;'
        '<a href="/gb/">国务院公报</a>'
        '<div class="print"><span>字号：</span><span>大</span> <span>中</span></div></div>',
        ["首页", "国务院公报"],
    ),
    (
        "navigation-bar-is-not-a-trail",
        '<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | '
        '<a href="/hdjl/">互动交流</a></div>',
        [],
    ),
    (
        "bare-link-run-is-a-menu",
        '<ul class="nav"><li><a href="/">首页</a></li></ul>'
        '<div><a href="/">首页</a> <a href="/zwgk/">政务公开</a> '
        '<a href="/hdjl/">互动交流</a></div>',
        [],
    ),
    (
        "css-utility-class-is-not-a-trail",
        '<div class="position-relative"><a href="/">首页</a><a href="/a/">A</a></div>',
        [],
    ),
    (
        "junk-before-the-label",
        '<div class="crumb-wrap"><span>2026年11月26日</span><span>当前位置：</span>'
        '<a href="/">首页</a> &gt; 政务公开</div>',
        ["首页", "政务公开"],
    ),
    (
        "commented-out-trail",
        '<!--<div class="position"><a href="/">首页</a> &gt; <a href="/x/">X</a></div>-->'
        "<p>正文</p>",
        [],
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CRUMBS], ids=[c[0] for c in CRUMBS])
def test_breadcrumb(body: str, expected: list[str]):
    assert meta_of("", body).breadcrumb == expected


# -- real pages ------------------------------------------------------------------------------


def real_meta(real_pages: Path, name: str) -> PageMeta:
    text, _ = decode_body((real_pages / name).read_bytes(), None)
    return extract_meta(parse_html(text, URL))


REAL_META = [
    ("04-handan-article-detail.html", "PubDate", "2020年08月02日"),
    ("04-handan-article-detail.html", "ContentSource", "邯郸市教育局"),
    ("07-pingtan-article-detail-xls.html", "PubDate", "2024-03-29 15:14"),
    ("07-pingtan-article-detail-xls.html", "DocId", "88515"),
    ("08-wanzai-tjgb-2022-detail.html", "ColumnName", "统计数据"),
    ("08-wanzai-tjgb-2022-detail.html", "SiteIDCode", "3609220011"),
    ("10-wanzai-tjgb-2015-detail.html", "PubDate", "2022-04-24 10:00:43"),
    ("11-zjdpc-hanweb-article-detail.html", "ColumnName", "投资运行"),
    ("11-zjdpc-hanweb-article-detail.html", "SiteIDCode", ""),
    ("11-zjdpc-hanweb-article-detail.html", "SiteDomain", "fgw.zj.gov.cn,www.zjdpc.gov.cn"),
    ("12-shanxi-gov-article-detail.html", "SiteIDCode", "1400000045"),
    ("13-govcn-gazette-article-detail.html", "firstpublishedtime", "2007-08-20-23:59:59"),
]


@pytest.mark.parametrize(
    ("name", "key", "expected"), REAL_META, ids=[f"{n[:2]}-{k}" for n, k, _ in REAL_META]
)
def test_real_page_meta(real_pages: Path, name: str, key: str, expected: str):
    assert meta_value(real_meta(real_pages, name), key) == expected


REAL_PAGES = [
    # (file, title, h1, breadcrumb)
    ("02-handan-xxgk-guide.html", "邯郸市人民政府-政府信息公开指南", None, []),
    (
        "03-handan-jqxxgk-list.html",
        "邯郸市政府信息公开",
        "近期信息公开",
        ["首页", "政府文件", "近期信息公开"],
    ),
    (
        "05-ordos-engebei-xxgknb-list.html",
        "鄂尔多斯恩格贝生态示范区",
        None,
        ["首页", "信息公开", "信息公开年报"],
    ),
    (
        "06-pingtan-gzjzqk-list.html",
        "工作进展情况_平潭综合实验区党工委管委会",
        None,
        ["首页", "政务公开", "规划信息", "工作进展情况"],
    ),
    (
        "11-zjdpc-hanweb-article-detail.html",
        "1-10月德清县固定资产投资结构趋稳趋优",
        None,
        ["首页", "发展改革工作", "投资管理和项目推进", "投资运行"],
    ),
    # A second <title>页头嵌套</title> comes from an included header document: first one wins.
    ("14-zhangshu-zhxx-trs-list.html", "综合信息", None, ["首页", "政务公开", "综合信息"]),
]


@pytest.mark.parametrize(
    ("name", "title", "h1", "breadcrumb"), REAL_PAGES, ids=[p[0][:2] for p in REAL_PAGES]
)
def test_real_page_title_h1_breadcrumb(
    real_pages: Path, name: str, title: str, h1: str | None, breadcrumb: list[str]
):
    meta = real_meta(real_pages, name)
    assert (meta.title, meta.h1, meta.breadcrumb) == (title, h1, breadcrumb)


@pytest.mark.parametrize(
    ("title", "tags", "expected"),
    [
        ("首页 - 邯郸市人民政府", {}, "邯郸市人民政府"),
        ("首页_清溪县人民政府", {}, "清溪县人民政府"),
        ("欢迎访问万载县人民政府网站", {}, "万载县人民政府网站"),
        ("某市交通运输局 | 首页", {}, "某市交通运输局"),
        ("邯郸市政府信息公开", {"SiteName": "邯郸市人民政府"}, "邯郸市人民政府"),
        ("", {"sitename": "平潭综合实验区党工委管委会"}, "平潭综合实验区党工委管委会"),
        ("鄂尔多斯恩格贝生态示范区", {}, "鄂尔多斯恩格贝生态示范区"),
        # Look-alikes: nothing that names the site.
        ("首页", {}, None),
        ("", {}, None),
        ("首页 | 综合信息", {}, None),
        ("index", {"SiteName": ""}, None),
    ],
    ids=[
        "home-then-name",
        "hanweb-underscore",
        "greeting",
        "name-then-home",
        "sitename-meta",
        "meta-lowercase",
        "one-phrase",
        "only-home",
        "empty",
        "no-body-name",
        "empty-meta",
    ],
)
def test_site_name(title, tags, expected):
    assert site_name(PageMeta(title, tags, None, [])) == expected
