"""The workspace's pages: sites, a run's report, the findings list and its exports, a finding
with its history and actions, the look-back and the ledger. Each is a page function
(:func:`xuncha.web.guard.page`): who may open it is said where it is routed."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from reports import findings_list as output
from reports.chart import TrendPoint
from reports.documents import notice_docx, notice_html, report_docx
from reports.history import history_rows
from reports.labels import check_name
from reports.ledger import write_ledger
from reports.ledger_upload import (
    MAX_BYTES,
    MAX_TEXT,
    LedgerFileError,
    LedgerUpdate,
    read_ledger_updates,
)
from reports.lookback import render_lookback
from reports.pdf import PdfError, html_to_pdf
from reports.rendering import write_html
from reports.run_report import evidence_lines, render_run_report
from reports.times import local_minute, zone, zone_of_profile
from xuncha import tracking
from xuncha.run import outputs
from xuncha.run.documents import file_name, unit_notices
from xuncha.store import Finding, FindingEvent, NoticeDelivery, Run, Site
from xuncha.store.runs import latest_ended_run
from xuncha.tracking.events import ACTIVE, STATUSES
from xuncha.tracking.history import events_by_finding, open_trend, run_dates
from xuncha.tracking.listing import (
    SEVERITIES,
    SORTS,
    FindingFilter,
    all_filtered,
    filter_choices,
    finding_page,
)
from xuncha.tracking.workdays import BUILTIN_YEARS
from xuncha.web.guard import Page, Refused
from xuncha.web.rendering import html, report_page
from xuncha.web.words import words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> date:
    """Today in the default zone (Beijing time): what 逾期 is judged against on pages of many
    sites."""
    return datetime.now(UTC).astimezone(zone(None)).date()


def _unit_only(page: Page) -> str | None:
    """The unit a unit user is held to (an empty string matches nothing)."""
    return (page.user.unit or "") if page.user.role == "unit" else None


# -- sites -------------------------------------------------------------------------------------


def sites(page: Page) -> Response:
    """Every site: its latest verdict and vetoes, open and overdue findings, the trend."""
    unit = _unit_only(page)
    rows = []
    for site in tracking.all_sites(page.session):
        run = latest_ended_run(page.session, site.id)
        score = (run.score or {}) if run is not None else {}
        counted = select(func.count(Finding.id)).where(
            Finding.site_id == site.id, Finding.status.in_(sorted(ACTIVE))
        )
        if unit is not None:
            counted = counted.where(Finding.unit == unit)
        overdue = counted.where(Finding.deadline < _today())
        rows.append(
            {
                "site": site,
                "run": run,
                "verdict": score.get("verdict"),
                "vetoes": score.get("vetoes") or [],
                "points": score.get("points"),
                "open": page.session.scalar(counted) or 0,
                "overdue": page.session.scalar(overdue) or 0,
                "trend": _trend(page, site.id) if unit is None else [],
            }
        )
    return html(page.request, "sites.html", page.lang, user=page.user, rows=rows)


class TrendCache:
    """Each site's trend (open findings after each of its last runs) as last replayed, kept
    until an event is written anywhere: replaying a site's history reads every event of it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[int, tuple[int | None, list[TrendPoint]]] = {}

    def get(self, session: Session, site_id: int) -> list[TrendPoint]:
        newest = session.scalar(select(func.max(FindingEvent.id)))
        with self._lock:
            kept = self._kept.get(site_id)
        if kept is not None and kept[0] == newest:
            return kept[1]
        points = open_trend(session, site_id)
        with self._lock:
            self._kept[site_id] = (newest, points)
        return points


def _trend(page: Page, site_id: int) -> list[TrendPoint]:
    cache: TrendCache = page.request.app.state.trends
    return cache.get(page.session, site_id)


def run_report(page: Page) -> Response:
    """A run's 检测报告, the same as its report.html (admins and auditors: a report shows every
    unit's findings)."""
    run = page.session.get(Run, int(page.request.path_params["run_id"]))
    if run is None:
        raise Refused(404, "not_found")
    report = outputs.run_report(
        page.session, run, page.lang, upcoming=outputs.upcoming_items(page.session, run)
    )
    return report_page(render_run_report(report))


