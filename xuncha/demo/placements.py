"""What each article carries besides its text: attachments (附件), images and planted links.

The planted link defects (错链/断链), the mixed content (``http:`` resources on the ``https:``
portal), the injected hidden casino link (暗链, see :mod:`xuncha.demo.harmful`) and the negatives
(links that look odd but work, a plain ``http:`` link) are put in article bodies here, keyed by
``(column key, index)`` (index 0 = the newest item). The answer key is kept separately in
:mod:`xuncha.demo.expected`; a test checks the two agree.

``href`` is written into the page exactly as given, after filling ``{http_port}``,
``{https_port}`` and ``{closed_port}``. An :class:`Embed` with ``file`` set is served by the site
at the URL its ``href`` resolves to; without it the target answers whatever the site answers
(a 404 for unknown static files, a soft 404 for unknown xxgk pages, see :mod:`xuncha.demo.site`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from xuncha.demo.harmful import CASINO_TEXT, CASINO_URL, INJECTED_ARTICLE, INJECTED_CLASS

JTJ = "https://jtj.example.gov.cn:{https_port}"
PARTNER = "https://www.example-partner.cn:{https_port}"
# The partner site answers on plain http too: its resources load (no broken link), insecurely.
PARTNER_HTTP = "http://www.example-partner.cn:{http_port}"
LINE_MAP_PATH = "/images/line-map.gif"
BUS_WIDGET_PATH = "/js/bus-widget.js"

BUDGET_PDF_PATH = "/module/download/附件1：2026年部门预算.pdf"


@dataclass(frozen=True)
class Embed:
    """One link or resource in an article: ``kind`` is link, image, script, stylesheet or
    hidden_link — a link inside a block of class ``hide_class`` that an injected ``<style>``
    rule moves off-screen (暗链, as a spam injector writes it)."""

    kind: str
    href: str
    text: str = ""
    file: str | None = None
    hide_class: str = ""


def _link(href: str, text: str, file: str | None = None) -> Embed:
    return Embed("link", href, text, file)


ARTICLE_EMBEDS: dict[tuple[str, int], tuple[Embed, ...]] = {
    ("jgzn", 0): (_link("http://oa.example.gov.cn/", "内部办公系统"),),
    ("zcwj", 0): (
        _link("./P020261111385120345678.docx", "附件1：2026年政务公开工作任务分解表.docx", "docx"),
        _link("./P020261111385120345679.xls", "附件2：2026年政务公开工作台账.xls", "xls"),
    ),
    ("zcwj", 1): (_link(f"{JTJ}/zwgk/zcwj/202001/t20200101_1.html", "原文件（2020年版）"),),
    ("zcwj", 2): (
        _link("./P020200110396512345678.pdf", "附件：道路运输行政执法公示办法（2020年版）.pdf"),
    ),
    ("zcjd", 0): (
        Embed("stylesheet", "/css/jiedu/old-style.css"),
        Embed("script", "/js/jquery.media.js"),
    ),
    ("zcjd", 1): (_link(f"{JTJ}/hdjl/zxft/interview.jsp?id=2610", "在线访谈实录"),),
    ("zcjd", 2): (
        _link("https://selfsigned.example-partner.cn:{https_port}/", "吉林省交通出行服务平台"),
    ),
    ("zcjd", 3): (
        _link(f"{PARTNER}/service/guide.html", "公交出行服务指南"),
        _link(f"{PARTNER}/news/notice.html", "公交运营公告"),
        _link(f"{PARTNER}/bus/realtime.html", "实时公交查询"),
        _link(f"{PARTNER}/index.htm", "辽源市公共交通服务平台"),
    ),
    ("zcjd", 5): (_link(quote(BUDGET_PDF_PATH), "附件1：2026年部门预算.pdf"),),
    ("tzgg", 1): (
        _link("javascript:void(0)", "下载附件"),
        _link("", "附件"),
        _link("#", "详见"),
    ),
    ("tzgg", 2): (_link("/tzgg/202003/t20200315_2210045.html", "原通知"),),
    ("tzgg", 3): (
        _link(f"{JTJ}/loop/a", "绕行路线说明"),
        _link("./P020261104396512345680.docx", "附件：拟聘用人员名单.docx", "roster_docx"),
    ),
    ("tzgg", 4): (_link("file:///C:/Users/admin/Desktop/通知.doc", "通知.doc"),),
    ("tzgg", 5): (_link(f"{JTJ}/old/x", "调整线路详情"),),
    INJECTED_ARTICLE: (Embed("hidden_link", CASINO_URL, CASINO_TEXT, hide_class=INJECTED_CLASS),),
    ("gzdt", 0): (Embed("image", "./W020261118391205431128.gif", "会议现场", "gif"),),
    ("gzdt", 1): (Embed("image", "./W020261116388512367412.jpg", "检查现场"),),
    ("gzdt", 2): (_link("http://slow.example-partner.cn:{http_port}/", "辽源公交出行服务网"),),
    ("gzdt", 3): (_link("http://169.254.169.254/latest/meta-data/", "数据接口"),),
    ("gzdt", 4): (
        Embed("image", PARTNER_HTTP + LINE_MAP_PATH, "新开通公交线路示意图"),
        Embed("script", PARTNER_HTTP + BUS_WIDGET_PATH),
        _link(PARTNER_HTTP + "/", "辽源市公共交通服务平台"),
    ),
    ("czyjs", 2): (_link(BUDGET_PDF_PATH, "附件1：2026年部门预算.pdf", "budget_pdf"),),
    ("czyjs", 3): (_link("D:\\文件\\预算.xls", "预算.xls"),),
    ("rsxx", 0): (_link("http://192.168.1.10/oa/", "网上报名系统"),),
    ("jytabl", 0): (_link("http://www.gone-site.invalid/", "原辽源交通信息网"),),
    ("jytabl", 1): (_link("http://closed.example-partner.cn:{closed_port}/", "公交线路查询"),),
    ("xxgknb", 0): (
        _link("./P020260124402156789012.pdf", "附件：2025年政府信息公开工作年度报告.pdf", "pdf"),
    ),
}


def embeds_of(column_key: str, index: int) -> tuple[Embed, ...]:
    return ARTICLE_EMBEDS.get((column_key, index), ())
