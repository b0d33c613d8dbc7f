"""The previous complete run as tonight's crawl sees it (增量巡查): which pages and targets are
still fresh, what to revalidate, what to ask again.

A portal of 100,000 pages changes by a few dozen a day. A night after a complete run does not
fetch everything again (the rules are in xuncha/run/incremental.py's docstring): this module is
the view of the previous run those rules read, loaded once when the crawl starts, kept small
(64-bit digests, one string per URL) because a big site's view is a large part of the crawl's
memory.

Rotation is spread over the period by a stable hash of the URL: a target checked on day 0 is due
between ``ttl / 2`` and ``ttl`` later, so the re-verification of a big site is not one night's
thundering herd.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from xuncha.store.models import Column, Finding, LinkCheck, ListItem, Page, Run
from xuncha.store.snapshot import SharedStrings

STRUCTURAL_ROLES = ("home", "section", "list")
# A fixed finding's page is still fetched nightly this long: a fix undone is a 反弹 to catch.
WATCH_FIXED_DAYS = 30
# A finding's pages are watched up to this many (a dead link in a shared footer is on every
# page; the rotation brings the rest). Checks whose pages are a sample, not the subject, watch
# only the finding's own URL.
WATCH_MAX_PAGES = 20
SAMPLED_PAGES = frozenset({"site_identity"})


@dataclass(frozen=True, slots=True)
class PriorPage:
    role: str
    column_url: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    body: int | None  # a 64-bit digest of the page's content hash (`_digest`)


@dataclass(frozen=True, slots=True)
class PriorCheck:
    ok: bool
    method: str | None
    checked_at: datetime


@dataclass
class Prior:
    """What the previous complete run of the site saw, as the crawl of tonight needs it."""

    run_id: int
    now: datetime
    revisit: timedelta
    ttl: timedelta
    pages: dict[str, PriorPage] = field(default_factory=dict)
    entries: dict[str, int] = field(default_factory=dict)  # URL -> digest of (title, date)
    checks: dict[str, PriorCheck] = field(default_factory=dict)
    columns: list[dict[str, Any]] = field(default_factory=list)
    watched: set[str] = field(default_factory=set)  # pages of findings not closed for good

    def page_fresh(self, url: str) -> bool:
        """A page of the last run that need not be fetched tonight (its entry permitting)."""
        page = self.pages.get(url)
        return (
            page is not None
            and page.role not in STRUCTURAL_ROLES
            and url not in self.watched
            and not _due(url, page.fetched_at, self.revisit, self.now)
        )

    def same_body(self, url: str, content_hash: str) -> bool:
        page = self.pages.get(url)
        return page is not None and page.body == _digest(content_hash)

    def check_fresh(self, target: str) -> bool:
        """A link target whose last result stands: a success, not the subject of a finding
        still watched (a repaired link can break again), and not due for re-checking."""
        check = self.checks.get(target)
        return (
            check is not None
            and check.ok
            and target not in self.watched
            and not _due(target, check.checked_at, self.ttl, self.now)
        )

    def entry_changed(self, url: str, title: str, list_date: date | None) -> bool:
        return self.entries.get(url) != _entry_digest(title, list_date)

    def head_found(self) -> set[str]:
        """Hosts (``host[:port]``, lower case) whose HEAD answered a working link last run."""
        return {
            urlsplit(target).netloc.lower()
            for target, check in self.checks.items()
            if check.ok and check.method == "HEAD"
        }

    def validators(self, url: str) -> dict[str, str]:
        """Conditional-request headers for a page of the last run (none for a new one)."""
        page = self.pages.get(url)
        headers: dict[str, str] = {}
        if page is not None and page.etag:
            headers["If-None-Match"] = page.etag
        if page is not None and page.last_modified:
            headers["If-Modified-Since"] = page.last_modified
        return headers

    def recheck(self) -> list[tuple[str, str | None]]:
        """Targets to check again tonight even if no changed page links them: every failure
        and every success past its slot. Pages of the last run are not among them (they are
        revalidated or rotated as pages)."""
        return [
            (target, check.method)
            for target, check in self.checks.items()
            if target not in self.pages and not self.check_fresh(target)
        ]

    def due_pages(self) -> list[tuple[str, PriorPage]]:
        """Pages to fetch again tonight: every structural page, and the rotation's share."""
        return [
            (url, page)
            for url, page in self.pages.items()
            if page.role in STRUCTURAL_ROLES or not self.page_fresh(url)
        ]


