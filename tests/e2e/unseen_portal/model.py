"""What a 栏目 and its items (信息) are on the unseen portal: :class:`Column`, :class:`Article`.

Addresses follow Hanweb JCMS: a column is ``/col/colNNNN/index.html`` and its further list
pages ``index.html?uid=…&pageNum=N`` (``index_N.html`` for the table style, whose pager is a
script); an article is ``/art/Y/M/D/art_NNNN_ID.html``, outside the column's folder. The
columns themselves are data, in :mod:`unseen_portal.catalog`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    style: str  # ul | table | p | empty | page (a page of text, no list) | bare (nothing)
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
