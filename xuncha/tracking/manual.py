"""What people do to findings (整改跟踪, the manual half): assign, waive, mark 误报, note,
reopen. Each action appends one event (when, who, old → new status, why, what changed);
nothing is ever deleted, and what a person set survives every later run.

A finding is named by its export ``id`` (the fingerprint, ``bl-3f9c…``) or a unique prefix of
it; ``site`` (a name or start URL) tells apart findings of several sites sharing a prefix.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.errors import XunchaError
from xuncha.store import Finding, FindingEvent, Site
from xuncha.tracking.events import (
    ACTIVE,
    FALSE_POSITIVE,
    REOPENED,
    WAIVED,
    add_event,
)
from xuncha.tracking.fingerprint import evidence_digest


class FindingError(XunchaError):
    """A finding action cannot be done: unknown or ambiguous id, unknown site, a status the
    action does not apply to, a missing reason."""


def find_site(session: Session, site: str) -> Site:
    """The site whose key, start URL or name is `site` (URLs compared without the final /).
    A key or URL wins over a name: a name may come from a crawled page title, which a site
    could set to another site's address."""
    wanted = site.strip()
    url = wanted.rstrip("/").lower()
    sites = list(session.scalars(select(Site).order_by(Site.id)))
    for candidate in sites:
        if url in (candidate.start_url.rstrip("/").lower(), candidate.key):
            return candidate
    for candidate in sites:
        if wanted == candidate.name:
            return candidate
    known = "、".join(s.name for s in sites) or "none yet"
    raise FindingError(f"no site {site!r} in the database (sites: {known})")


def find_finding(session: Session, finding_id: str | Finding, site: str | None = None) -> Finding:
    """The one finding whose id starts with `finding_id` (case-insensitive); a finding row
    given is that finding (the workspace acts on the very row it checked the account against)."""
    if isinstance(finding_id, Finding):
        return finding_id
    prefix = finding_id.strip().lower()
    if not prefix:
        raise FindingError("give a finding id, e.g. bl-3f9c (see `xuncha findings`)")
    query = select(Finding).where(Finding.fingerprint.startswith(prefix, autoescape=True))
    if site is not None:
        query = query.where(Finding.site_id == find_site(session, site).id)
    matches = list(session.scalars(query.order_by(Finding.fingerprint).limit(6)))
    if not matches:
        raise FindingError(f"no finding with id {finding_id!r} (list them: xuncha findings)")
    exact = [f for f in matches if f.fingerprint == prefix]
    if len(matches) > 1 and len(exact) != 1:
        shown = ", ".join(f.fingerprint for f in matches[:5])
        more = "…" if len(matches) > 5 else ""
        hint = "" if site else " or --site"
        raise FindingError(
            f"finding id {finding_id!r} is ambiguous ({shown}{more}): give more characters{hint}"
        )
    return exact[0] if exact else matches[0]


def _required(reason: str | None, action: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise FindingError(f"{action} needs a reason (--reason), e.g. 依法不予公开")
    return text


def assign(
    session: Session,
    finding_id: str | Finding,
    *,
    unit: str | None = None,
    person: str | None = None,
    deadline: date | None = None,
    actor: str,
    reason: str | None = None,
    site: str | None = None,
) -> Finding:
    """Set the responsible unit (责任单位), person (责任人) and/or deadline (整改时限).

    A unit given here is kept across runs; an empty unit gives it back to the profile's
    column→unit map (the next run fills it). An empty person clears the person.
    """
    finding = find_finding(session, finding_id, site)
    if unit is None and person is None and deadline is None:
        raise FindingError("assign needs --unit, --person or --deadline")
    changes: dict[str, list[Any]] = {}
    if unit is not None:
        new_unit = unit.strip() or None
        if new_unit != finding.unit or finding.unit_by_hand != bool(new_unit):
            changes["unit"] = [finding.unit, new_unit]
            finding.unit = new_unit
            finding.unit_by_hand = new_unit is not None
    if person is not None and (person.strip() or None) != finding.person:
        changes["person"] = [finding.person, person.strip() or None]
        finding.person = person.strip() or None
    if deadline is not None and deadline != finding.deadline:
        changes["deadline"] = [_iso(finding.deadline), deadline.isoformat()]
        finding.deadline = deadline
    if not changes:
        raise FindingError(f"finding {finding.fingerprint} already has these values")
    add_event(session, finding, "assigned", actor=actor, reason=reason, changes=changes)
    return finding


def waive(
    session: Session, finding_id: str | Finding, *, reason: str, actor: str, site: str | None = None
) -> Finding:
    """不予整改: the finding stands but will not be rectified, for a stated reason."""
    finding = find_finding(session, finding_id, site)
    text = _required(reason, "waive")
    if finding.status == WAIVED:
        raise FindingError(f"finding {finding.fingerprint} is already waived")
    add_event(session, finding, "waived", new_status=WAIVED, actor=actor, reason=text)
    finding.evidence_digest = None
    return finding


def false_positive(
    session: Session, finding_id: str | Finding, *, reason: str, actor: str, site: str | None = None
) -> Finding:
    """误报: not a defect. Runs do not raise it again unless its stable evidence changes; the
    digest of that evidence is kept from this moment."""
    finding = find_finding(session, finding_id, site)
    text = _required(reason, "false-positive")
    if finding.status == FALSE_POSITIVE:
        raise FindingError(f"finding {finding.fingerprint} is already marked false positive")
    add_event(session, finding, "false_positive", new_status=FALSE_POSITIVE, actor=actor,
              reason=text)  # fmt: skip
    finding.evidence_digest = evidence_digest(finding.subtype, finding.evidence)
    return finding


def note(
    session: Session, finding_id: str | Finding, *, text: str, actor: str, site: str | None = None
) -> Finding:
    """备注: a free note; the finding keeps the latest, the history keeps all."""
    finding = find_finding(session, finding_id, site)
    body = (text or "").strip()
    if not body:
        raise FindingError("a note needs some text")
    add_event(session, finding, "note", actor=actor, reason=body)
    finding.note = body
    return finding


def reopen(
    session: Session, finding_id: str | Finding, *, reason: str, actor: str, site: str | None = None
) -> Finding:
    """Back to ``reopened`` from fixed, waived or false positive (复核未通过, 豁免撤销…)."""
    finding = find_finding(session, finding_id, site)
    text = _required(reason, "reopen")
    if finding.status in ACTIVE:
        raise FindingError(f"finding {finding.fingerprint} is already {finding.status}")
    add_event(session, finding, "reopened", new_status=REOPENED, actor=actor, reason=text)
    finding.evidence_digest = None
    return finding


def history(session: Session, finding_id: str, site: str | None = None) -> list[FindingEvent]:
    """Every event of the finding, oldest first."""
    return events_of(session, find_finding(session, finding_id, site))


def events_of(session: Session, finding: Finding) -> list[FindingEvent]:
    return list(
        session.scalars(
            select(FindingEvent)
            .where(FindingEvent.finding_id == finding.id)
            .order_by(FindingEvent.id)
        )
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
