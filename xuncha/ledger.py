"""The rows of the rectification ledger (整改台账), read from the tracked findings and their
append-only history. The XLSX itself is :mod:`reports.ledger`.

复核情况 (the re-check outcome) is read from the events, dated by the ``as_of`` of the run that
re-checked (a person's action by the day it was done):

- fixed: ``2026-11-27 复核已整改`` (the run that found it gone);
- reopened by a run: ``2026-11-28 整改后复发``; by a person: ``2026-11-28 重新打开``;
- open or reopened and seen again by a later run: ``… 复核未整改`` (dated by that run);
- open and not re-checked yet: ``待复核``;
- waived / false positive: ``2026-11-29 不予整改`` / ``… 认定误报`` (the reason is in 备注).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.context import LedgerRow
from reports.html import check_name
from xuncha.findings_output import finding_title
from xuncha.report_history import event_day, events_by_finding, fix_date, run_dates
from xuncha.store import Finding, FindingEvent
from xuncha.tracking import STATUS_LABELS, OrderedFindings, all_sites, finding_filters
from xuncha.tracking.events import FALSE_POSITIVE, FIXED, OPEN, REOPENED, WAIVED, label
from xuncha.tracking.queries import SEVERITY_ORDER, STATUS_ORDER

PAGES_SHOWN = 10

RECHECK = {
    "fixed": ("{day} 复核已整改", "{day} re-checked: fixed"),
    "not_fixed": ("{day} 复核未整改", "{day} re-checked: not fixed"),
    "recurred": ("{day} 整改后复发", "{day} recurred after the fix"),
    "reopened_by_hand": ("{day} 重新打开", "{day} reopened by hand"),
    "pending": ("待复核", "awaiting re-check"),
    "waived": ("{day} 不予整改", "{day} waived"),
    "false_positive": ("{day} 认定误报", "{day} marked false positive"),
}


def _say(key: str, lang: str, day: date | None = None) -> str:
    zh, en = RECHECK[key]
    return (en if lang == "en" else zh).format(day=day.isoformat() if day else "")


def recheck_text(
    finding: Finding, events: Sequence[FindingEvent], dates: dict[int, date], lang: str
) -> str:
    """复核情况 of one finding (see the module docstring)."""
    status = finding.status
    if status == FIXED:
        return _say("fixed", lang, fix_date(events, dates) or finding.last_seen)
    if status in (WAIVED, FALSE_POSITIVE):
        action = "waived" if status == WAIVED else "false_positive"
        last = next((e for e in reversed(events) if e.action == action), None)
        return _say(action, lang, event_day(last, dates) if last else None)
    parts = []
    since = finding.first_seen
    if status == REOPENED:
        last = next((e for e in reversed(events) if e.action == "reopened"), None)
        if last is not None:
            since = event_day(last, dates)
            parts.append(
                _say("recurred" if last.run_id is not None else "reopened_by_hand", lang, since)
            )
    if finding.last_seen and finding.last_seen > since:
        parts.append(_say("not_fixed", lang, finding.last_seen))
    if status == OPEN and not parts:
        parts.append(_say("pending", lang))
    return ("; " if lang == "en" else "；").join(parts)


def note_text(finding: Finding, lang: str) -> str:
    """备注: why the finding has its status (豁免理由, 误报理由…) and the latest note."""
    parts = []
    if finding.status_reason:
        parts.append(("Reason: " if lang == "en" else "理由：") + finding.status_reason)
    if finding.note:
        parts.append(finding.note)
    return ("; " if lang == "en" else "；").join(parts)


def pages_text(finding: Finding, lang: str) -> str:
    """所在页面, one a line; past :data:`PAGES_SHOWN` only how many more."""
    pages = list(dict.fromkeys([p for p in (finding.page, *(finding.pages or ())) if p]))
    shown = pages[:PAGES_SHOWN]
    if len(pages) > PAGES_SHOWN:
        more = len(pages) - PAGES_SHOWN
        shown.append(f"… and {more} more" if lang == "en" else f"…另有 {more} 个页面")
    return "\n".join(shown)


def ledger_rows(
    session: Session, site: str | None = None, statuses: Iterable[str] = (), lang: str = "zh"
) -> list[LedgerRow]:
    """The ledger of one site (name or start URL) or of all, of the given statuses or all;
    by site, then in the order the findings were first seen."""
    return list(iter_ledger_rows(session, site, statuses, lang))


def iter_ledger_rows(
    session: Session, site: str | None = None, statuses: Iterable[str] = (), lang: str = "zh"
) -> Iterator[LedgerRow]:
    """:func:`ledger_rows` one at a time, the findings and their history read a chunk at a
    time: the ledger of a site with tens of thousands of findings is written as it is read."""
    sites = {s.id: s for s in all_sites(session)}
    number = 0
    for chunk in OrderedFindings(session, _ledger_order(session, site, statuses)).chunks():
        history = events_by_finding(session, (f.id for f in chunk))
        dates = run_dates(session, (e for events in history.values() for e in events))
        for finding in chunk:
            number += 1
            yield _ledger_row(number, sites[finding.site_id].name, finding,
                              history.get(finding.id, []), dates, lang)  # fmt: skip


def _ledger_order(session: Session, site: str | None, statuses: Iterable[str]) -> list[int]:
    """The ids in the ledger's order: site, day first seen, severity, check, URL, then
    status (open first) and id."""
    keys = session.execute(
        select(Finding.id, Finding.site_id, Finding.first_seen, Finding.severity, Finding.check,
               Finding.url, Finding.status).where(*finding_filters(session, site, statuses))
    ).all()  # fmt: skip
    keys.sort(key=lambda k: (k.site_id, k.first_seen, SEVERITY_ORDER.get(k.severity, 9), k.check,
                             k.url, STATUS_ORDER.get(k.status, 9), k.id))  # fmt: skip
    return [key.id for key in keys]


def _ledger_row(
    number: int,
    site_name: str,
    finding: Finding,
    events: Sequence[FindingEvent],
    dates: dict[int, date],
    lang: str,
) -> LedgerRow:
    return LedgerRow(
        number=number,
        site=site_name,
        check_name=check_name(finding.check, lang),
        description=finding_title(finding, lang),
        url=finding.url,
        pages=pages_text(finding, lang),
        unit=finding.unit or "",
        person=finding.person or "",
        first_seen=finding.first_seen,
        deadline=finding.deadline,
        status=label(STATUS_LABELS, finding.status, lang),
        recheck=recheck_text(finding, events, dates, lang),
        note=note_text(finding, lang),
        finding_id=finding.fingerprint,
    )