# -- the findings list --------------------------------------------------------------------------


def _filter(page: Page) -> FindingFilter:
    query = page.request.query_params

    def one(name: str, allowed: Any = None) -> str | None:
        value = (query.get(name) or "").strip()
        if not value or (allowed is not None and value not in allowed):
            return None
        return value[:200]

    site = one("site")
    number = one("page")
    return FindingFilter(
        site_id=int(site) if site and site.isdigit() else None,
        statuses=tuple(s for s in query.getlist("status") if s in STATUSES),
        check=one("check"),
        severity=one("severity", SEVERITIES),
        column=one("column"),
        unit=one("unit"),
        overdue=query.get("overdue") == "1",
        text=(query.get("q") or "")[:200],
        sort=one("sort", SORTS) or "severity",
        descending=query.get("desc") == "1",
        page=int(number) if number and number.isdigit() else 1,
        unit_only=_unit_only(page),
        today=_today(),
    )


def _query_string(current: Page, **changes: Any) -> str:
    """The list's query with `changes` (a ``None`` drops the key)."""
    pairs = [(k, v) for k, v in current.request.query_params.multi_items() if k not in changes]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    return urlencode(pairs)


def findings(page: Page) -> Response:
    """The findings, filtered, searched, sorted and paged; ``format=csv|xlsx`` exports every
    finding the filter shows (all its pages)."""
    chosen = _filter(page)
    export = page.request.query_params.get("format")
    if export in ("csv", "xlsx"):
        return _export(page, chosen, export)
    shown = finding_page(page.session, chosen)
    choices = filter_choices(page.session, chosen.unit_only)
    sites = tracking.all_sites(page.session)
    return html(
        page.request,
        "findings.html",
        page.lang,
        user=page.user,
        shown=shown,
        chosen=chosen,
        choices=choices,
        sites=sites,
        starts={site.id: site.start_url for site in sites},
        statuses=STATUSES,
        severities=SEVERITIES,
        sorts=list(SORTS),
        check_name=lambda c: check_name(c, page.lang),
        query_with=lambda **changes: _query_string(page, **changes),
    )


def _export(page: Page, chosen: FindingFilter, kind: str) -> Response:
    sites = {s.id: s for s in tracking.all_sites(page.session)}
    rows = [
        output.flat_row(sites[f.site_id], f, page.lang)
        for f, _ in all_filtered(page.session, chosen)
    ]
    stamp = _today().isoformat()
    if kind == "csv":
        text = output.write_csv(rows, page.lang, None) or ""
        return Response(
            ("\ufeff" + text).encode("utf-8"),  # Excel reads a UTF-8 CSV by its BOM
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="findings-{stamp}.csv"'},
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.xlsx"
        output.write_xlsx(rows, page.lang, path)
        body = path.read_bytes()
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="findings-{stamp}.xlsx"'},
    )


# -- one finding --------------------------------------------------------------------------------


def finding(page: Page) -> Response:
    """A finding: evidence, pages, the whole history and, for who may act, the actions."""
    found = page.finding(int(page.request.path_params["finding_id"]))
    return _finding_page(page, found)


def _finding_page(
    page: Page, found: Finding, message: str | None = None, status: int = 200
) -> Response:
    site = page.session.get_one(Site, found.site_id)
    latest = latest_ended_run(page.session, site.id)
    zone = zone_of_profile(latest.profile if latest is not None else None)
    events = events_by_finding(page.session, [found.id]).get(found.id, [])
    dates = run_dates(page.session, events)
    history = list(zip(events, history_rows(events, dates, page.lang, zone), strict=True))
    flash = message or page.request.session.pop("flash", None)
    return html(
        page.request,
        "finding.html",
        page.lang,
        status=status,
        user=page.user,
        f=found,
        site=site,
        evidence=evidence_lines(found.evidence or {}, page.lang),
        check_label=check_name(found.check, page.lang),
        history=history,
        at=lambda moment: local_minute(moment, zone),
        flash=flash,
        may_act=page.user.role in ("admin", "unit"),
        is_admin=page.user.role == "admin",
        active=found.status in ACTIVE,
    )


