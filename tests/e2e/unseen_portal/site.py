"""Which page answers which request on the unseen portal, and the portal as a loopback server.

:func:`respond` routes as a Hanweb site does: one host, the columns' list pages by
``pageNum`` query (or ``index_N.html`` for the table style), articles and files by path, the
download module by its ``filename`` query (UTF-8 or GBK, percent-encoded), the site search in
GBK, the old 政务公开 address redirected (302), the 意见征集 module broken (500), and the CMS's
404 page for anything else. :class:`UnseenPortal` serves it with the ``loopback`` package
(HTTP/1.1, kept-alive connections, HEAD as GET), answers on the same port for the outside hosts
its pages link to (:mod:`unseen_portal.outside`, told apart by the ``Host`` header) and records
what was asked of each.
"""

from __future__ import annotations

from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlsplit

from loopback import Reply, Request, Server

from .catalog import PARENT, SEARCH_PATH
from .editions import edition
from .outside import HOSTS, reply
from .pages import article_page, column_page, layout, other_page, parent_page, search_page


def _html(text: str, status: int = 200) -> Reply:
    return Reply(status, body=text, content_type="text/html", encoding="gbk")


def _not_found(base: str) -> Reply:
    return _html(layout("页面不存在", "<p>404 您访问的页面不存在</p>", base), 404)


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
        return Reply(302, (("Location", "/xxgk/index.html"),), content_type="text/html")
    if path == SEARCH_PATH:
        # The form is submitted in the page's charset, GBK: a UTF-8 query finds nothing here.
        words = dict(parse_qsl(parts.query, encoding="gbk", errors="replace"))
        return _html(search_page(words.get("q", ""), site, base))
    if path == "/module/idea/que_discusslist.jsp":
        return _html(layout("系统错误", "<p>500 Internal Server Error</p>", base), 500)
    if path == "/module/download/downfile.jsp":
        path = "download:" + _latin1_text(query.get("filename", ""))
    if path in site.files:
        kind, data = site.files[path]
        return Reply(200, body=data, content_type=kind)
    if path in site.articles:
        return _html(article_page(site.articles[path], site, base))
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
    return _not_found(base) if page is None else _html(page)


class UnseenPortal:
    """The portal on 127.0.0.1 (ephemeral port), recording ``(method, target, status)`` with
    the target percent-decoded; the outside hosts on the same port. ``night`` (1–3, see
    :data:`~unseen_portal.editions.NIGHTS`) may be changed between runs: same port, same site;
    :meth:`reset` forgets what was asked."""

    def __init__(self, night: int = 1) -> None:
        self.night = night
        self._server = Server(self._respond, protocol="HTTP/1.1")

    def _respond(self, request: Request) -> Reply:
        if request.hostname in HOSTS:
            return reply(request.hostname, _latin1_text(request.path))
        return respond(request.target, f"http://{request.host}", self.night)

    def __enter__(self) -> UnseenPortal:
        self._server.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._server.stop()

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def requests(self) -> list[tuple[str, str, int | None]]:
        """``(method, target, status)`` of every request the portal answered, in order."""
        return [
            (r.method, _latin1_text(r.target), r.status)
            for r in self._server.requests
            if r.hostname not in HOSTS
        ]

    @property
    def outside_requests(self) -> list[tuple[str, str, str, int | None]]:
        """``(method, host, target, status)`` of every request an outside host answered."""
        return [
            (r.method, r.hostname, r.target, r.status)
            for r in self._server.requests
            if r.hostname in HOSTS
        ]

    def reset(self) -> None:
        self._server.requests.clear()
