"""PortalSpider: walks a portal's disclosure sections and checks every link it meets.

One pass does everything a run needs:

1. the start URL (home page or section) — failing it ends the run as 站点无法访问;
2. the disclosure sections found in the home page's navigation (政务公开 / 信息公开 …) or named
   by the profile, and the columns (栏目) in their navigation, or the profile's columns;
3. every page of every column list (pagination of any style), every list item's article;
4. every link and resource on those pages, each distinct target checked once: pages inside
   the sections are crawled, other pages of the portal fetched once, outside targets checked
   with HEAD (GET when HEAD is refused or says "error").

The spider only observes: it yields records (crawler/items.py) and never judges. Judging is
the job of ``checks/``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import LinkCheckRecord, LinkRecord, ListItemRecord, RecordBatch
from crawler.outcomes import classify_failure
from crawler.parsing.columns import (
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
from crawler.spiders.records import KEPT_META, ColumnState, RecordBuilder, now
from crawler.tls_records import certificate_records, tls_failure_for

HEAD_REFUSED = {403, 405, 501}
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


class PortalSpider(RecordBuilder, ContentCapture, scrapy.Spider):
    name = "portal"

    def __init__(self, profile: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if profile is None:
            raise ValueError("PortalSpider needs a profile")
        self.profile = profile
        self.scope = CrawlScope(profile.scope_domains, profile.scope.mode, profile.scope.sections)
        self.requested: dict[str, str] = {}  # target URL -> role it was requested for
        self.columns: dict[str, ColumnState] = {}
        self.probed: set[str] = set()
        self.emitted_pages: set[str] = set()
        self.unreachable: str | None = None
        self.lists_requested: set[str] = set()  # canonical URLs of list pages asked for
        self.checked: set[str] = set()  # targets with a link-check record already
        self.parents: set[str] = set()  # column tree nodes that only hold sub-columns
        self.max_attachment = profile.limits.max_attachment_bytes

    # -- starting -----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for url in self.profile.start_urls:
            yield self._get(url, "start", priority=100)
        for url in self.profile.scope.sections:
            yield self._get(url, "section", priority=90)
        for spec in self.profile.columns:
            self._column(spec.url, spec.name, "profile", kind=spec.kind, unit=spec.unit)
            yield self._get(spec.url, "list", column=spec.url, priority=80)

    def _get(
        self, url: str, role: str, *, column: str | None = None, **kwargs: Any
    ) -> scrapy.Request:
        self.requested[url] = role
        if role == "list":
            self.lists_requested.add(canonical(url))
        meta = {"xr_role": role, "xr_target": url, "xr_column": column}
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
        self.requested[url] = "check"
        return scrapy.Request(
            url,
            method="HEAD",
            callback=self._on_response,
            errback=self._on_failure,
            meta={"xr_role": "check", "xr_target": url, "xr_column": None},
            dont_filter=True,
        )

    def _column(self, url: str, name: str, source: str, **extra: Any) -> ColumnState:
        state = self.columns.get(canonical(url))
        if state is None:
            unit = extra.pop("unit", None) or self.profile.column_unit(name, url)
            state = ColumnState(url=url, name=name, source=source, unit=unit, **extra)
            self.columns[canonical(url)] = state
        return state

    # -- responses ----------------------------------------------------------------------

    def _on_response(self, response: Response) -> Iterator[Any]:
        return batched(self._walk(response))

    def _on_failure(self, failure: Failure) -> Iterator[Any]:
        return batched(self._failed(failure))

    def _walk(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        role = meta["xr_role"]
        target = meta["xr_target"]
        if response.request.method == "HEAD" and (
            response.status in HEAD_REFUSED or response.status >= 400
        ):
            # HEAD refused or unreliable: ask again with GET before calling the link broken.
            request = self._get(target, "check")
            request.meta["xr_head_status"] = response.status
            yield request
            return
        tls_error = tls_failure_for(self.crawler, response, self.scope)
        if target not in self.checked:
            self.checked.add(target)
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
                yield self._page_record(response, target, "attachment", None, None)
            return
        yield from self._parse_page(response, target, role, meta.get("xr_column"))

    def _on_start(self, response: Response, target: str) -> Iterator[Any]:
        if response.status >= 400:
            if target != self.profile.start_urls[0]:
                return
            self.unreachable = f"HTTP {response.status}"
            raise CloseSpider("site_unreachable")
        if is_home_url(target):
            yield from self._parse_page(response, target, "home", None)
        else:
            self.scope.add_section(target)
            yield from self._parse_page(response, target, "section", None)
            home = origin(target)
            if home not in self.requested:
                yield self._get(home, "home", priority=90)

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
        if target not in self.checked:
            self.checked.add(target)
            yield record
        self.crawler.stats.inc_value(f"xuncha/links/error/{error}")
        if meta.get("xr_role") == "start" and target == self.profile.start_urls[0]:
            # The portal's own start URL: 站点无法访问. A further start URL that fails is a
            # broken link of the run, not the end of it.
            self.unreachable = f"{error}: {detail}"
            raise CloseSpider("site_unreachable")

    # -- pages --------------------------------------------------------------------------

    def _parse_page(
        self, response: Response, url: str, role: str, column: str | None
    ) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        text, encoding = decode_body(response.body, content_type)
        doc = parse_html(text, response.url)
        meta = extract_meta(doc)
        if url in self.emitted_pages:
            return  # fetched under another role already (a column linked from the home page)
        if role == "page" and canonical(url) in self.columns:
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
                self.scope.add_section(url)
                yield from self._on_section(doc, url)
            return
        for section in sections:
            self.scope.add_section(section.url)
            if self.requested.get(section.url) not in ("section", "start"):
                yield self._get(section.url, "section", priority=90)

    def _on_section(self, doc: Any, url: str) -> Iterator[Any]:
        found = {nav.url: nav.name for nav in discover_columns(doc, url)}
        self.parents |= {canonical(parent) for parent in column_parents(doc, url)}
        for block in list_blocks(doc, url):
            if block.more_url and block.heading:
                found.setdefault(block.more_url, block.heading)
        for column_url, name in found.items():
            if not self.scope.in_site(column_url):
                continue
            self._column(column_url, name, "navigation")
            if canonical(column_url) not in self.lists_requested:
                yield self._get(column_url, "list", column=column_url, priority=50)

    def _on_list(
        self, doc: Any, text: str, response_url: str, url: str, column_url: str
    ) -> Iterator[Any]:
        state = self.columns.get(canonical(column_url)) or self._column(
            column_url, column_name(doc) or column_url, "list"
        )
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in state.page_hashes:
            return  # the same page under another URL (index.html = ?pageNum=1)
        state.page_hashes.add(digest)
        state.list_pages.add(url)
        entries = extract_list_items(doc, response_url)
        for entry in entries:
            state.item_urls.add(entry.url)
            if entry.date and (state.newest is None or entry.date > state.newest):
                state.newest = entry.date
            yield ListItemRecord(
                column_url=column_url,
                list_page=url,
                url=entry.url,
                title=entry.title,
                list_date=entry.date,
            )
            if not is_fetchable(entry.url):
                continue
            if not self.scope.in_site(entry.url):
                # An item published elsewhere (a reprint on another site): checked, not parsed.
                if entry.url not in self.requested:
                    yield self._head(entry.url)
            elif looks_like_attachment(entry.url):
                if entry.url not in self.requested:
                    yield self._get(entry.url, "attachment", column=column_url, priority=20)
            elif self.requested.get(entry.url) not in ("article", "page"):
                yield self._get(entry.url, "article", column=column_url, priority=20)
        if not entries:
            # An empty list is a parent node only if it shows sub-columns below its own folder
            # (or the column tree nests them under it); the usual side menu of sibling
            # columns does not make a 暂无信息 column a parent.
            folder = section_prefix(column_url)
            children = [
                nav
                for nav in discover_columns(doc, response_url)
                if canonical(nav.url) != canonical(column_url) and nav.url.startswith(folder)
            ]
            parents = {canonical(p) for p in column_parents(doc, response_url)}
            state.has_children = canonical(column_url) in parents or any(
                self.scope.in_sections(nav.url) for nav in children
            )
        for next_url in pagination_urls(doc, text, response_url):
            if canonical(next_url) not in self.lists_requested:
                yield self._get(next_url, "list", column=column_url, priority=40)

    def _is_section_home(self, url: str) -> bool:
        """The section's own index under another name (``/xxgk/`` = ``/xxgk/index.html``)."""
        last = urlsplit(url).path.rsplit("/", 1)[-1].lower()
        index_file = last in ("", "index.html", "index.htm", "index.shtml", "default.htm")
        return index_file and section_prefix(url) in self.scope.sections

    # -- links --------------------------------------------------------------------------

    def _schedule(self, link: ExtractedLink) -> Iterator[Any]:
        url = link.url
        if not is_fetchable(url) or url in self.requested:
            return
        if self.scope.in_site(url):
            site_root = origin(url)
            if site_root not in self.probed:
                self.probed.add(site_root)
                probe = f"{site_root}xuncha-probe-{secrets.token_hex(6)}.html"
                yield self._get(probe, "probe", priority=60)
            if (
                link.kind == "page"
                and self.scope.in_sections(url)
                and not looks_like_attachment(url)
            ):
                yield self._get(url, "page", priority=10)
            elif looks_like_attachment(url):
                yield self._get(url, "attachment")
            elif link.kind == "resource":
                yield self._head(url)
            else:
                yield self._get(url, "check")
        else:
            yield self._head(url)

    # -- records ------------------------------------------------------------------------

    def closing_records(self) -> list[Any]:
        """Records known only at the end: the columns' totals and the certificates seen."""
        records: list[Any] = [
            state.record()
            for state in self.columns.values()
            if (state.list_pages or state.source == "profile")
            and not (
                (state.has_children or canonical(state.url) in self.parents) and not state.item_urls
            )
        ]
        records.extend(certificate_records(self.crawler))
        return records
