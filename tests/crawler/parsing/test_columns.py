"""Disclosure sections on a portal, columns on a section page, and a list page's column name."""

# ruff: noqa: E501  (HTML fixtures keep one list item per line, as a CMS writes them)

from __future__ import annotations

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.navigation import NavLink, column_name, discover_columns, discover_sections

HOST = "http://www.example.gov.cn"

PORTAL = f"""<html><head><title>示例市人民政府</title></head><body>
<div class="header"><a href="/"><img src="logo.png"></a></div>
<ul class="nav">
 <li><a href="{HOST}/">首页</a></li>
 <li><a href="/xwzx/">新闻中心</a></li>
 <li><a href="http://xxgk.example.gov.cn/">政府信息公开</a></li>
 <li><a href="/zwgk/">政务公开</a></li>
 <li><a href="/hdjl/">互动交流</a></li>
 <li><a href="javascript:;">信息公开</a></li>
</ul>
<div class="box"><a href="/zwgk/xxgkzn/">政府信息公开指南</a><a href="/zwgk/xxgknb/">政府信息公开年报</a>
<a href="/zdly/">重点领域信息公开</a><a href="/zwgk/jyj/">示例市教育局信息公开</a>
<a href="/zwgk/fdzdgknr/">法定主动公开内容</a>
<a href="/news/202603/t20260315_1.html">示例市召开政务公开工作推进会暨政府信息公开培训会议的通知</a></div>
<div class="footer"><a href="http://www.gov.cn/zhengce/xxgk/">中国政府网信息公开</a>
<a href="/zwgk/">政务公开</a></div></body></html>"""


def test_discover_sections_from_portal_navigation() -> None:
    url = f"{HOST}/"
    assert discover_sections(parse_html(PORTAL, url), url) == [
        NavLink("政府信息公开", "http://xxgk.example.gov.cn/"),
        NavLink("政务公开", f"{HOST}/zwgk/"),
        NavLink("示例市教育局信息公开", f"{HOST}/zwgk/jyj/"),
        NavLink("法定主动公开内容", f"{HOST}/zwgk/fdzdgknr/"),
    ]


def test_a_link_to_the_page_itself_is_not_a_section() -> None:
    url = f"{HOST}/zwgk/"
    found = discover_sections(parse_html(PORTAL, url), url)
    assert NavLink("政务公开", f"{HOST}/zwgk/") not in found
    assert found[0] == NavLink("政府信息公开", "http://xxgk.example.gov.cn/")


SECTION = """<html><head><title>政务公开_示例市人民政府</title></head><body>
<div class="top"><ul class="topnav"><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="left"><ul class="tree">
 <li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li>
 <li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a>
   <ul style="display:none"><li><a href="/zwgk/fdzdgknr/jgzn/">机构职能</a></li>
   <li><a href="/zwgk/fdzdgknr/zcwj/">政策文件</a></li></ul></li>
 <li><a href="/zwgk/xxgknb/">政府信息公开年报</a></li>
 <li><a href="javascript:void(0)">展开</a></li>
 <li><a href="#">收起</a></li>
</ul></div>
<div class="main">
 <div class="block"><div class="block-title"><span>通知公告</span><a class="more" href="/zwgk/tzgg/">更多&gt;&gt;</a></div>
  <ul class="list"><li><a href="/zwgk/tzgg/202603/t20260315_1.html">关于做好清明节期间安全工作的通知</a><span>2026-03-15</span></li>
  <li><a href="/zwgk/tzgg/202603/t20260310_2.html">关于开展春季爱国卫生运动的通知</a><span>2026-03-10</span></li></ul></div>
 <div class="block"><h3>人事信息</h3><a href="/zwgk/rsxx/">more</a>
  <ul class="list"><li><a href="/zwgk/rsxx/a1.html">示例市公开招聘事业单位工作人员公告</a><span>2026-02-01</span></li>
  <li><a href="/zwgk/rsxx/a2.html">示例市人事任免通知</a><span>2026-01-11</span></li></ul></div>
 <div class="tabs"><a href="/zwgk/czyjs/">财政预决算</a><a href="/zwgk/zfcg/">政府采购</a></div>
 <p><a href="http://www.ccgp.gov.cn/">中国政府采购网</a><a href="http://222.1.2.3/qzqd/">权责清单</a></p>
 <div class="page"><a href="index_1.html">2</a><a href="index_1.html">下一页</a></div>
</div>
<div class="footer"><a href="/wzdt/">网站地图</a><a href="/lxwm/">联系我们</a>
<a href="/zwgk/bq/">版权声明</a></div></body></html>"""


def test_discover_columns_from_section_page() -> None:
    url = f"{HOST}/zwgk/"
    assert discover_columns(parse_html(SECTION, url), url, SECTION) == [
        NavLink("政府信息公开指南", f"{HOST}/zwgk/xxgkzn/"),
        NavLink("法定主动公开内容", f"{HOST}/zwgk/fdzdgknr/"),
        NavLink("机构职能", f"{HOST}/zwgk/fdzdgknr/jgzn/"),
        NavLink("政策文件", f"{HOST}/zwgk/fdzdgknr/zcwj/"),
        NavLink("政府信息公开年报", f"{HOST}/zwgk/xxgknb/"),
        NavLink("通知公告", f"{HOST}/zwgk/tzgg/"),
        NavLink("人事信息", f"{HOST}/zwgk/rsxx/"),
        NavLink("财政预决算", f"{HOST}/zwgk/czyjs/"),
        NavLink("政府采购", f"{HOST}/zwgk/zfcg/"),
    ]


