"""`xuncha run --all`, --fail-on and --quiet: a night of several sites as cron runs it."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from nightly_sites import serve
from sqlalchemy import func, select

from xuncha import tracking
from xuncha.cli import cli
from xuncha.run.night import SiteResult, summary_lines, worst_exit
from xuncha.store import Finding, Run, RunLock, Store

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING|ERROR) \S.*$")
AS_OF = ["--as-of", "2026-10-10"]


@pytest.fixture(scope="module")
def portal():
    with serve() as portal:
        yield portal


@pytest.fixture
def refused_url():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sock.close()


def _folder(tmp_path: Path, **profiles: str) -> Path:
    folder = tmp_path / "sites"
    folder.mkdir()
    for name, text in profiles.items():
        stem, suffix = name.rsplit("_", 1)
        (folder / f"{stem}.{suffix}").write_text(text, encoding="utf-8")
    return folder


def _document(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_run_all_goes_through_every_site_and_exits_with_the_worst(portal, refused_url, tmp_path):
    folder = _folder(
        tmp_path,
        a_good_yaml=f"name: 某县人民政府\nstart_urls: [{portal.url()}]\n",
        b_down_yml=f"name: 某市交通运输局\nstart_urls: [{refused_url}]\n",
        c_bad_yaml=f"start_urls: [{portal.url()}]\npoliteness:\n  speed: 3\n",
        notes_txt="not a profile",
    )
    db, out = f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "--all", str(folder), "--db", db, "--out", str(out),
                                      *AS_OF])  # fmt: skip
    assert result.exit_code == 2, result.output
    good, down = (
        _document(out / "a_good" / "findings.json"),
        _document(out / "b_down" / "findings.json"),
    )
    assert (out / "a_good" / "report.html").is_file() and not (out / "c_bad").exists()
    assert (good["run"]["status"], down["run"]["status"]) == ("finished", "failed")
    store = Store(db)
    with store.session() as s:
        runs = s.execute(select(Run.status, Run.message).order_by(Run.id)).all()
        assert s.scalar(select(func.count()).select_from(RunLock)) == 0
    store.dispose()
    assert [status for status, _ in runs] == ["finished", "failed"]
    unreachable = runs[1].message
    assert unreachable.startswith("站点无法访问：")
    assert result.stdout.splitlines() == [
        "巡查 3 个站点，2 个有问题（退出码 2）",
        f"  某县人民政府：已完成，问题 {len(good['findings'])} 个，{good['score']['verdict']}",
        f"  某市交通运输局：失败，问题 1 个，不合格 — {unreachable}",
        f"  c_bad.yaml：出错，-，无结论 — {folder / 'c_bad.yaml'}:3: politeness.speed: unknown key",
    ]  # fmt: skip
    lines = result.stderr.splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), lines
    assert [line.split(" ")[2] for line in lines] == ["INFO", "INFO", "INFO", "ERROR", "ERROR"]


def test_quiet_prints_only_the_sites_with_problems(portal, refused_url, tmp_path):
    folder = _folder(
        tmp_path,
        a_yaml=f"name: 某县人民政府\nstart_urls: [{portal.url()}]\n",
        b_yaml=f"name: 某市交通运输局\nstart_urls: [{refused_url}]\n",
    )
    result = CliRunner().invoke(cli, ["run", "--all", str(folder), "--quiet", "--lang", "en",
                                      "--db", f"sqlite:///{tmp_path / 'x.db'}",
                                      "--out", str(tmp_path / "out"), *AS_OF])  # fmt: skip
    assert result.exit_code == 2
    head, *sites = result.stdout.splitlines()
    assert head == "2 sites, 1 with problems (exit code 2)"
    assert [line.split(" — ")[0] for line in sites] == [
        "  某市交通运输局: failed, 1 findings, verdict fail"
    ]
    assert [line.split(" ")[2] for line in result.stderr.splitlines()] == ["ERROR"]


def test_a_quiet_good_night_prints_nothing_at_all(portal, tmp_path):
    """Cron mails only when a job prints: the crawler's progress is off too."""
    folder = _folder(tmp_path, a_yaml=f"start_urls: [{portal.url()}]\n")
    night = subprocess.run(
        [sys.executable, "-m", "xuncha", "run", "--all", str(folder), "--quiet",
         "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(tmp_path / "out"), *AS_OF],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert (night.returncode, night.stdout, night.stderr) == (0, "", "")
    assert (tmp_path / "out" / "a" / "report.html").is_file()


def test_fail_on_counts_the_open_findings_of_this_run(portal, tmp_path):
    profile = tmp_path / "site.yaml"
    profile.write_text(f"name: 某县人民政府\nstart_urls: [{portal.url()}]\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"

    def night(fail_on: str, out: str):
        result = CliRunner().invoke(cli, ["run", "--profile", str(profile), "--db", db,
                                          "--out", str(tmp_path / out), "--fail-on", fail_on,
                                          *AS_OF])  # fmt: skip
        return result, _document(tmp_path / out / "findings.json")

    first, document = night("high", "1")
    high = [f for f in document["findings"] if f["severity"] == "high"]
    medium = [f for f in document["findings"] if f["severity"] == "medium"]
    assert high and medium and first.exit_code == 1
    assert first.stderr.splitlines()[-1].endswith(
        f" WARNING 某县人民政府: {len(high)} open findings at or above high (--fail-on high)"
    )
    assert "检测报告：" in first.stdout  # the summary is still printed

    store = Store(db)
    with store.session() as s, s.begin():
        for finding in high:
            tracking.waive(s, finding["id"], reason="依法不予公开", actor="测试")
    store.dispose()
    second, _ = night("high", "2")
    assert second.exit_code == 0, second.output  # waived findings are not open
    third, _ = night("medium", "3")
    assert third.exit_code == 1
    assert f" {len(medium)} open findings at or above medium " in third.stderr
    store = Store(db)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Finding).where(
            Finding.status == "waived")) == len(high)  # fmt: skip
    store.dispose()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing", "no such folder of site profiles"),
        (lambda tmp: tmp, "no site profiles (*.yaml, *.yml) in this folder"),
    ],
    ids=["missing-folder", "empty-folder"],
)
def test_a_wrong_folder_is_one_error_line_and_no_database(tmp_path, make, message):
    db = tmp_path / "x.db"
    result = CliRunner().invoke(
        cli, ["run", "--all", str(make(tmp_path)), "--db", f"sqlite:///{db}"]
    )
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert LOG_LINE.match(result.stderr) and message in result.stderr
    assert not db.exists()


