"""The site index (网站检测汇总): one row per site of a database — its latest run, verdict,
score, open findings and trend — linking each site's latest run report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reports.chart import TrendPoint
from reports.rendering import render, write_html

TEMPLATE = "index.html"


@dataclass(frozen=True)
class SiteRow:
    """One site of the index: its latest run and where its report is."""

    name: str
    start_url: str
    report_href: str | None  # relative to the index; None when the site has no run
    run_id: int | None
    as_of: str | None
    status: str | None
    verdict: str | None  # 合格 | 不合格 | None (not scored)
    points: float | None
    open_findings: int
    trend: list[TrendPoint] = field(default_factory=list)


@dataclass(frozen=True)
class SiteIndex:
    """The index of a database holding several sites."""

    lang: str
    generated: str
    sites: list[SiteRow]


def render_site_index(index: SiteIndex) -> str:
    return render(TEMPLATE, index, index.lang)


def write_site_index(index: SiteIndex, path: Path) -> Path:
    return write_html(render_site_index(index), path)
