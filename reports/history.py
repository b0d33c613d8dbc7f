"""Reading a finding's history for the reports: the day each event counts for, the fix date,
and the events as shown.

A run's events count on the run's ``as_of`` (the day the inspection speaks for), not on the
wall clock of the machine that wrote them; a person's events count on the day they acted. So
the fix DATE of a finding is the ``as_of`` of the run that wrote its ``fixed`` event. The caller
reads the events and the runs' days (``RunDates``) from the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from reports import times
from reports.labels import ACTION_LABELS, event_details, label, status_move
from reports.rows import StoredEvent

RunDates = Mapping[int, date]  # run id -> its as_of


@dataclass(frozen=True)
class HistoryEvent:
    """One event of a finding's history, as shown: the day (a run's as_of, or the day a
    person acted), who (run #n or a person), what, the status move and why."""

    day: str
    by: str
    action: str
    status: str
    reason: str


def event_day(event: StoredEvent, dates: RunDates, where: ZoneInfo | None = None) -> date:
    """A run's event: the run's day (as_of); a person's: the day it was in the site's zone
    (`where`; default Beijing time), not in UTC — an action at 07:00 Beijing time is that day's."""
    if event.run_id is not None and event.run_id in dates:
        return dates[event.run_id]
    return event.at.astimezone(where or times.zone(None)).date()


def last_day_of(
    events: Sequence[StoredEvent], dates: RunDates, action: str, *, by_run: bool = False
) -> date | None:
    """The day of the latest event of `action` (only those written by a run, if `by_run`)."""
    for event in reversed(events):
        if event.action == action and (event.run_id is not None or not by_run):
            return event_day(event, dates)
    return None


def fix_date(events: Sequence[StoredEvent], dates: RunDates) -> date | None:
    """When the finding was last found fixed (复查已整改): its latest run-written ``fixed``."""
    return last_day_of(events, dates, "fixed", by_run=True)


def _run_name(run_id: int, lang: str) -> str:
    """Who wrote a run's event: the run (检测 #3)."""
    return f"run #{run_id}" if lang == "en" else f"检测 #{run_id}"


def history_rows(
    events: Sequence[StoredEvent], dates: RunDates, lang: str, where: ZoneInfo | None = None
) -> list[HistoryEvent]:
    """The events as the look-back shows them: day (in the site's zone `where`), by whom,
    action, status move, why."""
    return [
        HistoryEvent(
            day=event_day(event, dates, where).isoformat(),
            by=event.actor or (_run_name(event.run_id, lang) if event.run_id else ""),
            action=label(ACTION_LABELS, event.action, lang),
            status=status_move(event, lang),
            reason="; ".join(event_details(event, lang)),
        )
        for event in events
    ]
