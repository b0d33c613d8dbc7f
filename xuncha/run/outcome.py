"""How a run ends: the exit codes every command uses, what a crawl's end means for its run,
and the outcome ``inspect_site`` returns.

Exit codes (one table for ``xuncha run``, ``probe``, ``worker`` and a folder of sites)::

    0  done: every run finished (findings below --fail-on, or --fail-on none)
    1  a run finished with open or reopened findings at or above --fail-on
    2  an error: a bad profile, a site locked by another run, a site unreachable, a crawl that
       failed or was interrupted, a database that cannot be used
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Literal

from crawler.job import CrawlResult

# running: crawling; judging (检查中): the crawl is stored, its findings are being committed.
RunStatus = Literal["running", "judging", "finished", "failed", "interrupted"]


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2


@dataclass(frozen=True)
class CrawlEnd:
    """What a crawl's result means for its run: the run's status, the message stored with it,
    and whether the whole site was seen (only then a score, and only then a fix confirmed)."""

    status: RunStatus
    message: str | None
    complete: bool

    @classmethod
    def of(cls, result: CrawlResult, max_pages: int) -> CrawlEnd:
        stats = result.stats
        if stats.get("xuncha/store/error"):
            return cls("failed", f"database error: {stats['xuncha/store/error']}", False)
        if result.unreachable:
            return cls("failed", f"站点无法访问：{result.unreachable}", False)
        if result.reason == "crawl_error":
            return cls("failed", result.error, False)
        if result.reason == "finished":
            return cls("finished", None, True)
        if result.reason == "closespider_pagecount":
            return cls("finished", f"page limit reached ({max_pages})", False)
        if result.reason == "workers_lost":
            frontier = stats["frontier"]
            gone = len(frontier["lost"]) + len(frontier["left_early"])
            return cls("finished", f"分布式巡查有 {gone} 个工作进程中途退出，部分页面未抓取", False)
        return cls("interrupted", f"crawl ended: {result.reason}", False)


@dataclass(frozen=True)
class Judgement:
    """What the post-crawl phase did (checks, 整改跟踪, score, outputs): how many findings the
    run raised, and the run's counts as stored."""

    findings: int
    pages: int
    links_checked: int


@dataclass(frozen=True)
class RunOutcome:
    """One inspection, as ``xuncha run`` reports it."""

    run_id: int
    status: RunStatus
    complete: bool
    message: str | None
    pages: int
    links_checked: int
    findings: int
    findings_path: Path
    report_path: Path
    seconds: float
    prior_run: int | None = None  # 增量巡查: the run whose unchanged pages this one kept

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.status == "finished" else ExitCode.ERROR
