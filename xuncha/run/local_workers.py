"""The crawl processes ``xuncha run --workers N`` adds on this machine (本机多进程巡查).

The run's own crawl (the seeding worker, xuncha/run/crawl_process.py) is one of the N; the
N - 1 others are crawl children like those of ``xuncha worker``, started here on the run's seat
with ``seed`` false, so nobody has to start a worker or a coordinator by hand. They live as
long as the run's crawl:

* they end with the run: once the frontier is empty and every worker idle, each closes by
  itself (crawler/distributed/coordinator.py) and is waited for here;
* a stop ends them too: Ctrl-C reaches the whole process group, and SIGTERM to ``xuncha run``
  stops its own crawl, which stops the run for every worker within a heartbeat. One still
  running after :data:`LEAVE_WAIT` is sent SIGTERM, then killed; each dies with ``xuncha run``
  (``PR_SET_PDEATHSIG``), so none runs on as an orphan against the site;
* one that dies (killed, crashed) is noticed within :data:`WATCH` seconds: its heartbeat is
  removed so that the others strike it off at once rather than after the heartbeat's TTL, and
  the run goes on without it. What it held is lost (scrapy-redis pops without acknowledgement):
  the run ends finished but not complete, as with any lost worker.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.distributed.keys import FrontierKeys, worker_prefix
from crawler.job import CrawlRequest
from xuncha.run.children import start_child

logger = logging.getLogger(__name__)

LEAVE_WAIT = 300.0  # seconds the workers may take to leave once the run's own crawl ended
HURRY = 10.0  # seconds between SIGTERM and SIGKILL to a worker that outstayed that
WATCH = 0.5  # seconds between looks at the workers while the run crawls


class LocalWorkers:
    """``count`` crawl processes joining the run of ``seeding`` (the run's own crawl request,
    on its seat), from ``with`` until :meth:`finish`; ``server`` and ``keys`` are the run's
    Redis, where a dead worker's heartbeat is removed."""

    def __init__(self, seeding: CrawlRequest, count: int, server: Any, keys: FrontierKeys) -> None:
        if seeding.frontier is None:
            raise ValueError("local workers join a distributed run: the request has no seat")
        self.seeding = seeding
        self.seat = replace(seeding.frontier, seed=False)
        self.count = count
        self.server = server
        self.keys = keys
        self.processes: list[subprocess.Popen[bytes]] = []
        self.dead: set[int] = set()  # pids noticed dead
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def __enter__(self) -> LocalWorkers:
        if self.count < 1:
            return self
        self._folder = tempfile.TemporaryDirectory(prefix="xuncha-workers-")
        folder = Path(self._folder.name)
        for n in range(1, self.count + 1):
            request = self.seeding.with_(
                frontier=self.seat,
                result_path=str(folder / f"worker{n}-result.json"),
                progress="off",
                progress_interval=None,
            )
            path = folder / f"worker{n}.json"
            path.write_text(request.to_json(), encoding="utf-8")
            # A worker listens once crawler/crawl.py has its handler (xuncha/run/children.py).
            self.processes.append(start_child([sys.executable, "-m", "crawler.crawl", str(path)]))
        logger.info("本机另启动 %d 个抓取进程（workers: %s）", self.count,
                    ", ".join(str(p.pid) for p in self.processes))  # fmt: skip
        # Started here, in the thread that started the processes (the parent-death signal
        # follows the thread that forked).
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        for process in self.processes:
            if process.poll() is None:  # only when the run's crawl itself raised
                process.kill()
                process.wait()
        if self._folder is not None:
            self._folder.cleanup()

    # -- while the run crawls --------------------------------------------------------------

    def _watch(self) -> None:
        while not self._stop.wait(WATCH):
            for process in self.processes:
                status = process.poll()
                if status is None or process.pid in self.dead:
                    continue
                self.dead.add(process.pid)
                if status != 0:
                    self._died(process.pid, status)

    def _died(self, pid: int, status: int) -> None:
        """Strike a worker that died off the run now: without its heartbeat key the others
        count it as lost at their next look (crawler/distributed/coordinator.py)."""
        how = f"信号 {signal.Signals(-status).name}" if status < 0 else f"状态 {status}"
        logger.warning("本机抓取进程 %d 意外退出（%s），其余进程继续抓取；"
                       "它正在抓取的页面不再抓取，本次检测将标记为不完整", pid, how)  # fmt: skip
        mark = worker_prefix(pid)
        try:
            for member in self.server.smembers(self.keys.workers):
                worker = member.decode() if isinstance(member, bytes) else str(member)
                if worker.startswith(mark):
                    self.server.delete(self.keys.worker(worker))
        except Exception as exc:  # noqa: BLE001  (its heartbeat then expires by itself)
            logger.warning("could not strike the dead worker off in Redis: %s", exc)

    # -- once the run's own crawl ended ----------------------------------------------------

    def finish(self, wait: float = LEAVE_WAIT) -> None:
        """Wait for every worker to leave the run; SIGTERM then SIGKILL to any that stays."""
        deadline = time.monotonic() + wait
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
        late = [p for p in self.processes if p.poll() is None]
        if not late:
            return
        logger.error("%d 个本机抓取进程未按时退出，正在结束（SIGTERM）", len(late))
        for process in late:
            process.terminate()
        deadline = time.monotonic() + HURRY
        for process in late:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
