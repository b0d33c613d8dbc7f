"""The three nights of the demo portal (整改复查): what the webmaster changed, night by night.

A real rectification is checked by inspecting the same site again, with the same database, so
the demo portal can serve three editions of itself (:class:`Edition`, chosen with
``DemoPortal(night=…)`` or :meth:`~xuncha.demo.server.DemoPortal.set_night`):

- **night 1** (:data:`DEMO_AS_OF`): the site as published, every planted defect in place;
- **night 2** (a week later): after the rectification (整改) — 12 of the 43 defects fixed,
  across kinds and across the ways a webmaster fixes things (a deleted file put back, a link
  removed or pointed at a real attachment, a number masked, a word corrected, an item
  published), and **one new defect**: a broken attachment link on a new 工作动态 article; the
  plants of issue 11 (互动交流, 暗链, 外链变质, 办事指南) stay as they were;
- **night 3** (two weeks later): as night 2, except that the deleted 2020 document is deleted
  again, so its broken link comes back (回潮, a finding to reopen).

Dates. Every night-1 item keeps its date, and each night is inspected on its own ``as_of``
(:data:`DEMO_NIGHTS`). Going two weeks forward moves every column's age, so the nights were
chosen for it: each column stays in the same freshness state, except 工作动态 (a 14-day 动态
column that would warn after 7 days), where the webmaster keeps publishing — one item before
each later night, so it stays fresh. 规划计划 (350 days on night 1) is still about to go stale on
night 3 (364 of 365). The portal's certificate is unchanged: its expiry is measured at the
crawl's wall-clock moment, not at ``as_of``.

Items published after night 1 take negative indexes (-1, -2… in publication order, see
:func:`~xuncha.demo.model.make_article`), so every night-1 item keeps its index, address,
embeds and text. Which findings each night must report is in :mod:`xuncha.demo.nights`,
written by hand; ``tests/demo/test_demo_nights.py`` checks the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from math import ceil

from xuncha.demo.model import DEMO_AS_OF, Article, ColumnSpec, articles_of, make_article
from xuncha.demo.placements import (
    BUS_WIDGET_PATH,
    LINE_MAP_PATH,
    PARTNER,
    PARTNER_HTTP,
    Embed,
    embeds_of,
)
from xuncha.demo.texts import body_of

DEMO_NIGHTS: dict[int, dt.date] = {
    1: DEMO_AS_OF,
    2: DEMO_AS_OF + dt.timedelta(days=7),
    3: DEMO_AS_OF + dt.timedelta(days=14),
}
"""Each night's inspection date (``as_of``): as published, after the rectification, 回潮."""

RECTIFIED = frozenset({2, 3})
ONLY_NIGHT_2 = frozenset({2})
ONLY_NIGHT_3 = frozenset({3})


def _days_before(night: int, days: int) -> dt.date:
    return DEMO_NIGHTS[night] - dt.timedelta(days=days)


def _link(href: str, text: str, file: str | None = None) -> Embed:
    return Embed("link", href, text, file)


