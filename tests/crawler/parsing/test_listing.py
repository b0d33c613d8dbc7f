"""Column list items and preview blocks: made-up pages in the styles of several CMS families,
then the real pages of shared/real-pages (labels from MANIFEST.md)."""

# ruff: noqa: E501  (HTML fixtures keep one list item per line, as a CMS writes them)

from __future__ import annotations

import datetime

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.listing import ListEntry, extract_list_items, is_list_page, list_blocks

D = datetime.date
HOST = "http://www.example.gov.cn"

HEADER = """
<div class="header"><a href="/">网站首页</a><a href="/xwzx/">新闻中心</a><a href="/hdjl/">互动交流</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
"""
FOOTER = """
<div class="footer"><ul><li><a href="/wzdt/">网站地图</a> 2026-01-01</li>
<li><a href="/lxwm/">联系我们</a> 2026-01-01</li></ul><p>网站标识码 1300000000</p></div>
"""

# TRS WCM (拓尔思): a table list with ./YYYYMM/tYYYYMMDD_N.html links, a title attribute holding the
# full title, and a header marquee of notices that must not be read as the list.
TRS_TABLE = f"""<html><head><title>通知公告_示例市人民政府</title></head><body>{HEADER}
<div id="mq" onmouseover="iScrollAmount=0"><table>
<tr><td><a href="../tzgg/202601/t20260101_1.html">停电通知一</a></td><td>01-01</td></tr>
<tr><td><a href="../tzgg/202601/t20260102_2.html">停电通知二</a></td><td>01-02</td></tr>
<tr><td><a href="../tzgg/202601/t20260103_3.html">停电通知三</a></td><td>01-03</td></tr>
<tr><td><a href="../tzgg/202601/t20260104_4.html">停电通知四</a></td><td>01-04</td></tr>
</table></div>
<div class="position">当前位置：<a href="../../">首页</a> &gt;&gt; <a href="../">政务公开</a>
 &gt;&gt; <a href="./">通知公告</a></div>
<table class="gl_list"><tbody>
<tr><td><img src="dot.gif"></td><td><a href="./202603/t20260315_4412345.html"
 title="关于开展2026年春季安全生产大检查工作的通知（全文）">关于开展2026年春季安全生产大检查...</a></td>
 <td>2026-03-15</td></tr>
<tr><td><img src="dot.gif"></td><td><a href="./202603/t20260310_4412001.html">关于公布2025年度政府信息公开工作年度报告的公告</a></td>
 <td>2026-03-10</td></tr>
<tr><td><img src="dot.gif"></td><td><a href="./202602/t20260228_4411000.html">示例市2026年重点民生实事项目征集公告</a></td>
 <td>2026-02-28</td></tr>
</tbody></table>{FOOTER}</body></html>"""

# Hanweb JCMS (大汉): the list lives in a <datastore> script as CDATA records.
HANWEB = f"""<html><head><title>政策文件</title></head><body>{HEADER}
<div id="4701"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=3&path=/&columnid=4701&unitid=12&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2026/3/15/art_4701_1001.html" title="示例市人民政府关于印发2026年工作要点的通知" target="_blank">示例市人民政府关于印发2026年工作要点的通知</a><span>2026-03-15</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/3/2/art_4701_1000.html" title="示例市人民政府办公室关于做好春耕生产的通知">示例市人民政府办公室关于做好春耕...</a><span>2026-03-02</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/2/9/art_4701_999.html">示例市促进民营经济发展若干措施</a><span>2026-02-09</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#4701').jpage({{perPage: 15, totalRecord: 100, groupSize: 3}});</script>
<div class="hot"><h3>热点排行</h3><ul>
<li><a href="/art/2025/1/1/art_1_1.html">热门文章一</a><span>2025-01-01</span></li>
<li><a href="/art/2025/1/2/art_1_2.html">热门文章二</a><span>2025-01-02</span></li>
<li><a href="/art/2025/1/3/art_1_3.html">热门文章三</a><span>2025-01-03</span></li>
<li><a href="/art/2025/1/4/art_1_4.html">热门文章四</a><span>2025-01-04</span></li>
</ul></div>{FOOTER}</body></html>"""

