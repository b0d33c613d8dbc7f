"""A second fixture portal, built unlike the demo: one GBK host in Hanweb JCMS (大汉) style.

清溪县人民政府 (fictional) serves everything from one plain-HTTP host: the home page's main
nav says 信息公开 (not 政务公开) and points at ``/xxgk/``; the disclosure home lists its
栏目 as a ``<div class="leftnav">`` tree of ``<dl><dt>/<dd>`` nodes, one of them a parent whose
own page lists no items, only its two sub-columns. Columns live at ``/col/colNNNN/index.html``
and articles at ``/art/Y/M/D/art_NNNN_ID.html`` — outside the section's path. Every page is GBK
bytes with ``Content-Type: text/html`` (no charset) and ``<meta charset="gbk">``.

List styles: ``ul`` (``<li><a/><span>[2026-10-03]</span>``, numbered pager
``index.html?uid=…&pageNum=N`` with 下一页/尾页), ``table`` (dates ``2026年10月03日``, page links
written only by a script from ``var totalPage=N;`` as ``index_N.html``), ``p``
(``<p><a/><em>10-03</em></p>``, no year: it is only in the article URL) and ``empty``
(``暂无信息``). Articles show ``发布日期：2026年10月3日`` in ``<div class="info">``, no PubDate
meta; their ``<title>`` is ``标题_栏目_站点``, as Hanweb writes it. The footer carries 主办,
网站标识码 and ICP备案 as text, the 党政机关 mark as the ``document.write(unescape(…))`` widget
and the 找错 ``<script id="_jiucuo_">``, but no 公安备案; every header has a GBK search form
that answers.

:data:`PLANTED` and :data:`NEGATIVES` are the answer key of the link checks;
:data:`CONTENT_EXPECTED` and :data:`CONTENT_NEGATIVES` that of the content checks (栏目, 标识,
个人信息, 错敏词, 内容混杂…). :data:`NEVER_FETCHED` are pages linked only from outside the
disclosure section. Everything is deterministic.

Three nights (整改复查, :data:`NIGHTS`, ``UnseenPortal(night=…)``): night 1 is the site above,
exactly; night 2, a week later, is the webmaster's rectification (:data:`REVISIONS`,
:data:`LATER`, :data:`LATER_FILES`: five defects of five kinds fixed, one new broken 附件);
night 3, a week after that, restores one fixed page from a backup. Every column keeps its
freshness state across the nights (publishing where needed), so the planted changes are the
only differences. What each night must report is written by hand in ``test_unseen_nights.py``.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlsplit

AS_OF = date(2026, 10, 10)
HOST = "www.qx.example.gov.cn"
SITE_NAME = "清溪县人民政府"


@dataclass(frozen=True)
class Article:
    column: str
    number: int
    title: str
    day: date
    body: str = ""

    @property
    def path(self) -> str:
        d = self.day
        return f"/art/{d.year}/{d.month}/{d.day}/art_{self.column[3:]}_{self.number}.html"


@dataclass(frozen=True)
class Column:
    """A leaf 栏目; ``per_page`` 0 means one list page whatever the count."""

    key: str
    name: str
    style: str  # ul | table | p | empty
    articles: tuple[Article, ...]
    per_page: int = 0
    uid: int = 0

    @property
    def path(self) -> str:
        return f"/col/{self.key}/index.html"

    @property
    def page_count(self) -> int:
        if not self.per_page or not self.articles:
            return 1
        return -(-len(self.articles) // self.per_page)

    def page_target(self, n: int) -> str:
        if n == 1:
            return self.path
        if self.style == "table":
            return f"/col/{self.key}/index_{n}.html"
        return f"{self.path}?uid={self.uid}&pageNum={n}"

    def page_items(self, n: int) -> tuple[Article, ...]:
        size = self.per_page or len(self.articles)
        return self.articles[(n - 1) * size : n * size]

    @property
    def newest(self) -> date | None:
        return max((a.day for a in self.articles), default=None)


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
}  # fmt: skip
# Items kept from earlier years, listed after a column's generated ones (numbered from 5801):
# last year's 部门预算 stay in 财政预决算 as on any real site, beside a meeting notice that names
# the budget (not misplaced: it is about the column's own subject).
_KEPT: dict[str, list[tuple[str, date]]] = {
    "col1204": [("清溪县财政局关于召开2026年部门预算编制工作会议的通知", date(2025, 10, 20)),
                ("清溪县财政局2025年部门预算", date(2025, 3, 28)),
                ("清溪县教育局2025年部门预算", date(2025, 3, 26))],
}  # fmt: skip
PARENT = ("col1203", "财政信息", ("col1204", "col1205"))
TREE = ("col1201", "col1202", "col1208", PARENT, "col1206", "col1207")  # the leftnav, in order


@dataclass(frozen=True)
class Planted:
    """A defect a crawl must report: ``href`` as written, placed on article ``where``."""

    check: str
    subtype: str
    href: str
    text: str
    where: tuple[str, int]
    tag: str = "a"

    def url(self, base: str) -> str:
        """The finding's ``url``: the resolved target for 断链, the raw href for 错链."""
        return base + self.href if self.check == "broken_link" else self.href

    def html(self) -> str:
        if self.tag == "img":
            return f'<p><img src="{escape(self.href)}" alt="{self.text}"></p>'
        return f'<p><a href="{escape(self.href)}">{self.text}</a></p>'


