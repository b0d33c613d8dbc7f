"""``xuncha report``: each site's latest run report, rebuilt from the store, and the site
index (网站检测汇总) that links them — one database often holds every site of a region.

Layout of the output folder::

    index.html              one row per site: latest run, verdict, score, open findings, trend
    site-<id>/report.html   the latest run report of that site
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks.mandatory import not_yet_due
from reports.context import SiteIndex, SiteRow
from reports.html import render_site_index, write_html, write_run_report
from xuncha.errors import XunchaError
from xuncha.profile import Profile
from xuncha.report_context import build_run_report
from xuncha.report_history import DEFAULT_TREND_RUNS, open_trend
from xuncha.store.snapshot import load_crawl
from xuncha.store import Finding, Run, Site
from xuncha.tracking import ACTIVE, all_sites, find_site


@dataclass(frozen=True)
class WrittenReports:
    index: Path
    reports: dict[str, Path]  # site name → its report


def latest_ended_run(session: Session, site_id: int) -> Run | None:
    """The site's newest run that is not still running."""
    return session.scalar(
        select(Run)
        .where(Run.site_id == site_id, Run.status != "running")
        .order_by(Run.id.desc())
        .limit(1)
    )


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
    return not_yet_due(load_crawl(session, run, profile), profile, run.as_of)


def open_count(session: Session, site_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Finding.id)).where(
                Finding.site_id == site_id, Finding.status.in_(sorted(ACTIVE))
            )
        )
        or 0
    )


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
            report = build_run_report(
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
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sites=rows,
    )
    path = write_html(render_site_index(index), out_dir / "index.html")
    return WrittenReports(path, written)