# Hanweb JCMS with table-row records (a 政府采购 column), dates in brackets.
HANWEB_ROWS = f"""<html><body>{HEADER}<div id="31685"><script type="text/xml"><datastore>
<recordset><table></table>
<record><![CDATA[<tr><td width=15><img src="/p.gif"></td><td><a href='/art/2017/4/24/art_31685_2451995.html' title='示例县政府采购公告一'>示例县政府采购公告一</a></td><td>[2017-04-24]</td></tr>]]></record>
<record><![CDATA[<tr><td width=15><img src="/p.gif"></td><td><a href='/art/2017/4/20/art_31685_2451000.html' title='示例县政府采购公告二'>示例县政府采购公告二</a></td><td>[2017-04-20]</td></tr>]]></record>
</recordset></datastore></script></div>{FOOTER}</body></html>"""

# A hand-made 政务公开 table (名称 / 索引号 / 发布机构 / 发布日期), one item only.
TABLE_ONE_ROW = f"""<html><body>{HEADER}<h1>近期信息公开</h1>
<table><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>
<tr><td><a href="/gszbm/202008/t20200805_1.html" title="示例市教育局关于学校安全工作的通知">
示例市教育局关于学校安全工作的通知</a></td><td>000014348/2020-35428</td><td>示例市教育局</td>
<td>2020-08-05</td></tr></table>{FOOTER}</body></html>"""

# 开普云-style div/span list with bracketed dates, and a dateless link list beside it.
DIV_SPAN = f"""<html><body>{HEADER}
<div class="side"><div class="item"><a href="/zwgk/zcwj/">政策文件</a></div>
<div class="item"><a href="/zwgk/ghjh/">规划计划</a></div><div class="item"><a href="/zwgk/tjsj/">统计数据</a></div>
<div class="item"><a href="/zwgk/rsxx/">人事信息</a></div><div class="item"><a href="/zwgk/czzj/">财政资金</a></div></div>
<div class="news-list">
<div class="news-item"><a href="/zwgk/gzdt/content_101.html">示例县召开2026年第一次常务会议</a><span class="date">[2026-03-15]</span></div>
<div class="news-item"><a href="/zwgk/gzdt/content_100.html">示例县开展春季植树活动</a><span class="date">[2026-03-12]</span></div>
<div class="news-item"><a href="/zwgk/gzdt/content_99.html">示例县召开安全生产工作会议</a><span class="date">[2026-03-01]</span></div>
</div>{FOOTER}</body></html>"""

# A dl list: dt holds the link, the following dd the date; and a dd-only variant.
DL_DT_DD = f"""<html><body>{HEADER}<dl class="list">
<dt><a href="/xxgk/tzgg/202603/t20260315_9.html">关于2026年清明节假期安排的通知</a></dt><dd>2026-03-15</dd>
<dt><a href="/xxgk/tzgg/202603/t20260311_8.html">关于开展消防安全检查的通知</a></dt><dd>2026-03-11</dd>
<dt><a href="/xxgk/tzgg/202602/t20260220_7.html">关于春节后复工复产的通知</a></dt><dd>2026-02-20</dd>
</dl>{FOOTER}</body></html>"""
DL_DD = f"""<html><body>{HEADER}<dl class="list">
<dd><a href="/xxgk/a/1.html">示例文件一号</a><span>2026.03.15</span></dd>
<dd><a href="/xxgk/a/2.html">示例文件二号</a><span>2026.03.14</span></dd>
</dl>{FOOTER}</body></html>"""

# A TRS list printing MM-DD: the year comes from each item's URL; a 12-31 item filed in January
# belongs to the year before.
MONTH_DAY = f"""<html><body>{HEADER}<ul class="list">
<li><a href="./201801/t20180103_5.html">新年第一件事</a><span>01-03</span></li>
<li><a href="./201801/t20180102_4.html">年终总结补发</a><span>12-31</span></li>
<li><a href="./201712/t20171220_3.html">冬季安全提示</a><span>12-20</span></li>
</ul>{FOOTER}</body></html>"""

