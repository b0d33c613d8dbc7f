"""办事指南 structure: which of the 8 element classes a page labels, and whether each label has
content — over the layouts real CMSs give a guide (a 政务服务 item table, rowspan/colspan
tables, a row of labels over a row of values, ``<dl>``, numbered headings, inline "办理地点：…"
lines, hidden tab panels) and over the pages that look like one without being one (a news
article about guides, a guide index as a list and as a table, a policy text naming 申请条件 and
申请材料 in its sentences, a footer's 地址 and 电话). Every page shares one TRS-style template:
header and top menu, breadcrumb, the column tree, the content area, a footer with 地址 and 电话.
"""

# ruff: noqa: E501  (HTML fixtures keep one element per line, as a CMS writes them)

from __future__ import annotations

import pytest

from checks.guide_elements import GuideStructure, guide_elements
from crawler.parsing.document import parse_html
from crawler.parsing.guide import might_be_guide, read_guide
from crawler.parsing.guide_labels import label_reader

URL = "http://www.example.gov.cn/bsfw/bszn/202611/t20261118_301.html"
ALL = guide_elements().names


def page(title: str, area: str, column: str = "办事指南") -> str:
    return f"""<html><head><title>{title}_示例市交通运输局</title>
<meta name="ColumnName" content="{column}"><meta name="ArticleTitle" content="{title}"></head><body>
<div class="header"><img src="/logo.png"><span>示例市交通运输局</span><a href="/">设为首页</a></div>
<div class="topnav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/bsfw/bszn/">办事指南</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
<form action="/search"><input name="q"><button>搜索</button></form></div>
<div class="wz">当前位置：<a href="/">首页</a> &gt; <a href="/bsfw/">办事服务</a> &gt; <a href="/bsfw/bszn/">{column}</a></div>
<div class="main"><div class="lmenu"><h3>办事服务</h3><ul>
 <li><a href="/bsfw/bszn/">办事指南</a></li><li><a href="/bsfw/bglc/">办理流程</a></li><li><a href="/bsfw/xzxk/">行政许可</a></li></ul></div>
<div class="rcon"><h1>{title}</h1><div class="info">发布时间：2026-11-18 来源：行政审批科</div>
<div class="TRS_Editor">{area}</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
<div class="pre">上一篇：<a href="t20261101_300.html">道路货物运输经营许可办事指南</a></div></div></div>
<div class="btm"><p>主办单位：示例市交通运输局 地址：示例市人民大街100号 联系电话：0437-1234567</p>
<p>网站标识码：2204000001 吉ICP备12345678号</p></div>
</body></html>"""


def rows(*pairs: tuple[str, str]) -> str:
    """A 政务服务-style two-column table: label cell (centred, in a div) | value cell."""
    cells = "".join(
        f'<tr><td width="20%" bgcolor="#DAECFA"><div align="center">{label}</div></td>'
        f'<td bgcolor="#F7FBFE"><div class="STYLE4">{value}</div></td></tr>'
        for label, value in pairs
    )
    return f'<table width="100%" border="0" cellspacing="1">{cells}</table>'


COMPLETE = [
    ("事项名称", "道路旅客运输经营许可"),
    ("设定依据", "《中华人民共和国道路运输条例》第八条、第十条"),
    ("申请条件", "（一）有与其经营业务相适应并经检测合格的车辆；（二）有符合规定条件的驾驶人员。"),
    ("申请材料", "1.道路旅客运输经营申请表；2.企业章程文本；3.投资人、负责人身份证明。"),
    ("办理地点", "示例市政务服务中心二楼交通运输窗口（人民大街200号）"),
    ("办理时间", "周一至周五 上午8:30-11:30，下午13:30-17:00（法定节假日除外）"),
    ("咨询电话", "0437-3221234"),
    ("办理流程", "受理—审查—决定—送达"),
]

TWO_MISSING = [pair for pair in COMPLETE if pair[0] not in ("设定依据", "办理时间")]

