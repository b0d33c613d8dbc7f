"""The workspace (xuncha serve) over HTTP, as its users use it: the demo inspected, its findings
given to two units, and an admin, two unit users and an auditor logged in through real HTTP
clients against uvicorn on loopback.

What is checked is what the server refuses as much as what it shows: another unit's finding by
URL or by a hand-made form (403, nothing written), a form without its CSRF token (403), an
auditor's form (403), hostile crawled text (escaped, never a link)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from sqlalchemy import func, select
from starlette.routing import Route
from workspace_world import (
    PASSWORDS,
    World,
    csrf_of,
    log_in,
    serving,
    workspace,
)

from xuncha import accounts
from xuncha.store import Finding, FindingEvent, NoticeDelivery, User
from xuncha.web.app import Settings, create_app, routes
from xuncha.web.guard import page


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The workspace over SQLite and over PostgreSQL (the search's ILIKE, the sort's CASE)."""
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database_url")
    with workspace(tmp_path_factory.mktemp("workspace"), url) as running:
        yield running


@pytest.fixture(autouse=True)
def closed_clients(world: World) -> Iterator[None]:
    yield
    world.close_clients()


def events(world: World, finding_id: int) -> list[FindingEvent]:
    with world.store.session() as session:
        return list(
            session.scalars(
                select(FindingEvent)
                .where(FindingEvent.finding_id == finding_id)
                .order_by(FindingEvent.id)
            )
        )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- logging in --


def test_every_page_wants_a_login_first(world: World):
    client = world.client()
    for path in ("/", "/findings", "/findings/1", "/runs/1", "/lookback", "/ledger.xlsx"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


def test_session_cookie_is_httponly_and_samesite(world: World):
    client = world.client()
    response = log_in(client, "admin", PASSWORDS["admin"])
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain HTTP here; --https adds it
    page_ = client.get("/")
    assert page_.status_code == 200
    assert "辽源市交通运输局" in page_.text
    policy = page_.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert page_.headers["x-frame-options"] == "DENY"


def test_a_wrong_password_is_refused_without_saying_which(world: World):
    client = world.client()
    wrong = log_in(client, "admin", "not-the-password")
    unknown = log_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "账号或密码不正确" in wrong.text and "账号或密码不正确" in unknown.text
    assert client.get("/").status_code == 303


def test_failed_logins_lock_the_name_for_a_while(world: World):
    with world.store.session() as session, session.begin():
        accounts.add_user(session, "locked", "auditor", None, "locked-password")
    client = world.client()
    for _ in range(accounts.PAIR_FAILURES):
        assert log_in(client, "locked", "guess-guess-guess").status_code == 401
    right = log_in(client, "locked", "locked-password")
    assert right.status_code == 401
    assert "登录失败次数过多" in right.text
    assert log_in(world.client(), "bgs", PASSWORDS["bgs"]).status_code == 303  # others unaffected


def test_a_burst_of_guesses_gets_no_more_than_the_limit(world: World):
    """Guesses sent at the same moment all count: only PAIR_FAILURES passwords are checked."""
    with world.store.session() as session, session.begin():
        accounts.add_user(session, f"burst-{id(world)}", "auditor", None, "burst-password")
    clients = [world.client() for _ in range(16)]
    for client in clients:  # one client behind the proxy the server trusts (loopback)
        client.headers["X-Forwarded-For"] = "192.0.2.44"
    tokens = [csrf_of(client) for client in clients]

    def guess(index: int) -> str:
        data = {"name": f"burst-{id(world)}", "password": f"guess-{index}-xxxx",
                "csrf_token": tokens[index]}  # fmt: skip
        return clients[index].post("/login", data=data).text

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(guess, range(16)))
    checked = sum("账号或密码不正确" in answer for answer in answers)
    locked = sum("登录失败次数过多" in answer for answer in answers)
    assert checked + locked == 16
    assert 1 <= checked <= accounts.PAIR_FAILURES