# avalon / Vue template rows beside the static list; an empty href and a javascript: link.
TEMPLATES = f"""<html><body>{HEADER}<div class="list"><ul>
<li><a href="./202603/t20260315_3.html">静态列表第一条</a><span>2026-03-15</span></li>
<li><a href="./202603/t20260314_2.html">静态列表第二条</a><span>2026-03-14</span></li>
<li><a href="">空链接条目标题</a><span>2026-03-13</span></li>
<li><a href="javascript:void(0);">脚本链接条目</a><span>2026-03-12</span></li>
</ul><ul>
<li ms-repeat="list"><a ms-attr-href="el.chnldocurl" href="#">{{{{el.title}}}}</a><span>{{{{el.date}}}}</span></li>
<li v-for="item in items"><a :href="item.url" href="/x">{{{{item.title}}}}</a><span>2026-01-01</span></li>
<li v-for="item in items"><a href="/x/y.html">模板行标题一</a><span>2026-01-01</span></li>
</ul></div>{FOOTER}</body></html>"""

# Two tab panels: the shown one is the list; the hidden one (more items) is another column's.
HIDDEN_TAB = f"""<html><body>{HEADER}<div class="tabs">
<div class="tab-head"><a href="/xxgk/tzgg/">通知公告</a><a href="/xxgk/gsgg/">公示公告</a></div>
<ul class="tab-list" style="display: block;">
<li><a href="/xxgk/tzgg/1.html">通知公告第一条</a><span>2026-03-15</span></li>
<li><a href="/xxgk/tzgg/2.html">通知公告第二条</a><span>2026-03-14</span></li></ul>
<ul class="tab-list" style="display:none">
<li><a href="/xxgk/gsgg/1.html">公示公告第一条</a><span>2026-03-13</span></li>
<li><a href="/xxgk/gsgg/2.html">公示公告第二条</a><span>2026-03-12</span></li>
<li><a href="/xxgk/gsgg/3.html">公示公告第三条</a><span>2026-03-11</span></li></ul>
</div>{FOOTER}</body></html>"""

# Dated list beside a bigger dateless link block: the dated one is the list.
DATED_BEATS_BIGGER = f"""<html><body>{HEADER}<ul class="links">
{"".join(f'<li><a href="/dept/{i}/">部门{i}</a></li>' for i in range(12))}</ul>
<ul class="news"><li><a href="/n/1.html">工作动态第一条</a><span>2026-03-15</span></li>
<li><a href="/n/2.html">工作动态第二条</a><span>2026-03-10</span></li></ul>{FOOTER}</body></html>"""

# 公开指南: a dateless department list; the side menu links the page itself (it is navigation).
GUIDE = f"""<html><body>{HEADER}<ul class="menu">
<li><a href="/xxgk/zn/">信息公开指南</a></li><li><a href="/xxgk/zd/">信息公开制度</a></li>
<li><a href="/xxgk/nb/">信息公开年报</a></li><li><a href="/xxgk/ml/">信息公开目录</a></li>
<li><a href="/xxgk/ysq/">依申请公开</a></li></ul>
<div class="depts"><ul>
<li><a href="/bm/jyj/?id=1">示例市教育局</a></li><li><a href="/bm/gaj/?id=2">示例市公安局</a></li>
<li><a href="/bm/mzj/?id=3">示例市民政局</a></li><li><a href="/bm/czj/?id=4">示例市财政局</a></li>
</ul></div>{FOOTER}</body></html>"""