@dataclass(frozen=True)
class Negative:
    """A look-alike that works: no finding may name it. ``where`` None = every page."""

    href: str
    text: str
    where: tuple[str, int] | None
    note: str

    def url(self, base: str) -> str:
        return base + self.href if self.href.startswith("/") else self.href

    def html(self) -> str:
        return f'<p><a href="{escape(self.href)}">{self.text}</a></p>'


_DOWN = "/module/download/downfile.jsp?classid=0&filename="
PLANTED: list[Planted] = [
    Planted("broken_link", "http_404", _DOWN + "2610011523123.pdf",
            "附件：2026年秋季森林防火工作方案.pdf", ("col1201", 1)),
    Planted("broken_link", "http_404", "/picture/0/2610081630451.jpg", "开标现场",
            ("col1205", 0), tag="img"),
    Planted("broken_link", "http_500", "/module/idea/que_discusslist.jsp?webid=1&columnid=1202",
            "意见征集结果", ("col1202", 13)),
    Planted("wrong_link", "javascript_placeholder", "javascript:;", "下载", ("col1206", 5)),
    Planted("wrong_link", "empty_href", "", "附件：2026年部门预算公开表.xls", ("col1204", 2)),
    Planted("wrong_link", "private_address", "http://10.1.1.1/oa/", "内网办公平台",
            ("col1201", 10)),
    Planted("wrong_link", "file_url", "file:///D:/工作/2026/实施细则.docx", "实施细则.docx",
            ("col1202", 6)),
]  # fmt: skip
NEGATIVES: list[Negative] = [
    Negative("mailto:xxgk@qx.example.gov.cn", "xxgk@qx.example.gov.cn", None, "mailto (footer)"),
    Negative("tel:0579-12345678", "0579-12345678", None, "tel (footer)"),
    Negative("#", "返回顶部", None, "# on 返回顶部 (every article)"),
    Negative("javascript:window.print()", "打印本页", None, "script on 打印本页 (every article)"),
    Negative("/zwgk/index.html", "原政务公开专栏", ("col1201", 0), "302 to /xxgk/index.html"),
    Negative(_DOWN + "附件1：清溪县2026年政务公开工作要点.pdf",
             "附件1：清溪县2026年政务公开工作要点.pdf", ("col1202", 0), "Chinese name, query"),
    Negative("/attach/0/2609301021348.docx", "附件2：任务分工表.docx", ("col1202", 0),
             "working .docx"),
    Negative("/picture/0/2609211043210.jpg", "点击查看现场图片", ("col1201", 2), "working image"),
]  # fmt: skip
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
    "/hdjl/mailbox.html",
]
"""Pages linked only from 新闻动态 / 办事服务 / 互动交流 / 网站地图 (outside the section)."""
IN_SECTION = ("/xxgk/", "/col/", "/art/")
LINKED_FROM_SECTION = {
    "/", "/index.html", "/news/index.html", "/bsfw/index.html", "/hdjl/index.html",
    "/zwgk/index.html", "/css/common.css", "/module/download/downfile.jsp",
    "/module/idea/que_discusslist.jsp", "/attach/0/2609301021348.docx",
    "/picture/0/2609211043210.jpg", "/picture/0/2610081630451.jpg", JIUCUO_JS,
}  # fmt: skip
"""Paths outside IN_SECTION that pages of the section link to (a crawl may check them)."""


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


