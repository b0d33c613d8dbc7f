"""When a run on a shared frontier ends: FrontierCoordinator, one in every worker.

Each worker publishes a heartbeat in Redis — busy, or idle since when (the Redis clock) — and
stays on the run while requests are queued or a live worker is busy or has only just become
idle; a worker whose heartbeat expired is struck off and recorded as lost. A worker that ends
for a reason of the whole run stops the others. The keys are those of
crawler/distributed/keys.py.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet import task

from crawler.distributed.keys import (
    DEFAULT_GRACE,
    DEFAULT_HEARTBEAT_TTL,
    DEFAULT_JOIN_WAIT,
    DEFAULT_POLL,
    FrontierKeys,
    frontier_keys,
    text,
    worker_prefix,
)

logger = logging.getLogger(__name__)

# Close reasons of a worker that say nothing about the run: it never worked on it, or the run
# was over (its owner removed it) when it came.
NOT_SEEDED = "frontier_not_seeded"
GONE = "frontier_gone"

# Every script writes nothing on an owned run whose ``run`` key is gone (its owner removed
# it): a straggler must not bring a removed run back.
_OWNED_RUN_GONE = "if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return {0} end\n"

# Record this worker's state and refresh its heartbeat; answer whether the run was stopped.
# An idle worker keeps the moment it became idle (Redis clock, so workers on machines with
# skewed clocks agree).
# KEYS: run, workers, worker:<id>, stop; ARGV: owned (1/0), id, busy (1/0), ttl ms.
# Returns {0} when the owned run is gone, else {1, state, stop reason or ''}.
_PUBLISH = (
    _OWNED_RUN_GONE
    + """
redis.call('SADD', KEYS[2], ARGV[2])
local state = 'busy'
if ARGV[3] == '0' then
  state = redis.call('GET', KEYS[3])
  if not state or string.sub(state, 1, 5) ~= 'idle:' then
    local now = redis.call('TIME')
    state = 'idle:' .. string.format('%d', now[1] * 1000 + math.floor(now[2] / 1000))
  end
end
redis.call('SET', KEYS[3], state, 'PX', ARGV[4])
return {1, state, redis.call('HGET', KEYS[4], 'reason') or ''}
"""
)


# Strike off workers whose heartbeat expired, recording them as lost.
# KEYS: run, workers, lost; ARGV: owned, ids. Returns {struck off by this call}.
def _strike_off(first: int, lost: str) -> str:
    """Lua: move the worker ids ``ARGV[first…]`` still in ``KEYS[2]`` (the workers) to ``lost``,
    counting them in ``struck``."""
    return f"""
local struck = 0
for i = {first}, #ARGV do
  if redis.call('SREM', KEYS[2], ARGV[i]) == 1 then
    redis.call('SADD', {lost}, ARGV[i])
    struck = struck + 1
  end
end
"""


_STRIKE = _OWNED_RUN_GONE + _strike_off(2, "KEYS[3]") + "return {struck}\n"

# Leave the run with this worker's result, stopping the run for all if the reason says so and
# striking off the dead. Without an owner, the last worker out of an empty or stopped frontier
# deletes the run's keys. Atomic, so of two workers leaving at once exactly one sees the
# other gone.
# KEYS: run, workers, worker:<id>, requests, seen, seeded, stop, results, lost
# ARGV: owned, id, result JSON, stop reason or '', ids of dead workers.
# Returns {1 if the keys were deleted else 0, dead workers struck off}.
_LEAVE = (
    _OWNED_RUN_GONE
    + """
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[8], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('HSETNX', KEYS[7], 'reason', ARGV[4]) end
"""
    + _strike_off(5, "KEYS[9]")
    + """
local over = redis.call('EXISTS', KEYS[4]) == 0 or redis.call('EXISTS', KEYS[7]) == 1
if ARGV[1] ~= '1' and over and redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
  return {1, struck}
