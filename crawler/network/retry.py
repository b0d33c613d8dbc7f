"""Retry what may succeed later, after the wait the server asked for (重试与 Retry-After).

Takes the place of Scrapy's ``RetryMiddleware`` (disable that one; see
``crawler.network.NETWORK_SETTINGS``) and keeps its settings: ``RETRY_ENABLED``,
``RETRY_TIMES`` (the profile's ``timeouts.retries``), ``RETRY_HTTP_CODES`` (5xx that are
transient, 408 and 429 by default), ``RETRY_PRIORITY_ADJUST``, and the ``dont_retry`` /
``max_retry_times`` request meta keys.

What is retried: those statuses, timeouts, and connection failures that can be transient
(refused, lost, data loss) — a government server that hiccups should not produce a broken-link
finding. What never is: refused addresses (``BlockedAddress``), names that cannot resolve
(``.invalid``, NXDOMAIN; only a lookup that timed out or got a temporary failure is retried),
and TLS handshake failures — asking again gives the same answer and only adds load.

``Retry-After`` (delta-seconds or an HTTP-date, read against the response's own ``Date`` so a
skewed clock does not matter) delays the retry, capped by ``XUNCHA_RETRY_AFTER_MAX`` (default
30 s). The wait is an ``await`` in the async ``process_response`` Scrapy 2.19 supports, so the
reactor keeps serving other requests; the waiting request keeps its concurrency slot, which
is the polite reading of "come back later".

Stats: ``xuncha/retry/count``, ``xuncha/retry/reason_count/<reason>``,
``xuncha/retry/max_reached`` (from Scrapy's ``get_retry_request``), ``xuncha/retry/waited``
(retries that waited for Retry-After), ``xuncha/retry/wait_ms`` (total wait) and
``xuncha/retry/skipped/<blocked|dns|tls>`` for failures deliberately not retried.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.utils.asyncio import sleep
from twisted.internet import error as tx_error

from crawler.network.guard import BlockedAddress
from crawler.network.resolver import BlockedAddressError, NameNotResolved
from crawler.network.tls import tls_failure

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

STATS_BASE = "xuncha/retry"
DEFAULT_RETRY_AFTER_MAX = 30.0

_TIMEOUTS: tuple[type[BaseException], ...] = (
    DownloadTimeoutError,
    tx_error.TimeoutError,
    tx_error.TCPTimedOutError,
)
_CONNECTION: tuple[type[BaseException], ...] = (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    ResponseDataLossError,
    TunnelError,
    tx_error.ConnectError,
    tx_error.ConnectionLost,
    tx_error.ConnectionDone,
)


def retry_after_seconds(
    value: bytes | str | None, *, now: datetime, cap: float = DEFAULT_RETRY_AFTER_MAX
) -> float | None:
    """Seconds to wait for a ``Retry-After`` value, within [0, cap]; None when absent or bad."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return min(float(text), cap)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(max((moment - now).total_seconds(), 0.0), cap)


def _response_clock(response: Response) -> datetime:
    """The server's "now" (its ``Date`` header), else ours."""
    date = response.headers.get(b"Date")
    if date:
        try:
            moment = parsedate_to_datetime(date.decode("latin-1"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except (TypeError, ValueError, IndexError):
            pass
    return datetime.now(UTC)


def classify_failure(exception: BaseException) -> tuple[bool, str]:
    """(retry?, reason) for a download failure; reason names the kind either way."""
    if isinstance(exception, (BlockedAddress, BlockedAddressError)):
        return False, "blocked"
    if isinstance(exception, IgnoreRequest):
        return False, "ignored"
    if isinstance(exception, NameNotResolved):
        return exception.transient, "dns"
    if isinstance(exception, CannotResolveHostError):
        # The guard resolves every host first, so a handler-side DNS failure is the reactor
        # resolver refusing the name: asking again cannot help.
        return False, "dns"
    if tls_failure(exception) is not None:
        return False, "tls"
    if isinstance(exception, _TIMEOUTS):
        return True, "timeout"
    if isinstance(exception, _CONNECTION):
        return True, "connection"
    return False, type(exception).__name__


class RetryAfterMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        *,
        max_retry_times: int,
        retry_http_codes: set[int],
        priority_adjust: int,
        retry_after_max: float,
    ) -> None:
        self.crawler = crawler
        self.max_retry_times = max_retry_times
        self.retry_http_codes = retry_http_codes
        self.priority_adjust = priority_adjust
        self.retry_after_max = retry_after_max

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        return cls(
            crawler,
            max_retry_times=settings.getint("RETRY_TIMES"),
            retry_http_codes={int(code) for code in settings.getlist("RETRY_HTTP_CODES")},
            priority_adjust=settings.getint("RETRY_PRIORITY_ADJUST"),
            retry_after_max=settings.getfloat("XUNCHA_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX),
        )

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry_request(request, f"http_{response.status}")
        if retry is None:
            return response
        delay = retry_after_seconds(
            response.headers.get(b"Retry-After"),
            now=_response_clock(response),
            cap=self.retry_after_max,
        )
        if delay:
            stats = self.crawler.stats
            assert stats is not None
            stats.inc_value(f"{STATS_BASE}/waited")
            stats.inc_value(f"{STATS_BASE}/wait_ms", round(delay * 1000))
            logger.debug("waiting %.1f s (Retry-After) before retrying %s", delay, request)
            await sleep(delay)
        return retry

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry", False):
            return None
        retry, reason = classify_failure(exception)
        if not retry:
            if reason in ("blocked", "dns", "tls"):
                stats = self.crawler.stats
                assert stats is not None
                stats.inc_value(f"{STATS_BASE}/skipped/{reason}")
            return None
        return self._retry_request(request, reason)

    def _retry_request(self, request: Request, reason: str) -> Request | None:
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            logger=logger,
            stats_base_key=STATS_BASE,
        )
