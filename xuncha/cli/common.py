"""What the commands share: the common options, dates on the command line, how progress is
shown, and the one-line summary of a run."""

from __future__ import annotations

from datetime import date

import click

from crawler.job import Progress
from reports.labels import RUN_STATUS_LABELS, label
from xuncha.logs import is_terminal
from xuncha.run.outcome import RunOutcome

DB_HELP = "SQLAlchemy database URL (default: $XUNCHA_DB, else sqlite:///xuncha.db)"
SITE_HELP = "Only this site (its name or start URL)."
LANG = click.Choice(["zh", "en"])

db_option = click.option("--db", default=None, help=DB_HELP)
lang_option = click.option("--lang", type=LANG, default="zh", show_default=True)


def parse_date(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD option's value (None when not given); a bad one is a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def progress_mode() -> Progress:
    """A live line on a terminal, plain lines under cron."""
    return "tty" if is_terminal() else "log"


def run_summary(outcome: RunOutcome, lang: str) -> str:
    """What ``xuncha run`` and ``xuncha demo`` print after a run."""
    prior = outcome.prior_run
    if lang == "en":
        kept = f" (incremental: unchanged pages kept from run #{prior})" if prior else ""
        return (
            f"run #{outcome.run_id} {outcome.status}: {outcome.pages} pages, "
            f"{outcome.links_checked} links checked, {outcome.findings} findings "
            f"in {outcome.seconds:.0f} s{kept}\nreport: {outcome.report_path}\n"
            f"findings: {outcome.findings_path}"
        )
    kept = f"（增量巡查：未变化的页面沿用检测 #{prior}）" if prior else ""
    status = label(RUN_STATUS_LABELS, outcome.status, lang)
    return (
        f"检测 #{outcome.run_id} {status}：抓取页面 {outcome.pages} 个，检查链接 "
        f"{outcome.links_checked} 个，发现问题 {outcome.findings} 个，"
        f"用时 {outcome.seconds:.0f} 秒{kept}\n"
        f"检测报告：{outcome.report_path}\n问题清单：{outcome.findings_path}"
    )
