"""Working days (工作日) for the deadlines of findings (整改时限); the calendar itself is
:mod:`checks.workdays`.

A deadline in working days skips the public holidays of the State Council's yearly notice
(国务院办公厅关于某年部分节假日安排的通知) and counts the weekend days it makes working days
(调休上班). A day is judged by the first of these that knows it:

1. the site's holidays file (``tracking.holidays_file``, read with the profile and stored with
   each run), day by day: where it differs from the built-in notices, it wins;
2. the built-in notices (the ``chinesecalendar`` package), for the years it holds;
3. Monday to Friday, for a year no notice covers yet: the next year's notice comes out in
   November or December and reaches the package later.

A run records how it counted the deadline of the findings it opens (:class:`DeadlineCount`, in
its stats under ``deadlines``), years counted Monday to Friday included, so the ledger (整改台账)
can say so later, even after the built-in notices have grown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from checks.workdays import BUILTIN_YEARS
from checks.workdays import WorkCalendar as Calendar
from xuncha.profile import HolidayNotice, Tracking, notice_days
from xuncha.store import Finding, Run

STATS_KEY = "deadlines"
__all__ = ["BUILTIN_YEARS", "DeadlineCount", "WorkCalendar", "add_working_days", "calendar_of"]


@dataclass(frozen=True)
class DeadlineCount:
    """How a deadline was counted: `working_days` after `start`, landing on `deadline`;
    `weekday_years` no notice covered (counted Monday to Friday), `file_years` the site's
    holidays file transcribed, `builtin_years` the first and last of the built-in notices."""

    start: date
    working_days: int
    deadline: date
    weekday_years: tuple[int, ...]
    file_years: tuple[int, ...]
    builtin_years: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "working_days": self.working_days,
            "deadline": self.deadline.isoformat(),
            "weekday_years": list(self.weekday_years),
            "file_years": list(self.file_years),
            "builtin_years": list(self.builtin_years),
        }

    @classmethod
    def from_json(cls, value: Any) -> DeadlineCount | None:
        """The count as a run recorded it; None when it did not (a run from before working
        days knew the holidays) or the record cannot be read."""
        if not isinstance(value, dict):
            return None
        try:
            first, last = value["builtin_years"]
            return cls(
                start=date.fromisoformat(value["start"]),
                working_days=int(value["working_days"]),
                deadline=date.fromisoformat(value["deadline"]),
                weekday_years=tuple(int(y) for y in value["weekday_years"]),
                file_years=tuple(int(y) for y in value["file_years"]),
                builtin_years=(int(first), int(last)),
            )
        except (KeyError, TypeError, ValueError):
            return None


class WorkCalendar(Calendar):
    """The calendar of :mod:`checks.workdays` built from a site's holidays file as the profile
    read it (``tracking.holiday_notices``), and able to say how a deadline was counted."""

    def __init__(self, notices: Mapping[int, HolidayNotice] | None = None) -> None:
        super().__init__(notice_days(notices or {}), tuple(notices or {}))

    def count(self, start: date, days: int) -> DeadlineCount:
        """`days` working days after `start`, and how they were counted."""
        deadline = self.add(start, days)
        return DeadlineCount(
            start=start,
            working_days=days,
            deadline=deadline,
            weekday_years=self.weekday_years(start, deadline),
            file_years=self.file_years,
            builtin_years=BUILTIN_YEARS,
        )


def add_working_days(start: date, days: int, calendar: WorkCalendar | None = None) -> date:
    """`days` working days after `start`, by `calendar` (default: the built-in notices, then
    Monday to Friday)."""
    return (calendar or WorkCalendar()).add(start, days)


def run_tracking(run: Run) -> Tracking:
    """The ``tracking`` section of the profile the run was made with; the defaults when it has
    none or it no longer validates (a run stored by an older version)."""
    try:
        return Tracking.model_validate((run.profile or {}).get("tracking") or {})
    except ValidationError:
        return Tracking()


def calendar_of(run: Run) -> WorkCalendar:
    """The calendar of the run: its site's holidays file as it was read for the run."""
    return WorkCalendar(run_tracking(run).holiday_notices)


def record_count(run: Run, count: DeadlineCount) -> None:
    """Keep how the run counted its deadline in the run's stats."""
    run.stats = {**(run.stats or {}), STATS_KEY: count.to_json()}


@dataclass(frozen=True)
class DeadlineBasis:
    """What a finding's deadline was counted with: the years counted Monday to Friday and the
    years the site's holidays file transcribed. Both empty when a person set the deadline."""

    weekday_years: tuple[int, ...] = ()
    file_years: tuple[int, ...] = ()


def deadline_basis(finding: Finding, first_run: Run) -> DeadlineBasis:
    """How `finding`'s deadline was counted by the run that opened it (`first_run`). A run that
    recorded no count was made before deadlines knew the holidays: every year of its count went
    Monday to Friday. A deadline other than the one counted was set by a person."""
    if finding.deadline is None:
        return DeadlineBasis()
    count = DeadlineCount.from_json((first_run.stats or {}).get(STATS_KEY))
    if count is not None:
        if count.deadline != finding.deadline:
            return DeadlineBasis()
        return DeadlineBasis(count.weekday_years, count.file_years)
    days = run_tracking(first_run).deadline_working_days
    if _weekdays_only(finding.first_seen, days) != finding.deadline:
        return DeadlineBasis()
    first = (finding.first_seen + timedelta(days=1)).year
    return DeadlineBasis(tuple(range(first, finding.deadline.year + 1)))


def _weekdays_only(start: date, days: int) -> date:
    """Monday to Friday, as deadlines were counted before they knew the holidays."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
