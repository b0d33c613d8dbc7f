"""The rectification ledger (整改台账) as XLSX, in exactly the columns inspectors use:
序号, 网站, 问题类型, 问题描述, 问题链接, 所在页面, 责任单位, 责任人, 发现时间, 整改时限, 整改状态,
复核情况, 备注.

Crawled text is hostile: every text cell goes through the one sanitiser of every export
(:func:`reports.cells.xlsx_safe`) and is stored as a string, never a formula. Dates are real
dates, so the sheet sorts and filters by them.

复核情况 (the re-check outcome) is read from the finding's history, dated by the ``as_of`` of the
run that re-checked (a person's action by the day it was done):

- fixed: ``2026-11-27 复核已整改`` (the run that found it gone);
- reopened by a run: ``2026-11-28 整改后复发``; by a person: ``2026-11-28 重新打开``;
- open or reopened and seen again by a later run: ``… 复核未整改`` (dated by that run);
- open and not re-checked yet: ``待复核``;
- waived / false positive: ``2026-11-29 不予整改`` / ``… 认定误报`` (the reason is in 备注).

整改时限 are working days (public holidays skipped, 调休 make-up days counted). A second sheet
(说明) states the calendar they were counted with: the built-in notices' years and each site's
holidays file; a deadline that went Monday to Friday through a year no notice covered says so
in its 备注, and the sheet counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checks import messages
from reports.cells import xlsx_link, xlsx_safe
from reports.history import RunDates, event_day, fix_date
from reports.labels import STATUS_LABELS, check_name, label, labels
from reports.rendering import safe_href
from reports.rows import StoredEvent, StoredFinding

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # a write-only book's sheet

# (field of LedgerRow, 中文 header, English header, column width)
COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("number", "序号", "No.", 6),
    ("site", "网站", "Site", 18),
    ("check_name", "问题类型", "Problem type", 14),
    ("description", "问题描述", "Description", 40),
    ("url", "问题链接", "Problem URL", 42),
    ("pages", "所在页面", "Found on page", 42),
    ("unit", "责任单位", "Responsible unit", 14),
    ("person", "责任人", "Person", 10),
    ("first_seen", "发现时间", "First seen", 12),
    ("deadline", "整改时限", "Deadline", 12),
    ("status", "整改状态", "Status", 10),
    ("recheck", "复核情况", "Re-check", 24),
    ("note", "备注", "Notes", 30),
    # For the unit to fill in and upload back (the workspace's 整改台账 page): each filled-in
    # row becomes a note of its finding, found again by its 编号.
    ("measures", "整改措施", "Measures taken", 30),
    ("progress", "整改情况", "Progress", 30),
    ("finding_id", "编号", "Id", 22),
)
HEADERS_ZH = tuple(zh for _, zh, _, _ in COLUMNS)
# The thirteen columns of the inspectors' ledger; the round-trip columns follow them.
INSPECTORS_COLUMNS = HEADERS_ZH[:13]
DATE_FIELDS = frozenset({"first_seen", "deadline"})
WRAPPED = frozenset({"description", "url", "pages", "recheck", "note", "measures", "progress"})
DATE_FORMAT = "yyyy-mm-dd"
# What a ledger cell holds: the number, a date, text, or nothing.
CellValue: TypeAlias = str | int | date | None


@dataclass(frozen=True)
class LedgerRow:
    """One row of the 整改台账, in the inspectors' columns (see :mod:`reports.ledger`)."""

    number: int  # 序号
    site: str  # 网站
    check_name: str  # 问题类型
    description: str  # 问题描述
    url: str  # 问题链接
    pages: str  # 所在页面 (one a line)
    unit: str  # 责任单位
    person: str  # 责任人
    first_seen: date  # 发现时间
    deadline: date | None  # 整改时限
    status: str  # 整改状态
    recheck: str  # 复核情况
    note: str  # 备注
    finding_id: str = ""  # 编号: the finding's export id, how an uploaded ledger joins back
    measures: str = ""  # 整改措施, left for the unit to fill in
    progress: str = ""  # 整改情况, left for the unit to fill in
    # Not columns: how 整改时限 was counted — years no notice covered (counted Monday to
    # Friday; 备注 says so) and years the site's holidays file transcribed (the 说明 sheet).
    weekday_years: tuple[int, ...] = ()
    holiday_file_years: tuple[int, ...] = ()


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
    finding: StoredFinding,
    events: Sequence[StoredEvent],
    dates: RunDates,
    lang: str,
    where: ZoneInfo | None = None,
) -> str:
    """复核情况 of one finding (see the module docstring); a person's action dated in the site's
    zone `where` (default Beijing time)."""
    status = finding.status
    if status == "fixed":
        return _say("fixed", lang, fix_date(events, dates) or finding.last_seen)
    if status in ("waived", "false_positive"):
        action = "waived" if status == "waived" else "false_positive"
        last = next((e for e in reversed(events) if e.action == action), None)
        return _say(action, lang, event_day(last, dates, where) if last else None)
    parts = []
    since = finding.first_seen
    if status == "reopened":
        last = next((e for e in reversed(events) if e.action == "reopened"), None)
        if last is not None:
            since = event_day(last, dates, where)
            parts.append(
                _say("recurred" if last.run_id is not None else "reopened_by_hand", lang, since)
            )
    if finding.last_seen and finding.last_seen > since:
        parts.append(_say("not_fixed", lang, finding.last_seen))
    if status == "open" and not parts:
        parts.append(_say("pending", lang))
    return ("; " if lang == "en" else "；").join(parts)


