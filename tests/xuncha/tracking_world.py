"""A small world for tracking tests: one or two sites, runs made by hand, and crawl data built
from plain values — what `record_findings` reads, without a crawl."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.model import (
    CertificateView,
    CheckView,
    ColumnView,
    CrawlData,
    PageView,
)
from checks.model import Finding as CheckFinding
from xuncha.store import Finding, FindingEvent, Run, Site, Store
from xuncha.tracking import fingerprint, record_findings

ROOT = "https://jtj.example.gov.cn/"
HOME = ROOT
ARTICLE = ROOT + "zwgk/tzgg/t20261001_1.html"
OTHER = ROOT + "zwgk/tzgg/t20261002_2.html"
COLUMN = ROOT + "zwgk/tzgg/"
ATTACHMENT = ROOT + "files/名单.xlsx"
TARGET = ROOT + "files/old.pdf"
INTRANET = "http://10.1.2.3/oa/"
HTTP_IMAGE = "http://img.example.gov.cn/a.png"
DAY = date(2026, 11, 2)  # a Monday


def page(url: str, role: str = "article", column: str | None = COLUMN) -> PageView:
    return PageView(url, url, role, 200, "t", column, None, None, {})


def check(target: str, status: int | None = 200, error: str | None = None) -> CheckView:
    return CheckView(target, "GET", status, error, None, target, (), "text/html", None, None,
                     None, False)  # fmt: skip


def column(url: str = COLUMN, name: str = "通知公告", unit: str | None = "办公室",
           list_pages: int = 1, items: int = 5) -> ColumnView:  # fmt: skip
    return ColumnView(url, name, "通知公告", unit, "profile", items, None, list_pages)


def certificate(host: str = "jtj.example.gov.cn", port: int = 443) -> CertificateView:
    return CertificateView(host, port, True, True, None, None)


def crawl(
    pages: tuple[PageView, ...] = (),
    columns: tuple[ColumnView, ...] = (),
    checks: tuple[CheckView, ...] = (),
    certificates: tuple[CertificateView, ...] = (),
    texts: dict[str, str] | None = None,
) -> CrawlData:
    return CrawlData(
        site_name="辽源市交通运输局",
        start_urls=(ROOT,),
        scope_domains=("example.gov.cn",),
        checked_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC),
        pages=pages,
        columns=columns,
        link_checks={c.target: c for c in checks},
        certificates=certificates,
        texts=texts or {},
    )


NOTHING = crawl()


def finding(check_id: str, subtype: str, url: str, key: str | None = None, **fields: Any):
    fields.setdefault("page", url)
    fields.setdefault("pages", (fields["page"],))
    return CheckFinding(check=check_id, subtype=subtype, severity=fields.pop("severity", "high"),
                        url=url, key=key or url, **fields)  # fmt: skip


BROKEN = finding("broken_link", "http_404", TARGET, page=ARTICLE, evidence={"status": 404})
WORDING = finding("wording_error", "miswriting", ARTICLE, key=f"{ARTICLE}|辽源市交通局")
IDENTITY = finding("site_identity", "meta_tags", ROOT, key="meta_tags")


class World:
    """One site in a store; `run()` makes a run and applies findings to it."""

    def __init__(self, store: Store, name: str = "辽源市交通运输局", start_url: str = ROOT):
        self.store = store
        with store.session() as s, s.begin():
            site = Site(key=start_url.rstrip("/").lower(), name=name, start_url=start_url)
            s.add(site)
            s.flush()
            self.site_id = site.id
        self.day = DAY

    @classmethod
    def attach(cls, store: Store, site_id: int) -> World:
        """The world of a site already in the store."""
        world = cls.__new__(cls)
        world.store, world.site_id, world.day = store, site_id, DAY
        return world

    def run(
        self,
        found: list[CheckFinding],
        data: CrawlData = NOTHING,
        *,
        status: str = "finished",
        complete: bool = True,
        profile: dict[str, Any] | None = None,
        as_of: date | None = None,
    ) -> int:
        """One run, a day after the previous one; returns its id."""
        as_of = as_of or self.day
        self.day = as_of + timedelta(days=1)
        with self.store.session() as s, s.begin():
            run = Run(
                site_id=self.site_id,
                started_at=datetime.now(UTC),
                as_of=as_of,
                status=status,
                complete=complete,
                profile=profile or {},
                stats={},
            )
            s.add(run)
            s.flush()
            self.raised = record_findings(s, run, found, data)
            # What the session still holds of the findings once they are recorded: nothing.
            self.held = [
                o for o in s.identity_map.values() if isinstance(o, Finding | FindingEvent)
            ]
            return run.id

    def row(self, item: CheckFinding) -> Finding:
        with self.store.session() as s:
            return s.scalars(
                select(Finding).where(
                    Finding.site_id == self.site_id, Finding.fingerprint == fingerprint(item)
                )
            ).one()

    def events(self, item: CheckFinding) -> list[FindingEvent]:
        with self.store.session() as s:
            row = s.scalars(
                select(Finding).where(
                    Finding.site_id == self.site_id, Finding.fingerprint == fingerprint(item)
                )
            ).one()
            return list(
                s.scalars(
                    select(FindingEvent)
                    .where(FindingEvent.finding_id == row.id)
                    .order_by(FindingEvent.id)
                )
            )

    def act(self, action, item: CheckFinding, **kwargs: Any) -> Finding:
        """A manual action (tracking.waive, …) on the finding, in its own transaction."""
        with self.store.session() as s, s.begin():
            return action(s, fingerprint(item), actor=kwargs.pop("actor", "李四"), **kwargs)


def all_events(session: Session) -> list[tuple[int, str]]:
    return [
        (e.id, e.action) for e in session.scalars(select(FindingEvent).order_by(FindingEvent.id))
    ]
