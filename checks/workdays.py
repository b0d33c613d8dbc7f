"""Working days (工作日): Monday to Friday, less the public holidays of the State Council's
yearly notice (国务院办公厅关于某年部分节假日安排的通知), plus the weekend days it makes working
days (调休上班). A day is judged by the first of these that knows it:

1. the site's own transcription of a notice (a day → working or not), where it differs;
2. the built-in notices (the ``chinesecalendar`` package), for the years it holds;
3. Monday to Friday, for a year no notice covers yet (the next year's notice comes out in
   November or December and reaches the package later).

The checks count with it (a reply later than a local limit in working days: 互动回应差), and so
do the deadlines of findings (整改时限, :mod:`xuncha.tracking.workdays`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar


def _builtin_years() -> tuple[int, int]:
    """The first and last year of the built-in notices; the package refuses a day of any other
    year (NotImplementedError)."""
    days = chinese_calendar.holidays
    return int(min(days).year), int(max(days).year)


BUILTIN_YEARS = _builtin_years()


class WorkCalendar:
    """Which days are working days: `days` (a site's transcribed notices: day → working), then
    the built-in notices, then Monday to Friday. `file_years`: the years those notices cover."""

    def __init__(
        self, days: Mapping[date, bool] | None = None, file_years: tuple[int, ...] = ()
    ) -> None:
        self.file_years = tuple(sorted(file_years))
        self._file_days = dict(days or {})

    def knows(self, year: int) -> bool:
        """Whether a notice covers `year`: the site's own or the built-in ones."""
        return year in self.file_years or BUILTIN_YEARS[0] <= year <= BUILTIN_YEARS[1]

    def is_working_day(self, day: date) -> bool:
        if day in self._file_days:
            return self._file_days[day]
        if BUILTIN_YEARS[0] <= day.year <= BUILTIN_YEARS[1]:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (the day after it is the first counted)."""
        current = start
        while days > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                days -= 1
        return current

    def between(self, start: date, end: date) -> int:
        """The working days after `start` up to and including `end`."""
        days, current = 0, start
        while current < end:
            current += timedelta(days=1)
            days += self.is_working_day(current)
        return days

    def weekday_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years of the days after `start` up to `end` that no notice covers: those days
        were counted Monday to Friday."""
        first = (start + timedelta(days=1)).year
        return tuple(year for year in range(first, end.year + 1) if not self.knows(year))
