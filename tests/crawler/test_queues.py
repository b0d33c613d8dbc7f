"""The crawl's request queue (crawler/queues.py): Scrapy's last-in first-out order exactly, its
newest requests in memory, the older ones on disk, and no folder for a queue that stays small."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler import queues
from crawler.queues import MEMORY_TOP, SpillingLifoQueue


@pytest.fixture
def crawler():
    return get_crawler(Spider)


def _request(n: int) -> Request:
    return Request(f"http://127.0.0.1/p{n}.html", priority=n % 3, meta={"n": n})


def _popped(queue) -> list[int]:
    got = []
    while (request := queue.pop()) is not None:
        got.append(request.meta["n"])
    return got


@pytest.mark.parametrize("seed", range(6))
def test_order_is_scrapys_last_in_first_out(tmp_path: Path, crawler, seed: int) -> None:
    """Random pushes and pops, far past the memory top: the same requests in the same order as
    Scrapy's own disk queue gives them, and the same length at every step."""
    rng = random.Random(seed)
    ours = SpillingLifoQueue.from_crawler(crawler, str(tmp_path / "ours"))
    scrapys = build_from_crawler(PickleLifoDiskQueue, crawler, str(tmp_path / "scrapys"))
    n = 0
    for _ in range(4 * MEMORY_TOP):
        if rng.random() < 0.7:
            for _ in range(rng.randint(1, 8)):
                ours.push(_request(n))
                scrapys.push(_request(n))
                n += 1
        else:
            for _ in range(rng.randint(1, 8)):
                a, b = ours.pop(), scrapys.pop()
                assert (a and a.meta["n"]) == (b and b.meta["n"])
        assert len(ours) == len(scrapys)
        assert len(ours.top) < 2 * MEMORY_TOP  # memory stays bounded
    assert n > 3 * MEMORY_TOP and ours.on_disk > 0  # the disk part was used
    assert _popped(ours) == _popped(scrapys)
    ours.close()
    scrapys.close()


def test_a_small_queue_never_touches_the_disk(tmp_path: Path, crawler) -> None:
    folder = tmp_path / "q"
    queue = SpillingLifoQueue.from_crawler(crawler, str(folder))
    for n in range(2 * MEMORY_TOP - 1):
        queue.push(_request(n))
    assert not folder.exists()
    top = queue.peek()
    assert top is not None and top.meta["n"] == 2 * MEMORY_TOP - 2
    assert _popped(queue) == list(reversed(range(2 * MEMORY_TOP - 1)))
    queue.close()
    assert not folder.exists()


def test_what_is_left_is_kept_on_disk_at_close(tmp_path: Path, crawler, monkeypatch) -> None:
    monkeypatch.setattr(queues, "MEMORY_TOP", 4)
    folder = tmp_path / "q"
    queue = SpillingLifoQueue.from_crawler(crawler, str(folder))
    for n in range(11):
        queue.push(_request(n))
    assert queue.on_disk == 4 and len(queue.top) == 7  # spilled once, at 8
    newest = queue.pop()
    assert newest is not None and newest.meta["n"] == 10
    queue.close()
    reopened = build_from_crawler(PickleLifoDiskQueue, crawler, str(folder))
    assert _popped(reopened) == list(reversed(range(10)))
    reopened.close()