SPANNED = """<table border="1" class="bszn">
<tr><th colspan="4">道路货物运输经营许可办事指南</th></tr>
<tr><td>事项名称</td><td colspan="3">道路货物运输经营许可</td></tr>
<tr><td>事项类型</td><td>行政许可</td><td>实施主体</td><td>示例市交通运输局</td></tr>
<tr><td>法律依据</td><td colspan="3">《中华人民共和国道路运输条例》第二十四条</td></tr>
<tr><td rowspan="2">受理条件</td><td colspan="3">1.有与其经营业务相适应并经检测合格的车辆；</td></tr>
<tr><td colspan="3">2.有符合规定条件的驾驶人员。</td></tr>
<tr><td>申请材料目录</td><td colspan="3"><a href="/files/sqb.doc">道路货物运输经营申请表.doc</a></td></tr>
<tr><td rowspan="3">窗口信息</td><td>受理窗口</td><td colspan="2">政务服务中心二楼8号窗口</td></tr>
<tr><td>办公时间</td><td colspan="2">工作日 8:30-17:00</td></tr>
<tr><td>咨询电话</td><td colspan="2"></td></tr>
<tr><td>办理时限</td><td>20个工作日</td><td>收费标准</td><td>不收费</td></tr>
<tr><td colspan="4">办理流程</td></tr>
<tr><td colspan="4"><img src="/images/lct.jpg" alt=""></td></tr>
</table>"""

HEADER_ROW = """<table class="jbxx"><tr><td>事项名称</td><td>设定依据</td><td>审批层级</td></tr>
<tr><td>建设工程消防验收</td><td>《中华人民共和国消防法》第十三条</td><td>市级</td></tr></table>
<table class="ckxx"><tr><th>办理地点</th><th>办理时间</th><th>联系电话</th><th></th></tr>
<tr><td>市民服务中心三楼</td><td>工作日9:00-17:00</td><td>0437-3226789</td><td><a href="/map.html">查看地图</a></td></tr></table>
<h3>申请条件</h3><p>建设工程竣工，已完成消防设施检测。</p>
<h3>申请材料</h3><p>1.消防验收申请表；2.工程竣工验收报告。</p>
<h3>办理流程</h3><p>网上申请—窗口受理—现场验收—出具意见</p>"""

# A header row over one row of values, then label-value rows: one guide, not a list of matters.
HEADER_THEN_PAIRS = """<table class="bszn"><tr><th>事项名称</th><th>设定依据</th><th>审批层级</th></tr>
<tr><td>公路建设项目施工许可</td><td>《公路建设市场管理办法》第十九条</td><td>市级</td></tr>
<tr><td>申请条件</td><td colspan="2">项目已列入公路建设年度计划</td></tr>
<tr><td>申请材料</td><td colspan="2">施工许可申请书；施工图设计文件批复</td></tr>
<tr><td>办理地点</td><td colspan="2">市政务服务中心交通窗口</td></tr></table>"""

# A row of labels beside a cell spanning two rows, one label spanning two columns: the value
# under each label is found on the grid, not by counting cells (the hours were left blank).
SPANNED_HEADER = """<h3>设定依据</h3><p>《城市道路管理条例》第二十九条</p>
<h3>申请材料</h3><p>城市道路占用挖掘申请表</p>
<table class="ckxx"><tr><td rowspan="2">窗口信息</td><th>办理地点</th><th colspan="2">办理时间</th><th>联系电话</th></tr>
<tr><td>市民服务中心三楼</td><td></td><td></td><td>0437-3226789</td></tr></table>"""

DEFINITION_LIST = """<dl class="guide">
<dt>事项名称：</dt><dd>城市建筑垃圾处置核准</dd>
<dt>设定依据：</dt><dd>《国务院对确需保留的行政审批项目设定行政许可的决定》第101项</dd>
<dt>申请条件：</dt><dd>无</dd>
<dt>办理材料：</dt><dd><ul><li>建筑垃圾处置核准申请表</li><li>运输车辆行驶证</li></ul></dd>
<dt>办理地点：</dt><dd>市政务服务中心一楼城管窗口</dd>
<dt>办理时间：</dt><dd></dd>
<dt>联系电话：</dt><dd>0437-3225566</dd>
<dt>办理流程：</dt><dd>申请、受理、审核、办结</dd>
</dl>"""

