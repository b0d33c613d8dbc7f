"""What the reports read of the store, as protocols: a tracked finding, an event of its
history, a run, a site.

Reports never import the store. The store's rows (xuncha/store/models.py) have these fields and
are handed in as they are — a run with tens of thousands of findings is rendered from its rows
as they are read, never from a second copy of them — and the type checker holds the rows to the
protocols at every call. Read-only: a report never writes a field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar, overload

T = TypeVar("T")


class StoredFinding(Protocol):
    """A tracked finding (整改跟踪): what a check found, and where its rectification stands."""

    @property
    def id(self) -> int: ...
    @property
    def site_id(self) -> int: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def check(self) -> str: ...
    @property
    def subtype(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def page(self) -> str | None: ...
    @property
    def pages(self) -> list[Any]: ...
    @property
    def column(self) -> str | None: ...
    @property
    def evidence(self) -> dict[str, Any]: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def person(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def status_reason(self) -> str | None: ...
    @property
    def first_seen(self) -> date: ...
    @property
    def last_seen(self) -> date: ...
    @property
    def deadline(self) -> date | None: ...
    @property
    def last_run_id(self) -> int | None: ...


class StoredEvent(Protocol):
    """One event of a finding's append-only history: a run's (``run_id``) or a person's
    (``actor``)."""

    @property
    def finding_id(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def run_id(self) -> int | None: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def action(self) -> str: ...
    @property
    def old_status(self) -> str | None: ...
    @property
    def new_status(self) -> str | None: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def changes(self) -> dict[str, Any] | None: ...


class StoredRun(Protocol):
    """One inspection of one site."""

    @property
    def id(self) -> int: ...
    @property
    def site_id(self) -> int: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def finished_at(self) -> datetime | None: ...
    @property
    def as_of(self) -> date: ...
    @property
    def status(self) -> str: ...
    @property
    def complete(self) -> bool: ...
    @property
    def message(self) -> str | None: ...
    @property
    def pages(self) -> int: ...
    @property
    def links_checked(self) -> int: ...
    @property
    def stats(self) -> dict[str, Any]: ...
    @property
    def score(self) -> dict[str, Any] | None: ...
    @property
    def pruned_at(self) -> datetime | None: ...


class StoredSite(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def start_url(self) -> str: ...


class MadeOnRead(Sequence[T]):
    """A list whose items are made as they are read, from sources the caller holds anyway: the
    report of a run with tens of thousands of findings keeps the store's rows, not a second
    copy of every row as report text. Every read makes the items again."""

    def __init__(self, sources: Sequence[Any], make: Callable[[Any], T]) -> None:
        self._sources, self._make = sources, make

    def __len__(self) -> int:
        return len(self._sources)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._make(source) for source in self._sources[index]]
        return self._make(self._sources[index])

    def __iter__(self) -> Iterator[T]:
        return map(self._make, self._sources)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MadeOnRead | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list is not hashable either

    def __repr__(self) -> str:
        return f"MadeOnRead({len(self)} items)"
