"""The answer key: every defect planted in the demo portal, and the look-alikes that are fine.

A crawl of the demo portal must report each :data:`PLANTED` entry (``check``, ``subtype``,
``url`` as in ``shared/docs/findings-export.md``) and nothing for the :data:`NEGATIVES`.
``url`` is the defective thing: for ``broken_link`` the link target as resolved from the page,
for ``wrong_link`` the href exactly as written, for ``tls_certificate`` the site root. URLs hold
``{http_port}``, ``{https_port}`` and ``{closed_port}`` placeholders; :meth:`Planted.resolve`
fills them from a running :class:`~xuncha.demo.server.DemoPortal`. ``page`` is the path (on
``xxgk.example.gov.cn``) of a page showing the link. ``issue`` is the project issue that
planted the entry: issue 2's link defects are listed here, issue 3's content defects in
:mod:`xuncha.demo.expected_content` (column list URL for column checks, page URL for page
checks, resource URL for mixed content, site root for site-wide ones), issue 11's beside what
they plant: the 局长信箱 in :mod:`xuncha.demo.boards` (the mailbox's URL), the 暗链 and the
外链变质 in :mod:`xuncha.demo.harmful` (the outside target, on the page carrying it), the
办事指南 in :mod:`xuncha.demo.guides` (the guide's page URL).

These lists are written by hand, independently of where :mod:`xuncha.demo.placements`,
:mod:`xuncha.demo.texts` and :mod:`xuncha.demo.catalog` put things;
``tests/demo/test_demo_portal.py`` checks that they agree.
"""

from __future__ import annotations

from xuncha.demo.answer_key import JTJ, PARTNER, XXGK, Negative, Planted
from xuncha.demo.answer_key import folder_url as _folder
from xuncha.demo.answer_key import page_path as _page
from xuncha.demo.boards import INTERACTION_NEGATIVES, INTERACTION_PLANTED
from xuncha.demo.expected_content import CONTENT_NEGATIVES, CONTENT_PLANTED
from xuncha.demo.guides import GUIDE_NEGATIVES, GUIDE_PLANTED
from xuncha.demo.harmful import HARMFUL_NEGATIVES, HARMFUL_PLANTED

__all__ = ["NEGATIVES", "NEVER_FETCHED", "PLANTED", "Negative", "Planted"]

BUDGET_PDF_ENCODED = (
    "/module/download/%E9%99%84%E4%BB%B61%EF%BC%9A2026%E5%B9%B4%E9%83%A8%E9%97%A8"
    "%E9%A2%84%E7%AE%97.pdf"
)

