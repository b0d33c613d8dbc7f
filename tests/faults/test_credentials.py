"""Credentials in a URL (网址中的用户名和密码), against a real portal behind basic authentication.

The portal on 127.0.0.1 answers 401 to any request without the right ``Authorization``; a
second host (127.0.0.2) needs none and must never receive one. The home page links that host
with a userinfo URL (``http://bob:…@127.0.0.2/``) and redirects one path to it. Each run goes
through the real command line in a child process, and afterwards every password is looked for
in everything the run left: stdout, stderr, each output file (spreadsheets unzipped), every
text column of every table, and what the command line exports afterwards.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from loopback import Recorder, Reply, Server
from sqlalchemy import create_engine, inspect, text

PORTAL_USER = "alice"
PORTAL_PASSWORD = "S3cret-Portal-Pw"
LINK_PASSWORD = "Link-Pw-4242"
LOCATION_PASSWORD = "Location-Pw-77"
GOOD = "Basic " + base64.b64encode(f"{PORTAL_USER}:{PORTAL_PASSWORD}".encode()).decode()
SECRETS = (PORTAL_PASSWORD, LINK_PASSWORD, LOCATION_PASSWORD)
PASSWORD_ENV = "XUNCHA_TEST_PORTAL_PASSWORD"

PORTAL = Recorder()
OTHER = Recorder()


def _portal(other: str):
    pages = {
        "/": '<html><head><title>某市人民政府</title></head><body><div class="nav">'
        '<a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
        f'<a href="http://bob:{LINK_PASSWORD}@{other}/open.html">数据平台</a>'
        f'<a href="http://dave:{LINK_PASSWORD}@{other}/gone.html">旧平台</a>'
        '<a href="/go">办事大厅</a><a href="/go2">数据开放</a></body></html>',
        "/zwgk/": "<html><head><title>政务公开</title></head><body>"
        '<ul class="list"><li><a href="/zwgk/t1.html">关于工作的通知</a>'
        "<span>2026-12-01</span></li></ul></body></html>",
        "/zwgk/t1.html": "<html><body><h1>通知</h1><p>发布时间：2026-12-01</p></body></html>",
    }

    def site(request):
        if request.headers.get("Authorization") != GOOD:
            return Reply(401, headers=(("WWW-Authenticate", 'Basic realm="portal"'),),
                         body="<html><body>401</body></html>")  # fmt: skip
        if request.path == "/go":
            return Reply(302, headers=(("Location", f"http://{other}/landing.html"),))
        if request.path == "/go2":
            location = f"http://carol:{LOCATION_PASSWORD}@{other}/landing2.html"
            return Reply(302, headers=(("Location", location),))
        page = pages.get(request.path)
        return Reply(body=page) if page else Reply(404, body="<html><body>404</body></html>")

    return site


def _other(request):
    if request.path in ("/open.html", "/landing.html", "/landing2.html"):
        return Reply(body="<html><head><title>平台</title></head><body>开放</body></html>")
    return Reply(404, body="<html><body>404</body></html>")


@pytest.fixture(scope="module")
def servers():
    other = Server(_other, address="127.0.0.2", recorder=OTHER).start()
    try:
        with Server(_portal(f"127.0.0.2:{other.port}"), recorder=PORTAL) as portal:
            yield portal, other
    finally:
        other.stop()


def _xuncha(*args: str, cwd: Path, env: dict[str, str] | None = None):
    """The command line in a child process, as cron starts it."""
    environment = dict(os.environ)
    environment.pop(PASSWORD_ENV, None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from xuncha.cli import main; main()", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _file_texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text; a spreadsheet (a zip) by its members."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        else:
            data = path.read_bytes()
        texts[str(path.relative_to(folder))] = data.decode("utf-8", "replace")
    return texts


def _database_text(db_url: str) -> str:
    """Every column of every row of every table, as text."""
    engine = create_engine(db_url)
    try:
        chunks = []
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    chunks.append(f"{table}: {tuple(row)!r}")
        return "\n".join(chunks)
    finally:
        engine.dispose()


def _assert_no_secret(where: str, content: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in content.lower(), f"a password is in {where}"


def _assert_crawled_with_credentials(portal: Server, other: Server) -> None:
    answered = {(r.path, r.status) for r in PORTAL if r.method == "GET"}
    assert ("/", 200) in answered and ("/zwgk/", 200) in answered
    assert all(r.headers.get("Authorization") == GOOD for r in PORTAL)
    asked_other = {r.path for r in OTHER}
    # the userinfo link, the redirect, the redirect to a userinfo Location
    assert {"/open.html", "/landing.html", "/landing2.html"} <= asked_other
    assert [r.headers.get("Authorization") for r in OTHER] == [None] * len(OTHER)


def _assert_nothing_leaked(result, tmp_path: Path, db_url: str, port: int) -> None:
    _assert_no_secret("stdout", result.stdout)
    _assert_no_secret("stderr", result.stderr)
    files = _file_texts(tmp_path / "out")
    assert {"findings.json", "report.html"} <= set(files)
    assert "dave:***@127.0.0.2" in files["findings.json"]  # the 断链 is shown, masked
    for name, content in files.items():
        _assert_no_secret(name, content)
    stored = _database_text(db_url)
    _assert_no_secret("the database", stored)
    assert f"'http://127.0.0.1:{port}'" in stored  # sites.key: the URL without credentials
    assert "bob:***@127.0.0.2" in stored  # the link is kept, its password masked
    for extra in (["findings", "--db", db_url, "--format", "csv"],
                  ["findings", "--db", db_url, "--format", "table"],
                  ["report", "--db", db_url, "--out", str(tmp_path / "reports")]):  # fmt: skip
        exported = _xuncha(*extra, cwd=tmp_path)
        assert exported.returncode == 0, exported.stderr
        _assert_no_secret(f"xuncha {extra[0]}", exported.stdout + exported.stderr)
    reports = _file_texts(tmp_path / "reports")
    assert any(name.endswith("index.html") for name in reports)
    for name, content in reports.items():
        _assert_no_secret(name, content)


def _run_outcome(db_url: str) -> tuple[str, int, list[str], list[str]]:
    """The run's status and pages, the checks of its findings, the URLs of its 断链."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            status, pages = connection.execute(text("SELECT status, pages FROM runs")).one()
            found = connection.execute(text('SELECT "check", url FROM findings')).all()
        broken = sorted(url for check, url in found if check == "broken_link")
        return status, pages, [check for check, _url in found], broken
    finally:
        engine.dispose()


