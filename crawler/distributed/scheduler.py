"""scrapy-redis's scheduler and dupe filter, adapted to the pinned Scrapy (2.19).

The shared frontier of a distributed run (crawler/distributed/frontier.py) is scrapy-redis's: its
scheduler keeps the pending requests in a Redis sorted set, its dupe filter the fingerprints in
a Redis set. Both are used unchanged but for what current Scrapy deprecates or what would reset
the run for the other workers; each class's docstring says which.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)


class _StatsWithoutSpider:
    """Passes scrapy-redis's stats calls on without their ``spider`` argument."""

    def __init__(self, stats: Any) -> None:
        self._stats = stats

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self._stats.inc_value(key, count, start)


class FrontierScheduler(Scheduler):  # type: ignore[misc]  # scrapy_redis ships no types: Any
    """scrapy-redis's scheduler, without the calls current Scrapy deprecates.

    Where warnings are errors (this project's tests) each of these stops a worker:

    * ``enqueue_request`` / ``next_request`` count stats with ``spider=``
      (scrapy_redis/scheduler.py:170, 178), deprecated since Scrapy 2.14: the first scheduled
      request raises and the engine stops;
    * ``open`` logs "Resuming crawl" through ``Spider.log()`` (scheduler.py:155), which the
      pinned Scrapy (2.19) deprecates, exactly when a worker joins a run with requests queued.

    Queue, dupe filter and persistence are scrapy-redis's unchanged.
    """

    df: Any  # set by scrapy-redis's __init__, or on open

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierScheduler:
        if crawler.settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE"):
            raise ValueError("SCHEDULER_IDLE_BEFORE_CLOSE must stay 0 on a shared frontier")
        scheduler: FrontierScheduler = cls.from_settings(crawler.settings)
        scheduler.stats = _StatsWithoutSpider(crawler.stats)
        return scheduler

    def open(self, spider: Any) -> None:
        """scrapy-redis's ``open`` (scheduler.py:133), logging through this module's logger."""
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server,
            spider=spider,
            key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        pending = len(self.queue)
        if pending:
            logger.info("joining a frontier with %d requests scheduled", pending)


class FrontierDupeFilter(RFPDupeFilter):  # type: ignore[misc]  # scrapy_redis ships no types: Any
    """scrapy-redis's Redis-set dupe filter, fingerprinting with Scrapy's fingerprinter.

    scrapy-redis hashes method, canonical URL and body itself (scrapy_redis/dupefilter.py:105)
    and so ignores ``REQUEST_FINGERPRINTER_CLASS``; this one asks ``crawler.request_fingerprinter``,
    like Scrapy's own filter, so a project's fingerprinting applies across workers too (the
    default fingerprinter is a plain SHA-1, the same in every process). ``close()`` keeps the
    shared set: scrapy-redis deletes it there (dupefilter.py:136), which would reset the run
    for every other worker if this filter were used with Scrapy's own scheduler.
    """

    def __init__(self, server: Any, key: str, debug: bool = False, *, fingerprinter: Any) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierDupeFilter:
        settings = crawler.settings
        key = settings.get("SCHEDULER_DUPEFILTER_KEY")
        if not key:
            raise NotConfigured("FrontierDupeFilter needs SCHEDULER_DUPEFILTER_KEY")
        return cls(
            get_redis_from_settings(settings),
            key=key,
            debug=settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    @classmethod
    def from_spider(cls, spider: Any) -> FrontierDupeFilter:
        """How scrapy-redis's scheduler builds its filter (scheduler.py:149)."""
        return cls.from_crawler(spider.crawler)

    def request_fingerprint(self, request: Any) -> str:
        return str(self.fingerprinter.fingerprint(request).hex())

    def close(self, reason: str = "") -> None:
        pass
