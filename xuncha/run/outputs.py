"""The outputs: what a run writes (findings.json, report.html, ledger.xlsx) and what ``xuncha
report``, ``ledger`` and ``lookback`` rebuild from the store.

Each report lives in reports/ with its context, its builder and its writer; this module is the
app's half: it reads the report's rows from the store and hands them over. Findings are read
a chunk at a time as the report is written (a run can hold tens of thousands), so a caller's
session must stay open until a report is written.

Layout of ``xuncha report``'s folder::

    index.html              one row per site: latest run, verdict, score, open findings, trend
    site-<id>/report.html   the latest run report of that site
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks.config import ScoringConfig
from checks.mandatory import not_yet_due
from reports import times
from reports.findings_json import ExportRun, findings_document, write_json
from reports.history import RunDates
from reports.ledger import LedgerRow, ledger_row, write_ledger
from reports.lookback import LookBackEntry, LookBackReport, build_lookback
from reports.run_report import (
    FindingChanges,
    ProbeWindow,
    RunReport,
    RunReportData,
    build_run_report,
    spider_trap_notes,
    write_run_report,
)
from reports.site_index import SiteIndex, SiteRow, write_site_index
from xuncha.errors import XunchaError
from xuncha.profile import Profile
from xuncha.store import Finding, Run, Site
from xuncha.store.runs import (
    columns_of_pages,
    latest_ended_run,
    previous_ended_run,
    probe_counts,
    titles_of_pages,
)
from xuncha.store.snapshot import load_crawl
from xuncha.tracking import ACTIVE, OrderedFindings, all_sites, find_site, finding_filters
from xuncha.tracking.history import DEFAULT_TREND_RUNS, events_by_finding, open_trend, run_dates
from xuncha.tracking.queries import SEVERITY_ORDER, STATUS_ORDER, run_changes, run_findings
from xuncha.tracking.workdays import BUILTIN_YEARS, deadline_basis

# -- a run's outputs ---------------------------------------------------------------------------


def write_run_outputs(
    session: Session,
    run: Run,
    profile: Profile,
    upcoming: list[dict[str, Any]],
    out_dir: Path,
    lang: str,
) -> None:
    """findings.json, report.html and ledger.xlsx, each written as its findings are read."""
    site = _site(session, run)
    document = findings_document(
        site.name,
        profile.start_urls[0],
        ExportRun.of(run),
        run_findings(session, run),
        run.score,
        lang,
        lazy=True,
    )
    # Recurring statutory items not due yet (年报, 预决算…): not findings, but the next deadlines.
    document["not_yet_due"] = upcoming
    # The profile's link rules (links:) and how many links each left out of the checks.
    document["link_rules"] = list((run.stats or {}).get("link_rules", []))
    # 爬虫陷阱 the crawl stopped: notes of the crawl, not findings.
    document["spider_traps"] = [asdict(n) for n in spider_trap_notes(run.stats or {})]
    write_json(document, out_dir / "findings.json")
    write_run_report(run_report(session, run, lang, upcoming=upcoming), out_dir / "report.html")
    # 整改台账: every finding of the site whatever its status, with its re-check outcome.
    write_ledger(
        iter_ledger_rows(session, site.key, lang=lang), lang, out_dir / "ledger.xlsx", BUILTIN_YEARS
    )


def _site(session: Session, run: Run) -> Site:
    site = session.get(Site, run.site_id)
    if site is None:
        raise XunchaError(f"run #{run.id} names a site that is not in the database")
    return site


# -- the run report ----------------------------------------------------------------------------


def run_report(
    session: Session,
    run: Run,
    lang: str = "zh",
    *,
    upcoming: list[dict[str, Any]] | None = None,
    trend_runs: int = DEFAULT_TREND_RUNS,
) -> RunReport:
    """The run report of `run`: its findings are those whose last run it is (exact for a site's
    latest run); `upcoming` the 法定公开事项 not yet due. The findings (and what changed since
    the last run) are read through `session` as the report is written."""
    previous = previous_ended_run(session, run)
    changed = run_changes(session, run.id)
    scoring = run_scoring(run)
    until = run.finished_at or run.started_at
    since, tries, failures = probe_counts(session, run.site_id, until, scoring.availability_days)
    data = RunReportData(
        site=_site(session, run),
        run=run,
        findings=run_findings(session, run, grouped=True),
        changes=FindingChanges(
            previous_run=previous.id if previous else None,
            previous_as_of=previous.as_of if previous else None,
            opened=changed.opened,
            fixed=changed.fixed,
            reopened=changed.reopened,
        ),
        trend=open_trend(session, run.site_id, trend_runs, upto=run.id),
        probes=ProbeWindow(since=since, until=until, tries=tries, failures=failures),
        scoring=scoring,
        # A pruned run (保留) has no pages left to say which column a page belongs to.
        columns_of_pages=None if run.pruned_at is not None else columns_of_pages(session, run),
        upcoming=list(upcoming or []),
        zone=times.zone_of_profile(run.profile),
        page_titles=titles_of_pages(session, run, _finding_pages(session, run)),
    )
    return build_run_report(data, lang)


def _finding_pages(session: Session, run: Run) -> list[str]:
    """The pages the run's findings were seen on (each once)."""
    query = select(Finding.page).where(
        Finding.site_id == run.site_id, Finding.last_run_id == run.id, Finding.page.is_not(None)
    )
    return list(session.scalars(query.distinct()))


