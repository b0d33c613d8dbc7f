"""A lab for the shared Redis frontier: a generated site, a paced server, crawl workers.

Imported by ``test_distributed_frontier.py`` and run as a script:

* ``python frontier_lab.py worker CONFIG`` — one crawl worker (a fresh process: Twisted's
  reactor cannot restart); its stdout's last line is a JSON report;
* ``python frontier_lab.py measure [PAGES [CONCURRENCY [ROUNDS [PAUSE_MS]]]]`` — pages per
  second of one worker against two on the paced site (figures, not a test: speed belongs
  outside the suite's assertions).

The site is a tree (page i links to 3i+1 … 3i+3) where every page also links to the next
one and to the first, so most pages are discovered several times, by both workers.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(HERE.parent) not in sys.path:  # run as a script (a worker, ``measure``): see netlab
    sys.path.append(str(HERE.parent))

from loopback import Reply, Server  # noqa: E402
from netlab import serve  # noqa: E402

REDIS_URL = os.environ.get("XUNCHA_TEST_REDIS", "redis://127.0.0.1:6379/0")
PAUSE = 0.02  # seconds the server takes per page: latency-bound, never CPU-bound


def page_path(index: int) -> str:
    return f"/lab/{index}.html"


def site_routes(pages: int, pause: float = 0.0) -> dict[str, Sequence[Reply]]:
    routes: dict[str, Sequence[Reply]] = {}
    for i in range(pages):
        targets = [3 * i + 1, 3 * i + 2, 3 * i + 3, i + 1, 0]
        links = "".join(
            f'<li><a href="{page_path(t)}">page {t}</a></li>' for t in targets if t < pages
        )
        body = f"<html><body><h1>page {i}</h1><ul>{links}</ul></body></html>"
        routes[page_path(i)] = [Reply(body=body.encode(), delay=pause)]
    return routes


@contextmanager
def serve_site(pages: int, pause: float = PAUSE) -> Iterator[Server]:
    """netlab's loopback server, each page delayed by ``pause`` (the server has threads to
    spare: a slow page costs the client latency, not the server throughput)."""
    with serve(site_routes(pages, pause)) as site:
        yield site


def hit_counts(site: Server) -> Counter[str]:
    return Counter(hit.target for hit in site.requests)


def new_run_key() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def run_keys(redis: Any, run_key: str) -> list[str]:
    return sorted(k.decode() for k in redis.scan_iter(match=f"xuncha:frontier:{run_key}:*"))


@dataclass
class Worker:
    """A crawl worker in its own process."""

    process: subprocess.Popen[str]
    started: float

    def report(self, timeout: float) -> dict[str, Any]:
        """Wait for the worker to exit by itself; its report (or AssertionError)."""
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            message = f"worker did not exit within {timeout} s:\n{err[-4000:]}"
            raise AssertionError(message) from None
        if self.process.returncode != 0 or not out.strip():
            raise AssertionError(f"worker failed ({self.process.returncode}):\n{err[-6000:]}")
        report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        report["exited_after"] = time.monotonic() - self.started
        report["log"] = err
        return report

    def kill(self) -> str:
        """SIGKILL: no close, no goodbye to the frontier. Returns what it had logged."""
        self.process.send_signal(signal.SIGKILL)
        return self.process.communicate()[1]


def start_worker(
    site: Server,
    run_key: str,
    *,
    seed: bool,
    concurrency: int = 2,
    grace: float = 1.0,
    ttl: float = 4.0,
    join_wait: float = 30.0,
) -> Worker:
    config = {
        "redis_url": REDIS_URL,
        "run_key": run_key,
        "start_url": site.url(page_path(0)),
        "seed": seed,
        "concurrency": concurrency,
        "grace": grace,
        "ttl": ttl,
        "join_wait": join_wait,
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE.parent / "netguard"), str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        env.pop(proxy, None)
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "worker", json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    return Worker(process, time.monotonic())


# --- the child process ------------------------------------------------------------------------


def _crawl(config: dict[str, Any]) -> dict[str, Any]:
    import warnings
    from urllib.parse import urlsplit

    # As in the suite's pytest configuration: a deprecation is an error, here too.
    warnings.simplefilter("error")

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.distributed.frontier import enable_frontier

    fetched: list[str] = []

    class LabSpider(scrapy.Spider):
        name = "frontier-lab"

        async def start(self):
            # Not dont_filter: every worker's seed goes through the shared dupe filter.
            yield scrapy.Request(config["start_url"], callback=self.parse_page)

        def parse_page(self, response: Any) -> Iterator[Any]:
            fetched.append(urlsplit(response.url).path)
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, callback=self.parse_page)

    settings = Settings()
    settings.setdict(
        {
            "LOG_LEVEL": "INFO",
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            "HTTPPROXY_ENABLED": False,
            "COOKIES_ENABLED": False,
            "CONCURRENT_REQUESTS": config["concurrency"],
            "CONCURRENT_REQUESTS_PER_DOMAIN": config["concurrency"],
            "DOWNLOAD_TIMEOUT": 15,
        },
        priority="project",
    )
    enable_frontier(settings, config["redis_url"], config["run_key"], seed=config["seed"])
    settings.setdict(
        {
            "XUNCHA_FRONTIER_GRACE": config["grace"],
            "XUNCHA_FRONTIER_HEARTBEAT_TTL": config["ttl"],
            "XUNCHA_FRONTIER_JOIN_WAIT": config["join_wait"],
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(LabSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    stats = {
        key: value
        for key, value in crawler.stats.get_stats().items()
        if isinstance(value, int | float | str)
    }
    return {"fetched": fetched, "stats": stats}


# --- figures ------------------------------------------------------------------------------------


def _timed_run(site: Server, workers: int, concurrency: int) -> dict[str, Any]:
    import redis

    run_key = new_run_key()
    begin = time.monotonic()
    cpu_before, server_before = _children_cpu(), _own_cpu()
    # Joiners first, the seeder last: every worker is ready when the seed lands.
    started = [
        start_worker(site, run_key, seed=False, concurrency=concurrency) for _ in range(workers - 1)
    ]
    started.append(start_worker(site, run_key, seed=True, concurrency=concurrency))
    reports = [w.report(timeout=300) for w in started]
    wall = time.monotonic() - begin
    cpu, server_cpu = _children_cpu() - cpu_before, _own_cpu() - server_before
    hits = sorted(hit.at for hit in site.requests)
    counts = hit_counts(site)
    assert run_keys(redis.Redis.from_url(REDIS_URL), run_key) == []
    return {
        "workers": workers,
        "pages": len(counts),
        "fetched_twice": sum(1 for n in counts.values() if n > 1),
        "crawl_s": hits[-1] - hits[0],
        "pages_per_s": (len(hits) - 1) / (hits[-1] - hits[0]),
        "wall_s": wall,
        "shares": [len(r["fetched"]) for r in reports],
        "worker_cpu_s": cpu,
        "server_cpu_s": server_cpu,
    }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(pages: int = 600, concurrency: int = 2, rounds: int = 3, pause_ms: int = 20) -> None:
    """Print pages per second of one worker and of two, alternating, ``rounds`` times each.

    Usage: ``python frontier_lab.py measure [PAGES [CONCURRENCY [ROUNDS [PAUSE_MS]]]]``.
    """
    print(f"site: {pages} pages, {pause_ms} ms per page; {concurrency} requests per worker")
    for workers in (1, 2) * rounds:
        with serve_site(pages, pause_ms / 1000) as site:
            row = _timed_run(site, workers, concurrency)
        print(
            f"workers {row['workers']}: {row['pages_per_s']:.1f} pages/s "
            f"(crawl {row['crawl_s']:.2f} s, wall {row['wall_s']:.2f} s; "
            f"CPU: workers {row['worker_cpu_s']:.2f} s, server {row['server_cpu_s']:.2f} s; "
            f"shares {row['shares']}, fetched twice {row['fetched_twice']})"
        )


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        print(json.dumps(_crawl(json.loads(sys.argv[2]))))
    elif sys.argv[1] == "measure":
        measure(*(int(a) for a in sys.argv[2:]))
