"""The demo portal's content and routing: (scheme, host, method, target) -> :class:`Reply`.

Hosts and how each answers an unknown path — the one rule a soft-404 check depends on:

- ``jtj.example.gov.cn`` (portal home, a plain web server): unknown paths get a true **404**.
  It also holds the redirect loop (``/loop/a`` <-> ``/loop/b``), the chain
  ``/old/x`` 301 -> ``/old/y`` 302 -> ``/old/z`` (404), a persistent 500, and the site search
  ``/search?searchword=…`` (items whose title contains the query).
- ``xxgk.example.gov.cn`` (disclosure platform, a CMS): an unknown *page* path (no extension,
  ``.html``, ``.shtml``, ``.jsp``, …) gets the CMS error page with status **200** — a soft 404,
  the same body for every path, so comparing with the answer to a random URL works. Unknown
  *static files* (:data:`STATIC_EXTENSIONS`: images, scripts, styles, documents) get a true 404,
  as the front web server answers them before the CMS sees the request.
- ``www.example-partner.cn``: a healthy external site with the tricky-but-working negatives
  (HEAD refused with 405, HEAD answering 404, a 429 with ``Retry-After: 1`` then 200, a 301).
  It answers on plain http as well as https: the portal's mixed content loads from it.
- ``selfsigned.example-partner.cn``: every path 200; its certificate is the defect.
- ``slow.example-partner.cn`` (http): every path 200 after ``slow_seconds``.
- the outside sites of :mod:`xuncha.demo.harmful` (http): two casinos — the target of the
  injected hidden link and the lapsed 友情链接 辽源旅游网 — an ordinary 友情链接 and two
  government sites of the hidden 政府网站 dropdown; each answers ``/``, anything else 404.

On plain http the portal hosts answer 301 to their https URL. Another host gets a 404.
All pages are rendered once, at construction (a search answer, per query), for one night's
:class:`~xuncha.demo.editions.Edition` (night 1: the site as published); only the 429 counter
holds state (:meth:`reset`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from posixpath import splitext
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from xuncha.demo import boards, files, guides, harmful
from xuncha.demo.catalog import COLUMNS, Article, column, list_page_paths
from xuncha.demo.editions import Edition
from xuncha.demo.placements import BUS_WIDGET_PATH, LINE_MAP_PATH
from xuncha.demo.render import (
    JTJ_HOST,
    PARTNER_HOST,
    SEARCH_FIELD,
    SEARCH_PATH,
    XXGK_HOST,
    Renderer,
    SiteLinks,
)
from xuncha.demo.texts import ROSTER_PARAGRAPHS

SELFSIGNED_HOST = "selfsigned.example-partner.cn"
SLOW_HOST = "slow.example-partner.cn"
CLOSED_HOST = "closed.example-partner.cn"
OA_HOST = "oa.example.gov.cn"
HTTPS_HOSTS = frozenset({JTJ_HOST, XXGK_HOST, SELFSIGNED_HOST})

STATIC_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".ico", ".svg", ".css", ".js", ".txt", ".xml"}
    | {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".zip", ".rar", ".7z"}
)
HTML = "text/html; charset=utf-8"
GBK_DECLARED = "text/html; charset=ISO-8859-1"  # what the misconfigured server claims
ROBOTS_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
SOFT_404_HEADING = "页面不存在"
SOFT_404_MESSAGE = "对不起，您访问的页面已删除或不存在，请返回首页继续浏览。"

OUTSIDE_SECTION_ARTICLES: tuple[tuple[str, str, str], ...] = (
    (
        "市交通运输局召开2026年第四季度新闻发布会",
        "/xwzx/tpxw/202611/t20261117_4419901.html",
        "2026-11-17",
    ),
    (
        "辽源交通志愿者开展“文明出行”宣传活动",
        "/xwzx/tpxw/202611/t20261112_4419887.html",
        "2026-11-12",
    ),
)
"""新闻中心 items: linked only from ``/xwzx/`` (outside the disclosure section), never crawled."""


@dataclass(frozen=True)
class Reply:
    """One HTTP answer; ``delay`` seconds pass before it is sent."""

    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


Route = Callable[[str], Reply]  # HTTP method -> reply


def _fixed(reply: Reply) -> Route:
    def route(method: str) -> Reply:
        if method in ("GET", "HEAD"):
            return reply
        return Reply(405, b"Method Not Allowed", "text/plain", (("Allow", "GET, HEAD"),))

    return route


def _redirect(status: int, location: str) -> Route:
    body = f'<html><body><a href="{location}">{location}</a></body></html>'.encode()
    return _fixed(Reply(status, body, HTML, (("Location", location),)))


def article_paths(night: int = 1) -> set[tuple[str, str]]:
    """Every disclosure article of ``night`` as ``(host, path)``; each is linked from a column
    list page."""
    edition = Edition(night)
    return {(XXGK_HOST, item.path) for spec in COLUMNS for item in edition.articles(spec)}


def list_pages(night: int = 1) -> list[tuple[str, str]]:
    """Every column list page of ``night`` as ``(host, canonical path with query)``."""
    edition = Edition(night)
    return [
        (XXGK_HOST, names[0])
        for spec in COLUMNS
        for names in list_page_paths(spec, edition.page_count(spec))
    ]


def _list_href(list_path: str, item: Article) -> str:
    """The item link as a TRS list writes it: ``./…`` below the list's folder, else absolute."""
    folder = list_path.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    return "./" + item.path[len(folder) :] if item.path.startswith(folder) else item.path


