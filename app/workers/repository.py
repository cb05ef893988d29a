"""Worker and person queries; the person lock that keeps one NIK in one enrolment a month."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ARRAY, String, bindparam, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.db import UTCDateTime, chunks, dialect_insert, dialect_name, one_of, utcnow
from app.errors import NotFound
from app.pagination import PageParams, keyset, page_of
from app.territory import get_visible_by_id, visible
from app.workers.models import Person, Worker


class WorkerNotFound(NotFound):
    code, title = "WORKER_NOT_FOUND", "No such worker"


async def lock_persons(session: AsyncSession, niks: Iterable[str]) -> None:
    """Make sure each NIK has a person row, then lock those rows in NIK order.

    Every path that gives a NIK months of cover takes this lock after the programme's, so two
    regions enrolling the same NIK at once are serialised and the second sees the first.
    Sorted order keeps concurrent imports from deadlocking."""
    ordered = sorted(set(niks))
    if not ordered:
        return
    insert = dialect_insert(session)
    now = utcnow()
    postgres = dialect_name(session) == "postgresql"
    for part in chunks(ordered):
        if postgres:  # one array parameter, not an executemany of thousands of rows
            niks = func.unnest(bindparam("niks", list(part), type_=ARRAY(String)))
            rows_from = select(niks, literal(now, UTCDateTime))
            await session.exec(
                insert(Person)
                .from_select(["nik", "created_at"], rows_from)
                .on_conflict_do_nothing()
            )
        else:
            rows = [{"nik": nik, "created_at": now} for nik in part]
            await session.exec(insert(Person).on_conflict_do_nothing(), params=rows)
        locked = (
            select(Person.nik)
            .where(one_of(session, col(Person.nik), part))
            .order_by(Person.nik)
            .with_for_update()
            .subquery()
        )
        # Counted, not fetched: the rows are locked either way, without a round of ORM work.
        await session.exec(select(func.count()).select_from(locked))


async def deceased_niks(session: AsyncSession, niks: Sequence[str]) -> dict[str, date]:
    found: dict[str, date] = {}
    connection = await session.connection()  # plain rows: thousands of NIKs, no ORM work
    for part in chunks(niks):
        rows = await connection.execute(
            sa_select(col(Person.nik), col(Person.died_on)).where(
                one_of(session, col(Person.nik), part), col(Person.died_on).is_not(None)
            )
        )
        found.update({nik: died for nik, died in rows if died is not None})
    return found


async def workers_by_nik(
    session: AsyncSession, region_code: str, niks: Sequence[str]
) -> dict[str, Worker]:
    found: dict[str, Worker] = {}
    for part in chunks(niks):
        rows = await session.exec(
            select(Worker).where(
                Worker.region_code == region_code, one_of(session, col(Worker.nik), part)
            )
        )
        found.update({w.nik: w for w in rows})
    return found


async def get_visible(session: AsyncSession, subject: Subject, worker_id: uuid.UUID) -> Worker:
    return await get_visible_by_id(session, subject, Worker, worker_id, WorkerNotFound)


async def list_visible(
    session: AsyncSession,
    subject: Subject,
    params: PageParams,
    *,
    nik: str | None = None,
    occupation: str | None = None,
    district: str | None = None,
    village: str | None = None,
) -> tuple[list[Worker], str | None]:
    stmt = visible(select(Worker), subject, Worker.region_code)
    for column, value in (
        (Worker.nik, nik),
        (Worker.occupation, occupation),
        (Worker.district, district),
        (Worker.village, village),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    rows = list((await session.exec(keyset(stmt, Worker.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda w: w.id)


async def is_deceased(session: AsyncSession, nik: str) -> bool:
    return bool(await deceased_niks(session, [nik]))


async def worker_ids_by_nik(
    session: AsyncSession, region_code: str, niks: Sequence[str]
) -> dict[str, uuid.UUID]:
    """The region's worker id for each NIK it knows: plain rows, for a whole roster."""
    found: dict[str, uuid.UUID] = {}
    connection = await session.connection()
    for part in chunks(niks):
        rows = await connection.execute(
            sa_select(col(Worker.nik), col(Worker.id)).where(
                col(Worker.region_code) == region_code, one_of(session, col(Worker.nik), part)
            )
        )
        found.update({nik: worker_id for nik, worker_id in rows})
    return found
