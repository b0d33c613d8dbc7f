"""`xuncha probe`: one try of a home page against real loopback servers, its stored row on
SQLite and PostgreSQL, and the command's exit codes and log lines."""

from __future__ import annotations

import re
import socket
import ssl
from contextlib import contextmanager

import pytest
import trustme
from click.testing import CliRunner
from nightly_sites import serve
from sqlalchemy import select

from xuncha.cli import cli
from xuncha.profile import Profile
from xuncha.run.night import site_id_for
from xuncha.run.probe import probe_home, record_probe
from xuncha.store import Probe, Site, Store

NAME = "portal.example.gov.cn"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING|ERROR) \S.*$")


@pytest.fixture(scope="module")
def portal():
    with serve() as portal:
        yield portal


@contextmanager
def _closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@contextmanager
def _silent_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # the kernel completes the handshake; nobody ever answers
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def _profile(url: str, **hosts: str) -> Profile:
    return Profile(start_urls=[url], network={"hosts": {k.replace("_", "."): v
                                                         for k, v in hosts.items()}})  # fmt: skip


# (path or URL template, hosts map, timeout) → (ok, status, error)
CASES = [
    ("{root}/", {}, 15, (True, 200, None)),
    (f"http://{NAME}:{{port}}/", {NAME: "127.0.0.1"}, 15, (True, 200, None)),
    ("{root}/redirect?to=/", {}, 15, (True, 200, None)),
    ("{root}/missing", {}, 15, (False, 404, None)),
    ("{root}/redirect?to=http://intranet.example.gov.cn/", {"intranet.example.gov.cn": "10.1.2.3"},
     15, (False, None, "blocked")),
    ("{root}/redirect?to=http://169.254.169.254/latest/meta-data/", {}, 15,
     (False, None, "blocked")),
    ("{root}/redirect?to=ftp://127.0.0.1/", {}, 15, (False, None, "redirect_error")),
    ("{root}/loop", {}, 15, (False, None, "redirect_loop")),
    ("http://portal.invalid/", {}, 15, (False, None, "dns_error")),
    ("{root}/trickle?pause=0.4", {}, 1, (False, None, "timeout")),
]  # fmt: skip
IDS = ["up", "name-from-hosts-map", "redirect-followed", "http-404", "redirect-to-intranet-name",
       "redirect-to-metadata-address", "redirect-to-ftp", "redirect-loop", "invalid-name",
       "slow-body-past-the-deadline"]  # fmt: skip


@pytest.mark.parametrize(("url", "hosts", "timeout", "expected"), CASES, ids=IDS)
def test_one_try(portal, url, hosts, timeout, expected):
    url = url.format(root=portal.url("").rstrip("/"), port=portal.port)
    profile = Profile(start_urls=[url], network={"hosts": hosts})
    result = probe_home(profile, timeout=timeout)
    assert (result.ok, result.status, result.error) == expected, result.detail
    assert result.url == url and result.elapsed >= 0
    if result.error == "blocked":
        assert result.detail is not None and "outside the allowed networks" in result.detail


def test_a_site_that_answers_503_is_down(portal):
    portal.state.down = True
    try:
        result = probe_home(_profile(portal.url()))
    finally:
        portal.state.down = False
    assert (result.ok, result.status, result.error, result.detail) == (False, 503, None, "HTTP 503")


@pytest.mark.parametrize(
    ("port_kind", "timeout", "error"),
    [("closed", 15, "connection_refused"), ("silent", 0.5, "timeout")],
    ids=["refused", "never-answers"],
)
def test_a_server_that_does_not_answer(port_kind, timeout, error):
    with _closed_port() if port_kind == "closed" else _silent_port() as port:
        result = probe_home(_profile(f"http://127.0.0.1:{port}/"), timeout=timeout)
    assert (result.ok, result.status, result.error) == (False, None, error)


@pytest.fixture(scope="module")
def tls_portal(tmp_path_factory):
    ca = trustme.CA()
    ca_file = tmp_path_factory.mktemp("pki") / "intranet-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(NAME).configure_cert(context)
    with serve(tls=context) as portal:
        yield portal, str(ca_file)


