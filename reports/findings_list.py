"""The tracked findings as a terminal table, JSON (docs/findings-export.md), CSV and XLSX.

One flat row per finding (:data:`COLUMNS`) feeds the table, CSV and XLSX alike. Crawled text
is hostile: every cell goes through :mod:`reports.cells` (no cell starts a formula), XLSX cells
are written as text, and the terminal gets no markup and no control character.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.console import Console
from rich.table import Table
from rich.text import Text

from checks import messages
from reports import times
from reports.cells import csv_safe, xlsx_safe
from reports.findings_json import ExportRun, findings_document, iso
from reports.labels import (
    ACTION_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    check_name,
    event_details,
    label,
    status_move,
)
from reports.rows import StoredEvent, StoredFinding, StoredRun, StoredSite

# (key, 中文 header, English header) — the columns of CSV and XLSX, in order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "编号", "id"),
    ("site", "网站", "site"),
    ("check", "检查项", "check"),
    ("check_name", "问题类型", "check name"),
    ("severity", "严重程度", "severity"),
    ("status", "整改状态", "status"),
    ("title", "问题描述", "problem"),
    ("url", "问题链接", "url"),
    ("page", "所在页面", "page"),
    ("column", "栏目", "column"),
    ("unit", "责任单位", "responsible unit"),
    ("person", "责任人", "person"),
    ("first_seen", "发现时间", "first seen"),
    ("last_seen", "最近发现", "last seen"),
    ("deadline", "整改时限", "deadline"),
    ("status_reason", "状态说明", "status reason"),
    ("note", "备注", "note"),
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a terminal would obey them


def flat_row(site: StoredSite, finding: StoredFinding, lang: str) -> dict[str, Any]:
    return {
        "id": finding.fingerprint,
        "site": site.name,
        "check": finding.check,
        "check_name": check_name(finding.check, lang),
        "severity": label(SEVERITY_LABELS, finding.severity, lang),
        "status": label(STATUS_LABELS, finding.status, lang),
        "title": finding_title(finding, lang),
        "url": finding.url,
        "page": finding.page or "",
        "column": finding.column or "",
        "unit": finding.unit or "",
        "person": finding.person or "",
        "first_seen": iso(finding.first_seen) or "",
        "last_seen": iso(finding.last_seen) or "",
        "deadline": iso(finding.deadline) or "",
        "status_reason": finding.status_reason or "",
        "note": finding.note or "",
    }


def finding_title(finding: StoredFinding, lang: str) -> str:
    return messages.title(finding.check, finding.subtype, finding.evidence or {}, lang)


def _headers(lang: str) -> list[str]:
    return [en if lang == "en" else zh for _, zh, en in COLUMNS]


def write_csv(rows: Sequence[dict[str, Any]], lang: str, path: Path | None) -> str | None:
    """CSV with a header; to a file in UTF-8 with BOM (Excel then reads 中文 right), else
    returned as text for stdout."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_headers(lang))
    for row in rows:
        writer.writerow([csv_safe(row[key]) for key, _, _ in COLUMNS])
    if path is None:
        return buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    return None


def write_xlsx(rows: Sequence[dict[str, Any]], lang: str, path: Path) -> None:
    """One sheet, the CSV's columns; every cell is text (never a formula)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet), "a new workbook opens on its one worksheet"
    sheet.title = "Findings" if lang == "en" else "问题清单"
    sheet.append(_headers(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xlsx_safe(row[key]) for key, _, _ in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    widths = {"id": 22, "title": 40, "url": 50, "page": 50, "status_reason": 30, "note": 30}
    for index, (key, _, _) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 14)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def export_document(
    site: StoredSite, run: StoredRun | None, findings: Sequence[StoredFinding], lang: str
) -> dict[str, Any]:
    """The findings-export.md document of one site: its latest run and score, and the given
    findings whatever their status."""
    export_run = None
    if run is not None:
        export_run = ExportRun.of(run)
    score = run.score if run is not None else None
    return findings_document(site.name, site.start_url, export_run, list(findings), score, lang)


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _text(value: Any) -> Text:
    """Crawled text as plain Text: rich markup (``[/x]``) stays text, control codes go."""
    return Text(CONTROL.sub("", str(value)))


def _console(file: Any) -> Console:
    tty = getattr(file, "isatty", lambda: False)()
    return Console(file=file, width=None if tty else 200, no_color=True, highlight=False,
                   markup=False, emoji=False, soft_wrap=False)  # fmt: skip


def render_table(rows: Sequence[dict[str, Any]], lang: str, file: Any) -> None:
    """A table for the terminal, then one line of counts by status."""
    en = lang == "en"
    table = Table(show_lines=False, header_style="bold")
    several_sites = len({row["site"] for row in rows}) > 1
    columns = [("id", "编号", "id")]
    if several_sites:
        columns.append(("site", "网站", "site"))
    columns += [
        ("status", "状态", "status"),
        ("severity", "严重", "sev."),
        ("title", "问题", "problem"),
        ("url", "问题链接", "url"),
        ("unit", "责任单位", "unit"),
        ("deadline", "整改时限", "deadline"),
    ]
    for key, zh, en_header in columns:
        wrap = key in ("title", "url")
        table.add_column(en_header if en else zh, no_wrap=not wrap, overflow="fold")
    for row in rows:
        table.add_row(*(_text(row[key]) for key, _, _ in columns))
    console = _console(file)
    if rows:
        console.print(table)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    parts = [f"{status} {n}" for status, n in counts.items()]
    if en:
        console.print(f"{len(rows)} findings" + (": " + ", ".join(parts) if parts else ""))
    else:
        console.print(f"共 {len(rows)} 个问题" + ("：" + "，".join(parts) if parts else ""))


def render_history(
    finding: StoredFinding,
    events: Sequence[StoredEvent],
    lang: str,
    file: Any,
    where: ZoneInfo | None = None,
) -> None:
    """The events of one finding, oldest first: when (in the site's zone, `where`), who (run
    or person), what, why."""
    where = where or times.zone(None)
    en = lang == "en"
    console = _console(file)
    console.print(_text(f"{finding.fingerprint}  {finding_title(finding, lang)}  {finding.url}"))
    table = Table(header_style="bold")
    for zh, en_header in (("时间", "at"), ("来源", "by"), ("动作", "action"),
                          ("状态", "status"), ("说明", "reason / changes")):  # fmt: skip
        table.add_column(en_header if en else zh, overflow="fold")
    for event in events:
        by = event.actor or (f"run #{event.run_id}" if event.run_id else "")
        at = times.local_minute(event.at, where) or ""
        cells = (at, by, label(ACTION_LABELS, event.action, lang),
                 status_move(event, lang), "\n".join(event_details(event, lang)))  # fmt: skip
        table.add_row(*(_text(cell) for cell in cells))
    console.print(table)
