"""整改台账 and the working-day calendar, on SQLite and PostgreSQL: the XLSX written by
`xuncha ledger` says which deadlines went Monday to Friday (备注) and which calendar counted them
(the 说明 sheet), read back from the file."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from tracking_world import BROKEN, IDENTITY, WORDING, World

from xuncha import tracking
from xuncha.cli import cli
from xuncha.profile import load_profile
from xuncha.store import Store

OTHER = "辽源市人民政府"
NOTE_COLUMN = 12  # 备注
URL_COLUMN = 4  # 问题链接


@pytest.fixture
def store(db_url, tmp_path):
    """Three findings: one due in 2026; one counted into 2027, which no built-in notice covers;
    one of another site whose holidays file transcribes 2027."""
    store = Store(db_url)
    world = World(store)
    world.run([BROKEN], as_of=date(2026, 11, 2))
    world.run([WORDING], as_of=date(2026, 12, 25))
    (tmp_path / "holidays.yaml").write_text("2027:\n  holidays: [2027-01-01]\n", "utf-8")
    profile = tmp_path / "other.yaml"
    profile.write_text("start_urls: [https://other.example.gov.cn/]\n"
                       "tracking:\n  holidays_file: holidays.yaml\n", "utf-8")  # fmt: skip
    other = World(store, OTHER, "https://other.example.gov.cn/")
    other.run([IDENTITY], profile=load_profile(profile).model_dump(mode="json"),
              as_of=date(2026, 12, 25))  # fmt: skip
    yield store
    store.dispose()


def _ledger(store: Store, tmp_path, *args: str):
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "--db", store.url, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    notes = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    return book, {row[URL_COLUMN]: row for row in rows}, notes


def test_the_ledger_says_which_deadlines_went_monday_to_friday(store, tmp_path):
    book, rows, notes = _ledger(store, tmp_path)
    assert book.sheetnames == ["整改台账", "说明"]
    deadlines = {url: (row[9], row[NOTE_COLUMN]) for url, row in rows.items()}
    assert {url: (day.date(), note) for url, (day, note) in deadlines.items()} == {
        BROKEN.url: (date(2026, 11, 16), None),
        WORDING.url: (date(2027, 1, 8), "整改时限按周一至周五计算，未计 2027 年节假日和调休"),
        IDENTITY.url: (date(2027, 1, 11), None),
    }
    assert notes == [
        "整改时限的计算",
        "整改时限按工作日计算，自发现次日起算：国务院办公厅通知的放假日不计，调休上班日计入。",
        "节假日安排：内置 2004—2026 年国务院办公厅部分节假日安排的通知。",
        f"{OTHER}：另按本站节假日安排文件（2027 年），与内置安排不同的日期以该文件为准。",
        "1 条整改时限按周一至周五计算，未计 2027 年节假日和调休（见各条备注）。",
    ]


def test_in_english(store, tmp_path):
    book, rows, notes = _ledger(store, tmp_path, "--lang", "en")
    assert book.sheetnames == ["Ledger", "Notes"]
    assert rows[WORDING.url][NOTE_COLUMN] == (
        "Deadline counted Monday to Friday, without the holidays of 2027"
    )
    assert notes[0] == "How deadlines are counted"
    assert notes[-1] == (
        "Deadlines counted Monday to Friday, without the holidays and make-up days of 2027: 1 "
        "(see their notes)."
    )


def test_a_deadline_set_by_hand_is_not_a_count(store, tmp_path):
    with store.session() as session, session.begin():
        tracking.assign(session, tracking.fingerprint(WORDING), deadline=date(2027, 1, 20),
                        actor="李四")  # fmt: skip
    _, rows, notes = _ledger(store, tmp_path)
    assert rows[WORDING.url][NOTE_COLUMN] is None
    assert not [line for line in notes if "周一至周五" in line]