def _reset() -> None:
    PORTAL.clear()
    OTHER.clear()


@pytest.mark.faults_heavy  # a crawl and four commands in child processes: ~10-25 s
def test_userinfo_start_url_is_crawled_and_never_written(servers, tmp_path):
    """``--url http://alice:…@host/``: the crawl logs in, the site is stored without the
    credentials, one notice says so, and no password is written anywhere."""
    portal, other = servers
    _reset()
    db_url = f"sqlite:///{tmp_path / 'x.db'}"
    start = f"http://{PORTAL_USER}:{PORTAL_PASSWORD}@127.0.0.1:{portal.port}/"
    result = _xuncha("run", "--url", start, "--db", db_url, "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"http://{PORTAL_USER}:***@127.0.0.1:{portal.port}/" in result.stderr  # the notice
    status, pages, checks, broken = _run_outcome(db_url)
    assert status != "failed" and pages >= 3  # the home page, the section, the notice
    assert "site_unreachable" not in checks
    # The userinfo link and the redirects answer 200; the one that is gone is 断链, masked.
    assert broken == [f"http://dave:***@127.0.0.2:{other.port}/gone.html"]
    _assert_crawled_with_credentials(portal, other)
    _assert_nothing_leaked(result, tmp_path, db_url, portal.port)


@pytest.mark.faults_heavy  # two runs and three commands in child processes: ~10-25 s
def test_profile_auth_reads_the_password_from_the_environment(servers, tmp_path):
    """A profile's ``auth`` names the variable holding the password; the YAML and the store
    hold the variable's name only."""
    portal, other = servers
    _reset()
    profile = tmp_path / "site.yaml"
    profile.write_text(
        f'name: 某市人民政府\nstart_urls: ["http://127.0.0.1:{portal.port}/"]\n'
        f"auth:\n  - host: 127.0.0.1\n    user: {PORTAL_USER}\n    password_env: {PASSWORD_ENV}\n",
        encoding="utf-8",
    )
    db_url = f"sqlite:///{tmp_path / 'x.db'}"
    args = ("run", "--profile", str(profile), "--db", db_url, "--out", "out")

    unset = _xuncha(*args, cwd=tmp_path)
    assert unset.returncode == 2
    lines = unset.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and f"auth.0.password_env: environment variable {PASSWORD_ENV}" in lines[0]
    )
    assert not PORTAL.matching(method="GET")  # nothing was fetched without the password

    result = _xuncha(*args, cwd=tmp_path, env={PASSWORD_ENV: PORTAL_PASSWORD})
    assert result.returncode == 0, result.stderr
    status, pages, checks, broken = _run_outcome(db_url)
    assert status != "failed" and pages >= 3
    assert "site_unreachable" not in checks
    assert broken == [f"http://dave:***@127.0.0.2:{other.port}/gone.html"]
    _assert_crawled_with_credentials(portal, other)
    _assert_nothing_leaked(result, tmp_path, db_url, portal.port)


