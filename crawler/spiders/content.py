"""ContentCapture: what the content checks need from a crawl beyond links — site-identity marks
(网站标识) on the home page and a sample of inner pages, the home page's newest item, the site
search (站内搜索) asked for that item by its exact title, and the text of attachments (附件)."""

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

from checks.config import FALLBACK_SEARCH_QUERY, IdentityConfig
from crawler.items import PageTextRecord, SearchRecord
from crawler.network.outcomes import classify_failure
from crawler.parsing.attachments import extract_text
from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.guide import might_be_guide, read_guide
from crawler.parsing.links import extract_links
from crawler.parsing.listing import ListEntry, extract_list_items, list_blocks
from crawler.parsing.search import find_search_form
from crawler.parsing.site_marks import extract_identity
from crawler.scope import canonical
from crawler.spiders.recorder import header
from crawler.spiders.requests import SEARCH_PRIORITY, Role
from crawler.state.base import CrawlState

# Pages that may be a 办事指南: an article, a page met inside a section, a column that is one page.
GUIDE_ROLES = frozenset({"article", "page", "list"})
# A title shorter than this is a word, not a title: searching it tests nothing.
MIN_SEARCH_TITLE = 6
_CUT = ("...", "…", "..")


def dated_entries(doc: Any, url: str) -> list[ListEntry]:
    """The dated entries a page shows, in its blocks and its main list."""
    entries = [e for block in list_blocks(doc, url) for e in block.entries if e.date]
    return entries + [e for e in extract_list_items(doc, url) if e.date]


def newest_item(doc: Any, url: str) -> date | None:
    """The newest date among the entries a page shows (the home page's 首页更新)."""
    return max((e.date for e in dated_entries(doc, url) if e.date), default=None)


def searchable_entry(entries: list[ListEntry]) -> ListEntry | None:
    """The newest entry whose title is whole (not cut with "…") and long enough to search for."""
    whole = [
        e for e in entries
        if e.date and len(e.title) >= MIN_SEARCH_TITLE and not e.title.endswith(_CUT)
    ]  # fmt: skip
    return max(whole, key=lambda e: e.date or date.min, default=None)


def links_to_entry(doc: Any, url: str, entry_url: str, title: str) -> bool:
    """Whether a result page links to the item: by its address, or by a link whose text is its
    title (search results often go through a redirect or a differently written address)."""
    wanted = canonical(entry_url)
    for link in extract_links(doc, url):
        if canonical(link.url) == wanted:
            return True
        text = " ".join(link.text.split())
        if text == title or (
            len(text) >= 10 and text.rstrip(".…") and title.startswith(text.rstrip(".…"))
        ):
            return True
    return False


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
        the sampled articles), ``newest_item`` (the home page), ``guide`` (a page structured
        like a 办事指南: checks.guide_elements.GuideStructure)."""
        meta: dict[str, Any] = {}
        sampled = role == "article" and self.state.claim_sample(self.config.sample_pages)
        if role == "home" or sampled:
            meta["identity"] = asdict(extract_identity(doc, html_text))
        if role == "home":
            newest = newest_item(doc, doc.base_url or "")
            if newest is not None:
                meta["newest_item"] = newest.isoformat()
        if role in GUIDE_ROLES and might_be_guide(html_text):
            guide = read_guide(doc)
            if guide is not None:
                meta["guide"] = guide.to_meta()
        return meta

    # -- site search ------------------------------------------------------------------------

    def search(self, doc: Any, url: str, encoding: str) -> scrapy.Request | SearchRecord:
        """The request that asks the home page's search form for its newest item's exact title
        (or the profile's query), or the record that the home page has none."""
        form = find_search_form(doc, url)
        if form is None:
            return SearchRecord(form_found=False)
        entry = None if self.config.search_query else searchable_entry(dated_entries(doc, url))
        query = entry.title if entry else self.config.search_query or FALLBACK_SEARCH_QUERY
        expected = (
            {"title": entry.title, "url": entry.url, "date": entry.date.isoformat()}
            if entry and entry.date
            else None
        )
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
                "expected": expected,
                # What the result page shows beyond the home page's own links counts as a
                # result; the links travel with the request (another worker may get it).
                "home_links": sorted({link.url for link in extract_links(doc, url)}),
            },
            dont_filter=True,
            priority=SEARCH_PRIORITY,
        )

    @staticmethod
    def search_record(
        response: Response,
        target: str,
        query: str,
        home_links: list[str],
        expected: dict[str, str] | None = None,
    ) -> SearchRecord:
        """What the search answered: its status, how many links beyond the home page's, and
        whether one of them is the item searched for."""
        text, _ = decode_body(response.body, header(response, "Content-Type") or "")
        doc = parse_html(text, response.url)
        found = {
            link.url
            for link in extract_links(doc, response.url)
            if link.scheme in ("http", "https")
        }
        # The item searched for is on the home page too: its link is a result all the same.
        own = set(home_links) - {expected["url"]} if expected else set(home_links)
        record = SearchRecord(
            form_found=True,
            action=target,
            query=query,
            status=response.status,
            result_links=len(found - own),
        )
        if expected:
            record.expected_title = expected["title"]
            record.expected_url = expected["url"]
            record.expected_date = date.fromisoformat(expected["date"])
            record.found_expected = links_to_entry(
                doc, response.url, expected["url"], expected["title"]
            )
        return record

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
