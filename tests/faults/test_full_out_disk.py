"""A full ``--out`` disk (a real, small tmpfs filled to the last byte) fails the run in one
line, and the store and the output folder agree: the run is `failed`, not complete, not
scored, its tracking rolled back; no half-written file and no older run's report is left to
speak for the site. The next run, with room again, writes everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_faults import fill, tmpfs
from sqlalchemy import select

from xuncha.store import Finding, FindingEvent, Run, Store

pytestmark = [
    pytest.mark.faults_heavy,  # mounts a tmpfs (root only); three runs
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root"),
]


@pytest.fixture
def out_disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "out", "1m") as mount:
        yield mount


def xuncha_run(url: str, db: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xuncha", "run", "--url", url, "--db", db,
                           "--out", str(out), "--as-of", "2026-10-10", "--full"],
                          capture_output=True, text=True, timeout=180)  # fmt: skip


def runs(db: str) -> list[tuple[int, str, bool, bool]]:
    store = Store(db)
    with store.session() as s:
        rows = [(r.id, r.status, r.complete, r.score is not None)
                for r in s.scalars(select(Run).order_by(Run.id))]  # fmt: skip
    store.dispose()
    return rows


def test_a_full_out_disk_fails_the_run_in_one_line_and_leaves_nothing_false(
    portal_url, out_disk, tmp_path
):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    first = xuncha_run(portal_url, db, out_disk)
    assert first.returncode == 0, first.stderr
    assert json.loads((out_disk / "findings.json").read_text(encoding="utf-8"))["run"]["id"] == 1

    filler = fill(out_disk)
    full = xuncha_run(portal_url, db, out_disk)
    assert full.returncode == 2
    assert "Traceback" not in full.stderr and "internal error" not in full.stderr
    errors = [line for line in full.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, full.stderr
    assert "检测 #2 的报告无法写入" in errors[0] and "No space left on device" in errors[0]
    assert "--out" in errors[0]  # what to do
    # The store: run #2 failed, never complete nor scored; its tracking rolled back.
    assert runs(db) == [(1, "finished", True, True), (2, "failed", False, False)]
    store = Store(db)
    with store.session() as s:
        assert s.scalar(select(Run.message).where(Run.id == 2)) == errors[0].split(": ", 1)[1]
        assert not s.scalars(select(FindingEvent).where(FindingEvent.run_id == 2)).all()
        assert not s.scalars(select(Finding).where(Finding.last_run_id == 2)).all()
    store.dispose()
    # The folder: no half-written file, and no report of run #1 standing for tonight.
    assert sorted(p.name for p in out_disk.iterdir()) == ["filler"]

    filler.unlink()
    again = xuncha_run(portal_url, db, out_disk)
    assert again.returncode == 0, again.stderr
    assert runs(db)[-1] == (3, "finished", True, True)
    assert sorted(p.name for p in out_disk.iterdir()) == [
        "findings.json", "ledger.xlsx", "report.html",
    ]  # fmt: skip
    document = json.loads((out_disk / "findings.json").read_text(encoding="utf-8"))
    assert (document["run"]["id"], document["run"]["status"]) == (3, "finished")
