"""End to end: ``xuncha run --workers 2`` (本机多进程巡查) — one command, two crawl processes on
the shared Redis frontier — against the same run in one process.

Real parts only, as in tests/e2e/test_distributed_run.py: the demo portal on loopback, each
answer delayed (so both processes get work), the local Redis under a key namespace of the
test's own, PostgreSQL, the command in a process of its own. What was fetched is counted at the
server; what is left behind is looked for in Redis and among the machine's processes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import yaml

from xuncha.demo import DEMO_AS_OF, DemoPortal, demo_profile
from xuncha.demo.expected import PLANTED

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from distributed_lab import (  # noqa: E402
    REDIS_URL,
    ROOT,
    answered,
    assert_fetched_as_by_one_process,
    command_env,
    drop_keys,
    new_prefix,
    pace,
    redis_keys,
    wait_until,
    xuncha,
)

sys.path.remove(str(Path(__file__).resolve().parent / "e2e"))

PAUSE = 0.02  # seconds the portal takes per answer
CONCURRENCY = "4"  # requests in flight per process


def _runs(db_url: str) -> list[dict]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(text(
                "SELECT id, status, complete, message, pages, links_checked, stats FROM runs "
                "ORDER BY id"))]  # fmt: skip
    finally:
        engine.dispose()


def _processes_of(prefix: str) -> list[int]:
    """Live processes started for the test's namespace (it is in their environment)."""
    found = []
    mark = f"XUNCHA_REDIS_PREFIX={prefix}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if mark in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def _local_workers(prefix: str) -> list[int]:
    """The crawl processes ``--workers`` started beside the run's own (their request files
    are in a folder of their own)."""
    found = []
    for pid in _processes_of(prefix):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"crawler.crawl" in command and any(b"xuncha-workers-" in part for part in command):
            found.append(pid)
    return found


