"""One inspection of one site, stage by stage: crawl → checks → tracking → outputs.

The crawl runs in a child process (crawler/crawl.py); everything else runs here, against the
store. A run row exists before the crawl starts and always ends in a true state: `running`
while it crawls, `judging` (检查中) once its crawl is stored, then — in the one transaction
that commits its findings and tracking — `finished` (with `complete` only if the crawl closed
normally), `failed` (site unreachable or crawl error) or `interrupted`. A judging that fails
stores the run `failed` or `interrupted`; a run killed while `running` or `judging` is
marked `interrupted` by the next run of the site (xuncha/run/lock.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from checks.links import link_rule_counts
from checks.mandatory import not_yet_due
from checks.registry import run_checks
from checks.scoring import score
from crawler.job import CrawlRequest, Progress
from xuncha.errors import StoreError, XunchaError
from xuncha.profile import Profile
from xuncha.run.crawl_process import crawl
from xuncha.run.incremental import previous_run
from xuncha.run.outcome import CrawlEnd, Judgement, RunOutcome
from xuncha.run.outputs import write_run_outputs
from xuncha.run.staging import staged_outputs
from xuncha.store import Run, Site, Store
from xuncha.store.carry import carry_forward, stored_pages
from xuncha.store.retention import prune_after_run
from xuncha.store.runs import home_site_name
from xuncha.store.snapshot import load_crawl
from xuncha.tracking import fingerprint, record_findings
from xuncha.tracking.events import MANUAL

logger = logging.getLogger(__name__)


def site_key(profile: Profile) -> str:
    return profile.start_urls[0].rstrip("/").lower()


def stored_run(session: Session, run_id: int) -> Run:
    """The run row this inspection created (it is never deleted while the run is going)."""
    run = session.get(Run, run_id)
    if run is None:
        raise StoreError(f"run #{run_id} is not in the database any more")
    return run


def site_row(session: Session, profile: Profile) -> Site:
    """The profile's site row (by its first start URL), created if new, its name kept current:
    the profile's name, else the one the home page gave on an earlier run (`named_from_home`)."""
    key = site_key(profile)
    site = session.scalar(select(Site).where(Site.key == key))
    if site is None:
        site = Site(key=key, name=profile.display_name, start_url=profile.start_urls[0])
        session.add(site)
        session.flush()
    if profile.name:
        site.name = profile.name
    return site


def named_from_home(session: Session, run: Run, profile: Profile) -> None:
    """A profile without a ``name`` (a bare ``--url`` run): the site is called what its home
    page calls itself (``SiteName``, the ``<title>``), not by its host name."""
    if profile.name:
        return
    name = home_site_name(session, run.id)
    if name:
        run.site.name = name


def inspect_site(
    profile: Profile,
    store: Store,
    *,
    as_of: date,
    out_dir: Path,
    concurrency: int | None = None,
    lang: str = "zh",
    progress: Progress = "log",
    verbose: bool = False,
    full: bool = False,
) -> RunOutcome:
    """Inspect one site and write ``findings.json`` and ``report.html`` into `out_dir`.

    After a complete run of the same site the crawl is incremental unless `full` is asked for
    or the profile turns it off (xuncha/run/incremental.py)."""
    started = datetime.now(UTC)
    with store.session() as session, session.begin():
        site = site_row(session, profile)
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

    result = crawl(
        CrawlRequest(
            profile=profile.model_dump(mode="json"),
            db_url=store.url,
            run_id=run_id,
            prior_run_id=prior_run_id,
            as_of=as_of,
            concurrency=concurrency,
        ),
        progress,
        verbose,
    )
    stats = result.stats
    end = CrawlEnd.of(result, profile.limits.max_pages)
    status, message, complete = end.status, end.message, end.complete
    with store.session() as session, session.begin():
        run = stored_run(session, run_id)
        run.finished_at = datetime.now(UTC)
        # 检查中: the crawl is stored; the run ends only with its findings and tracking.
        run.status = "judging"
        run.complete = False
        run.message = message
        # Only the site's own failure is a finding; a crash of ours or of the database is not.
        run.stats = dict(stats, unreachable=result.unreachable)
        run.pages = sum(v for k, v in stats.items() if k.startswith("xuncha/pages/"))
        run.links_checked = int(stats.get("xuncha/links/checked", 0))
        if status == "interrupted":  # stopped: what was stored (a crawl killed has no stats)
            run.pages = stored_pages(session, run_id)
        if prior_run_id is not None and status == "finished":
            # 增量巡查: what was not fetched again tonight stands as the last run saw it.
            carried = carry_forward(session, run_id, prior_run_id)
            run.stats = dict(run.stats, incremental=dict(carried, prior_run=prior_run_id))
            run.pages = stored_pages(session, run_id)
        named_from_home(session, run, profile)
    try:
        # The run's status, its findings, its tracking and its outputs: one commit, then the
        # outputs are moved in (xuncha/run/staging.py).
        with (
            staged_outputs(out_dir, run_id) as staging,
            store.session() as session,
            session.begin(),
        ):
            run = stored_run(session, run_id)
            run.status, run.complete = status, complete
            judged = judge_run(session, run, profile, end, unreachable=result.unreachable,
                               as_of=as_of, out_dir=staging.folder, lang=lang)  # fmt: skip
    except BaseException as exc:
        ended_unjudged(store, run_id, exc)
        raise
    staging.publish()
    prune_after_run(store, run_id, profile.retention.runs)  # 保留: older runs' crawl rows go
    seconds = (datetime.now(UTC) - started).total_seconds()
    return RunOutcome(
        run_id=run_id,
        status=status,
        complete=complete,
        message=message,
        pages=judged.pages,
        links_checked=judged.links_checked,
        findings=judged.findings,
        findings_path=out_dir / "findings.json",
        report_path=out_dir / "report.html",
        seconds=seconds,
        prior_run=prior_run_id if status == "finished" else None,
    )