ACTIONS = ("assign", "waive", "false-positive", "note", "reopen")
ADMIN_ONLY = frozenset({"waive", "false-positive", "reopen"})


def act(page: Page) -> Response:
    """One action on a finding, written to its append-only history under the account's name.
    A unit user may note and name its 责任人 on its own unit's findings; the rest is the
    admin's (403 otherwise, whatever the form says)."""
    found = page.finding(int(page.request.path_params["finding_id"]))
    action = page.request.path_params["action"]
    if action not in ACTIONS:
        raise Refused(404, "not_found")
    if action in ADMIN_ONLY and page.user.role != "admin":
        raise Refused(403, "forbidden")
    try:
        with page.session.begin_nested():
            if action == "note":
                _note(page, found)
            elif action == "assign":
                _assign(page, found)
            else:
                move = {
                    "waive": tracking.waive,
                    "false-positive": tracking.false_positive,
                    "reopen": tracking.reopen,
                }[action]
                # The very row checked above: the action cannot land on another site's finding.
                move(page.session, found, reason=page.field("reason"), actor=page.actor)
    except tracking.FindingError as error:
        return _finding_page(page, found, message=str(error), status=400)
    page.request.session["flash"] = "done"
    return RedirectResponse(f"/findings/{found.id}", status_code=303)


def _note(page: Page, found: Finding) -> None:
    tracking.note(page.session, found, text=page.field("text"), actor=page.actor)


def _assign(page: Page, found: Finding) -> None:
    unit = page.form.get("unit") if page.form is not None else None
    deadline_text = page.field("deadline")
    if page.user.role != "admin" and (
        (isinstance(unit, str) and unit.strip() != (found.unit or ""))
        or (
            deadline_text
            and deadline_text != (found.deadline.isoformat() if found.deadline else "")
        )
    ):
        raise Refused(403, "forbidden")
    try:
        deadline = date.fromisoformat(deadline_text) if deadline_text else None
    except ValueError:
        raise tracking.FindingError(f"整改时限 {deadline_text!r} 不是日期（2026-12-07）") from None
    person = page.form.get("person") if page.form is not None else None
    tracking.assign(
        page.session,
        found,
        unit=unit.strip() if isinstance(unit, str) and page.user.role == "admin" else None,
        person=person.strip() if isinstance(person, str) else None,
        deadline=deadline if deadline != found.deadline else None,
        actor=page.actor,
        reason=page.field("reason") or None,
    )


# -- look-back and ledger -----------------------------------------------------------------------


