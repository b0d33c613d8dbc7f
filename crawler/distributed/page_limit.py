"""SharedPageLimit: the page limit of a distributed run, counted over every worker."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis_from_settings

from crawler.distributed.keys import FrontierKeys, frontier_keys

STEP_SHARE = 64  # a worker adds its count at least every (pages left to the limit) / this
MAX_STEP = 32  # and at least every this many responses


class SharedPageLimit:
    """Extension: the profile's page limit (``limits.max_pages``) counted over every worker of
    the run, in place of Scrapy's per-process ``CLOSESPIDER_PAGECOUNT``. The worker whose
    response reaches it stops the run (reason ``closespider_pagecount``, as in one process);
    the others follow at their next heartbeat.

    A worker counts its responses itself and adds them to the run's count in steps, not one
    round trip each: a step is a 64th of what was left to the limit at its last addition (at
    most 32), so near the limit every response counts at once and the run overshoots it by
    at most a few pages per worker, as Scrapy's own limit does by the requests in flight."""

    def __init__(self, crawler: Any, server: Any, keys: FrontierKeys, limit: int) -> None:
        self.crawler = crawler
        self.server = server
        self.keys = keys
        self.limit = limit
        self.counter = keys.state("pagecount")
        self.closing = False
        self.unsent = 0
        self.step = 1

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedPageLimit:
        settings = crawler.settings
        limit = settings.getint("XUNCHA_FRONTIER_MAX_PAGES")
        if not settings.get("XUNCHA_FRONTIER_RUN") or not limit:
            raise NotConfigured
        extension = cls(crawler, get_redis_from_settings(settings), frontier_keys(settings), limit)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        return extension

    def response_received(self, **_: Any) -> None:
        if self.closing:
            return
        self.unsent += 1
        if self.unsent < self.step:
            return
        total = self.server.incrby(self.counter, self.unsent)
        self.unsent = 0
        self.step = max(1, min(MAX_STEP, (self.limit - total) // STEP_SHARE))
        if total < self.limit:
            return
        self.closing = True
        reason = "closespider_pagecount"
        self.server.hsetnx(self.keys.stop, "reason", reason)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))
