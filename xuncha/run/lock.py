"""One run per site at a time (运行锁), across processes and machines sharing one database.

A run holds the site's ``run_locks`` row (site, host, pid, since when, its run) from before
the crawl until it ends. Taking the lock is one INSERT; the primary key on ``site_id`` makes
the database the referee, so two cron jobs — or two machines — cannot both win. When the row
is already there, the holder is judged:

* it is on this host: its pid decides, whatever its run's status;
* it is on another host and its run has ended (neither ``running`` nor ``judging``) → the
  lock was left behind (a release that failed): taken over;
* it is on this host and its pid is gone (``os.kill(pid, 0)``) → the run was killed (SIGKILL,
  OOM, a reboot): taken over, and the dead run — crawling (``running``) or committing its
  findings (``judging``, 检查中) — is marked ``interrupted`` with the message
  "recovered: the previous run was killed";
* it is on another host and the sites' queue declared its worker dead (its heartbeat stopped,
  xuncha/run/site_queue.py, which passes the dead attempts' holders as `abandoned`) → taken
  over, the run marked ``interrupted``;
* it is on another host and older than `stale_after` (12 h by default) → nothing here can ask
  whether it lives: taken over, the run marked ``interrupted`` as stale;
* otherwise the new run is refused with :class:`~xuncha.errors.RunLockedError`, one line
  naming the site, the holder's host and pid and since when.

Whoever holds the lock, every other run of the site still ``running`` or ``judging`` is
dead (a run stopped while judging whose database went away released its lock): once the lock
is held, those runs are marked ``interrupted`` (:func:`repair_dead_runs`). A run is never
left claiming to go on, and never stored finished without its findings.

A takeover is a compare-and-set on the holder seen (host, pid, since), so two runs recovering
the same dead lock cannot both succeed. The host is ``socket.gethostname()``: machines (and
containers) sharing a database need distinct host names.

:func:`holding` also records the holder's run: ``inspect_site`` creates the run row itself,
so the lock learns the run's id in that very transaction through SQLAlchemy's ``after_insert``
mapper event, registered only while the lock is held — the runner needs no hook.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, delete, event, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from xuncha.errors import RunLockedError
from xuncha.store import Run, RunLock, Store
from xuncha.store.runs import LIVE_STATUSES

logger = logging.getLogger(__name__)

DEFAULT_STALE_AFTER = timedelta(hours=12)
KILLED_MESSAGE = "recovered: the previous run was killed"
ABANDONED_WORKER_MESSAGE = (
    "recovered: the worker of the previous run stopped answering and its site was queued again"
)
ABANDONED_MESSAGE = "recovered: the run ended without being judged (未完成检查)"
_ATTEMPTS = 5  # insert, or take over, a few times when other runs race for the same lock


@dataclass(frozen=True)
class Holder:
    """Who holds a site's lock, as read from its row."""

    host: str
    pid: int
    since: datetime
    run_id: int | None
    run_status: str | None

    def describe(self) -> str:
        run = f", run #{self.run_id}" if self.run_id is not None else ""
        return f"host {self.host}, pid {self.pid}, since {self.since:%Y-%m-%d %H:%M:%S} UTC{run}"


@dataclass(frozen=True)
class Lease:
    """A lock held by this process; `recovered` is the holder it took over from, if any."""

    site_id: int
    host: str
    pid: int
    since: datetime
    recovered: Holder | None = None


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether a process of this host has the pid (one of another user's counts)."""
    if pid <= 0:
        return False  # os.kill(0, …) would signal our own process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def takeover_reason(
    holder: Holder,
    *,
    host: str,
    now: datetime,
    stale_after: timedelta,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
) -> str | None:
    """Why the holder's lock may be taken over, or None when the holder must be respected.

    On this host the holder's process decides: a live holder is respected whatever its run
    says (its lock outlives its run's last commit). Elsewhere, a run that ended without
    releasing is taken over, so is a holder in `abandoned` (host, pid: the attempts of this
    site whose worker the queue declared dead), and any lock once it is stale."""
    if holder.host == host:
        return None if pid_alive(holder.pid) else KILLED_MESSAGE
    if (holder.host, holder.pid) in abandoned:
        return ABANDONED_WORKER_MESSAGE
    if holder.run_id is not None and holder.run_status not in LIVE_STATUSES:
        return f"the previous run ended ({holder.run_status}) without releasing its lock"
    if now - holder.since > stale_after:
        hours = stale_after.total_seconds() / 3600
        return (
            f"recovered: the previous run's lock went stale ({holder.describe()}; "
            f"older than {hours:g} h)"
        )
    return None


