"""Keyset pagination: `limit` and an opaque `cursor`, answered with `next_cursor`."""

import base64
import binascii
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select

from app.errors import DomainError

T = TypeVar("T")


class InvalidCursor(DomainError):
    status, code, title = 400, "INVALID_CURSOR", "The cursor is not valid"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


_PREFIX = "k1:"


def encode_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.startswith(_PREFIX) or len(decoded) == len(_PREFIX):
        raise InvalidCursor("Pass back `next_cursor` exactly as it was given.")
    return decoded[len(_PREFIX) :]


S = TypeVar("S", bound=Select[Any])


def keyset(stmt: S, key: Any, params: PageParams, parse: Any = str) -> S:
    """Order by a unique key and start after the cursor; fetch one extra row to see if more."""
    if params.cursor is not None:
        try:
            after = parse(decode_cursor(params.cursor))
        except ValueError:
            raise InvalidCursor("Pass back `next_cursor` exactly as it was given.") from None
        stmt = stmt.where(key > after)
    return stmt.order_by(key).limit(params.limit + 1)


def page_of(rows: list[Any], params: PageParams, key: Any) -> tuple[list[Any], str | None]:
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        return rows, encode_cursor(key(rows[-1]))
    return rows, None