# --- the content checks' answer key -----------------------------------------------------------

Where = tuple[str, int] | str | None
"""An article ``(column key, index)``, a column's list page (its key), or the site root."""


def _url_of(where: Where, base: str) -> str:
    if where is None:
        return base + "/"
    if isinstance(where, str):
        return base + COLUMNS[where].path
    key, index = where
    return base + COLUMNS[key].articles[index].path


@dataclass(frozen=True)
class Expected:
    """A content finding the run must report, its ``url`` pointing at ``where``; ``html`` is
    planted in that article's text, ``evidence`` holds values the finding must carry."""

    check: str
    subtype: str
    where: Where
    note: str
    evidence: dict[str, object] = field(default_factory=dict)
    html: str = ""

    def url(self, base: str) -> str:
        return _url_of(self.where, base)


@dataclass(frozen=True)
class Lookalike:
    """Content that resembles a defect and is none: no ``check`` finding (of ``subtype``, when
    given) may name ``where`` (None: the site chrome, so no such finding anywhere). ``html`` is
    planted in that article ("" = it is in the page chrome or the fixture's data)."""

    check: str
    subtype: str | None
    where: Where
    note: str
    html: str = ""

    def url(self, base: str) -> str:
        return _url_of(self.where, base)


CONTENT_EXPECTED: list[Expected] = [
    Expected("stale_column", "interpretation", "col1208", "interpretation 204 days old",
             {"kind": "interpretation", "window_days": 183, "newest": "2026-03-20",
              "days": 204}),
    Expected("blank_column", "no_items", "col1207", "empty plans column",
             {"column": "规划计划", "list_pages": 1}),
    Expected("missing_mandatory", "absent", None, "no institution column or item",
             {"rule": "institution"}),
    Expected("missing_mandatory", "absent", None, "no disclosure guide",
             {"rule": "disclosure_guide"}),
    Expected("missing_mandatory", "overdue", None, "no 2025 annual report",
             {"rule": "annual_report", "year": 2025, "due": "2026-01-31"}),
    Expected("missing_mandatory", "overdue", "col1204", "no 2025 final accounts (due 2026-09-30)",
             {"rule": "final_accounts", "year": 2025, "due": "2026-09-30", "found_years": []}),
    Expected("site_identity", "public_security", None, "no public-security record in any footer",
             {"missing_pages": 6, "checked_pages": 6}),
    Expected("site_identity", "meta_tags", None, "no article carries the six meta tags",
             {"missing_pages": len(ARTICLES), "article_pages": len(ARTICLES)}),
    Expected("privacy_leak", "mobile", ("col1206", 2), "a candidate's mobile unmasked",
             {"count": 1, "example": "138****2346", "source": "page"},
             "<p>2. 吴某某，男，身份证号：3307**********0413，拟聘岗位：初中数学教师，"
             "联系电话：13857912346</p>"),
    Expected("wording_error", "miswriting", ("col1201", 0), "miswriting in a notice",
             {"wrong": "工作布署", "right": "工作部署", "count": 1},
             "<p>各单位要按照县委、县政府工作布署，压实安全生产责任。</p>"),
    Expected("misplaced_content", "personnel_procurement", ("col1206", 7),
             "procurement in personnel column",
             {"matched": "采购", "column": "人事信息"}),
]  # fmt: skip
CONTENT_NEGATIVES: list[Lookalike] = [
    Lookalike("privacy_leak", "id_number", ("col1206", 2), "masked ID and mobile",
              "<p>1. 陈某某，女，身份证号：3307**********2216，拟聘岗位：小学语文教师，"
              "联系电话：138****5678</p>"),
    Lookalike("privacy_leak", None, ("col1205", 1), "18-digit project number with an ID checksum",
              "<p>项目编号：330799202609180104；中标供应商：清溪县康宁医疗器械有限公司（统一社会"
              "信用代码：91330799MA2H0K1L3X）；中标金额：1286500元。</p>"),
    Lookalike("privacy_leak", None, ("col1202", 1), "document and index numbers",
              "<p>清政办发〔2026〕27号　索引号：001008003/2026-00027</p>"),
    Lookalike("wording_error", None, ("col1208", 0), "signed article holds the pair",
              "<p>方案印发后，县政府主要负责同志在《清溪日报》发布署名文章，解读方案要点。</p>"),
    Lookalike("misplaced_content", None, ("col1204", 5), "budget meeting in budget column"),
    Lookalike("stale_column", None, "col1206", "personnel 222 days old, window 365"),
    Lookalike("site_identity", "icp", None, "ICP record as footer text"),
    Lookalike("site_identity", "conac", None, "conac mark written by document.write"),
    Lookalike("site_identity", "jiucuo", None, "jiucuo widget script"),
    Lookalike("site_identity", "search_empty", None, "GBK search form answers"),
    Lookalike("mixed_content", None, None, "plain-HTTP site, no mixed content"),
]  # fmt: skip


