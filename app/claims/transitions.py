"""Moving a claim through the R16 workflow, and recording each step (who, when, why)."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import record
from app.auth.subject import Subject
from app.claims import workflow
from app.claims.models import Claim, ClaimEvent, ClaimStatus
from app.claims.repository import get_claim
from app.claims.workflow import ClaimAction
from app.db import utcnow


def record_step(
    session: AsyncSession,
    subject: Subject,
    claim: Claim,
    before: ClaimStatus | None,
    note: str | None = None,
) -> None:
    session.add(
        ClaimEvent(
            claim_id=claim.id,
            from_status=before,
            to_status=claim.status,
            actor=subject.sub,
            role=subject.role.value,
            note=note,
        )
    )
    record(
        session,
        subject,
        f"claim.{claim.status}",
        "claim",
        claim.id,
        region_code=claim.region_code,
        details={"from": before},
    )


async def move(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, action: ClaimAction
) -> tuple[Claim, ClaimStatus]:
    """Lock the claim and take it to the state `action` leads to (409 naming the current
    state when it cannot)."""
    claim = await get_claim(session, subject, claim_id, for_update=True)
    before = ClaimStatus(claim.status)
    claim.status = workflow.next_status(before, action).value
    claim.updated_at = utcnow()
    return claim, before