def test_profile_refuses_a_password_in_its_start_url(servers, tmp_path):
    profile = tmp_path / "site.yaml"
    start = f"http://{PORTAL_USER}:{PORTAL_PASSWORD}@127.0.0.1:{servers[0].port}/"
    profile.write_text(f'start_urls: ["{start}"]\n', encoding="utf-8")
    result = _xuncha("run", "--profile", str(profile), "--db", f"sqlite:///{tmp_path / 'x.db'}",
                     "--out", "out", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "start_urls:" in lines[0] and "auth" in lines[0]
    _assert_no_secret("stderr", result.stderr)


def test_probe_logs_in_and_stores_no_password(servers, tmp_path):
    portal, _other = servers
    db_url = f"sqlite:///{tmp_path / 'x.db'}"
    good = f"http://{PORTAL_USER}:{PORTAL_PASSWORD}@127.0.0.1:{portal.port}/"
    up = _xuncha("probe", "--url", good, "--db", db_url, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert "up, HTTP 200" in up.stderr
    wrong = f"http://{PORTAL_USER}:not-{LINK_PASSWORD}@127.0.0.1:{portal.port}/"
    down = _xuncha("probe", "--url", wrong, "--db", db_url, cwd=tmp_path)
    assert down.returncode == 2
    assert "down, http_401" in down.stderr
    for result in (up, down):
        _assert_no_secret("probe output", result.stdout + result.stderr)
    stored = _database_text(db_url)
    _assert_no_secret("the database", stored)
    assert f"'http://127.0.0.1:{portal.port}/'" in stored  # probes.url


@pytest.mark.parametrize(
    "db_url",
    [
        f"postgresql+nodriver://alice:{PORTAL_PASSWORD}@127.0.0.1/xuncha",
        # The PostgreSQL driver, asked on a port where no server listens: refused.
        f"postgresql+psycopg://postgres:{PORTAL_PASSWORD}@127.0.0.1:1/xuncha",
    ],
    ids=["unknown_driver", "connection_refused"],
)
def test_database_password_stays_out_of_the_error(db_url, tmp_path):
    result = _xuncha("run", "--url", "http://127.0.0.1:9/", "--db", db_url, "--out", "out",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "数据库" in lines[0] and "Traceback" not in result.stderr
    assert "***@127.0.0.1" in lines[0]
    _assert_no_secret("stderr", result.stderr)
