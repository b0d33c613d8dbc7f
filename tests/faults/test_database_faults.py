"""A database that cannot be used is one line and exit status 2, never a traceback, and
nothing false is stored or reported: a database from a newer Xuncha, a path where no file can
be made, a damaged SQLite file, first runs racing on a brand-new database, a read command
pointed at a database that does not exist (it must not invent one), and a run asked to keep
its results in memory.

Every fault is real: the revision is stamped in a real SQLite file, the path's parent is a
real file, garbage is written into the middle of a database a real run filled, the racing runs
are real processes started together, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from xuncha.store import Run, Store

AS_OF = "2026-10-10"
LOCKED = "is already being inspected"
# Read commands with the arguments each needs; every one must refuse a missing database.
READ_COMMANDS = {
    "findings": ["findings"],
    "findings-history": ["findings", "history", "bl-0"],
    "ledger": ["ledger", "--out", "ledger.xlsx"],
    "lookback": ["lookback", "--since", "2026-10-01"],
    "report": ["report"],
    "prune": ["prune"],
}


def xuncha(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xuncha", *args],
        cwd=cwd, capture_output=True, text=True, timeout=240,
    )  # fmt: skip


# A `xuncha run` that imports everything, says it is ready, and waits for the word to go: the
# racing runs reach their database at the same moment, not an import's length apart.
AT_ONCE = """
import pathlib, sys, time
from xuncha.cli import main
ready, go = pathlib.Path(sys.argv.pop(1)), pathlib.Path(sys.argv.pop(1))
ready.touch()
while not go.exists():
    time.sleep(0.005)
