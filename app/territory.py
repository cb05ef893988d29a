"""The one place that limits queries to the caller's territory (DESIGN.md §2)."""

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.errors import NotFound

S = TypeVar("S", bound=Select[Any])
M = TypeVar("M", bound=SQLModel)


def visible(stmt: S, subject: Subject, region_column: Any) -> S:
    """Rows outside the caller's regions simply do not exist for it (404, not 403)."""
    if subject.regions is None:
        return stmt
    condition: ColumnElement[bool] = region_column.in_(subject.regions)
    return stmt.where(condition)


async def get_visible_by_id(
    session: AsyncSession,
    subject: Subject,
    model: type[M],
    object_id: uuid.UUID,
    not_found: type[NotFound],
    *,
    for_update: bool = False,
) -> M:
    """One tenant-owned row by id, or `not_found` alike for missing and out-of-territory.
    Read by primary key (the session's identity map first), then judged by its region."""
    row = await session.get(
        model,
        object_id,
        with_for_update=for_update,
        # populate_existing: a row read earlier in this transaction without the lock must be
        # refreshed with what the lock holder committed, not served stale from the session.
        populate_existing=for_update,
    )
    region = getattr(row, "region_code", None)
    if row is None or (subject.regions is not None and region not in subject.regions):
        raise not_found(f"No {not_found.title.removeprefix('No such ')} {object_id}.")
    return row