# --- three nights (整改复查): the portal as its webmaster changes it ---------------------------

NIGHTS: dict[int, date] = {1: AS_OF, 2: AS_OF + timedelta(days=7), 3: AS_OF + timedelta(days=14)}
"""Each night's inspection date: as published (the answer key above), after the rectification
(整改), and 回潮 (one fix undone). Served by ``UnseenPortal(night=…)``."""
RECTIFIED, ONLY_NIGHT_2, ONLY_NIGHT_3 = frozenset({2, 3}), frozenset({2}), frozenset({3})


@dataclass(frozen=True)
class Later:
    """An item published after night 1 (numbered from 5901), online on ``nights``, with
    ``html`` in its text."""

    article: Article
    nights: frozenset[int]
    why: str
    html: str = ""


@dataclass(frozen=True)
class Revision:
    """On ``nights``, the ``old`` HTML planted in article ``where`` reads ``new``."""

    where: Where
    old: str
    new: str
    nights: frozenset[int]
    why: str


def _planted(subtype: str) -> Planted:
    return next(p for p in PLANTED if p.subtype == subtype)


def _expected(check: str, subtype: str) -> Expected:
    return next(e for e in CONTENT_EXPECTED if (e.check, e.subtype) == (check, subtype))


RESTORED_PDF = _planted("http_404").href
NEW_ATTACHMENT = _DOWN + "2610151432567.xls"
"""Night 2's new defect: a new 通知公告 links an attachment the download module cannot find."""
ROSTER = "/attach/0/2610161108235.docx"
_MOBILE, _MISWRITING = _expected("privacy_leak", "mobile"), _expected("wording_error", "miswriting")

LATER: tuple[Later, ...] = (
    Later(Article("col1201", 5901, "关于开展2026年秋冬季安全生产大检查的通知", date(2026, 10, 15)),
          RECTIFIED, "the new defect: its 附件 was never uploaded (downfile.jsp answers 404)",
          f'<p><a href="{escape(NEW_ATTACHMENT)}">附件：秋冬季安全生产隐患排查台账.xls</a></p>'),
    Later(Article("col1207", 5902, "清溪县国民经济和社会发展第十五个五年规划纲要",
                  date(2026, 10, 14)), RECTIFIED, "规划计划 gets its first item (空白栏目 fixed)"),
    Later(Article("col1205", 5903, "县第二人民医院救护车采购项目中标结果公告", date(2026, 10, 22)),
          ONLY_NIGHT_3, "政府采购 keeps publishing: the home page's newest item stays 2 days old"),
)  # fmt: skip
REVISIONS: tuple[Revision, ...] = (
    Revision(_planted("javascript_placeholder").where, _planted("javascript_placeholder").html(),
             f'<p><a href="{ROSTER}">下载</a></p>', RECTIFIED,
             "下载 points at the uploaded roster instead of javascript:;"),
    Revision(_MOBILE.where, _MOBILE.html, _MOBILE.html.replace("13857912346", "138****2346"),
             ONLY_NIGHT_2, "the mobile is masked; night 3 restores the page from an old backup"),
    Revision(_MISWRITING.where, _MISWRITING.html, _MISWRITING.html.replace("布署", "部署"),
             RECTIFIED, "工作布署 corrected to 工作部署"),
)  # fmt: skip
LATER_FILES: dict[str, tuple[frozenset[int], tuple[str, bytes]]] = {
    "download:" + RESTORED_PDF.rsplit("=", 1)[1]: (
        RECTIFIED,
        ("application/pdf", b"%PDF-1.4\n" * 30),
    ),
    ROSTER: (RECTIFIED, ("application/octet-stream", b"PK\x03\x04docx" * 40)),
}
"""Files uploaded after night 1: the 404 森林防火 attachment restored, the roster 下载 links."""


