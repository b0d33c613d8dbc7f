"""RobotsTxtMiddleware, safe for many requests waiting on one robots.txt.

Scrapy 2.19's middleware parks every request that arrives while a host's robots.txt is still
downloading on one shared Deferred and awaits it through ``Deferred.asFuture``, whose callback
returns None: the first waiter gets the parser, every later one gets None and is let through
unchecked. A normal crawl rarely notices (its first request is alone for a while); a night
that revalidates hundreds of known pages at once (增量巡查) sends them all in the first
second, and a profile's ``obey_robots: true`` would be ignored for most of them. Here each
waiter gets a Deferred of its own, and the shared one passes the parser on.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> Any:
        parser = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(parser, Deferred):
            own: Deferred[Any] = Deferred()

            def hand_on(result: Any) -> Any:
                own.callback(result)
                return result

            parser.addBoth(hand_on)
            return await maybe_deferred_to_future(own)
        return await super().robot_parser(request)
