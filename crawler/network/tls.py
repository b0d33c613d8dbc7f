"""Certificate inspection that never stops the crawl (HTTPS 证书检查).

Design
------
A monitor browses on past a certificate warning, like a visitor clicking through it: the
page behind a bad certificate still has links and content to check. So no handshake fails
because of a certificate. Instead each handshake is inspected on the side:

* :class:`InspectingContextFactory` (``DOWNLOADER_CLIENTCONTEXTFACTORY``) hands out TLS
  connections whose verify callback accepts every chain (as Scrapy's default factory does)
  and whose info callback, when the handshake completes, passes the peer's chain to the
  crawl's :class:`TlsInspector`;
* the inspector verifies the chain with pyOpenSSL against the system trust store plus
  ``XUNCHA_TLS_CA_FILE`` (an intranet CA), checks the leaf against the requested host with
  ``service_identity``, and keeps one :class:`CertificateReport` per (host, port). The handshake
  completes before the request is sent, so the report exists by the time the response's
  callback runs: ``TlsInspector.of(crawler).report_for(host, port)``.

How the spider learns of TLS trouble:

* a certificate problem (untrusted, expired, wrong host) never fails a request; the spider
  reads the report. For the portal's own hosts, one ``tls_certificate`` finding per
  (host, port) from :meth:`TlsInspector.reports`; for an external link, a response whose
  report is not ``ok`` is a ``tls_error`` link (a visitor would see a warning page);
* a failed handshake (no common protocol or cipher, a peer that does not speak TLS, a reset
  mid-handshake) fails the request: Scrapy 2.19 wraps it as ``DownloadFailedError`` whose
  cause holds Twisted's ``ResponseNeverReceived`` holding the ``OpenSSL.SSL.Error``.
  :func:`tls_failure` digs it out and returns OpenSSL's reason, or None for other failures;
  the spider files such a link as ``tls_error`` and the retry middleware does not retry it.
  The same helper recognises a hostname refusal by a verifying factory (Scrapy's own with
  ``DOWNLOAD_VERIFY_CERTIFICATES``), should a deployment prefer to fail hard.

Scrapy 2.19 marks ``DOWNLOADER_CLIENTCONTEXTFACTORY`` deprecated (it logs one warning when
the HTTPS handler starts) but still honours it, and it is the only hook into the handshake
of the default ``HTTP11DownloadHandler``. The factory builds on Scrapy's private
``_ScrapyClientContextFactory`` (its public alias is a deprecated shim) and on Twisted's
``ClientTLSOptions`` as Scrapy itself does for Twisted ≥ 26.4.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography import x509
from OpenSSL import SSL, crypto
from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory
from service_identity import CertificateError, VerificationError
from service_identity.cryptography import (
    verify_certificate_hostname,
    verify_certificate_ip_address,
)
from twisted.internet._sslverify import ClientTLSOptions
from twisted.python.failure import Failure

from crawler.network.policy import literal_ip

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.protocols.tls import TLSMemoryBIOProtocol

logger = logging.getLogger(__name__)

_CRAWLER_ATTRIBUTE = "xuncha_tls"


@dataclass(frozen=True)
class CertificateReport:
    """What one (host, port) presented; ``verify_error`` is OpenSSL's message."""

    host: str
    port: int
    trusted: bool
    verify_error: str | None
    hostname_ok: bool
    not_before: datetime
    not_after: datetime
    subject: str
    issuer: str

    @property
    def ok(self) -> bool:
        """What a browser would accept without a warning, expiry included (it fails ``trusted``)."""
        return self.trusted and self.hostname_ok

    def expires_within(self, days: float, as_of: datetime) -> bool:
        return self.not_after - as_of <= timedelta(days=days)


def _hostname_matches(leaf: x509.Certificate, host: str) -> bool:
    try:
        if literal_ip(host) is not None:
            verify_certificate_ip_address(leaf, host)
        else:
            verify_certificate_hostname(leaf, host)
    except (VerificationError, CertificateError):
        return False
    return True


