"""The unseen portal's three nights (整改复查): what its webmaster changes, night by night.

Night 1 (:data:`AS_OF`) is the site as published, exactly as the answer key says; night 2, a
week later, is the rectification (:data:`REVISIONS`, :data:`LATER`, :data:`LATER_FILES`: five
defects of five kinds fixed, one new broken 附件; the 暗链, the 外链变质 and the incomplete
办事指南 are left as they were, and the outside hosts serve the same pages every night); night
3, a week after that, restores one fixed page from a backup (回潮). Every column keeps its
freshness state across the nights (publishing where needed), so the planted changes are the
only differences.
:func:`edition` is the site of one night, built once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from html import escape

from .answer_key import (
    CONTENT_EXPECTED,
    CONTENT_NEGATIVES,
    DOWNLOAD,
    NEGATIVES,
    PLANTED,
    Expected,
    Lookalike,
    Planted,
    Where,
)
from .catalog import COLUMNS, FILES
from .model import AS_OF, Article, Column

NIGHTS: dict[int, date] = {1: AS_OF, 2: AS_OF + timedelta(days=7), 3: AS_OF + timedelta(days=14)}
"""Each night's inspection date: as published (the answer key above), after the rectification
(整改), and 回潮 (one fix undone). Served by ``UnseenPortal(night=…)``."""
RECTIFIED, ONLY_NIGHT_2, ONLY_NIGHT_3 = frozenset({2, 3}), frozenset({2}), frozenset({3})


@dataclass(frozen=True)
class Later:
    """An item published after night 1 (numbered from 5901), online on ``nights``, with
    ``html`` in its text."""

    article: Article
    nights: frozenset[int]
    why: str
    html: str = ""


@dataclass(frozen=True)
class Revision:
    """On ``nights``, the ``old`` HTML planted in article ``where`` reads ``new``."""

    where: Where
    old: str
    new: str
    nights: frozenset[int]
    why: str


def _planted(subtype: str) -> Planted:
    return next(p for p in PLANTED if p.subtype == subtype)


def _expected(check: str, subtype: str) -> Expected:
    return next(e for e in CONTENT_EXPECTED if (e.check, e.subtype) == (check, subtype))


RESTORED_PDF = _planted("http_404").href
NEW_ATTACHMENT = DOWNLOAD + "2610151432567.xls"
"""Night 2's new defect: a new 通知公告 links an attachment the download module cannot find."""
ROSTER = "/attach/0/2610161108235.docx"
_MOBILE, _MISWRITING = _expected("privacy_leak", "mobile"), _expected("wording_error", "miswriting")
_PLACEHOLDER = _planted("javascript_placeholder")  # a 错链, written as is whatever the base

LATER: tuple[Later, ...] = (
    Later(Article("col1201", 5901, "关于开展2026年秋冬季安全生产大检查的通知", date(2026, 10, 15)),
          RECTIFIED, "the new defect: its 附件 was never uploaded (downfile.jsp answers 404)",
          f'<p><a href="{escape(NEW_ATTACHMENT)}">附件：秋冬季安全生产隐患排查台账.xls</a></p>'),
    Later(Article("col1207", 5902, "清溪县国民经济和社会发展第十五个五年规划纲要",
                  date(2026, 10, 14)), RECTIFIED, "规划计划 gets its first item (空白栏目 fixed)"),
    Later(Article("col1205", 5903, "县第二人民医院救护车采购项目中标结果公告", date(2026, 10, 22)),
          ONLY_NIGHT_3, "政府采购 keeps publishing: the home page's newest item stays 2 days old"),
)  # fmt: skip
REVISIONS: tuple[Revision, ...] = (
    Revision(_PLACEHOLDER.where, _PLACEHOLDER.html(""),
             f'<p><a href="{ROSTER}">下载</a></p>', RECTIFIED,
             "下载 points at the uploaded roster instead of javascript:;"),
    Revision(_MOBILE.where, _MOBILE.html, _MOBILE.html.replace("13857912346", "138****2346"),
             ONLY_NIGHT_2, "the mobile is masked; night 3 restores the page from an old backup"),
    Revision(_MISWRITING.where, _MISWRITING.html, _MISWRITING.html.replace("布署", "部署"),
             RECTIFIED, "工作布署 corrected to 工作部署"),
)  # fmt: skip
LATER_FILES: dict[str, tuple[frozenset[int], tuple[str, bytes]]] = {
    "download:" + RESTORED_PDF.rsplit("=", 1)[1]: (
        RECTIFIED,
        ("application/pdf", b"%PDF-1.4\n" * 30),
    ),
    ROSTER: (RECTIFIED, ("application/octet-stream", b"PK\x03\x04docx" * 40)),
}
"""Files uploaded after night 1: the 404 森林防火 attachment restored, the roster 下载 links."""


def _with_items(column: Column, items: list[Article]) -> Column:
    """The column with later items first (newest first); an empty column, given items, is
    listed like 通知公告."""
    if not items:
        return column
    articles = tuple(sorted(items, key=lambda a: a.day, reverse=True)) + column.articles
    style = "ul" if column.style == "empty" else column.style
    return replace(column, articles=articles, style=style)


class Edition:
    """The portal as published on one night: its columns, articles, files and texts. Night-1
    articles keep their number and address; ``where`` keeps naming night 1's order."""

    def __init__(self, night: int = 1) -> None:
        if night not in NIGHTS:
            raise ValueError(f"no night {night} (one of {sorted(NIGHTS)})")
        self.night = night
        later = [item.article for item in LATER if night in item.nights]
        self.columns = {
            key: _with_items(column, [a for a in later if a.column == key])
            for key, column in COLUMNS.items()
        }
        self.articles = {a.path: a for c in self.columns.values() for a in c.articles}
        self.files = dict(FILES)
        self.files.update({p: f for p, (nights, f) in LATER_FILES.items() if night in nights})

    def extras(self, article: Article, base: str) -> list[str]:
        """The HTML planted in the article's text this night (answer keys, look-alikes), its
        outside links on the port of ``base``."""
        for item in LATER:
            if item.article == article:
                return [item.html] if item.html else []
        column = COLUMNS[article.column]
        where = (column.key, column.articles.index(article))
        extras = [p.html(base) for p in PLANTED if p.where == where]
        extras += [n.html() for n in NEGATIVES if n.where == where]
        content: list[Expected | Lookalike] = [*CONTENT_NEGATIVES, *CONTENT_EXPECTED]
        extras += [c.html for c in content if c.html and c.where == where]
        for revision in REVISIONS:
            if revision.where == where and self.night in revision.nights:
                extras = [revision.new if html == revision.old else html for html in extras]
        return extras


@cache
def edition(night: int) -> Edition:
    return Edition(night)
