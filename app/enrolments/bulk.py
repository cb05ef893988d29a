"""Bulk work is bounded, so that one region's cannot starve the others.

- One roster import per programme at a time, across every replica: a PostgreSQL advisory
  lock on the programme, held until the import's transaction ends and tried without waiting.
  A second import answers 409 IMPORT_IN_PROGRESS at once, rather than hold a connection
  while it queues behind the first for the programme's row. SQLite takes none: BEGIN
  IMMEDIATE already makes every write transaction wait for the one before it (up to its
  busy timeout, then 503), before the import could ask; answering earlier, before the
  territory check, would tell other regions that a programme id exists.
- A share of each process's connections: an import or a file export holds one for seconds to
  minutes, an ordinary request for milliseconds. At most a quarter of DATABASE_POOL_SIZE (5
  of the default 20) do bulk work at once, so three quarters always answer everything else;
  one more waits up to SLOT_WAIT_SECONDS, then answers 503 BULK_BUSY with Retry-After.
- Fresh planner statistics after a bulk write: see refresh_statistics.
"""

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import ARRAY, String, bindparam, text
from sqlmodel.ext.asyncio.session import AsyncSession

from app.config import get_settings
from app.db import dialect_name, try_transaction_lock
from app.errors import DomainError
from app.i18n import msg

# A 100,000-row import took 21–105 s on the project's two-core machine, by its load.
IMPORT_RETRY_AFTER_SECONDS = 30
# A burst of uploads queues this long for a slot before it is refused.
SLOT_WAIT_SECONDS = 5.0
BULK_RETRY_AFTER_SECONDS = 15


class ImportInProgress(DomainError):
    status, code, title = (
        409,
        "IMPORT_IN_PROGRESS",
        "A roster import into this programme is running",
    )


class BulkBusy(DomainError):
    status, code, title = 503, "BULK_BUSY", "Too many imports and exports are running"


IMPORT_LOCK = b"roster-import"  # the advisory lock's purpose (app/db.py), keyed by programme


async def claim_program(session: AsyncSession, program_id: uuid.UUID) -> None:
    """The programme's import lock until the transaction ends, or IMPORT_IN_PROGRESS now."""
    if not await try_transaction_lock(session, IMPORT_LOCK, program_id.bytes):
        raise ImportInProgress(
            msg("enrolment.import_in_progress", seconds=IMPORT_RETRY_AFTER_SECONDS),
            headers={"Retry-After": str(IMPORT_RETRY_AFTER_SECONDS)},
        )


def bulk_slots() -> int:
    return max(1, get_settings().database_pool_size // 4)


# One semaphore per event loop: a process serves from one, the tests run one per test.
_semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _semaphores:
        _semaphores[loop] = asyncio.Semaphore(bulk_slots())
    return _semaphores[loop]


async def take_slot() -> Callable[[], None]:
    """A bulk slot of this process, or BULK_BUSY after SLOT_WAIT_SECONDS; answers its release."""
    semaphore = _semaphore()
    try:
        await asyncio.wait_for(semaphore.acquire(), SLOT_WAIT_SECONDS)
    except TimeoutError:
        raise BulkBusy(
            msg("enrolment.bulk_busy", seconds=BULK_RETRY_AFTER_SECONDS),
            headers={"Retry-After": str(BULK_RETRY_AFTER_SECONDS)},
        ) from None
    return semaphore.release


@asynccontextmanager
async def slot() -> AsyncIterator[None]:
    release = await take_slot()
    try:
        yield
    finally:
        release()


# What autovacuum analyses after a commit — more rows written by this transaction than its
# threshold plus its share of the rows the table had (-1: never analysed; empty, for this).
_STALE_AFTER_THIS = text(
    """
    SELECT c.relname
    FROM pg_stat_xact_user_tables AS x JOIN pg_class AS c ON c.oid = x.relid
    WHERE c.relname = ANY(:tables)
      AND x.n_tup_ins + x.n_tup_upd > current_setting('autovacuum_analyze_threshold')::float8
          + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
    ORDER BY c.relname
    """
).bindparams(bindparam("tables", type_=ARRAY(String)))


async def refresh_statistics(session: AsyncSession, tables: Sequence[str]) -> None:
    """ANALYZE, in this transaction, each of `tables` that it changed by a large share: what
    autovacuum analyses after the commit, but only when it gets to it — a minute or more
    later on a busy server. Until then the next
    statement is planned as if the tables were still empty or a tenth their size: a second
    100,000-row import into a fresh database spent 85 s in one look-up of workers by NIK (the
    whole import 145 s; 67 s with this). ANALYZE in a transaction sees the rows it wrote, and
    holds off other ANALYZEs of the table until the commit. Ordered by name, so that two
    imports take those locks in one order. PostgreSQL only: SQLite's planner keeps no
    statistics unless asked (sqlite_stat1)."""
    if dialect_name(session) != "postgresql":
        return
    connection = await session.connection()
    stale = await connection.execute(_STALE_AFTER_THIS, {"tables": list(tables)})
    for (table,) in stale.all():
        await connection.execute(text(f'ANALYZE "{table}"'))
