"""The one sanitiser of every spreadsheet Xuncha writes (CSV, the findings XLSX, the 整改台账).

Crawled text is hostile: OWASP's rule for CSV injection — a cell that would start with ``=``,
``+``, ``-``, ``@``, tab or CR gets a leading ``'`` — and, for XLSX, the control characters
openpyxl refuses removed first, so that removing them cannot uncover a formula start.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_LINK_CHARS = 2_079  # the longest hyperlink a spreadsheet follows


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will not run: text that would start a formula gets a ``'``."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_safe(value: Any) -> str:
    """An XLSX text cell: control characters openpyxl refuses removed FIRST, so that removing
    them cannot uncover a formula start ("\\x08=HYPERLINK(…)"), then the formula guard."""
    return csv_safe(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def xlsx_link(url: str) -> str | None:
    """``url`` as a cell's hyperlink, None when a workbook cannot carry it as written: a
    control character (XML refuses it) or longer than a spreadsheet follows."""
    if len(url) > XLSX_LINK_CHARS or ILLEGAL_CHARACTERS_RE.search(url):
        return None
    return url
