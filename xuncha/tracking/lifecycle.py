"""What a run does to the findings of its site (整改跟踪, the automatic half).

For each finding the run raised:

- new → ``open`` (event ``opened``), with a responsible unit and a deadline in working days
  (:mod:`xuncha.tracking.workdays`: public holidays skipped, 调休 make-up days counted);
- seen again → stays as it is; ``last_seen`` and ``last_run_id`` move on the row and **no
  event is written** (a ``seen`` event per finding per night would bury the history under
  noise; the row tells when it was last seen, the events tell what changed);
- ``fixed`` seen again → ``reopened`` (event);
- ``waived`` seen again → stays waived (a person decided; only a person undoes it);
- ``false_positive`` seen again → stays, unless its stable evidence differs from what it was
  when marked: then ``reopened``, with an event naming what changed;
- a change of subtype, severity or responsible unit → event ``changed`` (status unchanged).

For each ``open``/``reopened`` finding the run did *not* raise: ``fixed`` (event) only if the
run finished complete and re-checked the thing (see :mod:`xuncha.tracking.recheck`);
otherwise it stays and nothing is written.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks import messages
from checks.model import CrawlData
from checks.model import Finding as CheckFinding
from checks.registry import PAGE_CHECKS
from xuncha.profile import Tracking
from xuncha.store import Finding, FindingEvent, Run
from xuncha.tracking.events import (
    ACTIVE,
    FALSE_POSITIVE,
    FIXED,
    OPEN,
    REOPENED,
    add_event,
)
from xuncha.tracking.fingerprint import evidence_changes, evidence_digest, fingerprint
from xuncha.tracking.queries import LOAD_CHUNK
from xuncha.tracking.recheck import Coverage
from xuncha.tracking.workdays import calendar_of, record_count


def deadline_working_days(run: Run) -> int:
    """From the profile the run was made with (``tracking.deadline_working_days``); a run
    stored before the profile had a ``tracking`` section gets the default."""
    value = ((run.profile or {}).get("tracking") or {}).get("deadline_working_days")
    return int(value) if value else Tracking().deadline_working_days


def is_complete(run: Run) -> bool:
    """Finished with every queued request done: only such a run may close findings."""
    return run.status == "finished" and bool(run.complete)


class UnitMap:
    """The responsible units (牵头单位) the run knows: by column URL and name (the profile's
    column→unit map, as recorded on the run's columns) and by page, through its column."""

    def __init__(self, data: CrawlData) -> None:
        self.data = data
        self.by_url = {_norm(c.url): c.unit for c in data.columns if c.unit}
        self.by_name = {c.name: c.unit for c in data.columns if c.unit}

    @cached_property
    def page_column(self) -> dict[str, str]:
        """{page URL: its column's URL, as written}; built only when a column has a unit."""
        return {p.url: p.column_url for p in self.data.pages if p.column_url}

    def unit_for(self, item: CheckFinding) -> str | None:
        """The unit a check named, else that of the finding's column, else — for a defect on
        a page — that of the column the page belongs to (a broken link in an article of
        通知公告 goes to its 牵头单位). Site-wide findings get none: they are the site's."""
        if item.unit:
            return item.unit
        if item.column and item.column in self.by_name:
            return self.by_name[item.column]
        if item.check not in PAGE_CHECKS or not self.by_url:
            return None
        for page in (item.page, *item.pages):
            if not page:
                continue
            column = _norm(self.page_column.get(page, page))  # a column's own list page
            if column in self.by_url:
                return self.by_url[column]
        return None


def responsible_unit(item: CheckFinding, data: CrawlData) -> str | None:
    """See :meth:`UnitMap.unit_for`; for one finding."""
    return UnitMap(data).unit_for(item)


def _norm(url: str) -> str:
    return url.rstrip("/")


RECORD_CHUNK = 1_000  # findings applied, written and let go of at a time


def record_findings(
    session: Session, run: Run, found: list[CheckFinding], data: CrawlData
) -> dict[str, str]:
    """Apply one run to its site's findings (see the module docstring); return {fingerprint:
    status} of the findings this run raised, in the order found.

    A chunk of findings at a time is applied, written and let go of by the session: a site
    with tens of thousands of findings never has them all as rows in memory."""
    unique: dict[str, CheckFinding] = {}
    for item in found:
        unique.setdefault(fingerprint(item), item)  # one defect raised twice is one finding
    # 整改时限: in working days by the run's calendar (its site's holidays file, the built-in
    # notices, else Monday to Friday); how it was counted stays with the run.
    count = calendar_of(run).count(run.as_of, deadline_working_days(run))
    record_count(run, count)
    deadline = count.deadline
    units = UnitMap(data)
    # One object per distinct title and detail: tens of thousands of broken links share a
    # few dozen wordings ("链接失效（404）"), and every row keeps its own otherwise.
    wordings: dict[str, str] = {}
    raised: dict[str, str] = {}
    fingerprints = list(unique)
    for start in range(0, len(fingerprints), RECORD_CHUNK):
        chunk = fingerprints[start : start + RECORD_CHUNK]
        existing = _site_findings(session, run.site_id, chunk)
        opened = []
        for fp in chunk:
            item, row = unique[fp], existing.get(fp)
            unit = units.unit_for(item)
            if row is None:
                row = _new_row(run, item, fp, unit, deadline)
                session.add(row)
                opened.append(row)
            else:
                _seen_again(session, run, row, item, unit)
            _observe(row, run, item, wordings)
        session.flush()  # the new rows get their ids
        for row in opened:
            add_event(session, row, "opened", new_status=OPEN, run_id=run.id)
        raised.update((fp, existing[fp].status if fp in existing else OPEN) for fp in chunk)
        _let_go(session, [*existing.values(), *opened])
    if is_complete(run):
        _close_fixed(session, run, raised, Coverage(data))
    return raised


def _site_findings(session: Session, site_id: int, fingerprints: list[str]) -> dict[str, Finding]:
    rows: dict[str, Finding] = {}
    for start in range(0, len(fingerprints), LOAD_CHUNK):
        chunk = fingerprints[start : start + LOAD_CHUNK]
        query = select(Finding).where(Finding.site_id == site_id, Finding.fingerprint.in_(chunk))
        rows.update((row.fingerprint, row) for row in session.scalars(query))
    return rows


def _close_fixed(session: Session, run: Run, raised: dict[str, str], coverage: Coverage) -> None:
    """``fixed``: the open findings this complete run did not raise and did re-check."""
    after = 0
    while True:
        query = (
            select(Finding)
            .where(Finding.site_id == run.site_id, Finding.status.in_(ACTIVE), Finding.id > after)
            .order_by(Finding.id)
            .limit(RECORD_CHUNK)
        )
        rows = list(session.scalars(query))
        for row in rows:
            if row.fingerprint not in raised and coverage.rechecked(row):
                add_event(session, row, "fixed", new_status=FIXED, run_id=run.id)
        if len(rows) < RECORD_CHUNK:
            _let_go(session, rows)
            return
        after = rows[-1].id
        _let_go(session, rows)


def _let_go(session: Session, rows: list[Finding]) -> None:
    """Write what the rows and their new events hold, then drop them from the session."""
    events = [obj for obj in session.new if isinstance(obj, FindingEvent)]
    session.flush()
    for obj in (*rows, *events):
        session.expunge(obj)


def _new_row(run: Run, item: CheckFinding, fp: str, unit: str | None, deadline: date) -> Finding:
    return Finding(
        site_id=run.site_id,
        fingerprint=fp,
        check=item.check,
        subtype=item.subtype,
        status=OPEN,
        first_seen=run.as_of,
        deadline=deadline,
        first_run_id=run.id,
        last_run_id=run.id,
        last_seen=run.as_of,
        severity=item.severity,
        url=item.url,
        title="",
        detail="",
        unit=unit,
        unit_by_hand=False,
    )


def _seen_again(
    session: Session, run: Run, row: Finding, item: CheckFinding, unit: str | None
) -> None:
    changes = _field_changes(row, item, unit)
    if row.status == FIXED:
        add_event(session, row, "reopened", new_status=REOPENED, run_id=run.id, changes=changes)
    elif row.status == FALSE_POSITIVE and _evidence_moved(row, item):
        moved = evidence_changes(row.subtype, row.evidence, item.subtype, item.evidence)
        add_event(session, row, "reopened", new_status=REOPENED, run_id=run.id,
                  reason=f"误报后证据变化 (evidence changed since marked false positive): "
                  f"{describe_changes(moved)}", changes={**changes, **moved})  # fmt: skip
        row.evidence_digest = None
    elif changes:
        add_event(session, row, "changed", run_id=run.id, changes=changes)
    if not row.unit_by_hand and unit:
        row.unit = unit


def describe_changes(changes: dict[str, list[Any]]) -> str:
    """``status: 403 → 404; subtype: http_403 → http_404`` (one line)."""
    return "; ".join(f"{key}: {old} → {new}" for key, (old, new) in changes.items()) or "-"


def _evidence_moved(row: Finding, item: CheckFinding) -> bool:
    if row.evidence_digest is None:
        return False
    return evidence_digest(item.subtype, item.evidence) != row.evidence_digest


def _field_changes(row: Finding, item: CheckFinding, unit: str | None) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    if row.subtype != item.subtype:
        changes["subtype"] = [row.subtype, item.subtype]
    if row.severity != item.severity:
        changes["severity"] = [row.severity, item.severity]
    if not row.unit_by_hand and unit and row.unit and unit != row.unit:
        changes["unit"] = [row.unit, unit]
    return changes


def _observe(row: Finding, run: Run, item: CheckFinding, wordings: dict[str, str]) -> None:
    """What this run saw of the finding: its latest description, evidence and place."""
    row.subtype = item.subtype
    row.severity = item.severity
    row.url = item.url
    row.page = item.page
    row.pages = list(item.pages)
    row.column = item.column
    row.evidence = dict(item.evidence)
    title = messages.title(item.check, item.subtype, item.evidence)
    detail = messages.detail(item.check, item.subtype, item.evidence)
    row.title = wordings.setdefault(title, title)
    row.detail = wordings.setdefault(detail, detail)
    row.last_seen = run.as_of
    row.last_run_id = run.id
