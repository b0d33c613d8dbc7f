"""A lab for distributed runs (分布式巡查): the real commands in processes of their own, portals
paced on loopback, every Redis key under a namespace of its own.

Imported by ``test_distributed_run.py``, and run as a script for figures (speed belongs outside
the suite's assertions)::

    python tests/e2e/distributed_lab.py measure [ARTICLES [PAUSE_MS [CONCURRENCY [ROUNDS]]]]

``measure`` generates the benchmark's portal (benchmarks/portal.py: ARTICLES articles, ~35
links each), serves it with PAUSE_MS of latency per request (threads to spare: the server is
not the bottleneck), and crawls it ROUNDS times each way, alternating: one process
(``xuncha run``) and two (``xuncha run --redis`` with one ``xuncha worker --once``), each at
CONCURRENCY requests, into a fresh PostgreSQL database. It prints pages per second of the
crawl (first to last request at the server), the command's wall time and each worker's share.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(HERE.parent) not in sys.path:  # run as a script (``measure``): pytest did not add it
    sys.path.append(str(HERE.parent))

from loopback import Recorder, Request, Server, Site, folder  # noqa: E402

from xuncha.demo import article_paths  # noqa: E402

REDIS_URL = os.environ.get("XUNCHA_TEST_REDIS", "redis://127.0.0.1:6379/0")
POSTGRES_ADMIN_URL = os.environ.get(
    "XUNCHA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
EXIT_TIMEOUT = 240  # seconds: a command that has not ended by then never would


# -- the commands --------------------------------------------------------------------------------


def new_prefix() -> str:
    """A Redis namespace (``XUNCHA_REDIS_PREFIX``) no other test or deployment uses."""
    return f"xuncha-test-{uuid.uuid4().hex[:10]}"


def command_env(prefix: str) -> dict[str, str]:
    env = dict(os.environ, XUNCHA_REDIS_PREFIX=prefix)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(ROOT)) if p)
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        env.pop(proxy, None)
    return env


def xuncha(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m xuncha ARGS`` to its end."""
    return subprocess.run(
        [sys.executable, "-m", "xuncha", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=EXIT_TIMEOUT,
        cwd=ROOT,
    )


@dataclass
class WorkerProcess:
    """``xuncha worker --once`` in a session of its own (it and its crawl child)."""

    process: subprocess.Popen[str]
    first_line: str

    def finish(self, timeout: float = EXIT_TIMEOUT) -> tuple[int, str, str]:
        """Wait for it to leave; (exit code, stdout, stderr)."""
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            out, err = self.process.communicate()
            raise AssertionError(f"xuncha worker did not exit within {timeout} s:\n{err}") from None
        return self.process.returncode, out, self.first_line + err

    def kill(self) -> None:
        """SIGKILL to the worker and its crawl child: no goodbye to the run."""
        os.killpg(self.process.pid, 9)


def start_worker(db_url: str, env: dict[str, str], redis_url: str = REDIS_URL) -> WorkerProcess:
    """Start a worker and return once it is waiting for a run (its first log line)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "xuncha", "worker", "--redis", redis_url, "--db", db_url, "--once"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    if "等待检测任务" not in first:
        process.kill()
        raise AssertionError(f"xuncha worker did not start: {first}{process.stderr.read()}")
    return WorkerProcess(process, first)


def redis_keys(prefix: str, redis_url: str = REDIS_URL) -> list[str]:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return sorted(key.decode() for key in client.scan_iter(match=f"{prefix}:*"))
    finally:
        client.close()


def drop_keys(prefix: str, redis_url: str = REDIS_URL) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# -- a paced static portal (the benchmark's) -----------------------------------------------------


class PacedFiles:
    """Folders served on 127.0.0.x (one folder per address, one port), each answer after
    ``pause`` seconds, every request recorded (``address``, ``method``, ``path``, ``at``)."""

    def __init__(self, roots: dict[str, Path], pause: float) -> None:
        self.roots = roots
        self.pause = pause
        self.requests = Recorder()
        self.servers: list[Server] = []

    def __enter__(self) -> PacedFiles:
        port = 0
        for address, root in self.roots.items():
            server = Server(_paced(folder(root), self.pause), address=address, port=port,
                            protocol="HTTP/1.1", recorder=self.requests).start()  # fmt: skip
            port = server.port
            self.servers.append(server)
        self.port = port
        return self

    def __exit__(self, *_: object) -> None:
        for server in self.servers:
            server.stop()

    def origin(self, address: str) -> str:
        return f"http://{address}:{self.port}/"

    def take_hits(self) -> list[Request]:
        return self.requests.take()


def _paced(site: Site, pause: float) -> Site:
    return lambda request: replace(site(request), delay=pause)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"xuncha_lab_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_stats(db_url: str) -> dict[str, Any]:
    """The (only) run's row: status, completeness, counts and stats."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT status, complete, pages, links_checked, stats FROM runs "
                     "ORDER BY id DESC LIMIT 1")
            ).one()  # fmt: skip
    finally:
        engine.dispose()
    return dict(row._mapping)


# -- figures ---------------------------------------------------------------------------------------