def _with_items(column: Column, items: list[Article]) -> Column:
    """The column with later items first (newest first); an empty column, given items, is
    listed like 通知公告."""
    if not items:
        return column
    articles = tuple(sorted(items, key=lambda a: a.day, reverse=True)) + column.articles
    style = "ul" if column.style == "empty" else column.style
    return replace(column, articles=articles, style=style)


class Edition:
    """The portal as published on one night: its columns, articles, files and texts. Night-1
    articles keep their number and address; ``where`` keeps naming night 1's order."""

    def __init__(self, night: int = 1) -> None:
        if night not in NIGHTS:
            raise ValueError(f"no night {night} (one of {sorted(NIGHTS)})")
        self.night = night
        later = [item.article for item in LATER if night in item.nights]
        self.columns = {
            key: _with_items(column, [a for a in later if a.column == key])
            for key, column in COLUMNS.items()
        }
        self.articles = {a.path: a for c in self.columns.values() for a in c.articles}
        self.files = dict(FILES)
        self.files.update({p: f for p, (nights, f) in LATER_FILES.items() if night in nights})

    def extras(self, article: Article) -> list[str]:
        """The HTML planted in the article's text this night (answer keys, look-alikes)."""
        for item in LATER:
            if item.article == article:
                return [item.html] if item.html else []
        column = COLUMNS[article.column]
        where = (column.key, column.articles.index(article))
        extras = [p.html() for p in PLANTED if p.where == where]
        extras += [n.html() for n in NEGATIVES if n.where == where]
        content: list[Expected | Lookalike] = [*CONTENT_NEGATIVES, *CONTENT_EXPECTED]
        extras += [c.html for c in content if c.html and c.where == where]
        for revision in REVISIONS:
            if revision.where == where and self.night in revision.nights:
                extras = [revision.new if html == revision.old else html for html in extras]
        return extras


@cache
def edition(night: int) -> Edition:
    return Edition(night)


# --- rendering --------------------------------------------------------------------------------

_NAV = [("/index.html", "首页"), ("/news/index.html", "新闻动态"), ("/xxgk/", "信息公开"),
        ("/bsfw/index.html", "办事服务"), ("/hdjl/index.html", "互动交流")]  # fmt: skip


def _links(pairs: list[tuple[str, str]], sep: str = "") -> str:
    return sep.join(f'<a href="{escape(h)}">{escape(t)}</a>' for h, t in pairs)


_SEARCH_FORM = (
    f'<div class="search"><form name="searchform" action="{SEARCH_PATH}" method="get" '
    'target="_blank"><input type="hidden" name="websiteid" value="330799000000000">'
    '<input type="hidden" name="pg" value="12"><input type="text" name="q" '
    'placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>'
)
# The 党政机关 mark as conac's widget writes it, and the 找错 widget's script (a local copy).
_MARKS = (
    '<p class="marks"><script type="text/javascript">document.write(unescape("%3Cspan '
    "id='_ideConac' %3E%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/33/379/0000/40123456/"
    "CA333790000401234560001.js' type='text/javascript'%3E%3C/script%3E\"));</script>"
    f'<script id="_jiucuo_" sitecode="{SITE_CODE}" src="{JIUCUO_JS}"></script></p>'
)


