"""ContentCapture: what the content checks need from a crawl beyond links — site-identity marks
(网站标识) on the home page and a sample of inner pages, the home page's newest item, the site
search (站内搜索) asked one query, and the text of attachments (附件)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from checks.config import IdentityConfig
from crawler.items import PageTextRecord, SearchRecord
from crawler.network.outcomes import classify_failure
from crawler.parsing.attachments import extract_text
from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.links import extract_links
from crawler.parsing.listing import extract_list_items, list_blocks
from crawler.parsing.search import find_search_form
from crawler.parsing.site_marks import extract_identity
from crawler.spiders.recorder import header
from crawler.spiders.requests import SEARCH_PRIORITY, Role
from crawler.state.base import CrawlState


def newest_item(doc: Any, url: str) -> date | None:
    """The newest date among the entries a page shows (the home page's 首页更新)."""
    dates = [e.date for block in list_blocks(doc, url) for e in block.entries if e.date]
    dates += [e.date for e in extract_list_items(doc, url) if e.date]
    return max(dates) if dates else None


class ContentCapture:
    """Decides which pages are sampled for the identity marks (the ``state`` shares the count
    between workers) and builds the site-search request and its record."""

    def __init__(
        self,
        config: IdentityConfig,
        state: CrawlState,
        *,
        on_search: Callable[..., Any],
        on_search_failure: Callable[..., Any],
    ) -> None:
        self.config = config
        self.state = state
        self.on_search = on_search
        self.on_search_failure = on_search_failure

    def page_meta(self, doc: Any, html_text: str, role: Role) -> dict[str, Any]:
        """What a page record carries beyond its meta tags: ``identity`` (the home page and
        the sampled articles), ``newest_item`` (the home page)."""
        meta: dict[str, Any] = {}
        sampled = role == "article" and self.state.claim_sample(self.config.sample_pages)
        if role == "home" or sampled:
            meta["identity"] = asdict(extract_identity(doc, html_text))
        if role == "home":
            newest = newest_item(doc, doc.base_url or "")
            if newest is not None:
                meta["newest_item"] = newest.isoformat()
        return meta

    # -- site search ------------------------------------------------------------------------

    def search(self, doc: Any, url: str, encoding: str) -> scrapy.Request | SearchRecord:
        """The request that asks the home page's search form one query, or the record that
        the home page has none."""
        form = find_search_form(doc, url)
        if form is None:
            return SearchRecord(form_found=False)
        query = self.config.search_query
        return scrapy.FormRequest(
            form.action,
            method=form.method,
            formdata={**form.hidden, form.field: query},
            encoding=encoding if encoding.lower() not in ("ascii",) else "utf-8",
            callback=self.on_search,
            errback=self.on_search_failure,
            cb_kwargs={
                "role": "search",
                "target": form.action,
                "query": query,
                # What the result page shows beyond the home page's own links counts as a
                # result; the links travel with the request (another worker may get it).
                "home_links": sorted({link.url for link in extract_links(doc, url)}),
            },
            dont_filter=True,
            priority=SEARCH_PRIORITY,
        )

    @staticmethod
    def search_record(
        response: Response, target: str, query: str, home_links: list[str]
    ) -> SearchRecord:
        """What the search answered: its status and how many links beyond the home page's."""
        text, _ = decode_body(response.body, header(response, "Content-Type") or "")
        doc = parse_html(text, response.url)
        found = {
            link.url
            for link in extract_links(doc, response.url)
            if link.scheme in ("http", "https")
        }
        return SearchRecord(
            form_found=True,
            action=target,
            query=query,
            status=response.status,
            result_links=len(found - set(home_links)),
        )

    @staticmethod
    def search_failed(failure: Failure) -> SearchRecord:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        error, detail = classify_failure(failure, request.meta.get("redirect_urls"))
        return SearchRecord(
            form_found=True,
            action=request.cb_kwargs.get("target"),
            query=request.cb_kwargs.get("query"),
            error=f"{error}: {detail}",
        )

    # -- attachments ---------------------------------------------------------------------

    @staticmethod
    async def attachment_text(response: Response, target: str) -> PageTextRecord | None:
        """The text of an attachment, extracted off the reactor thread (PDF above all is CPU
        work); None for a format no text is read from."""
        content_type = header(response, "Content-Type")
        extracted = await maybe_deferred_to_future(
            deferToThread(extract_text, response.body, content_type, target)
        )
        if extracted is None:
            return None
        return PageTextRecord(
            url=target, format=extracted.format, text=extracted.text, error=extracted.error
        )
