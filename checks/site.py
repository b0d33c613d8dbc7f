"""Site-wide checks of issue 2: the portal's certificate and its reachability."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from checks.model import CertificateView, CrawlData, Finding


def _in_site(host: str, data: CrawlData) -> bool:
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in data.scope_domains)


def _certificate_problem(
    cert: CertificateView, data: CrawlData, warning_days: int
) -> tuple[str, str] | None:
    if cert.not_after is not None and cert.not_after <= data.checked_at:
        return "expired", "high"
    if not cert.trusted:
        return "untrusted", "high"
    if not cert.hostname_ok:
        return "hostname_mismatch", "high"
    if cert.not_after is not None and cert.not_after - data.checked_at <= timedelta(
        days=warning_days
    ):
        return "expiring", "medium"
    return None


def _root(cert: CertificateView) -> str:
    port = "" if cert.port == 443 else f":{cert.port}"
    return f"https://{cert.host}{port}/"


def tls_certificates(data: CrawlData, profile: object, as_of: object) -> list[Finding]:
    """证书问题: one finding per certificate of the portal that a browser would warn about,
    however many of the portal's hosts present it (a wildcard certificate is one problem).

    Expiry is measured at the moment of the crawl (`checked_at`), not at `as_of`: a
    certificate's validity is an observation of the present, unlike a column's freshness.
    """
    tls = getattr(profile, "tls", None)
    if not getattr(tls, "verify", True):
        return []
    warning_days = getattr(tls, "expiry_warning_days", 30)
    start_hosts = {urlsplit(url).hostname for url in data.start_urls}
    groups: dict[tuple[object, ...], list[tuple[CertificateView, str, str]]] = {}
    for cert in data.certificates:
        if not _in_site(cert.host, data):
            continue
        problem = _certificate_problem(cert, data, warning_days)
        if problem is None:
            continue
        identity = (cert.subject, cert.issuer, cert.not_after, problem[0])
        groups.setdefault(identity, []).append((cert, *problem))
    findings = []
    for (subject, _issuer, _not_after, subtype), members in groups.items():
        members.sort(key=lambda m: (m[0].host not in start_hosts, m[0].host, m[0].port))
        first, _, severity = members[0]
        roots = tuple(_root(cert) for cert, _, _ in members)
        evidence: dict[str, object] = {"hosts": [f"{c.host}:{c.port}" for c, _, _ in members]}
        if first.not_after is not None:
            evidence["not_after"] = first.not_after.date().isoformat()
            evidence["days_left"] = (first.not_after - data.checked_at).days
        if first.verify_error:
            evidence["verify_error"] = first.verify_error
        if subject:
            evidence["subject"] = subject
        findings.append(
            Finding(
                check="tls_certificate",
                subtype=subtype,
                severity=severity,
                url=roots[0],
                key=f"{subtype}|{subject or first.host}",
                page=roots[0],
                pages=roots,
                evidence=evidence,
            )
        )
    return findings


def site_unreachable(data: CrawlData, profile: object, as_of: object) -> list[Finding]:
    """站点无法访问: the start URL could not be loaded."""
    if not data.unreachable:
        return []
    url = data.start_urls[0]
    return [
        Finding(
            check="site_unreachable",
            subtype="start_url",
            severity="high",
            url=url,
            key=url,
            page=url,
            pages=(url,),
            evidence={"error": data.unreachable},
        )
    ]
