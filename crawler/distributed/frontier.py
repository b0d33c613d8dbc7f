"""One run crawled by several processes on a shared Redis frontier (分布式巡查).

scrapy-redis holds the frontier: its scheduler keeps the run's pending requests in a Redis
sorted set (by priority), its dupe filter keeps the fingerprint of every request ever
scheduled in a Redis set. A URL any worker discovers is therefore fetched once, by whichever
worker pops it. What a shared frontier needs beyond that is here:

* :func:`frontier_settings` / :func:`enable_frontier` — the Scrapy settings of one run, every
  Redis key named after the run so that two runs never share a frontier;
* ``FrontierScheduler``, ``FrontierDupeFilter`` (crawler/distributed/scheduler.py) — scrapy-redis's
  own, adapted to Scrapy ≥ 2.14 (their docstrings say what and why);
* :class:`FrontierSeeding` — only the seeding process schedules what ``start()`` yields;
* ``FrontierCoordinator`` (crawler/distributed/coordinator.py) — the run ends when the frontier
  is empty and every live worker has been idle for a grace period; a worker whose heartbeat
  expired stops counting; a worker that ends for a reason of the whole run (site
  unreachable, page limit, store error, the seeding worker stopped) stops every other one.

Redis layout of run ``R`` in namespace ``N`` (default ``xuncha``), all under
``N:frontier:R:``::

    requests      sorted set   pending requests (scrapy-redis PriorityQueue, pickled)
    seen          set          fingerprints of every request scheduled (scrapy-redis)
    seeded        string       set by the seeding worker when it opens
    workers       set          ids of the workers on the run
    worker:<id>   string, TTL  ``busy`` or ``idle:<ms since epoch, Redis clock>``
    stop          hash         ``reason`` (and ``message``) once the run is stopped for all
    results       hash         worker id -> JSON ``{reason, seed, stats}``, written as it leaves
    lost          set          workers struck off without a goodbye (heartbeat expired)
    run           hash         an owned run only: what a joining worker needs (its owner's)
    state:*       various      the spider's shared memory (crawler/distributed/state.py)

A run without an owner (no ``run`` key) is removed by the last worker to leave an empty or
stopped frontier. An *owned* run (``xuncha run --redis``, which sets ``run`` and keeps it
alive) is removed by its owner once every worker has left, after reading ``results`` and
``lost``; a worker writes nothing once the ``run`` key is gone, so a straggler cannot bring a
removed run back. A worker killed while it held requests loses them: scrapy-redis pops
destructively (no acknowledgement to re-queue from) and their fingerprints stay in ``seen``,
so no other worker fetches them in this run — it is recorded in ``lost``.

Requests travel pickled (scrapy-redis's default serializer): whoever can write to this Redis
can run code in every worker. Use a Redis of your own, password-protected, on a private network.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

RUN_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
DEFAULT_NAMESPACE = "xuncha"
DEFAULT_GRACE = 2.0  # seconds every worker must have been idle before the run ends
DEFAULT_HEARTBEAT_TTL = 15.0  # seconds after its last heartbeat a silent worker counts as dead
DEFAULT_POLL = 0.25  # seconds between heartbeats (and wake-ups of an idle engine)
DEFAULT_JOIN_WAIT = 60.0  # seconds a joining worker waits for the run to be seeded


def _checked(name: str, value: str) -> str:
    # scrapy-redis formats key templates with ``%`` (scheduler.py:140, queue.py:42), so run
    # keys and namespaces are kept to characters that survive that and read well in redis-cli.
    if not RUN_KEY.fullmatch(value):
        raise ValueError(f"{name} {value!r}: use letters, digits, '_', '.', '-'")
    return value


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one run (see the layout above)."""

    prefix: str
    requests: str
    seen: str
    seeded: str
    workers: str
    stop: str
    results: str
    lost: str
    run: str

    @classmethod
    def of(cls, run_key: str, namespace: str = DEFAULT_NAMESPACE) -> FrontierKeys:
        prefix = f"{_checked('namespace', namespace)}:frontier:{_checked('run key', run_key)}"
        names = ("requests", "seen", "seeded", "workers", "stop", "results", "lost", "run")
        return cls(prefix, *(f"{prefix}:{name}" for name in names))

    def worker(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}"

    def state(self, name: str) -> str:
        """A key of the spider's shared memory (crawler/distributed/state.py)."""
        return f"{self.prefix}:state:{name}"


