"""The look-back (回头看): what became of every finding first seen in a period.

Each finding first seen in [since, until] gets one outcome, judged on `as_of` (default today):

- ``fixed_on_time`` / ``fixed_late``: fixed, and the run that found it fixed (its ``as_of``)
  was on or before / after its deadline (整改时限); no deadline counts as on time;
- ``open_overdue`` / ``open``: still open, and the deadline is before `as_of` / is not;
- ``reopened``: fixed once and back (or reopened by a person), whatever its deadline;
- ``waived`` / ``false_positive``: a person's decision (不予整改 / 误报).

Outcomes are counted per responsible unit (责任单位; findings without one count apart) and each
finding is listed with its history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.context import LookBackFinding, LookBackReport, UnitOutcomes
from reports.html import check_name
from reports.labels import OUTCOME_KEYS, outcome_label
from xuncha.findings_output import finding_title
from xuncha.report_history import events_by_finding, fix_date, history_rows, run_dates
from xuncha.store import Finding, FindingEvent, Site
from xuncha.tracking import find_site
from xuncha.tracking.events import FALSE_POSITIVE, FIXED, REOPENED, WAIVED


def outcome_of(
    finding: Finding, events: Sequence[FindingEvent], dates: dict[int, date], as_of: date
) -> tuple[str, date | None]:
    """(outcome, fix date) of one finding; see the module docstring."""
    if finding.status == FIXED:
        fixed = fix_date(events, dates) or finding.last_seen
        late = finding.deadline is not None and fixed > finding.deadline
        return ("fixed_late" if late else "fixed_on_time"), fixed
    if finding.status == REOPENED:
        return "reopened", None
    if finding.status == WAIVED:
        return "waived", None
    if finding.status == FALSE_POSITIVE:
        return "false_positive", None
    overdue = finding.deadline is not None and finding.deadline < as_of
    return ("open_overdue" if overdue else "open"), None


def build_lookback(
    session: Session,
    since: date,
    until: date,
    as_of: date,
    site: str | None = None,
    lang: str = "zh",
) -> LookBackReport:
    """The look-back of one site (name or start URL) or of every site in the store."""
    query = (
        select(Site, Finding)
        .join(Finding, Finding.site_id == Site.id)
        .where(Finding.first_seen >= since, Finding.first_seen <= until)
    )
    if site is not None:
        query = query.where(Site.id == find_site(session, site).id)
    pairs = [(s, f) for s, f in session.execute(query)]
    history = events_by_finding(session, (f.id for _, f in pairs))
    dates = run_dates(session, (e for events in history.values() for e in events))
    findings = []
    for site_row, finding in pairs:
        events = history.get(finding.id, [])
        outcome, fixed_on = outcome_of(finding, events, dates, as_of)
        findings.append(
            LookBackFinding(
                id=finding.fingerprint,
                site=site_row.name,
                check=finding.check,
                check_name=check_name(finding.check, lang),
                title=finding_title(finding, lang),
                url=finding.url,
                unit=finding.unit,
                person=finding.person,
                first_seen=finding.first_seen.isoformat(),
                deadline=finding.deadline.isoformat() if finding.deadline else None,
                fixed_on=fixed_on.isoformat() if fixed_on else None,
                status=finding.status,
                outcome=outcome,
                outcome_label=outcome_label(outcome, lang),
                history=history_rows(events, dates, lang),
            )
        )
    order = {key: i for i, key in enumerate(OUTCOME_KEYS)}
    findings.sort(key=lambda f: (f.unit is None, f.unit or "", order[f.outcome], f.first_seen,
                                 f.site, f.id))  # fmt: skip
    units, totals = _unit_table(findings)
    sites = sorted({s.name for s, _ in pairs}) if site is None else [find_site(session, site).name]
    return LookBackReport(
        lang=lang,
        since=since.isoformat(),
        until=until.isoformat(),
        as_of=as_of.isoformat(),
        sites=sites,
        outcomes=[(key, outcome_label(key, lang)) for key in OUTCOME_KEYS],
        units=units,
        totals=totals,
        findings=findings,
    )


def _unit_table(findings: list[LookBackFinding]) -> tuple[list[UnitOutcomes], UnitOutcomes]:
    """Units by name, findings without a unit last; every outcome present in every row."""
    per_unit: dict[str | None, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        per_unit[finding.unit][finding.outcome] += 1
    names = sorted((u for u in per_unit if u is not None), key=str)
    if None in per_unit:
        names.append(None)  # type: ignore[arg-type]
    rows = [
        UnitOutcomes(
            unit, {k: per_unit[unit][k] for k in OUTCOME_KEYS}, sum(per_unit[unit].values())
        )  # fmt: skip
        for unit in names
    ]
    total = Counter(f.outcome for f in findings)
    return rows, UnitOutcomes(None, {k: total[k] for k in OUTCOME_KEYS}, len(findings))
