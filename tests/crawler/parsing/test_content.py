"""What a page says of its own once the chrome is set aside: a column page of content (机构职能,
领导信息, "本单位无行政事业性收费项目") has it; an empty list, "暂无信息" or nothing but the chrome
and the column's title has not. The pages share one TRS-style template: header and top menu,
breadcrumb, the column tree on the left, the content area, a footer without a class name."""

# ruff: noqa: E501  (HTML fixtures keep one element per line, as a CMS writes them)

from __future__ import annotations

import pytest

from crawler.parsing.content import page_content
from crawler.parsing.document import parse_html
from crawler.parsing.meta import extract_meta

URL = "http://www.example.gov.cn/zwgk/jgzn/"
MIN_CONTENT = 10  # the check's line (checks/columns.py MIN_CONTENT_CHARS)


def _page(column: str, area: str) -> str:
    return f"""<html><head><title>{column}_示例市交通运输局</title>
<meta name="ColumnName" content="{column}"></head><body>
<div class="header"><img src="/logo.png"><span>示例市交通运输局</span><a href="/">设为首页</a><a href="/sc">加入收藏</a></div>
<div class="topnav"><ul><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
<form action="/search"><input name="q"><button>搜索</button></form></div>
<div class="wz">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="./">{column}</a></div>
<div class="main"><div class="lmenu"><h3>政务公开</h3><ul>
 <li><a href="/zwgk/jgzn/">机构职能</a></li><li><a href="/zwgk/ldxx/">领导信息</a></li>
 <li><a href="/zwgk/sf/">行政事业性收费</a></li><li><a href="/zwgk/tzgg/">通知公告</a></li>
 <li><a href="/zwgk/czzj/">财政资金</a></li></ul></div>
<div class="rcon"><h2>{column}</h2>{area}</div></div>
<div class="btm"><p>主办单位：示例市交通运输局 地址：示例市人民大街100号 联系电话：0437-1234567</p>
<p>网站标识码：2204000001 吉ICP备12345678号 吉公网安备 22040202000001号</p></div>
</body></html>"""


def _measure(html: str):
    doc = parse_html(html, URL)
    meta = extract_meta(doc)
    return page_content(doc, [meta.title, meta.meta.get("ColumnName")])


CONTENT = [
    (
        "duties",
        "机构职能",
        "<p>（一）贯彻执行国家和省有关交通运输工作的方针政策和法律法规。</p><p>（二）负责全市公路、水路交通运输行业管理。</p><p>内设机构：办公室、综合规划科、财务审计科、运输管理科。</p>",
    ),
    (
        "leaders",
        "领导信息",
        "<table><tr><td>局长</td><td>张三</td><td>主持局全面工作，分管办公室。</td></tr><tr><td>副局长</td><td>李四</td><td>负责公路建设与养护，分管规划科。</td></tr></table>",
    ),
    ("a-statement", "行政事业性收费", "<p>本单位无行政事业性收费项目。</p>"),
    (
        "guide-text",
        "政府信息公开指南",
        "<div class='article'><p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p></div>",
    ),
]
BLANK = [
    ("nothing", "财政资金", "", False),
    ("no-information", "财政资金", "<p class='noinfo'>暂无信息</p>", True),
    ("being-built", "财政资金", "<div>本栏目正在建设中，敬请期待！</div>", True),
    (
        "empty-list-and-pager",
        "通知公告",
        "<table class='list'><tr><th>标题</th><th>发布日期</th></tr></table><div class='page'>共0条记录 第1/1页 <a href='#'>首页</a> <a href='#'>上一页</a> <a href='#'>下一页</a> <a href='#'>尾页</a> 跳转到第 <input> 页</div>",
        False,
    ),
    (
        "title-and-date",
        "财政资金",
        "<p>2026-11-20</p><p>【字号 大 中 小】【打印】【关闭】</p>",
        False,
    ),
]


@pytest.mark.parametrize(("column", "area"), [c[1:] for c in CONTENT], ids=[c[0] for c in CONTENT])
def test_a_page_of_content_has_its_own_text(column, area) -> None:
    found = _measure(_page(column, area))
    assert found.chars >= MIN_CONTENT, found
    assert not found.placeholder
    assert "主办单位" not in found.sample and "政务公开" not in found.sample


@pytest.mark.parametrize(
    ("column", "area", "placeholder"), [b[1:] for b in BLANK], ids=[b[0] for b in BLANK]
)
def test_a_blank_page_has_none(column, area, placeholder) -> None:
    found = _measure(_page(column, area))
    assert found.chars < MIN_CONTENT, found
    assert found.placeholder is placeholder


def test_a_template_that_puts_the_page_in_a_footer_div_still_has_content() -> None:
    """www.shanxi.gov.cn's article template: the whole page below the menu in div.footer."""
    article = CONTENT[0][2] * 8  # a page's worth of text, more than a footer holds
    html = _page("机构职能", article).replace('<div class="main">', '<div class="footer">', 1)
    assert _measure(html).chars >= MIN_CONTENT


def test_a_page_of_only_chrome_measures_zero() -> None:
    assert _measure(_page("财政资金", "")).chars == 0


@pytest.mark.parametrize(
    "name",
    [
        "07-pingtan-article-detail-xls.html",
        "08-wanzai-tjgb-2022-detail.html",
        "09-yichun-tjgb-2022-detail.html",
        "10-wanzai-tjgb-2015-detail.html",
        "11-zjdpc-hanweb-article-detail.html",
        "12-shanxi-gov-article-detail.html",
        "13-govcn-gazette-article-detail.html",
    ],
)
def test_real_article_pages_have_their_text(real_pages, name) -> None:
    found = _measure((real_pages / name).read_text(encoding="utf-8"))
    assert found.chars >= 200 and not found.placeholder, found
