"""The crawler's network layer: where a request may go, how names resolve, what the TLS
handshake showed, retries, robots.txt, and what a failure means. One component per module:
``policy`` (the address policy), ``resolver`` (the reactor's resolver and the network gate),
``guard`` (the downloader middleware that asks the gate), ``tls`` and ``certificates`` (the TLS
inspector and its records), ``retry`` (Retry-After), ``robots``, ``outcomes`` (a failure's name),
``link_rules`` (the profile's excluded targets and slow hosts), ``auth`` (basic authentication
for the profile's hosts).

``NETWORK_SETTINGS`` is the settings fragment that wires the network layer together, so
``crawler/settings.py`` and the tests enable the same thing:

* ``LinkRulesMiddleware`` sits at 90, before robots.txt (100): an excluded target's host is
  asked nothing, not even its robots.txt (the address policy is still applied to it);
* ``RetryAfterMiddleware`` takes the place of Scrapy's ``RetryMiddleware`` (same slot, 550);
* ``BasicAuthMiddleware`` takes the place of Scrapy's ``HttpAuthMiddleware`` and sits at 650,
  after ``RedirectMiddleware`` (600): it takes the profile's credentials off a request before
  a redirect or a retry copies it (see ``crawler.network.auth``);
* ``AddressGuardMiddleware`` sits at 760: after ``HttpProxyMiddleware`` (750), so it judges
  the address the connection really goes to, and before ``DownloaderStats`` (850), so a
  refused request is never counted as sent. Requests made by ``RedirectMiddleware`` go back
  through the scheduler and so through the guard again;
* the reactor resolver and the TLS context factory (see ``crawler.network.resolver``,
  ``crawler.network.tls``).
"""

from __future__ import annotations

from typing import Any

NETWORK_DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "crawler.network.link_rules.LinkRulesMiddleware": 90,
    # robots.txt checked for every waiting request, not only the first (see robots.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.network.robots.SharedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.network.retry.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "crawler.network.auth.BasicAuthMiddleware": 650,
    "crawler.network.guard.AddressGuardMiddleware": 760,
}

NETWORK_SETTINGS: dict[str, Any] = {
    "DOWNLOADER_MIDDLEWARES": NETWORK_DOWNLOADER_MIDDLEWARES,
    "TWISTED_DNS_RESOLVER": "crawler.network.resolver.XunchaResolver",
    "DOWNLOADER_CLIENTCONTEXTFACTORY": "crawler.network.tls.InspectingContextFactory",
}