def ended_unjudged(store: Store, run_id: int, exc: BaseException) -> None:
    """The judging transaction failed and rolled back: the run is stored `interrupted`
    (stopped by a signal or Ctrl-C) or `failed`, never complete, never scored. A database
    gone away leaves it `judging`, which the next run of the site repairs (xuncha/run/lock.py)."""
    stopped = isinstance(exc, KeyboardInterrupt | SystemExit)
    if stopped:
        message = "stopped while its findings were being judged (检查阶段被中止)"
    elif isinstance(exc, XunchaError):
        message = str(exc)
    elif isinstance(exc, SQLAlchemyError):
        first = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0]
        message = f"database error while its findings were being judged: {first}"
    else:
        message = f"checks or reports failed: {type(exc).__name__}: {exc}"
    try:
        with store.session() as session, session.begin():
            run = stored_run(session, run_id)
            run.status = "interrupted" if stopped else "failed"
            run.complete = False
            run.score = None
            run.message = message[:2000]
    except (SQLAlchemyError, XunchaError) as error:
        logger.warning("run #%s stays %r for the next run to repair: %s", run_id, "judging", error)


def judge_run(
    session: Session,
    run: Run,
    profile: Profile,
    end: CrawlEnd,
    *,
    unreachable: str | None,
    as_of: date,
    out_dir: Path,
    lang: str,
) -> Judgement:
    """The post-crawl phase, in the caller's transaction: load what the crawl stored, run the
    checks, record the findings (整改跟踪), score, and write the outputs. A function of its own
    so the phase can be measured alone on a stored run (benchmarks/postcrawl.py)."""
    data = load_crawl(session, run, profile)
    complete = end.complete
    judged = end.status == "finished" or bool(unreachable)
    found = run_checks(data, profile.check_settings, as_of) if judged else []
    upcoming = not_yet_due(data, profile.check_settings, as_of) if complete else []
    if judged and not unreachable and (rules := link_rule_counts(data, profile.check_settings)):
        # What the profile's link rules left out, kept with the run for every report of it.
        run.stats = dict(run.stats or {}, link_rules=[count.to_json() for count in rules])
    raised = record_findings(session, run, found, data)
    # A verdict needs the whole site: a partial crawl gets findings, not a score. What a
    # person waived (依法不予公开) or marked 误报 does not count against the site.
    dismissed = {fp for fp, state in raised.items() if state in MANUAL}
    counted = [f for f in found if fingerprint(f) not in dismissed] if dismissed else found
    run.score = (
        score(counted, data, profile.checks.scoring, as_of) if complete or unreachable else None
    )
    del data, found, counted  # the outputs read the recorded findings back from the store
    write_run_outputs(session, run, profile, upcoming, out_dir, lang)
    return Judgement(findings=len(raised), pages=run.pages, links_checked=run.links_checked)
