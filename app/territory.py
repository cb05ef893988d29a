"""The one place that limits queries to the caller's territory (DESIGN.md §2)."""

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel, select
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
    Reads come by primary key (the identity map first) and are judged by region in Python;
    a lock is taken only on a row of the caller's territory."""
    if not for_update:
        row: Any = await session.get(model, object_id)  # every tenant-owned model has region_code
        if row is None or not subject.can_see(row.region_code):
            raise not_found.by_id(object_id)
        return row
    table: Any = model
    stmt = visible(select(model).where(table.id == object_id), subject, table.region_code)
    # populate_existing: a row read earlier in this transaction without the lock must be
    # refreshed with what the lock holder committed, not served stale from the session.
    stmt = stmt.with_for_update().execution_options(populate_existing=True)
    locked = (await session.exec(stmt)).first()
    if locked is None:
        raise not_found.by_id(object_id)
    return locked
