"""A night's sites over several machines (多机夜间巡查): `xuncha run --all DIR --queue URL` queues
the sites on Redis (RQ), `xuncha worker --sites` processes take them. Two worker processes
stand in for two machines, sharing PostgreSQL and Redis: the night's summary and findings are a
local night's, no site runs twice, and a killed or stopped worker's site is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nightly_sites import (
    articles_asked,
    descendants,
    findings_of,
    profiles_folder,
    serve,
    three_sites_and_a_bad_profile,
    wait_for,
)
from sqlalchemy import select

from xuncha.run.lock import (
    ABANDONED_WORKER_MESSAGE,
    KILLED_MESSAGE,
    Holder,
    takeover_reason,
)
from xuncha.store import Run, RunLock, Site, Store

REDIS_URL = os.environ.get("XUNCHA_TEST_REDIS", "redis://127.0.0.1:6379/0")
AS_OF = ["--as-of", "2026-10-10"]
HEARTBEAT = "1"  # seconds: a dead worker's site is taken over after about four
ENDS = 180  # seconds any command of these tests has to end


def _env(prefix: str) -> dict[str, str]:
    env = dict(os.environ, XUNCHA_REDIS_PREFIX=prefix)
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        env.pop(proxy, None)
    return env


@pytest.fixture
def prefix() -> Iterator[str]:
    """A Redis namespace of this test's own; its keys are removed after it."""
    import redis

    name = f"xuncha-test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"*{name}*"))
        keys += [key for key in client.scan_iter(match="rq:job:site-*")
                 if client.hget(key, "origin") == f"{name}:sites".encode()]  # fmt: skip
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _xuncha(*args: str, env: dict[str, str], **popen) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "xuncha", *args], env=env, text=True, **popen)


def _ran(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xuncha", *args], env=env, text=True,
                          capture_output=True, timeout=ENDS)  # fmt: skip


@contextmanager
def _workers(n: int, db: str, env: dict[str, str], logs: Path) -> Iterator[list[subprocess.Popen]]:
    """`n` site workers (two machines, as far as the queue can tell), each logging to a file."""
    logs.mkdir(exist_ok=True)
    started = []
    for i in range(n):
        with (logs / f"w{i}.log").open("w") as log:  # the worker has its own copy
            started.append(_xuncha("worker", "--sites", "--redis", REDIS_URL, "--db", db,
                                   "--heartbeat", HEARTBEAT, env=env, stderr=log,
                                   stdout=subprocess.DEVNULL))  # fmt: skip
    try:
        yield started
    finally:
        for worker in started:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in started:
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _log(logs: Path, i: int) -> str:
    return (logs / f"w{i}.log").read_text(encoding="utf-8")


def _inspected(logs: Path, *workers: int) -> Counter[str]:
    """How many times each site was started, over these workers' logs."""
    return Counter(
        line.split(" INFO ", 1)[1].split(":", 1)[0]
        for i in workers
        for line in _log(logs, i).splitlines()
        if ": inspecting http" in line
    )


def _runs(db: str, *portals) -> dict[str, list[tuple[str, str | None]]]:
    """The runs of the sites of these portals (the database is the module's), oldest first:
    (status, message) by site name."""
    urls = [portal.url() for portal in portals]
    store = Store(db)
    try:
        with store.session() as s:
            rows = s.execute(
                select(Site.name, Run.status, Run.message)
                .join(Run)
                .where(Site.start_url.in_(urls))
                .order_by(Run.id)
            )
            runs: dict[str, list[tuple[str, str | None]]] = {}
            for name, status, message in rows:
                runs.setdefault(name, []).append((status, message))
            assert s.scalars(select(RunLock)).all() == []
        return runs
    finally:
        store.dispose()


