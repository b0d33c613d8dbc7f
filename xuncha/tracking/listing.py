"""The findings of the workspace's list (问题清单): filtered, searched, sorted and paged in
the database, so that a store of a hundred thousand findings pages as fast as one of a hundred.

The export of a list is the same query without its page: exactly what the filter shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from xuncha.store import Finding, Site
from xuncha.tracking.events import ACTIVE, STATUSES
from xuncha.tracking.queries import SEVERITY_ORDER

PAGE_SIZE = 50
SEVERITIES = tuple(SEVERITY_ORDER)
_SEVERITY_RANK = case(SEVERITY_ORDER, value=Finding.severity, else_=9)
_STATUS_RANK = case({s: i for i, s in enumerate(STATUSES)}, value=Finding.status, else_=9)
# What a list may be sorted by, each with the columns that break its ties.
SORTS: dict[str, tuple[Any, ...]] = {
    "severity": (_SEVERITY_RANK, Finding.check, Finding.url),
    "status": (_STATUS_RANK, _SEVERITY_RANK),
    "check": (Finding.check, _SEVERITY_RANK),
    "first_seen": (Finding.first_seen,),
    "last_seen": (Finding.last_seen,),
    "deadline": (Finding.deadline,),
    "unit": (Finding.unit,),
    "column": (Finding.column,),
    "url": (Finding.url,),
}


@dataclass(frozen=True)
class FindingFilter:
    """What a list shows. Empty fields do not filter; `unit_only` is the unit a unit user is
    held to, whatever the form asked for."""

    site_id: int | None = None
    statuses: tuple[str, ...] = ()
    check: str | None = None
    severity: str | None = None
    column: str | None = None
    unit: str | None = None
    overdue: bool = False
    text: str = ""
    sort: str = "severity"
    descending: bool = False
    page: int = 1
    unit_only: str | None = None
    today: date = field(default_factory=date.today)

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.site_id is not None:
            found.append(Finding.site_id == self.site_id)
        statuses = [s for s in self.statuses if s in STATUSES]
        if statuses:
            found.append(Finding.status.in_(statuses))
        if self.check:
            found.append(Finding.check == self.check)
        if self.severity:
            found.append(Finding.severity == self.severity)
        if self.column:
            found.append(Finding.column == self.column)
        if self.unit:
            found.append(Finding.unit == self.unit)
        if self.unit_only is not None:
            found.append(Finding.unit == self.unit_only)
        if self.overdue:
            found.append(and_(Finding.deadline < self.today, Finding.status.in_(sorted(ACTIVE))))
        words = self.text.split()[:5]
        for word in words:
            pattern = f"%{_escaped(word)}%"
            found.append(
                or_(
                    *(
                        column.ilike(pattern, escape="\\")
                        for column in (
                            Finding.title,
                            Finding.url,
                            Finding.detail,
                            Finding.fingerprint,
                            Finding.column,
                            Finding.page,
                            Finding.unit,
                            Finding.person,
                            Finding.note,
                        )
                    )
                )
            )
        return found

    def order(self) -> list[Any]:
        columns = SORTS.get(self.sort, SORTS["severity"])
        ordered = [c.desc() if self.descending else c.asc() for c in columns]
        return [*ordered, Finding.id.desc() if self.descending else Finding.id.asc()]

    def at_page(self, page: int) -> FindingFilter:
        return replace(self, page=page)


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class FindingPage:
    rows: list[tuple[Finding, str]]  # (finding, its site's name)
    total: int
    page: int
    pages: int


def _query(chosen: FindingFilter) -> Select[Finding, str]:
    return (
        select(Finding, Site.name)
        .join(Site, Site.id == Finding.site_id)
        .where(*chosen.conditions())
        .order_by(*chosen.order())
    )


def finding_page(session: Session, chosen: FindingFilter, size: int = PAGE_SIZE) -> FindingPage:
    total = session.scalar(select(func.count(Finding.id)).where(*chosen.conditions())) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, chosen.page), pages)
    query = _query(chosen).limit(size).offset((page - 1) * size)
    rows = [(finding, name) for finding, name in session.execute(query)]
    return FindingPage(rows, total, page, pages)


def all_filtered(
    session: Session, chosen: FindingFilter, chunk: int = 1000
) -> Iterator[tuple[Finding, str]]:
    """Every finding the filter shows, in its order, read `chunk` at a time (the export)."""
    offset = 0
    while True:
        rows = list(session.execute(_query(chosen).limit(chunk).offset(offset)))
        yield from ((finding, name) for finding, name in rows)
        if len(rows) < chunk:
            return
        offset += chunk
        session.expunge_all()


@dataclass(frozen=True)
class FilterChoices:
    """The values the list's drop-downs offer: those the findings in view have."""

    checks: Sequence[str]
    columns: Sequence[str]
    units: Sequence[str]


def filter_choices(session: Session, unit_only: str | None = None) -> FilterChoices:
    def distinct(column: Any) -> list[str]:
        query = select(column).where(column.is_not(None)).distinct().order_by(column)
        if unit_only is not None:
            query = query.where(Finding.unit == unit_only)
        return [value for value in session.scalars(query) if value]

    return FilterChoices(distinct(Finding.check), distinct(Finding.column), distinct(Finding.unit))
