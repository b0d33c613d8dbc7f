"""The crawl of one run, in a process of its own: ``python -m crawler.crawl REQUEST.json``.

Twisted's reactor cannot be restarted, and a province inspects hundreds of sites in one
night, so every crawl gets a fresh process. The request file names the profile, database,
run and settings — and, for a worker of a distributed run, its seat on the shared frontier —
as a :class:`~crawler.job.CrawlRequest`; the process writes its
:class:`~crawler.job.CrawlResult` (close reason, stats, unreachable message) to the result
file named in the request, then exits 0 — or non-zero if it could not crawl.

Stopping (停止): SIGTERM, SIGINT and SIGHUP all mean one graceful stop, however many of them
arrive and from whom — systemd and ``timeout`` signal the whole process group, and the runner
forwards what it gets, so the child commonly hears the same stop twice. Scrapy's own handlers
would read the second as "force an unclean shutdown" and lose the last batch of records, so
they are not installed: the first signal closes the spider with reason ``shutdown`` (the
pipeline flushes, the result is written), later ones are ignored. Escalation belongs to the
runner (xuncha/run/crawl_process.py), which kills the child if the stop outlasts its grace.
"""

from __future__ import annotations

import logging
import resource
import signal
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from crawler.configure import settings_for
from crawler.job import CrawlRequest, CrawlResult
from crawler.spiders.portal import PortalSpider
from xuncha.profile import Profile

logger = logging.getLogger("crawler.crawl")  # not "__main__": it runs as `-m crawler.crawl`

# The signals that stop a crawl: systemd and `timeout` (SIGTERM), Ctrl-C (SIGINT), a closed
# terminal or session (SIGHUP).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {key: (value if isinstance(value, int | float | str) else str(value))
            for key, value in stats.items()}  # fmt: skip


def _quiet(log_level: str) -> None:
    """Keep the console for what a webmaster needs: a link given up on is a finding, not an
    error of the run, and the TLS inspector's setting is deprecated upstream but still the only
    way into the handshake (see crawler/network/tls.py)."""
    warnings.filterwarnings("ignore", message=".*DOWNLOADER_CLIENTCONTEXTFACTORY.*")
    if log_level != "INFO":
        logging.getLogger("crawler.network.retry").setLevel(logging.CRITICAL)
    # Scrapy leaves the root logger at NOTSET and filters in its handler, so every DEBUG line
    # (one per request and per item) is still built before being dropped: filter at the source.
    for name in ("scrapy", "crawler", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(log_level)


def _frontier_on_disk(settings: Settings, folder: str) -> None:
    """Requests waiting to be sent are kept in Scrapy's disk queues, not in memory: pages of a
    portal link pages all over it (相关文章), so the requests known but not yet sent grow with
    the site. Only the queues: the spider-state extension would replace the spider's own
    ``state`` on open, and the folder is the crawl's alone, gone when it ends."""
    settings.set("JOBDIR", folder, priority="cmdline")
    # Start requests (an incremental night's thousands of revalidations) share the queues of the
    # others: Scrapy's own start-request disk queue is a folder per host and priority, made and
    # removed each time it runs empty — a third of a night's crawl went to mkdir and rmdir.
    settings.set("SCHEDULER_START_DISK_QUEUE", None, priority="cmdline")
    # A queue's newest requests stay in memory, its older ones go to disk (crawler/queues.py).
    settings.set("SCHEDULER_DISK_QUEUE", "crawler.queues.SpillingLifoQueue", priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["scrapy.extensions.spiderstate.SpiderState"] = None
    settings.set("EXTENSIONS", extensions, priority="cmdline")


class GracefulStop:
    """The child's one stop path: the first stop signal closes the spider with reason
    ``shutdown``; any later one is ignored (see the module docstring). A signal that comes
    before the engine runs is kept and acted on as soon as it starts."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.crawler: Crawler | None = None
        self.started = False
        self.stopping = False

    def install(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._received)

    def attach(self, crawler: Crawler) -> None:
        """Called once the crawler exists, before the reactor runs."""
        crawler.signals.connect(self._engine_started, signal=signals.engine_started)
        self.crawler = crawler

    def _received(self, signum: int, _frame: object) -> None:
        # A signal handler only notes the stop and hands it to the reactor's thread.
        if self.signum is not None:
            return
        self.signum = signum
        if self.started:
            from twisted.internet import reactor

            reactor.callFromThread(self._stop)

    def _engine_started(self) -> None:
        self.started = True
        if self.signum is not None:
            from twisted.internet import reactor

            # Once the engine runs (not from inside its start): a stop closes the spider.
            reactor.callFromThread(self._stop)

    def _stop(self) -> None:
        crawler = self.crawler
        if self.stopping or crawler is None or self.signum is None:
            return
        self.stopping = True
        name = signal.Signals(self.signum).name
        logger.warning("收到 %s，正在停止抓取并保存已抓取的数据（stopping the crawl）", name)
        if crawler.stats is not None:
            crawler.stats.set_value("xuncha/stop/signal", name)
        deferred_from_coro(crawler.stop_async())


def crawl(request: CrawlRequest, stop: GracefulStop | None = None) -> CrawlResult:
    _quiet(request.log_level)
    profile = Profile.model_validate(request.profile)
    settings = settings_for(request, profile)
    stop = stop or GracefulStop()
    with tempfile.TemporaryDirectory(prefix="xuncha-frontier-") as frontier_dir:
        if request.frontier is None:
            _frontier_on_disk(settings, frontier_dir)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(PortalSpider)
        stop.attach(crawler)
        process.crawl(crawler, profile=profile)
        process.start(install_signal_handlers=False)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(
        reason=str(stats.get("finish_reason", "unknown")),
        unreachable=getattr(crawler.spider, "unreachable", None),
        stats=_jsonable(stats),
    )


def main(argv: list[str]) -> int:
    stop = GracefulStop()
    stop.install()  # before anything slow: a stop during start-up is a stop too
    # The runner starts this process with the stop signals blocked (xuncha/run/crawl_process.py):
    # one that came meanwhile is delivered now, to the handler just installed.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    request = CrawlRequest.read(Path(argv[1]))
    result = crawl(request, stop)
    # The crawl process's own high-water mark (Linux: KiB), kept with the run's stats.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.stats["xuncha/crawl_peak_rss_mb"] = round(peak, 1)
    Path(request.result_path).write_text(result.to_json(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
