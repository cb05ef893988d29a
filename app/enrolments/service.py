"""Enrolling one worker: assessed, priced and paid for from the budget in one step (R6, R8)."""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import record
from app.auth.subject import Subject
from app.enrolments.assessment import assess
from app.enrolments.models import Enrolment
from app.errors import DomainError
from app.i18n import msg
from app.programs import budget
from app.programs.repository import get_visible as get_program
from app.workers import nik as nik_rules
from app.workers import repository as worker_repository
from app.workers.schemas import WorkerInput
from app.workers.service import upsert_worker


class Ineligible(DomainError):
    status, code, title = 422, "INELIGIBLE", "The person is not eligible for this programme"


async def enrol(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    data: WorkerInput,
    start_month: str | None,
) -> Enrolment:
    # Lock order everywhere: programme row, then person rows (R6 budget, one cover per NIK).
    program = await get_program(session, subject, program_id, for_update=True)
    nik = nik_rules.normalise(data.nik)
    if nik_rules.is_valid(nik):
        await worker_repository.lock_persons(session, [nik])
    assessment = await assess(session, program, data, start_month)
    if assessment.reasons:
        raise Ineligible(msg("enrolment.ineligible"), reasons=assessment.reasons)
    assert assessment.cost_idr is not None and assessment.monthly_contribution_idr is not None
    existing = await worker_repository.workers_by_nik(session, program.region_code, [nik])
    worker = await upsert_worker(session, program.region_code, data, existing.get(nik))
    enrolment = Enrolment(
        program_id=program.id,
        worker_id=worker.id,
        region_code=program.region_code,
        nik=nik,
        occupation=data.occupation.value,
        start_month=assessment.start_month,
        end_month=assessment.end_month,
        monthly_contribution_idr=assessment.monthly_contribution_idr,
        cost_idr=assessment.cost_idr,
        registered_on=assessment.registered_on,
    )
    session.add(enrolment)
    budget.reserve(program, assessment.cost_idr)
    session.add(program)
    await session.flush()
    record(
        session,
        subject,
        "enrolment.create",
        "enrolment",
        enrolment.id,
        region_code=program.region_code,
        details={
            "program_id": str(program.id),
            "worker_id": str(worker.id),
            "cost_idr": enrolment.cost_idr,
        },
    )
    return enrolment
