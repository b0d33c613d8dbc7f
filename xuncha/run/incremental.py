"""Incremental nightly runs (增量巡查): what the previous run saw, and carrying it forward.

A portal of 100,000 pages changes by a few dozen a day. A night after a complete run does not
fetch everything again:

- structural pages (home, sections, every list page) are revalidated with conditional requests
  (``If-None-Match`` / ``If-Modified-Since``); a 304 means unchanged, and the page is not parsed;
- an article is fetched when it is new, when its list entry (title, date) changed, when a
  finding on it is open or was fixed lately (整改 is confirmed the next morning, and a fix undone
  is seen — the 回头看), or when its rotation slot is due: every page is fetched again at least
  every `revisit_days`;
- a page whose server sends no validators but whose body is byte-identical to last time is not
  parsed either;
- a link target's result is reused while it is fresh: successes for `link_ttl_days` at most,
  failures never (a broken link is checked again every night, so a fix is seen the next day);
- everything not fetched again is carried forward from the previous run in SQL (page rows, their
  links, list items and texts, link-check results), so the checks judge the whole site and open
  findings are reported in full.

Rotation is spread over the period by a stable hash of the URL: a target checked on day 0 is due
between ``ttl / 2`` and ``ttl`` later, so the re-verification of a big site is not one night's
thundering herd.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, exists, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from xuncha.store.snapshot import SharedStrings
from xuncha.store import (
    Column,
    Finding,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Run,
    SiteSearch,
    Store,
)

STRUCTURAL_ROLES = ("home", "section", "list")
# The parts of a profile that decide what is crawled: when they change, a night starts afresh.
CRAWL_KEYS = ("start_urls", "scope", "columns", "network", "limits")
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
    store: Any = None  # where the prior run's rows are read while the crawl runs

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
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return now - since >= period * (0.5 + 0.5 * _fraction(key))


def crawl_profile(profile: dict[str, Any]) -> dict[str, Any]:
    return {key: profile.get(key) for key in CRAWL_KEYS}


def previous_run(session: Session, run: Run) -> Run | None:
    """The latest complete, finished run of the same site before `run` whose crawl settings
    were the same and whose rows are still stored; None means a full crawl tonight."""
    before = session.scalar(
        select(Run)
        .where(
            Run.site_id == run.site_id,
            Run.id < run.id,
            Run.status == "finished",
            Run.complete.is_(True),
        )
        .order_by(Run.id.desc())
        .limit(1)
    )
    if before is None or getattr(before, "pruned_at", None) is not None:
        return None
    if crawl_profile(before.profile or {}) != crawl_profile(run.profile or {}):
        return None
    return before


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
            prior.pages[one(url)] = PriorPage(one(role), one(column_url), etag, last_modified,
                                              fetched_at, digest and _digest(digest))  # fmt: skip
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
        {"url": c.url, "name": c.name, "source": c.source, "kind": c.kind, "unit": c.unit}
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


def load_prior_for(settings: Any, profile: Any) -> Prior | None:
    """The crawl's view of the previous run named in its settings (None: a full crawl)."""
    prior_run_id = settings.getint("XUNCHA_PRIOR_RUN")
    if not prior_run_id:
        return None
    store = Store(settings.get("XUNCHA_DB_URL"), migrate=False)
    with store.session() as session:
        prior = load_prior(
            session,
            prior_run_id,
            now=datetime.now(UTC),
            revisit_days=profile.incremental.revisit_days,
            ttl_days=profile.incremental.link_ttl_days,
            as_of=date.fromisoformat(settings.get("XUNCHA_AS_OF"))
            if settings.get("XUNCHA_AS_OF")
            else None,
        )
    prior.store = store
    return prior


def list_entries_for(settings: Any, prior: Prior, list_page: str) -> list[ListItem]:
    """The entries an unchanged list page showed last time (its column's totals need them)."""
    with prior.store.session() as session:
        return list(
            session.scalars(
                select(ListItem)
                .where(ListItem.run_id == prior.run_id, ListItem.list_page == list_page)
                .order_by(ListItem.id)
            )
        )


# -- carrying forward -------------------------------------------------------------------------


def _copy(model: type, run_id: int, where: Any) -> Any:
    """INSERT INTO model (…, run_id) SELECT …, :run_id FROM model WHERE …"""
    table = model.__table__  # type: ignore[attr-defined]
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


def _carry(session: Session, run_id: int, prior_run_id: int, chosen: Any) -> int:
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
    checks = session.execute(
        _copy(
            LinkCheck,
            run_id,
            and_(LinkCheck.run_id == prior_run_id, LinkCheck.probe.is_(False), unchecked, used),
        )  # fmt: skip
    ).rowcount
    searched = session.scalar(select(SiteSearch.id).where(SiteSearch.run_id == run_id).limit(1))
    if searched is None:  # the home page was unchanged: last run's search result stands
        session.execute(_copy(SiteSearch, run_id, SiteSearch.run_id == prior_run_id))
    return {"pages": pages, "link_checks": max(checks or 0, 0)}


def stored_pages(session: Session, run_id: int) -> int:
    """Pages the run holds, fetched tonight or carried forward."""
    return session.scalar(select(func.count(Page.id)).where(Page.run_id == run_id)) or 0
