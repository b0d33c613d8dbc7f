"""StorePipeline: writes the spider's records into the run's tables, in batches, through the
store's one door for a crawl (:class:`xuncha.store.crawl.CrawlStore`)."""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from checks.model import Link
from crawler.items import (
    CarryRecord,
    CertificateRecord,
    ColumnRecord,
    LinkCheckRecord,
    ListItemRecord,
    PageRecord,
    PageTextRecord,
    RecordBatch,
    SearchRecord,
)
from xuncha.store.crawl import CrawlStore, CrawlWriteError

logger = logging.getLogger(__name__)

# The table each kind of record is a row of.
TABLES: dict[type, str] = {
    PageRecord: "pages",
    Link: "links",
    LinkCheckRecord: "link_checks",
    ListItemRecord: "list_items",
    ColumnRecord: "columns",
    CertificateRecord: "certificates",
    PageTextRecord: "page_texts",
    SearchRecord: "site_searches",
}
_FIELDS = {record: tuple(f.name for f in fields(record)) for record in TABLES}


class StorePipeline:
    """Buffers records per table and inserts them in one statement per batch.

    Batching keeps a crawl of 100,000 pages from paying a transaction per row; everything
    buffered is flushed when the spider closes, however it closes. Off (``NotConfigured``)
    when the crawl names no run, as under a bare ``scrapy crawl``.
    """

    def __init__(
        self,
        crawler: Crawler,
        db_url: str,
        run_id: int,
        batch_size: int,
        prior_run_id: int | None = None,
    ) -> None:
        self.crawler = crawler
        self.store = CrawlStore(db_url)
        self.run_id = run_id
        self.prior_run_id = prior_run_id
        self.carried: list[str] = []
        self.batch_size = batch_size
        self.buffers: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES.values()}
        self.pending = 0
        self.error: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        db_url = settings.get("XUNCHA_DB_URL")
        run_id = settings.getint("XUNCHA_RUN_ID")
        if not db_url or not run_id:
            raise NotConfigured("StorePipeline needs XUNCHA_DB_URL and XUNCHA_RUN_ID")
        return cls(
            crawler,
            db_url,
            run_id,
            settings.getint("XUNCHA_STORE_BATCH", 2000),
            settings.getint("XUNCHA_PRIOR_RUN") or None,
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.error is not None:
            raise DropItem("the store failed earlier in this run")
        if isinstance(item, RecordBatch):
            for record in item.records:
                self._buffer(record)
        else:
            self._buffer(item)
        if self.pending >= self.batch_size:
            self.flush()
        return item

    def _buffer(self, item: Any) -> None:
        if isinstance(item, CarryRecord):
            self.carried.append(item.url)
            self.pending += 1
            return
        table = TABLES.get(type(item))
        if table is None:
            return
        row = {key: getattr(item, key) for key in _FIELDS[type(item)]}
        self.buffers[table].append(self.store.prepare(table, row))
        self.pending += 1

    def _stats(self) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def flush(self) -> None:
        """Write what is buffered. A database error ends the crawl as `store_error`: a run
        whose records could not be stored must not be reported as complete."""
        if not self.pending:
            return
        stats = self._stats()
        for table, rows in self.buffers.items():
            if rows:  # counted per batch: a stats call per row costs more than the row
                stats.inc_value(f"xuncha/store/{table}", len(rows))
        try:
            self.store.write(
                self.run_id, self.buffers, carried=self.carried, prior_run_id=self.prior_run_id
            )
        except CrawlWriteError as exc:
            self.error = str(exc)
            logger.error("store error, ending the crawl: %s", self.error)
            self._stats().set_value("xuncha/store/error", self.error)
            if self.crawler.crawling:  # (not while the crawl is closing anyway)
                engine = self.crawler.engine
                if engine is not None and engine.spider is not None:
                    deferred_from_coro(engine.close_spider_async(reason="store_error"))
        finally:
            for rows in self.buffers.values():
                rows.clear()
            self.carried.clear()
            self.pending = 0

    def close_spider(self, spider: Any = None) -> None:
        closing = getattr(self.crawler.spider, "closing_records", None)
        for record in closing() if closing else ():
            self.process_item(record)
        self.flush()
        self.store.dispose()
