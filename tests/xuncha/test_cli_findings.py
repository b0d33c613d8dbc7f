"""`xuncha findings` as an inspector uses it, on SQLite and PostgreSQL: list in every format,
act on one finding, read its history; errors are one line and exit status 2."""

from __future__ import annotations

import csv
import getpass
import io
import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from tracking_world import (
    ARTICLE,
    ATTACHMENT,
    BROKEN,
    COLUMN,
    ROOT,
    TARGET,
    World,
    check,
    crawl,
    finding,
)

from xuncha import tracking
from xuncha.cli import cli, main
from xuncha.store import Store
from xuncha.tracking import fingerprint

EXPORT_DOC = Path(__file__).resolve().parents[3] / "shared" / "docs" / "findings-export.md"
ID = re.compile(r"\b[a-z]{2}-[0-9a-f]{16}\b")

WAIVED = finding("wording_error", "miswriting", ARTICLE, key=f"{ARTICLE}|辽源市交通局",
                 evidence={"wrong": "辽源市交通局", "right": "辽源市交通运输局"})  # fmt: skip
FIXED = finding("privacy_leak", "id_number", ATTACHMENT, key=f"{ATTACHMENT}|id_number",
                page=ARTICLE, evidence={"count": 2, "example": "2204**********1234"})  # fmt: skip
HOSTILE = finding("stale_column", "notice", COLUMN, column="=HYPERLINK(\"http://x\")",
                  evidence={"kind": "notice", "days": 300})  # fmt: skip
IDENTITY = finding("site_identity", "meta_tags", ROOT, key="meta_tags", severity="low")


@pytest.fixture
def db(db_url):
    """Two sites: 辽源 with a finding of every kind of status, 另一局 with one open finding."""
    store = Store(db_url)
    world = World(store)
    world.run([BROKEN, WAIVED, FIXED, HOSTILE, IDENTITY])
    world.run([BROKEN, WAIVED, HOSTILE, IDENTITY], crawl(checks=(check(ATTACHMENT, 410),)))
    world.act(tracking.waive, WAIVED, reason="依法不予公开")
    world.act(tracking.false_positive, IDENTITY, reason="人工核实已有标签")
    world.act(tracking.note, HOSTILE, text="-3 天后复查")
    other = World(store, "另一局", "https://other.example.gov.cn/")
    other.run([IDENTITY])
    store.dispose()
    return db_url


def invoke(*args: str):
    result = CliRunner().invoke(cli, ["findings", *args], catch_exceptions=False)
    return result


def run_main(monkeypatch, capsys, *args: str) -> tuple[int | str | None, str, str]:
    """Through `main()`, as the console script runs: errors become one line and a status."""
    monkeypatch.setattr(sys, "argv", ["xuncha", "findings", *args])
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_table_lists_every_status_in_chinese(db):
    result = invoke("--db", db)
    assert result.exit_code == 0, result.output
    assert set(ID.findall(result.output)) == {
        fingerprint(f) for f in (BROKEN, WAIVED, FIXED, HOSTILE, IDENTITY)
    }  # IDENTITY is on both sites: one id
    for label in ("待整改", "不予整改", "已整改", "误报", "网站", "另一局"):
        assert label in result.output
    assert "共 6 个问题：待整改 3，已整改 1，不予整改 1，误报 1" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "open"], [BROKEN, HOSTILE, IDENTITY]),
        (["--status", "waived", "--status", "fixed"], [WAIVED, FIXED]),
        (["--site", "另一局"], [IDENTITY]),
        (["--site", "https://JTJ.example.gov.cn", "--status", "open"], [BROKEN, HOSTILE]),
        (["--site", "辽源市交通运输局", "--status", "false_positive"], [IDENTITY]),
    ],
    ids=["open", "waived-and-fixed", "site-by-name", "site-by-url", "false-positive"],
)
def test_filters(db, args, expected):
    result = invoke("--db", db, "--lang", "en", *args)
    assert result.exit_code == 0, result.output
    assert set(ID.findall(result.output)) == {fingerprint(f) for f in expected}


