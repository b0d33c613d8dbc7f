"""The rectification ledger (整改台账) as XLSX, in exactly the columns inspectors use:
序号, 网站, 问题类型, 问题描述, 问题链接, 所在页面, 责任单位, 责任人, 发现时间, 整改时限, 整改状态,
复核情况, 备注.

Crawled text is hostile: every text cell goes through the findings export's sanitiser
(:func:`xuncha.findings_output.xlsx_safe`, OWASP's rule: a cell that would start with ``=``,
``+``, ``-``, ``@``, tab or CR gets a leading ``'``) and is stored as a string, never a formula.
Dates are real dates, so the sheet sorts and filters by them.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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


def write_ledger(rows: Iterable[LedgerRow], lang: str, path: Path) -> Path:
    """One sheet: a styled, frozen header with an autofilter, then a row per finding.

    Written row by row (openpyxl's write-only mode): a site with tens of thousands of
    findings gets its ledger without the workbook ever holding all its cells."""
    book = Workbook(write_only=True)
    styles = _Styles(book)
    sheet = book.create_sheet("Ledger" if lang == "en" else "整改台账")
    _set_up(sheet)
    sheet.append([_cell(sheet, en if lang == "en" else zh, styles.header, text=True)
                  for _, zh, en, _ in COLUMNS])  # fmt: skip
    written = 0
    for row in rows:
        sheet.append([_row_cell(sheet, styles, row, name) for name, _, _, _ in COLUMNS])
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{1 + written}"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


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


def _cell(sheet: Any, value: object, style: str, *, text: bool) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.style = style
    if text and value is not None:
        cell.data_type = "s"  # text, whatever it looks like: never a formula
    return cell


def _row_cell(sheet: Any, styles: _Styles, row: LedgerRow, name: str) -> WriteOnlyCell:
    value = _value(row, name)
    if value is None:
        return _cell(sheet, None, styles.wrapped if name in WRAPPED else styles.plain, text=False)
    if name in DATE_FIELDS:
        return _cell(sheet, value, styles.date, text=False)
    if name == "url" and safe_href(row.url):
        cell = _cell(sheet, value, styles.link, text=True)
        cell.hyperlink = row.url
        return cell
    style = styles.wrapped if name in WRAPPED else styles.plain
    return _cell(sheet, value, style, text=name != "number")


def _value(row: LedgerRow, name: str) -> object:
    value = getattr(row, name)
    if name in DATE_FIELDS or name == "number":
        return value
    return cell_text(value) or None  # an empty cell, not an empty string
