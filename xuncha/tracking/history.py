"""A finding's history read back (整改跟踪): every event of many findings at once, the days of
the runs that wrote them, and the open findings as they stood after each run (the trend).

How an event is dated and shown is the reports' (reports/history.py); this module reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.chart import TrendPoint
from reports.rows import StoredEvent
from xuncha.store import Finding, FindingEvent, Run
from xuncha.store.runs import LIVE_STATUSES
from xuncha.tracking.events import ACTIVE

DEFAULT_TREND_RUNS = 10


def events_by_finding(session: Session, finding_ids: Iterable[int]) -> dict[int, list[StoredEvent]]:
    """Every event of the given findings, oldest first, grouped by finding id.

    The events are read-only rows with a FindingEvent's fields (``event.action``,
    ``event.at``…), not ORM objects: the ledger of a big site reads a few hundred thousand."""
    ids = sorted(set(finding_ids))
    grouped: dict[int, list[StoredEvent]] = defaultdict(list)
    # The mapped attributes, not the table's columns: an ORM select flushes pending events.
    columns = [getattr(FindingEvent, column.key) for column in FindingEvent.__table__.columns]
    for start in range(0, len(ids), 500):  # stay under the bind-parameter limits
        chunk = ids[start : start + 500]
        query = select(*columns).where(FindingEvent.finding_id.in_(chunk))
        for event in session.execute(query.order_by(FindingEvent.id)):
            grouped[event.finding_id].append(event)  # a row with an event's fields
    return grouped


def run_dates(session: Session, events: Iterable[StoredEvent]) -> dict[int, date]:
    """{run id: as_of} of the runs that wrote the given events."""
    ids = sorted({e.run_id for e in events if e.run_id is not None})
    dates: dict[int, date] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for run_id, as_of in session.execute(select(Run.id, Run.as_of).where(Run.id.in_(chunk))):
            dates[run_id] = as_of
    return dates


def recent_runs(
    session: Session, site_id: int, limit: int = DEFAULT_TREND_RUNS, upto: int | None = None
) -> list[Run]:
    """The site's last `limit` runs that ended (up to run `upto`), oldest first."""
    query = select(Run).where(Run.site_id == site_id, Run.status.not_in(LIVE_STATUSES))
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
            last_event_at[event.run_id] = event.at
    ends = {
        run_id: max(finished or started, last_event_at.get(run_id, started))
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
                counts = event.at <= end
            if counts and event.new_status is not None:
                status[event.finding_id] = event.new_status
        open_now = sum(1 for s in status.values() if s in ACTIVE)
        points.append(TrendPoint(run.id, run.as_of.isoformat(), open_now, bool(run.complete)))
    return points