end
return {0, struck}
"""
)


@dataclass(frozen=True)
class FrontierView:
    """The run as one worker sees it when it has nothing left to do."""

    queued: bool
    seeded: bool
    states: Mapping[str, str | None]  # worker id -> state; None: heartbeat expired
    now_ms: int  # Redis clock

    @property
    def dead(self) -> list[str]:
        return [worker for worker, state in self.states.items() if state is None]

    def verdict(self, grace_ms: int) -> str:
        """``over`` when the run may end, else why not: ``queued`` (requests wait),
        ``unseeded`` (nobody seeded it yet), ``busy`` (a live worker is working) or
        ``settling`` (a live worker became idle less than ``grace_ms`` ago)."""
        if self.queued:
            return "queued"
        if not self.seeded:
            return "unseeded"
        live = [state for state in self.states.values() if state is not None]
        if any(not state.startswith("idle:") for state in live):
            return "busy"
        if any(self.now_ms - int(state[5:]) < grace_ms for state in live):
            return "settling"
        return "over"


class FrontierCoordinator:
    """Extension: keeps a worker on the run until the whole run is done, then ends it.

    Every ``XUNCHA_FRONTIER_POLL`` seconds the worker publishes whether it is busy (requests
    in flight, in the scraper, or still to come from ``start()``, or requests in the shared
    queue) under a key that expires after ``XUNCHA_FRONTIER_HEARTBEAT_TTL``. When the engine
    reports it idle (``spider_idle``: nothing local, shared queue empty), the worker stays
    open (``DontCloseSpider``) while any live worker is busy or has been idle for less than
    ``XUNCHA_FRONTIER_GRACE``; a worker whose key expired is struck off (and recorded as
    lost). A joining worker waits up to ``XUNCHA_FRONTIER_JOIN_WAIT`` for the run to be
    seeded, then closes as ``frontier_not_seeded``.

    A worker that closes for a reason of the whole run — anything but ``finished``, except a
    joining worker's own ``shutdown`` (a machine may leave a run) — stops the run: every
    other worker closes with the same reason at its next heartbeat. As it leaves, a worker
    writes its close reason and stats to ``results``.

    Correctness does not rest on these flags: a worker only ever closes with nothing in
    flight and an empty shared queue (or a stopped run), so whatever any live worker
    scheduled is fetched by someone. The flags and the grace keep workers from leaving while
    the frontier is only momentarily empty, so the run stays parallel to its end.

    Stats: ``xuncha/frontier/worker`` (this worker's id), ``xuncha/frontier/workers_lost``
    (dead workers struck off by this one), ``xuncha/frontier/cleaned_up`` (1 if this worker
    deleted the run's keys), ``xuncha/frontier/run_stopped`` (the reason, when this worker
    closed because the run was stopped for all).
    """

    def __init__(
        self,
        crawler: Any,
        server: Any,
        keys: FrontierKeys,
        *,
        seed: bool,
        grace: float,
        ttl: float,
        poll: float,
        join_wait: float,
        owned: bool = False,
    ) -> None:
        if ttl <= poll:
            raise ValueError("XUNCHA_FRONTIER_HEARTBEAT_TTL must exceed XUNCHA_FRONTIER_POLL")
        self.crawler = crawler
        self.server = server
        self.keys = keys
        self.seed = seed
        self.owned = owned
        self.grace_ms = int(grace * 1000)
        self.ttl_ms = int(ttl * 1000)
        self.poll = poll
        self.join_wait = join_wait
        self.worker_id = worker_prefix(os.getpid()) + secrets.token_hex(3)
        self.opened_at = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.stopping: str | None = None
        self._publish_script = server.register_script(_PUBLISH)
        self._strike_script = server.register_script(_STRIKE)
        self._leave_script = server.register_script(_LEAVE)

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierCoordinator:
        settings = crawler.settings
        if not settings.get("XUNCHA_FRONTIER_RUN"):
            raise NotConfigured
        coordinator = cls(
            crawler,
            get_redis_from_settings(settings),
            frontier_keys(settings),
            seed=settings.getbool("XUNCHA_FRONTIER_SEED", True),
            grace=settings.getfloat("XUNCHA_FRONTIER_GRACE", DEFAULT_GRACE),
            ttl=settings.getfloat("XUNCHA_FRONTIER_HEARTBEAT_TTL", DEFAULT_HEARTBEAT_TTL),
            poll=settings.getfloat("XUNCHA_FRONTIER_POLL", DEFAULT_POLL),
            join_wait=settings.getfloat("XUNCHA_FRONTIER_JOIN_WAIT", DEFAULT_JOIN_WAIT),
            owned=settings.getbool("XUNCHA_FRONTIER_OWNED", False),
        )
        crawler.signals.connect(coordinator.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(coordinator.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(coordinator.spider_closed, signal=signals.spider_closed)
        return coordinator

    # -- signals ---------------------------------------------------------------------------

    def spider_opened(self, spider: Any) -> None:
        self.opened_at = time.monotonic()
        self.crawler.stats.set_value("xuncha/frontier/worker", self.worker_id)
        self._publish(busy=True)
        if self.seed:
            self.server.set(self.keys.seeded, self.worker_id)
        self.loop = task.LoopingCall(self._tick)
        self.loop.start(self.poll, now=False)

    def spider_idle(self, spider: Any) -> None:
        stopped = self._publish(busy=False)
        if stopped:
            self.crawler.stats.set_value("xuncha/frontier/run_stopped", stopped)
            raise CloseSpider(stopped)
        view = self.look()
        self._strike_off(view.dead)
        verdict = view.verdict(self.grace_ms)
        if verdict == "over":
            return
        if verdict == "unseeded" and time.monotonic() - self.opened_at >= self.join_wait:
            raise CloseSpider(NOT_SEEDED)
        raise DontCloseSpider

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        dead = self.look().dead
        keys = self.keys
        result = {"reason": reason, "seed": self.seed, "stats": _scalars(self.crawler.stats)}
        cleaned, struck = self._leave(
            keys=[keys.run, keys.workers, keys.worker(self.worker_id), keys.requests, keys.seen,
                  keys.seeded, keys.stop, keys.results, keys.lost],
            args=[int(self.owned), self.worker_id, json.dumps(result, ensure_ascii=False),
                  reason if self._stops_the_run(reason) else "", *dead],
        )  # fmt: skip
        self._count_lost(dead, struck)
        self.crawler.stats.set_value("xuncha/frontier/cleaned_up", cleaned)

    def _stops_the_run(self, reason: str) -> bool:
        if reason in ("finished", NOT_SEEDED, GONE):
            return False
        return self.seed or reason != "shutdown"

    # -- the run in Redis ------------------------------------------------------------------

    def look(self) -> FrontierView:
        keys = self.keys
        pipe = self.server.pipeline(transaction=False)
        pipe.exists(keys.requests).exists(keys.seeded).smembers(keys.workers).time()
        queued, seeded, members, (seconds, micros) = pipe.execute()
        workers = sorted(text(m) for m in members)
        raw = self.server.mget([keys.worker(w) for w in workers]) if workers else []
        states = {
            worker: (None if value is None else text(value))
            for worker, value in zip(workers, raw, strict=True)
        }
        return FrontierView(
            queued=bool(queued),
            seeded=bool(seeded),
            states=states,
            now_ms=seconds * 1000 + micros // 1000,
        )

    def _publish(self, *, busy: bool) -> str:
        """Send the heartbeat; the reason the run was stopped for all, or ''."""
        keys = self.keys
        reply = self._publish_script(
            keys=[keys.run, keys.workers, keys.worker(self.worker_id), keys.stop],
            args=[int(self.owned), self.worker_id, int(busy), self.ttl_ms],
        )
        if not reply[0]:
            return GONE
        return text(reply[2])

    def _leave(self, *, keys: list[str], args: list[Any]) -> tuple[int, int]:
        reply = self._leave_script(keys=keys, args=args)
        return (int(reply[0]), int(reply[1])) if len(reply) == 2 else (0, 0)

    def _strike_off(self, dead: list[str]) -> None:
        if dead:
            keys = self.keys
            reply = self._strike_script(
                keys=[keys.run, keys.workers, keys.lost], args=[int(self.owned), *dead]
            )
            self._count_lost(dead, int(reply[0]))

    def _count_lost(self, dead: list[str], struck: int) -> None:
        """Count the dead this worker struck off (another worker may have been quicker)."""
        if struck:
            logger.warning("frontier workers without a heartbeat, no longer waited for: %s", dead)
            self.crawler.stats.inc_value("xuncha/frontier/workers_lost", struck)

    # -- the heartbeat ---------------------------------------------------------------------

    def _tick(self) -> None:
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        try:
            stopped = self._publish(busy=not engine.spider_is_idle())
        except (AttributeError, RuntimeError):
            return  # the engine is closing: its slot or the scraper's is gone
        except RedisError as exc:
            # A blip must not end the heartbeat for good (an exception would stop the loop);
            # after a long outage the next heartbeat that gets through registers us again.
            logger.warning("frontier heartbeat not sent: %s", exc)
            return
        if stopped:
            self._stop(engine, stopped)
            return
        self._wake(engine)

    def _stop(self, engine: Any, reason: str) -> None:
        """The run was stopped for every worker (or removed by its owner): close now, with
        what is in flight dropped, as Scrapy's CloseSpider extension does."""
        if self.stopping is None:
            self.stopping = reason
            self.crawler.stats.set_value("xuncha/frontier/run_stopped", reason)
            logger.info("the run was stopped (%s): closing this worker", reason)
            deferred_from_coro(engine.close_spider_async(reason=reason))

    @staticmethod
    def _wake(engine: Any) -> None:
        """Let the engine look at the shared queue now rather than at its next heartbeat.

        An idle Scrapy engine asks its scheduler again only every 5 s
        (``ExecutionEngine._SLOT_HEARTBEAT_INTERVAL``): fine when only this process fills the
        queue, too slow when other workers do — and it is also when ``spider_idle`` comes
        back, i.e. when the run can end. Scrapy has no public call for this; if the private
        one goes away, workers still work, at the 5 s pace.
        """
        nextcall = getattr(getattr(engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()


def _scalars(stats: Any) -> dict[str, Any]:
    """A worker's stats as JSON can carry them (dates and the like as text)."""
    return {
        key: value if isinstance(value, int | float | str) or value is None else str(value)
        for key, value in stats.get_stats().items()
    }