def _workers_on_runs(prefix: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return sum(client.scard(key) for key in client.scan_iter(f"{prefix}:frontier:*:workers"))
    finally:
        client.close()


def _two_processes(profile: Path, db: str, out: Path) -> list[str]:
    return ["run", "--profile", str(profile), "--db", db, "--as-of", DEMO_AS_OF.isoformat(),
            "--concurrency", "2", "--workers", "2", "--redis", REDIS_URL,
            "--out", str(out)]  # fmt: skip


def _start_run(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "xuncha", *args], env=env, cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_runs(postgres_database_url, tmp_path_factory):
    """The paced demo portal inspected twice into one database: in one process, then
    (``--full``, so not incrementally) by ``xuncha run --workers 2``, Redis from the
    environment."""
    work = tmp_path_factory.mktemp("workers")
    prefix = new_prefix()
    env = command_env(prefix)
    env["XUNCHA_REDIS_URL"] = REDIS_URL
    db = postgres_database_url
    with DemoPortal(work / "portal") as portal:
        pace(portal, PAUSE)
        profile = work / "demo.yaml"
        profile.write_text(yaml.safe_dump(demo_profile(portal), allow_unicode=True), "utf-8")
        common = ["run", "--profile", str(profile), "--db", db, "--as-of",
                  DEMO_AS_OF.isoformat(), "--concurrency", CONCURRENCY]  # fmt: skip
        single = xuncha(*common, "--out", str(work / "single"), env=env)
        single_requests = answered(portal)
        portal.reset()
        try:
            shared = xuncha(*common, "--out", str(work / "shared"), "--full", "--workers", "2",
                            env=env)  # fmt: skip
            shared_requests = answered(portal)
            leftovers = redis_keys(prefix)
            processes = _processes_of(prefix)
            planted = Counter((p.check, p.subtype, p.resolve(portal)) for p in PLANTED)
        finally:
            drop_keys(prefix)
    findings = [json.loads((work / out / "findings.json").read_text("utf-8"))
                for out in ("single", "shared")]  # fmt: skip
    yield {
        "planted": planted,
        "commands": (single, shared),
        "requests": (single_requests, shared_requests),
        "findings": findings,
        "runs": _runs(db),
        "leftovers": leftovers,
        "processes": processes,
    }


def test_both_runs_finished_complete_with_two_processes(demo_runs):
    for done in demo_runs["commands"]:
        assert done.returncode == 0, done.stderr[-3000:]
    single, shared = demo_runs["runs"]
    assert (single["status"], single["complete"]) == ("finished", True)
    assert (shared["status"], shared["complete"], shared["message"]) == ("finished", True, None)
    frontier = shared["stats"]["frontier"]
    assert sorted(w["seed"] for w in frontier["workers"]) == [False, True]
    assert (frontier["lost"], frontier["left_early"], frontier["stopped"]) == ([], [], None)
    shares = [w["responses"] for w in frontier["workers"]]
    assert single["stats"]["downloader/response_count"] >= sum(shares) > 150
    assert min(shares) >= sum(shares) // 5, shares


def test_same_summary_and_findings_as_one_process(demo_runs):
    single, shared = demo_runs["findings"]
    assert shared["findings"], "no findings at all"
    one, two = (Counter((f["check"], f["subtype"], f["url"]) for f in document["findings"])
                for document in (single, shared))  # fmt: skip
    assert two == one, (sorted((one - two).elements()), sorted((two - one).elements()))
    assert {f["id"] for f in shared["findings"]} == {f["id"] for f in single["findings"]}
    assert two == demo_runs["planted"]  # every planted defect, nothing else
    assert shared["score"] == single["score"]
    first, second = (_summary(done.stdout) for done in demo_runs["commands"])
    assert first == second and "发现问题" in first  # the same summary, but for its run and time


def _summary(text: str) -> str:
    """The run summary without what differs between two runs: id, duration, output folder."""
    text = re.sub(r"#\d+", "#N", text)
    text = re.sub(r"用时 [^，\n]*", "用时 T", text)
    return re.sub(r"/(single|shared)/", "/OUT/", text)


def test_no_url_fetched_twice(demo_runs):
    assert_fetched_as_by_one_process(*demo_runs["requests"])


def test_nothing_left_behind(demo_runs):
    assert demo_runs["leftovers"] == []
    assert demo_runs["processes"] == []


# -- a process lost, a stop, a refusal ------------------------------------------------------------


@contextmanager
def _two_processes_crawling(
    tmp_path: Path, db: str
) -> Iterator[tuple[subprocess.Popen[str], DemoPortal, str]]:
    """`xuncha run --workers 2` started on the slowed demo portal, once both of its processes
    crawl: (the command, the portal, the test's Redis namespace), its keys dropped after."""
    prefix = new_prefix()
    with DemoPortal(tmp_path / "portal") as portal:
        pace(portal, 0.1)
        profile = tmp_path / "demo.yaml"
        profile.write_text(yaml.safe_dump(demo_profile(portal), allow_unicode=True), "utf-8")
        try:
            run = _start_run(_two_processes(profile, db, tmp_path / "out"), command_env(prefix))
            wait_until(lambda: _workers_on_runs(prefix) == 2)
            yield run, portal, prefix
        finally:
            drop_keys(prefix)


def test_a_killed_worker_leaves_a_finished_incomplete_run(postgres_database_url, tmp_path):
    """One of the two processes killed mid-crawl: the other crawls on to the end, and the run
    is finished but not complete (what the dead one held was never fetched) — no score."""
    db = postgres_database_url
    with _two_processes_crawling(tmp_path, db) as (run, portal, prefix):
        joined_at = len(portal.requests)
        wait_until(lambda: len(portal.requests) >= joined_at + 20)
        (helper,) = _local_workers(prefix)
        os.kill(helper, signal.SIGKILL)
        killed_at = len(portal.requests)
        out, err = run.communicate(timeout=240)
        after = len(portal.requests) - killed_at
        leftovers = redis_keys(prefix)
        processes = _processes_of(prefix)
    assert run.returncode == 0, err[-3000:]
    assert f"本机抓取进程 {helper} 意外退出（信号 SIGKILL）" in err
    assert after > 20  # the other process crawled on
    stored = _runs(db)[-1]
    assert (stored["status"], stored["complete"]) == ("finished", False)
    assert stored["message"] == "分布式巡查有 1 个工作进程中途退出，部分页面未抓取"
    assert len(stored["stats"]["frontier"]["lost"]) == 1
    document = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert document["score"] is None  # a partial crawl gets findings, not a verdict
    assert (leftovers, processes) == ([], [])


def test_sigterm_stops_every_process(postgres_database_url, tmp_path):
    """SIGTERM to ``xuncha run`` alone (as ``kill`` sends it): both processes stop, the run
    is stored interrupted, and nothing is left running or in Redis."""
    db = postgres_database_url
    with _two_processes_crawling(tmp_path, db) as (run, portal, prefix):
        wait_until(lambda: len(portal.requests) >= 30)
        run.send_signal(signal.SIGTERM)
        out, err = run.communicate(timeout=120)
        fetched = len(portal.requests)
        leftovers = redis_keys(prefix)
        processes = _processes_of(prefix)
    assert run.returncode == 2, err[-3000:]
    stored = _runs(db)[-1]
    assert (stored["status"], stored["complete"]) == ("interrupted", False)
    assert sorted(w["reason"] for w in stored["stats"]["frontier"]["workers"]) == ["shutdown"] * 2
    assert fetched < 150  # stopped, not crawled to the end
    assert (leftovers, processes) == ([], [])


SQLITE_REFUSED = (
    "xuncha: --workers 需要各工作进程都能连接的数据库（如 PostgreSQL），SQLite 文件只在本机："
    "请用 --db postgresql+psycopg://… 或 XUNCHA_DB"
)
REFUSALS = [
    # (id, arguments, $XUNCHA_REDIS_URL, the one line)
    ("sqlite", ["--redis", REDIS_URL, "--db", "sqlite:///{db}"], None, SQLITE_REFUSED),
    ("sqlite-redis-from-env", ["--db", "sqlite:///{db}"], REDIS_URL, SQLITE_REFUSED),
    ("no-redis", ["--db", "postgresql+psycopg://postgres@127.0.0.1/x"], None,
     "xuncha: --workers 需要 Redis 保存共享的待抓取队列：请用 --redis redis://… 或设置 "
     "XUNCHA_REDIS_URL"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "env_redis", "line"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])  # fmt: skip
def test_workers_refused_in_one_line(args, env_redis, line, tmp_path):
    database = tmp_path / "xuncha.db"
    env = command_env(new_prefix())
    env.pop("XUNCHA_REDIS_URL", None)
    if env_redis:
        env["XUNCHA_REDIS_URL"] = env_redis
    args = [a.format(db=database) for a in args]
    done = xuncha("run", "--url", "http://127.0.0.1:1/", "--workers", "2", *args, env=env)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [line]
    assert done.stdout == ""
    assert not database.exists()  # refused before anything was created
