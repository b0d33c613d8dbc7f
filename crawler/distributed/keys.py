"""The Redis keys of a distributed run (see the layout in crawler/distributed/__init__.py) and
the defaults of its timing. Standard library only: the runner names keys without the
``distributed`` extra being installed."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import Any

RUN_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
DEFAULT_NAMESPACE = "xuncha"
DEFAULT_GRACE = 2.0  # seconds every worker must have been idle before the run ends
DEFAULT_HEARTBEAT_TTL = 15.0  # seconds after its last heartbeat a silent worker counts as dead
DEFAULT_POLL = 0.25  # seconds between heartbeats (and wake-ups of an idle engine)
DEFAULT_JOIN_WAIT = 60.0  # seconds a joining worker waits for the run to be seeded


def _checked(name: str, value: str) -> str:
    # scrapy-redis formats key templates with ``%`` (scheduler.py:140, queue.py:42), so run
    # keys and namespaces are kept to characters that survive that and read well in redis-cli.
    if not RUN_KEY.fullmatch(value):
        raise ValueError(f"{name} {value!r}: use letters, digits, '_', '.', '-'")
    return value


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one run (see the layout above)."""

    prefix: str
    requests: str
    seen: str
    seeded: str
    workers: str
    stop: str
    results: str
    lost: str
    run: str

    @classmethod
    def of(cls, run_key: str, namespace: str = DEFAULT_NAMESPACE) -> FrontierKeys:
        prefix = f"{_checked('namespace', namespace)}:frontier:{_checked('run key', run_key)}"
        names = ("requests", "seen", "seeded", "workers", "stop", "results", "lost", "run")
        return cls(prefix, *(f"{prefix}:{name}" for name in names))

    def worker(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}"

    def state(self, name: str) -> str:
        """A key of the spider's shared memory (crawler/distributed/state.py)."""
        return f"{self.prefix}:state:{name}"


def runs_key(namespace: str = DEFAULT_NAMESPACE) -> str:
    """The set of owned runs open to joining workers (``xuncha worker`` watches it)."""
    return f"{_checked('namespace', namespace)}:runs"


def worker_prefix(pid: int) -> str:
    """How the ids of the workers of process ``pid`` on this machine begin (the coordinator
    adds a random part): the runner of local workers finds a dead one's heartbeat by it."""
    return f"{socket.gethostname()}-{pid}-"


def frontier_keys(settings: Any) -> FrontierKeys:
    """The keys of the run a crawl's settings name (they must name one)."""
    return FrontierKeys.of(
        settings.get("XUNCHA_FRONTIER_RUN"),
        settings.get("XUNCHA_FRONTIER_NAMESPACE") or DEFAULT_NAMESPACE,
    )


def text(value: Any) -> str:
    """A Redis reply as text (scrapy-redis's client answers in bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)
