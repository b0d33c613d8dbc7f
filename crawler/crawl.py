"""The crawl of one run, in a process of its own: ``python -m crawler.crawl REQUEST.json``.

Twisted's reactor cannot be restarted, and a province inspects hundreds of sites in one
night, so every crawl gets a fresh process. The request file names the profile, database,
run and settings — and, for a worker of a distributed run, its seat on the shared frontier —
as a :class:`~crawler.job.CrawlRequest`; the process writes its
:class:`~crawler.job.CrawlResult` (close reason, stats, unreachable message) to the result
file named in the request, then exits 0 — or non-zero if it could not crawl.
"""

from __future__ import annotations

import logging
import resource
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.configure import settings_for
from crawler.job import CrawlRequest, CrawlResult
from crawler.spiders.portal import PortalSpider
from xuncha.profile import Profile


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
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["scrapy.extensions.spiderstate.SpiderState"] = None
    settings.set("EXTENSIONS", extensions, priority="cmdline")


def crawl(request: CrawlRequest) -> CrawlResult:
    _quiet(request.log_level)
    profile = Profile.model_validate(request.profile)
    settings = settings_for(request, profile)
    with tempfile.TemporaryDirectory(prefix="xuncha-frontier-") as frontier_dir:
        if request.frontier is None:
            _frontier_on_disk(settings, frontier_dir)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(PortalSpider)
        process.crawl(crawler, profile=profile)
        process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(
        reason=str(stats.get("finish_reason", "unknown")),
        unreachable=getattr(crawler.spider, "unreachable", None),
        stats=_jsonable(stats),
    )


def main(argv: list[str]) -> int:
    request = CrawlRequest.read(Path(argv[1]))
    result = crawl(request)
    # The crawl process's own high-water mark (Linux: KiB), kept with the run's stats.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.stats["xuncha/crawl_peak_rss_mb"] = round(peak, 1)
    Path(request.result_path).write_text(result.to_json(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