def test_the_queued_night_finds_what_the_local_night_finds(postgres_database_url, prefix,
                                                           tmp_path):  # fmt: skip
    """Three sites and a bad profile over two workers: the summary, the exit code and each
    site's findings of a local night; each site inspected once; both workers took sites — the
    one held by 甲's slow articles and the other, which took 乙 and 丙 meanwhile."""
    env = _env(prefix)
    logs = tmp_path / "logs"
    with serve() as first, serve() as second, serve() as third:
        folder = three_sites_and_a_bad_profile(tmp_path, first, second, third)
        local = _ran("run", "--all", str(folder), "--parallel", "1", "--db",
                     f"sqlite:///{tmp_path / 'local.db'}", "--out", str(tmp_path / "local"),
                     *AS_OF, env=env)  # fmt: skip
        first.state.gate.clear()  # 甲's articles wait until 丙 is done
        with _workers(2, postgres_database_url, env, logs):
            night = _xuncha("run", "--all", str(folder), "--queue", REDIS_URL, "--out",
                            str(tmp_path / "queued"), *AS_OF, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
            try:
                wait_for(lambda: (tmp_path / "queued" / "c" / "report.html").is_file(), ENDS)
                assert night.poll() is None  # 甲 still runs on the other worker
                first.state.gate.set()
                out, err = night.communicate(timeout=ENDS)
            finally:
                if night.poll() is None:
                    night.kill()
                    night.communicate()
        runs = _runs(postgres_database_url, first, second, third)
    assert (local.returncode, night.returncode) == (2, 2), err
    assert out == local.stdout
    assert out.splitlines()[0] == "巡查 4 个站点，1 个有问题（退出码 2）"
    assert "Traceback" not in err
    for site in ("a", "b", "c"):
        found = findings_of(tmp_path / "queued" / site / "findings.json")
        assert found and found == findings_of(tmp_path / "local" / site / "findings.json"), site
    assert _inspected(logs, 0, 1) == {"甲县人民政府": 1, "乙县人民政府": 1, "丙县人民政府": 1}
    took = {frozenset(_inspected(logs, 0)), frozenset(_inspected(logs, 1))}
    assert took == {frozenset({"甲县人民政府"}), frozenset({"乙县人民政府", "丙县人民政府"})}
    assert runs == {
        name: [("finished", None)] for name in ("甲县人民政府", "乙县人民政府", "丙县人民政府")
    }


@pytest.mark.parametrize("how", ["killed", "stopped"])
def test_a_dead_or_stopped_workers_site_is_taken_over_and_finished(
    postgres_database_url, prefix, tmp_path, how
):
    """A worker killed outright (SIGKILL: its site's processes die with it) or stopped
    (SIGTERM: its site's crawl stops as `xuncha run`'s does) while its site is crawled: the
    other worker takes the site over and finishes it. The night reports every site finished,
    with the findings of a local night; the dead attempt's run is stored interrupted."""
    env = _env(prefix)
    logs = tmp_path / "logs"
    with serve() as first, serve() as second:
        folder = profiles_folder(tmp_path, a=f"name: 甲\nstart_urls: [{first.url()}]\n",
                         b=f"name: 乙\nstart_urls: [{second.url()}]\n")  # fmt: skip
        local = _ran("run", "--all", str(folder), "--parallel", "1", "--db",
                     f"sqlite:///{tmp_path / 'local.db'}", "--out", str(tmp_path / "local"),
                     *AS_OF, env=env)  # fmt: skip
        first.state.gate.clear()
        asked, first_url = len(first.state.hits), first.url()
        with _workers(2, postgres_database_url, env, logs) as workers:
            night = _xuncha("run", "--all", str(folder), "--queue", REDIS_URL, "--out",
                            str(tmp_path / "queued"), *AS_OF, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
            try:
                wait_for(lambda: articles_asked(first, asked), ENDS)
                (busy,) = [i for i in range(2) if ": inspecting " + first.url() in _log(logs, i)]
                victim, survivor = workers[busy], 1 - busy
                site_processes = descendants(victim.pid)
                assert len(site_processes) >= 2  # the work horse and the site's crawl
                if how == "killed":
                    victim.kill()
                    victim.wait(10)
                    wait_for(lambda: not any(Path(f"/proc/{p}").exists()
                                              for p in site_processes), 10)  # fmt: skip
                else:
                    victim.send_signal(signal.SIGTERM)
                    time.sleep(1)
                first.state.gate.set()
                out, err = night.communicate(timeout=ENDS)
                if how == "stopped":
                    assert victim.wait(60) == 0
            finally:
                if night.poll() is None:
                    night.kill()
                    night.communicate()
        runs = _runs(postgres_database_url, first, second)
    assert night.returncode == 0, err
    assert out == local.stdout
    assert out.splitlines() == [
        "巡查 2 个站点，0 个有问题（退出码 0）",
        "  甲：已完成，问题 17 个，合格",
        "  乙：已完成，问题 17 个，合格",
    ]
    for site in ("a", "b"):
        found = findings_of(tmp_path / "queued" / site / "findings.json")
        assert found == findings_of(tmp_path / "local" / site / "findings.json"), site
    assert runs["乙"] == [("finished", None)]
    assert runs["甲"][-1] == ("finished", None) and len(runs["甲"]) == 2
    assert runs["甲"][0][0] == "interrupted"
    if how == "killed":
        assert runs["甲"][0][1] == KILLED_MESSAGE
        assert "took over the run lock: " + KILLED_MESSAGE in _log(logs, survivor)
    else:
        assert runs["甲"][0][1] == "crawl ended: shutdown"
    assert _inspected(logs, 0, 1) == {"甲": 2, "乙": 1}
    assert ": inspecting " + first_url in _log(logs, survivor)


def test_a_stopped_dispatcher_takes_the_sites_not_started_off_the_queue(
    postgres_database_url, prefix, tmp_path
):
    """One worker busy with 甲, 乙 still queued: SIGTERM to the dispatcher leaves 甲 running on
    its worker and takes 乙 off the queue; the summary says so and the command exits 2. 甲 then
    ends on its worker, and 乙 is never inspected."""
    env = _env(prefix)
    logs = tmp_path / "logs"
    with serve() as first, serve() as second:
        folder = profiles_folder(tmp_path, a=f"name: 甲\nstart_urls: [{first.url()}]\n",
                         b=f"name: 乙\nstart_urls: [{second.url()}]\n")  # fmt: skip
        first.state.gate.clear()
        with _workers(1, postgres_database_url, env, logs):
            night = _xuncha("run", "--all", str(folder), "--queue", REDIS_URL, "--out",
                            str(tmp_path / "queued"), *AS_OF, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
            try:
                wait_for(lambda: articles_asked(first), ENDS)
                night.send_signal(signal.SIGTERM)
                out, err = night.communicate(timeout=60)
            finally:
                if night.poll() is None:
                    night.kill()
                    night.communicate()
            first.state.gate.set()
            wait_for(lambda: "甲: run #" in _log(logs, 0), ENDS)
            time.sleep(2 * float(HEARTBEAT) + 1)  # a worker would have taken 乙 by now
        assert second.state.hits == []
        runs = _runs(postgres_database_url, first, second)
    assert night.returncode == 2, err
    lines = out.splitlines()
    assert lines[0] == "巡查 2 个站点，2 个有问题（退出码 2）"
    assert lines[1].startswith("  甲：运行中，-，无结论 — the night was stopped; the site runs on")
    assert lines[2] == "  b.yaml：未运行，-，无结论 — the night was stopped"
    assert "Traceback" not in err
    assert runs == {"甲": [("finished", None)]}


def test_a_worker_refuses_a_profile_that_differs_from_the_queued_one(postgres_database_url,
                                                                     prefix, tmp_path):  # fmt: skip
    """The profiles are read on each machine: one whose copy was changed after the site was
    queued is not inspected as something else; the site's result says why."""
    import redis

    env = _env(prefix)
    with serve() as portal:
        folder = profiles_folder(tmp_path, a=f"name: 甲\nstart_urls: [{portal.url()}]\n")
        night = _xuncha("run", "--all", str(folder), "--queue", REDIS_URL, "--out",
                        str(tmp_path / "queued"), *AS_OF, env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        client = redis.Redis.from_url(REDIS_URL)
        try:
            wait_for(lambda: client.llen(f"rq:queue:{prefix}:sites") == 1, 60)
            (folder / "a.yaml").write_text(f"name: 乙\nstart_urls: [{portal.url()}]\n")
            worker = _ran("worker", "--sites", "--burst", "--redis", REDIS_URL, "--db",
                          postgres_database_url, env=env)  # fmt: skip
            out, err = night.communicate(timeout=ENDS)
        finally:
            client.close()
            if night.poll() is None:
                night.kill()
                night.communicate()
        assert portal.state.hits == []
    assert worker.returncode == 0, worker.stderr
    assert night.returncode == 2, err
    assert out.splitlines()[1].startswith("  甲：出错，-，无结论 — ")
    assert "differs from the one queued; give every machine the same sites folder" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--url", "http://127.0.0.1:9/", "--queue", REDIS_URL],
         "--queue goes with --all PROFILE_DIR"),
        (["run", "--all", ".", "--queue", REDIS_URL, "--parallel", "2"],
         "--queue hands the sites to `xuncha worker --sites`"),
        (["worker", "--redis", REDIS_URL, "--burst"], "--burst goes with --sites"),
        (["worker", "--redis", REDIS_URL, "--sites", "--once"], "with --sites use --burst"),
    ],
    ids=["queue-without-all", "queue-with-parallel", "burst-without-sites", "once-with-sites"],
)  # fmt: skip
def test_usage_errors_are_one_message(args, message, tmp_path):
    done = _ran(*args, "--db", "postgresql+psycopg://127.0.0.1:1/x", env=_env("unused"))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_unreachable_redis_and_sqlite_are_one_line_each(tmp_path):
    folder = profiles_folder(tmp_path, a="start_urls: [http://127.0.0.1:9/]\n")
    env = _env("unused")
    night = _ran("run", "--all", str(folder), "--queue", "redis://127.0.0.1:1/0", env=env)
    assert night.returncode == 2
    assert night.stderr.splitlines()[-1].endswith(
        "无法连接 Redis redis://127.0.0.1:1/0：Error 111 connecting to 127.0.0.1:1. "
        "Connection refused.（请检查 --redis 地址与 Redis 服务）"
    ), night.stderr
    worker = _ran("worker", "--sites", "--redis", REDIS_URL, "--db",
                  f"sqlite:///{tmp_path / 'x.db'}", env=env)  # fmt: skip
    assert worker.returncode == 2
    assert worker.stderr.splitlines() == [
        "xuncha: --sites 需要各工作进程都能连接的数据库（如 PostgreSQL），SQLite 文件只在本机："
        "请用 --db postgresql+psycopg://… 或 XUNCHA_DB"
    ]
    assert not (tmp_path / "x.db").exists()


NOW = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("holder", "abandoned", "expected"),
    [
        (("other", 41), {("other", 41)}, ABANDONED_WORKER_MESSAGE),  # its worker died
        (("other", 41), {("other", 42)}, None),  # another attempt died: this one may live
        (("other", 41), set(), None),  # nothing says it died
    ],
    ids=["declared-dead", "another-attempt", "not-declared"],
)
def test_the_queue_declares_another_hosts_holder_dead(holder, abandoned, expected):
    seen = Holder(holder[0], holder[1], NOW - timedelta(minutes=5), 7, "running")
    assert takeover_reason(seen, host="here", now=NOW, stale_after=timedelta(hours=12),
                           abandoned=frozenset(abandoned)) == expected  # fmt: skip