def test_login_without_csrf_token_is_refused(world: World):
    client = world.client()
    client.get("/login")
    response = client.post("/login", data={"name": "admin", "password": PASSWORDS["admin"]})
    assert response.status_code == 403
    assert client.get("/").status_code == 303


def test_login_goes_back_only_to_a_path_of_this_site(world: World):
    client = world.client()
    token = csrf_of(client)
    for target, landing in (("/findings", "/findings"), ("//evil.example/x", "/"),
                            ("https://evil.example/", "/")):  # fmt: skip
        response = client.post(
            "/login",
            params={"next": target},
            data={"name": "audit", "password": PASSWORDS["audit"], "csrf_token": token},
        )
        assert response.headers["location"] == landing
        token = csrf_of(client, "/password")


def test_one_time_password_must_be_changed_first_and_ends_other_sessions(world: World):
    with world.store.session() as session, session.begin():
        first = accounts.add_user(session, "newcomer", "auditor")
    assert first.generated and len(first.password) == 16
    client = world.login("newcomer", first.password)
    assert client.get("/findings").headers["location"] == "/password"
    other = world.login("newcomer", first.password)
    token = csrf_of(client, "/password")
    mismatch = client.post(
        "/password",
        data={"current": first.password, "new": "chosen-password-1", "again": "other-one-11",
              "csrf_token": token},
    )  # fmt: skip
    assert mismatch.status_code == 400 and "不一致" in mismatch.text
    changed = client.post(
        "/password",
        data={"current": first.password, "new": "chosen-password-1",
              "again": "chosen-password-1", "csrf_token": token},
    )  # fmt: skip
    assert changed.status_code == 303
    assert client.get("/findings").status_code == 200
    assert other.get("/findings").status_code == 303  # the session of before the change ended
    assert world.login("newcomer", "chosen-password-1").get("/").status_code == 200


def test_a_disabled_account_is_logged_out_at_once(world: World):
    with world.store.session() as session, session.begin():
        accounts.add_user(session, "leaver", "auditor", None, "leaver-password")
    client = world.login("leaver", "leaver-password")
    assert client.get("/").status_code == 200
    with world.store.session() as session, session.begin():
        accounts.set_disabled(session, "leaver")
    assert client.get("/").status_code == 303
    assert log_in(world.client(), "leaver", "leaver-password").status_code == 401


# -- the admin --


def _form(client: httpx.Client, finding_id: int) -> str:
    return csrf_of(client, f"/findings/{finding_id}")


def test_admin_waives_a_finding_and_the_history_says_who(world: World):
    client = world.login("admin")
    target = world.findings_of("政务公开科")[0]
    token = _form(client, target.id)
    response = client.post(
        f"/findings/{target.id}/waive", data={"reason": "依法不予公开", "csrf_token": token}
    )
    assert response.status_code == 303
    shown = client.get(f"/findings/{target.id}")
    assert "已保存" in shown.text
    history = shown.text[shown.text.index('id="history"') :]
    last_row = history.split("<tr>")[-1]
    assert "admin" in last_row and "依法不予公开" in last_row
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", last_row)  # a local minute, not ISO UTC
    last = events(world, target.id)[-1]
    assert (last.action, last.actor, last.new_status, last.reason) == (
        "waived", "admin", "waived", "依法不予公开",
    )  # fmt: skip
    again = client.post(
        f"/findings/{target.id}/waive", data={"reason": "再次", "csrf_token": token}
    )
    assert again.status_code == 400 and "already waived" in again.text
    reopen = client.post(
        f"/findings/{target.id}/reopen", data={"reason": "复核未通过", "csrf_token": token}
    )
    assert reopen.status_code == 303
    assert events(world, target.id)[-1].new_status == "reopened"


