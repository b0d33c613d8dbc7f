"""`xuncha run --all --parallel N`: several sites of a night at once, each in processes of its
own, with the summary, the exit code, the locks and the stop of a sequential night."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from nightly_sites import (
    articles_asked,
    descendants,
    findings_of,
    profiles_folder,
    serve,
    three_sites_and_a_bad_profile,
    wait_for,
)
from sqlalchemy import func, select

from xuncha.cli import cli
from xuncha.profile import load_profile
from xuncha.run.lock import this_host
from xuncha.run.night import site_id_for
from xuncha.run.night_pool import PARENT_MB, SITE_MB, default_parallel, tagged
from xuncha.store import Run, RunLock, Store

AS_OF = ["--as-of", "2026-10-10"]
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING|ERROR) \S.*$")


def _night(folder: Path, db: str, out: Path, *options: str):
    return CliRunner().invoke(cli, ["run", "--all", str(folder), "--db", db, "--out", str(out),
                                    *AS_OF, *options])  # fmt: skip


@pytest.mark.parametrize(
    ("cores", "available_mb", "sites", "sqlite", "expected"),
    [
        (2, 64_000, 300, False, 8),  # the cores decide
        (64, 64_000, 300, False, (64_000 - PARENT_MB) // SITE_MB),  # the memory decides
        (8, 64_000, 3, False, 3),  # the sites decide
        (8, 100, 300, False, 1),  # no room for even one: one all the same
        (8, 64_000, 300, True, 1),  # SQLite: one writer
    ],
    ids=["cores", "memory", "sites", "at-least-one", "sqlite"],
)
def test_default_parallel(cores, available_mb, sites, sqlite, expected):
    assert default_parallel(cores=cores, available_mb=available_mb, sites=sites,
                            sqlite=sqlite) == expected  # fmt: skip


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2026-10-10 01:02:03 INFO 甲: inspected", "2026-10-10 01:02:03 INFO [a] 甲: inspected"),
        ("2026-10-10 01:02:03 progress: 12 pages", "2026-10-10 01:02:03 progress: [a] 12 pages"),
        ("WARNING 甲: late", "[a] WARNING 甲: late"),
    ],
    ids=["log", "progress", "terminal"],
)
def test_a_site_line_says_its_site(line, expected):
    assert tagged(line, "a") == expected


@pytest.mark.parametrize("value", ["0", "-2"], ids=["zero", "negative"])
def test_parallel_below_one_is_a_usage_error(tmp_path, value):
    result = CliRunner().invoke(cli, ["run", "--all", str(tmp_path), "--parallel", value,
                                      "--db", f"sqlite:///{tmp_path / 'x.db'}"])  # fmt: skip
    assert result.exit_code == 2
    assert f"Invalid value for '--parallel': {value} is not in the range x>=1." in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.db").exists()


def test_parallel_goes_with_all_only(tmp_path):
    result = CliRunner().invoke(cli, ["run", "--url", "http://127.0.0.1:9/", "--parallel", "2",
                                      "--db", f"sqlite:///{tmp_path / 'x.db'}"])  # fmt: skip
    assert result.exit_code == 2 and "--parallel goes with --all PROFILE_DIR" in result.output


def test_the_parallel_night_finds_what_the_sequential_night_finds(db_url, tmp_path):
    """Three sites and a bad profile: the same summary, exit code and findings per site; and
    the sites do run at once — the last site ends while the first still waits on its site."""
    with serve() as first, serve() as second, serve() as third:
        folder = three_sites_and_a_bad_profile(tmp_path, first, second, third)
        sequential = _night(folder, f"sqlite:///{tmp_path / 'seq.db'}", tmp_path / "seq",
                            "--parallel", "1")  # fmt: skip
        first.state.gate.clear()  # 甲's articles wait until 丙 is done
        runner = CliRunner()
        started = time.monotonic()

        def release_when_c_is_done() -> None:
            wait_for(lambda: (tmp_path / "par" / "c" / "report.html").is_file(), 150)
            first.state.gate.set()

        import threading

        releaser = threading.Thread(target=release_when_c_is_done, daemon=True)
        releaser.start()
        parallel = runner.invoke(cli, ["run", "--all", str(folder), "--db", db_url,
                                       "--out", str(tmp_path / "par"), *AS_OF,
                                       "--parallel", "4"])  # fmt: skip
        releaser.join(timeout=5)
        assert time.monotonic() - started < 170
        assert first.state.gate.is_set()  # 丙 ended while 甲 was waiting: they ran at once
    assert (sequential.exit_code, parallel.exit_code) == (2, 2), parallel.output
    assert parallel.stdout == sequential.stdout
    assert parallel.stdout.splitlines()[0] == "巡查 4 个站点，1 个有问题（退出码 2）"
    for site in ("a", "b", "c"):
        found = findings_of(tmp_path / "par" / site / "findings.json")
        assert found and found == findings_of(tmp_path / "seq" / site / "findings.json"), site
    lines = parallel.stderr.splitlines()
    assert all(LOG_LINE.match(line) for line in lines), lines
    for site, name in (("a", "甲县人民政府"), ("b", "乙县人民政府"), ("c", "丙县人民政府")):
        assert any(f" INFO [{site}] {name}: run #" in line for line in lines), lines
    assert any(" ERROR [bad] " in line and "politeness.speed" in line for line in lines)
    store = Store(db_url)
    with store.session() as s:
        assert sorted(s.scalars(select(Run.status))) == ["finished"] * 3
        assert s.scalar(select(func.count()).select_from(RunLock)) == 0
    store.dispose()


def test_a_quiet_good_parallel_night_prints_nothing_at_all(tmp_path):
    with serve() as first, serve() as second:
        folder = profiles_folder(tmp_path, a=f"start_urls: [{first.url()}]\n",
                         b=f"start_urls: [{second.url()}]\n")  # fmt: skip
        night = subprocess.run(
            [sys.executable, "-m", "xuncha", "run", "--all", str(folder), "--quiet",
             "--parallel", "2", "--db", f"sqlite:///{tmp_path / 'x.db'}",
             "--out", str(tmp_path / "out"), *AS_OF],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    assert (night.returncode, night.stdout, night.stderr) == (0, "", "")
    assert (tmp_path / "out" / "a" / "report.html").is_file()
    assert (tmp_path / "out" / "b" / "report.html").is_file()


def test_a_locked_site_is_reported_locked_while_the_others_run(postgres_database_url, tmp_path):
    with serve() as first, serve() as second:
        first_url = first.url()
        folder = profiles_folder(tmp_path, a=f"name: 甲\nstart_urls: [{first_url}]\n",
                         b=f"name: 乙\nstart_urls: [{second.url()}]\n")  # fmt: skip
        store = Store(postgres_database_url)
        site_id = site_id_for(store, load_profile(folder / "a.yaml"))
        with store.session() as s, s.begin():  # a live run of 甲 on this host: this test
            s.add(RunLock(site_id=site_id, host=this_host(), pid=os.getpid(),
                          acquired_at=datetime.now(UTC)))  # fmt: skip
        result = _night(folder, postgres_database_url, tmp_path / "out")  # default: parallel
        assert first.state.hits == []  # 甲 was not crawled
        assert any(p.startswith("/zwgk/tzgg/a") for p in second.state.hits)
    assert result.exit_code == 2, result.output
    head, locked, done = result.stdout.splitlines()
    assert head == "巡查 2 个站点，1 个有问题（退出码 2）"
    assert locked.startswith(
        f"  甲：正在被另一次检测占用，-，无结论 — 甲 ({first_url}) is "
        f"already being inspected (host {this_host()}, pid {os.getpid()}"
    )
    assert done.startswith("  乙：已完成，问题 ")
    with store.session() as s:
        assert s.get_one(RunLock, site_id).pid == os.getpid()  # the holder's lock stands
        assert [r.status for r in s.scalars(select(Run))] == ["finished"]
    store.dispose()


@pytest.mark.parametrize("everyone", [False, True], ids=["night-alone", "every-process"])
def test_sigterm_stops_the_parallel_night_and_skips_the_sites_left(db_url, tmp_path, everyone):
    """systemd stopping the unit: the running sites stop and keep what they crawled, the site
    not yet started is skipped; the summary and exit code of a sequential night. Sent to every
    process at once (systemd's KillMode=control-group), it is still one stop: no crawl is
    hurried as by a second signal."""
    with serve() as first, serve() as second, serve() as third:
        first.state.gate.clear()
        second.state.gate.clear()
        folder = profiles_folder(tmp_path, a=f"name: 甲\nstart_urls: [{first.url()}]\n",
                         b=f"name: 乙\nstart_urls: [{second.url()}]\n",
                         c=f"name: 丙\nstart_urls: [{third.url()}]\n")  # fmt: skip
        night = subprocess.Popen(
            [sys.executable, "-m", "xuncha", "run", "--all", str(folder), "--parallel", "2",
             "--db", db_url, "--out", str(tmp_path / "out"), *AS_OF],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            wait_for(lambda: articles_asked(first) and articles_asked(second))
            assert night.poll() is None
            processes = [night.pid, *(descendants(night.pid) if everyone else [])]
            assert len(processes) == (5 if everyone else 1)  # the night, 2 sites, 2 crawls
            for pid in processes:
                os.kill(pid, signal.SIGTERM)
            time.sleep(1)
            first.state.gate.set()  # in-flight articles finish; the crawls then stop
            second.state.gate.set()
            out, err = night.communicate(timeout=150)
        finally:
            if night.poll() is None:
                night.kill()
                night.communicate()
        assert third.state.hits == []
    assert night.returncode == 2, err
    assert out.splitlines() == [
        "巡查 3 个站点，3 个有问题（退出码 2）",
        "  甲：中断，问题 0 个，无结论 — crawl ended: shutdown",
        "  乙：中断，问题 0 个，无结论 — crawl ended: shutdown",
        "  c.yaml：未运行，-，无结论 — the night was stopped",
    ]
    assert "Traceback" not in err and "再次收到" not in err, err
    stopping = [line for line in err.splitlines() if "正在停止抓取（最多等待 60 秒）" in line]
    assert sorted(line.split(" ")[3] for line in stopping) == ["[a]", "[b]"], err
    store = Store(db_url)
    with store.session() as s:
        runs = s.scalars(select(Run).order_by(Run.id)).all()
        assert sorted((r.status, r.pages > 0) for r in runs) == [("interrupted", True)] * 2
        assert s.scalar(select(func.count()).select_from(RunLock)) == 0
    store.dispose()
