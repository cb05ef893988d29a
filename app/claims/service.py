"""The claim workflow's other steps (R16): review, documents, rejection and payment."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.auth.subject import Subject
from app.calendar import working_days_between
from app.claims.documents import note_documents
from app.claims.models import Claim, DocumentType
from app.claims.schemas import ClaimPayment, ClaimRejection
from app.claims.transitions import move, record_step
from app.claims.workflow import ClaimAction
from app.errors import Unprocessable
from app.i18n import msg


class PaidBeforeApproval(Unprocessable):
    code, title = "PAID_BEFORE_APPROVAL", "A benefit is paid on or after its approval"


def working_days_to_payment(claim: Claim) -> int | None:
    """R16: from complete documents to payment (BPJS aims at about 3 working days)."""
    if claim.paid_on is None or claim.documents_complete_on is None:
        return None
    return working_days_between(claim.documents_complete_on, claim.paid_on)


async def review(session: AsyncSession, subject: Subject, claim_id: uuid.UUID) -> Claim:
    claim, before = await move(session, subject, claim_id, ClaimAction.review)
    record_step(session, subject, claim, before)
    return claim


async def request_documents(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, note: str
) -> Claim:
    claim, before = await move(session, subject, claim_id, ClaimAction.request_documents)
    claim.documents_note = note
    record_step(session, subject, claim, before, note)
    return claim


async def submit_documents(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, documents: list[DocumentType]
) -> Claim:
    claim, before = await move(session, subject, claim_id, ClaimAction.submit_documents)
    note_documents(claim, documents)
    record_step(session, subject, claim, before, ", ".join(sorted({d.value for d in documents})))
    return claim


async def reject(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, data: ClaimRejection
) -> Claim:
    claim, before = await move(session, subject, claim_id, ClaimAction.reject)
    claim.rejection_code, claim.rejection_detail = data.reason_code, data.detail
    record_step(session, subject, claim, before, data.reason_code)
    return claim


async def pay(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, data: ClaimPayment
) -> Claim:
    claim, before = await move(session, subject, claim_id, ClaimAction.pay)
    if data.paid_on > clock.today():
        raise Unprocessable(msg("claim.paid_on_future"))
    if claim.approved_on is not None and data.paid_on < claim.approved_on:
        raise PaidBeforeApproval(
            msg("claim.paid_before_approval", approved_on=claim.approved_on.isoformat())
        )
    claim.payment_reference, claim.paid_on = data.reference, data.paid_on
    record_step(session, subject, claim, before, data.reference)
    return claim