def note_text(finding: StoredFinding, lang: str, weekday_years: Sequence[int] = ()) -> str:
    """备注: why the finding has its status (豁免理由, 误报理由…), the latest note, and whether
    its deadline was counted Monday to Friday through `weekday_years`."""
    parts = []
    if finding.status_reason:
        parts.append(("Reason: " if lang == "en" else "理由：") + finding.status_reason)
    if finding.note:
        parts.append(finding.note)
    if weekday_years:
        parts.append(labels(lang)["calendar_row"].format(years=years_text(weekday_years, lang)))
    return ("; " if lang == "en" else "；").join(parts)


def years_text(years: Iterable[int], lang: str) -> str:
    """``2027、2028`` (``2027, 2028`` in English)."""
    return (", " if lang == "en" else "、").join(str(year) for year in sorted(set(years)))


def pages_text(finding: StoredFinding, lang: str) -> str:
    """所在页面, one a line; past :data:`PAGES_SHOWN` only how many more."""
    pages = list(dict.fromkeys([p for p in (finding.page, *(finding.pages or ())) if p]))
    shown = pages[:PAGES_SHOWN]
    if len(pages) > PAGES_SHOWN:
        more = len(pages) - PAGES_SHOWN
        shown.append(f"… and {more} more" if lang == "en" else f"…另有 {more} 个页面")
    return "\n".join(shown)


def ledger_row(
    number: int,
    site_name: str,
    finding: StoredFinding,
    events: Sequence[StoredEvent],
    dates: RunDates,
    lang: str,
    *,
    weekday_years: Sequence[int] = (),
    holiday_file_years: Sequence[int] = (),
    where: ZoneInfo | None = None,
) -> LedgerRow:
    """One row of the ledger: finding ``number`` of the sheet, with its history read (a
    person's actions dated in the site's zone `where`) and how its deadline was counted (see
    :class:`LedgerRow`)."""
    return LedgerRow(
        number=number,
        site=site_name,
        check_name=check_name(finding.check, lang),
        description=messages.title(finding.check, finding.subtype, finding.evidence or {}, lang),
        url=finding.url,
        pages=pages_text(finding, lang),
        unit=finding.unit or "",
        person=finding.person or "",
        first_seen=finding.first_seen,
        deadline=finding.deadline,
        status=label(STATUS_LABELS, finding.status, lang),
        recheck=recheck_text(finding, events, dates, lang, where),
        note=note_text(finding, lang, weekday_years),
        finding_id=finding.fingerprint,
        weekday_years=tuple(weekday_years),
        holiday_file_years=tuple(holiday_file_years),
    )


def cell_text(value: object) -> str:
    """Text a spreadsheet shows as text: no formula start, no control character openpyxl
    refuses."""
    return xlsx_safe(value)


def write_ledger(
    rows: Iterable[LedgerRow], lang: str, path: Path, holiday_years: tuple[int, int] | None = None
) -> Path:
    """The ledger sheet: a styled, frozen header with an autofilter, then a row per finding;
    given `holiday_years` (the first and last year of the built-in holiday notices), a second
    sheet (说明) on the calendar the deadlines were counted with.

    Written row by row (openpyxl's write-only mode): a site with tens of thousands of
    findings gets its ledger without the workbook ever holding all its cells."""
    book = Workbook(write_only=True)
    styles = _Styles(book)
    sheet = book.create_sheet("Ledger" if lang == "en" else "整改台账")
    _set_up(sheet)
    sheet.append([_cell(sheet, en if lang == "en" else zh, styles.header, text=True)
                  for _, zh, en, _ in COLUMNS])  # fmt: skip
    written = 0
    counted = DeadlineCalendar()
    for row in rows:
        sheet.append([_row_cell(sheet, styles, row, name) for name, _, _, _ in COLUMNS])
        counted.add(row)
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{1 + written}"
    if holiday_years is not None:
        notes = book.create_sheet(labels(lang)["calendar_sheet"])
        notes.column_dimensions["A"].width = NOTES_WIDTH
        notes.append([_cell(notes, labels(lang)["calendar_title"], styles.header, text=True)])
        for line in counted.notes(holiday_years, lang):
            notes.append([_cell(notes, cell_text(line), styles.wrapped, text=True)])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


