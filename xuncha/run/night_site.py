"""One site of a parallel night (夜间巡查), in a process of its own:
``python -m xuncha.run.night_site JOB.json``.

The night (xuncha/run/night_pool.py) starts one such process per site and reads back one
:class:`~xuncha.run.night.SiteResult`. Inside, the site runs exactly as in a sequential night:
its profile is loaded, its run lock taken (held by this process's pid), its crawl runs in a
child process of its own, and the checks, the tracking and the outputs run here — so the
memory they take is returned to the system when the site is done, and the checks of several
sites use several cores.

Stops: this process starts with the stop signals blocked (the night blocks them around the
start) and unblocks them once it listens. A stop while the crawl runs is the crawl's
(xuncha/run/crawl_process.py: the crawl ends ``shutdown``, the run is stored
``interrupted``); a stop outside the crawl ends the inspection through SystemExit, as
``xuncha run`` does (a run being judged is stored ``interrupted``, the lock released). A
stop that came before the inspection began leaves the site ``skipped``.

The night passes its first stop on as :data:`NIGHT_STOP`, which becomes a SIGTERM here only
if no stop reached this process yet: when systemd stops the unit, every process of it gets
SIGTERM at once, and a second copy from the night would be taken for an impatient second
stop (which cuts the crawl's grace). Later stops the night passes on as SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

from xuncha.errors import XunchaError
from xuncha.logs import cron_log
from xuncha.run.children import STOP_SIGNALS
from xuncha.run.crawl_process import stop_requested
from xuncha.run.night import (
    NightSettings,
    SiteResult,
    inspect_guarded,
    load_site,
    skipped,
)
from xuncha.run.outcome import ExitCode
from xuncha.store import Store

STOPPED_MESSAGE = "stopped while the site was being inspected (巡查被中止)"
NIGHT_STOP = signal.SIGUSR1  # the night's first stop: a SIGTERM unless one came already
LISTENED = (*STOP_SIGNALS, NIGHT_STOP)
_stopped = False  # a stop signal reached this process outside a crawl


@dataclass(frozen=True)
class SiteJob:
    """What the night hands one site's process, as JSON in a file (the database URL, which
    may hold a password, stays out of the command line)."""

    profile_path: Path
    db_url: str
    night: NightSettings  # its out_dir is the site's own folder
    result_path: Path
    quiet: bool = False
    terminal: bool = False  # the night's stderr is a terminal: log lines without timestamps

    def to_json(self) -> str:
        return json.dumps(
            {
                "profile_path": str(self.profile_path),
                "db_url": self.db_url,
                "night": json.loads(self.night.to_json()),
                "result_path": str(self.result_path),
                "quiet": self.quiet,
                "terminal": self.terminal,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> SiteJob:
        fields = json.loads(text)
        return cls(
            profile_path=Path(fields["profile_path"]),
            db_url=fields["db_url"],
            night=NightSettings.from_json(json.dumps(fields["night"])),
            result_path=Path(fields["result_path"]),
            quiet=fields["quiet"],
            terminal=fields["terminal"],
        )


class _NightStream:
    """This process's stderr (a pipe to the night) as the night's own: log lines carry
    timestamps unless the night's stderr is a terminal (xuncha/logs.py asks ``isatty``)."""

    def __init__(self, stream: TextIO, terminal: bool) -> None:
        self.stream, self.terminal = stream, terminal

    def write(self, text: str) -> int:
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.terminal


@contextmanager
def _stops_exit() -> Iterator[None]:
    """Outside the crawl, a stop signal ends the inspection through SystemExit."""

    def stop(signum: int, _frame: object) -> None:
        global _stopped
        _stopped = True
        raise SystemExit(128 + signum)

    def night_stop(_signum: int, _frame: object) -> None:
        if not (_stopped or stop_requested()):
            os.kill(os.getpid(), signal.SIGTERM)  # to the crawl's handler while it crawls

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    signal.signal(NIGHT_STOP, night_stop)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, LISTENED)  # the result is written whole


def inspect_job(
    profile_path: Path,
    db_url: str,
    night: NightSettings,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
) -> SiteResult:
    """The site's result; a stop is a result too (``skipped`` before the inspection began,
    ``interrupted`` after). `abandoned`: the run-lock holders of this site that the sites'
    queue declared dead (xuncha/run/site_queue.py)."""
    name = profile_path.name
    began = False
    with _stops_exit():
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, LISTENED)  # a stop held: raised now
            began = True
            loaded = load_site(profile_path)
            if isinstance(loaded, SiteResult):
                return loaded
            name = loaded.display_name
            try:
                store = Store(db_url)
            except XunchaError as exc:
                return SiteResult(name, "error", ExitCode.ERROR, message=str(exc))
            try:
                result = inspect_guarded(loaded, store, night, abandoned)
                signal.pthread_sigmask(signal.SIG_BLOCK, LISTENED)  # done: a stop is late
                return result
            finally:
                store.dispose()
        except (SystemExit, KeyboardInterrupt):
            if not began:
                return skipped(profile_path)
            return SiteResult(name, "interrupted", ExitCode.ERROR, message=STOPPED_MESSAGE,
                              stopped=True)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    job = SiteJob.from_json(Path(args[0]).read_text(encoding="utf-8"))
    stream = cast(TextIO, _NightStream(sys.stderr, job.terminal))
    with cron_log(quiet=job.quiet, stream=stream):
        result = inspect_job(job.profile_path, job.db_url, job.night)
    written = job.result_path.with_suffix(".part")
    written.write_text(result.to_json(), encoding="utf-8")
    written.replace(job.result_path)  # the night reads a result whole or not at all
    return 0


if __name__ == "__main__":
    sys.exit(main())
