"""The digests to the units (整改通知), delivered for real: an SMTP server on loopback (aiosmtpd,
STARTTLS with its own CA, login required) and a webhook receiver standing in for the DingTalk,
WeCom and Feishu robots, checking their signatures. The demo is inspected and its findings given
to three units, two of which have channels.

Each unit receives one digest with its own findings and no other unit's; a second
``xuncha notify`` sends nothing again; a failed send is kept, retried with back-off, given up
after its attempts, and a send cut off midway is never retried."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from sqlalchemy import select, update

from xuncha import tracking
from xuncha.cli import main
from xuncha.demo import DEMO_AS_OF, DemoPortal, demo_profile
from xuncha.demo.run import run_demo
from xuncha.notify.config import load_notices
from xuncha.notify.digest import Digest, DigestLine
from xuncha.notify.outbox import send_due
from xuncha.store import Finding, NoticeDelivery, Store

UNITS = ("办公室", "政务公开科", "财务科")  # 财务科 has no channel: told nothing
SMTP_USER, SMTP_PASSWORD = "xuncha@example.gov.cn", "smtp-secret-1"
DING_SECRET, FEISHU_SECRET = "SECdingdingdingding", "feishu-secret"
HOSTILE = "[点我领奖](javascript:alert(1)) **加粗** <b>x</b>\n# 伪造标题"
PHISHING = "https://a.example.gov.cn/[点此登记整改](https://phish.example/)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """What the SMTP server accepted."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.content or b""
        raw = content.encode() if isinstance(content, str) else content
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.messages if address in rcpt]


def _login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@dataclass
class Robots:
    """The webhook receiver: every post by path, and what a path answers."""

    posts: list[tuple[str, dict[str, list[str]], dict[str, Any]]] = field(default_factory=list)
    answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    base: str = ""

    def to(self, path: str) -> list[tuple[dict[str, list[str]], dict[str, Any]]]:
        return [(query, body) for p, query, body in self.posts if p == path]


@pytest.fixture(scope="module")
def robots() -> Iterator[Robots]:
    state = Robots()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.posts.append((parts.path, parse_qs(parts.query), body))
            default = (200, {"code": 0} if parts.path == "/feishu" else {"errcode": 0})
            status, answer = state.answers.get(parts.path, default)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Office:
    db: str
    store: Store
    config: Path
    mailbox: Mailbox
    robots: Robots
    smtp_port: int
    ca: Path


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, robots: Robots) -> Iterator[Office]:
    folder = tmp_path_factory.mktemp("notices")
    db = f"sqlite:///{folder / 'xuncha.db'}"
    run_demo(folder / "demo", db_url=db, progress="off")
    store = Store(db, create=False)
    with store.session() as session, session.begin():
        findings = list(session.scalars(select(Finding).order_by(Finding.id)))
        for index, finding in enumerate(findings):
            tracking.assign(session, finding.fingerprint, unit=UNITS[index % 3], actor="t")
        findings[0].title = HOSTILE  # crawled text in a digest
        findings[3].url = PHISHING  # a crawled URL that would be a markdown link
    ca = trustme.CA()
    (folder / "ca.pem").write_bytes(ca.cert_pem.bytes())
    leaf = ca.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(server_context)
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=_login,
        auth_require_tls=True,
    )
    controller.start()
    config = folder / "notices.yaml"
    config.write_text(
        f"""workspace_url: https://xuncha.example.gov.cn/
soon_days: 3
smtp:
  host: 127.0.0.1
  port: {port}
  security: starttls
  username: {SMTP_USER}
  password_env: T_SMTP_PASSWORD
  sender: 巡查 <{SMTP_USER}>
  ca_file: {folder / "ca.pem"}
  timeout: 10
units:
  办公室:
    email: [bgs@example.gov.cn, leader@example.gov.cn]
    dingtalk: {{url_env: T_DING_URL, secret_env: T_DING_SECRET}}
  政务公开科:
    wecom: {{url_env: T_WECOM_URL}}
    feishu: {{url_env: T_FEISHU_URL, secret_env: T_FEISHU_SECRET}}
""",
        encoding="utf-8",
    )
    yield Office(db, store, config, mailbox, robots, port, folder / "ca.pem")
    controller.stop()
    store.dispose()


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch, robots: Robots) -> None:
    for name, value in {
        "T_SMTP_PASSWORD": SMTP_PASSWORD,
        "T_DING_URL": f"{robots.base}/dingtalk?access_token=tok",
        "T_DING_SECRET": DING_SECRET,
        "T_WECOM_URL": f"{robots.base}/wecom?key=k",
        "T_FEISHU_URL": f"{robots.base}/feishu",
        "T_FEISHU_SECRET": FEISHU_SECRET,
    }.items():
        monkeypatch.setenv(name, value)


