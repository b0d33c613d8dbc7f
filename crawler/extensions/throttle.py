"""AutoThrottle that learns from 304 Not Modified as it does from 200.

Scrapy's AutoThrottle lets only 200 responses lower a host's delay (error pages are small and
fast, and would talk it down while the server struggles). On an incremental night (增量巡查)
almost every page answers 304 to its conditional request, so the delay never came down from
its start and a night of 300 requests on a small site took minutes instead of seconds. A 304
is the server's real answer to a real request, not an error: it counts as a 200 here.
"""

from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

NOT_MODIFIED = 304


class ConditionalAutoThrottle(AutoThrottle):
    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        if response.status == NOT_MODIFIED:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
