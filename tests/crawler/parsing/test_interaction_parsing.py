"""互动交流 parsing: channel links, message lists and message pages in the layouts TRS, Hanweb
and 公开平台-style systems print."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.interaction import (
    channel_links,
    is_channel_name,
    message_rows,
    read_message,
)

BASE = "https://www.qx.gov.cn/hdjl/xzxx/index.html"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县长信箱", True),
        ("书记信箱", True),
        ("局长信箱", True),
        ("在线咨询", True),
        ("互动交流", True),
        ("政民互动", True),
        ("网上留言", True),
        ("信件选登", True),
        # Look-alikes: about a channel, not one; a message's or an article's title.
        ("写信须知", False),
        ("信件查询", False),
        ("满意度调查", False),
        ("关于县长信箱来信办理情况的通报（2026年第三季度）", False),
        ("政务公开", False),
        ("", False),
    ],
)
def test_is_channel_name(text, expected):
    assert is_channel_name(text) is expected


def test_channel_links_each_target_once_in_page_order():
    doc = parse_html(
        '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a>'
        '<a href="/hdjl/">互动交流</a><a href="/hdjl/xzxx/">县长信箱</a>'
        '<a href="/hdjl/xzxx/xz.html">写信须知</a><a href="javascript:;">在线咨询</a>'
        '<a href="https://www.province.gov.cn/12345/?site=qx">网上咨询</a>'
        '<a href="/hdjl/#top">互动交流</a></div>',
        BASE,
    )
    assert [(c.url, c.name) for c in channel_links(doc, BASE)] == [
        ("https://www.qx.gov.cn/hdjl/", "互动交流"),
        ("https://www.qx.gov.cn/hdjl/xzxx/", "县长信箱"),
        ("https://www.province.gov.cn/12345/?site=qx", "网上咨询"),
    ]


TRS_TABLE = """
<table class="xjlb"><tr><th>编号</th><th>信件标题</th><th>来信时间</th><th>回复时间</th>
<th>办理状态</th></tr>
<tr><td>0231</td><td><a href="./202607/t20260701_1.html">关于小区路灯不亮的问题</a></td>
<td>2026-07-01</td><td></td><td>未回复</td></tr>
<tr><td>0230</td><td>
<a href="./202610/t20261001_2.html" title="咨询孩子入学政策问题">咨询孩子入学…</a></td>
<td>2026-10-01</td><td>2026-10-03</td><td>已回复</td></tr>
<tr><td>0229</td><td><a href="./202609/t20260901_3.html">反映噪音扰民问题</a></td>
<td>2026-09-01</td><td></td><td>不予公开</td></tr>
</table><div class="page"><a href="index_1.html">下一页</a></div>"""

HANWEB_ITEMS = """
<ul class="xjlist">
<li><a href="/art/2026/5/2/art_9_1.html" title="关于农村公路维修的建议">关于农村公路维修的建议</a>
<span>留言时间：2026-05-02</span><span>状态：办理中</span></li>
<li><a href="/art/2026/10/2/art_9_2.html">关于社保卡补办的咨询</a><span>2026-10-02</span>
<span>2026-10-05</span><span class="zt">已办结</span></li>
</ul>"""

PLATFORM_DIVS = """
<div class="ly-list"><div class="ly-item"><a href="/hdjl/ly/1001.html">公交线路调整的建议</a>
<p>提问时间：2026年8月3日 答复时间：2026年8月10日</p><p>处理状态：已答复</p></div>
<div class="ly-item"><a href="/hdjl/ly/1002.html">关于路面积水的问题</a>
<p>提问时间：2026年11月2日</p><p>处理状态：待答复</p></div></div>"""

NEWS_WITHOUT_DATES = (
    '<ul><li><a href="/a.html">县长信箱</a></li><li><a href="/b.html">写信须知</a></li></ul>'
)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            TRS_TABLE,
            [
                ("202607/t20260701_1.html", "关于小区路灯不亮的问题", date(2026, 7, 1), None,
                 "unanswered", False),
                ("202610/t20261001_2.html", "咨询孩子入学政策问题", date(2026, 10, 1),
                 date(2026, 10, 3), "replied", False),
                ("202609/t20260901_3.html", "反映噪音扰民问题", date(2026, 9, 1), None, None, True),
            ],
        ),
        (
            HANWEB_ITEMS,
            [
                ("art_9_1.html", "关于农村公路维修的建议", date(2026, 5, 2), None, "in_progress",
                 False),
                ("art_9_2.html", "关于社保卡补办的咨询", date(2026, 10, 2), date(2026, 10, 5),
                 "replied", False),
            ],
        ),
        (
            PLATFORM_DIVS,
            [
                ("1001.html", "公交线路调整的建议", date(2026, 8, 3), date(2026, 8, 10), "replied",
                 False),
                ("1002.html", "关于路面积水的问题", date(2026, 11, 2), None, "unanswered", False),
            ],
        ),
        (NEWS_WITHOUT_DATES, []),
    ],
    ids=["trs-table-with-header", "hanweb-items", "platform-labelled-divs", "a-menu-is-no-list"],
)  # fmt: skip
def test_message_rows(html, expected):
    rows = message_rows(parse_html(f"<html><body>{html}</body></html>", BASE), BASE)
    got = [(r.url, r.title, r.asked, r.replied, r.state, r.withheld) for r in rows]
    assert [(url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1]
             if "/t2026" in url else url.rsplit("/", 1)[-1], *rest)
            for url, *rest in got] == expected  # fmt: skip


FOOTER = '<div class="footer">版权所有：清溪县人民政府 网站标识码3600000001 网站地图 联系我们</div>'
TABLE_PAGE = (
    "<table><tr><td>信件标题</td><td>关于小区路灯不亮的问题</td></tr>"
    "<tr><td>来信时间</td><td>2026-07-01 10:22</td></tr>"
    "<tr><td>办理状态</td><td>已回复</td></tr><tr><td>回复内容</td><td>{reply}</td></tr>"
    "<tr><td>回复单位</td><td>县城管局</td></tr><tr><td>回复时间</td><td>2026-07-03</td></tr>"
    "</table>"
)
PARAGRAPH_PAGE = (
    '<div class="xj"><h2>关于社保卡补办的咨询</h2><p>留言时间：2026-10-02</p>'
    '<p>留言内容：请问社保卡丢失如何补办？</p><div class="hf"><p><strong>答复意见：</strong></p>'
    "<p>{reply}</p><p>答复单位：县人社局</p><p>答复时间：2026年10月5日</p></div></div>"
)
OPEN_PAGE = (
    "<dl><dt>主题</dt><dd>关于路面积水的问题</dd><dt>提问时间</dt><dd>2026-11-02</dd>"
    "<dt>状态</dt><dd>办理中</dd></dl>"
)
WITHHELD_PAGE = "<p>来信时间：2026-09-01</p><p>状态：该信件不予公开</p>"
INVALID_PAGE = "<p>来信时间：2026-09-05</p><p>办理状态：重复信件</p>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (TABLE_PAGE.format(reply="您好，经核实，路灯已于7月3日修复。感谢您的监督。"),
         (date(2026, 7, 1), date(2026, 7, 3), "replied", 25, False, False)),
        (TABLE_PAGE.format(reply=""),
         (date(2026, 7, 1), date(2026, 7, 3), "replied", 0, False, False)),
        (PARAGRAPH_PAGE.format(reply="您好，可携带身份证到县人社局窗口办理。"),
         (date(2026, 10, 2), date(2026, 10, 5), "replied", 19, False, False)),
        (PARAGRAPH_PAGE.format(reply=""),
         (date(2026, 10, 2), date(2026, 10, 5), "replied", 0, False, False)),
        (OPEN_PAGE, (date(2026, 11, 2), None, "in_progress", None, False, False)),
        (WITHHELD_PAGE, (date(2026, 9, 1), None, None, None, True, False)),
        (INVALID_PAGE, (date(2026, 9, 5), None, None, None, False, True)),
    ],
    ids=["table-reply", "table-empty-reply-before-footer", "paragraph-reply",
         "paragraph-empty-reply", "dl-in-progress", "withheld", "invalid"],
)  # fmt: skip
def test_read_message(html, expected):
    page = read_message(parse_html(f"<html><body>{html}{FOOTER}</body></html>", BASE))
    assert (page.asked, page.replied, page.state, page.reply_chars, page.withheld,
            page.invalid) == expected  # fmt: skip
