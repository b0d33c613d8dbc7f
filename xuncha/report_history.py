"""Reading a finding's history for the reports: the day each event counts for, the fix date,
the events as shown, and the open findings as they stood after each run (the trend).

A run's events count on the run's ``as_of`` (the day the inspection speaks for), not on the
wall clock of the machine that wrote them; a person's events count on the day they acted.
So the fix DATE of a finding is the ``as_of`` of the run that wrote its ``fixed`` event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.context import HistoryEvent, TrendPoint
from xuncha.store import Finding, FindingEvent, Run
from xuncha.tracking import ACTION_LABELS, ACTIVE
from xuncha.tracking.events import event_details, label, status_move

DEFAULT_TREND_RUNS = 10


def aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes for what was stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def events_by_finding(
    session: Session, finding_ids: Iterable[int]
) -> dict[int, list[FindingEvent]]:
    """Every event of the given findings, oldest first, grouped by finding id.

    The events are read-only rows with a FindingEvent's fields (``event.action``,
    ``event.at``…), not ORM objects: the ledger of a big site reads a few hundred thousand."""
    ids = sorted(set(finding_ids))
    grouped: dict[int, list[FindingEvent]] = defaultdict(list)
    # The mapped attributes, not the table's columns: an ORM select flushes pending events.
    columns = [getattr(FindingEvent, column.key) for column in FindingEvent.__table__.columns]
    for start in range(0, len(ids), 500):  # stay under the bind-parameter limits
        chunk = ids[start : start + 500]
        query = select(*columns).where(FindingEvent.finding_id.in_(chunk))
        for event in session.execute(query.order_by(FindingEvent.id)):
            grouped[event.finding_id].append(event)  # type: ignore[arg-type]
    return grouped


def run_dates(session: Session, events: Iterable[FindingEvent]) -> dict[int, date]:
    """{run id: as_of} of the runs that wrote the given events."""
    ids = sorted({e.run_id for e in events if e.run_id is not None})
    dates: dict[int, date] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        dates.update(session.execute(select(Run.id, Run.as_of).where(Run.id.in_(chunk))).all())
    return dates


def event_day(event: FindingEvent, dates: dict[int, date]) -> date:
    if event.run_id is not None and event.run_id in dates:
        return dates[event.run_id]
    return aware(event.at).date()


def last_day_of(
    events: Sequence[FindingEvent], dates: dict[int, date], action: str, *, by_run: bool = False
) -> date | None:
    """The day of the latest event of `action` (only those written by a run, if `by_run`)."""
    for event in reversed(events):
        if event.action == action and (event.run_id is not None or not by_run):
            return event_day(event, dates)
    return None


def fix_date(events: Sequence[FindingEvent], dates: dict[int, date]) -> date | None:
    """When the finding was last found fixed (复查已整改): its latest run-written ``fixed``."""
    return last_day_of(events, dates, "fixed", by_run=True)


def history_rows(
    events: Sequence[FindingEvent], dates: dict[int, date], lang: str
) -> list[HistoryEvent]:
    """The events as the look-back shows them: day, by whom, action, status move, why."""
    rows = []
    for event in events:
        rows.append(
            HistoryEvent(
                day=event_day(event, dates).isoformat(),
                by=event.actor or (f"#{event.run_id}" if event.run_id else ""),
                action=label(ACTION_LABELS, event.action, lang),
                status=status_move(event, lang),
                reason="; ".join(event_details(event)),
            )
        )
    return rows


def recent_runs(
    session: Session, site_id: int, limit: int = DEFAULT_TREND_RUNS, upto: int | None = None
) -> list[Run]:
    """The site's last `limit` runs that ended (up to run `upto`), oldest first."""
    query = select(Run).where(Run.site_id == site_id, Run.status != "running")
    if upto is not None:
        query = query.where(Run.id <= upto)
    runs = list(session.scalars(query.order_by(Run.id.desc()).limit(limit)))
    return runs[::-1]


def open_trend(
    session: Session, site_id: int, limit: int = DEFAULT_TREND_RUNS, upto: int | None = None
) -> list[TrendPoint]:
    """Open findings (open + reopened) as they stood after each of the site's last runs.

    The statuses are replayed from the append-only history: after run R count every event
    written by R or an earlier run, and every event a person wrote before R ended (its last
    event or its end, whichever is later). A run stores no count of its own, so this stays
    true when a person waives a finding between two runs.
    """
    runs = recent_runs(session, site_id, limit, upto)
    if not runs:
        return []
    all_runs = list(
        session.execute(
            select(Run.id, Run.started_at, Run.finished_at)
            .where(Run.site_id == site_id)
            .order_by(Run.id)
        )  # fmt: skip
    )
    order = {run_id: i for i, (run_id, _, _) in enumerate(all_runs)}
    # Only the four columns the replay reads: a site's whole history can be a few hundred
    # thousand events, too many to hold as ORM objects.
    events = session.execute(
        select(FindingEvent.run_id, FindingEvent.at, FindingEvent.finding_id,
               FindingEvent.new_status)
        .join(Finding, Finding.id == FindingEvent.finding_id)
        .where(Finding.site_id == site_id, FindingEvent.new_status.is_not(None))
        .order_by(FindingEvent.id)
    ).all()  # fmt: skip
    last_event_at: dict[int, datetime] = {}
    for event in events:
        if event.run_id is not None:
            last_event_at[event.run_id] = aware(event.at)
    ends = {
        run_id: max(aware(finished or started), last_event_at.get(run_id, aware(started)))
        for run_id, started, finished in all_runs
    }
    points = []
    for run in runs:
        position, end = order[run.id], ends[run.id]
        status: dict[int, str] = {}
        for event in events:
            if event.run_id is not None:
                counts = order.get(event.run_id, len(order)) <= position
            else:
                counts = aware(event.at) <= end
            if counts:
                status[event.finding_id] = event.new_status  # type: ignore[assignment]
        open_now = sum(1 for s in status.values() if s in ACTIVE)
        points.append(TrendPoint(run.id, run.as_of.isoformat(), open_now, bool(run.complete)))
    return points