def _page(title: str, main: str) -> str:
    nav = "".join(f"<li>{_links([item])}</li>" for item in _NAV)
    footer = _links(
        [("/col/col1001/index.html", "联系我们"), ("/col/col1002/index.html", "网站地图")]
        + [(n.href, n.text) for n in NEGATIVES[:2]],
        " | ",
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta http-equiv="X-UA-Compatible" content="IE=edge">'
        f'<meta charset="gbk"><title>{escape(title)}</title>'
        '<link rel="stylesheet" href="/css/common.css"></head><body>'
        f'<div class="header"><div class="logo">{SITE_NAME}</div>{_SEARCH_FORM}<div class="nav">'
        f'<ul>{nav}</ul></div></div><div class="main">{main}</div><div class="footer">'
        f"<p>{footer}</p><p>主办：清溪县人民政府办公室　承办：清溪县大数据发展中心　"
        f"网站标识码：{SITE_CODE}　{ICP}</p>{_MARKS}</div></body></html>"
    )


def _leftnav(base: str) -> str:
    def node(key: str) -> str:
        return f'<a href="{base}/col/{key}/index.html">{COLUMNS[key].name}</a>'

    dls = []
    for entry in TREE:
        if isinstance(entry, tuple):
            key, name, children = entry
            subs = "".join(f"<dd>{node(child)}</dd>" for child in children)
            dls.append(f'<dl><dt><a href="{base}/col/{key}/index.html">{name}</a></dt>{subs}</dl>')
        else:
            dls.append(f"<dl><dt>{node(entry)}</dt></dl>")
    return f'<div class="leftnav"><h2>信息公开目录</h2>{"".join(dls)}</div>'


def _crumbs(*pairs: tuple[str, str]) -> str:
    trail = [("/index.html", "首页"), ("/xxgk/index.html", "信息公开"), *pairs]
    return f'<div class="position">当前位置：{_links(trail, " &gt; ")}</div>'


def _parent_of(key: str) -> tuple[str, str] | None:
    return (f"/col/{PARENT[0]}/index.html", PARENT[1]) if key in PARENT[2] else None


def _list_body(column: Column, n: int) -> str:
    items = column.page_items(n)
    if column.style == "empty":
        return '<div class="list">暂无信息</div>'
    if column.style == "ul":
        lis = "".join(
            f'<li><a href="{a.path}" title="{a.title}" target="_blank">'
            f"{a.title if len(a.title) <= 20 else a.title[:18] + '...'}</a>"
            f"<span>[{a.day.isoformat()}]</span></li>"
            for a in items
        )
        last, q = column.page_count, f"index.html?uid={column.uid}&amp;pageNum="
        pager = [f"共{len(column.articles)}条记录 {n}/{last}页", f'<a href="{q}1">首页</a>']
        pager.append(f'<a href="{q}{n - 1}">上一页</a>' if n > 1 else "<span>上一页</span>")
        pager += [
            f"<b>{i}</b>" if i == n else f'<a href="{q}{i}">{i}</a>' for i in range(1, last + 1)
        ]
        pager.append(f'<a href="{q}{n + 1}">下一页</a>' if n < last else "<span>下一页</span>")
        pager.append(f'<a href="{q}{last}">尾页</a>')
        return (f'<div class="default_pgContainer"><ul class="list">{lis}</ul></div>'
                f'<div class="default_pgPanel">{" ".join(pager)}</div>')  # fmt: skip
    if column.style == "table":
        rows = "".join(
            f'<tr><td>{(n - 1) * column.per_page + i + 1}</td><td class="bt"><a href="{a.path}">'
            f"{a.title}</a></td><td>清政办发〔2026〕{40 - a.number % 40}号</td>"
            f"<td>{a.day.year}年{a.day.month:02d}月{a.day.day:02d}日</td></tr>"
            for i, a in enumerate(items)
        )
        script = (
            f"var totalPage={column.page_count};\nvar currentPage={n};\n"
            "(function () {\n  var html = [];\n  for (var i = 1; i <= totalPage; i++) {\n"
            '    var href = i == 1 ? "index.html" : "index_" + i + ".html";\n'
            '    html.push(i == currentPage ? "<b>" + i + "</b>" : '
            "'<a href=\"' + href + '\">' + i + '</a>');\n  }\n"
            '  document.getElementById("pagebar").innerHTML = "共" + totalPage + "页 " + '
            'html.join(" ");\n})();'
        )
        return (
            '<table class="xxgk_table" width="100%"><thead><tr><th>序号</th><th>标题</th>'
            f"<th>文号</th><th>发布日期</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<div class="pagebar" id="pagebar"></div><script type="text/javascript">\n{script}'
            "\n</script>"
        )
    ps = "".join(f'<p><a href="{a.path}">{a.title}</a><em>{a.day:%m-%d}</em></p>' for a in items)
    return f'<div class="list">{ps}</div>'