sys.argv[0] = "xuncha"
main()
"""


def start_run(
    url: str, db: str, out: Path, cwd: Path, ready: Path, go: Path
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", AT_ONCE, str(ready), str(go), "run", "--url", url, "--db", db,
         "--out", str(out), "--as-of", AS_OF, "-q"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def one_line(stderr: str) -> str:
    """The one line a refused command prints (a log line's timestamp and level aside)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_runs(url: str) -> list[tuple[int, str]]:
    store = Store(url, migrate=False)
    try:
        with store.session() as session:
            return [(r.id, r.status) for r in session.scalars(select(Run).order_by(Run.id))]
    finally:
        store.dispose()


# --- a database from a newer Xuncha ---------------------------------------------------------


def test_a_database_from_a_newer_xuncha_is_refused_untouched(tmp_path: Path, portal_url: str):
    database = tmp_path / "xuncha.db"
    Store(sqlite_url(database)).dispose()
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.close()
    before = digest(database)

    ran = xuncha("run", "--url", portal_url, "--db", sqlite_url(database), "--out", "out",
                 "--as-of", AS_OF, cwd=tmp_path)  # fmt: skip
    listed = xuncha("findings", "--db", sqlite_url(database), cwd=tmp_path)

    for done in (ran, listed):
        assert done.returncode == 2, done.stderr
        line = one_line(done.stderr)
        assert "来自更新版本的 Xuncha" in line and "0099_from_the_future" in line, line
    assert ran.stdout == "" and listed.stdout == ""
    assert not (tmp_path / "out").exists()  # no report
    assert digest(database) == before
    assert stored_runs(sqlite_url(database)) == []


# --- a path where no database file can be made ----------------------------------------------


def test_a_database_path_under_a_file_is_one_line(tmp_path: Path, portal_url: str):
    not_a_folder = tmp_path / "passwd"
    not_a_folder.write_text("root:x:0:0::/root:/bin/sh\n", encoding="utf-8")
    url = sqlite_url(not_a_folder / "x.db")

    ran = xuncha("run", "--url", portal_url, "--db", url, "--out", "out", "--as-of", AS_OF,
                 cwd=tmp_path)  # fmt: skip

    assert ran.returncode == 2, ran.stderr
    line = one_line(ran.stderr)
    assert "无法在" in line and str(not_a_folder) in line and "--db" in line, line
    assert not (tmp_path / "out").exists()
    assert not_a_folder.read_text(encoding="utf-8") == "root:x:0:0::/root:/bin/sh\n"


# --- a damaged SQLite file ------------------------------------------------------------------


def test_a_damaged_database_is_one_line_and_nothing_is_stored(tmp_path: Path, portal_url: str):
    database = tmp_path / "xuncha.db"
    url = sqlite_url(database)
    first = xuncha("run", "--url", portal_url, "--db", url, "--out", "night1", "--as-of", AS_OF,
                   cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert stored_runs(url) == [(1, "finished")]
    assert not Path(f"{database}-wal").exists()  # everything is in the file itself
    size = database.stat().st_size
    assert size >= 16 * 4096, size  # a real database, many pages long
    with database.open("r+b") as file:  # garbage over two pages in the middle of the file
        file.seek(size // 2 // 4096 * 4096)
        file.write(bytes(range(256)) * 32)
    damaged = digest(database)

    second = xuncha("run", "--url", portal_url, "--db", url, "--out", "night2", "--as-of",
                    AS_OF, cwd=tmp_path)  # fmt: skip
    listed = xuncha("findings", "--db", url, cwd=tmp_path)

    for done in (second, listed):
        assert done.returncode == 2, done.stderr
        line = one_line(done.stderr)
        assert "已损坏" in line and str(database) in line, line
        assert "没有写入任何内容" in line and "备份" in line, line
    assert second.stdout == "" and listed.stdout == ""
    assert not (tmp_path / "night2").exists()  # no report of a run that never was
    assert digest(database) == damaged  # not a byte written: no run row, no lock


# --- first runs racing on a brand-new database ----------------------------------------------


def racing_first_runs(url: str, portal_url: str, tmp_path: Path) -> list[tuple[int, str]]:
    """Three `xuncha run` of one site started at once on a database no run has made yet;
    (exit status, stderr) of each."""
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{i}" for i in range(3)]
    runs = [
        start_run(portal_url, url, tmp_path / f"out{i}", tmp_path, ready[i], go) for i in range(3)
    ]
    deadline = time.monotonic() + 60
    while not all(path.exists() for path in ready):
        assert time.monotonic() < deadline and all(p.poll() is None for p in runs)
        time.sleep(0.01)
    go.touch()
    ends = []
    for process in runs:
        _, stderr = process.communicate(timeout=240)
        ends.append((process.returncode, stderr))
    return ends


def assert_one_ran_or_each_in_turn(ends: list[tuple[int, str]], url: str) -> None:
    """Each run either ran or was refused with the lock's one line; the database is at head
    and holds exactly the runs that ran, all finished."""
    ran = 0
    for code, stderr in ends:
        assert "Traceback" not in stderr, stderr
        assert "already exists" not in stderr and "duplicate key" not in stderr, stderr
        if code == 0:
            ran += 1
        else:
            assert code == 2, stderr
            assert LOCKED in one_line(stderr), stderr
    assert ran >= 1
    assert [status for _, status in stored_runs(url)] == ["finished"] * ran
    Store(url, create=False).dispose()  # at head: a read command opens it


def test_first_runs_racing_on_a_new_sqlite_file(tmp_path: Path, portal_url: str):
    url = sqlite_url(tmp_path / "new" / "xuncha.db")
    assert_one_ran_or_each_in_turn(racing_first_runs(url, portal_url, tmp_path), url)


def test_first_runs_racing_on_a_new_postgresql_database(
    tmp_path: Path, portal_url: str, pg_url: str
):
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []  # brand-new
    engine.dispose()
    assert_one_ran_or_each_in_turn(racing_first_runs(pg_url, portal_url, tmp_path), pg_url)


# --- read commands never invent a database --------------------------------------------------


@pytest.mark.parametrize("args", READ_COMMANDS.values(), ids=READ_COMMANDS.keys())
def test_a_read_command_on_a_missing_database_is_an_error(tmp_path: Path, args: list[str]):
    missing = tmp_path / "typo" / "x.db"

    done = xuncha(*args, "--db", sqlite_url(missing), cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert "不存在" in line and str(missing) in line and "xuncha run" in line, line
    assert "共 0 个问题" not in done.stdout
    assert not missing.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, no folder, no report


def test_a_read_command_on_the_default_database_in_an_empty_folder(tmp_path: Path):
    without_db = {key: value for key, value in os.environ.items() if key != "XUNCHA_DB"}
    done = subprocess.run(
        [sys.executable, "-m", "xuncha", "findings"], cwd=tmp_path, capture_output=True,
        text=True, timeout=120, env=without_db,
    )  # fmt: skip

    assert done.returncode == 2, done.stderr
    assert "xuncha.db 不存在" in one_line(done.stderr)
    assert list(tmp_path.iterdir()) == []


def test_a_read_command_on_an_older_schema_asks_for_a_run_and_leaves_it(tmp_path: Path):
    database = tmp_path / "xuncha.db"
    old = Store(sqlite_url(database), migrate=False)
    old.upgrade("0006")  # a real store of the release before the newest migration
    old.dispose()
    before = digest(database)

    done = xuncha("ledger", "--db", sqlite_url(database), "--out", "ledger.xlsx", cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert "旧版本（0006" in line and "xuncha run" in line and "升级" in line, line
    assert not (tmp_path / "ledger.xlsx").exists()
    assert digest(database) == before  # a read command never migrates


def test_a_read_command_on_an_empty_postgresql_database_creates_no_table(
    tmp_path: Path, pg_url: str
):
    done = xuncha("findings", "--db", pg_url, cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert "还没有巡查数据" in line and "xuncha run" in line, line
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
        assert (
            conn.execute(text("SELECT count(*) FROM pg_class WHERE relname = 'runs'")).scalar() == 0
        )
    engine.dispose()


# --- a run in memory ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"], ids=["bare", "memory"])
def test_a_run_refuses_an_in_memory_database(tmp_path: Path, portal_url: str, url: str):
    done = xuncha("run", "--url", portal_url, "--db", url, "--out", "out", "--as-of", AS_OF,
                  cwd=tmp_path)  # fmt: skip

    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert "在内存中" in line and "sqlite:///xuncha.db" in line, line
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()
