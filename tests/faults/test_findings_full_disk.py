"""A manual action (整改跟踪: waive, note, assign) whose commit fails says nothing of success:
the database lives on a real, small tmpfs filled to the last few pages, so SQLite opens it
and reads the finding but cannot write its commit ("database or disk is full")."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from xuncha.store import Finding, Store

pytestmark = [
    pytest.mark.faults_heavy,  # mounts a tmpfs: root only
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root"),
]
# What SQLite still needs to open the database and read (its shared-memory index), and too
# little for the commit's write-ahead log.
FREE_KB = 40


def xuncha(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xuncha", *args], capture_output=True,
                          text=True, timeout=180)  # fmt: skip


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave_kb: int) -> Path:
    """Fill `disk` until `leave_kb` KiB are free; the filler file."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    free_kb = stat.f_bavail * stat.f_frsize // 1024
    with filler.open("wb") as out:
        out.write(b"\0" * ((free_kb - leave_kb) * 1024))
    stat = os.statvfs(disk)
    assert stat.f_bavail * stat.f_frsize // 1024 <= leave_kb
    return filler


@pytest.mark.parametrize(
    ("action", "said"),
    [
        (["waive", "--reason", "依法不予公开"], "不予整改（依法不予公开）"),
        (["note", "已联系栏目负责人"], "已联系栏目负责人"),
        (["assign", "--unit", "办公室"], "责任单位 办公室"),
    ],
    ids=["waive", "note", "assign"],
)
def test_an_action_whose_commit_fails_prints_no_success(
    portal_url, small_disk, tmp_path, action, said
):
    db = f"sqlite:///{small_disk / 'x.db'}"
    run = xuncha("run", "--url", portal_url, "--db", db, "--out", str(tmp_path / "out"),
                 "--as-of", "2026-10-10")  # fmt: skip
    assert run.returncode == 0, run.stderr
    store = Store(db)
    with store.session() as s:
        finding = s.query(Finding).order_by(Finding.id).first()
        assert finding is not None
        fingerprint, before = finding.fingerprint, (finding.status, finding.note, finding.unit)
    store.dispose()

    filler = fill(small_disk, FREE_KB)
    failed = xuncha("findings", "--db", db, action[0], fingerprint, *action[1:])
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert failed.stdout == ""  # nothing claims the action was done
    assert failed.stderr.strip() == "xuncha: database error: database or disk is full"

    filler.unlink()
    store = Store(db)
    with store.session() as s:
        finding = s.query(Finding).filter_by(fingerprint=fingerprint).one()
        assert (finding.status, finding.note, finding.unit) == before  # and it was not
    store.dispose()
    done = xuncha("findings", "--db", db, action[0], fingerprint, *action[1:])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{fingerprint}：{said}" or said in done.stdout
