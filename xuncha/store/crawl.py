"""The crawler's one door into the store: what a crawl writes, and what it reads of the run
before it (增量巡查).

The crawler (crawler/pipelines.py, crawler/spiders/) imports this module and nothing else of
the store: rows go in as plain dicts per table, the previous run comes out as a
:class:`~xuncha.store.prior.Prior` view and list entries as
:class:`~checks.model.ListItemView`. No ORM object crosses into a crawl.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import Insert

from checks.model import ListItemView
from xuncha.errors import StoreError
from xuncha.store.carry import carry_pages
from xuncha.store.db import Store
from xuncha.store.models import CRAWL_MODELS, Base, ListItem, table_of
from xuncha.store.prior import Prior, load_prior

__all__ = ["CRAWL_TABLES", "CrawlStore", "CrawlWriteError", "Prior"]


class CrawlWriteError(StoreError):
    """A batch of a crawl's records could not be written; the message is one line."""


# The tables a crawl writes, by name.
CRAWL_TABLES: dict[str, type[Base]] = {model.__tablename__: model for model in CRAWL_MODELS}
# Indexed text columns: PostgreSQL refuses btree entries over ~2.7 kB, and an inline
# data: image or a runaway URL gets there. Such values are clipped (and deduplicated).
INDEXED_TEXT = {"url", "target", "page"}
INDEXED_TEXT_MAX = 2000


def _limits(model: type[Base]) -> dict[str, int]:
    limits = {}
    for column in model.__table__.columns:
        if isinstance(column.type, String) and column.type.length:
            limits[column.name] = column.type.length
        elif column.name in INDEXED_TEXT:
            limits[column.name] = INDEXED_TEXT_MAX
    return limits


_LIMITS = {name: _limits(model) for name, model in CRAWL_TABLES.items()}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class CrawlStore:
    """One crawl's connection to the store (the schema is migrated by the run, not here)."""

    def __init__(self, db_url: str) -> None:
        self.store = Store(db_url, migrate=False)

    def prepare(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` as the database takes it: NUL bytes removed (legal in a page, not in a
        PostgreSQL text value) and every text longer than its column allows cut to fit."""
        row = {key: _clean(value) for key, value in row.items()}
        for name, limit in _LIMITS[table].items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > limit:
                row[name] = value[:limit]
        return row

    def write(
        self,
        run_id: int,
        rows: Mapping[str, list[dict[str, Any]]],
        *,
        carried: Sequence[str] = (),
        prior_run_id: int | None = None,
    ) -> None:
        """Insert ``rows`` (table name → rows) into run ``run_id`` in one transaction, and carry
        the ``carried`` pages (answered 304) from ``prior_run_id``. A row whose unique key is
        stored already is skipped: the spider emits each page and target once, and this keeps
        a slip from costing the whole batch. A database error is a :class:`CrawlWriteError`."""
        try:
            with self.store.session() as session, session.begin():
                for table, table_rows in rows.items():
                    if table_rows:
                        session.execute(
                            self._insert(table), [dict(row, run_id=run_id) for row in table_rows]
                        )
                if carried and prior_run_id is not None:
                    carry_pages(session, run_id, prior_run_id, list(carried))
        except SQLAlchemyError as exc:
            first = str(exc).splitlines()[0][:300]
            raise CrawlWriteError(f"{type(exc).__name__}: {first}") from exc

    def _insert(self, table: str) -> Insert:
        model_table = table_of(CRAWL_TABLES[table])
        dialect = self.store.engine.dialect.name
        if dialect == "postgresql":
            return postgresql.insert(model_table).on_conflict_do_nothing()
        if dialect == "sqlite":
            return sqlite.insert(model_table).on_conflict_do_nothing()
        return insert(model_table)

    def prior(
        self, prior_run_id: int, *, revisit_days: float, ttl_days: float, as_of: date | None
    ) -> Prior:
        """The view of the previous complete run tonight's crawl starts from."""
        with self.store.session() as session:
            return load_prior(
                session,
                prior_run_id,
                now=datetime.now(UTC),
                revisit_days=revisit_days,
                ttl_days=ttl_days,
                as_of=as_of,
            )

    def list_entries(self, prior_run_id: int, list_page: str) -> list[ListItemView]:
        """The entries an unchanged list page showed in the previous run (its column's totals
        need them), in the order they were shown."""
        query = (
            select(ListItem.column_url, ListItem.url, ListItem.title, ListItem.list_date)
            .where(ListItem.run_id == prior_run_id, ListItem.list_page == list_page)
            .order_by(ListItem.id)
        )
        with self.store.session() as session:
            return [ListItemView(*row) for row in session.execute(query)]

    def dispose(self) -> None:
        self.store.dispose()
