"""A night of several sites at once (``xuncha run --all DIR --parallel N``, 夜间巡查).

Each site runs in a process of its own (``python -m xuncha.run.night_site``, see there), which
takes the site's run lock, crawls in its own crawl process with the site's own politeness
budget, and runs the checks, the tracking and the outputs. At most `parallel` sites run at
once; the next starts when one ends, in the folder's order. The results come back in the
folder's order whatever order the sites end in, so the summary and the exit code (the worst
of the sites) read as a sequential night's.

Why processes and not threads of this one: the post-crawl phase (checks, 整改跟踪, reports)
is CPU-bound Python, which threads would run one at a time; its memory is returned to the
system only when a process ends; and a stop must be able to end one site's judging through
SystemExit, which only a main thread receives.

Memory (README "Nightly operation"): a site takes at most its crawl process's peak plus its
own process's post-crawl peak, both bounded whatever the site's size (the crawl's frontier is
on disk, the post-crawl phase reads the crawl in batches) — :data:`SITE_MB` in all. The night
takes at most ``parallel × SITE_MB`` plus this process (:data:`PARENT_MB`).

Stops: SIGTERM, SIGINT or SIGHUP to this process (systemd stopping the unit, Ctrl-C) stops the
night: every running site is asked to stop once (``night_site.NIGHT_STOP``, a no-op for a site
that got the same stop straight from systemd), keeps what it crawled and ends ``interrupted``;
the sites not started are ``skipped``. Each later signal is passed on as SIGTERM, which cuts a
crawl's grace as in a sequential night. A site stopped by a signal of its own stops the night
the same way. The sites' processes are in sessions of their own, so a Ctrl-C reaches them
through here only; they die with this process if it is killed.

Each line a site's processes print comes out on this process's stderr, whole, with the site's
profile file name in brackets after the timestamp and level (``… INFO [city] …``).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TextIO

from xuncha.logs import is_terminal
from xuncha.run.children import STOP_SIGNALS, handling, start_child
from xuncha.run.crawl_process import GRACE_SECONDS, HURRY_SECONDS
from xuncha.run.night import NightSettings, SiteResult, output_folders, profile_files, skipped
from xuncha.run.night_site import LISTENED, NIGHT_STOP, SiteJob
from xuncha.run.outcome import ExitCode

logger = logging.getLogger(__name__)

# A crawl mostly waits on its site: one on a slow portal keeps a twentieth of a core busy, one
# on a portal that answers at once half to two thirds of one (benchmarks/night.py). Four a core
# keep the cores busy once a site waits three quarters of its time.
SITES_PER_CORE = 4
# One site's peak, its own process (checks, tracking, reports) and its crawl process at once:
# on a 100,000-article site 377 + 295 MB (README, "Benchmark"), on a 500-article one about
# 110 + 150 MB (benchmarks/night.py). Neither grows much with the site: room for the largest.
SITE_MB = 700
PARENT_MB = 150  # this process: the command and the relays, no crawl and no checks
_LOG_HEAD = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ )")


def default_parallel(*, cores: int, available_mb: int, sites: int, sqlite: bool) -> int:
    """How many sites a night runs at once unless ``--parallel`` says:
    ``min(SITES_PER_CORE × cores, (available memory − PARENT_MB) // SITE_MB, sites)``, at
    least 1. On SQLite 1: its one writer at a time would keep a site's crawl waiting on
    another's judging (which holds the write lock until its findings are committed) past the
    database's 30 s busy timeout."""
    if sqlite:
        return 1
    by_memory = (available_mb - PARENT_MB) // SITE_MB
    return max(1, min(SITES_PER_CORE * cores, by_memory, sites))


def available_mb() -> int:
    """MemAvailable of /proc/meminfo in MB (Linux); elsewhere, room for one site."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return PARENT_MB + SITE_MB


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine_parallel(sites: int, db_url: str) -> int:
    """:func:`default_parallel` for this machine, now."""
    return default_parallel(
        cores=usable_cores(),
        available_mb=available_mb(),
        sites=sites,
        sqlite=db_url.startswith("sqlite"),
    )


def tagged(line: str, tag: str) -> str:
    """A site's log line with its tag after the timestamp and level, or in front."""
    head = _LOG_HEAD.match(line)
    if head is None:
        return f"[{tag}] {line}"
    return f"{head.group(1)}[{tag}] {line[head.end() :]}"


@dataclass
class _Site:
    """One site's process, while it runs."""

    index: int
    path: Path
    tag: str
    process: subprocess.Popen[bytes]
    result_path: Path
    relay: threading.Thread

    def result(self, stopping: bool) -> SiteResult:
        self.relay.join(timeout=10)
        if self.result_path.exists():
            return SiteResult.from_json(self.result_path.read_text(encoding="utf-8"))
        status = self.process.returncode
        if stopping:
            return SiteResult(self.path.name, "interrupted", ExitCode.ERROR, stopped=True,
                              message=f"stopped; its process ended without its result "
                                      f"(status {status})")  # fmt: skip
        message = f"the site's process ended without its result (status {status})"
        logger.error("%s: %s", self.path.name, message)
        return SiteResult(self.path.name, "error", ExitCode.ERROR, message=message)


def _relay(source: IO[bytes], tag: str, sink: TextIO, lock: threading.Lock) -> None:
    """Copy a site's output to the night's stderr line by line, each line tagged."""
    with source:
        for raw in source:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            with lock:
                sink.write(tagged(line, tag) + "\n")
                sink.flush()


@dataclass
class _Stop:
    """The stop signals this process received, and how many were passed on."""

    received: list[int] = field(default_factory=list)
    asked: bool = False  # a site stopped by a signal of its own stops the night too
    passed: int = 0

    @property
    def requested(self) -> bool:
        return self.asked or bool(self.received)

    def note(self, signum: int, _frame: object) -> None:
        self.received.append(signum)

    def pass_on(self, running: dict[int, _Site]) -> None:
        """Pass every signal received on to every running site (one for a site's own stop):
        the first as NIGHT_STOP, the later ones as SIGTERM."""
        wanted = max(len(self.received), 1 if self.asked else 0)
        while self.passed < wanted:
            if self.passed < len(self.received):
                name = signal.Signals(self.received[self.passed]).name
                logger.warning("收到 %s：正在停止 %d 个运行中的站点，未开始的站点不再运行",
                               name, len(running))  # fmt: skip
            for site in running.values():
                if site.process.poll() is None:
                    site.process.send_signal(NIGHT_STOP if self.passed == 0 else signal.SIGTERM)
            self.passed += 1


class Night:
    """The sites of one folder, `parallel` at a time."""

    def __init__(self, folder: Path, db_url: str, night: NightSettings, parallel: int,
                 *, quiet: bool = False) -> None:  # fmt: skip
        self.files = profile_files(folder)
        self.db_url, self.quiet = db_url, quiet
        # Live progress lines of several crawls would overwrite each other: plain lines.
        self.night = replace(night, progress="log") if night.progress == "tty" else night
        self.parallel = parallel
        self.sink = sys.stderr
        self.terminal = is_terminal(self.sink)
        self.lock = threading.Lock()

    def run(self) -> list[SiteResult]:
        stop = _Stop()
        results: list[SiteResult | None] = [None] * len(self.files)
        pending = deque(enumerate(output_folders(self.files).items()))
        running: dict[int, _Site] = {}
        logger.info("%d sites, %d at a time", len(self.files), self.parallel)
        with (
            tempfile.TemporaryDirectory(prefix="xuncha-night-") as tmp,
            handling(STOP_SIGNALS, stop.note),
        ):
            try:
                while pending or running:
                    while pending and len(running) < self.parallel and not stop.requested:
                        index, (path, slug) = pending.popleft()
                        running[index] = self._start(index, path, slug, Path(tmp))
                    if stop.requested:
                        for index, (path, _) in pending:
                            results[index] = skipped(path)
                        pending.clear()
                    stop.pass_on(running)
                    for index, site in list(running.items()):
                        if site.process.poll() is None:
                            continue
                        results[index] = result = site.result(stop.requested)
                        del running[index]
                        stop.asked = stop.asked or result.stopped
                    time.sleep(0.1)
            finally:
                self._end(running)
        return [result for result in results if result is not None]

    def _start(self, index: int, path: Path, slug: str, tmp: Path) -> _Site:
        job = SiteJob(
            profile_path=path.resolve(),
            db_url=self.db_url,
            night=replace(self.night, out_dir=self.night.out_dir / slug),
            result_path=tmp / f"{index}.result.json",
            quiet=self.quiet,
            terminal=self.terminal,
        )
        job_path = tmp / f"{index}.job.json"
        job_path.write_text(job.to_json(), encoding="utf-8")
        command = [sys.executable, "-m", "xuncha.run.night_site", str(job_path)]
        # The night's stop too is held until the site's process listens (children.py).
        process = start_child(
            command,
            held=LISTENED,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert process.stdout is not None
        relay = threading.Thread(target=_relay, args=(process.stdout, slug, self.sink, self.lock),
                                 name=f"night-{slug}", daemon=True)  # fmt: skip
        relay.start()
        return _Site(index, path, slug, process, job.result_path, relay)

    def _end(self, running: dict[int, _Site]) -> None:
        """Leaving with sites still running (an error of this process): stop them, wait out
        their grace, then kill them."""
        for site in running.values():
            if site.process.poll() is None:
                site.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS + HURRY_SECONDS
        for site in running.values():
            try:
                site.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                site.process.kill()
                site.process.wait()


def inspect_folder_parallel(folder: Path, db_url: str, night: NightSettings, parallel: int,
                            *, quiet: bool = False) -> list[SiteResult]:  # fmt: skip
    """Every profile of `folder`, `parallel` at a time, each into ``out_dir/<file stem>/``;
    the results in the folder's order (see the module docstring)."""
    return Night(folder, db_url, night, parallel, quiet=quiet).run()
