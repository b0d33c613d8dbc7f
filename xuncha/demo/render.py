"""HTML rendering for the demo portal: the Jinja2 environment and each page kind's context.

Government pages share one layout (``templates/_gov_base.html``): the meta tags SiteName /
SiteDomain / SiteIDCode / ColumnName (and ArticleTitle / PubDate on articles), a header nav, a
breadcrumb 当前位置, and a footer with 主办单位, 网站标识码, ICP备案, 公安备案, the 党政机关 mark
and the 我为政府网站找错 entry — on the portal's own host only: the disclosure platform's footer
template lacks the 找错 entry on every page (a planted ``site_identity`` defect). The portal home
carries the site search (站内搜索) form; the disclosure platform's home a hidden 政府网站
dropdown and its 友情链接. No page links to a real outside site: every URL points at the demo
hosts (made-up names the profile maps to loopback), so a crawl never leaves loopback unless a
planted defect says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from xuncha.demo.catalog import COLUMNS, Article, ColumnSpec
from xuncha.demo.harmful import FRIEND_LINKS, GOV_SITES
from xuncha.demo.placements import Embed
from xuncha.demo.texts import body_of

JTJ_HOST = "jtj.example.gov.cn"
XXGK_HOST = "xxgk.example.gov.cn"
PARTNER_HOST = "www.example-partner.cn"
# Hosts whose footer carries the 我为政府网站找错 entry: not the disclosure platform (planted).
JIUCUO_HOSTS = frozenset({JTJ_HOST})
SEARCH_PATH = "/search"
SEARCH_FIELD = "searchword"


@dataclass(frozen=True)
class SiteIdentity:
    """The site-wide identity elements every page footer and head carries."""

    name: str = "辽源市交通运输局（演示）"
    owner: str = "辽源市交通运输局"
    id_code: str = "2204000001"
    icp: str = "吉ICP备05001234号"
    gongan: str = "吉公网安备 22040202000123号"
    address: str = "辽源市龙山区示例大街1号"
    phone: str = "0437-3210000"
    email: str = "jtj@example.gov.cn"
    index_prefix: str = "11220400MB0000000X"


SITE = SiteIdentity()


@dataclass(frozen=True)
class SiteLinks:
    """Absolute URLs between the demo hosts, which listen on ephemeral ports."""

    http_port: int
    https_port: int
    closed_port: int

    def root(self, host: str) -> str:
        return f"https://{host}:{self.https_port}/"

    def href(self, from_host: str, to_host: str, path: str) -> str:
        """``path`` as written on a page of ``from_host``: relative on the same host."""
        return path if from_host == to_host else self.root(to_host).rstrip("/") + path

    def expand(self, href: str) -> str:
        """Fill the port placeholders of a planted href."""
        return (
            href.replace("{http_port}", str(self.http_port))
            .replace("{https_port}", str(self.https_port))
            .replace("{closed_port}", str(self.closed_port))
        )


@dataclass(frozen=True)
class Chrome:
    """What the shared layout needs: the page's host, title, column, nav and breadcrumb."""

    host: str
    title: str
    column: str | None
    nav: list[tuple[str, str]]
    breadcrumb: list[tuple[str, str]]
    partner_url: str
    jiucuo_url: str | None
    stylesheets: tuple[str, ...] = ()
    charset: str = "utf-8"


