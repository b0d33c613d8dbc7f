"""A PostgreSQL restart while a run commits its findings (检查阶段): the run fails in one
line, is never stored finished without its findings, and the next run repairs it.

The server restarted is a private one (initdb into the test's folder, its own port on
127.0.0.1): the suite's shared server is never disturbed. The moment is held as in
test_killed_while_judging: an EXCLUSIVE lock on the findings table, seen waited on in
``pg_stat_activity``, then a real ``pg_ctl restart``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from run_faults import (
    open_findings,
    stored_runs,
    wait_for_judging_to_block,
    xuncha_run,
)
from sqlalchemy import create_engine, text

from xuncha.store import Store

PG_BIN = Path("/usr/lib/postgresql")
pytestmark = [
    pytest.mark.faults_heavy,  # root (the server runs as the postgres user), two runs
    pytest.mark.skipif(os.geteuid() != 0, reason="starting a private PostgreSQL needs root"),
    pytest.mark.skipif(not PG_BIN.is_dir(), reason="no PostgreSQL server binaries here"),
]


class PrivateServer:
    def __init__(self, folder: Path) -> None:
        self.bin = max(PG_BIN.glob("*/bin"))
        self.folder = folder
        self.data = folder / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.options = f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D",
                        str(self.data), "-o", self.options, "-l", str(self.folder / "log"),
                        "-w", *args], check=True, capture_output=True)  # fmt: skip

    def start(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "initdb"), "-D",
                        str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, capture_output=True)  # fmt: skip
        self.pg_ctl("start")


@pytest.fixture
def server() -> Iterator[PrivateServer]:
    # Not under pytest's root-only temporary folder: the postgres user must reach it.
    folder = Path(tempfile.mkdtemp(prefix="xuncha-pg-"))
    shutil.chown(folder, "postgres")
    server = PrivateServer(folder)
    try:
        server.start()
        yield server
    finally:
        if (server.data / "postmaster.pid").exists():
            server.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_a_database_restart_while_judging_fails_the_run_honestly(portal_url, server, tmp_path):
    db = server.url
    Store(db).dispose()
    engine = create_engine(db)
    with engine.connect() as conn:
        holder = engine.connect()
        holder.execute(text("LOCK TABLE findings IN EXCLUSIVE MODE"))
        process = subprocess.Popen(xuncha_run(portal_url, db, str(tmp_path / "1")),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        try:
            wait_for_judging_to_block(conn, process)
            server.pg_ctl("-m", "fast", "restart")
            out_text, err_text = process.communicate(timeout=120)
        finally:
            holder.invalidate()
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
        conn.invalidate()
    engine.dispose()

    assert process.returncode == 2, err_text
    assert "Traceback" not in err_text and out_text == ""
    assert err_text.strip().splitlines()[-1].startswith("xuncha: database error: ")
    [(run_id, status, complete, score, message)] = stored_runs(db)
    # Stored failed when the server was back in time, else left judging for the next run.
    assert status in ("failed", "judging") and (complete, score) == (False, None)
    if status == "failed":
        assert message.startswith("database error while its findings were being judged: ")
    assert open_findings(db) == 0
    assert not (tmp_path / "1" / "findings.json").exists()

    second = subprocess.run(xuncha_run(portal_url, db, str(tmp_path / "2")),
                            capture_output=True, text=True, timeout=180)  # fmt: skip
    assert second.returncode == 0, second.stderr
    runs = stored_runs(db)
    assert [r[1:3] for r in runs] == [
        ("failed" if status == "failed" else "interrupted", False),
        ("finished", True),
    ]
    found = open_findings(db)
    assert found > 0 and f"发现问题 {found} 个" in second.stdout
