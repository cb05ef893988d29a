"""Programme queries, always through the territory filter."""

import uuid
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.billing.repository import money_columns
from app.errors import NotFound
from app.pagination import PageParams, keyset, page_of
from app.programs.models import Program
from app.territory import get_visible_by_id, visible


class ProgramNotFound(NotFound):
    code, title = "PROGRAM_NOT_FOUND", "No such programme"


async def get_visible(
    session: AsyncSession, subject: Subject, program_id: uuid.UUID, *, for_update: bool = False
) -> Program:
    """The programme if the caller may see it; the row locked when it will be spent from
    (the lock serialises every change to its committed money: the R6 budget invariant)."""
    return await get_visible_by_id(
        session, subject, Program, program_id, ProgramNotFound, for_update=for_update
    )


# Reads of one programme are hot paths: their statements are built once, and the programme
# comes back detached (not in the session), for reading only.
_TABLE: Any = Program.__table__  # type: ignore[attr-defined]
_READ = sa_select(_TABLE).where(_TABLE.c.id == bindparam("program_id"))
_READ_WITH_MONEY = sa_select(_TABLE, *money_columns(_TABLE.c.id)).where(
    _TABLE.c.id == bindparam("program_id")
)


async def _read(
    session: AsyncSession, subject: Subject, program_id: uuid.UUID, statement: Any
) -> tuple[Program, Any]:
    connection = await session.connection()
    row = (await connection.execute(statement, {"program_id": program_id})).first()
    if row is None or not subject.can_see(row.region_code):
        raise ProgramNotFound.by_id(program_id)
    values = row._mapping
    return Program.model_validate({k: values[k] for k in Program.model_fields}), row


async def read_program(session: AsyncSession, subject: Subject, program_id: uuid.UUID) -> Program:
    """The programme if the caller may see it, detached, for reading only."""
    return (await _read(session, subject, program_id, _READ))[0]


async def read_visible(
    session: AsyncSession, subject: Subject, program_id: uuid.UUID
) -> tuple[Program, tuple[int, int, int, int, int]]:
    """The programme and its billing figures (as billing_totals gives them) in one statement,
    detached, for reading only."""
    program, row = await _read(session, subject, program_id, _READ_WITH_MONEY)
    a, b, c, d, e = (int(v) for v in row[-5:])
    return program, (a, b, c, d, e)


async def list_visible(
    session: AsyncSession,
    subject: Subject,
    params: PageParams,
    *,
    fiscal_year: int | None = None,
    status: str | None = None,
) -> tuple[list[Program], str | None]:
    stmt = visible(select(Program), subject, Program.region_code)
    if fiscal_year is not None:
        stmt = stmt.where(Program.fiscal_year == fiscal_year)
    if status is not None:
        stmt = stmt.where(Program.status == status)
    rows = list((await session.exec(keyset(stmt, Program.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda p: p.id)
