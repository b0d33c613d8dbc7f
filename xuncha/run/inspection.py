"""One inspection of one site, stage by stage: crawl → checks → tracking → outputs.

The crawl runs in a child process (crawler/crawl.py); everything else runs here, against the
store. A run row exists before the crawl starts and always ends in a true state: `finished`
(with `complete` only if the crawl closed normally), `failed` (site unreachable or crawl
error) or `interrupted`.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.mandatory import not_yet_due
from checks.registry import run_checks
from checks.scoring import score
from reports.export import ExportRun, findings_document, write_json
from reports.html import write_run_report
from reports.ledger import write_ledger
from xuncha.run.frontier import crawl_on_frontier, frontier_url
from xuncha.run.incremental import carry_forward, previous_run, stored_pages
from xuncha.ledger import iter_ledger_rows
from xuncha.profile import Profile
from xuncha.report_context import build_run_report
from xuncha.store.retention import prune_after_run
from xuncha.store.snapshot import load_crawl
from xuncha.store import Run, Site, Store
from xuncha.tracking import fingerprint, record_findings, run_findings
from xuncha.tracking.events import MANUAL

EXIT_OK = 0
EXIT_ERROR = 2
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunOutcome:
    run_id: int
    status: str
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
    def exit_code(self) -> int:
        return EXIT_OK if self.status == "finished" else EXIT_ERROR


def site_key(profile: Profile) -> str:
    return profile.start_urls[0].rstrip("/").lower()


def _site(session: Session, profile: Profile) -> Site:
    key = site_key(profile)
    site = session.scalar(select(Site).where(Site.key == key))
    if site is None:
        site = Site(key=key, name=profile.display_name, start_url=profile.start_urls[0])
        session.add(site)
        session.flush()
    site.name = profile.display_name
    return site


def _die_with_parent() -> None:
    """In the crawl child: if `xuncha run` itself is killed (SIGKILL from an impatient
    scheduler), the crawl dies with it rather than run on as an orphan against the site; the
    run row is recovered as interrupted by the next run's lock (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


PR_SET_PDEATHSIG = 1
GRACE_SECONDS = 60  # how long a stopped crawl may take to write out what it has


def _wait_for_child(child: subprocess.Popen[bytes]) -> int:
    """Wait for the crawl; on Ctrl-C or SIGTERM let it stop cleanly (Scrapy flushes what it
    holds and closes with reason "shutdown"), and kill it only if it outlasts the grace."""
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        if child.poll() is None:
            child.send_signal(signal.SIGINT if not stopping else signal.SIGKILL)
        stopping = True

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return child.wait(timeout=GRACE_SECONDS if stopping else None)
            except KeyboardInterrupt:
                # The terminal sent SIGINT to the child too; a second Ctrl-C kills it.
                if stopping and child.poll() is None:
                    child.kill()
                stopping = True
            except subprocess.TimeoutExpired:
                child.kill()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _crawl_in_child(request: dict, progress: str, verbose: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="xuncha-run-") as tmp:
        request_path = Path(tmp) / "request.json"
        result_path = Path(tmp) / "result.json"
        request = dict(request, result_path=str(result_path), progress=progress)
        if os.environ.get("XUNCHA_PROGRESS_INTERVAL"):
            request["progress_interval"] = float(os.environ["XUNCHA_PROGRESS_INTERVAL"])
        request["log_level"] = "INFO" if verbose else "WARNING"
        request_path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT)]))
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.crawl", str(request_path)],
            env=env,
            preexec_fn=_die_with_parent,
        )
        returncode = _wait_for_child(child)
        if result_path.exists():
            return json.loads(result_path.read_text(encoding="utf-8"))
        return {
            "reason": "crawl_error",
            "error": f"the crawl process exited with status {returncode}",
            "stats": {},
        }


def _crawl(request: dict, progress: str, verbose: bool) -> dict:
    """The crawl child, alone or as the seeding worker of a run shared with `xuncha worker`
    processes (分布式巡查, under `xuncha run --redis`: xuncha/run/frontier.py)."""
    redis_url = frontier_url()
    if redis_url is None:
        return _crawl_in_child(request, progress, verbose)
    return crawl_on_frontier(
        redis_url, request, lambda seeding: _crawl_in_child(seeding, progress, verbose)
    )


def _judge(result: dict, profile: Profile) -> tuple[str, str | None, bool]:
    """(status, message, complete) of a run from what its crawl reported."""
    stats = result.get("stats", {})
    reason = result.get("reason")
    if stats.get("xuncha/store/error"):
        return "failed", f"database error: {stats['xuncha/store/error']}", False
    if result.get("unreachable"):
        return "failed", f"站点无法访问：{result['unreachable']}", False
    if reason == "crawl_error":
        return "failed", result.get("error"), False
    if reason == "finished":
        return "finished", None, True
    if reason == "closespider_pagecount":
        return "finished", f"page limit reached ({profile.limits.max_pages})", False
    if reason == "workers_lost":
        frontier = result["stats"]["frontier"]
        gone = len(frontier["lost"]) + len(frontier["left_early"])
        return "finished", f"分布式巡查有 {gone} 个工作进程中途退出，部分页面未抓取", False
    return "interrupted", f"crawl ended: {reason}", False


