"""Programme queries, always through the territory filter."""

import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
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