def _digest(text: str) -> int:
    """64 bits of `text`: what the prior run's view keeps of a body hash or a list entry (on a
    100,000-page site every byte kept per page is 100 kB of the crawl's memory)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _entry_digest(title: str | None, list_date: date | None) -> int:
    return _digest(f"{title}\x00{list_date.isoformat() if list_date else ''}")


def _fraction(key: str) -> float:
    return _digest(key) / 2**64


def _due(key: str, since: datetime, period: timedelta, now: datetime) -> bool:
    return now - since >= period * (0.5 + 0.5 * _fraction(key))


def load_prior(
    session: Session,
    prior_run_id: int,
    *,
    now: datetime,
    revisit_days: float,
    ttl_days: float,
    as_of: date | None = None,
) -> Prior:
    """`now` times the rotation (fetch times are real); `as_of`, the run's day, dates the
    findings watched (their dates are run days)."""
    prior = Prior(
        prior_run_id,
        now=now,
        revisit=timedelta(days=revisit_days),
        ttl=timedelta(days=ttl_days),
    )
    rows = session.execute(
        select(Page.url, Page.role, Page.column_url, Page.etag, Page.last_modified,
               Page.fetched_at, Page.content_hash, Page.status)
        .where(Page.run_id == prior_run_id)
    )  # fmt: skip
    # One string object per URL and per role across pages, entries, results and watched pages:
    # the database hands out a new one for every row that names it.
    one = SharedStrings()
    for url, role, column_url, etag, last_modified, fetched_at, digest, status in rows:
        if status is not None and status < 400:
            body = _digest(digest) if digest else None
            prior.pages[one(url)] = PriorPage(one(role), one(column_url), etag, last_modified,
                                              fetched_at, body)  # fmt: skip
    for url, title, list_date in session.execute(
        select(ListItem.url, ListItem.title, ListItem.list_date).where(
            ListItem.run_id == prior_run_id
        )
    ):
        prior.entries[one(url)] = _entry_digest(title, list_date)
    for target, status, error, method, checked_at, probe in session.execute(
        select(LinkCheck.target, LinkCheck.status, LinkCheck.error, LinkCheck.method,
               LinkCheck.checked_at, LinkCheck.probe)
        .where(LinkCheck.run_id == prior_run_id)
    ):  # fmt: skip
        if probe:
            continue  # the soft-404 baseline is drawn afresh every run
        ok = error is None and status is not None and status < 400
        prior.checks[one(target)] = PriorCheck(ok, one(method), checked_at)
    prior.watched = {one(url) for url in watched_pages(session, prior_run_id, as_of or now.date())}
    prior.columns = [
        {
            "url": c.url,
            "name": c.name,
            "source": c.source,
            "kind": c.kind,
            "unit": c.unit,
            "items": c.items,
        }
        for c in session.scalars(
            select(Column).where(Column.run_id == prior_run_id).order_by(Column.id)
        )
    ]
    return prior


def watched_pages(session: Session, prior_run_id: int, today: date) -> set[str]:
    """Pages where a finding of the site is open or reopened, or was fixed within the last
    `WATCH_FIXED_DAYS`: fetched every night so a fix shows the next morning and a fix undone
    is caught (回头看)."""
    site_id = session.scalar(select(Run.site_id).where(Run.id == prior_run_id))
    recent = today - timedelta(days=WATCH_FIXED_DAYS)
    rows = session.execute(
        select(Finding.check, Finding.url, Finding.page, Finding.pages).where(
            Finding.site_id == site_id,
            or_(
                Finding.status.in_(("open", "reopened")),
                and_(Finding.status == "fixed", Finding.last_seen >= recent),
            ),
        )
    )
    watched: set[str] = set()
    for check, url, page, pages in rows:
        watched.add(url)
        if page:
            watched.add(page)
        if check not in SAMPLED_PAGES:
            watched.update(p for p in (pages or ())[:WATCH_MAX_PAGES] if isinstance(p, str))
    return watched
