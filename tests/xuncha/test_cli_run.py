"""`xuncha run` as a webmaster uses it: no profile, an unreachable site, XUNCHA_DB, --lang."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner
from loopback import Recorder, Reply, Routes, Server
from sqlalchemy import select

from xuncha.cli import cli
from xuncha.store import Column, Page, Run, Store

PAGES = {
    "/": '<html><head><title>某县人民政府</title></head><body><div class="nav">'
    '<a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwgk/tzgg/">通知公告</a></div>'
    '<a href="/gone.html">旧文件</a></body></html>',
    "/zwgk/": '<html><body><ul class="menu">'
    '<li><a href="/zwgk/tzgg/">通知公告</a></li></ul></body></html>',
    "/zwgk/tzgg/": '<html><body><ul class="list">'
    + "".join(
        f'<li><a href="t2026100{i}_{i}.html">关于第{i}项工作的通知</a>'
        f"<span>2026-10-0{i}</span></li>"
        for i in range(1, 4)
    )
    + "</ul></body></html>",
}
for i in range(1, 4):
    PAGES[f"/zwgk/tzgg/t2026100{i}_{i}.html"] = (
        f"<html><body><h1>通知{i}</h1><p>发布时间：2026-10-0{i}</p></body></html>"
    )
# Pasted editor content: an inline image of 9 kB (over PostgreSQL's btree entry limit), and an
# attachment whose text holds NUL bytes (which PostgreSQL text refuses).
PAGES["/zwgk/tzgg/t20261001_1.html"] = PAGES["/zwgk/tzgg/t20261001_1.html"].replace(
    "</p>",
    '</p><img src="data:image/png;base64,' + "A" * 9000 + '"><a href="/files/a.txt">附件</a>',
)
PAGES["/files/a.txt"] = "名单\x00附件\x00"


PAGES["/robots.txt"] = "User-agent: *\nDisallow: /zwgk/\n"
NOT_FOUND = Reply(404, body="<html><title>404 Not Found</title></html>")
REQUESTS = Recorder()  # every request the site answered


def _seen() -> list[tuple[str, str]]:
    """(path, User-Agent) of every GET."""
    return [(r.target, r.headers.get("User-Agent", "")) for r in REQUESTS if r.method == "GET"]


@pytest.fixture(scope="module")
def site():
    with Server(Routes(PAGES, NOT_FOUND), recorder=REQUESTS) as server:
        yield server.url("/")


def test_run_with_url_only(site, tmp_path, monkeypatch, db_url):
    """On SQLite and PostgreSQL: a column linked from the home page AND the section nav is one
    column; a 9 kB data: URI and NUL bytes in an attachment are stored, not fatal."""
    monkeypatch.setenv("XUNCHA_DB", db_url)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["run", "--url", site, "--out", str(out), "--as-of", "2026-10-10"]
    )
    assert result.exit_code == 0, result.output
    assert "检测报告：" in result.output
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert f"发现问题 {len(document['findings'])} 个" in result.output
    links = [f for f in document["findings"] if f["check"] in ("broken_link", "wrong_link")]
    assert [(f["check"], f["subtype"], f["url"]) for f in links] == [
        ("broken_link", "http_404", site + "gone.html")
    ]
    # The bare site has no footer marks and no search: the content checks say so.
    identity = {f["subtype"] for f in document["findings"] if f["check"] == "site_identity"}
    assert {"site_code", "icp", "search_missing"} <= identity
    assert document["score"]["verdict"] in ("合格", "不合格")
    assert document["run"]["status"] == "finished" and document["run"]["complete"] is True
    store = Store(db_url)
    with store.session() as s:
        columns = s.scalars(select(Column)).all()
        assert [(c.name, c.items, str(c.newest)) for c in columns] == [
            ("通知公告", 3, "2026-10-03")
        ]
        articles = s.scalars(select(Page).where(Page.role == "article")).all()
        assert sorted(str(p.pub_date) for p in articles) == [
            "2026-10-01",
            "2026-10-02",
            "2026-10-03",
        ]
        assert all(p.content_hash and p.size and p.fetched_at for p in articles)
    store.dispose()


def test_english_summary(site, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--url",
            site,
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
            "--out",
            str(tmp_path),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "finished: " in result.output
    document = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    titles = {f["url"]: f["title"] for f in document["findings"] if f["check"] == "broken_link"}
    assert titles == {site + "gone.html": "Broken link (404)"}


def test_unreachable_site_is_a_failed_run(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(cli, ["run", "--url", url, "--db", db, "--out", str(tmp_path)])
    sock.close()
    assert result.exit_code == 2
    assert "站点无法访问" in result.output
    document = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert document["run"]["status"] == "failed"
    assert [(f["check"], f["url"]) for f in document["findings"]] == [("site_unreachable", url)]
    store = Store(db)
    with store.session() as s:
        run = s.scalar(select(Run))
        assert run is not None
        assert (run.status, run.complete) == ("failed", False)
        assert run.message is not None and "connection_refused" in run.message
    store.dispose()


def test_robots_ignored_by_default_obeyed_on_request_and_user_agent_sent(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    REQUESTS.clear()
    result = CliRunner().invoke(
        cli, ["run", "--url", site, "--db", db, "--out", str(tmp_path / "a")]
    )
    assert result.exit_code == 0, result.output
    seen = _seen()
    paths = [path for path, _ in seen]
    assert "/zwgk/tzgg/t20261001_1.html" in paths  # robots.txt disallows it: a monitor reads on
    assert all(agent.startswith("Xuncha/") for _, agent in seen)

    profile = tmp_path / "site.yaml"
    profile.write_text(
        f"start_urls: [{site}]\npoliteness:\n  obey_robots: true\n  user_agent: Inspector-test/1\n",
        encoding="utf-8",
    )
    REQUESTS.clear()
    result = CliRunner().invoke(
        cli, ["run", "--profile", str(profile), "--db", db, "--out", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.output
    seen = _seen()
    paths = [path for path, _ in seen]
    assert "/robots.txt" in paths and not [p for p in paths if p.startswith("/zwgk/")]
    assert {agent for _, agent in seen} == {"Inspector-test/1"}


def test_progress_lines_for_cron_and_for_a_terminal(site, tmp_path, monkeypatch):
    """Under cron, plain timestamped lines; on a terminal, one line rewritten in place."""
    import subprocess
    import sys

    monkeypatch.setenv("XUNCHA_PROGRESS_INTERVAL", "0.05")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = [
        sys.executable,
        "-m",
        "xuncha",
        "run",
        "--url",
        site,
        "--db",
        db,
        "--out",
        str(tmp_path),
    ]
    cron = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert cron.returncode == 0, cron.stderr
    lines = [line for line in cron.stderr.splitlines() if " progress: " in line]
    assert lines and "\r" not in cron.stderr and "Traceback" not in cron.stderr
    assert lines[-1].split(" progress: ")[1].startswith("pages ")
    script = ["script", "-qec", " ".join(args), "/dev/null"]
    tty = subprocess.run(script, capture_output=True, text=True, timeout=120, check=False)
    assert tty.returncode == 0, tty.stdout
    assert "\x1b[2K巡查 pages " in tty.stdout and "Traceback" not in tty.stdout


def test_waived_finding_no_longer_counts_in_the_score(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    first = runner.invoke(cli, ["run", "--url", site, "--db", db, "--out", str(tmp_path / "1")])
    assert first.exit_code == 0, first.output
    document = json.loads((tmp_path / "1" / "findings.json").read_text(encoding="utf-8"))
    broken = next(f for f in document["findings"] if f["check"] == "broken_link")
    assert "broken_link" in {row["check"] for row in document["score"]["deductions"]}
    waived = runner.invoke(
        cli, ["findings", "waive", broken["id"], "--reason", "依法不予公开", "--db", db]
    )
    assert waived.exit_code == 0, waived.output
    second = runner.invoke(cli, ["run", "--url", site, "--db", db, "--out", str(tmp_path / "2")])
    assert second.exit_code == 0, second.output
    document = json.loads((tmp_path / "2" / "findings.json").read_text(encoding="utf-8"))
    assert "broken_link" not in {row["check"] for row in document["score"]["deductions"]}
    statuses = {f["id"]: f["status"] for f in document["findings"]}
    assert statuses[broken["id"]] == "waived"
