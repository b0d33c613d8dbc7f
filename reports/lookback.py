"""The look-back (回头看): what became of every finding first seen in a period — its context,
built from the findings and their history, as HTML and as JSON.

Each finding first seen in [since, until] gets one outcome, judged on `as_of`:

- ``fixed_on_time`` / ``fixed_late``: fixed, and the run that found it fixed (its ``as_of``)
  was on or before / after its deadline (整改时限); no deadline counts as on time;
- ``open_overdue`` / ``open``: still open, and the deadline is before `as_of` / is not;
- ``reopened``: fixed once and back (or reopened by a person), whatever its deadline;
- ``waived`` / ``false_positive``: a person's decision (不予整改 / 误报).

The deadline judged against is the finding's own: counted in working days (holidays and 调休
make-up days known) by the run that opened it, or set by a person. Nothing here counts days.

Outcomes are counted per responsible unit (责任单位; findings without one count apart) and each
finding is listed with its history. The JSON document, schema ``xuncha.lookback/1``, carries the
same figures for other tools: add fields freely; never rename or drop one without bumping it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from checks import messages
from reports.history import HistoryEvent, RunDates, fix_date, history_rows
from reports.labels import OUTCOME_KEYS, check_name, outcome_label
from reports.rendering import render, write_html
from reports.rows import StoredEvent, StoredFinding

SCHEMA = "xuncha.lookback/1"
TEMPLATE = "lookback.html"


@dataclass(frozen=True)
class LookBackFinding:
    """A finding first seen in the look-back period, with its outcome and history."""

    id: str
    site: str
    check: str
    check_name: str
    title: str
    url: str
    unit: str | None
    person: str | None
    first_seen: str
    deadline: str | None
    fixed_on: str | None
    status: str
    outcome: str
    outcome_label: str
    history: list[HistoryEvent] = field(default_factory=list)


@dataclass(frozen=True)
class UnitOutcomes:
    """One row of the unit × outcome table (unit None = no unit)."""

    unit: str | None
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class LookBackReport:
    """回头看: what became of every finding first seen in [since, until], judged on `as_of`."""

    lang: str
    since: str
    until: str
    as_of: str
    sites: list[str]
    outcomes: list[tuple[str, str]]  # (key, label) in table order
    units: list[UnitOutcomes]
    totals: UnitOutcomes
    findings: list[LookBackFinding]


@dataclass(frozen=True)
class LookBackEntry:
    """One finding of the period as the store holds it: its site's name and its history."""

    site: str
    finding: StoredFinding
    events: Sequence[StoredEvent]
    zone: ZoneInfo | None = None  # the site's: a person's action is dated in it


def outcome_of(
    finding: StoredFinding, events: Sequence[StoredEvent], dates: RunDates, as_of: date
) -> tuple[str, date | None]:
    """(outcome, fix date) of one finding; see the module docstring."""
    if finding.status == "fixed":
        fixed = fix_date(events, dates) or finding.last_seen
        late = finding.deadline is not None and fixed > finding.deadline
        return ("fixed_late" if late else "fixed_on_time"), fixed
    if finding.status in ("reopened", "waived", "false_positive"):
        return finding.status, None
    overdue = finding.deadline is not None and finding.deadline < as_of
    return ("open_overdue" if overdue else "open"), None


def build_lookback(
    entries: Iterable[LookBackEntry],
    dates: RunDates,
    *,
    since: date,
    until: date,
    as_of: date,
    sites: list[str],
    lang: str = "zh",
) -> LookBackReport:
    """The look-back of ``entries`` (``dates``: the as_of of every run their events name)."""
    findings = []
    for entry in entries:
        finding = entry.finding
        outcome, fixed_on = outcome_of(finding, entry.events, dates, as_of)
        findings.append(
            LookBackFinding(
                id=finding.fingerprint,
                site=entry.site,
                check=finding.check,
                check_name=check_name(finding.check, lang),
                title=messages.title(finding.check, finding.subtype, finding.evidence or {}, lang),
                url=finding.url,
                unit=finding.unit,
                person=finding.person,
                first_seen=finding.first_seen.isoformat(),
                deadline=finding.deadline.isoformat() if finding.deadline else None,
                fixed_on=fixed_on.isoformat() if fixed_on else None,
                status=finding.status,
                outcome=outcome,
                outcome_label=outcome_label(outcome, lang),
                history=history_rows(entry.events, dates, lang, entry.zone),
            )
        )
    order = {key: i for i, key in enumerate(OUTCOME_KEYS)}
    findings.sort(key=lambda f: (f.unit is None, f.unit or "", order[f.outcome], f.first_seen,
                                 f.site, f.id))  # fmt: skip
    units, totals = _unit_table(findings)
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
    names: list[str | None] = sorted((u for u in per_unit if u is not None), key=str)
    if None in per_unit:
        names.append(None)
    rows = [
        UnitOutcomes(
            unit, {k: per_unit[unit][k] for k in OUTCOME_KEYS}, sum(per_unit[unit].values())
        )  # fmt: skip
        for unit in names
    ]
    total = Counter(f.outcome for f in findings)
    return rows, UnitOutcomes(None, {k: total[k] for k in OUTCOME_KEYS}, len(findings))


def lookback_document(report: LookBackReport) -> dict[str, Any]:
    """{schema, period, sites, outcomes, units: [{unit, counts, total}], totals, findings}."""
    return {
        "schema": SCHEMA,
        "since": report.since,
        "until": report.until,
        "as_of": report.as_of,
        "sites": list(report.sites),
        "outcomes": [{"key": key, "label": text} for key, text in report.outcomes],
        "units": [asdict(row) for row in report.units],
        "totals": {"counts": dict(report.totals.counts), "total": report.totals.total},
        "findings": [asdict(finding) for finding in report.findings],
    }


def render_lookback(report: LookBackReport) -> str:
    return render(TEMPLATE, report, report.lang)


def write_lookback(report: LookBackReport, path: Path) -> Path:
    return write_html(render_lookback(report), path)
