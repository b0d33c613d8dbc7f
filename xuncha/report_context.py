"""Building the run report's context (检测报告) from the store: the caller's half of
"reports render, they do not compute".

Used by ``xuncha run`` right after a run (with the statutory items not yet due) and by
``xuncha report`` for each site's latest run; both read the run's findings back from the store.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from checks import messages
from reports.context import (
    Availability,
    ChangeItem,
    Changes,
    CountRow,
    Incremental,
    MadeOnRead,
    ReportFinding,
    RunReport,
)
from reports.export import finding_document, iso
from reports.html import check_name
from xuncha.report_history import DEFAULT_TREND_RUNS, aware, open_trend
from xuncha.store import Column, Finding, Page, Probe, Run, Site
from xuncha.tracking import STATUS_LABELS, run_changes, run_findings
from xuncha.tracking.events import label
from xuncha.tracking.lifecycle import PAGE_CHECKS

# 站点无法访问 (standards.md): the home page probed ≥20 times a day for a week; a veto at ≥5 %
# failures. The profile's checks.scoring.availability_veto_percent / availability_days (as the
# run recorded them) override the line and the window, as they do for the check itself.
UNREACHABLE_FAILURE_PCT = 5.0
PROBES_PER_DAY = 20
PROBE_DAYS = 7
EVIDENCE_TEXT_LIMIT = 300  # one evidence value shown in full up to this many characters
# How the crawler met a link, not what is wrong with it: left out of the report's evidence.
EVIDENCE_HIDDEN = frozenset({"method", "tag", "attr"})


def build_run_report(
    session: Session,
    run: Run,
    lang: str = "zh",
    *,
    upcoming: list[dict[str, Any]] | None = None,
    trend_runs: int = DEFAULT_TREND_RUNS,
) -> RunReport:
    """The run report of `run`: its findings are those whose last run it is (exact for a site's
    latest run); `upcoming` the 法定公开事项 not yet due.

    The findings (and what changed since the last run) are read through `session` as the
    report is rendered, a chunk at a time: the session must stay open until then."""
    site = session.get(Site, run.site_id)
    assert site is not None
    rows = run_findings(session, run)
    # A pruned run (保留) has no pages left to say which column a finding's page belongs to:
    # it gets no column counts and a notice rather than counts that put everything in "none".
    pruned = run.pruned_at is not None
    columns = {} if pruned else _columns_of_pages(session, run)
    findings = MadeOnRead(rows, partial(_report_finding, lang=lang))
    by_check, by_column, by_unit = Counter[str](), Counter[str](), Counter[Any]()
    for row in rows:  # one pass: the rows are read, not held
        by_check[row.check] += 1
        by_column[_column_of(row, columns)] += 1
        by_unit[row.unit] += 1
    return RunReport(
        lang=lang,
        site_name=site.name,
        start_url=site.start_url,
        run_id=run.id,
        as_of=run.as_of.isoformat(),
        started_at=iso(run.started_at) or "",
        finished_at=iso(run.finished_at),
        status=run.status,
        complete=bool(run.complete),
        message=run.message,
        pages=run.pages or 0,
        links_checked=run.links_checked or 0,
        findings=findings,
        counts_by_check=[(c, check_name(c, lang), n) for c, n in by_check.most_common()],
        score=run.score,
        not_yet_due=list(upcoming or []),
        changes=_changes(session, run, lang),
        counts_by_column=[] if pruned else _count_rows(by_column),
        counts_by_unit=_count_rows(by_unit),
        trend=open_trend(session, run.site_id, trend_runs, upto=run.id),
        availability=run_availability(session, run),
        pruned_on=aware(run.pruned_at).date().isoformat() if run.pruned_at else None,
        incremental=_incremental(run),
    )


def _incremental(run: Run) -> Incremental | None:
    """What an incremental night (增量巡查) carried forward, as the runner recorded it."""
    stats = run.stats or {}
    carried = stats.get("incremental")
    if not isinstance(carried, dict) or carried.get("prior_run") is None:
        return None
    revalidated = int(stats.get("xuncha/incremental/unchanged", 0))
    return Incremental(
        prior_run=int(carried["prior_run"]),
        pages_carried=int(carried.get("pages", 0)) + revalidated,
        revalidated=revalidated,
        link_checks_carried=int(carried.get("link_checks", 0)),
    )


def _report_finding(row: Finding, lang: str) -> ReportFinding:
    item = finding_document(row, lang)
    return ReportFinding(
        id=item["id"],
        check=item["check"],
        subtype=item["subtype"],
        severity=item["severity"],
        title=item["title"],
        detail=item["detail"],
        url=item["url"],
        page=item["page"],
        pages=item["pages"],
        column=item["column"],
        status=item["status"],
        first_seen=item["first_seen"],
        deadline=item["deadline"],
        unit=row.unit,
        status_label=label(STATUS_LABELS, row.status, lang),
        how_to_fix=messages.how_to_fix(row.check, lang),
        evidence=evidence_lines(row.evidence or {}),
    )


def evidence_lines(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """The evidence as (key, text) pairs: lists joined, nested values as JSON, long values cut."""
    lines = []
    for key, value in evidence.items():
        if value in (None, "", [], {}) or key in EVIDENCE_HIDDEN:
            continue
        if isinstance(value, list | tuple):
            text = "、".join(str(v) for v in value[:10]) + ("…" if len(value) > 10 else "")
        elif isinstance(value, dict):
            text = json.dumps(value, ensure_ascii=False, default=str)
        else:
            text = str(value)
        if len(text) > EVIDENCE_TEXT_LIMIT:
            text = text[:EVIDENCE_TEXT_LIMIT] + "…"
        lines.append((str(key), text))
    return lines


def _columns_of_pages(session: Session, run: Run) -> dict[str, str]:
    """{page URL: column name} of what this run crawled (栏目 of each article)."""
    names = {
        url.rstrip("/"): name
        for url, name in session.execute(
            select(Column.url, Column.name).where(Column.run_id == run.id)
        )
    }
    pages: dict[str, str] = {}
    for url, column_url in session.execute(
        select(Page.url, Page.column_url).where(Page.run_id == run.id, Page.column_url.is_not(None))
    ):
        name = names.get((column_url or "").rstrip("/"))
        if name:
            pages[url] = name
    for url, name in names.items():
        pages.setdefault(url, name)  # a column's own list page belongs to the column
    return pages


def _column_of(row: Finding, columns: dict[str, str]) -> str | None:
    """The finding's column, else — for a defect on a page — that of the page it was seen on
    (a broken link in an article of 通知公告 counts for 通知公告); None for site-wide findings."""
    if row.column:
        return row.column
    if row.check not in PAGE_CHECKS:
        return None
    for page in (row.page, *(row.pages or ())):
        if page and (page in columns or page.rstrip("/") in columns):
            return columns.get(page) or columns[page.rstrip("/")]
    return None


def _count_rows(counter: Counter[str | None]) -> list[CountRow]:
    """Most first; the row of "none" (no column, no unit) last."""
    named = sorted(((k, n) for k, n in counter.items() if k), key=lambda kn: (-kn[1], kn[0]))
    rows = [CountRow(key, key, n) for key, n in named]
    if counter.get(None):
        rows.append(CountRow(None, None, counter[None]))
    return rows


def _changes(session: Session, run: Run, lang: str) -> Changes:
    previous = session.scalar(
        select(Run)
        .where(Run.site_id == run.site_id, Run.id < run.id, Run.status != "running")
        .order_by(Run.id.desc())
        .limit(1)
    )
    found = run_changes(session, run.id)

    def item(f: Finding) -> ChangeItem:
        return ChangeItem(
            id=f.fingerprint,
            check_name=check_name(f.check, lang),
            title=messages.title(f.check, f.subtype, f.evidence or {}, lang),
            url=f.url,
            in_this_run=f.last_run_id == run.id,  # listed in this report
        )

    def items(findings: Sequence[Finding]) -> MadeOnRead[ChangeItem]:
        return MadeOnRead(findings, item)

    return Changes(
        previous_run=previous.id if previous else None,
        previous_as_of=previous.as_of.isoformat() if previous else None,
        opened=items(found.opened),
        fixed=items(found.fixed),
        reopened=items(found.reopened),
    )


def _scoring_setting(run: Run, key: str, default: float) -> float:
    scoring = ((run.profile or {}).get("checks") or {}).get("scoring") or {}
    value = scoring.get(key)
    return float(value) if isinstance(value, int | float) else default


MIN_TRIES = 24  # the check's default `availability_min_tries` (checks/config.py)


def run_availability(session: Session, run: Run) -> Availability:
    """The probes of the window that ends with the run, judged by the run's profile."""
    return week_availability(
        session,
        run.site_id,
        run.finished_at or run.started_at,
        days=int(_scoring_setting(run, "availability_days", PROBE_DAYS)),
        threshold_pct=_scoring_setting(run, "availability_veto_percent", UNREACHABLE_FAILURE_PCT),
        min_tries=int(_scoring_setting(run, "availability_min_tries", MIN_TRIES)),
    )


def week_availability(
    session: Session,
    site_id: int,
    until: datetime,
    *,
    days: int = PROBE_DAYS,
    threshold_pct: float = UNREACHABLE_FAILURE_PCT,
    min_tries: int = 1,
) -> Availability:
    """The home-page probes of the `days` up to `until`, against the 站点无法访问 line; with
    fewer than `min_tries` probes the line is not judged (as the check does not)."""
    until = aware(until)
    since = until - timedelta(days=days)
    tries, failures = session.execute(
        select(func.count(Probe.id), func.count(Probe.id).filter(Probe.ok.is_(False))).where(
            Probe.site_id == site_id, Probe.at > since, Probe.at <= until
        )
    ).one()
    pct = round(100.0 * failures / tries, 1) if tries else None
    return Availability(
        since=since.strftime("%Y-%m-%d %H:%M UTC"),
        until=until.strftime("%Y-%m-%d %H:%M UTC"),
        tries=tries,
        failures=failures,
        failure_pct=pct,
        threshold_pct=threshold_pct,
        crossed=tries >= max(1, min_tries) and 100.0 * failures / tries >= threshold_pct,
        expected_tries=PROBES_PER_DAY * days,
        per_day=PROBES_PER_DAY,
    )
