"""Reading the tracked findings back: for the CLI, the reports and the 整改台账."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from xuncha.store import Finding, FindingEvent, Run, Site
from xuncha.tracking.events import STATUSES
from xuncha.tracking.manual import FindingError, find_site

STATUS_ORDER = {status: i for i, status in enumerate(STATUSES)}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def report_order(finding: Any) -> tuple[int, str, str, int]:
    """The report's order of findings (or of rows with their id, severity, check and URL):
    high severity first, then check, URL and id."""
    return (SEVERITY_ORDER.get(finding.severity, 9), finding.check, finding.url, finding.id)


def finding_filters(
    session: Session, site: str | None = None, statuses: Iterable[str] = ()
) -> list[ColumnElement[bool]]:
    """The WHERE conditions for the findings of one site (name or start URL) or of all, of the
    given statuses or of all; an unknown status or site is a :class:`FindingError`."""
    wanted = set(statuses)
    unknown = wanted - set(STATUSES)
    if unknown:
        raise FindingError(f"unknown status {sorted(unknown)[0]!r} (one of: {', '.join(STATUSES)})")
    conditions: list[ColumnElement[bool]] = []
    if site is not None:
        conditions.append(Finding.site_id == find_site(session, site).id)
    if wanted:
        conditions.append(Finding.status.in_(sorted(wanted)))
    return conditions


def select_findings(
    session: Session, site: str | None = None, statuses: Iterable[str] = ()
) -> list[tuple[Site, Finding]]:
    """Findings of one site (name or start URL) or of all, of the given statuses or of all;
    ordered by site, status (open first), severity, check and URL."""
    query = select(Finding.id).where(*finding_filters(session, site, statuses))
    findings = load_findings(session, session.scalars(query))
    sites = {s.id: s for s in session.scalars(select(Site))}
    rows = [(sites[f.site_id], f) for f in findings.values()]
    rows.sort(
        key=lambda sf: (
            sf[0].id,
            STATUS_ORDER.get(sf[1].status, 9),
            SEVERITY_ORDER.get(sf[1].severity, 9),
            sf[1].check,
            sf[1].url,
        )
    )
    return rows


def all_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.id)))


def latest_run(session: Session, site_id: int) -> Run | None:
    return session.scalar(select(Run).where(Run.site_id == site_id).order_by(Run.id.desc()))


@dataclass
class RunChanges:
    """What a run changed (新发现 / 已整改 / 复发): the findings behind each kind of event, each
    kind in the report's order and read from the store as it is iterated."""

    opened: Sequence[Finding] = ()
    fixed: Sequence[Finding] = ()
    reopened: Sequence[Finding] = ()


def run_changes(session: Session, run_id: int) -> RunChanges:
    events = session.execute(
        select(FindingEvent.action, *_ORDER_COLUMNS)
        .join(Finding, Finding.id == FindingEvent.finding_id)
        .where(FindingEvent.run_id == run_id, FindingEvent.action.in_(_CHANGES))
        .order_by(FindingEvent.id)
    ).all()
    return RunChanges(
        **{
            action: in_report_order(session, [e for e in events if e.action == action])
            for action in _CHANGES
        }
    )


_CHANGES = ("opened", "fixed", "reopened")
# What the report's order is made of: severity first, then check, URL and id.
_ORDER_COLUMNS = (Finding.id, Finding.severity, Finding.check, Finding.url)


def run_findings(session: Session, run: Run, *, grouped: bool = False) -> OrderedFindings:
    """The findings whose latest run is `run` (for a site's latest run: exactly those it
    raised), in the report's order; `grouped`: in the run report's groups instead (see
    :func:`grouped_order`)."""
    where = (Finding.site_id == run.site_id, Finding.last_run_id == run.id)
    if not grouped:
        return in_report_order(session, session.execute(select(*_ORDER_COLUMNS).where(*where)))
    keys = session.execute(select(*_ORDER_COLUMNS, Finding.column, Finding.page).where(*where))
    return OrderedFindings(session, [key.id for key in grouped_order(keys.all())])


def grouped_order(keys: Sequence[Any]) -> list[Any]:
    """The run report's groups: by check — the check with the most severe finding first —
    then by column (those of no column last) and by the page the finding is on (its URL when
    it names no page), most severe first within one page."""
    worst: dict[str, int] = {}
    for key in keys:
        rank = SEVERITY_ORDER.get(key.severity, 9)
        worst[key.check] = min(worst.get(key.check, rank), rank)
    return sorted(
        keys,
        key=lambda k: (
            worst[k.check],
            k.check,
            k.column is None,
            k.column or "",
            k.page or k.url,
            SEVERITY_ORDER.get(k.severity, 9),
            k.url,
            k.id,
        ),  # fmt: skip
    )


def in_report_order(session: Session, keys: Iterable[Any]) -> OrderedFindings:
    """`keys` (rows with a finding's id, severity, check and URL; a finding named twice counts
    once) as findings in the report's order."""
    unique = {key.id: key for key in keys}.values()
    return OrderedFindings(session, [key.id for key in sorted(unique, key=report_order)])


class OrderedFindings(Sequence[Finding]):
    """Findings in a fixed order, read from the store a chunk at a time as they are iterated
    and let go of after: a run with tens of thousands of findings holds their ids, not their
    rows. Every pass reads them again."""

    def __init__(self, session: Session, ids: list[int]) -> None:
        self.session, self.ids = session, ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            return [f for chunk in self._chunks(self.ids[index]) for f in chunk]
        return next(iter(self._chunks([self.ids[index]])))[0]

    def __iter__(self) -> Iterator[Finding]:
        return (finding for chunk in self.chunks() for finding in chunk)

    def chunks(self) -> Iterator[list[Finding]]:
        """The findings, `LOAD_CHUNK` at a time."""
        return self._chunks(self.ids)

    def _chunks(self, ids: list[int]) -> Iterator[list[Finding]]:
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start : start + LOAD_CHUNK]
            held = {i for i in chunk if self.session.identity_map.get(_key(self.session, i))}
            found = load_findings(self.session, chunk)
            yield [found[i] for i in chunk]
            for finding_id, finding in found.items():
                if finding_id not in held:  # read for this pass only: the session lets it go
                    self.session.expunge(finding)


def _key(session: Session, finding_id: int) -> Any:
    return session.identity_key(Finding, finding_id)


LOAD_CHUNK = 500  # findings a query loads: under every database's bind-parameter limit


def load_findings(session: Session, ids: Iterable[int]) -> dict[int, Finding]:
    """{id: Finding} of the given ids, in id order. Those the session holds (the rows a run
    just recorded) are taken as they are; the others are read a chunk at a time. Asking for
    tens of thousands at once makes the ORM read and buffer every row whole, and a row read
    again gets its unloaded fields filled in, which costs its object a bigger dict."""
    found: dict[int, Finding] = {}
    missing = []
    for finding_id in sorted(set(ids)):
        held = session.identity_map.get(_key(session, finding_id))
        if held is None:
            missing.append(finding_id)
        else:
            found[finding_id] = held
    for start in range(0, len(missing), LOAD_CHUNK):
        query = select(Finding).where(Finding.id.in_(missing[start : start + LOAD_CHUNK]))
        found.update((f.id, f) for f in session.scalars(query))
    return dict(sorted(found.items()))
