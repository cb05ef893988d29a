"""Enrolment queries: territory-filtered reads, locks, and the NIK overlap facts."""

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, exists
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.db import chunks, one_of
from app.enrolments.models import COVERING, Enrolment, EnrolmentStatus
from app.errors import InvalidState, NotFound
from app.i18n import msg
from app.pagination import PageParams, keyset, page_of
from app.territory import get_visible_by_id, visible
from app.workers.models import Person, Worker

S = TypeVar("S", bound=Select[Any])


class EnrolmentNotFound(NotFound):
    code, title = "ENROLMENT_NOT_FOUND", "No such enrolment"


async def get_visible(
    session: AsyncSession, subject: Subject, enrolment_id: uuid.UUID, *, for_update: bool = False
) -> Enrolment:
    return await get_visible_by_id(
        session, subject, Enrolment, enrolment_id, EnrolmentNotFound, for_update=for_update
    )


def require_status(enrolment: Enrolment, *allowed: EnrolmentStatus) -> None:
    if enrolment.status not in allowed:
        raise InvalidState(
            msg("enrolment.status", status=enrolment.status, allowed=[s.value for s in allowed]),
            current_status=enrolment.status,
        )


def _standing_statement() -> Any:
    nik: Any = bindparam("nik")
    covering = exists().where(
        col(Enrolment.nik) == nik,
        col(Enrolment.status).in_(COVERING),
        col(Enrolment.start_month) <= bindparam("end_month"),
        col(Enrolment.end_month) >= bindparam("start_month"),
    )
    died = sa_select(col(Person.died_on)).where(col(Person.nik) == nik).scalar_subquery()
    return sa_select(covering, died)


_STANDING = _standing_statement()  # built once: every eligibility check runs it


async def standing_of(
    session: AsyncSession, nik: str, start_month: str, end_month: str
) -> tuple[bool, bool]:
    """(already enrolled for a month in start…end in any region, recorded dead) of one NIK."""
    connection = await session.connection()
    params = {"nik": nik, "start_month": start_month, "end_month": end_month}
    covered, died_on = (await connection.execute(_STANDING, params)).one()
    return bool(covered), died_on is not None


async def niks_with_cover(
    session: AsyncSession, niks: Sequence[str], start_month: str, end_month: str
) -> set[str]:
    """NIKs that already have a covering enrolment (any region) for a month in start…end."""
    found: set[str] = set()
    connection = await session.connection()  # plain rows: thousands of NIKs, no ORM work
    for part in chunks(niks):
        rows = await connection.execute(
            sa_select(col(Enrolment.nik))
            .distinct()
            .where(
                one_of(session, col(Enrolment.nik), part),
                col(Enrolment.status).in_(COVERING),
                col(Enrolment.start_month) <= end_month,
                col(Enrolment.end_month) >= start_month,
            )
        )
        found.update(rows.scalars())
    return found


@dataclass(frozen=True)
class EnrolmentFilter:
    """What a list of enrolments may be narrowed to, inside the caller's territory."""

    program_id: uuid.UUID | None = None
    worker_id: uuid.UUID | None = None
    status: str | None = None
    nik: str | None = None

    def apply(self, stmt: S, subject: Subject) -> S:
        stmt = visible(stmt, subject, Enrolment.region_code)
        for column, value in (
            (col(Enrolment.program_id), self.program_id),
            (col(Enrolment.worker_id), self.worker_id),
            (col(Enrolment.status), self.status),
            (col(Enrolment.nik), self.nik),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        return stmt


async def list_visible(
    session: AsyncSession, subject: Subject, params: PageParams, where: EnrolmentFilter
) -> tuple[list[Enrolment], str | None]:
    stmt = where.apply(select(Enrolment), subject)
    rows = list((await session.exec(keyset(stmt, Enrolment.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda e: e.id)


EXPORTED = (
    col(Enrolment.id),
    col(Enrolment.program_id),
    col(Enrolment.worker_id),
    col(Enrolment.region_code),
    col(Enrolment.nik),
    col(Worker.full_name),
    col(Enrolment.occupation),
    col(Enrolment.status),
    col(Enrolment.start_month),
    col(Enrolment.end_month),
    col(Enrolment.monthly_contribution_idr),
    col(Enrolment.cost_idr),
    col(Enrolment.registered_on),
    col(Enrolment.kpj_number),
    col(Enrolment.activated_at),
    col(Enrolment.rejection_reason),
    col(Enrolment.termination_reason),
    col(Enrolment.terminated_at),
)


async def visible_rows(
    session: AsyncSession, subject: Subject, where: EnrolmentFilter, *, chunk: int
) -> AsyncIterator[Sequence[Any]]:
    """Every row the pages of `list_visible` hold, in their order, `chunk` rows at a time:
    plain rows (EXPORTED, with the worker's name), never the whole list in memory."""
    columns: Any = sa_select(*EXPORTED)  # an 18-column tuple type says nothing more here
    stmt = where.apply(columns.join(Worker, col(Worker.id) == col(Enrolment.worker_id)), subject)
    connection = await session.connection()  # plain rows: no ORM objects for a whole region
    after: uuid.UUID | None = None
    while True:
        page = stmt if after is None else stmt.where(col(Enrolment.id) > after)
        rows = (await connection.execute(page.order_by(col(Enrolment.id)).limit(chunk))).all()
        if not rows:
            return
        yield rows
        if len(rows) < chunk:
            return
        after = rows[-1].id