@pytest.mark.parametrize(
    ("host", "tls", "expected"),
    [
        (NAME, {"ca_file": "CA"}, (True, 200, None)),
        (NAME, {}, (False, None, "tls_error")),  # our CA is not in the system store
        (NAME, {"verify": False}, (True, 200, None)),
        ("other.example.gov.cn", {"ca_file": "CA"}, (False, None, "tls_error")),  # wrong name
    ],
    ids=["profile-ca", "unknown-ca", "verify-off", "name-mismatch"],
)
def test_tls_is_verified_as_the_profile_says(tls_portal, host, tls, expected):
    portal, ca_file = tls_portal
    tls = {k: (ca_file if v == "CA" else v) for k, v in tls.items()}
    profile = Profile(start_urls=[portal.url(host=host)], tls=tls,
                      network={"hosts": {host: "127.0.0.1"}})  # fmt: skip
    result = probe_home(profile)
    assert (result.ok, result.status, result.error) == expected, result.detail


def test_a_try_is_stored_for_the_site_row_runs_use(portal, db_url):
    store = Store(db_url)
    profile = _profile(portal.url())
    site_id = site_id_for(store, profile)
    assert site_id_for(store, profile) == site_id  # found, not created twice
    result = probe_home(profile)
    record_probe(store, site_id, result)
    with store.session() as s:
        site = s.get_one(Site, site_id)
        assert (site.key, site.start_url) == (portal.url().rstrip("/"), portal.url())
        row = s.scalar(select(Probe))
        assert row is not None
        assert (row.site_id, row.url, row.ok, row.status, row.error) == (
            site_id, portal.url(), True, 200, None,
        )  # fmt: skip
        assert row.elapsed == result.elapsed and row.at is not None
    store.dispose()


def _write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_probe_all_logs_a_line_per_site_and_exits_2_when_one_is_down(portal, tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    sites = tmp_path / "sites"
    with _closed_port() as port:
        _write(sites, "a-up.yaml", f"name: 某县人民政府\nstart_urls: [{portal.url()}]\n")
        _write(
            sites, "b-down.yaml", f"name: 某市交通运输局\nstart_urls: [http://127.0.0.1:{port}/]\n"
        )
        _write(sites, "c-bad.yml", "start_urls: [ftp://x/]\n")
        result = CliRunner().invoke(cli, ["probe", "--all", str(sites), "--db", db])
        quiet = CliRunner().invoke(cli, ["probe", "--all", str(sites), "--db", db, "--quiet"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert all(LOG_LINE.match(line) for line in lines), lines
    assert [line.split(" ", 3)[2:] for line in lines] == [
        ["ERROR", f"{sites / 'c-bad.yml'}:1: start_urls: not an http(s) URL: 'ftp://x/'"],
        ["INFO", f"某县人民政府: up, HTTP 200 in {lines[1].split(' in ')[1].split()[0]} s "
                 f"({portal.url()})"],
        ["ERROR", lines[2].split(" ", 3)[3]],
    ]  # fmt: skip
    assert re.search(r"某市交通运输局: down, connection_refused: .* after \d+\.\d s", lines[2])
    assert quiet.exit_code == 2
    assert [line.split(" ", 3)[2] for line in quiet.stderr.splitlines()] == ["ERROR", "ERROR"]
    store = Store(db)
    with store.session() as s:
        rows = s.execute(select(Site.name, Probe.ok, Probe.error).join(Site)).all()
    store.dispose()
    assert sorted(rows) == sorted([("某县人民政府", True, None), ("某市交通运输局", False,
                                   "connection_refused")] * 2)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--url", "{url}"], 0, None),
        ([], 2, "give exactly one of --url URL, --profile FILE or --all DIR"),
        (["--all", "{missing}"], 2, "no such folder of site profiles"),
        (["--profile", "{missing}"], 2, "no such profile file"),
    ],
    ids=["up", "no-source", "no-folder", "no-profile"],
)
def test_probe_exit_codes(portal, tmp_path, args, code, message):
    db = tmp_path / "x.db"
    args = [a.format(url=portal.url(), missing=tmp_path / "missing") for a in args]
    result = CliRunner().invoke(cli, ["probe", "--db", f"sqlite:///{db}", *args])
    assert result.exit_code == code, result.output
    if message:
        assert message in result.output
        assert not db.exists()  # an error before any try creates no database
    else:
        assert LOG_LINE.match(result.stderr) and " INFO " in result.stderr
