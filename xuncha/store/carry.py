"""Carrying a previous run's rows forward (增量巡查): what tonight's crawl did not fetch again
stands as the last complete run saw it, copied in SQL (``INSERT … SELECT``), so the checks judge
the whole site and open findings are reported in full."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, exists, func, insert, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from xuncha.store.models import (
    Base,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    SiteSearch,
    table_of,
)
from xuncha.store.prior import STRUCTURAL_ROLES


def _copy(model: type[Base], run_id: int, where: ColumnElement[bool]) -> Insert:
    """INSERT INTO model (…, run_id) SELECT …, :run_id FROM model WHERE …"""
    table = table_of(model)
    names = [c.name for c in table.columns if c.name not in ("id", "run_id")]
    source = select(*[table.c[n] for n in names], literal(run_id)).where(where)
    return insert(table).from_select([*names, "run_id"], source)


def carry_pages(session: Session, run_id: int, prior_run_id: int, urls: list[str]) -> int:
    """Carry the named pages (answered 304 tonight) with their links, list items and texts."""
    carried = 0
    for start in range(0, len(urls), 500):
        chunk = urls[start:start + 500]  # fmt: skip
        carried += _carry(session, run_id, prior_run_id, Page.url.in_(chunk))
    return carried


def _carry(session: Session, run_id: int, prior_run_id: int, chosen: ColumnElement[bool]) -> int:
    """Carry the prior run's pages matching `chosen` that tonight's run does not hold yet."""
    tonight = Page.__table__.alias("tonight")
    missing = ~exists().where(and_(tonight.c.run_id == run_id, tonight.c.url == Page.url))
    urls = list(
        session.scalars(select(Page.url).where(Page.run_id == prior_run_id, chosen, missing))
    )
    for start in range(0, len(urls), 500):
        chunk = urls[start:start + 500]  # fmt: skip
        session.execute(_copy(Page, run_id, and_(Page.run_id == prior_run_id,
                                                 Page.url.in_(chunk))))  # fmt: skip
        session.execute(_copy(LinkOccurrence, run_id, and_(
            LinkOccurrence.run_id == prior_run_id, LinkOccurrence.page.in_(chunk))))  # fmt: skip
        session.execute(_copy(ListItem, run_id, and_(
            ListItem.run_id == prior_run_id, ListItem.list_page.in_(chunk))))  # fmt: skip
        session.execute(_copy(PageText, run_id, and_(
            PageText.run_id == prior_run_id, PageText.url.in_(chunk))))  # fmt: skip
    return len(urls)


def carry_forward(session: Session, run_id: int, prior_run_id: int) -> dict[str, int]:
    """After tonight's crawl: carry every page of the last run that tonight's pages still list
    or link but that was not fetched again, then the link-check results of every target that is
    linked tonight and was not checked again. Structural pages are never carried this way: they
    were all revalidated, and one that was not answered is gone."""
    listed = exists().where(and_(ListItem.run_id == run_id, ListItem.url == Page.url))
    linked = exists().where(and_(LinkOccurrence.run_id == run_id,
                                 LinkOccurrence.target == Page.url))  # fmt: skip
    chosen = and_(Page.role.not_in(STRUCTURAL_ROLES), listed | linked)
    pages = 0
    while True:  # a carried page's links may reach a page only it links
        carried = _carry(session, run_id, prior_run_id, chosen)
        pages += carried
        if not carried:
            break
    tonight = LinkCheck.__table__.alias("tonight")
    unchecked = ~exists().where(and_(tonight.c.run_id == run_id,
                                     tonight.c.target == LinkCheck.target))  # fmt: skip
    used = exists().where(and_(LinkOccurrence.run_id == run_id,
                               LinkOccurrence.target == LinkCheck.target))  # fmt: skip
    # Session.execute is typed to return a Result; an INSERT's result is a CursorResult.
    checks = cast(
        CursorResult[Any],
        session.execute(
            _copy(
                LinkCheck,
                run_id,
                and_(LinkCheck.run_id == prior_run_id, LinkCheck.probe.is_(False), unchecked, used),
            )  # fmt: skip
        ),
    ).rowcount
    searched = session.scalar(select(SiteSearch.id).where(SiteSearch.run_id == run_id).limit(1))
    if searched is None:  # the home page was unchanged: last run's search result stands
        session.execute(_copy(SiteSearch, run_id, SiteSearch.run_id == prior_run_id))
    return {"pages": pages, "link_checks": max(checks or 0, 0)}


def stored_pages(session: Session, run_id: int) -> int:
    """Pages the run holds, fetched tonight or carried forward."""
    return session.scalar(select(func.count(Page.id)).where(Page.run_id == run_id)) or 0
