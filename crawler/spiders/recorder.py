"""PageRecorder: turns Scrapy responses into the plain records of crawler/items.py, so the
walking logic of the spider stays about walking."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from crawler.items import LinkCheckRecord, PageRecord, PageTextRecord
from crawler.parsing.document import parse_html, visible_text
from crawler.parsing.encoding import decode_body
from crawler.spiders.requests import Role, role_of

TEXT_SAMPLE = 600  # characters of a checked page's text kept for the soft-404 judgement
CHECK_READ_BYTES = 200_000  # the bytes of a checked page read for its title and text sample
TEXT_LIMIT = 200_000  # characters of a page's visible text kept for the content checks
# The page's meta tags the checks read (网站标识, 栏目, 发布时间…); the rest are not kept.
KEPT_META = frozenset(
    {
        "SiteName",
        "SiteDomain",
        "SiteIDCode",
        "ColumnName",
        "ColumnType",
        "ArticleTitle",
        "PubDate",
        "ContentSource",
        "Keywords",
        "Description",
    }
)


def now() -> datetime:
    return datetime.now(UTC)


def header(response: Response, name: str) -> str | None:
    """A response header as text (Latin-1, as HTTP has it), None when absent or empty."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def reads_whole(response: Response) -> bool:
    """Whether the walk's parse of the page is the one the check would make: the check reads
    the first ``CHECK_READ_BYTES``, so a page no longer than that is read once, by the walk."""
    return len(response.body) <= CHECK_READ_BYTES and is_html(response)


def is_html(response: Response) -> bool:
    """Whether to parse the response as a page: by its Content-Type, else by its first bytes."""
    content_type = (header(response, "Content-Type") or "").lower()
    if content_type:
        return "html" in content_type or "xml" in content_type
    return response.body[:512].lstrip().lower().startswith((b"<!doctype", b"<html"))


class PageRecorder:
    """Builds page, link-check and text records, counting checks in the crawl's stats."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    def check(
        self, response: Response, target: str, tls_error: str | None, *, read: bool = True
    ) -> LinkCheckRecord:
        """The outcome of checking ``target``, as ``response`` answered it. ``read=False``:
        the page's title and text are left to :meth:`read_check`, by the walk that parses the
        page anyway (see :func:`reads_whole`)."""
        request = response.request
        assert request is not None
        record = LinkCheckRecord(
            target=target,
            checked_at=now(),
            method=request.method,
            status=response.status,
            final_url=response.url,
            redirects=list(response.meta.get("redirect_urls", [])),
            content_type=header(response, "Content-Type"),
            attempts=response.meta.get("retry_times", 0) + 1,
            probe=role_of(request) == "probe",
        )
        if tls_error:
            record.error, record.error_detail = "tls_error", tls_error
        if request.method == "GET" and response.body:
            record.content_hash = hashlib.sha256(response.body).hexdigest()
            # The title and text of a page that answers are read (软404, 外链变质); an error
            # page's are not: no check reads them, and dead links are many.
            if read and response.status < 400 and is_html(response):
                text, _ = decode_body(response.body[:CHECK_READ_BYTES], record.content_type)
                self.read_check(record, parse_html(text, response.url))
        self.stats.inc_value("xuncha/links/checked")
        return record

    @staticmethod
    def read_check(record: LinkCheckRecord, doc: Any) -> None:
        """The title and the start of the text of a checked page (软404, 外链变质)."""
        record.title = (doc.findtext(".//title") or "").strip()[:300] or None
        body = doc.find("body")
        visible = " ".join((body.text_content() if body is not None else "").split())
        record.text_sample = visible[:TEXT_SAMPLE]

    def page(
        self,
        response: Response,
        url: str,
        role: Role,
        column: str | None,
        title: str | None,
        *,
        encoding: str | None = None,
    ) -> PageRecord:
        """A fetched page or document, with what an incremental night needs next time."""
        return PageRecord(
            url=url,
            final_url=response.url,
            role=role,
            status=response.status,
            fetched_at=now(),
            content_type=header(response, "Content-Type"),
            encoding=encoding,
            etag=header(response, "ETag"),
            last_modified=header(response, "Last-Modified"),
            content_hash=hashlib.sha256(response.body).hexdigest(),
            size=len(response.body),
            elapsed=response.meta.get("download_latency"),
            title=title,
            column_url=column,
        )

    @staticmethod
    def text(url: str, doc: Any) -> PageTextRecord:
        """The visible text of a parsed page, for the content checks."""
        return PageTextRecord(url=url, format="html", text=visible_text(doc, limit=TEXT_LIMIT))
