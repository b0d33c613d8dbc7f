"""The Scrapy settings that put a crawl on the shared frontier of one run (分布式巡查)."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

from crawler.distributed.coordinator import FrontierCoordinator
from crawler.distributed.keys import (
    DEFAULT_GRACE,
    DEFAULT_HEARTBEAT_TTL,
    DEFAULT_JOIN_WAIT,
    DEFAULT_NAMESPACE,
    DEFAULT_POLL,
    FrontierKeys,
)
from crawler.distributed.page_limit import SharedPageLimit
from crawler.distributed.seeding import FrontierSeeding
from crawler.distributed.state import RedisState
from crawler.job import FrontierSeat


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

    frontier = frontier_settings(redis_url, run_key, seed=seed, namespace=namespace, owned=owned)
    settings.update(frontier, priority="cmdline")
    settings.set_in_component_priority_dict("EXTENSIONS", FrontierCoordinator, 0)
    settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", FrontierSeeding, 0)


def join_frontier(settings: Settings, seat: FrontierSeat) -> None:
    """Make the crawl a worker of a run on a shared Redis frontier: the run's own crawl
    (``seat.seed``) or a worker that joins it. The page limit becomes the run's, counted over
    every worker (:class:`~crawler.distributed.page_limit.SharedPageLimit`), and the spider's
    memory moves to Redis (:class:`~crawler.distributed.state.RedisState`)."""
    enable_frontier(
        settings,
        seat.redis_url,
        seat.run_key,
        seed=seat.seed,
        namespace=seat.namespace,
        owned=True,
    )
    limit = settings.getint("CLOSESPIDER_PAGECOUNT")
    settings.set("XUNCHA_FRONTIER_MAX_PAGES", limit, priority="cmdline")
    settings.set("CLOSESPIDER_PAGECOUNT", 0, priority="cmdline")
    settings.set("XUNCHA_STATE_CLASS", RedisState, priority="cmdline")
    settings.set_in_component_priority_dict("EXTENSIONS", SharedPageLimit, 0)
