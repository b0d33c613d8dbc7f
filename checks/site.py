"""Site-wide checks: the portal's certificate and its reachability (now, and over the week)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from checks.config import ScoringConfig
from checks.model import CertificateView, CrawlData, Finding

# standards §1: the home page is probed at least 20 times a day (for the evidence's "fewer
# tries than the standard"; the judging minimum is ScoringConfig.availability_min_tries).
STANDARD_TRIES_PER_DAY = 20


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


def _scoring(profile: object) -> ScoringConfig:
    scoring = getattr(getattr(profile, "checks", None), "scoring", None)
    return scoring if isinstance(scoring, ScoringConfig) else ScoringConfig()


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


def _availability(data: CrawlData, config: ScoringConfig) -> Finding | None:
    """The week's probes at or over the veto line, once there are enough tries to judge."""
    week = data.availability
    if week is None or week.tries < config.availability_min_tries:
        return None
    percent = 100.0 * week.failures / week.tries
    if percent < config.availability_veto_percent:
        return None
    url = data.start_urls[0]
    standard = STANDARD_TRIES_PER_DAY * config.availability_days
    evidence: dict[str, object] = {
        "tries": week.tries,
        "failures": week.failures,
        "percent": _number(percent),
        "threshold_percent": _number(config.availability_veto_percent),
        "days": config.availability_days,
        "since": week.since.isoformat(timespec="seconds"),
        "until": week.until.isoformat(timespec="seconds"),
    }
    if week.tries < standard:
        # Judged all the same: a site failing 5 % of fewer tries is no better off.
        evidence["standard_tries"] = standard
        evidence["fewer_tries_than_standard"] = True
    return Finding(
        check="site_unreachable",
        subtype="availability",
        severity="high",
        url=url,
        key=f"availability|{url}",
        page=url,
        pages=(url,),
        evidence=evidence,
    )


def site_unreachable(data: CrawlData, profile: object, as_of: object) -> list[Finding]:
    """站点无法访问: the start URL could not be loaded by this run (`start_url`), or the
    home-page probes of the days before the run failed at or over the veto line
    (`availability`: ≥ 5 % of the tries, judged from `availability_min_tries` tries on)."""
    findings = []
    if data.unreachable:
        url = data.start_urls[0]
        findings.append(
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
        )
    week = _availability(data, _scoring(profile))
    if week is not None:
        findings.append(week)
    return findings
