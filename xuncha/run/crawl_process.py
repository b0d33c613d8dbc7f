"""The crawl of a run, in a child process: ``python -m crawler.crawl REQUEST.json``.

Twisted's reactor cannot be restarted and one night inspects many sites, so every crawl gets a
fresh process. The runner and the child speak through two files, a
:class:`~crawler.job.CrawlRequest` and a :class:`~crawler.job.CrawlResult`. A stopped
``xuncha run`` (Ctrl-C, SIGTERM) stops its crawl cleanly; a killed one takes the crawl with it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import crawler
from crawler.job import CrawlRequest, CrawlResult, Progress
from xuncha.run.frontier import crawl_on_frontier, frontier_url

PR_SET_PDEATHSIG = 1
GRACE_SECONDS = 60  # how long a stopped crawl may take to write out what it has
# Where the crawler package is imported from, for the child (a checkout or site-packages).
PACKAGES = Path(crawler.__file__).resolve().parents[1]


def _die_with_parent() -> None:
    """In the crawl child: if `xuncha run` itself is killed (SIGKILL from an impatient
    scheduler), the crawl dies with it rather than run on as an orphan against the site; the
    run row is recovered as interrupted by the next run's lock (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _wait_for_child(child: subprocess.Popen[bytes]) -> int:
    """Wait for the crawl; on Ctrl-C or SIGTERM let it stop cleanly (Scrapy flushes what it
    holds and closes with reason "shutdown"), and kill it only if it outlasts the grace."""
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        if child.poll() is None:
            child.send_signal(signal.SIGINT if not stopping else signal.SIGKILL)
        stopping = True

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return child.wait(timeout=GRACE_SECONDS if stopping else None)
            except KeyboardInterrupt:
                # The terminal sent SIGINT to the child too; a second Ctrl-C kills it.
                if stopping and child.poll() is None:
                    child.kill()
                stopping = True
            except subprocess.TimeoutExpired:
                child.kill()
    finally:
        signal.signal(signal.SIGTERM, previous)


def crawl_in_child(request: CrawlRequest, progress: Progress, verbose: bool) -> CrawlResult:
    """Run ``request`` in a child process and read its result (a failed result if the child
    wrote none)."""
    with tempfile.TemporaryDirectory(prefix="xuncha-run-") as tmp:
        request_path = Path(tmp) / "request.json"
        result_path = Path(tmp) / "result.json"
        interval = os.environ.get("XUNCHA_PROGRESS_INTERVAL")
        request = request.with_(
            result_path=str(result_path),
            progress=progress,
            progress_interval=float(interval) if interval else None,
            log_level="INFO" if verbose else "WARNING",
        )
        request_path.write_text(request.to_json(), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(PACKAGES)]))
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.crawl", str(request_path)],
            env=env,
            preexec_fn=_die_with_parent,
        )
        returncode = _wait_for_child(child)
        if result_path.exists():
            return CrawlResult.from_json(result_path.read_text(encoding="utf-8"))
        return CrawlResult.failed(f"the crawl process exited with status {returncode}")


def crawl(request: CrawlRequest, progress: Progress, verbose: bool) -> CrawlResult:
    """The crawl child, alone or as the seeding worker of a run shared with `xuncha worker`
    processes (分布式巡查, under `xuncha run --redis`: xuncha/run/frontier.py)."""
    redis_url = frontier_url()
    if redis_url is None:
        return crawl_in_child(request, progress, verbose)
    return crawl_on_frontier(
        redis_url, request, lambda seeding: crawl_in_child(seeding, progress, verbose)
    )