def run_scoring(run: Run) -> ScoringConfig:
    """The scoring settings the run was judged with (its stored profile's), else the
    defaults: a profile stored by an older version may no longer validate."""
    scoring = ((run.profile or {}).get("checks") or {}).get("scoring") or {}
    try:
        return ScoringConfig.model_validate(scoring)
    except ValidationError:
        return ScoringConfig()


def upcoming_items(session: Session, run: Run) -> list[dict[str, Any]]:
    """The statutory items not yet due, recomputed from the run's stored crawl; none when
    the run was incomplete, its crawl rows were pruned (保留; the report says so) or its stored
    profile no longer loads (an older schema)."""
    if not (run.complete and run.profile) or run.pruned_at is not None:
        return []
    try:
        profile = Profile.model_validate(run.profile)
    except (ValidationError, XunchaError):
        return []
    return not_yet_due(load_crawl(session, run, profile), profile.check_settings, run.as_of)


# -- the site index (xuncha report) ------------------------------------------------------------


@dataclass(frozen=True)
class WrittenReports:
    index: Path
    reports: dict[str, Path]  # site name → its report


def open_count(session: Session, site_id: int) -> int:
    query = select(func.count(Finding.id)).where(
        Finding.site_id == site_id, Finding.status.in_(sorted(ACTIVE))
    )
    return session.scalar(query) or 0


def write_site_reports(
    session: Session,
    out_dir: Path,
    lang: str = "zh",
    *,
    site: str | None = None,
    trend_runs: int = DEFAULT_TREND_RUNS,
) -> WrittenReports:
    """Write each site's (or one site's) latest run report and the index over them."""
    sites: list[Site] = [find_site(session, site)] if site else all_sites(session)
    rows, written = [], {}
    for site_row in sites:
        run = latest_ended_run(session, site_row.id)
        href = None
        if run is not None:
            report = run_report(
                session, run, lang, upcoming=upcoming_items(session, run), trend_runs=trend_runs
            )
            href = f"site-{site_row.id}/report.html"
            written[site_row.name] = write_run_report(report, out_dir / href)
        score = (run.score or {}) if run is not None else {}
        rows.append(
            SiteRow(
                name=site_row.name,
                start_url=site_row.start_url,
                report_href=href,
                run_id=run.id if run else None,
                as_of=run.as_of.isoformat() if run else None,
                status=run.status if run else None,
                verdict=score.get("verdict"),
                points=score.get("points"),
                open_findings=open_count(session, site_row.id),
                trend=open_trend(session, site_row.id, trend_runs),
            )
        )
    index = SiteIndex(
        lang=lang,
        # A page of many sites: the default zone (Beijing time), to the minute.
        generated=times.local_minute(datetime.now(UTC), times.zone(None)) or "",
        sites=rows,
    )
    return WrittenReports(write_site_index(index, out_dir / "index.html"), written)


# -- the 整改台账 (ledger) -----------------------------------------------------------------------


