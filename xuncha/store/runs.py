"""Reading runs back for the reports: the latest that ended, the one before a run, which
column each page a run crawled belongs to, what the home page called the site, and the
home-page probes of a window."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xuncha.store.models import Column, Page, Probe, Run

# A run not ended yet: crawling, or judging its crawl (检查中). Every other status is an end.
LIVE_STATUSES = ("running", "judging")


def latest_ended_run(session: Session, site_id: int) -> Run | None:
    """The site's newest run that has ended (not crawling, not judging)."""
    return session.scalar(
        select(Run)
        .where(Run.site_id == site_id, Run.status.not_in(LIVE_STATUSES))
        .order_by(Run.id.desc())
        .limit(1)
    )


def previous_ended_run(session: Session, run: Run) -> Run | None:
    """The site's last run before `run` that has ended."""
    return session.scalar(
        select(Run)
        .where(Run.site_id == run.site_id, Run.id < run.id, Run.status.not_in(LIVE_STATUSES))
        .order_by(Run.id.desc())
        .limit(1)
    )


def home_site_name(session: Session, run_id: int) -> str | None:
    """The site's name as the run's home page gave it (``meta["site_name"]``), if any."""
    for meta in session.scalars(
        select(Page.meta).where(Page.run_id == run_id, Page.role == "home").order_by(Page.id)
    ):
        name = (meta or {}).get("site_name")
        if name:
            return str(name)
    return None


def columns_of_pages(session: Session, run: Run) -> dict[str, str]:
    """{page URL: column name} of what the run crawled (栏目 of each article); a column's own
    list page belongs to the column."""
    names = {
        url.rstrip("/"): name
        for url, name in session.execute(
            select(Column.url, Column.name).where(Column.run_id == run.id)
        )
    }
    pages: dict[str, str] = {}
    for url, column_url in session.execute(
        select(Page.url, Page.column_url).where(Page.run_id == run.id, Page.column_url.is_not(None))
    ):
        name = names.get((column_url or "").rstrip("/"))
        if name:
            pages[url] = name
    for url, name in names.items():
        pages.setdefault(url, name)
    return pages


TITLE_BATCH = 500  # page URLs asked for in one query


def titles_of_pages(session: Session, run: Run, urls: Iterable[str]) -> dict[str, str]:
    """{page URL: its title} for those of `urls` the run crawled with a title: the pages the
    run's findings name, so a report names a page by its title."""
    wanted = sorted({url for url in urls if url})
    titles: dict[str, str] = {}
    for start in range(0, len(wanted), TITLE_BATCH):
        batch = wanted[start : start + TITLE_BATCH]
        query = select(Page.url, Page.title).where(Page.run_id == run.id, Page.url.in_(batch))
        titles.update(
            (url, title.strip()) for url, title in session.execute(query) if title and title.strip()
        )
    return titles


def probe_counts(
    session: Session, site_id: int, until: datetime, days: int
) -> tuple[datetime, int, int]:
    """(since, tries, failures) of the site's home-page probes in the `days` up to `until`."""
    since = until - timedelta(days=days)
    tries, failures = session.execute(
        select(func.count(Probe.id), func.count(Probe.id).filter(Probe.ok.is_(False))).where(
            Probe.site_id == site_id, Probe.at > since, Probe.at <= until
        )
    ).one()
    return since, tries, failures