class TlsInspector:
    """The per-crawl book of certificate reports, keyed by (host, port)."""

    def __init__(self, ca_file: str | None = None) -> None:
        self._context = SSL.Context(SSL.TLS_CLIENT_METHOD)  # owns the trust store
        self._context.set_default_verify_paths()
        if ca_file:
            self._context.load_verify_locations(ca_file)
        store = self._context.get_cert_store()
        assert store is not None  # a fresh client context always has one
        self._store = store
        self._reports: dict[tuple[str, int], CertificateReport] = {}

    @classmethod
    def of(cls, crawler: Crawler) -> TlsInspector:
        """The crawler's inspector (``crawler.xuncha_tls``), made on first use."""
        inspector = getattr(crawler, _CRAWLER_ATTRIBUTE, None)
        if inspector is None:
            inspector = cls(crawler.settings.get("XUNCHA_TLS_CA_FILE"))
            setattr(crawler, _CRAWLER_ATTRIBUTE, inspector)
        return inspector

    def inspect(self, host: str, port: int, chain: list[crypto.X509]) -> CertificateReport:
        """Verify a presented chain (leaf first) and record the report."""
        leaf, intermediates = chain[0], chain[1:]
        verify_error: str | None = None
        try:
            crypto.X509StoreContext(self._store, leaf, intermediates).verify_certificate()
        except crypto.X509StoreContextError as error:
            verify_error = str(error)
        certificate = leaf.to_cryptography()
        report = CertificateReport(
            host=host,
            port=port,
            trusted=verify_error is None,
            verify_error=verify_error,
            hostname_ok=_hostname_matches(certificate, host),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
        )
        key = (host.lower(), port)
        known = self._reports.get(key)
        self._reports[key] = report
        # Every connection (and, in TLS 1.3, a post-handshake message) reports again.
        if not report.ok and report != known:
            logger.info("certificate problem at %s:%s: %s", host, port, _describe(report))
        return report

    def report_for(self, host: str, port: int = 443) -> CertificateReport | None:
        return self._reports.get((host.lower(), port))

    def report_for_url(self, url: str) -> CertificateReport | None:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            return None
        return self.report_for(parts.hostname, parts.port or 443)

    def reports(self) -> list[CertificateReport]:
        return list(self._reports.values())


def _describe(report: CertificateReport) -> str:
    problems = [report.verify_error] if report.verify_error else []
    if not report.hostname_ok:
        problems.append(f"not valid for {report.host}")
    return "; ".join(problems)


def _accept_any_certificate(
    _connection: SSL.Connection, _certificate: crypto.X509, _error: int, _depth: int, _ok: int
) -> bool:
    return True


class _InspectingTLSOptions(ClientTLSOptions):
    """Twisted's client options with verification off and a handshake-done inspection."""

    def __init__(self, create: Any, hostname: str, port: int, inspector: TlsInspector) -> None:
        super().__init__(create, hostname)
        self._port = port
        self._inspector = inspector

    def clientConnectionForTLS(self, tlsProtocol: TLSMemoryBIOProtocol) -> SSL.Connection:
        connection = super().clientConnectionForTLS(tlsProtocol)
        # Replace Twisted's callback, which fails the handshake on a hostname mismatch. It
        # must be replaced by another callback: OpenSSL keeps the old one when given NULL,
        # and pyOpenSSL would already have freed it.
        connection.set_verify(SSL.VERIFY_PEER, _accept_any_certificate)
        connection.set_info_callback(self._on_state)
        return connection

    def _on_state(self, connection: SSL.Connection, where: int, _ret: int) -> None:
        if not where & SSL.SSL_CB_HANDSHAKE_DONE:
            return
        try:
            chain = connection.get_peer_cert_chain()
            if chain:  # None on a resumed session: keep the earlier report
                self._inspector.inspect(self._hostnameASCII, self._port, list(chain))
        except Exception:  # an inspection bug must not break the connection
            logger.exception(
                "inspecting the certificate of %s:%s failed", self._hostname, self._port
            )


class InspectingContextFactory(_ScrapyClientContextFactory):
    """``DOWNLOADER_CLIENTCONTEXTFACTORY`` that records certificates instead of rejecting them."""

    def __init__(self, *args: Any, inspector: TlsInspector | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inspector = inspector or TlsInspector()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> InspectingContextFactory:
        return super().from_crawler(crawler, *args, inspector=TlsInspector.of(crawler), **kwargs)

    def creatorForNetloc(  # type: ignore[override]  # as Scrapy's: a concrete creator
        self, hostname: bytes, port: int
    ) -> ClientTLSOptions:
        return _InspectingTLSOptions(
            self._get_cert_options()._makeTLSConnection,
            hostname.decode("ascii"),
            port,
            self.inspector,
        )


def _causes(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    # Twisted types Failure.value as optional (a Failure always has one once constructed).
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for reason in getattr(current, "reasons", None) or ():  # Twisted wrapper exceptions
            if isinstance(reason, Failure):
                pending.append(reason.value)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)


def tls_failure(failure: Failure | BaseException) -> str | None:
    """OpenSSL's reason when a request failed in the TLS handshake, else None."""
    error = failure.value if isinstance(failure, Failure) else failure
    for cause in _causes(error):
        if isinstance(cause, SSL.Error):
            return _openssl_reason(cause)
        if isinstance(cause, (VerificationError, CertificateError)):
            return f"certificate not valid for the host: {cause}"  # a verifying factory's refusal
    return None


def _openssl_reason(error: SSL.Error) -> str:
    entries = error.args[0] if error.args else None
    if isinstance(entries, list):
        reasons = [entry[-1] for entry in entries if isinstance(entry, tuple) and entry]
        if reasons:
            return "; ".join(str(reason) for reason in reasons)
    return str(error) or type(error).__name__