def test_admin_assigns_unit_person_and_deadline(world: World):
    client = world.login("admin")
    target = world.findings_of("办公室")[1]
    token = _form(client, target.id)
    response = client.post(
        f"/findings/{target.id}/assign",
        data={"unit": "办公室", "person": "张三", "deadline": "2027-01-15", "csrf_token": token},
    )
    assert response.status_code == 303
    with world.store.session() as session:
        stored = session.get_one(Finding, target.id)
        assert (stored.person, str(stored.deadline)) == ("张三", "2027-01-15")
    bad = client.post(
        f"/findings/{target.id}/assign", data={"deadline": "15/01/2027", "csrf_token": token}
    )
    assert bad.status_code == 400 and "不是日期" in bad.text


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(world: World):
    client = world.login("admin")
    target = world.findings_of("办公室")[2]
    before = len(events(world, target.id))
    missing = client.post(f"/findings/{target.id}/note", data={"text": "无令牌"})
    forged = client.post(
        f"/findings/{target.id}/note", data={"text": "伪造", "csrf_token": "x" * 43}
    )
    assert missing.status_code == forged.status_code == 403
    assert "表单已失效" in missing.text
    assert len(events(world, target.id)) == before


def test_every_form_route_checks_the_csrf_token():
    """No POST route of the app is served but through the guard (or the login's own check)."""
    posted = [r for r in routes() if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert {r.path for r in posted} == {
        "/login", "/logout", "/password", "/findings/{finding_id:int}/{action}",
        "/ledger/upload", "/ledger/apply",
    }  # fmt: skip
    guarded = page()(lambda p: None).__code__  # type: ignore[arg-type,return-value]
    for route in posted:
        if route.path in ("/login", "/logout"):
            continue
        assert route.endpoint.__code__ is guarded, route.path


def test_logout_needs_the_token_and_ends_the_session(world: World):
    client = world.login("audit")
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/").status_code == 200
    token = csrf_of(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


# -- a unit user --


def test_unit_user_sees_only_its_units_findings(world: World):
    client = world.login("bgs")
    listing = client.get("/findings", params={"q": ""})
    assert listing.status_code == 200
    own = world.findings_of("办公室")
    assert f"共 {len(own)} 个问题" in listing.text
    shown_ids = set(re.findall(r'href="/findings/(\d+)"', listing.text))
    assert shown_ids and shown_ids <= {str(f.id) for f in own}
    # Asking for the other unit by the filter changes nothing.
    other = client.get("/findings", params={"unit": "政务公开科"})
    assert "共 0 个问题" in other.text


def test_unit_user_cannot_open_or_act_on_another_units_finding(world: World):
    client = world.login("bgs")
    foreign = world.findings_of("政务公开科")[3]
    assert client.get(f"/findings/{foreign.id}").status_code == 403
    token = csrf_of(client, "/")
    before = len(events(world, foreign.id))
    for action, data in (("note", {"text": "越权"}), ("assign", {"person": "李四"}),
                         ("waive", {"reason": "越权"})):  # fmt: skip
        response = client.post(
            f"/findings/{foreign.id}/{action}", data={**data, "csrf_token": token}
        )
        assert response.status_code == 403, action
    assert len(events(world, foreign.id)) == before
    assert client.get("/runs/1").status_code == 403  # a run's report shows every unit


def test_unit_user_notes_and_names_its_person_but_decides_nothing_else(world: World):
    client = world.login("bgs")
    own = world.findings_of("办公室")[4]
    token = _form(client, own.id)
    note = client.post(
        f"/findings/{own.id}/note", data={"text": "已更新栏目内容", "csrf_token": token}
    )
    assert note.status_code == 303
    person = client.post(f"/findings/{own.id}/assign", data={"person": "王五", "csrf_token": token})
    assert person.status_code == 303
    actors = [(e.action, e.actor) for e in events(world, own.id)][-2:]
    assert actors == [("note", "bgs"), ("assigned", "bgs")]
    for action, data in (("waive", {"reason": "x"}), ("false-positive", {"reason": "x"}),
                         ("assign", {"deadline": "2030-01-01"}),
                         ("assign", {"unit": "政务公开科"})):  # fmt: skip
        response = client.post(f"/findings/{own.id}/{action}", data={**data, "csrf_token": token})
        assert response.status_code == 403, (action, data)
    with world.store.session() as session:
        assert session.get_one(Finding, own.id).unit == "办公室"


def test_auditor_reads_everything_and_changes_nothing(world: World):
    client = world.login("audit")
    anyone = world.findings_of("政务公开科")[5]
    page_ = client.get(f"/findings/{anyone.id}")
    assert page_.status_code == 200
    assert 'action="/findings/' not in page_.text  # no action form is offered
    token = csrf_of(client, "/")
    before = len(events(world, anyone.id))
    response = client.post(f"/findings/{anyone.id}/note", data={"text": "x", "csrf_token": token})
    assert response.status_code == 403
    assert len(events(world, anyone.id)) == before
    report = client.get("/runs/1")
    assert report.status_code == 200 and "检测报告" in report.text
    assert "script-src 'sha256-" in report.headers["content-security-policy"]


# -- what the pages show --


def test_hostile_crawled_text_stays_inert(world: World):
    client = world.login("admin")
    for path in (f"/findings/{world.hostile_id}", "/findings?q=hostile"):
        body = client.get(path).text
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(" in body
        assert 'href="javascript:' not in body.lower()
    listing = client.get("/findings", params={"q": "bl-hostile"})
    assert "共 1 个问题" in listing.text


def test_filters_search_and_sort_work_in_the_database(world: World):
    client = world.login("admin")
    with world.store.session() as session:
        total = session.scalar(select(func.count(Finding.id)))
        busiest = session.execute(
            select(Finding.check, func.count(Finding.id))
            .group_by(Finding.check)
            .order_by(func.count(Finding.id).desc())
        ).first()
        assert busiest is not None
        check, count = busiest
    assert f"共 {total} 个问题" in client.get("/findings").text
    by_check = client.get("/findings", params={"check": check})
    assert f"共 {count} 个问题" in by_check.text
    rows = re.findall(r'<tr data-finding="[^"]+">(.*?)</tr>', by_check.text, re.DOTALL)
    assert len(rows) == count
    first_seen = client.get("/findings", params={"sort": "first_seen", "desc": "1"})
    days = re.findall(r'data-label="发现时间" class="nowrap">([\d-]+)<', first_seen.text)
    assert days == sorted(days, reverse=True) and days
    english = client.get("/findings", params={"lang": "en"})
    assert f"{total} findings" in english.text
    client.get("/findings", params={"lang": "zh"})


def test_export_holds_exactly_what_the_filter_shows(world: World):
    client = world.login("admin")
    listing = client.get("/findings", params={"severity": "high"})
    shown = re.findall(r'<tr data-finding="([^"]+)">', listing.text)
    xlsx = client.get("/findings", params={"severity": "high", "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    severity = header.index("严重程度")
    assert sorted(str(r[0]) for r in body) == sorted(shown)
    assert {r[severity] for r in body} == {"高"}
    unit_csv = world.login("gk").get("/findings", params={"format": "csv"})
    table = list(csv.reader(io.StringIO(unit_csv.content.decode("utf-8-sig"))))
    unit_column = table[0].index("责任单位")
    assert len(table) - 1 == len(world.findings_of("政务公开科"))
    assert {row[unit_column] for row in table[1:]} == {"政务公开科"}


def test_ledger_and_lookback_of_a_unit_hold_its_findings_only(world: World):
    ledger = world.login("bgs").get("/ledger.xlsx")
    assert ledger.status_code == 200
    sheet = load_workbook(io.BytesIO(ledger.content))["整改台账"]
    rows = list(sheet.iter_rows(values_only=True))
    unit_column = rows[0].index("责任单位")
    assert len(rows) - 1 == len(world.findings_of("办公室"))
    assert {row[unit_column] for row in rows[1:]} == {"办公室"}
    admin_ledger = world.login("admin").get("/ledger.xlsx")
    everything = list(load_workbook(io.BytesIO(admin_ledger.content))["整改台账"].iter_rows())
    with world.store.session() as session:
        assert len(everything) - 1 == session.scalar(select(func.count(Finding.id)))
    lookback = world.login("gk").get("/lookback", params={"since": "2020-01-01"})
    assert lookback.status_code == 200
    units = set(re.findall(r'<tr id="[^"]+" data-outcome="\w+" data-unit="([^"]*)"', lookback.text))
    assert units == {"政务公开科"}  # a finding's history may still name the unit it came from
    assert world.login("gk").get("/lookback", params={"since": "yesterday"}).status_code == 400


def test_sites_page_counts_per_role(world: World):
    admin = world.login("admin").get("/").text
    unit = world.login("gk").get("/").text
    assert "/runs/1" in admin and "/runs/1" not in unit
    assert "只显示本单位（政务公开科）的问题" in unit
    with world.store.session() as session:
        open_gk = session.scalar(
            select(func.count(Finding.id)).where(
                Finding.unit == "政务公开科", Finding.status.in_(["open", "reopened"])
            )
        )
    assert re.search(rf'class="num open"><a [^>]*>{open_gk}<', unit)


def test_users_cli_refuses_clearly(world: World, tmp_path: Path):
    with world.store.session() as session:
        assert session.scalar(select(User).where(User.name == "admin")) is not None
    with (
        pytest.raises(accounts.AccountError, match="已存在"),
        world.store.session() as session,
        session.begin(),
    ):
        accounts.add_user(session, "admin", "admin")
    with (
        pytest.raises(accounts.AccountError, match="太短"),
        world.store.session() as session,
        session.begin(),
    ):
        accounts.add_user(session, "short", "admin", None, "short")


def test_documents_download_by_role(world: World):
    admin = world.login("admin")
    report = admin.get("/runs/1/report.docx")
    assert report.status_code == 200
    assert (
        "filename*=UTF-8''%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A"
        in report.headers["content-disposition"]
    )  # 检测报告-2026-11-20.docx
    assert Document(io.BytesIO(report.content)).paragraphs[0].text.endswith("网站检测报告")
    printed = admin.get("/runs/1/report.pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    assert "检测报告" in extract_text(io.BytesIO(printed.content))
    unit = world.login("bgs")
    assert unit.get("/runs/1/report.docx").status_code == 403
    own = unit.get("/runs/1/notice.docx", params={"unit": "办公室"})
    assert own.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(own.content)).paragraphs)
    assert "办公室：" in text and "政务公开科" not in text
    assert unit.get("/runs/1/notice.docx", params={"unit": "政务公开科"}).status_code == 403
    assert unit.get("/runs/1/notice.pdf").status_code == 403
    ledger_page = unit.get("/ledger").text
    assert "notice.docx?unit=%E5%8A%9E%E5%85%AC%E5%AE%A4" in ledger_page
    assert "%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80%E7%A7%91" not in ledger_page  # 政务公开科


def test_notices_page_shows_failures_and_keeps_units_apart(world: World):
    now = datetime.now(UTC)
    with world.store.session() as session, session.begin():
        rows = (("办公室", "sent", None), ("政务公开科", "failed", "SMTP 127.0.0.1:25: refused"))
        for unit, status, error in rows:
            session.add(NoticeDelivery(
                run_id=1, unit=unit, channel="email", target=f"{status}@example.gov.cn",
                status=status, attempts=1, findings=3, subject="s", body="b", last_error=error,
                created_at=now, next_try_at=now, sent_at=now if status == "sent" else None,
            ))  # fmt: skip
    admin = world.login("admin").get("/notices").text
    assert 'data-status="failed"' in admin and 'data-status="sent"' in admin
    assert "1 条通知未送达" in admin and "SMTP 127.0.0.1:25: refused" in admin
    unit = world.login("bgs").get("/notices").text
    assert 'data-status="sent"' in unit and "政务公开科" not in text_of(unit.split("<main")[1])


def test_behind_https_cookies_are_secure_and_hsts_is_sent(world: World):
    app = create_app(Settings(db_url=world.db_url, secret="h" * 48, https=True))
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        page_ = client.get("/login")
        assert page_.headers["strict-transport-security"] == "max-age=31536000"
        assert "secure" in page_.headers["set-cookie"].lower()
    app.state.store.dispose()
    plain = world.client().get("/login")
    assert "strict-transport-security" not in plain.headers
