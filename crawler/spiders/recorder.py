"""What the spider records, and how: the record builders and the state of a column.

A mixin of PortalSpider: it turns Scrapy responses into the plain records of
crawler/items.py, so the walking logic in portal.py stays about walking.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from scrapy.http import Response

from crawler.items import ColumnRecord, LinkCheckRecord, PageRecord
from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body

TEXT_SAMPLE = 600  # characters of a checked page's text kept for the soft-404 judgement


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ColumnState:
    """What is known of one column while its pages are still being walked."""

    url: str
    name: str
    source: str
    kind: str | None = None
    unit: str | None = None
    list_pages: set[str] = field(default_factory=set)
    item_urls: set[int] = field(default_factory=set)  # digests of the items' URLs
    page_hashes: set[str] = field(default_factory=set)
    newest: date | None = None
    has_children: bool = False

    def record(self) -> ColumnRecord:
        return ColumnRecord(
            url=self.url,
            name=self.name,
            source=self.source,
            kind=self.kind,
            unit=self.unit,
            list_pages=len(self.list_pages),
            items=len(self.item_urls),
            newest=self.newest,
        )


class RecordBuilder:
    """Mixin: builds page and link-check records; expects `crawler` on the spider."""

    @staticmethod
    def _is_html(response: Response) -> bool:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if content_type:
            return "html" in content_type or "xml" in content_type
        return response.body[:512].lstrip().lower().startswith((b"<!doctype", b"<html"))

    def _check_record(
        self, response: Response, target: str, tls_error: str | None
    ) -> LinkCheckRecord:
        record = LinkCheckRecord(
            target=target,
            checked_at=now(),
            method=response.request.method,
            status=response.status,
            final_url=response.url,
            redirects=list(response.meta.get("redirect_urls", [])),
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            attempts=response.meta.get("retry_times", 0) + 1,
            probe=response.meta.get("xr_role") == "probe",
        )
        if tls_error:
            record.error, record.error_detail = "tls_error", tls_error
        if response.request.method == "GET" and response.body:
            record.content_hash = hashlib.sha256(response.body).hexdigest()
            if self._is_html(response):
                text, _ = decode_body(response.body[:200_000], record.content_type)
                doc = parse_html(text, response.url)
                record.title = (doc.findtext(".//title") or "").strip()[:300] or None
                body = doc.find("body")
                visible = " ".join((body.text_content() if body is not None else "").split())
                record.text_sample = visible[:TEXT_SAMPLE]
        self.crawler.stats.inc_value("xuncha/links/checked")
        return record

    def _page_record(
        self,
        response: Response,
        url: str,
        role: str,
        column: str | None,
        title: str | None,
        *,
        encoding: str | None = None,
    ) -> PageRecord:
        headers = response.headers
        return PageRecord(
            url=url,
            final_url=response.url,
            role=role,
            status=response.status,
            fetched_at=now(),
            content_type=headers.get("Content-Type", b"").decode("latin-1") or None,
            encoding=encoding,
            etag=headers.get("ETag", b"").decode("latin-1") or None,
            last_modified=headers.get("Last-Modified", b"").decode("latin-1") or None,
            content_hash=hashlib.sha256(response.body).hexdigest(),
            size=len(response.body),
            elapsed=response.meta.get("download_latency"),
            title=title,
            column_url=column,
        )


KEPT_META = {
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
