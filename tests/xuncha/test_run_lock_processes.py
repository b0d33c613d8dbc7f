"""One run per site, with real `xuncha run` processes on SQLite and PostgreSQL: a second run
is refused while the first crawls, and the lock of a killed run is recovered by the next."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from nightly_sites import serve
from sqlalchemy import func, select

from xuncha.run.lock import KILLED_MESSAGE, this_host
from xuncha.store import Run, RunLock, Store

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING|ERROR) \S")


@pytest.fixture
def portal():
    with serve() as portal:
        portal.state.gate.clear()  # articles wait: the first run is reliably still crawling
        yield portal


def _xuncha_run(url: str, db: str, out: str) -> list[str]:
    return [sys.executable, "-m", "xuncha", "run", "--url", url, "--db", db, "--out", out,
            "--as-of", "2026-10-10"]  # fmt: skip


def _wait_for_bound_lock(store: Store, process: subprocess.Popen) -> RunLock:
    """The lock row of the first run, once it names the run (the crawl has started)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        with store.session() as s:
            lock = s.scalar(select(RunLock))
        if lock is not None and lock.run_id is not None:
            return lock
        time.sleep(0.1)
    raise AssertionError("the first run never took its lock")


def test_a_second_run_of_the_site_is_refused_while_the_first_runs(portal, db_url, tmp_path):
    store = Store(db_url)
    first = subprocess.Popen(_xuncha_run(portal.url(), db_url, str(tmp_path / "1")),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        lock = _wait_for_bound_lock(store, first)
        assert (lock.host, lock.pid) == (this_host(), first.pid)

        second = subprocess.run(_xuncha_run(portal.url(), db_url, str(tmp_path / "2")),
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        assert second.returncode == 2, second.stderr
        errors = [line for line in second.stderr.splitlines() if " ERROR " in line]
        assert len(errors) == 1 and LOG_LINE.match(errors[0]), second.stderr
        assert (
            f"{portal.url()} is already being inspected (host {this_host()}, "
            f"pid {first.pid}, since " in errors[0]
        )
        assert f"run #{lock.run_id})" in errors[0] and "Traceback" not in second.stderr
        assert second.stdout == ""  # no run, no summary
        assert not (tmp_path / "2").exists()
    finally:
        portal.state.gate.set()
        try:
            out, err = first.communicate(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
                first.communicate()
    assert first.returncode == 0, err
    with store.session() as s:
        runs = s.scalars(select(Run)).all()
        assert [(r.id, r.status) for r in runs] == [(lock.run_id, "finished")]
        assert s.scalar(select(func.count()).select_from(RunLock)) == 0  # released
    store.dispose()


def test_the_lock_of_a_killed_run_is_recovered_by_the_next(portal, db_url, tmp_path):
    store = Store(db_url)
    # Its own session: SIGKILL to the group takes the crawl child along, as a reboot would.
    first = subprocess.Popen(_xuncha_run(portal.url(), db_url, str(tmp_path / "1")),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)  # fmt: skip
    try:
        killed_run = _wait_for_bound_lock(store, first).run_id
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    assert killed_run is not None  # a bound lock names its run
    with store.session() as s:
        assert s.get_one(Run, killed_run).status == "running"  # nobody lived to say otherwise
        assert s.get_one(RunLock, s.get_one(Run, killed_run).site_id).pid == first.pid
    portal.state.gate.set()

    second = subprocess.run(_xuncha_run(portal.url(), db_url, str(tmp_path / "2")),
                            capture_output=True, text=True, timeout=180)  # fmt: skip
    assert second.returncode == 0, second.stderr
    warnings = [line for line in second.stderr.splitlines() if " WARNING " in line]
    assert len(warnings) == 1 and LOG_LINE.match(warnings[0])
    assert warnings[0].endswith(f"took over the run lock: {KILLED_MESSAGE}")
    with store.session() as s:
        runs = {r.id: r for r in s.scalars(select(Run))}
        assert len(runs) == 2
        killed = runs.pop(killed_run)
        assert (killed.status, killed.message) == ("interrupted", KILLED_MESSAGE)
        assert killed.finished_at is not None
        assert [r.status for r in runs.values()] == ["finished"]
        assert s.scalar(select(func.count()).select_from(RunLock)) == 0
    store.dispose()