def test_json_is_the_documented_export_with_every_status(db, tmp_path):
    out = tmp_path / "findings.json"
    result = invoke("--db", db, "--site", "辽源市交通运输局", "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["schema"] == "xuncha.findings/1"
    assert {f["status"] for f in document["findings"]} >= {"open"}
    if not EXPORT_DOC.is_file():
        pytest.skip("shared/docs/findings-export.md is not beside this checkout")
    block = EXPORT_DOC.read_text(encoding="utf-8").split("```json", 1)[1].split("```", 1)[0]
    documented = json.loads(re.sub(r"\s+//[^\n]*", "", block))
    assert set(documented) <= set(document)
    assert set(documented["site"]) <= set(document["site"])
    assert set(documented["run"]) <= set(document["run"])
    for item in document["findings"]:
        assert set(documented["findings"][0]) <= set(item)
    assert document["schema"] == "xuncha.findings/1"
    assert document["site"] == {"name": "辽源市交通运输局", "start_url": ROOT}
    assert (document["run"]["id"], document["run"]["as_of"]) == (2, "2026-11-03")
    by_id = {item["id"]: item for item in document["findings"]}
    assert {by_id[fingerprint(f)]["status"] for f in (BROKEN, WAIVED, FIXED, IDENTITY)} == {
        "open", "waived", "fixed", "false_positive",
    }  # fmt: skip
    broken = by_id[fingerprint(BROKEN)]
    assert (broken["url"], broken["page"], broken["first_seen"], broken["deadline"]) == (
        TARGET, ARTICLE, "2026-11-02", "2026-11-16",
    )  # fmt: skip
    assert by_id[fingerprint(FIXED)]["last_seen"] == "2026-11-02"


def test_json_to_stdout_in_english(db):
    result = invoke("--db", db, "--site", "另一局", "--format", "json", "--lang", "en")
    document = json.loads(result.output)
    assert [item["id"] for item in document["findings"]] == [fingerprint(IDENTITY)]
    assert document["findings"][0]["title"].isascii()


def test_json_of_several_sites_asks_for_one(db, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "--db", db, "--format", "json")
    assert (code, out) == (2, "")
    assert err == "xuncha: the JSON export is one site's document: give --site " \
                  "(one of: 辽源市交通运输局、另一局)\n"  # fmt: skip


def test_csv_has_a_bom_a_header_and_intact_chinese(db, tmp_path):
    out = tmp_path / "findings.csv"
    result = invoke("--db", db, "--site", "辽源市交通运输局", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:6] == ["编号", "网站", "检查项", "问题类型", "严重程度", "整改状态"]
    by_id = {row["编号"]: row for row in rows}
    assert len(by_id) == 5
    waived = by_id[fingerprint(WAIVED)]
    assert (waived["整改状态"], waived["状态说明"], waived["问题类型"]) == (
        "不予整改", "依法不予公开", "错敏词",
    )  # fmt: skip
    assert waived["问题描述"] == "错别字：“辽源市交通局”应为“辽源市交通运输局”"
    hostile = by_id[fingerprint(HOSTILE)]
    assert hostile["栏目"] == '\'=HYPERLINK("http://x")'  # a formula no more
    assert hostile["备注"] == "'-3 天后复查"


def test_xlsx_reads_back_with_the_csv_columns_as_text(db, tmp_path):
    out = tmp_path / "ledger" / "findings.xlsx"
    result = invoke("--db", db, "--format", "xlsx", "--out", str(out), "--status", "open")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["编号", "网站", "检查项"] and header[-2:] == ["状态说明", "备注"]
    body = list(sheet.iter_rows(min_row=2))
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in body]
    assert {(row["编号"], row["网站"]) for row in rows} == {
        (fingerprint(BROKEN), "辽源市交通运输局"),
        (fingerprint(HOSTILE), "辽源市交通运输局"),
        (fingerprint(IDENTITY), "另一局"),
    }
    hostile = next(row for row in body if row[0].value == fingerprint(HOSTILE))
    cell = hostile[header.index("栏目")]
    # Text, and no formula start even if someone edits the cell and presses Enter.
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://x")', "s")