# Dates printed inside the link; one URL twice (kept once, first wins).
DATE_IN_LINK = f"""<html><body>{HEADER}<ul class="list">
<li><a href="/a/1.html"><span class="t">第一篇文章的标题</span><span class="d">2026-03-15</span></a></li>
<li><a href="/a/2.html"><span class="t">第二篇文章的标题</span><span class="d">2026-03-14</span></a></li>
<li><a href="/a/1.html"><span class="t">第一篇文章的重复</span><span class="d">2026-03-13</span></a></li>
</ul>{FOOTER}</body></html>"""

# Fujian "trt" template: one list split into <ul> blocks of two under sibling wrappers.
SPLIT_BLOCKS = f"""<html><body>{HEADER}<div class="list_base"><div ms-visible="showStatic">
<div ms-visible="$showStatic(1)"><ul>
<li><a href="./202603/t20260315_4.html" title="第四条">第四条</a><span>2026-03-15</span></li>
<li><a href="./202603/t20260314_3.html" title="第三条">第三条</a><span>2026-03-14</span></li></ul></div>
<div ms-visible="$showStatic(3)"><ul>
<li><a href="./202603/t20260313_2.html" title="第二条">第二条</a><span>2026-03-13</span></li>
<li><a href="./202603/t20260312_1.html" title="第一条">第一条</a><span>2026-03-12</span></li></ul></div>
</div></div>{FOOTER}</body></html>"""

