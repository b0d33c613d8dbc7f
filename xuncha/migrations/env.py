"""Alembic environment: the connection (or else the engine) comes from the Store that runs the
migration; a connection it gives is inside its transaction, under its migration lock."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from xuncha.store.models import Base

config = context.config
target_metadata = Base.metadata


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    with config.attributes["engine"].begin() as connection:
        _migrate(connection)


run_migrations_online()
