"""The 整改台账 uploaded back through the workspace: a unit downloads its ledger, fills in
整改措施 / 整改情况, uploads it, sees a preview, confirms, and each filled-in row becomes a note
of its finding under the unit's account. The history is never overwritten, another unit's
finding is refused, and the same upload twice adds nothing."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from workspace_world import World, csrf_of, workspace

from reports.ledger_upload import LedgerFileError, read_ledger_updates
from xuncha.store import Finding, FindingEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with workspace(tmp_path_factory.mktemp("ledger-upload")) as running:
        yield running


@pytest.fixture(autouse=True)
def closed_clients(world: World) -> Iterator[None]:
    yield
    world.close_clients()


def notes_of(world: World, finding_id: int) -> list[tuple[str | None, str | None]]:
    with world.store.session() as session:
        rows = session.execute(
            select(FindingEvent.actor, FindingEvent.reason)
            .where(FindingEvent.finding_id == finding_id, FindingEvent.action == "note")
            .order_by(FindingEvent.id)
        )
        return [(actor, reason) for actor, reason in rows]


def filled_ledger(client: httpx.Client, fill: dict[str, tuple[str, str]]) -> bytes:
    """The account's ledger as downloaded, with 整改措施 / 整改情况 written into the rows of
    the given ids (a row whose id is not in the sheet is appended, as a hand edit would)."""
    book = load_workbook(io.BytesIO(client.get("/ledger.xlsx").content))
    sheet = book["整改台账"]
    header = [cell.value for cell in sheet[1]]
    id_column = header.index("编号") + 1
    measures, progress = header.index("整改措施") + 1, header.index("整改情况") + 1
    rows = {sheet.cell(r, id_column).value: r for r in range(2, sheet.max_row + 1)}
    for finding_id, (measure, state) in fill.items():
        row = rows.get(finding_id) or sheet.max_row + 1
        sheet.cell(row, id_column, finding_id)
        sheet.cell(row, measures, measure)
        sheet.cell(row, progress, state)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: httpx.Client, data: bytes, name: str = "台账.xlsx") -> httpx.Response:
    token = csrf_of(client, "/ledger")
    return client.post(
        "/ledger/upload", data={"csrf_token": token}, files={"file": (name, data, XLSX)}
    )


def test_a_unit_fills_in_its_ledger_and_the_rows_become_its_notes(world: World):
    client = world.login("bgs")
    own = world.findings_of("办公室")
    foreign = world.findings_of("政务公开科")[0]
    fill = {
        own[0].fingerprint: ("已删除失效链接", "已完成"),
        own[1].fingerprint: ("", "正在联系原发布单位"),
        foreign.fingerprint: ("越权填写", "越权"),
        "bl-000000000000": ("没有这个问题", ""),
    }
    preview = upload(client, filled_ledger(client, fill))
    assert preview.status_code == 200
    pattern = r'<tr data-outcome="(\w+)">\s*<td class="num">\d+</td>\s*<td><code>([^<]+)<'
    outcomes = {finding_id: outcome for outcome, finding_id in re.findall(pattern, preview.text)}
    assert outcomes == {
        own[0].fingerprint: "add", own[1].fingerprint: "add",
        foreign.fingerprint: "forbidden", "bl-000000000000": "unknown",
    }  # fmt: skip
    assert "确认写入 2 条备注" in preview.text
    assert notes_of(world, own[0].id) == []  # a preview writes nothing
    token = re.search(r'name="csrf_token" value="([^"]+)"', preview.text)
    assert token
    form = re.search(r'<form method="post" action="/ledger/apply".*?</form>', preview.text, re.S)
    assert form
    fields = re.findall(r'<input type="hidden" name="(id|text)" value="([^"]*)"', form.group(0))
    applied = client.post(
        "/ledger/apply",
        data={"csrf_token": token.group(1), "id": [v for k, v in fields if k == "id"],
              "text": [_unescaped(v) for k, v in fields if k == "text"]},
    )  # fmt: skip
    assert applied.status_code == 303
    assert "已添加 2 条备注" in client.get("/ledger").text
    assert notes_of(world, own[0].id) == [("bgs", "整改措施：已删除失效链接\n整改情况：已完成")]
    assert notes_of(world, own[1].id) == [("bgs", "整改情况：正在联系原发布单位")]
    assert notes_of(world, foreign.id) == []
    # The same file again: nothing new to add.
    again = upload(client, filled_ledger(client, fill))
    assert "没有要添加的备注" in again.text
    assert 'data-outcome="same"' in again.text


def _unescaped(value: str) -> str:
    return html.unescape(value)


def test_a_hand_made_apply_for_another_units_finding_is_refused(world: World):
    client = world.login("bgs")
    foreign = world.findings_of("政务公开科")[1]
    token = csrf_of(client, "/ledger")
    answer = client.post(
        "/ledger/apply", data={"csrf_token": token, "id": [str(foreign.id)], "text": ["越权"]}
    )
    assert answer.status_code == 403
    assert notes_of(world, foreign.id) == []


def test_an_auditor_may_download_but_not_upload(world: World):
    client = world.login("audit")
    assert client.get("/ledger").status_code == 200
    assert 'id="upload-form"' not in client.get("/ledger").text
    assert client.get("/ledger.xlsx").status_code == 200
    assert upload(client, b"PK\x03\x04").status_code == 403


def test_a_file_that_is_no_ledger_gets_one_clear_message(world: World):
    client = world.login("admin")
    not_xlsx = upload(client, "序号,网站\n1,x\n".encode(), "台账.csv")
    assert not_xlsx.status_code == 400 and "不是 XLSX 文件" in not_xlsx.text
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "网站", "备注"])
    out = io.BytesIO()
    book.save(out)
    no_columns = upload(client, out.getvalue())
    assert no_columns.status_code == 400 and "缺少“编号”列" in no_columns.text
    nothing = client.post("/ledger/upload", data={"csrf_token": csrf_of(client, "/ledger")})
    assert nothing.status_code == 400 and "请选择要上传的整改台账" in nothing.text


def test_reader_takes_english_headers_and_refuses_long_cells():
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ledger"
    sheet.append(["No.", "Site", "Description", "Measures taken", "Progress", "Id"])
    sheet.append([1, "站", "问题", "Fixed the link", None, "bl-1"])
    sheet.append([2, "站", "问题", None, None, "bl-2"])  # nothing filled in: not an update
    sheet.append([3, "站", "问题", "x" * 2001, None, "bl-3"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(LedgerFileError, match="第 4 行"):
        read_ledger_updates(out.getvalue())
    sheet.delete_rows(4)
    out = io.BytesIO()
    book.save(out)
    (only,) = read_ledger_updates(out.getvalue())
    assert (only.row, only.finding_id, only.note("en")) == (
        2,
        "bl-1",
        "Measures taken: Fixed the link",
    )


def test_the_history_keeps_every_uploaded_note(world: World):
    """Two uploads with different text for one finding: two notes, the first still there."""
    client = world.login("gk")
    own = world.findings_of("政务公开科")[2]
    for text in ("第一次：已整改", "第二次：复核后补充"):
        preview = upload(client, filled_ledger(client, {own.fingerprint: (text, "")}))
        token = re.search(r'name="csrf_token" value="([^"]+)"', preview.text)
        assert token
        client.post(
            "/ledger/apply",
            data={"csrf_token": token.group(1), "id": [str(own.id)], "text": [f"整改措施：{text}"]},
        )
    assert [reason for _, reason in notes_of(world, own.id)] == [
        "整改措施：第一次：已整改", "整改措施：第二次：复核后补充",
    ]  # fmt: skip
    with world.store.session() as session:
        assert session.get_one(Finding, own.id).note == "整改措施：第二次：复核后补充"


def test_a_zip_bomb_is_refused_before_it_is_opened():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/sharedStrings.xml", "0" * (210 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(LedgerFileError, match="解压后太大"):
        read_ledger_updates(bomb.getvalue())
