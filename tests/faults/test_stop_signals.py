"""A run stopped by a signal (停止) — systemd's stop, ``timeout``, Ctrl-C, ``kill`` — stops
its crawl once and cleanly, whichever process the signal reaches: the last batch of records
is stored, the run is stored ``interrupted`` and not complete, the pages its crawl counted
are the pages the database holds, and ``xuncha run`` exits 2 within a bound.

Real signals to a real ``xuncha run`` in a session of its own (its process group: the runner
and its crawl child), against a slow loopback portal whose articles keep the crawl mid-way.
The records of the pages crawled before the stop are fewer than one store batch, so only the
flush of a clean stop stores them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from loopback import Recorder, Reply, Routes, Server
from sqlalchemy import func, select

from xuncha.run.crawl_process import HURRY_SECONDS
from xuncha.store import Page, Run, Store

ARTICLES = 200
STARTED = 12  # requests the site answered before the stop: the crawl is mid-way
BOUND = 40.0  # seconds a stopped run may take to store what it has and exit
LISTING = "".join(
    f"<li><a href='a{i}.html'>第{i}号通知</a><span>2026-10-01</span></li>" for i in range(ARTICLES)
)
ROUTES = {
    "/": '<html><body><a href="/">首页</a><a href="/zwgk/">政务公开</a></body></html>',
    "/zwgk/": "<html><body><ul class='menu'><li><a href='/zwgk/tzgg/'>通知公告</a></li></ul>"
    "</body></html>",
    "/zwgk/tzgg/": f"<html><body><ul class='list'>{LISTING}</ul></body></html>",
}
ARTICLE = "<html><body><h1>通知</h1><p>发布时间：2026-10-01</p></body></html>"


class Portal:
    def __init__(self, server: Server, requests: Recorder) -> None:
        self.server = server
        self.requests = requests


def _portal(article_delay: float) -> Iterator[Portal]:
    requests = Recorder()
    site = Routes(dict(ROUTES), Reply(body=ARTICLE, delay=article_delay))
    with Server(site, methods=("GET",), recorder=requests) as server:
        yield Portal(server, requests)


@pytest.fixture
def slow_portal() -> Iterator[Portal]:
    yield from _portal(0.3)


@pytest.fixture
def stalled_portal() -> Iterator[Portal]:
    """Articles that take longer than a stop's grace: the graceful stop waits on them."""
    yield from _portal(60.0)


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def start_run(
    portal: Portal, tmp_path: Path, going: Callable[[Recorder], bool]
) -> tuple[subprocess.Popen[str], int, str]:
    """``xuncha run`` in a session of its own, once ``going(requests)`` says its crawl is
    mid-way: (the runner, its crawl child's pid, the database URL)."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = [sys.executable, "-m", "xuncha", "run", "--url", portal.server.url("/"), "--db", db,
            "--out", str(tmp_path / "out"), "--as-of", "2026-10-10"]  # fmt: skip
    runner = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while not going(portal.requests):
        if runner.poll() is not None or time.monotonic() > deadline:
            runner.kill()
            raise AssertionError(f"the crawl never got going: {runner.communicate()}")
        time.sleep(0.05)
    (child,) = children(runner.pid)
    return runner, child, db


def mid_way(requests: Recorder) -> bool:
    return len(requests) >= STARTED


def waiting_on_articles(requests: Recorder) -> bool:
    return any(r.path.startswith("/zwgk/tzgg/a") for r in requests)


def finish(runner: subprocess.Popen[str], bound: float) -> tuple[str, str, float]:
    """The runner's (stdout, stderr, seconds to exit), killed (and the test failed) past
    `bound`."""
    sent = time.monotonic()
    try:
        out, err = runner.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        os.killpg(runner.pid, signal.SIGKILL)
        runner.communicate()
        raise AssertionError(f"xuncha run did not exit within {bound} s of the stop") from None
    return out, err, time.monotonic() - sent


def stored_run(db: str) -> tuple[Run, int]:
    """The one run and the pages the database holds for it."""
    store = Store(db)
    try:
        with store.session() as session:
            run = session.scalars(select(Run)).one()
            pages = session.scalar(select(func.count(Page.id)).where(Page.run_id == run.id))
            session.expunge(run)
            return run, int(pages or 0)
    finally:
        store.dispose()


def counted_pages(run: Run) -> int:
    """The pages the crawl's stats counted, of every role."""
    stats = run.stats or {}
    return sum(v for k, v in stats.items() if k.startswith("xuncha/pages/") and isinstance(v, int))


