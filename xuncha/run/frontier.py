"""A run crawled by several workers (分布式巡查): `xuncha run --redis` (or `--workers N`, with
N - 1 crawl processes of its own: xuncha/run/local_workers.py) and `xuncha worker`.

`xuncha run --redis URL` owns the run: it announces it in Redis (what a joining worker needs:
the run's id, profile, prior run and day — never a database URL or password, each worker
brings its own ``--db``), crawls it as the seeding worker, waits until every worker has left,
reads what each did, and removes the run's keys whatever happened. `xuncha worker` watches
the announcements, joins a run with a crawl of its own, and leaves when the run ends.

The crawl side of the protocol — the shared frontier, heartbeats, the end of a run — is in
crawler/distributed/frontier.py; the spider's shared memory in crawler/distributed/state.py. Keys
are namespaced by ``XUNCHA_REDIS_PREFIX`` (default ``xuncha``): groups of workers sharing one
Redis without sharing runs take one each.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from crawler.distributed.keys import FrontierKeys, runs_key
from crawler.job import CrawlRequest, CrawlResult, FrontierSeat
from xuncha.errors import XunchaError
from xuncha.run.local_workers import LocalWorkers

logger = logging.getLogger(__name__)

PREFIX_ENV = "XUNCHA_REDIS_PREFIX"
REDIS_ENV = "XUNCHA_REDIS_URL"  # the Redis of `xuncha run --workers` when --redis is not given
ANNOUNCE_TTL = 60  # seconds an announcement outlives its owner (a killed `xuncha run`)
KEEPALIVE = 10.0  # seconds between the owner's refreshes of it
LEAVE_WAIT = 300.0  # seconds the owner waits for live workers to leave once its crawl ended
POLL = 0.2
# Close reasons of a joining worker that cost the run nothing (see crawler/distributed/frontier.py).
HARMLESS = ("finished", "frontier_not_seeded", "frontier_gone")


class FrontierError(XunchaError):
    """Redis cannot be used for a distributed run, or the database is not shared."""


@dataclass(frozen=True)
class FrontierPlan:
    """How the runs started here are spread: over the Redis at ``redis_url``, with
    ``workers`` crawl processes on this machine (the run's own included: ``xuncha run
    --workers N``; 1 with ``--redis`` alone, whatever ``xuncha worker`` joins)."""

    redis_url: str
    workers: int = 1


_PLAN: ContextVar[FrontierPlan | None] = ContextVar("xuncha_frontier", default=None)


@contextmanager
def on_frontier(redis_url: str | None, workers: int = 1) -> Iterator[None]:
    """Inside the block every run is crawled on the shared Redis frontier at ``redis_url``
    (``xuncha run --redis``, ``--workers``) by ``workers`` local processes and whatever
    ``xuncha worker`` joins it; None: in one process. (A context rather than an argument: the
    runs of ``xuncha run --all`` are started through xuncha/run/night.py, which need not know
    how a crawl is spread.)"""
    token = _PLAN.set(FrontierPlan(redis_url, workers) if redis_url else None)
    try:
        yield
    finally:
        _PLAN.reset(token)


def frontier_plan() -> FrontierPlan | None:
    """How the runs started here are spread, if they are distributed."""
    return _PLAN.get()


def redis_url_for_workers(given: str | None) -> str:
    """The Redis of ``xuncha run --workers``: ``--redis``, else ``$XUNCHA_REDIS_URL``."""
    found = given or os.environ.get(REDIS_ENV)
    if not found:
        raise FrontierError(
            f"--workers 需要 Redis 保存共享的待抓取队列：请用 --redis redis://… 或设置 {REDIS_ENV}"
        )
    return found


def namespace() -> str:
    return os.environ.get(PREFIX_ENV) or "xuncha"


def shown(redis_url: str) -> str:
    """The Redis URL without its password, for messages."""
    parts = urlsplit(redis_url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def connect(redis_url: str, socket_timeout: float | None = 30) -> Any:
    """A client of the run's Redis, checked with a PING; FrontierError in one line if not.
    `socket_timeout` None: for a client that blocks on a queue (RQ's workers)."""
    try:
        import redis
    except ImportError:
        raise FrontierError(
            "分布式巡查需要 redis 和 scrapy-redis：pip install 'xuncha[distributed]'"
        ) from None
    try:
        server = redis.Redis.from_url(
            redis_url, socket_connect_timeout=5, socket_timeout=socket_timeout
        )
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FrontierError(
            f"无法连接 Redis {shown(redis_url)}：{first}（请检查 --redis 地址与 Redis 服务）"
        ) from None
    return server


def check_shared_database(db_url: str, option: str = "--redis") -> None:
    """Every worker writes the run's rows into one database: SQLite is a local file, and its
    one writer at a time would serialise the workers."""
    try:
        backend = make_url(db_url).get_backend_name()
    except Exception:  # noqa: BLE001  (a malformed URL is reported where it is opened)
        return
    if backend == "sqlite":
        raise FrontierError(
            f"{option} 需要各工作进程都能连接的数据库（如 PostgreSQL），SQLite 文件只在本机："
            "请用 --db postgresql+psycopg://… 或 XUNCHA_DB"
        )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# -- the owner: xuncha run --redis -------------------------------------------------------------


def crawl_on_frontier(
    plan: FrontierPlan, request: CrawlRequest, crawl: Callable[[CrawlRequest], CrawlResult]
) -> CrawlResult:
    """Crawl ``request`` (the crawl child's) as the seeding worker of a shared run, with
    ``plan.workers - 1`` more crawl processes started here (xuncha/run/local_workers.py); the
    outcome of the whole run, in the shape of one crawl's (reason, unreachable, stats)."""
    server = connect(plan.redis_url)
    prefix = namespace()
    run_key = f"run{request.run_id}-{secrets.token_hex(4)}"
    keys = FrontierKeys.of(run_key, prefix)
    seat = FrontierSeat(redis_url=plan.redis_url, run_key=run_key, namespace=prefix, seed=True)
    seeding = request.with_(frontier=seat)
    with _announced(server, keys, prefix, run_key, request):
        with LocalWorkers(seeding, plan.workers - 1, server, keys) as local:
            result = crawl(seeding)
            if result.reason == "crawl_error":
                server.hsetnx(keys.stop, "reason", "crawl_error")  # the others stop too
            local.finish()
        lost = _wait_for_workers(server, keys)
        return merged(result, _results(server, keys), lost, _texts(server.hgetall(keys.stop)))


@contextmanager
def _announced(
    server: Any, keys: FrontierKeys, prefix: str, run_key: str, request: CrawlRequest
) -> Iterator[None]:
    """The run open to joining workers while the block runs; removed at its end, however it
    ends (a killed owner's announcement expires after ``ANNOUNCE_TTL``)."""
    profile = request.profile
    info = {
        "run_id": request.run_id,
        "prior_run_id": request.prior_run_id or "",
        "as_of": request.as_of.isoformat() if request.as_of else "",
        "concurrency": request.concurrency or "",
        "site": profile.get("name") or profile["start_urls"][0],
        "profile": json.dumps(profile, ensure_ascii=False),
    }
    pipe = server.pipeline(transaction=True)
    pipe.hset(keys.run, mapping=info).expire(keys.run, ANNOUNCE_TTL)
    pipe.sadd(runs_key(prefix), run_key).execute()
    stop = threading.Event()
    keeper = threading.Thread(target=_keep_alive, args=(server, keys.run, stop), daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join(timeout=5)
        remove_run(server, keys, prefix, run_key)


def _keep_alive(server: Any, key: str, stop: threading.Event) -> None:
    while not stop.wait(KEEPALIVE):
        try:
            server.expire(key, ANNOUNCE_TTL)
        except Exception as exc:  # noqa: BLE001  (a blip: the next refresh may get through)
            logger.warning("could not refresh the run's announcement in Redis: %s", exc)


def remove_run(server: Any, keys: FrontierKeys, prefix: str, run_key: str) -> None:
    """Every key of the run. The ``run`` key goes first: from then on a straggling worker
    writes nothing (the crawl side: crawler/distributed/frontier.py)."""
    server.srem(runs_key(prefix), run_key)
    server.delete(keys.run)
    batch = []
    for key in server.scan_iter(match=f"{keys.prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            server.delete(*batch)
            batch.clear()
    if batch:
        server.delete(*batch)


def _wait_for_workers(server: Any, keys: FrontierKeys, timeout: float = LEAVE_WAIT) -> list[str]:
    """Wait until no live worker is left on the run (each flushes its rows before it leaves);
    the workers that never said goodbye, struck off by others or still listed but silent."""
    deadline = time.monotonic() + timeout
    while True:
        members = sorted(_text(m) for m in server.smembers(keys.workers))
        live = [m for m in members if server.exists(keys.worker(m))]
        if not live or time.monotonic() >= deadline:
            silent = [m for m in members if m not in live] + live
            return sorted({*silent, *(_text(m) for m in server.smembers(keys.lost))})
        time.sleep(POLL)


def _results(server: Any, keys: FrontierKeys) -> dict[str, dict[str, Any]]:
    return {_text(k): json.loads(v) for k, v in server.hgetall(keys.results).items()}


def _texts(mapping: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in mapping.items()}


def merged(
    own: CrawlResult,
    results: dict[str, dict[str, Any]],
    lost: list[str],
    stop: dict[str, str],
) -> CrawlResult:
    """The run's outcome from its workers': counters summed, the rest as the seeding crawl
    saw it, and a reason that is not ``finished`` when the run was stopped for all, or a
    worker was lost or left early (what it held was never fetched)."""
    stats: dict[str, Any] = {}
    for result in results.values():
        for key, value in result["stats"].items():
            if isinstance(value, int) and not isinstance(value, bool):
                stats[key] = stats.get(key, 0) + value
            elif key == "xuncha/store/error" and value:
                stats.setdefault(key, value)  # any worker's store failure fails the run
    for key, value in own.stats.items():
        stats.setdefault(key, value)
    left_early = sorted(
        worker
        for worker, result in results.items()
        if not result.get("seed") and result["reason"] not in (*HARMLESS, stop.get("reason"))
    )
    reason = stop.get("reason") or own.reason
    if reason == "finished" and (lost or left_early):
        reason = "workers_lost"
    stats["frontier"] = {
        "workers": [_share(worker, result) for worker, result in sorted(results.items())],
        "lost": lost,
        "left_early": left_early,
        "stopped": stop.get("reason"),
    }
    unreachable = own.unreachable
    if not unreachable and stop.get("reason") == "site_unreachable":
        unreachable = stop.get("message")
    return own.with_(reason=reason, unreachable=unreachable, stats=stats)


def _share(worker: str, result: dict[str, Any]) -> dict[str, Any]:
    stats = result["stats"]
    return {
        "worker": worker,
        "seed": bool(result.get("seed")),
        "reason": result["reason"],
        "responses": stats.get("downloader/response_count", 0),
        "pages": sum(v for k, v in stats.items() if k.startswith("xuncha/pages/")),
    }


# -- a joining worker: xuncha worker --------------------------------------------------------


@dataclass(frozen=True)
class OpenRun:
    """An announced run a worker may join."""

    run_key: str
    run_id: int
    prior_run_id: int | None
    as_of: date | None
    concurrency: int | None
    site: str
    profile: dict[str, Any]

    def request(self, db_url: str, redis_url: str, prefix: str) -> CrawlRequest:
        """The crawl child's request of a joining worker (crawler/crawl.py)."""
        return CrawlRequest(
            profile=self.profile,
            db_url=db_url,
            run_id=self.run_id,
            prior_run_id=self.prior_run_id,
            as_of=self.as_of,
            concurrency=self.concurrency,
            frontier=FrontierSeat(
                redis_url=redis_url, run_key=self.run_key, namespace=prefix, seed=False
            ),
        )


def open_runs(server: Any, prefix: str) -> list[OpenRun]:
    """The runs announced now, oldest run id first; stale announcements are dropped."""
    found = []
    for member in sorted(_text(m) for m in server.smembers(runs_key(prefix))):
        info = _texts(server.hgetall(FrontierKeys.of(member, prefix).run))
        if not info:
            server.srem(runs_key(prefix), member)  # its owner is gone
            continue
        found.append(
            OpenRun(
                run_key=member,
                run_id=int(info["run_id"]),
                prior_run_id=int(info["prior_run_id"]) if info["prior_run_id"] else None,
                as_of=date.fromisoformat(info["as_of"]) if info["as_of"] else None,
                concurrency=int(info["concurrency"]) if info["concurrency"] else None,
                site=info["site"],
                profile=json.loads(info["profile"]),
            )
        )
    return sorted(found, key=lambda run: run.run_id)


def next_run(server: Any, prefix: str, done: set[str], poll: float = 0.5) -> OpenRun:
    """Wait for an announced run this worker has not worked on yet."""
    while True:
        for run in open_runs(server, prefix):
            if run.run_key not in done:
                return run
        time.sleep(poll)
