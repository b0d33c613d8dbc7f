"""The store: SQLAlchemy 2.0 models and the database they live in (SQLite or PostgreSQL)."""

from xuncha.store.db import Store, default_db_url, session_scope
from xuncha.store.models import (
    Base,
    Certificate,
    Column,
    Finding,
    FindingEvent,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Probe,
    Run,
    RunLock,
    Site,
    SiteSearch,
)

__all__ = [
    "Base",
    "Certificate",
    "Column",
    "Finding",
    "FindingEvent",
    "LinkCheck",
    "LinkOccurrence",
    "ListItem",
    "Page",
    "PageText",
    "Probe",
    "Run",
    "RunLock",
    "Site",
    "SiteSearch",
    "Store",
    "default_db_url",
    "session_scope",
]