HEADINGS = """<p style="text-align:center"><strong>出租汽车驾驶员从业资格证补（换）证办事指南</strong></p>
<p><strong>一、事项名称</strong></p><p>出租汽车驾驶员从业资格证补（换）证</p>
<p><strong>二、设定依据</strong></p><p>《出租汽车驾驶员从业资格管理规定》第二十三条</p>
<p><strong>三、申请条件</strong></p><p>从业资格证遗失、损毁或有效期届满。</p>
<p><strong>四、申请材料</strong></p><p>1.补（换）证申请表；</p><p>2.本人身份证明；</p><p>3.近期一寸免冠照片两张。</p>
<p><strong>五、办理地点</strong></p>
<p><strong>六、收费标准</strong></p><p>不收费。</p>
<p><strong>七、办理时间</strong></p><p>工作日上午9:00-12:00，下午13:00-17:00</p>
<p><strong>八、联系电话</strong></p><p>0437-3227788</p>
<p><strong>九、办理流程</strong></p><p><img src="/images/lc.png"></p>"""

# "五、办理地点" followed at once by "六、…", a heading the table does not know: still empty.
NEXT_NUMBER = HEADINGS.replace("六、收费标准", "六、特别提示")

# The materials are drawn by a script into an empty block: not judged.
TEXT_SCRIPTED = HEADINGS.replace(
    "<p>1.补（换）证申请表；</p><p>2.本人身份证明；</p><p>3.近期一寸免冠照片两张。</p>",
    '<div id="materialList"></div>',
)

INLINE = """<p>一、事项名称：公路超限运输许可</p>
<p>二、法律依据：《公路安全保护条例》第三十五条</p>
<p>三、申请条件：车货总体外廓尺寸、轴荷或者总质量超过规定标准。</p>
<p>四、申请材料：</p><p>（一）公路超限运输申请表；</p><p>（二）车辆行驶证、道路运输证。</p>
<p>五、受理地点及时间：市政务服务中心交通窗口，工作日8:30-17:00<br>六、咨询电话：0437-3229900</p>
<p>七、办理流程：申请—受理—勘测—许可</p>"""

# 政务服务网 item page: a tab bar of links, panels hidden by display:none (a visitor opens them).
TABS = """<ul class="tabs"><li><a href="#jbxx">基本信息</a></li><li><a href="#sqtj">申请条件</a></li><li><a href="#sqcl">申请材料</a></li><li><a href="#bllc">办理流程</a></li></ul>
<div id="jbxx" class="panel"><table>
<tr><th>事项名称</th><td>机动车驾驶员培训经营备案</td><th>实施依据</th><td>《道路运输条例》第三十九条</td></tr>
<tr><th>办公地址</th><td>市政务服务中心</td><th>窗口办公时间</th><td>工作日</td></tr>
<tr><th>咨询方式</th><td>0437-3221111</td><th>监督投诉电话</th><td>12345</td></tr></table></div>
<div id="sqtj" class="panel" style="display:none"><p>有健全的培训机构和管理制度。</p><p>【申请条件】具备与培训业务相适应的教学人员。</p></div>
<div id="sqcl" class="panel" style="display:none"><h4>申请材料</h4><p>备案表、营业执照复印件。</p></div>
<div id="bllc" class="panel" style="display:none"><h4>办理流程</h4><p>网上申报，窗口受理，当场办结。</p></div>"""

# The values of this one are filled in by a script: empty cells with ids are not "missing".
SCRIPTED = """<table class="bszn">
<tr><td>事项名称</td><td id="sxmc">{{item.name}}</td></tr>
<tr><td>设定依据</td><td id="sdyj"></td></tr>
<tr><td>申请条件</td><td id="sqtj"></td></tr>
<tr><td>申请材料</td><td id="sqcl"></td></tr>
<tr><td>办理地点</td><td>市政务服务中心</td></tr>
<tr><td>办理时间</td><td id="blsj"></td></tr>
<tr><td>联系电话</td><td></td></tr>
<tr><td>办理流程</td><td id="bllc"></td></tr></table>"""

PLACEHOLDERS = rows(
    ("事项名称", "港口经营许可"), ("设定依据", "无"), ("申请条件", "无"), ("申请材料", "暂无"),
    ("办理地点", "—"), ("办理时间", "/"), ("联系电话", "0437-3220000"), ("办理流程", "见附件"),
)  # fmt: skip

