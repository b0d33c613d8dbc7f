"""PortalSpider: walks a portal's disclosure sections and checks every link it meets.

One pass does everything a run needs:

1. the start URL (home page or section) — failing it ends the run as 站点无法访问;
2. the disclosure sections found in the home page's navigation (政务公开 / 信息公开 …) or named
   by the profile, and the columns (栏目) in their navigation, or the profile's columns;
3. every page of every column list (pagination of any style), every list item's article;
4. every link and resource on those pages, each distinct target checked once: pages inside
   the sections are crawled, other pages of the portal fetched once, outside targets checked
   with HEAD (GET when HEAD is refused or says "error", unless the host's HEAD has proven its
   "not found" right: `HeadTrust` in crawler/state/local.py).

The spider only observes: it yields records (crawler/items.py) and never judges. Judging is
the job of ``checks/``. What it remembers between responses (targets requested, pages and
checks recorded, columns' totals) is its `state` (crawler/state/local.py): plain sets in one
process, Redis when several workers crawl one run.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import LinkCheckRecord, LinkRecord, ListItemRecord, RecordBatch
from crawler.network.outcomes import classify_failure
from crawler.parsing.navigation import (
    column_name,
    column_parents,
    discover_columns,
    discover_sections,
)
from crawler.parsing.dates import article_date
from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.links import ExtractedLink, extract_links, is_fetchable
from crawler.parsing.listing import extract_list_items, list_blocks
from crawler.parsing.meta import extract_meta
from crawler.parsing.pagination import pagination_urls
from crawler.scope import (
    CrawlScope,
    canonical,
    is_home_url,
    looks_like_attachment,
    origin,
    section_prefix,
)
from crawler.spiders.content import ContentCapture
from crawler.spiders.revisits import IncrementalCrawl
from crawler.spiders.recorder import KEPT_META, RecordBuilder, now
from crawler.state.local import CrawlState, HeadTrust, LocalState, state_for
from crawler.network.certificates import certificate_records, tls_failure_for
from xuncha.run.incremental import Prior, load_prior_for

HEAD_REFUSED = {403, 405, 501}
# Leaves first, then the articles of the list pages read so far, then further list pages: the
# frontier then holds a column's pages and a page's worth of articles, not every article of a
# 100,000-page site at once (what list-pages-first would queue, in memory).
LEAF_PRIORITY = {"check": 25, "attachment": 25}
# The GET that settles a HEAD answer goes before the next HEADs: what it says of the host's HEAD
# (see HeadTrust) is known before most of that host's links are asked.
SETTLE_PRIORITY = LEAF_PRIORITY["check"] + 1
NEXT_LIST_PRIORITY = 15
# A page reached by recursion (not from a column's navigation) is taken as a column list
# when it shows at least this many dated entries.
MIN_LIST_ENTRIES = 3


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


class PortalSpider(RecordBuilder, ContentCapture, IncrementalCrawl, scrapy.Spider):
    name = "portal"

    def __init__(self, profile: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if profile is None:
            raise ValueError("PortalSpider needs a profile")
        self.profile = profile
        self.scope = CrawlScope(profile.scope_domains, profile.scope.mode, profile.scope.sections)
        self.state: CrawlState = LocalState(self.scope)
        self.unreachable: str | None = None
        self.max_attachment = profile.limits.max_attachment_bytes
        self.prior: Prior | None = None  # the previous complete run, on an incremental night
        self.head_trust = HeadTrust()
        self.expanded_pagers: set[tuple[str, str, int]] = set()  # see _first_expansion

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.state = state_for(crawler.settings, spider.scope)
        return spider

    # -- starting -----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        self.prior = load_prior_for(self.crawler.settings, self.profile)
        if self.prior is not None:
            self.head_trust.remember(self.prior.head_found())
        if not self.state.seeds:
            return  # a worker joining a run: the seeding worker scheduled all of this
        seeds = [(url, "start", 100) for url in self.profile.start_urls]
        seeds += [(url, "section", 90) for url in self.profile.scope.sections]
        for url, role, priority in seeds:
            self.state.claim(url, role, keep=())
            yield self._get(url, role, priority=priority)
        for spec in self.profile.columns:
            self._column(spec.url, spec.name, "profile", kind=spec.kind, unit=spec.unit)
            self.state.claim(spec.url, "list", keep=())
            yield self._get(spec.url, "list", column=spec.url, priority=80)
        if self.prior is not None:
            for request in self._revisits(self.prior):
                yield request

    def _get(
        self, url: str, role: str, *, column: str | None = None, **kwargs: Any
    ) -> scrapy.Request:
        """The request of a target claimed for ``role`` (see `state`)."""
        meta = {"xr_role": role, "xr_target": url, "xr_column": column}
        kwargs.setdefault("priority", LEAF_PRIORITY.get(role, 0))
        if self.prior is not None and role not in ("check", "probe"):
            kwargs["headers"] = self.prior.validators(url)
        callback = self._on_response
        if role == "attachment":
            meta["download_maxsize"] = self.max_attachment
            callback = self._on_attachment
        return scrapy.Request(
            url,
            callback=callback,
            errback=self._on_failure,
            meta=meta,
            dont_filter=True,  # the spider deduplicates targets itself, redirects included
            **kwargs,
        )

    def _head(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            method="HEAD",
            callback=self._on_response,
            errback=self._on_failure,
            meta={"xr_role": "check", "xr_target": url, "xr_column": None},
            dont_filter=True,
            priority=LEAF_PRIORITY["check"],
        )

    def _column(
        self, url: str, name: str, source: str, *, kind: str | None = None, unit: str | None = None
    ) -> str:
        """Make ``url`` a column (the first definition wins); the column's URL."""
        unit = unit or self.profile.column_unit(name, url)
        return self.state.define_column(url, name, source, kind=kind, unit=unit)

    # -- responses ----------------------------------------------------------------------

    def _on_response(self, response: Response) -> Iterator[Any]:
        return batched(self._walk(response))

    def _on_failure(self, failure: Failure) -> Iterator[Any]:
        return batched(self._failed(failure))

    def _walk(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        role = meta["xr_role"]
        target = meta["xr_target"]
        self.state.sync()
        if response.request.method == "HEAD":
            host = urlsplit(response.url).netloc.lower()
            self.head_trust.saw(host, response.status)
        if response.request.method == "HEAD" and (
            response.status in HEAD_REFUSED or response.status >= 400
        ):
            if not self.head_trust.is_final(host, response.status):
                # HEAD refused or unreliable: ask again with GET before calling the link broken.
                yield self._settle_head(target, host, response.status)
                return
            self.crawler.stats.inc_value("xuncha/links/head_trusted")
        if "xr_head_status" in meta:
            self.head_trust.learn(meta["xr_head_host"], meta["xr_head_status"], response.status)
        if role == "list" and response.status == 200 and self._had_validators(target):
            self.state.mark_republished(target)  # its validators changed: published again
        if self._is_unchanged(response, target):
            yield from self._unchanged(target, meta.get("xr_column"))
            return
        tls_error = tls_failure_for(self.crawler, response, self.scope)
        if self.state.claim_check(target):
            yield self._check_record(response, target, tls_error)
        if role == "start":
            yield from self._on_start(response, target)
            return
        if role in ("check", "probe") or response.status >= 400:
            return
        if role != "start" and not self.scope.in_site(response.url):
            return  # redirected off the portal: the link works, the page is not ours to parse
        if not self._is_html(response):
            if role == "article" and looks_like_attachment(target):
                self.state.claim_page(target)
                yield self._page_record(response, target, "attachment", None, None)
            return
        yield from self._parse_page(response, target, role, meta.get("xr_column"))

    def _settle_head(self, target: str, host: str, head_status: int) -> scrapy.Request:
        """The GET that settles a HEAD answer of ``host``, and teaches what its HEAD is worth."""
        request = self._get(target, "check", priority=SETTLE_PRIORITY)
        request.meta.update(xr_head_status=head_status, xr_head_host=host)
        return request

    def _on_start(self, response: Response, target: str) -> Iterator[Any]:
        if response.status >= 400:
            if target != self.profile.start_urls[0]:
                return
            self._site_unreachable(f"HTTP {response.status}")
        if is_home_url(target):
            yield from self._parse_page(response, target, "home", None)
        else:
            self.state.add_section(target)
            yield from self._parse_page(response, target, "section", None)
            home = origin(target)
            if self.state.claim(home, "home"):
                yield self._get(home, "home", priority=90)

    def _site_unreachable(self, message: str) -> None:
        """The portal's own start URL failed: 站点无法访问, the end of the run."""
        self.unreachable = message
        self.state.stop("site_unreachable", message)
        raise CloseSpider("site_unreachable")

    def _failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        target = meta.get("xr_target", request.url)
        error, detail = classify_failure(failure, meta.get("redirect_urls"))
        if error == "too_large":
            error = None  # a document larger than the download limit still loads: it works
        elif request.method == "HEAD" and error not in ("blocked", "dns_error", "tls_error"):
            # Some firewalls reset HEAD: ask with GET before calling the link broken.
            yield self._get(target, "check")
            return
        record = LinkCheckRecord(
            target=target,
            checked_at=now(),
            method=request.method,
            error=error,
            error_detail=detail,
            redirects=list(meta.get("redirect_urls", [])),
            attempts=meta.get("retry_times", 0) + 1,
            probe=meta.get("xr_role") == "probe",
        )
        if self.state.claim_check(target):
            yield record
        self.crawler.stats.inc_value(f"xuncha/links/error/{error}")
        if meta.get("xr_role") == "start" and target == self.profile.start_urls[0]:
            # The portal's own start URL: 站点无法访问. A further start URL that fails is a
            # broken link of the run, not the end of it.
            self._site_unreachable(f"{error}: {detail}")

    # -- pages --------------------------------------------------------------------------

    def _parse_page(
        self, response: Response, url: str, role: str, column: str | None
    ) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        text, encoding = decode_body(response.body, content_type)
        doc = parse_html(text, response.url)
        meta = extract_meta(doc)
        if not self.state.claim_page(url):
            return  # fetched under another role already (a column linked from the home page)
        if role == "page" and self.state.column_url(url) is not None:
            role, column = "list", canonical(url)
        elif role == "page":
            role, column = self._classify_page(doc, url)
        if role == "list" and column is None:
            column = url
        dated = article_date(doc, response.url) if role in ("article", "page") else None
        page = self._page_record(response, url, role, column, meta.title, encoding=encoding)
        if dated is not None:
            page.pub_date, page.date_source = dated.date, dated.source
        page.meta = {k: v for k, v in meta.meta.items() if k in KEPT_META}
        if meta.breadcrumb:
            page.meta["breadcrumb"] = meta.breadcrumb
        page.meta.update(self._content_meta(doc, text, role))
        yield page
        yield self._text_record(url, doc)
        self.crawler.stats.inc_value(f"xuncha/pages/{role}")

        if role == "home":
            yield from self._search_requests(doc, response.url, encoding)
            yield from self._on_home(doc, response.url)
        elif role == "section":
            yield from self._on_section(doc, response.url)
        elif role == "list" and column is not None:
            yield from self._on_list(doc, text, response.url, url, column)

        for link in extract_links(doc, response.url, query_encoding=encoding):
            yield LinkRecord(
                page=url,
                target=link.url,
                raw=link.raw,
                tag=link.tag,
                attr=link.attr,
                kind=link.kind,
                text=link.text,
            )
            yield from self._schedule(link)

    def _classify_page(self, doc: Any, url: str) -> tuple[str, str | None]:
        """A page met by recursion inside a section: a column list, or just a page."""
        if self._is_section_home(url):
            return "page", None
        entries = extract_list_items(doc, url)
        if sum(1 for e in entries if e.date) >= MIN_LIST_ENTRIES:
            name = column_name(doc) or url
            self._column(url, name, "list")
            return "list", url
        return "page", None

    def _on_home(self, doc: Any, url: str) -> Iterator[Any]:
        sections = [s for s in discover_sections(doc, url) if self.scope.in_site(s.url)]
        if not sections:
            if any(is_home_url(start) for start in self.profile.start_urls):
                # No disclosure entry in the navigation: the home page is the section.
                self.state.add_section(url)
                yield from self._on_section(doc, url)
            return
        for section in sections:
            self.state.add_section(section.url)
            if self.state.claim(section.url, "section", keep=("section", "start")):
                yield self._get(section.url, "section", priority=90)

    def _on_section(self, doc: Any, url: str) -> Iterator[Any]:
        found = {nav.url: nav.name for nav in discover_columns(doc, url)}
        self.state.add_parents(canonical(parent) for parent in column_parents(doc, url))
        for block in list_blocks(doc, url):
            if block.more_url and block.heading:
                found.setdefault(block.more_url, block.heading)
        for column_url, name in found.items():
            if not self.scope.in_site(column_url):
                continue
            self._column(column_url, name, "navigation")
            if self.state.claim_list(column_url):
                yield self._get(column_url, "list", column=column_url, priority=50)

    def _on_list(
        self, doc: Any, text: str, response_url: str, url: str, column_url: str
    ) -> Iterator[Any]:
        column_url = self.state.column_url(column_url) or self._column(
            column_url, column_name(doc) or column_url, "list"
        )  # one name per column, however the request spelled it
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        entries = extract_list_items(doc, response_url)
        newest = max((entry.date for entry in entries if entry.date), default=None)
        items = [entry.url for entry in entries]
        if not self.state.record_list_page(column_url, url, digest, items, newest):
            return  # the same page under another URL (index.html = ?pageNum=1)
        republished = self.prior is not None and self.state.is_republished(url)
        for entry in entries:
            yield ListItemRecord(
                column_url=column_url,
                list_page=url,
                url=entry.url,
                title=entry.title,
                list_date=entry.date,
            )
            yield from self._entry_request(entry, column_url, republished)
        if not entries:
            self.state.mark_children(column_url, self._has_children(doc, response_url, column_url))
        asked: list[tuple[str, str, int]] = []
        expand = partial(self._first_expansion, column_url, asked)
        next_urls = pagination_urls(doc, text, response_url, expand_declared=expand)
        if asked and not next_urls:
            # The expansion gave nothing here: the column's other list pages try again.
            self.expanded_pagers.discard(asked[0])
        for next_url in next_urls:
            if self.state.claim_list(next_url):
                yield self._get(next_url, "list", column=column_url, priority=NEXT_LIST_PRIORITY)

    def _first_expansion(
        self, column_url: str, asked: list[tuple[str, str, int]], declared: tuple[str, int]
    ) -> bool:
        """Whether to turn a column's declared pager (first page, count) into page URLs here.

        A TRS column of n list pages shows the same pager on each of them, naming all n pages:
        expanding it on every page is n² URLs, every repeat dropped by `claim_list`. Once per
        (column, first page, count) is enough; a column that grew mid-crawl declares a new
        count and is expanded again. Per process: each worker of a distributed run expands a
        column once itself, the shared claims drop what another worker asked already."""
        key = (canonical(column_url), *declared)
        if key in self.expanded_pagers:
            self.crawler.stats.inc_value("xuncha/lists/pager_reused")
            return False
        self.expanded_pagers.add(key)
        asked.append(key)
        self.crawler.stats.inc_value("xuncha/lists/pager_expanded")
        return True

    def _entry_request(self, entry: Any, column_url: str, republished: bool) -> Iterator[Any]:
        if not is_fetchable(entry.url):
            return
        if self._still_fresh(entry.url, entry) and not republished:
            return  # unchanged since the last run: carried forward, not fetched
        if not self.scope.in_site(entry.url):
            # An item published elsewhere (a reprint on another site): checked, not parsed.
            if self.state.claim(entry.url, "check"):
                yield self._head(entry.url)
        elif looks_like_attachment(entry.url):
            if self.state.claim(entry.url, "attachment"):
                yield self._get(entry.url, "attachment", column=column_url, priority=20)
        elif self.state.claim(entry.url, "article", keep=("article", "page")):
            yield self._get(entry.url, "article", column=column_url, priority=20)

    def _has_children(self, doc: Any, response_url: str, column_url: str) -> bool:
        """An empty list is a parent node only if it shows sub-columns below its own folder
        (or the column tree nests them under it); the usual side menu of sibling columns does
        not make a 暂无信息 column a parent."""
        folder = section_prefix(column_url)
        children = [
            nav
            for nav in discover_columns(doc, response_url)
            if canonical(nav.url) != canonical(column_url) and nav.url.startswith(folder)
        ]
        parents = {canonical(p) for p in column_parents(doc, response_url)}
        return canonical(column_url) in parents or any(
            self.scope.in_sections(nav.url) for nav in children
        )

    def _is_section_home(self, url: str) -> bool:
        """The section's own index under another name (``/xxgk/`` = ``/xxgk/index.html``)."""
        last = urlsplit(url).path.rsplit("/", 1)[-1].lower()
        index_file = last in ("", "index.html", "index.htm", "index.shtml", "default.htm")
        return index_file and section_prefix(url) in self.scope.sections

    # -- links --------------------------------------------------------------------------

    def _schedule(self, link: ExtractedLink) -> Iterator[Any]:
        url = link.url
        if not is_fetchable(url) or self.state.was_requested(url):
            return
        in_site = self.scope.in_site(url)
        if in_site:
            site_root = origin(url)
            if self.state.claim_probe(site_root):
                probe = f"{site_root}xuncha-probe-{secrets.token_hex(6)}.html"
                yield self._get(probe, "probe", priority=60)
        if self._still_fresh(url):
            return
        if not in_site:
            if self.state.claim(url, "check"):
                yield self._head(url)
        elif link.kind == "page" and self.scope.in_sections(url) and not looks_like_attachment(url):
            if self.state.claim(url, "page"):
                yield self._get(url, "page", priority=10)
        elif looks_like_attachment(url):
            if self.state.claim(url, "attachment"):
                yield self._get(url, "attachment")
        elif self.state.claim(url, "check"):
            yield self._head(url) if link.kind == "resource" else self._get(url, "check")

    # -- records ------------------------------------------------------------------------

    def closing_records(self) -> list[Any]:
        """Records known only at the end: the columns' totals (from the one process that
        writes them) and the certificates this process saw."""
        records: list[Any] = self.state.column_records() if self.state.writes_columns else []
        records.extend(certificate_records(self.crawler))
        return records
