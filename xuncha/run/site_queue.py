"""A province's night over several machines (多机夜间巡查): the sites of a folder on an RQ queue
in Redis, each taken by one ``xuncha worker --sites`` process on whichever machine is free.

The unit is the site. ``xuncha run --all DIR --queue redis://…`` (the dispatcher) reads the
folder, reports a bad profile at once as a local night does, and queues every other site as
one RQ job on ``<prefix>:sites``. Then it waits for the jobs and prints the summary, with the
exit code, of a local night. ``xuncha worker --sites --redis … --db …`` (one or more on each
machine) takes one site at a time and inspects it exactly as a local night does: the site's
run lock, a crawl process of its own with the profile's politeness, the checks, the tracking,
and the outputs into the dispatcher's ``--out/<profile file name>/``. It hands the site's
result back and takes the next. A big site's own crawl can still be spread over a Redis
frontier (``xuncha run --redis``, xuncha/run/frontier.py); that is a different queue.

What travels through Redis: each profile's path and SHA-256, its output folder and the night's
settings, never a database URL (each worker brings its own ``--db``, like ``xuncha worker``).
So the sites folder and the output folder are at the same paths on every machine (a shared or
synchronised folder); a worker whose copy of a profile differs from the dispatcher's refuses
the site with an error result rather than inspect something else.

**Takeover.** RQ runs each job in a work horse, a fork of the worker that the worker watches
and whose job it heartbeats every ``heartbeat`` seconds. A worker that dies (SIGKILL, OOM, a
lost machine) stops heartbeating. Once :data:`MISSED` heartbeats have passed, the next
maintenance of any live worker finds the job abandoned and queues it again (RQ's ``Retry``,
at most :data:`TAKEOVERS` times). The new attempt takes the site's run lock over from the dead
one: on the same host because the dead pid is gone, on another because the job's meta names
the dead attempt's host and pid (xuncha/run/lock.py, ``abandoned``). The dead run is marked
``interrupted``. The horse dies with its worker, and the site's crawl with the horse
(``PR_SET_PDEATHSIG``), so a site taken over is not still running on the dead worker's machine.

**Stops.** A worker asked to stop (SIGTERM, SIGINT) passes the stop to its site
(night_site's :data:`~xuncha.run.night_site.NIGHT_STOP`: one graceful stop, also when systemd
sends SIGTERM to every process of the unit at once). The crawl keeps what it stored, the run
is stored ``interrupted``, the job fails with :class:`SiteStopped` so that RQ queues the site
again for another worker, and the worker leaves. A second stop is RQ's cold shutdown: the
horse is killed, and the site is taken over as above. A stop of the dispatcher takes the sites
not yet started off the queue (``skipped``); the sites already running finish on their
workers (``running`` in the summary).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import redis
from rq import Queue, Retry, Worker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from xuncha.run.children import STOP_SIGNALS, die_with_parent
from xuncha.run.frontier import FrontierError, check_shared_database, connect, namespace, shown
from xuncha.run.night import (
    NightSettings,
    SiteResult,
    load_site,
    output_folders,
    profile_files,
    skipped,
)
from xuncha.run.night_site import NIGHT_STOP, inspect_job
from xuncha.run.outcome import ExitCode

logger = logging.getLogger(__name__)

HEARTBEAT = 30  # seconds between a busy worker's heartbeats of its site's job
MISSED = 3  # heartbeats a site's job may miss before it is taken over
TAKEOVERS = 3  # times a site is queued again after its worker died or was stopped
SITE_TIMEOUT = timedelta(hours=12)  # a site's longest run; its horse is killed past it
KEEP_RESULTS = timedelta(days=7)  # how long Redis keeps a site's result or failure
POLL = 0.5  # seconds between the dispatcher's looks at its sites' jobs
HOLDERS = "xuncha_holders"  # job meta: [host, pid] of each attempt, the dead ones' locks
PENDING = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)

_worker_db: str | None = None  # the worker's --db, inherited by its work horses (fork)
_worker_pid: int | None = None


class SiteStopped(Exception):
    """The worker was stopped while it inspected the site: RQ queues the site again."""


def queue_name() -> str:
    return f"{namespace()}:sites"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class QueuedSite:
    """One site of a night on the queue: what a worker needs, no database URL."""

    profile_path: Path  # absolute: the same path on every machine
    sha256: str
    name: str
    night: NightSettings  # its out_dir is the site's own folder, absolute

    def to_json(self) -> str:
        return json.dumps(
            {
                "profile_path": str(self.profile_path),
                "sha256": self.sha256,
                "name": self.name,
                "night": json.loads(self.night.to_json()),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> QueuedSite:
        fields = json.loads(text)
        return cls(
            profile_path=Path(fields["profile_path"]),
            sha256=fields["sha256"],
            name=fields["name"],
            night=NightSettings.from_json(json.dumps(fields["night"])),
        )

    def job_id(self) -> str:
        """One job per profile file, day and key prefix: a dispatcher started again the same
        night waits for the sites already queued instead of queueing them twice."""
        named = f"{namespace()}\0{self.profile_path}".encode()
        key = hashlib.sha256(named).hexdigest()[:20]
        return f"site-{self.night.as_of:%Y%m%d}-{key}"

    def profile_problem(self) -> str | None:
        """Why this machine must not inspect the site: its copy of the profile differs."""
        try:
            here = digest(self.profile_path)
        except OSError as exc:
            return f"{self.profile_path}: cannot read the profile on {socket.gethostname()}: {exc}"
        if here != self.sha256:
            return (
                f"{self.profile_path}: the profile on {socket.gethostname()} differs from the "
                "one queued; give every machine the same sites folder"
            )
        return None


# The worker side ------------------------------------------------------------------------


def inspect_queued(payload: str) -> str:
    """The RQ job, run in the worker's work horse: one site, its result as JSON."""
    die_with_parent()  # the horse, and with it the site's crawl, dies with its worker
    job = get_current_job()
    if job is None or _worker_db is None or os.getppid() != _worker_pid:
        raise SystemExit(1)  # not a horse of `xuncha worker --sites`, or its worker is gone
    site = QueuedSite.from_json(payload)
    earlier = job.meta.get(HOLDERS, [])  # the attempts before this one, dead if unfinished
    job.meta[HOLDERS] = [*earlier, [socket.gethostname(), os.getpid()]]
    job.save_meta()  # type: ignore[no-untyped-call]
    holders = frozenset((str(host), int(pid)) for host, pid in earlier)
    problem = site.profile_problem()
    if problem:
        logger.error("%s", problem)
        return SiteResult(site.name, "error", ExitCode.ERROR, message=problem).to_json()
    result = inspect_job(site.profile_path, _worker_db, site.night, holders)
    if result.stopped:
        raise SiteStopped(f"{site.name}: its worker was stopped; the site is queued again")
    return result.to_json()


