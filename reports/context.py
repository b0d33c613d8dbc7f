"""The typed contexts the reports render: one dataclass per report, built by the caller.

Reports render, they do not compute: everything a template shows is a field here, already
counted, dated and worded for the report's language (except the labels, which templates read
from :mod:`reports.labels`). Text from a crawl stays raw here — escaping is the template's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, overload

T = TypeVar("T")


class MadeOnRead(Sequence[T]):
    """A list whose items are made as they are read, from sources the caller holds anyway: the
    report of a run with tens of thousands of findings keeps the store's rows, not a second
    copy of every row as report text. Every read makes the items again."""

    def __init__(self, sources: Sequence[Any], make: Callable[[Any], T]) -> None:
        self._sources, self._make = sources, make

    def __len__(self) -> int:
        return len(self._sources)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._make(source) for source in self._sources[index]]
        return self._make(self._sources[index])

    def __iter__(self) -> Iterator[T]:
        return map(self._make, self._sources)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MadeOnRead | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list is not hashable either

    def __repr__(self) -> str:
        return f"MadeOnRead({len(self)} items)"


@dataclass(frozen=True)
class ReportFinding:
    """One finding of the run report (its row in the 问题 table)."""

    id: str
    check: str
    subtype: str
    severity: str
    title: str
    detail: str
    url: str
    page: str | None
    pages: list[str]
    column: str | None
    status: str
    first_seen: str | None
    deadline: str | None
    unit: str | None = None
    status_label: str = ""
    how_to_fix: str = ""
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (key, value as text)

    @property
    def other_pages(self) -> list[str]:
        """The source pages beyond `page` (a broken link is often on many)."""
        return [p for p in self.pages if p != self.page]


@dataclass(frozen=True)
class ChangeItem:
    """A finding named in "what changed since the last run"."""

    id: str
    check_name: str
    title: str
    url: str
    in_this_run: bool  # listed in this report's findings table (so the id is an anchor)


@dataclass(frozen=True)
class Changes:
    """新发现 / 已整改 / 复发 of one run against the state the previous run left."""

    previous_run: int | None
    previous_as_of: str | None
    opened: Sequence[ChangeItem] = field(default_factory=list)
    fixed: Sequence[ChangeItem] = field(default_factory=list)
    reopened: Sequence[ChangeItem] = field(default_factory=list)


@dataclass(frozen=True)
class TrendPoint:
    """Open findings (open + reopened) as they stood after one run."""

    run_id: int
    as_of: str
    open: int
    complete: bool


@dataclass(frozen=True)
class Availability:
    """The week's home-page probes (``xuncha probe``) against the 站点无法访问 line."""

    since: str
    until: str
    tries: int
    failures: int
    failure_pct: float | None  # None when there was no try
    threshold_pct: float
    crossed: bool
    expected_tries: int  # what the standard asks for in a week (20 a day)
    per_day: int


@dataclass(frozen=True)
class CountRow:
    """A name (check, column or unit; None = none) and how many findings it has."""

    key: str | None
    name: str | None
    count: int


@dataclass(frozen=True)
class RunReport:
    """Everything the run report (检测报告) shows; built by the caller, rendered as is."""

    lang: str
    site_name: str
    start_url: str
    run_id: int
    as_of: str
    started_at: str
    finished_at: str | None
    status: str
    complete: bool
    message: str | None
    pages: int
    links_checked: int
    findings: Sequence[ReportFinding]  # a list, or MadeOnRead from the run's store rows
    counts_by_check: list[tuple[str, str, int]] = field(default_factory=list)
    score: dict[str, Any] | None = None
    not_yet_due: list[dict[str, Any]] = field(default_factory=list)
    changes: Changes | None = None
    counts_by_column: list[CountRow] = field(default_factory=list)
    counts_by_unit: list[CountRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    availability: Availability | None = None
    pruned_on: str | None = None  # the day retention (保留) removed the run's crawl rows
    incremental: Incremental | None = None  # 增量巡查: what was carried from an earlier run


@dataclass(frozen=True)
class Incremental:
    """An incremental night (增量巡查): pages kept as `prior_run` saw them — not asked again
    (their rotation slot had not come) or `revalidated` (the server said 304, or sent the same
    body) — and working-link results reused within their validity."""

    prior_run: int
    pages_carried: int
    revalidated: int
    link_checks_carried: int


@dataclass(frozen=True)
class HistoryEvent:
    """One event of a finding's history, as shown: the day (a run's as_of, or the day a
    person acted), who (run #n or a person), what, the status move and why."""

    day: str
    by: str
    action: str
    status: str
    reason: str


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
class SiteRow:
    """One site of the index: its latest run and where its report is."""

    name: str
    start_url: str
    report_href: str | None  # relative to the index; None when the site has no run
    run_id: int | None
    as_of: str | None
    status: str | None
    verdict: str | None  # 合格 | 不合格 | None (not scored)
    points: float | None
    open_findings: int
    trend: list[TrendPoint] = field(default_factory=list)


@dataclass(frozen=True)
class SiteIndex:
    """The index of a database holding several sites."""

    lang: str
    generated: str
    sites: list[SiteRow]


@dataclass(frozen=True)
class LedgerRow:
    """One row of the 整改台账, in the inspectors' columns (see :mod:`reports.ledger`)."""

    number: int  # 序号
    site: str  # 网站
    check_name: str  # 问题类型
    description: str  # 问题描述
    url: str  # 问题链接
    pages: str  # 所在页面 (one a line)
    unit: str  # 责任单位
    person: str  # 责任人
    first_seen: date  # 发现时间
    deadline: date | None  # 整改时限
    status: str  # 整改状态
    recheck: str  # 复核情况
    note: str  # 备注
    finding_id: str = ""  # not a column: for tests and tools that join back to findings
