"""The 整改台账 uploaded back: what a unit wrote into its 整改措施 and 整改情况 columns, row by
row, joined to its finding by the 编号 column (see :mod:`reports.ledger`).

Reading only: which rows become notes, and whose finding each is, is the application's to
decide. The file is hostile input like any other: a file that is no workbook, a sheet without
the columns, a cell too long are each one clear error; formulas are read as their last values,
never evaluated.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from reports.ledger import COLUMNS

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024  # a ledger of 200,000 rows unzips to far less: a bomb stops here
MAX_ROWS = 200_000
MAX_TEXT = 2_000
# Each field read back, by its header in either language.
_HEADERS = {
    header: name
    for name, zh, en, _ in COLUMNS
    if name in ("finding_id", "site", "description", "measures", "progress")
    for header in (zh, en)
}
_SHEETS = ("整改台账", "Ledger")


class LedgerFileError(ValueError):
    """The upload is not a ledger this tool can read back; the message says what to do."""


@dataclass(frozen=True)
class LedgerUpdate:
    """One filled-in row: where it is in the sheet, the finding it names, what was written."""

    row: int
    finding_id: str
    site: str
    description: str
    measures: str
    progress: str

    def note(self, lang: str = "zh") -> str:
        """The note this row adds: ``整改措施：…`` and ``整改情况：…`` on a line each."""
        names = {"measures": ("整改措施", "Measures taken"), "progress": ("整改情况", "Progress")}
        lines = []
        for field in ("measures", "progress"):
            text = getattr(self, field)
            if text:
                zh, en = names[field]
                lines.append(f"{en}: {text}" if lang == "en" else f"{zh}：{text}")
        return "\n".join(lines)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()


def read_ledger_updates(data: bytes) -> list[LedgerUpdate]:
    """The rows of an uploaded ledger whose 整改措施 or 整改情况 is filled in."""
    if len(data) > MAX_BYTES:
        raise LedgerFileError(f"文件太大（上限 {MAX_BYTES // 1024 // 1024} MB）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unzipped = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise LedgerFileError("不是 XLSX 文件：请上传从本系统下载、填写后的整改台账") from None
    if unzipped > MAX_UNZIPPED:
        raise LedgerFileError("文件解压后太大，不是一份整改台账")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise LedgerFileError("不是 XLSX 文件：请上传从本系统下载、填写后的整改台账") from None
    try:
        names = [name for name in _SHEETS if name in book.sheetnames]
        sheet = book[names[0]] if names else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        where = {
            _HEADERS[str(h).strip()]: i for i, h in enumerate(header) if str(h).strip() in _HEADERS
        }
        if "finding_id" not in where:
            raise LedgerFileError("台账缺少“编号”列：请使用从本系统下载的整改台账")
        if "measures" not in where and "progress" not in where:
            raise LedgerFileError("台账缺少“整改措施”和“整改情况”列：请使用从本系统下载的整改台账")
        updates = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS:
                raise LedgerFileError(f"行数太多（上限 {MAX_ROWS:,} 行）")

            def cell(field: str, values: tuple[Any, ...] = values) -> str:
                index = where.get(field)
                return _text(values[index]) if index is not None and index < len(values) else ""

            measures, progress = cell("measures"), cell("progress")
            if not measures and not progress:
                continue
            if len(measures) > MAX_TEXT or len(progress) > MAX_TEXT:
                raise LedgerFileError(f"第 {number} 行的内容太长（每格上限 {MAX_TEXT} 字）")
            updates.append(
                LedgerUpdate(
                    number,
                    cell("finding_id"),
                    cell("site"),
                    cell("description"),
                    measures,
                    progress,
                )  # fmt: skip
            )
        return updates
    finally:
        book.close()