def column_page(column: Column, n: int, base: str) -> str:
    crumbs = _crumbs(*filter(None, [_parent_of(column.key), (column.path, column.name)]))
    main = (f'{crumbs}{_leftnav(base)}<div class="rightbox"><div class="lmtitle">'
            f"<span>{column.name}</span></div>{_list_body(column, n)}</div>")  # fmt: skip
    return _page(f"{column.name}_{SITE_NAME}", main)


def parent_page(base: str) -> str:
    key, name, children = PARENT
    subs = "".join(f"<li>{_links([(COLUMNS[c].path, COLUMNS[c].name)])}</li>" for c in children)
    main = (f'{_crumbs((f"/col/{key}/index.html", name))}{_leftnav(base)}<div class="rightbox">'
            f'<div class="lmtitle"><span>{name}</span></div><div class="sublm"><ul>{subs}</ul>'
            "</div></div>")  # fmt: skip
    return _page(f"{name}_{SITE_NAME}", main)


def article_page(article: Article, site: Edition) -> str:
    column = COLUMNS[article.column]
    body = (
        f"<p>各乡镇人民政府、县政府各部门：</p><p>现将《{escape(article.title)}》有关事项公布如下，"
        "请认真贯彻执行。本文件自2026年11月1日起施行。</p>" + "".join(site.extras(article))
    )
    d = article.day
    main = (
        f"{_crumbs(*filter(None, [_parent_of(column.key), (column.path, column.name)]))}"
        f'<div class="article"><h1 class="title">{escape(article.title)}</h1><div class="info">'
        f"<span>发布日期：{d.year}年{d.month}月{d.day}日</span><span>信息来源：清溪县人民政府办公室"
        '</span><span>浏览次数：<script>document.write("128")</script></span></div>'
        f'<div class="content" id="zoom">{body}</div><div class="tools">'
        f"{_links([('javascript:window.print()', '打印本页'), ('#', '返回顶部')], ' ')}</div></div>"
    )
    return _page(f"{article.title}_{column.name}_{SITE_NAME}", main)


def search_page(query: str, site: Edition) -> str:
    """Hanweb jsearch's answer: the articles whose title holds the query."""
    hits = [a for a in site.articles.values() if query and query in a.title]
    rows = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a><span>{a.day}</span></li>'
                   for a in hits)  # fmt: skip
    found = f'<div class="jsearch"><p>共找到{len(hits)}条结果</p><ul>{rows}</ul></div>'
    return _page(f"搜索结果_{SITE_NAME}", found)


def _recent(count: int, site: Edition) -> str:
    newest = sorted(site.articles.values(), key=lambda a: a.day, reverse=True)[:count]
    return "".join(f'<li><a href="{a.path}">{a.title}</a><span>{a.day:%m-%d}</span></li>'
                   for a in newest)  # fmt: skip


