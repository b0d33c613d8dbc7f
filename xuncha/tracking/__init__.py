"""Finding tracking (整改跟踪): identity across runs, lifecycle, manual actions, history.

A finding's id is a fingerprint of its check and stable key, so the same defect keeps its
id night after night. A run opens, closes (``fixed``, only after a complete run re-checked the
thing) and reopens findings; people assign, waive, mark 误报, note and reopen them. Every change
is an event in the append-only ``finding_events`` table; nothing is ever deleted.

Modules: ``fingerprint`` (a finding's id, evidence digest), ``recheck`` (what a run looked at
again), ``lifecycle`` (what a run does), ``workdays`` (deadlines in working days: public
holidays and 调休 make-up days), ``manual`` (what people do), ``queries`` (reading back),
``events`` (statuses and the event writer), ``history`` (the history read back: replayed
statuses for the trend, events by finding for the ledger and the look-back).
"""

from xuncha.tracking.events import ACTIVE, STATUSES
from xuncha.tracking.fingerprint import PREFIXES, evidence_digest, fingerprint
from xuncha.tracking.lifecycle import (
    deadline_working_days,
    is_complete,
    record_findings,
    responsible_unit,
)
from xuncha.tracking.manual import (
    FindingError,
    assign,
    events_of,
    false_positive,
    find_finding,
    find_site,
    history,
    note,
    reopen,
    waive,
)
from xuncha.tracking.queries import (
    OrderedFindings,
    RunChanges,
    all_sites,
    finding_filters,
    latest_run,
    run_changes,
    run_findings,
    select_findings,
)
from xuncha.tracking.recheck import rechecked
from xuncha.tracking.workdays import WorkCalendar, add_working_days, calendar_of

__all__ = [
    "ACTIVE",
    "PREFIXES",
    "STATUSES",
    "FindingError",
    "OrderedFindings",
    "RunChanges",
    "WorkCalendar",
    "add_working_days",
    "all_sites",
    "assign",
    "calendar_of",
    "deadline_working_days",
    "events_of",
    "evidence_digest",
    "false_positive",
    "find_finding",
    "find_site",
    "finding_filters",
    "fingerprint",
    "history",
    "is_complete",
    "latest_run",
    "note",
    "rechecked",
    "record_findings",
    "reopen",
    "responsible_unit",
    "run_changes",
    "run_findings",
    "select_findings",
    "waive",
]