LIST_CASES = [
    (
        "trs-table-with-marquee",
        TRS_TABLE,
        f"{HOST}/zwgk/tzgg/",
        [
            (
                "关于开展2026年春季安全生产大检查工作的通知（全文）",
                f"{HOST}/zwgk/tzgg/202603/t20260315_4412345.html",
                D(2026, 3, 15),
                "list",
            ),
            (
                "关于公布2025年度政府信息公开工作年度报告的公告",
                f"{HOST}/zwgk/tzgg/202603/t20260310_4412001.html",
                D(2026, 3, 10),
                "list",
            ),
            (
                "示例市2026年重点民生实事项目征集公告",
                f"{HOST}/zwgk/tzgg/202602/t20260228_4411000.html",
                D(2026, 2, 28),
                "list",
            ),
        ],
    ),
    (
        "hanweb-datastore-cdata",
        HANWEB,
        f"{HOST}/col/col4701/index.html",
        [
            (
                "示例市人民政府关于印发2026年工作要点的通知",
                f"{HOST}/art/2026/3/15/art_4701_1001.html",
                D(2026, 3, 15),
                "list",
            ),
            (
                "示例市人民政府办公室关于做好春耕生产的通知",
                f"{HOST}/art/2026/3/2/art_4701_1000.html",
                D(2026, 3, 2),
                "list",
            ),
            (
                "示例市促进民营经济发展若干措施",
                f"{HOST}/art/2026/2/9/art_4701_999.html",
                D(2026, 2, 9),
                "list",
            ),
        ],
    ),
    (
        "hanweb-datastore-table-rows",
        HANWEB_ROWS,
        f"{HOST}/col/col31685/index.html",
        [
            (
                "示例县政府采购公告一",
                f"{HOST}/art/2017/4/24/art_31685_2451995.html",
                D(2017, 4, 24),
                "list",
            ),
            (
                "示例县政府采购公告二",
                f"{HOST}/art/2017/4/20/art_31685_2451000.html",
                D(2017, 4, 20),
                "list",
            ),
        ],
    ),
    (
        "table-one-row",
        TABLE_ONE_ROW,
        f"{HOST}/zfwj/jqxxgk/",
        [
            (
                "示例市教育局关于学校安全工作的通知",
                f"{HOST}/gszbm/202008/t20200805_1.html",
                D(2020, 8, 5),
                "list",
            )
        ],
    ),
    (
        "div-span-bracketed",
        DIV_SPAN,
        f"{HOST}/zwgk/gzdt/",
        [
            (
                "示例县召开2026年第一次常务会议",
                f"{HOST}/zwgk/gzdt/content_101.html",
                D(2026, 3, 15),
                "list",
            ),
            (
                "示例县开展春季植树活动",
                f"{HOST}/zwgk/gzdt/content_100.html",
                D(2026, 3, 12),
                "list",
            ),
            (
                "示例县召开安全生产工作会议",
                f"{HOST}/zwgk/gzdt/content_99.html",
                D(2026, 3, 1),
                "list",
            ),
        ],
    ),
    (
        "dl-dt-dd",
        DL_DT_DD,
        f"{HOST}/xxgk/tzgg/",
        [
            (
                "关于2026年清明节假期安排的通知",
                f"{HOST}/xxgk/tzgg/202603/t20260315_9.html",
                D(2026, 3, 15),
                "list",
            ),
            (
                "关于开展消防安全检查的通知",
                f"{HOST}/xxgk/tzgg/202603/t20260311_8.html",
                D(2026, 3, 11),
                "list",
            ),
            (
                "关于春节后复工复产的通知",
                f"{HOST}/xxgk/tzgg/202602/t20260220_7.html",
                D(2026, 2, 20),
                "list",
            ),
        ],
    ),
    (
        "dl-dd",
        DL_DD,
        f"{HOST}/xxgk/a/",
        [
            ("示例文件一号", f"{HOST}/xxgk/a/1.html", D(2026, 3, 15), "list"),
            ("示例文件二号", f"{HOST}/xxgk/a/2.html", D(2026, 3, 14), "list"),
        ],
    ),
    (
        "month-day-years-from-urls",
        MONTH_DAY,
        f"{HOST}/zwgk/zhxx/",
        [
            ("新年第一件事", f"{HOST}/zwgk/zhxx/201801/t20180103_5.html", D(2018, 1, 3), "list"),
            ("年终总结补发", f"{HOST}/zwgk/zhxx/201801/t20180102_4.html", D(2017, 12, 31), "list"),
            ("冬季安全提示", f"{HOST}/zwgk/zhxx/201712/t20171220_3.html", D(2017, 12, 20), "list"),
        ],
    ),
    (
        "template-rows-and-empty-links-skipped",
        TEMPLATES,
        f"{HOST}/zwgk/x/",
        [
            ("静态列表第一条", f"{HOST}/zwgk/x/202603/t20260315_3.html", D(2026, 3, 15), "list"),
            ("静态列表第二条", f"{HOST}/zwgk/x/202603/t20260314_2.html", D(2026, 3, 14), "list"),
        ],
    ),
    (
        "hidden-tab-is-not-the-list",
        HIDDEN_TAB,
        f"{HOST}/xxgk/",
        [
            ("通知公告第一条", f"{HOST}/xxgk/tzgg/1.html", D(2026, 3, 15), "list"),
            ("通知公告第二条", f"{HOST}/xxgk/tzgg/2.html", D(2026, 3, 14), "list"),
        ],
    ),
    (
        "dated-beats-bigger-dateless",
        DATED_BEATS_BIGGER,
        f"{HOST}/n/",
        [
            ("工作动态第一条", f"{HOST}/n/1.html", D(2026, 3, 15), "list"),
            ("工作动态第二条", f"{HOST}/n/2.html", D(2026, 3, 10), "list"),
        ],
    ),
    (
        "dateless-guide-list",
        GUIDE,
        f"{HOST}/xxgk/zn/",
        [
            ("示例市教育局", f"{HOST}/bm/jyj/?id=1", None, None),
            ("示例市公安局", f"{HOST}/bm/gaj/?id=2", None, None),
            ("示例市民政局", f"{HOST}/bm/mzj/?id=3", None, None),
            ("示例市财政局", f"{HOST}/bm/czj/?id=4", None, None),
        ],
    ),
    (
        "date-inside-link-and-duplicate-url",
        DATE_IN_LINK,
        f"{HOST}/a/",
        [
            ("第一篇文章的标题", f"{HOST}/a/1.html", D(2026, 3, 15), "list"),
            ("第二篇文章的标题", f"{HOST}/a/2.html", D(2026, 3, 14), "list"),
        ],
    ),
    (
        "trt-split-blocks-merged",
        SPLIT_BLOCKS,
        f"{HOST}/zwgk/gzjz/",
        [
            ("第四条", f"{HOST}/zwgk/gzjz/202603/t20260315_4.html", D(2026, 3, 15), "list"),
            ("第三条", f"{HOST}/zwgk/gzjz/202603/t20260314_3.html", D(2026, 3, 14), "list"),
            ("第二条", f"{HOST}/zwgk/gzjz/202603/t20260313_2.html", D(2026, 3, 13), "list"),
            ("第一条", f"{HOST}/zwgk/gzjz/202603/t20260312_1.html", D(2026, 3, 12), "list"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [case[1:] for case in LIST_CASES],
    ids=[case[0] for case in LIST_CASES],
)
def test_extract_list_items(html: str, url: str, expected: list[tuple]) -> None:
    entries = extract_list_items(parse_html(html, url), url)
    assert entries == [ListEntry(*item) for item in expected]


def test_url_dates_when_the_list_shows_none() -> None:
    html = f"""<html><body>{HEADER}<ul class="list">
    <li><a href="./202603/t20260315_2.html">无日期条目一</a></li>
    <li><a href="./art/2026/3/9/art_1_1.html">无日期条目二</a></li>
    <li><a href="./x/3.html">无日期条目三</a></li></ul>{FOOTER}</body></html>"""
    url = f"{HOST}/zwgk/"
    entries = extract_list_items(parse_html(html, url), url)
    assert [(e.date, e.date_source) for e in entries] == [
        (D(2026, 3, 15), "url"),
        (D(2026, 3, 9), "url"),
        (None, None),
    ]


def test_empty_page_has_no_items() -> None:
    url = f"{HOST}/"
    assert extract_list_items(parse_html("", url), url) == []
    assert list_blocks(parse_html("", url), url) == []


MENU_TREE = """<div class="side-menu"><h3>信息公开目录</h3><ul class="tree">
<li><a href="/xxgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/xxgk/xxgknb/">政府信息公开年报</a></li>
<li><a href="/xxgk/bszn/">办事指南</a></li><li class="parent"><span>法定主动公开内容</span><ul>
<li><a href="/xxgk/zxzj/">专项资金</a></li><li><a href="/xxgk/zfcg/">政府采购</a></li></ul></li></ul></div>"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # A blank column's page in the tree: the tree's top level is the menu, not its list.
        ("/xxgk/zxzj/", 0),
        # Look-alike: a page the tree does not name (公开指南's department links are a list).
        ("/xxgk/bmlj/", 3),
    ],
    ids=["blank-column-in-the-tree", "page-outside-the-tree"],
)
def test_a_column_menu_is_not_the_list_of_a_column_it_names(path: str, expected: int) -> None:
    url = f"{HOST}{path}"
    html = f'<html><body>{MENU_TREE}<div class="list-box"><h2>专项资金</h2></div></body></html>'
    assert len(extract_list_items(parse_html(html, url), url)) == expected


SECTION_HOME = f"""<html><body>{HEADER}
<div class="box"><div class="box-title"><h2>通知公告</h2><a class="more" href="/xxgk/tzgg/">更多&gt;&gt;</a></div>
<ul class="box-list"><li><a href="/xxgk/tzgg/3.html">通知三号文件</a><span>2026-03-15</span></li>
<li><a href="/xxgk/tzgg/2.html">通知二号文件</a><span>2026-03-10</span></li></ul></div>
<div class="tabs"><div class="tab-head"><a href="/xxgk/zcwj/">政策文件</a><a href="/xxgk/zcjd/">政策解读</a>
<a class="tab-more" href="/xxgk/zcwj/">更多</a></div>
<ul class="tab-list" style="display:block"><li><a href="/xxgk/zcwj/2.html">政策文件二号</a><span>2026-03-01</span></li>
<li><a href="/xxgk/zcwj/1.html">政策文件一号</a><span>2026-02-01</span></li></ul>
<ul class="tab-list" style="display:none"><li><a href="/xxgk/zcjd/2.html">政策解读二号</a><span>2026-01-20</span></li>
<li><a href="/xxgk/zcjd/1.html">政策解读一号</a><span>2026-01-10</span></li></ul></div>
<div id="mq"><ul><li><a href="/gg/1.html">滚动公告一号</a><span>2026-03-20</span></li>
<li><a href="/gg/2.html">滚动公告二号</a><span>2026-03-19</span></li></ul></div>
{FOOTER}</body></html>"""


def test_list_blocks_headings_tabs_and_more_links() -> None:
    url = f"{HOST}/xxgk/"
    blocks = list_blocks(parse_html(SECTION_HOME, url), url)
    assert [
        (b.heading, b.more_url, [e.url.rsplit("/", 2)[-2:] for e in b.entries]) for b in blocks
    ] == [
        ("通知公告", f"{HOST}/xxgk/tzgg/", [["tzgg", "3.html"], ["tzgg", "2.html"]]),
        ("政策文件", f"{HOST}/xxgk/zcwj/", [["zcwj", "2.html"], ["zcwj", "1.html"]]),
        ("政策解读", f"{HOST}/xxgk/zcjd/", [["zcjd", "2.html"], ["zcjd", "1.html"]]),
    ]


def test_list_blocks_keep_side_by_side_boxes_apart() -> None:
    box = """<div class="box"><div class="box-title"><h2>{name}</h2>
    <a class="more" href="/{slug}/">更多</a></div><ul class="box-list">
    <li><a href="/{slug}/1.html">{name}第一条</a><span>2026-03-0{day}</span></li>
    <li><a href="/{slug}/2.html">{name}第二条</a><span>2026-02-0{day}</span></li></ul></div>"""
    html = (
        f'<html><body>{HEADER}<div class="row">'
        + box.format(name="工作动态", slug="gzdt", day=5)
        + box.format(name="人事信息", slug="rsxx", day=4)
        + f"</div>{FOOTER}</body></html>"
    )
    url = f"{HOST}/zwgk/"
    blocks = list_blocks(parse_html(html, url), url)
    assert [(b.heading, b.more_url, len(b.entries)) for b in blocks] == [
        ("工作动态", f"{HOST}/gzdt/", 2),
        ("人事信息", f"{HOST}/rsxx/", 2),
    ]


# ---- real pages (labels from MANIFEST.md) -------------------------------------------------

REAL_URLS = {
    "01": "http://hdzfxxgk.hd.gov.cn/",
    "02": "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/",
    "03": "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/",
    "05": "http://www.ordos.gov.cn/egb/xxgk/xxgknb/",
    "06": "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/",
    "14": "http://www.zhangshu.gov.cn/zwgk/zhxx/",
}


def _real(real_pages, prefix: str, url: str | None = None):
    path = next(real_pages.glob(f"{prefix}-*.html"))
    url = url or REAL_URLS.get(prefix, "http://example.gov.cn/col/page.html")
    return parse_html(path.read_text("utf-8"), url), url


def test_real_01_section_home_blocks(real_pages) -> None:
    doc, url = _real(real_pages, "01")
    blocks = list_blocks(doc, url)
    summary = [
        (b.heading, b.more_url, len(b.entries), b.entries[0].date, b.entries[-1].date)
        for b in blocks
    ]
    base = "http://hdzfxxgk.hd.gov.cn/zfwj"
    assert summary == [
        ("近期信息公开", f"{base}/jinqixxgk/", 13, D(2020, 8, 2), D(2020, 7, 15)),
        ("市政府文件", f"{base}/szfwj/", 12, D(2020, 7, 29), D(2020, 6, 12)),
        ("市政府办公室文件", f"{base}/zhengcejd/", 12, D(2020, 7, 27), D(2020, 7, 2)),
        ("市政府令", f"{base}/szfl/", 12, D(2020, 1, 23), D(2013, 10, 30)),
        ("修订废止", f"{base}/xdfz/", 12, D(2020, 4, 24), D(2017, 11, 28)),
    ]
    assert all(e.date_source == "list" for b in blocks for e in b.entries)
    # The page's own main list is the visible 近期信息公开 block, not a hidden tab.
    assert [e.url for e in extract_list_items(doc, url)] == [e.url for e in blocks[0].entries]


def test_real_02_guide_department_links(real_pages) -> None:
    """The 市政府部门 block: 44 live department links (the manifest's 84 also counts the 40
    links of a commented-out ``<ul>``, which a browser does not show)."""
    doc, url = _real(real_pages, "02")
    entries = extract_list_items(doc, url)
    assert len(entries) == 44
    assert entries[0] == ListEntry(
        "市政府办公室", "http://hdzfxxgk.hd.gov.cn/gszbm/auto23692/?id=1780/2138", None, None
    )
    assert entries[-1].title == "市机关事务管理局"
    assert all("/gszbm/" in e.url and e.date is None for e in entries)


def test_real_03_one_row_table(real_pages) -> None:
    doc, url = _real(real_pages, "03")
    assert extract_list_items(doc, url) == [
        ListEntry(
            "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知",
            "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html",
            D(2020, 8, 5),
            "list",
        )
    ]
    assert is_list_page(doc, url)


def test_real_05_trs_table_in_order(real_pages) -> None:
    doc, url = _real(real_pages, "05")
    entries = extract_list_items(doc, url)
    assert [e.date for e in entries] == [
        D(2020, 9, 3),
        D(2020, 5, 6),
        D(2020, 3, 11),
        D(2019, 6, 14),
        D(2019, 5, 30),
        D(2019, 5, 30),
        D(2018, 3, 26),
        D(2018, 1, 5),
        D(2017, 3, 22),
        D(2017, 1, 7),
    ]
    assert entries[0].title == "鄂尔多斯市2019年政府信息公开工作年度报告"
    assert entries[0].url == url + "202009/t20200903_2748784.html"
    assert all(e.date_source == "list" for e in entries)  # the list date wins over the URL's
    assert is_list_page(doc, url)


def test_real_06_static_blocks_not_the_avalon_template(real_pages) -> None:
    doc, url = _real(real_pages, "06")
    entries = extract_list_items(doc, url)
    assert len(entries) == 75
    assert entries[0].date == D(2025, 11, 11) and entries[-1].date == D(2021, 4, 16)
    dates = [e.date for e in entries if e.date is not None]
    assert len(dates) == len(entries) and dates == sorted(dates, reverse=True)
    assert all(e.url.startswith("https://www.pingtan.gov.cn/zwgk/") for e in entries)
    assert not any("el." in e.url or "{" in e.title or not e.title for e in entries)
    outside = [e.url for e in entries if "/gzjzqk/" not in e.url]
    assert len(outside) == 3  # ../../zdlyxxgk/… and ../../zfxxgk/… items
    assert is_list_page(doc, url)


def test_real_14_trs_month_day_list_not_the_marquee(real_pages) -> None:
    doc, url = _real(real_pages, "14")
    entries = extract_list_items(doc, url)
    assert len(entries) == 24
    assert all(e.date is not None and e.date.year == 2017 for e in entries)
    dates = [e.date for e in entries if e.date is not None]  # all of them, as just asserted
    assert entries[0].date == D(2017, 10, 19) == max(dates)
    assert entries[20].date == D(2017, 9, 22) == min(dates)
    assert [e.date for e in entries[21:]] == [D(2017, 9, 25)] * 3
    assert not any("/wsfw/fwsm/smgg/" in e.url for e in entries)  # the 12 marquee notices
    assert all(e.url.startswith(url + "2017") for e in entries)
    assert is_list_page(doc, url)


@pytest.mark.parametrize("prefix", ["04", "07", "10", "12"])
def test_real_articles_are_not_list_pages(real_pages, prefix: str) -> None:
    doc, url = _real(real_pages, prefix)
    assert not is_list_page(doc, url)