def _day(page: Page, name: str, default: date) -> date:
    text = (page.request.query_params.get(name) or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(400, "bad_date") from None


def lookback(page: Page) -> Response:
    """回头看 for a period (first seen from/until), per unit; a unit user sees its own."""
    today = _today()
    since = _day(page, "since", today - timedelta(days=180))
    until = _day(page, "until", today)
    site = page.request.query_params.get("site") or None
    if site is not None and not site.isdigit():
        raise Refused(400, "not_found")
    site_key = page.session.get_one(Site, int(site)).key if site else None
    report = outputs.lookback(
        page.session, since, until, today, site_key, page.lang, unit=_unit_only(page)
    )
    return report_page(render_lookback(report))


def ledger(page: Page) -> Response:
    """The 整改台账 (XLSX) of every site, or of one (``?site=ID``); a unit user's holds its own
    unit's findings only."""
    site = page.request.query_params.get("site") or None
    site_key = None
    if site is not None:
        chosen = page.session.get(Site, int(site)) if site.isdigit() else None
        if chosen is None:
            raise Refused(404, "not_found")
        site_key = chosen.key
    rows = outputs.iter_ledger_rows(page.session, site_key, lang=page.lang, unit=_unit_only(page))
    with tempfile.TemporaryDirectory() as folder:
        path = write_ledger(rows, page.lang, Path(folder) / "ledger.xlsx", BUILTIN_YEARS)
        body = path.read_bytes()
    name = f"ledger-{_today().isoformat()}.xlsx"
    return Response(
        body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# -- the ledger uploaded back (整改台账回填) --


def ledger_page(page: Page, error: str | None = None, status: int = 200) -> Response:
    """Download the ledger; upload it back with 整改措施 / 整改情况 filled in (admins, units)."""
    return html(
        page.request, "ledger.html", page.lang, status=status, user=page.user,
        sites=tracking.all_sites(page.session), error=error, notices=_notice_links(page),
        flash=page.request.session.pop("flash", None), plan=None,
        may_upload=page.user.role in ("admin", "unit"), max_mb=MAX_BYTES // 1024 // 1024,
    )  # fmt: skip


def _notice_links(page: Page) -> list[tuple[Site, Run, list[str | None]]]:
    """Each site's latest run and the units with a 整改通知书 in it (a unit user: its own)."""
    found = []
    for site in tracking.all_sites(page.session):
        run = latest_ended_run(page.session, site.id)
        if run is None:
            continue
        units = [n.unit for n in unit_notices(page.session, run, page.lang)]
        if page.user.role == "unit":
            units = [u for u in units if u == page.user.unit]
        found.append((site, run, units))
    return found


@dataclass(frozen=True)
class PlannedNote:
    """What one filled-in row of an upload would do: add a note, or why not."""

    update: LedgerUpdate
    finding: Finding | None
    outcome: str  # add | same | unknown | forbidden | no_id
    text: str


def _planned(page: Page, update: LedgerUpdate) -> PlannedNote:
    text = update.note(page.lang)
    if not update.finding_id:
        return PlannedNote(update, None, "no_id", text)
    query = select(Finding, Site.name).join(Site, Site.id == Finding.site_id)
    matches = list(page.session.execute(query.where(Finding.fingerprint == update.finding_id)))
    if len(matches) > 1 and update.site:
        matches = [m for m in matches if m[1] == update.site]
    if len(matches) != 1:
        return PlannedNote(update, None, "unknown", text)
    found = matches[0][0]
    if not page.may_see(found):
        return PlannedNote(update, None, "forbidden", text)
    if (found.note or "") == text:
        return PlannedNote(update, found, "same", text)
    return PlannedNote(update, found, "add", text)


def ledger_upload(page: Page) -> Response:
    """The preview of an upload: each filled-in row, what it would do. Nothing is written yet."""
    upload = page.form.get("file") if page.form is not None else None
    if upload is None or isinstance(upload, str) or not upload.filename:
        return ledger_page(page, error=words(page.lang)["no_file"], status=400)
    try:
        updates = read_ledger_updates(upload.file.read(MAX_BYTES + 1))
    except LedgerFileError as bad:
        return ledger_page(page, error=str(bad), status=400)
    plan = [_planned(page, update) for update in updates]
    return html(
        page.request, "ledger.html", page.lang, user=page.user,
        sites=tracking.all_sites(page.session), error=None, flash=None, plan=plan,
        may_upload=True, filename=upload.filename, notices=_notice_links(page),
        max_mb=MAX_BYTES // 1024 // 1024,
        adding=sum(1 for p in plan if p.outcome == "add"),
    )  # fmt: skip


def ledger_apply(page: Page) -> Response:
    """The confirmed upload: each row a note in its finding's history under the account's name;
    rows are checked again (a finding not the account's is refused), nothing is overwritten."""
    assert page.form is not None, "a POST"
    ids, texts = page.form.getlist("id"), page.form.getlist("text")
    if len(ids) != len(texts):
        raise Refused(400, "bad_form")
    added = 0
    for raw_id, text in zip(ids, texts, strict=True):
        if not isinstance(raw_id, str) or not raw_id.isdigit() or not isinstance(text, str):
            raise Refused(400, "bad_form")
        found = page.finding(int(raw_id))  # 403 for another unit's, 404 for none
        body = text.strip()[: 2 * MAX_TEXT + 40]
        if not body or (found.note or "") == body:
            continue
        tracking.note(page.session, found, text=body, actor=page.actor)
        added += 1
    page.request.session["flash"] = f"notes_added:{added}"
    return RedirectResponse("/ledger", status_code=303)


# -- documents to file (检测报告, 整改通知书) ------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(body: bytes, media_type: str, name: str) -> Response:
    """A download named `name` (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


def _run_of(page: Page) -> Run:
    run = page.session.get(Run, int(page.request.path_params["run_id"]))
    if run is None:
        raise Refused(404, "not_found")
    return run


def report_document(page: Page) -> Response:
    """A run's 检测报告 as DOCX or PDF (admins and auditors, as its report)."""
    run = _run_of(page)
    report = outputs.run_report(
        page.session, run, page.lang, upcoming=outputs.upcoming_items(page.session, run)
    )
    stem = "report" if page.lang == "en" else "检测报告"
    return _document(page, f"{stem}-{run.as_of.isoformat()}",
                     lambda path: report_docx(report, path),
                     lambda: render_run_report(report))  # fmt: skip


def notice_document(page: Page) -> Response:
    """A unit's 整改通知书 of a run as DOCX or PDF: a unit user gets its own unit's only."""
    run = _run_of(page)
    asked = page.request.query_params.get("unit") or None
    if page.user.role == "unit" and asked != page.user.unit:
        raise Refused(403, "forbidden")
    notices = {n.unit: n for n in unit_notices(page.session, run, page.lang)}
    if asked not in notices:
        raise Refused(404, "not_found")
    notice = notices[asked]
    stem = f"{file_name(asked, page.lang)}-{run.as_of.isoformat()}"
    return _document(
        page, stem, lambda path: notice_docx(notice, path), lambda: notice_html(notice)
    )


def _document(
    page: Page, stem: str, docx: Callable[[Path], Path], html_text: Callable[[], str]
) -> Response:
    """The document the path asks for (``.docx`` or ``.pdf``), written aside and sent."""
    kind = page.request.path_params["kind"]
    with tempfile.TemporaryDirectory() as folder:
        if kind == "docx":
            body = docx(Path(folder) / "document.docx").read_bytes()
        else:
            page_file = write_html(html_text(), Path(folder) / "document.html")
            body = _printed(page_file, Path(folder) / "document.pdf")
    return _attachment(body, DOCX if kind == "docx" else "application/pdf", f"{stem}.{kind}")


def _printed(html_file: Path, pdf: Path) -> bytes:
    try:
        return html_to_pdf(html_file, pdf).read_bytes()
    except PdfError as error:
        raise Refused(503, "no_pdf") from error


# -- the notices sent (整改通知) ----------------------------------------------------------------


def notices(page: Page) -> Response:
    """The digests sent to the units and their state: a failed send is shown with its error
    and when it is tried again. A unit user sees its own unit's."""
    query = select(NoticeDelivery, Run.as_of, Site.name).join(
        Run, Run.id == NoticeDelivery.run_id).join(Site, Site.id == Run.site_id)  # fmt: skip
    unit = _unit_only(page)
    if unit is not None:
        query = query.where(NoticeDelivery.unit == unit)
    rows = list(page.session.execute(query.order_by(NoticeDelivery.id.desc()).limit(500)))
    failing = sum(1 for delivery, _, _ in rows if delivery.status in NOT_ARRIVED)
    zone = zone_of_profile(None)  # the default zone: a page of many sites
    return html(
        page.request,
        "notices.html",
        page.lang,
        user=page.user,
        rows=rows,
        failing=failing,
        at=lambda moment: local_minute(moment, zone),
    )


NOT_ARRIVED = ("failed", "given_up", "unknown")