def assert_stopped_cleanly(runner: subprocess.Popen[str], out: str, err: str, db: str) -> None:
    assert runner.returncode == 2, err  # the documented code of an interrupted run
    assert "Traceback" not in err, err
    assert "unclean" not in err, err
    run, stored = stored_run(db)
    assert (run.status, run.complete, run.score) == ("interrupted", False, None), run.message
    assert (run.stats or {}).get("finish_reason") == "shutdown", run.stats
    # The last batch was flushed: every page the crawl counted is in the database.
    assert counted_pages(run) == stored == run.pages
    assert 3 < stored < ARTICLES + 3, stored  # stopped mid-way, with what it had crawled
    assert "中断" in out, out


def _group(signum: signal.Signals) -> Callable[[subprocess.Popen[str], int], None]:
    return lambda runner, _child: os.killpg(runner.pid, signum)


def _runner(signum: signal.Signals) -> Callable[[subprocess.Popen[str], int], None]:
    return lambda runner, _child: os.kill(runner.pid, signum)


def _child(signum: signal.Signals) -> Callable[[subprocess.Popen[str], int], None]:
    return lambda _runner, child: os.kill(child, signum)


STOPS = {
    "group-SIGTERM": _group(signal.SIGTERM),  # systemd's KillMode, coreutils' timeout
    "group-SIGINT": _group(signal.SIGINT),  # Ctrl-C at the terminal
    "runner-SIGINT": _runner(signal.SIGINT),
    "runner-SIGTERM": _runner(signal.SIGTERM),
    "runner-SIGHUP": _runner(signal.SIGHUP),
    "child-SIGTERM": _child(signal.SIGTERM),
}


@pytest.mark.parametrize("stop", list(STOPS.values()), ids=list(STOPS))
def test_one_signal_stops_the_crawl_cleanly(
    stop: Callable[[subprocess.Popen[str], int], None], slow_portal: Portal, tmp_path: Path
) -> None:
    runner, child, db = start_run(slow_portal, tmp_path, mid_way)
    stop(runner, child)
    out, err, _seconds = finish(runner, BOUND)
    assert_stopped_cleanly(runner, out, err, db)
    # Nothing asked of the site after the run ended: the crawl did not run on.
    ended = time.monotonic()
    time.sleep(1.0)
    assert not [r for r in slow_portal.requests if r.at > ended]
    assert not Path(f"/proc/{child}").exists(), "the crawl child outlived the run"


@pytest.mark.faults_heavy  # waits out the shorter grace
def test_a_second_signal_cuts_the_grace_and_keeps_what_was_stored(
    stalled_portal: Portal, tmp_path: Path
) -> None:
    """A stop waiting on requests that will not answer: the second SIGTERM to the group ends
    the crawl after the shorter grace; the run is still stored interrupted, counted from
    what the database holds."""
    runner, _child, db = start_run(stalled_portal, tmp_path, waiting_on_articles)
    os.killpg(runner.pid, signal.SIGTERM)
    time.sleep(1.0)
    os.killpg(runner.pid, signal.SIGTERM)
    out, err, seconds = finish(runner, HURRY_SECONDS + 15)
    assert seconds >= HURRY_SECONDS - 1, err  # the shorter grace, not an immediate kill
    assert runner.returncode == 2, err
    assert "Traceback" not in err, err
    assert "强制结束" in err, err
    run, stored = stored_run(db)
    assert (run.status, run.complete) == ("interrupted", False), run.message
    assert run.pages == stored
    assert "中断" in out, out


def test_a_stop_while_the_crawl_starts_is_not_lost(slow_portal: Portal, tmp_path: Path) -> None:
    """SIGTERM to the crawl child the moment it exists (still forking, or importing Scrapy):
    held until the child listens, then the same clean stop — not lost (the crawl ran on and
    the run was stored finished) nor fatal (a crawl killed mid-import stored as failed)."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = [sys.executable, "-m", "xuncha", "run", "--url", slow_portal.server.url("/"),
            "--db", db, "--out", str(tmp_path / "out"), "--as-of", "2026-10-10"]  # fmt: skip
    runner = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while not (child := next(iter(children(runner.pid)), None)):
        assert runner.poll() is None and time.monotonic() < deadline, runner.communicate()
    os.kill(child, signal.SIGTERM)
    out, err, _seconds = finish(runner, BOUND)
    assert runner.returncode == 2, err
    assert "Traceback" not in err, err
    run, stored = stored_run(db)
    assert (run.status, run.complete, run.message) == (
        "interrupted",
        False,
        "crawl ended: shutdown",
    )
    assert counted_pages(run) == stored == run.pages
    assert len(slow_portal.requests) < STARTED, "the crawl ran on after its stop"
