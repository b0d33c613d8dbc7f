"""Opening the database: any SQLAlchemy URL, migrated to the current schema by Alembic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from xuncha.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def default_db_url() -> str:
    """`XUNCHA_DB` if set, else a SQLite file `xuncha.db` in the working directory."""
    return os.environ.get("XUNCHA_DB") or "sqlite:///xuncha.db"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Store:
    """A database at the current schema, and the session factory for it.

    The caller owns sessions: ``with store.session() as s, s.begin(): ...``.
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = url or default_db_url()
        self.engine = self._engine(self.url)
        if migrate:
            self.upgrade()
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    @staticmethod
    def _engine(url: str) -> Engine:
        try:
            engine = create_engine(url, future=True, pool_pre_ping=True)
        except (ArgumentError, ImportError, SQLAlchemyError) as exc:
            raise StoreError(f"cannot use database {url!r}: {exc}") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            database = engine.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        return engine

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config

    def upgrade(self, revision: str = "head") -> None:
        try:
            command.upgrade(self.alembic_config(), revision)
        except OperationalError as exc:
            raise StoreError(f"cannot open database {self.safe_url}: {exc.orig}") from None

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        self.engine.dispose()

    def new_session(self) -> Session:
        return self.session()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction on the store at `url` (default: XUNCHA_DB or xuncha.db), committed on
    success; the engine is disposed after. For commands that open the store for one action."""
    store = Store(url or default_db_url())
    try:
        with store.session() as session, session.begin():
            yield session
    finally:
        store.dispose()
