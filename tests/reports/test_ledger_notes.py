"""The 整改台账's 说明 sheet and 备注 from the rows alone: how the deadlines were counted, in both
languages, with crawled site names kept as text."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from reports.ledger import LedgerRow, write_ledger


def _row(number: int, site: str, weekday_years=(), file_years=(), note: str = "") -> LedgerRow:
    return LedgerRow(
        number=number, site=site, check_name="断链", description="链接失效（404）",
        url=f"https://jtj.example.gov.cn/{number}.pdf", pages="", unit="", person="",
        first_seen=date(2026, 12, 25), deadline=date(2027, 1, 8), status="待整改",
        recheck="待复核", note=note, weekday_years=weekday_years,
        holiday_file_years=file_years,
    )  # fmt: skip


def _written(tmp_path, rows, lang, holiday_years=(2004, 2026)):
    path = write_ledger(rows, lang, tmp_path / "ledger.xlsx", holiday_years)
    book = load_workbook(path)
    return book, [row[0] for row in book.worksheets[-1].iter_rows(values_only=True)]


ROWS = [
    _row(1, "辽源市交通运输局"),
    _row(2, "辽源市交通运输局", weekday_years=(2027,)),
    _row(3, "=辽源市人民政府", file_years=(2027,)),
    _row(4, "=辽源市人民政府", weekday_years=(2028,), file_years=(2027,)),
    _row(5, "=辽源市人民政府", file_years=(2026,)),
]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["整改时限的计算",
                "整改时限按工作日计算，自发现次日起算：国务院办公厅通知的放假日不计，调休上班日计入。",
                "节假日安排：内置 2004—2026 年国务院办公厅部分节假日安排的通知。",
                "'=辽源市人民政府：另按本站节假日安排文件（2026、2027 年），"
                "与内置安排不同的日期以该文件为准。",
                "2 条整改时限按周一至周五计算，未计 2027、2028 年节假日和调休（见各条备注）。"]),
        ("en", ["How deadlines are counted",
                "Deadlines are counted in working days from the day after a finding is first "
                "seen: the holidays of the State Council's notices are skipped, their make-up "
                "working days (调休) count.",
                "Holidays: the State Council's notices for 2004–2026, built in.",
                "'=辽源市人民政府: also the site's holidays file (2026, 2027); where it differs "
                "from the built-in notices, the file wins.",
                "Deadlines counted Monday to Friday, without the holidays and make-up days of "
                "2027, 2028: 2 (see their notes)."]),
    ],
    ids=["zh", "en"],
)  # fmt: skip
def test_the_notes_sheet_states_the_calendar(tmp_path, lang, expected):
    book, notes = _written(tmp_path, ROWS, lang)
    assert len(book.worksheets) == 2 and notes == expected
    cells = [cell for row in book.worksheets[1].iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula


def test_without_a_weekday_count_the_sheet_says_none(tmp_path):
    _, notes = _written(tmp_path, [_row(1, "辽源市交通运输局")], "zh")
    assert notes == [
        "整改时限的计算",
        "整改时限按工作日计算，自发现次日起算：国务院办公厅通知的放假日不计，调休上班日计入。",
        "节假日安排：内置 2004—2026 年国务院办公厅部分节假日安排的通知。",
    ]


def test_without_the_built_in_years_there_is_no_notes_sheet(tmp_path):
    book, _ = _written(tmp_path, ROWS, "zh", holiday_years=None)
    assert book.sheetnames == ["整改台账"]
