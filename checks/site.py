"""Site-wide checks: the portal's certificate and its reachability (now, and over the week)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from checks.config import CheckSettings, ScoringConfig
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


def tls_certificates(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """证书问题: one finding per certificate of the portal that a browser would warn about,
    however many of the portal's hosts present it (a wildcard certificate is one problem).

    Expiry is measured at the moment of the crawl (`checked_at`), not at `as_of`: a
    certificate's validity is an observation of the present, unlike a column's freshness.
    """
    if not settings.tls_verify:
        return []
    warning_days = settings.tls_expiry_warning_days
    start_hosts = {urlsplit(url).hostname for url in data.start_urls}
    # (subject, issuer, not_after, subtype): one certificate, one problem.
    groups: dict[
        tuple[str | None, str | None, datetime | None, str],
        list[tuple[CertificateView, str, str]],
    ] = {}
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


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


@dataclass(frozen=True)
class AvailabilityJudgement:
    """站点无法访问 over the home-page probes of a window: the one rule the check, the store
    (which windows to judge) and the run report all apply."""

    tries: int
    failures: int
    percent: float | None  # None without a try
    judged: bool  # enough tries to judge (``availability_min_tries``)
    crossed: bool  # judged, and at or over the veto line
    standard_tries: int  # what the standard asks for in the window (20 a day)

    @property
    def fewer_than_standard(self) -> bool:
        return self.tries < self.standard_tries


def judge_availability(tries: int, failures: int, config: ScoringConfig) -> AvailabilityJudgement:
    """The probes' verdict: crossed at ≥ ``availability_veto_percent`` failures, judged only
    from ``availability_min_tries`` tries on (fewer is the probe cron stopping, no verdict)."""
    percent = 100.0 * failures / tries if tries else None
    judged = tries >= max(1, config.availability_min_tries)
    return AvailabilityJudgement(
        tries=tries,
        failures=failures,
        percent=percent,
        judged=judged,
        crossed=judged and percent is not None and percent >= config.availability_veto_percent,
        standard_tries=STANDARD_TRIES_PER_DAY * config.availability_days,
    )


def _availability(data: CrawlData, config: ScoringConfig) -> Finding | None:
    """The week's probes at or over the veto line, once there are enough tries to judge."""
    week = data.availability
    if week is None:
        return None
    verdict = judge_availability(week.tries, week.failures, config)
    if not verdict.crossed or verdict.percent is None:
        return None
    percent = verdict.percent
    url = data.start_urls[0]
    standard = verdict.standard_tries
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


def site_unreachable(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
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
    week = _availability(data, settings.checks.scoring)
    if week is not None:
        findings.append(week)
    return findings