class DemoSite:
    """All hosts' routes, built for one set of ports and one night's edition."""

    def __init__(self, links: SiteLinks, slow_seconds: float = 5.0, night: int = 1) -> None:
        self.links = links
        self.slow_seconds = slow_seconds
        self.edition = Edition(night)
        self._render = Renderer(links)
        self._lock = threading.Lock()
        self._attempts: Counter[tuple[str, str]] = Counter()
        self._routes: dict[str, dict[str, Route]] = {
            JTJ_HOST: self._jtj_routes(),
            XXGK_HOST: self._xxgk_routes(),
            PARTNER_HOST: self._partner_routes(),
            **self._outside_routes(),
        }
        self._soft_404 = self._html(
            self._render.notice(XXGK_HOST, SOFT_404_HEADING, SOFT_404_MESSAGE)
        )
        self._selfsigned_page = self._html(
            self._render.simple("吉林省交通出行服务平台", ["欢迎访问。"])
        )
        self._jtj_404 = Reply(
            404, self._render.notice(JTJ_HOST, "404 Not Found", SOFT_404_MESSAGE).encode()
        )

    def reset(self) -> None:
        """Forget the 429 counters, so the next crawl sees the 429 again."""
        with self._lock:
            self._attempts.clear()

    def respond(self, scheme: str, host: str, method: str, target: str) -> Reply:
        """Answer one request; ``target`` is the raw request target (path and query)."""
        parts = urlsplit(target)
        path = unquote(parts.path or "/")
        if scheme == "http" and host in HTTPS_HOSTS:
            return _redirect(301, self.links.root(host).rstrip("/") + target)(method)
        if host == SLOW_HOST:
            return Reply(200, self._slow_page(), delay=self.slow_seconds)
        if host == SELFSIGNED_HOST:
            return _fixed(self._selfsigned_page)(method)
        if host == JTJ_HOST and path == SEARCH_PATH:
            return _fixed(self._search(parse_qs(parts.query).get(SEARCH_FIELD, [""])[0]))(method)
        routes = self._routes.get(host)
        if routes is None:
            return Reply(404, b"unknown virtual host", "text/plain")
        route = routes.get(f"{path}?{parts.query}") if parts.query else None
        route = route or routes.get(path)
        if route is not None:
            return route(method)
        if host == XXGK_HOST and splitext(path)[1].lower() not in STATIC_EXTENSIONS:
            return self._soft_404
        if host == XXGK_HOST:
            return Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>")
        return self._jtj_404 if host == JTJ_HOST else Reply(404, b"Not Found", "text/plain")

    # --- hosts -------------------------------------------------------------------------------

    def _shared_assets(self) -> dict[str, Route]:
        gif = Reply(200, files.GIF_1X1, files.GIF_TYPE)
        return {
            "/robots.txt": _fixed(Reply(200, ROBOTS_DISALLOW_ALL, "text/plain")),
            "/css/style.css": _fixed(Reply(200, files.SITE_CSS, files.CSS_TYPE)),
            "/js/common.js": _fixed(Reply(200, files.SITE_JS, files.JS_TYPE)),
            **{f"/images/{name}.gif": _fixed(gif) for name in ("dzjg", "gaba", "banner")},
        }

    def _jtj_routes(self) -> dict[str, Route]:
        render = self._render
        news = [
            (item.title, self.links.href(JTJ_HOST, XXGK_HOST, item.path), item.date_text)
            for item in self.edition.articles(column("gzdt"))[:5]
        ]
        xwzx = self._html(render.gov_list(JTJ_HOST, "新闻中心", list(OUTSIDE_SECTION_ARTICLES)))
        routes = {
            **self._shared_assets(),
            "/": _fixed(self._html(render.jtj_home(news))),
            "/xwzx/": _fixed(xwzx),
            "/xwzx/index.html": _fixed(xwzx),
            **self._board_routes(),
            "/jiucuo/": _fixed(
                self._html(
                    render.notice(
                        JTJ_HOST, "我为政府网站找错", "请填写您发现的问题，我们将及时核实处理。"
                    )
                )
            ),
            "/hdjl/zxft/interview.jsp": _fixed(
                Reply(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>")
            ),
            "/loop/a": _redirect(302, "/loop/b"),
            "/loop/b": _redirect(302, "/loop/a"),
            "/old/x": _redirect(301, "/old/y"),
            "/old/y": _redirect(302, "/old/z"),
        }
        for title, path, _ in OUTSIDE_SECTION_ARTICLES:
            routes[path] = _fixed(self._html(render.notice(JTJ_HOST, title, title + "。")))
        for path, title in self.edition.portal_pages().items():
            routes[path] = _fixed(self._html(render.notice(JTJ_HOST, title, title + "。")))
        return routes

    def _board_routes(self) -> dict[str, Route]:
        """互动交流: the hub, the 局长信箱's list and its letters (xuncha/demo/boards.py)."""
        render = self._render
        channels = [(boards.MAILBOX, boards.MAILBOX_PATH), ("写信须知", boards.GUIDE_PATH)]
        hub = render.board(JTJ_HOST, "互动交流", channels, [])
        guide = render.notice(JTJ_HOST, "写信须知", boards.GUIDE_TEXT)
        mailbox = render.board(JTJ_HOST, boards.MAILBOX, [], list(boards.LETTERS))
        routes = {
            boards.HUB_PATH: _fixed(self._html(hub)),
            boards.MAILBOX_PATH: _fixed(self._html(mailbox)),
            boards.GUIDE_PATH: _fixed(self._html(guide)),
        }
        for letter in boards.LETTERS:
            routes[letter.path] = _fixed(self._html(render.board_message(JTJ_HOST, letter)))
        return routes

    def _xxgk_routes(self) -> dict[str, Route]:
        render = self._render
        routes = {**self._shared_assets(), "/": _fixed(self._html(render.xxgk_home()))}
        edition = self.edition
        for spec in COLUMNS:
            items = edition.articles(spec)
            per_page = spec.per_page or max(len(items), 1)
            pages = edition.page_count(spec)
            for page, names in enumerate(list_page_paths(spec, pages)):
                shown = items[page * per_page : (page + 1) * per_page]
                rows = [(i.title, _list_href(names[0], i), i.date_text) for i in shown]
                reply = self._encoded(render.column_list(spec, page, rows, pages), spec.encoding)
                routes.update(dict.fromkeys(names, _fixed(reply)))
            for item in items:
                if not item.is_page:
                    routes[item.path] = _fixed(_document(item))
                    continue
                embeds = edition.embeds(item)
                guide = guides.guide_of(item)
                if guide is None:
                    page_html = render.article(item, embeds, edition.body(item))
                else:
                    page_html = render.article(item, embeds, [guide.intro], guide.rows)
                routes[item.path] = _fixed(self._encoded(page_html, spec.encoding))
                for embed in embeds:
                    if embed.file:
                        url = urljoin(f"https://{XXGK_HOST}{item.path}", embed.href)
                        routes[unquote(urlsplit(url).path)] = _fixed(_ATTACHMENTS[embed.file])
        return routes

    def _partner_routes(self) -> dict[str, Route]:
        home = self._html(
            self._render.simple(
                "辽源市公共交通服务平台（演示）",
                ["提供公交线路查询、实时公交、出行指南等服务。"],
                [
                    ("出行服务指南", "/service/guide.html"),
                    ("运营公告", "/news/notice.html"),
                    ("实时公交", "/bus/realtime.html"),
                ],
            )
        )
        guide = self._html(self._render.simple("公交出行服务指南", ["乘车须知与服务指南。"]))
        notice = self._html(self._render.simple("公交运营公告", ["冬季运营时间调整公告。"]))

        def head_refused(method: str) -> Reply:
            if method == "HEAD":
                return Reply(405, b"", "text/plain", (("Allow", "GET"),))
            return _fixed(guide)(method)

        def head_lies(method: str) -> Reply:
            return Reply(404, b"", "text/plain") if method == "HEAD" else _fixed(notice)(method)

        return {
            "/": _fixed(home),
            "/index.htm": _redirect(301, "/"),
            "/service/guide.html": head_refused,
            "/news/notice.html": head_lies,
            "/bus/realtime.html": self._rate_limited(PARTNER_HOST, "/bus/realtime.html"),
            LINE_MAP_PATH: _fixed(Reply(200, files.GIF_1X1, files.GIF_TYPE)),
            BUS_WIDGET_PATH: _fixed(Reply(200, files.BUS_WIDGET_JS, files.JS_TYPE)),
        }

    def _outside_routes(self) -> dict[str, dict[str, Route]]:
        """The outside sites of :mod:`xuncha.demo.harmful` (the casinos, the partner, the
        government sites): each answers its home page; any other path is a 404."""
        routes: dict[str, dict[str, Route]] = {}
        for host, (title, paragraphs) in harmful.OUTSIDE_PAGES.items():
            routes[host] = {"/": _fixed(self._html(self._render.simple(title, paragraphs)))}
        return routes

    def _rate_limited(self, host: str, path: str) -> Route:
        """Odd-numbered tries get 429 ``Retry-After: 1``, even ones 200: every retry succeeds."""
        page = self._html(self._render.simple("实时公交查询", ["请输入线路号查询车辆位置。"]))

        def route(method: str) -> Reply:
            with self._lock:
                self._attempts[(host, path)] += 1
                attempt = self._attempts[(host, path)]
            if attempt % 2:
                return Reply(429, b"Too Many Requests", "text/plain", (("Retry-After", "1"),))
            return _fixed(page)(method)

        return route

    def attempts(self, host: str, path: str) -> int:
        """How many requests the 429 route at ``host``/``path`` has seen since the last reset."""
        with self._lock:
            return self._attempts[(host, path)]

    def _search(self, query: str) -> Reply:
        """站内搜索: every column item whose title contains the query, newest first."""
        query = query.strip()
        found = sorted(
            (
                item
                for spec in COLUMNS
                for item in self.edition.articles(spec)
                if query in item.title
            ),
            key=lambda item: item.published,
            reverse=True,
        )
        results = [
            (item.title, self.links.href(JTJ_HOST, XXGK_HOST, item.path), item.date_text)
            for item in (found if query else [])
        ]
        return self._html(self._render.search_results(query, results))

    # --- helpers -----------------------------------------------------------------------------

    def _slow_page(self) -> bytes:
        return self._render.simple("辽源公交出行服务网", ["服务器繁忙。"]).encode()

    @staticmethod
    def _html(text: str) -> Reply:
        return Reply(200, text.encode("utf-8"))

    @staticmethod
    def _encoded(text: str, encoding: str) -> Reply:
        """UTF-8 pages say so; GBK pages are served with a header claiming ISO-8859-1."""
        if encoding == "utf-8":
            return Reply(200, text.encode("utf-8"))
        return Reply(200, text.encode(encoding), GBK_DECLARED)


_ATTACHMENTS: dict[str, Reply] = {
    "docx": Reply(
        200, files.docx_document(["2026年政务公开工作任务分解表（演示）"]), files.DOCX_TYPE
    ),
    "xls": Reply(200, files.xls_placeholder(), files.XLS_TYPE),
    "pdf": Reply(
        200,
        files.pdf_document("Government information disclosure annual report 2025"),
        files.PDF_TYPE,
    ),
    "budget_pdf": Reply(200, files.pdf_document("2026 departmental budget (demo)"), files.PDF_TYPE),
    "gif": Reply(200, files.GIF_1X1, files.GIF_TYPE),
    "roster_docx": Reply(200, files.docx_document(list(ROSTER_PARAGRAPHS)), files.DOCX_TYPE),
    # uploaded by the rectification of night 2 (xuncha.demo.editions)
    "assessment_docx": Reply(
        200,
        files.docx_document(["2026年度道路运输企业质量信誉考核申报材料清单（演示）"]),
        files.DOCX_TYPE,
    ),
}


def _document(item: Article) -> Reply:
    """A document a list links directly (``file`` columns): a one-page PDF, no date in it."""
    return Reply(200, files.pdf_document(f"Document {item.doc_id} (demo)"), files.PDF_TYPE)
