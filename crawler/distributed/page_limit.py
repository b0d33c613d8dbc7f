"""SharedPageLimit: the page limit of a distributed run, counted over every worker."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis_from_settings

from crawler.distributed.keys import FrontierKeys, frontier_keys


class SharedPageLimit:
    """Extension: the profile's page limit (``limits.max_pages``) counted over every worker of
    the run, in place of Scrapy's per-process ``CLOSESPIDER_PAGECOUNT``. The worker whose
    response reaches it stops the run (reason ``closespider_pagecount``, as in one process);
    the others follow at their next heartbeat."""

    def __init__(self, crawler: Any, server: Any, keys: FrontierKeys, limit: int) -> None:
        self.crawler = crawler
        self.server = server
        self.keys = keys
        self.limit = limit
        self.counter = keys.state("pagecount")
        self.closing = False

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
        if self.closing or self.server.incr(self.counter) < self.limit:
            return
        self.closing = True
        reason = "closespider_pagecount"
        self.server.hsetnx(self.keys.stop, "reason", reason)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))
