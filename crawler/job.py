"""What the runner asks of a crawl process, and what the process answers: the two frozen types
that cross the process boundary (``python -m crawler.crawl REQUEST.json``).

Both travel as JSON files. Anything the crawl needs is a field here, so a request can be read
back, logged and replayed, and a field added on one side is a type error on the other, not a
``KeyError`` deep inside a crawl.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

Progress = Literal["tty", "log", "off"]
StatValue = int | float | str


@dataclass(frozen=True)
class FrontierSeat:
    """A crawl's place on the shared Redis frontier of a distributed run (分布式巡查):
    ``seed`` for the run's own crawl (it schedules the start requests), not for a worker that
    joins."""

    redis_url: str
    run_key: str
    namespace: str
    seed: bool


@dataclass(frozen=True)
class CrawlRequest:
    """One run's crawl: the profile as stored with the run (JSON), the database the records
    go to, and how the process should behave. ``result_path`` is where the process writes its
    :class:`CrawlResult`."""

    profile: dict[str, Any]
    db_url: str
    run_id: int
    prior_run_id: int | None = None
    as_of: date | None = None
    concurrency: int | None = None
    result_path: str = ""
    progress: Progress = "log"
    progress_interval: float | None = None
    log_level: str = "WARNING"
    frontier: FrontierSeat | None = None

    def with_(self, **changes: Any) -> CrawlRequest:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_json(self) -> str:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CrawlRequest:
        data = json.loads(text)
        frontier = data.pop("frontier", None)
        as_of = data.pop("as_of", None)
        return cls(
            **data,
            as_of=date.fromisoformat(as_of) if as_of else None,
            frontier=FrontierSeat(**frontier) if frontier else None,
        )

    @classmethod
    def read(cls, path: Path) -> CrawlRequest:
        return cls.from_json(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl ended: Scrapy's close reason (``finished``, ``closespider_pagecount``,
    ``shutdown``…, or ``crawl_error`` when the process produced no result), the message of the
    site's own failure (站点无法访问) if that ended it, and the crawl's stats (JSON values; a
    distributed run adds a ``frontier`` summary of its workers)."""

    reason: str
    unreachable: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def pages(self) -> int:
        """Pages recorded, of every role."""
        return sum(
            value
            for key, value in self.stats.items()
            if key.startswith("xuncha/pages/") and isinstance(value, int)
        )

    def stat(self, key: str, default: Any = None) -> Any:
        return self.stats.get(key, default)

    def with_(self, **changes: Any) -> CrawlResult:
        return replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CrawlResult:
        return cls(**json.loads(text))

    @classmethod
    def failed(cls, error: str) -> CrawlResult:
        """The result of a process that wrote none (it crashed or was killed)."""
        return cls(reason="crawl_error", error=error)
