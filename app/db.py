"""Engine, sessions and the conventions every table follows."""

import asyncio
import hashlib
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import ARRAY, DateTime, MetaData, any_, bindparam, event, func, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.config import get_settings
from app.metrics import watch_pool

# Stable constraint names make migrations reviewable and errors recognisable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


_ENTROPY_BATCH = 10 * 4096
_entropy = bytearray()
_entropy_lock = threading.Lock()


def _random80() -> int:
    """80 random bits from the OS, fetched in batches (a system call per id is the slow part
    of a bulk import's ids)."""
    global _entropy
    with _entropy_lock:
        if not _entropy:
            _entropy = bytearray(os.urandom(_ENTROPY_BATCH))
        chunk = _entropy[-10:]
        del _entropy[-10:]
    return int.from_bytes(chunk, "big")


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): time-ordered, so keyset pagination by id follows creation order."""
    unix_ms = time.time_ns() // 1_000_000
    rand = _random80()
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


CHUNK = 5000  # bound parameters per statement stay well under every driver's limit
COPY_CHUNK = 2000
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


M = TypeVar("M", bound=SQLModel)


async def lock_by_ids(
    session: AsyncSession, model: type[M], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, M]:
    """Rows by id, locked in id order (so two flows locking the same rows cannot deadlock)
    and refreshed with what the previous lock holder committed (populate_existing), rather
    than served stale from the session."""
    table: Any = model
    rows = await session.exec(
        select(model)
        .where(table.id.in_(sorted(set(ids))))
        .order_by(table.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in rows}  # type: ignore[attr-defined]


def dialect_name(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def one_of(session: AsyncSession, column: Any, values: Sequence[Any]) -> Any:
    """`column IN values`. On PostgreSQL one array parameter (`= ANY($1)`) rather than one
    parameter per value, which SQLAlchemy would render one by one on every execution."""
    return one_of_param(column, None, postgres=dialect_name(session) == "postgresql", values=values)


def one_of_param(
    column: Any, name: str | None, *, postgres: bool, values: Sequence[Any] | None = None
) -> Any:
    """one_of for a statement built once: the values come later, as parameter `name`."""
    if postgres:
        array = ARRAY(column.type)
        given = list(values) if values is not None else None
        return column == any_(bindparam(name, given, type_=array))
    if values is not None:
        return column.in_(values)
    return column.in_(bindparam(name, expanding=True))


async def copy_rows(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: PostgreSQL's binary COPY, else one
    executemany. Every row carries every column the first one has."""
    if not rows:
        return
    if dialect_name(session) != "postgresql":
        await session.exec(insert(table), params=rows)
        return
    columns = list(rows[0])
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    records = await asyncio.to_thread(lambda: [tuple(row[c] for c in columns) for row in rows])
    for part in chunks(records, COPY_CHUNK):  # between parts other requests get their turn
        await driver.copy_records_to_table(table.name, records=part, columns=columns)


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The INSERT of the session's database, which knows ON CONFLICT (PostgreSQL, SQLite)."""
    return pg_insert if dialect_name(session) == "postgresql" else sqlite_insert


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps on every database (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    """SQLite: enforce foreign keys and take the write lock at BEGIN (it ignores FOR UPDATE).

    The pysqlite driver's own transaction handling is switched off so that SQLAlchemy's
    BEGIN is the one that runs (SQLAlchemy's documented pysqlite workaround). Migrations turn
    foreign keys off: batch mode rebuilds a table by dropping it, which SQLite refuses while
    other rows refer to it (SQLite's documented procedure; migrations check them after).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_execute(
        _conn: Any, _cursor: Any, _sql: str, parameters: Any, _context: Any, _executemany: bool
    ) -> None:
        _refuse_nul(parameters)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Reads take no lock at BEGIN: under WAL they see a snapshot and never wait for a writer.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _refuse_nul(parameters: Any) -> None:
    """SQLite stores a NUL character in text; PostgreSQL refuses it (SQLSTATE 22021, which
    the service answers as a 422). The same refusal here, as a DB-API data error, so that
    the same request gets the same answer on either database."""
    # One row's values, or many rows' (executemany; a batched INSERT's one flat row too).
    items = parameters.values() if isinstance(parameters, dict) else parameters or ()
    for item in items:
        values = item.values() if isinstance(item, dict) else item
        if isinstance(values, str):
            values = (values,)
        elif not isinstance(values, tuple | list):
            continue
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise sqlite3.DataError("a text value holds a NUL character")


READ_ONLY = "jamsos_read_only"  # an execution option of the engine that serves reads


def _milliseconds(seconds: float) -> str:
    return str(round(seconds * 1000))  # PostgreSQL's unit for timeouts; 0 is no limit


def make_engine(
    url: str, *, foreign_keys: bool = True, statement_timeout_seconds: float | None = None
) -> AsyncEngine:
    """`statement_timeout_seconds`: PostgreSQL's limit on each statement of the engine's
    connections (0: none); by default DATABASE_STATEMENT_TIMEOUT_SECONDS, the request's."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    # No pre-ping: it would cost a round trip on every checkout. A connection the server
    # dropped fails its request once and is discarded by the pool; recycling keeps
    # connections younger than any idle timeout in between.
    # A fixed pool: connections beyond the pool's size would be opened and closed under load
    # (a connect costs more than the query); requests beyond it wait for a free one.
    # No JIT: it compiles any statement the planner costs high (the report's, an invoice's)
    # for up to a second, on every execution, to save milliseconds.
    # Bounded waits, each answered 503 with Retry-After: for a pooled connection, and for a new
    # one (a server that accepts but does not answer), DATABASE_POOL_TIMEOUT_SECONDS; for a
    # statement (a lock held elsewhere, a plan gone wrong), the statement timeout.
    settings = get_settings()
    if statement_timeout_seconds is None:
        statement_timeout_seconds = settings.database_statement_timeout_seconds
    server_settings = {"jit": "off", "statement_timeout": _milliseconds(statement_timeout_seconds)}
    return create_async_engine(
        url,
        connect_args={
            "server_settings": server_settings,
            "timeout": settings.database_pool_timeout_seconds,
        },
        pool_size=settings.database_pool_size,
        max_overflow=0,
        pool_timeout=settings.database_pool_timeout_seconds,
        pool_recycle=1800,
    )


def advisory_lock_key(purpose: bytes, key: bytes) -> int:
    """The 64-bit advisory lock key for `key`, hashed apart by `purpose` (at most 16 bytes) from
    other purposes' keys (and from the migration lock's constant)."""
    digest = hashlib.blake2b(key, digest_size=8, person=purpose).digest()
    return int.from_bytes(digest, "big", signed=True)


async def try_transaction_lock(session: AsyncSession, purpose: bytes, key: bytes) -> bool:
    """PostgreSQL: the advisory lock of `purpose` and `key`, tried without waiting and held
    until the session's transaction ends; whether it was had. SQLite takes none and answers
    True: its write transactions already run one at a time (BEGIN IMMEDIATE)."""
    if dialect_name(session) != "postgresql":
        return True
    lock = advisory_lock_key(purpose, key)
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock))))


