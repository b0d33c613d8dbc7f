"""What PortalSpider remembers between responses, behind one small interface.

The interface, :class:`CrawlState`, is what the spider asks. A crawl in one process keeps it
in plain sets and dicts (:class:`~crawler.state.local.LocalState`); a run crawled by several
workers on a shared frontier keeps it in Redis (:class:`~crawler.distributed.state.RedisState`),
so that every worker sees what the others claimed: a target is requested once per role, a page
and a check recorded once, a column's totals gathered from every worker's list pages. Which
one a crawl gets is a setting, ``XUNCHA_STATE_CLASS`` (see :func:`crawler.state.state_for`),
the way Scrapy picks its ``DUPEFILTER_CLASS``: the variants import this module, never the
reverse.

Every ``claim_*`` is a test-and-set: True means "yours, go ahead", False "someone (maybe you)
had it already". Roles only ever move up (a target checked as a link may later be requested
as an article), never back to unclaimed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from crawler.items import ColumnRecord
from crawler.scope import CrawlScope
from crawler.traps import TrapNote

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

    @classmethod
    def from_settings(cls, settings: Any, scope: CrawlScope) -> CrawlState:
        """The state of a crawl with these settings (a variant reads what it needs)."""
        return cls(scope)

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

    # -- spider traps (爬虫陷阱, crawler/traps.py) -------------------------------------------

    def count_pattern(self, pattern: str) -> int:
        """One more page of a URL pattern requested by a link: the pattern's pages now (0 once
        the state counts as many patterns as it keeps, ``traps.MAX_PATTERNS``)."""
        raise NotImplementedError

    def count_shape(self, pattern: str, shape: str) -> int:
        """One more page of a pattern fetched with this shape (``traps.page_shape``): how many
        pages of the pattern had it (0 once the state keeps no more shapes)."""
        raise NotImplementedError

    def is_trapped(self, pattern: str) -> bool:
        """Whether the pattern is a trap: its links are no longer followed."""
        raise NotImplementedError

    def note_trap(self, pattern: str, kind: str, example: str, dropped: int = 0) -> None:
        """The pattern is a trap (the first kind and example noted stand); ``dropped`` links of
        it were not followed."""
        raise NotImplementedError

    def trap_notes(self) -> list[TrapNote]:
        """The traps met, each with the pages of its pattern kept: a crawl note of the run."""
        raise NotImplementedError

    # -- the run ---------------------------------------------------------------------------

    def stop(self, reason: str, message: str) -> None:
        """The whole run ends now (站点无法访问): tell every worker."""