def test_xlsx_needs_a_file(db):
    result = CliRunner().invoke(cli, ["findings", "--db", db, "--format", "xlsx"])
    assert result.exit_code == 2
    assert "give --out FILE.xlsx" in result.output


ACTIONS = [
    (
        ["assign", "{id}", "--unit", "信息中心", "--person", "张三", "--deadline", "2026-12-31",
         "--reason", "栏目由信息中心维护"],
        BROKEN,
        "{fp}：责任单位 信息中心，责任人 张三，整改时限 2026-12-31",
        {"status": "open", "unit": "信息中心", "unit_by_hand": True, "person": "张三",
         "deadline": date(2026, 12, 31)},
        ("assigned", None, "栏目由信息中心维护"),
    ),
    (
        ["waive", "{id}", "--reason", "依法不予公开"],
        BROKEN,
        "{fp}：不予整改（依法不予公开）",
        {"status": "waived", "status_reason": "依法不予公开"},
        ("waived", "waived", "依法不予公开"),
    ),
    (
        ["false-positive", "{id}", "--reason", "服务器拒绝爬虫", "--lang", "en"],
        BROKEN,
        "{fp}: false positive (服务器拒绝爬虫)",
        {"status": "false_positive", "status_reason": "服务器拒绝爬虫"},
        ("false_positive", "false_positive", "服务器拒绝爬虫"),
    ),
    (
        ["note", "{id}", "已电话通知办公室"],
        BROKEN,
        "{fp}：已电话通知办公室",
        {"status": "open", "note": "已电话通知办公室"},
        ("note", None, "已电话通知办公室"),
    ),
    (
        ["reopen", "{id}", "--reason", "复核：附件仍可下载"],
        FIXED,
        "{fp}：重新打开（复核：附件仍可下载）",
        {"status": "reopened", "status_reason": "复核：附件仍可下载"},
        ("reopened", "reopened", "复核：附件仍可下载"),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "item", "line", "state", "event"),
    ACTIONS,
    ids=["assign", "waive", "false-positive", "note", "reopen"],
)
def test_actions_change_the_finding_and_append_an_event(db, args, item, line, state, event):
    fp = fingerprint(item)
    argv = [a.replace("{id}", fp[:7]) for a in args]
    result = invoke(*argv, "--db", db, "--by", "王五")
    assert result.exit_code == 0, result.output
    assert result.output == line.format(fp=fp) + "\n"
    store = Store(db)
    world = World.attach(store, 1)
    row = world.row(item)
    assert {key: getattr(row, key) for key in state} == state
    last = world.events(item)[-1]
    assert (last.action, last.new_status, last.reason, last.actor) == (*event, "王五")
    store.dispose()


def test_by_defaults_to_the_os_user_and_the_group_db_applies(db, monkeypatch):
    monkeypatch.setenv("XUNCHA_DB", "sqlite:///nowhere-used.db")
    result = invoke("--db", db, "waive", fingerprint(BROKEN), "--reason", "依法不予公开")
    assert result.exit_code == 0, result.output
    store = Store(db)
    world = World.attach(store, 1)
    assert world.events(BROKEN)[-1].actor == getpass.getuser()
    store.dispose()