def _own(site_id: int, host: str, pid: int, since: datetime) -> Any:
    """The WHERE clause of exactly one holder's row (the compare of compare-and-set)."""
    return (
        (RunLock.site_id == site_id)
        & (RunLock.host == host)
        & (RunLock.pid == pid)
        & (RunLock.acquired_at == since)
    )


def _try_insert(store: Store, site_id: int, host: str, pid: int, now: datetime) -> bool:
    try:
        with store.session() as session, session.begin():
            session.add(RunLock(site_id=site_id, run_id=None, host=host, pid=pid, acquired_at=now))
    except IntegrityError:
        return False
    return True


def acquire(
    store: Store,
    site_id: int,
    *,
    site_label: str,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
) -> Lease:
    """Take the site's lock, or raise RunLockedError naming who holds it."""
    host, pid = this_host(), os.getpid()
    for _ in range(_ATTEMPTS):
        now = datetime.now(UTC)
        if _try_insert(store, site_id, host, pid, now):
            return Lease(site_id, host, pid, now)
        with store.session() as session, session.begin():
            row = session.get(RunLock, site_id)
            if row is None:
                continue  # released between our insert and this read: insert again
            run = session.get(Run, row.run_id) if row.run_id is not None else None
            holder = Holder(row.host, row.pid, row.acquired_at, row.run_id,
                            run.status if run is not None else None)  # fmt: skip
            reason = takeover_reason(holder, host=host, now=now, stale_after=stale_after,
                                     abandoned=abandoned)  # fmt: skip
            if reason is None:
                raise RunLockedError(
                    f"{site_label} is already being inspected ({holder.describe()}); "
                    "run it again when that run has ended"
                )
            taken = cast(
                CursorResult[Any],
                session.execute(
                    update(RunLock)
                    .where(_own(site_id, row.host, row.pid, row.acquired_at))
                    .values(host=host, pid=pid, acquired_at=now, run_id=None)
                    .execution_options(synchronize_session=False)
                ),
            )
            if taken.rowcount != 1:
                continue  # another run took it over first: judge the new holder
            if run is not None and run.status in LIVE_STATUSES:
                run.status = "interrupted"
                run.finished_at = now
                run.message = reason
            logger.warning("%s: took over the run lock: %s", site_label, reason)
            return Lease(site_id, host, pid, now, recovered=holder)
    raise RunLockedError(f"{site_label}: other runs keep taking the run lock; try again later")


def repair_dead_runs(store: Store, site_id: int) -> list[int]:
    """Under the site's lock: mark the site's runs still ``running`` or ``judging`` as
    ``interrupted`` (no live process holds them); their ids."""
    with store.session() as session, session.begin():
        runs = list(
            session.scalars(
                select(Run).where(Run.site_id == site_id, Run.status.in_(LIVE_STATUSES))
            )
        )
        for run in runs:
            logger.warning("run #%s was left %s: marked interrupted", run.id, run.status)
            run.status = "interrupted"
            run.complete = False
            run.score = None
            run.finished_at = run.finished_at or datetime.now(UTC)
            run.message = ABANDONED_MESSAGE
    return [run.id for run in runs]


def release(store: Store, lease: Lease) -> None:
    """Drop the lease's row if it is still ours. A database gone away leaves the row for the
    next run to recover, which is why this never raises."""
    try:
        with store.session() as session, session.begin():
            session.execute(
                delete(RunLock)
                .where(_own(lease.site_id, lease.host, lease.pid, lease.since))
                .execution_options(synchronize_session=False)
            )
    except SQLAlchemyError as exc:
        logger.warning("could not release the run lock of site #%s: %s", lease.site_id, exc)


def _bind_run(lease: Lease, _mapper: Any, connection: Connection, run: Run) -> None:
    if run.site_id == lease.site_id:
        connection.execute(
            update(RunLock)
            .where(_own(lease.site_id, lease.host, lease.pid, lease.since))
            .values(run_id=run.id)
        )


@contextmanager
def holding(
    store: Store,
    site_id: int,
    *,
    site_label: str,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
) -> Iterator[Lease]:
    """Hold the site's lock for the body; the run row created meanwhile becomes its run."""
    lease = acquire(store, site_id, site_label=site_label, stale_after=stale_after,
                    abandoned=abandoned)  # fmt: skip
    bind = functools.partial(_bind_run, lease)
    event.listen(Run, "after_insert", bind)
    try:
        repair_dead_runs(store, site_id)
        yield lease
    finally:
        event.remove(Run, "after_insert", bind)
        release(store, lease)
