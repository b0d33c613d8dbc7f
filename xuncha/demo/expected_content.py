"""The answer key of issue 3's content checks: what the demo portal plants, and what is fine.

``url`` per ``shared/docs/findings-export.md``: the column's list page for column checks
(``stale_column``, ``blank_column``, and ``missing_mandatory`` when the item has a home
column), the page (or attachment) for page checks (``privacy_leak``, ``wording_error``,
``misplaced_content``), the resource for ``mixed_content``, the site root for site-wide ones
(``site_identity``). A :class:`Negative` without ``page`` holds when no finding at all names
its URL — a fresh column, a page with a masked number.

Written by hand from the issue, not from :mod:`xuncha.demo.catalog`, :mod:`xuncha.demo.texts`
or :mod:`xuncha.demo.placements`; ``tests/demo/test_demo_portal.py`` checks that they agree.
"""

from __future__ import annotations

from xuncha.demo.answer_key import (
    JTJ,
    PARTNER_HTTP,
    Negative,
    Planted,
    column_url,
    folder_url,
    page_path,
    page_url,
)

ROSTER_DOCX = "P020261104396512345680.docx"


def _planted(check: str, subtype: str, url: str, note: str, **link: str) -> Planted:
    return Planted(check, subtype, url, note, issue=3, **link)


def _negative(url: str, note: str, **link: str) -> Negative:
    return Negative(url, note, issue=3, **link)


CONTENT_PLANTED: list[Planted] = [
    # stale_column (栏目不更新): subtype = the column's kind, or the warning / no-date case
    _planted(
        "stale_column", "dynamic", column_url("xqdt"), "县区动态: newest item 40 days old (14)"
    ),
    _planted(
        "stale_column", "notice", column_url("gsgg"), "公示公告: newest item 200 days old (183)"
    ),
    _planted(
        "stale_column", "maintained", column_url("tjxx"), "统计信息: newest item 400 days (365)"
    ),
    _planted(
        "stale_column",
        "about_to_go_stale",
        column_url("ghjh"),
        "规划计划: 350 of 365 days, within the 30-day warning margin",
    ),
    _planted(
        "stale_column",
        "no_dates",
        column_url("qzqd"),
        "权责清单: documents listed with no date in the list, the file, a meta tag or the URL",
    ),
    # blank_column (空白栏目)
    _planted("blank_column", "no_items", column_url("zfcg"), "政府采购: the list says 暂无信息"),
    _planted(
        "blank_column",
        "no_items",
        column_url("zxzj"),
        "专项资金: a page with the site's chrome and the column's title, nothing else",
    ),
    # missing_mandatory (法定公开内容): the department pack, as_of 2026-11-20
    _planted(
        "missing_mandatory",
        "overdue",
        column_url("czyjs"),
        "2025 部门决算 (due 2026-09-30) absent from 财政预决算, which holds 2024's",
    ),
    # mixed_content (混合内容): http resources on an https article of a working host
    _planted(
        "mixed_content",
        "image",
        PARTNER_HTTP + "/images/line-map.gif",
        "http <img> on an https page (passive, upgradable); answers 200 on http",
        page=page_path("gzdt", 4),
        link_text="新开通公交线路示意图",
    ),
    _planted(
        "mixed_content",
        "script",
        PARTNER_HTTP + "/js/bus-widget.js",
        "http <script> on an https page (active, blocked); answers 200 on http",
        page=page_path("gzdt", 4),
    ),
    # site_identity (网站标识): one finding for the site, whichever inner pages are sampled
    _planted(
        "site_identity",
        "jiucuo",
        JTJ + "/",
        "我为政府网站找错 absent from every xxgk footer (every sampled inner page); "
        "present on the jtj home page, as are the site search and all article meta tags",
    ),
    # privacy_leak (个人信息泄露)
    _planted(
        "privacy_leak",
        "id_number",
        page_url("rsxx", 1),
        "unmasked ID number (valid check character) in a 面试公告",
    ),
    _planted("privacy_leak", "mobile", page_url("tzgg", 8), "a driver's mobile number in a notice"),
    _planted(
        "privacy_leak",
        "id_number",
        folder_url("tzgg", 3) + ROSTER_DOCX,
        "unmasked ID number in a .docx attachment (拟聘用人员名单)",
        page=page_path("tzgg", 3),
        link_text="附件：拟聘用人员名单.docx",
    ),
    # wording_error (错敏词), from checks/data/wording.yaml
    _planted(
        "wording_error",
        "serious_misstatement",
        page_url("tzgg", 4),
        "中华人民共合国 (国名错字, high: a single veto)",
    ),
    _planted("wording_error", "miswriting", page_url("gzdt", 0), "工作布署 (for 工作部署)"),
    # misplaced_content (内容混杂), checks/data/misplaced.yaml rule budget_activity
    _planted(
        "misplaced_content",
        "budget_activity",
        page_url("czyjs", 1),
        "a meeting report (召开…会议) in the 财政预决算 column",
    ),
]

CONTENT_NEGATIVES: list[Negative] = [
    # Columns within their windows (and the GBK one), static columns with old items
    *(
        _negative(column_url(key), f"{name}: newest item within its window, not stale")
        for key, name in (
            ("zcwj", "政策文件 (9 of 183 days)"),
            ("zcjd", "政策解读 (12 of 183 days)"),
            ("tzgg", "通知公告 (3 of 183 days)"),
            ("gzdt", "工作动态 (2 of 14 days)"),
            ("rsxx", "人事信息 (25 of 365 days; no visible date on its pages)"),
            ("jytabl", "建议提案办理 (60 of 365 days)"),
            ("zdjsxm", "重大建设项目, the GBK column (20 of 365 days)"),
        )
    ),
    _negative(column_url("jgzn"), "机构职能 is static: items 500+ days old are no finding"),
    _negative(column_url("ldxx"), "领导信息: a single page naming each leader's remit"),
    _negative(column_url("xzsf"), "行政事业性收费: a page saying the body has no such fees"),
    _negative(column_url("xxgkzn"), "政府信息公开指南 is static"),
    _negative(
        column_url("xxgknb"),
        "政府信息公开年报: 2025's report published; 2026's is not yet due (2027-01-31)",
    ),
    # mixed_content: a navigation is not mixed content
    _negative(
        PARTNER_HTTP + "/",
        "plain <a href=http:…> on an https page: not mixed content (and it loads)",
        page=page_path("gzdt", 4),
        link_text="辽源市公共交通服务平台",
    ),
    # privacy_leak look-alikes
    _negative(page_url("rsxx", 0), "masked ID number 2204**********2216"),
    _negative(
        page_url("zcjd", 0),
        "文号 辽交发〔2026〕12号, 索引号 11220400MB1234567X/2026-00123, landline 0437-3221234",
    ),
    # wording_error: the correct formulation
    _negative(page_url("gzdt", 5), "工作部署 written correctly"),
    # misplaced_content: the ambiguous case the rules leave alone
    _negative(
        page_url("czyjs", 0),
        "关于召开2027年部门预算编制工作会议的通知 in 财政预决算: names the column's subject",
    ),
]
