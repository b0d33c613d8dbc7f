"""What the fault tests share: the command, a small tmpfs to fill, the moment the run's judging
waits on a lock the test holds, and the runs and findings stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from xuncha.store import Finding, Run, Store


def xuncha_run(url: str, db: str, out: str) -> list[str]:
    return [sys.executable, "-m", "xuncha", "run", "--url", url, "--db", db, "--out", out,
            "--as-of", "2026-10-10"]  # fmt: skip


@contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of `size` (``1m``) mounted at `mount` for the test (root only)."""
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> Path:
    """Fill `disk` to its last byte; the filler file, to remove when room is wanted again."""
    filler = disk / "filler"
    out = filler.open("wb", buffering=0)
    try:
        while True:
            out.write(b"\0" * 4096)
    except OSError:
        pass
    finally:
        out.close()
    assert os.statvfs(disk).f_bavail == 0
    return filler


def wait_for_judging_to_block(conn: Connection, process: subprocess.Popen[str]) -> None:
    """Until the run's judging transaction waits on the findings lock the test holds."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        conn.rollback()  # pg_stat_activity is a snapshot per transaction: a fresh one each time
        if waiting:
            return
        time.sleep(0.1)
    raise AssertionError("the run never reached its checks")


def stored_runs(pg_url: str) -> list[tuple[int, str, bool, dict[str, Any] | None, str | None]]:
    store = Store(pg_url)
    with store.session() as s:
        rows = [(r.id, r.status, r.complete, r.score, r.message)
                for r in s.scalars(select(Run).order_by(Run.id))]  # fmt: skip
    store.dispose()
    return rows


def open_findings(pg_url: str) -> int:
    store = Store(pg_url)
    with store.session() as s:
        count = s.scalar(select(func.count()).select_from(Finding)) or 0
    store.dispose()
    return count
