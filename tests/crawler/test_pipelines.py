"""StorePipeline on a real SQLite store: records go to their tables in batches through the
store's one door for a crawl, and a database that fails ends the crawl as ``store_error``
instead of a run reported complete."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select, text

from checks.model import Link
from crawler.items import LinkCheckRecord, PageRecord, RecordBatch
from crawler.pipelines import StorePipeline
from xuncha.store import LinkCheck, LinkOccurrence, Page, Run, Site, Store

PAGE = "https://www.example.gov.cn/zwgk/"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def run_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'xuncha.db'}"
    store = Store(url)
    with store.session() as session, session.begin():
        site = Site(key=PAGE, name="示例", start_url=PAGE)
        session.add(site)
        session.flush()
        run = Run(site_id=site.id, started_at=NOW, as_of=date(2026, 11, 20), status="running")
        session.add(run)
        session.flush()
        run_id = run.id
    yield store, url, run_id
    store.dispose()


def _pipeline(url: str, run_id: int, batch: int = 2) -> StorePipeline:
    settings = {"XUNCHA_DB_URL": url, "XUNCHA_RUN_ID": run_id, "XUNCHA_STORE_BATCH": batch}
    return StorePipeline.from_crawler(get_crawler(settings_dict=settings))


def _records(n: int) -> RecordBatch:
    page = PageRecord(url=PAGE, final_url=PAGE, role="section", status=200, fetched_at=NOW)
    links = [
        Link(PAGE, f"{PAGE}t{i}.html", f"t{i}.html", "a", "href", "page", "通知") for i in range(n)
    ]
    check = LinkCheckRecord(target=PAGE, checked_at=NOW, method="GET", status=200)
    return RecordBatch([page, *links, check])


def _count(store: Store, model: type) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_records_reach_their_tables_in_batches(run_store) -> None:
    store, url, run_id = run_store
    pipeline = _pipeline(url, run_id, batch=3)
    pipeline.process_item(_records(1))  # 3 records: one batch written at once
    assert (_count(store, Page), _count(store, LinkOccurrence), _count(store, LinkCheck)) == (
        1,
        1,
        1,
    )
    pipeline.process_item(
        RecordBatch([Link(PAGE, f"{PAGE}x.html", "x.html", "a", "href", "page", "")])
    )
    assert _count(store, LinkOccurrence) == 1  # buffered, not written yet
    pipeline.close_spider()
    assert _count(store, LinkOccurrence) == 2
    stats = pipeline.crawler.stats.get_stats()
    assert (stats["xuncha/store/pages"], stats["xuncha/store/links"]) == (1, 2)


def test_a_page_recorded_twice_costs_nothing_but_the_duplicate(run_store) -> None:
    store, url, run_id = run_store
    pipeline = _pipeline(url, run_id, batch=100)
    pipeline.process_item(_records(2))
    pipeline.process_item(_records(0))  # the same page and check again: skipped, not an error
    pipeline.close_spider()
    assert (_count(store, Page), _count(store, LinkCheck), pipeline.error) == (1, 1, None)


def test_a_database_that_fails_ends_the_crawl_as_a_store_error(run_store) -> None:
    store, url, run_id = run_store
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE links"))
    pipeline = _pipeline(url, run_id, batch=1)
    pipeline.process_item(_records(1))
    assert pipeline.error is not None and pipeline.error.startswith("OperationalError: ")
    assert "links" in pipeline.error
    stats = pipeline.crawler.stats.get_stats()
    assert stats["xuncha/store/error"] == pipeline.error
    with pytest.raises(DropItem):
        pipeline.process_item(_records(1))  # nothing more is taken once the store failed


def test_a_crawl_that_names_no_run_stores_nothing() -> None:
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(get_crawler())