class SiteWorker(Worker):
    """RQ's forking worker, with the heartbeat grace of :data:`MISSED` heartbeats (RQ's own is
    a minute more than one) and a stop passed on to the site it inspects."""

    def get_heartbeat_ttl(self, job: Job, *args: Any, **kwargs: Any) -> int:
        return int(self.job_monitoring_interval) * MISSED

    def request_stop(self, signum: int, frame: Any) -> None:
        horse = self.horse_pid
        if horse:
            with suppress(ProcessLookupError):
                os.kill(horse, NIGHT_STOP)
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]


def work_sites(redis_url: str, db_url: str, *, burst: bool = False,
               heartbeat: int = HEARTBEAT) -> None:  # fmt: skip
    """``xuncha worker --sites``: take sites off the queue until stopped (``burst``: until it
    is empty). FrontierError in one line when Redis or the database cannot be used."""
    global _worker_db, _worker_pid
    check_shared_database(db_url, "--sites")
    server = connect(redis_url, socket_timeout=None)  # RQ blocks on the queue
    _worker_db, _worker_pid = db_url, os.getpid()
    worker = SiteWorker(
        [Queue(queue_name(), connection=server)],
        connection=server,
        name=f"{socket.gethostname()}.{os.getpid()}",
        job_monitoring_interval=heartbeat,
        maintenance_interval=heartbeat,
        # An idle worker looks for abandoned sites between two waits on the queue, and RQ
        # waits worker_ttl - 15 s: one heartbeat, not RQ's default 405 s.
        worker_ttl=heartbeat + 15,
    )
    logger.info("等待站点（Redis %s，队列 %s）…", shown(redis_url), queue_name())
    _rq_logs_as_ours()
    try:
        worker.work(burst=burst, logging_level="WARNING", with_scheduler=False)
    except redis.RedisError as exc:
        raise FrontierError(f"与 Redis {shown(redis_url)} 的连接中断：{exc}") from None
    finally:
        server.close()


def _rq_logs_as_ours() -> None:
    """RQ's warnings and errors in the command's own log lines; its chatter (a line per job
    and per registry cleaning) left out: each site logs its own start and end."""
    ours = logging.getLogger("xuncha")
    rq_log = logging.getLogger("rq")
    for handler in ours.handlers:
        rq_log.addHandler(handler)
    rq_log.setLevel(logging.WARNING)
    rq_log.propagate = False


