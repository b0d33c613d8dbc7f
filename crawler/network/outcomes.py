"""Turning a failed download into a link-check outcome: a named error and one line of detail.

Error names are `broken_link` subtypes: ``dns_error``, ``timeout``, ``connection_refused``,
``connection_error``, ``tls_error``, ``redirect_loop``, ``too_many_redirects``; plus
``blocked`` (the address policy refused to connect; the check makes that a `wrong_link`) and
``too_large`` (cancelled at the download size limit: the link works).
Scrapy 2.19's download handler wraps Twisted's errors in ``scrapy.exceptions`` types with the
original in ``__cause__``; both generations are recognised.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from twisted.internet import error as net_error
from twisted.python.failure import Failure

from crawler.network.guard import BlockedAddress
from crawler.network.resolver import BlockedAddressError
from crawler.network.tls import tls_failure

_DNS = (CannotResolveHostError, net_error.DNSLookupError)
_TIMEOUT = (DownloadTimeoutError, net_error.TimeoutError, net_error.TCPTimedOutError)
_REFUSED = (DownloadConnectionRefusedError, net_error.ConnectionRefusedError)


def _chain(exc: BaseException | None) -> list[BaseException]:
    found = []
    while exc is not None and exc not in found:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


def classify_failure(failure: Failure, redirect_urls: list[str] | None = None) -> tuple[str, str]:
    """(error name, one-line detail) for a failed request."""
    chain = _chain(failure.value)
    for exc in chain:
        if isinstance(exc, BlockedAddress | BlockedAddressError):
            return "blocked", f"{exc.category} {exc.ip}"
        if isinstance(exc, DownloadCancelledError) or (
            isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc)
        ):
            # Cancelled at the size limit (while downloading, or while inflating a compressed
            # body: a gzip bomb, a large gzip-served document): there, only too large to keep.
            return "too_large", str(exc)[:300]
    reason = tls_failure(failure)
    if reason:
        return "tls_error", reason[:300]
    for exc in chain:
        if isinstance(exc, _DNS):
            return "dns_error", (str(exc) or "DNS lookup failed")[:300]
        if isinstance(exc, _TIMEOUT):
            return "timeout", (str(exc) or "timed out")[:300]
        if isinstance(exc, _REFUSED):
            return "connection_refused", "connection refused"
    message = str(failure.value)
    if "redirect" in message.lower():
        chain_urls = list(redirect_urls or [])
        if len(chain_urls) != len(set(chain_urls)):
            return "redirect_loop", " → ".join(chain_urls[:6])
        return "too_many_redirects", message[:300]
    return "connection_error", f"{type(failure.value).__name__}: {message}"[:300]
