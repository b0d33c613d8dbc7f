"""A full disk under the database during a crawl (a real, small tmpfs filled to the last byte
once the crawl has started storing): the run fails, and the previous run stays as it was —
its status, its score, its findings. With room again, the next run completes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_faults import fill, tmpfs
from sqlalchemy import func, select

from xuncha.store import Finding, Run, Store

pytestmark = [
    pytest.mark.faults_heavy,  # mounts a tmpfs (root only); three runs
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root"),
]


@pytest.fixture
def db_disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "db", "8m") as mount:
        yield mount


def xuncha_run(url: str, db: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xuncha", "run", "--url", url, "--db", db,
                           "--out", str(out), "--as-of", "2026-10-10", "--full"],
                          capture_output=True, text=True, timeout=180)  # fmt: skip


def running_run(db: str, run_id: int, process: subprocess.Popen[str]) -> None:
    """Wait until run `run_id` is stored (the crawl has started)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with sqlite3.connect(db.removeprefix("sqlite:///"), timeout=5) as conn:
            if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                return
        time.sleep(0.05)
    raise AssertionError("the second run never started")


def state(db: str) -> tuple[list[tuple[int, str, bool, bool]], dict[int, int]]:
    store = Store(db)
    with store.session() as s:
        runs = [(r.id, r.status, r.complete, r.score is not None)
                for r in s.scalars(select(Run).order_by(Run.id))]  # fmt: skip
        seen = dict(
            s.execute(select(Finding.last_run_id, func.count()).group_by(Finding.last_run_id)).all()
        )
    store.dispose()
    return runs, seen


def test_a_full_database_disk_leaves_the_previous_run_intact(portal_url, db_disk, tmp_path):
    db = f"sqlite:///{db_disk / 'x.db'}"
    first = xuncha_run(portal_url, db, tmp_path / "1")
    assert first.returncode == 0, first.stderr
    runs, seen = state(db)
    assert runs == [(1, "finished", True, True)]
    assert seen[1] > 0
    before = (runs, seen)

    second = subprocess.Popen([sys.executable, "-m", "xuncha", "run", "--url", portal_url,
                               "--db", db, "--out", str(tmp_path / "2"), "--as-of", "2026-10-10",
                               "--full"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)  # fmt: skip
    running_run(db, 2, second)
    filler = fill(db_disk)  # the disk fills while the crawl stores its pages
    _, err = second.communicate(timeout=180)
    assert second.returncode == 2, err
    assert "internal error" not in err, err

    filler.unlink()  # room again: read what the full disk left
    runs, seen = state(db)
    assert runs[0] == before[0][0]  # run 1: still finished, complete, scored
    assert seen == before[1]  # no finding moved to a run that did not end well
    assert all(status != "finished" for _, status, _, _ in runs[1:])

    again = xuncha_run(portal_url, db, tmp_path / "3")
    assert again.returncode == 0, again.stderr
    runs, _ = state(db)
    assert runs[-1][1:] == ("finished", True, True)