def inspect_site(
    profile: Profile,
    store: Store,
    *,
    as_of: date,
    out_dir: Path,
    concurrency: int | None = None,
    lang: str = "zh",
    progress: str = "log",
    verbose: bool = False,
    full: bool = False,
) -> RunOutcome:
    """Inspect one site and write ``findings.json`` and ``report.html`` into `out_dir`.

    After a complete run of the same site the crawl is incremental unless `full` is asked for
    or the profile turns it off (xuncha/run/incremental.py)."""
    started = datetime.now(UTC)
    with store.session() as session, session.begin():
        site = _site(session, profile)
        run = Run(
            site_id=site.id,
            started_at=started,
            as_of=as_of,
            status="running",
            complete=False,
            profile=profile.model_dump(mode="json"),
            stats={},
        )
        session.add(run)
        session.flush()
        run_id = run.id
        prior = previous_run(session, run) if profile.incremental.enabled and not full else None
        prior_run_id = prior.id if prior is not None else None

    result = _crawl(
        {
            "profile": profile.model_dump(mode="json"),
            "db_url": store.url,
            "run_id": run_id,
            "prior_run_id": prior_run_id,
            "as_of": as_of.isoformat(),
            "concurrency": concurrency,
        },
        progress,
        verbose,
    )
    stats = result.get("stats", {})
    status, message, complete = _judge(result, profile)
    with store.session() as session, session.begin():
        run = session.get(Run, run_id)
        run.finished_at = datetime.now(UTC)
        run.status = status
        run.complete = complete
        run.message = message
        # Only the site's own failure is a finding; a crash of ours or of the database is not.
        run.stats = dict(stats, unreachable=result.get("unreachable"))
        run.pages = sum(v for k, v in stats.items() if k.startswith("xuncha/pages/"))
        run.links_checked = int(stats.get("xuncha/links/checked", 0))
        if prior_run_id is not None and status == "finished":
            # 增量巡查: what was not fetched again tonight stands as the last run saw it.
            carried = carry_forward(session, run_id, prior_run_id)
            run.stats = dict(run.stats, incremental=dict(carried, prior_run=prior_run_id))
            run.pages = stored_pages(session, run_id)
    try:
        with store.session() as session, session.begin():
            raised, outcome = judge_run(
                session,
                session.get(Run, run_id),
                profile,
                status=status,
                complete=complete,
                unreachable=result.get("unreachable"),
                as_of=as_of,
                out_dir=out_dir,
                lang=lang,
            )
    except Exception as exc:
        with store.session() as session, session.begin():
            run = session.get(Run, run_id)
            run.status = "failed"
            run.message = f"checks or reports failed: {type(exc).__name__}: {exc}"[:2000]
        raise
    prune_after_run(store, run_id, profile.retention.runs)  # 保留: older runs' crawl rows go
    seconds = (datetime.now(UTC) - started).total_seconds()
    return RunOutcome(
        run_id=run_id,
        status=status,
        complete=complete,
        message=message,
        pages=outcome[0],
        links_checked=outcome[1],
        findings=raised,
        findings_path=out_dir / "findings.json",
        report_path=out_dir / "report.html",
        seconds=seconds,
        prior_run=prior_run_id if status == "finished" else None,
    )


def judge_run(
    session: Session,
    run: Run,
    profile: Profile,
    *,
    status: str,
    complete: bool,
    unreachable: str | None,
    as_of: date,
    out_dir: Path,
    lang: str,
) -> tuple[int, tuple[int, int]]:
    """The post-crawl phase, in the caller's transaction: load what the crawl stored, run the
    checks, record the findings (整改跟踪), score, and write the outputs. A function of its own
    so the phase can be measured alone on a stored run (benchmarks/postcrawl.py).

    Returns how many findings this run raised and (pages, links checked)."""
    data = load_crawl(session, run, profile)
    judged = status == "finished" or bool(unreachable)
    found = run_checks(data, profile, as_of) if judged else []
    upcoming = not_yet_due(data, profile, as_of) if complete else []
    raised = record_findings(session, run, found, data)
    # A verdict needs the whole site: a partial crawl gets findings, not a score. What a
    # person waived (依法不予公开) or marked 误报 does not count against the site.
    dismissed = {fp for fp, state in raised.items() if state in MANUAL}
    counted = [f for f in found if fingerprint(f) not in dismissed] if dismissed else found
    run.score = (
        score(counted, data, profile.checks.scoring, as_of) if complete or unreachable else None
    )
    del data, found, counted  # the outputs read the recorded findings back from the store
    return len(raised), _write_outputs(session, run, profile, upcoming, out_dir, lang)


def _write_outputs(
    session: Session, run: Run, profile: Profile, upcoming: list[dict], out_dir: Path, lang: str
) -> tuple[int, int]:
    """findings.json, report.html and ledger.xlsx, each written as its findings are read."""
    document = findings_document(
        profile.display_name,
        profile.start_urls[0],
        ExportRun.of(run),
        run_findings(session, run),
        run.score,
        lang,
        lazy=True,
    )
    # Recurring statutory items not due yet (年报, 预决算…): not findings, but the next deadlines.
    document["not_yet_due"] = upcoming
    write_json(document, out_dir / "findings.json")
    report = build_run_report(session, run, lang, upcoming=upcoming)
    write_run_report(report, out_dir / "report.html")
    # 整改台账: every finding of the site whatever its status, with its re-check outcome.
    site_key = session.get(Site, run.site_id).key  # type: ignore[union-attr]
    write_ledger(iter_ledger_rows(session, site_key, lang=lang), lang, out_dir / "ledger.xlsx")
    return run.pages, run.links_checked
