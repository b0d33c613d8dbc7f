"""Opening the database: any SQLAlchemy URL, migrated to the current schema by Alembic.

Two ways to open it. A run (``xuncha run``, ``probe``, ``demo``) may create it: the SQLite
file and its folder are made, the schema is migrated to head under a lock, so first runs
started together on a brand-new database wait for one another instead of creating the same
tables twice (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock).
A read command (``findings``, ``ledger``, ``lookback``, ``report``, ``prune``) opens an
existing database at head only, and never creates a file, a folder or a table.

Either way the database is refused with one :class:`StoreError` line, before anything is
written, when it is in memory (a run's results would vanish with the process), from a newer
Xuncha (a revision this version does not know), or a damaged SQLite file (损坏).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from checks.userinfo import redact_text
from xuncha.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The key of the PostgreSQL advisory lock held while the schema is migrated ("xuncha" in ASCII).
MIGRATION_LOCK_KEY = 0x78756E636861
# What SQLite says of a file that is damaged or is no database at all.
SQLITE_DAMAGE = ("file is not a database", "database disk image is malformed")


def default_db_url() -> str:
    """`XUNCHA_DB` if set, else a SQLite file `xuncha.db` in the working directory."""
    return os.environ.get("XUNCHA_DB") or "sqlite:///xuncha.db"


def _url_without_password(url: str) -> str:
    """``url`` as messages show it: its password hidden (``***``), whatever else is wrong."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # The wait first: switching a new file to WAL takes a lock another process may hold.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Store:
    """A database at the current schema, and the session factory for it.

    ``create`` (a run): the database may be new and is migrated to head. Without it (a read
    command) it must exist at head already. ``migrate=False`` opens it as it is (a crawl
    child or a worker, once the run has migrated it).

    The caller owns sessions: ``with store.session() as s, s.begin(): ...``.
    """

    def __init__(
        self, url: str | None = None, *, create: bool = True, migrate: bool = True
    ) -> None:
        self.url = url or default_db_url()
        self.engine = self._engine(self.url, create=create)
        try:
            if not create:
                self.check_current()
            elif migrate:
                self.upgrade()
        except BaseException:
            self.engine.dispose()
            raise
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    @staticmethod
    def _engine(url: str, *, create: bool) -> Engine:
        try:
            engine = create_engine(url, future=True, pool_pre_ping=True)
        except (ArgumentError, ImportError, SQLAlchemyError) as exc:
            # Neither the URL nor SQLAlchemy's message (which may quote it) shows a password.
            shown = redact_text(_url_without_password(url))
            raise StoreError(
                f"无法使用数据库 {shown!r}：{redact_text(str(exc))}"
                "（请检查 --db 地址的写法与所需的数据库驱动）"
            ) from None
        if engine.dialect.name == "sqlite":
            _check_sqlite_file(engine, create=create)
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def alembic_config(self, connection: Connection | None = None) -> Config:
        from alembic.config import Config  # Alembic only where a schema is read or changed:
        # a crawl process opens the store without it (half a second of its start)

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        config.attributes["connection"] = connection
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Migrate to `revision` in one transaction, under the migration lock (taken only
        when there is something to migrate: a database at head is read, never locked)."""
        try:
            if revision == "head":
                with self.engine.connect() as connection:
                    self._check_readable(connection)
                    if self._known_revision(connection) == _head():
                        return
            with self.engine.begin() as connection:
                self._lock_for_migration(connection)
                self._check_readable(connection)
                self._known_revision(connection)
                from alembic import command

                command.upgrade(self.alembic_config(connection), revision)
        except DBAPIError as exc:
            raise self._error(exc) from None

    def check_current(self) -> None:
        """An existing database at head, for a command that only reads what runs stored."""
        try:
            with self.engine.connect() as connection:
                self._check_readable(connection)
                current = self._known_revision(connection)
        except DBAPIError as exc:
            raise self._error(exc) from None
        if current is None:
            raise StoreError(
                f"数据库 {self.safe_url} 中还没有巡查数据：请先运行 `xuncha run`，"
                "或用 --db 指定巡查用的数据库"
            )
        head = _head()
        if current != head:
            raise StoreError(
                f"数据库 {self.safe_url} 的结构是旧版本（{current}，本版为 {head}）："
                "请先运行一次 `xuncha run`，它会把数据库升级到本版"
            )

    def _lock_for_migration(self, connection: Connection) -> None:
        """Hold the database's write lock (SQLite) or the migration lock (PostgreSQL) until
        the transaction ends: a second process reads the revision only after the first has
        committed its tables."""
        dialect = connection.dialect.name
        if dialect == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif dialect == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )

    def _check_readable(self, connection: Connection) -> None:
        """SQLite: the whole file is readable (``quick_check``), so a damaged one is refused
        before a run row or a report says anything of it."""
        if connection.dialect.name != "sqlite":
            return
        problems = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise self._damaged(problems[0])

    def _known_revision(self, connection: Connection) -> str | None:
        """The database's schema revision (None: no schema yet); one this version of Xuncha
        does not know is a newer Xuncha's."""
        from alembic.migration import MigrationContext
        from alembic.script import ScriptDirectory

        current = MigrationContext.configure(connection).get_current_revision()
        if current is None:
            return None
        script = ScriptDirectory(str(MIGRATIONS))
        if current not in {rev.revision for rev in script.walk_revisions()}:
            raise StoreError(
                f"数据库 {self.safe_url} 来自更新版本的 Xuncha（结构版本 {current}，本版最高 "
                f"{script.get_current_head()}）：请升级 Xuncha 后再用它，或用 --db 指定别的数据库"
            )
        return current

    def _error(self, exc: DBAPIError) -> StoreError:
        first = (str(exc.orig or exc).splitlines() or [""])[0]
        if self.engine.dialect.name == "sqlite" and any(w in first for w in SQLITE_DAMAGE):
            return self._damaged(first)
        return StoreError(
            f"无法打开数据库 {self.safe_url}：{first}（请检查 --db 地址、数据库服务与权限）"
        )

    def _damaged(self, problem: str) -> StoreError:
        return StoreError(
            f"数据库文件 {self.engine.url.database} 已损坏或不是 SQLite 数据库"
            f"（{problem[:200]}），没有写入任何内容：请从备份恢复，或用 --db 指定新的数据库文件"
        )

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        self.engine.dispose()

    def new_session(self) -> Session:
        return self.session()


def _head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _check_sqlite_file(engine: Engine, *, create: bool) -> None:
    """A SQLite database is a file: never one in memory, made (with its folder) only for a
    run, and required to exist for a read."""
    url = engine.url
    database = url.database or ""
    if (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or (url.query.get("mode") == "memory")
    ):
        raise StoreError(
            f"数据库 {url} 在内存中，巡查结果会随进程一起消失："
            "请用数据库文件，如 --db sqlite:///xuncha.db"
        )
    path = Path(database)
    if not create:
        if not path.is_file():
            raise StoreError(
                f"数据库文件 {path} 不存在：请先运行 `xuncha run`，或用 --db 指定已有的数据库"
            )
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = "它不是文件夹" if path.parent.exists() and not path.parent.is_dir() else exc.strerror
        raise StoreError(
            f"无法在 {path.parent} 建立数据库文件（{why}）：请用 --db 指定可写的位置"
        ) from None


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction on the existing store at `url` (default: XUNCHA_DB or xuncha.db),
    committed on success; the engine is disposed after. For commands that open the store for
    one action: they never create a database (see :class:`Store`)."""
    store = Store(url or default_db_url(), create=False)
    try:
        with store.session() as session, session.begin():
            yield session
    finally:
        store.dispose()