async def allow_bulk_statements(session: AsyncSession) -> None:
    """Bulk work (a roster import, an invoice) may run statements longer than a request's:
    DATABASE_BULK_STATEMENT_TIMEOUT_SECONDS for the rest of the session's transaction.
    PostgreSQL only; SQLite has no statement timeout."""
    if dialect_name(session) != "postgresql":
        return
    limit = _milliseconds(get_settings().database_bulk_statement_timeout_seconds)
    await session.exec(select(func.set_config("statement_timeout", limit, True)))


def reading(engine: AsyncEngine) -> AsyncEngine:
    """The engine for reads. PostgreSQL: autocommit, so no BEGIN and COMMIT round trips —
    under READ COMMITTED each statement sees its own snapshot inside a transaction too.
    SQLite: a deferred BEGIN, which takes no write lock."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{READ_ONLY: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class _Database:
    engine: AsyncEngine | None = None
    reader: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    read_sessionmaker: async_sessionmaker[AsyncSession] | None = None

    def configure(self, url: str) -> AsyncEngine:
        # Every table on the metadata before the first session: a foreign key names its
        # table by name, so a process that imported only some models (the CLI's commands)
        # could not resolve one (NoReferencedTableError).
        import app.models  # noqa: F401

        self.engine = make_engine(url)
        watch_pool(self.engine)
        self.reader = reading(self.engine)
        self.sessionmaker = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self.read_sessionmaker = async_sessionmaker(
            self.reader, class_=AsyncSession, expire_on_commit=False
        )
        return self.engine

    def get_sessionmaker(self, *, read_only: bool = False) -> async_sessionmaker[AsyncSession]:
        if self.sessionmaker is None:
            self.configure(get_settings().database_url)
        maker = self.read_sessionmaker if read_only else self.sessionmaker
        assert maker is not None
        return maker

    async def dispose(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
        self.engine = self.reader = None
        self.sessionmaker = self.read_sessionmaker = None


database = _Database()

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed before the response is sent, else rolled back.
    GET and HEAD change nothing, so they read without taking locks or opening a transaction."""
    if request.method in READ_METHODS:
        async with database.get_sessionmaker(read_only=True)() as session:
            yield session  # nothing to commit: closing the session releases the connection
        return
    async with database.get_sessionmaker()() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def get_read_session() -> AsyncIterator[AsyncSession]:
    """For requests that change nothing whatever their method (a POSTed check)."""
    async with database.get_sessionmaker(read_only=True)() as session:
        yield session


@asynccontextmanager
async def snapshot_session() -> AsyncIterator[AsyncSession]:
    """Reads in many statements that must agree (an export in chunks): one read-only snapshot.
    PostgreSQL: a REPEATABLE READ, READ ONLY transaction (the read engine's autocommit gives
    each statement its own); SQLite: the read engine's deferred BEGIN already reads one WAL
    snapshot until the session closes. Not a request dependency: a streamed body outlives
    the request's session."""
    maker = database.get_sessionmaker(read_only=True)
    engine = database.engine
    if engine is None or engine.dialect.name != "postgresql":
        async with maker() as session:
            yield session
        return
    bind = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    async with AsyncSession(bind, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]