def _crawl_once(portal: PacedFiles, profile: Path, workers: int, concurrency: int,
                work: Path) -> dict[str, Any]:  # fmt: skip
    from datetime import date

    prefix = new_prefix()
    env = command_env(prefix)
    with postgres_database() as db_url:
        xuncha("prune", "--db", db_url, env=env)  # creates the schema before the clock starts
        portal.take_hits()
        args = ["run", "--profile", str(profile), "--db", db_url, "-q",
                "--concurrency", str(concurrency), "--as-of", date.today().isoformat(),
                "--out", str(work / f"out-{prefix}")]  # fmt: skip
        joiner = start_worker(db_url, env) if workers == 2 else None
        begin = time.monotonic()
        done = xuncha(*args, *(["--redis", REDIS_URL] if joiner else []), env=env)
        wall = time.monotonic() - begin
        if joiner is not None:
            joiner.finish()
        assert done.returncode == 0, done.stderr
        run = run_stats(db_url)
    hits = sorted(hit.at for hit in portal.take_hits())
    shares = [w["responses"] for w in run["stats"].get("frontier", {}).get("workers", [])]
    assert redis_keys(prefix) == []
    return {
        "workers": workers,
        "requests": len(hits),
        "pages": run["pages"],
        "crawl_s": hits[-1] - hits[0],
        "per_s": (len(hits) - 1) / (hits[-1] - hits[0]),
        "wall_s": wall,
        "shares": shares or [len(hits)],
    }


def measure(
    articles: int = 2000, pause_ms: int = 20, concurrency: int = 2, rounds: int = 2
) -> None:
    if str(ROOT) not in sys.path:  # run as a script: the checkout is not on the path
        sys.path.insert(0, str(ROOT))
    from benchmarks.portal import PortalSpec, generate_portal

    with tempfile.TemporaryDirectory(prefix="xuncha-lab-") as tmp:
        work = Path(tmp)
        roots = {"127.0.0.1": work / "site", "127.0.0.2": work / "ext0", "127.0.0.3": work / "ext1"}
        with PacedFiles(roots, pause_ms / 1000) as portal:
            externals = [portal.origin("127.0.0.2"), portal.origin("127.0.0.3")]
            manifest = generate_portal(work / "site", PortalSpec(articles=articles), externals)
            profile = work / "profile.yaml"
            profile.write_text(
                "name: 示范县人民政府（分布式）\n"
                f"start_urls: ['{portal.origin('127.0.0.1')}']\n"
                f"politeness: {{concurrent_per_host: {concurrency}, autothrottle: false, "
                "delay: 0.0}\nlimits: {max_pages: 1000000}\n",
                encoding="utf-8",
            )
            print(f"portal: {manifest.html_pages} HTML pages, {manifest.files} files; "
                  f"{pause_ms} ms per request; {concurrency} concurrent requests per worker; "
                  f"{os.cpu_count()} CPUs", flush=True)  # fmt: skip
            rows: dict[int, list[float]] = {1: [], 2: []}
            for workers in (1, 2) * rounds:
                row = _crawl_once(portal, profile, workers, concurrency, work)
                rows[workers].append(row["per_s"])
                print(f"workers {workers}: {row['per_s']:.1f} requests/s (crawl "
                      f"{row['crawl_s']:.1f} s, {row['requests']} requests, {row['pages']} "
                      f"pages; command {row['wall_s']:.1f} s; shares {row['shares']})",
                      flush=True)  # fmt: skip
    one, two = (sum(r) / len(r) for r in (rows[1], rows[2]))
    print(f"mean: 1 worker {one:.1f}/s, 2 workers {two:.1f}/s: {two / one:.2f} x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        measure(*(int(a) for a in sys.argv[2:]))
    else:
        sys.exit(__doc__)


def assert_fetched_as_by_one_process(
    single: Counter[tuple[str, str, str]], shared: Counter[tuple[str, str, str]]
) -> None:
    """Requests of a shared run against one process's (method, host, target counted at the
    server): none more often (retries of a 429 and a redirect loop repeat in one process too;
    a page fetched by two processes would show up here), none missed, every article once.

    One process fetches a column linked as a page before its section's navigation was read
    twice (as a page, then as a list); a shared run reads such a page as the list instead
    (crawler/distributed/state.py, _CLAIM_LIST): fewer requests, none missed."""
    assert sum(shared.values()) > 150
    assert shared - single == Counter(), "fetched more often by the shared run"
    assert set(single) - set(shared) == set(), "missed by the shared run"
    articles = Counter(
        (host, path.split("?", 1)[0]) for method, host, path in shared.elements()
        if method == "GET"
    )  # fmt: skip
    assert [page for page in article_paths() if articles[page] != 1] == []


def pace(portal: Any, pause: float) -> None:
    """Every answer of a running demo portal after ``pause`` (its threads to spare)."""
    site = portal.site
    respond = site.respond

    def paced(*args: Any, **kwargs: Any) -> Any:
        time.sleep(pause)
        return respond(*args, **kwargs)

    site.respond = paced


def answered(portal: Any) -> Counter[tuple[str, str, str]]:
    """What a demo portal answered, by method, host and path — without the soft-404 probes,
    whose names are random."""
    return Counter(
        (r.method, r.host, r.path_with_query)
        for r in portal.requests
        if "xuncha-probe-" not in r.path_with_query
    )


def wait_until(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)