def other_page(path: str, base: str, site: Edition) -> str | None:
    """Pages outside the columns: home, disclosure home, other sections, 联系我们, 网站地图."""
    plain = {
        "/news/index.html": ("新闻动态", [(NEVER_FETCHED[0], "县政府召开经济运行分析会"),
                                      (NEVER_FETCHED[1], "县领导调研秋粮收购工作"),
                                      (NEVER_FETCHED[2], "图片新闻")]),
        "/bsfw/index.html": ("办事服务", [(NEVER_FETCHED[3], "社保卡办理指南")]),
        "/hdjl/index.html": ("互动交流", [(NEVER_FETCHED[4], "县长信箱")]),
        "/col/col1001/index.html": ("联系我们", []),
        "/col/col1002/index.html": ("网站地图", [(p, "链接") for p in NEVER_FETCHED]
                                   + [(c.path, c.name) for c in COLUMNS.values()]),
        **{p: ("新闻动态", []) for p in NEVER_FETCHED},
    }  # fmt: skip
    if path in ("/", "/index.html"):
        return _page(SITE_NAME, '<div class="banner"></div><div class="box"><h3>信息公开</h3>'
                     f'<ul>{_recent(3, site)}</ul></div><div class="box"><h3>新闻动态</h3>'
                     '<a href="/news/index.html">更多</a></div>')  # fmt: skip
    if path in ("/xxgk/", "/xxgk/index.html"):
        return _page(
            f"信息公开_{SITE_NAME}",
            f'{_crumbs()}{_leftnav(base)}<div class="rightbox">'
            f'<div class="lmtitle"><span>最新公开</span></div><ul>{_recent(5, site)}</ul></div>',
        )
    if path in plain:
        title, pairs = plain[path]
        return _page(
            title,
            f"<h2>{title}</h2><p>地址：清溪县人民路1号</p><ul>"
            + "".join(f"<li>{_links([pair])}</li>" for pair in pairs)
            + "</ul>",
        )
    return None


# --- serving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()


def _html(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode("gbk"))


NOT_FOUND = _html(_page("页面不存在", "<p>404 您访问的页面不存在</p>"), 404)


def _latin1_text(raw: str) -> str:
    """Percent-decoded text of a Latin-1 request-target piece: UTF-8 if it is, else GBK."""
    data = unquote(raw, encoding="latin-1").encode("latin-1")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gbk", errors="replace")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def respond(target: str, base: str, night: int = 1) -> Reply:
    """The answer to one request target (Latin-1 text as http.server gives it) on ``night``."""
    site = edition(night)
    parts = urlsplit(target)
    path, query = _latin1_text(parts.path), dict(parse_qsl(parts.query, encoding="latin-1"))
    if path == "/zwgk/index.html":
        return Reply(302, headers=(("Location", "/xxgk/index.html"),))
    if path == SEARCH_PATH:
        # The form is submitted in the page's charset, GBK: a UTF-8 query finds nothing here.
        words = dict(parse_qsl(parts.query, encoding="gbk", errors="replace"))
        return _html(search_page(words.get("q", ""), site))
    if path == "/module/idea/que_discusslist.jsp":
        return _html(_page("系统错误", "<p>500 Internal Server Error</p>"), 500)
    if path == "/module/download/downfile.jsp":
        path = "download:" + _latin1_text(query.get("filename", ""))
    if path in site.files:
        kind, data = site.files[path]
        return Reply(200, data, kind)
    if path in site.articles:
        return _html(article_page(site.articles[path], site))
    if path == f"/col/{PARENT[0]}/index.html":
        return _html(parent_page(base))
    for column in site.columns.values():
        n = 0
        if path == column.path:
            n = _number(query.get("pageNum", "1")) if column.style != "table" else 1
        elif column.style == "table" and path.startswith(f"/col/{column.key}/index_"):
            n = _number(path.rsplit("_", 1)[1].removesuffix(".html"))
        if 1 <= n <= column.page_count:
            return _html(column_page(column, n, base))
    page = other_page(path, base, site)
    return NOT_FOUND if page is None else _html(page)


class _LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN; a loopback fixture needs no DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


@dataclass
class UnseenPortal:
    """The portal on 127.0.0.1 (ephemeral port), recording ``(method, target, status)``.
    ``night`` (1–3, see :data:`NIGHTS`) may be changed between runs: same port, same site."""

    night: int = 1
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> UnseenPortal:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def _answer(self, send_body: bool) -> None:
                base = f"http://{self.headers.get('Host', '')}"
                reply = respond(self.path, base, portal.night)
                portal.requests.append((self.command, _latin1_text(self.path), reply.status))
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.end_headers()
                if send_body:
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                """Silent: requests are recorded on the portal."""

        self._server = _LoopbackServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])
