"""What a demo 栏目 and its items (信息) are: :class:`ColumnSpec`, :class:`Article`, their dates.

The table of columns lives in :mod:`xuncha.demo.catalog`; everything here is derived from a
spec and :data:`DEMO_AS_OF`, deterministically, so a column is planted by data alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import cycle

DEMO_AS_OF = dt.date(2026, 11, 20)

LIST_STYLES = ("plain", "trs_script", "query", "count_page", "path_pager", "hanweb", "table")


@dataclass(frozen=True)
class ColumnSpec:
    """One 栏目: how its list pages look and which items it holds.

    ``list_style``: ``plain`` (one ``<ul>`` page), ``trs_script`` (TRS ``createPageHTML`` pager,
    script only), ``query`` (``?page=N`` anchors), ``count_page`` (``var countPage`` JS vars),
    ``path_pager`` (``list-N.shtml`` numbered anchors), ``hanweb`` (Hanweb ``<datastore>``
    records in CDATA, no DOM anchors), ``table`` (名称/发布日期 table).
    ``url_style``: ``trs`` (``/<key>/202610/t20261015_<id>.html``), ``shtml``
    (``/<key>/2026-10/15/content_<id>.shtml``), ``hanweb``
    (``/art/2026/10/15/art_<channel>_<id>.html``) or ``file`` (``/<key>/<key>_<id>.pdf``: the
    list links documents directly, and their addresses carry no date).
    ``dated_pages``: False when the article page shows no visible date (its ``PubDate`` meta
    tag still carries one, as the 元数据 rules require).
    ``undated``: no date anywhere — not in the list, the page, a meta tag or the URL (use with
    ``url_style="file"``): the 普查 rule counts such a column as not updated.
    ``titles=()`` makes a blank column (the list says 暂无信息), unless ``page_text`` gives the
    column page paragraphs of its own (a single-page column: 领导信息, a statement that the
    body has no fees) — not blank; ``placeholder=False`` leaves a blank column's page without
    even 暂无信息: only the site's chrome and the column's title.
    """

    key: str
    name: str
    channel_id: int
    list_style: str
    titles: tuple[str, ...]
    newest_age_days: int
    gaps_days: tuple[int, ...] = (7,)
    per_page: int = 0
    url_style: str = "trs"
    dated_pages: bool = True
    undated: bool = False
    metadata_table: bool = False
    encoding: str = "utf-8"
    unit: str = "办公室"
    list_path: str = ""
    menu_group: str = "法定主动公开内容"
    page_text: tuple[str, ...] = ()
    placeholder: bool = True

    @property
    def path(self) -> str:
        """The column's entry URL path (what the side menu links to)."""
        return self.list_path or f"/{self.key}/"

    @property
    def page_count(self) -> int:
        if not self.per_page or not self.titles:
            return 1
        return -(-len(self.titles) // self.per_page)


@dataclass(frozen=True)
class Article:
    """One published item (信息) of a column: an HTML page, or a document for ``file`` columns."""

    column: ColumnSpec
    index: int
    title: str
    published: dt.datetime
    doc_id: int

    @property
    def path(self) -> str:
        day = self.published
        if self.column.url_style == "file":
            return f"/{self.column.key}/{self.column.key}_{self.doc_id}.pdf"
        if self.column.url_style == "hanweb":
            return (
                f"/art/{day.year}/{day.month}/{day.day}/"
                f"art_{self.column.channel_id}_{self.doc_id}.html"
            )
        if self.column.url_style == "shtml":
            return f"/{self.column.key}/{day:%Y-%m}/{day:%d}/content_{self.doc_id}.shtml"
        return f"/{self.column.key}/{day:%Y%m}/t{day:%Y%m%d}_{self.doc_id}.html"

    @property
    def is_page(self) -> bool:
        """An HTML article page (else a document the list links directly)."""
        return self.column.url_style != "file"

    @property
    def date_text(self) -> str:
        """The date the list shows beside the item ("" for an undated column)."""
        return "" if self.column.undated else self.published.strftime("%Y-%m-%d")


def make_article(column: ColumnSpec, index: int, title: str, day: dt.date) -> Article:
    """The item at ``index`` of the column's night-1 list, published on ``day``.

    Items published after night 1 (:mod:`xuncha.demo.editions`) take negative indexes (-1, -2…
    in publication order), so each keeps its time of day and a ``doc_id`` no other item has
    (newer items get larger ids, as a CMS numbers them).
    """
    moment = dt.datetime(day.year, day.month, day.day, 8 + (index * 3) % 9, (index * 17) % 60)
    doc_id = column.channel_id * 1000 + len(column.titles) - index
    return Article(column, index, title, moment, doc_id)


def articles_of(column: ColumnSpec) -> list[Article]:
    """The column's items, newest first, dated backwards from DEMO_AS_OF by the column's gaps."""
    day = DEMO_AS_OF - dt.timedelta(days=column.newest_age_days)
    gaps = cycle(column.gaps_days)
    items = []
    for index, title in enumerate(column.titles):
        if index:
            day -= dt.timedelta(days=next(gaps))
        items.append(make_article(column, index, title, day))
    return items
