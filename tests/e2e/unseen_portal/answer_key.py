"""The answer key of the unseen portal: what a crawl of night 1 must report, and what not.

:data:`PLANTED` and :data:`NEGATIVES` are the link checks' (断链, 错链, 暗链, 外链变质 and
look-alikes that work), each placed on one article, the home page or every page;
:data:`CONTENT_EXPECTED` and :data:`CONTENT_NEGATIVES` the content checks' (栏目, 标识, 个人信息,
错敏词, 内容混杂, 办事指南…), with the HTML each plants in its article. :data:`IN_SECTION` and
:data:`LINKED_FROM_SECTION` say where a crawl of the disclosure section may go. The pages render
these same entries (see :meth:`unseen_portal.editions.Edition.extras`), so a key and its defect
cannot drift apart; what the later nights must report is written by hand in
``test_unseen_nights.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from . import boards
from .catalog import ARTICLES, COLUMNS, GUIDES, JIUCUO_JS
from .model import SITE_NAME
from .outside import CASINO, CASINO_TITLE, GOV_SITES, LAPSED, LAPSED_TITLE, PARTNER, on_port

Where = tuple[str, int] | str | None
"""An article ``(column key, index)``, a column's list page (its key), a path (``/hdjl/…``,
:data:`HOME`), or the site root."""
HOME = "/"
"""The home page as a ``where``: its 友情链接 are links no other page carries."""


def _url_of(where: Where, base: str) -> str:
    if where is None:
        return base + "/"
    if isinstance(where, str):
        return base + (where if where.startswith("/") else COLUMNS[where].path)
    key, index = where
    return base + COLUMNS[key].articles[index].path


# How an intruder writes a 暗链 into an article: a class of random letters, which a <style> of
# its own puts off-screen.
_INJECTED = "gg8k2m"


@dataclass(frozen=True)
class Planted:
    """A defect a crawl must report: ``href`` as written (an outside host's without the port
    the fixture serves it on), placed on ``where`` (an article, or :data:`HOME`); ``evidence``
    holds values the finding must carry."""

    check: str
    subtype: str
    href: str
    text: str
    where: Where
    tag: str = "a"  # a | img | injected (an <a> hidden off-screen by the article's own style)
    evidence: dict[str, object] = field(default_factory=dict)

    def url(self, base: str) -> str:
        """The finding's ``url``: the raw href for 错链, else the resolved target (an outside
        host's on the portal's port)."""
        if self.check == "wrong_link":
            return self.href
        return base + self.href if self.href.startswith("/") else on_port(self.href, base)

    def page(self, base: str) -> str:
        """The page carrying the defect."""
        return _url_of(self.where, base)

    def html(self, base: str) -> str:
        """The defect as its page writes it (an outside link with the portal's port)."""
        href = escape(on_port(self.href, base))
        if self.tag == "img":
            return f'<p><img src="{href}" alt="{self.text}"></p>'
        if self.tag == "injected":
            return (
                f'<style type="text/css">.{_INJECTED}{{position:absolute;left:-9999px;'
                f'top:-9999px}}</style><div class="{_INJECTED}"><a href="{href}" '
                f'target="_blank">{self.text}</a></div>'
            )
        return f'<p><a href="{href}">{self.text}</a></p>'


@dataclass(frozen=True)
class Negative:
    """A look-alike that works: no finding may name it. ``where`` None = every page."""

    href: str
    text: str
    where: Where
    note: str

    def url(self, base: str) -> str:
        return base + self.href if self.href.startswith("/") else on_port(self.href, base)

    def html(self) -> str:
        return f'<p><a href="{escape(self.href)}">{self.text}</a></p>'


DOWNLOAD = "/module/download/downfile.jsp?classid=0&filename="
"""Hanweb's download module: an attachment is this plus its file name."""
PLANTED: list[Planted] = [
    Planted("broken_link", "http_404", DOWNLOAD + "2610011523123.pdf",
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
    # 暗链: injected into one 政府采购 notice, hidden off-screen by the article's own <style>.
    Planted("harmful_link", "hidden", f"http://{CASINO}/", "澳门新葡京 百家乐", ("col1205", 2),
            tag="injected",
            evidence={"how": "offscreen", "category": "gambling", "source": "link_text",
                      "link_text": "澳门新葡京 百家乐", "target_title": CASINO_TITLE}),
    # 外链变质: the home page's 友情链接 to 清溪旅游网, whose lapsed domain a casino now serves.
    Planted("harmful_link", "hijacked", f"http://{LAPSED}/", "清溪旅游网", HOME,
            evidence={"category": "gambling", "source": "target_title", "link_text": "清溪旅游网",
                      "target_title": LAPSED_TITLE}),
]  # fmt: skip
SITE_GROUP: list[Negative] = [
    Negative(f"http://{host}/", name, None, f"站群 dropdown hidden by display:none: {name}")
    for host, name in GOV_SITES.items()
]
"""The header's 政府网站 dropdown (every page): outside links hidden until hovered, to gov.cn."""
NEGATIVES: list[Negative] = [
    Negative("mailto:xxgk@qx.example.gov.cn", "xxgk@qx.example.gov.cn", None, "mailto (footer)"),
    Negative("tel:0579-12345678", "0579-12345678", None, "tel (footer)"),
    Negative("#", "返回顶部", None, "# on 返回顶部 (every article)"),
    Negative("javascript:window.print()", "打印本页", None, "script on 打印本页 (every article)"),
    Negative("/zwgk/index.html", "原政务公开专栏", ("col1201", 0), "302 to /xxgk/index.html"),
    Negative(DOWNLOAD + "附件1：清溪县2026年政务公开工作要点.pdf",
             "附件1：清溪县2026年政务公开工作要点.pdf", ("col1202", 0), "Chinese name, query"),
    Negative("/attach/0/2609301021348.docx", "附件2：任务分工表.docx", ("col1202", 0),
             "working .docx"),
    Negative("/picture/0/2609211043210.jpg", "点击查看现场图片", ("col1201", 2), "working image"),
    Negative(f"http://{PARTNER}/", "清溪新闻网", HOME, "友情链接 whose home page is still its own"),
    *SITE_GROUP,
]  # fmt: skip
IN_SECTION = ("/xxgk/", "/col/", "/art/")
LINKED_FROM_SECTION = {
    "/", "/index.html", "/news/index.html", "/bsfw/index.html", "/hdjl/index.html",
    "/zwgk/index.html", "/css/common.css", "/module/download/downfile.jsp",
    "/module/idea/que_discusslist.jsp", "/attach/0/2609301021348.docx",
    "/picture/0/2609211043210.jpg", "/picture/0/2610081630451.jpg", JIUCUO_JS,
}  # fmt: skip
"""Paths outside IN_SECTION that pages of the section link to (a crawl may check them)."""


def _guide(rows: list[tuple[str, ...]]) -> str:
    """A 办事指南 as Hanweb's 办事服务 template lays it out: a table of label | value cells, two
    pairs to a row where the values are short."""
    cells = []
    for row in rows:
        pairs = zip(row[::2], row[1::2], strict=True)
        span = ' colspan="3"' if len(row) == 2 else ""
        cells.append("<tr>" + "".join(f'<td class="bt">{label}</td><td{span}>{value}</td>'
                                      for label, value in pairs) + "</tr>")  # fmt: skip
    return f'<table class="bszn" width="100%" border="1" cellspacing="0">{"".join(cells)}</table>'


# All eight classes; 监督电话 beside 咨询电话 and 承诺时限 are elements outside the eight.
COMPLETE_GUIDE = _guide([
    ("事项名称", "城乡居民最低生活保障审批", "事项类型", "行政给付"),
    ("设定依据", "《社会救助暂行办法》第九条至第十三条；《浙江省最低生活保障办法》第十条"),
    ("申请条件", "具有本县户籍，共同生活的家庭成员人均月收入低于本县最低生活保障标准，"
                 "且家庭财产状况符合规定"),
    ("申请材料", "1．最低生活保障申请书；2．家庭成员身份证、户口簿；3．家庭经济状况核对授权书"),
    ("办理地点", "清溪县政务服务中心一楼民政窗口（清溪县人民路8号）",
     "办理时间", "工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）"),
    ("咨询电话", "0579-87012345", "监督电话", "0579-87012300"),
    ("承诺时限", "20个工作日", "收费标准", "不收费"),
    ("办理流程", "申请—乡镇（街道）受理审核—入户调查—民主评议与公示—县民政局审批—按月发放"),
])  # fmt: skip
# No 设定依据 row, and the 办理时间 cell left empty beside a filled 承诺时限 (时限 is not 时间).
LACKING_GUIDE = _guide([
    ("事项名称", "困难残疾人生活补贴和重度残疾人护理补贴给付", "事项类型", "行政给付"),
    ("申请条件", "持有第二代残疾人证的本县户籍困难残疾人、重度残疾人"),
    ("申请材料", "1．残疾人两项补贴申请审批表；2．第二代残疾人证；3．户口簿"),
    ("办理地点", "清溪县政务服务中心一楼残联窗口（清溪县人民路8号）", "办理时间", ""),
    ("咨询电话", "0579-87012366", "承诺时限", "15个工作日"),
    ("办理流程", "申请—乡镇（街道）初审—县残联审核—县民政局审定—按月发放"),
])  # fmt: skip


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
    Expected("blank_column", "no_items", "col1212", "a page with the chrome and its name only",
             {"column": "专项资金", "list_pages": 1}),
    Expected("missing_mandatory", "absent", None, "no institution column or item",
             {"rule": "institution"}),
    Expected("missing_mandatory", "absent", None, "no disclosure guide",
             {"rule": "disclosure_guide"}),
    Expected("missing_mandatory", "absent", None, "no 权责清单 (中办发〔2015〕21号)",
             {"rule": "power_responsibility_lists"}),
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
    # 互动交流, outside the section: the 县长信箱 walked from the home page's nav.
    Expected("interaction_response", "unanswered", boards.MAILBOX,
             "a letter waiting since 2026-06-02 (over 3 months)",
             {"count": 1, "open": 1, "oldest_asked": "2026-06-02",
              "oldest_title": boards.UNANSWERED.title}),
    Expected("interaction_response", "empty_reply", boards.EMPTY_REPLY.path,
             "已办结 with nothing under 答复内容", {"asked": "2026-09-28"}),
    Expected("service_guide", "missing_elements", (GUIDES, 1), "a guide lacking two classes",
             {"missing": ["设定依据", "办理时间"], "empty": ["办理时间"],
              "present": ["事项名称", "申请条件", "办理材料", "办理地点", "联系电话", "办理流程"],
              "guide_title": f"{COLUMNS[GUIDES].articles[1].title}_办事指南_{SITE_NAME}"},
             LACKING_GUIDE),
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
    Lookalike("blank_column", None, "col1210", "公开制度: a single page of text, no list"),
    Lookalike("blank_column", None, "col1211", "收费: a page saying there are no fees"),
    *(Lookalike("interaction_response", None, letter.path, note) for letter, note in (
        (boards.LETTERS[0], "办理中 for 10 days"),
        (boards.LETTERS[2], "answered in 3 days, with a reply"),
        (boards.LETTERS[3], "answered in 5 days, with a reply"),
        (boards.LETTERS[5], "待回复, but written over a year ago"))),
    Lookalike("interaction_response", "no_channel", None, "县长信箱 linked from the 互动交流 hub"),
    Lookalike("service_guide", None, (GUIDES, 0), "a guide with all eight classes",
              COMPLETE_GUIDE),
]  # fmt: skip