def test_history_shows_every_event_in_order(db, monkeypatch):
    monkeypatch.setenv("XUNCHA_DB", db)
    fp = fingerprint(BROKEN)
    assert invoke("assign", fp, "--unit", "办公室", "--by", "王五").exit_code == 0
    assert invoke("waive", fp, "--reason", "依法不予公开", "--by", "王五").exit_code == 0
    result = invoke("history", fp[:5])
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in line.split("│")] for line in result.output.splitlines()]
    actions = [cells[3] for cells in rows if len(cells) > 3 and cells[3]]
    assert actions == ["发现", "指派", "不予整改"]
    assert "run #1" in result.output and "王五" in result.output
    assert "责任单位：- → 办公室" in result.output and "待整改 → 不予整改" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["waive", "zz-0", "--reason", "x"], "no finding with id 'zz-0'"),
        (["history", "s"], "is ambiguous"),
        (["note", fingerprint(IDENTITY), "x"], "is ambiguous"),
        (["waive", fingerprint(FIXED), "--reason", "x", "--site", "某县"], "no site '某县'"),
        (["reopen", fingerprint(BROKEN), "--reason", "x"], "is already open"),
        (["--status", "open", "--site", "某县"], "no site '某县'"),
    ],
    ids=["unknown", "ambiguous-prefix", "same-id-two-sites", "unknown-site", "reopen-open",
         "list-unknown-site"],
)  # fmt: skip
def test_errors_are_one_line_and_exit_2(db, monkeypatch, capsys, args, message):
    monkeypatch.setenv("XUNCHA_DB", db)
    code, out, err = run_main(monkeypatch, capsys, *args)
    assert code == 2
    assert err.startswith("xuncha: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err


def test_same_id_on_two_sites_is_told_apart_by_site(db, monkeypatch):
    monkeypatch.setenv("XUNCHA_DB", db)
    result = invoke("note", fingerprint(IDENTITY), "另一局的问题", "--site", "另一局")
    assert result.exit_code == 0, result.output
    store = Store(db)
    world = World.attach(store, 2)
    assert world.row(IDENTITY).note == "另一局的问题"
    world.site_id = 1
    assert world.row(IDENTITY).note is None
    store.dispose()


def test_a_bad_deadline_is_a_usage_error(db):
    result = CliRunner().invoke(
        cli, ["findings", "assign", fingerprint(BROKEN), "--deadline", "31.12.2026", "--db", db]
    )
    assert result.exit_code == 2
    assert "'31.12.2026' is not a date (YYYY-MM-DD)" in result.output


def test_json_of_a_site_without_such_findings_is_an_empty_document(db):
    result = invoke("--db", db, "--site", "另一局", "--status", "waived", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["findings"], document["run"]["id"]) == ([], 3)


def test_crawled_text_is_printed_as_text(db_url):
    """Rich markup and terminal control codes in crawled text reach the terminal inert; with
    one site in the database, JSON needs no --site."""
    store = Store(db_url)
    hostile = finding("wording_error", "miswriting", ARTICLE, key=f"{ARTICLE}|x",
                      evidence={"wrong": "[/x][bold red]\x1b[31m", "right": "y"})  # fmt: skip
    World(store).run([hostile])
    store.dispose()
    table = invoke("--db", db_url)
    assert table.exit_code == 0, table.output
    assert "[/x][bold red]" in table.output and "\x1b" not in table.output
    history = invoke("history", fingerprint(hostile), "--db", db_url)
    assert "[/x][bold red]" in history.output and "\x1b" not in history.output
    document = json.loads(invoke("--db", db_url, "--format", "json").output)
    assert document["findings"][0]["evidence"]["wrong"] == "[/x][bold red]\x1b[31m"


def test_export_carries_person_note_and_reason_of_manual_actions(tmp_path):
    """findings-export.md allows new fields: who must fix it, the notes and why a status."""
    from reports.findings_json import finding_document

    class Row:
        id, site_id, last_run_id = 1, 1, None
        fingerprint, check, subtype, severity = "bl-1", "broken_link", "http_404", "high"
        url, page, pages = "http://a/x", "http://a/", ["http://a/"]
        column, unit = None, "办公室"
        evidence: dict[str, object] = {}
        person, note, status, status_reason = "张三", "已联系", "waived", "依法不予公开"
        first_seen = last_seen = date(2026, 11, 2)
        deadline = None

    document = finding_document(Row())
    assert (document["person"], document["note"], document["status_reason"]) == (
        "张三", "已联系", "依法不予公开",
    )  # fmt: skip


def test_a_database_that_cannot_be_reached_is_one_line_in_chinese():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "xuncha", "findings", "--db", "postgresql+psycopg://x@127.0.0.1:1/x"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("xuncha: 无法打开数据库 postgresql+psycopg://x@127.0.0.1:1/x：")
    assert line.endswith("（请检查 --db 地址、数据库服务与权限）")
