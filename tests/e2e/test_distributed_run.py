"""End to end: one run of the demo portal crawled by two processes on a shared Redis frontier
(分布式巡查) — ``xuncha run --redis`` and a ``xuncha worker --once`` started apart — against the
same run in one process.

Real parts only: the demo portal on loopback, each answer delayed (so the crawl is bound by
latency, as against a real portal, and both workers get work), the local Redis under a key
namespace of the test's own, PostgreSQL, and the commands in processes of their own. What was
fetched is counted at the server, which no worker can fool.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
import redis
import yaml
from distributed_lab import (
    REDIS_URL,
    ROOT,
    PacedFiles,
    answered,
    assert_fetched_as_by_one_process,
    command_env,
    drop_keys,
    new_prefix,
    pace,
    redis_keys,
    start_worker,
    wait_until,
    xuncha,
)
from sqlalchemy import create_engine, text

from xuncha.demo import DEMO_AS_OF, DemoPortal, demo_profile
from xuncha.demo.expected import PLANTED
from xuncha.store import Store

PAUSE = 0.02  # seconds the portal takes per answer
CONCURRENCY = "4"  # requests in flight per process
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _runs(db_url: str) -> list[dict]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            runs = [dict(row._mapping) for row in conn.execute(text(
                "SELECT id, status, complete, message, pages, links_checked, stats FROM runs "
                "ORDER BY id"))]  # fmt: skip
            for run in runs:
                run["columns"] = sorted(conn.execute(text(
                    "SELECT url, name, list_pages, items, newest FROM columns WHERE run_id = :r"
                ), {"r": run["id"]}).all())  # fmt: skip
                run["pages_stored"] = conn.execute(
                    text("SELECT count(*) FROM pages WHERE run_id = :r"), {"r": run["id"]}
                ).scalar()
    finally:
        engine.dispose()
    return runs


@pytest.fixture(scope="module")
def demo_runs(postgres_database_url, tmp_path_factory):
    """The paced demo portal inspected twice into one database: first in one process, then
    (``--full``, so not incrementally) by ``xuncha run --redis`` and one ``xuncha worker``."""
    work = tmp_path_factory.mktemp("distributed")
    prefix = new_prefix()
    env = command_env(prefix)
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
            joiner = start_worker(db, env)
            shared = xuncha(*common, "--out", str(work / "shared"), "--full",
                            "--redis", REDIS_URL, env=env)  # fmt: skip
            joined = joiner.finish()
            shared_requests = answered(portal)
            leftovers = redis_keys(prefix)
            planted = Counter((p.check, p.subtype, p.resolve(portal)) for p in PLANTED)
        finally:
            drop_keys(prefix)
    findings = [json.loads((work / out / "findings.json").read_text("utf-8"))
                for out in ("single", "shared")]  # fmt: skip
    yield {
        "planted": planted,
        "commands": (single, shared),
        "worker": joined,
        "requests": (single_requests, shared_requests),
        "findings": findings,
        "runs": _runs(db),
        "leftovers": leftovers,
    }


def test_both_runs_finished_complete(demo_runs):
    for done in (*demo_runs["commands"],):
        assert done.returncode == 0, done.stderr[-3000:]
    code, out, err = demo_runs["worker"]
    assert code == 0, err[-3000:]
    assert "加入检测 #2" in err and "分布式抓取结束" in out
    single, shared = demo_runs["runs"]
    assert (single["status"], single["complete"]) == ("finished", True)
    assert (shared["status"], shared["complete"], shared["message"]) == ("finished", True, None)
    frontier = shared["stats"]["frontier"]
    assert sorted(w["seed"] for w in frontier["workers"]) == [False, True]
    assert (frontier["lost"], frontier["left_early"], frontier["stopped"]) == ([], [], None)
    assert "frontier" not in single["stats"]


def test_no_url_fetched_more_often_than_by_one_process(demo_runs):
    assert_fetched_as_by_one_process(*demo_runs["requests"])


def test_both_workers_took_a_meaningful_share(demo_runs):
    single, shared = demo_runs["runs"]
    shares = [w["responses"] for w in shared["stats"]["frontier"]["workers"]]
    assert len(shares) == 2
    assert single["stats"]["downloader/response_count"] >= sum(shares) > 150
    assert min(shares) >= sum(shares) // 5, shares


def test_same_findings_as_one_process(demo_runs):
    single, shared = demo_runs["findings"]
    assert shared["findings"], "no findings at all"
    assert {f["id"] for f in shared["findings"]} == {f["id"] for f in single["findings"]}
    found = Counter((f["check"], f["subtype"], f["url"]) for f in shared["findings"])
    assert found == demo_runs["planted"]  # every planted defect, nothing else
    assert shared["score"]["verdict"] == single["score"]["verdict"] == "不合格"


def test_same_pages_links_and_columns(demo_runs):
    single, shared = demo_runs["runs"]
    assert shared["pages"] == single["pages"] == single["pages_stored"] > 100
    assert shared["pages_stored"] == single["pages_stored"]
    assert shared["links_checked"] == single["links_checked"] > 100
    assert shared["columns"] == single["columns"] and len(shared["columns"]) > 10


def test_no_redis_keys_left(demo_runs):
    assert demo_runs["leftovers"] == []


# -- a run that ends early, or must not start ---------------------------------------------------


def test_unreachable_site_stops_every_worker(postgres_database_url, tmp_path):
    """The start URL fails (a 404, slow enough for the worker to have joined) on whichever
    worker fetches it: 站点无法访问 for the run, and the other worker stops too rather than
    wait for a crawl that will not come."""
    prefix = new_prefix()
    env = command_env(prefix)
    db = postgres_database_url
    (tmp_path / "empty").mkdir()
    with PacedFiles({"127.0.0.1": tmp_path / "empty"}, pause=3.0) as site:
        try:
            joiner = start_worker(db, env)
            done = xuncha("run", "--url", site.origin("127.0.0.1"), "--db", db, "--redis",
                          REDIS_URL, "--out", str(tmp_path / "out"), env=env)  # fmt: skip
            code, out, err = joiner.finish(timeout=60)
            leftovers = redis_keys(prefix)
        finally:
            drop_keys(prefix)
        hits = site.take_hits()
    assert done.returncode == 2, done.stderr[-3000:]
    assert "站点无法访问：HTTP 404" in done.stderr
    run = _runs(db)[-1]
    assert (run["status"], run["complete"]) == ("failed", False)
    frontier = run["stats"]["frontier"]
    assert frontier["stopped"] == "site_unreachable"
    assert sorted(w["reason"] for w in frontier["workers"]) == ["site_unreachable"] * 2
    assert code == 2 and "site_unreachable" in out, err[-3000:]
    assert [hit.path for hit in hits] == ["/"]  # nothing else was asked for
    document = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert [f["check"] for f in document["findings"]] == ["site_unreachable"]
    assert leftovers == []


def test_a_lost_worker_makes_the_run_incomplete(postgres_database_url, tmp_path):
    """A worker killed mid-crawl takes what it held with it: the run finishes without it (once
    its heartbeat has expired) but is not complete — no score, no 整改 confirmed from it."""
    prefix = new_prefix()
    env = command_env(prefix)
    db = postgres_database_url
    with DemoPortal(tmp_path / "portal") as portal:
        pace(portal, 0.1)
        profile = tmp_path / "demo.yaml"
        profile.write_text(yaml.safe_dump(demo_profile(portal), allow_unicode=True), "utf-8")
        try:
            joiner = start_worker(db, env)
            run = subprocess.Popen(
                [sys.executable, "-m", "xuncha", "run", "--profile", str(profile), "--db", db,
                 "--as-of", DEMO_AS_OF.isoformat(), "--concurrency", "2", "--redis", REDIS_URL,
                 "--out", str(tmp_path / "out")],
                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            wait_until(lambda: _workers_on_runs(prefix) == 2)
            joined_at = len(portal.requests)
            wait_until(lambda: len(portal.requests) >= joined_at + 20)
            joiner.kill()
            joiner.process.communicate()
            out, err = run.communicate(timeout=240)
            leftovers = redis_keys(prefix)
        finally:
            drop_keys(prefix)
    assert run.returncode == 0, err[-3000:]
    stored = _runs(db)[-1]
    assert (stored["status"], stored["complete"]) == ("finished", False)
    assert stored["message"] == "分布式巡查有 1 个工作进程中途退出，部分页面未抓取"
    assert len(stored["stats"]["frontier"]["lost"]) == 1
    document = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert document["score"] is None  # a partial crawl gets findings, not a verdict
    assert leftovers == []


def _workers_on_runs(prefix: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = client.scan_iter(match=f"{prefix}:frontier:*:workers")
        return sum(client.scard(key) for key in keys)
    finally:
        client.close()


COMMANDS = [
    ("run", ["run", "--url", "http://127.0.0.1:1/", "--redis", UNREACHABLE_REDIS]),
    ("worker", ["worker", "--redis", UNREACHABLE_REDIS]),
]


@pytest.mark.parametrize("args", [c[1] for c in COMMANDS], ids=[c[0] for c in COMMANDS])
def test_unreachable_redis_is_one_line(args, postgres_database_url, tmp_path):
    done = xuncha(*args, "--db", postgres_database_url, env=command_env(new_prefix()))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "xuncha: 无法连接 Redis redis://127.0.0.1:1/0：Error 111 connecting to 127.0.0.1:1. "
        "Connection refused.（请检查 --redis 地址与 Redis 服务）"
    ]
    assert done.stdout == ""


@pytest.mark.parametrize("args", [c[1] for c in COMMANDS], ids=[c[0] for c in COMMANDS])
def test_redis_with_sqlite_is_refused(args, tmp_path):
    database = tmp_path / "xuncha.db"
    args = [a if a != UNREACHABLE_REDIS else REDIS_URL for a in args]
    done = xuncha(*args, "--db", f"sqlite:///{database}", env=command_env(new_prefix()))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("xuncha: --redis 需要各工作进程都能连接的数据库") and "SQLite" in line
    assert not database.exists()  # refused before anything was created


def test_worker_refuses_a_run_of_another_database(postgres_database_url, tmp_path):
    """A worker writes rows only into the database the run is in: one pointed at another
    says so and leaves the run to the others."""
    prefix = new_prefix()
    env = command_env(prefix)
    (tmp_path / "empty").mkdir()
    with PacedFiles({"127.0.0.1": tmp_path / "empty"}, pause=3.0) as site:
        try:
            joiner = start_worker(_other_database(postgres_database_url), env)
            done = xuncha("run", "--url", site.origin("127.0.0.1"), "--redis", REDIS_URL,
                          "--db", postgres_database_url, "--out", str(tmp_path / "out"),
                          env=env)  # fmt: skip
            code, out, err = joiner.finish(timeout=60)
        finally:
            drop_keys(prefix)
    assert done.returncode == 2  # the site: a 404
    assert code == 2 and out == ""
    assert "--db 须与 xuncha run 的相同" in err


def _other_database(db_url: str) -> str:
    """A schema of its own in the same server, migrated and empty: a database the run is
    not in."""
    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text('CREATE SCHEMA IF NOT EXISTS "elsewhere"'))
    engine.dispose()
    url = f"{db_url}?options=-csearch_path%3Delsewhere"
    Store(url).dispose()
    return url