# (id, title, area, present, empty, unrendered, layouts)
GUIDES = [
    ("two-column-table-complete", "道路旅客运输经营许可办事指南", rows(*COMPLETE), ALL, (), (), ("table",)),
    ("two-column-table-two-missing", "道路旅客运输经营许可办事指南", rows(*TWO_MISSING),
     ("事项名称", "申请条件", "办理材料", "办理地点", "联系电话", "办理流程"), (), (), ("table",)),
    ("empty-value-cells", "道路旅客运输经营许可办事指南",
     rows(*[(label, "&nbsp;" if label in ("办理地点", "咨询电话") else value) for label, value in COMPLETE]),
     ("事项名称", "设定依据", "申请条件", "办理材料", "办理时间", "办理流程"), ("办理地点", "联系电话"), (), ("table",)),
    ("rowspan-colspan", "道路货物运输经营许可办事指南", SPANNED,
     ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "办理流程"), ("联系电话",), (), ("table",)),
    ("row-of-labels-over-values", "建设工程消防验收办事指南", HEADER_ROW,
     ALL, (), (), ("table", "text")),
    ("header-row-then-pairs", "公路建设项目施工许可办事指南", HEADER_THEN_PAIRS,
     ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点"), (), (), ("table",)),
    ("spanned-row-of-labels", "城市道路占用挖掘许可办事指南", SPANNED_HEADER,
     ("设定依据", "办理材料", "办理地点", "联系电话"), ("办理时间",), (), ("table", "text")),
    ("definition-list", "城市建筑垃圾处置核准服务指南", DEFINITION_LIST,
     ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "联系电话", "办理流程"), ("办理时间",), (), ("list",)),
    ("numbered-headings", "出租汽车驾驶员从业资格证补（换）证办事指南", HEADINGS,
     ("事项名称", "设定依据", "申请条件", "办理材料", "办理时间", "联系电话", "办理流程"), ("办理地点",), (), ("text",)),
    ("next-numbered-heading-ends-a-section", "出租汽车驾驶员从业资格证补（换）证办事指南", NEXT_NUMBER,
     ("事项名称", "设定依据", "申请条件", "办理材料", "办理时间", "联系电话", "办理流程"), ("办理地点",), (), ("text",)),
    ("text-left-to-a-script", "出租汽车驾驶员从业资格证补（换）证办事指南", TEXT_SCRIPTED,
     ("事项名称", "设定依据", "申请条件", "办理时间", "联系电话", "办理流程"), ("办理地点",), ("办理材料",), ("text",)),
    ("inline-full-width-colons", "公路超限运输许可办事指南", INLINE, ALL, (), (), ("text",)),
    ("tabs-and-hidden-panels", "机动车驾驶员培训经营备案", TABS, ALL, (), (), ("table", "text")),
    ("left-to-a-script", "港口危险货物作业附证办事指南", SCRIPTED,
     ("办理地点",), ("联系电话",), ("事项名称", "设定依据", "申请条件", "办理材料", "办理时间", "办理流程"), ("table",)),
    ("placeholders", "港口经营许可办事指南", PLACEHOLDERS,
     ("事项名称", "申请条件", "联系电话", "办理流程"), ("设定依据", "办理材料", "办理地点", "办理时间"), (), ("table",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "area", "present", "empty", "unrendered", "layouts"),
    [case[1:] for case in GUIDES],
    ids=[case[0] for case in GUIDES],
)
def test_guide_layouts(title, area, present, empty, unrendered, layouts):
    html = page(title, area)
    assert might_be_guide(html)
    found = read_guide(parse_html(html, URL))
    assert found is not None
    assert (found.present, found.empty, found.unrendered) == (present, empty, unrendered)
    assert found.layouts == layouts
    assert found.is_guide_structure()
    assert GuideStructure.from_meta(found.to_meta()) == found


def test_labels_are_kept_as_written():
    found = read_guide(parse_html(page("公路超限运输许可办事指南", INLINE), URL))
    assert found is not None
    assert found.labels[:5] == (
        "一、事项名称",
        "二、法律依据",
        "三、申请条件",
        "四、申请材料",
        "五、受理地点及时间",
    )


NEWS = """<p>近日，示例市政务服务中心对进驻窗口的328项事项办事指南进行了全面梳理，统一了申请条件、申请材料、办理流程等要素的表述，
群众可在市政府门户网站“办事服务”栏目查阅。</p><p>据介绍，此次梳理共精简申请材料156份，压缩办理时间40%。下一步，中心将持续优化办理流程。</p>
<p>咨询电话：0437-3221234</p>"""

