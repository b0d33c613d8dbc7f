"""Revisits: 增量巡查 in the spider — what a night after a complete run asks again, and what it
carries forward.

The previous run's view (:class:`~xuncha.store.prior.Prior`) decides which pages and targets
are still fresh; a page answered 304, or with the very body the last run parsed, is not parsed
but carried forward (its rows are copied by the store pipeline).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import scrapy
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from crawler.items import CarryRecord
from crawler.parsing.links import is_fetchable
from crawler.scope import canonical
from crawler.spiders.requests import ARTICLE_PRIORITY, SECTION_PRIORITY, RequestFactory, Role
from crawler.state.base import CrawlState
from xuncha.store.crawl import CrawlStore, Prior

# Priorities of the pages an incremental night revalidates, by their role last time.
REVISIT_PRIORITY = {"home": SECTION_PRIORITY, "section": SECTION_PRIORITY, "list": 15}


class ListEntry(Protocol):
    """A list entry as the freshness test reads it (a parsed entry or a stored one)."""

    @property
    def title(self) -> str: ...

    @property
    def date(self) -> Any: ...


class Revisits:
    """The incremental side of one crawl. ``define_column`` is the spider's way to make a URL
    a column (the first definition wins)."""

    def __init__(
        self,
        prior: Prior,
        store: CrawlStore,
        state: CrawlState,
        requests: RequestFactory,
        stats: StatsCollector,
        define_column: Callable[..., str],
    ) -> None:
        self.prior = prior
        # The previous run's blank columns (空白栏目): kept, so not parent nodes.
        self.blank_columns = {
            canonical(column["url"]) for column in prior.columns if not column.get("items")
        }
        self.store = store
        self.state = state
        self.requests = requests
        self.stats = stats
        self.define_column = define_column

    def start_requests(self) -> Iterator[scrapy.Request]:
        """Last run's columns and sections as known, every structural page revalidated, the
        rotation's share of pages and targets fetched again."""
        prior = self.prior
        for column in prior.columns:
            self.define_column(column["url"], column["name"], column["source"],
                               kind=column["kind"], unit=column["unit"])  # fmt: skip
        for url, page in prior.due_pages():
            if page.role == "section":
                self.state.add_section(url)
            if not self.state.claim(url, page.role):
                continue  # asked for already (a start URL, a profile column)
            priority = REVISIT_PRIORITY.get(page.role, ARTICLE_PRIORITY)
            role: Role = page.role  # type: ignore[assignment]  # stored from a Role
            yield self.requests.get(url, role, column=page.column_url, priority=priority)
        for target, method in prior.recheck():
            if not is_fetchable(target) or not self.state.claim(target, "check"):
                continue
            yield (
                self.requests.head(target)
                if method == "HEAD"
                else self.requests.get(target, "check")
            )

    def had_validators(self, url: str) -> bool:
        return bool(self.prior.validators(url))

    def is_unchanged(self, response: Response, target: str) -> bool:
        """304 to a conditional request, or the very body the last run parsed."""
        request = response.request
        if target not in self.prior.pages or request is None or request.method != "GET":
            return False
        if response.status == 304:
            return True
        return response.status == 200 and self.prior.same_body(
            target, hashlib.sha256(response.body).hexdigest()
        )

    def unchanged(self, url: str, column: str | None) -> Iterator[Any]:
        """Not modified since the last run: not parsed; its rows are carried forward, and a
        list page's entries still count for its column."""
        page = self.prior.pages[url]
        self.state.claim_check(url)
        self.state.claim_page(url)
        if page.role == "section":
            self.state.add_section(url)
        self.stats.inc_value(f"xuncha/pages/{page.role}")
        self.stats.inc_value("xuncha/incremental/unchanged")
        if page.role == "list":
            column_url = column or page.column_url or url
            entries = self.store.list_entries(self.prior.run_id, url)
            if entries:
                newest = max((e.list_date for e in entries if e.list_date), default=None)
                items = [entry.url for entry in entries]
                self.state.record_list_page(column_url, url, None, items, newest)
            elif canonical(column_url) in self.blank_columns:
                # A blank column's list, unchanged: still a walked list page — a 空白栏目 does
                # not vanish by not changing.
                self.state.record_list_page(column_url, url, None, [], None)
            republished = self.state.is_republished(url)
            for entry in entries:
                if republished and entry.url in self.prior.pages:
                    yield from self._revalidate(entry.url, column_url)
        yield CarryRecord(url)

    def _revalidate(self, url: str, column_url: str) -> Iterator[scrapy.Request]:
        """An entry of a republished list page: asked again, conditionally (a CMS republishes
        a column's lists when one of its documents is edited)."""
        role: Role = "attachment" if self.prior.pages[url].role == "attachment" else "article"
        if self.state.claim(url, role, keep=("article", "page", "attachment")):
            yield self.requests.get(url, role, column=column_url, priority=ARTICLE_PRIORITY)

    def still_fresh(self, url: str, entry: ListEntry | None = None) -> bool:
        """Known from the last run and not due tonight: a page (whose list entry, if any, is
        unchanged) or a target whose good result stands."""
        prior = self.prior
        fresh = prior.page_fresh(url) if url in prior.pages else prior.check_fresh(url)
        return fresh and (entry is None or not prior.entry_changed(url, entry.title, entry.date))
