"""scrapy-redis's scheduler and dupe filter, adapted to the pinned Scrapy (2.19).

The shared frontier of a distributed run (crawler/distributed/frontier.py) is scrapy-redis's: its
scheduler keeps the pending requests in a Redis sorted set, its dupe filter the fingerprints in
a Redis set. Both are used unchanged but for what current Scrapy deprecates, what would reset
the run for the other workers, and the round trips: scrapy-redis sends one command per request
pushed and one transaction per request popped, each a wait of the worker's reactor for Redis;
here they travel in batches. Each class's docstring says what and why.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)


class _StatsWithoutSpider:
    """Passes scrapy-redis's stats calls on without their ``spider`` argument."""

    def __init__(self, stats: Any) -> None:
        self._stats = stats

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self._stats.inc_value(key, count, start)


POP_SHARE = 8  # a pop takes this share of the worker's concurrency (64: 8 requests) …
POP_BATCH = 16  # … and at most this many


class FrontierScheduler(Scheduler):  # type: ignore[misc]  # scrapy_redis ships no types: Any
    """scrapy-redis's scheduler, without the calls current Scrapy deprecates, and with the
    shared queue reached in batches.

    Where warnings are errors (this project's tests) each of these stops a worker:

    * ``enqueue_request`` / ``next_request`` count stats with ``spider=``
      (scrapy_redis/scheduler.py:170, 178), deprecated since Scrapy 2.14: the first scheduled
      request raises and the engine stops;
    * ``open`` logs "Resuming crawl" through ``Spider.log()`` (scheduler.py:155), which the
      pinned Scrapy (2.19) deprecates, exactly when a worker joins a run with requests queued.

    Batches: a request scheduled waits in ``outbox`` until the reactor's next turn, the next
    ``next_request`` or a question about pending requests, whichever comes first, and goes to
    Redis with the others of that turn (a page's links: one round trip, not one each). A pop
    takes requests by priority into ``inbox``, in the same transaction as the pushes waiting:
    an eighth of ``CONCURRENT_REQUESTS`` at a time (at least 1, at most :data:`POP_BATCH`), so
    what a worker holds beyond its requests in flight stays small beside them. Requests in
    either count as pending, so the worker is busy while it holds some
    (crawler/distributed/coordinator.py); one that closes gives back what it holds, one that
    dies loses it, as it loses its requests in flight. A request the dupe filter must see (not
    ``dont_filter``) is checked at once, as in scrapy-redis. The queue must be scrapy-redis's
    ``PriorityQueue`` (a sorted set), the one frontier_settings sets.

    Stats: ``xuncha/frontier/pushes`` and ``xuncha/frontier/pops``, the round trips of each.
    """

    df: Any  # set by scrapy-redis's __init__, or on open
    queue: Any
    inbox: deque[tuple[bytes, float]]  # (request, score) as popped
    outbox: list[tuple[float, bytes]]
    flush_pending: bool = False
    pop_batch: int = 1

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierScheduler:
        if crawler.settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE"):
            raise ValueError("SCHEDULER_IDLE_BEFORE_CLOSE must stay 0 on a shared frontier")
        scheduler: FrontierScheduler = cls.from_settings(crawler.settings)
        scheduler.stats = _StatsWithoutSpider(crawler.stats)
        scheduler.crawler_stats = crawler.stats
        scheduler.inbox = deque()
        share = crawler.settings.getint("CONCURRENT_REQUESTS") // POP_SHARE
        scheduler.pop_batch = max(1, min(POP_BATCH, share))
        scheduler.outbox = []
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
        if not isinstance(self.queue, PriorityQueue):
            raise ValueError("FrontierScheduler needs scrapy_redis.queue.PriorityQueue")
        pending = len(self.queue)
        if pending:
            logger.info("joining a frontier with %d requests scheduled", pending)

    def close(self, reason: str) -> None:
        """What this worker scheduled, and what it took but never sent (a worker stopped by
        itself), goes back to the shared queue for the others, unless the run is gone."""
        if reason != "frontier_gone":  # coordinator.GONE: its owner removed the run
            self.outbox.extend((score, data) for data, score in self.inbox)
            self.inbox.clear()
            self.flush_outbox()
        super().close(reason)

    def __len__(self) -> int:
        return len(self.inbox) + len(self.outbox) + len(self.queue)

    def has_pending_requests(self) -> bool:
        if self.inbox or self.outbox:
            return True
        return bool(len(self.queue))

    def enqueue_request(self, request: Any) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.outbox.append((-request.priority, self.queue._encode_request(request)))
        if not self.flush_pending:
            from twisted.internet import reactor  # the one Scrapy installed

            self.flush_pending = True
            clock: Any = reactor  # typed as the interface, not the installed reactor
            clock.callLater(0, self.flush_outbox)
        return True

    def next_request(self) -> Any:
        if not self.inbox:
            self.inbox.extend(self._exchange(self.pop_batch))
        if not self.inbox:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        return self.queue._decode_request(self.inbox.popleft()[0])

    def flush_outbox(self) -> None:
        self.flush_pending = False
        if self.outbox:
            self._exchange(0)

    def _exchange(self, take: int) -> list[tuple[bytes, float]]:
        """Push the outbox and pop up to ``take`` requests, in one transaction."""
        pipe = self.server.pipeline(transaction=True)
        for score, data in self.outbox:
            pipe.execute_command("ZADD", self.queue.key, score, data)
        if take:
            pipe.zrange(self.queue.key, 0, take - 1, withscores=True)
            pipe.zremrangebyrank(self.queue.key, 0, take - 1)
        pushed = len(self.outbox)
        replies = pipe.execute()
        self.outbox = []  # only once sent: a request pushed twice is one member of the set
        if pushed:
            self.crawler_stats.inc_value("xuncha/frontier/pushes")
        if not take:
            return []
        self.crawler_stats.inc_value("xuncha/frontier/pops")
        return list(replies[-2])


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