INDEX_LIST = """<ul class="list">
<li><a href="./202611/t20261118_301.html">道路旅客运输经营许可办事指南</a><span>2026-11-18</span></li>
<li><a href="./202611/t20261101_300.html">道路货物运输经营许可办事指南</a><span>2026-11-01</span></li>
<li><a href="./202610/t20261020_288.html">出租汽车驾驶员从业资格证补（换）证办事指南</a><span>2026-10-20</span></li>
</ul><p>说明：各事项的设定依据、申请条件、申请材料、办理地点、办理时间、联系电话和办理流程详见各办事指南。</p>"""

INDEX_TABLE = """<table class="sxlb"><tr><th>序号</th><th>事项名称</th><th>设定依据</th><th>申请材料</th><th>办理地点</th><th>联系电话</th><th>办事指南</th></tr>
<tr><td>1</td><td>道路旅客运输经营许可</td><td>道路运输条例</td><td>见指南</td><td>政务服务中心</td><td>3221234</td><td><a href="a.html">查看</a></td></tr>
<tr><td>2</td><td>道路货物运输经营许可</td><td>道路运输条例</td><td>见指南</td><td>政务服务中心</td><td>3221234</td><td><a href="b.html">查看</a></td></tr>
<tr><td>3</td><td>港口经营许可</td><td>港口法</td><td>见指南</td><td>政务服务中心</td><td>3221235</td><td><a href="c.html">查看</a></td></tr></table>"""

POLICY = """<p>第一条 为规范道路运输经营许可工作，根据《中华人民共和国道路运输条例》，制定本办法。</p>
<p>第二条 申请人应当符合申请条件，并按规定提交申请材料，申请材料应当真实有效。</p>
<p>第三条 许可机关应当公开办理流程、办理地点、办理时间和联系电话。</p>
<p>第四条 本办法自2026年12月1日起施行。</p>"""

# Only the footer's 地址/电话 and one inline label: not enough of a guide's own elements.
FOOTER_AND_ONE_LABEL = """<p>为方便群众办事，现将春节期间窗口安排公告如下。</p><p>办理时间：2月15日至2月17日9:00-12:00</p>
<p>办公地址：市政务服务中心一楼</p>"""

LOOK_ALIKES = [
    ("news-about-guides", "我市完成328项事项办事指南梳理", NEWS),
    ("guide-index-list", "办事指南", INDEX_LIST),
    ("guide-index-table", "办事指南", INDEX_TABLE),
    ("policy-text", "示例市道路运输经营许可管理办法", POLICY),
    ("notice-with-two-generic-labels", "关于春节期间政务服务窗口安排的公告", FOOTER_AND_ONE_LABEL),
]


@pytest.mark.parametrize(
    ("title", "area"), [case[1:] for case in LOOK_ALIKES], ids=[case[0] for case in LOOK_ALIKES]
)
def test_look_alikes_are_not_structured_like_a_guide(title, area):
    assert read_guide(parse_html(page(title, area), URL)) is None


def test_most_pages_are_not_read_at_all():
    """The cheap test comes first: a page naming fewer than three classes, or fewer than two
    of a guide's own, is not parsed for a guide."""
    assert not might_be_guide(
        page("示例市交通运输局2026年工作要点", "<p>全面推进交通强市建设。</p>")
    )
    assert not might_be_guide(page("通知", FOOTER_AND_ONE_LABEL))
    assert might_be_guide(page("办事指南", rows(*COMPLETE)))


LABELS = [
    ("（三）办理材料：", ("办理材料",)),
    ("【办理地点】", ("办理地点",)),
    ("受理地点及时间", ("办理地点", "办理时间")),
    ("窗口办公时间", ("办理时间",)),
    ("①设定依据", ("设定依据",)),
    ("第五条 办理程序", ("办理流程",)),
    ("咨询投诉电话", ("联系电话",)),
    ("监督投诉电话", ()),  # where to complain, not whom to ask
    ("办理时限", ()),  # how long it takes, not when the window is open
    ("收费依据", ()),
    ("申请材料应当真实有效", None),  # a sentence
    ("办理地点：市政务服务中心", None),  # a label with its value (read inline)
    ("道路旅客运输经营许可", None),
    ("发布时间", None),
]


@pytest.mark.parametrize(("text", "classes"), LABELS, ids=[case[0] for case in LABELS])
def test_labels(text, classes):
    label = label_reader().read(text)
    assert (label.classes if label is not None else None) == classes
