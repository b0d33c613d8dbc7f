"""The ``xuncha`` command line.

Exit codes: 0 done; 1 a run has findings at or above ``--fail-on``; 2 an error (bad profile,
site locked by another run, unreachable site, failed or interrupted crawl, database) — see
xuncha/run/night.py. User errors print one line — what failed and what to do — never a
traceback; under cron every log line is timestamped (xuncha/logs.py).
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from xuncha.cli.findings import findings
from xuncha.cli.probe import probe
from xuncha.cli.reports import register as register_reports
from xuncha.cli.prune import prune
from xuncha.cli.worker import worker
from xuncha.errors import XunchaError
from xuncha.run.frontier import on_frontier
from xuncha.logs import cron_log, is_terminal
from xuncha.run.night import (
    EXIT_ERROR,
    EXIT_OK,
    FAIL_ON,
    NightSettings,
    inspect_folder,
    inspect_one,
    profile_files,
    summary_lines,
    worst_exit,
)
from xuncha.profile import load_profile, profile_for_url
from xuncha.store import Store, default_db_url

DB_HELP = "SQLAlchemy database URL (default: $XUNCHA_DB, else sqlite:///xuncha.db)"


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _progress_mode() -> str:
    return "tty" if is_terminal() else "log"


def _summary(outcome, lang: str) -> str:  # type: ignore[no-untyped-def]
    prior = getattr(outcome, "prior_run", None)
    if lang == "en":
        kept = f" (incremental: unchanged pages kept from run #{prior})" if prior else ""
        return (
            f"run #{outcome.run_id} {outcome.status}: {outcome.pages} pages, "
            f"{outcome.links_checked} links checked, {outcome.findings} findings "
            f"in {outcome.seconds:.0f} s{kept}\nreport: {outcome.report_path}\n"
            f"findings: {outcome.findings_path}"
        )
    kept = f"（增量巡查：未变化的页面沿用检测 #{prior}）" if prior else ""
    status = {"finished": "完成", "failed": "失败", "interrupted": "中断"}.get(
        outcome.status, outcome.status
    )
    return (
        f"检测 #{outcome.run_id} {status}：抓取页面 {outcome.pages} 个，检查链接 "
        f"{outcome.links_checked} 个，发现问题 {outcome.findings} 个，"
        f"用时 {outcome.seconds:.0f} 秒{kept}\n"
        f"检测报告：{outcome.report_path}\n问题清单：{outcome.findings_path}"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xuncha")
def cli() -> None:
    """巡查 Xuncha — inspect Chinese government websites the way inspectors do."""


@cli.command()
@click.option(
    "--url", help="Start URL (portal home page or disclosure section); no profile needed."
)
@click.option(
    "--profile", "profile_path", type=click.Path(dir_okay=False), help="Site profile (YAML)."
)
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False),
    help="Inspect every *.yaml/*.yml profile of this folder, one after another, each into "
    "--out/<profile file name>/.",
)
@click.option("--db", default=None, help=DB_HELP)
@click.option("--as-of", "as_of", default=None, help="The day date rules count from (YYYY-MM-DD).")
@click.option(
    "--out", "out_dir", default="out", type=click.Path(file_okay=False), show_default=True
)
@click.option(
    "--concurrency", type=click.IntRange(1, 512), default=None, help="Concurrent requests in all."
)
@click.option(
    "--scope",
    type=click.Choice(["sections", "site"]),
    default=None,
    help="Recurse into the disclosure sections (default) or the whole site.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(list(FAIL_ON)),
    default="none",
    show_default=True,
    help="Exit 1 when the run has open or reopened findings of this severity or higher.",
)
@click.option(
    "--lock-stale-hours",
    type=click.FloatRange(min=0, min_open=True),
    default=12.0,
    show_default=True,
    help="Take over a run lock held this long by another host (a dead machine's run).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Fetch every page and check every link again, even after a complete run "
    "(by default a night after one is incremental).",
)
@click.option(
    "--redis",
    "redis_url",
    default=None,
    metavar="URL",
    help="Crawl on a shared Redis frontier that `xuncha worker` processes join "
    "(the database must be one every worker reaches).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: a good night is silent.")
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
def run(url, profile_path, all_dir, db, as_of, out_dir, concurrency, scope, lang, fail_on,  # type: ignore[no-untyped-def]
        lock_stale_hours, full, redis_url, quiet, verbose) -> None:  # fmt: skip
    """Inspect one site (or every site of a folder): crawl, check, write findings.json and
    report.html. One run per site at a time: a second is refused while the first runs.

    \b
    Exit codes (a folder exits with the worst of its sites):
      0  done
      1  open findings at or above --fail-on (default none: never)
      2  an error: bad profile, site locked by another run, site
         unreachable, crawl failed or interrupted, database
    """
    if sum(1 for source in (url, profile_path, all_dir) if source) != 1:
        raise click.UsageError(
            "give exactly one of --url URL or --profile FILE, or --all PROFILE_DIR"
        )
    night = NightSettings(
        as_of=_as_of(as_of),
        out_dir=Path(out_dir),
        concurrency=concurrency,
        lang=lang,
        progress="off" if quiet else _progress_mode(),
        verbose=verbose,
        fail_on=fail_on,
        stale_after=timedelta(hours=lock_stale_hours),
        scope=scope,
        full=full,
    )
    if redis_url:
        _check_frontier(redis_url, db)
    with cron_log(quiet=quiet), _sigterm_exits(), on_frontier(redis_url):
        if all_dir:
            code = _run_folder(Path(all_dir), db, night, quiet)
        else:
            code = _run_site(url, profile_path, db, night, quiet)
    sys.exit(code)


def _check_frontier(redis_url: str, db: str | None) -> None:
    """Before anything runs: a reachable Redis and a database other workers can reach."""
    from xuncha.run.frontier import check_shared_database, connect

    check_shared_database(db or default_db_url())
    connect(redis_url).close()


def _run_site(url: str | None, profile_path: str | None, db: str | None,
              night: NightSettings, quiet: bool) -> int:  # fmt: skip
    log = logging.getLogger("xuncha")
    try:
        profile = load_profile(profile_path) if profile_path else profile_for_url(url or "")
        store = Store(db or default_db_url())
    except XunchaError as exc:
        log.error("%s", exc)
        return EXIT_ERROR
    try:
        result = inspect_one(profile, store, night)
    finally:
        store.dispose()
    if result.outcome is not None and not (quiet and result.exit_code == EXIT_OK):
        click.echo(_summary(result.outcome, night.lang))
    return result.exit_code


def _run_folder(folder: Path, db: str | None, night: NightSettings, quiet: bool) -> int:
    try:
        profile_files(folder)  # a wrong folder is an error before any database is created
        store = Store(db or default_db_url())
    except XunchaError as exc:
        logging.getLogger("xuncha").error("%s", exc)
        return EXIT_ERROR
    try:
        results = inspect_folder(folder, store, night)
    finally:
        store.dispose()
    for line in summary_lines(results, night.lang, quiet=quiet):
        click.echo(line)
    return worst_exit(results)


@contextmanager
def _sigterm_exits() -> Iterator[None]:
    """SIGTERM outside a crawl (the runner forwards it to the crawl while one runs) ends the
    command through SystemExit, so the run lock is released on the way out."""

    def stop(signum: int, _frame: object) -> None:
        logging.getLogger("xuncha").error("stopped by signal %d", signum)
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command()
@click.option("--db", default=None, help="Database URL (default: sqlite in the output folder).")
@click.option(
    "--out", "out_dir", default="demo-out", type=click.Path(file_okay=False), show_default=True
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def demo(db, out_dir, lang) -> None:  # type: ignore[no-untyped-def]
    """Serve the bundled demo portal on 127.0.0.1, inspect it, print the report's path."""
    from xuncha.demo.run import run_demo

    outcome = run_demo(Path(out_dir), db_url=db, lang=lang, progress=_progress_mode())
    click.echo(_summary(outcome, lang))
    sys.exit(outcome.exit_code)


cli.add_command(findings)
cli.add_command(probe)
cli.add_command(prune)
cli.add_command(worker)
register_reports(cli)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except XunchaError as exc:
        click.echo(f"xuncha: {exc}", err=True)
        sys.exit(2)
    except SQLAlchemyError as exc:
        # Exit 1 means "findings above --fail-on": every failure of ours must be 2.
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        click.echo(f"xuncha: database error: {first}", err=True)
        sys.exit(2)
    except Exception:
        traceback.print_exc()
        click.echo(
            "xuncha: internal error (a bug: please report it with the lines above)", err=True
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