PLANTED: list[Planted] = [
    # broken_link: the target does not load (断链)
    Planted(
        "broken_link",
        "http_404",
        JTJ + "/zwgk/zcwj/202001/t20200101_1.html",
        "internal article link to a deleted document",
        page=_page("zcwj", 1),
        link_text="原文件（2020年版）",
    ),
    Planted(
        "broken_link",
        "http_404",
        _folder("gzdt", 1) + "W020261116388512367412.jpg",
        "broken image (img src)",
        page=_page("gzdt", 1),
        link_text="检查现场",
    ),
    Planted(
        "broken_link",
        "http_404",
        XXGK + "/js/jquery.media.js",
        "broken script (script src)",
        page=_page("zcjd", 0),
    ),
    Planted(
        "broken_link",
        "http_404",
        XXGK + "/css/jiedu/old-style.css",
        "broken stylesheet (link rel=stylesheet)",
        page=_page("zcjd", 0),
    ),
    Planted(
        "broken_link",
        "http_404",
        _folder("zcwj", 2) + "P020200110396512345678.pdf",
        "broken attachment (附件下载失败)",
        page=_page("zcwj", 2),
        link_text="附件：道路运输行政执法公示办法（2020年版）.pdf",
    ),
    Planted(
        "broken_link",
        "http_500",
        JTJ + "/hdjl/zxft/interview.jsp?id=2610",
        "persistent server error",
        page=_page("zcjd", 1),
        link_text="在线访谈实录",
    ),
    Planted(
        "broken_link",
        "soft_404",
        XXGK + "/tzgg/202003/t20200315_2210045.html",
        "200 page saying 页面不存在 (same as the answer to a random URL)",
        page=_page("tzgg", 2),
        link_text="原通知",
    ),
    Planted(
        "broken_link",
        "timeout",
        "http://slow.example-partner.cn:{http_port}/",
        "answers after 5 s; the demo profile's timeout is 2 s",
        page=_page("gzdt", 2),
        link_text="辽源公交出行服务网",
    ),
    Planted(
        "broken_link",
        "dns_error",
        "http://www.gone-site.invalid/",
        "expired external domain (.invalid never resolves)",
        page=_page("jytabl", 0),
        link_text="原辽源交通信息网",
    ),
    Planted(
        "broken_link",
        "connection_refused",
        "http://closed.example-partner.cn:{closed_port}/",
        "nothing listens on the port",
        page=_page("jytabl", 1),
        link_text="公交线路查询",
    ),
    Planted(
        "broken_link",
        "tls_error",
        "https://selfsigned.example-partner.cn:{https_port}/",
        "external site with an untrusted self-signed certificate",
        page=_page("zcjd", 2),
        link_text="吉林省交通出行服务平台",
    ),
    Planted(
        "broken_link",
        "redirect_loop",
        JTJ + "/loop/a",
        "/loop/a 302 <-> /loop/b 302",
        page=_page("tzgg", 3),
        link_text="绕行路线说明",
    ),
    Planted(
        "broken_link",
        "redirect_error",
        JTJ + "/old/x",
        "/old/x 301 -> /old/y 302 -> /old/z 404",
        page=_page("tzgg", 5),
        link_text="调整线路详情",
    ),
    # wrong_link: wrong whether or not it loads (错链), decided without fetching
    Planted(
        "wrong_link",
        "javascript_placeholder",
        "javascript:void(0)",
        "placeholder on a text promising a download",
        page=_page("tzgg", 1),
        link_text="下载附件",
    ),
    Planted(
        "wrong_link",
        "empty_href",
        "",
        "empty href on an attachment text",
        page=_page("tzgg", 1),
        link_text="附件",
    ),
    Planted(
        "wrong_link",
        "hash_href",
        "#",
        "# on a text promising details",
        page=_page("tzgg", 1),
        link_text="详见",
    ),
    Planted(
        "wrong_link",
        "file_url",
        "file:///C:/Users/admin/Desktop/通知.doc",
        "link to a file on the editor's desktop",
        page=_page("tzgg", 4),
        link_text="通知.doc",
    ),
    Planted(
        "wrong_link",
        "windows_path",
        "D:\\文件\\预算.xls",
        "Windows path as href",
        page=_page("czyjs", 3),
        link_text="预算.xls",
    ),
    Planted(
        "wrong_link",
        "private_address",
        "http://192.168.1.10/oa/",
        "intranet IP address",
        page=_page("rsxx", 0),
        link_text="网上报名系统",
    ),
    Planted(
        "wrong_link",
        "link_local_address",
        "http://169.254.169.254/latest/meta-data/",
        "link-local (cloud metadata) address",
        page=_page("gzdt", 3),
        link_text="数据接口",
    ),
    Planted(
        "wrong_link",
        "intranet_host",
        "http://oa.example.gov.cn/",
        "host that resolves to 10.20.30.40 (profile network.hosts)",
        page=_page("jgzn", 0),
        link_text="内部办公系统",
    ),
    # tls_certificate: one finding for the portal, not one per page
    Planted(
        "tls_certificate",
        "expiring",
        JTJ + "/",
        "portal certificate (*.example.gov.cn) expires in 20 days; warning at 30",
    ),
    # issue 3: the content checks (栏目, 法定公开, 混合内容, 网站标识, 个人信息, 错敏词, 内容混杂)
    *CONTENT_PLANTED,
    # issue 11: 互动回应差, 暗链 and 外链变质, 办事指南要素缺失
    *INTERACTION_PLANTED,
    *HARMFUL_PLANTED,
    *GUIDE_PLANTED,
]

