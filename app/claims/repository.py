"""Claim queries, always through the territory filter."""

import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.claims.models import Claim, ClaimEvent, ClaimStatus
from app.errors import NotFound
from app.pagination import PageParams, keyset, page_of
from app.territory import get_visible_by_id, visible


class ClaimNotFound(NotFound):
    code, title = "CLAIM_NOT_FOUND", "No such claim"


async def get_claim(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, *, for_update: bool = False
) -> Claim:
    return await get_visible_by_id(
        session, subject, Claim, claim_id, ClaimNotFound, for_update=for_update
    )


async def list_visible(
    session: AsyncSession, subject: Subject, params: PageParams, *, status: str | None = None
) -> tuple[list[Claim], str | None]:
    stmt = visible(select(Claim), subject, Claim.region_code)
    if status is not None:
        stmt = stmt.where(Claim.status == status)
    rows = list((await session.exec(keyset(stmt, Claim.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda c: c.id)


async def histories(
    session: AsyncSession, claim_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ClaimEvent]]:
    """Each claim's steps in order, for a whole page of claims in one query."""
    found: dict[uuid.UUID, list[ClaimEvent]] = {claim_id: [] for claim_id in claim_ids}
    for event in await session.exec(
        select(ClaimEvent)
        .where(col(ClaimEvent.claim_id).in_(claim_ids))
        .order_by(col(ClaimEvent.occurred_at), col(ClaimEvent.id))
    ):
        found[event.claim_id].append(event)
    return found


async def live_claim_exists(session: AsyncSession, nik: str) -> bool:
    """R15: a claim for the NIK that is not rejected, in any region."""
    found = await session.exec(
        select(Claim.id).where(Claim.nik == nik, Claim.status != ClaimStatus.rejected.value)
    )
    return found.first() is not None
