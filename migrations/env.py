"""Alembic environment: async, for SQLite (batch mode) and PostgreSQL alike; one migrator at
a time (app/migration_lock.py)."""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import get_settings
from app.db import make_engine, metadata
from app.migration_lock import migration_lock, wait_long_for_sqlite

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,  # SQLite too: the whole upgrade in one BEGIN IMMEDIATE
        compare_type=True,
        compare_server_default=True,
    )


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    with migration_lock(connection):
        _migrate(connection)


def _migrate(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            # Foreign keys were off while batch mode rebuilt tables: prove none is broken.
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


async def run_online() -> None:
    # No statement timeout: a migration may rewrite or index a large table for minutes.
    engine = make_engine(_url(), foreign_keys=False, statement_timeout_seconds=0)
    wait_long_for_sqlite(engine)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
    finally:
        await engine.dispose()  # closing the session also frees the lock after a failure


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
