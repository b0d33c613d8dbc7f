"""Site-wide checks of issue 2: the portal's certificate and its reachability."""

from __future__ import annotations

from datetime import timedelta

from checks.model import CrawlData, Finding


def _in_site(host: str, data: CrawlData) -> bool:
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in data.scope_domains)


def tls_certificates(data: CrawlData, profile: object, as_of: object) -> list[Finding]:
    """证书问题: one finding per portal host whose certificate a browser would warn about.

    Expiry is measured at the moment of the crawl (`checked_at`), not at `as_of`: a
    certificate's validity is an observation of the present, unlike a column's freshness.
    """
    warning_days = getattr(getattr(profile, "tls", None), "expiry_warning_days", 30)
    if not getattr(getattr(profile, "tls", None), "verify", True):
        return []
    findings = []
    for cert in data.certificates:
        if not _in_site(cert.host, data):
            continue
        evidence: dict[str, object] = {"host": cert.host, "port": cert.port}
        if cert.not_after is not None:
            evidence["not_after"] = cert.not_after.date().isoformat()
        if cert.not_after is not None and cert.not_after <= data.checked_at:
            subtype, severity = "expired", "high"
        elif not cert.trusted:
            subtype, severity = "untrusted", "high"
            evidence["verify_error"] = cert.verify_error
        elif not cert.hostname_ok:
            subtype, severity = "hostname_mismatch", "high"
        elif cert.not_after is not None and cert.not_after - data.checked_at <= timedelta(
            days=warning_days
        ):
            subtype, severity = "expiring", "medium"
            evidence["days_left"] = (cert.not_after - data.checked_at).days
        else:
            continue
        port = "" if cert.port == 443 else f":{cert.port}"
        root = f"https://{cert.host}{port}/"
        findings.append(
            Finding(
                check="tls_certificate",
                subtype=subtype,
                severity=severity,
                url=root,
                key=f"{cert.host}:{cert.port}",
                page=root,
                pages=(root,),
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
