"""The crawl's request queue: a stack whose top is kept in memory and whose bottom goes to disk.

Scrapy keeps one queue per host and priority, and with a job folder each is a disk queue
(crawler/crawl.py keeps a big site's frontier on disk, not in memory). A disk queue pickles every
request it holds, makes a folder the first time it gets one and removes it when it runs empty —
and most queues of a crawl run empty again and again: an incremental night's revalidations,
the few requests of each outside host. That churn was a quarter of an unchanged site's nightly
crawl. This queue holds its newest ``MEMORY_TOP`` to ``2 × MEMORY_TOP`` requests in memory and
moves the older ones to Scrapy's own disk queue only when there are more, so the order is
exactly Scrapy's last-in first-out, memory stays bounded per queue, and a queue that never
grows past its top never touches the disk.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.misc import build_from_crawler

MEMORY_TOP = 256  # requests a queue keeps in memory before it moves its oldest to disk


class SpillingLifoQueue:
    """Last in, first out; the newest requests in memory, the oldest on disk (see above)."""

    def __init__(self, crawler: Crawler, key: str) -> None:
        self.crawler = crawler
        self.key = key
        self.top: list[Request] = []  # the newest requests, the newest last
        self.bottom: Any = None  # the disk queue of the older ones, made when first needed
        self.on_disk = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str) -> SpillingLifoQueue:
        return cls(crawler, key)

    def push(self, request: Request) -> None:
        self.top.append(request)
        if len(self.top) >= 2 * MEMORY_TOP:
            self._spill(len(self.top) - MEMORY_TOP)

    def pop(self) -> Request | None:
        if self.top:
            return self.top.pop()
        if self.on_disk:
            self.on_disk -= 1
            request: Request | None = self.bottom.pop()
            return request
        return None

    def peek(self) -> Request | None:
        if self.top:
            return self.top[-1]
        if self.on_disk:
            request: Request | None = self.bottom.peek()
            return request
        return None

    def close(self) -> None:
        """What is still queued goes to disk, as a disk queue keeps it; an empty queue leaves
        no folder behind."""
        if self.top:
            self._spill(len(self.top))
        if self.bottom is not None:
            self.bottom.close()

    def __len__(self) -> int:
        return len(self.top) + self.on_disk

    def _spill(self, count: int) -> None:
        """Move the ``count`` oldest requests in memory to the disk queue, oldest first (the
        disk is the bottom of the stack, so it pops them after everything above)."""
        if self.bottom is None:
            self.bottom = build_from_crawler(PickleLifoDiskQueue, self.crawler, self.key)
        kept = []
        for request in self.top[:count]:
            try:
                self.bottom.push(request)
            except ValueError:  # not picklable (Scrapy's own queues keep it in memory too)
                kept.append(request)
            else:
                self.on_disk += 1
        self.top[:count] = kept
