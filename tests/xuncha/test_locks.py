"""Run locks on SQLite and PostgreSQL: who may take a site's lock, and what a takeover records.

Holders are real processes of this host (a sleeping child for "alive", a finished one for
"dead") or rows naming another host; the two-process `xuncha run` tests are in
test_run_lock_processes.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from xuncha.errors import RunLockedError
from xuncha.run.lock import KILLED_MESSAGE, acquire, holding, pid_alive, release, this_host
from xuncha.store import Run, RunLock, Site, Store

LABEL = "某县人民政府 (http://127.0.0.1:9/)"
OTHER = "inspector-2.example"


@pytest.fixture(scope="module")
def live_pid():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.fixture(scope="module")
def dead_pid(live_pid):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(done.stdout)
    assert pid != live_pid and not pid_alive(pid) and pid_alive(live_pid)
    return pid


def _site(store: Store, run_status: str | None) -> tuple[int, int | None]:
    with store.session() as s, s.begin():
        site = Site(key="http://127.0.0.1:9", name="某县人民政府", start_url="http://127.0.0.1:9/")
        s.add(site)
        s.flush()
        run_id = None
        if run_status is not None:
            run = Run(site_id=site.id, started_at=datetime.now(UTC), as_of=date(2026, 10, 10),
                      status=run_status, complete=False, profile={}, stats={})  # fmt: skip
            s.add(run)
            s.flush()
            run_id = run.id
        return site.id, run_id


def _hold(store: Store, site_id: int, run_id: int | None, host: str, pid: int, age: timedelta):
    since = datetime.now(UTC) - age
    with store.session() as s, s.begin():
        s.add(RunLock(site_id=site_id, run_id=run_id, host=host, pid=pid, acquired_at=since))


def _lock(store: Store) -> RunLock | None:
    with store.session() as s:
        return s.scalar(select(RunLock))


def _held(store: Store) -> RunLock:
    lock = _lock(store)
    assert lock is not None
    return lock


def _run(store: Store, run_id: int) -> Run:
    with store.session() as s:
        return s.get_one(Run, run_id)


HOUR = timedelta(hours=1)
# (holder host, holder pid, lock age, holder's run status, stale_after, expected)
CASES = [
    ("here", "live", HOUR, "running", 12, "refused"),
    ("here", "live", 30 * HOUR, "running", 12, "refused"),  # alive here: never stale
    ("here", "dead", HOUR, "running", 12, "killed"),
    ("here", "dead", HOUR, None, 12, "taken"),  # killed before its run row existed
    # Its run says finished but the process still writes checks and reports: respected.
    ("here", "live", HOUR, "finished", 12, "refused"),
    ("other", "live", HOUR, "running", 12, "refused"),
    ("other", "live", 13 * HOUR, "running", 12, "stale"),
    ("other", "live", 13 * HOUR, "running", 24, "refused"),
    ("other", "live", 13 * HOUR, "failed", 24, "taken"),
]
IDS = ["alive", "alive-old", "killed", "killed-before-run", "run-ended", "other-host-fresh",
       "other-host-stale", "other-host-within-staleness", "other-host-run-ended"]  # fmt: skip


@pytest.mark.parametrize(("host", "pid", "age", "run_status", "stale_hours", "expected"),
                         CASES, ids=IDS)  # fmt: skip
def test_who_may_take_a_held_lock(
    store, live_pid, dead_pid, host, pid, age, run_status, stale_hours, expected
):
    holder_host = this_host() if host == "here" else OTHER
    holder_pid = live_pid if pid == "live" else dead_pid
    site_id, run_id = _site(store, run_status)
    _hold(store, site_id, run_id, holder_host, holder_pid, age)
    stale_after = timedelta(hours=stale_hours)

    if expected == "refused":
        with pytest.raises(RunLockedError) as info:
            acquire(store, site_id, site_label=LABEL, stale_after=stale_after)
        message = str(info.value)
        assert message.startswith(f"{LABEL} is already being inspected (host {holder_host}, "
                                  f"pid {holder_pid}, since 20")  # fmt: skip
        assert "\n" not in message
        lock = _held(store)
        assert (lock.host, lock.pid, lock.run_id) == (holder_host, holder_pid, run_id)
        if run_id is not None:
            assert _run(store, run_id).status == run_status
        return

    lease = acquire(store, site_id, site_label=LABEL, stale_after=stale_after)
    lock = _held(store)
    assert (lock.host, lock.pid, lock.run_id) == (this_host(), os.getpid(), None)
    assert lease.recovered is not None
    assert (lease.recovered.host, lease.recovered.pid) == (holder_host, holder_pid)
    if run_id is None:
        return
    run = _run(store, run_id)
    if expected == "killed":
        assert (run.status, run.message) == ("interrupted", KILLED_MESSAGE)
        assert run.finished_at is not None
    elif expected == "stale":
        assert run.status == "interrupted"
        assert run.message is not None and run.message.startswith(
            f"recovered: the previous run's lock went stale (host {OTHER}"
        )
    else:
        assert (run.status, run.message) == (run_status, None)


def test_a_free_lock_is_taken_bound_to_the_run_and_released(store):
    site_id, _ = _site(store, None)
    with holding(store, site_id, site_label=LABEL) as lease:
        assert (_held(store).host, _held(store).pid) == (this_host(), os.getpid())
        with store.session() as s, s.begin():
            run = Run(site_id=site_id, started_at=datetime.now(UTC), as_of=date(2026, 10, 10),
                      status="running", complete=False, profile={}, stats={})  # fmt: skip
            s.add(run)
        assert _held(store).run_id == run.id
        # The same process asking again is a second run of the site: refused.
        with pytest.raises(RunLockedError, match=f"pid {os.getpid()}, since .* run #{run.id}"):
            acquire(store, site_id, site_label=LABEL)
        assert lease.recovered is None
    assert _lock(store) is None


def test_the_lock_is_released_when_the_run_raises(store):
    site_id, _ = _site(store, None)
    with pytest.raises(ZeroDivisionError), holding(store, site_id, site_label=LABEL):
        1 / 0  # noqa: B018
    assert _lock(store) is None
    with holding(store, site_id, site_label=LABEL):  # and it can be taken again at once
        assert _lock(store) is not None


def test_release_leaves_a_lock_taken_over_by_another_run(store):
    """A run whose lock went stale and was taken over must not drop the new holder's lock."""
    site_id, _ = _site(store, None)
    lease = acquire(store, site_id, site_label=LABEL)
    with store.session() as s, s.begin():
        lock = s.get_one(RunLock, site_id)
        lock.host, lock.pid = OTHER, 4242
    release(store, lease)
    assert (_held(store).host, _held(store).pid) == (OTHER, 4242)


def test_runs_of_other_sites_do_not_bind_to_the_lock(store):
    site_id, _ = _site(store, None)
    with store.session() as s, s.begin():
        other = Site(key="http://127.0.0.2", name="另一局", start_url="http://127.0.0.2/")
        s.add(other)
    with holding(store, site_id, site_label=LABEL):
        with store.session() as s, s.begin():
            s.add(Run(site_id=other.id, started_at=datetime.now(UTC), as_of=date(2026, 10, 10),
                      status="running", complete=False, profile={}, stats={}))  # fmt: skip
        assert _held(store).run_id is None
