"""What the content checks need from a crawl, beyond links: page texts, attachment texts,
site-identity marks, the home page's newest item and the site search.

A mixin of PortalSpider, kept apart so the walking logic stays readable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.items import PageTextRecord, SearchRecord
from crawler.network.outcomes import classify_failure
from crawler.parsing.document import parse_html, visible_text
from crawler.parsing.encoding import decode_body
from crawler.parsing.site_marks import extract_identity
from crawler.parsing.links import extract_links
from crawler.parsing.listing import extract_list_items, list_blocks
from crawler.parsing.search import find_search_form

TEXT_LIMIT = 200_000


class ContentCapture:
    """Mixin: expects `profile`, `crawler`, `state`, `_check_record`, `_page_record` on the
    spider."""

    def _content_meta(self, doc: Any, html_text: str, role: str) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        sample = self.profile.checks.identity.sample_pages  # type: ignore[attr-defined]
        if role == "home" or (role == "article" and self.state.claim_sample(sample)):  # type: ignore[attr-defined]
            meta["identity"] = asdict(extract_identity(doc, html_text))
        if role == "home":
            newest = self._newest_item(doc, doc.base_url or "")
            if newest is not None:
                meta["newest_item"] = newest.isoformat()
        return meta

    @staticmethod
    def _newest_item(doc: Any, url: str) -> Any:
        dates = [e.date for block in list_blocks(doc, url) for e in block.entries if e.date]
        dates += [e.date for e in extract_list_items(doc, url) if e.date]
        return max(dates) if dates else None

    @staticmethod
    def _text_record(url: str, doc: Any) -> PageTextRecord:
        return PageTextRecord(url=url, format="html", text=visible_text(doc, limit=TEXT_LIMIT))

    # -- site search ------------------------------------------------------------------------

    def _search_requests(self, doc: Any, url: str, encoding: str) -> Iterator[Any]:
        form = find_search_form(doc, url)
        if form is None:
            yield SearchRecord(form_found=False)
            return
        query = self.profile.checks.identity.search_query  # type: ignore[attr-defined]
        yield scrapy.FormRequest(
            form.action,
            method=form.method,
            formdata={**form.hidden, form.field: query},
            encoding=encoding if encoding.lower() not in ("ascii",) else "utf-8",
            callback=self._on_search,
            errback=self._on_search_failure,
            meta={
                "xr_role": "search",
                "xr_target": form.action,
                "xr_query": query,
                # What the result page shows beyond the home page's own links counts as a
                # result; the links travel with the request (another worker may get it).
                "xr_home_links": sorted({link.url for link in extract_links(doc, url)}),
            },
            dont_filter=True,
            priority=30,
        )

    def _on_search(self, response: Response) -> Iterator[Any]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        text, _ = decode_body(response.body, content_type)
        doc = parse_html(text, response.url)
        found = {
            link.url
            for link in extract_links(doc, response.url)
            if link.scheme in ("http", "https")
        }
        yield SearchRecord(
            form_found=True,
            action=response.meta["xr_target"],
            query=response.meta["xr_query"],
            status=response.status,
            result_links=len(found - set(response.meta["xr_home_links"])),
        )

    def _on_search_failure(self, failure: Failure) -> Iterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        error, detail = classify_failure(failure, meta.get("redirect_urls"))
        yield SearchRecord(
            form_found=True,
            action=meta.get("xr_target"),
            query=meta.get("xr_query"),
            error=f"{error}: {detail}",
        )

    # -- attachments ---------------------------------------------------------------------

    async def _on_attachment(self, response: Response) -> AsyncIterator[Any]:
        target = response.meta["xr_target"]
        yield self._check_record(response, target, None)  # type: ignore[attr-defined]
        if response.status >= 400 or not response.body:
            return
        column = response.meta.get("xr_column")
        self.state.claim_page(target)  # type: ignore[attr-defined]
        yield self._page_record(response, target, "attachment", column, None)  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("xuncha/pages/attachment")  # type: ignore[attr-defined]
        from crawler.parsing.attachments import extract_text

        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        # Text extraction (PDF above all) is CPU work: keep it off the reactor thread.
        extracted = await maybe_deferred_to_future(
            deferToThread(extract_text, response.body, content_type, target)
        )
        if extracted is not None:
            yield PageTextRecord(
                url=target, format=extracted.format, text=extracted.text, error=extracted.error
            )
