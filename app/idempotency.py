"""Idempotency-Key for creating POSTs: same key + same body → the same answer again;
same key + another body → 409. Records live in the request's own transaction, so a failed
request leaves no record and a retry runs afresh. A record is honoured for
IDEMPOTENCY_RETENTION_HOURS: after that its key is free again (a late retry runs afresh), and
`python -m app purge` deletes it."""

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from time import monotonic
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import JSON, Column, UniqueConstraint, delete
from sqlalchemy import select as sa_select
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.config import Settings, get_settings
from app.db import UTCDateTime, try_transaction_lock, utcnow
from app.errors import IdempotencyConflict, IdempotencyInProgress
from app.i18n import msg


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("actor", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=200)
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: Any = Field(sa_column=Column(JSON, nullable=False))
    # Indexed for the purge's range scan.
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True
    )


def retention_cutoff(settings: Settings) -> datetime:
    """Records created before this are past their retention."""
    return utcnow() - timedelta(hours=settings.idempotency_retention_hours)


_TABLE: Any = IdempotencyRecord.__table__  # type: ignore[attr-defined]


async def delete_expired(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` records created before `cutoff`; how many went. Safe beside another
    purge: on PostgreSQL the rows one is deleting are skipped by the other, not waited for."""
    expired = (
        sa_select(_TABLE.c.id)
        .where(_TABLE.c.created_at < cutoff)
        .order_by(_TABLE.c.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    connection = await session.connection()
    result = await connection.execute(
        delete(_TABLE).where(_TABLE.c.id.in_(expired.scalar_subquery()))
    )
    return int(result.rowcount)


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Any unique string; retrying with the same key and body repeats the answer.",
    ),
]


def owner_of(subject: Subject) -> str:
    """Whose keys these are: the token's subject *and* what it may touch. Two tokens that
    share a subject but not a role or territory (a pemda of 3575 signed with the subject of
    a pemda of 3514) never see each other's answers."""
    regions = ",".join(sorted(subject.regions)) if subject.regions is not None else "*"
    identity = f"{subject.sub}\0{subject.role.value}\0{regions}"
    return f"{subject.sub[:120]}#{hashlib.sha256(identity.encode()).hexdigest()[:64]}"


IDEMPOTENCY_LOCK = b"idempotency-key"  # the advisory lock's purpose (app/db.py)
_LOCK_POLL_SECONDS = 0.05
IN_PROGRESS_WAIT_SECONDS = 10.0
IN_PROGRESS_RETRY_AFTER_SECONDS = 2


async def _wait_for_the_first(session: AsyncSession, owner: str, key: str) -> None:
    """Concurrent requests with one key run one after the other: each takes a lock on the key
    held until its transaction ends, so a duplicate finds the first's stored answer (or, if
    the first failed, runs afresh) instead of a business error the first's change causes
    (ALREADY_ENROLLED for the same worker). Past a bounded wait: 409 IDEMPOTENCY_IN_PROGRESS
    with Retry-After. PostgreSQL: a transaction-level advisory lock, polled (a blocking one
    would hold the connection for as long as the first runs). SQLite needs none: every write
    transaction takes the database's write lock at BEGIN, so a duplicate's look-up already
    waits for the first's commit."""
    lock_key = f"{owner}\0{key}".encode()
    deadline = monotonic() + IN_PROGRESS_WAIT_SECONDS
    while not await try_transaction_lock(session, IDEMPOTENCY_LOCK, lock_key):
        if monotonic() >= deadline:
            seconds = IN_PROGRESS_RETRY_AFTER_SECONDS
            raise IdempotencyInProgress(
                msg("idempotency.in_progress", seconds=seconds),
                headers={"Retry-After": str(seconds)},
            )
        await asyncio.sleep(_LOCK_POLL_SECONDS)


class Idempotency:
    def __init__(self, request: Request, response: Response, key: str | None) -> None:
        self.request = request
        self.response = response
        self.key = key
        self.request_hash = ""

    async def replay(
        self,
        session: AsyncSession,
        subject: Subject,
        location: str | None = None,
        content: bytes | None = None,
    ) -> JSONResponse | None:
        """The stored answer for this key, or None when the request is new. `content` stands
        for the body when the body is not the request (a form's file: its boundary varies)."""
        if self.key is None:
            return None
        body = content if content is not None else await self.request.body()
        digest = hashlib.sha256()
        for part in (self.request.method, self.request.url.path, self.request.url.query):
            digest.update(part.encode() + b"\0")
        digest.update(body)
        self.request_hash = digest.hexdigest()
        await _wait_for_the_first(session, owner_of(subject), self.key)
        stored = (
            await session.exec(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.actor == owner_of(subject), IdempotencyRecord.key == self.key
                )
            )
        ).first()
        if stored is None:
            return None
        if stored.created_at < retention_cutoff(get_settings()):
            # Past its retention, as if purged: the key is free and this request runs afresh.
            await session.exec(delete(_TABLE).where(_TABLE.c.id == stored.id))
            return None
        if stored.request_hash != self.request_hash:
            raise IdempotencyConflict(msg("idempotency.reused"))
        headers = {"Idempotent-Replayed": "true"}
        if location is not None and isinstance(stored.response_body, dict):
            headers["Location"] = location.format_map(stored.response_body)
        return JSONResponse(stored.response_body, status_code=stored.status_code, headers=headers)

    async def remember(
        self, session: AsyncSession, subject: Subject, status_code: int, result: BaseModel
    ) -> None:
        if self.key is None:
            return  # nothing kept, and a large answer not copied for nothing
        session.add(
            IdempotencyRecord(
                actor=owner_of(subject),
                key=self.key,
                request_hash=self.request_hash,
                status_code=status_code,
                response_body=result.model_dump(mode="json"),
            )
        )
        await session.flush()

    async def respond(
        self,
        session: AsyncSession,
        subject: Subject,
        status_code: int,
        produce: Callable[[], Awaitable[BaseModel]],
        *,
        location: str | None = None,
        content: bytes | None = None,
    ) -> BaseModel | JSONResponse:
        """The stored answer for a repeated key; otherwise produce one and keep it.
        `location` is the created object's path with the answer's fields as placeholders
        (`/v1/programs/{id}`): it becomes the `Location` header, on a replay too."""
        if (replayed := await self.replay(session, subject, location, content)) is not None:
            return replayed
        result = await produce()
        await self.remember(session, subject, status_code, result)
        if location is not None:
            self.response.headers["Location"] = location.format_map(vars(result))
        return result


async def idempotency(
    request: Request, response: Response, key: IdempotencyKeyHeader = None
) -> Idempotency:
    return Idempotency(request, response, key)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