def test_sigterm_stops_the_night_and_skips_the_sites_left(tmp_path):
    """systemd stopping the unit: the running site is interrupted, the next is not started."""
    with serve() as first_portal, serve() as second_portal:
        first_portal.state.gate.clear()
        folder = _folder(tmp_path, a_yaml=f"name: 甲\nstart_urls: [{first_portal.url()}]\n",
                         b_yaml=f"name: 乙\nstart_urls: [{second_portal.url()}]\n")  # fmt: skip
        night = subprocess.Popen(
            [sys.executable, "-m", "xuncha", "run", "--all", str(folder),
             "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(tmp_path / "out"), *AS_OF],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while not any(p.startswith("/zwgk/tzgg/a") for p in first_portal.state.hits):
                assert time.monotonic() < deadline and night.poll() is None
                time.sleep(0.1)
            night.send_signal(signal.SIGTERM)
            first_portal.state.gate.set()  # in-flight articles finish; the crawl then stops
            out, err = night.communicate(timeout=120)
        finally:
            if night.poll() is None:
                night.kill()
                night.communicate()
        assert second_portal.state.hits == []
    assert night.returncode == 2, err
    assert out.splitlines()[1:] == [
        "  甲：中断，问题 0 个，无结论 — crawl ended: shutdown",
        "  b.yaml：未运行，-，无结论 — the night was stopped",
    ]


@pytest.mark.parametrize(
    ("codes", "worst"),
    [([], 0), ([0, 0], 0), ([0, 1], 1), ([1, 2, 0], 2)],
    ids=["none", "all-done", "findings", "error-wins"],
)
def test_worst_exit(codes, worst):
    assert worst_exit([SiteResult(f"s{i}", "finished", c) for i, c in enumerate(codes)]) == worst


def test_summary_lines_in_english():
    results = [
        SiteResult("甲", "finished", 0, run_id=1, findings=3, verdict="合格"),
        SiteResult("乙", "finished", 1, run_id=2, findings=5, failing=2, verdict="不合格"),
        SiteResult("丙", "locked", 2, message="丙 is already being inspected (…)"),
    ]
    assert summary_lines(results, "en") == [
        "3 sites, 2 with problems (exit code 2)",
        "  甲: finished, 3 findings, verdict pass",
        "  乙: finished, 5 findings, verdict fail, 2 at or above --fail-on",
        "  丙: locked by another run, -, verdict no verdict — 丙 is already being inspected (…)",
    ]
    assert summary_lines(results[:1], "en", quiet=True) == []


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_documents_the_exit_codes_and_its_commands_parse():
    import shlex

    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"bin/xuncha ([^\n`#>]*)", text)
    assert len(commands) >= 15
    for command in commands:  # every option the README shows exists (--help stops before running)
        result = CliRunner().invoke(cli, [*shlex.split(command), "--help"])
        assert result.exit_code == 0, (command, result.output)
    for code in ("`0`", "`1`", "`2`"):
        assert f"| {code} |" in text
    help_text = CliRunner().invoke(cli, ["run", "--help"]).output
    assert "1  open findings at or above --fail-on" in help_text
