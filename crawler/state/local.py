"""What PortalSpider remembers between responses, behind one small interface.

A crawl in one process keeps it in plain sets and dicts (:class:`LocalState`). A run crawled
by several workers on a shared frontier (crawler/distributed/frontier.py) keeps it in Redis
(:class:`~crawler.distributed.state.RedisState`), so that every worker sees what the
others claimed: a target is requested once per role, a page and a check recorded once, a
column's totals gathered from every worker's list pages.

Every ``claim_*`` is a test-and-set: True means "yours, go ahead", False "someone (maybe you)
had it already". Roles only ever move up (a target checked as a link may later be requested
as an article), never back to unclaimed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from crawler.items import ColumnRecord
from crawler.scope import CrawlScope, canonical
from crawler.spiders.recorder import ColumnState

ANY: None = None  # claim(..., keep=ANY): any earlier claim of the target stands


def column_kept(source: str, list_pages: int, items: int, parent: bool) -> bool:
    """A column gets a row if a list page of it was walked (or the profile names it) and it
    is not a parent node (sub-columns shown, or a node of the column tree) without items of
    its own: that is not a 空白栏目."""
    return (list_pages > 0 or source == "profile") and not (parent and not items)


class CrawlState:
    """The interface: what the spider asks. ``seeds`` is false in a worker that joins a run
    (it schedules nothing of ``start()``); ``writes_columns`` is true in the one process that
    writes the columns' rows when the crawl ends."""

    seeds = True
    writes_columns = True

    def __init__(self, scope: CrawlScope) -> None:
        self.scope = scope

    # -- once per response ---------------------------------------------------------------

    def sync(self) -> None:
        """Catch up with what other workers changed that is read without asking (sections)."""

    # -- targets ---------------------------------------------------------------------------

    def was_requested(self, url: str) -> bool:
        """A cheap look: True only if the target is surely requested already."""
        raise NotImplementedError

    def claim(self, url: str, role: str, keep: Collection[str] | None = ANY) -> bool:
        """Request ``url`` as ``role`` unless it was requested already — under any role
        (``keep=ANY``) or under one of ``keep``. A list claimed here counts as requested."""
        raise NotImplementedError

    def claim_list(self, url: str) -> bool:
        """Request a column's list page unless one of the same canonical URL was."""
        raise NotImplementedError

    def claim_check(self, target: str) -> bool:
        """Record the target's link check unless it was recorded."""
        raise NotImplementedError

    def claim_page(self, url: str) -> bool:
        """Record the page unless it was recorded (fetched under another role)."""
        raise NotImplementedError

    def claim_probe(self, site_root: str) -> bool:
        """Send the soft-404 probe of a site root unless it was sent."""
        raise NotImplementedError

    def claim_sample(self, limit: int) -> bool:
        """Take one of the ``limit`` inner pages sampled for the site-identity marks."""
        raise NotImplementedError

    def add_section(self, url: str) -> None:
        """A disclosure section found while crawling: recurse into it from now on."""
        raise NotImplementedError

    def mark_republished(self, url: str) -> None:
        """A list page whose validators changed tonight (增量巡查)."""
        raise NotImplementedError

    def is_republished(self, url: str) -> bool:
        raise NotImplementedError

    # -- columns ---------------------------------------------------------------------------

    def define_column(
        self, url: str, name: str, source: str, *, kind: str | None, unit: str | None
    ) -> str:
        """Make ``url`` a column (the first definition of a canonical URL wins); returns the
        column's URL as first defined, the name its rows use."""
        raise NotImplementedError

    def column_url(self, url: str) -> str | None:
        """The column's URL if ``url`` (any spelling) is a column, else None."""
        raise NotImplementedError

    def record_list_page(
        self,
        column: str,
        page: str,
        digest: str | None,
        items: Iterable[str],
        newest: date | None,
    ) -> bool:
        """Count a list page of a known column with its items and newest date. False, and
        nothing counted, if a page with the same ``digest`` was counted for the column (the
        same page under another URL); ``digest=None`` skips that test."""
        raise NotImplementedError

    def mark_children(self, column: str, has_children: bool) -> None:
        raise NotImplementedError

    def add_parents(self, urls: Iterable[str]) -> None:
        """Column-tree nodes that only hold sub-columns (canonical URLs)."""
        raise NotImplementedError

    def column_records(self) -> list[ColumnRecord]:
        """The columns' rows, known only when the crawl ends."""
        raise NotImplementedError

    # -- the run ---------------------------------------------------------------------------

    def stop(self, reason: str, message: str) -> None:
        """The whole run ends now (站点无法访问): tell every worker."""


