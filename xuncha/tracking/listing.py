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
        for word in self.text.split()[:5]:
            found.append(or_(*(_matches(column, word) for column in _SEARCHED)))
        return found

    def order(self) -> list[Any]:
        columns = SORTS.get(self.sort, SORTS["severity"])
        ordered = [c.desc() if self.descending else c.asc() for c in columns]
        return [*ordered, Finding.id.desc() if self.descending else Finding.id.asc()]

    def at_page(self, page: int) -> FindingFilter:
        return replace(self, page=page)


# What the search box looks in: the finding's words, where it is, who has it, its id.
_SEARCHED = (
    Finding.title,
    Finding.detail,
    Finding.url,
    Finding.fingerprint,
    Finding.column,
    Finding.unit,
    Finding.person,
    Finding.note,
)


def _matches(column: Any, word: str) -> ColumnElement[bool]:
    """`column` contains `word`: case-blind when the word has Latin letters (a URL, an id),
    else a plain LIKE, which skips lower-casing every row (中文 has no case)."""
    pattern = f"%{_escaped(word)}%"
    matched: ColumnElement[bool]
    if any("a" <= c.lower() <= "z" for c in word):
        matched = column.ilike(pattern, escape="\\")
    else:
        matched = column.like(pattern, escape="\\")
    return matched


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class FindingPage:
    rows: list[tuple[Finding, str]]  # (finding, its site's name)
    total: int
    page: int
    pages: int


def _ids(chosen: FindingFilter) -> Select[int]:
    """The ids the filter shows, in its order: sorted narrow (an id and its sort keys), so that
    a page deep in a list of a hundred thousand does not drag whole rows through the sort."""
    return select(Finding.id).where(*chosen.conditions()).order_by(*chosen.order())


def _rows(session: Session, ids: list[int]) -> list[tuple[Finding, str]]:
    """The findings of `ids` with their site's name, in the order of `ids`."""
    if not ids:
        return []
    query = select(Finding, Site.name).join(Site, Site.id == Finding.site_id)
    found = {finding.id: (finding, name) for finding, name in
             session.execute(query.where(Finding.id.in_(ids)))}  # fmt: skip
    return [found[i] for i in ids if i in found]


def finding_page(session: Session, chosen: FindingFilter, size: int = PAGE_SIZE) -> FindingPage:
    total = session.scalar(select(func.count(Finding.id)).where(*chosen.conditions())) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, chosen.page), pages)
    ids = list(session.scalars(_ids(chosen).limit(size).offset((page - 1) * size)))
    return FindingPage(_rows(session, ids), total, page, pages)


def all_filtered(
    session: Session, chosen: FindingFilter, chunk: int = 1000
) -> Iterator[tuple[Finding, str]]:
    """Every finding the filter shows, in its order, read `chunk` at a time (the export)."""
    ids = list(session.scalars(_ids(chosen)))
    for start in range(0, len(ids), chunk):
        yield from _rows(session, ids[start : start + chunk])
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