@dataclass(frozen=True)
class LaterItem:
    """An item published after night 1, online on ``nights``; ``index`` is negative."""

    column: str
    index: int
    title: str
    published: dt.date
    nights: frozenset[int]
    embeds: tuple[Embed, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Revision:
    """A night-1 article as edited for ``nights``: new embeds and/or new planted paragraphs
    (``None``: as on night 1)."""

    nights: frozenset[int]
    why: str
    embeds: tuple[Embed, ...] | None = None
    paragraphs: tuple[str, ...] | None = None


NEW_ATTACHMENT_HREF = "./P020261125395012345681.xls"
"""The new defect of night 2: the 工作动态 article links an attachment never uploaded."""

LATER_ITEMS: tuple[LaterItem, ...] = (
    LaterItem(
        "gzdt",
        -1,
        "市交通运输局部署冬季道路运输安全隐患排查工作",
        _days_before(2, 2),
        RECTIFIED,
        (_link(NEW_ATTACHMENT_HREF, "附件：冬季道路运输安全隐患排查表.xls"),),
        why="工作动态 keeps publishing; this item brings night 2's new broken link",
    ),
    LaterItem(
        "gzdt",
        -2,
        "市交通运输局开展冬季农村客运安全专项检查",
        _days_before(3, 2),
        ONLY_NIGHT_3,
        why="工作动态 keeps publishing (14-day window, warning after 7)",
    ),
    LaterItem(
        "gsgg",
        -1,
        "关于注销2026年第四批道路运输从业人员从业资格的公告",
        _days_before(2, 3),
        RECTIFIED,
        why="公示公告 updated: no longer stale (栏目不更新 fixed)",
    ),
    LaterItem(
        "zfcg",
        -1,
        "辽源市交通运输局2026年度办公设备采购项目成交结果公告",
        _days_before(2, 4),
        RECTIFIED,
        why="政府采购 gets its first item: no longer blank (空白栏目 fixed)",
    ),
    LaterItem(
        "czyjs",
        -1,
        "辽源市交通运输局2025年度部门决算公开",
        _days_before(2, 1),
        RECTIFIED,
        why="the overdue 2025 部门决算 is published (法定公开内容 fixed, late)",
    ),
)

REVISIONS: dict[tuple[str, int], Revision] = {
    ("gzdt", 1): Revision(
        RECTIFIED,
        "the missing photo is uploaded (same page, the image now loads)",
        embeds=(Embed("image", "./W020261116388512367412.jpg", "检查现场", "gif"),),
    ),
    ("tzgg", 1): Revision(
        RECTIFIED,
        "下载附件 links a real attachment instead of javascript:void(0)",
        embeds=(
            _link("./P020261113402356789012.docx", "下载附件", "assessment_docx"),
            _link("", "附件"),
            _link("#", "详见"),
        ),
    ),
    ("tzgg", 2): Revision(RECTIFIED, "the dead 原通知 link (soft 404) is removed", embeds=()),
    ("czyjs", 3): Revision(
        RECTIFIED,
        "the D:\\ path becomes an uploaded attachment",
        embeds=(_link("./P020260328395612345681.xls", "预算.xls", "xls"),),
    ),
    ("gzdt", 4): Revision(
        RECTIFIED,
        "the partner's widget script is loaded over https (the http image stays)",
        embeds=(
            Embed("image", PARTNER_HTTP + LINE_MAP_PATH, "新开通公交线路示意图"),
            Embed("script", PARTNER + BUS_WIDGET_PATH),
            _link(PARTNER_HTTP + "/", "辽源市公共交通服务平台"),
        ),
    ),
    ("rsxx", 1): Revision(
        RECTIFIED,
        "the candidate's ID number is masked",
        paragraphs=(
            "因面试时间调整，请考生王某某（身份证号码：2204**********1231）于面试当日"
            "8时前到指定地点报到。",
        ),
    ),
    ("tzgg", 8): Revision(
        RECTIFIED,
        "the driver's mobile number is masked",
        paragraphs=("考核合格驾驶员：陈某某，联系电话139****9876。",),
    ),
    ("tzgg", 4): Revision(
        RECTIFIED,
        "the country's name is corrected (the 通知.doc file link stays)",
        paragraphs=("检查依据《中华人民共和国安全生产法》和有关规定开展。",),
    ),
}

REPUBLISHED_ON_PORTAL: dict[str, tuple[frozenset[int], str]] = {
    "/zwgk/zcwj/202001/t20200101_1.html": (
        ONLY_NIGHT_2,
        "辽源市交通运输局关于规范农村公路养护管理的通知（2020年版）",
    ),
}
"""Pages of the portal host (jtj) and the nights they are online: the deleted 2020 document
linked as 原文件 is put back for night 2 and deleted again for night 3 (its 404 comes back)."""


class Edition:
    """The demo portal as published on one night: its items, their embeds and texts."""

    def __init__(self, night: int = 1) -> None:
        if night not in DEMO_NIGHTS:
            raise ValueError(f"no demo night {night} (one of {sorted(DEMO_NIGHTS)})")
        self.night = night
        self.as_of = DEMO_NIGHTS[night]

    def _online(self, nights: frozenset[int]) -> bool:
        return self.night in nights

    def articles(self, spec: ColumnSpec) -> list[Article]:
        """The column's items on this night, newest first: later items, then night 1's."""
        later = [
            make_article(spec, item.index, item.title, item.published)
            for item in LATER_ITEMS
            if item.column == spec.key and self._online(item.nights)
        ]
        later.sort(key=lambda item: item.published, reverse=True)
        return later + articles_of(spec)

    def page_count(self, spec: ColumnSpec) -> int:
        """How many list pages the column has on this night."""
        count = len(self.articles(spec))
        return ceil(count / spec.per_page) if spec.per_page and count else 1

    def embeds(self, item: Article) -> tuple[Embed, ...]:
        key = (item.column.key, item.index)
        for later in LATER_ITEMS:
            if (later.column, later.index) == key:
                return later.embeds
        revision = REVISIONS.get(key)
        if revision is not None and revision.embeds is not None and self._online(revision.nights):
            return revision.embeds
        return embeds_of(*key)

    def body(self, item: Article) -> list[str]:
        """The article's paragraphs on this night (night 1's unless revised)."""
        revision = REVISIONS.get((item.column.key, item.index))
        if revision is None or revision.paragraphs is None or not self._online(revision.nights):
            return body_of(item)
        return body_of(item, revision.paragraphs)

    def portal_pages(self) -> dict[str, str]:
        """Extra pages of the portal host online this night: path -> title."""
        return {
            path: title
            for path, (nights, title) in REPUBLISHED_ON_PORTAL.items()
            if self._online(nights)
        }
