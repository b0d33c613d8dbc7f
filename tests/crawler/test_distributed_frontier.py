"""The shared Redis frontier: worker processes crawl one run together, each page once.

Real parts only: the local Redis, netlab's loopback server (each page delayed so that a
crawl lasts long enough for two workers to share it), crawl workers in their own processes
(frontier_lab.py). Counts are taken at the server, which no worker can fool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import redis
from frontier_lab import (
    REDIS_URL,
    hit_counts,
    new_run_key,
    page_path,
    run_keys,
    serve_site,
    start_worker,
)

from crawler.distributed.coordinator import FrontierView
from crawler.distributed.frontier import frontier_settings
from crawler.distributed.keys import FrontierKeys

PAGES = 300
EXIT_TIMEOUT = 120  # seconds: a worker that has not exited by then never would


@pytest.fixture
def server() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    yield client
    client.close()


@pytest.fixture
def run_key(server: redis.Redis) -> Iterator[str]:
    """A fresh run key; whatever a failed test left under it is removed afterwards."""
    key = new_run_key()
    yield key
    leftovers = run_keys(server, key)
    if leftovers:
        server.delete(*leftovers)


def _all_pages(count: int = PAGES) -> set[str]:
    return {page_path(i) for i in range(count)}


def _assert_clean_finish(report: dict) -> None:
    stats = report["stats"]
    assert stats["finish_reason"] == "finished", report["log"][-3000:]
    assert "log_count/ERROR" not in stats, report["log"][-3000:]


# --- when may the run end: the rule, table-driven ------------------------------------------

NOW = 1_000_000
GRACE = 2000

VERDICTS = [
    ("requests_queued", True, True, {"a": "idle:0"}, "queued"),
    ("not_seeded_yet", False, False, {"a": "idle:0"}, "unseeded"),
    ("a_worker_is_busy", False, True, {"a": "idle:0", "b": "busy"}, "busy"),
    ("idle_too_recently", False, True, {"a": "idle:0", "b": f"idle:{NOW - 500}"}, "settling"),
    ("all_idle_long_enough", False, True, {"a": "idle:0", "b": f"idle:{NOW - GRACE}"}, "over"),
    ("dead_busy_worker_ignored", False, True, {"a": "idle:0", "b": None}, "over"),
    ("only_dead_workers_left", False, True, {"b": None}, "over"),
]


@pytest.mark.parametrize(
    ("queued", "seeded", "states", "verdict"),
    [case[1:] for case in VERDICTS],
    ids=[case[0] for case in VERDICTS],
)
def test_verdict(queued: bool, seeded: bool, states: dict, verdict: str) -> None:
    view = FrontierView(queued=queued, seeded=seeded, states=states, now_ms=NOW)
    assert view.verdict(GRACE) == verdict
    assert view.dead == [worker for worker, state in states.items() if state is None]


def test_every_key_is_named_after_the_run() -> None:
    first = frontier_settings("redis://127.0.0.1:6379/0", "run-1")
    second = frontier_settings("redis://127.0.0.1:6379/0", "run-2")
    for name in ("SCHEDULER_QUEUE_KEY", "SCHEDULER_DUPEFILTER_KEY"):
        assert first[name].startswith("xuncha:frontier:run-1:")
        assert second[name].startswith("xuncha:frontier:run-2:")
    assert first["SCHEDULER_PERSIST"] is True  # a worker that leaves keeps the frontier


@pytest.mark.parametrize("bad", ["", "a b", "run%s", "x:y", "-lead"])
def test_run_key_is_checked(bad: str) -> None:
    with pytest.raises(ValueError, match="run key"):
        FrontierKeys.of(bad)


# --- worker processes on one frontier --------------------------------------------------------


def test_two_workers_share_one_frontier(server: redis.Redis, run_key: str) -> None:
    with serve_site(PAGES) as site:
        # The joiner starts first and waits for the seed, as `xuncha worker` would.
        joiner = start_worker(site, run_key, seed=False)
        seeder = start_worker(site, run_key, seed=True)
        reports = [seeder.report(EXIT_TIMEOUT), joiner.report(EXIT_TIMEOUT)]
        hits = hit_counts(site)

    for report in reports:
        _assert_clean_finish(report)
    assert set(hits) == _all_pages()
    assert set(hits.values()) == {1}, "a page was fetched more than once"
    fetched = [set(report["fetched"]) for report in reports]
    assert fetched[0] | fetched[1] == _all_pages()
    assert not fetched[0] & fetched[1]
    for share in fetched:
        assert len(share) >= PAGES // 5, [len(s) for s in fetched]
    for counter in ("scheduler/enqueued/redis", "scheduler/dequeued/redis"):
        assert sum(r["stats"].get(counter, 0) for r in reports) == PAGES
    assert sorted(r["stats"]["xuncha/frontier/cleaned_up"] for r in reports) == [0, 1]
    assert run_keys(server, run_key) == []


def test_runs_with_different_keys_do_not_share(server: redis.Redis, run_key: str) -> None:
    other_key = new_run_key()
    pages = 200
    try:
        with serve_site(pages) as site:
            first = start_worker(site, run_key, seed=True)
            second = start_worker(site, other_key, seed=True)
            reports = [first.report(EXIT_TIMEOUT), second.report(EXIT_TIMEOUT)]
            hits = hit_counts(site)
        for report in reports:
            _assert_clean_finish(report)
            assert sorted(report["fetched"]) == sorted(_all_pages(pages))
        assert set(hits.values()) == {2}
        assert run_keys(server, run_key) == run_keys(server, other_key) == []
    finally:
        leftovers = run_keys(server, other_key)
        if leftovers:
            server.delete(*leftovers)


def test_killed_worker_does_not_hold_the_run(server: redis.Redis, run_key: str) -> None:
    """A worker joins a run in progress, is SIGKILLed mid-crawl; the other finishes alone once
    the dead one's heartbeat has expired.

    What the killed worker had popped is lost for this run (scrapy-redis pops without an
    acknowledgement, and the fingerprints stay seen): a few pages, at most what it had in
    flight and waiting in its scraper, never a page fetched twice.
    """
    pages, concurrency = 600, 2
    workers = FrontierKeys.of(run_key).workers
    with serve_site(pages) as site:
        survivor = start_worker(site, run_key, seed=True, concurrency=concurrency, ttl=3.0)
        _wait_until(lambda: sum(hit_counts(site).values()) >= 20)
        joiner = start_worker(site, run_key, seed=False, concurrency=concurrency, ttl=3.0)
        _wait_until(lambda: server.scard(workers) == 2)
        joined_at = sum(hit_counts(site).values())
        _wait_until(lambda: sum(hit_counts(site).values()) >= joined_at + 40)
        joiner_log = joiner.kill()
        killed_at = time.monotonic()
        report = survivor.report(EXIT_TIMEOUT)
        hits = hit_counts(site)
        # A request the killed worker sent just before may still be on its way to the server.
        after_kill = [hit for hit in site.requests if hit.at > killed_at + 0.2]

    assert "joining a frontier with" in joiner_log  # it joined with requests waiting
    _assert_clean_finish(report)
    assert report["stats"]["xuncha/frontier/workers_lost"] == 1
    assert report["stats"]["xuncha/frontier/cleaned_up"] == 1
    assert set(hits.values()) == {1}, "a page was fetched more than once"
    assert len(after_kill) >= pages // 3, "the survivor did not carry on alone"
    assert set(report["fetched"]) >= {hit.path for hit in after_kill}
    assert len(report["fetched"]) < len(hits), "the killed worker fetched nothing"
    missing = _all_pages(pages) - set(hits)
    assert len(missing) <= 4 * concurrency, sorted(missing)
    assert run_keys(server, run_key) == []


def _wait_until(condition: Callable[[], bool], timeout: float = EXIT_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_joiner_without_a_seed_gives_up(server: redis.Redis, run_key: str) -> None:
    with serve_site(10) as site:
        joiner = start_worker(site, run_key, seed=False, join_wait=1.5)
        report = joiner.report(EXIT_TIMEOUT)
        hits = hit_counts(site)
    assert report["stats"]["finish_reason"] == "frontier_not_seeded"
    assert report["fetched"] == [] and not hits
    assert run_keys(server, run_key) == []
