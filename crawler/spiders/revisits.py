"""增量巡查 in the spider: what a night after a complete run asks again, and what it carries.

A mixin of PortalSpider. The previous run's view (`Prior`, xuncha/run/incremental.py) decides which
pages and targets are still fresh; a page answered 304, or with the very body the last run
parsed, is not parsed but carried forward (its rows are copied by the store pipeline).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import CarryRecord
from crawler.parsing.links import is_fetchable
from crawler.state.local import CrawlState
from xuncha.run.incremental import Prior, list_entries_for


class IncrementalCrawl:
    """Mixin: expects `prior`, `state` (crawler/state/local.py), `crawler`, `_get`, `_head`
    and `_column` on the spider."""

    prior: Prior | None
    state: CrawlState
    crawler: Any
    _get: Any
    _head: Any
    _column: Any

    def _revisits(self, prior: Prior) -> Iterator[scrapy.Request]:
        """An incremental night: last run's columns and sections as known, every structural
        page revalidated, the rotation's share of pages and targets fetched again."""
        for column in prior.columns:
            self._column(column["url"], column["name"], column["source"],
                         kind=column["kind"], unit=column["unit"])  # fmt: skip
        for url, page in prior.due_pages():
            if page.role == "section":
                self.state.add_section(url)
            if not self.state.claim(url, page.role):
                continue  # asked for already (a start URL, a profile column)
            priority = {"home": 90, "section": 90, "list": 15}.get(page.role, 20)
            yield self._get(url, page.role, column=page.column_url, priority=priority)
        for target, method in prior.recheck():
            if not is_fetchable(target) or not self.state.claim(target, "check"):
                continue
            yield self._head(target) if method == "HEAD" else self._get(target, "check")

    def _had_validators(self, url: str) -> bool:
        return self.prior is not None and bool(self.prior.validators(url))

    def _is_unchanged(self, response: Response, target: str) -> bool:
        """304 to a conditional request, or the very body the last run parsed."""
        prior = self.prior
        if prior is None or target not in prior.pages or response.request.method != "GET":
            return False
        if response.status == 304:
            return True
        return response.status == 200 and prior.same_body(
            target, hashlib.sha256(response.body).hexdigest()
        )

    def _unchanged(self, url: str, column: str | None) -> Iterator[Any]:
        """Not modified since the last run: not parsed; its rows are carried forward, and a
        list page's entries still count for its column."""
        assert self.prior is not None
        page = self.prior.pages[url]
        self.state.claim_check(url)
        self.state.claim_page(url)
        if page.role == "section":
            self.state.add_section(url)
        self.crawler.stats.inc_value(f"xuncha/pages/{page.role}")
        self.crawler.stats.inc_value("xuncha/incremental/unchanged")
        if page.role == "list":
            column_url = column or page.column_url or url
            entries = list_entries_for(self.crawler.settings, self.prior, url)
            if entries:
                newest = max((e.list_date for e in entries if e.list_date), default=None)
                items = [entry.url for entry in entries]
                self.state.record_list_page(column_url, url, None, items, newest)
            republished = self.state.is_republished(url)
            for entry in entries:
                if republished and entry.url in self.prior.pages:
                    yield from self._revalidate(entry.url, column_url)
        yield CarryRecord(url)

    def _revalidate(self, url: str, column_url: str) -> Iterator[scrapy.Request]:
        """An entry of a republished list page: asked again, conditionally (a CMS republishes
        a column's lists when one of its documents is edited)."""
        assert self.prior is not None
        role = "attachment" if self.prior.pages[url].role == "attachment" else "article"
        if self.state.claim(url, role, keep=("article", "page", "attachment")):
            yield self._get(url, role, column=column_url, priority=20)

    def _still_fresh(self, url: str, entry: Any = None) -> bool:
        """Known from the last run and not due tonight: a page (whose list entry, if any, is
        unchanged) or a target whose good result stands."""
        prior = self.prior
        if prior is None:
            return False
        if url in prior.pages:
            return prior.page_fresh(url) and (
                entry is None or not prior.entry_changed(url, entry.title, entry.date)
            )
        return prior.check_fresh(url) and (
            entry is None or not prior.entry_changed(url, entry.title, entry.date)
        )
