"""FrontierSeeding: only the seeding process of a distributed run schedules its start
requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.exceptions import NotConfigured


class FrontierSeeding:
    """Spider middleware: a joining worker runs the spider's ``start()`` to its end, so the
    state it sets up exists in every worker, but schedules none of what it yields. (A spider
    whose ``start()`` also writes shared state checks ``XUNCHA_FRONTIER_SEED`` itself, as
    PortalSpider does: a joiner's claims would keep the seeder from scheduling them.)"""

    def __init__(self, seed: bool) -> None:
        self.seed = seed

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierSeeding:
        if not crawler.settings.get("XUNCHA_FRONTIER_RUN"):
            raise NotConfigured
        return cls(crawler.settings.getbool("XUNCHA_FRONTIER_SEED", True))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            if self.seed:
                yield item_or_request
