"""The schema: sites, runs, and what each run saw (pages, columns, list items, links, checks).

Crawl rows belong to one run and may be pruned later; findings and their events belong to the
site and are never deleted (整改台账 history must stay true). Every change of this module goes
with an Alembic migration in ``xuncha/migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from xuncha.store.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """The model's table as a :class:`~sqlalchemy.Table` (``Model.__table__`` is typed as any
    FromClause): every model of this schema maps one table, registered under its name."""
    return Base.metadata.tables[model.__tablename__]


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)  # first start URL, normalised
    name: Mapped[str] = mapped_column(String(200))
    start_url: Mapped[str] = mapped_column(String(2000))
    runs: Mapped[list[Run]] = relationship(back_populates="site")


class Run(Base):
    """One inspection of one site. `complete` is true only when every queued request finished."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    as_of: Mapped[date] = mapped_column(Date)
    # running | judging (检查中: crawl stored, findings not yet) | finished | failed | interrupted
    status: Mapped[str] = mapped_column(String(20))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    links_checked: Mapped[int] = mapped_column(Integer, default=0)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # 保留: when retention deleted this run's crawl rows (xuncha/store/retention.py). The row, its
    # score and stats stay for the history and the trend; readers of crawl rows say so.
    pruned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    site: Mapped[Site] = relationship(back_populates="runs")


class Page(Base):
    """A fetched page or document, with what an incremental run needs next time."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("run_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(
        String(20)
    )  # home | section | list | article | page | attachment
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(40))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    elapsed: Mapped[float | None] = mapped_column(Float)
    title: Mapped[str | None] = mapped_column(Text)
    column_url: Mapped[str | None] = mapped_column(Text)
    pub_date: Mapped[date | None] = mapped_column(Date)
    date_source: Mapped[str | None] = mapped_column(String(10))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Column(Base):
    """A disclosure column (栏目) as walked in one run."""

    __tablename__ = "columns"
    __table_args__ = (UniqueConstraint("run_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(40))
    unit: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))  # profile | navigation | list
    list_pages: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    newest: Mapped[date | None] = mapped_column(Date)


class ListItem(Base):
    """An entry of a column list: title, URL and the date shown in the list."""

    __tablename__ = "list_items"
    # (run, url): is a page still listed tonight (增量巡查 carries it forward); (run, list_page):
    # the entries of an unchanged list page.
    __table_args__ = (
        Index("ix_list_items_run_url", "run_id", "url"),
        Index("ix_list_items_run_list_page", "run_id", "list_page"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    column_url: Mapped[str] = mapped_column(Text)
    list_page: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    list_date: Mapped[date | None] = mapped_column(Date)


class LinkOccurrence(Base):
    """One link or resource as written on one page."""

    __tablename__ = "links"
    # (run, target): which pages carry a target; (run, page): a page's links, carried forward
    # from the previous run when the page did not change. Both lead with run_id, which serves
    # the per-run reads and the retention deletes.
    __table_args__ = (
        Index("ix_links_run_target", "run_id", "target"),
        Index("ix_links_run_page", "run_id", "page"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    tag: Mapped[str] = mapped_column(String(20))
    attr: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")


class LinkCheck(Base):
    """The outcome of checking one distinct target once in a run."""

    __tablename__ = "link_checks"
    __table_args__ = (UniqueConstraint("run_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(40))  # dns_error | timeout | ... | None
    error_detail: Mapped[str | None] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    redirects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_type: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    text_sample: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    probe: Mapped[bool] = mapped_column(Boolean, default=False)  # the random-URL soft-404 baseline


class Certificate(Base):
    """The TLS certificate a host presented in a run."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("run_id", "host", "port"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    host: Mapped[str] = mapped_column(String(300))
    port: Mapped[int] = mapped_column(Integer)
    trusted: Mapped[bool] = mapped_column(Boolean)
    hostname_ok: Mapped[bool] = mapped_column(Boolean)
    verify_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    subject: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)


