"""The one place that limits queries to the caller's territory (DESIGN.md §2)."""

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement

from app.auth.subject import Subject

S = TypeVar("S", bound=Select[Any])


def visible(stmt: S, subject: Subject, region_column: Any) -> S:
    """Rows outside the caller's regions simply do not exist for it (404, not 403)."""
    if subject.regions is None:
        return stmt
    condition: ColumnElement[bool] = region_column.in_(subject.regions)
    return stmt.where(condition)
