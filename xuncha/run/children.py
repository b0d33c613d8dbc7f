"""The processes a run starts — a crawl, a local worker of a distributed crawl, a site of a
parallel night — and how each goes with the process that started it.

- Each gets this process's environment with the folder the crawler package is imported from
  on ``PYTHONPATH`` (a checkout or site-packages), so ``python -m crawler.crawl`` finds it.
- Each dies with its parent (``PR_SET_PDEATHSIG``, Linux): a killed ``xuncha run`` leaves no
  orphan crawling the site; the run row is recovered as interrupted by the next run's lock.
- Each is started with the stop signals blocked, here and (the mask is inherited) in the
  child, until each side listens: a stop while the child starts is held, not lost in the fork
  nor fatal to a child still importing (the child unblocks them once its handler is in place).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import crawler

# The signals that stop a run: systemd and `timeout` (SIGTERM), Ctrl-C (SIGINT), a closed
# terminal or session (SIGHUP).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
PR_SET_PDEATHSIG = 1
# Where the crawler package is imported from, for the child (a checkout or site-packages).
PACKAGES = Path(crawler.__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(PACKAGES)]))
    return env


def die_with_parent() -> None:
    """In the child, before it runs: SIGKILL when the parent dies (Linux; elsewhere nothing)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def start_child(
    args: list[str],
    *,
    held: Collection[signal.Signals] = STOP_SIGNALS,
    keep_held: bool = False,
    **popen: Any,
) -> subprocess.Popen[bytes]:
    """Start ``args`` with the ``held`` signals blocked until it listens. ``keep_held``: they
    stay blocked here too, for the caller to unblock once its own handlers are in place (also
    when the start fails, they are unblocked)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        process = subprocess.Popen(args, env=child_env(), preexec_fn=die_with_parent, **popen)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
        raise
    if not keep_held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
    return process


@contextmanager
def handling(signums: Collection[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """``handler`` for ``signums`` while inside, the previous handlers restored on the way out.
    Outside the main thread (an application embedding Xuncha) signals are left alone."""
    try:
        previous = {signum: signal.signal(signum, handler) for signum in signums}
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for signum, previous_handler in previous.items():
            signal.signal(signum, previous_handler)
