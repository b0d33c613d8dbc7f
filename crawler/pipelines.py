"""StorePipeline: writes the spider's records into the run's tables, in batches."""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import String, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from crawler.items import (
    CarryRecord,
    CertificateRecord,
    ColumnRecord,
    LinkCheckRecord,
    LinkRecord,
    ListItemRecord,
    PageRecord,
    PageTextRecord,
    RecordBatch,
    SearchRecord,
)
from xuncha.run.incremental import carry_pages
from xuncha.store import (
    Certificate,
    Column,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    SiteSearch,
    Store,
)

logger = logging.getLogger(__name__)

_TABLES: dict[type, type] = {
    PageRecord: Page,
    LinkRecord: LinkOccurrence,
    LinkCheckRecord: LinkCheck,
    ListItemRecord: ListItem,
    ColumnRecord: Column,
    CertificateRecord: Certificate,
    PageTextRecord: PageText,
    SearchRecord: SiteSearch,
}


# Indexed text columns: PostgreSQL refuses btree entries over ~2.7 kB, and an inline
# data: image or a runaway URL gets there. Such values are clipped (and deduplicated).
INDEXED_TEXT = {"url", "target", "page"}
INDEXED_TEXT_MAX = 2000


def _clean(value: Any) -> Any:
    """NUL bytes are legal in a page but not in a PostgreSQL text value."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _limits(model: type) -> dict[str, int]:
    limits = {}
    for column in model.__table__.columns:
        if isinstance(column.type, String) and column.type.length:
            limits[column.name] = column.type.length
        elif column.name in INDEXED_TEXT:
            limits[column.name] = INDEXED_TEXT_MAX
    return limits


_LIMITS = {model: _limits(model) for model in _TABLES.values()}
_FIELDS = {record: tuple(f.name for f in fields(record)) for record in _TABLES}


class StorePipeline:
    """Buffers records per table and inserts them in one statement per batch.

    Batching keeps a crawl of 100,000 pages from paying a transaction per row; everything
    buffered is flushed when the spider closes, however it closes.
    """

    def __init__(
        self, db_url: str, run_id: int, batch_size: int, prior_run_id: int | None = None
    ) -> None:
        self.store = Store(db_url, migrate=False)
        self.run_id = run_id
        self.prior_run_id = prior_run_id
        self.carried: list[str] = []
        self.batch_size = batch_size
        self.buffers: dict[type, list[dict[str, Any]]] = {model: [] for model in _TABLES.values()}
        self.pending = 0
        self.error: str | None = None

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        db_url = settings.get("XUNCHA_DB_URL")
        run_id = settings.getint("XUNCHA_RUN_ID")
        if not db_url or not run_id:
            raise NotConfigured("StorePipeline needs XUNCHA_DB_URL and XUNCHA_RUN_ID")
        pipeline = cls(
            db_url,
            run_id,
            settings.getint("XUNCHA_STORE_BATCH", 2000),
            settings.getint("XUNCHA_PRIOR_RUN") or None,
        )
        pipeline.crawler = crawler
        pipeline.stats = crawler.stats
        return pipeline

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
        model = _TABLES.get(type(item))
        if model is None:
            return
        row = {key: _clean(getattr(item, key)) for key in _FIELDS[type(item)]}
        for name, limit in _LIMITS[model].items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > limit:
                row[name] = value[:limit]
        row["run_id"] = self.run_id
        self.buffers[model].append(row)
        self.pending += 1
        self.stats.inc_value(f"xuncha/store/{model.__tablename__}")

    def flush(self) -> None:
        """Write what is buffered. A database error ends the crawl as `store_error`: a run
        whose records could not be stored must not be reported as complete."""
        if not self.pending:
            return
        try:
            with self.store.session() as session, session.begin():
                for model, rows in self.buffers.items():
                    if rows:
                        session.execute(self._insert(model), rows)
                if self.carried and self.prior_run_id is not None:
                    carry_pages(session, self.run_id, self.prior_run_id, self.carried)
        except SQLAlchemyError as exc:
            self.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            logger.error("store error, ending the crawl: %s", self.error)
            self.crawler.stats.set_value("xuncha/store/error", self.error)
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason="store_error"))
        finally:
            for rows in self.buffers.values():
                rows.clear()
            self.carried.clear()
            self.pending = 0

    def _insert(self, model: type) -> Any:
        """INSERT that skips a row whose unique key is already stored: the spider emits each
        page and target once, and this keeps a slip from costing the whole batch."""
        dialect = self.store.engine.dialect.name
        table = model.__table__  # Core, not the ORM's bulk path: rows are plain dicts anyway
        if dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        if dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        return insert(table)

    def close_spider(self, spider: Any = None) -> None:
        closing = getattr(self.crawler.spider, "closing_records", None)
        for record in closing() if closing else ():
            self.process_item(record)
        self.flush()
        self.store.dispose()
