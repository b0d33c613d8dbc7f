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
    query = select(Finding.id)
    if site is not None:
        query = query.where(Finding.site_id == find_site(session, site).id)
    if wanted:
        query = query.where(Finding.status.in_(sorted(wanted)))
    findings = load_findings(session, session.scalars(query))
    sites = {s.id: s for s in session.scalars(select(Site))}
    rows = [(sites[f.site_id], f) for f in findings.values()]
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
    events = session.execute(
        select(FindingEvent.action, FindingEvent.finding_id)
        .where(FindingEvent.run_id == run_id)
        .order_by(FindingEvent.id)
    ).all()
    findings = load_findings(session, (finding_id for _, finding_id in events))
    for action, finding_id in events:
        if action in ("opened", "fixed", "reopened"):
            getattr(changes, action).append(findings[finding_id])
    return changes


LOAD_CHUNK = 500  # findings a query loads: under every database's bind-parameter limit


def load_findings(session: Session, ids: Iterable[int]) -> dict[int, Finding]:
    """{id: Finding} of the given ids, in id order. Those the session holds (the rows a run
    just recorded) are taken as they are; the others are read a chunk at a time. Asking for
    tens of thousands at once makes the ORM read and buffer every row whole, and a row read
    again gets its unloaded fields filled in, which costs its object a bigger dict."""
    found: dict[int, Finding] = {}
    missing = []
    for finding_id in sorted(set(ids)):
        held = session.identity_map.get(session.identity_key(Finding, finding_id))
        if held is None:
            missing.append(finding_id)
        else:
            found[finding_id] = held
    for start in range(0, len(missing), LOAD_CHUNK):
        query = select(Finding).where(Finding.id.in_(missing[start : start + LOAD_CHUNK]))
        found.update((f.id, f) for f in session.scalars(query))
    return dict(sorted(found.items()))
