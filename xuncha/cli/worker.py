"""``xuncha worker``: a crawl process that joins the runs of ``xuncha run --redis`` (分布式巡查),
or with ``--sites`` one that takes whole sites queued by ``xuncha run --all DIR --queue``
(多机夜间巡查, xuncha/run/site_queue.py).

    xuncha worker --redis redis://:PASSWORD@10.0.0.5:6379/0 --db postgresql+psycopg://… [--once]
    xuncha worker --sites --redis redis://:PASSWORD@10.0.0.5:6379/0 --db postgresql+psycopg://…

Waits for a run announced on that Redis (or joins the one running), crawls it with the same
spider and store pipeline as the run's own process, each page fetched by whichever worker
takes it from the shared frontier, and leaves when the run ends; then waits for the next run,
or exits with ``--once``. The database is given here, never passed through Redis: it must be
the one ``xuncha run`` writes to (a worker checks that the run is there).

Exit codes (``--once``): 0 the worker crawled the run to its end; 2 an error (Redis or the
database unreachable, the run not in this database, a crawl that failed or was stopped).
"""

from __future__ import annotations

import logging
import sys

import click
from sqlalchemy.engine import make_url

from crawler.job import CrawlResult, Progress
from xuncha.logs import cron_log, is_terminal
from xuncha.run.crawl_process import crawl_in_child
from xuncha.run.frontier import (
    OpenRun,
    check_shared_database,
    connect,
    namespace,
    next_run,
    shown,
)
from xuncha.run.outcome import ExitCode
from xuncha.store import Run, Site, Store, default_db_url

logger = logging.getLogger("xuncha.worker")

DB_HELP = (
    "SQLAlchemy URL of the database `xuncha run --redis` writes to "
    "(default: $XUNCHA_DB; SQLite cannot be shared)"
)


@click.command()
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The runs' Redis.")
@click.option("--db", default=None, help=DB_HELP)
@click.option("--once", is_flag=True, help="Leave after one run (default: wait for the next).")
@click.option(
    "--sites",
    is_flag=True,
    help="Take whole sites queued by `xuncha run --all DIR --queue URL`, one at a time, "
    "instead of joining one site's crawl.",
)
@click.option(
    "--burst", is_flag=True, help="With --sites: leave once the queue is empty (default: wait)."
)
@click.option(
    "--heartbeat",
    type=click.IntRange(1, 600),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="With --sites: seconds between heartbeats; a site whose worker misses three is "
    "taken over by another worker.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
def worker(redis_url: str, db: str | None, once: bool, sites: bool, burst: bool,
           heartbeat: int, verbose: bool) -> None:  # fmt: skip
    """Join the distributed runs of `xuncha run --redis`: crawl each with the others, one
    page by one worker, until the run ends; then wait for the next (or exit with --once).
    With --sites: inspect the sites queued by `xuncha run --all DIR --queue URL`, one after
    another, until stopped (or, with --burst, until the queue is empty)."""
    db_url = db or default_db_url()
    if sites:
        if once:
            raise click.UsageError("--once is for a shared crawl; with --sites use --burst")
        _work_on_sites(redis_url, db_url, burst, heartbeat)
        return
    if burst:
        raise click.UsageError("--burst goes with --sites")
    check_shared_database(db_url)
    server = connect(redis_url)
    store = Store(db_url, migrate=False)
    prefix = namespace()
    done: set[str] = set()
    try:
        with cron_log():
            logger.info("等待检测任务（Redis %s，前缀 %s）…", shown(redis_url), prefix)
            while True:
                run = next_run(server, prefix, done)
                done.add(run.run_key)
                code, stopped = _work_on(run, store, redis_url, prefix, verbose)
                if once or stopped:
                    sys.exit(code)
                logger.info("等待下一个检测任务…")
    finally:
        store.dispose()
        server.close()


def _work_on_sites(redis_url: str, db_url: str, burst: bool, heartbeat: int) -> None:
    try:
        from xuncha.run.site_queue import work_sites
    except ImportError:
        logger.error("多机夜间巡查需要 redis 和 rq：pip install 'xuncha[distributed]'")
        sys.exit(ExitCode.ERROR)
    with cron_log():
        work_sites(redis_url, db_url, burst=burst, heartbeat=heartbeat)


def _work_on(
    run: OpenRun, store: Store, redis_url: str, prefix: str, verbose: bool
) -> tuple[ExitCode, bool]:
    """Crawl ``run`` with the others: (exit code, whether this worker was stopped — SIGTERM or
    Ctrl-C reach the crawl, which leaves the run, and the worker must not wait for another)."""
    problem = _not_ours(run, store)
    if problem:
        logger.error("不加入检测 #%d（%s）：%s", run.run_id, run.site, problem)
        return ExitCode.ERROR, False
    logger.info("加入检测 #%d（%s）", run.run_id, run.site)
    progress: Progress = "tty" if is_terminal() else "log"
    result = crawl_in_child(run.request(store.url, redis_url, prefix), progress, verbose)
    click.echo(_summary(run, result))
    reason = result.reason
    # Its own shutdown, not the run's (a stopped `xuncha run` stops its workers' crawls too).
    stopped = reason == "shutdown" and not result.stat("xuncha/frontier/run_stopped")
    return (ExitCode.OK if reason == "finished" else ExitCode.ERROR), stopped


def _not_ours(run: OpenRun, store: Store) -> str | None:
    """Why this worker must not write the run's rows: the run is not in its database (a
    different --db) or is over."""
    where = make_url(store.url).render_as_string(hide_password=True)
    with store.session() as session:
        row = session.get(Run, run.run_id)
        site = session.get(Site, row.site_id) if row is not None else None
    if row is None or site is None or site.start_url != run.profile["start_urls"][0]:
        return f"数据库 {where} 中没有这次检测：--db 须与 xuncha run 的相同"
    if row.status != "running":
        return f"这次检测已结束（{row.status}）"
    return None


def _summary(run: OpenRun, result: CrawlResult) -> str:
    pages = result.pages
    checked = result.stat("xuncha/links/checked", 0)
    reason = result.reason
    ending = "" if reason == "finished" else f"，结束原因：{result.error or reason}"
    return (
        f"检测 #{run.run_id}（{run.site}）分布式抓取结束：本进程抓取页面 {pages} 个，"
        f"检查链接 {checked} 个{ending}"
    )
