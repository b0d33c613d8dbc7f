"""Times as a webmaster reads them: in the site's time zone (默认北京时间), to the minute.

The store keeps every moment in UTC and findings.json writes ISO 8601 with the offset (the
interface other tools read); what a person reads — the reports, the ledger, the CLI — shows
``2026-12-07 11:07`` in the zone of the site's profile (``timezone``, default Asia/Shanghai).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone(name: str | None) -> ZoneInfo:
    """The zone of that IANA name; the default for none, or for one this machine lacks (a
    profile stored elsewhere)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_of_profile(profile: Mapping[str, Any] | None) -> ZoneInfo:
    """The zone a run's stored profile names (``timezone``)."""
    return zone((profile or {}).get("timezone"))


def local_minute(moment: datetime | None, where: ZoneInfo) -> str | None:
    """``YYYY-MM-DD HH:MM`` in `where`; a naive moment is taken as UTC (as the store means it)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(where).strftime("%Y-%m-%d %H:%M")
