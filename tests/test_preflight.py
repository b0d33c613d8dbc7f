"""``make test`` stops at once, with one line per missing service, where it cannot fix the
machine itself (scripts/preflight.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "preflight.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _preflight(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_machine_without_chromium_or_postgresql_gets_one_line_each(tmp_path) -> None:
    bare = tmp_path / "bin"  # a PATH without chromium, apt-get or pg_ctlcluster
    bare.mkdir()
    port = _free_port()
    env = dict(
        os.environ,
        PATH=str(bare),
        XUNCHA_TEST_POSTGRES=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
    )
    done = _preflight(env)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 3, done.stderr
    assert lines[0].startswith(f"make test: PostgreSQL is not listening on 127.0.0.1:{port}")
    assert "XUNCHA_TEST_POSTGRES" in lines[0]
    assert (
        lines[1]
        == "make test: Chromium is not installed: install it (Debian: apt-get install chromium)"
    )
    # The fonts are files (present here); the PDF tool is a program on the PATH (not on this one).
    assert lines[2] == (
        "make test: the PDF fonts and tools are missing: install them "
        "(Debian: apt-get install poppler-utils)"
    )
    assert done.stdout == ""


def test_a_ready_machine_passes_silently() -> None:
    done = _preflight(dict(os.environ))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
