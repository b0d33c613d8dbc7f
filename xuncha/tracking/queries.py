"""Reading the tracked findings back: for the CLI, the reports and the 整改台账."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store import Finding, FindingEvent, Run, Site
from xuncha.tracking.events import STATUSES
from xuncha.tracking.manual import FindingError, find_site

_STATUS_ORDER = {status: i for i, status in enumerate(STATUSES)}
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def select_findings(
    session: Session, site: str | None = None, statuses: Iterable[str] = ()
) -> list[tuple[Site, Finding]]:
    """Findings of one site (name or start URL) or of all, of the given statuses or of all;
    ordered by site, status (open first), severity, check and URL."""
    wanted = set(statuses)
    unknown = wanted - set(STATUSES)
    if unknown:
        raise FindingError(f"unknown status {sorted(unknown)[0]!r} (one of: {', '.join(STATUSES)})")
    query = select(Site, Finding).join(Finding, Finding.site_id == Site.id)
    if site is not None:
        query = query.where(Site.id == find_site(session, site).id)
    if wanted:
        query = query.where(Finding.status.in_(sorted(wanted)))
    rows = [(s, f) for s, f in session.execute(query)]
    rows.sort(
        key=lambda sf: (
            sf[0].id,
            _STATUS_ORDER.get(sf[1].status, 9),
            _SEVERITY_ORDER.get(sf[1].severity, 9),
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
    """What a run changed (新发现 / 已整改 / 复发): the findings behind each kind of event."""

    opened: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    reopened: list[Finding] = field(default_factory=list)


def run_changes(session: Session, run_id: int) -> RunChanges:
    changes = RunChanges()
    query = (
        select(FindingEvent.action, Finding)
        .join(Finding, Finding.id == FindingEvent.finding_id)
        .where(FindingEvent.run_id == run_id)
        .order_by(FindingEvent.id)
    )
    for action, finding in session.execute(query):
        if action in ("opened", "fixed", "reopened"):
            getattr(changes, action).append(finding)
    return changes
