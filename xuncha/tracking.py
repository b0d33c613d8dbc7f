"""Finding identity across runs and the first part of the lifecycle (整改跟踪).

A finding's id is a fingerprint of its check and its stable key (target URL, host, …),
never of volatile text, so the same defect keeps its id night after night. Every change is
an event in the append-only ``finding_events`` table.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks import messages
from checks.model import Finding as CheckFinding
from xuncha.store import Finding, FindingEvent, Run

PREFIXES = {
    "broken_link": "bl",
    "wrong_link": "wl",
    "stale_column": "sc",
    "blank_column": "bc",
    "missing_mandatory": "mm",
    "mixed_content": "mc",
    "misplaced_content": "mp",
    "privacy_leak": "pl",
    "wording_error": "we",
    "site_identity": "si",
    "tls_certificate": "tc",
    "site_unreachable": "su",
}
DEADLINE_WORKING_DAYS = 10


def fingerprint(finding: CheckFinding) -> str:
    digest = hashlib.sha256(f"{finding.check}\x1f{finding.key}".encode()).hexdigest()[:16]
    return f"{PREFIXES.get(finding.check, 'xx')}-{digest}"


def add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def record_findings(session: Session, run: Run, found: list[CheckFinding]) -> list[Finding]:
    """Upsert this run's findings: new ones open, known ones seen again (reopened if fixed).

    Findings of the site that this run did not see are left for the lifecycle of issue 4
    (`fixed` needs a complete run that re-checked the thing); here they keep their state.
    """
    now = datetime.now(UTC)
    existing = {
        f.fingerprint: f
        for f in session.scalars(select(Finding).where(Finding.site_id == run.site_id))
    }
    seen: list[Finding] = []
    for item in found:
        fp = fingerprint(item)
        row = existing.get(fp)
        if row is None:
            row = Finding(
                site_id=run.site_id,
                fingerprint=fp,
                check=item.check,
                subtype=item.subtype,
                status="open",
                first_seen=run.as_of,
                deadline=add_working_days(run.as_of, DEADLINE_WORKING_DAYS),
                first_run_id=run.id,
                last_run_id=run.id,
                last_seen=run.as_of,
                severity=item.severity,
                url=item.url,
                title="",
                detail="",
            )
            session.add(row)
            session.flush()
            session.add(FindingEvent(finding_id=row.id, at=now, run_id=run.id, action="opened",
                                     new_status="open"))  # fmt: skip
            existing[fp] = row
        elif row.status == "fixed":
            session.add(FindingEvent(finding_id=row.id, at=now, run_id=run.id, action="reopened",
                                     old_status="fixed", new_status="reopened"))  # fmt: skip
            row.status = "reopened"
        row.subtype = item.subtype
        row.severity = item.severity
        row.url = item.url
        row.page = item.page
        row.pages = list(item.pages)
        row.column = item.column
        row.evidence = item.evidence
        row.title = messages.title(item.check, item.subtype, item.evidence)
        row.detail = messages.detail(item.check, item.subtype, item.evidence)
        row.unit = item.unit or row.unit
        row.last_seen = run.as_of
        row.last_run_id = run.id
        seen.append(row)
    return seen
