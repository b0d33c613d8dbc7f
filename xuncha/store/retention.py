"""保留 (retention): a site's older runs lose their crawl rows; runs, findings and history stay.

A run's crawl rows (pages, page texts, columns, list items, links, link checks, certificates,
site searches) are what its checks read; a big portal writes millions of links a night. Once
a run is neither among the site's `keep` newest ended runs nor the latest complete finished run
(the one the next incremental crawl starts from), its crawl rows are deleted and the run is
stamped ``pruned_at``. The ``runs`` row stays — findings point at it (first/last run), and its
score and stats feed the history and the trend chart — and findings and their events (整改台账)
are never touched. Readers of crawl rows check ``pruned_at`` and say the details were removed
(:func:`pruned_message`) instead of showing an empty crawl.

Deletes are plain SQL in chunks, each chunk its own transaction: a write lock held for a
million-row delete would stall every other writer of a shared SQLite file. A run is stamped
only when all its rows are gone, so an interrupted prune is finished by the next one.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from xuncha.errors import StoreError
from xuncha.profile import KEEP_RUNS_DEFAULT, KEEP_RUNS_MIN
from xuncha.store import Run, Store
from xuncha.store.models import CRAWL_MODELS, table_of
from xuncha.store.runs import LIVE_STATUSES

logger = logging.getLogger(__name__)

# What a prune's summary calls the rows of each crawl table (CRAWL_MODELS). Findings, finding
# events, probes and run locks belong to the site and are never pruned.
TABLE_WORDS: dict[str, str] = {
    "pages": "页面",
    "page_texts": "正文",
    "columns": "栏目",
    "list_items": "列表条目",
    "links": "链接",
    "link_checks": "链接检查",
    "certificates": "证书",
    "site_searches": "站内搜索",
}
DELETE_CHUNK = 20_000  # rows per delete transaction


class RunPrunedError(StoreError):
    """A reader asked for the crawl rows of a run whose details retention removed."""


@dataclass
class SitePruned:
    """What one prune did to one site: the runs stamped, and rows deleted per table."""

    site_id: int
    keep: int
    run_ids: list[int] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)


def pruned_message(run: Run) -> str:
    """The one line a reader shows for a pruned run (what is gone, what is still there)."""
    day = run.pruned_at.date().isoformat() if run.pruned_at else "?"
    return (
        f"检测 #{run.id}（{run.as_of.isoformat()}）的抓取明细已于 {day} 按保留设置清理，"
        "无法再读取页面和链接；问题、评分和整改记录仍完整保留（见 xuncha findings）"
    )


def ensure_not_pruned(run: Run) -> None:
    """Raise RunPrunedError for a pruned run: its crawl would read back as empty."""
    if run.pruned_at is not None:
        raise RunPrunedError(pruned_message(run))


def baseline_run_id(session: Session, site_id: int) -> int | None:
    """The site's latest complete finished run: the next incremental crawl starts from it,
    so its rows are kept whatever the retention."""
    return session.scalar(
        select(Run.id)
        .where(Run.site_id == site_id, Run.status == "finished", Run.complete.is_(True))
        .order_by(Run.id.desc())
        .limit(1)
    )


def runs_to_prune(session: Session, site_id: int, keep: int) -> list[int]:
    """The site's runs whose crawl rows go, oldest first: ended, not yet pruned, not among
    the `keep` newest ended runs and not the baseline. A running run is never touched."""
    if keep < KEEP_RUNS_MIN:
        raise ValueError(f"retention keeps at least {KEEP_RUNS_MIN} runs, not {keep}")
    ended = session.execute(
        select(Run.id, Run.pruned_at)
        .where(Run.site_id == site_id, Run.status.not_in(LIVE_STATUSES))
        .order_by(Run.id.desc())
    ).all()
    kept = {run_id for run_id, _ in ended[:keep]} | {baseline_run_id(session, site_id)}
    return sorted(run_id for run_id, pruned_at in ended if run_id not in kept and pruned_at is None)


def site_keep(session: Session, site_id: int) -> int:
    """The site's own `retention.runs`, as the profile of its latest run had it (a profile
    without the key, or with a value no longer valid, gets the default)."""
    profile = session.scalar(
        select(Run.profile).where(Run.site_id == site_id).order_by(Run.id.desc()).limit(1)
    )
    value = ((profile or {}).get("retention") or {}).get("runs")
    if isinstance(value, int) and not isinstance(value, bool) and value >= KEEP_RUNS_MIN:
        return value
    return KEEP_RUNS_DEFAULT


def prune_site(store: Store, site_id: int, keep: int | None = None) -> SitePruned:
    """Delete the crawl rows of the site's runs beyond retention; `keep` None is the site's
    own setting. Takes the store, not a session: every chunk commits on its own."""
    with store.session() as session:
        keep = site_keep(session, site_id) if keep is None else keep
        run_ids = runs_to_prune(session, site_id, keep)
    result = SitePruned(site_id, keep)
    for run_id in run_ids:
        result.rows.update(_delete_crawl_rows(store, run_id))
        with store.session() as session, session.begin():
            session.get_one(Run, run_id).pruned_at = datetime.now(UTC)
        result.run_ids.append(run_id)
    return result


def _delete_crawl_rows(store: Store, run_id: int) -> Counter[str]:
    deleted: Counter[str] = Counter()
    for model in CRAWL_MODELS:
        table = table_of(model)
        chunk = select(table.c.id).where(table.c.run_id == run_id).limit(DELETE_CHUNK)
        while True:
            with store.engine.begin() as conn:
                count = conn.execute(table.delete().where(table.c.id.in_(chunk))).rowcount
            deleted[table.name] += count
            if count < DELETE_CHUNK:
                break
    return deleted


def prune_after_run(store: Store, run_id: int, keep: int) -> SitePruned | None:
    """Retention at the end of a run (xuncha/run/inspection.py): prune the run's site, keeping
    `keep` runs. The run is over and its outputs written, so a database error here is logged, not
    raised: the next run or ``xuncha prune`` finishes the job."""
    try:
        with store.session() as session:
            site_id = session.get_one(Run, run_id).site_id
        result = prune_site(store, site_id, keep)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        logger.warning("retention: could not prune older runs after run #%d: %s", run_id, first)
        return None
    if result.run_ids:
        logger.info(
            "retention: deleted %d crawl rows of runs %s (kept the %d newest runs)",
            sum(result.rows.values()),
            ", ".join(f"#{i}" for i in result.run_ids),
            keep,
        )
    return result
