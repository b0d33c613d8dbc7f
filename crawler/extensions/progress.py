"""ProgressReporter: live progress on a terminal, plain log lines under cron.

Reads ``XUNCHA_PROGRESS``: ``tty`` (one line rewritten in place every second), ``log``
(a line every ``XUNCHA_PROGRESS_INTERVAL`` seconds, default 30, fit for a mail from cron)
or ``off``. The runner takes the interval from the environment variable of the same name
(it applies to ``tty`` too, where it defaults to one second).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressReporter:
    def __init__(self, crawler: Any, mode: str, interval: float) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressReporter:
        mode = crawler.settings.get("XUNCHA_PROGRESS", "off")
        if mode not in ("tty", "log"):
            raise NotConfigured
        default = 1.0 if mode == "tty" else 30.0
        interval = crawler.settings.getfloat("XUNCHA_PROGRESS_INTERVAL", default)
        reporter = cls(crawler, mode, interval)
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def line(self) -> str:
        stats = self.crawler.stats
        pages = sum(
            value for key, value in stats.get_stats().items()
            if key.startswith("xuncha/pages/") and isinstance(value, int)
        )  # fmt: skip
        checked = stats.get_value("xuncha/links/checked", 0)
        errors = sum(
            value for key, value in stats.get_stats().items()
            if key.startswith("xuncha/links/error/") and isinstance(value, int)
        )  # fmt: skip
        queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
        engine = self.crawler.engine
        in_flight = len(engine.downloader.active) if engine is not None else 0
        elapsed = int(time.monotonic() - self.started)
        return (
            f"pages {pages} · links checked {checked} · errors {errors} · "
            f"queue {queued + in_flight} · {elapsed // 60}:{elapsed % 60:02d}"
        )

    def report(self) -> None:
        if self.mode == "tty":
            sys.stderr.write("\r\x1b[2K巡查 " + self.line())
            sys.stderr.flush()
        else:
            sys.stderr.write(
                time.strftime("%Y-%m-%d %H:%M:%S ") + "progress: " + self.line() + "\n"
            )
            sys.stderr.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.mode == "tty":
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
