"""The crawl of a run, in a child process: ``python -m crawler.crawl REQUEST.json``.

Twisted's reactor cannot be restarted and one night inspects many sites, so every crawl gets a
fresh process. The runner and the child speak through two files, a
:class:`~crawler.job.CrawlRequest` and a :class:`~crawler.job.CrawlResult`.

The stop path (停止), one whichever process gets the signal:

* SIGTERM, SIGINT or SIGHUP to the runner, the child or the whole process group (systemd's
  stop, ``timeout``, Ctrl-C, ``kill``) asks the child for one graceful stop: it closes the
  spider with reason ``shutdown``, the store pipeline writes its last batch, and the run is
  stored ``interrupted`` with the pages that were stored. The runner passes what it receives
  on as one SIGTERM; the child treats every later stop signal as the same stop
  (crawler/crawl.py).
* The stop may take :data:`GRACE_SECONDS`; a second signal to the runner cuts what is left to
  :data:`HURRY_SECONDS`. Then the child is killed; what it had stored stays, and the run
  counts it from the database.
* A killed runner (SIGKILL) takes the crawl with it; the next run recovers its lock.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.job import CrawlRequest, CrawlResult, Progress
from xuncha.run.children import STOP_SIGNALS, start_child
from xuncha.run.frontier import crawl_on_frontier, frontier_plan

logger = logging.getLogger(__name__)

GRACE_SECONDS = 60.0  # how long a stopped crawl may take to write out what it has
HURRY_SECONDS = 10.0  # what is left of it after a second stop signal
KILLED_REASON = "shutdown"  # a stopped crawl killed after its grace: a stop all the same


class _Stop:
    """The stop signals the runner received while its crawl ran: the handler records them and
    passes the first on to the crawl at once (a crawl about to end would otherwise finish
    before the waiting loop woke); the waiting loop logs them and keeps the grace."""

    def __init__(self, child: subprocess.Popen[bytes]) -> None:
        self.child = child
        self.received: list[int] = []
        self.acted = 0
        self.deadline: float | None = None

    def note(self, signum: int, _frame: object) -> None:
        global _stop_requested
        _stop_requested = True
        self.received.append(signum)
        if len(self.received) == 1 and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def act(self, child: subprocess.Popen[bytes]) -> None:
        """Forward the first stop as one SIGTERM; a later one shortens the grace."""
        now = time.monotonic()
        while self.acted < len(self.received):
            name = signal.Signals(self.received[self.acted]).name
            if self.acted == 0:
                logger.warning("收到 %s：正在停止抓取（最多等待 %d 秒）", name, GRACE_SECONDS)
                self.deadline = now + GRACE_SECONDS
            else:
                logger.warning("再次收到 %s：%d 秒后强制结束抓取", name, HURRY_SECONDS)
                self.deadline = min(self.deadline or now, now + HURRY_SECONDS)
            self.acted += 1


# Whether this process was asked to stop while one of its crawls ran: a night of sites stops
# after the site it was crawling, however that crawl ended.
_stop_requested = False


def stop_requested() -> bool:
    """Whether a stop signal reached this process during a crawl (see :class:`_Stop`)."""
    return _stop_requested


def _wait_for_child(child: subprocess.Popen[bytes]) -> tuple[int, bool]:
    """Wait for the crawl: (its exit status, whether it was stopped by a signal to this
    process). Kill it only if a stop outlasts its grace (see the module docstring)."""
    stop = _Stop(child)
    try:
        previous = {signum: signal.signal(signum, stop.note) for signum in STOP_SIGNALS}
    except ValueError:  # not the main thread (an embedding application): only wait
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return child.wait(), False
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # a stop held meanwhile: now
    try:
        while True:
            try:
                return child.wait(timeout=0.1), bool(stop.received)
            except subprocess.TimeoutExpired:
                pass
            stop.act(child)
            if stop.deadline is not None and time.monotonic() >= stop.deadline:
                logger.error("抓取进程未在限时内停止，已强制结束（killed）")
                child.kill()
                stop.deadline = None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


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
        # Stop signals stay blocked until _wait_for_child listens (crawler/crawl.py unblocks
        # them in the child): see xuncha/run/children.py.
        args = [sys.executable, "-m", "crawler.crawl", str(request_path)]
        child = start_child(args, keep_held=True)
        returncode, stopped = _wait_for_child(child)
        if result_path.exists():
            return CrawlResult.from_json(result_path.read_text(encoding="utf-8"))
        if stopped or -returncode in STOP_SIGNALS:
            # Killed after its grace, or by a stop signal before it could listen: a stop all
            # the same. What it stored stays, and the run counts it from the database.
            return CrawlResult(
                reason=KILLED_REASON,
                stats={"finish_reason": KILLED_REASON},
                error=f"the stopped crawl ended without its result (status {returncode})",
            )
        return CrawlResult.failed(f"the crawl process exited with status {returncode}")


def crawl(request: CrawlRequest, progress: Progress, verbose: bool) -> CrawlResult:
    """The crawl child, alone or as the seeding worker of a run shared with other crawl
    processes (分布式巡查, under `xuncha run --redis` or `--workers`: xuncha/run/frontier.py)."""
    plan = frontier_plan()
    if plan is None:
        return crawl_in_child(request, progress, verbose)
    return crawl_on_frontier(
        plan, request, lambda seeding: crawl_in_child(seeding, progress, verbose)
    )
