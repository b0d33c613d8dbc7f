"""The answer key of the unseen portal: what a crawl of night 1 must report, and what not.

:data:`PLANTED` and :data:`NEGATIVES` are the link checks' (断链, 错链 and look-alikes that
work), each placed on one article (or every page); :data:`CONTENT_EXPECTED` and
:data:`CONTENT_NEGATIVES` the content checks' (栏目, 标识, 个人信息, 错敏词, 内容混杂…), with
the HTML each plants in its article. :data:`IN_SECTION` and :data:`LINKED_FROM_SECTION` say
where a crawl of the disclosure section may go. The pages render these same entries (see
:meth:`unseen_portal.editions.Edition.extras`), so a key and its defect cannot drift apart;
what the later nights must report is written by hand in ``test_unseen_nights.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .catalog import ARTICLES, COLUMNS, JIUCUO_JS


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
]  # fmt: skip
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
]  # fmt: skip
IN_SECTION = ("/xxgk/", "/col/", "/art/")
LINKED_FROM_SECTION = {
    "/", "/index.html", "/news/index.html", "/bsfw/index.html", "/hdjl/index.html",
    "/zwgk/index.html", "/css/common.css", "/module/download/downfile.jsp",
    "/module/idea/que_discusslist.jsp", "/attach/0/2609301021348.docx",
    "/picture/0/2609211043210.jpg", "/picture/0/2610081630451.jpg", JIUCUO_JS,
}  # fmt: skip
"""Paths outside IN_SECTION that pages of the section link to (a crawl may check them)."""


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
