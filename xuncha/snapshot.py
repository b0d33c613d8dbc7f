"""Loading one run's crawl rows as the immutable `CrawlData` the checks read."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks.config import ScoringConfig
from checks.model import (
    AvailabilityView,
    CertificateView,
    CheckView,
    ColumnView,
    CrawlData,
    LinkView,
    ListItemView,
    PageView,
    SearchView,
)
from xuncha.store import (
    Certificate,
    Column,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Probe,
    Run,
    SiteSearch,
)


def _aware(value):  # type: ignore[no-untyped-def]
    """SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _page_view(page: Page, item_column: dict[str, str]) -> PageView:
    """A page first reached by a plain link inside a section (say, a 最新公开 block) is still
    the article of the column that lists it."""
    role, column = page.role, page.column_url
    if role == "page" and page.url in item_column:
        role, column = "article", item_column[page.url]
    return PageView(page.url, page.final_url, role, page.status, page.title, column,
                    page.pub_date, page.date_source, page.meta or {})  # fmt: skip


def load_availability(session: Session, run: Run, config: ScoringConfig) -> AvailabilityView | None:
    """The site's home-page probes of the `availability_days` up to the end of the run (the
    run report counts the same window), or None when fewer than the minimum were recorded."""
    until = _aware(run.finished_at or run.started_at)
    since = until - timedelta(days=config.availability_days)
    tries, failures = session.execute(
        select(func.count(Probe.id), func.count(Probe.id).filter(Probe.ok.is_(False))).where(
            Probe.site_id == run.site_id, Probe.at > since, Probe.at <= until
        )
    ).one()
    if tries < max(1, config.availability_min_tries):
        # Too few probes to judge (the probe cron stopped?): no verdict either way, so an
        # availability finding is neither raised nor closed by this run.
        return None
    return AvailabilityView(tries=tries, failures=failures, since=since, until=until)


def load_crawl(session: Session, run: Run, profile) -> CrawlData:  # type: ignore[no-untyped-def]
    run_id = run.id
    item_column = {
        url: column_url
        for url, column_url in session.execute(
            select(ListItem.url, ListItem.column_url).where(ListItem.run_id == run_id)
        )
    }
    pages = tuple(_page_view(p, item_column) for p in session.scalars(
        select(Page).where(Page.run_id == run_id).order_by(Page.id)
    ))  # fmt: skip
    columns = tuple(
        ColumnView(c.url, c.name, c.kind, c.unit, c.source, c.items, c.newest, c.list_pages)
        for c in session.scalars(select(Column).where(Column.run_id == run_id).order_by(Column.id))
    )
    items = tuple(
        ListItemView(i.column_url, i.url, i.title, i.list_date)
        for i in session.scalars(
            select(ListItem).where(ListItem.run_id == run_id).order_by(ListItem.id)
        )
    )
    links = tuple(
        LinkView(link.page, link.target, link.raw, link.tag, link.attr, link.kind, link.text)
        for link in session.scalars(
            select(LinkOccurrence)
            .where(LinkOccurrence.run_id == run_id)
            .order_by(LinkOccurrence.id)
        )
    )
    checks = {
        c.target: CheckView(c.target, c.method, c.status, c.error, c.error_detail, c.final_url,
                            tuple(c.redirects or ()), c.content_type, c.title, c.text_sample,
                            c.content_hash, c.probe)
        for c in session.scalars(
            select(LinkCheck).where(LinkCheck.run_id == run_id).order_by(LinkCheck.id)
        )
    }  # fmt: skip
    certificates = tuple(
        CertificateView(c.host, c.port, c.trusted, c.hostname_ok, c.verify_error,
                        _aware(c.not_after), c.subject, c.issuer)
        for c in session.scalars(
            select(Certificate).where(Certificate.run_id == run_id).order_by(Certificate.id)
        )
    )  # fmt: skip
    texts = {
        t.url: t.text for t in session.scalars(select(PageText).where(PageText.run_id == run_id))
    }
    search_row = session.scalar(
        select(SiteSearch).where(SiteSearch.run_id == run_id).order_by(SiteSearch.id)
    )
    search = (
        SearchView(search_row.form_found, search_row.action, search_row.query, search_row.status,
                   search_row.error, search_row.result_links)
        if search_row is not None
        else None
    )  # fmt: skip
    unreachable = (run.stats or {}).get("unreachable")
    return CrawlData(
        site_name=profile.display_name,
        start_urls=tuple(profile.start_urls),
        scope_domains=tuple(profile.scope_domains),
        checked_at=_aware(run.started_at),
        unreachable=unreachable,
        pages=pages,
        columns=columns,
        list_items=items,
        links=links,
        link_checks=checks,
        certificates=certificates,
        texts=texts,
        search=search,
        availability=load_availability(session, run, profile.checks.scoring),
    )