def runs_key(namespace: str = DEFAULT_NAMESPACE) -> str:
    """The set of owned runs open to joining workers (``xuncha worker`` watches it)."""
    return f"{_checked('namespace', namespace)}:runs"


def frontier_settings(
    redis_url: str,
    run_key: str,
    *,
    seed: bool = True,
    namespace: str = DEFAULT_NAMESPACE,
    owned: bool = False,
) -> dict[str, Any]:
    """Scrapy settings that put a crawl on the shared frontier of run ``run_key``.

    ``seed`` is true for the one process that schedules what the spider's ``start()`` yields
    (``xuncha run``), false for workers that join (``xuncha worker``). ``owned``: the run's
    ``run`` key is kept alive by an owner who removes the run when every worker has left. The
    coordinator and the seeding middleware are component entries: add them with
    :func:`enable_frontier`.
    """
    keys = FrontierKeys.of(run_key, namespace)
    return {
        "SCHEDULER": "crawler.distributed.scheduler.FrontierScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.scheduler.FrontierDupeFilter",
        # By priority, as Scrapy's own scheduler: start and sections before lists and articles.
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        # A worker that leaves must not wipe the frontier the others still crawl: the last
        # one out (or the run's owner) deletes it (FrontierCoordinator).
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        # A blocking pop would stall the worker's reactor: idling is the coordinator's job.
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": redis_url,
        "XUNCHA_FRONTIER_RUN": run_key,
        "XUNCHA_FRONTIER_NAMESPACE": namespace,
        "XUNCHA_FRONTIER_SEED": seed,
        "XUNCHA_FRONTIER_OWNED": owned,
        "XUNCHA_FRONTIER_GRACE": DEFAULT_GRACE,
        "XUNCHA_FRONTIER_HEARTBEAT_TTL": DEFAULT_HEARTBEAT_TTL,
        "XUNCHA_FRONTIER_POLL": DEFAULT_POLL,
        "XUNCHA_FRONTIER_JOIN_WAIT": DEFAULT_JOIN_WAIT,
    }


def enable_frontier(
    settings: Settings,
    redis_url: str,
    run_key: str,
    *,
    seed: bool = True,
    namespace: str = DEFAULT_NAMESPACE,
    owned: bool = False,
) -> None:
    """Layer :func:`frontier_settings` over ``settings`` (command-line priority) and add the
    coordinator extension and the seeding middleware to what is already configured."""
    from crawler.distributed.coordinator import FrontierCoordinator  # it imports this module

    frontier = frontier_settings(redis_url, run_key, seed=seed, namespace=namespace, owned=owned)
    settings.update(frontier, priority="cmdline")
    settings.set_in_component_priority_dict("EXTENSIONS", FrontierCoordinator, 0)
    settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", FrontierSeeding, 0)


def frontier_keys(settings: Any) -> FrontierKeys:
    """The keys of the run a crawl's settings name (they must name one)."""
    return FrontierKeys.of(
        settings.get("XUNCHA_FRONTIER_RUN"),
        settings.get("XUNCHA_FRONTIER_NAMESPACE") or DEFAULT_NAMESPACE,
    )


def text(value: Any) -> str:
    """A Redis reply as text (scrapy-redis's client answers in bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


# --- seeding --------------------------------------------------------------------------------


class FrontierSeeding:
    """Spider middleware: a joining worker runs the spider's ``start()`` to its end, so the
    state it sets up exists in every worker, but schedules none of what it yields. (A spider
    whose ``start()`` also writes shared state checks ``XUNCHA_FRONTIER_SEED`` itself, as
    PortalSpider does: a joiner's claims would keep the seeder from scheduling them.)"""

    def __init__(self, seed: bool) -> None:
        self.seed = seed

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierSeeding:
        if not crawler.settings.get("XUNCHA_FRONTIER_RUN"):
            raise NotConfigured
        return cls(crawler.settings.getbool("XUNCHA_FRONTIER_SEED", True))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            if self.seed:
                yield item_or_request