@dataclass
class Renderer:
    """Renders every page kind of the demo portal to text."""

    links: SiteLinks
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def chrome(
        self,
        host: str,
        title: str,
        column: ColumnSpec | None = None,
        leaf: str = "",
        stylesheets: tuple[str, ...] = (),
    ) -> Chrome:
        """The layout context; on xxgk pages the breadcrumb ends in ``leaf`` (e.g. 正文) or,
        without one, in the page's own column as plain text."""
        link = self.links.href
        nav = [
            ("首页", link(host, JTJ_HOST, "/")),
            ("政务公开", link(host, XXGK_HOST, "/")),
            ("新闻中心", link(host, JTJ_HOST, "/xwzx/")),
            ("互动交流", link(host, JTJ_HOST, "/hdjl/")),
        ]
        breadcrumb: list[tuple[str, str]] = []
        if host == XXGK_HOST:
            breadcrumb = [("首页", nav[0][1]), ("政务公开", "/")]
            if column is not None:
                breadcrumb.append((column.name, column.path))
            last = (leaf, "") if leaf else (breadcrumb.pop()[0], "")
            breadcrumb.append(last)
        return Chrome(
            host=host,
            title=title,
            column=column.name if column else None,
            nav=nav,
            breadcrumb=breadcrumb,
            partner_url=self.links.root(PARTNER_HOST),
            jiucuo_url=(
                link(host, JTJ_HOST, f"/jiucuo/?site_code={SITE.id_code}")
                if host in JIUCUO_HOSTS
                else None
            ),
            stylesheets=stylesheets,
            charset=column.encoding if column else "utf-8",
        )

    def menu(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The side column tree: top-level entries and the 法定主动公开内容 group, in order."""
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for spec in COLUMNS:
            if not groups or groups[-1][0] != spec.menu_group:
                groups.append((spec.menu_group, []))
            groups[-1][1].append((spec.name, spec.path))
        return groups

    def _render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(site=SITE, **context)

    def jtj_home(self, news: list[tuple[str, str, str]]) -> str:
        page = self.chrome(JTJ_HOST, "首页")
        return self._render(
            "jtj_home.html",
            page=page,
            news=news,
            xxgk_url=self.links.root(XXGK_HOST),
            search_path=SEARCH_PATH,
            search_field=SEARCH_FIELD,
        )

    def search_results(self, query: str, results: list[tuple[str, str, str]]) -> str:
        """The 站内搜索 answer on the portal host: the query and the matching items."""
        return self._render(
            "search.html",
            page=self.chrome(JTJ_HOST, "站内搜索"),
            query=query,
            results=results,
            search_path=SEARCH_PATH,
            search_field=SEARCH_FIELD,
        )

    def xxgk_home(self) -> str:
        """The disclosure platform's home: the column tree, a 政府网站 dropdown hidden until
        hovered and the 友情链接 (:mod:`xuncha.demo.harmful`)."""
        page = self.chrome(XXGK_HOST, "政府信息公开")
        expand = self.links.expand
        return self._render(
            "xxgk_home.html",
            page=page,
            menu=self.menu(),
            gov_sites=[(text, expand(href)) for text, href in GOV_SITES],
            friend_links=[(text, expand(href)) for text, href in FRIEND_LINKS],
        )

    def column_list(
        self,
        spec: ColumnSpec,
        page_index: int,
        items: list[tuple[str, str, str]],
        page_count: int | None = None,
    ) -> str:
        """One list page; ``page_count`` defaults to the night-1 list's."""
        return self._render(
            "column_list.html",
            page=self.chrome(XXGK_HOST, spec.name, spec),
            menu=self.menu(),
            column=spec,
            items=items,
            page_index=page_index,
            page_count=spec.page_count if page_count is None else page_count,
        )

    def article(
        self,
        item: Article,
        embeds: tuple[Embed, ...],
        paragraphs: list[str] | None = None,
        guide_rows: tuple[tuple[str, str], ...] = (),
    ) -> str:
        """An article page; ``paragraphs`` default to :func:`~xuncha.demo.texts.body_of`;
        ``guide_rows`` (办事指南) are shown as a label | value table below them."""
        expanded = [replace(e, href=self.links.expand(e.href)) for e in embeds]
        styles = tuple(e.href for e in expanded if e.kind == "stylesheet")
        return self._render(
            "article.html",
            page=self.chrome(XXGK_HOST, item.title, item.column, "正文", stylesheets=styles),
            article=item,
            paragraphs=body_of(item) if paragraphs is None else paragraphs,
            embeds=expanded,
            guide_rows=guide_rows,
        )

    def notice(self, host: str, heading: str, message: str) -> str:
        """A short page in the portal layout: a heading and one paragraph (also 页面不存在)."""
        return self._render(
            "notice.html", page=self.chrome(host, heading), heading=heading, message=message
        )

    def board(
        self, host: str, heading: str, channels: list[tuple[str, str]], rows: list[Any]
    ) -> str:
        """互动交流: a hub of channels, or a mailbox's message list (TRS-style table)."""
        return self._render(
            "board.html", page=self.chrome(host, heading), heading=heading, channels=channels,
            rows=rows,
        )  # fmt: skip

    def board_message(self, host: str, message: Any) -> str:
        """One letter of a mailbox, with its reply when answered."""
        return self._render(
            "board_message.html", page=self.chrome(host, message.title), message=message
        )

    def gov_list(self, host: str, title: str, items: list[tuple[str, str, str]]) -> str:
        """A plain dated list outside the disclosure section (新闻中心)."""
        return self._render("news_list.html", page=self.chrome(host, title), news=items)

    def simple(
        self, title: str, paragraphs: list[str], links: list[tuple[str, str]] | None = None
    ) -> str:
        """A bare page for the partner sites and small portal utilities."""
        return self._render("simple.html", title=title, paragraphs=paragraphs, links=links or [])
