"""What the test suite needs beyond Python, checked in seconds before it starts (``make test``).

The suite talks to real services: PostgreSQL (every store test runs on SQLite and PostgreSQL),
Redis (the distributed crawl) and Debian's Chromium (the run report opened in a browser). A
machine without one of them would fail minutes into the run, deep in a fixture. Instead:

- where this process may fix it (root, with apt and the Debian tools), it does, as a CI machine
  expects: it installs Chromium or Redis when missing and starts PostgreSQL or Redis when down;
- otherwise it prints one line naming what is missing and how to get it, and exits 2.

PostgreSQL is started, never installed: a database server set up by a test script (its
authentication rewritten to let the suite in) is not something to do to a developer's machine.
``XUNCHA_TEST_POSTGRES`` points the suite at another server.

Standard library only: it runs before anything is known to be installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get(
    "XUNCHA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS = ("127.0.0.1", 6379)
WAIT_SECONDS = 30


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def can_fix() -> bool:
    """Root on a Debian-like machine: the same powers CI has."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def run(*command: str) -> bool:
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    return done.returncode == 0


def apt_install(*packages: str) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    update = subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
    if update.returncode != 0:
        return False
    install = ["apt-get", "install", "-y", "-qq", *packages]
    return subprocess.run(install, env=env, capture_output=True, check=False).returncode == 0


def wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def postgres() -> str | None:
    parts = urlsplit(POSTGRES_URL.replace("+psycopg", ""))
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    if listening(host, port):
        return None
    local = host in ("127.0.0.1", "localhost", "::1")
    clusters = Path("/etc/postgresql")
    if local and can_fix() and shutil.which("pg_ctlcluster") and clusters.is_dir():
        version = sorted(p.name for p in clusters.iterdir())[0]
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
        if wait_for(lambda: listening(host, port)):
            return None
    return (
        f"PostgreSQL is not listening on {host}:{port}: start it (Debian: "
        "pg_ctlcluster <version> main start) with trust authentication for the suite's user, "
        "or point XUNCHA_TEST_POSTGRES at a server the suite may create databases on"
    )


def redis() -> str | None:
    if listening(*REDIS):
        return None
    if can_fix():
        if shutil.which("redis-server") is None:
            apt_install("redis-server")
        if shutil.which("redis-server") is not None:
            Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
            Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
            run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
                "--port", str(REDIS[1]), "--save", "", "--appendonly", "no",
                "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/test.log")  # fmt: skip
            if wait_for(lambda: listening(*REDIS)):
                return None
    return (
        "Redis is not listening on 127.0.0.1:6379: install and start it "
        "(Debian: apt-get install redis-server)"
    )


def chromium() -> str | None:
    if shutil.which("chromium"):
        return None
    if can_fix() and apt_install("chromium") and shutil.which("chromium"):
        return None
    return "Chromium is not installed: install it (Debian: apt-get install chromium)"


# The PDFs' fonts and the tool the tests read their fonts with: (what is checked, package).
PRINTING = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
    ("pdffonts", "poppler-utils"),
)


def printing() -> str | None:
    """What the 检测报告 and 整改通知书 PDFs are printed and checked with."""

    def present(thing: str) -> bool:
        return Path(thing).exists() if thing.startswith("/") else shutil.which(thing) is not None

    wanted = [package for thing, package in PRINTING if not present(thing)]
    if not wanted or (can_fix() and apt_install(*wanted) and
                      all(present(thing) for thing, _ in PRINTING)):  # fmt: skip
        return None
    packages = " ".join(wanted)
    return f"the PDF fonts and tools are missing: install them (Debian: apt-get install {packages})"


def main() -> int:
    missing = [problem for problem in (postgres(), redis(), chromium(), printing()) if problem]
    for problem in missing:
        print(f"make test: {problem}", file=sys.stderr)
    return 2 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