NEGATIVES: list[Negative] = [
    Negative(
        PARTNER + "/service/guide.html",
        "HEAD answers 405, GET 200",
        _page("zcjd", 3),
        "公交出行服务指南",
    ),
    Negative(
        PARTNER + "/news/notice.html",
        "HEAD answers 404, GET 200 (unreliable HEAD)",
        _page("zcjd", 3),
        "公交运营公告",
    ),
    Negative(
        PARTNER + "/bus/realtime.html",
        "429 Retry-After: 1, then 200 on the retry",
        _page("zcjd", 3),
        "实时公交查询",
    ),
    Negative(
        PARTNER + "/index.htm", "301 to a valid page", _page("zcjd", 3), "辽源市公共交通服务平台"
    ),
    Negative(
        PARTNER + "/",
        "valid external site (footer 友情链接 on every page)",
        "/",
        "辽源市公共交通服务平台",
    ),
    Negative(
        XXGK + "/module/download/附件1：2026年部门预算.pdf",
        "attachment with a Chinese file name, linked raw",
        _page("czyjs", 2),
        "附件1：2026年部门预算.pdf",
    ),
    Negative(
        XXGK + BUDGET_PDF_ENCODED,
        "the same attachment, linked percent-encoded",
        _page("zcjd", 5),
        "附件1：2026年部门预算.pdf",
    ),
    Negative(
        _folder("zcwj", 0) + "P020261111385120345678.docx",
        "working .docx attachment",
        _page("zcwj", 0),
        "附件1：2026年政务公开工作任务分解表.docx",
    ),
    Negative(
        _folder("zcwj", 0) + "P020261111385120345679.xls",
        "working .xls attachment",
        _page("zcwj", 0),
        "附件2：2026年政务公开工作台账.xls",
    ),
    Negative(
        _folder("xxgknb", 0) + "P020260124402156789012.pdf",
        "working .pdf attachment",
        _page("xxgknb", 0),
        "附件：2025年政府信息公开工作年度报告.pdf",
    ),
    Negative(
        _folder("gzdt", 0) + "W020261118391205431128.gif",
        "working image",
        _page("gzdt", 0),
        "会议现场",
    ),
    Negative("mailto:jtj@example.gov.cn", "mailto: link (footer)", "/"),
    Negative("tel:0437-3210000", "tel: link (footer)", "/"),
    Negative(
        "javascript:void(0)",
        "placeholder on 打印本页 (promises no content)",
        _page("zcwj", 0),
        "打印本页",
    ),
    Negative(
        "javascript:void(0)",
        "placeholder on 关闭窗口 (promises no content)",
        _page("zcwj", 0),
        "关闭窗口",
    ),
    Negative("#", "# on 返回顶部 (promises no content)", _page("zcwj", 0), "返回顶部"),
    Negative(
        XXGK + "/zdjsxm/",
        "GBK column: bytes GBK, header says ISO-8859-1, meta gb2312",
        "/zdjsxm/",
        "重大建设项目",
    ),
    *CONTENT_NEGATIVES,
    *INTERACTION_NEGATIVES,
    *HARMFUL_NEGATIVES,
    *GUIDE_NEGATIVES,
]

NEVER_FETCHED: list[tuple[str, str]] = [
    ("jtj.example.gov.cn", "/xwzx/tpxw/202611/t20261117_4419901.html"),
    ("jtj.example.gov.cn", "/xwzx/tpxw/202611/t20261112_4419887.html"),
]
"""``(host, path)`` of pages linked only from 新闻中心 (outside the disclosure section): a crawl
fetches ``/xwzx/`` once to see it works and must not follow its links."""
