"""整改台账 on a hand-built history (report_world.py), on SQLite and PostgreSQL: the rows, the
re-check outcome read from the events, the XLSX written by `xuncha ledger`, and crawled or
typed text that would start a spreadsheet formula."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from report_world import ALL, DISCLOSURE, OFFICE, build, title
from tracking_world import ARTICLE, World, finding

from reports.cells import FORMULA_STARTS
from reports.ledger import HEADERS_ZH
from xuncha import tracking
from xuncha.cli import cli
from xuncha.run.outputs import ledger_rows
from xuncha.store import Store

SITE = "辽源市交通运输局"
INSPECTORS_COLUMNS = [
    "序号", "网站", "问题类型", "问题描述", "问题链接", "所在页面", "责任单位", "责任人",
    "发现时间", "整改时限", "整改状态", "复核情况", "备注",
]  # fmt: skip
# After them, for the unit to fill in and upload back (joined by 编号).
ROUND_TRIP_COLUMNS = ["整改措施", "整改情况", "编号"]


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    build(store)
    yield store
    store.dispose()


def _today() -> str:
    """The day a person's action is dated in the ledger: Beijing time's, not UTC's."""
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


# name → (整改状态, 复核情况, 备注, 责任单位, 发现时间, 整改时限)
EXPECTED = {
    "H": ("待整改", "2026-11-20 复核未整改", "", "", date(2026, 10, 20), date(2026, 11, 3)),
    "A": ("已整改", "2026-11-09 复核已整改", "", OFFICE, date(2026, 11, 2), date(2026, 11, 16)),
    "B": ("已整改", "2026-11-20 复核已整改", "", OFFICE, date(2026, 11, 2), date(2026, 11, 16)),
    "C": ("待整改", "2026-11-20 复核未整改", "-3 天后复查", DISCLOSURE, date(2026, 11, 2),
          date(2026, 11, 16)),
    "D": ("重新打开", "2026-11-20 整改后复发", "", DISCLOSURE, date(2026, 11, 2),
          date(2026, 11, 16)),
    "E": ("不予整改", "{today} 不予整改", "理由：依法不予公开", "", date(2026, 11, 2),
          date(2026, 11, 16)),
    "F": ("误报", "{today} 认定误报", "理由：人工核实", OFFICE, date(2026, 11, 2),
          date(2026, 11, 16)),
    "G": ("待整改", "待复核", "", DISCLOSURE, date(2026, 11, 20), date(2026, 12, 4)),
}  # fmt: skip


def test_rows_carry_status_recheck_and_notes(store):
    with store.session() as session:
        rows = {row.description: row for row in ledger_rows(session)}
    assert len(rows) == len(EXPECTED)
    for name, (status, recheck, note, unit, first_seen, deadline) in EXPECTED.items():
        row = rows[title(ALL[name])]
        assert (row.status, row.recheck, row.note, row.unit) == (
            status, recheck.format(today=_today()), note, unit), name  # fmt: skip
        assert (row.first_seen, row.deadline) == (first_seen, deadline), name
        assert (row.site, row.check_name, row.url, row.pages) == (SITE, "错敏词", ARTICLE, ARTICLE)
    assert rows[title(ALL["C"])].person == "张三"
    ordered = [r.first_seen for r in rows.values()]
    assert [r.number for r in rows.values()] == list(range(1, 9)) and ordered == sorted(ordered)


def test_english_recheck_and_status(store):
    with store.session() as session:
        rows = {row.finding_id: row for row in ledger_rows(session, lang="en")}
    by_name = {name: rows[tracking.fingerprint(item)] for name, item in ALL.items()}
    assert by_name["A"].recheck == "2026-11-09 re-checked: fixed"
    assert by_name["D"].recheck == "2026-11-20 recurred after the fix"
    assert by_name["G"].recheck == "awaiting re-check" and by_name["G"].status == "open"
    assert by_name["E"].note == "Reason: 依法不予公开"


def test_cli_writes_the_xlsx_in_the_inspectors_columns(store, tmp_path):
    out = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "--db", store.url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet.title == "整改台账"
    header = [c.value for c in sheet[1]]
    assert header == list(HEADERS_ZH) == INSPECTORS_COLUMNS + ROUND_TRIP_COLUMNS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P9"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["D"].width == 40 and sheet.column_dimensions["A"].width == 6
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(range(1, 9))
    by_title = {row[3]: row for row in rows}
    a_row = by_title[title(ALL["A"])]
    assert a_row[8] == datetime(2026, 11, 2) and a_row[9] == datetime(2026, 11, 16)  # real dates
    assert sheet.cell(2, 9).number_format == "yyyy-mm-dd"
    assert (a_row[10], a_row[11]) == ("已整改", "2026-11-09 复核已整改")
    assert by_title[title(ALL["C"])][12] == "'-3 天后复查"  # a note that would be a formula


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "fixed"], {"A", "B"}),
        (["--status", "open", "--status", "reopened"], {"H", "C", "D", "G"}),
        (["--site", SITE, "--status", "waived"], {"E"}),
    ],
    ids=["fixed", "open-and-reopened", "site-and-waived"],
)
def test_cli_filters(store, tmp_path, args, expected):
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "--db", store.url, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None
    titles = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {title(ALL[name]) for name in expected}


def test_no_cell_starts_a_formula(db_url, tmp_path):
    """Site name, URL, unit, person and note as an attacker (or a careless typist) would write
    them, one for each start OWASP names (= + - @ tab CR): each cell keeps its text behind a
    leading quote, and is a string."""
    store = Store(db_url)
    world = World(
        store, '=HYPERLINK("http://evil.example/","点我")', "https://evil.example.gov.cn/"
    )
    first = finding("wording_error", "miswriting", ARTICLE, key=f"{ARTICLE}|x",
                    evidence={"wrong": "x", "right": "y"}, unit="+办公室")  # fmt: skip
    second = finding("wording_error", "miswriting", "@SUM(A1)", key="@SUM(A1)|z", page=ARTICLE,
                     evidence={"wrong": "z", "right": "w"}, unit="\t办公室")  # fmt: skip
    third = finding("wording_error", "miswriting", ARTICLE, key=f"{ARTICLE}|v",
                    evidence={"wrong": "v", "right": "u"}, unit="\r=1+1")  # fmt: skip
    world.run([first, second, third])
    world.act(tracking.assign, first, person="@张三")
    world.act(tracking.note, second, text="-1+1")
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "--db", store.url, "--out", str(out)])
    store.dispose()
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    assert not [c for c in cells if c.data_type == "f"]
    quoted = {"'" + text for text in ('=HYPERLINK("http://evil.example/","点我")', "+办公室",
              "@SUM(A1)", "\t办公室", "\r=1+1", "@张三", "-1+1")}  # fmt: skip
    assert quoted <= texts
    assert all(c.data_type == "s" for c in cells if c.value in quoted)


def test_a_control_character_cannot_hide_a_formula_start():
    """Removing characters openpyxl refuses must not uncover "=": the guard runs after it."""
    from reports.cells import xlsx_safe
    from reports.ledger import cell_text

    for value in ('\x08=HYPERLINK("http://x","y")', "\x01\x02+1", "\x0b@SUM(A1)"):
        assert cell_text(value).startswith("'") and xlsx_safe(value).startswith("'")