class PageText(Base):
    """The visible text of a crawled page, or the text extracted from an attachment — what the
    content checks (personal data, wording) read."""

    __tablename__ = "page_texts"
    __table_args__ = (UniqueConstraint("run_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))  # html | pdf | docx | xlsx | xls | …
    text: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class SiteSearch(Base):
    """The site search (站内搜索) as tried in a run: the form found and one query's answer."""

    __tablename__ = "site_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    form_found: Mapped[bool] = mapped_column(Boolean)
    action: Mapped[str | None] = mapped_column(Text)
    query: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    result_links: Mapped[int | None] = mapped_column(Integer)
    expected_title: Mapped[str | None] = mapped_column(Text)
    expected_url: Mapped[str | None] = mapped_column(Text)
    expected_date: Mapped[date | None] = mapped_column(Date)
    found_expected: Mapped[bool | None] = mapped_column(Boolean)


class Finding(Base):
    """A defect of a site, identified across runs by its fingerprint (the export's `id`)."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("site_id", "fingerprint"),
        # The workspace's list: its filters' drop-downs (DISTINCT) and its sorts by day.
        Index("ix_findings_check", "check"),
        Index("ix_findings_column", "column"),
        Index("ix_findings_unit", "unit"),
        Index("ix_findings_first_seen", "first_seen"),
        Index("ix_findings_deadline", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(80))
    check: Mapped[str] = mapped_column(String(40))
    subtype: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    page: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    column: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unit: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(
        String(20)
    )  # open | fixed | reopened | waived | false_positive
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    # A unit given by hand is kept across runs; otherwise the profile's column→unit map rules.
    unit_by_hand: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    person: Mapped[str | None] = mapped_column(String(200))  # 责任人
    note: Mapped[str | None] = mapped_column(Text)  # the latest note (备注); every note is an event
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it has its status (豁免理由…)
    # 误报: the digest of the stable evidence when it was marked; a change re-raises it.
    evidence_digest: Mapped[str | None] = mapped_column(String(64))


class FindingEvent(Base):
    """Append-only history of a finding: when, which run or person, what changed and why."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), index=True)
    actor: Mapped[str | None] = mapped_column(String(200))
    # opened | fixed | reopened | changed (runs); assigned | waived | false_positive | note |
    # reopened (people) — see xuncha/tracking/events.py
    action: Mapped[str] = mapped_column(String(40))
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {field: [old, new]}


class Probe(Base):
    """One availability try of a site's home page (`xuncha probe`, run hourly): 站点无法访问 is
    judged over a week of these."""

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probes_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)
    elapsed: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class RunLock(Base):
    """One run per site at a time: the holder's host and pid, so a killed run's lock can be
    recognised and taken over."""

    __tablename__ = "run_locks"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """An account of the workspace (xuncha serve): an admin (管理员), a unit's user (责任单位用户,
    sees and acts on its unit's findings only) or an auditor (审计/督查, reads everything).
    Accounts are disabled, never deleted: the history names who did what."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(200))  # a unit user's 责任单位
    password_hash: Mapped[str] = mapped_column(String(200))
    # A password set by someone else (users add / passwd): to be changed at the first login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Raised by every password change and disable: the sessions signed before it end.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed login, by account name and by client address: logins are refused for a while
    after too many (rate limiting shared by every process serving the workspace)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))  # "name:…" or "addr:…"
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class NoticeDelivery(Base):
    """One digest (整改通知) of one run to one unit over one channel and address: queued, sent,
    retried with back-off, or given up. One row per (run, unit, channel, target): a digest is
    queued once, and a send is claimed before it is made, so it is never sent twice."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (
        UniqueConstraint("run_id", "unit", "channel", "target"),
        Index("ix_notice_deliveries_status_next", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    unit: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))  # email | dingtalk | wecom | feishu
    target: Mapped[str] = mapped_column(String(300))  # an address, or the robot's env name
    # pending | sending (claimed) | sent | failed (will retry) | given_up | unknown (a send was
    # cut off midway: not retried, since it may have arrived)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# A run's crawl rows: written by its crawl (xuncha/store/crawl.py), carried forward by an
# incremental night, deleted by retention (保留) while the run itself stays.
CRAWL_MODELS: tuple[type[Base], ...] = (
    Page,
    PageText,
    Column,
    ListItem,
    LinkOccurrence,
    LinkCheck,
    Certificate,
    SiteSearch,
)
