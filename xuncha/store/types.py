"""Column types that settle a database's quirk once, where the value crosses into Python."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, always timezone-aware UTC in Python.

    PostgreSQL keeps the offset (``timestamptz``); SQLite keeps none and hands back a naive
    datetime for what was stored in UTC. Every moment Xuncha stores is UTC, so a naive value
    read back is UTC (and a naive value written is taken as UTC, as PostgreSQL's UTC sessions
    take it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]  # SQLite: stored in UTC
        return value.astimezone(UTC)  # type: ignore[no-any-return]  # PostgreSQL: the session zone
