"""The rectification ledger (整改台账) as XLSX, in exactly the columns inspectors use:
序号, 网站, 问题类型, 问题描述, 问题链接, 所在页面, 责任单位, 责任人, 发现时间, 整改时限, 整改状态,
复核情况, 备注.

Crawled text is hostile: every text cell goes through the findings export's sanitiser
(:func:`xuncha.findings_output.xlsx_safe`, OWASP's rule: a cell that would start with ``=``,
``+``, ``-``, ``@``, tab or CR gets a leading ``'``) and is stored as a string, never a formula.
Dates are real dates, so the sheet sorts and filters by them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reports.context import LedgerRow
from reports.html import safe_href
from xuncha.findings_output import xlsx_safe  # the one sanitiser of every export

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
)
HEADERS_ZH = tuple(zh for _, zh, _, _ in COLUMNS)
DATE_FIELDS = frozenset({"first_seen", "deadline"})
WRAPPED = frozenset({"description", "url", "pages", "recheck", "note"})
DATE_FORMAT = "yyyy-mm-dd"


def cell_text(value: object) -> str:
    """Text a spreadsheet shows as text: no formula start, no control character openpyxl
    refuses."""
    return xlsx_safe(value)


def write_ledger(rows: Sequence[LedgerRow], lang: str, path: Path) -> Path:
    """One sheet: a styled, frozen header with an autofilter, then a row per finding."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Ledger" if lang == "en" else "整改台账"
    sheet.append([en if lang == "en" else zh for _, zh, en, _ in COLUMNS])
    thin = Side(style="thin", color="B0B7C3")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in rows:
        sheet.append([_value(row, name) for name, _, _, _ in COLUMNS])
        for (name, _, _, _), cell in zip(COLUMNS, sheet[sheet.max_row], strict=True):
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=name in WRAPPED)
            if cell.value is None:
                continue
            if name in DATE_FIELDS:
                cell.number_format = DATE_FORMAT
            elif name != "number":
                cell.data_type = "s"  # text, whatever it looks like: never a formula
            if name == "url" and safe_href(row.url):
                cell.hyperlink = row.url
                cell.font = Font(color="1F4E79", underline="single")
    for index, (_, _, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, sheet.max_row)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


def _value(row: LedgerRow, name: str) -> object:
    value = getattr(row, name)
    if name in DATE_FIELDS or name == "number":
        return value
    return cell_text(value) or None  # an empty cell, not an empty string
