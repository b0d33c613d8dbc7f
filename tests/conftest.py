"""Suite-wide fixtures: the network guard first of all.

No test may reach beyond loopback. The guard is installed in this process on import and in
every subprocess through ``PYTHONPATH`` (see ``tests/netguard/sitecustomize.py``); an attempt
anywhere fails the test that made it, even when the code under test swallowed the error.
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
NETGUARD_DIR = TESTS / "netguard"

sys.path.insert(0, str(NETGUARD_DIR))
import sitecustomize as _netguard  # noqa: E402  (must run before anything opens a socket)

_netguard.install()
sys.path.remove(str(NETGUARD_DIR))


@pytest.fixture(autouse=True)
def netguard_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Give each test its own violation log (shared with its subprocesses) and fail on any entry."""
    log = tmp_path_factory.mktemp("netguard") / "violations.log"
    log.touch()
    monkeypatch.setenv("XUNCHA_NETGUARD_LOG", str(log))
    python_path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (str(NETGUARD_DIR), str(ROOT), python_path) if p)
    )
    yield log
    violations = log.read_text(encoding="utf-8").strip()
    if violations:
        pytest.fail(f"a connection outside loopback was attempted:\n{violations}")


REAL_PAGES = ROOT.parent / "shared" / "real-pages"


@pytest.fixture(scope="session")
def real_pages() -> Path:
    """The folder of saved government pages (kept outside the project); skip where absent."""
    if not REAL_PAGES.is_dir():
        pytest.skip("shared/real-pages is not beside this checkout")
    return REAL_PAGES


POSTGRES_ADMIN_URL = os.environ.get(
    "XUNCHA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_server_url():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"xuncha_test_{os.getpid()}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def postgres_database_url(postgres_server_url):
    """A fresh PostgreSQL database for one test module (a crawl child opens its own engine)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{make_url(postgres_server_url).database}_{next(_COUNTER)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_COUNTER = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every store test runs on SQLite and on PostgreSQL (a clean schema per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'xuncha.db'}"
        return
    from sqlalchemy import create_engine, text

    server_url = request.getfixturevalue("postgres_server_url")
    schema = f"t_{abs(hash(request.node.nodeid)) % 10**10}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{server_url}?options=-csearch_path%3D{schema}"
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def store(db_url):
    """A store on `db_url`, disposed after the test (a module may define its own, filled)."""
    from xuncha.store import Store

    store = Store(db_url)
    yield store
    store.dispose()


@pytest.fixture
def xuncha_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """``xuncha_main(*args, stdin="")``: the console script's ``main()`` with those arguments,
    as a user runs it (errors become one line and an exit status): (status, stdout, stderr)."""
    import io

    from xuncha.cli import main

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["xuncha", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = 0
        try:
            main()
        except SystemExit as stopped:
            code = int(stopped.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