class LocalState(CrawlState):
    """One process: sets and dicts. The per-target ones hold a 64-bit digest of the URL, not
    the URL: a 100,000-page portal has a few hundred thousand targets, and a small int costs a
    fraction of a URL string (a collision would need ~2**32 targets to become likely)."""

    def __init__(self, scope: CrawlScope) -> None:
        super().__init__(scope)
        self.requested: dict[int, str] = {}  # digest of a target URL -> role requested for
        self.lists: set[str] = set()  # canonical URLs of list pages asked for
        self.checked: set[int] = set()  # targets with a link-check record already
        self.pages: set[int] = set()  # pages with a page record already
        self.probed: set[str] = set()
        self.sampled = 0
        self.republished: set[str] = set()
        self.columns: dict[str, ColumnState] = {}  # canonical URL -> column
        self.parents: set[str] = set()

    def was_requested(self, url: str) -> bool:
        return _digest(url) in self.requested

    def claim(self, url: str, role: str, keep: Collection[str] | None = ANY) -> bool:
        key = _digest(url)
        held = self.requested.get(key)
        if held is not None and (keep is ANY or held in keep):
            return False
        self.requested[key] = role
        if role == "list":
            self.lists.add(canonical(url))
        return True

    def claim_list(self, url: str) -> bool:
        key = canonical(url)
        if key in self.lists:
            return False
        self.lists.add(key)
        self.requested[_digest(url)] = "list"
        return True

    def claim_check(self, target: str) -> bool:
        return _add(self.checked, _digest(target))

    def claim_page(self, url: str) -> bool:
        return _add(self.pages, _digest(url))

    def claim_probe(self, site_root: str) -> bool:
        return _add(self.probed, site_root)

    def claim_sample(self, limit: int) -> bool:
        if self.sampled >= limit:
            return False
        self.sampled += 1
        return True

    def add_section(self, url: str) -> None:
        self.scope.add_section(url)

    def mark_republished(self, url: str) -> None:
        self.republished.add(url)

    def is_republished(self, url: str) -> bool:
        return url in self.republished

    def define_column(
        self, url: str, name: str, source: str, *, kind: str | None, unit: str | None
    ) -> str:
        state = self.columns.get(canonical(url))
        if state is None:
            state = ColumnState(url=url, name=name, source=source, kind=kind, unit=unit)
            self.columns[canonical(url)] = state
        return state.url

    def column_url(self, url: str) -> str | None:
        state = self.columns.get(canonical(url))
        return state.url if state is not None else None

    def record_list_page(
        self,
        column: str,
        page: str,
        digest: str | None,
        items: Iterable[str],
        newest: date | None,
    ) -> bool:
        state = self.columns.get(canonical(column))
        if state is None:
            return False
        if digest is not None and not _add(state.page_hashes, digest):
            return False
        state.list_pages.add(page)
        state.item_urls.update(_digest(item) for item in items)
        if newest is not None and (state.newest is None or newest > state.newest):
            state.newest = newest
        return True

    def mark_children(self, column: str, has_children: bool) -> None:
        state = self.columns.get(canonical(column))
        if state is not None:
            state.has_children = has_children

    def add_parents(self, urls: Iterable[str]) -> None:
        self.parents.update(urls)

    def column_records(self) -> list[ColumnRecord]:
        return [
            state.record()
            for state in self.columns.values()
            if column_kept(
                state.source,
                len(state.list_pages),
                len(state.item_urls),
                state.has_children or canonical(state.url) in self.parents,
            )
        ]


