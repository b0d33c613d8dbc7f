"""Statuses, actions and the one way an event is written to the append-only history.

Statuses of a finding (整改状态) and who moves it:

- new → ``open``: a run raised it for the first time;
- ``open``/``reopened`` → ``fixed``: a complete run re-checked the thing and did not raise it;
- ``fixed`` → ``reopened``: a run raised it again;
- ``false_positive`` → ``reopened``: a run raised it with changed evidence;
- any other → ``waived`` / ``false_positive``: a person (waive, false-positive);
- ``fixed``/``waived``/``false_positive`` → ``reopened``: a person (reopen).

Actions of events: opened, fixed, reopened and changed are written by runs (``run_id`` set);
assigned, waived, false_positive, note and reopened are written by people (``actor`` set).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from xuncha.store import Finding, FindingEvent

OPEN, FIXED, REOPENED, WAIVED, FALSE_POSITIVE = (
    "open",
    "fixed",
    "reopened",
    "waived",
    "false_positive",
)
STATUSES = (OPEN, REOPENED, FIXED, WAIVED, FALSE_POSITIVE)
ACTIVE = frozenset({OPEN, REOPENED})  # still to be rectified (待整改)
MANUAL = frozenset({WAIVED, FALSE_POSITIVE})  # only a person changes these
# Their names, 中文 and English, are reports.labels.STATUS_LABELS and ACTION_LABELS.


def add_event(
    session: Session,
    finding: Finding,
    action: str,
    *,
    new_status: str | None = None,
    run_id: int | None = None,
    actor: str | None = None,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
) -> FindingEvent:
    """Append one event, and move the finding to `new_status` if one is given (then the
    status's reason becomes `reason`).

    The old status is read from the finding itself, so history and row cannot disagree; an
    ``opened`` event has none.
    """
    if finding.id is None:
        session.flush()
    old_status = None
    if new_status is not None:
        old_status = None if action == "opened" else finding.status
        finding.status = new_status
        finding.status_reason = reason
    event = FindingEvent(
        finding_id=finding.id,
        at=datetime.now(UTC),
        run_id=run_id,
        actor=actor,
        action=action,
        old_status=old_status,
        new_status=new_status,
        reason=reason,
        changes=changes or None,
    )
    session.add(event)
    return event
