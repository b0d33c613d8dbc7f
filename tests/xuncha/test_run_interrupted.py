"""A run stopped by SIGTERM (cron's kill, systemd's stop) ends in a true, stored state."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from loopback import Recorder, Reply, Routes, Server
from sqlalchemy import func, select

from xuncha.store import Page, Run, Store

ARTICLES = 40
REQUESTS = Recorder()  # every request the site read, at its arrival
LISTING = "".join(
    f"<li><a href='a{i}.html'>第{i}号通知</a><span>2026-10-01</span></li>" for i in range(ARTICLES)
)
ROUTES = {
    "/": '<html><body><a href="/">首页</a><a href="/zwgk/">政务公开</a></body></html>',
    "/zwgk/": "<html><body><ul class='menu'><li><a href='/zwgk/tzgg/'>通知公告</a></li></ul>"
    "</body></html>",
    "/zwgk/tzgg/": f"<html><body><ul class='list'>{LISTING}</ul></body></html>",
}
# Any other path is an article, and each is slow: the crawl is still going when stopped.
ARTICLE = Reply(
    body="<html><body><h1>通知</h1><p>发布时间：2026-10-01</p></body></html>", delay=0.4
)


@pytest.fixture
def slow_site():
    with Server(Routes(ROUTES, ARTICLE), methods=("GET",), recorder=REQUESTS) as server:
        yield server.url("/")


def test_sigterm_stores_an_interrupted_run_with_what_was_crawled(slow_site, tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = [sys.executable, "-m", "xuncha", "run", "--url", slow_site, "--db", db,
            "--out", str(tmp_path / "out")]  # fmt: skip
    REQUESTS.clear()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(REQUESTS) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=90)
    assert process.returncode == 2, err
    assert "Traceback" not in err
    stopped = time.monotonic()
    time.sleep(1.0)
    assert not [r for r in REQUESTS if r.at > stopped], "the crawl went on after the run ended"
    store = Store(db)
    with store.session() as s:
        run = s.scalar(select(Run))
        assert run is not None
        assert (run.status, run.complete, run.score) == ("interrupted", False, None)
        stored = s.execute(select(func.count()).select_from(Page)).scalar_one()
        assert 3 <= stored < ARTICLES + 3  # what was crawled before the stop is kept
    store.dispose()
    assert "中断" in out


def test_killing_the_command_does_not_leave_the_crawl_running(slow_site, tmp_path):
    """SIGKILL to `xuncha run` alone (not its process group): the crawl child follows it."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = [sys.executable, "-m", "xuncha", "run", "--url", slow_site, "--db", db,
            "--out", str(tmp_path / "out")]  # fmt: skip
    REQUESTS.clear()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(REQUESTS) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=10)
    time.sleep(3.0)  # in-flight requests (0.4 s each) finish; nothing new may start
    settled = time.monotonic()
    time.sleep(2.0)
    assert not [r for r in REQUESTS if r.at > settled], "the crawl ran on as an orphan"
    assert len(REQUESTS) < ARTICLES + 3