COLUMN_NAME_CASES = [
    (
        "meta",
        '<html><head><meta name="ColumnName" content="通知公告"><title>x</title></head></html>',
        "通知公告",
    ),
    (
        "breadcrumb-beats-stale-meta",
        '<html><head><meta name="ColumnName" content="示例市政务公开"></head><body>'
        '<div class="position">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/zwgk/">政务公开</a>'
        ' &gt;&gt; <a href="./">规划计划</a></div></body></html>',
        "规划计划",
    ),
    (
        "breadcrumb-text-tail-skips-正文",
        '<html><body><div>您的位置：<a href="/">首页</a> &gt; <a href="../">政策解读</a> &gt; 正文'
        "</div></body></html>",
        "政策解读",
    ),
    (
        "breadcrumb-list-items",
        '<html><body><div class="breadcrumb"><ul><li><a href="/">首页</a></li>'
        '<li><a href="../">政务公开</a></li><li><a href="./">工作动态</a></li></ul></div>'
        "</body></html>",
        "工作动态",
    ),
    (
        "empty-meta-then-h1",
        '<html><head><meta name="ColumnName" content=""></head><body><h1>人事信息</h1></body></html>',
        "人事信息",
    ),
    (
        "title-stem",
        "<html><head><title>工作进展情况_平潭综合实验区党工委管委会</title></head></html>",
        "工作进展情况",
    ),
    ("nothing", "<html><body><p>x</p></body></html>", None),
]


@pytest.mark.parametrize(
    ("html", "expected"), [c[1:] for c in COLUMN_NAME_CASES], ids=[c[0] for c in COLUMN_NAME_CASES]
)
def test_column_name(html: str, expected: str | None) -> None:
    assert column_name(parse_html(html, f"{HOST}/x/")) == expected


# ---- real pages ------------------------------------------------------------------------------


def _real(real_pages, prefix: str, url: str):
    text = next(real_pages.glob(f"{prefix}-*.html")).read_text("utf-8")
    return parse_html(text, url), text


@pytest.mark.parametrize(
    ("prefix", "name"),
    [("06", "工作进展情况"), ("14", "综合信息"), ("03", "近期信息公开"), ("05", "信息公开年报")],
    ids=["06", "14", "03", "05"],
)
def test_column_name_real_pages(real_pages, prefix: str, name: str) -> None:
    doc, _ = _real(real_pages, prefix, "http://example.gov.cn/x/")
    assert column_name(doc) == name


def test_real_01_columns_of_the_disclosure_home(real_pages) -> None:
    url = "http://hdzfxxgk.hd.gov.cn/"
    doc, text = _real(real_pages, "01", url)
    columns = discover_columns(doc, url, text)
    by_url = {c.url: c.name for c in columns}
    base = "http://hdzfxxgk.hd.gov.cn"
    # The side menu, in order, first.
    assert [c.name for c in columns[:8]] == [
        "政府信息公开指南",
        "政府信息公开制度文件",
        "法定主动公开内容",
        "政府信息公开年报",
        "政府公报",
        "政府新闻发布",
        "行政机关办公地址/联系方式",
        "市政府部门信息公开",
    ]
    # Block headings, 更多 links and the tab columns.
    assert by_url[f"{base}/zfwj/jinqixxgk/"] == "近期信息公开"
    assert by_url[f"{base}/ysqgk/"] == "依申请公开"
    assert by_url[f"{base}/zfwj/zhengcejd/"] == "市政府办公室文件"
    assert by_url[f"{base}/zfwj/xdfz/"] == "修订废止"
    assert by_url["http://hd.gov.cn/xxgk/zcjd/"] == "政策解读"  # same registrable domain
    # Not columns: articles, other registrable domains / IP hosts, the footer site map, search.
    assert not any("/t2020" in c.url or "/t2017" in c.url for c in columns)
    assert not any("ccgp-hebei" in c.url or "222.222.245.73" in c.url for c in columns)
    assert not any("www.gov.cn" in c.url or "beian" in c.url for c in columns)
    names = {c.name for c in columns}
    assert names.isdisjoint({"首页", "网站首页", "走进邯郸", "返回首页", "网站地图", "高级搜索"})
    assert len(columns) == len(by_url) == 27


def test_real_06_column_menu(real_pages) -> None:
    url = "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/"
    doc, text = _real(real_pages, "06", url)
    base = "https://www.pingtan.gov.cn/zwgk/ghxx"
    assert discover_columns(doc, url, text) == [
        NavLink("中长期发展规划", f"{base}/ztgh/"),
        NavLink("年度计划", f"{base}/ndjh/"),
        NavLink("专项规划", f"{base}/zxgh/"),
        NavLink("区域规划", f"{base}/qygh/"),
        NavLink("空间规划", f"{base}/kjgh/"),
    ]


def test_real_sections_from_pages_linking_the_section(real_pages) -> None:
    doc, _ = _real(real_pages, "06", "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/")
    assert discover_sections(doc, "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/")[:2] == [
        NavLink("政务公开", "https://www.pingtan.gov.cn/zwgk/"),
        NavLink("政府信息公开", "https://www.pingtan.gov.cn/zwgk/zfxxgk/"),
    ]
    doc, _ = _real(real_pages, "14", "http://www.zhangshu.gov.cn/zwgk/zhxx/")
    assert discover_sections(doc, "http://www.zhangshu.gov.cn/zwgk/zhxx/") == [
        NavLink("政务公开", "http://www.zhangshu.gov.cn/zwgk/")
    ]
