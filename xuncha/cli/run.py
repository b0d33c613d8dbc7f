"""``xuncha run``: inspect one site, or every site of a folder (夜间巡查).

Exit codes: 0 done; 1 a run has findings at or above ``--fail-on``; 2 an error (bad profile,
site locked by another run, unreachable site, failed or interrupted crawl, database) — see
:class:`xuncha.run.outcome.ExitCode`.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import click

from xuncha.cli.common import db_option, lang_option, parse_date, progress_mode, run_summary
from xuncha.errors import XunchaError
from xuncha.logs import cron_log
from xuncha.notify.config import NoticesConfig, load_notices
from xuncha.notify.outbox import notify_sites, summary_line
from xuncha.profile import load_profile, profile_for_url
from xuncha.run.children import handling
from xuncha.run.frontier import on_frontier
from xuncha.run.night import (
    FAIL_ON,
    NightSettings,
    inspect_folder,
    inspect_one,
    profile_files,
    summary_lines,
    worst_exit,
)
from xuncha.run.night_pool import (
    SITE_MB,
    SITES_PER_CORE,
    inspect_folder_parallel,
    machine_parallel,
)
from xuncha.run.outcome import ExitCode
from xuncha.store import Store, default_db_url


@click.command()
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
    help="Inspect every *.yaml/*.yml profile of this folder, each into "
    "--out/<profile file name>/, several sites at once (see --parallel).",
)
@click.option(
    "--parallel",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --all: sites inspected at once, each in its own processes with its own "
    f"politeness budget and run lock, up to about {SITE_MB} MB each (crawl and checks), "
    f"{SITE_MB} MB × N in all. Default: min({SITES_PER_CORE} × cores, available memory / "
    f"{SITE_MB} MB, sites), 1 on SQLite. 1: one after another, in this process.",
)
@db_option
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
@lang_option
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
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="Crawl with N processes on this machine, on a shared Redis frontier (--redis URL, "
    "else $XUNCHA_REDIS_URL); the database must be a server, e.g. PostgreSQL.",
)
@click.option(
    "--queue",
    "queue_url",
    default=None,
    metavar="URL",
    help="With --all: queue the sites on this Redis for `xuncha worker --sites` processes "
    "(on this machine or others) instead of inspecting them here; wait for them and print "
    "the night's summary.",
)
@click.option(
    "--notify",
    "notices_path",
    default=None,
    metavar="FILE",
    help="After the run, send the units their digests (整改通知) as `xuncha notify --config "
    "FILE` does; a failed send is kept for a retry and never changes the exit code.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: a good night is silent.")
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
def run(
    url: str | None,
    profile_path: str | None,
    all_dir: str | None,
    parallel: int | None,
    db: str | None,
    as_of: str | None,
    out_dir: str,
    concurrency: int | None,
    scope: str | None,
    lang: str,
    fail_on: str,
    lock_stale_hours: float,
    full: bool,
    redis_url: str | None,
    workers: int | None,
    queue_url: str | None,
    notices_path: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
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
    if parallel is not None and not all_dir:
        raise click.UsageError("--parallel goes with --all PROFILE_DIR")
    if queue_url and not all_dir:
        raise click.UsageError("--queue goes with --all PROFILE_DIR")
    if queue_url and (parallel is not None or redis_url or workers):
        raise click.UsageError(
            "--queue hands the sites to `xuncha worker --sites`: --parallel, --redis and "
            "--workers are for a night run on this machine"
        )
    if parallel is not None and parallel > 1 and (redis_url or workers):
        raise click.UsageError(
            "--redis and --workers spread one site's crawl, one site at a time: "
            "use --parallel 1 with them"
        )
    night = NightSettings(
        as_of=parse_date(as_of, "--as-of") or date.today(),
        out_dir=Path(out_dir),
        concurrency=concurrency,
        lang=lang,
        progress="off" if quiet else progress_mode(),
        verbose=verbose,
        fail_on=fail_on,
        stale_after=timedelta(hours=lock_stale_hours),
        scope=scope,
        full=full,
    )
    notices = load_notices(notices_path) if notices_path else None  # a bad file: before the run
    if queue_url:
        with cron_log(quiet=quiet):
            code = _queue_folder(Path(all_dir or ""), night, queue_url, quiet)
            _notify(notices, db, quiet)
        sys.exit(code)
    if workers:
        redis_url = _check_workers(redis_url, db)
    elif redis_url:
        _check_frontier(redis_url, db)
    with cron_log(quiet=quiet), _sigterm_exits(), on_frontier(redis_url, workers or 1):
        if all_dir:
            code = _run_folder(Path(all_dir), db, night, quiet, 1 if redis_url else parallel)
        else:
            code = _run_site(url, profile_path, db, night, quiet)
        _notify(notices, db, quiet)
    sys.exit(code)


def _notify(notices: NoticesConfig | None, db: str | None, quiet: bool) -> None:
    """The digests of the night's runs: whatever goes wrong is logged, never raised — the
    runs are stored and their exit code stands."""
    if notices is None:
        return
    log = logging.getLogger("xuncha")
    try:
        store = Store(db or default_db_url(), create=False)
        try:
            queued, summary = notify_sites(store, notices)
        finally:
            store.dispose()
    except Exception as exc:  # a notice must never fail the night
        log.error("整改通知未能发送（下次 xuncha notify 会重试）：%s", exc)
        return
    if summary.failed or summary.given_up or summary.unknown:
        log.warning("%s", summary_line(queued, summary, notices.lang))
    elif not quiet:
        click.echo(summary_line(queued, summary, notices.lang))


def _check_frontier(redis_url: str, db: str | None) -> None:
    """Before anything runs: a reachable Redis and a database other workers can reach."""
    from xuncha.run.frontier import check_shared_database, connect

    check_shared_database(db or default_db_url())
    connect(redis_url).close()


def _check_workers(redis_url: str | None, db: str | None) -> str:
    """``--workers``: the Redis it crawls on (``--redis`` or the environment's), checked."""
    from xuncha.run.frontier import check_shared_database, connect, redis_url_for_workers

    check_shared_database(db or default_db_url(), "--workers")
    found = redis_url_for_workers(redis_url)
    connect(found).close()
    return found


def _run_site(url: str | None, profile_path: str | None, db: str | None,
              night: NightSettings, quiet: bool) -> int:  # fmt: skip
    log = logging.getLogger("xuncha")
    try:
        profile = load_profile(profile_path) if profile_path else profile_for_url(url or "")
        store = Store(db or default_db_url())
    except XunchaError as exc:
        log.error("%s", exc)
        return ExitCode.ERROR
    try:
        result = inspect_one(profile, store, night)
    finally:
        store.dispose()
    if result.outcome is not None and not (quiet and result.exit_code == ExitCode.OK):
        click.echo(run_summary(result.outcome, night.lang))
    return result.exit_code


def _run_folder(folder: Path, db: str | None, night: NightSettings, quiet: bool,
                parallel: int | None) -> int:  # fmt: skip
    """The sites one after another in this process (``--parallel 1``), or several at once,
    each in processes of its own (xuncha/run/night_pool.py); the same summary either way."""
    try:
        files = profile_files(folder)  # a wrong folder is an error before any database is created
        store = Store(db or default_db_url())  # created and migrated once, before any site
    except XunchaError as exc:
        logging.getLogger("xuncha").error("%s", exc)
        return ExitCode.ERROR
    if parallel is None:
        parallel = machine_parallel(len(files), store.url)
    try:
        if parallel == 1:
            results = inspect_folder(folder, store, night)
        else:
            results = inspect_folder_parallel(folder, store.url, night, parallel, quiet=quiet)
    finally:
        store.dispose()
    for line in summary_lines(results, night.lang, quiet=quiet):
        click.echo(line)
    return worst_exit(results)


def _queue_folder(folder: Path, night: NightSettings, queue_url: str, quiet: bool) -> int:
    """The sites on the Redis queue for `xuncha worker --sites`, waited for: the summary and
    exit code of a night run here (xuncha/run/site_queue.py)."""
    try:
        from xuncha.run.site_queue import dispatch_folder
    except ImportError:
        logging.getLogger("xuncha").error(
            "多机夜间巡查需要 redis 和 rq：pip install 'xuncha[distributed]'"
        )
        return ExitCode.ERROR
    try:
        results = dispatch_folder(folder, night, queue_url)
    except XunchaError as exc:
        logging.getLogger("xuncha").error("%s", exc)
        return ExitCode.ERROR
    for line in summary_lines(results, night.lang, quiet=quiet):
        click.echo(line)
    return worst_exit(results)


@contextmanager
def _sigterm_exits() -> Iterator[None]:
    """SIGTERM or SIGHUP outside a crawl (the runner forwards them to the crawl while one
    runs) ends the command through SystemExit, so the run being judged is stored interrupted
    and the run lock is released on the way out."""

    def stop(signum: int, _frame: object) -> None:
        logging.getLogger("xuncha").error("stopped by signal %d", signum)
        raise SystemExit(128 + signum)

    with handling((signal.SIGTERM, signal.SIGHUP), stop):
        yield
