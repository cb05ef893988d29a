"""Keyset pagination: `limit` and an opaque `cursor`, answered with `next_cursor`."""

import base64
import binascii
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select

from app.errors import DomainError
from app.i18n import msg

T = TypeVar("T")


class InvalidCursor(DomainError):
    status, code, title = 400, "INVALID_CURSOR", "The cursor is not valid"


def _page_example(schema: dict[str, Any], page: type[BaseModel]) -> None:
    """A page's example in the OpenAPI document: one item, its model's own example."""
    item = page.__pydantic_generic_metadata__["args"][:1]
    extra = item[0].model_config.get("json_schema_extra") if item else None
    if isinstance(extra, dict):
        examples = extra.get("examples") or [extra.get("example")]
        if isinstance(examples, list) and isinstance(examples[0], dict):
            key = examples[0].get("id") or examples[0].get("code") or "1"
            schema["examples"] = [{"items": examples[:1], "next_cursor": encode_cursor(key)}]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_extra=_page_example)

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass it as `cursor` for the next page; null on the last page"
    )


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
        raise InvalidCursor(msg("pagination.cursor"))
    return decoded[len(_PREFIX) :]


S = TypeVar("S", bound=Select[Any])


def keyset(stmt: S, key: Any, params: PageParams, parse: Any = str) -> S:
    """Order by a unique key and start after the cursor; fetch one extra row to see if more."""
    if params.cursor is not None:
        try:
            after = parse(decode_cursor(params.cursor))
        except ValueError:
            raise InvalidCursor(msg("pagination.cursor")) from None
        stmt = stmt.where(key > after)
    return stmt.order_by(key).limit(params.limit + 1)


def page_of(rows: list[Any], params: PageParams, key: Any) -> tuple[list[Any], str | None]:
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        return rows, encode_cursor(key(rows[-1]))
    return rows, None
