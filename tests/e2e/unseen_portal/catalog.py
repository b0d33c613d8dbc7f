"""The unseen portal's 栏目 as data, and the site's fixed parts (标识码, ICP, search, files).

Each column's items are generated from a title template, a spacing in days and the newest
date (:data:`_TOPICS`), numbered from 5601 in order; items kept from earlier years follow
(:data:`_KEPT`, numbered from 5801). :data:`TREE` is the left-hand column tree as the
disclosure home shows it, with one parent (:data:`PARENT`) that lists only its two
sub-columns, and a 办事指南 column (:data:`GUIDES`) whose articles are 办事指南 tables.
Everything is deterministic.
"""

from __future__ import annotations

from datetime import date, timedelta

from .model import AS_OF, Article, Column

_TOPICS: dict[str, tuple[str, str, str, int, date, int, int, list[str]]] = {
    # key: (name, style, title template, days between items, newest, per_page, uid, topics)
    "col1201": ("通知公告", "ul", "关于{}的通知", 6, date(2026, 10, 3), 5, 4501, [
        "做好2026年国庆节期间安全生产工作", "开展秋冬季森林防火专项检查",
        "公布2026年第三季度政务公开考核结果", "调整城区部分道路交通组织",
        "开展2026年度统计执法检查", "做好秋季学期学生资助工作", "举办全县农村实用人才培训班",
        "开展城乡居民医保集中参保缴费", "公布第二批县级非物质文化遗产名录",
        "开展夏季防汛应急演练", "做好高温天气劳动保护工作", "征集2027年县政府民生实事项目"]),
    "col1202": ("政策文件", "table", "清溪县人民政府办公室关于印发{}的通知", 9,
                date(2026, 9, 30), 4, 0, [
        "清溪县政务公开工作要点（2026年）", "清溪县城市更新行动实施方案",
        "清溪县促进民营经济高质量发展若干措施", "清溪县农村人居环境整治提升方案",
        "清溪县养老服务体系建设规划", "清溪县耕地保护激励办法", "清溪县公共数据管理办法",
        "清溪县消费券发放实施细则", "清溪县中小学校舍安全管理办法",
        "清溪县生活垃圾分类工作方案", "清溪县人才引进实施办法", "清溪县老旧小区改造实施方案",
        "清溪县突发事件总体应急预案", "清溪县河长制工作规则"]),
    "col1204": ("财政预决算", "p", "清溪县{}2026年部门预算", 30, date(2026, 9, 15), 0, 0, [
        "财政局", "教育局", "卫生健康局", "农业农村局", "交通运输局"]),
    "col1205": ("政府采购", "ul", "{}采购项目中标结果公告", 11, date(2026, 10, 8), 4, 4505, [
        "清溪县第一中学多媒体设备", "县人民医院医用耗材", "城区路灯节能改造",
        "农村饮用水水质检测服务", "县政务服务中心物业服务", "乡镇应急物资储备"]),
    "col1206": ("人事信息", "p", "清溪县{}", 17, date(2026, 3, 2), 0, 0, [
        "2026年公开招聘社区工作者公告", "事业单位2026年公开选调工作人员公告",
        "2026年第一批公开招聘教师拟聘用人员公示", "人民政府关于李某某等同志职务任免的通知",
        "2025年度公务员考核优秀人员名单公示", "2025年下半年事业单位公开招聘面试公告",
        "2025年公开招聘卫生专业技术人员公告",
        "人民医院医用耗材采购项目中标结果公告"]),  # 内容混杂: a procurement notice
    "col1207": ("规划计划", "empty", "{}", 1, AS_OF, 0, 4507, []),  # uid: a list once it has items
    "col1208": ("政策解读", "ul", "关于《{}》的政策解读", 45, date(2026, 3, 20), 0, 4508, [
        "清溪县城市更新行动实施方案", "清溪县促进民营经济高质量发展若干措施",
        "清溪县耕地保护激励办法"]),  # 204 days old: over its 183-day window
    # 办事指南 (a maintained column: 365-day window); the guides' tables are the answer key's.
    "col1209": ("办事指南", "ul", "{}办事指南", 45, date(2026, 8, 18), 0, 4509, [
        "城乡居民最低生活保障审批", "困难残疾人两项补贴申请"]),
    # Single-page columns (no list): two say something of their own (not 空白栏目), one only
    # shows the site's chrome and its own name (空白栏目). Their text: PAGE_TEXTS.
    "col1210": ("政府信息公开制度", "page", "{}", 1, AS_OF, 0, 0, []),
    "col1211": ("行政事业性收费", "page", "{}", 1, AS_OF, 0, 0, []),
    "col1212": ("专项资金", "bare", "{}", 1, AS_OF, 0, 0, []),
}  # fmt: skip
PAGE_TEXTS: dict[str, tuple[str, ...]] = {
    "col1210": (
        "第一条 为规范本县政府信息公开工作，依据《中华人民共和国政府信息公开条例》，制定本制度。",
        "第二条 县政府办公室是本县政府信息公开工作的主管部门。",
    ),
    "col1211": ("本单位无行政事业性收费项目。",),
}
"""What a single-page column (style ``page``) says of its own."""
# Items kept from earlier years, listed after a column's generated ones (numbered from 5801):
# last year's 部门预算 stay in 财政预决算 as on any real site, beside a meeting notice that names
# the budget (not misplaced: it is about the column's own subject).
_KEPT: dict[str, list[tuple[str, date]]] = {
    "col1204": [("清溪县财政局关于召开2026年部门预算编制工作会议的通知", date(2025, 10, 20)),
                ("清溪县财政局2025年部门预算", date(2025, 3, 28)),
                ("清溪县教育局2025年部门预算", date(2025, 3, 26))],
}  # fmt: skip
PARENT = ("col1203", "财政信息", ("col1204", "col1205"))
TREE = (
    "col1201",
    "col1202",
    "col1208",
    PARENT,
    "col1206",
    "col1207",
    "col1209",
    "col1210",
    "col1211",
    "col1212",
)  # the leftnav
GUIDES = "col1209"
"""The 办事指南 column: its articles are the guides' tables alone, with no text around them."""
SITE_CODE = "3307990001"
ICP = "浙ICP备05012345号-1"
SEARCH_PATH = "/jsearchfront/search.do"
"""The site search's action (Hanweb jsearch): queried in GBK, the pages' charset."""
JIUCUO_JS = "/script/0/jiucuo.js"
FILES: dict[str, tuple[str, bytes]] = {
    "/css/common.css": ("text/css", b"body{font-size:14px}"),
    JIUCUO_JS: ("application/javascript", b"/* jiucuo widget */"),
    "/attach/0/2609301021348.docx": ("application/octet-stream", b"PK\x03\x04docx" * 40),
    "/picture/0/2609211043210.jpg": ("image/jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 200),
    "download:附件1：清溪县2026年政务公开工作要点.pdf": ("application/pdf", b"%PDF-1.4\n" * 30),
}
NEVER_FETCHED = [
    "/news/2026/10/t20261005_9001.html",
    "/news/2026/9/t20260928_9002.html",
    "/news/tpxw/index.html",
    "/bsfw/guide_1.html",
]
"""Pages linked only from 新闻动态 / 办事服务 / 网站地图 (outside the section). 互动交流 is walked
(its hub, the 县长信箱 and its letters): 互动回应差 is judged there."""


def _columns() -> dict[str, Column]:
    columns, number, kept_number = {}, 5601, 5801
    for key, (name, style, template, step, newest, per_page, uid, topics) in _TOPICS.items():
        articles = []
        for k, topic in enumerate(topics):
            articles.append(
                Article(key, number, template.format(topic), newest - timedelta(step * k))
            )
            number += 1
        for title, day in _KEPT.get(key, []):
            articles.append(Article(key, kept_number, title, day))
            kept_number += 1
        columns[key] = Column(key, name, style, tuple(articles), per_page, uid)
    return columns


COLUMNS = _columns()
ARTICLES = {a.path: a for c in COLUMNS.values() for a in c.articles}
