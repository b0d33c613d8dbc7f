"""本单位词表: an office's own 错敏词 list, the CSV file a profile names (`checks.wording.file`).

Typical entries are what only the office knows: a leader who has left office (``张三同志任县长``),
the unit's own name written wrong. The file has a header row and the columns
``wrong,right,severity,note`` in any order (severity high, medium or low; 高, 中 or 低 also do).
Offices save it from Excel, so UTF-8 with or without a byte-order mark and GB18030 (which reads
GBK and GB2312, Excel's "CSV (逗号分隔)" on a Chinese Windows) are both read; UTF-8 is tried
first, since GBK text is almost never valid UTF-8.

The profile loader reads the file's bytes and hands them here, so the checks read no file.
Every problem is one :class:`WordListError` naming the file and the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from typing import Literal

from pydantic import ValidationError

from checks.config import WordingRule
from checks.errors import CheckConfigError

COLUMNS = ("wrong", "right", "severity", "note")
SEVERITIES: dict[str, Literal["high", "medium", "low"]] = {
    "high": "high",
    "medium": "medium",
    "low": "low",
    "高": "high",
    "中": "medium",
    "低": "low",
}
_WHITESPACE = re.compile(r"\s+")


class WordListError(CheckConfigError):
    """The office's list cannot be read, or a line of it is not a rule."""


def office_rules(data: bytes, name: str) -> tuple[WordingRule, ...]:
    """The rules of a CSV word list; `name` (the file as the user knows it) leads every error."""
    reader = csv.reader(io.StringIO(decode(data, name), newline=""), strict=True)
    header: list[str] | None = None
    rules: list[WordingRule] = []
    lines: dict[str, int] = {}
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue  # Excel writes ",,," for an empty row
            where = f"{name}:{reader.line_num}"
            if header is None:
                header = _header(cells, where)
                continue
            rule = _rule(header, cells, where)
            if rule.wrong in lines:
                raise WordListError(
                    f"{where}: “{rule.wrong}” is already on line {lines[rule.wrong]}"
                )
            lines[rule.wrong] = reader.line_num
            rules.append(rule)
    except csv.Error as exc:
        raise WordListError(f"{name}:{reader.line_num}: not valid CSV ({exc})") from None
    if header is None:
        raise WordListError(f"{name}:1: the file is empty; its first line is the header {_names()}")
    return tuple(rules)


def decode(data: bytes, name: str) -> str:
    """The text of the file: UTF-8 (a BOM is dropped), else GB18030; UTF-16 is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise WordListError(
            f"{name}: UTF-16 text (Excel's “Unicode 文本”): save it as “CSV UTF-8（逗号分隔）”"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise WordListError(
            f"{name}: neither UTF-8 nor GB18030/GBK text (byte {exc.start}): save it as "
            "“CSV UTF-8（逗号分隔）”"
        ) from None


def _names() -> str:
    return ",".join(COLUMNS)


def _header(cells: list[str], where: str) -> list[str]:
    names = [cell.lstrip("\ufeff").lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    if sorted(names) != sorted(COLUMNS):
        raise WordListError(f"{where}: the header must name the columns {_names()} (got {names})")
    return names


def _rule(header: list[str], cells: list[str], where: str) -> WordingRule:
    extra = cells[len(header) :]
    if any(extra):
        raise WordListError(f"{where}: {len(cells)} cells, but the header names {len(header)}")
    cells = cells[: len(header)] + [""] * (len(header) - len(cells))  # Excel drops empty ends
    row = dict(zip(header, cells, strict=True))
    wrong = _WHITESPACE.sub("", row["wrong"])  # matching ignores whitespace, so must `wrong`
    if not wrong:
        raise WordListError(f"{where}: wrong is empty")
    if len(wrong) < 2:
        raise WordListError(f"{where}: wrong “{wrong}” is one character: it would match anywhere")
    if not row["right"]:
        raise WordListError(f"{where}: right is empty")
    severity = SEVERITIES.get(row["severity"].lower())
    if severity is None:
        raise WordListError(
            f"{where}: unknown severity {row['severity']!r} (high, medium or low; 高, 中 or 低)"
        )
    try:
        return WordingRule(
            wrong=wrong, right=row["right"], severity=severity, note=row["note"] or None
        )
    except ValidationError as exc:  # every field is checked above: a safety net
        raise WordListError(f"{where}: {exc.errors()[0]['msg']}") from None
