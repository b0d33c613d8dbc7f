"""The profile's link rules (链接规则, ``links:``) where requests are sent: an excluded target is
never fetched, a slow host gets its own timeout. The rules are read as the checks read them
(:mod:`checks.link_rules`).

``LinkRulesMiddleware`` sits at 90, before robots.txt (100), so that nothing at all is asked
of an excluded target's host, not even its robots.txt:

* a request whose URL a ``links.exclude`` pattern matches first meets the address policy, by
  the guard's own check (:mod:`crawler.network.guard`: a DNS lookup, no connection), so that
  an intranet address is still refused and still a 错链; then :class:`ExcludedLink` (an
  ``IgnoreRequest``) reaches the request's errback, which records nothing. Counted as
  ``xuncha/links/excluded``. Not excluded: a redirect hop (the link that led there was not
  excluded, and is judged by where it ends) and the site search (站内搜索: not a link);
* every request to a ``links.slow_hosts`` host waits its ``timeout`` (``download_timeout``),
  every other the crawl's ``DOWNLOAD_TIMEOUT`` — set each time, because a redirect copies the
  meta of the request it came from, and a slow host's timeout must not follow it elsewhere.

Off (``NotConfigured``) when the profile has neither exclusions nor slow hosts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from checks.config import LinksConfig
from checks.link_rules import LinkRules
from crawler.network.guard import AddressGuardMiddleware

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# Requests of these roles are not links: the rules do not exclude them.
NOT_LINKS = frozenset({"search"})


class ExcludedLink(IgnoreRequest):
    """The request's URL matches ``pattern`` of ``links.exclude``: not sent."""

    def __init__(self, url: str, pattern: str) -> None:
        super().__init__(f"excluded by links.exclude {pattern!r}: {url}")
        self.url = url
        self.pattern = pattern


class LinkRulesMiddleware:
    def __init__(
        self,
        rules: LinkRules,
        default_timeout: float,
        guard: AddressGuardMiddleware | None,
        stats: StatsCollector,
    ) -> None:
        self.rules = rules
        self.default_timeout = default_timeout
        self.guard = guard
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkRulesMiddleware:
        settings = crawler.settings
        rules = LinkRules(LinksConfig.model_validate(settings.getdict("XUNCHA_LINK_RULES")))
        if not (rules.has_exclusions or rules.has_slow_hosts):
            raise NotConfigured  # no message: Scrapy would log a warning on every quiet night
        guard = AddressGuardMiddleware.from_crawler(crawler) if rules.has_exclusions else None
        assert crawler.stats is not None  # built before the middlewares
        return cls(rules, settings.getfloat("DOWNLOAD_TIMEOUT"), guard, crawler.stats)

    async def process_request(self, request: Request) -> None:
        if self.rules.has_slow_hosts:
            timeout = self.rules.timeout(urlparse_cached(request).hostname) or self.default_timeout
            if timeout:
                request.meta["download_timeout"] = timeout
            else:
                request.meta.pop("download_timeout", None)
        if self.guard is None or not self._excludable(request):
            return None
        index = self.rules.excluded(request.url)
        if index is None:
            return None
        await self.guard.process_request(request)  # raises for an address outside the policy
        self.stats.inc_value("xuncha/links/excluded")
        pattern = self.rules.config.exclude[index]
        logger.debug("not fetched, links.exclude %r: %s", pattern, request.url)
        raise ExcludedLink(request.url, pattern)

    @staticmethod
    def _excludable(request: Request) -> bool:
        if request.meta.get("redirect_urls"):
            return False
        return request.cb_kwargs.get("role") not in NOT_LINKS
