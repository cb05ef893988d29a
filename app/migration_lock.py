"""One migrator at a time: replicas started together may all run the migrations at once.

Whoever comes first upgrades under a lock held for the whole upgrade; the others wait for it,
then find the schema at head and do nothing.
- PostgreSQL: a session-level advisory lock (`pg_advisory_lock`), taken before Alembic opens
  its transaction, so that the upgrade reads the version the previous holder committed.
  Waiters wait without a limit: a long data migration is legitimate, and a migrator that dies
  loses its session and with it the lock.
- SQLite: the file's own write lock. The whole upgrade is one `BEGIN IMMEDIATE` transaction
  (SQLite's DDL is transactional; Alembic just does not assume it), which also means a failed
  upgrade leaves nothing half-done. A lock file would add a second lock beside the one SQLite
  already has, and could disagree with it. Waiters wait up to an hour (SQLite needs a limit;
  the OS frees the lock of a process that dies).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# pg_advisory_lock's key: the ASCII of "jamsos". Advisory locks are per database.
MIGRATION_LOCK_KEY = 0x6A616D736F73
SQLITE_MIGRATION_WAIT_MS = 3_600_000

log = logging.getLogger("alembic.env")


@contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """Hold the migration lock for the block; on SQLite, Alembic's BEGIN IMMEDIATE is it."""
    if connection.dialect.name != "postgresql":
        yield
        return
    if not connection.exec_driver_sql(
        f"SELECT pg_try_advisory_lock({MIGRATION_LOCK_KEY})"
    ).scalar():
        log.info("another process is migrating this database; waiting for it")
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
    connection.commit()  # the lock is the session's: it outlives this transaction
    try:
        yield
    finally:
        if not connection.invalidated:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
            connection.commit()


def wait_long_for_sqlite(engine: AsyncEngine) -> None:
    """A migrator's SQLite connections wait for another's upgrade, not only for a request."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine.sync_engine, "connect")
    def _busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_MIGRATION_WAIT_MS}")
        cursor.close()