def notify(xuncha_main, office: Office, *extra: str) -> tuple[int, str, str]:
    return xuncha_main("notify", "--config", str(office.config), "--db", office.db, *extra)


def ids_of(office: Office, unit: str) -> set[int]:
    today = datetime.now(UTC).date()
    with office.store.session() as session:
        return {
            f.id
            for f in session.scalars(select(Finding).where(Finding.unit == unit))
            if f.status in ("open", "reopened")
            and f.deadline is not None
            and f.deadline <= today + timedelta(days=3)
        }


def linked_ids(text: str) -> set[int]:
    marker = "https://xuncha.example.gov.cn/findings/"
    return {int(part.split()[0]) for part in text.split(marker)[1:] if part.split()[0].isdigit()}


def test_each_unit_gets_one_digest_of_its_own_findings(xuncha_main, office: Office):
    code, out, err = notify(xuncha_main, office)
    assert code == 0, err
    assert out.startswith("整改通知：新排队 5，已发送 5，失败待重试 0")
    bgs, gk = ids_of(office, "办公室"), ids_of(office, "政务公开科")
    assert bgs and gk
    for address in ("bgs@example.gov.cn", "leader@example.gov.cn"):
        (mail,) = office.mailbox.to(address)
        assert mail["Subject"].startswith(
            f"【整改通知】辽源市交通运输局（演示）：办公室 有 {len(bgs)} 个问题"
        )
        body = mail.get_content()
        assert linked_ids(body) == bgs  # every finding of its own, none of another unit's
        assert "https://xuncha.example.gov.cn/findings?unit=%E5%8A%9E%E5%85%AC%E5%AE%A4" in body
        assert "\n# 伪造标题" not in body  # a crawled line break forges nothing
    ((ding_query, ding),) = office.robots.to("/dingtalk")
    stamp, sign = ding_query["timestamp"][0], ding_query["sign"][0]
    expected = base64.b64encode(
        hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and ding["msgtype"] == "markdown"
    markdown = ding["markdown"]["text"]
    assert "](javascript" not in markdown and "\\[点我领奖\\]" in markdown
    assert "](https://phish" not in markdown and "\\]\\(https://phish" in markdown
    ((_, wecom),) = office.robots.to("/wecom")
    assert wecom["msgtype"] == "markdown" and "政务公开科" in wecom["markdown"]["content"]
    assert len(wecom["markdown"]["content"].encode()) <= 4096
    ((_, feishu),) = office.robots.to("/feishu")
    key = f"{feishu['timestamp']}\n{FEISHU_SECRET}".encode()
    assert feishu["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert linked_ids(feishu["content"]["text"]) == gk
    # 财务科 has no channel: nothing was addressed to it.
    assert all(
        "财务科" not in json.dumps(body, ensure_ascii=False) for _, _, body in office.robots.posts
    )
    assert all("财务科" not in m["Subject"] for _, m in office.mailbox.messages)
    # The second run of the command sends nothing again.
    before = (len(office.mailbox.messages), len(office.robots.posts))
    code, out, _ = notify(xuncha_main, office)
    assert code == 0 and out.startswith("整改通知：新排队 0，已发送 0")
    assert (len(office.mailbox.messages), len(office.robots.posts)) == before


def _reset(office: Office) -> None:
    with office.store.session() as session, session.begin():
        session.execute(
            update(NoticeDelivery).values(
                status="pending", attempts=0, next_try_at=datetime.now(UTC)
            )
        )


def test_a_failed_send_is_kept_retried_with_back_off_and_given_up(office: Office, monkeypatch):
    _reset(office)
    office.robots.answers["/wecom"] = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    monkeypatch.setenv("T_DING_URL", f"http://127.0.0.1:{free_port()}/dingtalk")  # nobody there
    config = load_notices(office.config)
    sent_before = len(office.mailbox.messages)
    summary = send_due(office.store, config)
    assert (summary.sent, summary.failed) == (3, 2)
    with office.store.session() as session:
        failed = {
            d.channel: d
            for d in session.scalars(
                select(NoticeDelivery).where(NoticeDelivery.status == "failed")
            )
        }
    assert set(failed) == {"dingtalk", "wecom"}
    assert "error 93000" in (failed["wecom"].last_error or "")
    assert failed["wecom"].attempts == 1 and failed["wecom"].next_try_at is not None
    wait = failed["wecom"].next_try_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(seconds=30) < wait <= timedelta(minutes=1)
    assert len(office.mailbox.messages) == sent_before + 2
    # Not due yet: nothing is tried.
    assert send_due(office.store, config).failed == 0
    # Due again, and the robot fixed: sent once.
    office.robots.answers.pop("/wecom")
    with office.store.session() as session, session.begin():
        session.execute(
            update(NoticeDelivery)
            .where(NoticeDelivery.status == "failed")
            .values(next_try_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    summary = send_due(office.store, config)
    assert (summary.sent, summary.failed) == (1, 1)
    # The dead robot, tried until its attempts are spent.
    for _ in range(config.max_attempts):
        with office.store.session() as session, session.begin():
            session.execute(
                update(NoticeDelivery)
                .where(NoticeDelivery.status == "failed")
                .values(next_try_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        send_due(office.store, config)
    with office.store.session() as session:
        ding = session.scalars(
            select(NoticeDelivery).where(NoticeDelivery.channel == "dingtalk")
        ).one()
    assert (ding.status, ding.attempts, ding.next_try_at) == ("given_up", config.max_attempts, None)


def test_a_send_cut_off_midway_is_never_retried(office: Office):
    _reset(office)
    with office.store.session() as session, session.begin():
        row = session.scalars(
            select(NoticeDelivery).where(NoticeDelivery.channel == "email")
        ).first()
        assert row is not None
        row.status, row.next_try_at = "sending", datetime.now(UTC) - timedelta(hours=1)
        cut = row.id
    sent_before = len(office.mailbox.messages)
    summary = send_due(office.store, load_notices(office.config))
    assert summary.unknown == 1
    with office.store.session() as session:
        assert session.get_one(NoticeDelivery, cut).status == "unknown"
    assert len(office.mailbox.messages) == sent_before + 1  # the other address only


def test_a_bad_notices_file_is_one_line(
    office: Office, monkeypatch, capsys, xuncha_main, tmp_path: Path
):
    monkeypatch.delenv("T_WECOM_URL")
    code, _, err = notify(xuncha_main, office)
    assert code == 2 and "environment variable T_WECOM_URL is not set" in err
    assert err.count("\n") == 1
    bad = tmp_path / "notices.yaml"
    bad.write_text(
        "smtp:\n  host: x\n  sender: a@b\nunits:\n  办公室:\n    email: [not-an-address]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys, "argv", ["xuncha", "notify", "--config", str(bad), "--db", office.db])
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert ":6: units.办公室.email: not an e-mail address: 'not-an-address'" in err


def test_a_run_with_notify_sends_its_digests_and_keeps_its_exit_code(
    office: Office, monkeypatch, capsys, tmp_path: Path
):
    """`xuncha run --notify FILE`: the night's run, then one digest per unit of that run."""
    with DemoPortal(tmp_path / "portal") as portal:
        profile = tmp_path / "demo.yaml"
        profile.write_text(yaml.safe_dump(demo_profile(portal), allow_unicode=True), "utf-8")
        before = len(office.mailbox.messages)
        monkeypatch.setattr(sys, "argv", [
            "xuncha", "run", "--profile", str(profile), "--db", office.db, "--as-of",
            DEMO_AS_OF.isoformat(), "--out", str(tmp_path / "out"), "--notify", str(office.config),
        ])  # fmt: skip
        with pytest.raises(SystemExit) as stopped:
            main()
    out = capsys.readouterr().out
    assert stopped.value.code == 0
    # The demo on a new port is a new site, its units those its profile names: of the two
    # units with channels, only 办公室 has findings there (two addresses and a robot).
    assert "整改通知：新排队 3，已发送 3" in out
    assert {(d.unit, d.channel) for d in deliveries(office, 2)} == {
        ("办公室", "email"),
        ("办公室", "dingtalk"),
    }
    assert len(office.mailbox.messages) == before + 2
    with office.store.session() as session:
        newest = session.scalars(select(NoticeDelivery).order_by(NoticeDelivery.id.desc())).first()
        assert newest is not None and newest.run_id == 2


def test_a_bad_notices_file_stops_the_run_before_it_starts(monkeypatch, capsys, tmp_path: Path):
    db = tmp_path / "never.db"
    args = ["run", "--url", "http://127.0.0.1:9/", "--db", f"sqlite:///{db}"]
    monkeypatch.setattr(sys, "argv", ["xuncha", *args, "--notify", str(tmp_path / "no.yaml")])
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "no.yaml: no such notices file" in err
    assert not db.exists()


def deliveries(office: Office, run_id: int) -> list[NoticeDelivery]:
    with office.store.session() as session:
        return list(session.scalars(select(NoticeDelivery).where(NoticeDelivery.run_id == run_id)))


def test_a_crawled_site_name_forges_no_mail_header():
    digest = Digest("办公室", "某局\r\nBcc: spy@example.com", date(2026, 11, 20),
                    [DigestLine(1, "bl-1", "new", "标题", "https://a.gov.cn/", None)])  # fmt: skip
    assert "\n" not in digest.subject("zh") and "\r" not in digest.subject("en")
    message = EmailMessage()
    message["Subject"] = digest.subject("zh")  # would raise on a line break
    assert message["Subject"].startswith("【整改通知】某局 Bcc: spy@example.com：办公室")
