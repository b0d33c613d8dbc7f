"""PortalSpider: walks a portal's disclosure sections and checks every link it meets.

One pass does everything a run needs:

1. the start URL (home page or section) — failing it ends the run as 站点无法访问;
2. the disclosure sections found in the home page's navigation (政务公开 / 信息公开 …) or named
   by the profile, and the columns (栏目) in their navigation, or the profile's columns;
3. every page of every column list (pagination of any style), every list item's article;
4. every link and resource on those pages, each distinct target checked once: pages inside
   the sections are crawled, other pages of the portal fetched once, outside targets checked
   with HEAD (GET when HEAD is refused or says "error", unless the host's HEAD has proven its
   "not found" right: crawler/state/head_trust.py) — a link to another site's home page with
   GET, its title kept for 外链变质 (``walk.reads_title``).

The spider only observes: it yields records (crawler/items.py) and never judges; judging is the
job of ``checks/``. It is built from parts, each an object of its own: the requests it makes
(``requests``), the records it builds (``recorder``), what the content checks need beyond links
(``content``), an incremental night's revisits (``revisits``), and what it remembers between
responses (``state``: plain sets in one process, Redis when several workers crawl one run). The
walking itself — sections, columns, lists, links — is here (``walk``); the callbacks stay thin
methods, named, because a request queued on disk or in Redis names its callback.

``scrapy crawl portal -a profile=sites/jtj.yaml -O records.jsonl`` crawls a site as ``xuncha
run`` does and writes the raw records; checks, tracking and reports are ``xuncha run``'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure

from crawler.configure import profile_settings
from crawler.items import LinkCheckRecord, RecordBatch
from crawler.network.certificates import certificate_records, tls_failure_for
from crawler.network.link_rules import ExcludedLink
from crawler.network.outcomes import classify_failure
from crawler.scope import CrawlScope, is_home_url, looks_like_attachment, origin
from crawler.spiders.boards import Boards
from crawler.spiders.content import ContentCapture
from crawler.spiders.recorder import PageRecorder, is_html, now, reads_whole
from crawler.spiders.requests import SECTION_PRIORITY, SETTLE_PRIORITY, RequestFactory, Role
from crawler.spiders.revisits import Revisits
from crawler.spiders.walk import Walk, is_start_home
from crawler.state import state_for
from crawler.state.base import CrawlState
from crawler.state.head_trust import HeadTrust
from crawler.state.local import LocalState
from xuncha.profile import Profile, load_profile
from xuncha.store.crawl import CrawlStore

HEAD_REFUSED = {403, 405, 501}


def batched(outputs: Iterator[Any]) -> Iterator[Any]:
    """Requests as they come, records gathered into one `RecordBatch` at the end (also when
    the callback ends the crawl: what it saw before is still stored)."""
    records: list[Any] = []
    try:
        for output in outputs:
            if isinstance(output, scrapy.Request):
                yield output
            else:
                records.append(output)
    except CloseSpider:
        if records:
            yield RecordBatch(records)
        raise
    if records:
        yield RecordBatch(records)


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, profile: Profile | str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if profile is None:
            raise ValueError("PortalSpider needs a profile (scrapy crawl portal -a profile=FILE)")
        if not isinstance(profile, Profile):
            profile = load_profile(profile)  # ``-a profile=FILE`` from the command line
        self.profile = profile
        self.scope = CrawlScope(profile.scope_domains, profile.scope.mode, profile.scope.sections)
        self.unreachable: str | None = None
        self.head_trust = HeadTrust()
        self.requests = RequestFactory(
            on_page=self.parse_page,
            on_attachment=self.parse_attachment,
            on_failure=self.on_failure,
            max_attachment=profile.limits.max_attachment_bytes,
        )
        self.revisits: Revisits | None = None  # the previous complete run, on an incremental night
        self._assemble(LocalState(self.scope))

    def _assemble(self, state: CrawlState) -> None:
        """The parts that share the crawl's memory."""
        self.state = state
        self.content = ContentCapture(
            self.profile.checks.identity,
            state,
            on_search=self.parse_search,
            on_search_failure=self.on_search_failure,
        )
        boards = Boards(scope=self.scope, state=state, requests=self.requests, as_of=self._as_of)
        self.walk = Walk(
            scope=self.scope,
            state=state,
            requests=self.requests,
            content=self.content,
            boards=boards,
            stats=lambda: self.stats,
            define_column=self.define_column,
            home_is_start=is_start_home(self.profile.start_urls),
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        # What the profile decides (politeness, the network gate…), below whatever a run set.
        # Settings can change until the crawl starts; a crawler built already configured (a
        # test's, from Scrapy's get_crawler) keeps the settings it was given.
        if not crawler.settings.frozen:
            crawler.settings.update(profile_settings(spider.profile), priority="spider")
        spider._assemble(state_for(crawler.settings, spider.scope))
        return spider

    @property
    def stats(self) -> StatsCollector:
        stats = self.crawler.stats
        assert stats is not None  # set before any callback runs
        return stats

    @cached_property
    def recorder(self) -> PageRecorder:
        return PageRecorder(self.stats)

    # -- starting -----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        self.revisits = self.walk.revisits = self._revisits()
        if self.revisits is not None:
            self.head_trust.remember(self.revisits.prior.head_found())
            self.requests.validators = self.revisits.prior.validators
        if not self.state.seeds:
            return  # a worker joining a run: the seeding worker scheduled all of this
        seeds: list[tuple[str, Role]] = [(url, "start") for url in self.profile.start_urls]
        seeds += [(url, "section") for url in self.profile.scope.sections]
        for url, role in seeds:
            self.state.claim(url, role, keep=())
            yield self.requests.get(url, role, priority=100 if role == "start" else 90)
        for spec in self.profile.columns:
            self.define_column(spec.url, spec.name, "profile", kind=spec.kind, unit=spec.unit)
            self.state.claim(spec.url, "list", keep=())
            yield self.requests.get(spec.url, "list", column=spec.url, priority=80)
        if self.revisits is not None:
            for request in self.revisits.start_requests():
                yield request

    def _as_of(self) -> date:
        """The run's date (XUNCHA_AS_OF), else today's."""
        crawler = getattr(self, "crawler", None)
        as_of = crawler.settings.get("XUNCHA_AS_OF") if crawler is not None else None
        return date.fromisoformat(as_of) if as_of else date.today()

    def _revisits(self) -> Revisits | None:
        """An incremental night's revisits, if the run names a previous run (增量巡查)."""
        settings = self.crawler.settings
        prior_run_id = settings.getint("XUNCHA_PRIOR_RUN")
        if not prior_run_id:
            return None
        store = CrawlStore(settings["XUNCHA_DB_URL"])
        as_of = settings.get("XUNCHA_AS_OF")
        prior = store.prior(
            prior_run_id,
            revisit_days=self.profile.incremental.revisit_days,
            ttl_days=self.profile.incremental.link_ttl_days,
            as_of=date.fromisoformat(as_of) if as_of else None,
        )
        return Revisits(prior, store, self.state, self.requests, self.stats, self.define_column)

    def define_column(
        self, url: str, name: str, source: str, *, kind: str | None = None, unit: str | None = None
    ) -> str:
        """Make ``url`` a column (the first definition wins); the column's URL."""
        unit = unit or self.profile.column_unit(name, url)
        return self.state.define_column(url, name, source, kind=kind, unit=unit)

    # -- callbacks (named: requests queued on disk or in Redis name their callback) --------

    def parse_page(
        self,
        response: Response,
        role: Role,
        target: str,
        column: str | None = None,
        head_status: int | None = None,
        head_host: str | None = None,
    ) -> Iterator[Any]:
        """Every response but an attachment's and the search's: record it, then walk it."""
        return batched(self._page(response, role, target, column, head_status, head_host))

    def on_failure(self, failure: Failure) -> Iterator[Any]:
        """A request that got no response (DNS, refused, timeout, TLS, too large…)."""
        return batched(self._failed(failure))

    async def parse_attachment(
        self, response: Response, role: Role, target: str, column: str | None = None
    ) -> AsyncIterator[Any]:
        """A document (附件): checked, recorded, and its text extracted."""
        yield self.recorder.check(response, target, None)
        if response.status >= 400 or not response.body:
            return
        self.state.claim_page(target)
        yield self.recorder.page(response, target, "attachment", column, None)
        self.stats.inc_value("xuncha/pages/attachment")
        text = await self.content.attachment_text(response, target)
        if text is not None:
            yield text

    def parse_search(
        self,
        response: Response,
        role: Role,
        target: str,
        query: str,
        home_links: list[str],
        expected: dict[str, str] | None = None,
    ) -> Iterator[Any]:
        """The answer of the site search (站内搜索) to its one query."""
        yield self.content.search_record(response, target, query, home_links, expected)

    def on_search_failure(self, failure: Failure) -> Iterator[Any]:
        yield self.content.search_failed(failure)

    # -- responses ----------------------------------------------------------------------

    def _page(
        self,
        response: Response,
        role: Role,
        target: str,
        column: str | None,
        head_status: int | None,
        head_host: str | None,
    ) -> Iterator[Any]:
        self.state.sync()
        method = response.request.method if response.request is not None else "GET"
        if method == "HEAD":
            host = urlsplit(response.url).netloc.lower()
            self.head_trust.saw(host, response.status)
            if response.status in HEAD_REFUSED or response.status >= 400:
                if not self.head_trust.is_final(host, response.status):
                    # HEAD refused or unreliable: ask again with GET before calling it broken.
                    yield self.requests.get(
                        target,
                        "check",
                        priority=SETTLE_PRIORITY,
                        head_status=response.status,
                        head_host=host,
                    )
                    return
                self.stats.inc_value("xuncha/links/head_trusted")
        if head_status is not None and head_host is not None:
            self.head_trust.learn(head_host, head_status, response.status)
        revisits = self.revisits
        if revisits is not None:
            if role == "list" and response.status == 200 and revisits.had_validators(target):
                self.state.mark_republished(target)  # its validators changed: published again
            if revisits.is_unchanged(response, target):
                yield from revisits.unchanged(target, column)
                return
        tls_error = tls_failure_for(self.crawler, response, self.scope)
        walked = response.status < 400 and (
            role == "start" or (role not in ("check", "probe") and self.scope.in_site(response.url))
        )
        # A page the walk parses gives the check its title and text from that one parse.
        shared = walked and reads_whole(response)
        check = None
        if self.state.claim_check(target):
            check = self.recorder.check(response, target, tls_error, read=not shared)
            if not shared:
                yield check
                check = None
        if role == "start":
            yield from self._on_start(response, target, check)
            return
        if role in ("check", "probe") or response.status >= 400:
            return
        if not self.scope.in_site(response.url):
            return  # redirected off the portal: the link works, the page is not ours to parse
        if not is_html(response):
            if role == "article" and looks_like_attachment(target):
                self.state.claim_page(target)
                yield self.recorder.page(response, target, "attachment", None, None)
            return
        yield from self.walk.page(response, target, role, column, check=check)

    def _on_start(
        self, response: Response, target: str, check: LinkCheckRecord | None
    ) -> Iterator[Any]:
        if response.status >= 400:
            if target != self.profile.start_urls[0]:
                return
            self._site_unreachable(f"HTTP {response.status}")
        if is_home_url(target):
            yield from self.walk.page(response, target, "home", None, check=check)
        else:
            self.state.add_section(target)
            yield from self.walk.page(response, target, "section", None, check=check)
            home = origin(target)
            if self.state.claim(home, "home"):
                yield self.requests.get(home, "home", priority=SECTION_PRIORITY)

    def _site_unreachable(self, message: str) -> None:
        """The portal's own start URL failed: 站点无法访问, the end of the run."""
        self.unreachable = message
        self.state.stop("site_unreachable", message)
        raise CloseSpider("site_unreachable")

    def _failed(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        if isinstance(failure.value, ExcludedLink):
            return  # links.exclude: not fetched on purpose, nothing to record
        target = request.cb_kwargs.get("target", request.url)
        role = request.cb_kwargs.get("role")
        error: str | None
        error, detail = classify_failure(failure, request.meta.get("redirect_urls"))
        kind = error
        if error == "too_large":
            error = None  # a document larger than the download limit still loads: it works
            detail = f"too_large: {detail or 'cut at the download size limit'}"[:300]
        elif request.method == "HEAD" and error not in ("blocked", "dns_error", "tls_error"):
            # Some firewalls reset HEAD: ask with GET before calling the link broken.
            yield self.requests.get(target, "check")
            return
        record = LinkCheckRecord(
            target=target,
            checked_at=now(),
            method=request.method,
            error=error,
            error_detail=detail,
            redirects=list(request.meta.get("redirect_urls", [])),
            attempts=request.meta.get("retry_times", 0) + 1,
            probe=role == "probe",
        )
        if self.state.claim_check(target):
            yield record
        self.stats.inc_value(f"xuncha/links/error/{kind}")
        if role == "start" and target == self.profile.start_urls[0] and error is not None:
            # The portal's own start URL: 站点无法访问. A further start URL that fails is a
            # broken link of the run, not the end of it.
            self._site_unreachable(f"{error}: {detail}")

    # -- records ------------------------------------------------------------------------

    def closing_records(self) -> list[Any]:
        """Records known only at the end: the columns' totals (from the one process that
        writes them) and the certificates this process saw."""
        records: list[Any] = self.state.column_records() if self.state.writes_columns else []
        records.extend(certificate_records(self.crawler))
        return records

    def closed(self, reason: str) -> None:
        self.walk.traps.close()
        if self.revisits is not None:
            self.revisits.store.dispose()