NOTES_WIDTH = 100


@dataclass
class DeadlineCalendar:
    """What the rows written say of how their deadlines were counted, for the 说明 sheet."""

    site_files: dict[str, set[int]] = field(default_factory=dict)  # site → its file's years
    weekday_years: set[int] = field(default_factory=set)
    weekday_rows: int = 0

    def add(self, row: LedgerRow) -> None:
        if row.holiday_file_years:
            self.site_files.setdefault(row.site, set()).update(row.holiday_file_years)
        if row.weekday_years:
            self.weekday_years.update(row.weekday_years)
            self.weekday_rows += 1

    def notes(self, holiday_years: tuple[int, int], lang: str) -> list[str]:
        """The rule, the built-in notices' years, each site's holidays file, and how many
        deadlines went Monday to Friday through which years."""
        t = labels(lang)
        first, last = holiday_years
        lines = [t["calendar_rule"], t["calendar_builtin"].format(first=first, last=last)]
        lines.extend(t["calendar_file"].format(site=site, years=years_text(years, lang))
                     for site, years in sorted(self.site_files.items()))  # fmt: skip
        if self.weekday_rows:
            years = years_text(self.weekday_years, lang)
            lines.append(t["calendar_weekdays"].format(n=self.weekday_rows, years=years))
        return lines


def _set_up(sheet: Any) -> None:
    """Widths, frozen header, printing: a write-only sheet writes them before its first row."""
    for index, (_, _, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


class _Styles:
    """The sheet's few cell styles, registered once as named styles: styling each cell
    attribute by attribute costs openpyxl a lookup of every attribute on every cell."""

    def __init__(self, book: Workbook) -> None:
        thin = Side(style="thin", color="B0B7C3")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        top = Alignment(vertical="top", wrap_text=False)
        wrapped = Alignment(vertical="top", wrap_text=True)
        self.header = self._add(book, "ledger header", border=border,
                                font=Font(bold=True, color="FFFFFF"),
                                fill=PatternFill("solid", fgColor="1F4E79"),
                                alignment=Alignment(horizontal="center", vertical="center",
                                                    wrap_text=True))  # fmt: skip
        plain = {"border": border, "font": copy(DEFAULT_FONT)}  # the workbook's own font
        self.plain = self._add(book, "ledger cell", alignment=top, **plain)
        self.wrapped = self._add(book, "ledger text", alignment=wrapped, **plain)
        self.date = self._add(book, "ledger date", alignment=top, number_format=DATE_FORMAT,
                              **plain)  # fmt: skip
        self.link = self._add(book, "ledger link", border=border, alignment=wrapped,
                              font=Font(color="1F4E79", underline="single"))  # fmt: skip

    @staticmethod
    def _add(book: Workbook, name: str, **attributes: Any) -> str:
        book.add_named_style(NamedStyle(name=name, **attributes))
        return name


def _cell(sheet: WriteOnlyWorksheet, value: CellValue, style: str, *, text: bool) -> Cell:
    cell = WriteOnlyCell(sheet)
    if value is not None:
        # As WriteOnlyCell(sheet, value) does; its stub's value takes no date, a Cell's does.
        cell.value = value
    cell.style = style
    if text and value is not None:
        cell.data_type = "s"  # text, whatever it looks like: never a formula
    return cell


def _row_cell(sheet: WriteOnlyWorksheet, styles: _Styles, row: LedgerRow, name: str) -> Cell:
    value = _value(row, name)
    if value is None:
        return _cell(sheet, None, styles.wrapped if name in WRAPPED else styles.plain, text=False)
    if name in DATE_FIELDS:
        return _cell(sheet, value, styles.date, text=False)
    if name == "url" and safe_href(row.url) and (link := xlsx_link(row.url)):
        cell = _cell(sheet, value, styles.link, text=True)
        cell.hyperlink = link
        return cell
    style = styles.wrapped if name in WRAPPED else styles.plain
    return _cell(sheet, value, style, text=name != "number")


def _value(row: LedgerRow, name: str) -> CellValue:
    value: CellValue = getattr(row, name)
    if name in DATE_FIELDS or name == "number":
        return value
    return cell_text(value) or None  # an empty cell, not an empty string