def ledger_rows(
    session: Session, site: str | None = None, statuses: Iterable[str] = (), lang: str = "zh"
) -> list[LedgerRow]:
    """The ledger of one site (name or start URL) or of all, of the given statuses or all;
    by site, then in the order the findings were first seen."""
    return list(iter_ledger_rows(session, site, statuses, lang))


def iter_ledger_rows(
    session: Session,
    site: str | None = None,
    statuses: Iterable[str] = (),
    lang: str = "zh",
    unit: str | None = None,
) -> Iterator[LedgerRow]:
    """:func:`ledger_rows` one at a time, the findings and their history read a chunk at a
    time: the ledger of a site with tens of thousands of findings is written as it is read.
    `unit`: only that 责任单位's findings (a unit's own ledger)."""
    sites = {s.id: s for s in all_sites(session)}
    zones = site_zones(session, sites)
    first_runs: dict[int, Run] = {}  # how each run counted the deadlines it set (整改时限)
    number = 0
    order = _ledger_order(session, site, statuses, unit)
    for chunk in OrderedFindings(session, order).chunks():
        history = events_by_finding(session, (f.id for f in chunk))
        dates = run_dates(session, (e for events in history.values() for e in events))
        for finding in chunk:
            number += 1
            if finding.first_run_id not in first_runs:
                first_runs[finding.first_run_id] = session.get_one(Run, finding.first_run_id)
            basis = deadline_basis(finding, first_runs[finding.first_run_id])
            yield ledger_row(number, sites[finding.site_id].name, finding,
                             history.get(finding.id, []), dates, lang,
                             weekday_years=basis.weekday_years,
                             holiday_file_years=basis.file_years,
                             where=zones[finding.site_id])  # fmt: skip


def site_zones(session: Session, sites: Mapping[int, Site]) -> dict[int, ZoneInfo]:
    """{site id: its zone}, as its latest run's profile names it (default: Beijing time)."""
    return {
        site_id: times.zone_of_profile(run.profile if run is not None else None)
        for site_id in sites
        for run in [latest_ended_run(session, site_id)]
    }


def _ledger_order(
    session: Session, site: str | None, statuses: Iterable[str], unit: str | None = None
) -> list[int]:
    """The ids in the ledger's order: site, day first seen, severity, check, URL, then
    status (open first) and id."""
    conditions = finding_filters(session, site, statuses)
    if unit is not None:
        conditions.append(Finding.unit == unit)
    rows = session.execute(
        select(Finding.id, Finding.site_id, Finding.first_seen, Finding.severity, Finding.check,
               Finding.url, Finding.status).where(*conditions)
    ).all()  # fmt: skip
    keys = sorted(rows, key=lambda k: (k.site_id, k.first_seen, SEVERITY_ORDER.get(k.severity, 9),
                                       k.check, k.url, STATUS_ORDER.get(k.status, 9),
                                       k.id))  # fmt: skip
    return [key.id for key in keys]


# -- the look-back (回头看) ---------------------------------------------------------------------


def lookback(
    session: Session,
    since: date,
    until: date,
    as_of: date,
    site: str | None = None,
    lang: str = "zh",
    unit: str | None = None,
) -> LookBackReport:
    """The look-back of one site (name or start URL) or of every site in the store; `unit`:
    only that 责任单位's findings."""
    query = (
        select(Site, Finding)
        .join(Finding, Finding.site_id == Site.id)
        .where(Finding.first_seen >= since, Finding.first_seen <= until)
    )
    if unit is not None:
        query = query.where(Finding.unit == unit)
    if site is not None:
        query = query.where(Site.id == find_site(session, site).id)
    pairs = [(s, f) for s, f in session.execute(query)]
    history = events_by_finding(session, (f.id for _, f in pairs))
    dates: RunDates = run_dates(session, (e for events in history.values() for e in events))
    zones = site_zones(session, {s.id: s for s, _ in pairs})
    entries = [LookBackEntry(s.name, f, history.get(f.id, []), zones[s.id]) for s, f in pairs]
    sites = sorted({s.name for s, _ in pairs}) if site is None else [find_site(session, site).name]
    return build_lookback(
        entries, dates, since=since, until=until, as_of=as_of, sites=sites, lang=lang
    )
