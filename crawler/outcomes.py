"""Turning a download's result into a link-check outcome: a response, or a named failure.

Error names are the `broken_link` subtypes of docs/checks.md minus the `http_` ones:
``dns_error``, ``timeout``, ``connection_refused``, ``connection_error``, ``tls_error``,
``redirect_loop``, ``too_many_redirects`` and ``blocked`` (the address policy refused to
connect: the check turns that into a `wrong_link`).
"""

from __future__ import annotations

from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_TIMEOUTS = (net_error.TimeoutError, net_error.TCPTimedOutError)
_REFUSED = (net_error.ConnectionRefusedError,)


def _causes(failure: Failure) -> list[BaseException]:
    """The failure's exception and the ones a Twisted HTTP failure wraps."""
    found: list[BaseException] = [failure.value]
    if isinstance(failure.value, ResponseNeverReceived | ResponseFailed):
        for reason in failure.value.reasons:
            found.append(reason.value if isinstance(reason, Failure) else reason)
    return found


def classify_failure(failure: Failure, redirect_urls: list[str] | None = None) -> tuple[str, str]:
    """(error name, one-line detail) for a failed request."""
    for exc in _causes(failure):
        category = getattr(exc, "category", None)
        if category is not None and type(exc).__name__ in {"BlockedAddress", "BlockedAddressError"}:
            address = getattr(exc, "ip", "")
            return "blocked", f"{category} {address}".strip()
        if isinstance(exc, net_error.DNSLookupError):
            return "dns_error", str(exc) or "DNS lookup failed"
        if isinstance(exc, _TIMEOUTS):
            return "timeout", str(exc) or "timed out"
        if isinstance(exc, _REFUSED):
            return "connection_refused", "connection refused"
        module = type(exc).__module__
        if module.startswith("OpenSSL") or "SSL" in type(exc).__name__ or "certificate" in str(exc):
            return "tls_error", str(exc)[:300] or type(exc).__name__
    exc = failure.value
    message = str(exc)
    if "redirect" in message.lower():
        chain = list(redirect_urls or [])
        if len(chain) != len(set(chain)):
            return "redirect_loop", " → ".join(chain[:6])
        return "too_many_redirects", message
    return "connection_error", f"{type(exc).__name__}: {message}"[:300]