# The dispatcher's side --------------------------------------------------------------------


def dispatch_folder(folder: Path, night: NightSettings, redis_url: str) -> list[SiteResult]:
    """``xuncha run --all DIR --queue URL``: every site of the folder queued, waited for, and
    the results in the folder's order, as a local night gives them."""
    files = profile_files(folder)
    server = connect(redis_url)
    queue = Queue(queue_name(), connection=server)
    results: list[SiteResult | None] = []
    waiting: dict[str, tuple[int, Path, QueuedSite]] = {}
    try:
        for path, slug in output_folders(files).items():
            loaded = load_site(path)
            if isinstance(loaded, SiteResult):
                results.append(loaded)
                continue
            site = QueuedSite(
                profile_path=path.resolve(),
                sha256=digest(path),
                name=loaded.display_name,
                night=replace(night, out_dir=(night.out_dir / slug).resolve()),
            )
            _enqueue(queue, site)
            waiting[site.job_id()] = (len(results), path, site)
            results.append(None)
        logger.info("已排队 %d 个站点（Redis %s，队列 %s），等待工作进程…",
                    len(waiting), shown(redis_url), queue_name())  # fmt: skip
        with _stops_raise():
            try:
                _wait(server, waiting, results)
            except _Stopped:
                _stop(server, waiting, results)
    except redis.RedisError as exc:
        raise FrontierError(f"与 Redis {shown(redis_url)} 的连接中断：{exc}") from None
    finally:
        server.close()
    return [r for r in results if r is not None]


def _enqueue(queue: Queue, site: QueuedSite) -> None:
    job_id = site.job_id()
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        job = None
    if job is not None and job.get_status() in PENDING:
        logger.info("%s: already queued or running for this night: waiting for it", site.name)
        return
    if job is not None:
        job.delete()  # a night of the same day that ended: this is a new one
    queue.enqueue(
        inspect_queued,
        site.to_json(),
        job_id=job_id,
        description=f"巡查 {site.name}",
        job_timeout=int(SITE_TIMEOUT.total_seconds()),
        result_ttl=int(KEEP_RESULTS.total_seconds()),
        failure_ttl=int(KEEP_RESULTS.total_seconds()),
        retry=Retry(max=TAKEOVERS),
    )


def _wait(server: Any, waiting: dict[str, tuple[int, Path, QueuedSite]],
          results: list[SiteResult | None]) -> None:  # fmt: skip
    while waiting:
        for job_id, job in zip(list(waiting), Job.fetch_many(list(waiting), connection=server),
                               strict=True):  # fmt: skip
            index, _path, site = waiting[job_id]
            result = _ended(site, job)
            if result is not None:
                results[index] = result
                del waiting[job_id]
        if waiting:
            time.sleep(POLL)


def _ended(site: QueuedSite, job: Job | None) -> SiteResult | None:
    """The site's result once its job has ended; None while it is queued or running."""
    if job is None:
        return SiteResult(site.name, "error", ExitCode.ERROR,
                          message="its job vanished from Redis")  # fmt: skip
    status = job.get_status(refresh=False)
    if status in PENDING:
        return None
    if status == JobStatus.FINISHED:
        return SiteResult.from_json(str(job.return_value()))
    latest = job.latest_result()
    failure = (latest.exc_string if latest is not None else None) or status
    last = str(failure).strip().splitlines()[-1] if str(failure).strip() else str(status)
    logger.error("%s: %s on its worker: %s", site.name, status, last)
    return SiteResult(site.name, "error", ExitCode.ERROR, message=f"{status}: {last}")


class _Stopped(Exception):
    pass


@contextmanager
def _stops_raise() -> Iterator[None]:
    def stop(signum: int, _frame: object) -> None:
        raise _Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop(server: Any, waiting: dict[str, tuple[int, Path, QueuedSite]],
          results: list[SiteResult | None]) -> None:  # fmt: skip
    """The dispatcher was stopped: the sites not started come off the queue, the others run
    on where they are."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)  # the summary is written whole
    for job_id, (index, path, site) in waiting.items():
        try:
            job = Job.fetch(job_id, connection=server)
        except NoSuchJobError:
            results[index] = skipped(path)
            continue
        if job.get_status() == JobStatus.QUEUED:
            job.cancel()
            results[index] = skipped(path)
            continue
        ended = _ended(site, job)
        results[index] = ended or SiteResult(
            site.name, "running", ExitCode.ERROR,
            message=f"the night was stopped; the site runs on at worker {job.worker_name}",
        )  # fmt: skip
    logger.error("stopped: %d sites taken off the queue", sum(
        1 for r in results if r is not None and r.status == "skipped"))  # fmt: skip
