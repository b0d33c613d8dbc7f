"""Refuse requests to addresses outside the allowed networks (内网地址拦截), before download.

The guard resolves the host each request will connect to — the proxy's host when
``request.meta["proxy"]`` is set, else the URL's host — through the same gate and cache as
the reactor resolver (:mod:`crawler.network.resolver`), without blocking the reactor, and:

* lets the request through when every address is allowed;
* raises :class:`BlockedAddress` (an ``IgnoreRequest``) when one is not: no connection is
  attempted, ``xuncha/net/blocked`` and ``xuncha/net/blocked/<category>`` are counted, and the
  request's errback receives the failure (``failure.value.category``, ``.host``, ``.ip``);
* lets :class:`~crawler.network.resolver.NameNotResolved` (a ``CannotResolveHostError``) reach the
  errback when the name does not resolve, counting ``xuncha/net/dns_failed``.

Redirects are caught because ``RedirectMiddleware`` returns new requests to the scheduler,
and every scheduled request passes this middleware again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.network.resolver import (
    BlockedAddressError,
    NameNotResolved,
    NetworkGate,
    gate_from_settings,
)

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_NETWORK_SCHEMES = frozenset({"http", "https", "ftp", "s3"})


class BlockedAddress(IgnoreRequest):
    """The request would connect to ``ip`` (of ``host``), an address of kind ``category``."""

    def __init__(self, host: str, ip: str, category: str) -> None:
        super().__init__(f"refused {host} ({ip}, {category}): outside the allowed networks")
        self.host = host
        self.ip = ip
        self.category = category


def connection_host(request: Request) -> str | None:
    """The host a download of ``request`` connects to, or None for local schemes (data:, file:)."""
    proxy = request.meta.get("proxy")
    if proxy:
        return urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname
    parsed = urlparse_cached(request)
    if parsed.scheme not in _NETWORK_SCHEMES:
        return None
    return parsed.hostname


class AddressGuardMiddleware:
    def __init__(self, gate: NetworkGate, stats: StatsCollector) -> None:
        self.gate = gate
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        from twisted.internet import reactor

        return cls(gate_from_settings(crawler.settings, reactor), crawler.stats)

    async def process_request(self, request: Request) -> None:
        host = connection_host(request)
        if not host:
            return None
        try:
            await maybe_deferred_to_future(self.gate.admit(host))
        except BlockedAddressError as error:
            self.stats.inc_value("xuncha/net/blocked")
            self.stats.inc_value(f"xuncha/net/blocked/{error.category}")
            logger.info("blocked %s: %s", request.url, error)
            raise BlockedAddress(error.host, error.ip, error.category) from error
        except NameNotResolved:
            self.stats.inc_value("xuncha/net/dns_failed")
            raise
        return None
