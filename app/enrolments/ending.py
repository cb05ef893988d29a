"""The one place that ends an enrolment: termination, death (R10, R20) and withdrawal, each
giving back the money of the months no longer covered (R23)."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import record
from app.auth.subject import Subject
from app.billing.credits import Credit, credit_after
from app.db import utcnow
from app.enrolments import repository
from app.enrolments.assessment import price
from app.enrolments.models import Enrolment, EnrolmentStatus, TerminationReason
from app.errors import Unprocessable
from app.i18n import msg
from app.months import add_months
from app.programs import budget
from app.programs.costing import Occupation
from app.programs.models import Program
from app.programs.repository import get_visible as get_program


async def shorten(
    session: AsyncSession,
    subject: Subject,
    program: Program,
    enrolment: Enrolment,
    last_month: str,
    reason: str,
) -> tuple[int, Credit]:
    """Cover up to `last_month` only: later months leave the budget's committed money, their
    invoiced amounts are credited (R23). Returns (released, credit). The caller holds the
    programme's lock, then the enrolment's."""
    if last_month >= enrolment.end_month:
        return 0, Credit(0, None)
    if last_month < enrolment.start_month:
        kept = 0
    else:
        _, kept = price(
            program, Occupation(enrolment.occupation), enrolment.start_month, last_month
        )
    credit = await credit_after(session, subject, enrolment, last_month, reason)
    released = enrolment.cost_idr - kept
    budget.release(program, released)
    enrolment.end_month = max(last_month, enrolment.start_month)
    enrolment.cost_idr = kept
    enrolment.updated_at = utcnow()
    return released, credit


async def end_enrolment(
    session: AsyncSession,
    subject: Subject,
    program: Program,
    enrolment: Enrolment,
    last_month: str,
    reason: TerminationReason,
) -> tuple[int, Credit]:
    """Cover ends after `last_month`; an active enrolment becomes terminated."""
    released, credit = await shorten(session, subject, program, enrolment, last_month, reason)
    if enrolment.status == EnrolmentStatus.active:
        budget.release(program, 0, workers=1)
        enrolment.status = EnrolmentStatus.terminated.value
        enrolment.termination_reason = reason.value
        enrolment.terminated_at = enrolment.updated_at = utcnow()
    session.add_all([enrolment, program])
    return released, credit


async def withdraw(
    session: AsyncSession, subject: Subject, program: Program, enrolment: Enrolment, why: str
) -> None:
    """An enrolment that will never cover anything (its member died before it began): all of
    its money goes back, billed months are credited, and it ends as rejected."""
    await shorten(
        session,
        subject,
        program,
        enrolment,
        add_months(enrolment.start_month, -1),
        TerminationReason.deceased.value,
    )
    budget.release(program, 0, workers=1)
    enrolment.status = EnrolmentStatus.rejected.value
    enrolment.rejection_reason = why
    enrolment.updated_at = utcnow()
    session.add_all([program, enrolment])


async def terminate(
    session: AsyncSession,
    subject: Subject,
    enrolment_id: uuid.UUID,
    reason_code: TerminationReason,
    last_month: str,
) -> Enrolment:
    # Lock order: programme, then enrolment, then (in crediting) its invoices.
    enrolment = await repository.get_visible(session, subject, enrolment_id)
    program = await get_program(session, subject, enrolment.program_id, for_update=True)
    enrolment = await repository.get_visible(session, subject, enrolment_id, for_update=True)
    repository.require_status(enrolment, EnrolmentStatus.active)
    if not enrolment.start_month <= last_month <= enrolment.end_month:
        raise Unprocessable(
            msg(
                "enrolment.last_month_outside", start=enrolment.start_month, end=enrolment.end_month
            )
        )
    released, credit = await end_enrolment(
        session, subject, program, enrolment, last_month, reason_code
    )
    await session.flush()
    record(
        session,
        subject,
        "enrolment.terminate",
        "enrolment",
        enrolment.id,
        region_code=enrolment.region_code,
        details={
            "reason": reason_code.value,
            "last_month": last_month,
            "released_idr": released,
            "credited_on_invoices_idr": credit.on_invoices_idr,
            "credit_note_id": str(credit.note.id) if credit.note else None,
        },
    )
    return enrolment
