"""Bridging the TLS inspector and the spider: which failures are broken links, which are
the portal's own certificate problem (one `tls_certificate` finding, not one per page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.items import CertificateRecord


def _inspector(crawler: Any) -> Any:
    return getattr(crawler, "xuncha_tls", None)


def tls_failure_for(crawler: Any, response: Any, scope: Any) -> str | None:
    """Why an https response from OUTSIDE the portal must count as broken (untrusted,
    expired or mismatched certificate: a browser would stop there), else None."""
    inspector = _inspector(crawler)
    parts = urlsplit(response.url)
    if inspector is None or parts.scheme != "https" or scope.in_site(response.url):
        return None
    report = inspector.report_for(parts.hostname, parts.port or 443)
    if report is None:
        return None
    if not report.trusted:
        return report.verify_error or "certificate not trusted"
    if not report.hostname_ok:
        return f"certificate does not match host {parts.hostname}"
    return None


def certificate_records(crawler: Any) -> list[CertificateRecord]:
    inspector = _inspector(crawler)
    if inspector is None:
        return []
    return [
        CertificateRecord(
            host=r.host,
            port=r.port,
            trusted=r.trusted,
            hostname_ok=r.hostname_ok,
            verify_error=r.verify_error,
            not_before=r.not_before,
            not_after=r.not_after,
            subject=r.subject,
            issuer=r.issuer,
        )
        for r in inspector.reports()
    ]