# A host's HEAD "not found" is believed without the confirming GET once that many GETs answered
# as its HEAD did and none contradicted it. Many government servers answer every HEAD 404 or
# 405 while GET works, so one agreeing answer proves little; three cost three GETs per host,
# and from then on every broken link of a host whose HEAD is right saves one request.
HEAD_TRUST_AFTER = 3
# The HEAD answers that can stand alone: 找不到 (404) and 已删除 (410). 403/405/501 say HEAD is
# refused, 400 and 5xx are too often a server's HEAD handling failing: those are always asked
# again with GET.
TRUSTED_HEAD_STATUSES = frozenset({404, 410})
_UNRELIABLE = -1


# Even a trusted host gets a confirming GET for every this-many-th "not found" it answers: a
# server that starts lying mid-run (a new rule in front of it) is caught, at a tenth of the cost.
HEAD_SPOT_CHECK_EVERY = 10


class HeadTrust:
    """Which hosts' HEAD "not found" is final, learnt from the GETs that settle HEAD answers.

    A host earns trust only if its HEAD has also said "found" (< 400) to some link: a server
    that answers every HEAD with 404 would otherwise be trusted after three links that were
    really dead, and every working link of it reported broken.

    Kept per process, never shared: in a distributed run each worker learns on its own (a few
    more confirming GETs per host and worker, no round trip to Redis for every link)."""

    def __init__(self, after: int = HEAD_TRUST_AFTER, spot: int = HEAD_SPOT_CHECK_EVERY) -> None:
        self.after, self.spot = after, spot
        self.confirmed: dict[str, int] = {}  # host -> agreeing GETs, or _UNRELIABLE
        self.found: set[str] = set()  # hosts whose HEAD has said < 400
        self.trusted: dict[str, int] = {}  # host -> answers taken without a GET

    def remember(self, hosts: Iterable[str]) -> None:
        """Hosts whose HEAD said "found" in the previous run (an incremental night re-checks
        failures mostly, so its own HEADs rarely get to say it)."""
        self.found.update(hosts)

    def saw(self, host: str, head_status: int) -> None:
        """A HEAD answer of ``host``."""
        if head_status < 400:
            self.found.add(host)

    def is_final(self, host: str, head_status: int) -> bool:
        """A HEAD answer of ``host`` that needs no GET to confirm it (but for spot checks)."""
        if head_status not in TRUSTED_HEAD_STATUSES or host not in self.found:
            return False
        if self.confirmed.get(host, 0) < self.after:
            return False
        taken = self.trusted[host] = self.trusted.get(host, 0) + 1
        return taken % self.spot != 0

    def learn(self, host: str, head_status: int, get_status: int) -> None:
        """What the GET asked after a HEAD answer of ``host`` says of its HEAD: the same "not
        found" confirms it once; a working page makes its HEAD unreliable for the whole run."""
        held = self.confirmed.get(host, 0)
        if head_status not in TRUSTED_HEAD_STATUSES or held == _UNRELIABLE:
            return
        if get_status < 400:
            self.confirmed[host] = _UNRELIABLE
        elif get_status == head_status:
            self.confirmed[host] = held + 1


def _digest(url: str) -> int:
    """Python's own string hash (SipHash, 64 bits): stable within the crawl's process."""
    return hash(url)


def _add(seen: set[Any], value: Any) -> bool:
    if value in seen:
        return False
    seen.add(value)
    return True


def state_for(settings: Any, scope: CrawlScope) -> CrawlState:
    """The spider's memory: in Redis when the crawl is a worker of a shared run."""
    if not settings.get("XUNCHA_FRONTIER_RUN"):
        return LocalState(scope)
    from crawler.distributed.state import RedisState  # needs the distributed extra

    return RedisState.from_settings(settings, scope)
